//! SHA-256 of the input through ZisK's SHA-256 precompile (`ziskos_bindings::sha256`: padding
//! in Rust, each 64-byte block compressed by the precompile). Publishes the 32-byte digest.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    let digest = ziskos_bindings::sha256(&input);
    let hex: alloc::string::String = digest.iter().map(|b| alloc::format!("{b:02x}")).collect();
    ziskos_bindings::println!("sha256 = {hex}");
    ziskos_bindings::commit(&digest);
}
