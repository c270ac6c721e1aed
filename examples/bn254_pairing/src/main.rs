//! BN254 pairing checks through the zkVM accelerator `zkvm_bn254_pairing`
//! (`ziskos_bindings::accel::bn254_pairing`), the same source on every route. The input is a
//! list of cases, each a one-byte pair count n and then n 192-byte pairs (G1 ‖ G2, as
//! Ethereum's ecPairing takes them); for each the guest prints one console line, `1` or `0`
//! (the product of pairings is 1 or not), or `none` (an invalid point). It publishes the
//! number of cases.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

ziskos_bindings::entrypoint!(main);

const PAIR: usize = 192;

fn main() {
    let input = ziskos_bindings::read_input();
    let (mut rest, mut cases) = (&input[..], 0u32);
    while let Some((&n, tail)) = rest.split_first() {
        let (pairs, tail) = tail.split_at(n as usize * PAIR);
        match ziskos_bindings::accel::bn254_pairing(pairs) {
            Some(verified) => ziskos_bindings::println!("{}", u8::from(verified)),
            None => ziskos_bindings::println!("none"),
        }
        rest = tail;
        cases += 1;
    }
    ziskos_bindings::commit(&cases.to_le_bytes());
}
