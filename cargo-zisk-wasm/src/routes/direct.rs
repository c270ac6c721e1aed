//! The direct route (ours): the guest compiled for wasm32-wasip1, then WASM → CLIF →
//! Cranelift's mid-end → our ZisK backend → ziskbin ELF (plus a `.zisk` listing beside it).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use zisk_runner::Program;
use zisk_wasm_backend::{MidEnd, Options};
use zisk_wasm_environ::BoundsChecks;

use crate::guest::{self, GuestCrate, TargetBuild, Workspace};

pub const TRIPLE: &str = "wasm32-wasip1";

/// `profiling`: a profiling build (see `Options::profiling`), written beside the real one
/// as `<bin>-profiling.elf`.
pub fn build(guest: &GuestCrate, workspace: &Workspace, profiling: bool) -> Result<Program> {
    let wasm = guest::build(guest, &TargetBuild { triple: Some(TRIPLE), env: vec![] })?;
    let name = if profiling { format!("{}-profiling", guest.artifact()) } else { guest.artifact() };
    let out = workspace.target_dir.join("zisk-wasm").join(guest.profile()).join(name);
    let elf = compile_file(&wasm, &out, &Options { profiling, ..Options::default() })?;
    Ok(Program::elf(elf))
}

/// The binary module in a `.wasm` or `.wat` file.
pub fn read_module(input: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    if input.extension().is_some_and(|e| e == "wat") {
        Ok(wat::parse_bytes(&bytes).with_context(|| format!("parsing {}", input.display()))?.into_owned())
    } else {
        Ok(bytes)
    }
}

/// Compiles a `.wasm` or `.wat` file to `<out>.elf` and `<out>.zisk`; returns the ELF path.
pub fn compile_file(input: &Path, out: &Path, options: &Options) -> Result<PathBuf> {
    let wasm = read_module(input)?;
    let program = zisk_wasm_backend::compile(&wasm, options).with_context(|| format!("compiling {}", input.display()))?;
    if let Some(dir) = out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let elf = out.with_extension("elf");
    std::fs::write(&elf, &program.elf).with_context(|| format!("writing {}", elf.display()))?;
    std::fs::write(out.with_extension("zisk"), &program.listing)?;
    eprintln!("compiled {} → {} ({} ZisK instructions)", input.display(), elf.display(), program.instructions);
    Ok(elf)
}

pub fn options(unchecked: bool, egraph: bool) -> Options {
    Options {
        bounds_checks: if unchecked { BoundsChecks::Unchecked } else { BoundsChecks::Checked },
        mid_end: if egraph { MidEnd::Egraph } else { MidEnd::Legalize },
        profiling: false,
    }
}
