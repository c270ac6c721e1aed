//! Linking: the host's definitions of a module's imported memories, tables and globals.
//!
//! ZisK runs one instance, and the host's memory, table or global *is* the instance's: the
//! compiler places an imported one exactly where it places a defined one (see
//! [`crate::memory_map`]), with the host's size, maximum and value. Before that, each
//! definition is checked against the import's declared type, as WebAssembly's import
//! matching requires: a memory or table must be at least as large as declared and, when a
//! maximum is declared, have a maximum no larger; a global must have the declared value type
//! and mutability. A mismatch is the spec's link error, `incompatible import type`.
//!
//! Imports are read from the module as written: float lowering turns `f32`/`f64` globals
//! into `i32`/`i64`, which the check must not see.

use cranelift_wasm::wasmparser::{self, Parser, Payload, TypeRef};
use cranelift_wasm::{WasmRefType, WasmValType};

use crate::{EnvironError, ImportName, ImportResolver};

/// The limits of a memory (in 64 KiB pages) or a table (in entries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub min: u64,
    pub max: Option<u64>,
}

impl Limits {
    /// `1 to 2 pages`, `1 or more pages (no maximum)`, for messages.
    fn describe(&self, unit: &str) -> String {
        match self.max {
            Some(max) => format!("{} to {max} {unit}", self.min),
            None => format!("{} or more {unit} (no maximum)", self.min),
        }
    }
}

/// A global's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlobalType {
    pub ty: WasmValType,
    pub mutable: bool,
}

impl std::fmt::Display for GlobalType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.mutable {
            true => write!(f, "(mut {})", self.ty),
            false => write!(f, "{}", self.ty),
        }
    }
}

/// A global the host defines: its type and initial value (the bit pattern of an
/// i32/i64/f32/f64, i32 and f32 zero-extended; 0 for a null reference).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostGlobal {
    pub ty: GlobalType,
    pub bits: u64,
}

/// The host's definition of one imported memory, table or global, checked.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Definition {
    Memory(Limits),
    Table(Limits),
    Global(HostGlobal),
}

/// The host's definitions of the module's memory, table and global imports, in import
/// order, each matched against its declared type. `wasm` is the validated module as written.
pub(crate) fn resolve(wasm: &[u8], host: &dyn ImportResolver) -> Result<Vec<Definition>, EnvironError> {
    let mut definitions = Vec::new();
    for payload in Parser::new(0).parse_all(wasm) {
        // A module has one import section, before anything else that matters here.
        let Payload::ImportSection(section) = payload? else { continue };
        for import in section {
            let import = import?;
            let name = ImportName { module: import.module.into(), field: import.name.into() };
            definitions.push(match import.ty {
                TypeRef::Func(_) | TypeRef::Tag(_) => continue,
                TypeRef::Memory(ty) => {
                    let declared = Limits { min: ty.initial, max: ty.maximum };
                    let host_memory = host.memory(&name, &declared)?;
                    check_limits(&name, "memory", "pages", &host_memory, &declared)?;
                    Definition::Memory(host_memory)
                }
                TypeRef::Table(ty) => {
                    // Only funcref tables exist here; the declaration refuses others later.
                    let declared = Limits { min: ty.initial, max: ty.maximum };
                    let host_table = host.table(&name, &declared)?;
                    check_limits(&name, "table", "entries", &host_table, &declared)?;
                    Definition::Table(host_table)
                }
                TypeRef::Global(ty) => {
                    let declared = GlobalType { ty: value_type(ty.content_type)?, mutable: ty.mutable };
                    let global = host.global(&name, &declared)?;
                    if global.ty != declared {
                        return Err(EnvironError::incompatible_import(
                            &name,
                            format!("the host's global is {}; the module declares {declared}", global.ty),
                        ));
                    }
                    Definition::Global(global)
                }
            });
        }
        break;
    }
    Ok(definitions)
}

/// Limits matching: the host's memory or table is at least as large as declared, and no
/// larger at its maximum than a declared maximum allows.
fn check_limits(name: &ImportName, what: &str, unit: &str, host: &Limits, declared: &Limits) -> Result<(), EnvironError> {
    let fits_max = match (declared.max, host.max) {
        (None, _) => true,
        (Some(declared_max), Some(host_max)) => host_max <= declared_max,
        (Some(_), None) => false,
    };
    if host.min >= declared.min && fits_max {
        return Ok(());
    }
    Err(EnvironError::incompatible_import(
        name,
        format!("the host's {what} has {}; the module declares {}", host.describe(unit), declared.describe(unit)),
    ))
}

fn value_type(ty: wasmparser::ValType) -> Result<WasmValType, EnvironError> {
    use wasmparser::{RefType, ValType};
    Ok(match ty {
        ValType::I32 => WasmValType::I32,
        ValType::I64 => WasmValType::I64,
        ValType::F32 => WasmValType::F32,
        ValType::F64 => WasmValType::F64,
        ValType::Ref(r) if r == RefType::FUNCREF => WasmValType::Ref(WasmRefType::FUNCREF),
        ValType::Ref(r) if r == RefType::EXTERNREF => WasmValType::Ref(WasmRefType::EXTERNREF),
        other => return Err(EnvironError::unsupported(format!("importing a global of type {other:?}"))),
    })
}
