//! How generated CLIF names things outside the function: `ExternalName::User` namespaces.
//! The back ends resolve these names when they link the program.

use cranelift_codegen::ir::{self, ExternalName, UserExternalName};

/// A WebAssembly function by index (imports first, as in the module's function index space).
pub const NS_WASM_FUNC: u32 = 0;
/// A runtime routine ([`crate::Builtin`]), generated as CLIF by this crate.
pub const NS_BUILTIN: u32 = 1;
/// A data address ([`DataSymbol`]).
pub const NS_DATA: u32 = 2;
/// An operation each back end implements natively ([`Intrinsic`]).
pub const NS_INTRINSIC: u32 = 3;
/// A generated test driver ([`crate::driver`]).
pub const NS_DRIVER: u32 = 4;

/// Addresses referenced as symbols (so the heap base can be a Cranelift global value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum DataSymbol {
    LinearMemory = 0,
    Instance = 1,
}

impl DataSymbol {
    pub fn from_index(index: u32) -> Option<DataSymbol> {
        match index {
            0 => Some(DataSymbol::LinearMemory),
            1 => Some(DataSymbol::Instance),
            _ => None,
        }
    }

    pub fn address(self) -> u64 {
        match self {
            DataSymbol::LinearMemory => crate::memory_map::LINEAR_MEMORY_ADDR,
            DataSymbol::Instance => crate::memory_map::INSTANCE_ADDR,
        }
    }
}

pub fn user_name(func: &mut ir::Function, namespace: u32, index: u32) -> ExternalName {
    ExternalName::User(func.declare_imported_user_function(UserExternalName::new(namespace, index)))
}

/// The (namespace, index) a `User` external name stands for in `func`.
pub fn resolve(func: &ir::Function, name: &ExternalName) -> Option<(u32, u32)> {
    match name {
        ExternalName::User(r) => {
            let n = &func.params.user_named_funcs()[*r];
            Some((n.namespace, n.index))
        }
        _ => None,
    }
}

/// Operations each back end implements natively, called through [`NS_INTRINSIC`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Intrinsic {
    /// (code: i32) -> never returns: 0 publishes the output and ends, anything else fails.
    Exit = 0,
}

impl Intrinsic {
    pub fn from_index(index: u32) -> Option<Intrinsic> {
        (index == 0).then_some(Intrinsic::Exit)
    }

    pub fn signature(self) -> ir::Signature {
        let mut sig = ir::Signature::new(cranelift_codegen::isa::CallConv::Fast);
        sig.params.push(ir::AbiParam::new(ir::types::I32));
        sig
    }

    /// Declares this intrinsic in `func` so it can be called.
    pub fn import_into(self, func: &mut ir::Function) -> ir::FuncRef {
        let signature = func.import_signature(self.signature());
        let name = user_name(func, NS_INTRINSIC, self as u32);
        func.import_function(ir::ExtFuncData { name, signature, colocated: true })
    }
}
