//! `memory.fill` / `memory.copy` of a small constant length, inline: a few 8-byte stores (and
//! loads) instead of a call into the builtin's loop. rustc emits these for struct and array
//! initialisation (e.g. a zeroed `[u64; 25]` Keccak state), where the loop's per-word
//! overhead and the call cost more than the copy itself.

use cranelift_codegen::cursor::{FuncCursor};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I16, I32, I64, I8};
use cranelift_codegen::ir::{InstBuilder, InstructionData, MemFlags, Opcode, TrapCode, Type, Value};

use crate::memory_map::{LINEAR_MEMORY_ADDR, MEMORY_BOUND_ADDR};
use crate::BoundsChecks;

/// Longest fill done inline, in bytes.
pub const MAX_INLINE_FILL: u64 = 512;
/// Longest copy done inline (every word is loaded before any is stored: memmove semantics).
pub const MAX_INLINE_COPY: u64 = 256;

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
fn checked_range(pos: &mut FuncCursor, ptr: Value, len: u64, checks: BoundsChecks) -> Value {
    let p = pos.ins().uextend(I64, ptr);
    if checks == BoundsChecks::Checked {
        let end = pos.ins().iadd_imm(p, len as i64);
        let bound_addr = pos.ins().iconst(I64, MEMORY_BOUND_ADDR as i64);
        let bound = pos.ins().load(I64, MemFlags::trusted(), bound_addr, 0);
        let outside = pos.ins().icmp(IntCC::UnsignedGreaterThan, end, bound);
        pos.ins().trapnz(outside, TrapCode::HeapOutOfBounds);
    }
    pos.ins().iadd_imm(p, LINEAR_MEMORY_ADDR as i64)
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

fn flags() -> MemFlags {
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
