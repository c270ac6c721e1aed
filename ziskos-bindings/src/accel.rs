//! The zkVM accelerator C interface (eth-act's `zkvm_accelerators.h`), safely. One guest
//! source gets the accelerators on every route: on wasm32, zisk-wasm provides the imports
//! (module `env`) on ZisK's precompiles; on native riscv64 they are ziskos' own exports; the
//! host computes them in software.

/// `ZKVM_EOK`.
#[cfg(any(target_arch = "wasm32", all(target_arch = "riscv64", target_os = "none")))]
const EOK: i32 = 0;

#[cfg(any(target_arch = "wasm32", all(target_arch = "riscv64", target_os = "none")))]
mod ffi {
    extern "C" {
        pub fn zkvm_keccak256(data: *const u8, len: usize, out: *mut [u8; 32]) -> i32;
        pub fn zkvm_sha256(data: *const u8, len: usize, out: *mut [u8; 32]) -> i32;
    }
}

/// Keccak-256 (Ethereum's) of `data`, by `zkvm_keccak256`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    #[cfg(any(target_arch = "wasm32", all(target_arch = "riscv64", target_os = "none")))]
    {
        let mut out = [0u8; 32];
        // SAFETY: reads `data` and writes the 32 bytes of `out`.
        let status = unsafe { ffi::zkvm_keccak256(data.as_ptr(), data.len(), &mut out) };
        assert_eq!(status, EOK, "zkvm_keccak256 failed");
        out
    }
    #[cfg(not(any(target_arch = "wasm32", all(target_arch = "riscv64", target_os = "none"))))]
    {
        use tiny_keccak::Hasher;
        let (mut k, mut out) = (tiny_keccak::Keccak::v256(), [0u8; 32]);
        k.update(data);
        k.finalize(&mut out);
        out
    }
}

/// SHA-256 of `data`, by `zkvm_sha256`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    #[cfg(any(target_arch = "wasm32", all(target_arch = "riscv64", target_os = "none")))]
    {
        let mut out = [0u8; 32];
        // SAFETY: reads `data` and writes the 32 bytes of `out`.
        let status = unsafe { ffi::zkvm_sha256(data.as_ptr(), data.len(), &mut out) };
        assert_eq!(status, EOK, "zkvm_sha256 failed");
        out
    }
    #[cfg(not(any(target_arch = "wasm32", all(target_arch = "riscv64", target_os = "none"))))]
    {
        use sha2::Digest;
        sha2::Sha256::digest(data).into()
    }
}
