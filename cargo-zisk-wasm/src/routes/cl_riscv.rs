//! The cl-riscv baseline route: the guest's wasm through our environ and Cranelift's riscv64
//! backend into a RISC-V ELF, run by ZisK's RISC-V transpiler.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use zisk_runner::Program;

use crate::guest::{self, GuestCrate, TargetBuild, Workspace};

pub fn build(guest: &GuestCrate, workspace: &Workspace) -> Result<Program> {
    let wasm = guest::build(guest, &TargetBuild { triple: Some(super::direct::TRIPLE), env: vec![] })?;
    let out = workspace.target_dir.join("zisk-wasm").join(guest.profile()).join(format!("{}-cl-riscv", guest.artifact()));
    Ok(Program::elf(compile_file(&wasm, &out)?))
}

/// Compiles a `.wasm` or `.wat` file to `<out>.elf` (RISC-V); returns its path.
pub fn compile_file(input: &Path, out: &Path) -> Result<PathBuf> {
    let wasm = super::direct::read_module(input)?;
    let elf = zisk_wasm_cl_riscv::compile(&wasm).with_context(|| format!("compiling {} for riscv64", input.display()))?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let path = out.with_extension("elf");
    std::fs::write(&path, elf).with_context(|| format!("writing {}", path.display()))?;
    eprintln!("compiled {} → {} (RISC-V, Cranelift riscv64 backend)", input.display(), path.display());
    Ok(path)
}
