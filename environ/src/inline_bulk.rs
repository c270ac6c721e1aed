//! `memory.copy` and `memory.fill` inline. A copy, and a fill with the byte 0, of more than a
//! few words is one ZisK DMA op behind inline bounds checks (as ziskos' `memmove`/`memset`
//! are natively; no call into the builtin). A few words are cheaper as plain 8-byte stores
//! (and loads): rustc emits those for struct and array initialisation. Only a fill with a
//! non-constant or non-zero byte of unknown length still calls the builtin.

use cranelift_codegen::cursor::{FuncCursor};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I16, I32, I64, I8};
use cranelift_codegen::ir::{InstBuilder, InstructionData, MemFlags, Opcode, TrapCode, Type, Value};

use crate::memory_map::{LINEAR_MEMORY_ADDR, MEMORY_BOUND_ADDR};
use crate::names::Intrinsic;
use crate::BoundsChecks;

/// Longest fill done with plain stores, in bytes. A DMA fill costs about one step, the op's
/// 63 and its pre/post 104 where the ends are unaligned: beyond four aligned stores it wins.
pub const MAX_INLINE_FILL: u64 = 32;
/// Longest copy done with plain loads and stores (every word is loaded before any is stored:
/// memmove semantics). A DMA copy costs two steps (the count goes through ZisK's extra
/// parameter word) plus the op's costs: beyond two word pairs it wins.
pub const MAX_INLINE_COPY: u64 = 16;

/// The value of `v` if an `iconst` defines it.
pub fn constant(pos: &FuncCursor, v: Value) -> Option<u64> {
    let inst = pos.func.dfg.value_def(v).inst()?;
    match pos.func.dfg.insts[inst] {
        InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } => Some(imm.bits() as u64 & 0xffff_ffff),
        _ => None,
    }
}

/// The absolute address of linear-memory range [`ptr`, `ptr` + `len`), trapping as WebAssembly
/// requires when it does not fit in the current memory.
pub(crate) fn checked_range(pos: &mut FuncCursor, ptr: Value, len: u64, checks: BoundsChecks) -> Value {
    let p = pos.ins().uextend(I64, ptr);
    if checks == BoundsChecks::Checked {
        let end = pos.ins().iadd_imm(p, len as i64);
        trap_past_bound(pos, end);
    }
    pos.ins().iadd_imm(p, LINEAR_MEMORY_ADDR as i64)
}

/// Traps with WebAssembly's out-of-bounds trap when `end` lies past the current memory.
fn trap_past_bound(pos: &mut FuncCursor, end: Value) {
    let bound_addr = pos.ins().iconst(I64, MEMORY_BOUND_ADDR as i64);
    let bound = pos.ins().load(I64, MemFlags::trusted(), bound_addr, 0);
    let outside = pos.ins().icmp(IntCC::UnsignedGreaterThan, end, bound);
    pos.ins().trapnz(outside, TrapCode::HeapOutOfBounds);
}

/// The absolute address of [`ptr`, `ptr` + `len`) for a run-time `len` (an i32), trapping
/// as [`checked_range`] does. Returns the address and the length as an i64.
fn checked_dynamic_range(pos: &mut FuncCursor, ptr: Value, len: Value, checks: BoundsChecks) -> (Value, Value) {
    let p = pos.ins().uextend(I64, ptr);
    let n = pos.ins().uextend(I64, len);
    if checks == BoundsChecks::Checked {
        // Both are below 2^32: the sum cannot wrap.
        let end = pos.ins().iadd(p, n);
        trap_past_bound(pos, end);
    }
    (pos.ins().iadd_imm(p, LINEAR_MEMORY_ADDR as i64), n)
}

/// `memory.copy` of any length as one DMA op (memmove semantics; both ranges checked first,
/// so an out-of-bounds copy traps before writing anything, as WebAssembly requires).
pub fn dma_copy(pos: &mut FuncCursor, dst: Value, src: Value, len: Value, checks: BoundsChecks) {
    let (to, n) = checked_dynamic_range(pos, dst, len, checks);
    let (from, _) = checked_dynamic_range(pos, src, len, checks);
    let dma = Intrinsic::DmaMemmove.import_into(pos.func);
    pos.ins().call(dma, &[to, from, n]);
}

/// `memory.fill` with the byte 0, of any length, as one DMA op.
pub fn dma_fill_zero(pos: &mut FuncCursor, dst: Value, len: Value, checks: BoundsChecks) {
    let (to, n) = checked_dynamic_range(pos, dst, len, checks);
    let dma = Intrinsic::DmaFillZero.import_into(pos.func);
    pos.ins().call(dma, &[to, n]);
}

/// The access widths covering `len` bytes: 8-byte words, then 4, 2, 1.
fn pieces(len: u64) -> Vec<(u64, Type)> {
    let mut out = Vec::new();
    let mut at = 0;
    for (size, ty) in [(8u64, I64), (4, I32), (2, I16), (1, I8)] {
        while len - at >= size {
            out.push((at, ty));
            at += size;
        }
    }
    out
}

pub(crate) fn flags() -> MemFlags {
    // In bounds (checked above) but of unknown alignment.
    MemFlags::new().with_notrap()
}

pub fn fill(pos: &mut FuncCursor, dst: Value, val: Value, len: u64, checks: BoundsChecks) {
    let at = checked_range(pos, dst, len, checks);
    let byte = pos.ins().uextend(I64, val);
    let byte = pos.ins().band_imm(byte, 0xff);
    let word = pos.ins().imul_imm(byte, 0x0101_0101_0101_0101);
    for (offset, ty) in pieces(len) {
        let v = if ty == I64 { word } else { pos.ins().ireduce(ty, word) };
        pos.ins().store(flags(), v, at, offset as i32);
    }
}

pub fn copy(pos: &mut FuncCursor, dst: Value, src: Value, len: u64, checks: BoundsChecks) {
    let to = checked_range(pos, dst, len, checks);
    let from = checked_range(pos, src, len, checks);
    let loaded: Vec<(u64, Value)> = pieces(len).into_iter().map(|(offset, ty)| (offset, pos.ins().load(ty, flags(), from, offset as i32))).collect();
    for (offset, v) in loaded {
        pos.ins().store(flags(), v, to, offset as i32);
    }
}

#[cfg(test)]
mod tests {
    use super::pieces;
    use cranelift_codegen::ir::types::{I16, I32, I64, I8};

    #[test]
    fn pieces_cover_the_length_exactly() {
        assert_eq!(pieces(15), vec![(0, I64), (8, I32), (12, I16), (14, I8)]);
        assert_eq!(pieces(16), vec![(0, I64), (8, I64)]);
        assert!(pieces(0).is_empty());
    }
}
