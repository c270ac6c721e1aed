//! Modular exponentiation through the zkVM accelerator (`ziskos_bindings::accel::modexp`:
//! `zkvm_modexp`), the same source on every route. The input is a list of cases, each three
//! u32 little-endian lengths (base, exponent, modulus) and then those big-endian bytes; for
//! each the guest prints one console line, the result in hex (`empty` for a zero-length
//! modulus). It publishes the number of cases.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

use alloc::string::String;
use core::fmt::Write;

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    let (mut rest, mut cases) = (&input[..], 0u32);
    while !rest.is_empty() {
        let len = |at: usize| u32::from_le_bytes(rest[at..at + 4].try_into().unwrap()) as usize;
        let (b, e, m) = (len(0), len(4), len(8));
        let body = &rest[12..];
        let (base, exp, modulus) = (&body[..b], &body[b..b + e], &body[b + e..b + e + m]);
        let result = ziskos_bindings::accel::modexp(base, exp, modulus);
        let mut line = String::new();
        if result.is_empty() {
            line.push_str("empty");
        }
        result.iter().for_each(|byte| write!(line, "{byte:02x}").unwrap());
        ziskos_bindings::println!("{line}");
        rest = &body[b + e + m..];
        cases += 1;
    }
    ziskos_bindings::commit(&cases.to_le_bytes());
}
