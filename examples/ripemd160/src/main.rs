//! RIPEMD-160 through the zkVM accelerator `zkvm_ripemd160` (`ziskos_bindings::accel`), the
//! same source on every route. The input is a list of messages, each a 2-byte little-endian
//! length and its bytes; for each the guest prints its digest in hex on one console line. It
//! publishes the number of messages.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

use alloc::string::String;
use core::fmt::Write;

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    let (mut rest, mut count) = (&input[..], 0u32);
    while rest.len() >= 2 {
        let len = u16::from_le_bytes([rest[0], rest[1]]) as usize;
        let (message, tail) = rest[2..].split_at(len);
        let mut line = String::new();
        for b in ziskos_bindings::accel::ripemd160(message) {
            write!(line, "{b:02x}").unwrap();
        }
        ziskos_bindings::println!("{line}");
        rest = tail;
        count += 1;
    }
    ziskos_bindings::commit(&count.to_le_bytes());
}
