//! isa_benchmarks blake3_hash: BLAKE3 (the blake3 crate, portable code: no SIMD on any route)
//! over a generated 16 KiB buffer, n times, each digest chained into the next buffer; then a
//! keyed hash with 64 bytes of extended output. Input: n as 8 little-endian bytes. Output: the
//! last digest (32 bytes) and the extended output (64 bytes).
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

use alloc::vec;

ziskos_bindings::entrypoint!(main);

/// xorshift64*: deterministic data without an RNG crate.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: n as 8 LE bytes"));
    let mut rng = 0xB1A4_E3B1_A4E3_B1A4u64;
    let mut buffer = vec![0u8; 16 * 1024];
    for chunk in buffer.chunks_exact_mut(8) {
        chunk.copy_from_slice(&next(&mut rng).to_le_bytes());
    }
    let mut digest = [0u8; 32];
    for _ in 0..n {
        buffer[..32].copy_from_slice(&digest);
        digest = *blake3::hash(&buffer).as_bytes();
    }
    let mut extended = [0u8; 64];
    blake3::Hasher::new_keyed(&digest).update(&buffer).finalize_xof().fill(&mut extended);
    ziskos_bindings::commit(&digest);
    ziskos_bindings::commit(&extended);
}
