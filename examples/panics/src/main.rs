//! A guest that panics when its input u64 is odd: the run must fail and the panic message must
//! reach the console. An even input is echoed to the public output.
#![cfg_attr(target_os = "none", no_std, no_main)]

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: a u64 as 8 LE bytes"));
    if n % 2 == 1 {
        panic!("odd input {n} is refused");
    }
    ziskos_bindings::commit(&n.to_le_bytes());
}
