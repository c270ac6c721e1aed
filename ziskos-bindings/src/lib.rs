//! ZisK guest I/O that builds for wasm32-wasip1, for native riscv64 ZisK guests and for the host.
#![cfg_attr(all(target_arch = "riscv64", target_os = "none"), no_std)]

extern crate alloc;

#[cfg(all(target_arch = "riscv64", target_os = "none"))]
#[path = "native.rs"]
mod imp;
#[cfg(not(all(target_arch = "riscv64", target_os = "none")))]
#[path = "wasi.rs"]
mod imp;

#[doc(hidden)]
#[cfg(all(target_arch = "riscv64", target_os = "none"))]
pub use ziskos as __ziskos;

pub mod accel;

#[cfg(all(target_arch = "wasm32", feature = "bump-allocator"))]
mod bump;

/// With feature `bump-allocator`, wasm32 guests allocate as native ziskos guests do.
#[cfg(all(target_arch = "wasm32", feature = "bump-allocator"))]
#[global_allocator]
static ALLOCATOR: bump::Bump = bump::Bump::new();

use alloc::vec::Vec;

/// The whole first input record (the bytes after ZisK's 8-byte length prefix).
pub fn read_input() -> Vec<u8> {
    imp::read_input()
}

/// Appends `bytes` to the program's public output.
pub fn commit(bytes: &[u8]) {
    imp::commit(bytes)
}

/// Declares the guest's entry function, `fn main()` on every target.
///
/// On riscv64 it registers the function with ziskos (the crate is `no_main` there).
#[cfg(all(target_arch = "riscv64", target_os = "none"))]
#[macro_export]
macro_rules! entrypoint {
    ($path:path) => {
        $crate::__ziskos::entrypoint!($path);
    };
}

/// Declares the guest's entry function, `fn main()` on every target.
///
/// On wasm32 and the host the function is the ordinary Rust `main`: nothing to register.
#[cfg(not(all(target_arch = "riscv64", target_os = "none")))]
#[macro_export]
macro_rules! entrypoint {
    ($path:path) => {};
}

/// Writes `text` to ZisK's console (what `ziskemu -c` shows), not to the public output.
pub fn console(text: &str) {
    imp::console(text.as_bytes())
}

/// `println!` onto ZisK's console (never the public output), on every target.
#[macro_export]
macro_rules! println {
    ($($arg:tt)*) => {{
        extern crate alloc;
        let mut line = alloc::format!($($arg)*);
        line.push('\n');
        $crate::console(&line);
    }};
}

/// Keccak-f[1600] on `state`, in place, by ZisK's precompile (one step instead of thousands).
pub fn keccakf(state: &mut [u64; 25]) {
    imp::keccakf(state)
}

/// The SHA-256 compression function on `state` with one 64-byte `block`, in place (what
/// sha2's `compress256` does), by ZisK's precompile.
pub fn sha256_compress(state: &mut [u32; 8], block: &[u8; 64]) {
    // ZisK's precompile reads whole u64 words: hand it 8-aligned copies.
    let mut s = Aligned([0u64; 4]);
    let mut b = Aligned([0u64; 8]);
    for (i, w) in state.iter().enumerate() {
        s.0[i / 2] |= (*w as u64) << (32 * (i % 2));
    }
    for (i, chunk) in block.chunks_exact(8).enumerate() {
        b.0[i] = u64::from_le_bytes(chunk.try_into().unwrap());
    }
    imp::sha256f(&mut s.0, &b.0);
    for (i, w) in state.iter_mut().enumerate() {
        *w = (s.0[i / 2] >> (32 * (i % 2))) as u32;
    }
}

#[repr(C, align(8))]
struct Aligned<T>(T);

/// SHA-256 of `message`, every block compressed by ZisK's precompile ([`sha256_compress`]).
pub fn sha256(message: &[u8]) -> [u8; 32] {
    const IV: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    let mut state = IV;
    let mut blocks = message.chunks_exact(64);
    for block in &mut blocks {
        sha256_compress(&mut state, block.try_into().unwrap());
    }
    // The tail, the 0x80 marker and the bit length: one block, or two when they do not fit.
    let tail = blocks.remainder();
    let mut last = [0u8; 128];
    last[..tail.len()].copy_from_slice(tail);
    last[tail.len()] = 0x80;
    let end = if tail.len() < 56 { 64 } else { 128 };
    last[end - 8..end].copy_from_slice(&((message.len() as u64) * 8).to_be_bytes());
    for block in last[..end].chunks_exact(64) {
        sha256_compress(&mut state, block.try_into().unwrap());
    }
    let mut digest = [0u8; 32];
    for (i, w) in state.iter().enumerate() {
        digest[4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
    }
    digest
}
