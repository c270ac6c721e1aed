//! `zkvm_bn254_pairing(pairs, num_pairs, verified) -> status` (Ethereum's ecPairing, EIP-197)
//! with ziskos 1.4.0-alpha's semantics: each pair is 192 bytes, a G1 point (x ‖ y) and a G2
//! point (x_imaginary ‖ x_real ‖ y_imaginary ‖ y_real), every coordinate 32 big-endian bytes,
//! all zeros the point at infinity. A coordinate ≥ p, a G1 point off y² = x³ + 3, a G2 point
//! off the twist y² = x³ + 3/(9 + u) or outside its order-r subgroup fails with `ZKVM_EFAIL`
//! and leaves `verified` alone; otherwise `verified` (one byte) says whether
//! ∏ e(Pᵢ, Qᵢ) = 1, and the status is `ZKVM_EOK`. A pair with an infinite point contributes 1;
//! no pairs verify.
//!
//! The pairing is the optimal ate pairing: a Miller loop over 6x + 2 (x = 4965661367192848881)
//! in affine coordinates on the twist, up to 16 pairs sharing each squaring, each slope's
//! inverse from ziskos' Fp2 inverse hint (checked), lines scaled by 1/y_P (a factor in Fp,
//! which the final exponentiation removes) so that each is 1 + ℓ₁·w + ℓ₃·w³; then the final
//! exponentiation f^((p¹² − 1)/r), its hard part by the Fuentes-Castañeda–Knapp–Rodríguez-
//! Henríquez chain (three exponentiations by x, with cyclotomic squarings), which yields a
//! fixed power of the pairing coprime to r: the same verdict. The subgroup check is ziskos'
//! endomorphism criterion (see [`in_subgroup`]).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I64, I8};
use cranelift_codegen::ir::{InstBuilder, Value};
use cranelift_frontend::Variable;

use crate::bn254::CURVE;
use crate::ec::{self, abs, either, fail_if, guest, read_be, ret, variable, when, Shim, ZKVM_EFAIL, ZKVM_EOK};
use crate::fp12::*;
use zisk_wasm_environ::builtins::memmove;

/// The bits of 6x + 2 below its top one (bit 64).
const LOOP_LOW: u64 = 0x9D79_7039_BE76_3BA8;
/// x, whose top bit is bit 62.
const X: u64 = 0x44E9_92B4_4A69_09F1;

const PAIR: i64 = 192;

/// The Fp2 coordinates of a G2 point at `point`.
const fn x(point: u64) -> u64 {
    point
}
const fn y(point: u64) -> u64 {
    point + FP2
}

/// λ = 3x²/(2y) for doubling the point at `t` (y ≠ 0).
fn tangent(s: &mut Shim, t: u64) {
    product2(s, at::NUM, x(t), x(t));
    mul2(s, at::NUM, at::THREE);
    copy2(s, at::DEN, y(t));
    add2(s, at::DEN, y(t));
    inverse2(s, at::INV, at::DEN);
    product2(s, at::LAMBDA, at::NUM, at::INV);
}

/// λ = (y_q − y_t)/(x_q − x_t) for adding the points at `t` and `q` (different x).
fn chord(s: &mut Shim, t: u64, q: u64) {
    copy2(s, at::NUM, y(q));
    sub2(s, at::NUM, y(t));
    copy2(s, at::DEN, x(q));
    sub2(s, at::DEN, x(t));
    inverse2(s, at::INV, at::DEN);
    product2(s, at::LAMBDA, at::NUM, at::INV);
}

/// The line of slope λ through the point at `t`, evaluated at P and scaled by 1/y_P:
/// 1 + (−λ·x_P/y_P)·w + ((λ·x_t − y_t)/y_P)·w³, its coefficients in LINE1 and LINE3.
fn line(s: &mut Shim, t: u64) {
    product2(s, at::LINE1, at::LAMBDA, at::XP);
    product2(s, at::LINE3, at::LAMBDA, x(t));
    sub2(s, at::LINE3, y(t));
    mul2(s, at::LINE3, at::YP);
}

/// The point at `t` ← (λ² − x_t − x_other, λ(x_t − x₃) − y_t), for the λ just computed.
fn step(s: &mut Shim, t: u64, x_other: u64) {
    product2(s, at::X3, at::LAMBDA, at::LAMBDA);
    sub2(s, at::X3, x(t));
    sub2(s, at::X3, x_other);
    copy2(s, at::NUM, x(t));
    sub2(s, at::NUM, at::X3);
    mul2(s, at::NUM, at::LAMBDA);
    sub2(s, at::NUM, y(t));
    copy2(s, y(t), at::NUM);
    copy2(s, x(t), at::X3);
}

/// Whether the Fp2 at `a` and `b` are equal (an i8).
fn equal2(s: &mut Shim, a: u64, b: u64) -> Value {
    let (a, b) = (abs(s, a), abs(s, b));
    ec::equal(s, a, b, 8)
}

fn is_zero2(s: &mut Shim, a: u64) -> Value {
    equal2(s, a, at::ZERO)
}

/// `point` ← ψ(point) = (x̄·γ₁₂, ȳ·γ₁₃), the twist's Frobenius endomorphism (untwist,
/// p-power, twist).
fn psi(s: &mut Shim, point: u64) {
    conj2(s, x(point));
    conj2(s, y(point));
    mul2(s, x(point), gamma(1, 2));
    mul2(s, y(point), gamma(1, 3));
}

/// Sets the i64 variable `var` to `value`.
fn set_var(s: &mut Shim, var: Variable, value: i64) {
    let v = s.b.ins().iconst(I64, value);
    s.b.def_var(var, v);
}

/// The point at `dst` ← 2·itself, with `inf` (an i64 variable) saying whether it is O:
/// O stays O, and y = 0 gives O.
fn double_point(s: &mut Shim, dst: u64, inf: Variable) {
    let is_inf = s.b.use_var(inf);
    let finite = s.b.ins().icmp_imm(IntCC::Equal, is_inf, 0);
    when(s, finite, |s| {
        let vertical = is_zero2(s, y(dst));
        either(s, vertical, |s| set_var(s, inf, 1), |s| {
            tangent(s, dst);
            step(s, dst, x(dst));
        });
    });
}

/// The point at `dst` ← itself + the point at `src`, with `dst_inf` (an i64 variable) and
/// `src_inf` (an i64 value) saying which is O; every exceptional case is branched (points
/// outside the subgroup may meet them).
fn add_point(s: &mut Shim, dst: u64, dst_inf: Variable, src: u64, src_inf: Value) {
    let src_finite = s.b.ins().icmp_imm(IntCC::Equal, src_inf, 0);
    when(s, src_finite, |s| {
        let inf = s.b.use_var(dst_inf);
        either(
            s,
            inf,
            |s| {
                copy(s, dst, src, 2 * FP2);
                set_var(s, dst_inf, 0);
            },
            |s| {
                let same_x = equal2(s, x(dst), x(src));
                either(
                    s,
                    same_x,
                    |s| {
                        // dst = src doubles, dst = −src cancels (and y = 0 is both: O).
                        let same_y = equal2(s, y(dst), y(src));
                        either(s, same_y, |s| double_point(s, dst, dst_inf), |s| set_var(s, dst_inf, 1));
                    },
                    |s| {
                        chord(s, dst, src);
                        step(s, dst, x(src));
                    },
                );
            },
        );
    });
}

/// Whether the finite G2 point at Q (on the twist) has order r, by the criterion ziskos uses
/// (El Housni, Guillevic and Piellard, eprint 2022/348, for BN curves):
/// (x + 1)·Q + ψ(x·Q) + ψ²(x·Q) = ψ³(2x·Q). Four times cheaper than r·Q = O: x has 63 bits.
fn in_subgroup(s: &mut Shim) -> Value {
    // S = x·Q, left to right (its top bit is Q itself).
    copy(s, at::S, at::Q, 2 * FP2);
    let s_inf = variable(s, 0, 0);
    for_each_bit(s, X, 61, |s, bit| {
        double_point(s, at::S, s_inf);
        let finite = s.b.ins().iconst(I64, 0);
        when(s, bit, |s| add_point(s, at::S, s_inf, at::Q, finite));
    });
    // Left: Q + S + ψ(S) + ψ²(S).
    copy(s, at::LHS, at::Q, 2 * FP2);
    let lhs_inf = variable(s, 2, 0);
    let xq_inf = s.b.use_var(s_inf);
    add_point(s, at::LHS, lhs_inf, at::S, xq_inf);
    copy(s, at::PSI, at::S, 2 * FP2);
    for _ in 0..2 {
        psi(s, at::PSI);
        add_point(s, at::LHS, lhs_inf, at::PSI, xq_inf);
    }
    // Right: ψ³(2·S).
    copy(s, at::RHS, at::S, 2 * FP2);
    let rhs_inf = variable(s, 3, 0);
    s.b.def_var(rhs_inf, xq_inf);
    double_point(s, at::RHS, rhs_inf);
    for _ in 0..3 {
        psi(s, at::RHS);
    }
    // Equal: both O, or both finite at the same coordinates.
    let (lhs_inf, rhs_inf) = (s.b.use_var(lhs_inf), s.b.use_var(rhs_inf));
    let both_inf = s.b.ins().band(lhs_inf, rhs_inf);
    let either_inf = s.b.ins().bor(lhs_inf, rhs_inf);
    let neither = s.b.ins().icmp_imm(IntCC::Equal, either_inf, 0);
    let (lhs, rhs) = (abs(s, at::LHS), abs(s, at::RHS));
    let same = ec::equal(s, lhs, rhs, 16);
    let finite_same = s.b.ins().band(neither, same);
    let both_inf = s.b.ins().icmp_imm(IntCC::NotEqual, both_inf, 0);
    s.b.ins().bor(both_inf, finite_same)
}

/// A loop over the bits of the constant `word` from bit `from` down to bit 0, `body` given
/// each bit as an i8 (nonzero if set): the left-to-right scans of x and 6x + 2.
fn for_each_bit(s: &mut Shim, word: u64, from: i64, body: impl FnOnce(&mut Shim, Value)) {
    let bits = s.b.ins().iconst(I64, from + 1);
    s.for_each(bits, |s, j| {
        let top = s.b.ins().iconst(I64, from);
        let i = s.b.ins().isub(top, j);
        let word = s.b.ins().iconst(I64, word as i64);
        let bit = s.b.ins().ushr(word, i);
        let bit = s.b.ins().band_imm(bit, 1);
        let bit = s.b.ins().ireduce(I8, bit);
        body(s, bit);
    });
}

/// Pairs whose Miller loops share their squarings, their states side by side in Fp12 slots
/// 3 to 18 (free until the final exponentiation).
const BATCH: i64 = 16;
const _: () = assert!(BATCH as u64 * at::PAIR_STATE <= 16 * FP12);

/// The address of batch state `k` (an i64).
fn state_at(s: &mut Shim, k: Value) -> Value {
    let offset = s.b.ins().imul_imm(k, at::PAIR_STATE as i64);
    s.b.ins().iadd_imm(offset, at::z(3) as i64)
}

/// Makes the pair just read (PX, PY and Q, both finite) batch state `k`: −x_P/y_P and 1/y_P
/// (as Fp2 with imaginary part 0), Q, and T = Q.
fn prepare(s: &mut Shim, k: Value) {
    inverse2(s, at::YP, at::PY);
    product2(s, at::XP, at::PX, at::MINUS_ONE);
    mul2(s, at::XP, at::YP);
    copy(s, at::T, at::Q, 2 * FP2);
    let (to, from, len) = (state_at(s, k), abs(s, at::XP), abs(s, at::PAIR_STATE));
    memmove(&mut s.b, to, from, len, 1);
}

/// Batch state `k` into XP..T.
fn load_state(s: &mut Shim, k: Value) {
    let (to, from, len) = (abs(s, at::XP), state_at(s, k), abs(s, at::PAIR_STATE));
    memmove(&mut s.b, to, from, len, 1);
}

/// T back into batch state `k`.
fn store_t(s: &mut Shim, k: Value) {
    let base = state_at(s, k);
    let to = s.b.ins().iadd_imm(base, (at::T - at::XP) as i64);
    let (from, len) = (abs(s, at::T), abs(s, 2 * FP2));
    memmove(&mut s.b, to, from, len, 1);
}

/// f ← f · the line just computed (through H, `h`).
fn multiply_line(s: &mut Shim, f: u64, h: u64) {
    line_mul12(s, h, f, at::LINE1, at::LINE3);
    copy12(s, f, h);
}

/// f ← the product of the Miller loops of the `m` (an i64, at least 1) pairs in the batch,
/// one squaring per bit for all of them; H is its temporary.
fn miller_loop(s: &mut Shim, f: u64, h: u64, m: Value) {
    one12(s, f);
    for_each_bit(s, LOOP_LOW, 63, |s, bit| {
        sqr12(s, h, f);
        copy12(s, f, h);
        s.for_each(m, |s, k| {
            load_state(s, k);
            tangent(s, at::T);
            line(s, at::T);
            step(s, at::T, x(at::T));
            multiply_line(s, f, h);
            when(s, bit, |s| {
                chord(s, at::T, at::Q);
                line(s, at::T);
                step(s, at::T, x(at::Q));
                multiply_line(s, f, h);
            });
            store_t(s, k);
        });
    });
    // The lines through π(Q) = ψ(Q) and −π²(Q) = (x·γ₂₂, −y·γ₂₃) = (x·γ₂₂, y): γ₂₃ = −1.
    s.for_each(m, |s, k| {
        load_state(s, k);
        copy(s, at::QF, at::Q, 2 * FP2);
        psi(s, at::QF);
        chord(s, at::T, at::QF);
        line(s, at::T);
        step(s, at::T, x(at::QF));
        multiply_line(s, f, h);
        copy(s, at::QF, at::Q, 2 * FP2);
        mul2(s, x(at::QF), gamma(2, 2));
        chord(s, at::T, at::QF);
        line(s, at::T);
        multiply_line(s, f, h);
    });
}

/// dst ← base^x for a cyclotomic `base` (dst, base and `tmp` distinct), left to right over
/// x's 63 bits.
fn exp_by_x(s: &mut Shim, dst: u64, base: u64, tmp: u64) {
    copy12(s, dst, base);
    for_each_bit(s, X, 61, |s, bit| {
        cyclotomic_sqr12(s, tmp, dst);
        either(s, bit, |s| mul12(s, dst, tmp, base), |s| copy12(s, dst, tmp));
    });
}

/// The slot holding m^((p¹² − 1)/r)·(a power coprime to r), for the Miller product m in
/// slot 0; uses every slot.
fn final_exponentiation(s: &mut Shim) -> u64 {
    let z = at::z;
    // Easy part: m^((p⁶ − 1)(p² + 1)).
    inv12(s, z(2), z(0), [z(3), z(4), z(5), z(6)]);
    copy12(s, z(3), z(0));
    conj12(s, z(3));
    mul12(s, z(4), z(3), z(2));
    frob12(s, z(3), z(4), 2);
    let r = z(5);
    mul12(s, r, z(3), z(4));
    // Hard part, the chain of Fuentes-Castañeda et al.: r^(2x(6x² + 3x + 1)(p⁴ − p² + 1)/r).
    let tmp = z(18);
    let (y0, y1, y2, y3, y4, y5, y6) = (z(6), z(7), z(8), z(9), z(10), z(11), z(12));
    exp_by_x(s, y0, r, tmp);
    conj12(s, y0);
    cyclotomic_sqr12(s, y1, y0);
    cyclotomic_sqr12(s, y2, y1);
    mul12(s, y3, y2, y1);
    exp_by_x(s, y4, y3, tmp);
    conj12(s, y4);
    cyclotomic_sqr12(s, y5, y4);
    // y6 = conj(conj(y5^x)): the two conjugations cancel.
    exp_by_x(s, y6, y5, tmp);
    conj12(s, y3);
    let (y7, y8, y9, y10, y11) = (z(13), z(14), z(15), z(16), z(17));
    mul12(s, y7, y6, y4);
    mul12(s, y8, y7, y3);
    mul12(s, y9, y8, y1);
    mul12(s, y10, y8, y4);
    mul12(s, y11, y10, r);
    let (y12, y13, y8p, y14) = (z(0), z(1), z(2), z(3));
    frob12(s, y12, y9, 1);
    mul12(s, y13, y12, y11);
    frob12(s, y8p, y8, 2);
    mul12(s, y14, y8p, y13);
    conj12(s, r);
    let (y15a, y15, out) = (z(4), z(6), z(7));
    mul12(s, y15a, r, y9);
    frob12(s, y15, y15a, 3);
    mul12(s, out, y15, y14);
    out
}

/// Reads the pair at guest `pair` into G1 (x ‖ y), PX, PY and Q, failing the call unless both
/// points are valid; returns whether either is infinity (an i8).
fn read_pair(s: &mut Shim, pair: Value) -> Value {
    read_be(s, pair, 0, at::G1);
    read_be(s, pair, 32, at::G1 + 32);
    // x = x_r + x_i·u: the imaginary part comes first.
    read_be(s, pair, 96, x(at::Q));
    read_be(s, pair, 64, x(at::Q) + 32);
    read_be(s, pair, 160, y(at::Q));
    read_be(s, pair, 128, y(at::Q) + 32);
    let p_minus_1 = ec::minus(P, 1);
    let mut big = ec::not_canonical(s, &CURVE, at::G1);
    for half in [x(at::Q), x(at::Q) + 32, y(at::Q), y(at::Q) + 32] {
        let above = ec::above(s, half, p_minus_1);
        big = s.b.ins().bor(big, above);
    }
    fail_if(s, big, |_| {}, ZKVM_EFAIL);
    // G1: infinity, or on the curve.
    let g1_infinite = ec::is_identity(s, at::G1);
    let g1_on = ec::on_curve(s, at::G1);
    let g1_off = s.b.ins().icmp_imm(IntCC::Equal, g1_on, 0);
    let g1_finite = s.b.ins().icmp_imm(IntCC::Equal, g1_infinite, 0);
    let g1_bad = s.b.ins().band(g1_off, g1_finite);
    fail_if(s, g1_bad, |_| {}, ZKVM_EFAIL);
    // G2: infinity, or on the twist and in the subgroup.
    let (qx_zero, qy_zero) = (is_zero2(s, x(at::Q)), is_zero2(s, y(at::Q)));
    let g2_infinite = s.b.ins().band(qx_zero, qy_zero);
    let g2_finite = s.b.ins().icmp_imm(IntCC::Equal, g2_infinite, 0);
    when(s, g2_finite, |s| {
        product2(s, at::NUM, x(at::Q), x(at::Q));
        mul2(s, at::NUM, x(at::Q));
        add2(s, at::NUM, at::TWIST_B);
        product2(s, at::DEN, y(at::Q), y(at::Q));
        let on = equal2(s, at::NUM, at::DEN);
        let off = s.b.ins().icmp_imm(IntCC::Equal, on, 0);
        fail_if(s, off, |_| {}, ZKVM_EFAIL);
        let inside = in_subgroup(s);
        let outside = s.b.ins().icmp_imm(IntCC::Equal, inside, 0);
        fail_if(s, outside, |_| {}, ZKVM_EFAIL);
    });
    // PX = (x, 0), PY = (y, 0) for the Miller loop.
    let (px, py, g1) = (abs(s, at::PX), abs(s, at::PY), abs(s, at::G1));
    let zero = s.b.ins().iconst(I64, 0);
    for w in 0..4 {
        let (xw, yw) = (s.load(I64, g1, 8 * w), s.load(I64, g1, 32 + 8 * w));
        s.store(xw, px, 8 * w);
        s.store(yw, py, 8 * w);
        s.store(zero, px, 32 + 8 * w);
        s.store(zero, py, 32 + 8 * w);
    }
    s.b.ins().bor(g1_infinite, g2_infinite)
}

/// `zkvm_bn254_pairing(pairs, num_pairs, verified) -> status`.
pub fn pairing(s: &mut Shim, pairs: Value, num_pairs: Value, verified: Value) {
    let n = s.b.ins().uextend(I64, num_pairs);
    let bytes = s.b.ins().imul_imm(n, PAIR);
    let pairs = s.guest_range_or_trap(pairs, bytes);
    let verified = s.guest_fixed_or_trap(verified, 1);
    ec::constants(s, &CURVE);
    constants(s);
    let z = at::z;
    // Slot 0 accumulates the Miller loops' product, a batch of up to BATCH finite pairs at a
    // time; `used` says whether any pair counted.
    one12(s, z(0));
    let used = variable(s, 1, 0);
    let next = variable(s, 4, 0);
    let count = variable(s, 5, 0);
    let (batch, fill, read, filled, all_done) = (s.b.create_block(), s.b.create_block(), s.b.create_block(), s.b.create_block(), s.b.create_block());
    s.b.ins().jump(batch, &[]);
    // batch: another one while pairs are left.
    s.b.switch_to_block(batch);
    let i = s.b.use_var(next);
    let left = s.b.ins().icmp(IntCC::UnsignedLessThan, i, n);
    set_var(s, count, 0);
    s.b.ins().brif(left, fill, &[], all_done, &[]);
    // fill: read pairs until the batch is full or none is left.
    s.b.switch_to_block(fill);
    let (i, c) = (s.b.use_var(next), s.b.use_var(count));
    let left = s.b.ins().icmp(IntCC::UnsignedLessThan, i, n);
    let room = s.b.ins().icmp_imm(IntCC::SignedLessThan, c, BATCH);
    let go = s.b.ins().band(left, room);
    s.b.ins().brif(go, read, &[], filled, &[]);
    s.b.switch_to_block(read);
    let i = s.b.use_var(next);
    let offset = s.b.ins().imul_imm(i, PAIR);
    let pair = s.b.ins().iadd(pairs, offset);
    let infinite = read_pair(s, pair);
    let finite = s.b.ins().icmp_imm(IntCC::Equal, infinite, 0);
    when(s, finite, |s| {
        let c = s.b.use_var(count);
        prepare(s, c);
        let c = s.b.ins().iadd_imm(c, 1);
        s.b.def_var(count, c);
        set_var(s, used, 1);
    });
    let i = s.b.use_var(next);
    let i = s.b.ins().iadd_imm(i, 1);
    s.b.def_var(next, i);
    s.b.ins().jump(fill, &[]);
    // filled: the batch's Miller loops into slot 0.
    s.b.switch_to_block(filled);
    let m = s.b.use_var(count);
    let some = s.b.ins().icmp_imm(IntCC::NotEqual, m, 0);
    when(s, some, |s| {
        miller_loop(s, z(1), z(2), m);
        mul12(s, z(2), z(0), z(1));
        copy12(s, z(0), z(2));
    });
    s.b.ins().jump(batch, &[]);
    s.b.switch_to_block(all_done);
    let any = s.b.use_var(used);
    let (compute, done) = (s.b.create_block(), s.b.create_block());
    s.b.append_block_param(done, I8);
    let yes = s.b.ins().iconst(I8, 1);
    s.b.ins().brif(any, compute, &[], done, &[yes]);
    s.b.switch_to_block(compute);
    let out = final_exponentiation(s);
    let one = is_one12(s, out);
    s.b.ins().jump(done, &[one]);
    s.b.switch_to_block(done);
    let verdict = s.b.block_params(done)[0];
    s.b.ins().store(guest(), verdict, verified, 0);
    ret(s, ZKVM_EOK);
}
