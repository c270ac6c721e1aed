//! What a module declares, gathered by [`crate::module_env`] and read by the function
//! environment and the back ends.

use cranelift_wasm::{FuncIndex, GlobalIndex, TypeIndex, WasmFuncType, WasmValType};

use cranelift_entity::EntityRef;

use crate::EnvironError;

/// A function: defined in the module, or imported (then the host provides it).
#[derive(Debug, Clone)]
pub struct FuncDecl {
    pub type_index: TypeIndex,
    pub import: Option<ImportName>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportName {
    pub module: String,
    pub field: String,
}

impl std::fmt::Display for ImportName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.module, self.field)
    }
}

#[derive(Debug, Clone)]
pub struct TableDecl {
    pub min: u64,
    pub max: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct MemoryDecl {
    pub min_pages: u64,
    /// The declared maximum, capped by what ZisK RAM holds.
    pub max_pages: u64,
}

/// A global's initial value, evaluated at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalInit {
    /// The bit pattern of an i32/i64/f32/f64 constant (i32 and f32 zero-extended).
    Bits(u64),
    /// A function reference (funcref globals).
    FuncRef(Option<FuncIndex>),
}

#[derive(Debug, Clone)]
pub struct GlobalDecl {
    pub ty: WasmValType,
    pub mutable: bool,
    pub init: GlobalInit,
}

/// An active element segment: functions placed in a table at instantiation.
#[derive(Debug, Clone)]
pub struct ElementSegment {
    pub table: u32,
    pub offset: u64,
    pub elements: Vec<Option<FuncIndex>>,
}

/// An active data segment: bytes placed in linear memory at instantiation.
#[derive(Debug, Clone)]
pub struct DataSegment {
    pub offset: u64,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Default)]
pub struct ModuleInfo {
    pub types: Vec<WasmFuncType>,
    /// Per type index, a signature id shared by structurally equal types: what
    /// `call_indirect` compares.
    pub signature_ids: Vec<u64>,
    pub functions: Vec<FuncDecl>,
    pub num_imported_funcs: usize,
    pub tables: Vec<TableDecl>,
    pub memory: Option<MemoryDecl>,
    pub globals: Vec<GlobalDecl>,
    pub exports: Vec<(String, Export)>,
    pub start: Option<FuncIndex>,
    pub element_segments: Vec<ElementSegment>,
    pub passive_elements: Vec<(u32, Vec<Option<FuncIndex>>)>,
    pub data_segments: Vec<DataSegment>,
    pub passive_data: Vec<(u32, Vec<u8>)>,
    /// Functions whose reference is taken (`ref.func`, element segments, exports).
    pub escaping_functions: Vec<FuncIndex>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Export {
    Func(FuncIndex),
    Table(u32),
    Memory(u32),
    Global(GlobalIndex),
}

impl ModuleInfo {
    pub fn func_type(&self, func: FuncIndex) -> &WasmFuncType {
        &self.types[self.functions[func.index()].type_index.index()]
    }

    pub fn is_imported(&self, func: FuncIndex) -> bool {
        func.index() < self.num_imported_funcs
    }

    /// A readable name for diagnostics: `#3 "main"`, `#0 import wasi.fd_write`.
    pub fn describe_func(&self, func: FuncIndex) -> String {
        let decl = &self.functions[func.index()];
        match (&decl.import, &decl.name) {
            (Some(import), _) => format!("#{} (import {import})", func.index()),
            (None, Some(name)) => format!("#{} \"{name}\"", func.index()),
            (None, None) => format!("#{}", func.index()),
        }
    }

    /// The function's name in symbol tables and profiles: its name-section name, demangled
    /// (Rust's manglings; ZisK's tools demangle others themselves), else its export name,
    /// else `wasm[i]`; an import as `import module.field`.
    /// A NUL inside a name (WebAssembly names may hold any character: names.wast has them)
    /// is written `\0`, since ELF string tables end names at NUL.
    pub fn symbol_name(&self, func: FuncIndex) -> String {
        let decl = &self.functions[func.index()];
        let name = match (&decl.import, &decl.name) {
            (Some(import), _) => format!("import {import}"),
            (None, Some(name)) => format!("{:#}", rustc_demangle::demangle(name)),
            (None, None) => match self.exports.iter().find(|(_, e)| matches!(e, Export::Func(f) if *f == func)) {
                Some((name, _)) => name.clone(),
                None => format!("wasm[{}]", func.index()),
            },
        };
        name.replace('\0', "\\0")
    }

    pub fn exported_func(&self, name: &str) -> Option<FuncIndex> {
        self.exports.iter().find_map(|(n, e)| match e {
            Export::Func(f) if n == name => Some(*f),
            _ => None,
        })
    }

    pub fn exported_global(&self, name: &str) -> Option<GlobalIndex> {
        self.exports.iter().find_map(|(n, e)| match e {
            Export::Global(g) if n == name => Some(*g),
            _ => None,
        })
    }

    pub fn global_init_bits(&self, index: GlobalIndex) -> Result<u64, EnvironError> {
        match self.globals.get(index.index()).map(|g| g.init) {
            Some(GlobalInit::Bits(bits)) => Ok(bits),
            _ => Err(EnvironError::unsupported(format!(
                "a constant expression reading global {} (not a number)",
                index.index()
            ))),
        }
    }
}
