//! isa_benchmarks iter_keccak: Keccak-256 applied n times to a 32-byte state starting at zero,
//! in plain Rust (the sha3 crate). Input: n as 8 little-endian bytes. Output: the final state.
#![cfg_attr(target_os = "none", no_std, no_main)]

use sha3::{Digest, Keccak256};

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: n as 8 LE bytes"));
    let mut state = [0u8; 32];
    for _ in 0..n {
        state = Keccak256::digest(state).into();
    }
    ziskos_bindings::commit(&state);
}
