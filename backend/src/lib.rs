//! The direct route's back end: optimized CLIF → ZisK.
//!
//! [`compile`] translates a WebAssembly module with the environ, runs Cranelift's mid-end on
//! every function, selects ZisK instructions (`isa::lower`), allocates registers with
//! regalloc2 (`isa::regalloc`), emits and links the code into a `ZiskRom` (`link`), and
//! returns it with its ziskbin ELF and `.zisk` listing.

mod error;
pub mod isa;
pub mod link;
mod optimize;

pub use optimize::MidEnd;

use cranelift_codegen::ir;
use zisk_wasm_environ::names::{NS_BUILTIN, NS_DRIVER, NS_WASM_FUNC};
pub use zisk_wasm_environ::driver::{Check, Invocation, Value};
use zisk_wasm_environ::{translate, BoundsChecks};

/// How to compile.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub bounds_checks: BoundsChecks,
    pub mid_end: MidEnd,
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

    let mut entry_calls = Vec::new();
    if let Some(start) = info.start {
        entry_calls.push((NS_WASM_FUNC, start.as_u32()));
    }
    let driver_clif = match driver {
        Some(invocations) => {
            entry_calls.push((NS_DRIVER, 0));
            Some(zisk_wasm_environ::driver::build(info, invocations)?)
        }
        None => {
            if let Some(f) = info.exported_func("_start") {
                if !info.func_type(f).params().is_empty() {
                    return Err(BackendError::BadEntry);
                }
                entry_calls.push((NS_WASM_FUNC, f.as_u32()));
            }
            None
        }
    };
    if entry_calls.is_empty() {
        return Err(BackendError::NoEntry);
    }

    // Compile what the entry can reach: called functions, and functions whose address is
    // taken (tables, funcref globals). Compiling a function may discover more callees.
    let mut linker = Linker::new();
    for &key in &entry_calls {
        linker.function_label(key);
    }
    for f in &info.escaping_functions {
        linker.function_label((NS_WASM_FUNC, f.as_u32()));
    }
    let mut compiled = std::collections::HashSet::new();
    let mut functions = Vec::new();
    loop {
        let mut pending: Vec<(u32, u32)> = linker.called_keys().into_iter().filter(|k| !compiled.contains(k)).collect();
        if pending.is_empty() {
            break;
        }
        pending.sort();
        for key in pending {
            compiled.insert(key);
            let label = linker.function_label(key);
            let (clif, name) = match key {
                (NS_WASM_FUNC, i) => {
                    let f = &translation.functions[i as usize];
                    (f.clif.clone(), f.display_name.clone())
                }
                (NS_BUILTIN, b) => {
                    let (builtin, clif) = &translation.builtins[b as usize];
                    (clif.clone(), builtin.name().to_string())
                }
                (NS_DRIVER, _) => (driver_clif.clone().expect("a driver was built"), "driver".to_string()),
                other => return Err(BackendError::Internal { function: "compile".into(), what: format!("unknown callee {other:?}") }),
            };
            functions.push(compile_function(clif, &name, label, options.mid_end, &mut linker)?);
        }
    }
    let instantiation_trap = segments_out_of_bounds(info);
    let linked = link::link(linker, info, functions, &entry_calls, instantiation_trap)?;
    let elf = zisk_core::ziskbin::rom_to_elf(&linked.rom);
    Ok(Program { rom: linked.rom, elf, listing: linked.listing, instructions: linked.instructions })
}

fn compile_function(
    clif: ir::Function,
    name: &str,
    label: u32,
    mid_end: MidEnd,
    linker: &mut Linker,
) -> Result<FunctionCode, BackendError> {
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
    let vcode = isa::lower::lower_function(&func, name)?;
    let ra = RaFunction::new(&vcode);
    let allocation = ra.allocate()?;
    linker.name_label(label, label_name(name));
    let items = emit_function(&ra, &allocation, label, linker);
    Ok(FunctionCode { name: name.to_string(), items })
}

/// A label for the listing: `f3_main` for `#3 "main"`.
fn label_name(display: &str) -> String {
    let cleaned: String = display
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("f{}", cleaned.trim_matches('_'))
}

/// An active segment that does not fit makes instantiation trap, as WebAssembly specifies.
fn segments_out_of_bounds(info: &zisk_wasm_environ::ModuleInfo) -> Option<isa::inst::TrapCode> {
    let memory_bytes = info.memory.as_ref().map_or(0, |m| m.min_pages * zisk_wasm_environ::memory_map::WASM_PAGE_SIZE);
    if info.data_segments.iter().any(|s| s.offset + s.bytes.len() as u64 > memory_bytes) {
        return Some(isa::inst::TrapCode::HeapOutOfBounds);
    }
    for seg in &info.element_segments {
        let len = info.tables.get(seg.table as usize).map_or(0, |t| t.min);
        if seg.offset + seg.elements.len() as u64 > len {
            return Some(isa::inst::TrapCode::TableOutOfBounds);
        }
    }
    None
}
