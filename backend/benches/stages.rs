//! Compile time of the direct route, stage by stage (`zisk_wasm_backend::stages`): translate,
//! mid-end, isel, regalloc, emit, link, each benchmarked alone on its prepared input, on
//! eth_block (when isa_benchmarks has been built for wasm32-wasip1) and on a large module
//! generated here. Before the benchmarks, one full compile of each module prints its stage
//! times, and another, alone in a child process, its peak memory (VmHWM).
//!
//! `cargo bench -p zisk-wasm-backend --bench stages`

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode};
use zisk_wasm_backend::stages::{self, StageTimes};
use zisk_wasm_backend::Options;
use zisk_wasm_runtime_shim::ZiskHost;

/// Functions in the generated module.
const GENERATED_FUNCTIONS: usize = 2000;

/// The modules to compile; `note` tells when eth_block is skipped.
fn modules(note: bool) -> Vec<(String, Vec<u8>)> {
    let mut modules = Vec::new();
    let eth_block = Path::new(env!("CARGO_MANIFEST_DIR")).join("../isa_benchmarks/target/wasm32-wasip1/release/eth_block.wasm");
    match std::fs::read(&eth_block) {
        Ok(wasm) => modules.push(("eth_block".to_string(), wasm)),
        Err(_) if note => eprintln!(
            "note: {} is absent, eth_block skipped (build it: cd isa_benchmarks && cargo build --release --target wasm32-wasip1 -p eth_block)",
            eth_block.display()
        ),
        Err(_) => {}
    }
    let wat = generated_module(GENERATED_FUNCTIONS);
    modules.push((format!("generated_{GENERATED_FUNCTIONS}"), wat::parse_str(&wat).expect("the generated module parses")));
    modules
}

/// `n` functions, each a loop of loads, stores and 64-bit arithmetic, a `br_table`, a
/// division, and a call to the one before it (so all are reachable); every third also calls
/// through a table that holds every tenth (calls the call graph cannot bound: those
/// functions get stack frames, the others static frames).
fn generated_module(n: usize) -> String {
    let mut wat = String::from("(module\n  (import \"zisk\" \"commit_i32\" (func $commit (param i32)))\n  (memory 1)\n");
    wat += "  (type $t (func (param i64 i64) (result i64)))\n";
    let table: Vec<String> = (0..n).step_by(10).map(|i| format!("$f{i}")).collect();
    wat += &format!("  (table {} funcref)\n  (elem (i32.const 0) {})\n", table.len(), table.join(" "));
    for i in 0..n {
        let call = match i {
            0 => "(local.get $acc)".to_string(),
            i => format!("(call $f{} (local.get $acc) (local.get $y))", i - 1),
        };
        let other = match i {
            i if i % 3 == 0 => format!("(call_indirect (type $t) (local.get $acc) (local.get $y) (i32.const {}))", (i / 10).saturating_sub(1)),
            _ => "(i64.and (local.get $acc) (local.get $y))".to_string(),
        };
        wat += &format!(
            r#"  (func $f{i} (type $t) (param $x i64) (param $y i64) (result i64) (local $i i32) (local $acc i64) (local $k i32)
    (local.set $acc (local.get $x))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const {trips})))
        (local.set $k (i32.and (i32.wrap_i64 (local.get $acc)) (i32.const 0xfff0)))
        (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const {mul}))
          (i64.xor (local.get $y) (i64.load offset={off} (local.get $k)))))
        (i64.store offset={off} (local.get $k) (i64.rotl (local.get $acc) (i64.const {rot})))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (block $c (block $b (block $a
      (br_table $a $b $c (i32.and (local.get $i) (i32.const 3))))
      (local.set $acc (i64.div_u (local.get $acc) (i64.or (local.get $y) (i64.const 1)))))
      (local.set $acc (i64.shr_s (local.get $acc) (i64.const {rot}))))
    (local.set $y (i64.sub (local.get $acc) (i64.const {i})))
    (if (result i64) (i64.lt_u (local.get $acc) (i64.const {bound}))
      (then {call})
      (else {other})))
"#,
            trips = 2 + i % 5,
            mul = 0x9e37_79b9_u64 + i as u64,
            off = 8 * (i % 2),
            rot = 1 + i % 61,
            bound = 1u64 << 62,
        );
    }
    wat += &format!("  (func (export \"_start\") (call $commit (i32.wrap_i64 (call $f{} (i64.const 1) (i64.const 2)))))\n)\n", n - 1);
    wat
}

fn status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One full compile: its stage times.
fn report_full_compile(name: &str, wasm: &[u8]) -> StageTimes {
    let (program, times) = stages::compile_timed(wasm, &Options::default(), &ZiskHost, None).unwrap_or_else(|e| panic!("{name}: {e}"));
    eprintln!(
        "{name}: {} bytes of wasm, {} ZisK instructions; one full compile {:.1} ms ({})",
        wasm.len(),
        program.instructions,
        ms(times.total()),
        times.stages().iter().map(|(s, d)| format!("{s} {:.1}", ms(*d))).collect::<Vec<_>>().join(", ")
    );
    times
}

/// Set in a child process of this benchmark: the module whose full compile's peak memory it
/// reports, alone in a fresh process (the allocator keeps what an earlier compile freed).
const PEAK_OF: &str = "ZISK_WASM_STAGES_PEAK_OF";

fn report_peak_memory(name: &str, wasm: &[u8]) {
    // Resets VmHWM to the current resident size (Linux ≥ 4.0).
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = status_kib("VmRSS:").unwrap_or(0);
    stages::compile_timed(wasm, &Options::default(), &ZiskHost, None).unwrap_or_else(|e| panic!("{name}: {e}"));
    let peak = status_kib("VmHWM:").unwrap_or(0);
    eprintln!(
        "{name}: peak memory of a full compile in a fresh process (VmHWM) {:.1} MiB, resident before it {:.1} MiB{}",
        peak as f64 / 1024.0,
        before as f64 / 1024.0,
        if reset { "" } else { " (VmHWM could not be reset: it includes the module's loading)" }
    );
}

/// Measurement time for ten runs of a stage that took `once`, and little more.
fn budget(once: Duration) -> Duration {
    (once * 12).max(Duration::from_millis(300))
}

fn stages(c: &mut Criterion) {
    if let Ok(name) = std::env::var(PEAK_OF) {
        let (name, wasm) = modules(false).into_iter().find(|(n, _)| *n == name).expect("a module of this benchmark");
        report_peak_memory(&name, &wasm);
        std::process::exit(0);
    }
    let options = Options::default();
    let modules: Vec<_> = modules(true)
        .into_iter()
        .map(|(name, wasm)| {
            let times = report_full_compile(&name, &wasm);
            let child = std::env::current_exe().and_then(|exe| std::process::Command::new(exe).env(PEAK_OF, &name).status());
            if !child.as_ref().is_ok_and(|s| s.success()) {
                eprintln!("{name}: the peak-memory run failed: {child:?}");
            }
            (name, wasm, times)
        })
        .collect();
    for (name, wasm, times) in &modules {
        let mut group = c.benchmark_group(name.as_str());
        group.sample_size(10).sampling_mode(SamplingMode::Flat).warm_up_time(Duration::from_millis(300));
        group.measurement_time(budget(times.translate));
        group.bench_function("translate", |b| b.iter(|| stages::translate(black_box(wasm), &options, &ZiskHost, None).unwrap()));
        let translated = stages::translate(wasm, &options, &ZiskHost, None).unwrap();
        let lowered = stages::lower(&translated, &options, &mut StageTimes::default()).unwrap();
        group.measurement_time(budget(times.mid_end));
        group.bench_function("mid-end", |b| {
            b.iter_batched(|| stages::mid_end_input(&translated, &lowered).unwrap(), |input| stages::mid_end(input, &options).unwrap(), BatchSize::PerIteration)
        });
        group.measurement_time(budget(times.isel));
        let optimized = stages::mid_end(stages::mid_end_input(&translated, &lowered).unwrap(), &options).unwrap();
        group.bench_function("isel", |b| b.iter(|| stages::isel(&optimized).unwrap()));
        group.measurement_time(budget(times.regalloc));
        group.bench_function("regalloc", |b| b.iter(|| stages::regalloc(&translated, &lowered).unwrap()));
        let allocated = stages::regalloc(&translated, &lowered).unwrap();
        group.measurement_time(budget(times.emit));
        group.bench_function("emit", |b| b.iter(|| stages::emit(&allocated, options.profiling)));
        group.measurement_time(budget(times.link));
        group.bench_function("link", |b| {
            b.iter_batched(|| stages::emit(&allocated, options.profiling), |emitted| stages::link(&translated, emitted).unwrap(), BatchSize::PerIteration)
        });
        group.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
