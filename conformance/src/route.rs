//! The routes a spec module can take onto ZisK, each linked against the `spectest` host.

use std::path::Path;

use zisk_runner::Program;
use zisk_wasm_backend::{BackendError, Invocation};

use crate::spectest::SpecTest;

/// A way of turning a module plus a driver into a program file that ziskemu runs.
pub trait Route {
    fn name(&self) -> &'static str;
    /// Writes the program into `dir`; `Err` is the compiler's refusal.
    fn build(&self, wasm: &[u8], invocations: &[Invocation], dir: &Path) -> Result<Program, BackendError>;
    /// Whether a trap reports which trap it was (ours print `wasm trap: …`; on cl-riscv every
    /// trap is an `ebreak`, so only "it trapped" can be checked).
    fn names_traps(&self) -> bool {
        true
    }
}

/// The cl-riscv baseline: the same environ and driver through Cranelift's riscv64 backend.
pub struct ClRiscv;

impl Route for ClRiscv {
    fn name(&self) -> &'static str {
        "cl-riscv"
    }

    fn build(&self, wasm: &[u8], invocations: &[Invocation], dir: &Path) -> Result<Program, BackendError> {
        use zisk_wasm_cl_riscv::ClRiscvError;
        let elf = zisk_wasm_cl_riscv::compile_with_driver(wasm, &SpecTest, invocations).map_err(|e| match e {
            ClRiscvError::Environ(e) => BackendError::Environ(e),
            ClRiscvError::NoEntry => BackendError::NoEntry,
            ClRiscvError::BadEntry => BackendError::BadEntry,
            other => BackendError::Internal { function: "cl-riscv".into(), what: other.to_string() },
        })?;
        let path = dir.join("program-riscv.elf");
        std::fs::write(&path, &elf).expect("writing a temporary ELF");
        Ok(Program::elf(path))
    }

    fn names_traps(&self) -> bool {
        false
    }
}

/// Our direct route.
pub struct Direct;

impl Route for Direct {
    fn name(&self) -> &'static str {
        "direct"
    }

    fn build(&self, wasm: &[u8], invocations: &[Invocation], dir: &Path) -> Result<Program, BackendError> {
        let program = zisk_wasm_backend::compile_with_driver(wasm, &Default::default(), &SpecTest, invocations)?;
        let path = dir.join("program.elf");
        std::fs::write(&path, &program.elf).expect("writing a temporary ELF");
        Ok(Program::elf(path))
    }
}
