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

/// stderr is console-only under our shim (stdout is also the public output).
pub fn console(bytes: &[u8]) {
    let _ = std::io::stderr().write_all(bytes);
}

#[cfg(target_arch = "wasm32")]
mod precompiles {
    // Provided by zisk-wasm's runtime (module `zisk`), lowered to ZisK's precompile ops.
    #[link(wasm_import_module = "zisk")]
    extern "C" {
        pub fn keccakf(state: *mut u64);
        pub fn sha256f(state: *mut u64, block: *const u64);
    }
}

#[cfg(target_arch = "wasm32")]
pub fn keccakf(state: &mut [u64; 25]) {
    // SAFETY: the import reads and writes exactly these 25 words.
    unsafe { precompiles::keccakf(state.as_mut_ptr()) }
}

#[cfg(target_arch = "wasm32")]
pub fn sha256f(state: &mut [u64; 4], block: &[u64; 8]) {
    // SAFETY: the import reads the block and rewrites the state, nothing else.
    unsafe { precompiles::sha256f(state.as_mut_ptr(), block.as_ptr()) }
}

// The host (reference runs and tests): the same functions in software.
#[cfg(not(target_arch = "wasm32"))]
pub fn keccakf(state: &mut [u64; 25]) {
    tiny_keccak::keccakf(state)
}

#[cfg(not(target_arch = "wasm32"))]
pub fn sha256f(state: &mut [u64; 4], block: &[u64; 8]) {
    let mut s = [0u32; 8];
    for (i, w) in s.iter_mut().enumerate() {
        *w = (state[i / 2] >> (32 * (i % 2))) as u32;
    }
    let mut bytes = [0u8; 64];
    for (i, w) in block.iter().enumerate() {
        bytes[8 * i..8 * i + 8].copy_from_slice(&w.to_le_bytes());
    }
    #[allow(deprecated)]
    sha2::compress256(&mut s, &[sha2::digest::generic_array::GenericArray::clone_from_slice(&bytes)]);
    for (i, w) in s.iter().enumerate() {
        state[i / 2] = if i % 2 == 0 { *w as u64 } else { state[i / 2] | (*w as u64) << 32 };
    }
}
