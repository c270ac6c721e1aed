//! The direct route's `.wat` corpus (backend/tests/corpus) on the cl-riscv route, on the real
//! ziskemu: the same outputs and exit codes; traps must be traps (this route's traps carry
//! no console message: Cranelift's trap instruction becomes `ebreak`).

use std::path::PathBuf;

use zisk_runner::{encode_input, Program, RunError, RunOptions, Ziskemu};

fn expectation(text: &str) -> (&'static str, String) {
    for line in text.lines() {
        for kind in ["expect-output", "expect-trap", "expect-exit"] {
            if let Some(rest) = line.trim().strip_prefix(&format!(";; {kind}:")) {
                return (kind, rest.split_whitespace().collect());
            }
        }
    }
    panic!("no expectation")
}

#[test]
fn corpus_runs_on_the_cl_riscv_route() {
    let emu = Ziskemu::locate().expect("ziskemu is installed (ci/setup.sh)");
    let dir = tempfile::tempdir().unwrap();
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../backend/tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "wat")).collect();
    files.sort();
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(path).unwrap();
        let (kind, value) = expectation(&text);
        let elf = match zisk_wasm_cl_riscv::compile(&wat::parse_str(&text).unwrap()) {
            Ok(elf) => elf,
            Err(e) => {
                failures.push(format!("{name}: compile error: {e}"));
                continue;
            }
        };
        let file = dir.path().join(format!("{name}.elf"));
        std::fs::write(&file, elf).unwrap();
        let run = emu.run(&Program::elf(&file), &encode_input(&[b""]), &RunOptions { max_steps: Some(100_000_000), cost_report: false });
        let ok = match (kind, &run) {
            ("expect-output", Ok(e)) => {
                let got: String = e.public_output_trimmed().iter().map(|b| format!("{b:02x}")).collect();
                got == value.trim_end_matches("00").to_string() || got == value
            }
            ("expect-trap", Err(RunError::GuestTrap { .. })) => true,
            ("expect-exit", Err(RunError::GuestExit { code, .. })) => code.to_string() == value,
            _ => false,
        };
        match (ok, &run) {
            (true, Ok(e)) => println!("ok   {name}: {} steps", e.cost.steps),
            (true, Err(e)) => println!("ok   {name}: {e}"),
            (false, _) => {
                println!("FAIL {name}: want {kind} {value}, got {run:?}");
                failures.push(name);
            }
        }
    }
    assert!(failures.is_empty(), "cl-riscv corpus failures: {failures:?}");
}
