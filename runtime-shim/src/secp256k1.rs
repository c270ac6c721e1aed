//! `zkvm_secp256k1_ecrecover` and `zkvm_secp256k1_verify` on ZisK's arith256_mod,
//! secp256k1_add and secp256k1_dbl precompiles (through `ec.rs`), with ziskos 1.4.0-alpha's
//! semantics:
//! - inputs big-endian bytes (hash 32, signature r ‖ s 64, public key x ‖ y 64);
//! - recovery: r and s in [1, n−1] and recid 0 or 1 (R's y parity; ziskos has no r + n
//!   case), else `ZKVM_EFAIL`; so is an r that is no curve point's x, and a result at
//!   infinity;
//! - verification: the status is `ZKVM_EOK` and `*verified` says; high s is accepted (as
//!   ziskos does), the key must be canonical, on the curve and not the all-zero identity.
//!
//! Inverses mod n and the square root are ziskos' hints, checked; exponentiations (n − 2,
//! (p + 1)/4) when a hint fails its check.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I64, I8};
use cranelift_codegen::ir::{InstBuilder, Value};
use zisk_wasm_environ::names::Intrinsic;

use crate::ec::*;

const CURVE: Curve = Curve {
    p: [0xFFFF_FFFE_FFFF_FC2F, u64::MAX, u64::MAX, u64::MAX],
    b: 7,
    add: Intrinsic::Secp256k1Add,
    dbl: Intrinsic::Secp256k1Dbl,
};
/// The group order, little-endian limbs, and the generator.
const N: U256 = [0xBFD2_5E8C_D036_4141, 0xBAAE_DCE6_AF48_A03B, 0xFFFF_FFFF_FFFF_FFFE, u64::MAX];
const GX: U256 = [0x59F2_815B_16F8_1798, 0x029B_FCDB_2DCE_28D9, 0x55A0_6295_CE87_0B07, 0x79BE_667E_F9DC_BBAC];
const GY: U256 = [0x9C47_D08F_FB10_D4B8, 0xFD17_B448_A685_5419, 0x5DA4_FBFC_0E11_08A8, 0x483A_DA77_26A3_C465];
/// (p + 1) / 4: p ≡ 3 (mod 4), so x^((p+1)/4) is a square root of x when one exists.
const SQRT_EXP: U256 = [0xFFFF_FFFF_BFFF_FF0C, u64::MAX, u64::MAX, 0x3FFF_FFFF_FFFF_FFFF];

/// The curve's constants, n and n − 1, and G as the table's first point.
fn secp256k1_constants(s: &mut Shim) {
    constants(s, &CURVE);
    for (addr, value) in [(at::N, N), (at::N_MINUS_1, minus(N, 1)), (at::G, GX), (at::G + 32, GY)] {
        set(s, addr, value);
    }
}

/// d = x⁻¹ mod n for x in [1, n − 1]: the hint when x·hint ≡ 1, else x^(n−2).
fn invert_mod_n(s: &mut Shim, d: u64, x: u64) {
    hint(s, Intrinsic::HintSecp256k1FnInv, x, None, 4, d);
    mul_add(s, at::T, x, d, at::ZERO, at::N);
    let (t, one) = (abs(s, at::T), abs(s, at::ONE));
    let good = equal(s, t, one, 4);
    let bad = s.b.ins().icmp_imm(IntCC::Equal, good, 0);
    when(s, bad, |s| pow(s, d, x, minus(N, 2), at::N));
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

/// `zkvm_secp256k1_ecrecover(msg[32], sig[64], recid, out[64]) -> status`.
pub fn ecrecover(s: &mut Shim, msg: Value, sig: Value, recid: Value, out: Value) {
    let msg = s.guest_fixed_or_trap(msg, 32);
    let sig = s.guest_fixed_or_trap(sig, 64);
    let out = s.guest_fixed_or_trap(out, 64);
    secp256k1_constants(s);
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
    invert_mod_n(s, at::INV, at::R);
    mul_add(s, at::T, at::Z, at::INV, at::ZERO, at::N);
    mul_add(s, at::U1, at::T, at::N_MINUS_1, at::ZERO, at::N);
    mul_add(s, at::U2, at::S, at::INV, at::ZERO, at::N);
    let inf = scalar_mul(s, &CURVE, true);
    fail_if(s, inf, |_| {}, ZKVM_EFAIL);
    write_be(s, at::ACC, out, 0);
    write_be(s, at::ACC + 32, out, 32);
    ret(s, ZKVM_EOK);
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
    secp256k1_constants(s);
    read_be(s, sig, 0, at::R);
    read_be(s, sig, 32, at::S);
    read_be(s, msg, 0, at::Z);
    read_be(s, pubkey, 0, at::Q);
    read_be(s, pubkey, 32, at::Q + 32);
    // The key: not the all-zero identity, coordinates at most p − 1, on the curve.
    let bad = bad_r_or_s(s);
    let identity = is_identity(s, at::Q);
    let big = not_canonical(s, &CURVE, at::Q);
    let bad = s.b.ins().bor(bad, identity);
    let bad = s.b.ins().bor(bad, big);
    fail_if(s, bad, reject, ZKVM_EOK);
    let on = on_curve(s, at::Q);
    let off_curve = s.b.ins().icmp_imm(IntCC::Equal, on, 0);
    fail_if(s, off_curve, reject, ZKVM_EOK);

    // u1 = z·s⁻¹, u2 = r·s⁻¹ (mod n); valid iff u1·G + u2·Q is finite with x ≡ r (mod n).
    invert_mod_n(s, at::INV, at::S);
    mul_add(s, at::U1, at::Z, at::INV, at::ZERO, at::N);
    mul_add(s, at::U2, at::R, at::INV, at::ZERO, at::N);
    let inf = scalar_mul(s, &CURVE, true);
    fail_if(s, inf, reject, ZKVM_EOK);
    mul_add(s, at::T, at::ACC, at::ONE, at::ZERO, at::N);
    let (t, r) = (abs(s, at::T), abs(s, at::R));
    let matches = equal(s, t, r, 4);
    s.b.ins().store(guest(), matches, verified, 0);
    ret(s, ZKVM_EOK);
}
