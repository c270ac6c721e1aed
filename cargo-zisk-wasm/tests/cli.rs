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
    // Progress: every benchmark × route announced as it starts and as it ends, with steps.
    for route in ["direct", "cl-riscv", "native", "wasm2zisk"] {
        let tag = format!("fibonacci × {route}");
        assert!(stderr.lines().any(|l| l.contains(&tag) && l.ends_with(": started")), "{tag} start missing:\n{stderr}");
        assert!(stderr.lines().any(|l| l.contains(&tag) && l.contains(" steps in ")), "{tag} end missing:\n{stderr}");
    }
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
        let dir = tempfile::tempdir().unwrap();
        let saved = dir.path().join("in/four.bin");
        let ok = cli(&[
            "run", "--route", route, "--manifest-path", "examples/Cargo.toml", "-p", "panics", "--input-u64", "4",
            "--save-input", saved.to_str().unwrap(),
        ]);
        assert!(ok.status.success(), "{route}: {}", text(&ok.stderr));
        assert_eq!(std::fs::read(&saved).unwrap(), zisk_runner::encode_input(&[&4u64.to_le_bytes()]), "{route}");
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
    let cases: [(&str, &[u8], &[&str]); 8] = [
        ("malformed.wasm", b"\0asm\x01\0\0\0\x01\x05garbage", &["invalid WebAssembly", "byte offset"]),
        ("garbage.wasm", b"hello, I am not a module\n", &["not a WebAssembly module (no \\0asm magic)"]),
        ("text.wasm", b"(module)", &["not a WebAssembly module (no \\0asm magic); it looks like the text format: name it .wat"]),
        ("simd.wat", br#"(module (func (export "_start") (drop (v128.const i64x2 1 2))))"#, &["unsupported: SIMD (a v128 type or instruction", "(in function #0)", "byte offset 0x"]),
        ("shared.wat", br#"(module (memory 1 1 shared) (func (export "_start")))"#, &["unsupported: threads (a shared memory", "(in the memory section)", "byte offset 0x"]),
        ("memory64.wat", br#"(module (memory i64 1) (func (export "_start")))"#, &["unsupported: memory64 (a 64-bit memory) (in the memory section) at byte offset 0x"]),
        ("import.wat", br#"(module (import "env" "foo" (func)) (func (export "_start") (call 0)))"#, &["env.foo", "wasi_snapshot_preview1"]),
        ("noentry.wat", br#"(module (func (export "main")))"#, &["_start"]),
    ];
    for (name, bytes, needles) in cases {
        let input = dir.path().join(name);
        std::fs::write(&input, bytes).unwrap();
        let out = dir.path().join("out").join(name.replace('.', "_"));
        let run = cli(&["compile", input.to_str().unwrap(), "-o", out.to_str().unwrap()]);
        let stderr = text(&run.stderr);
        assert!(!run.status.success(), "{name} was accepted");
        for needle in needles {
            assert!(stderr.contains(needle), "{name}: `{needle}` missing from: {stderr}");
        }
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{name}: not one line: {stderr}");
        assert!(!stderr.contains("must be enabled") && !stderr.contains("support is not enabled"), "{name}: {stderr}");
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

#[test]
fn compile_names_outputs_by_route_and_refuses_other_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = repo().join("backend/tests/corpus/call_indirect.wat");
    let compile = |extra: &[&str]| {
        let mut args = vec!["compile", corpus.to_str().unwrap()];
        args.extend_from_slice(extra);
        cli(&args)
    };
    let prog = dir.path().join("out/prog");
    let prog = prog.to_str().unwrap();
    assert!(compile(&["-o", prog]).status.success());
    assert!(compile(&["-o", prog, "--route", "cl-riscv"]).status.success());
    let files = |d: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(d).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    };
    // Both routes' outputs side by side: neither overwrote the other.
    assert_eq!(files(&dir.path().join("out")), ["prog.cl-riscv.elf", "prog.elf", "prog.zisk"]);
    let direct = std::fs::read(dir.path().join("out/prog.elf")).unwrap();
    let baseline = std::fs::read(dir.path().join("out/prog.cl-riscv.elf")).unwrap();
    assert_ne!(direct, baseline);

    // An explicit .elf is used as given; cl-riscv to the same name removes the stale listing.
    let named = dir.path().join("named/p.elf");
    assert!(compile(&["-o", named.to_str().unwrap()]).status.success());
    assert_eq!(files(&dir.path().join("named")), ["p.elf", "p.zisk"]);
    let old = compile(&["-o", named.to_str().unwrap(), "--backend", "riscv"]); // the hidden old name
    assert!(old.status.success(), "{}", text(&old.stderr));
    assert_eq!(files(&dir.path().join("named")), ["p.elf"]);
    assert_eq!(std::fs::read(&named).unwrap(), baseline);

    let bad = dir.path().join("v/prog.v2");
    let refused = compile(&["-o", bad.to_str().unwrap()]);
    assert!(!refused.status.success());
    let stderr = text(&refused.stderr);
    assert!(stderr.contains("prog.v2: name the output without an extension"), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(!dir.path().join("v").exists());
}

#[test]
fn input_writes_zisk_input_format() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("raw.txt");
    std::fs::write(&raw, b"ZisK").unwrap();
    let cases: [(&[&str], &[u8]); 4] = [
        (&["--u64", "1000000"], &1_000_000u64.to_le_bytes()),
        (&["--file", raw.to_str().unwrap()], b"ZisK"),
        (&["--text", "hello"], b"hello"),
        (&["--hex", "0a0b0c"], &[10, 11, 12]),
    ];
    for (i, (args, record)) in cases.iter().enumerate() {
        let out = dir.path().join(format!("in{i}.bin"));
        let mut full = vec!["input"];
        full.extend_from_slice(args);
        full.extend_from_slice(&["-o", out.to_str().unwrap()]);
        let run = cli(&full);
        assert!(run.status.success(), "{args:?}: {}", text(&run.stderr));
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(bytes, zisk_runner::encode_input(&[record]), "{args:?}");
        assert_eq!(bytes.len() % 8, 0);
        assert_eq!(&bytes[..8], &(record.len() as u64).to_le_bytes());
    }
    assert!(!cli(&["input", "-o", dir.path().join("none.bin").to_str().unwrap()]).status.success(), "a source is required");
}

#[test]
fn build_saves_an_input_that_plain_ziskemu_takes() {
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("four.bin");
    let build = cli(&[
        "build", "--release", "--manifest-path", "examples/Cargo.toml", "-p", "panics", "--input-u64", "4",
        "--save-input", saved.to_str().unwrap(),
    ]);
    let stdout = text(&build.stdout);
    assert!(build.status.success(), "{}", text(&build.stderr));
    let elf = stdout.lines().next().unwrap().strip_suffix(" (direct route)").expect("the ELF's path");
    assert!(stdout.contains(&format!("run it: ziskemu -e {elf} -i {}", saved.display())), "{stdout}");
    let output = dir.path().join("output.bin");
    let emu = zisk_runner::Ziskemu::locate().unwrap();
    let status = Command::new(emu.binary()).arg("-e").arg(elf).arg("-i").arg(&saved).arg("-o").arg(&output).status().unwrap();
    assert!(status.success());
    // The guest publishes its input's value (4) as its first output byte.
    assert_eq!(std::fs::read(&output).unwrap()[..4], [4, 0, 0, 0]);
}

#[test]
fn compare_prints_one_table_with_ratios_to_native() {
    let out = cli(&[
        "compare", "--release", "--manifest-path", "examples/Cargo.toml", "-p", "panics", "--input-u64", "4",
        "--route", "direct", "--route", "native",
    ]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("route") && lines[0].contains("variable cost") && lines[0].ends_with("cost ÷ native"), "{stdout}");
    assert!(lines[2].starts_with("direct "), "{stdout}");
    let native: Vec<&str> = lines[3].split_whitespace().collect();
    assert_eq!((native[0], native[3], native[4]), ("native", "1.000×", "1.000×"), "{stdout}");
    assert!(stdout.contains("public output (direct): 04\n"), "{stdout}");
}
