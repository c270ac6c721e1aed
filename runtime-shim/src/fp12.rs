//! BN254's extension fields for the pairing (`pairing.rs`), on ZisK's bn254_complex_add/sub/mul
//! precompiles: Fp2 = Fp[u]/(u² + 1) is what the precompiles compute in, and Fp12 is kept
//! *flat* over it, Fp12 = Fp2[w]/(w⁶ − ξ) with ξ = 9 + u, as six Fp2 coefficients of 1, w, …,
//! w⁵. (The usual tower Fp2 ⊂ Fp6 ⊂ Fp12 with v = w² is the same field; nothing outside the
//! pairing sees an Fp12 value, and the flat form makes every product a plain sum of Fp2
//! products.)
//!
//! Every value lives at a fixed scratch address ([`at`]): an Fp2 is 8 u64 (real ‖ imaginary,
//! 4 little-endian limbs each), an Fp12 48. The precompiles work in place (a ← a ∘ b), so
//! each product starts from a copy; copies of whole Fp2s and Fp12s are one DMA op (two steps
//! against sixteen for eight loads and stores). All inputs are canonical (< p), as the
//! precompiles need; their results are.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{InstBuilder, TrapCode, Value};
use zisk_wasm_environ::builtins::memmove;
use zisk_wasm_environ::memory_map::{ACCEL_SCRATCH_ADDR, ACCEL_SCRATCH_SIZE};
use zisk_wasm_environ::names::Intrinsic;

use crate::ec::{self, abs, Shim};

pub const FP2: u64 = 64;
pub const FP12: u64 = 6 * FP2;

/// Scratch layout, past the curve accelerators' integers (`ec::at`): Fp2 constants and
/// temporaries, the pairing's points, then Fp12 slots.
pub mod at {
    use super::*;
    const BASE: u64 = ACCEL_SCRATCH_ADDR + 0x1000;
    const fn fp2(i: u64) -> u64 {
        BASE + FP2 * i
    }
    pub const ZERO: u64 = fp2(0);
    pub const ONE: u64 = fp2(1);
    pub const XI: u64 = fp2(2);
    pub const MINUS_ONE: u64 = fp2(3);
    pub const THREE: u64 = fp2(4);
    /// The twist's b' = 3/ξ.
    pub const TWIST_B: u64 = fp2(5);
    /// γ[k][i] = ξ^(i(p^k − 1)/6) for k = 1, 2, 3 and i = 1..5 (15 Fp2).
    pub const GAMMA: u64 = fp2(6);
    /// Temporaries of the Fp12 routines.
    pub const T0: u64 = fp2(21);
    pub const T1: u64 = fp2(22);
    pub const G1X: u64 = fp2(23);
    pub const G3X: u64 = fp2(24);
    pub const CHECK: u64 = fp2(25);
    pub const INV: u64 = fp2(26);
    /// The pairing's own: slope, numerator, denominator, new x, line coefficients, the G1
    /// point's x and y as Fp2 (imaginary 0).
    pub const LAMBDA: u64 = fp2(27);
    pub const NUM: u64 = fp2(28);
    pub const DEN: u64 = fp2(29);
    pub const X3: u64 = fp2(30);
    pub const LINE1: u64 = fp2(31);
    pub const LINE3: u64 = fp2(32);
    pub const PX: u64 = fp2(33);
    pub const PY: u64 = fp2(34);
    /// One pair's Miller-loop state, kept together (one DMA copy to or from its place in a
    /// batch, [`PAIR_STATE`] bytes): −x_P/y_P and 1/y_P as Fp2, the G2 point Q (x ‖ y, Fp2
    /// each), and the loop's multiple T of Q.
    pub const XP: u64 = fp2(35);
    pub const YP: u64 = fp2(36);
    pub const Q: u64 = fp2(37);
    pub const T: u64 = fp2(39);
    pub const PAIR_STATE: u64 = 6 * FP2;
    /// A G1 point as x ‖ y (4 limbs each), for `ec`'s checks.
    pub const G1: u64 = fp2(41);
    /// π(Q) or −π²(Q) in the Miller loop; the subgroup check's x·Q.
    pub const QF: u64 = fp2(42);
    pub const S: u64 = fp2(44);
    /// The subgroup check's sides and ψ images.
    pub const LHS: u64 = fp2(46);
    pub const RHS: u64 = fp2(48);
    pub const PSI: u64 = fp2(50);
    const FP12_BASE: u64 = fp2(52);
    /// Fp12 slot `i`.
    pub const fn z(i: u64) -> u64 {
        FP12_BASE + FP12 * i
    }
    pub const SLOTS: u64 = 19;
    pub const END: u64 = z(SLOTS);
}
const _: () = assert!(at::END <= ACCEL_SCRATCH_ADDR + ACCEL_SCRATCH_SIZE);

/// BN254's p.
pub const P: ec::U256 = [0x3C20_8C16_D87C_FD47, 0x9781_6A91_6871_CA8D, 0xB850_45B6_8181_585D, 0x3064_4E72_E131_A029];

const TWIST_B: [u64; 8] = [
    0x3267E6DC24A138E5, 0xB5B4C5E559DBEFA3, 0x81BE18991BE06AC3, 0x2B149D40CEB8AAAE,
    0xE4A2BD0685C315D2, 0xA74FA084E52D1852, 0xCD2CAFADEED8FDF4, 0x009713B03AF0FED4,
];

/// γ[k − 1][i − 1] = ξ^(i(p^k − 1)/6): the Frobenius map's coefficients (w^(p^k) = γ·w).
const GAMMA: [[[u64; 8]; 5]; 3] = [
    [
        [0xD60B35DADCC9E470, 0x5C521E08292F2176, 0xE8B99FDD76E68B60, 0x1284B71C2865A7DF, 0xCA5CF05F80F362AC, 0x747992778EEEC7E5, 0xA6327CFE12150B8E, 0x246996F3B4FAE7E6],
        [0x99E39557176F553D, 0xB78CC310C2C3330C, 0x4C0BEC3CF559B143, 0x2FB347984F7911F7, 0x1665D51C640FCBA2, 0x32AE2A1D0B7C9DCE, 0x4BA4CC8BD75A0794, 0x16C9E55061EBAE20],
        [0xDC54014671A0135A, 0xDBAAE0EDA9C95998, 0xDC5EC698B6E2F9B9, 0x063CF305489AF5DC, 0x82D37F632623B0E3, 0x21807DC98FA25BD2, 0x0704B5A7EC796F2B, 0x07C03CBCAC41049A],
        [0x848A1F55921EA762, 0xD33365F7BE94EC72, 0x80F3C0B75A181E84, 0x05B54F5E64EEA801, 0xC13B4711CD2B8126, 0x3685D2EA1BDEC763, 0x9F3A80B03B0B1C92, 0x2C145EDBE7FD8AEE],
        [0x2EA2C810EAB7692F, 0x425C459B55AA1BD3, 0xE93A3661A4353FF4, 0x0183C1E74F798649, 0x24C6B8EE6E0C2C4B, 0xB080CB99678E2AC0, 0xA27FB246C7729F7D, 0x12ACF2CA76FD0675],
    ],
    [
        [0xE4BD44E5607CFD49, 0xC28F069FBB966E3D, 0x5E6DD9E7E0ACCCB0, 0x30644E72E131A029, 0, 0, 0, 0],
        [0xE4BD44E5607CFD48, 0xC28F069FBB966E3D, 0x5E6DD9E7E0ACCCB0, 0x30644E72E131A029, 0, 0, 0, 0],
        [0x3C208C16D87CFD46, 0x97816A916871CA8D, 0xB85045B68181585D, 0x30644E72E131A029, 0, 0, 0, 0],
        [0x5763473177FFFFFE, 0xD4F263F1ACDB5C4F, 0x59E26BCEA0D48BAC, 0, 0, 0, 0, 0],
        [0x5763473177FFFFFF, 0xD4F263F1ACDB5C4F, 0x59E26BCEA0D48BAC, 0, 0, 0, 0, 0],
    ],
    [
        [0xE86F7D391ED4A67F, 0x894CB38DBE55D24A, 0xEFE9608CD0ACAA90, 0x19DC81CFCC82E4BB, 0x7694AA2BF4C0C101, 0x7F03A5E397D439EC, 0x06CBEEE33576139D, 0x00ABF8B60BE77D73],
        [0x7B746EE87BDCFB6D, 0x805FFD3D5D6942D3, 0xBAFF1C77959F25AC, 0x0856E078B755EF0A, 0x380CAB2BAAA586DE, 0x0FDF31BF98FF2631, 0xA9F30E6DEC26094F, 0x04F1DE41B3D1766F],
        [0x5FCC8AD066DCE9ED, 0xBBD689A3BEA870F4, 0xDBF17F1DCA9E5EA3, 0x2A275B6D9896AA4C, 0xB94D0CB3B2594C64, 0x7600ECC7D8CF6EBA, 0xB14B900E9507E932, 0x28A411B634F09B8F],
        [0x0E1A92BC3CCBF066, 0xE633094575B06BCB, 0x19BEE0F7B5B2444E, 0x0BC58C6611C08DAB, 0x5FE3ED9D730C239F, 0xA44A9E08737F96E5, 0xFEB0F6EF0CD21D04, 0x23D5E999E1910A12],
        [0xEBDE847076261B43, 0x2ED68098967C84A5, 0x711699FA3B4D3F69, 0x13C49044952C0905, 0x1F25041384282499, 0x3E2DDAEA20028021, 0x9FB1B2282A48633D, 0x16DB366A59B1DD0B],
    ],
];

/// The address of γ[k][i] (k in 1..=3, i in 1..=5).
pub const fn gamma(k: u64, i: u64) -> u64 {
    at::GAMMA + FP2 * (5 * (k - 1) + (i - 1))
}

/// Coefficient `i` (of wⁱ) of the Fp12 at `f`.
pub const fn coef(f: u64, i: u64) -> u64 {
    f + FP2 * i
}

/// The Fp2 at `dst` ← `value` (real limbs, then imaginary).
fn set2(s: &mut Shim, dst: u64, value: [u64; 8]) {
    ec::set(s, dst, value[..4].try_into().unwrap());
    ec::set(s, dst + 32, value[4..].try_into().unwrap());
}

/// Writes the constants every routine here reads (and `ec`'s for BN254's p).
pub fn constants(s: &mut Shim) {
    let p_minus_1 = ec::minus(P, 1);
    set2(s, at::ZERO, [0; 8]);
    set2(s, at::ONE, [1, 0, 0, 0, 0, 0, 0, 0]);
    set2(s, at::XI, [9, 0, 0, 0, 1, 0, 0, 0]);
    set2(s, at::MINUS_ONE, [p_minus_1[0], p_minus_1[1], p_minus_1[2], p_minus_1[3], 0, 0, 0, 0]);
    set2(s, at::THREE, [3, 0, 0, 0, 0, 0, 0, 0]);
    set2(s, at::TWIST_B, TWIST_B);
    for (k, row) in GAMMA.iter().enumerate() {
        for (i, g) in row.iter().enumerate() {
            set2(s, gamma(k as u64 + 1, i as u64 + 1), *g);
        }
    }
}

fn complex(s: &mut Shim, op: Intrinsic, a: u64, b: u64) {
    let (a, b) = (abs(s, a), abs(s, b));
    s.intrinsic(op, &[a, b]);
}

/// a ← a · b (a and b may be the same).
pub fn mul2(s: &mut Shim, a: u64, b: u64) {
    complex(s, Intrinsic::Bn254ComplexMul, a, b);
}

/// a ← a + b.
pub fn add2(s: &mut Shim, a: u64, b: u64) {
    complex(s, Intrinsic::Bn254ComplexAdd, a, b);
}

/// a ← a − b.
pub fn sub2(s: &mut Shim, a: u64, b: u64) {
    complex(s, Intrinsic::Bn254ComplexSub, a, b);
}

/// Copies `bytes` from `src` to `dst` by one DMA op.
pub fn copy(s: &mut Shim, dst: u64, src: u64, bytes: u64) {
    let (dst, src, len) = (abs(s, dst), abs(s, src), abs(s, bytes));
    memmove(&mut s.b, dst, src, len, 1);
}

pub fn copy2(s: &mut Shim, dst: u64, src: u64) {
    copy(s, dst, src, FP2);
}

pub fn copy12(s: &mut Shim, dst: u64, src: u64) {
    copy(s, dst, src, FP12);
}

/// dst ← a · b, from a copy of a.
pub fn product2(s: &mut Shim, dst: u64, a: u64, b: u64) {
    copy2(s, dst, a);
    mul2(s, dst, b);
}

/// The imaginary part of the Fp2 at `a` negated in place (a ← ā), by one arith256_mod:
/// the precompiles have no conjugation.
pub fn conj2(s: &mut Shim, a: u64) {
    ec::mul_add(s, a + 32, a + 32, ec::at::P_MINUS_1, ec::at::ZERO, ec::at::P);
}

/// dst ← the sum of the products `terms`, doubled if `double`, plus `square`² if given; T0 is
/// its temporary. Returns false (writing nothing) when there is nothing to sum.
fn sum_of_products(s: &mut Shim, dst: u64, terms: &[(u64, u64)], double: bool, square: Option<u64>) -> bool {
    let mut written = false;
    // dst ← a·b, or dst += a·b once something is there.
    let mut accumulate = |s: &mut Shim, a: u64, b: u64| {
        if written {
            product2(s, at::T0, a, b);
            add2(s, dst, at::T0);
        } else {
            product2(s, dst, a, b);
            written = true;
        }
    };
    for &(a, b) in terms {
        accumulate(s, a, b);
    }
    if double && !terms.is_empty() {
        add2(s, dst, dst);
    }
    if let Some(a) = square {
        accumulate(s, a, a);
    }
    !terms.is_empty() || square.is_some()
}

/// h_k = Σ_{i+j=k} f_i g_j + ξ Σ_{i+j=k+6} f_i g_j, for the pairs (i, j) `pairs(sum)` lists.
fn flat_product(s: &mut Shim, h: u64, pairs: impl Fn(u64) -> (Vec<(u64, u64)>, Option<u64>), double: bool) {
    for k in 0..6 {
        let hk = coef(h, k);
        let (wrap, wrap_square) = pairs(k + 6);
        let wrapped = sum_of_products(s, hk, &wrap, double, wrap_square);
        if wrapped {
            mul2(s, hk, at::XI);
        }
        let (direct, direct_square) = pairs(k);
        if wrapped {
            if sum_of_products(s, at::T1, &direct, double, direct_square) {
                add2(s, hk, at::T1);
            }
        } else {
            let written = sum_of_products(s, hk, &direct, double, direct_square);
            assert!(written, "every coefficient has a direct term");
        }
    }
}

/// h ← f · g (h distinct from f and g): 36 Fp2 products.
pub fn mul12(s: &mut Shim, h: u64, f: u64, g: u64) {
    assert!(h != f && h != g);
    flat_product(
        s,
        h,
        |sum| ((0..6).filter(|&i| sum >= i && sum - i < 6).map(|i| (coef(f, i), coef(g, sum - i))).collect(), None),
        false,
    );
}

/// h ← f² (h distinct from f): 21 Fp2 products, the cross terms once and doubled.
pub fn sqr12(s: &mut Shim, h: u64, f: u64) {
    assert!(h != f);
    flat_product(
        s,
        h,
        |sum| {
            let cross = (0..6).filter(|&i| sum > 2 * i && sum - i < 6).map(|i| (coef(f, i), coef(f, sum - i))).collect();
            let square = (sum % 2 == 0 && sum / 2 < 6).then(|| coef(f, sum / 2));
            (cross, square)
        },
        true,
    );
}

/// (re, im) ← (a0 + a1·t)² in Fp4 = Fp2[t]/(t² − ξ), t = w³: (a0² + ξa1², 2a0a1).
fn fp4_square(s: &mut Shim, re: u64, im: u64, a0: u64, a1: u64) {
    product2(s, re, a0, a0);
    product2(s, at::T0, a1, a1);
    mul2(s, at::T0, at::XI);
    add2(s, re, at::T0);
    product2(s, im, a0, a1);
    add2(s, im, im);
}

/// a ← 3a − 2b (`minus`) or 3a + 2b, as (a ∓ b)·3 ± b.
fn thrice_and_twice(s: &mut Shim, a: u64, b: u64, minus: bool) {
    if minus {
        sub2(s, a, b);
        mul2(s, a, at::THREE);
        add2(s, a, b);
    } else {
        add2(s, a, b);
        mul2(s, a, at::THREE);
        sub2(s, a, b);
    }
}

/// h ← f² for f in the cyclotomic subgroup (f^(p⁴ − p² + 1) = 1: everything after the final
/// exponentiation's easy part), h distinct from f: Granger and Scott's squaring. Over Fp4
/// (t = w³), f = A0 + A1·w + A2·w² with Aᵢ = fᵢ + fᵢ₊₃·t, and
/// f² = (3A0² − 2Ā0) + (3t·A2² + 2Ā1)·w + (3A1² − 2Ā2)·w², Ā the conjugate (t ↦ −t):
/// 9 Fp2 products where a general squaring takes 21.
pub fn cyclotomic_sqr12(s: &mut Shim, h: u64, f: u64) {
    assert!(h != f);
    let (f, h) = (|i| coef(f, i), |i| coef(h, i));
    // A0² → (h0, h3), A1² → (h2, h5), A2² → (h4, h1) as (re, im).
    fp4_square(s, h(0), h(3), f(0), f(3));
    fp4_square(s, h(2), h(5), f(1), f(4));
    fp4_square(s, h(4), h(1), f(2), f(5));
    // t·A2² = (ξ·im, re).
    mul2(s, h(1), at::XI);
    for (i, minus) in [(0, true), (3, false), (2, true), (5, false), (1, false), (4, true)] {
        thrice_and_twice(s, h(i), f(i), minus);
    }
}

/// h ← f · (1 + g1·w + g3·w³) (h distinct from f), the pairing's line shape: 12 products.
pub fn line_mul12(s: &mut Shim, h: u64, f: u64, g1: u64, g3: u64) {
    assert!(h != f);
    product2(s, at::G1X, g1, at::XI);
    product2(s, at::G3X, g3, at::XI);
    for k in 0..6 {
        // w^(k−1)·g1 and w^(k−3)·g3, ξ-scaled where the index wraps past w⁶.
        let (a, ga) = if k >= 1 { (k - 1, g1) } else { (5, at::G1X) };
        let (b, gb) = if k >= 3 { (k - 3, g3) } else { (k + 3, at::G3X) };
        let hk = coef(h, k);
        product2(s, hk, coef(f, a), ga);
        product2(s, at::T0, coef(f, b), gb);
        add2(s, hk, at::T0);
        add2(s, hk, coef(f, k));
    }
}

/// f ← f^(p⁶) in place: w^(p⁶) = −w, so the odd coefficients change sign.
pub fn conj12(s: &mut Shim, f: u64) {
    for i in [1, 3, 5] {
        mul2(s, coef(f, i), at::MINUS_ONE);
    }
}

/// h ← f^(p^k) for k in 1..=3 (h may be f): each coefficient conjugated when k is odd and
/// scaled by γ[k][i].
pub fn frob12(s: &mut Shim, h: u64, f: u64, k: u64) {
    if h != f {
        copy12(s, h, f);
    }
    for i in 0..6 {
        if k % 2 == 1 {
            conj2(s, coef(h, i));
        }
        if i > 0 {
            mul2(s, coef(h, i), gamma(k, i));
        }
    }
}

/// dst ← 1/a for a nonzero Fp2 at `a`: ziskos' hint, checked by one product (a failed check,
/// a lying prover's, traps: it can only stop its own proof).
pub fn inverse2(s: &mut Shim, dst: u64, a: u64) {
    let (real, imaginary) = (abs(s, a), abs(s, a + 32));
    s.intrinsic(Intrinsic::HintParam4, &[real]);
    s.intrinsic(Intrinsic::HintParam4, &[imaginary]);
    s.intrinsic(Intrinsic::HintBn254Fp2Inv, &[]);
    let base = abs(s, dst);
    for w in 0..8 {
        let get = s.intrinsic(Intrinsic::HintGet, &[]);
        let word = s.b.inst_results(get)[0];
        s.store(word, base, 8 * w);
    }
    product2(s, at::CHECK, dst, a);
    let (check, one) = (abs(s, at::CHECK), abs(s, at::ONE));
    let good = ec::equal(s, check, one, 8);
    s.b.ins().trapz(good, TrapCode::UnreachableCodeReached);
}

/// h ← 1/f for a nonzero f (h distinct from f; slots `tmp` are four free Fp12): with
/// g = f·f̄ in Fp6 and N = g·g^(p²)·g^(p⁴) in Fp2, 1/f = f̄·g^(p²)·g^(p⁴)/N.
pub fn inv12(s: &mut Shim, h: u64, f: u64, tmp: [u64; 4]) {
    let [bar, g, g2, g24] = tmp;
    copy12(s, bar, f);
    conj12(s, bar);
    mul12(s, g, f, bar);
    frob12(s, g2, g, 2);
    frob12(s, h, g2, 2);
    mul12(s, g24, g2, h);
    mul12(s, g2, g, g24);
    inverse2(s, at::INV, coef(g2, 0));
    mul12(s, h, bar, g24);
    for i in 0..6 {
        mul2(s, coef(h, i), at::INV);
    }
}

/// f ← 1.
pub fn one12(s: &mut Shim, f: u64) {
    let (base, bytes) = (abs(s, f), abs(s, FP12));
    s.zero_bytes(base, bytes);
    copy2(s, coef(f, 0), at::ONE);
}

/// Whether the Fp12 at `f` is 1 (an i8).
pub fn is_one12(s: &mut Shim, f: u64) -> Value {
    let base = abs(s, f);
    let low = s.load(I64, base, 0);
    let mut any = s.b.ins().bxor_imm(low, 1);
    for w in 1..48 {
        let word = s.load(I64, base, 8 * w);
        any = s.b.ins().bor(any, word);
    }
    s.b.ins().icmp_imm(IntCC::Equal, any, 0)
}
