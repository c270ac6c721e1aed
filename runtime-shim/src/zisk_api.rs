//! The `zisk` host API (public output, console, exit, Keccak-f and SHA-256 precompiles).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64, I8};
use cranelift_codegen::ir::{self, InstBuilder};
use zisk_wasm_environ::builtins::{load_abs, store_abs};
use zisk_wasm_environ::memory_map::{OUTPUT_ADDR, OUTPUT_CURSOR_ADDR, OUTPUT_SIZE, UART_ADDR};
use zisk_wasm_environ::names::Intrinsic;
use zisk_wasm_environ::{ImportName, WasmFuncType, WasmValType};

use crate::clif::function;

pub const MODULE: &str = "zisk";

pub const PROVIDED: &[&str] = &[
    "zisk.commit_i32(i32)",
    "zisk.commit_i64(i64)",
    "zisk.putchar(i32)",
    "zisk.exit(i32)",
    "zisk.keccakf(i32 state)",
    "zisk.sha256f(i32 state, i32 block)",
];

pub fn build(index: u32, import: &ImportName, ty: &WasmFuncType) -> Option<ir::Function> {
    if !ty.returns().is_empty() {
        return None;
    }
    match (import.module.as_str(), import.field.as_str(), ty.params()) {
        (MODULE, "commit_i32", [WasmValType::I32]) => function(index, ty, |s, a| commit(s, a[0], I32)),
        (MODULE, "commit_i64", [WasmValType::I64]) => function(index, ty, |s, a| commit(s, a[0], I64)),
        (MODULE, "putchar", [WasmValType::I32]) => function(index, ty, |s, a| {
            let uart = s.b.ins().iconst(I64, UART_ADDR as i64);
            let byte = s.b.ins().ireduce(I8, a[0]);
            s.store(byte, uart, 0);
            s.b.ins().return_(&[]);
        }),
        (MODULE, "exit", [WasmValType::I32]) => function(index, ty, |s, a| {
            s.intrinsic(Intrinsic::Exit, &[a[0]]);
            s.b.ins().trap(ir::TrapCode::UnreachableCodeReached);
        }),
        (MODULE, "keccakf", [WasmValType::I32]) => function(index, ty, |s, a| {
            let state = precompile_operand(s, a[0], 200);
            s.intrinsic(Intrinsic::Keccakf, &[state]);
            s.b.ins().return_(&[]);
        }),
        (MODULE, "sha256f", [WasmValType::I32, WasmValType::I32]) => function(index, ty, |s, a| {
            let state = precompile_operand(s, a[0], 32);
            let block = precompile_operand(s, a[1], 64);
            s.intrinsic(Intrinsic::Sha256f, &[state, block]);
            s.b.ins().return_(&[]);
        }),
        _ => None,
    }
}

/// The absolute address of guest range [ptr, ptr + len) for a precompile: it must lie in
/// linear memory (else an out-of-bounds trap) and be 8-aligned, as ZisK's precompiles read
/// and write whole u64 words (else a misalignment trap).
fn precompile_operand(s: &mut crate::clif::Shim, ptr: ir::Value, len: i64) -> ir::Value {
    let at = s.guest_fixed_or_trap(ptr, len);
    let low = s.b.ins().band_imm(at, 7);
    s.b.ins().trapnz(low, ir::TrapCode::HeapMisaligned);
    at
}

/// Appends `value` (little-endian) to the public output; bytes past ZisK's published window
/// are dropped, as the window is all there is.
fn commit(s: &mut crate::clif::Shim, value: ir::Value, ty: ir::Type) {
    let cursor = load_abs(&mut s.b, OUTPUT_CURSOR_ADDR);
    let (write, done) = (s.b.create_block(), s.b.create_block());
    let fits = s.b.ins().icmp_imm(IntCC::UnsignedLessThanOrEqual, cursor, (OUTPUT_SIZE - ty.bytes() as u64) as i64);
    s.b.ins().brif(fits, write, &[], done, &[]);
    s.b.switch_to_block(write);
    let at = s.b.ins().iadd_imm(cursor, OUTPUT_ADDR as i64);
    s.store(value, at, 0);
    let next = s.b.ins().iadd_imm(cursor, ty.bytes() as i64);
    store_abs(&mut s.b, next, OUTPUT_CURSOR_ADDR);
    s.b.ins().jump(done, &[]);
    s.b.switch_to_block(done);
    s.b.ins().return_(&[]);
}
