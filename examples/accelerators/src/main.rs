//! Keccak-256 and SHA-256 of the input through the zkVM accelerator interface
//! (`ziskos_bindings::accel`: `zkvm_keccak256`, `zkvm_sha256`), the same source on every
//! route. Publishes both digests.
#![cfg_attr(target_os = "none", no_std, no_main)]

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    ziskos_bindings::commit(&ziskos_bindings::accel::keccak256(&input));
    ziskos_bindings::commit(&ziskos_bindings::accel::sha256(&input));
}
