//! iter_keccak through ZisK's Keccak-f precompile: the same workload as iter_keccak
//! (Keccak-256 applied n times to a 32-byte state starting at zero) with each hash's single
//! permutation done by `ziskos_bindings::keccakf`. Input: n as 8 LE bytes. Output: the state.
#![cfg_attr(target_os = "none", no_std, no_main)]

ziskos_bindings::entrypoint!(main);

/// Keccak-256 (original padding 0x01, rate 136 bytes) of a 32-byte message: one block.
fn keccak256_32(message: &[u8; 32]) -> [u8; 32] {
    let mut lanes = [0u64; 25];
    for (i, chunk) in message.chunks_exact(8).enumerate() {
        lanes[i] = u64::from_le_bytes(chunk.try_into().unwrap());
    }
    lanes[4] ^= 0x01; // byte 32
    lanes[16] ^= 0x80 << 56; // byte 135, the rate's last
    ziskos_bindings::keccakf(&mut lanes);
    let mut digest = [0u8; 32];
    for i in 0..4 {
        digest[8 * i..8 * i + 8].copy_from_slice(&lanes[i].to_le_bytes());
    }
    digest
}

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: n as 8 LE bytes"));
    let mut state = [0u8; 32];
    for _ in 0..n {
        state = keccak256_32(&state);
    }
    ziskos_bindings::commit(&state);
}
