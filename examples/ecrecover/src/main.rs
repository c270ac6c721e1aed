//! secp256k1 recovery and verification through the zkVM accelerators
//! (`ziskos_bindings::accel`: `zkvm_secp256k1_ecrecover`, `zkvm_secp256k1_verify`), the same
//! source on every route. The input is a list of cases, each a 32-byte hash, a 64-byte
//! signature r ‖ s, a recovery id byte and a 64-byte public key; for each the guest prints
//! one console line: the recovered key in hex (or `none`) and whether the signature verifies
//! under the given key. It publishes the number of cases.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

use alloc::string::String;
use core::fmt::Write;

ziskos_bindings::entrypoint!(main);

const CASE: usize = 32 + 64 + 1 + 64;

fn main() {
    let input = ziskos_bindings::read_input();
    assert_eq!(input.len() % CASE, 0, "the input is whole cases of {CASE} bytes");
    for case in input.chunks(CASE) {
        let msg: &[u8; 32] = case[..32].try_into().unwrap();
        let sig: &[u8; 64] = case[32..96].try_into().unwrap();
        let pubkey: &[u8; 64] = case[97..].try_into().unwrap();
        let mut line = String::new();
        match ziskos_bindings::accel::secp256k1_ecrecover(msg, sig, case[96]) {
            Some(key) => key.iter().for_each(|b| write!(line, "{b:02x}").unwrap()),
            None => line.push_str("none"),
        }
        let verified = ziskos_bindings::accel::secp256k1_verify(msg, sig, pubkey);
        ziskos_bindings::println!("{line} {}", u8::from(verified));
    }
    ziskos_bindings::commit(&((input.len() / CASE) as u32).to_le_bytes());
}
