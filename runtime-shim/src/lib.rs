//! Imports implemented for ZisK as CLIF: see the README for the conventions.

mod accelerators;
mod bigint;
mod bn254;
mod clif;
mod ec;
mod ecdsa;
mod fp12;
mod modexp;
mod pairing;
mod ripemd160;
mod secp256k1;
mod secp256r1;
mod wasi;
mod zisk_api;

use cranelift_codegen::ir;
use zisk_wasm_environ::{EnvironError, ImportName, ImportResolver, Limits, WasmFuncType};

/// The import resolver for ZisK programs: WASI preview1, `zisk.*`, the zkVM accelerators
/// (`env.zkvm_*`, `env.native_keccak256`) and the linear memory `env.memory`.
#[derive(Debug, Default, Clone, Copy)]
pub struct ZiskHost;

/// Where a guest linked with `--import-memory` (wasm-ld) expects its memory.
const IMPORTED_MEMORY: (&str, &str) = ("env", "memory");

impl ImportResolver for ZiskHost {
    fn implement(&self, index: u32, import: &ImportName, ty: &WasmFuncType) -> Result<ir::Function, EnvironError> {
        let built = match import.module.as_str() {
            wasi::MODULE => wasi::build(index, &import.field, ty),
            zisk_api::MODULE => zisk_api::build(index, import, ty),
            accelerators::MODULE | accelerators::VM_HOOKS => accelerators::build(index, &import.module, &import.field, ty),
            _ => None,
        };
        built.ok_or_else(|| {
            EnvironError::unlinkable(format!(
                "unknown import: {import} with type {ty} is not provided. This host provides \
                 wasi_snapshot_preview1.* (preview 1 signatures), {} and {}",
                zisk_api::PROVIDED.join(", "),
                accelerators::PROVIDED.join(", ")
            ))
        })
    }

    /// A guest's one linear memory, whether it defines it or imports it as `env.memory`: the
    /// host's memory is the one the guest asks for (its declared limits), so both build the
    /// same program.
    fn memory(&self, import: &ImportName, declared: &Limits) -> Result<Limits, EnvironError> {
        if (import.module.as_str(), import.field.as_str()) != IMPORTED_MEMORY {
            return Err(EnvironError::unlinkable(format!("unknown import: this host provides no memory named {import} (its memory is env.memory)")));
        }
        Ok(*declared)
    }
}
