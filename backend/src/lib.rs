//! The direct route's back end: optimized CLIF → ZisK.
//!
//! [`compile`] translates a WebAssembly module with the environ, runs Cranelift's mid-end on
//! every function, selects ZisK instructions (`isa::lower`), allocates registers with
//! regalloc2 (`isa::regalloc`), emits and links the code into a `ZiskRom` (`link`), and
//! returns it with its ziskbin ELF and `.zisk` listing.

mod callgraph;
pub mod elf;
mod error;
mod forward_memory;
mod hoist_bound;
mod local_cse;
pub mod isa;
pub mod link;
mod optimize;
mod trap_blocks;
mod widen_checks;

pub use optimize::MidEnd;

use cranelift_codegen::ir;
use zisk_wasm_environ::names::{NS_BUILTIN, NS_DRIVER, NS_WASM_FUNC};
pub use zisk_wasm_environ::driver::{Check, Expected, Invocation, Value};
use zisk_wasm_environ::entry::{self, Entry, EntryError};
use zisk_wasm_environ::{translate, BoundsChecks};

/// How to compile.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub bounds_checks: BoundsChecks,
    pub mid_end: MidEnd,
    /// A profiling build: calls and returns shaped for ziskemu's per-function profile
    /// (`-S -X --sdk --top-functions`). The same steps, except one more per return from a
    /// dynamic frame; 55 more in cost per return and per indirect call. Not for proving.
    pub profiling: bool,
}

pub use error::BackendError;
use isa::emit::emit_function;
use isa::regalloc::RaFunction;
use link::{FunctionCode, Linker};

/// A compiled program.
pub struct Program {
    pub rom: zisk_core::ZiskRom,
    /// The ziskbin ELF (`ziskemu -e`, the prover).
    pub elf: Vec<u8>,
    /// The same program as ZisK assembly (`ziskemu -z`).
    pub listing: String,
    pub instructions: usize,
}

/// Compiles a binary WebAssembly module to a ZisK program whose entry runs the start
/// function and then the exported `_start`.
pub fn compile(wasm: &[u8], options: &Options) -> Result<Program, BackendError> {
    compile_entry(wasm, options, None)
}

/// Compiles a module whose entry runs the start function and then `invocations` (a test
/// driver: a failed check exits with the invocation's 1-based number).
pub fn compile_with_driver(wasm: &[u8], options: &Options, invocations: &[Invocation]) -> Result<Program, BackendError> {
    compile_entry(wasm, options, Some(invocations))
}

fn compile_entry(wasm: &[u8], options: &Options, driver: Option<&[Invocation]>) -> Result<Program, BackendError> {
    let environ_options = zisk_wasm_environ::Options { bounds_checks: options.bounds_checks };
    let translation = translate(wasm, &environ_options, &zisk_wasm_runtime_shim::ZiskHost)?;
    let info = &translation.info;

    let Entry { calls: entry_calls, driver: driver_clif } = entry::plan(info, driver).map_err(|e| match e {
        EntryError::NoEntry => BackendError::NoEntry,
        EntryError::BadEntry => BackendError::BadEntry,
        EntryError::Environ(e) => BackendError::Environ(e),
    })?;

    // Lower what the entry can reach: called functions, and functions whose address is
    // taken (tables, funcref globals). Lowering a function reveals its callees.
    let escaping: Vec<Key> = info.escaping_functions.iter().map(|f| (NS_WASM_FUNC, f.as_u32())).collect();
    let mut work: Vec<Key> = entry_calls.iter().chain(escaping.iter()).copied().collect();
    let mut lowered: std::collections::BTreeMap<Key, (Names, isa::inst::VCode)> = Default::default();
    while let Some(key) = work.pop() {
        if lowered.contains_key(&key) {
            continue;
        }
        let (clif, name, symbol) = match key {
            (NS_WASM_FUNC, i) => {
                let f = &translation.functions[i as usize];
                (f.clif.clone(), f.display_name.clone(), info.symbol_name(f.index))
            }
            (NS_BUILTIN, b) => {
                let Some((builtin, clif)) = translation.builtins.iter().find(|(builtin, _)| *builtin as u32 == b) else {
                    return Err(BackendError::Internal { function: "compile".into(), what: format!("no builtin {b}") });
                };
                (clif.clone(), builtin.name().to_string(), format!("zisk_wasm::{}", builtin.name()))
            }
            (NS_DRIVER, _) => (driver_clif.clone().expect("a driver was built"), "driver".to_string(), "zisk_wasm::driver".to_string()),
            other => return Err(BackendError::Internal { function: "compile".into(), what: format!("unknown callee {other:?}") }),
        };
        let vcode = lower_function(clif, &name, options.mid_end)?;
        work.extend(direct_callees(&vcode));
        lowered.insert(key, (Names { listing: name, symbol }, vcode));
    }

    // Functions that cannot recurse get static frames. An indirect call reaches only
    // address-taken functions of its signature (call_indirect checks it).
    let signature_of = |key: &Key| translation.functions.get(key.1 as usize).map(|f| &f.clif.signature);
    let same_types = |a: &ir::Signature, b: &ir::Signature| {
        a.params.iter().map(|p| p.value_type).eq(b.params.iter().map(|p| p.value_type))
            && a.returns.iter().map(|p| p.value_type).eq(b.returns.iter().map(|p| p.value_type))
    };
    let edges = lowered
        .iter()
        .map(|(&key, (_, vcode))| {
            let mut succs = direct_callees(vcode);
            for sig in &vcode.indirect_signatures {
                succs.extend(escaping.iter().filter(|e| signature_of(e).is_some_and(|s| same_types(s, sig))).copied());
            }
            (key, succs)
        })
        .collect();
    let recursive = callgraph::CallGraph { edges }.recursive();

    let mut linker = Linker::new();
    let mut functions = Vec::new();
    for (key, (names, vcode)) in &lowered {
        let label = linker.function_label(*key);
        let static_candidate = !recursive.contains(key) && vcode.outgoing_slots == 0;
        functions.push(allocate_and_emit(vcode, names, label, static_candidate, options.profiling, &mut linker)?);
    }
    let instantiation_trap = zisk_wasm_environ::image::instantiation_trap(info);
    let linked = link::link(linker, info, functions, &entry_calls, instantiation_trap)?;
    let elf = elf::ziskbin_elf(&linked.rom, &linked.symbols);
    Ok(Program { rom: linked.rom, elf, listing: linked.listing, instructions: linked.instructions })
}

type Key = (u32, u32);

/// A function's name in the listing and in the ELF's symbol table.
struct Names {
    listing: String,
    symbol: String,
}

fn lower_function(clif: ir::Function, name: &str, mid_end: MidEnd) -> Result<isa::inst::VCode, BackendError> {
    // `ZISK_WASM_DUMP_CLIF=<part of a function name>` prints that function's CLIF before and
    // after the mid-end (a debugging aid for compiler work).
    let dump = std::env::var("ZISK_WASM_DUMP_CLIF").ok().filter(|d| name.contains(d.as_str()));
    if dump.is_some() {
        eprintln!(";; {name}: translated\n{}", clif.display());
    }
    let func = optimize::optimize(clif, name, mid_end)?;
    if dump.is_some() {
        eprintln!(";; {name}: optimized\n{}", func.display());
    }
    isa::lower::lower_function(&func, name)
}

fn direct_callees(vcode: &isa::inst::VCode) -> Vec<Key> {
    vcode
        .blocks
        .iter()
        .flat_map(|b| b.insts.iter())
        .filter_map(|i| match i {
            isa::inst::MInst::Call { callee, .. } => isa::inst::callee_label_key(callee),
            _ => None,
        })
        .collect()
}

/// Register allocation and emission; a static frame when allowed and room is left for it.
fn allocate_and_emit(
    vcode: &isa::inst::VCode,
    names: &Names,
    label: u32,
    static_candidate: bool,
    profiling: bool,
    linker: &mut Linker,
) -> Result<FunctionCode, BackendError> {
    let name = &names.listing;
    linker.name_label(label, label_name(name));
    let code = |items| FunctionCode { name: name.clone(), symbol: names.symbol.clone(), items };
    if static_candidate {
        let ra = RaFunction::new(vcode, true);
        let allocation = ra.allocate()?;
        let mut frame = isa::emit::frame_layout(&ra, &allocation);
        if let Some(base) = linker.static_frame(frame.size as u64) {
            frame.static_base = Some(base);
            let items = emit_function(&ra, &allocation, &frame, label, linker, profiling);
            return Ok(code(items));
        }
    }
    let ra = RaFunction::new(vcode, false);
    let allocation = ra.allocate()?;
    let frame = isa::emit::frame_layout(&ra, &allocation);
    let items = emit_function(&ra, &allocation, &frame, label, linker, profiling);
    Ok(code(items))
}

/// A label for the listing: `f3_main` for `#3 "main"`.
fn label_name(display: &str) -> String {
    let cleaned: String = display
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("f{}", cleaned.trim_matches('_'))
}
