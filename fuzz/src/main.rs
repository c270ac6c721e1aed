//! `zisk-wasm-fuzz [--from SEED] [--seeds N]`: checks seeds SEED..SEED+N (default 0..100) on
//! both routes against the reference; prints each divergence and a summary; fails on any
//! confirmed divergence.

use anyhow::{bail, Context, Result};
use zisk_wasm_fuzz::{check_seed, Verdict};

fn flag(args: &[String], name: &str, default: u64) -> Result<u64> {
    match args.iter().position(|a| a == name) {
        Some(i) => args.get(i + 1).with_context(|| format!("{name} needs a number"))?.parse().with_context(|| format!("{name}: not a number")),
        None => Ok(default),
    }
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (from, seeds) = (flag(&args, "--from", 0)?, flag(&args, "--seeds", 100)?);
    let emu = zisk_runner::Ziskemu::locate()?;
    let dir = tempfile::tempdir()?;
    let (mut agree, mut skipped, mut confirmed, mut unconfirmed, mut compared) = (0, 0, 0, 0, 0);
    for seed in from..from + seeds {
        match check_seed(seed, &emu, dir.path()) {
            Verdict::Agree { calls } => {
                agree += 1;
                compared += calls;
            }
            Verdict::Skipped(why) => {
                skipped += 1;
                eprintln!("seed {seed}: skipped ({why})");
            }
            Verdict::Diverged { route, detail, confirmed: c } => {
                if c { confirmed += 1 } else { unconfirmed += 1 }
                println!("seed {seed}: {route} DIVERGES{}: {detail}", if c { "" } else { " (unconfirmed: wasmi's known false divide-by-zero)" });
            }
        }
    }
    println!("{seeds} seeds from {from}: {agree} agree ({compared} calls compared), {skipped} skipped, {confirmed} diverge, {unconfirmed} unconfirmed");
    if confirmed > 0 {
        bail!("{confirmed} divergences (reproduce one: --from SEED --seeds 1)");
    }
    Ok(())
}
