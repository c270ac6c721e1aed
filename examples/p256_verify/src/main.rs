//! NIST P-256 ECDSA verification through the zkVM accelerator `zkvm_secp256r1_verify`
//! (`ziskos_bindings::accel::secp256r1_verify`), the same source on every route. The input is
//! a list of cases, each a 32-byte hash, a 64-byte signature (r ‖ s) and a 64-byte public key
//! (x ‖ y), all big-endian; for each the guest prints one console line, `1` or `0`. It
//! publishes the number of cases.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

ziskos_bindings::entrypoint!(main);

const CASE: usize = 32 + 64 + 64;

fn main() {
    let input = ziskos_bindings::read_input();
    assert_eq!(input.len() % CASE, 0, "the input is whole cases of {CASE} bytes");
    for case in input.chunks(CASE) {
        let verified = ziskos_bindings::accel::secp256r1_verify(
            case[..32].try_into().unwrap(),
            case[32..96].try_into().unwrap(),
            case[96..].try_into().unwrap(),
        );
        ziskos_bindings::println!("{}", u8::from(verified));
    }
    ziskos_bindings::commit(&((input.len() / CASE) as u32).to_le_bytes());
}
