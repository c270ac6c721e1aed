//! `run --profile`: the guest's functions ranked by ZisK steps and VARIABLE cost, inclusive
//! and exclusive, from ziskemu's own profiler (`zisk_runner::Ziskemu::profile`), plus an SVG
//! of the costliest functions and ziskemu's call-path JSON for profiler.firefox.com.

use std::fmt::Write;

use anyhow::{Context, Result};
use zisk_runner::{FunctionProfile, Profile, Program, Ziskemu};

use crate::bench::report::thousands;

/// Rows in each printed table and bars in the SVG.
const TOP: usize = 20;

pub fn run(emu: &Ziskemu, program: &Program, input: &[u8], max_steps: Option<u64>) -> Result<()> {
    let json = program.path.with_extension("profile.json");
    eprintln!("profiling {} on {}", program.path.display(), emu.binary().display());
    let profile = emu.profile(program, input, max_steps, &json).context("profiling on ziskemu")?;
    print!("{}", tables(&profile));
    let svg = program.path.with_extension("profile.svg");
    std::fs::write(&svg, bars(&profile)).with_context(|| format!("writing {}", svg.display()))?;
    println!("bars by exclusive cost: {}", svg.display());
    println!("call paths (load in https://profiler.firefox.com): {}", json.display());
    Ok(())
}

fn total_cost(profile: &Profile) -> u64 {
    profile.functions.iter().map(|f| f.cost_exclusive).sum::<u64>().max(1)
}

fn tables(profile: &Profile) -> String {
    let cost = total_cost(profile);
    let steps = profile.steps.max(1);
    let mut s = String::new();
    let _ = writeln!(s, "{} steps, {} VARIABLE cost in {} functions", thousands(profile.steps), thousands(cost), profile.functions.len());
    let pct = |part: u64, whole: u64| 100.0 * part as f64 / whole as f64;
    let mut section = |title: &str, key: fn(&FunctionProfile) -> u64| {
        let mut rows: Vec<&FunctionProfile> = profile.functions.iter().filter(|f| key(f) > 0).collect();
        rows.sort_by_key(|f| std::cmp::Reverse(key(f)));
        let _ = writeln!(s, "\n{title}");
        let _ = writeln!(s, "{:>16} {:>6} {:>16} {:>6} {:>14} {:>14} {:>10}  function", "cost excl", "%", "cost incl", "%", "steps excl", "steps incl", "calls");
        for f in rows.iter().take(TOP) {
            let _ = writeln!(
                s,
                "{:>16} {:>5.1}% {:>16} {:>5.1}% {:>14} {:>14} {:>10}  {}",
                thousands(f.cost_exclusive),
                pct(f.cost_exclusive, cost),
                thousands(f.cost_inclusive),
                pct(f.cost_inclusive, cost),
                thousands(f.steps_exclusive),
                thousands(f.steps_inclusive),
                thousands(f.calls),
                shorten(&f.name, 110)
            );
        }
    };
    section("by exclusive cost (the function's own instructions)", |f| f.cost_exclusive);
    section("by inclusive cost (with everything it calls)", |f| f.cost_inclusive);
    section("by exclusive steps", |f| f.steps_exclusive);
    let _ = writeln!(s, "\n(steps: {:.1}% attributed to functions)", pct(profile.functions.iter().map(|f| f.steps_exclusive).sum(), steps));
    s
}

/// Horizontal bars of the costliest functions: exclusive cost solid, inclusive behind it.
fn bars(profile: &Profile) -> String {
    const BAR_H: usize = 18;
    const LABEL_W: usize = 420;
    const PLOT_W: usize = 480;
    let cost = total_cost(profile);
    let mut rows: Vec<&FunctionProfile> = profile.functions.iter().filter(|f| f.cost_exclusive > 0).collect();
    rows.sort_by_key(|f| std::cmp::Reverse(f.cost_exclusive));
    rows.truncate(TOP);
    let max = rows.iter().map(|f| f.cost_inclusive.max(f.cost_exclusive)).max().unwrap_or(1).max(1) as f64;
    let height = 60 + rows.len() * (BAR_H + 6);
    let width = LABEL_W + PLOT_W + 200;
    let mut s = String::new();
    let _ = writeln!(s, r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">"#);
    let _ = writeln!(
        s,
        r#"<text x="10" y="20" font-size="14">VARIABLE cost by function ({} total; dark: exclusive, light: inclusive)</text>"#,
        thousands(cost)
    );
    for (i, f) in rows.iter().enumerate() {
        let y = 40 + i * (BAR_H + 6);
        let w = |v: u64| (v as f64 / max * PLOT_W as f64).max(1.0);
        let name = escape(&shorten(&f.name, 64));
        let _ = writeln!(s, r#"<text x="{}" y="{}" text-anchor="end">{name}</text>"#, LABEL_W - 6, y + 13);
        let _ = writeln!(s, r##"<rect x="{LABEL_W}" y="{y}" width="{:.1}" height="{BAR_H}" fill="#a0cbe8"/>"##, w(f.cost_inclusive));
        let _ = writeln!(s, r##"<rect x="{LABEL_W}" y="{y}" width="{:.1}" height="{BAR_H}" fill="#4e79a7"/>"##, w(f.cost_exclusive));
        let label = format!("{} ({:.1}%)", thousands(f.cost_exclusive), 100.0 * f.cost_exclusive as f64 / cost as f64);
        let _ = writeln!(s, r#"<text x="{:.1}" y="{}">{label}</text>"#, LABEL_W as f64 + w(f.cost_inclusive.max(f.cost_exclusive)) + 6.0, y + 13);
    }
    s.push_str("</svg>\n");
    s
}

fn shorten(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let tail: String = name.chars().rev().take(max - 1).collect::<Vec<_>>().into_iter().rev().collect();
    format!("…{tail}")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
