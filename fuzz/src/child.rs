//! The reference engine runs in a child process: wasmi 2.0.0's translator panics on some
//! modules where it cannot unwind (seed 9550), which aborts the process, and `catch_unwind`
//! cannot stop an abort. So the fuzzer's own binary, run as `zisk-wasm-fuzz --reference-child
//! SEED`, makes the seed's reference runs and prints them in the line format below; the
//! caller parses them, and a child that crashes or hangs costs that seed only.
//!
//! One line each, fields separated by tabs (export names are any UTF-8, so they go in hex):
//!
//! ```text
//! run                                  a run from a fresh instance begins
//! start-trap <trap>                    a run whose start function trapped
//! returned <export> <args> <results>   a call of the current run that returned
//! trapped <export> <args> <trap>       a call of the current run that trapped (its last)
//! refused <message>                    wasmi refused the module (no runs)
//! ```
//!
//! with values as `i32:<u32>` or `i64:<u64>`, separated by spaces.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use zisk_wasm_backend::Value;

use crate::reference::{generate, Call, Outcome, Reference};
use crate::Verdict;

/// The flag that makes the fuzzer's binary the reference child.
pub const CHILD_FLAG: &str = "--reference-child";
/// How long one seed's reference runs may take: wasm-smith's fuel keeps them to milliseconds,
/// so a child still running after this hangs.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The child's side: prints the reference runs of `seed` on stdout.
pub fn serve(seed: u64) -> anyhow::Result<()> {
    let wasm = generate(seed)?;
    let mut out = String::new();
    match Reference::runs(&wasm, seed) {
        Ok(runs) => runs.iter().for_each(|run| write_run(&mut out, run)),
        Err(e) => writeln!(out, "refused\t{}", format!("{e:#}").replace(['\t', '\n'], " ")).unwrap(),
    }
    print!("{out}");
    Ok(())
}

/// The caller's side: the reference runs of `seed` from `child` (an executable that takes
/// `--reference-child SEED`: the fuzzer's binary), or the verdict that skips the seed.
/// `dir` holds the child's output while it runs.
pub fn reference_runs(child: &Path, seed: u64, dir: &Path) -> Result<Vec<Reference>, Verdict> {
    let skipped = |class, detail| Err(Verdict::Skipped { class, detail });
    // Files, not pipes: the child never blocks on a full pipe while we wait for it.
    let (out_path, err_path) = (dir.join("reference.out"), dir.join("reference.err"));
    let file = |path: &Path| std::fs::File::create(path).expect("creating the reference child's output files");
    let mut process = Command::new(child)
        .arg(CHILD_FLAG)
        .arg(seed.to_string())
        .stdout(file(&out_path))
        .stderr(file(&err_path))
        .spawn()
        .unwrap_or_else(|e| panic!("starting the reference child {}: {e}", child.display()));
    let deadline = Instant::now() + TIMEOUT;
    let status = loop {
        if let Some(status) = process.try_wait().expect("waiting for the reference child") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = process.kill();
            let _ = process.wait();
            return skipped("reference timed out", format!("no answer within {} s", TIMEOUT.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    if !status.success() {
        // An abort shows as `signal: 6 (SIGABRT)`, an unwinding panic as `exit status: 101`;
        // the panic's first two lines of stderr say where and what.
        let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
        let panic: Vec<&str> = stderr.lines().filter(|l| !l.is_empty()).take(2).collect();
        return skipped("reference crashed", format!("{status}: {}", panic.join(" ")));
    }
    let text = std::fs::read_to_string(&out_path).expect("reading the reference child's output");
    if let Some(message) = text.strip_prefix("refused\t") {
        return skipped("reference refused", message.trim_end().to_string());
    }
    Ok(parse(&text))
}

fn write_run(out: &mut String, run: &Reference) {
    match &run.start_trap {
        Some(trap) => writeln!(out, "start-trap\t{trap}").unwrap(),
        None => writeln!(out, "run").unwrap(),
    }
    for call in &run.calls {
        let name: String = call.export.bytes().map(|b| format!("{b:02x}")).collect();
        let (kind, last) = match &call.outcome {
            Outcome::Returned(values) => ("returned", values_text(values)),
            Outcome::Trapped(trap) => ("trapped", trap.clone()),
        };
        writeln!(out, "{kind}\t{name}\t{}\t{last}", values_text(&call.args)).unwrap();
    }
}

fn values_text(values: &[Value]) -> String {
    let text: Vec<String> = values
        .iter()
        .map(|v| match v {
            Value::I32(x) => format!("i32:{x}"),
            Value::I64(x) => format!("i64:{x}"),
        })
        .collect();
    text.join(" ")
}

/// Reads what `write_run` wrote; anything else is a bug in this file, not a property of the
/// seed, so it panics.
fn parse(text: &str) -> Vec<Reference> {
    let values = |field: &str, line: &str| -> Vec<Value> {
        let value = |v: &str| match v.split_once(':') {
            Some(("i32", x)) => Some(Value::I32(x.parse().ok()?)),
            Some(("i64", x)) => Some(Value::I64(x.parse().ok()?)),
            _ => None,
        };
        field.split(' ').filter(|v| !v.is_empty()).map(|v| value(v).unwrap_or_else(|| bad(line))).collect()
    };
    let mut runs: Vec<Reference> = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        match fields[..] {
            ["run"] => runs.push(Reference { start_trap: None, calls: vec![] }),
            ["start-trap", trap] => runs.push(Reference { start_trap: Some(trap.to_string()), calls: vec![] }),
            [kind @ ("returned" | "trapped"), name, args, last] => {
                let bytes = (0..name.len()).step_by(2).map(|i| u8::from_str_radix(name.get(i..i + 2)?, 16).ok()).collect::<Option<Vec<u8>>>();
                let export = bytes.and_then(|b| String::from_utf8(b).ok()).unwrap_or_else(|| bad(line));
                let outcome = if kind == "returned" { Outcome::Returned(values(last, line)) } else { Outcome::Trapped(last.to_string()) };
                let run = runs.last_mut().unwrap_or_else(|| bad(line));
                run.calls.push(Call { export, args: values(args, line), outcome });
            }
            _ => bad(line),
        }
    }
    runs
}

fn bad(line: &str) -> ! {
    panic!("the reference child wrote {line:?}: not its line format")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_survive_the_line_format() {
        let call = |export: &str, args, outcome| Call { export: export.into(), args, outcome };
        let runs = vec![
            Reference { start_trap: None, calls: vec![call("", vec![], Outcome::Returned(vec![])), call("a\tb\n é", vec![Value::I32(u32::MAX), Value::I64(1 << 63)], Outcome::Trapped("integer overflow".into()))] },
            Reference { start_trap: Some("unreachable".into()), calls: vec![] },
            Reference { start_trap: None, calls: vec![call("f", vec![Value::I64(7)], Outcome::Returned(vec![Value::I32(0), Value::I64(u64::MAX)]))] },
        ];
        let mut text = String::new();
        runs.iter().for_each(|run| write_run(&mut text, run));
        assert_eq!(format!("{:?}", parse(&text)), format!("{runs:?}"));
    }
}
