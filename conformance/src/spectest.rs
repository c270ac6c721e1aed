//! The spec suite's host module, `spectest`: what the reference interpreter provides to the
//! `.wast` scripts. The compiler links against it like against any host (an
//! [`ImportResolver`]), checks every import's declared type against these definitions and
//! places the memory, table and globals where defined ones go.

use cranelift_codegen::ir::{self, InstBuilder};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use zisk_wasm_environ::names::NS_WASM_FUNC;
use zisk_wasm_environ::{wasm_signature, EnvironError, GlobalType, HostGlobal, ImportName, ImportResolver, Limits, WasmFuncType, WasmValType};

pub const MODULE: &str = "spectest";

/// What `spectest` defines under one name.
enum Item {
    /// A print function with these parameters and no results.
    Func(&'static [WasmValType]),
    Global(WasmValType, u64),
    Table(Limits),
    Memory(Limits),
}

impl Item {
    fn kind(&self) -> &'static str {
        match self {
            Item::Func(_) => "function",
            Item::Global(..) => "global",
            Item::Table(_) => "table",
            Item::Memory(_) => "memory",
        }
    }
}

fn lookup(import: &ImportName) -> Option<Item> {
    use WasmValType::{F32, F64, I32, I64};
    if import.module != MODULE {
        return None;
    }
    Some(match import.field.as_str() {
        "print" => Item::Func(&[]),
        "print_i32" => Item::Func(&[I32]),
        "print_i64" => Item::Func(&[I64]),
        "print_f32" => Item::Func(&[F32]),
        "print_f64" => Item::Func(&[F64]),
        "print_i32_f32" => Item::Func(&[I32, F32]),
        "print_f64_f64" => Item::Func(&[F64, F64]),
        "global_i32" => Item::Global(I32, 666),
        "global_i64" => Item::Global(I64, 666),
        "global_f32" => Item::Global(F32, 666.6f32.to_bits() as u64),
        "global_f64" => Item::Global(F64, 666.6f64.to_bits()),
        "table" => Item::Table(Limits { min: 10, max: Some(20) }),
        "memory" => Item::Memory(Limits { min: 1, max: Some(2) }),
        _ => return None,
    })
}

/// The spec harness's host: `spectest` and nothing else.
#[derive(Debug, Default, Clone, Copy)]
pub struct SpecTest;

impl SpecTest {
    /// `spectest`'s definition of `import`, which must be a `kind`.
    fn find(import: &ImportName, kind: &str) -> Result<Item, EnvironError> {
        match lookup(import) {
            None => Err(EnvironError::unknown_import(import, kind)),
            Some(item) if item.kind() == kind => Ok(item),
            Some(item) => Err(EnvironError::incompatible_import(import, format!("it is a {}, not a {kind}", item.kind()))),
        }
    }
}

/// f32/f64 as the float lowering passes them: their i32/i64 bit patterns.
fn lowered(ty: &WasmValType) -> WasmValType {
    match ty {
        WasmValType::F32 => WasmValType::I32,
        WasmValType::F64 => WasmValType::I64,
        other => *other,
    }
}

impl ImportResolver for SpecTest {
    /// The print functions print nothing (no run checks what they print). The compiler gives
    /// the type after float lowering, so an f32 parameter declared as i32 (or the reverse)
    /// is not caught here; no spec assertion imports a print function that way.
    fn implement(&self, index: u32, import: &ImportName, ty: &WasmFuncType) -> Result<ir::Function, EnvironError> {
        let Item::Func(params) = Self::find(import, "function")? else { unreachable!("find checks the kind") };
        let expected: Vec<WasmValType> = params.iter().map(lowered).collect();
        if !ty.returns().is_empty() || ty.params() != expected.as_slice() {
            let own = WasmFuncType::new(params.into(), Box::new([]));
            return Err(EnvironError::incompatible_import(import, format!("its type is {own}; the module declares {ty}")));
        }
        let sig = wasm_signature(ty).map_err(EnvironError::from)?;
        let mut func = ir::Function::with_name_signature(ir::UserFuncName::user(NS_WASM_FUNC, index), sig);
        let mut ctx = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut func, &mut ctx);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        b.ins().return_(&[]);
        b.seal_all_blocks();
        b.finalize();
        Ok(func)
    }

    fn memory(&self, import: &ImportName, _: &Limits) -> Result<Limits, EnvironError> {
        let Item::Memory(limits) = Self::find(import, "memory")? else { unreachable!("find checks the kind") };
        Ok(limits)
    }

    fn table(&self, import: &ImportName, _: &Limits) -> Result<Limits, EnvironError> {
        let Item::Table(limits) = Self::find(import, "table")? else { unreachable!("find checks the kind") };
        Ok(limits)
    }

    fn global(&self, import: &ImportName, _: &GlobalType) -> Result<HostGlobal, EnvironError> {
        let Item::Global(ty, bits) = Self::find(import, "global")? else { unreachable!("find checks the kind") };
        Ok(HostGlobal { ty: GlobalType { ty, mutable: false }, bits })
    }
}
