//! report.svg: each route relative to native, one group of bars per benchmark, in two panels:
//! VARIABLE cost (what proving costs, the figure to judge by) and steps.

use std::fmt::Write;

use super::report::thousands;
use super::BenchResult;
use crate::routes::Route;

const BAR_H: u32 = 16;
const GAP: u32 = 12;
const PANEL_W: u32 = 330;
/// Room right of a bar for its ratio and figure.
const VALUE_W: u32 = 190;
/// Width of one character of the 12px sans-serif labels, generously (so none is clipped).
const CHAR_W: u32 = 7;

fn colour(route: Route) -> &'static str {
    match route {
        Route::Direct => "#59a14f",
        Route::ClRiscv => "#f28e2b",
        Route::Native => "#4e79a7",
        Route::Wasm2zisk => "#e15759",
    }
}

/// One bar pair: a route on a benchmark, as ratios to native's cost and steps.
struct Row {
    label: String,
    route: Route,
    cost: (f64, u64),
    steps: (f64, u64),
}

pub fn svg(results: &[BenchResult]) -> String {
    // Ratios to native, so benchmarks of very different sizes share one axis per panel.
    let rows: Vec<Row> = results
        .iter()
        .flat_map(|r| {
            let native = r.get(Route::Native).map(|n| n.cost.clone());
            r.measurements.iter().filter_map(move |m| {
                let run = m.outcome.as_ref().ok()?;
                let base = native.as_ref()?;
                Some(Row {
                    label: format!("{} · {}", r.bench.name, m.route),
                    route: m.route,
                    cost: (run.cost.variable as f64 / base.variable as f64, run.cost.variable),
                    steps: (run.cost.steps as f64 / base.steps as f64, run.cost.steps),
                })
            })
        })
        .collect();
    let label_w = 12 + CHAR_W * rows.iter().map(|r| r.label.chars().count() as u32).max().unwrap_or(10);
    let max_cost = rows.iter().map(|r| r.cost.0).fold(1.0_f64, f64::max);
    let max_steps = rows.iter().map(|r| r.steps.0).fold(1.0_f64, f64::max);
    let benches = rows.iter().map(|r| r.label.split(" · ").next().unwrap_or("")).collect::<std::collections::BTreeSet<_>>().len();
    let top = 58u32;
    let height = top + 10 + rows.len() as u32 * (BAR_H + 4) + benches as u32 * GAP;
    let panel = PANEL_W + VALUE_W;
    let width = label_w + 2 * panel + 20;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="10" y="20" font-size="14" font-weight="bold">Each route relative to native (lower is better; dashed line = native)</text>"#
    );
    let panels = [(label_w, "VARIABLE cost ÷ native", max_cost), (label_w + panel, "steps ÷ native", max_steps)];
    for (x0, title, _) in panels {
        let _ = writeln!(s, r#"<text x="{x0}" y="44" font-weight="bold">{title}</text>"#);
    }
    let mut y = top - GAP;
    let mut last_bench = "";
    for row in &rows {
        let bench = row.label.split(" · ").next().unwrap_or("");
        if bench != last_bench {
            y += GAP;
            last_bench = bench;
        }
        let _ = writeln!(s, r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#, label_w - 6, y + BAR_H - 4, row.label);
        for (((x0, _, max), (ratio, figure)), unit) in panels.iter().zip([row.cost, row.steps]).zip(["", " steps"]) {
            let w = ratio / max * PANEL_W as f64;
            let _ = writeln!(s, r#"<rect x="{x0}" y="{y}" width="{w:.1}" height="{BAR_H}" fill="{}"/>"#, colour(row.route));
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{}">{ratio:.3}× ({}{unit})</text>"#,
                *x0 as f64 + w + 4.0,
                y + BAR_H - 4,
                thousands(figure)
            );
        }
        y += BAR_H + 4;
    }
    for (x0, _, max) in panels {
        let one = x0 as f64 + PANEL_W as f64 / max;
        let _ = writeln!(s, r##"<line x1="{one:.1}" y1="{}" x2="{one:.1}" y2="{y}" stroke="#333" stroke-dasharray="4 3"/>"##, top - 6);
    }
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::{Benchmark, Measurement};
    use zisk_runner::Execution;

    fn run(steps: u64, variable: u64) -> Execution {
        let cost = zisk_runner::CostReport { steps, variable, ..Default::default() };
        Execution { public_output: vec![], console: vec![], cost }
    }

    #[test]
    fn both_panels_and_whole_labels() {
        let bench = Benchmark {
            name: "iter_keccak_precompile",
            package: "iter_keccak_precompile",
            workload: String::new(),
            input: vec![],
            features: &[],
            routes: None,
            set: crate::bench::suite::Set::Kernels,
        };
        let measurements = vec![
            Measurement { route: Route::Direct, outcome: Ok(run(50, 2_000)) },
            Measurement { route: Route::Native, outcome: Ok(run(100, 1_000)) },
        ];
        let svg = svg(&[BenchResult { bench, expected_output: vec![], measurements }]);
        assert!(svg.contains("VARIABLE cost ÷ native") && svg.contains("steps ÷ native"));
        assert!(svg.contains(">iter_keccak_precompile · direct<"));
        assert!(svg.contains("2.000× (2,000)") && svg.contains("0.500× (50 steps)"), "{svg}");
        // The label column fits the longest label: its right edge is past its width.
        let label_w = 12 + CHAR_W * "iter_keccak_precompile · direct".chars().count() as u32;
        assert!(svg.contains(&format!(r#"x="{}" y="#, label_w - 6)));
    }
}
