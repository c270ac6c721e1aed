//! isa_benchmarks fibonacci: the n-th Fibonacci number with u64 wrapping arithmetic,
//! F(1) = F(2) = 1. Input: n as 8 little-endian bytes. Public output: F(n), 8 bytes LE.
#![cfg_attr(target_os = "none", no_std, no_main)]

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: n as 8 LE bytes"));
    ziskos_bindings::commit(&fibonacci(n).to_le_bytes());
}

fn fibonacci(n: u64) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}
