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

use cranelift_codegen::ir;
use zisk_wasm_environ::names::{NS_BUILTIN, NS_WASM_FUNC};
use zisk_wasm_environ::{translate, Options};

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

/// Compiles a binary WebAssembly module to a ZisK program.
pub fn compile(wasm: &[u8], options: &Options) -> Result<Program, BackendError> {
    let translation = translate(wasm, options)?;
    let info = &translation.info;

    let mut start_calls = Vec::new();
    if let Some(start) = info.start {
        start_calls.push(start.as_u32());
    }
    if let Some(f) = info.exported_func("_start") {
        if !info.func_type(f).params().is_empty() {
            return Err(BackendError::BadEntry);
        }
        start_calls.push(f.as_u32());
    }
    if start_calls.is_empty() {
        return Err(BackendError::NoEntry);
    }

    let mut linker = Linker::new();
    let mut functions = Vec::new();
    for f in &translation.functions {
        let label = linker.function_label((NS_WASM_FUNC, f.index.as_u32()));
        functions.push(compile_function(f.clif.clone(), &f.display_name, label, info, &mut linker)?);
    }
    // Builtins: only those something calls (compiling one may call no others).
    for (builtin, clif) in &translation.builtins {
        let key = (NS_BUILTIN, *builtin as u32);
        if linker.called_keys().contains(&key) {
            let label = linker.function_label(key);
            functions.push(compile_function(clif.clone(), builtin.name(), label, info, &mut linker)?);
        }
    }
    for f in &info.escaping_functions {
        linker.function_label((NS_WASM_FUNC, f.as_u32()));
    }
    let instantiation_trap = segments_out_of_bounds(info);
    let linked = link::link(linker, info, functions, &start_calls, instantiation_trap)?;
    let elf = zisk_core::ziskbin::rom_to_elf(&linked.rom);
    Ok(Program { rom: linked.rom, elf, listing: linked.listing, instructions: linked.instructions })
}

fn compile_function(
    clif: ir::Function,
    name: &str,
    label: u32,
    module: &zisk_wasm_environ::ModuleInfo,
    linker: &mut Linker,
) -> Result<FunctionCode, BackendError> {
    let func = optimize::optimize(clif, name)?;
    let vcode = isa::lower::lower_function(&func, name, module)?;
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
