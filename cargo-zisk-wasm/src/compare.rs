//! `cargo zisk-wasm compare`: one guest, one input, several routes on ziskemu, and one table
//! of steps and variable cost beside native's.

use std::fmt::Write;
use std::time::Instant;

use anyhow::{bail, Result};
use zisk_runner::{encode_input, Execution, RunOptions, Ziskemu};

use crate::bench::{hex, report::thousands};
use crate::guest::{GuestCrate, Workspace};
use crate::routes::Route;

/// One route's run, or why it failed.
pub struct Row {
    pub route: Route,
    pub outcome: Result<Execution, String>,
}

/// Builds and runs `guest` on each of `routes` with `raw_input`; prints the table (stdout) and
/// fails if a route failed (wasm2zisk excepted, as in `bench`: its ziskemu lacks floats) or
/// the routes' public outputs differ.
pub fn run(guest: &GuestCrate, workspace: &Workspace, routes: &[Route], raw_input: &[u8], max_steps: Option<u64>) -> Result<()> {
    let emu = Ziskemu::locate()?;
    let input = encode_input(&[raw_input]);
    let options = RunOptions { max_steps, cost_report: true };
    let mut rows = Vec::new();
    for &route in routes {
        eprintln!("== {} ({} profile) on the {route} route", guest.bin, guest.profile());
        let start = Instant::now();
        let outcome = route
            .build(guest, workspace)
            .and_then(|program| Ok(emu.run(&program, &input, &options)?))
            .map_err(|e| format!("{e:#}"));
        let secs = start.elapsed().as_secs_f64();
        match &outcome {
            Ok(exec) => eprintln!("   {route}: {} steps ({secs:.1}s)", thousands(exec.cost.steps)),
            Err(e) => eprintln!("   {route}: FAILED ({secs:.1}s): {e}"),
        }
        rows.push(Row { route, outcome });
    }
    print!("{}", table(&rows));

    let ran: Vec<(Route, &Execution)> = rows.iter().filter_map(|r| Some((r.route, r.outcome.as_ref().ok()?))).collect();
    if let Some((first, reference)) = ran.first() {
        println!("public output ({first}): {}", crate::bench::show_output(reference.public_output_trimmed()));
        let differ: Vec<String> = ran
            .iter()
            .filter(|(_, e)| e.public_output_trimmed() != reference.public_output_trimmed())
            .map(|(r, e)| format!("{r} published {}", hex(e.public_output_trimmed())))
            .collect();
        if !differ.is_empty() {
            bail!("routes disagree on the output: {}", differ.join("; "));
        }
    }
    let failed: Vec<String> =
        rows.iter().filter(|r| r.outcome.is_err() && r.route != Route::Wasm2zisk).map(|r| r.route.to_string()).collect();
    if !failed.is_empty() {
        bail!("failed on: {}", failed.join(", "));
    }
    Ok(())
}

/// The side-by-side table: route, steps, variable cost, and each as a ratio to native's
/// (`–` when native is not among the routes or failed).
pub fn table(rows: &[Row]) -> String {
    let native = rows.iter().find(|r| r.route == Route::Native).and_then(|r| r.outcome.as_ref().ok());
    let ratio = |ours: u64, base: Option<u64>| base.filter(|&b| b > 0).map_or("–".into(), |b| format!("{:.3}×", ours as f64 / b as f64));
    let header = ["route", "steps", "variable cost", "steps ÷ native", "cost ÷ native"];
    let mut cells: Vec<[String; 5]> = vec![header.map(String::from)];
    for r in rows {
        cells.push(match &r.outcome {
            Ok(e) => [
                r.route.to_string(),
                thousands(e.cost.steps),
                thousands(e.cost.variable),
                ratio(e.cost.steps, native.map(|n| n.cost.steps)),
                ratio(e.cost.variable, native.map(|n| n.cost.variable)),
            ],
            Err(_) => [r.route.to_string(), "failed".into(), String::new(), String::new(), String::new()],
        });
    }
    let widths: Vec<usize> = (0..5).map(|c| cells.iter().map(|row| row[c].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for (i, row) in cells.iter().enumerate() {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.chars().count();
            // The route name left-aligned, numbers right-aligned.
            if c == 0 {
                let _ = write!(line, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(line, "  {}{cell}", " ".repeat(pad));
            }
        }
        let _ = writeln!(out, "{}", line.trim_end());
        if i == 0 {
            let _ = writeln!(out, "{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use zisk_runner::CostReport;

    fn exec(steps: u64, variable: u64) -> Execution {
        Execution {
            public_output: vec![],
            console: vec![],
            cost: CostReport { steps, variable, ..Default::default() },
        }
    }

    #[test]
    fn ratios_are_to_native() {
        let rows = [
            Row { route: Route::Direct, outcome: Ok(exec(1_000, 3_000)) },
            Row { route: Route::Native, outcome: Ok(exec(4_000, 6_000)) },
            Row { route: Route::Wasm2zisk, outcome: Err("boom".into()) },
        ];
        let t = table(&rows);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 5, "{t}");
        assert!(lines[0].starts_with("route") && lines[0].ends_with("cost ÷ native"), "{t}");
        let direct: Vec<&str> = lines[2].split_whitespace().collect();
        assert_eq!(direct, ["direct", "1,000", "3,000", "0.250×", "0.500×"], "{t}");
        let native: Vec<&str> = lines[3].split_whitespace().collect();
        assert_eq!(native, ["native", "4,000", "6,000", "1.000×", "1.000×"], "{t}");
        assert_eq!(lines[4].split_whitespace().collect::<Vec<_>>(), ["wasm2zisk", "failed"], "{t}");
    }

    #[test]
    fn without_native_there_are_no_ratios() {
        let t = table(&[Row { route: Route::Direct, outcome: Ok(exec(10, 20)) }]);
        assert_eq!(t.lines().nth(2).unwrap().split_whitespace().collect::<Vec<_>>(), ["direct", "10", "20", "–", "–"]);
    }
}
