//! The direct route (ours): the guest compiled for wasm32-wasip1, then WASM → CLIF →
//! Cranelift's mid-end → our ZisK backend → ziskbin ELF (plus a `.zisk` listing beside it).

use std::path::Path;

use anyhow::{bail, Context, Result};
use zisk_runner::Program;
use zisk_wasm_backend::{MidEnd, Options};
use zisk_wasm_environ::BoundsChecks;

use super::Route;
use crate::guest::{self, GuestCrate, TargetBuild, Workspace};

pub const TRIPLE: &str = "wasm32-wasip1";

/// `profiling`: a profiling build (see `Options::profiling`), written beside the real one
/// as `<bin>-profiling.elf`.
pub fn build(guest: &GuestCrate, workspace: &Workspace, profiling: bool) -> Result<Program> {
    let wasm = guest::build(guest, &TargetBuild { triple: Some(TRIPLE), env: vec![] })?;
    let name = if profiling { format!("{}-profiling", guest.artifact()) } else { guest.artifact() };
    let dir = workspace.target_dir.join("zisk-wasm").join(guest.profile());
    let elf = dir.join(super::elf_name(Route::Direct, &name));
    compile_file(&wasm, &elf, &Options { profiling, ..Options::default() })?;
    Ok(Program::elf(elf))
}

/// The binary module in a `.wasm` or `.wat` file.
pub fn read_module(input: &Path) -> Result<Vec<u8>> {
    let bytes = std::fs::read(input).with_context(|| format!("reading {}", input.display()))?;
    if input.extension().is_some_and(|e| e == "wat") {
        Ok(wat::parse_bytes(&bytes).with_context(|| format!("parsing {}", input.display()))?.into_owned())
    } else if !bytes.starts_with(b"\0asm") && bytes.trim_ascii_start().starts_with(b"(module") {
        bail!("{}: not a WebAssembly module (no \\0asm magic); it looks like the text format: name it .wat", input.display())
    } else {
        Ok(bytes)
    }
}

/// Compiles a `.wasm` or `.wat` file to the ziskbin ELF `elf` and its listing beside it
/// (`elf` with the extension `.zisk`).
pub fn compile_file(input: &Path, elf: &Path, options: &Options) -> Result<()> {
    let wasm = read_module(input)?;
    super::announce_compile(input, &wasm, "ZisK");
    let start = std::time::Instant::now();
    let program = zisk_wasm_backend::compile(&wasm, options).with_context(|| format!("compiling {}", input.display()))?;
    if let Some(dir) = elf.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let listing = elf.with_extension("zisk");
    std::fs::write(elf, &program.elf).with_context(|| format!("writing {}", elf.display()))?;
    std::fs::write(&listing, &program.listing).with_context(|| format!("writing {}", listing.display()))?;
    eprintln!(
        "compiled {} → {} + {} ({} ZisK instructions, {:.1}s)",
        input.display(),
        elf.display(),
        listing.display(),
        program.instructions,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

pub fn options(unchecked: bool, egraph: bool) -> Options {
    Options {
        bounds_checks: if unchecked { BoundsChecks::Unchecked } else { BoundsChecks::Checked },
        mid_end: if egraph { MidEnd::Egraph } else { MidEnd::Legalize },
        profiling: false,
    }
}
