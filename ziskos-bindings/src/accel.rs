//! The zkVM accelerator C interface (eth-act's `zkvm_accelerators.h`), safely. One guest
//! source gets the accelerators on every route: on wasm32, zisk-wasm provides the imports
//! (module `env`) on ZisK's precompiles; on native riscv64 they are ziskos' own exports; the
//! host computes them in software.

/// Keccak-256 (Ethereum's) of `data`, by `zkvm_keccak256`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    imp::keccak256(data)
}

/// SHA-256 of `data`, by `zkvm_sha256`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    imp::sha256(data)
}

#[cfg(any(target_arch = "wasm32", all(target_arch = "riscv64", target_os = "none")))]
mod imp {
    type Digest = unsafe extern "C" fn(data: *const u8, len: usize, out: *mut [u8; 32]) -> i32;

    extern "C" {
        fn zkvm_keccak256(data: *const u8, len: usize, out: *mut [u8; 32]) -> i32;
        fn zkvm_sha256(data: *const u8, len: usize, out: *mut [u8; 32]) -> i32;
    }

    /// Calls a digest accelerator; anything but `ZKVM_EOK` (0) is a bug worth stopping for.
    fn digest(accelerator: Digest, name: &str, data: &[u8]) -> [u8; 32] {
        let mut out = [0u8; 32];
        // SAFETY: the accelerator reads `data` and writes the 32 bytes of `out`.
        let status = unsafe { accelerator(data.as_ptr(), data.len(), &mut out) };
        assert_eq!(status, 0, "{name} failed");
        out
    }

    pub fn keccak256(data: &[u8]) -> [u8; 32] {
        digest(zkvm_keccak256, "zkvm_keccak256", data)
    }

    pub fn sha256(data: &[u8]) -> [u8; 32] {
        digest(zkvm_sha256, "zkvm_sha256", data)
    }
}

#[cfg(not(any(target_arch = "wasm32", all(target_arch = "riscv64", target_os = "none"))))]
mod imp {
    pub fn keccak256(data: &[u8]) -> [u8; 32] {
        use tiny_keccak::Hasher;
        let (mut k, mut out) = (tiny_keccak::Keccak::v256(), [0u8; 32]);
        k.update(data);
        k.finalize(&mut out);
        out
    }

    pub fn sha256(data: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(data).into()
    }
}
