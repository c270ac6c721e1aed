//! iter_sha through ZisK's SHA-256 precompile: the same workload as iter_sha (SHA-256 applied n
//! times to a 32-byte state starting at zero) with `ziskos_bindings::sha256`, whose blocks the
//! precompile compresses. Input: n as 8 LE bytes. Output: the final state.
#![cfg_attr(target_os = "none", no_std, no_main)]

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: n as 8 LE bytes"));
    let mut state = [0u8; 32];
    for _ in 0..n {
        state = ziskos_bindings::sha256(&state);
    }
    ziskos_bindings::commit(&state);
}
