//! One bounds check per pointer per straight-line run: the first check of an index against
//! the memory bound is widened to the largest margin any later access through the same index
//! needs, and the later checks are deleted.
//!
//! Rust code reads a struct's fields through one base pointer at growing offsets, and each
//! offset is a new, larger margin that `local_cse` cannot prove already passed. Trapping at
//! the first access instead of a later one changes nothing observable as long as nothing in
//! between could end the run otherwise or be seen outside: a call (it could exit or write
//! output) or a trap of another kind ends the run of widening. Stores in between may happen
//! or not: a trapped run's memory is never read. Only within one block, so every check being
//! merged would have run.
//!
//! Pointer arithmetic in WebAssembly wraps at 32 bits, so `p + 1` is a new index, not `p`
//! with one more byte of margin — unless `p` itself passed a check: then `p` lies below the
//! memory bound, which ZisK's memory map keeps far under 4 GiB, and `p + c` for a modest
//! positive `c` cannot wrap. Such an index joins `p`'s check with `c` more margin, and the
//! accesses after it in the block address `zext(p) + c`, which folds into their offset.

use std::collections::HashMap;

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::{self, condcodes::IntCC, types, InstBuilder, InstructionData, Opcode};
use zisk_wasm_environ::memory_map::{LINEAR_MEMORY_ADDR, LINEAR_MEMORY_END};

use crate::local_cse::{bounds_check, iconst_value, remove_dead_pure};

/// Largest constant `c` for which `p + c` cannot wrap once `p` is below the memory bound.
const MAX_FOLDED_OFFSET: i64 = 1 << 28;
const _: () = assert!(LINEAR_MEMORY_END - LINEAR_MEMORY_ADDR + (MAX_FOLDED_OFFSET as u64) < 1 << 32);

/// A run's first check of one (index, bound) pair and the margin it must end up with.
struct FirstCheck {
    /// Position in the block, counted in checks.
    order: usize,
    inst: ir::Inst,
    margin: i64,
    widened: bool,
}

pub fn run(func: &mut ir::Function) {
    let blocks: Vec<ir::Block> = func.layout.blocks().collect();
    let mut merged_away = Vec::new();
    for block in blocks {
        let mut run: HashMap<(ir::Value, ir::Value), FirstCheck> = HashMap::new();
        let mut limits = HashMap::new();
        // (p, bound) → zext(p), for the i32 pointers p whose zero extension passed a check.
        let mut checked_pointers: HashMap<(ir::Value, ir::Value), ir::Value> = HashMap::new();
        // Indices `zext(p + c)` replaced by `zext(p) + c` for the rest of the block.
        let mut replaced: HashMap<ir::Value, ir::Value> = HashMap::new();
        let insts: Vec<ir::Inst> = func.layout.block_insts(block).collect();
        for inst in insts {
            if !replaced.is_empty() {
                for arg in func.dfg.inst_args_mut(inst) {
                    if let Some(&new) = replaced.get(arg) {
                        *arg = new;
                    }
                }
            }
            if let Some(((index, bound), margin)) = bounds_check(func, inst) {
                let (key, margin) = match pointer_plus_constant(func, index) {
                    Some((pointer, c)) if !run.contains_key(&(index, bound)) => {
                        match checked_pointers.get(&(pointer, bound)) {
                            Some(&extended) => {
                                let mut pos = FuncCursor::new(func).at_inst(inst);
                                let offset = pos.ins().iconst(types::I64, c);
                                let folded = pos.ins().iadd(extended, offset);
                                replaced.insert(index, folded);
                                ((extended, bound), margin + c)
                            }
                            None => ((index, bound), margin),
                        }
                    }
                    _ => ((index, bound), margin),
                };
                if let Some(pointer) = extension_of(func, index) {
                    checked_pointers.entry((pointer, bound)).or_insert(index);
                }
                match run.get_mut(&key) {
                    Some(first) => {
                        if margin > first.margin {
                            first.margin = margin;
                            first.widened = true;
                        }
                        merged_away.push(inst);
                    }
                    None => {
                        let order = run.len();
                        run.insert(key, FirstCheck { order, inst, margin, widened: false });
                    }
                }
                continue;
            }
            if ends_run(&func.dfg.insts[inst]) {
                widen(func, run.drain(), &mut limits);
                // Its entries must name checks of the current run, which `p + c` merges into.
                checked_pointers.clear();
            }
        }
        widen(func, run.drain(), &mut limits);
    }
    for inst in merged_away {
        func.layout.remove_inst(inst);
    }
    remove_dead_pure(func);
}

/// `p` when `index` is `uextend.i64 p` of an i32 `p`.
fn extension_of(func: &ir::Function, index: ir::Value) -> Option<ir::Value> {
    let def = func.dfg.value_def(index).inst()?;
    match func.dfg.insts[def] {
        InstructionData::Unary { opcode: Opcode::Uextend, arg } if func.dfg.value_type(arg) == types::I32 => {
            Some(func.dfg.resolve_aliases(arg))
        }
        _ => None,
    }
}

/// `(p, c)` when `index` is `uextend.i64 (iadd.i32 p, c)` with `0 < c <= MAX_FOLDED_OFFSET`.
fn pointer_plus_constant(func: &ir::Function, index: ir::Value) -> Option<(ir::Value, i64)> {
    let sum = extension_of(func, index)?;
    let def = func.dfg.value_def(sum).inst()?;
    let constant = |v: ir::Value| iconst_value(func, v).map(|c| c as u32 as i64);
    let (pointer, c) = match func.dfg.insts[def] {
        InstructionData::Binary { opcode: Opcode::Iadd, args: [a, b] } => match (constant(a), constant(b)) {
            (None, Some(c)) => (a, c),
            (Some(c), None) => (b, c),
            _ => return None,
        },
        InstructionData::BinaryImm64 { opcode: Opcode::IaddImm, arg, imm } => (arg, imm.bits() as u32 as i64),
        _ => return None,
    };
    (1..=MAX_FOLDED_OFFSET).contains(&c).then(|| (func.dfg.resolve_aliases(pointer), c))
}

/// Calls, and any trap but an out-of-bounds access, end a run (memory accesses do not).
fn ends_run(data: &InstructionData) -> bool {
    let opcode = data.opcode();
    if opcode.is_call() || opcode.other_side_effects() {
        return true;
    }
    if opcode.can_load() || opcode.can_store() {
        return false;
    }
    opcode.can_trap()
}

/// Rewrites each widened first check as `trapnz (icmp ugt index, (isub bound, margin))`.
/// Checks are rewritten in block order, so a limit computed for an earlier one can serve the
/// later ones with the same margin (`limits`, per block).
fn widen(
    func: &mut ir::Function,
    checks: impl Iterator<Item = ((ir::Value, ir::Value), FirstCheck)>,
    limits: &mut HashMap<(ir::Value, i64), ir::Value>,
) {
    let mut checks: Vec<_> = checks.filter(|(_, first)| first.widened).collect();
    checks.sort_by_key(|(_, first)| first.order);
    for ((index, bound), first) in checks {
        let ty = func.dfg.value_type(bound);
        let mut pos = FuncCursor::new(func).at_inst(first.inst);
        let limit = *limits.entry((bound, first.margin)).or_insert_with(|| {
            let margin = pos.ins().iconst(ty, first.margin);
            pos.ins().isub(bound, margin)
        });
        let outside = pos.ins().icmp(IntCC::UnsignedGreaterThan, index, limit);
        let InstructionData::CondTrap { arg, .. } = &mut pos.func.dfg.insts[first.inst] else { unreachable!() };
        *arg = outside;
    }
}
