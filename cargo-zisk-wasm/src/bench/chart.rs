//! report.svg: steps of each route relative to native, one group of bars per benchmark.

use std::fmt::Write;

use super::report::thousands;
use super::BenchResult;
use crate::routes::Route;

const BAR_H: u32 = 18;
const GAP: u32 = 14;
const LABEL_W: u32 = 190;
const PLOT_W: u32 = 520;

fn colour(route: Route) -> &'static str {
    match route {
        Route::Direct => "#59a14f",
        Route::ClRiscv => "#f28e2b",
        Route::Native => "#4e79a7",
        Route::Wasm2zisk => "#e15759",
    }
}

pub fn svg(results: &[BenchResult]) -> String {
    // Bars are steps ÷ native steps, so benchmarks of very different sizes share one axis.
    let rows: Vec<(String, Route, f64, u64)> = results
        .iter()
        .flat_map(|r| {
            let native = r.get(Route::Native).map(|n| n.cost.steps);
            r.measurements.iter().filter_map(move |m| {
                let run = m.outcome.as_ref().ok()?;
                let base = native?;
                Some((r.bench.name.to_string(), m.route, run.cost.steps as f64 / base as f64, run.cost.steps))
            })
        })
        .collect();
    let max = rows.iter().map(|r| r.2).fold(1.0_f64, f64::max);
    let height = 50 + rows.len() as u32 * (BAR_H + 4) + results.len() as u32 * GAP;
    let width = LABEL_W + PLOT_W + 260;
    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="10" y="20" font-size="14" font-weight="bold">ZisK steps relative to the native route (lower is better)</text>"#
    );
    let x_of = |v: f64| LABEL_W as f64 + v / max * PLOT_W as f64;
    let one = x_of(1.0);
    let mut y = 36u32;
    let mut last_bench = String::new();
    for (bench, route, ratio, steps) in &rows {
        if *bench != last_bench {
            y += GAP;
            last_bench = bench.clone();
        }
        let w = x_of(*ratio) - LABEL_W as f64;
        let _ = writeln!(
            s,
            r#"<text x="{}" y="{}" text-anchor="end">{bench} · {route}</text>"#,
            LABEL_W - 6,
            y + BAR_H - 5
        );
        let _ = writeln!(
            s,
            r#"<rect x="{LABEL_W}" y="{y}" width="{w:.1}" height="{BAR_H}" fill="{}"/>"#,
            colour(*route)
        );
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{}">{ratio:.2}× ({} steps)</text>"#,
            LABEL_W as f64 + w + 4.0,
            y + BAR_H - 5,
            thousands(*steps)
        );
        y += BAR_H + 4;
    }
    let _ = writeln!(
        s,
        r##"<line x1="{one:.1}" y1="40" x2="{one:.1}" y2="{}" stroke="#333" stroke-dasharray="4 3"/>"##,
        y
    );
    s.push_str("</svg>\n");
    s
}
