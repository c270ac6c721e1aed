//! `zkvm_secp256k1_ecrecover` and `zkvm_secp256k1_verify` on ZisK's arith256_mod,
//! secp256k1_add and secp256k1_dbl precompiles, with ziskos 1.4.0-alpha's semantics:
//! - inputs big-endian bytes (hash 32, signature r ‖ s 64, public key x ‖ y 64);
//! - recovery: r and s in [1, n−1] and recid 0 or 1 (R's y parity; ziskos has no r + n
//!   case), else `ZKVM_EFAIL`; so is an r that is no curve point's x, and a result at
//!   infinity;
//! - verification: the status is `ZKVM_EOK` and `*verified` says; high s is accepted (as
//!   ziskos does), the key must be canonical, on the curve and not the all-zero identity.
//!
//! Every 256-bit value lives in the accelerator scratch region as four little-endian u64
//! limbs at a fixed address, so each modular multiplication is one precompile call on a
//! parameter block of five fixed pointers. Inverses and the square root are exponentiations
//! by constant exponents, unrolled (ziskos hints them instead; we have no hint channel).
//! u1·G + u2·R is Shamir's simultaneous double-and-add over 256 bits, with every case the
//! add precompile cannot take (equal x, infinity) branched around.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64, I8};
use cranelift_codegen::ir::{InstBuilder, MemFlags, Value};
use cranelift_frontend::Variable;
use zisk_wasm_environ::memory_map::{ACCEL_SCRATCH_ADDR, ACCEL_SCRATCH_SIZE};
use zisk_wasm_environ::names::Intrinsic;

use crate::clif::Shim;

type U256 = [u64; 4];

/// The field prime p and the group order n, little-endian limbs.
const P: U256 = [0xFFFF_FFFE_FFFF_FC2F, u64::MAX, u64::MAX, u64::MAX];
const N: U256 = [0xBFD2_5E8C_D036_4141, 0xBAAE_DCE6_AF48_A03B, 0xFFFF_FFFF_FFFF_FFFE, u64::MAX];
const GX: U256 = [0x59F2_815B_16F8_1798, 0x029B_FCDB_2DCE_28D9, 0x55A0_6295_CE87_0B07, 0x79BE_667E_F9DC_BBAC];
const GY: U256 = [0x9C47_D08F_FB10_D4B8, 0xFD17_B448_A685_5419, 0x5DA4_FBFC_0E11_08A8, 0x483A_DA77_26A3_C465];

const fn minus(a: U256, k: u64) -> U256 {
    [a[0] - k, a[1], a[2], a[3]]
}
/// (p + 1) / 4: p ≡ 3 (mod 4), so x^((p+1)/4) is a square root of x when one exists.
const SQRT_EXP: U256 = [0xFFFF_FFFF_BFFF_FF0C, u64::MAX, u64::MAX, 0x3FFF_FFFF_FFFF_FFFF];

/// Scratch layout (offsets past the hash accelerators' first 0x400 bytes), 32 bytes per
/// integer, 64 per point.
mod at {
    use super::*;
    const BASE: u64 = ACCEL_SCRATCH_ADDR + 0x400;
    const fn int(i: u64) -> u64 {
        BASE + 32 * i
    }
    pub const P: u64 = int(0);
    pub const N: u64 = int(1);
    pub const ZERO: u64 = int(2);
    pub const SEVEN: u64 = int(3);
    pub const ONE: u64 = int(4);
    pub const P_MINUS_1: u64 = int(5);
    pub const N_MINUS_1: u64 = int(6);
    pub const R: u64 = int(7);
    pub const S: u64 = int(8);
    pub const Z: u64 = int(9);
    pub const U1: u64 = int(10);
    pub const U2: u64 = int(11);
    pub const T: u64 = int(12);
    pub const X2: u64 = int(13);
    pub const YSQ: u64 = int(14);
    pub const INV: u64 = int(15);
    pub const POW: u64 = int(16);
    /// The table Shamir's trick adds from: G, Q (R when recovering, the key when
    /// verifying), G + Q; then the accumulator.
    pub const G: u64 = int(17);
    pub const Q: u64 = int(19);
    pub const GQ: u64 = int(21);
    pub const ACC: u64 = int(23);
    /// Parameter blocks (five pointers): one rewritten per multiplication, two fixed for an
    /// exponentiation's squarings and multiplications.
    pub const PARAMS: u64 = int(25);
    pub const SQUARE: u64 = PARAMS + 40;
    pub const MULTIPLY: u64 = SQUARE + 40;
    pub const END: u64 = MULTIPLY + 40;
}
const _: () = assert!(at::END <= ACCEL_SCRATCH_ADDR + ACCEL_SCRATCH_SIZE);

const ZKVM_EOK: i64 = 0;
const ZKVM_EFAIL: i64 = -1;

fn guest() -> MemFlags {
    MemFlags::new().with_notrap()
}

fn abs(s: &mut Shim, addr: u64) -> Value {
    s.b.ins().iconst(I64, addr as i64)
}

fn set(s: &mut Shim, dst: u64, value: U256) {
    let base = abs(s, dst);
    for (k, limb) in value.iter().enumerate() {
        let v = s.b.ins().iconst(I64, *limb as i64);
        s.store(v, base, 8 * k as i32);
    }
}

/// Writes the constants every routine below reads.
fn constants(s: &mut Shim) {
    for (addr, value) in [
        (at::P, P),
        (at::N, N),
        (at::ZERO, [0; 4]),
        (at::SEVEN, [7, 0, 0, 0]),
        (at::ONE, [1, 0, 0, 0]),
        (at::P_MINUS_1, minus(P, 1)),
        (at::N_MINUS_1, minus(N, 1)),
        (at::G, GX),
        (at::G + 32, GY),
    ] {
        set(s, addr, value);
    }
}

/// Copies `words` u64 from `src` to `dst` (absolute addresses, values).
fn copy(s: &mut Shim, dst: Value, src: Value, words: i32) {
    for w in 0..words {
        let v = s.load(I64, src, 8 * w);
        s.store(v, dst, 8 * w);
    }
}

/// The big-endian 32 bytes at guest `src + offset` as limbs at `dst`.
fn read_be(s: &mut Shim, src: Value, offset: i32, dst: u64) {
    let base = abs(s, dst);
    for k in 0..4 {
        let word = s.b.ins().load(I64, guest(), src, offset + 24 - 8 * k);
        let limb = s.b.ins().bswap(word);
        s.store(limb, base, 8 * k);
    }
}

/// The limbs at `src` as 32 big-endian bytes at guest `dst + offset`.
fn write_be(s: &mut Shim, src: u64, dst: Value, offset: i32) {
    let base = abs(s, src);
    for k in 0..4 {
        let limb = s.load(I64, base, 8 * k);
        let word = s.b.ins().bswap(limb);
        s.b.ins().store(guest(), word, dst, offset + 24 - 8 * k);
    }
}

/// Whether the `words` u64 at `a` and `b` are equal (an i8).
fn equal(s: &mut Shim, a: Value, b: Value, words: i32) -> Value {
    let mut all = None;
    for w in 0..words {
        let (x, y) = (s.load(I64, a, 8 * w), s.load(I64, b, 8 * w));
        let e = s.b.ins().icmp(IntCC::Equal, x, y);
        all = Some(match all {
            None => e,
            Some(acc) => s.b.ins().band(acc, e),
        });
    }
    all.expect("at least one word")
}

fn limbs(s: &mut Shim, a: u64) -> [Value; 4] {
    let base = abs(s, a);
    [0, 1, 2, 3].map(|k| s.load(I64, base, 8 * k))
}

/// Whether the integer at `a` is zero (an i8).
fn is_zero(s: &mut Shim, a: u64) -> Value {
    let l = limbs(s, a);
    let (low, high) = (s.b.ins().bor(l[0], l[1]), s.b.ins().bor(l[2], l[3]));
    let any = s.b.ins().bor(low, high);
    s.b.ins().icmp_imm(IntCC::Equal, any, 0)
}

/// Whether the integer at `a` is above the constant `max` (an i8).
fn above(s: &mut Shim, a: u64, max: U256) -> Value {
    let l = limbs(s, a);
    // From the least significant limb up: above = a_k > m_k || (a_k == m_k && above).
    let mut above = s.b.ins().iconst(I8, 0);
    for k in 0..4 {
        let m = max[k] as i64;
        let gt = s.b.ins().icmp_imm(IntCC::UnsignedGreaterThan, l[k], m);
        let eq = s.b.ins().icmp_imm(IntCC::Equal, l[k], m);
        let carried = s.b.ins().band(eq, above);
        above = s.b.ins().bor(gt, carried);
    }
    above
}

/// Whether r or s (already read) lies outside [1, n − 1] (an i8).
fn bad_r_or_s(s: &mut Shim) -> Value {
    let mut bad = s.b.ins().iconst(I8, 0);
    for scalar in [at::R, at::S] {
        let zero = is_zero(s, scalar);
        let big = above(s, scalar, minus(N, 1));
        let either = s.b.ins().bor(zero, big);
        bad = s.b.ins().bor(bad, either);
    }
    bad
}

/// Points the five words at `block` to a, b, c, module and d.
fn params(s: &mut Shim, block: u64, [a, b, c, m, d]: [u64; 5]) {
    let base = abs(s, block);
    for (i, p) in [a, b, c, m, d].into_iter().enumerate() {
        let v = s.b.ins().iconst(I64, p as i64);
        s.store(v, base, 8 * i as i32);
    }
}

fn arith256_mod(s: &mut Shim, block: u64) {
    let f = Intrinsic::Arith256Mod.import_into(s.b.func);
    let block = abs(s, block);
    s.b.ins().call(f, &[block]);
}

/// d = (a·b + c) mod m.
fn mul_add(s: &mut Shim, d: u64, a: u64, b: u64, c: u64, m: u64) {
    params(s, at::PARAMS, [a, b, c, m, d]);
    arith256_mod(s, at::PARAMS);
}

/// d = base^exp mod m for a constant exp > 0, left to right; d may not be base.
fn pow(s: &mut Shim, d: u64, base: u64, exp: U256, m: u64) {
    assert_ne!(d, base);
    params(s, at::SQUARE, [at::POW, at::POW, at::ZERO, m, at::POW]);
    params(s, at::MULTIPLY, [at::POW, base, at::ZERO, m, at::POW]);
    let top = (0..256).rev().find(|&i| exp[i / 64] >> (i % 64) & 1 == 1).expect("a nonzero exponent");
    let (pow, from) = (abs(s, at::POW), abs(s, base));
    copy(s, pow, from, 4);
    for i in (0..top).rev() {
        arith256_mod(s, at::SQUARE);
        if exp[i / 64] >> (i % 64) & 1 == 1 {
            arith256_mod(s, at::MULTIPLY);
        }
    }
    let (to, pow) = (abs(s, d), abs(s, at::POW));
    copy(s, to, pow, 4);
}

/// Emits `then` when `cond` holds and continues after it.
fn when(s: &mut Shim, cond: Value, then: impl FnOnce(&mut Shim)) {
    let (yes, join) = (s.b.create_block(), s.b.create_block());
    s.b.ins().brif(cond, yes, &[], join, &[]);
    s.b.switch_to_block(yes);
    then(s);
    s.b.ins().jump(join, &[]);
    s.b.switch_to_block(join);
}

/// Emits `then` or `otherwise` by `cond` and continues after both.
fn either(s: &mut Shim, cond: Value, then: impl FnOnce(&mut Shim), otherwise: impl FnOnce(&mut Shim)) {
    let (yes, no, join) = (s.b.create_block(), s.b.create_block(), s.b.create_block());
    s.b.ins().brif(cond, yes, &[], no, &[]);
    s.b.switch_to_block(yes);
    then(s);
    s.b.ins().jump(join, &[]);
    s.b.switch_to_block(no);
    otherwise(s);
    s.b.ins().jump(join, &[]);
    s.b.switch_to_block(join);
}

/// Returns `status` when `cond` holds, after `before` (e.g. writing a verdict).
fn fail_if(s: &mut Shim, cond: Value, before: impl FnOnce(&mut Shim), status: i64) {
    let (fail, ok) = (s.b.create_block(), s.b.create_block());
    s.b.ins().brif(cond, fail, &[], ok, &[]);
    s.b.switch_to_block(fail);
    before(s);
    let v = s.b.ins().iconst(I32, status);
    s.b.ins().return_(&[v]);
    s.b.switch_to_block(ok);
}

fn secp256k1_dbl(s: &mut Shim, p: Value) {
    let f = Intrinsic::Secp256k1Dbl.import_into(s.b.func);
    s.b.ins().call(f, &[p]);
}

/// `acc += point` on affine points with an infinity flag for `acc` (an i64 variable):
/// the add precompile takes neither infinity nor equal x.
fn accumulate(s: &mut Shim, acc_inf: Variable, point: Value) {
    let acc = abs(s, at::ACC);
    let inf = s.b.use_var(acc_inf);
    either(
        s,
        inf,
        |s| {
            copy(s, acc, point, 8);
            let zero = s.b.ins().iconst(I64, 0);
            s.b.def_var(acc_inf, zero);
        },
        |s| {
            let same_x = equal(s, acc, point, 4);
            either(
                s,
                same_x,
                |s| {
                    let (acc_y, point_y) = (s.b.ins().iadd_imm(acc, 32), s.b.ins().iadd_imm(point, 32));
                    let same_y = equal(s, acc_y, point_y, 4);
                    // acc == point doubles; acc == −point cancels.
                    either(s, same_y, |s| secp256k1_dbl(s, acc), |s| {
                        let one = s.b.ins().iconst(I64, 1);
                        s.b.def_var(acc_inf, one);
                    });
                },
                |s| {
                    let f = Intrinsic::Secp256k1Add.import_into(s.b.func);
                    s.b.ins().call(f, &[acc, point]);
                },
            );
        },
    );
}

/// ACC = U1·G + U2·Q (G and Q in the table); returns whether it is the point at infinity
/// (an i64, nonzero if so).
fn double_scalar_mul(s: &mut Shim) -> Value {
    // The table's third entry, G + Q, computed as `accumulate` would (infinity if Q = −G).
    let gq_inf = Variable::from_u32(1);
    s.b.declare_var(gq_inf, I64);
    let (gq, g, q) = (abs(s, at::GQ), abs(s, at::G), abs(s, at::Q));
    let finite = s.b.ins().iconst(I64, 0);
    s.b.def_var(gq_inf, finite);
    let acc = abs(s, at::ACC);
    copy(s, acc, g, 8);
    accumulate(s, gq_inf, q);
    let acc = abs(s, at::ACC);
    copy(s, gq, acc, 8);

    let acc_inf = Variable::from_u32(0);
    s.b.declare_var(acc_inf, I64);
    let one = s.b.ins().iconst(I64, 1);
    s.b.def_var(acc_inf, one);
    let bits = s.b.ins().iconst(I64, 256);
    s.for_each(bits, |s, j| {
        let top = s.b.ins().iconst(I64, 255);
        let i = s.b.ins().isub(top, j);
        let inf = s.b.use_var(acc_inf);
        let acc = abs(s, at::ACC);
        let finite = s.b.ins().icmp_imm(IntCC::Equal, inf, 0);
        when(s, finite, |s| secp256k1_dbl(s, acc));
        // sel = bit i of u1 + 2 · bit i of u2: which table entry to add, if any.
        let word = s.b.ins().ushr_imm(i, 6);
        let word = s.b.ins().ishl_imm(word, 3);
        let shift = s.b.ins().band_imm(i, 63);
        let mut sel = None;
        for (scalar, weight) in [(at::U1, 0), (at::U2, 1)] {
            let base = abs(s, scalar);
            let addr = s.b.ins().iadd(base, word);
            let limb = s.load(I64, addr, 0);
            let bit = s.b.ins().ushr(limb, shift);
            let bit = s.b.ins().band_imm(bit, 1);
            let bit = s.b.ins().ishl_imm(bit, weight);
            sel = Some(match sel {
                None => bit,
                Some(other) => s.b.ins().bor(other, bit),
            });
        }
        let sel = sel.unwrap();
        let any = s.b.ins().icmp_imm(IntCC::NotEqual, sel, 0);
        // Skip G + Q when it is infinity.
        let both = s.b.ins().icmp_imm(IntCC::Equal, sel, 3);
        let gq_inf = s.b.use_var(gq_inf);
        let gq_inf = s.b.ins().icmp_imm(IntCC::NotEqual, gq_inf, 0);
        let skip = s.b.ins().band(both, gq_inf);
        let keep = s.b.ins().bxor_imm(skip, 1);
        let add = s.b.ins().band(any, keep);
        when(s, add, |s| {
            let offset = s.b.ins().iadd_imm(sel, -1);
            let offset = s.b.ins().ishl_imm(offset, 6);
            let table = abs(s, at::G);
            let point = s.b.ins().iadd(table, offset);
            accumulate(s, acc_inf, point);
        });
    });
    s.b.use_var(acc_inf)
}

/// `zkvm_secp256k1_ecrecover(msg[32], sig[64], recid, out[64]) -> status`.
pub fn ecrecover(s: &mut Shim, msg: Value, sig: Value, recid: Value, out: Value) {
    let msg = s.guest_fixed_or_trap(msg, 32);
    let sig = s.guest_fixed_or_trap(sig, 64);
    let out = s.guest_fixed_or_trap(out, 64);
    constants(s);
    read_be(s, sig, 0, at::R);
    read_be(s, sig, 32, at::S);
    read_be(s, msg, 0, at::Z);
    // recid is a C `uint8_t`: its low byte.
    let recid = s.b.ins().band_imm(recid, 0xff);
    let bad_scalars = bad_r_or_s(s);
    let bad_recid = s.b.ins().icmp_imm(IntCC::UnsignedGreaterThan, recid, 1);
    let bad = s.b.ins().bor(bad_scalars, bad_recid);
    fail_if(s, bad, |_| {}, ZKVM_EFAIL);

    // R = (r, y) with y² = r³ + 7 and y's parity recid's low bit (r < n < p).
    mul_add(s, at::X2, at::R, at::R, at::ZERO, at::P);
    mul_add(s, at::YSQ, at::X2, at::R, at::SEVEN, at::P);
    let y = at::Q + 32;
    pow(s, y, at::YSQ, SQRT_EXP, at::P);
    mul_add(s, at::T, y, y, at::ZERO, at::P);
    let (t, ysq) = (abs(s, at::T), abs(s, at::YSQ));
    let root = equal(s, t, ysq, 4);
    let no_root = s.b.ins().icmp_imm(IntCC::Equal, root, 0);
    fail_if(s, no_root, |_| {}, ZKVM_EFAIL);
    let y_addr = abs(s, y);
    let y0 = s.load(I64, y_addr, 0);
    let parity = s.b.ins().band_imm(y0, 1);
    let want = s.b.ins().uextend(I64, recid);
    let want = s.b.ins().band_imm(want, 1);
    let flip = s.b.ins().icmp(IntCC::NotEqual, parity, want);
    when(s, flip, |s| mul_add(s, y, y, at::P_MINUS_1, at::ZERO, at::P));
    let (q, r) = (abs(s, at::Q), abs(s, at::R));
    copy(s, q, r, 4);

    // u1 = −z·r⁻¹, u2 = s·r⁻¹ (mod n); the key is u1·G + u2·R.
    pow(s, at::INV, at::R, minus(N, 2), at::N);
    mul_add(s, at::T, at::Z, at::INV, at::ZERO, at::N);
    mul_add(s, at::U1, at::T, at::N_MINUS_1, at::ZERO, at::N);
    mul_add(s, at::U2, at::S, at::INV, at::ZERO, at::N);
    let inf = double_scalar_mul(s);
    fail_if(s, inf, |_| {}, ZKVM_EFAIL);
    write_be(s, at::ACC, out, 0);
    write_be(s, at::ACC + 32, out, 32);
    let ok = s.b.ins().iconst(I32, ZKVM_EOK);
    s.b.ins().return_(&[ok]);
}

/// `zkvm_secp256k1_verify(msg[32], sig[64], pubkey[64], verified*) -> status`: always
/// `ZKVM_EOK`, the verdict in the byte at `verified`.
pub fn verify(s: &mut Shim, msg: Value, sig: Value, pubkey: Value, verified: Value) {
    let msg = s.guest_fixed_or_trap(msg, 32);
    let sig = s.guest_fixed_or_trap(sig, 64);
    let pubkey = s.guest_fixed_or_trap(pubkey, 64);
    let verified = s.guest_fixed_or_trap(verified, 1);
    let reject = |s: &mut Shim| {
        let no = s.b.ins().iconst(I8, 0);
        s.b.ins().store(guest(), no, verified, 0);
    };
    constants(s);
    read_be(s, sig, 0, at::R);
    read_be(s, sig, 32, at::S);
    read_be(s, msg, 0, at::Z);
    read_be(s, pubkey, 0, at::Q);
    read_be(s, pubkey, 32, at::Q + 32);
    // The key: not the all-zero identity, coordinates at most p − 1 (on the curve below).
    let mut bad = bad_r_or_s(s);
    let (x_zero, y_zero) = (is_zero(s, at::Q), is_zero(s, at::Q + 32));
    let identity = s.b.ins().band(x_zero, y_zero);
    bad = s.b.ins().bor(bad, identity);
    for coordinate in [at::Q, at::Q + 32] {
        let big = above(s, coordinate, minus(P, 1));
        bad = s.b.ins().bor(bad, big);
    }
    fail_if(s, bad, reject, ZKVM_EOK);
    mul_add(s, at::X2, at::Q, at::Q, at::ZERO, at::P);
    mul_add(s, at::YSQ, at::X2, at::Q, at::SEVEN, at::P);
    mul_add(s, at::T, at::Q + 32, at::Q + 32, at::ZERO, at::P);
    let (t, ysq) = (abs(s, at::T), abs(s, at::YSQ));
    let on_curve = equal(s, t, ysq, 4);
    let off_curve = s.b.ins().icmp_imm(IntCC::Equal, on_curve, 0);
    fail_if(s, off_curve, reject, ZKVM_EOK);

    // u1 = z·s⁻¹, u2 = r·s⁻¹ (mod n); valid iff u1·G + u2·Q is finite with x ≡ r (mod n).
    pow(s, at::INV, at::S, minus(N, 2), at::N);
    mul_add(s, at::U1, at::Z, at::INV, at::ZERO, at::N);
    mul_add(s, at::U2, at::R, at::INV, at::ZERO, at::N);
    let inf = double_scalar_mul(s);
    fail_if(s, inf, reject, ZKVM_EOK);
    mul_add(s, at::T, at::ACC, at::ONE, at::ZERO, at::N);
    let (t, r) = (abs(s, at::T), abs(s, at::R));
    let matches = equal(s, t, r, 4);
    s.b.ins().store(guest(), matches, verified, 0);
    let ok = s.b.ins().iconst(I32, ZKVM_EOK);
    s.b.ins().return_(&[ok]);
}
