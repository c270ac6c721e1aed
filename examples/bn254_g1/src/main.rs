//! BN254 G1 addition and scalar multiplication through the zkVM accelerators
//! (`ziskos_bindings::accel`: `zkvm_bn254_g1_add`, `zkvm_bn254_g1_mul`), the same source on
//! every route. The input is a list of cases, each two 64-byte points p1, p2 (x ‖ y,
//! big-endian) and a 32-byte scalar k; for each the guest prints one console line,
//! p1 + p2 and k·p1 in hex (or `none`). It publishes the number of cases.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

use alloc::string::String;
use core::fmt::Write;

ziskos_bindings::entrypoint!(main);

const CASE: usize = 64 + 64 + 32;

fn hex(line: &mut String, point: Option<[u8; 64]>) {
    match point {
        Some(p) => p.iter().for_each(|b| write!(line, "{b:02x}").unwrap()),
        None => line.push_str("none"),
    }
}

fn main() {
    let input = ziskos_bindings::read_input();
    assert_eq!(input.len() % CASE, 0, "the input is whole cases of {CASE} bytes");
    for case in input.chunks(CASE) {
        let p1: &[u8; 64] = case[..64].try_into().unwrap();
        let p2: &[u8; 64] = case[64..128].try_into().unwrap();
        let k: &[u8; 32] = case[128..].try_into().unwrap();
        let mut line = String::new();
        hex(&mut line, ziskos_bindings::accel::bn254_g1_add(p1, p2));
        line.push(' ');
        hex(&mut line, ziskos_bindings::accel::bn254_g1_mul(p1, k));
        ziskos_bindings::println!("{line}");
    }
    ziskos_bindings::commit(&((input.len() / CASE) as u32).to_le_bytes());
}
