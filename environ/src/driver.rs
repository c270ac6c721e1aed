//! A generated entry that calls exported functions with given arguments and checks their
//! results: how the spec-suite harness turns `assert_return`s into one ZisK program. A
//! mismatch ends the run with exit code = the invocation's number (1-based).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64};
use cranelift_codegen::ir::{self, InstBuilder};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_wasm::WasmValType;

use crate::func_env::wasm_signature;
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
    pub export: String,
    pub args: Vec<Value>,
    pub check: Check,
}

fn matches(v: &Value, ty: &WasmValType) -> bool {
    matches!((v, ty), (Value::I32(_), WasmValType::I32) | (Value::I64(_), WasmValType::I64))
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
        let f = info.exported_func(&inv.export).ok_or_else(|| EnvironError::unsupported(format!("no exported function `{}`", inv.export)))?;
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
        let results = b.inst_results(call).to_vec();
        if let Check::Results(expected) = &inv.check {
            if expected.len() != results.len() || !expected.iter().zip(ty.returns()).all(|(e, t)| matches(&e.value, t)) {
                return Err(EnvironError::unsupported(format!("expected results of `{}` do not match its type {ty}", inv.export)));
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
