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
