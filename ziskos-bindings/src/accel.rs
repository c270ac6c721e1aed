//! The zkVM accelerator C interface (eth-act's `zkvm_accelerators.h`), safely. One guest
//! source gets the accelerators on every route: on wasm32, zisk-wasm provides the imports
//! (module `env`) on ZisK's precompiles; on native riscv64 they are ziskos' own exports; the
//! host computes them in software.

/// Keccak-256 (Ethereum's) of `data`, by `zkvm_keccak256`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    imp::keccak256(data)
}

/// SHA-256 of `data`, by `zkvm_sha256`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    imp::sha256(data)
}

/// RIPEMD-160 of `data`, by `zkvm_ripemd160` (which writes it after twelve zero bytes, as
/// Ethereum's precompile returns it).
pub fn ripemd160(data: &[u8]) -> [u8; 20] {
    imp::ripemd160(data)
}

/// The public key (x ‖ y, big-endian) that signed the 32-byte hash `msg` with `sig` (r ‖ s,
/// big-endian) and recovery id `recid` (0 or 1: R's y parity), by `zkvm_secp256k1_ecrecover`;
/// `None` when there is none (r or s outside [1, n − 1], recid above 1, r no curve point's x).
/// High s is accepted, as ziskos does: check EIP-2 yourself where it applies.
pub fn secp256k1_ecrecover(msg: &[u8; 32], sig: &[u8; 64], recid: u8) -> Option<[u8; 64]> {
    imp::secp256k1_ecrecover(msg, sig, recid)
}

/// Whether `sig` (r ‖ s) signs `msg` under `pubkey` (x ‖ y), all big-endian, by
/// `zkvm_secp256k1_verify`. High s is accepted, as ziskos does.
pub fn secp256k1_verify(msg: &[u8; 32], sig: &[u8; 64], pubkey: &[u8; 64]) -> bool {
    imp::secp256k1_verify(msg, sig, pubkey)
}

/// Whether `sig` (r ‖ s) signs the 32-byte hash `msg` under `pubkey` (x ‖ y), all big-endian,
/// on NIST P-256 (EIP-7951's P256VERIFY), by `zkvm_secp256r1_verify`. High s is accepted.
pub fn secp256r1_verify(msg: &[u8; 32], sig: &[u8; 64], pubkey: &[u8; 64]) -> bool {
    imp::secp256r1_verify(msg, sig, pubkey)
}

/// Whether ∏ e(Pᵢ, Qᵢ) = 1 on BN254 (Ethereum's ecPairing), by `zkvm_bn254_pairing`: `pairs`
/// is whole 192-byte pairs, a G1 point (x ‖ y) then a G2 point (x_imaginary ‖ x_real ‖
/// y_imaginary ‖ y_real), 32 big-endian bytes per coordinate, all zeros infinity; `None` if a
/// point is not canonical, not on its curve, or (G2) not in the order-r subgroup. No pairs
/// verify.
pub fn bn254_pairing(pairs: &[u8]) -> Option<bool> {
    assert_eq!(pairs.len() % 192, 0, "bn254_pairing takes whole 192-byte pairs");
    imp::bn254_pairing(pairs)
}

/// p1 + p2 on BN254's G1 (Ethereum's ecAdd), by `zkvm_bn254_g1_add`: points x ‖ y, 32
/// big-endian bytes each, (0, 0) infinity; `None` if an input is not a canonical curve point.
pub fn bn254_g1_add(p1: &[u8; 64], p2: &[u8; 64]) -> Option<[u8; 64]> {
    imp::bn254_g1_add(p1, p2)
}

/// scalar · point on BN254's G1 (Ethereum's ecMul), by `zkvm_bn254_g1_mul`; the scalar is 32
/// big-endian bytes. `None` if the point is not a canonical curve point.
pub fn bn254_g1_mul(point: &[u8; 64], scalar: &[u8; 32]) -> Option<[u8; 64]> {
    imp::bn254_g1_mul(point, scalar)
}

/// base^exp mod modulus (EIP-198's modexp) by `zkvm_modexp`: all big-endian, any lengths,
/// the result `modulus.len()` bytes; a modulus of value 0 or 1 gives zeros, an exponent of 0
/// (or empty) 1, as ziskos does.
pub fn modexp(base: &[u8], exp: &[u8], modulus: &[u8]) -> alloc::vec::Vec<u8> {
    imp::modexp(base, exp, modulus)
}

#[cfg(any(target_arch = "wasm32", all(target_arch = "riscv64", target_os = "none")))]
mod imp {
    type Digest = unsafe extern "C" fn(data: *const u8, len: usize, out: *mut [u8; 32]) -> i32;

    extern "C" {
        fn zkvm_keccak256(data: *const u8, len: usize, out: *mut [u8; 32]) -> i32;
        fn zkvm_sha256(data: *const u8, len: usize, out: *mut [u8; 32]) -> i32;
        fn zkvm_ripemd160(data: *const u8, len: usize, out: *mut [u8; 32]) -> i32;
        fn zkvm_secp256k1_ecrecover(msg: *const [u8; 32], sig: *const [u8; 64], recid: u8, out: *mut [u8; 64]) -> i32;
        fn zkvm_secp256k1_verify(msg: *const [u8; 32], sig: *const [u8; 64], pubkey: *const [u8; 64], verified: *mut bool) -> i32;
        fn zkvm_secp256r1_verify(msg: *const [u8; 32], sig: *const [u8; 64], pubkey: *const [u8; 64], verified: *mut bool) -> i32;
        fn zkvm_bn254_g1_add(p1: *const [u8; 64], p2: *const [u8; 64], out: *mut [u8; 64]) -> i32;
        fn zkvm_bn254_g1_mul(point: *const [u8; 64], scalar: *const [u8; 32], out: *mut [u8; 64]) -> i32;
        fn zkvm_bn254_pairing(pairs: *const u8, num_pairs: usize, verified: *mut bool) -> i32;
        fn zkvm_modexp(base: *const u8, base_len: usize, exp: *const u8, exp_len: usize, modulus: *const u8, mod_len: usize, out: *mut u8) -> i32;
    }

    /// Calls a digest accelerator; anything but `ZKVM_EOK` (0) is a bug worth stopping for.
    fn digest(accelerator: Digest, name: &str, data: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        // SAFETY: the accelerator reads `data` and writes the 32 bytes of `out`.
        let status = unsafe { accelerator(data.as_ptr(), data.len(), &mut out) };
        assert_eq!(status, 0, "{name} failed");
        out
    }

    pub fn keccak256(data: &[u8]) -> [u8; 32] {
        digest(zkvm_keccak256, "zkvm_keccak256", data)
    }

    pub fn sha256(data: &[u8]) -> [u8; 32] {
        digest(zkvm_sha256, "zkvm_sha256", data)
    }

    pub fn ripemd160(data: &[u8]) -> [u8; 20] {
        let padded = digest(zkvm_ripemd160, "zkvm_ripemd160", data);
        padded[12..].try_into().unwrap()
    }

    pub fn secp256k1_ecrecover(msg: &[u8; 32], sig: &[u8; 64], recid: u8) -> Option<[u8; 64]> {
        let mut out = [0u8; 64];
        // SAFETY: the accelerator reads 32 and 64 bytes and writes the 64 of `out`.
        let status = unsafe { zkvm_secp256k1_ecrecover(msg, sig, recid, &mut out) };
        (status == 0).then_some(out)
    }

    pub fn secp256k1_verify(msg: &[u8; 32], sig: &[u8; 64], pubkey: &[u8; 64]) -> bool {
        let mut verified = false;
        // SAFETY: the accelerator reads 32, 64 and 64 bytes and writes the verdict.
        let status = unsafe { zkvm_secp256k1_verify(msg, sig, pubkey, &mut verified) };
        assert_eq!(status, 0, "zkvm_secp256k1_verify failed");
        verified
    }

    pub fn secp256r1_verify(msg: &[u8; 32], sig: &[u8; 64], pubkey: &[u8; 64]) -> bool {
        let mut verified = false;
        // SAFETY: the accelerator reads 32, 64 and 64 bytes and writes the verdict.
        let status = unsafe { zkvm_secp256r1_verify(msg, sig, pubkey, &mut verified) };
        assert_eq!(status, 0, "zkvm_secp256r1_verify failed");
        verified
    }

    pub fn bn254_g1_add(p1: &[u8; 64], p2: &[u8; 64]) -> Option<[u8; 64]> {
        let mut out = [0u8; 64];
        // SAFETY: the accelerator reads 64 and 64 bytes and writes the 64 of `out`.
        let status = unsafe { zkvm_bn254_g1_add(p1, p2, &mut out) };
        (status == 0).then_some(out)
    }

    pub fn bn254_g1_mul(point: &[u8; 64], scalar: &[u8; 32]) -> Option<[u8; 64]> {
        let mut out = [0u8; 64];
        // SAFETY: the accelerator reads 64 and 32 bytes and writes the 64 of `out`.
        let status = unsafe { zkvm_bn254_g1_mul(point, scalar, &mut out) };
        (status == 0).then_some(out)
    }

    pub fn bn254_pairing(pairs: &[u8]) -> Option<bool> {
        let mut verified = false;
        // SAFETY: the accelerator reads the whole pairs and writes the verdict.
        let status = unsafe { zkvm_bn254_pairing(pairs.as_ptr(), pairs.len() / 192, &mut verified) };
        (status == 0).then_some(verified)
    }

    pub fn modexp(base: &[u8], exp: &[u8], modulus: &[u8]) -> alloc::vec::Vec<u8> {
        let mut out = alloc::vec![0u8; modulus.len()];
        // SAFETY: the accelerator reads the three slices and writes `modulus.len()` bytes.
        let status = unsafe { zkvm_modexp(base.as_ptr(), base.len(), exp.as_ptr(), exp.len(), modulus.as_ptr(), modulus.len(), out.as_mut_ptr()) };
        assert_eq!(status, 0, "zkvm_modexp failed");
        out
    }
}

#[cfg(not(any(target_arch = "wasm32", all(target_arch = "riscv64", target_os = "none"))))]
mod imp {
    pub fn keccak256(data: &[u8]) -> [u8; 32] {
        use tiny_keccak::Hasher;
        let (mut k, mut out) = (tiny_keccak::Keccak::v256(), [0u8; 32]);
        k.update(data);
        k.finalize(&mut out);
        out
    }

    pub fn sha256(data: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(data).into()
    }

    pub fn ripemd160(data: &[u8]) -> [u8; 20] {
        use ripemd::Digest;
        ripemd::Ripemd160::digest(data).into()
    }

    use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

    /// k256 rejects high s; ziskos does not. (r, s) and (r, n − s) sign the same hash, the
    /// second with R negated: its y parity flips.
    fn low_s(sig: &[u8; 64]) -> Option<(Signature, bool)> {
        let sig = Signature::from_slice(sig).ok()?;
        Some(match sig.normalize_s() {
            Some(low) => (low, true),
            None => (sig, false),
        })
    }

    pub fn secp256k1_ecrecover(msg: &[u8; 32], sig: &[u8; 64], recid: u8) -> Option<[u8; 64]> {
        if recid > 1 {
            return None;
        }
        let (sig, flipped) = low_s(sig)?;
        let recid = RecoveryId::from_byte(recid ^ u8::from(flipped))?;
        let key = VerifyingKey::recover_from_prehash(msg, &sig, recid).ok()?;
        Some(key.to_encoded_point(false).as_bytes()[1..].try_into().unwrap())
    }

    pub fn secp256k1_verify(msg: &[u8; 32], sig: &[u8; 64], pubkey: &[u8; 64]) -> bool {
        use k256::ecdsa::signature::hazmat::PrehashVerifier;
        let mut sec1 = [4u8; 65];
        sec1[1..].copy_from_slice(pubkey);
        let (Ok(key), Some((sig, _))) = (VerifyingKey::from_sec1_bytes(&sec1), low_s(sig)) else { return false };
        key.verify_prehash(msg, &sig).is_ok()
    }

    /// ECDSA verification on P-256 with ziskos' rules (r, s in [1, n − 1], a canonical key on
    /// the curve, high s accepted), in arkworks' arithmetic.
    pub fn secp256r1_verify(msg: &[u8; 32], sig: &[u8; 64], pubkey: &[u8; 64]) -> bool {
        use ark_ec::{AffineRepr, CurveGroup};
        use ark_ff::{BigInteger, Field, PrimeField, Zero};
        use ark_secp256r1::{Affine, Fq, Fr};
        let scalar = |bytes: &[u8]| {
            let value = Fr::from_be_bytes_mod_order(bytes);
            (value.into_bigint().to_bytes_be() == bytes && !value.is_zero()).then_some(value)
        };
        let coordinate = |bytes: &[u8]| {
            let value = Fq::from_be_bytes_mod_order(bytes);
            (value.into_bigint().to_bytes_be() == bytes).then_some(value)
        };
        let (Some(r), Some(s)) = (scalar(&sig[..32]), scalar(&sig[32..])) else { return false };
        let (Some(x), Some(y)) = (coordinate(&pubkey[..32]), coordinate(&pubkey[32..])) else { return false };
        let key = Affine::new_unchecked(x, y);
        if (x.is_zero() && y.is_zero()) || !key.is_on_curve() {
            return false;
        }
        let w = s.inverse().unwrap();
        let z = Fr::from_be_bytes_mod_order(msg);
        let point = (Affine::generator() * (z * w) + key * (r * w)).into_affine();
        match point.xy() {
            Some((x, _)) => Fr::from_be_bytes_mod_order(&x.into_bigint().to_bytes_be()) == r,
            None => false,
        }
    }

    /// A G1 point from x ‖ y as revm's ecAdd reads it: (0, 0) is infinity.
    fn g1(bytes: &[u8; 64]) -> Option<bn::G1> {
        use bn::Group;
        let (x, y) = (bn::Fq::from_slice(&bytes[..32]).ok()?, bn::Fq::from_slice(&bytes[32..]).ok()?);
        if x.is_zero() && y.is_zero() {
            return Some(bn::G1::zero());
        }
        bn::AffineG1::new(x, y).ok().map(Into::into)
    }

    fn encode(point: bn::G1) -> [u8; 64] {
        let mut out = [0u8; 64];
        if let Some(a) = bn::AffineG1::from_jacobian(point) {
            a.x().to_big_endian(&mut out[..32]).unwrap();
            a.y().to_big_endian(&mut out[32..]).unwrap();
        }
        out
    }

    pub fn bn254_g1_add(p1: &[u8; 64], p2: &[u8; 64]) -> Option<[u8; 64]> {
        Some(encode(g1(p1)? + g1(p2)?))
    }

    pub fn bn254_g1_mul(point: &[u8; 64], scalar: &[u8; 32]) -> Option<[u8; 64]> {
        Some(encode(g1(point)? * bn::Fr::from_slice(scalar).ok()?))
    }

    /// A G2 point from x_i ‖ x_r ‖ y_i ‖ y_r as revm's ecPairing reads it: all zeros is
    /// infinity; substrate-bn checks the curve and the subgroup.
    fn g2(bytes: &[u8]) -> Option<bn::G2> {
        use bn::Group;
        let fq = |at: usize| bn::Fq::from_slice(&bytes[at..at + 32]).ok();
        let (x, y) = (bn::Fq2::new(fq(32)?, fq(0)?), bn::Fq2::new(fq(96)?, fq(64)?));
        if x.is_zero() && y.is_zero() {
            return Some(bn::G2::zero());
        }
        bn::AffineG2::new(x, y).ok().map(Into::into)
    }

    pub fn bn254_pairing(pairs: &[u8]) -> Option<bool> {
        let mut points = Vec::new();
        for pair in pairs.chunks(192) {
            points.push((g1(pair[..64].try_into().unwrap())?, g2(&pair[64..])?));
        }
        Some(bn::pairing_batch(&points) == bn::Gt::one())
    }

    /// ziskos' rules: m = 0 gives 0 (num-bigint would divide by zero), 0^0 = 1 (mod m > 1).
    pub fn modexp(base: &[u8], exp: &[u8], modulus: &[u8]) -> Vec<u8> {
        use num_bigint::BigUint;
        let m = BigUint::from_bytes_be(modulus);
        let value = if m <= BigUint::from(1u8) { BigUint::default() } else { BigUint::from_bytes_be(base).modpow(&BigUint::from_bytes_be(exp), &m) };
        let bytes = value.to_bytes_be();
        let mut out = vec![0u8; modulus.len()];
        // The result is below m, so it fits; zero is one byte `[0]`.
        let keep = bytes.len().min(out.len());
        let at = out.len() - keep;
        out[at..].copy_from_slice(&bytes[bytes.len() - keep..]);
        out
    }
}
