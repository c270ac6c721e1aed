//! The direct route's stages: translation, the mid-end, instruction selection, register
//! allocation, emission, linking. [`crate::compile`] runs them through [`compile_timed`];
//! the compile-stage benchmark (`benches/stages.rs`) also runs each alone on its prepared
//! input.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use cranelift_codegen::ir;
use regalloc2::Output;
use zisk_wasm_environ::entry::{self, Entry, EntryError};
use zisk_wasm_environ::names::{runtime_symbol, NS_BUILTIN, NS_DRIVER, NS_WASM_FUNC};
use zisk_wasm_environ::{ImportResolver, ModuleTranslation};

use crate::isa::emit::{emit_function, frame_layout};
use crate::isa::frame::FrameLayout;
use crate::isa::inst::VCode;
use crate::isa::regalloc::RaFunction;
use crate::link::{FunctionCode, Linker};
use crate::{callgraph, direct_callees, elf, isa, label_name, optimize, BackendError, Invocation, Key, Names, Options, Program};

/// Wall time per stage.
#[derive(Debug, Clone, Copy, Default)]
pub struct StageTimes {
    pub translate: Duration,
    pub mid_end: Duration,
    pub isel: Duration,
    pub regalloc: Duration,
    pub emit: Duration,
    pub link: Duration,
}

impl StageTimes {
    pub fn stages(&self) -> [(&'static str, Duration); 6] {
        [
            ("translate", self.translate),
            ("mid-end", self.mid_end),
            ("isel", self.isel),
            ("regalloc", self.regalloc),
            ("emit", self.emit),
            ("link", self.link),
        ]
    }

    pub fn total(&self) -> Duration {
        self.stages().iter().map(|(_, d)| *d).sum()
    }
}

/// Compiles `wasm` linked against `host` (with a test driver's `invocations`, if any) stage
/// by stage, timing each.
pub fn compile_timed(wasm: &[u8], options: &Options, host: &dyn ImportResolver, driver: Option<&[Invocation]>) -> Result<(Program, StageTimes), BackendError> {
    let mut times = StageTimes::default();
    let start = Instant::now();
    let translated = translate(wasm, options, host, driver)?;
    times.translate = start.elapsed();
    let lowered = lower(&translated, options, &mut times)?;
    let start = Instant::now();
    let allocated = regalloc(&translated, &lowered)?;
    times.regalloc = start.elapsed();
    let start = Instant::now();
    let emitted = emit(&allocated, options.profiling);
    times.emit = start.elapsed();
    let start = Instant::now();
    let program = link(&translated, emitted)?;
    times.link = start.elapsed();
    Ok((program, times))
}

/// The environ's translation and the entry's plan (with its test driver, if any).
pub struct Translated {
    translation: ModuleTranslation,
    entry_calls: Vec<Key>,
    driver: Option<ir::Function>,
}

/// Translation against `host` (the runtime shim for guests).
pub fn translate(wasm: &[u8], options: &Options, host: &dyn ImportResolver, driver: Option<&[Invocation]>) -> Result<Translated, BackendError> {
    let environ_options = zisk_wasm_environ::Options { bounds_checks: options.bounds_checks };
    let translation = zisk_wasm_environ::translate(wasm, &environ_options, host)?;
    let Entry { calls: entry_calls, driver } = entry::plan(&translation.info, driver).map_err(|e| match e {
        EntryError::NoEntry => BackendError::NoEntry,
        EntryError::BadEntry => BackendError::BadEntry,
        EntryError::Environ(e) => BackendError::Environ(e),
    })?;
    Ok(Translated { translation, entry_calls, driver })
}

impl Translated {
    fn escaping(&self) -> Vec<Key> {
        self.translation.info.escaping_functions.iter().map(|f| (NS_WASM_FUNC, f.as_u32())).collect()
    }

    /// A function's CLIF as translated, and its names.
    fn source(&self, key: Key) -> Result<(ir::Function, Names), BackendError> {
        let t = &self.translation;
        match key {
            (NS_WASM_FUNC, i) => {
                let f = &t.functions[i as usize];
                Ok((f.clif.clone(), Names { listing: f.display_name.clone(), symbol: t.info.symbol_name(f.index) }))
            }
            (NS_BUILTIN, b) => {
                let (builtin, clif) = t.builtins.iter().find(|(builtin, _)| *builtin as u32 == b).ok_or_else(|| internal(format!("no builtin {b}")))?;
                Ok((clif.clone(), Names { listing: builtin.name().to_string(), symbol: runtime_symbol(builtin.name()) }))
            }
            (NS_DRIVER, _) => {
                let clif = self.driver.clone().ok_or_else(|| internal("a call to the driver, but none was built".into()))?;
                Ok((clif, Names { listing: "driver".to_string(), symbol: runtime_symbol("driver") }))
            }
            other => Err(internal(format!("unknown callee {other:?}"))),
        }
    }
}

fn internal(what: String) -> BackendError {
    BackendError::Internal { function: "stages".into(), what }
}

struct LoweredFunction {
    names: Names,
    vcode: VCode,
}

/// Every function the entry reaches (called, or address-taken), through the mid-end and
/// instruction selection.
pub struct Lowered {
    functions: BTreeMap<Key, LoweredFunction>,
}

/// The mid-end and instruction selection of what the entry reaches (a function's lowering
/// reveals its callees), each stage's time added to `times`.
pub fn lower(t: &Translated, options: &Options, times: &mut StageTimes) -> Result<Lowered, BackendError> {
    let mut work: Vec<Key> = t.entry_calls.iter().copied().chain(t.escaping()).collect();
    let mut functions = BTreeMap::new();
    while let Some(key) = work.pop() {
        if functions.contains_key(&key) {
            continue;
        }
        let (clif, names) = t.source(key)?;
        // `ZISK_WASM_DUMP_CLIF=<part of a function name>` prints that function's CLIF before
        // and after the mid-end (a debugging aid for compiler work).
        let dump = std::env::var("ZISK_WASM_DUMP_CLIF").ok().filter(|d| names.listing.contains(d.as_str()));
        if dump.is_some() {
            eprintln!(";; {}: translated\n{}", names.listing, clif.display());
        }
        let start = Instant::now();
        let optimized = optimize::optimize(clif, &names.listing, options.mid_end)?;
        let selected = Instant::now();
        if dump.is_some() {
            eprintln!(";; {}: optimized\n{}", names.listing, optimized.display());
        }
        let vcode = isa::lower::lower_function(&optimized, &names.listing)?;
        times.mid_end += selected - start;
        times.isel += selected.elapsed();
        work.extend(direct_callees(&vcode));
        functions.insert(key, LoweredFunction { names, vcode });
    }
    Ok(Lowered { functions })
}

/// The mid-end's input: the translated CLIF of every function `lowered` holds.
pub struct MidEndInput(Vec<(ir::Function, String)>);

pub fn mid_end_input(t: &Translated, lowered: &Lowered) -> Result<MidEndInput, BackendError> {
    lowered.functions.keys().map(|&key| t.source(key).map(|(clif, names)| (clif, names.listing))).collect::<Result<_, _>>().map(MidEndInput)
}

/// The mid-end alone, on `input`.
pub fn mid_end(input: MidEndInput, options: &Options) -> Result<Vec<ir::Function>, BackendError> {
    input.0.into_iter().map(|(clif, name)| optimize::optimize(clif, &name, options.mid_end)).collect()
}

/// Instruction selection alone, on the mid-end's output (`compile` keeps no optimized CLIF:
/// each function's is dropped once selected).
pub fn isel(optimized: &[ir::Function]) -> Result<Vec<VCode>, BackendError> {
    optimized.iter().map(|f| isa::lower::lower_function(f, &f.name.to_string())).collect()
}

struct AllocatedFunction<'a> {
    key: Key,
    names: &'a Names,
    ra: RaFunction<'a>,
    allocation: Output,
    frame: FrameLayout,
}

/// Every function's registers and frame.
pub struct Allocated<'a> {
    functions: Vec<AllocatedFunction<'a>>,
}

/// Register allocation: functions that cannot recurse get a static frame while room is left.
pub fn regalloc<'a>(t: &Translated, lowered: &'a Lowered) -> Result<Allocated<'a>, BackendError> {
    // An indirect call reaches only address-taken functions of its signature.
    let escaping = t.escaping();
    let signature_of = |key: &Key| t.translation.functions.get(key.1 as usize).map(|f| &f.clif.signature);
    let same_types = |a: &ir::Signature, b: &ir::Signature| {
        a.params.iter().map(|p| p.value_type).eq(b.params.iter().map(|p| p.value_type))
            && a.returns.iter().map(|p| p.value_type).eq(b.returns.iter().map(|p| p.value_type))
    };
    let edges = lowered
        .functions
        .iter()
        .map(|(&key, f)| {
            let mut succs = direct_callees(&f.vcode);
            for sig in &f.vcode.indirect_signatures {
                succs.extend(escaping.iter().filter(|e| signature_of(e).is_some_and(|s| same_types(s, sig))).copied());
            }
            (key, succs)
        })
        .collect();
    let recursive = callgraph::CallGraph { edges }.recursive();

    // Only the linker's static-frame region is used here; emission starts a fresh linker.
    let mut frames = Linker::new();
    let mut functions = Vec::new();
    for (&key, f) in &lowered.functions {
        let mut allocated = None;
        if !recursive.contains(&key) && f.vcode.outgoing_slots == 0 {
            let ra = RaFunction::new(&f.vcode, true);
            let allocation = ra.allocate()?;
            let mut frame = frame_layout(&ra, &allocation);
            if let Some(base) = frames.static_frame(frame.size as u64) {
                frame.static_base = Some(base);
                allocated = Some((ra, allocation, frame));
            }
        }
        let (ra, allocation, frame) = match allocated {
            Some(a) => a,
            None => {
                let ra = RaFunction::new(&f.vcode, false);
                let allocation = ra.allocate()?;
                let frame = frame_layout(&ra, &allocation);
                (ra, allocation, frame)
            }
        };
        functions.push(AllocatedFunction { key, names: &f.names, ra, allocation, frame });
    }
    Ok(Allocated { functions })
}

/// Every function's code, and the labels it refers to.
pub struct Emitted {
    linker: Linker,
    functions: Vec<FunctionCode>,
}

pub fn emit(allocated: &Allocated, profiling: bool) -> Emitted {
    let mut linker = Linker::new();
    let mut functions = Vec::new();
    for f in &allocated.functions {
        let label = linker.function_label(f.key);
        linker.name_label(label, label_name(&f.names.listing));
        let items = emit_function(&f.ra, &f.allocation, &f.frame, label, &mut linker, profiling);
        functions.push(FunctionCode { name: f.names.listing.clone(), symbol: f.names.symbol.clone(), items });
    }
    Emitted { linker, functions }
}

/// Linking, and the ELF.
pub fn link(t: &Translated, emitted: Emitted) -> Result<Program, BackendError> {
    let info = &t.translation.info;
    let instantiation_trap = zisk_wasm_environ::image::instantiation_trap(info);
    let linked = crate::link::link(emitted.linker, info, emitted.functions, &t.entry_calls, instantiation_trap)?;
    let elf = elf::ziskbin_elf(&linked.rom, &linked.symbols);
    Ok(Program { rom: linked.rom, elf, listing: linked.listing, instructions: linked.instructions })
}
