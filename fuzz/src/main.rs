//! `zisk-wasm-fuzz [--from SEED] [--seeds N]`: checks seeds SEED..SEED+N (default 0..100) on
//! both routes against the reference; prints each divergence and a summary (skips counted by
//! class); fails on any confirmed divergence.
//!
//! `zisk-wasm-fuzz --reference-child SEED` (hidden: the fuzzer runs itself so) prints the
//! reference runs of SEED for the fuzzer to read; see `child.rs` for why and the format.

use std::collections::BTreeMap;

use anyhow::{bail, Context, Result};
use zisk_wasm_fuzz::{check_seed, Verdict, CHILD_FLAG};

fn flag(args: &[String], name: &str, default: u64) -> Result<u64> {
    match args.iter().position(|a| a == name) {
        Some(i) => args.get(i + 1).with_context(|| format!("{name} needs a number"))?.parse().with_context(|| format!("{name}: not a number")),
        None => Ok(default),
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == CHILD_FLAG) {
        return zisk_wasm_fuzz::serve(flag(&args, CHILD_FLAG, 0)?);
    }
    let (from, seeds) = (flag(&args, "--from", 0)?, flag(&args, "--seeds", 100)?);
    let child = std::env::current_exe().context("locating this executable, the reference child")?;
    let emu = zisk_runner::Ziskemu::locate()?;
    let dir = tempfile::tempdir()?;
    let (mut agree, mut confirmed, mut unconfirmed, mut compared) = (0, 0, 0, 0);
    let mut skipped: BTreeMap<&str, usize> = BTreeMap::new();
    for seed in from..from + seeds {
        match check_seed(seed, &child, &emu, dir.path()) {
            Verdict::Agree { calls } => {
                agree += 1;
                compared += calls;
            }
            Verdict::Skipped { class, detail } => {
                *skipped.entry(class).or_default() += 1;
                eprintln!("seed {seed}: skipped, {class} ({detail})");
            }
            Verdict::Diverged { route, detail, confirmed: c } => {
                if c { confirmed += 1 } else { unconfirmed += 1 }
                println!("seed {seed}: {route} DIVERGES{}: {detail}", if c { "" } else { " (unconfirmed: wasmi's known false divide-by-zero)" });
            }
        }
    }
    let by_class: Vec<String> = skipped.iter().map(|(class, n)| format!("{n} {class}")).collect();
    let total: usize = skipped.values().sum();
    println!("{seeds} seeds from {from}: {agree} agree ({compared} calls compared), {total} skipped ({}), {confirmed} diverge, {unconfirmed} unconfirmed", by_class.join(", "));
    if confirmed > 0 {
        bail!("{confirmed} divergences (reproduce one: --from SEED --seeds 1)");
    }
    Ok(())
}
