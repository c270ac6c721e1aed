//! `zkvm_modexp` on the real ziskemu (guest examples/modexp), judged by num-bigint under
//! ziskos' rules on edge cases (empty and zero moduli, modulus 1, empty and zero exponents,
//! empty bases, leading zeros, bases longer than the modulus, even moduli), EIP-198's
//! vectors and random inputs of 1 to 512 bytes (both the one-limb and the multi-limb path).
//! Every route.

use num_bigint::BigUint;

mod common;
use common::{check_routes, hex};

/// A deterministic xorshift byte stream.
struct Random(u64);

impl Random {
    fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len)
            .map(|_| {
                self.0 ^= self.0 << 13;
                self.0 ^= self.0 >> 7;
                self.0 ^= self.0 << 17;
                self.0 as u8
            })
            .collect()
    }

    /// `len` bytes with the top bit set: a number of exactly that length.
    fn full(&mut self, len: usize) -> Vec<u8> {
        let mut b = self.bytes(len);
        if let Some(first) = b.first_mut() {
            *first |= 0x80;
        }
        b
    }
}

/// ziskos' answer: `modulus.len()` bytes; 0 for a modulus of 0 or 1, 1 for exponent 0.
fn judge(base: &[u8], exp: &[u8], modulus: &[u8]) -> String {
    if modulus.is_empty() {
        return "empty".into();
    }
    let m = BigUint::from_bytes_be(modulus);
    let value = if m <= BigUint::from(1u8) { BigUint::default() } else { BigUint::from_bytes_be(base).modpow(&BigUint::from_bytes_be(exp), &m) };
    let bytes = value.to_bytes_be();
    let mut out = vec![0u8; modulus.len()];
    let keep = bytes.len().min(out.len());
    out[modulus.len() - keep..].copy_from_slice(&bytes[bytes.len() - keep..]);
    hex(&out)
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

#[test]
fn modexp_agrees_with_num_bigint_on_every_route() {
    let mut rng = Random(0x6a09_e667_f3bc_c908);
    let p = unhex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
    let p_minus_1 = unhex("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2e");
    let mut cases: Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> = vec![
        (vec![3], vec![5], vec![]),                        // no modulus: nothing written
        (vec![3], vec![5], vec![0, 0]),                    // modulus 0
        (vec![3], vec![5], vec![0, 1]),                    // modulus 1
        (vec![3], vec![], vec![0, 7]),                     // no exponent: 1
        (vec![3], vec![0, 0], vec![7]),                    // exponent 0
        (vec![], vec![5], vec![7]),                        // no base: 0
        (vec![0], vec![0], vec![9]),                       // 0^0 = 1
        (vec![0, 0, 0, 9], vec![0, 2], vec![0, 0, 0, 11]), // leading zeros everywhere
        (vec![3], p_minus_1.clone(), p.clone()),           // EIP-198: Fermat, 1
        (vec![], p_minus_1.clone(), p.clone()),            // EIP-198: 0
        (vec![7; 32], vec![1], vec![0xff; 32]),            // base above the modulus
        (rng.full(32), rng.full(32), {
            let mut m = rng.full(32);
            m[31] &= 0xfe;
            m
        }), // even modulus
        (rng.full(100), vec![3], rng.full(20)),            // base five times the modulus
        (rng.full(3), rng.full(2), [vec![0; 40], rng.full(40)].concat()), // two limbs, padded
        (rng.full(33), vec![3], rng.full(33)),             // just over one limb
        (rng.full(64), vec![0x01, 0x00, 0x01], {
            let mut m = rng.full(64);
            m[63] &= 0xfe;
            m
        }), // even, two limbs
        (rng.full(300), vec![0x01, 0x00, 0x01], rng.full(128)), // RSA-1024, long base
        (rng.full(256), vec![0x01, 0x00, 0x01], rng.full(256)), // RSA-2048
        (rng.full(512), vec![3], rng.full(512)),                // RSA-4096
    ];
    // Random small and 256-bit cases.
    for len in [1, 5, 16, 31, 32] {
        let (b, e, m) = (rng.bytes(len), rng.bytes(len.min(8)), rng.full(len));
        cases.push((b, e, m));
    }
    for len in [48, 96] {
        let (b, e, m) = (rng.bytes(len), rng.bytes(4), rng.full(len));
        cases.push((b, e, m));
    }
    let mut input = Vec::new();
    let mut expected = Vec::new();
    for (b, e, m) in &cases {
        for part in [b, e, m] {
            input.extend_from_slice(&(part.len() as u32).to_le_bytes());
        }
        for part in [b, e, m] {
            input.extend_from_slice(part);
        }
        expected.push(judge(b, e, m));
    }
    // The judge on EIP-198's own answers.
    assert_eq!(expected[8], hex(&[vec![0; 31], vec![1]].concat()));
    assert_eq!(expected[9], hex(&[0; 32]));
    check_routes("modexp", &input, &expected);
}
