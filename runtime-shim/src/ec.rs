//! Short-Weierstrass curves over 256-bit primes (y² = x³ + b) on ZisK's precompiles, for the
//! curve accelerators (`secp256k1.rs`, `bn254.rs`): field arithmetic by arith256_mod, point
//! addition and doubling by each curve's add and dbl precompiles.
//!
//! Every 256-bit value lives in the accelerator scratch region as four little-endian u64
//! limbs at a fixed address ([`at`]), so a modular multiplication is one precompile call on
//! a parameter block of five fixed pointers. Inverses and square roots take ziskos' hints
//! (ZisK's free-input fcalls), checked by one multiplication; when a check fails (or there is
//! no root) the answer comes from an exponentiation by a constant exponent, unrolled. Scalar
//! multiplication is double-and-add over 256 bits (Shamir's simultaneous form for two
//! scalars), branching around every case the add precompile cannot take: equal x, infinity.
//! Only one accelerator runs at a time, so all share the layout.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I64, I8};
use cranelift_codegen::ir::{InstBuilder, Value};
use cranelift_frontend::Variable;
use zisk_wasm_environ::memory_map::{ACCEL_SCRATCH_ADDR, ACCEL_SCRATCH_SIZE};
use zisk_wasm_environ::names::Intrinsic;

pub(crate) use crate::accelerators::{ret, ZKVM_EFAIL, ZKVM_EOK};
pub(crate) use crate::clif::{abs, guest, Shim};

pub type U256 = [u64; 4];

pub const fn minus(a: U256, k: u64) -> U256 {
    [a[0] - k, a[1], a[2], a[3]]
}

/// A curve y² = x³ + a·x + b over the prime p, with its precompiles.
pub struct Curve {
    pub p: U256,
    pub a: U256,
    pub b: U256,
    pub add: Intrinsic,
    pub dbl: Intrinsic,
}

/// Scratch layout (past the hash accelerators' first 0x400 bytes), 32 bytes per integer, 64
/// per point.
pub mod at {
    use super::*;
    const BASE: u64 = ACCEL_SCRATCH_ADDR + 0x400;
    const fn int(i: u64) -> u64 {
        BASE + 32 * i
    }
    /// Written by [`constants`](super::constants): the curve's p, 0, b, 1, p − 1 (and a, below).
    pub const P: u64 = int(0);
    pub const ZERO: u64 = int(1);
    pub const B: u64 = int(2);
    pub const ONE: u64 = int(3);
    pub const P_MINUS_1: u64 = int(4);
    /// The callers' own: a group order and its neighbours, inputs, temporaries.
    pub const N: u64 = int(5);
    pub const N_MINUS_1: u64 = int(6);
    pub const R: u64 = int(7);
    pub const S: u64 = int(8);
    pub const Z: u64 = int(9);
    pub const T: u64 = int(12);
    pub const X2: u64 = int(13);
    pub const YSQ: u64 = int(14);
    pub const INV: u64 = int(15);
    pub const POW: u64 = int(16);
    /// The scalars and the table scalar multiplication adds from: G (the first point), Q
    /// (the second), G + Q; then the accumulator.
    pub const U1: u64 = int(10);
    pub const U2: u64 = int(11);
    pub const G: u64 = int(17);
    pub const Q: u64 = int(19);
    pub const GQ: u64 = int(21);
    pub const ACC: u64 = int(23);
    /// Parameter blocks (five pointers): one rewritten per multiplication, two fixed for an
    /// exponentiation's squarings and multiplications.
    pub const PARAMS: u64 = int(25);
    pub const SQUARE: u64 = PARAMS + 40;
    pub const MULTIPLY: u64 = SQUARE + 40;
    /// A hint's result words.
    pub const HINT: u64 = MULTIPLY + 40;
    pub const A: u64 = HINT + 40;
    pub const END: u64 = A + 32;
}
const _: () = assert!(at::END <= ACCEL_SCRATCH_ADDR + ACCEL_SCRATCH_SIZE);

pub fn set(s: &mut Shim, dst: u64, value: U256) {
    let base = abs(s, dst);
    for (k, limb) in value.iter().enumerate() {
        let v = s.b.ins().iconst(I64, *limb as i64);
        s.store(v, base, 8 * k as i32);
    }
}

/// Writes the constants every routine here reads.
pub fn constants(s: &mut Shim, curve: &Curve) {
    for (addr, value) in [(at::P, curve.p), (at::ZERO, [0; 4]), (at::A, curve.a), (at::B, curve.b), (at::ONE, [1, 0, 0, 0]), (at::P_MINUS_1, minus(curve.p, 1))] {
        set(s, addr, value);
    }
}

/// Copies `words` u64 from `src` to `dst` (absolute addresses, values).
pub fn copy(s: &mut Shim, dst: Value, src: Value, words: i32) {
    for w in 0..words {
        let v = s.load(I64, src, 8 * w);
        s.store(v, dst, 8 * w);
    }
}

/// The big-endian 32 bytes at guest `src + offset` as limbs at `dst`.
pub fn read_be(s: &mut Shim, src: Value, offset: i32, dst: u64) {
    let base = abs(s, dst);
    for k in 0..4 {
        let word = s.b.ins().load(I64, guest(), src, offset + 24 - 8 * k);
        let limb = s.b.ins().bswap(word);
        s.store(limb, base, 8 * k);
    }
}

/// The limbs at `src` as 32 big-endian bytes at guest `dst + offset`.
pub fn write_be(s: &mut Shim, src: u64, dst: Value, offset: i32) {
    let base = abs(s, src);
    for k in 0..4 {
        let limb = s.load(I64, base, 8 * k);
        let word = s.b.ins().bswap(limb);
        s.b.ins().store(guest(), word, dst, offset + 24 - 8 * k);
    }
}

/// Whether the `words` u64 at `a` and `b` are equal (an i8).
pub fn equal(s: &mut Shim, a: Value, b: Value, words: i32) -> Value {
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

pub fn limbs(s: &mut Shim, a: u64) -> [Value; 4] {
    let base = abs(s, a);
    [0, 1, 2, 3].map(|k| s.load(I64, base, 8 * k))
}

/// Whether the integer at `a` is zero (an i8).
pub fn is_zero(s: &mut Shim, a: u64) -> Value {
    let l = limbs(s, a);
    let (low, high) = (s.b.ins().bor(l[0], l[1]), s.b.ins().bor(l[2], l[3]));
    let any = s.b.ins().bor(low, high);
    s.b.ins().icmp_imm(IntCC::Equal, any, 0)
}

/// Whether the integer at `a` is above the constant `max` (an i8).
pub fn above(s: &mut Shim, a: u64, max: U256) -> Value {
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

/// Points the five words at `block` to a, b, c, module and d.
pub fn params(s: &mut Shim, block: u64, [a, b, c, m, d]: [u64; 5]) {
    let base = abs(s, block);
    for (i, p) in [a, b, c, m, d].into_iter().enumerate() {
        let v = s.b.ins().iconst(I64, p as i64);
        s.store(v, base, 8 * i as i32);
    }
}

pub fn arith256_mod(s: &mut Shim, block: u64) {
    let block = abs(s, block);
    s.intrinsic(Intrinsic::Arith256Mod, &[block]);
}

/// d = (a·b + c) mod m.
pub fn mul_add(s: &mut Shim, d: u64, a: u64, b: u64, c: u64, m: u64) {
    params(s, at::PARAMS, [a, b, c, m, d]);
    arith256_mod(s, at::PARAMS);
}

/// d = base^exp mod m for a constant exp > 0, left to right; d may not be base.
pub fn pow(s: &mut Shim, d: u64, base: u64, exp: U256, m: u64) {
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

/// Calls hint `call` on the integer at `x` (and `extra` as a one-word parameter), then reads
/// `words` result words to `dst`. The prover supplies them: check before use.
pub fn hint(s: &mut Shim, call: Intrinsic, x: u64, extra: Option<Value>, words: i32, dst: u64) {
    let x = abs(s, x);
    s.intrinsic(Intrinsic::HintParam4, &[x]);
    if let Some(extra) = extra {
        s.intrinsic(Intrinsic::HintParam1, &[extra]);
    }
    s.intrinsic(call, &[]);
    let dst = abs(s, dst);
    for w in 0..words {
        let get = s.intrinsic(Intrinsic::HintGet, &[]);
        let word = s.b.inst_results(get)[0];
        s.store(word, dst, 8 * w);
    }
}

/// Emits `then` when `cond` holds and continues after it.
pub fn when(s: &mut Shim, cond: Value, then: impl FnOnce(&mut Shim)) {
    let (yes, join) = (s.b.create_block(), s.b.create_block());
    s.b.ins().brif(cond, yes, &[], join, &[]);
    s.b.switch_to_block(yes);
    then(s);
    s.b.ins().jump(join, &[]);
    s.b.switch_to_block(join);
}

/// Emits `then` or `otherwise` by `cond` and continues after both.
pub fn either(s: &mut Shim, cond: Value, then: impl FnOnce(&mut Shim), otherwise: impl FnOnce(&mut Shim)) {
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

/// Emits `leave` (which must end its block: a return, a jump elsewhere) when `cond` holds,
/// and continues otherwise.
pub fn leave_if(s: &mut Shim, cond: Value, leave: impl FnOnce(&mut Shim)) {
    let (out, stay) = (s.b.create_block(), s.b.create_block());
    s.b.ins().brif(cond, out, &[], stay, &[]);
    s.b.switch_to_block(out);
    leave(s);
    s.b.switch_to_block(stay);
}

/// Returns `status` when `cond` holds, after `before` (e.g. writing a verdict).
pub fn fail_if(s: &mut Shim, cond: Value, before: impl FnOnce(&mut Shim), status: i64) {
    leave_if(s, cond, |s| {
        before(s);
        ret(s, status);
    });
}

/// Whether y² ≡ `square` (mod p) for the integers at `y` and `square` (an i8); clobbers T.
pub fn squares_to(s: &mut Shim, y: u64, square: u64) -> Value {
    mul_add(s, at::T, y, y, at::ZERO, at::P);
    let (t, square) = (abs(s, at::T), abs(s, square));
    equal(s, t, square, 4)
}

/// The low bit of the integer at `y` (an i64).
pub fn parity(s: &mut Shim, y: u64) -> Value {
    let y = abs(s, y);
    let low = s.load(I64, y, 0);
    s.b.ins().band_imm(low, 1)
}

/// Whether the point at `point` satisfies y² = x³ + a·x + b (an i8), as (x² + a)·x + b;
/// clobbers X2, YSQ and T.
pub fn on_curve(s: &mut Shim, point: u64) -> Value {
    mul_add(s, at::X2, point, point, at::A, at::P);
    mul_add(s, at::YSQ, at::X2, point, at::B, at::P);
    squares_to(s, point + 32, at::YSQ)
}

/// Whether the 8 words at `point` are all zero, the encoding of infinity (an i8).
pub fn is_identity(s: &mut Shim, point: u64) -> Value {
    let (x, y) = (is_zero(s, point), is_zero(s, point + 32));
    s.b.ins().band(x, y)
}

/// Whether the point at `point` has a coordinate above p − 1 (an i8).
pub fn not_canonical(s: &mut Shim, curve: &Curve, point: u64) -> Value {
    let (x, y) = (above(s, point, minus(curve.p, 1)), above(s, point + 32, minus(curve.p, 1)));
    s.b.ins().bor(x, y)
}

/// A fresh i64 variable holding `value`.
pub fn variable(s: &mut Shim, index: u32, value: i64) -> Variable {
    let var = Variable::from_u32(index);
    s.b.declare_var(var, I64);
    let v = s.b.ins().iconst(I64, value);
    s.b.def_var(var, v);
    var
}

/// ACC += the point at `point` (affine, finite), with `acc_inf` (an i64 variable) saying
/// whether ACC is infinity.
pub fn accumulate(s: &mut Shim, curve: &Curve, acc_inf: Variable, point: Value) {
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
            // The lowest limbs of x differ almost always: one comparison decides.
            let (a0, p0) = (s.load(I64, acc, 0), s.load(I64, point, 0));
            let maybe_same_x = s.b.ins().icmp(IntCC::Equal, a0, p0);
            let add = |s: &mut Shim| {
                s.intrinsic(curve.add, &[acc, point]);
            };
            either(
                s,
                maybe_same_x,
                |s| {
                    let same_x = equal(s, acc, point, 4);
                    either(
                        s,
                        same_x,
                        |s| {
                            let (acc_y, point_y) = (s.b.ins().iadd_imm(acc, 32), s.b.ins().iadd_imm(point, 32));
                            let same_y = equal(s, acc_y, point_y, 4);
                            // acc == point doubles; acc == −point cancels.
                            either(s, same_y, |s| double(s, curve, acc), |s| {
                                let one = s.b.ins().iconst(I64, 1);
                                s.b.def_var(acc_inf, one);
                            });
                        },
                        add,
                    );
                },
                add,
            );
        },
    );
}

pub fn double(s: &mut Shim, curve: &Curve, point: Value) {
    s.intrinsic(curve.dbl, &[point]);
}

/// ACC = U1·G, or U1·G + U2·Q when `two`, for finite G and Q in the table; returns whether
/// ACC is infinity (an i64, nonzero if so). Uses variables 0 and 1.
pub fn scalar_mul(s: &mut Shim, curve: &Curve, two: bool) -> Value {
    // The table's third entry, G + Q, computed as `accumulate` would (infinity if Q = −G).
    let gq_inf = variable(s, 1, 0);
    if two {
        let (gq, g, q, acc) = (abs(s, at::GQ), abs(s, at::G), abs(s, at::Q), abs(s, at::ACC));
        copy(s, acc, g, 8);
        accumulate(s, curve, gq_inf, q);
        let acc = abs(s, at::ACC);
        copy(s, gq, acc, 8);
    }
    let acc_inf = variable(s, 0, 1);
    let bits = s.b.ins().iconst(I64, 256);
    s.for_each(bits, |s, j| {
        let top = s.b.ins().iconst(I64, 255);
        let i = s.b.ins().isub(top, j);
        let inf = s.b.use_var(acc_inf);
        let acc = abs(s, at::ACC);
        let finite = s.b.ins().icmp_imm(IntCC::Equal, inf, 0);
        when(s, finite, |s| double(s, curve, acc));
        // sel = bit i of u1 + 2 · bit i of u2: which table entry to add, if any.
        let word = s.b.ins().ushr_imm(i, 6);
        let word = s.b.ins().ishl_imm(word, 3);
        let shift = s.b.ins().band_imm(i, 63);
        let scalars: &[(u64, i64)] = if two { &[(at::U1, 0), (at::U2, 1)] } else { &[(at::U1, 0)] };
        let mut sel = None;
        for &(scalar, weight) in scalars {
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
        let mut add = s.b.ins().icmp_imm(IntCC::NotEqual, sel, 0);
        if two {
            // Skip G + Q when it is infinity.
            let both = s.b.ins().icmp_imm(IntCC::Equal, sel, 3);
            let gq_inf = s.b.use_var(gq_inf);
            let gq_inf = s.b.ins().icmp_imm(IntCC::NotEqual, gq_inf, 0);
            let skip = s.b.ins().band(both, gq_inf);
            let keep = s.b.ins().bxor_imm(skip, 1);
            add = s.b.ins().band(add, keep);
        }
        when(s, add, |s| {
            let offset = s.b.ins().iadd_imm(sel, -1);
            let offset = s.b.ins().ishl_imm(offset, 6);
            let table = abs(s, at::G);
            let point = s.b.ins().iadd(table, offset);
            accumulate(s, curve, acc_inf, point);
        });
    });
    s.b.use_var(acc_inf)
}
