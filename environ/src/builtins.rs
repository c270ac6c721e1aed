//! Runtime routines the translated code calls (`memory.grow`, bulk memory and table ops),
//! generated as CLIF so that every back end compiles the same logic: the direct ZisK
//! backend and the cl-riscv baseline share them.

use cranelift_codegen::ir::types::{I32, I64, I8};
use cranelift_codegen::ir::{
    self, AbiParam, Block, InstBuilder, MemFlags, Signature, TrapCode, Type, Value,
};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

use crate::memory_map::*;
use crate::module::ModuleInfo;
use crate::names::{user_name, Intrinsic, NS_BUILTIN};

/// The trap of a bulk table operation out of bounds ("out of bounds table access"), told
/// apart from `call_indirect`'s TableOutOfBounds ("undefined element").
pub const TABLE_ACCESS_TRAP: TrapCode = TrapCode::User(1);

/// A runtime routine; its CLIF is built by [`Builtin::build`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u32)]
pub enum Builtin {
    /// (delta: i32) -> old pages, or -1
    MemoryGrow = 0,
    /// (dst: i32, value: i32, len: i32)
    MemoryFill = 2,
    /// (segment: i32, dst: i32, src: i32, len: i32)
    MemoryInit = 3,
    /// (dst_base: i64, dst_len: i64, src_base: i64, src_len: i64, dst: i32, src: i32, len: i32)
    TableCopy = 4,
    /// (segment: i32, table_base: i64, table_len: i64, dst: i32, src: i32, len: i32)
    TableInit = 5,
}

impl Builtin {
    // `memory.copy` has no builtin: it is one DMA op inline (inline_bulk.rs).
    pub const ALL: [Builtin; 5] = [
        Builtin::MemoryGrow,
        Builtin::MemoryFill,
        Builtin::MemoryInit,
        Builtin::TableCopy,
        Builtin::TableInit,
    ];

    pub fn from_index(index: u32) -> Option<Builtin> {
        Builtin::ALL.into_iter().find(|b| *b as u32 == index)
    }

    pub fn name(self) -> &'static str {
        match self {
            Builtin::MemoryGrow => "memory_grow",
            Builtin::MemoryFill => "memory_fill",
            Builtin::MemoryInit => "memory_init",
            Builtin::TableCopy => "table_copy",
            Builtin::TableInit => "table_init",
        }
    }

    fn params(self) -> &'static [Type] {
        match self {
            Builtin::MemoryGrow => &[I32],
            Builtin::MemoryFill => &[I32, I32, I32],
            Builtin::MemoryInit => &[I32, I32, I32, I32],
            Builtin::TableCopy => &[I64, I64, I64, I64, I32, I32, I32],
            Builtin::TableInit => &[I32, I64, I64, I32, I32, I32],
        }
    }

    fn returns(self) -> &'static [Type] {
        match self {
            Builtin::MemoryGrow => &[I32],
            _ => &[],
        }
    }

    pub fn signature(self) -> Signature {
        let mut sig = Signature::new(CallConv::Fast);
        sig.params.extend(self.params().iter().map(|&t| AbiParam::new(t)));
        sig.returns.extend(self.returns().iter().map(|&t| AbiParam::new(t)));
        sig
    }

    /// Declares this builtin in `func` so it can be called.
    pub fn import_into(self, func: &mut ir::Function) -> ir::FuncRef {
        let signature = func.import_signature(self.signature());
        let name = user_name(func, NS_BUILTIN, self as u32);
        func.import_function(ir::ExtFuncData { name, signature, colocated: true })
    }

    /// The routine's body for this module.
    pub fn build(self, module: &ModuleInfo) -> ir::Function {
        let mut func = ir::Function::with_name_signature(
            ir::UserFuncName::user(NS_BUILTIN, self as u32),
            self.signature(),
        );
        let mut ctx = FunctionBuilderContext::new();
        let mut b = FunctionBuilder::new(&mut func, &mut ctx);
        let entry = b.create_block();
        b.append_block_params_for_function_params(entry);
        b.switch_to_block(entry);
        let args = b.block_params(entry).to_vec();
        match self {
            Builtin::MemoryGrow => memory_grow(&mut b, module, args[0]),
            Builtin::MemoryFill => {
                let bound = load_abs(&mut b, MEMORY_BOUND_ADDR);
                let dst = heap_range(&mut b, args[0], args[2], bound);
                let len = b.ins().uextend(I64, args[2]);
                fill_bytes(&mut b, dst, args[1], len);
                b.ins().return_(&[]);
            }
            Builtin::MemoryInit => {
                let (seg_addr, seg_len) = descriptor(&mut b, DATA_DESCRIPTORS_ADDR, args[0]);
                let src = range_in(&mut b, seg_addr, args[2], args[3], seg_len, TrapCode::HeapOutOfBounds);
                let bound = load_abs(&mut b, MEMORY_BOUND_ADDR);
                let dst = heap_range(&mut b, args[1], args[3], bound);
                let len = b.ins().uextend(I64, args[3]);
                memmove(&mut b, dst, src, len, 1);
                b.ins().return_(&[]);
            }
            Builtin::TableCopy => {
                let dst = range_in(&mut b, args[0], args[4], args[6], args[1], TABLE_ACCESS_TRAP);
                let src = range_in(&mut b, args[2], args[5], args[6], args[3], TABLE_ACCESS_TRAP);
                let n = b.ins().uextend(I64, args[6]);
                let words = b.ins().ishl_imm(n, 1);
                memmove(&mut b, dst, src, words, 8);
                b.ins().return_(&[]);
            }
            Builtin::TableInit => {
                let (seg_addr, seg_len) = descriptor(&mut b, ELEM_DESCRIPTORS_ADDR, args[0]);
                let src = range_in(&mut b, seg_addr, args[4], args[5], seg_len, TABLE_ACCESS_TRAP);
                let dst = range_in(&mut b, args[1], args[3], args[5], args[2], TABLE_ACCESS_TRAP);
                let n = b.ins().uextend(I64, args[5]);
                let words = b.ins().ishl_imm(n, 1);
                memmove(&mut b, dst, src, words, 8);
                b.ins().return_(&[]);
            }
        }
        b.seal_all_blocks();
        b.finalize();
        func
    }
}

pub fn load_abs(b: &mut FunctionBuilder, addr: u64) -> Value {
    let a = b.ins().iconst(I64, addr as i64);
    b.ins().load(I64, MemFlags::trusted(), a, 0)
}

pub fn store_abs(b: &mut FunctionBuilder, value: Value, addr: u64) {
    let a = b.ins().iconst(I64, addr as i64);
    b.ins().store(MemFlags::trusted(), value, a, 0);
}

fn memory_grow(b: &mut FunctionBuilder, module: &ModuleInfo, delta: Value) {
    let max = module.memory.as_ref().map_or(0, |m| m.max_pages);
    let old = load_abs(b, MEMORY_PAGES_ADDR);
    let d = b.ins().uextend(I64, delta);
    let new = b.ins().iadd(old, d);
    let too_big = b.ins().icmp_imm(ir::condcodes::IntCC::UnsignedGreaterThan, new, max as i64);
    let (fail, ok) = (b.create_block(), b.create_block());
    b.ins().brif(too_big, fail, &[], ok, &[]);
    b.switch_to_block(fail);
    let minus_one = b.ins().iconst(I32, -1);
    b.ins().return_(&[minus_one]);
    b.switch_to_block(ok);
    store_abs(b, new, MEMORY_PAGES_ADDR);
    let bound = b.ins().ishl_imm(new, 16);
    store_abs(b, bound, MEMORY_BOUND_ADDR);
    let result = b.ins().ireduce(I32, old);
    b.ins().return_(&[result]);
}

/// The absolute address of linear-memory range [offset, offset + len), trapping unless it is
/// within `bound` bytes.
fn heap_range(b: &mut FunctionBuilder, offset: Value, len: Value, bound: Value) -> Value {
    let base = b.ins().iconst(I64, LINEAR_MEMORY_ADDR as i64);
    range_in(b, base, offset, len, bound, TrapCode::HeapOutOfBounds)
}

/// `base + offset * unit` for a range [offset, offset + len) of a region of `limit` units,
/// trapping with `code` when the range does not fit. The unit is 1 byte for memory and data
/// segments and one 16-byte entry for tables and element segments (told apart by the trap).
fn range_in(b: &mut FunctionBuilder, base: Value, offset: Value, len: Value, limit: Value, code: TrapCode) -> Value {
    let o = b.ins().uextend(I64, offset);
    let n = b.ins().uextend(I64, len);
    let end = b.ins().iadd(o, n);
    let out = b.ins().icmp(ir::condcodes::IntCC::UnsignedGreaterThan, end, limit);
    b.ins().trapnz(out, code);
    let scaled = if code == TABLE_ACCESS_TRAP { b.ins().ishl_imm(o, 4) } else { o };
    b.ins().iadd(base, scaled)
}

/// The [address, length] descriptor of passive segment `index` in the table at `table`.
fn descriptor(b: &mut FunctionBuilder, table: u64, index: Value) -> (Value, Value) {
    let i = b.ins().uextend(I64, index);
    let off = b.ins().ishl_imm(i, 4);
    let base = b.ins().iconst(I64, table as i64);
    let at = b.ins().iadd(base, off);
    let addr = b.ins().load(I64, MemFlags::trusted(), at, 0);
    let len = b.ins().load(I64, MemFlags::trusted(), at, 8);
    (addr, len)
}

/// Copies `count` units of `unit` bytes (1 or 8) from absolute `src` to `dst` with memmove
/// semantics (also used by the runtime shim): one ZisK DMA op, as ziskos' `memmove` is
/// (its effect against the word loops it replaced is in the crate README).
pub fn memmove(b: &mut FunctionBuilder, dst: Value, src: Value, count: Value, unit: i64) {
    let bytes = if unit == 1 { count } else { b.ins().imul_imm(count, unit) };
    let dma = Intrinsic::DmaMemmove.import_into(b.func);
    b.ins().call(dma, &[dst, src, bytes]);
}

/// Fills `len` bytes at `dst` with the low byte of `value`: a zero fill (nearly all of them:
/// zeroed buffers and allocations) is one ZisK DMA op, as in ziskos' `memset`; any other
/// byte is stored in 8-byte words, then bytes (the DMA fill takes its byte as an immediate).
fn fill_bytes(b: &mut FunctionBuilder, dst: Value, value: Value, len: Value) {
    let byte = b.ins().uextend(I64, value);
    let byte = b.ins().band_imm(byte, 0xff);
    let (zero_fill, byte_fill, done) = (b.create_block(), b.create_block(), b.create_block());
    b.ins().brif(byte, byte_fill, &[], zero_fill, &[]);
    b.switch_to_block(zero_fill);
    let dma = Intrinsic::DmaFillZero.import_into(b.func);
    b.ins().call(dma, &[dst, len]);
    b.ins().jump(done, &[]);
    b.switch_to_block(byte_fill);
    let word = b.ins().imul_imm(byte, 0x0101_0101_0101_0101);
    let zero = b.ins().iconst(I64, 0);
    let rest = fill_loop(b, dst, word, zero, len, 8);
    fill_loop(b, dst, word, rest, len, 1);
    b.ins().jump(done, &[]);
    b.switch_to_block(done);
}

fn fill_loop(b: &mut FunctionBuilder, dst: Value, word: Value, pos: Value, end: Value, step: i64) -> Value {
    let (head, body, exit): (Block, Block, Block) = (b.create_block(), b.create_block(), b.create_block());
    b.append_block_param(head, I64);
    b.append_block_param(exit, I64);
    b.ins().jump(head, &[pos]);
    b.switch_to_block(head);
    let p = b.block_params(head)[0];
    let remaining = b.ins().isub(end, p);
    let more = b.ins().icmp_imm(ir::condcodes::IntCC::UnsignedGreaterThanOrEqual, remaining, step);
    b.ins().brif(more, body, &[], exit, &[p]);
    b.switch_to_block(body);
    let d = b.ins().iadd(dst, p);
    let v = if step == 8 { word } else { b.ins().ireduce(I8, word) };
    b.ins().store(MemFlags::trusted(), v, d, 0);
    let next = b.ins().iadd_imm(p, step);
    b.ins().jump(head, &[next]);
    b.switch_to_block(exit);
    b.block_params(exit)[0]
}
