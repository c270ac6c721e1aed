//! `zkvm_bn254_g1_add` and `zkvm_bn254_g1_mul` (Ethereum's ecAdd and ecMul, EIP-196) on
//! ZisK's arith256_mod, bn254_curve_add and bn254_curve_dbl precompiles (through `ec.rs`),
//! with ziskos 1.4.0-alpha's semantics: points are x ‖ y, 32 big-endian bytes each, (0, 0)
//! the point at infinity; an input point with a coordinate ≥ p or off y² = x³ + 3 fails with
//! `ZKVM_EFAIL` (an infinite one is never checked); infinity results are (0, 0) with
//! `ZKVM_EOK`. G1 has cofactor 1, so the scalar (any 256-bit value) needs no reduction.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{InstBuilder, Value};
use zisk_wasm_environ::names::Intrinsic;

use crate::ec::*;

pub(crate) const CURVE: Curve = Curve {
    p: [0x3C20_8C16_D87C_FD47, 0x9781_6A91_6871_CA8D, 0xB850_45B6_8181_585D, 0x3064_4E72_E131_A029],
    a: [0; 4],
    b: [3, 0, 0, 0],
    add: Intrinsic::Bn254CurveAdd,
    dbl: Intrinsic::Bn254CurveDbl,
};

/// Whether the point at `point` is infinity (an i8), failing the call with `ZKVM_EFAIL` if it
/// is finite and not a canonical curve point.
fn checked(s: &mut Shim, point: u64) -> Value {
    let infinite = is_identity(s, point);
    let big = not_canonical(s, &CURVE, point);
    let on = on_curve(s, point);
    let off = s.b.ins().icmp_imm(IntCC::Equal, on, 0);
    let bad = s.b.ins().bor(big, off);
    let finite = s.b.ins().icmp_imm(IntCC::Equal, infinite, 0);
    let bad = s.b.ins().band(bad, finite);
    fail_if(s, bad, |_| {}, ZKVM_EFAIL);
    infinite
}

/// Writes ACC, or (0, 0) when `acc_inf` (an i64) says it is infinity, to guest `out`.
fn write_result(s: &mut Shim, acc_inf: Value, out: Value) {
    when(s, acc_inf, |s| {
        set(s, at::ACC, [0; 4]);
        set(s, at::ACC + 32, [0; 4]);
    });
    write_be(s, at::ACC, out, 0);
    write_be(s, at::ACC + 32, out, 32);
    ret(s, ZKVM_EOK);
}

/// `zkvm_bn254_g1_add(p1[64], p2[64], out[64]) -> status`.
pub fn g1_add(s: &mut Shim, p1: Value, p2: Value, out: Value) {
    let p1 = s.guest_fixed_or_trap(p1, 64);
    let p2 = s.guest_fixed_or_trap(p2, 64);
    let out = s.guest_fixed_or_trap(out, 64);
    constants(s, &CURVE);
    for (point, at) in [(p1, at::G), (p2, at::Q)] {
        read_be(s, point, 0, at);
        read_be(s, point, 32, at + 32);
    }
    let (inf1, inf2) = (checked(s, at::G), checked(s, at::Q));
    let (acc, g, q) = (abs(s, at::ACC), abs(s, at::G), abs(s, at::Q));
    copy(s, acc, g, 8);
    let acc_inf = variable(s, 0, 0);
    let inf1 = s.b.ins().uextend(I64, inf1);
    s.b.def_var(acc_inf, inf1);
    let finite2 = s.b.ins().icmp_imm(IntCC::Equal, inf2, 0);
    when(s, finite2, |s| accumulate(s, &CURVE, acc_inf, q));
    let acc_inf = s.b.use_var(acc_inf);
    write_result(s, acc_inf, out);
}

/// `zkvm_bn254_g1_mul(point[64], scalar[32], out[64]) -> status`.
pub fn g1_mul(s: &mut Shim, point: Value, scalar: Value, out: Value) {
    let point = s.guest_fixed_or_trap(point, 64);
    let scalar = s.guest_fixed_or_trap(scalar, 32);
    let out = s.guest_fixed_or_trap(out, 64);
    constants(s, &CURVE);
    read_be(s, point, 0, at::G);
    read_be(s, point, 32, at::G + 32);
    read_be(s, scalar, 0, at::U1);
    let infinite = checked(s, at::G);
    // k·0 = 0: skip the loop.
    let (multiply, done) = (s.b.create_block(), s.b.create_block());
    s.b.append_block_param(done, I64);
    let one = s.b.ins().iconst(I64, 1);
    s.b.ins().brif(infinite, done, &[one], multiply, &[]);
    s.b.switch_to_block(multiply);
    let acc_inf = scalar_mul(s, &CURVE, false);
    s.b.ins().jump(done, &[acc_inf]);
    s.b.switch_to_block(done);
    let acc_inf = s.b.block_params(done)[0];
    write_result(s, acc_inf, out);
}
