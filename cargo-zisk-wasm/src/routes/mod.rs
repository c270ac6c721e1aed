//! The routes a guest can take onto ZisK. Each turns one guest crate into a program file that
//! the real ziskemu runs.

mod cl_riscv;
pub mod direct;
mod native;
mod wasm2zisk;

use std::fmt;

use anyhow::Result;
use zisk_runner::Program;

use crate::guest::{GuestCrate, Workspace};

pub use cl_riscv::compile_file as cl_riscv_compile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum)]
pub enum Route {
    /// Ours: rustc wasm32-wasip1, then our compiler to a ziskbin ELF.
    Direct,
    /// Baseline: the same environ's CLIF through Cranelift's riscv64 backend.
    ClRiscv,
    /// rustc riscv64imac + ziskos, through ZisK's RISC-V transpiler.
    Native,
    /// rustc wasm32-wasip1, through ZisK's own WASM translator (`ziskemu -e x.wasm`).
    Wasm2zisk,
}

impl Route {
    pub const ALL: [Route; 4] = [Route::Direct, Route::ClRiscv, Route::Native, Route::Wasm2zisk];

    pub fn name(self) -> &'static str {
        match self {
            Route::Direct => "direct",
            Route::ClRiscv => "cl-riscv",
            Route::Native => "native",
            Route::Wasm2zisk => "wasm2zisk",
        }
    }

    /// Builds `guest` into a program for this route.
    pub fn build(self, guest: &GuestCrate, workspace: &Workspace) -> Result<Program> {
        self.build_with(guest, workspace, false)
    }

    /// `profiling`: a build ziskemu's per-function profile can follow (on direct, a
    /// profiling build of ours; the other routes' ELFs serve as they are).
    pub fn build_with(self, guest: &GuestCrate, workspace: &Workspace, profiling: bool) -> Result<Program> {
        match self {
            Route::Direct => direct::build(guest, workspace, profiling),
            Route::ClRiscv => cl_riscv::build(guest, workspace),
            Route::Native => native::build(guest, workspace),
            Route::Wasm2zisk => wasm2zisk::build(guest),
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
