//! `zkvm_secp256k1_ecrecover` and `zkvm_secp256k1_verify` on ZisK's arith256_mod,
//! secp256k1_add and secp256k1_dbl precompiles (through `ec.rs`), with ziskos 1.4.0-alpha's
//! semantics:
//! - inputs big-endian bytes (hash 32, signature r ‖ s 64, public key x ‖ y 64);
//! - recovery: r and s in [1, n−1] and recid 0 or 1 (R's y parity; ziskos has no r + n
//!   case), else `ZKVM_EFAIL`; so is an r that is no curve point's x, and a result at
//!   infinity;
//! - verification (`ecdsa.rs`): the status is `ZKVM_EOK` and `*verified` says; high s is
//!   accepted (as ziskos does), the key must be canonical, on the curve and not the all-zero
//!   identity.
//!
//! Inverses mod n and the square root are ziskos' hints, checked; exponentiations (n − 2,
//! (p + 1)/4) when a hint fails its check.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{InstBuilder, Value};
use zisk_wasm_environ::names::Intrinsic;

use crate::ec::*;
use crate::ecdsa::Ecdsa;

const CURVE: Curve = Curve {
    p: [0xFFFF_FFFE_FFFF_FC2F, u64::MAX, u64::MAX, u64::MAX],
    a: [0; 4],
    b: [7, 0, 0, 0],
    add: Intrinsic::Secp256k1Add,
    dbl: Intrinsic::Secp256k1Dbl,
};
const SECP256K1: Ecdsa = Ecdsa {
    curve: CURVE,
    n: [0xBFD2_5E8C_D036_4141, 0xBAAE_DCE6_AF48_A03B, 0xFFFF_FFFF_FFFF_FFFE, u64::MAX],
    g: (
        [0x59F2_815B_16F8_1798, 0x029B_FCDB_2DCE_28D9, 0x55A0_6295_CE87_0B07, 0x79BE_667E_F9DC_BBAC],
        [0x9C47_D08F_FB10_D4B8, 0xFD17_B448_A685_5419, 0x5DA4_FBFC_0E11_08A8, 0x483A_DA77_26A3_C465],
    ),
    invert_hint: Intrinsic::HintSecp256k1FnInv,
};
/// (p + 1) / 4: p ≡ 3 (mod 4), so x^((p+1)/4) is a square root of x when one exists.
const SQRT_EXP: U256 = [0xFFFF_FFFF_BFFF_FF0C, u64::MAX, u64::MAX, 0x3FFF_FFFF_FFFF_FFFF];

/// `zkvm_secp256k1_ecrecover(msg[32], sig[64], recid, out[64]) -> status`.
pub fn ecrecover(s: &mut Shim, msg: Value, sig: Value, recid: Value, out: Value) {
    let msg = s.guest_fixed_or_trap(msg, 32);
    let sig = s.guest_fixed_or_trap(sig, 64);
    let out = s.guest_fixed_or_trap(out, 64);
    SECP256K1.constants(s);
    read_be(s, sig, 0, at::R);
    read_be(s, sig, 32, at::S);
    read_be(s, msg, 0, at::Z);
    // recid is a C `uint8_t`: its low byte.
    let recid = s.b.ins().band_imm(recid, 0xff);
    let bad_scalars = SECP256K1.bad_r_or_s(s);
    let bad_recid = s.b.ins().icmp_imm(IntCC::UnsignedGreaterThan, recid, 1);
    let bad = s.b.ins().bor(bad_scalars, bad_recid);
    fail_if(s, bad, |_| {}, ZKVM_EFAIL);

    // R = (r, y) with y² = r³ + 7 and y's parity recid's low bit (r < n < p).
    mul_add(s, at::X2, at::R, at::R, at::ZERO, at::P);
    mul_add(s, at::YSQ, at::X2, at::R, at::B, at::P);
    // The hinted root of the wanted parity, accepted when it is one (canonical, squaring to
    // r³ + 7, of that parity); otherwise the exponentiation decides, failing if none exists.
    let y = at::Q + 32;
    let want = s.b.ins().uextend(I64, recid);
    let want = s.b.ins().band_imm(want, 1);
    hint(s, Intrinsic::HintSecp256k1FpSqrt, at::YSQ, Some(want), 5, at::HINT);
    let (root, to) = (abs(s, at::HINT + 8), abs(s, y));
    copy(s, to, root, 4);
    let found = abs(s, at::HINT);
    let found = s.load(I64, found, 0);
    let found = s.b.ins().icmp_imm(IntCC::Equal, found, 1);
    let squares = squares_to(s, y, at::YSQ);
    let big = above(s, y, minus(CURVE.p, 1));
    let canonical = s.b.ins().bxor_imm(big, 1);
    let y_parity = parity(s, y);
    let right_parity = s.b.ins().icmp(IntCC::Equal, y_parity, want);
    let good = s.b.ins().band(found, squares);
    let good = s.b.ins().band(good, canonical);
    let good = s.b.ins().band(good, right_parity);
    let bad = s.b.ins().icmp_imm(IntCC::Equal, good, 0);
    when(s, bad, |s| {
        pow(s, y, at::YSQ, SQRT_EXP, at::P);
        let root = squares_to(s, y, at::YSQ);
        let no_root = s.b.ins().icmp_imm(IntCC::Equal, root, 0);
        fail_if(s, no_root, |_| {}, ZKVM_EFAIL);
        let y_parity = parity(s, y);
        let flip = s.b.ins().icmp(IntCC::NotEqual, y_parity, want);
        when(s, flip, |s| mul_add(s, y, y, at::P_MINUS_1, at::ZERO, at::P));
    });
    let (q, r) = (abs(s, at::Q), abs(s, at::R));
    copy(s, q, r, 4);

    // u1 = −z·r⁻¹, u2 = s·r⁻¹ (mod n); the key is u1·G + u2·R.
    SECP256K1.invert_mod_n(s, at::INV, at::R);
    mul_add(s, at::T, at::Z, at::INV, at::ZERO, at::N);
    mul_add(s, at::U1, at::T, at::N_MINUS_1, at::ZERO, at::N);
    mul_add(s, at::U2, at::S, at::INV, at::ZERO, at::N);
    let inf = scalar_mul(s, &CURVE, true);
    fail_if(s, inf, |_| {}, ZKVM_EFAIL);
    write_be(s, at::ACC, out, 0);
    write_be(s, at::ACC + 32, out, 32);
    ret(s, ZKVM_EOK);
}

/// `zkvm_secp256k1_verify(msg[32], sig[64], pubkey[64], verified*) -> status` (`ecdsa.rs`).
pub fn verify(s: &mut Shim, msg: Value, sig: Value, pubkey: Value, verified: Value) {
    SECP256K1.verify(s, msg, sig, pubkey, verified);
}
