//! The cl-riscv baseline route: the guest's wasm through our environ and Cranelift's riscv64
//! backend into a RISC-V ELF, run by ZisK's RISC-V transpiler.

use std::path::Path;

use anyhow::{Context, Result};
use zisk_runner::Program;

use super::Route;
use crate::guest::{self, GuestCrate, TargetBuild, Workspace};

pub fn build(guest: &GuestCrate, workspace: &Workspace) -> Result<Program> {
    let wasm = guest::build(guest, &TargetBuild { triple: Some(super::direct::TRIPLE), env: vec![] })?;
    let dir = workspace.target_dir.join("zisk-wasm").join(guest.profile());
    let elf = dir.join(super::elf_name(Route::ClRiscv, &guest.artifact()));
    compile_file(&wasm, &elf)?;
    Ok(Program::elf(elf))
}

/// Compiles a `.wasm` or `.wat` file to the RISC-V ELF `elf`. This route writes no listing,
/// so a `.zisk` beside `elf` (a direct compile's, to the same name) would be stale: removed.
pub fn compile_file(input: &Path, elf: &Path) -> Result<()> {
    let wasm = super::direct::read_module(input)?;
    super::announce_compile(input, &wasm, "riscv64");
    let bytes = zisk_wasm_cl_riscv::compile(&wasm).with_context(|| format!("compiling {} for riscv64", input.display()))?;
    if let Some(dir) = elf.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(elf, bytes).with_context(|| format!("writing {}", elf.display()))?;
    let stale = elf.with_extension("zisk");
    if stale.is_file() {
        std::fs::remove_file(&stale).with_context(|| format!("removing the stale listing {}", stale.display()))?;
        eprintln!("removed {} (a listing of another compile; cl-riscv writes none)", stale.display());
    }
    eprintln!("compiled {} → {} (RISC-V, Cranelift riscv64 backend)", input.display(), elf.display());
    Ok(())
}
