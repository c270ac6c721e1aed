//! `zkvm_secp256r1_verify` (NIST P-256 ECDSA, EIP-7951's P256VERIFY) on ZisK's arith256_mod,
//! secp256r1_add and secp256r1_dbl precompiles, with ziskos 1.4.0-alpha's semantics: those of
//! `zkvm_secp256k1_verify` (`ecdsa.rs`) on y² = x³ − 3x + b.

use cranelift_codegen::ir::Value;
use zisk_wasm_environ::names::Intrinsic;

use crate::ec::{Curve, Shim};
use crate::ecdsa::Ecdsa;

const SECP256R1: Ecdsa = Ecdsa {
    curve: Curve {
        p: [u64::MAX, 0x0000_0000_FFFF_FFFF, 0, 0xFFFF_FFFF_0000_0001],
        // a = p − 3.
        a: [0xFFFF_FFFF_FFFF_FFFC, 0x0000_0000_FFFF_FFFF, 0, 0xFFFF_FFFF_0000_0001],
        b: [0x3BCE_3C3E_27D2_604B, 0x651D_06B0_CC53_B0F6, 0xB3EB_BD55_7698_86BC, 0x5AC6_35D8_AA3A_93E7],
        add: Intrinsic::Secp256r1Add,
        dbl: Intrinsic::Secp256r1Dbl,
    },
    n: [0xF3B9_CAC2_FC63_2551, 0xBCE6_FAAD_A717_9E84, u64::MAX, 0xFFFF_FFFF_0000_0000],
    g: (
        [0xF4A1_3945_D898_C296, 0x7703_7D81_2DEB_33A0, 0xF8BC_E6E5_63A4_40F2, 0x6B17_D1F2_E12C_4247],
        [0xCBB6_4068_37BF_51F5, 0x2BCE_3357_6B31_5ECE, 0x8EE7_EB4A_7C0F_9E16, 0x4FE3_42E2_FE1A_7F9B],
    ),
    invert_hint: Intrinsic::HintSecp256r1FnInv,
};

/// `zkvm_secp256r1_verify(msg[32], sig[64], pubkey[64], verified*) -> status`.
pub fn verify(s: &mut Shim, msg: Value, sig: Value, pubkey: Value, verified: Value) {
    SECP256R1.verify(s, msg, sig, pubkey, verified);
}
