//! SHA-256 of the input through ZisK's SHA-256 precompile (padding in Rust, each 64-byte
//! block compressed by `ziskos_bindings::sha256_compress`). Publishes the 32-byte digest.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

ziskos_bindings::entrypoint!(main);

const IV: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

fn sha256(message: &[u8]) -> [u8; 32] {
    let mut state = IV;
    let mut padded = alloc::vec::Vec::from(message);
    padded.push(0x80);
    while padded.len() % 64 != 56 {
        padded.push(0);
    }
    padded.extend_from_slice(&((message.len() as u64) * 8).to_be_bytes());
    for block in padded.chunks_exact(64) {
        ziskos_bindings::sha256_compress(&mut state, block.try_into().unwrap());
    }
    let mut digest = [0u8; 32];
    for (i, w) in state.iter().enumerate() {
        digest[4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
    }
    digest
}

fn main() {
    let input = ziskos_bindings::read_input();
    let digest = sha256(&input);
    let hex: alloc::string::String = digest.iter().map(|b| alloc::format!("{b:02x}")).collect();
    ziskos_bindings::println!("sha256 = {hex}");
    ziskos_bindings::commit(&digest);
}
