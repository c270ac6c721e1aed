//! Differential fuzzing of both routes against a reference engine.
//!
//! A seed becomes a wasm-smith module (the proposals the compiler accepts: MVP, sign
//! extension, saturating conversions, bulk memory, multi-value, floats with canonical NaNs),
//! made to terminate by wasm-smith's fuel counter. The reference engine (wasmi) instantiates
//! it and calls each exported function with boundary and random arguments, in order, until the
//! first trap. That sequence becomes a driver (as the spec harness builds one: every call
//! checks its results, the trapping one comes last), compiled on direct and cl-riscv and run
//! on the real ziskemu: it must end as the reference did, with the same trap on direct (where
//! traps are named). wasmi 2.0.0 is known to report spurious `integer divide by zero` on some
//! `select`-guarded divisions: a divergence on that trap alone is reported as unconfirmed.
//! The reference runs in a child process (see `child`), so a crash of wasmi's costs one seed.

mod child;
mod reference;

use std::path::Path;

use zisk_runner::{encode_input, RunError, RunOptions, Ziskemu};
use zisk_wasm_backend::{BackendError, Check, Invocation};
use zisk_wasm_conformance::{trap_matches, Route};

pub use child::{reference_runs, serve, CHILD_FLAG};
pub use reference::{generate, Call, Outcome, Reference};

/// What one seed came to.
#[derive(Debug)]
pub enum Verdict {
    /// Both routes ended as the reference did, after this many calls.
    Agree { calls: usize },
    /// Nothing to compare: the reference could not run it, or a route refused it as
    /// unsupported (a valid refusal, counted separately). `class` is what the summary counts
    /// by ("call depth", "reference crashed", ...), `detail` this seed's particulars.
    Skipped { class: &'static str, detail: String },
    /// A route disagrees with the reference.
    Diverged { route: &'static str, detail: String, confirmed: bool },
}

/// Step cap per program: wasm-smith's fuel keeps runs short; a longer one is a divergence.
const MAX_STEPS: u64 = 50_000_000;

/// The verdict on `seed`; `child` is the executable that serves the reference runs
/// (`CHILD_FLAG`: the fuzzer's binary), `dir` a scratch directory.
pub fn check_seed(seed: u64, child: &Path, emu: &Ziskemu, dir: &Path) -> Verdict {
    let wasm = match generate(seed) {
        Ok(w) => w,
        Err(e) => return Verdict::Skipped { class: "wasm-smith failed", detail: e.to_string() },
    };
    let runs = match reference_runs(child, seed, dir) {
        Ok(runs) => runs,
        Err(skipped) => return skipped,
    };
    let mut calls = 0;
    let mut skipped = None;
    for run in &runs {
        match compare(&wasm, run, emu, dir) {
            Verdict::Agree { calls: n } => calls += n,
            s @ Verdict::Skipped { .. } => skipped = Some(s),
            diverged => return diverged,
        }
    }
    match skipped {
        Some(s) if calls == 0 => s,
        _ => Verdict::Agree { calls },
    }
}

/// Runs `wasm` on both routes with the driver of `reference`'s calls.
pub fn compare(wasm: &[u8], reference: &Reference, emu: &Ziskemu, dir: &Path) -> Verdict {
    let (invocations, expected_trap) = reference.driver();
    for route in [&zisk_wasm_conformance::Direct as &dyn Route, &zisk_wasm_conformance::ClRiscv] {
        let program = match route.build(wasm, &invocations, dir) {
            Ok(p) => p,
            Err(BackendError::Environ(e)) if e.kind == zisk_wasm_environ::ErrorKind::Unsupported => {
                return Verdict::Skipped { class: "unsupported by a route", detail: format!("{}: {e}", route.name()) };
            }
            Err(e) => return Verdict::Diverged { route: route.name(), detail: format!("refused a valid module: {e}"), confirmed: true },
        };
        let options = RunOptions { max_steps: Some(MAX_STEPS), cost_report: false };
        let outcome = emu.run(&program, &encode_input(&[b""]), &options);
        if exhaustion(&outcome, expected_trap) {
            // How deep calls may nest is each engine's own limit (the spec leaves it open).
            return Verdict::Skipped { class: "call depth", detail: format!("{}: the engines' call-depth limits differ", route.name()) };
        }
        if let Some(detail) = disagreement(route, &outcome, &invocations, expected_trap) {
            // wasmi's known false trap: do not call it ours until a second engine agrees.
            let confirmed = expected_trap != Some("integer divide by zero");
            return Verdict::Diverged { route: route.name(), detail, confirmed };
        }
    }
    Verdict::Agree { calls: invocations.len() }
}

/// Whether either side ran out of call stack: our 4 MiB machine stack and wasmi's limit
/// differ, so one may exhaust it (or run out of fuel first, trapping `unreachable`) where the
/// other does not.
fn exhaustion(outcome: &Result<zisk_runner::Execution, RunError>, expected_trap: Option<&str>) -> bool {
    let ours = matches!(outcome, Err(RunError::GuestTrap { console, .. }) if console.contains("exhausted"));
    ours || expected_trap == Some("call stack exhausted")
}

/// How `outcome` differs from the reference's, if it does.
fn disagreement(route: &dyn Route, outcome: &Result<zisk_runner::Execution, RunError>, invocations: &[Invocation], expected_trap: Option<&str>) -> Option<String> {
    let describe = |i: usize| invocations.get(i).map_or("the start function".to_string(), |c| format!("call {} {}({:?})", i + 1, c.export, c.args));
    match (outcome, expected_trap) {
        (Ok(_), None) => None,
        (Ok(_), Some(trap)) => Some(format!("ran to the end; the reference trapped ({trap}) in {}", describe(invocations.len().saturating_sub(1)))),
        (Err(RunError::GuestTrap { console, .. }), Some(trap)) => {
            (route.names_traps() && !trap_matches(console, trap)).then(|| format!("trapped with `{}`, the reference with `{trap}`", console.trim()))
        }
        (Err(RunError::GuestExit { code, .. }), _) => {
            let i = (*code as usize).saturating_sub(1);
            let want = match invocations.get(i).map(|c| &c.check) {
                Some(Check::Results(r)) => format!("{r:?}"),
                _ => "no check".into(),
            };
            Some(format!("{} returned other results than the reference's {want}", describe(i)))
        }
        (Err(e), _) => Some(format!("{e}")),
    }
}
