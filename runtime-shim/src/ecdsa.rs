//! ECDSA on a short-Weierstrass curve with ZisK precompiles (`ec.rs`): what
//! `zkvm_secp256k1_verify`, `zkvm_secp256r1_verify` and `zkvm_secp256k1_ecrecover` share,
//! with ziskos 1.4.0-alpha's semantics (the same checks in the same order for both curves):
//! r and s in [1, n − 1], the key canonical, on the curve and not the all-zero identity,
//! high s accepted, the verdict x(u1·G + u2·Q) ≡ r (mod n) for a finite sum.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::I8;
use cranelift_codegen::ir::{InstBuilder, Value};
use zisk_wasm_environ::names::Intrinsic;

use crate::ec::*;

/// A curve with its group order, generator, and ziskos' hint for inverses mod n.
pub struct Ecdsa {
    pub curve: Curve,
    pub n: U256,
    pub g: (U256, U256),
    pub invert_hint: Intrinsic,
}

impl Ecdsa {
    /// The curve's constants, n and n − 1, and G as the table's first point.
    pub fn constants(&self, s: &mut Shim) {
        constants(s, &self.curve);
        for (addr, value) in [(at::N, self.n), (at::N_MINUS_1, minus(self.n, 1)), (at::G, self.g.0), (at::G + 32, self.g.1)] {
            set(s, addr, value);
        }
    }

    /// d = x⁻¹ mod n for x in [1, n − 1]: the hint when x·hint ≡ 1, else x^(n−2).
    pub fn invert_mod_n(&self, s: &mut Shim, d: u64, x: u64) {
        hint(s, self.invert_hint, x, None, 4, d);
        mul_add(s, at::T, x, d, at::ZERO, at::N);
        let (t, one) = (abs(s, at::T), abs(s, at::ONE));
        let good = equal(s, t, one, 4);
        let bad = s.b.ins().icmp_imm(IntCC::Equal, good, 0);
        when(s, bad, |s| pow(s, d, x, minus(self.n, 2), at::N));
    }

    /// Whether r or s (already read to R and S) lies outside [1, n − 1] (an i8).
    pub fn bad_r_or_s(&self, s: &mut Shim) -> Value {
        let mut bad = s.b.ins().iconst(I8, 0);
        for scalar in [at::R, at::S] {
            let zero = is_zero(s, scalar);
            let big = above(s, scalar, minus(self.n, 1));
            let either = s.b.ins().bor(zero, big);
            bad = s.b.ins().bor(bad, either);
        }
        bad
    }

    /// `zkvm_<curve>_verify(msg[32], sig[64], pubkey[64], verified*) -> status`: always
    /// `ZKVM_EOK`, the verdict in the byte at `verified`.
    pub fn verify(&self, s: &mut Shim, msg: Value, sig: Value, pubkey: Value, verified: Value) {
        let msg = s.guest_fixed_or_trap(msg, 32);
        let sig = s.guest_fixed_or_trap(sig, 64);
        let pubkey = s.guest_fixed_or_trap(pubkey, 64);
        let verified = s.guest_fixed_or_trap(verified, 1);
        let reject = |s: &mut Shim| {
            let no = s.b.ins().iconst(I8, 0);
            s.b.ins().store(guest(), no, verified, 0);
        };
        self.constants(s);
        read_be(s, sig, 0, at::R);
        read_be(s, sig, 32, at::S);
        read_be(s, msg, 0, at::Z);
        read_be(s, pubkey, 0, at::Q);
        read_be(s, pubkey, 32, at::Q + 32);
        // The key: not the all-zero identity, coordinates at most p − 1, on the curve.
        let bad = self.bad_r_or_s(s);
        let identity = is_identity(s, at::Q);
        let big = not_canonical(s, &self.curve, at::Q);
        let bad = s.b.ins().bor(bad, identity);
        let bad = s.b.ins().bor(bad, big);
        fail_if(s, bad, reject, ZKVM_EOK);
        let on = on_curve(s, at::Q);
        let off_curve = s.b.ins().icmp_imm(IntCC::Equal, on, 0);
        fail_if(s, off_curve, reject, ZKVM_EOK);

        // u1 = z·s⁻¹, u2 = r·s⁻¹ (mod n); valid iff u1·G + u2·Q is finite with x ≡ r (mod n).
        self.invert_mod_n(s, at::INV, at::S);
        mul_add(s, at::U1, at::Z, at::INV, at::ZERO, at::N);
        mul_add(s, at::U2, at::R, at::INV, at::ZERO, at::N);
        let inf = scalar_mul(s, &self.curve, true);
        fail_if(s, inf, reject, ZKVM_EOK);
        mul_add(s, at::T, at::ACC, at::ONE, at::ZERO, at::N);
        let (t, r) = (abs(s, at::T), abs(s, at::R));
        let matches = equal(s, t, r, 4);
        s.b.ins().store(guest(), matches, verified, 0);
        ret(s, ZKVM_EOK);
    }
}
