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

use std::collections::HashMap;

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::{self, condcodes::IntCC, InstBuilder, InstructionData};

use crate::local_cse::{bounds_check, remove_dead_pure};

/// A run's first check of one (index, bound) pair and the margin it must end up with.
struct FirstCheck {
    inst: ir::Inst,
    margin: i64,
    widened: bool,
}

pub fn run(func: &mut ir::Function) {
    let blocks: Vec<ir::Block> = func.layout.blocks().collect();
    let mut merged_away = Vec::new();
    for block in blocks {
        let mut run: HashMap<(ir::Value, ir::Value), FirstCheck> = HashMap::new();
        let insts: Vec<ir::Inst> = func.layout.block_insts(block).collect();
        for inst in insts {
            if let Some((key, margin)) = bounds_check(func, inst) {
                match run.get_mut(&key) {
                    Some(first) => {
                        if margin > first.margin {
                            first.margin = margin;
                            first.widened = true;
                        }
                        merged_away.push(inst);
                    }
                    None => {
                        run.insert(key, FirstCheck { inst, margin, widened: false });
                    }
                }
                continue;
            }
            if ends_run(&func.dfg.insts[inst]) {
                widen(func, run.drain());
            }
        }
        widen(func, run.drain());
    }
    for inst in merged_away {
        func.layout.remove_inst(inst);
    }
    remove_dead_pure(func);
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
fn widen(func: &mut ir::Function, checks: impl Iterator<Item = ((ir::Value, ir::Value), FirstCheck)>) {
    for ((index, bound), first) in checks {
        if !first.widened {
            continue;
        }
        let ty = func.dfg.value_type(bound);
        let mut pos = FuncCursor::new(func).at_inst(first.inst);
        let margin = pos.ins().iconst(ty, first.margin);
        let limit = pos.ins().isub(bound, margin);
        let outside = pos.ins().icmp(IntCC::UnsignedGreaterThan, index, limit);
        let InstructionData::CondTrap { arg, .. } = &mut pos.func.dfg.insts[first.inst] else { unreachable!() };
        *arg = outside;
    }
}
