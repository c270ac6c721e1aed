//! A per-function profile from ziskemu's own profiler (`-S -X`), which follows calls and
//! returns through the ELF's function symbols.
//!
//! ziskemu reports inclusive steps, calls and inclusive cost per function in its text
//! report; exclusive figures come from its two other outputs: the per-instruction execution
//! counts of `--disasm` (exclusive steps, by the function each instruction lies in) and the
//! call-path samples of `--profiler-output` (a Firefox-profiler JSON whose sample weights are
//! cost increments: exclusive and inclusive cost by call stack).

use std::collections::{BTreeMap, HashSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::emulator::{program_args, Program};
use crate::{RunError, Ziskemu};

/// One function's share of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunctionProfile {
    pub name: String,
    pub calls: u64,
    pub steps_inclusive: u64,
    pub steps_exclusive: u64,
    /// VARIABLE cost (main + opcodes + memory + precompiles).
    pub cost_inclusive: u64,
    pub cost_exclusive: u64,
}

#[derive(Debug, Clone)]
pub struct Profile {
    pub steps: u64,
    pub functions: Vec<FunctionProfile>,
    /// The call-path profile for <https://profiler.firefox.com> (a flame graph by cost).
    pub firefox_profile: PathBuf,
}

impl Ziskemu {
    /// Runs `program` under ziskemu's profiler; its call-path JSON is written to `json_out`.
    /// Fails with [`RunError::Report`] when the call stack could not be followed (an ELF whose
    /// returns ziskemu cannot recognise: build direct-route programs with profiling on).
    pub fn profile(&self, program: &Program, input: &[u8], max_steps: Option<u64>, json_out: &Path) -> Result<Profile, RunError> {
        let scratch = tempfile::tempdir()?;
        let disasm = scratch.path().join("disasm.txt");
        let mut args = program_args(program, input, max_steps, scratch.path())?;
        args.extend(["-S", "-X", "-T", "10000000", "--no-thousands-sep", "--no-compact-names"].map(OsString::from));
        args.extend([OsString::from("--disasm"), disasm.clone().into()]);
        args.extend([OsString::from("--profiler-output"), json_out.into()]);
        let out = Command::new(self.binary()).args(&args).output()?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            return Err(RunError::Emulator { message: String::from_utf8_lossy(&out.stderr).trim().to_string() });
        }
        if let Some(line) = stdout.lines().find(|l| l.contains("CALL_STACK_ERROR")) {
            return Err(RunError::Report(format!("ziskemu could not follow the call stack: {}", line.trim())));
        }
        let steps = report_steps(&stdout)?;
        let mut functions: BTreeMap<String, FunctionProfile> = BTreeMap::new();
        for (name, steps, calls) in top_table(&stdout, "TOP STEP FUNCTIONS")? {
            let f = entry(&mut functions, &name);
            f.steps_inclusive += steps;
            f.calls += calls;
        }
        for (name, cost, _) in top_table(&stdout, "TOP COST FUNCTIONS")? {
            let f = entry(&mut functions, &name);
            f.cost_inclusive += cost;
        }
        for (name, steps) in exclusive_steps(&std::fs::read_to_string(&disasm)?) {
            let f = entry(&mut functions, &name);
            f.steps_exclusive += steps;
        }
        let json = std::fs::read_to_string(json_out)?;
        for (name, exclusive, inclusive) in sampled_costs(&json)? {
            let f = entry(&mut functions, &name);
            f.cost_exclusive += exclusive;
            // The text report's inclusive cost is the authority; the samples only fill in
            // functions it leaves out.
            if f.cost_inclusive == 0 {
                f.cost_inclusive = inclusive;
            }
        }
        let functions = functions.into_values().filter(|f| f.steps_inclusive + f.steps_exclusive + f.cost_inclusive > 0).collect();
        Ok(Profile { steps, functions, firefox_profile: json_out.to_path_buf() })
    }
}

fn entry<'a>(functions: &'a mut BTreeMap<String, FunctionProfile>, name: &str) -> &'a mut FunctionProfile {
    functions.entry(name.to_string()).or_insert_with(|| FunctionProfile { name: name.to_string(), ..Default::default() })
}

fn report_steps(stdout: &str) -> Result<u64, RunError> {
    stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("STEPS").and_then(|n| n.trim().parse().ok()))
        .ok_or_else(|| RunError::Report("no STEPS line in ziskemu's report".into()))
}

/// The rows of a `TOP … FUNCTIONS (METRIC, % …, CALLS, METRIC/CALL, FUNCTION)` table:
/// (function, metric, calls).
fn top_table(stdout: &str, title: &str) -> Result<Vec<(String, u64, u64)>, RunError> {
    let mut lines = stdout.lines().skip_while(|l| !l.starts_with(title));
    if lines.next().is_none() {
        return Err(RunError::Report(format!("no `{title}` table in ziskemu's report (were symbols loaded?)")));
    }
    let mut rows = Vec::new();
    for line in lines.skip(1) {
        let mut rest = line.trim_start();
        let mut field = || {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let f = &rest[..end];
            rest = rest[end..].trim_start();
            f
        };
        let (metric, _pct, calls, _per_call) = (field(), field(), field(), field());
        let (Ok(metric), Ok(calls)) = (metric.parse(), calls.parse()) else { break };
        rows.push((rest.to_string(), metric, calls));
    }
    Ok(rows)
}

/// Steps per function from `--disasm`'s execution counts: a `<name>:` heading opens a
/// function (`.L…` headings are labels inside one); instructions before the first belong to
/// ZisK's BIOS.
fn exclusive_steps(disasm: &str) -> BTreeMap<String, u64> {
    let mut steps = BTreeMap::new();
    let mut current = "ziskos::BIOS".to_string();
    for line in disasm.lines() {
        if let (Some(open), true) = (line.find(" <"), line.ends_with(">:")) {
            let name = &line[open + 2..line.len() - 2];
            if !name.starts_with(".L") && !line.starts_with(' ') {
                current = name.to_string();
            }
            continue;
        }
        let Some((addr, rest)) = line.trim_start().split_once(':') else { continue };
        if !line.starts_with("  ") || !addr.chars().all(|c| c.is_ascii_hexdigit()) {
            continue;
        }
        if let Some(count) = rest.split_whitespace().next().and_then(|c| c.parse::<u64>().ok()) {
            *steps.entry(current.clone()).or_insert(0) += count;
        }
    }
    steps
}

#[derive(serde::Deserialize)]
struct FirefoxProfile {
    shared: Shared,
    threads: Vec<Thread>,
}
#[derive(serde::Deserialize)]
struct Shared {
    #[serde(rename = "stringArray")]
    strings: Vec<String>,
    #[serde(rename = "stackTable")]
    stacks: StackTable,
}
#[derive(serde::Deserialize)]
struct StackTable {
    frame: Vec<usize>,
    prefix: Vec<Option<usize>>,
}
#[derive(serde::Deserialize)]
struct Thread {
    samples: Samples,
}
#[derive(serde::Deserialize)]
struct Samples {
    weight: Vec<f64>,
    stack: Vec<usize>,
}

/// (function, exclusive cost, inclusive cost) from the call-path samples. Each sample's
/// weight is the cost (in thousands) spent with its stack until the next sample; it is the
/// leaf's exclusive cost and every distinct frame's inclusive cost.
fn sampled_costs(json: &str) -> Result<Vec<(String, u64, u64)>, RunError> {
    let profile: FirefoxProfile = serde_json::from_str(json).map_err(|e| RunError::Report(format!("ziskemu's profile JSON: {e}")))?;
    let names = &profile.shared.strings;
    let stacks = &profile.shared.stacks;
    let mut exclusive = vec![0u64; names.len()];
    let mut inclusive = vec![0u64; names.len()];
    if stacks.frame.iter().any(|&f| f >= names.len()) || stacks.prefix.len() != stacks.frame.len() {
        return Err(RunError::Report("ziskemu's profile JSON: a stack names a frame it does not list".into()));
    }
    for thread in &profile.threads {
        for (&weight, &stack) in thread.samples.weight.iter().zip(&thread.samples.stack) {
            let cost = (weight * 1000.0).round() as u64;
            let Some(&leaf) = stacks.frame.get(stack) else { continue };
            exclusive[leaf] += cost;
            let mut seen = HashSet::new();
            let mut at = Some(stack);
            while let Some(s) = at.filter(|&s| s < stacks.frame.len()) {
                if seen.insert(stacks.frame[s]) {
                    inclusive[stacks.frame[s]] += cost;
                }
                at = stacks.prefix[s];
            }
        }
    }
    Ok(names.iter().enumerate().map(|(i, n)| (n.clone(), exclusive[i], inclusive[i])).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_top_tables() {
        let report = "TOP STEP FUNCTIONS (STEPS, % STEPS, CALLS, STEPS/CALL, FUNCTION)\n\
                      ------\n\
                      \x20     2146247  99.99%          1         2146247 iter_sha::main\n\
                      \x20         491   0.02%          1             491 import wasi_snapshot_preview1.fd_write\n\
                      \n\
                      TOP COST FUNCTIONS (COST, ...)\n";
        let rows = top_table(report, "TOP STEP FUNCTIONS").unwrap();
        assert_eq!(rows, vec![("iter_sha::main".into(), 2146247, 1), ("import wasi_snapshot_preview1.fd_write".into(), 491, 1)]);
    }

    #[test]
    fn attributes_instructions_to_the_enclosing_function() {
        let disasm = "ZisK Disassembly\n\n  00001000:             1      copyb 0, 0\n\n\
                      0000000090000000 <zisk_wasm::entry>:\n  90000000:             1      flag\n\n\
                      0000000090000008 <.L3>:\n  90000008:            40      add x1, x1, 1\n\n\
                      0000000090000010 <f <T as U>::g>:\n  90000010:             2      copyb\n";
        let steps = exclusive_steps(disasm);
        assert_eq!(steps["ziskos::BIOS"], 1);
        assert_eq!(steps["zisk_wasm::entry"], 41);
        assert_eq!(steps["f <T as U>::g"], 2);
    }

    #[test]
    fn samples_give_exclusive_and_inclusive_cost() {
        // main (0) calls leaf (1) twice; main spends 5000 itself, leaf 3000 + 2000.
        let json = r#"{"shared":{"stringArray":["main","leaf"],"stackTable":{"frame":[0,1],"prefix":[null,0]}},
                       "threads":[{"samples":{"weight":[1.0,3.0,2.0,2.0,2.0],"stack":[0,1,0,1,0]}}]}"#;
        let costs = sampled_costs(json).unwrap();
        assert_eq!(costs, vec![("main".into(), 5000, 10000), ("leaf".into(), 5000, 5000)]);
    }
}
