//! isa_benchmarks ed25519_verify: Ed25519 with ed25519-dalek (curve25519-dalek's serial
//! backend). n rounds: derive a key pair from a seeded generator, sign a 64-byte message,
//! verify the signature (verify_strict) and check that the same signature over the message
//! with one bit flipped is rejected. Input: n as 8 little-endian bytes. Output: the last
//! signature (64 bytes) and the FNV-1a 64 hash of all signatures.
#![cfg_attr(target_os = "none", no_std, no_main)]

use ed25519_dalek::{Signer, SigningKey};

ziskos_bindings::entrypoint!(main);

/// xorshift64*: deterministic data without an RNG crate.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

fn fill(rng: &mut u64, out: &mut [u8]) {
    for chunk in out.chunks_mut(8) {
        let word = next(rng).to_le_bytes();
        chunk.copy_from_slice(&word[..chunk.len()]);
    }
}

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: n as 8 LE bytes"));
    let mut rng = 0xED25_519E_D255_19EDu64;
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut last = [0u8; 64];
    for _ in 0..n {
        let mut seed = [0u8; 32];
        let mut message = [0u8; 64];
        fill(&mut rng, &mut seed);
        fill(&mut rng, &mut message);
        let key = SigningKey::from_bytes(&seed);
        let signature = key.sign(&message);
        let public = key.verifying_key();
        public.verify_strict(&message, &signature).expect("a valid signature was rejected");
        message[(next(&mut rng) % 64) as usize] ^= 1 << (next(&mut rng) % 8);
        assert!(public.verify_strict(&message, &signature).is_err(), "a forged message was accepted");
        last = signature.to_bytes();
        hash = last.iter().fold(hash, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    }
    ziskos_bindings::commit(&last);
    ziskos_bindings::commit(&hash.to_le_bytes());
}
