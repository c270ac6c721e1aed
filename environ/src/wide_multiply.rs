//! 128-bit multiplication inline. On wasm32, Rust's `u128`/`i128` products (ruint, bigint
//! and field code, `u64::widening_mul`) call compiler-builtins' `__multi3`, which WebAssembly
//! spells out in 32-bit halves: about 60 instructions and a call. ZisK has the 64×64 high
//! product native RISC-V uses (`muluh`), so at each call site the product becomes `imul` +
//! `umulhi` plus the cross terms (none for a zero high half), and two 8-byte stores to the
//! result slot, which is what the callee would write.
//!
//! The callee is recognised by its name-section name and its type, `(i32 i64 i64 i64 i64)`
//! → `()`: the wasm32 ABI of `__multi3(ret, a_lo, a_hi, b_lo, b_hi)`. Names beginning with
//! `__` are reserved for the implementation in C and Rust, so a module that defines
//! `__multi3` defines compiler-builtins' routine. A stripped module keeps the call.
//!
//! Measured (direct, same wasm): u256_modarith 52,701,623 → 27,895,607 steps and
//! 5,271,368,323 → 2,749,085,252 VARIABLE; eth_block −0.5% steps (revm's U256 arithmetic).

use cranelift_codegen::cursor::FuncCursor;
use cranelift_codegen::ir::{self, InstBuilder, InstructionData, Opcode, Value};
use cranelift_wasm::{FuncIndex, WasmValType};

use crate::inline_bulk;
use crate::module::ModuleInfo;
use crate::BoundsChecks;

/// Whether calls to `func` are replaced by [`multiply_inline`].
pub fn is_multi3(module: &ModuleInfo, func: FuncIndex) -> bool {
    use WasmValType::{I32, I64};
    let decl = &module.functions[func.as_u32() as usize];
    let ty = module.func_type(func);
    decl.import.is_none()
        && decl.name.as_deref() == Some("__multi3")
        && ty.params() == [I32, I64, I64, I64, I64]
        && ty.returns().is_empty()
}

fn is_zero(pos: &FuncCursor, v: Value) -> bool {
    let Some(inst) = pos.func.dfg.value_def(v).inst() else { return false };
    matches!(pos.func.dfg.insts[inst], InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } if imm.bits() == 0)
}

/// `__multi3(ret, a_lo, a_hi, b_lo, b_hi)` inline: stores the low 128 bits of the product
/// at `ret` (bounds-checked as the callee's stores are). Returns the last store, which has no
/// results, as the call it replaces had none.
pub fn multiply_inline(pos: &mut FuncCursor, args: &[Value], checks: BoundsChecks) -> ir::Inst {
    let [ret, a_lo, a_hi, b_lo, b_hi] = args else { unreachable!("is_multi3 checked the type") };
    let lo = pos.ins().imul(*a_lo, *b_lo);
    let mut hi = pos.ins().umulhi(*a_lo, *b_lo);
    for (x, y) in [(*a_lo, *b_hi), (*a_hi, *b_lo)] {
        if !is_zero(pos, x) && !is_zero(pos, y) {
            let cross = pos.ins().imul(x, y);
            hi = pos.ins().iadd(hi, cross);
        }
    }
    let at = inline_bulk::checked_range(pos, *ret, 16, checks);
    pos.ins().store(inline_bulk::flags(), lo, at, 0);
    pos.ins().store(inline_bulk::flags(), hi, at, 8)
}
