//! The example guests (examples/) built and run on the real ziskemu through `cargo zisk-wasm
//! run`, each with its expected public output (the panic example must fail loudly).

use std::path::{Path, PathBuf};
use std::process::Command;

fn examples_manifest() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/Cargo.toml")
}

fn run(package: &str, route: &str, input: &[u8]) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let input_path = dir.path().join("input.bin");
    std::fs::write(&input_path, input).unwrap();
    Command::new(env!("CARGO_BIN_EXE_cargo-zisk-wasm"))
        .args(["zisk-wasm", "run", "--release", "-p", package, "--route", route, "--manifest-path"])
        .arg(examples_manifest())
        .arg("-i")
        .arg(&input_path)
        .output()
        .expect("running cargo-zisk-wasm")
}

fn public_output(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "run failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let line = stdout.lines().find_map(|l| l.strip_prefix("public output: ")).expect("a public output line");
    line.split_whitespace().next().unwrap_or("").to_string()
}

/// What `run` printed of the guest's console: the lines before its public output.
fn console(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout);
    stdout.lines().take_while(|l| !l.starts_with("public output: ")).map(|l| format!("{l}\n")).collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

const ORDERS: &str = r#"[{"item":"apple","quantity":3,"unit_price":0.5},{"item":"pear","quantity":2,"unit_price":1.25},{"item":"fig","quantity":10,"unit_price":0.1}]"#;
const SUMMARY: &str = r#"{"orders":3,"items":15,"total":5.0,"mean_price":0.3333333333333333,"most_expensive":"pear"}"#;

#[test]
fn hello_greets_once_and_publishes_the_same_on_every_route() {
    for route in ["direct", "cl-riscv", "native"] {
        let out = run("hello", route, b"ZisK");
        assert_eq!(public_output(&out), hex(b"Hello, ZisK!"), "{route}");
        // One console/public-output convention: the greeting is printed once, and the
        // public output is shown as hex and, being printable, as text.
        assert_eq!(console(&out), "Hello, ZisK!\n", "{route}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(&format!("public output: {} (text: \"Hello, ZisK!\")", hex(b"Hello, ZisK!"))), "{route}: {stdout}");
    }
}

#[test]
fn json_round_trip_with_floats_matches_the_host() {
    for route in ["direct", "cl-riscv"] {
        assert_eq!(public_output(&run("json", route, ORDERS.as_bytes())), hex(SUMMARY.as_bytes()), "{route}");
    }
}

#[test]
fn sha256_through_the_precompile_is_the_real_digest() {
    let abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    for route in ["direct", "cl-riscv", "native"] {
        assert_eq!(public_output(&run("sha256_precompile", route, b"abc")), abc, "{route}");
    }
}

#[test]
fn new_makes_a_guest_that_builds_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo");
    let status = Command::new(env!("CARGO_BIN_EXE_cargo-zisk-wasm")).args(["zisk-wasm", "new"]).arg(&demo).status().unwrap();
    assert!(status.success());
    std::fs::write(dir.path().join("name.txt"), "demo").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cargo-zisk-wasm"))
        .current_dir(&demo)
        .args(["zisk-wasm", "run", "--release", "-i", "../name.txt"])
        .output()
        .unwrap();
    assert_eq!(public_output(&out), hex(b"Hello, demo!"));
    // The ELF it built runs on plain ziskemu too.
    let input = dir.path().join("input.bin");
    let mut record = 4u64.to_le_bytes().to_vec();
    record.extend_from_slice(b"demo\0\0\0\0");
    std::fs::write(&input, record).unwrap();
    let plain = Command::new("ziskemu").arg("-e").arg(demo.join("target/zisk-wasm/release/demo.elf")).arg("-i").arg(&input).arg("-c").output().unwrap();
    assert!(plain.status.success(), "{}", String::from_utf8_lossy(&plain.stderr));
    assert!(String::from_utf8_lossy(&plain.stdout).contains("Hello, demo!"));
}

#[test]
fn accelerators_give_the_real_digests_on_every_route() {
    let keccak_abc = "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45";
    let sha256_abc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    for route in ["direct", "cl-riscv", "native"] {
        assert_eq!(public_output(&run("accelerators", route, b"abc")), format!("{keccak_abc}{sha256_abc}"), "{route}");
    }
}

/// A C guest through wasi-libc (examples/c): clang builds it, both our routes run it; it
/// calls three accelerators.
#[test]
fn c_guest_hashes_its_input_through_the_accelerator() {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/c/keccak_stdin.c");
    let wasm = dir.path().join("keccak_stdin.wasm");
    // `--allow-undefined`: the accelerator is an import the compiler provides.
    let clang = Command::new("clang")
        .args(["--target=wasm32-wasi", "-O2", "-Wl,--allow-undefined", "-o"])
        .arg(&wasm)
        .arg(&source)
        .output()
        .expect("clang is installed (ci/setup.sh)");
    assert!(clang.status.success(), "clang: {}", String::from_utf8_lossy(&clang.stderr));
    let module = std::fs::read(&wasm).unwrap();
    let emu = zisk_runner::Ziskemu::locate().unwrap();
    let input = zisk_runner::encode_input(&[b"abc"]);
    let expected = "keccak256 of 3 bytes: 4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45\n\
                    ripemd160: 8eb208f7e05d987a9b044a8e98c6b087f15a0bfc\n\
                    empty pairing product is 1: 1\n";
    let direct = zisk_wasm_backend::compile(&module, &Default::default()).unwrap().elf;
    let cl_riscv = zisk_wasm_cl_riscv::compile(&module).unwrap();
    for (route, elf) in [("direct", direct), ("cl-riscv", cl_riscv)] {
        let path = dir.path().join(format!("{route}.elf"));
        std::fs::write(&path, elf).unwrap();
        let run = emu.run(&zisk_runner::Program::elf(&path), &input, &Default::default()).unwrap();
        // stdout is the public output only (README: console and public output).
        assert_eq!(run.console_text(), "", "{route}");
        assert_eq!(run.public_output_trimmed(), expected.as_bytes(), "{route}");
    }
}
