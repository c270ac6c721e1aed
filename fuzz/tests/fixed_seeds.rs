//! The suite's fixed-seed batch of the differential fuzzer, and a check that it notices a
//! wrong result at all.

use std::path::Path;

use zisk_wasm_fuzz::{check_seed, compare, generate, reference_runs, Outcome, Reference, Verdict};

/// The fuzzer's binary, which serves the reference runs (the test harness cannot).
fn child() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_zisk-wasm-fuzz"))
}

#[test]
fn fixed_seeds_agree_with_the_reference_on_both_routes() {
    let emu = zisk_runner::Ziskemu::locate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (mut agree, mut calls) = (0, 0);
    for seed in 0..100 {
        match check_seed(seed, child(), &emu, dir.path()) {
            Verdict::Agree { calls: n } => {
                agree += 1;
                calls += n;
            }
            Verdict::Skipped { .. } => {}
            Verdict::Diverged { route, detail, confirmed } => {
                assert!(!confirmed, "seed {seed}: {route}: {detail}");
            }
        }
    }
    // Most seeds must compare something, or the batch proves nothing.
    assert!(agree >= 80 && calls >= 400, "{agree} seeds agreed over {calls} calls");
}

#[test]
fn a_wrong_reference_result_is_a_divergence() {
    let emu = zisk_runner::Ziskemu::locate().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let returns = |r: &Reference| r.calls.iter().position(|c| matches!(&c.outcome, Outcome::Returned(v) if !v.is_empty()));
    // The first seed with a call that returns a value: that value, one bit off, must be caught.
    let (seed, wasm, mut reference) = (0..)
        .find_map(|s| {
            let wasm = generate(s).ok()?;
            let run = reference_runs(child(), s, dir.path()).ok()?.into_iter().find(|r| returns(r).is_some())?;
            Some((s, wasm, run))
        })
        .unwrap();
    let at = returns(&reference).unwrap();
    if let Outcome::Returned(values) = &mut reference.calls[at].outcome {
        values[0] = match values[0] {
            zisk_wasm_backend::Value::I32(x) => zisk_wasm_backend::Value::I32(x ^ 1),
            zisk_wasm_backend::Value::I64(x) => zisk_wasm_backend::Value::I64(x ^ 1),
        };
    }
    match compare(&wasm, &reference, &emu, dir.path()) {
        Verdict::Diverged { route: "direct", confirmed: true, .. } => {}
        other => panic!("seed {seed}: {other:?}"),
    }
}
