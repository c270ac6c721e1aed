//! Reads a name from the input and greets it: the greeting goes to the console and to the
//! public output.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

ziskos_bindings::entrypoint!(main);

fn main() {
    let input = ziskos_bindings::read_input();
    let name = core::str::from_utf8(&input).map(str::trim).unwrap_or("");
    let name = if name.is_empty() { "stranger" } else { name };
    let greeting = alloc::format!("Hello, {name}!");
    ziskos_bindings::println!("{greeting}");
    ziskos_bindings::commit(greeting.as_bytes());
}
