//! The `.wat` corpus on the real ziskemu. Each file states what must happen:
//!
//! - `;; expect-output: <hex>`: the run ends normally with this public output (trailing
//!   zero bytes ignored);
//! - `;; expect-trap: <text>`: the run traps and the console says `wasm trap: <text>`;
//! - `;; expect-exit: <code>`: the run fails with this exit code.
//!
//! Every program also runs from its `.zisk` listing (`ziskemu -z`), which must take the same
//! steps and give the same result as the ELF, and as a profiling build (`Options::profiling`),
//! which must give the same result.

use std::path::{Path, PathBuf};

use zisk_runner::{encode_input, Program, RunError, RunOptions, Ziskemu};

enum Expect {
    Output(Vec<u8>),
    Trap(String),
    Exit(i64),
}

fn expectation(path: &Path, text: &str) -> Expect {
    for line in text.lines() {
        let line = line.trim();
        if let Some(hex) = line.strip_prefix(";; expect-output:") {
            let hex: String = hex.split_whitespace().collect();
            let bytes = (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect();
            return Expect::Output(bytes);
        }
        if let Some(t) = line.strip_prefix(";; expect-trap:") {
            return Expect::Trap(t.trim().to_string());
        }
        if let Some(c) = line.strip_prefix(";; expect-exit:") {
            return Expect::Exit(c.trim().parse().unwrap());
        }
    }
    panic!("{} states no expectation", path.display());
}

fn trimmed(bytes: &[u8]) -> &[u8] {
    let end = bytes.iter().rposition(|&b| b != 0).map_or(0, |i| i + 1);
    &bytes[..end]
}

/// Runs one program file; returns (steps or failure description) for comparison.
fn outcome(emu: &Ziskemu, program: &Program) -> Result<(u64, Vec<u8>), RunError> {
    let options = RunOptions { max_steps: Some(50_000_000), cost_report: false };
    emu.run(program, &encode_input(&[b""]), &options).map(|e| (e.cost.steps, trimmed(&e.public_output).to_vec()))
}

fn check(emu: &Ziskemu, path: &Path, dir: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).unwrap();
    let expect = expectation(path, &text);
    let wasm = wat::parse_str(&text).map_err(|e| format!("bad .wat: {e}"))?;
    let program = zisk_wasm_backend::compile(&wasm, &Default::default()).map_err(|e| format!("compile error: {e}"))?;
    let stem = path.file_stem().unwrap().to_string_lossy();
    let elf = dir.join(format!("{stem}.elf"));
    let listing = dir.join(format!("{stem}.zisk"));
    std::fs::write(&elf, &program.elf).unwrap();
    std::fs::write(&listing, &program.listing).unwrap();

    let from_elf = outcome(emu, &Program::elf(&elf));
    let verdict = match (&expect, &from_elf) {
        (Expect::Output(want), Ok((_, got))) if trimmed(want) == got.as_slice() => Ok(()),
        (Expect::Output(want), other) => Err(format!("want output {}, got {other:?}", hex(want))),
        (Expect::Trap(t), Err(RunError::GuestTrap { console, .. })) if console.contains(&format!("wasm trap: {t}")) => Ok(()),
        (Expect::Trap(t), other) => Err(format!("want trap `{t}`, got {other:?}")),
        (Expect::Exit(c), Err(RunError::GuestExit { code, .. })) if code == c => Ok(()),
        (Expect::Exit(c), other) => Err(format!("want exit {c}, got {other:?}")),
    };
    verdict?;
    let from_listing = outcome(emu, &Program::zisk_asm(&listing));
    let same = match (&from_elf, &from_listing) {
        (Ok(a), Ok(b)) => a == b,
        (Err(a), Err(b)) => std::mem::discriminant(a) == std::mem::discriminant(b),
        _ => false,
    };
    if !same {
        return Err(format!("listing differs: elf {from_elf:?}, listing {from_listing:?}"));
    }
    let profiling = zisk_wasm_backend::Options { profiling: true, ..Default::default() };
    let program = zisk_wasm_backend::compile(&wasm, &profiling).map_err(|e| format!("profiling build: compile error: {e}"))?;
    let profiled = dir.join(format!("{stem}-profiling.elf"));
    std::fs::write(&profiled, &program.elf).unwrap();
    let from_profiled = outcome(emu, &Program::elf(&profiled));
    let same = match (&from_elf, &from_profiled) {
        (Ok(a), Ok(b)) => a.1 == b.1,
        (Err(a), Err(b)) => std::mem::discriminant(a) == std::mem::discriminant(b),
        _ => false,
    };
    if !same {
        return Err(format!("profiling build differs: {from_elf:?} vs {from_profiled:?}"));
    }
    Ok(match from_elf {
        Ok((steps, _)) => format!("{steps} steps"),
        Err(e) => format!("{e}"),
    })
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn corpus_runs_on_ziskemu() {
    let emu = Ziskemu::locate().expect("ziskemu is installed (ci/setup.sh)");
    let dir = tempfile::tempdir().unwrap();
    let corpus = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&corpus).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "wat")).collect();
    files.sort();
    assert!(files.len() >= 10, "the corpus is missing");
    let mut failures = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        match check(&emu, path, dir.path()) {
            Ok(note) => println!("ok   {name}: {note}"),
            Err(e) => {
                println!("FAIL {name}: {e}");
                failures.push(name);
            }
        }
    }
    assert!(failures.is_empty(), "corpus failures: {failures:?}");
}
