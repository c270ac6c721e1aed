//! A generated entry that calls exported functions with given arguments (or reads exported
//! globals) and checks their results: how the spec-suite harness turns `assert_return`s
//! into one ZisK program. A
//! mismatch ends the run with exit code = the invocation's number (1-based).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64};
use cranelift_codegen::ir::{self, InstBuilder};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_entity::EntityRef;
use cranelift_wasm::{FuncIndex, GlobalIndex, WasmValType};

use crate::func_env::{clif_type, wasm_signature};
use crate::memory_map::global_addr;
use crate::module::ModuleInfo;
use crate::names::{user_name, Intrinsic, NS_DRIVER, NS_WASM_FUNC};
use crate::EnvironError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    I32(u32),
    I64(u64),
}

/// An expected result: `result & mask == value & mask`. Float NaN patterns need the mask
/// (a canonical NaN is any sign; an arithmetic NaN any payload with the quiet bit set).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    pub value: Value,
    pub mask: u64,
}

impl From<Value> for Expected {
    fn from(value: Value) -> Self {
        Expected { value, mask: u64::MAX }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The results must match these.
    Results(Vec<Expected>),
    /// Call only (results dropped; a trap is what the caller expects to observe).
    Nothing,
}

#[derive(Debug, Clone)]
pub struct Invocation {
    /// An exported function, called with `args`, or an exported global, read (no `args`).
    pub export: String,
    pub args: Vec<Value>,
    pub check: Check,
}

fn matches(v: &Value, ty: &WasmValType) -> bool {
    matches!((v, ty), (Value::I32(_), WasmValType::I32) | (Value::I64(_), WasmValType::I64))
}

/// Calls exported function `f` with the invocation's arguments: its results and their types.
fn call(b: &mut FunctionBuilder, info: &ModuleInfo, f: FuncIndex, inv: &Invocation) -> Result<(Vec<ir::Value>, Vec<WasmValType>), EnvironError> {
    let ty = info.func_type(f).clone();
    if ty.params().len() != inv.args.len() || !inv.args.iter().zip(ty.params()).all(|(v, t)| matches(v, t)) {
        return Err(EnvironError::unsupported(format!("arguments of `{}` do not match its type {ty}", inv.export)));
    }
    let sig = b.func.import_signature(wasm_signature(&ty)?);
    let name = user_name(b.func, NS_WASM_FUNC, f.as_u32());
    let callee = b.func.import_function(ir::ExtFuncData { name, signature: sig, colocated: true });
    let args: Vec<ir::Value> = inv
        .args
        .iter()
        .map(|v| match *v {
            Value::I32(x) => b.ins().iconst(I32, x as i64),
            Value::I64(x) => b.ins().iconst(I64, x as i64),
        })
        .collect();
    let call = b.ins().call(callee, &args);
    Ok((b.inst_results(call).to_vec(), ty.returns().to_vec()))
}

/// Reads exported global `g` from its slot (every global has one, constants included).
fn read_global(b: &mut FunctionBuilder, info: &ModuleInfo, g: GlobalIndex) -> Result<(Vec<ir::Value>, Vec<WasmValType>), EnvironError> {
    let ty = info.globals[g.index()].ty;
    let addr = b.ins().iconst(I64, global_addr(g.as_u32()) as i64);
    let value = b.ins().load(clif_type(&ty)?, ir::MemFlags::trusted(), addr, 0);
    Ok((vec![value], vec![ty]))
}

/// The driver function (named `User(NS_DRIVER, 0)`, no parameters or results).
pub fn build(info: &ModuleInfo, invocations: &[Invocation]) -> Result<ir::Function, EnvironError> {
    let mut func = ir::Function::with_name_signature(ir::UserFuncName::user(NS_DRIVER, 0), ir::Signature::new(CallConv::Fast));
    let mut ctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut ctx);
    let entry = b.create_block();
    b.switch_to_block(entry);
    let exit = Intrinsic::Exit.import_into(b.func);
    for (k, inv) in invocations.iter().enumerate() {
        let (results, types) = match (info.exported_func(&inv.export), info.exported_global(&inv.export)) {
            (Some(f), _) => call(&mut b, info, f, inv)?,
            (None, Some(g)) if inv.args.is_empty() => read_global(&mut b, info, g)?,
            _ => return Err(EnvironError::unsupported(format!("no exported function or global `{}`", inv.export))),
        };
        if let Check::Results(expected) = &inv.check {
            if expected.len() != results.len() || !expected.iter().zip(&types).all(|(e, t)| matches(&e.value, t)) {
                return Err(EnvironError::unsupported(format!("expected results of `{}` do not match its type {types:?}", inv.export)));
            }
            for (got, want) in results.iter().zip(expected) {
                let (value, full) = match want.value {
                    Value::I32(x) => (x as u64, u32::MAX as u64),
                    Value::I64(x) => (x, u64::MAX),
                };
                let mask = want.mask & full;
                let got = if mask == full { *got } else { b.ins().band_imm(*got, mask as i64) };
                let differs = b.ins().icmp_imm(IntCC::NotEqual, got, (value & mask) as i64);
                let (fail, next) = (b.create_block(), b.create_block());
                b.ins().brif(differs, fail, &[], next, &[]);
                b.switch_to_block(fail);
                let code = b.ins().iconst(I32, k as i64 + 1);
                b.ins().call(exit, &[code]);
                b.ins().trap(ir::TrapCode::UnreachableCodeReached);
                b.switch_to_block(next);
            }
        }
    }
    b.ins().return_(&[]);
    b.seal_all_blocks();
    b.finalize();
    Ok(func)
}
