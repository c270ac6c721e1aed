//! wasm32-wasip1 (and host) route: stdin is the input, stdout the public output. The WASI
//! runtime (our runtime-shim, or wasm2zisk's) maps them onto ZisK's input and output regions.

use std::io::{Read, Write};

pub fn read_input() -> Vec<u8> {
    let mut bytes = Vec::new();
    std::io::stdin().read_to_end(&mut bytes).expect("reading the ZisK input (stdin)");
    bytes
}

pub fn commit(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes).expect("writing the public output (stdout)");
    out.flush().expect("flushing the public output (stdout)");
}
