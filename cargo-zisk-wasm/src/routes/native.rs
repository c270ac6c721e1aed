//! The native route: the guest compiled by rustc for bare-metal riscv64 with ziskos, linked
//! with our linker script into an ELF that ZisK's RISC-V transpiler loads.

use anyhow::{Context, Result};
use zisk_runner::Program;

use crate::guest::{self, GuestCrate, TargetBuild, Workspace};

pub const TRIPLE: &str = "riscv64imac-unknown-none-elf";
const LINKER_SCRIPT: &str = include_str!("zisk-native.ld");

pub fn build(guest: &GuestCrate, workspace: &Workspace) -> Result<Program> {
    // A stable path, so cargo's fingerprint (which includes RUSTFLAGS) stays the same.
    let dir = workspace.target_dir.join("zisk-wasm");
    std::fs::create_dir_all(&dir)?;
    let script = dir.join("zisk-native.ld");
    if std::fs::read_to_string(&script).ok().as_deref() != Some(LINKER_SCRIPT) {
        std::fs::write(&script, LINKER_SCRIPT)
            .with_context(|| format!("writing {}", script.display()))?;
    }
    let rustflags = format!("-C link-arg=-T{} -C link-arg=--no-relax", script.display());
    let target = TargetBuild {
        triple: Some(TRIPLE),
        env: vec![("CARGO_TARGET_RISCV64IMAC_UNKNOWN_NONE_ELF_RUSTFLAGS".into(), rustflags)],
    };
    Ok(Program::elf(guest::build(guest, &target)?))
}
