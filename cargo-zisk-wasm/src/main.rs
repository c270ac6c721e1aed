//! `cargo zisk-wasm`: build, run and benchmark ZisK guests on every route.

mod bench;
mod compare;
mod guest;
mod input;
mod profile;
mod project;
mod routes;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use clap::{Parser, Subcommand};
use zisk_runner::{encode_input, RunOptions, Ziskemu};

use crate::guest::Workspace;
use crate::input::InputArgs;
use crate::routes::Route;

#[derive(Parser)]
#[command(name = "cargo zisk-wasm", version, about = "Compile WebAssembly guests for the ZisK zkVM")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Compile a WebAssembly module (`.wasm` or `.wat`) to a ziskbin ELF and a `.zisk` listing
    /// (direct route) or to a RISC-V ELF (cl-riscv route).
    Compile {
        input: PathBuf,
        /// Output: `out/prog` writes out/prog.elf + out/prog.zisk (direct) or
        /// out/prog.cl-riscv.elf (cl-riscv); `out/prog.elf` is used as given; other extensions
        /// are refused. Default: the input's path without its extension.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// No linear-memory bounds checks: out-of-bounds accesses are undefined (trusted code only).
        #[arg(long)]
        unchecked_bounds: bool,
        /// Run Cranelift's egraph mid-end (off by default: it regresses ZisK workloads, see
        /// backend/src/optimize.rs).
        #[arg(long)]
        egraph: bool,
        /// A profiling build, for `ziskemu -X --sdk --top-functions` (not for proving: each
        /// return costs 55 more).
        #[arg(long)]
        profiling: bool,
        /// `direct` (ours: a ziskbin ELF and its listing) or `cl-riscv` (the Cranelift riscv64
        /// baseline: a RISC-V ELF).
        #[arg(long, value_enum, default_value = "direct")]
        route: CompileRoute,
        /// Old name of --route: `zisk` = direct, `riscv` = cl-riscv.
        #[arg(long, hide = true, value_parser = ["zisk", "riscv"], conflicts_with = "route")]
        backend: Option<String>,
    },
    /// Build the guest and run it on several routes with the same input; prints one table of
    /// steps and variable cost, each beside native's, and checks the public outputs agree.
    Compare {
        #[command(flatten)]
        krate: CrateArgs,
        /// A route to run (repeatable; default: all four, in the order direct, cl-riscv,
        /// native, wasm2zisk).
        #[arg(long = "route", value_enum)]
        routes: Vec<Route>,
        #[command(flatten)]
        input: InputArgs,
        #[arg(long)]
        max_steps: Option<u64>,
    },
    /// Write a guest input in ZisK's input format, for `ziskemu -e PROGRAM -i FILE` and
    /// `cargo-zisk prove`: an 8-byte little-endian length, the bytes, zeros to a multiple of 8.
    Input {
        #[command(flatten)]
        record: input::Record,
        /// The file to write.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Build every benchmark for every route, run each on ziskemu with the same input, check
    /// the outputs agree and write isa_benchmarks/REPORT.md and report.svg.
    Bench {
        /// Small inputs (for tests); the report is then only printed unless --report-dir is given.
        #[arg(long)]
        quick: bool,
        /// Only this benchmark (repeatable).
        #[arg(long = "bench", value_name = "NAME")]
        only: Vec<String>,
        /// Only this route (repeatable); default: all.
        #[arg(long = "route", value_enum)]
        routes: Vec<Route>,
        /// The isa_benchmarks workspace manifest.
        #[arg(long)]
        manifest_path: Option<PathBuf>,
        /// Where to write REPORT.md and report.svg (default: beside the manifest, and only for a
        /// full run: all benchmarks, all routes, full inputs).
        #[arg(long)]
        report_dir: Option<PathBuf>,
    },
    /// Build the guest crate (cargo's current package, or -p/--bin) for wasm32-wasip1 and
    /// compile it to target/zisk-wasm/<profile>/<bin>.elf (ziskbin) and .zisk.
    Build {
        #[command(flatten)]
        guest: GuestArgs,
        /// On direct, a profiling build (`<bin>-profiling.elf`) for ZisK's profiler.
        #[arg(long)]
        profiling: bool,
        /// Only for --save-input: the input to save.
        #[command(flatten)]
        input: InputArgs,
    },
    /// Build the guest and run it on ziskemu: prints its console output, public output, steps
    /// and cost. A failing guest (panic, trap, non-zero exit) makes this fail.
    Run {
        #[command(flatten)]
        guest: GuestArgs,
        #[command(flatten)]
        input: InputArgs,
        /// Print the cost breakdown and op mix.
        #[arg(long)]
        stats: bool,
        #[arg(long)]
        max_steps: Option<u64>,
        /// Profile by function on ZisK's profiler: top functions by steps and by cost
        /// (inclusive and exclusive), and an SVG beside the ELF (see `profile.rs`).
        #[arg(long)]
        profile: bool,
    },
    /// Create a guest crate NAME that uses ziskos-bindings (builds for every route).
    New { name: PathBuf },
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CompileRoute {
    Direct,
    ClRiscv,
}

/// Which guest, and on which route.
#[derive(clap::Args)]
struct GuestArgs {
    #[command(flatten)]
    krate: CrateArgs,
    /// Route: direct (ours, default), cl-riscv (Cranelift riscv64 baseline), native, wasm2zisk.
    #[arg(long, value_enum, default_value = "direct")]
    route: Route,
    /// Old name of --route: `zisk` = direct, `riscv` = cl-riscv.
    #[arg(long, hide = true, value_parser = ["zisk", "riscv"])]
    backend: Option<String>,
}

/// Which guest, and how to build it (cargo's flags).
#[derive(clap::Args)]
struct CrateArgs {
    /// Build with cargo's release profile (recommended: the dev profile is many times slower on ZisK).
    #[arg(short, long)]
    release: bool,
    /// Package to build (default: the manifest's own package, or the workspace's only one).
    #[arg(short, long)]
    package: Option<String>,
    /// Binary name (default: the package's only binary).
    #[arg(long)]
    bin: Option<String>,
    /// The guest's Cargo.toml (or its workspace's).
    #[arg(long, default_value = "Cargo.toml")]
    manifest_path: PathBuf,
    /// Cargo features of the guest to enable (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    features: Vec<String>,
}

impl CrateArgs {
    fn select(self) -> Result<(guest::GuestCrate, Workspace)> {
        let meta = guest::metadata(&self.manifest_path)?;
        let mut guest = project::select_guest(&self.manifest_path, &meta, self.package, self.bin, self.release)?;
        guest.features = self.features;
        Ok((guest, Workspace::from_metadata(&meta)?))
    }
}

impl GuestArgs {
    fn build(self, profiling: bool) -> Result<(Route, zisk_runner::Program)> {
        let route = match self.backend.as_deref() {
            Some("riscv") => Route::ClRiscv,
            Some(_) => Route::Direct,
            None => self.route,
        };
        let (guest, workspace) = self.krate.select()?;
        eprintln!("building guest `{}` ({} profile) for the {route} route", guest.bin, guest.profile());
        let program = route.build_with(&guest, &workspace, profiling)?;
        Ok((route, program))
    }
}

fn main() -> ExitCode {
    // cargo runs `cargo-zisk-wasm zisk-wasm ARGS`; drop the subcommand name it passes.
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "zisk-wasm") {
        args.remove(1);
    }
    match run(Cli::parse_from(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Cmd::Compile { input, output, unchecked_bounds, egraph, profiling, route, backend } => {
            let route = match (backend.as_deref(), route) {
                (Some("riscv"), _) | (None, CompileRoute::ClRiscv) => Route::ClRiscv,
                _ => Route::Direct,
            };
            let elf = routes::compile_output(route, &input, output.as_deref())?;
            if route == Route::ClRiscv {
                routes::cl_riscv_compile(&input, &elf)?;
            } else {
                let options = zisk_wasm_backend::Options { profiling, ..routes::direct::options(unchecked_bounds, egraph) };
                routes::direct::compile_file(&input, &elf, &options)?;
            }
            Ok(())
        }
        Cmd::Compare { krate, routes, input, max_steps } => {
            let raw_input = input.read()?;
            let (guest, workspace) = krate.select()?;
            let routes = if routes.is_empty() { Route::ALL.to_vec() } else { routes };
            compare::run(&guest, &workspace, &routes, &raw_input, max_steps)
        }
        Cmd::Input { record, output } => input::save(&output, &record.bytes()?),
        Cmd::Bench { quick, only, routes, manifest_path, report_dir } => {
            let manifest = match manifest_path {
                Some(m) => m,
                None => bench::default_manifest()?,
            };
            let size = if quick { bench::Size::Quick } else { bench::Size::Full };
            // A partial run (small inputs, or only some benchmarks or routes) must not replace
            // the full report: it is only printed unless a directory is named.
            let full = !quick && only.is_empty() && routes.is_empty();
            let report_dir = report_dir.or_else(|| {
                full.then(|| manifest.parent().unwrap_or(".".as_ref()).to_path_buf())
            });
            let routes = if routes.is_empty() { Route::ALL.to_vec() } else { routes };
            bench::run(&bench::BenchConfig { manifest, size, only, routes, report_dir })?;
            Ok(())
        }
        Cmd::Build { guest, profiling, input } => {
            if input.save_input.is_none() && (input.input.is_some() || input.input_u64.is_some()) {
                bail!("build only saves an input (--save-input FILE); to run the guest use `run`");
            }
            input.read()?;
            let (route, program) = guest.build(profiling)?;
            println!("{} ({route} route)", program.path.display());
            if let Some(file) = &input.save_input {
                println!("run it: ziskemu -e {} -i {}", program.path.display(), file.display());
            }
            Ok(())
        }
        Cmd::New { name } => project::new_guest(&name),
        Cmd::Run { guest, input, stats, max_steps, profile } => {
            let raw_input = input.read()?;
            let (route, program) = guest.build(profile)?;
            let emu = Ziskemu::locate()?;
            if profile {
                return profile::run(&emu, &program, &encode_input(&[&raw_input]), max_steps);
            }
            eprintln!("running {} ({route} route) on {}", program.path.display(), emu.binary().display());
            let options = RunOptions { max_steps, cost_report: true };
            let exec = match emu.run(&program, &encode_input(&[&raw_input]), &options) {
                Ok(exec) => exec,
                Err(e) => {
                    if let Some(console) = e.console().filter(|c| !c.is_empty()) {
                        eprint!("{console}");
                    }
                    bail!(e);
                }
            };
            let console = exec.console_text();
            print!("{console}");
            if !console.is_empty() && !console.ends_with('\n') {
                println!();
            }
            println!("public output: {}", bench::show_output(exec.public_output_trimmed()));
            println!("steps: {}", exec.cost.steps);
            println!("variable cost: {}", exec.cost.variable);
            if stats {
                let c = &exec.cost;
                println!(
                    "main {} · opcodes {} · precompiles {} · memory {} · base {}",
                    c.main, c.opcodes, c.precompiles, c.memory, c.base
                );
                for op in c.op_mix.iter().take(20) {
                    println!("  {:<12} {:>12} × → cost {}", op.name, op.count, op.cost);
                }
            }
            Ok(())
        }
    }
}
