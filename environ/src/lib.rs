//! WebAssembly → Cranelift IR for ZisK.
//!
//! [`translate`] validates a module, gathers its declarations ([`ModuleInfo`]) and translates
//! every function body with `cranelift-wasm` through our own environments, which place
//! memory, globals and tables at fixed ZisK addresses ([`memory_map`]). The runtime routines
//! the code calls ([`Builtin`]) come out as CLIF too. Both back ends (the direct ZisK backend
//! and the cl-riscv baseline) consume the same [`ModuleTranslation`].
//!
//! Bounds checks are an explicit choice ([`BoundsChecks`]): by default every linear-memory
//! access is checked against the current memory size and traps as WebAssembly requires.

pub mod builtins;
pub mod driver;
pub mod entry;
pub mod float_lowering;
mod error;
mod func_env;
pub mod image;
mod inline_bulk;
mod link;
pub mod memory_map;
pub mod module;
mod module_env;
pub mod names;
mod validate;
mod wide_multiply;

use std::panic::{catch_unwind, AssertUnwindSafe};

use cranelift_codegen::ir;
use cranelift_entity::EntityRef;
use cranelift_wasm::wasmparser::{self, Parser, Payload, WasmFeatures};
use cranelift_wasm::{FuncIndex, FuncTranslator};
pub use cranelift_wasm::{WasmFuncType, WasmValType};

pub use builtins::Builtin;
pub use error::{EnvironError, ErrorKind};
pub use func_env::{clif_type, wasm_signature};
pub use link::{GlobalType, HostGlobal, Limits};
pub use module::{ImportName, ModuleInfo};

/// The host a module links against: it implements imported functions and defines imported
/// memories, tables and globals (the runtime shim is the host of real guests; the spec
/// harness has its own). The compiler checks every definition against the import's declared
/// type and places it where a defined one goes (see `link.rs`). An import the host does not
/// provide is an [`EnvironError::unknown_import`].
pub trait ImportResolver {
    /// The CLIF body of imported function `index`, named `User(NS_WASM_FUNC, index)` with the
    /// signature [`wasm_signature`] gives `ty`; an error when this host does not provide it.
    /// `ty` is the type after float lowering: f32/f64 are their i32/i64 bit patterns.
    fn implement(&self, index: u32, import: &ImportName, ty: &cranelift_wasm::WasmFuncType) -> Result<ir::Function, EnvironError>;

    /// The host's memory for `import`, which the module declares with limits `declared`
    /// (pages): its current size and maximum. It starts zeroed. By default there is none.
    fn memory(&self, import: &ImportName, declared: &Limits) -> Result<Limits, EnvironError> {
        let _ = declared;
        Err(EnvironError::unknown_import(import, "memory"))
    }

    /// The host's funcref table for `import`, declared with `declared` (entries): its size and
    /// maximum. Every entry starts null (a host has no functions to put in a table).
    fn table(&self, import: &ImportName, declared: &Limits) -> Result<Limits, EnvironError> {
        let _ = declared;
        Err(EnvironError::unknown_import(import, "table"))
    }

    /// The host's global for `import`, declared with type `declared` (as written, floats
    /// included): its type and value.
    fn global(&self, import: &ImportName, declared: &GlobalType) -> Result<HostGlobal, EnvironError> {
        let _ = declared;
        Err(EnvironError::unknown_import(import, "global"))
    }
}

/// How linear-memory accesses are guarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum BoundsChecks {
    /// Every access is checked against the current memory size and traps when out of bounds
    /// (a memory that cannot grow is checked against a constant).
    #[default]
    Checked,
    /// No checks. ZisK has no guard pages, so an out-of-bounds access silently reads or writes
    /// other memory or crashes the emulator. Opt-in only, for trusted programs.
    Unchecked,
}

#[derive(Debug, Clone, Default)]
pub struct Options {
    pub bounds_checks: BoundsChecks,
}

/// One defined WebAssembly function, translated.
pub struct TranslatedFunction {
    pub index: FuncIndex,
    /// `#index "name"` for diagnostics and listings.
    pub display_name: String,
    /// Byte offset of the body in the `.wasm` file.
    pub offset: usize,
    pub clif: ir::Function,
}

pub struct ModuleTranslation {
    pub info: ModuleInfo,
    /// Imported functions' host implementations, then defined functions, in index order.
    pub functions: Vec<TranslatedFunction>,
    /// Runtime routines (built for every module; back ends keep the ones that are called).
    pub builtins: Vec<(Builtin, ir::Function)>,
}

/// The WebAssembly features this compiler accepts: MVP, mutable globals, sign extension,
/// saturating float-to-int, multi-value, bulk memory and reference types (as Rust's
/// wasm32 output needs for `call_indirect` encoding).
pub fn supported_features() -> WasmFeatures {
    WasmFeatures::MUTABLE_GLOBAL
        | WasmFeatures::SATURATING_FLOAT_TO_INT
        | WasmFeatures::SIGN_EXTENSION
        | WasmFeatures::REFERENCE_TYPES
        | WasmFeatures::MULTI_VALUE
        | WasmFeatures::BULK_MEMORY
        | WasmFeatures::FLOATS
        | WasmFeatures::EXTENDED_CONST
}

/// Translates a binary WebAssembly module.
pub fn translate(wasm: &[u8], options: &Options, imports: &dyn ImportResolver) -> Result<ModuleTranslation, EnvironError> {
    if !wasm.starts_with(b"\0asm") {
        return Err(EnvironError::not_wasm());
    }
    reject_non_core_payloads(wasm)?;
    // Validate the module as written (offsets in errors are the user's), then lower its floats.
    validate::validate(wasm)?;
    let original_types = func_types(wasm)?;
    let definitions = link::resolve(wasm, imports)?;
    let lowered = float_lowering::lower_floats(wasm)?;
    let wasm: &[u8] = &lowered;
    let mut env = module_env::ModuleEnv::new(definitions, module_env::segment_offsets(wasm)?);
    cranelift_wasm::translate_module(wasm, &mut env)?;
    let module_env::ModuleEnv { mut info, bodies, .. } = env;
    // Signature identity is the module's own: after float lowering (f32) and (i32) look alike,
    // but `call_indirect` must still tell them apart. The runtime's types come after.
    let n = original_types.len();
    for (i, id) in info.signature_ids.iter_mut().enumerate() {
        *id = if i < n { original_types.iter().position(|t| *t == original_types[i]).unwrap_or(i) as u64 } else { i as u64 };
    }

    let mut translator = FuncTranslator::new();
    let mut functions = Vec::with_capacity(info.functions.len());
    for i in 0..info.num_imported_funcs {
        let index = FuncIndex::new(i);
        let import = info.functions[i].import.clone().expect("imports come first");
        let clif = if import.module == float_lowering::SOFTFLOAT_MODULE {
            float_lowering::trap_import(i as u32, &import)?
        } else {
            imports.implement(i as u32, &import, info.func_type(index))?
        };
        functions.push(TranslatedFunction { index, display_name: info.describe_func(index), offset: 0, clif });
    }
    for (i, mut pending) in bodies.into_iter().enumerate() {
        let index = FuncIndex::new(info.num_imported_funcs + i);
        let display_name = info.describe_func(index);
        let offset = pending.body.range().start;
        let sig = wasm_signature(info.func_type(index)).map_err(EnvironError::from)?;
        let mut clif = ir::Function::with_name_signature(
            ir::UserFuncName::user(names::NS_WASM_FUNC, index.as_u32()),
            sig,
        );
        let mut fenv = func_env::FuncEnv::new(&info, options.bounds_checks);
        let result = catch_unwind(AssertUnwindSafe(|| {
            translator.translate_body(&mut pending.validator, pending.body.clone(), &mut clif, &mut fenv)
        }));
        match result {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(EnvironError::from(e).in_function(display_name).at_offset(offset)),
            Err(panic) => {
                let message = panic_message(&panic);
                return Err(EnvironError::unsupported(format!("the translator failed: {message}"))
                    .in_function(display_name)
                    .at_offset(offset));
            }
        }
        functions.push(TranslatedFunction { index, display_name, offset, clif });
    }
    let builtins = Builtin::ALL.iter().map(|&b| (b, b.build(&info))).collect();
    Ok(ModuleTranslation { info, functions, builtins })
}

/// The module's function types as written (before float lowering), by type index.
fn func_types(wasm: &[u8]) -> Result<Vec<(Vec<wasmparser::ValType>, Vec<wasmparser::ValType>)>, EnvironError> {
    let mut types = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        if let Payload::TypeSection(section) = payload? {
            for ty in section.into_iter_err_on_gc_types() {
                let ty = ty?;
                types.push((ty.params().to_vec(), ty.results().to_vec()));
            }
        }
    }
    Ok(types)
}

/// cranelift-wasm panics on payloads a core module cannot have (components); refuse them first.
fn reject_non_core_payloads(wasm: &[u8]) -> Result<(), EnvironError> {
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::Version { encoding: wasmparser::Encoding::Component, range, .. } => {
                return Err(EnvironError::unsupported("a component (component model); expected a core module")
                    .at_offset(range.start));
            }
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => {
                return Err(EnvironError::unsupported("nested modules or components"));
            }
            Payload::UnknownSection { id, range, .. } => {
                return Err(EnvironError::invalid(format!("unknown section id {id}"), Some(range.start)));
            }
            _ => {}
        }
    }
    Ok(())
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into())
}
