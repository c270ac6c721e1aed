//! What the accelerator tests share: running an example guest on every route and comparing
//! its console lines with a judge's.

use std::path::Path;
use std::process::Command;

/// Runs example `package` on every route with `input`; asserts its console lines are
/// `expected`, one per case.
pub fn check_routes(package: &str, input: &[u8], expected: &[String]) {
    let dir = tempfile::tempdir().unwrap();
    let input_path = dir.path().join("input.bin");
    std::fs::write(&input_path, input).unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/Cargo.toml");
    for route in ["direct", "cl-riscv", "native"] {
        let out = Command::new(env!("CARGO_BIN_EXE_cargo-zisk-wasm"))
            .args(["zisk-wasm", "run", "--release", "-p", package, "--route", route, "--manifest-path"])
            .arg(&manifest)
            .arg("-i")
            .arg(&input_path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{route}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        // The case lines come first, the run's summary (public output, steps) after them.
        let lines: Vec<&str> = stdout.lines().take(expected.len()).collect();
        for (i, (got, want)) in lines.iter().zip(expected).enumerate() {
            assert_eq!(got, want, "{package} on {route}: case {i}");
        }
        assert_eq!(lines.len(), expected.len(), "{route}: {stdout}");
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

