//! `cargo zisk-wasm` end to end: real guests built by rustc, run on the real ziskemu.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cargo-zisk-wasm"))
        .arg("zisk-wasm") // as cargo passes it
        .args(args)
        .current_dir(repo())
        .output()
        .expect("running cargo-zisk-wasm")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn quick_bench_runs_the_small_benchmarks_on_every_route_with_equal_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = cli(&["bench", "--quick", "--report-dir", dir.path().to_str().unwrap()]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "bench failed:\n{stderr}");
    // F(1000) mod 2^64, little-endian: the host build and both ZisK routes agree on it.
    let expected = hex_le(fib(1000));
    assert!(stdout.contains(&format!("- fibonacci: `{expected}`")), "{stdout}");
    // Every route ran fibonacci and iter_sha (bench itself fails on differing outputs).
    for bench in ["fibonacci | n = 1000, u64 wrapping", "iter_sha | SHA-256 × 10 (sha2 crate)"] {
        for route in ["direct", "cl-riscv", "native", "wasm2zisk"] {
            let row = stdout
                .lines()
                .find(|l| l.starts_with(&format!("| {bench} | {route} |")))
                .unwrap_or_else(|| panic!("no {bench} {route} row in:\n{stdout}"));
            assert!(!row.contains("failed"), "{row}");
        }
    }
    let report = std::fs::read_to_string(dir.path().join("REPORT.md")).unwrap();
    assert_eq!(report.trim(), stdout.trim());
    let svg = std::fs::read_to_string(dir.path().join("report.svg")).unwrap();
    assert!(svg.starts_with("<svg") && svg.contains("fibonacci · wasm2zisk"));
}

#[test]
fn run_prints_output_and_steps_and_fails_loudly_on_a_guest_panic() {
    for route in ["native", "wasm2zisk"] {
        let ok = cli(&["run", "--route", route, "--manifest-path", "examples/Cargo.toml", "-p", "panics", "--input-u64", "4"]);
        assert!(ok.status.success(), "{route}: {}", text(&ok.stderr));
        let stdout = text(&ok.stdout);
        assert!(stdout.contains("public output: 04\n"), "{route}: {stdout}");
        assert!(stdout.lines().any(|l| l.starts_with("steps: ")), "{route}: {stdout}");

        let bad = cli(&["run", "--route", route, "--manifest-path", "examples/Cargo.toml", "-p", "panics", "--input-u64", "7"]);
        assert!(!bad.status.success(), "{route}: a panicking guest must fail the run");
        let stderr = text(&bad.stderr);
        assert!(stderr.contains("odd input 7 is refused"), "{route}: {stderr}");
        // native ends through exit(101); wasm2zisk's abort is a WASM trap.
        let failure = if route == "native" { "guest exited with code 101" } else { "guest trapped" };
        assert!(stderr.contains(failure), "{route}: {stderr}");
    }
}

#[test]
fn unknown_benchmark_is_a_clear_error() {
    let out = cli(&["bench", "--quick", "--bench", "nope"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("no benchmark named `nope`"));
}

fn fib(n: u64) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        (a, b) = (b, a.wrapping_add(b));
    }
    a
}

fn hex_le(v: u64) -> String {
    v.to_le_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn compile_refuses_bad_input_clearly_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &[u8], &[&str]); 4] = [
        ("malformed.wasm", b"\0asm\x01\0\0\0\x01\x05garbage", &["invalid WebAssembly", "byte offset"]),
        ("simd.wat", br#"(module (func (export "_start") (drop (v128.const i64x2 1 2))))"#, &["unsupported", "SIMD", "byte offset"]),
        ("import.wat", br#"(module (import "env" "foo" (func)) (func (export "_start") (call 0)))"#, &["env.foo", "wasi_snapshot_preview1"]),
        ("noentry.wat", br#"(module (func (export "main")))"#, &["_start"]),
    ];
    for (name, bytes, needles) in cases {
        let input = dir.path().join(name);
        std::fs::write(&input, bytes).unwrap();
        let out = dir.path().join(format!("{name}.out"));
        let run = cli(&["compile", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        let stderr = text(&run.stderr);
        assert!(!run.status.success(), "{name} was accepted");
        for needle in needles {
            assert!(stderr.contains(needle), "{name}: `{needle}` missing from: {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(!out.with_extension("elf").exists() && !out.with_extension("zisk").exists(), "{name}: output written");
    }
}

#[test]
fn compiled_elf_runs_on_plain_ziskemu() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("prog");
    let corpus = repo().join("backend/tests/corpus/call_indirect.wat");
    let run = cli(&["compile", corpus.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let output = dir.path().join("output.bin");
    let emu = zisk_runner::Ziskemu::locate().unwrap();
    let status = Command::new(emu.binary()).arg("-e").arg(out.with_extension("elf")).arg("-o").arg(&output).status().unwrap();
    assert!(status.success());
    let bytes = std::fs::read(&output).unwrap();
    assert_eq!(&bytes[..16], &[0x0b, 0, 0, 0, 0x1e, 0, 0, 0, 0x0c, 0, 0, 0, 0x63, 0, 0, 0]);
    assert!(out.with_extension("zisk").exists());
}

/// The ELF's symbol table names our functions to ZisK's own profiler; a profiling build's
/// calls and returns (direct, indirect, recursive) are followed to the end of the run.
#[test]
fn plain_ziskemu_profiles_our_elfs_by_function() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = repo().join("backend/tests/corpus/profile_calls.wat");
    let emu = zisk_runner::Ziskemu::locate().unwrap();
    let profile = |extra: &[&str]| {
        let out = dir.path().join(if extra.is_empty() { "plain" } else { "profiling" });
        let mut args = vec!["compile", corpus.to_str().unwrap(), "-o", out.to_str().unwrap()];
        args.extend(extra);
        let run = cli(&args);
        assert!(run.status.success(), "{}", text(&run.stderr));
        let run = Command::new(emu.binary()).arg("-e").arg(out.with_extension("elf")).args(["-X", "--sdk", "--top-functions"]).output().unwrap();
        assert!(run.status.success(), "{}", text(&run.stderr));
        text(&run.stdout)
    };
    let plain = profile(&[]);
    assert!(plain.contains("Loaded 9 function symbols"), "{plain}");
    let profiled = profile(&["--profiling"]);
    assert!(!profiled.contains("CALL_STACK_ERROR"), "{profiled}");
    let top = profiled.split("TOP COST FUNCTIONS").nth(1).expect("a top-functions table");
    for name in ["_start", "hot_loop", "fib", "fib_step", "square", "double", "import zisk.commit_i32"] {
        assert!(top.contains(name), "{name} missing from {top}");
    }
}

#[test]
fn run_profile_names_the_hot_function_of_a_guest() {
    let manifest = repo().join("isa_benchmarks/Cargo.toml");
    let out = cli(&["run", "-r", "--profile", "--manifest-path", manifest.to_str().unwrap(), "-p", "iter_keccak", "--input-u64", "20"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let by_exclusive = stdout.split("by exclusive cost").nth(1).expect("the exclusive-cost table");
    let hottest = by_exclusive.lines().nth(2).expect("a row");
    assert!(hottest.contains("keccak"), "hottest function: {hottest}\n{stdout}");
    let svg = stdout.lines().find_map(|l| l.strip_prefix("bars by exclusive cost: ")).expect("an SVG path");
    assert!(std::fs::read_to_string(svg).unwrap().starts_with("<svg"));
}
