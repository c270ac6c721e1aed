//! The routes a guest can take onto ZisK. Each turns one guest crate into a program file that
//! the real ziskemu runs.

mod cl_riscv;
pub mod direct;
mod native;
mod wasm2zisk;

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
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

/// Says a compile has started when the module is big enough for it to take a while (eth_block's
/// ~2 MiB module takes tens of seconds); small ones print only their result.
pub fn announce_compile(input: &Path, wasm: &[u8], target: &str) {
    const ANNOUNCE_FROM_BYTES: usize = 256 * 1024;
    if wasm.len() >= ANNOUNCE_FROM_BYTES {
        eprintln!("compiling {} ({} KiB of WebAssembly) for {target}…", input.display(), wasm.len() / 1024);
    }
}

/// The ELF file name a route gives program `stem`: `stem.elf` on the direct route (its listing
/// is `stem.zisk`), `stem.cl-riscv.elf` on the baseline, so the two never overwrite each other.
pub fn elf_name(route: Route, stem: &str) -> String {
    match route {
        Route::ClRiscv => format!("{stem}.cl-riscv.elf"),
        _ => format!("{stem}.elf"),
    }
}

/// Where `compile` writes the ELF for `-o output` (default: the input without its extension).
/// `out/prog` gives `out/prog.elf` (+ `out/prog.zisk`) on direct and `out/prog.cl-riscv.elf`
/// on cl-riscv; `out/prog.elf` is used as given; any other extension is refused.
pub fn compile_output(route: Route, input: &Path, output: Option<&Path>) -> Result<PathBuf> {
    let stem = match output {
        Some(out) => match out.extension() {
            Some(e) if e == "elf" => return Ok(out.to_path_buf()),
            Some(_) => bail!(
                "-o {}: name the output without an extension (-o out/prog writes out/prog.elf and out/prog.zisk) or with .elf",
                out.display()
            ),
            None => out.to_path_buf(),
        },
        None => input.with_extension(""),
    };
    let name = stem.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name.is_empty() || name == "." || name == ".." {
        bail!("-o {}: name a file (e.g. {}/prog), not a directory", stem.display(), stem.display());
    }
    let mut file = OsString::from(stem.as_os_str());
    file.push(&elf_name(route, "")[..]);
    Ok(PathBuf::from(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(route: Route, input: &str, o: Option<&str>) -> Result<PathBuf> {
        compile_output(route, Path::new(input), o.map(Path::new))
    }

    #[test]
    fn output_names() {
        assert_eq!(out(Route::Direct, "a/prog.wasm", None).unwrap(), Path::new("a/prog.elf"));
        assert_eq!(out(Route::ClRiscv, "a/prog.wat", None).unwrap(), Path::new("a/prog.cl-riscv.elf"));
        assert_eq!(out(Route::Direct, "p.wasm", Some("out/prog")).unwrap(), Path::new("out/prog.elf"));
        assert_eq!(out(Route::ClRiscv, "p.wasm", Some("out/prog")).unwrap(), Path::new("out/prog.cl-riscv.elf"));
        assert_eq!(out(Route::Direct, "p.wasm", Some("out/prog.elf")).unwrap(), Path::new("out/prog.elf"));
        assert_eq!(out(Route::ClRiscv, "p.wasm", Some("out/x.elf")).unwrap(), Path::new("out/x.elf"));
        assert_eq!(out(Route::Direct, "p.wasm", Some("out.d/prog")).unwrap(), Path::new("out.d/prog.elf"));
        let e = out(Route::Direct, "p.wasm", Some("out/prog.v2")).unwrap_err().to_string();
        assert!(e.starts_with("-o out/prog.v2: name the output without an extension"), "{e}");
        assert!(out(Route::Direct, "p.wasm", Some("out/..")).is_err());
    }

    #[test]
    fn elf_names_differ_by_route() {
        assert_eq!(elf_name(Route::Direct, "fib"), "fib.elf");
        assert_eq!(elf_name(Route::ClRiscv, "fib"), "fib.cl-riscv.elf");
    }
}
