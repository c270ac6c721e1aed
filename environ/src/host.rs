//! Functions a module imports from the host, implemented as CLIF (so every back end compiles
//! the same code). For now the test set the `.wat` corpus and the spec suite use:
//!
//! | import | does |
//! |---|---|
//! | `zisk.commit_i32(i32)`, `zisk.commit_i64(i64)` | appends the value (little-endian) to the public output |
//! | `zisk.putchar(i32)` | writes the low byte to the console |
//! | `zisk.exit(i32)` | ends the program: 0 publishes the output, anything else fails the run |
//! | `spectest.print*` | nothing (the spec suite's printing imports) |
//!
//! The WASI imports of Rust programs come with the runtime shim.

use cranelift_codegen::ir::types::{I32, I64, I8};
use cranelift_codegen::ir::{self, AbiParam, InstBuilder, MemFlags, Signature, TrapCode};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_wasm::WasmFuncType;

use crate::func_env::wasm_signature;
use crate::memory_map::{OUTPUT_ADDR, OUTPUT_CURSOR_ADDR, OUTPUT_SIZE, UART_ADDR};
use crate::module::ImportName;
use crate::names::{user_name, NS_INTRINSIC, NS_WASM_FUNC};
use crate::EnvironError;

/// Operations each back end implements natively.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Intrinsic {
    /// (code: i32) -> never returns.
    Exit = 0,
}

impl Intrinsic {
    pub fn from_index(index: u32) -> Option<Intrinsic> {
        (index == 0).then_some(Intrinsic::Exit)
    }

    fn signature(self) -> Signature {
        let mut sig = Signature::new(CallConv::Fast);
        sig.params.push(AbiParam::new(I32));
        sig
    }
}

#[derive(Clone, Copy)]
enum HostOp {
    Commit(ir::Type),
    Putchar,
    Exit,
    Nothing,
}

/// Imports this host provides, with their WebAssembly signatures (params, results).
pub const PROVIDED: &[(&str, &str, &str)] = &[
    ("zisk", "commit_i32", "(i32) -> ()"),
    ("zisk", "commit_i64", "(i64) -> ()"),
    ("zisk", "putchar", "(i32) -> ()"),
    ("zisk", "exit", "(i32) -> ()"),
    ("spectest", "print*", "any -> ()"),
];

fn host_op(import: &ImportName, ty: &WasmFuncType) -> Option<HostOp> {
    use cranelift_wasm::WasmValType::{I32 as W32, I64 as W64};
    let params = ty.params();
    if !ty.returns().is_empty() {
        return None;
    }
    match (import.module.as_str(), import.field.as_str(), params) {
        ("zisk", "commit_i32", [W32]) => Some(HostOp::Commit(I32)),
        ("zisk", "commit_i64", [W64]) => Some(HostOp::Commit(I64)),
        ("zisk", "putchar", [W32]) => Some(HostOp::Putchar),
        ("zisk", "exit", [W32]) => Some(HostOp::Exit),
        ("spectest", field, _) if field.starts_with("print") => Some(HostOp::Nothing),
        _ => None,
    }
}

/// The body of imported function `index`, or an error listing what the host provides.
pub fn host_function(index: u32, import: &ImportName, ty: &WasmFuncType) -> Result<ir::Function, EnvironError> {
    let op = host_op(import, ty).ok_or_else(|| {
        let provided: Vec<String> = PROVIDED.iter().map(|(m, f, s)| format!("{m}.{f} {s}")).collect();
        EnvironError::unsupported(format!(
            "import {import} with type {ty} is not provided; this host provides: {}",
            provided.join(", ")
        ))
    })?;
    let sig = wasm_signature(ty)?;
    let mut func = ir::Function::with_name_signature(ir::UserFuncName::user(NS_WASM_FUNC, index), sig);
    let mut ctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut ctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let args = b.block_params(entry).to_vec();
    let flags = MemFlags::trusted();
    match op {
        HostOp::Commit(ty) => {
            // Bytes past ZisK's published window are dropped, as the window is all there is.
            let cursor_addr = b.ins().iconst(I64, OUTPUT_CURSOR_ADDR as i64);
            let cursor = b.ins().load(I64, flags, cursor_addr, 0);
            let (write, done) = (b.create_block(), b.create_block());
            let fits = b.ins().icmp_imm(ir::condcodes::IntCC::UnsignedLessThanOrEqual, cursor, (OUTPUT_SIZE - ty.bytes() as u64) as i64);
            b.ins().brif(fits, write, &[], done, &[]);
            b.switch_to_block(write);
            let at = b.ins().iadd_imm(cursor, OUTPUT_ADDR as i64);
            b.ins().store(flags, args[0], at, 0);
            let next = b.ins().iadd_imm(cursor, ty.bytes() as i64);
            b.ins().store(flags, next, cursor_addr, 0);
            b.ins().jump(done, &[]);
            b.switch_to_block(done);
            b.ins().return_(&[]);
        }
        HostOp::Putchar => {
            let uart = b.ins().iconst(I64, UART_ADDR as i64);
            let byte = b.ins().ireduce(I8, args[0]);
            b.ins().store(flags, byte, uart, 0);
            b.ins().return_(&[]);
        }
        HostOp::Exit => {
            let sig = b.func.import_signature(Intrinsic::Exit.signature());
            let name = user_name(b.func, NS_INTRINSIC, Intrinsic::Exit as u32);
            let callee = b.func.import_function(ir::ExtFuncData { name, signature: sig, colocated: true });
            b.ins().call(callee, &[args[0]]);
            b.ins().trap(TrapCode::UnreachableCodeReached);
        }
        HostOp::Nothing => {
            b.ins().return_(&[]);
        }
    }
    b.seal_all_blocks();
    b.finalize();
    Ok(func)
}
