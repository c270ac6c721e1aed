//! `cargo zisk-wasm bench`: every benchmark on every route, outputs cross-checked, report written.

mod chart;
pub mod report;
pub mod suite;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use zisk_runner::{encode_input, Execution, RunOptions, Ziskemu};

use crate::guest::{self, GuestCrate, TargetBuild, Workspace};
use crate::routes::Route;
pub use suite::{Benchmark, Size};

/// What one route did with one benchmark.
#[derive(Debug)]
pub struct Measurement {
    pub route: Route,
    pub outcome: Result<Execution, String>,
}

/// All routes' results for one benchmark, plus the host reference output.
#[derive(Debug)]
pub struct BenchResult {
    pub bench: Benchmark,
    pub expected_output: Vec<u8>,
    pub measurements: Vec<Measurement>,
}

impl BenchResult {
    pub fn get(&self, route: Route) -> Option<&Execution> {
        self.measurements.iter().find(|m| m.route == route)?.outcome.as_ref().ok()
    }
}

pub struct BenchConfig {
    pub manifest: PathBuf,
    pub size: Size,
    pub only: Vec<String>,
    pub routes: Vec<Route>,
    /// Where REPORT.md and the chart go; None writes nothing.
    pub report_dir: Option<PathBuf>,
}

pub fn run(config: &BenchConfig) -> Result<Vec<BenchResult>> {
    let emu = Ziskemu::locate()?;
    let workspace = Workspace::of(&config.manifest)?;
    let workspace_dir = config.manifest.parent().unwrap_or(Path::new("."));
    let mut benches = suite::all(config.size, workspace_dir)?;
    if !config.only.is_empty() {
        for name in &config.only {
            if !benches.iter().any(|b| b.name == name) {
                if config.size == Size::Quick && suite::all(Size::Full, workspace_dir)?.iter().any(|b| b.name == name) {
                    bail!("benchmark `{name}` runs at full size only (drop --quick)");
                }
                bail!("no benchmark named `{name}`");
            }
        }
        benches.retain(|b| config.only.iter().any(|n| n == b.name));
    }

    let mut results = Vec::new();
    let mut mismatches = Vec::new();
    // Progress on stderr: each benchmark × route as it starts and as it ends (a full run takes
    // about half an hour, eth_block minutes per route).
    let total: usize = benches.iter().map(|b| config.routes.iter().filter(|r| b.runs_on(**r)).count()).sum();
    let mut done = 0;
    let suite_start = Instant::now();
    for bench in benches {
        let plain = GuestCrate {
            manifest: config.manifest.clone(),
            package: bench.package.into(),
            bin: bench.package.into(),
            release: true,
            features: vec![],
        };
        eprintln!("== {} ({})", bench.name, bench.workload);
        eprintln!("   host reference: building and running…");
        let expected_output = host_reference(&plain, &bench.input)?;
        let guest = GuestCrate { features: bench.features.iter().map(|f| f.to_string()).collect(), ..plain };
        let input = encode_input(&[&bench.input]);
        let mut measurements = Vec::new();
        for &route in config.routes.iter().filter(|r| bench.runs_on(**r)) {
            done += 1;
            let tag = format!("[{done}/{total}] {} × {route}", bench.name);
            eprintln!("   {tag}: started");
            let start = Instant::now();
            let outcome = route
                .build(&guest, &workspace)
                .and_then(|program| Ok(emu.run(&program, &input, &RunOptions::default())?))
                .map_err(|e| format!("{e:#}"));
            match &outcome {
                Ok(run) => {
                    eprintln!(
                        "   {tag}: {} steps in {:.1}s ({:.0}s so far)",
                        report::thousands(run.cost.steps),
                        start.elapsed().as_secs_f64(),
                        suite_start.elapsed().as_secs_f64()
                    );
                    if run.public_output_trimmed() != trim_zeros(&expected_output) {
                        mismatches.push(format!(
                            "{} on {route}: public output {} but the host build gives {}",
                            bench.name,
                            hex(run.public_output_trimmed()),
                            hex(trim_zeros(&expected_output)),
                        ));
                    }
                }
                Err(e) => eprintln!("   {tag}: FAILED after {:.1}s: {e}", start.elapsed().as_secs_f64()),
            }
            measurements.push(Measurement { route, outcome });
        }
        results.push(BenchResult { bench, expected_output, measurements });
    }
    if !mismatches.is_empty() {
        bail!("routes disagree on the output:\n  {}", mismatches.join("\n  "));
    }
    if let Some(dir) = &config.report_dir {
        let markdown = report::markdown(&results, config.size, &emu);
        std::fs::write(dir.join("REPORT.md"), &markdown)?;
        std::fs::write(dir.join("report.svg"), chart::svg(&results))?;
        println!("{markdown}");
        eprintln!("wrote {} and report.svg", dir.join("REPORT.md").display());
    } else {
        println!("{}", report::markdown(&results, config.size, &emu));
    }
    let failed: Vec<String> = results
        .iter()
        .flat_map(|r| r.measurements.iter().map(move |m| (r.bench.name, m)))
        .filter(|(_, m)| m.outcome.is_err() && m.route != Route::Wasm2zisk)
        .map(|(name, m)| format!("{name} on {}", m.route))
        .collect();
    if !failed.is_empty() {
        bail!("failed: {}", failed.join(", "));
    }
    Ok(results)
}

/// The guest built for the host and run with the raw input on stdin: its stdout is the output
/// every ZisK route must publish.
fn host_reference(guest: &GuestCrate, input: &[u8]) -> Result<Vec<u8>> {
    let exe = guest::build(guest, &TargetBuild::default())?;
    let mut child = Command::new(&exe)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("running host build {}", exe.display()))?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let data = input.to_vec();
    let writer = std::thread::spawn(move || std::io::Write::write_all(&mut stdin, &data));
    let out = child.wait_with_output()?;
    writer.join().expect("stdin writer")?;
    if !out.status.success() {
        bail!("the host build of {} failed ({})", guest.bin, out.status);
    }
    Ok(out.stdout)
}

fn trim_zeros(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    &bytes[..end]
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A public output for the terminal: always hex, plus the text when the bytes are printable
/// UTF-8 (binary output must never reach the terminal raw).
pub fn show_output(bytes: &[u8]) -> String {
    let printable = |t: &str| t.chars().all(|c| !c.is_control() || c == '\n' || c == '\t');
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.is_empty() && printable(text) => format!("{} (text: {:?})", hex(bytes), text),
        _ => hex(bytes),
    }
}

/// The isa_benchmarks workspace: searched upward from the current directory, then beside
/// this crate's source.
pub fn default_manifest() -> Result<PathBuf> {
    let cwd = std::env::current_dir()?;
    let compiled_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    cwd.ancestors()
        .chain(std::iter::once(compiled_in.as_path()))
        .map(|d| d.join("isa_benchmarks/Cargo.toml"))
        .find(|p| p.is_file())
        .context("cannot find isa_benchmarks/Cargo.toml; pass --manifest-path")
}
