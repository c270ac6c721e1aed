//! Common-subexpression elimination over extended basic blocks (a block whose only
//! predecessor is the previous one continues its tables), run after legalization (the default
//! mid-end has no GVN, see `optimize.rs`). Every bounds check ends a block (`brif` to a trap),
//! so the runs of accesses this is for span many blocks with one predecessor each.
//!
//! What it targets: every checked linear-memory access re-derives the same values — the
//! zero-extended index, the memory bound loaded from the instance area, the heap base — and
//! a run of stores to one struct repeats them per field. Within a block, a later identical
//! pure instruction becomes an alias of the first; a later load of the same non-heap location
//! (the bound, a global, a table word) reuses the first load until a call or a non-heap store
//! could have changed it. Heap stores cannot: they land inside linear memory, which never
//! overlaps the instance area, globals or tables (see `environ::memory_map`).
//!
//! With the operands shared, a bounds check of an index already checked against the same
//! bound with at least as large a margin cannot fail, nor can a conditional trap on a condition
//! an earlier one already tested: such traps are deleted, and the compares left unused too.
//! (Nothing moves: a check is only ever dropped, never hoisted, so traps happen exactly where
//! WebAssembly says.) Conditional traps are single instructions here (`trap_blocks.rs`).
//!
//! One check cannot fail at all: an access at a constant address has the index 0 with the
//! address in the offset, checked (within the memory's minimum size) as `0 > bound - k`, and
//! no unsigned value is below 0. (Beyond the minimum size Cranelift checks `0 + k > bound`,
//! a real check, kept.) eth_block has 3,282 of them; deleting them and their subtraction
//! took eth_block_accelerated direct from 59,246,268 to 59,014,262 steps and 7,174,537,358 to
//! 7,141,110,199 VARIABLE.

use std::collections::HashMap;

use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir::{self, AliasRegion, InstructionData, Opcode};

/// Tables larger than this start over (keeps the per-block copies cheap in huge functions).
const MAX_ENTRIES: usize = 512;

#[derive(Clone, Default)]
struct Tables {
    pure: HashMap<Key, ir::Value>,
    loads: HashMap<Key, ir::Value>,
    /// Bounds checks passed: (index, bound) → the largest `k` with `index <= bound - k` known.
    /// A later check of the same index against the same bound with a `k` no larger cannot fail.
    checked: HashMap<(ir::Value, ir::Value), i64>,
    /// Conditions of traps passed: `trapnz c` leaves c known zero, `trapz c` known non-zero.
    passed: HashMap<ir::Value, bool>,
}

/// What identifies a computation: opcode, result type, operand values and immediates (the
/// instruction's own Debug form with aliases resolved carries all of them).
type Key = (ir::Type, String);

pub fn run(func: &mut ir::Function) {
    let cfg = ControlFlowGraph::with_function(func);
    let blocks: Vec<ir::Block> = func.layout.blocks().collect();
    let mut at_end: HashMap<ir::Block, Tables> = HashMap::new();
    for block in blocks {
        let mut preds = cfg.pred_iter(block);
        let tables = match (preds.next(), preds.next()) {
            (Some(p), None) if p.block != block => at_end.get(&p.block).cloned().unwrap_or_default(),
            _ => Tables::default(),
        };
        let Tables { mut pure, mut loads, mut checked, mut passed } = tables;
        if pure.len() + loads.len() + checked.len() + passed.len() > MAX_ENTRIES {
            pure.clear();
            loads.clear();
            checked.clear();
            passed.clear();
        }
        let insts: Vec<ir::Inst> = func.layout.block_insts(block).collect();
        for inst in insts {
            // Operands first: earlier eliminations left aliases behind.
            let args: Vec<ir::Value> = func.dfg.inst_args(inst).iter().map(|&v| func.dfg.resolve_aliases(v)).collect();
            func.dfg.inst_args_mut(inst).copy_from_slice(&args);
            let data = func.dfg.insts[inst];
            let opcode = data.opcode();
            if let InstructionData::CondTrap { opcode, arg, .. } = data {
                let nonzero_after = opcode == Opcode::Trapz;
                if passed.get(&arg) == Some(&nonzero_after) || zero_index_check(func, inst) {
                    func.layout.remove_inst(inst);
                    continue;
                }
                if let Some((key, k)) = bounds_check(func, inst) {
                    if checked.get(&key).is_some_and(|&known| known >= k) {
                        // Passed already with a larger margin.
                        func.layout.remove_inst(inst);
                        continue;
                    }
                    let best = checked.get(&key).copied().unwrap_or(i64::MIN).max(k);
                    checked.insert(key, best);
                }
                passed.insert(arg, nonzero_after);
                continue;
            }
            if opcode.is_call() {
                loads.clear();
                continue;
            }
            if opcode.can_store() {
                let heap = data.memflags().is_some_and(|f| f.alias_region() == Some(AliasRegion::Heap));
                if !heap {
                    loads.clear();
                }
                continue;
            }
            let results = func.dfg.inst_results(inst);
            if results.len() != 1 {
                continue;
            }
            let result = results[0];
            let key = (func.dfg.value_type(result), format!("{data:?}"));
            let table = if opcode == Opcode::Load {
                let reusable = data.memflags().is_some_and(|f| f.notrap() && f.alias_region() != Some(AliasRegion::Heap));
                if !reusable {
                    continue;
                }
                &mut loads
            } else if is_pure(&data) {
                &mut pure
            } else {
                continue;
            };
            match table.get(&key) {
                Some(&earlier) => {
                    func.layout.remove_inst(inst);
                    // Detached first: an alias must not stay an instruction's result.
                    func.dfg.clear_results(inst);
                    func.dfg.change_to_alias(result, earlier);
                }
                None => {
                    table.insert(key, result);
                }
            }
        }
        if cfg.succ_iter(block).any(|s| cfg.pred_iter(s).count() == 1) {
            at_end.insert(block, Tables { pure, loads, checked, passed });
        }
    }
    // Branch arguments and other blocks may still name removed values.
    func.dfg.resolve_all_aliases();
    remove_dead_pure(func);
}

/// Removes pure instructions (and reusable loads) whose results nothing uses: the compares
/// and subtractions of the bounds checks made redundant above.
pub(crate) fn remove_dead_pure(func: &mut ir::Function) {
    loop {
        let mut used = std::collections::HashSet::new();
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                for v in func.dfg.inst_values(inst) {
                    used.insert(func.dfg.resolve_aliases(v));
                }
            }
        }
        let mut dead = Vec::new();
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                let data = func.dfg.insts[inst];
                let removable = is_pure(&data)
                    || (data.opcode() == Opcode::Load && data.memflags().is_some_and(|f| f.notrap() && f.alias_region() != Some(AliasRegion::Heap)));
                if removable && func.dfg.inst_results(inst).iter().all(|r| !used.contains(r)) {
                    dead.push(inst);
                }
            }
        }
        if dead.is_empty() {
            return;
        }
        for inst in dead {
            func.layout.remove_inst(inst);
        }
    }
}

/// `trapnz (icmp ugt index, (isub bound, k)), heap_oob` — the dynamic bounds check the environ
/// emits — or `trapnz (icmp uge index, bound), heap_oob` (the same with k = 1, as Cranelift
/// writes it for one-byte accesses). Returns ((index, bound), k).
pub(crate) fn bounds_check(func: &ir::Function, inst: ir::Inst) -> Option<((ir::Value, ir::Value), i64)> {
    let InstructionData::CondTrap { opcode: Opcode::Trapnz, arg, code: ir::TrapCode::HeapOutOfBounds } = func.dfg.insts[inst] else {
        return None;
    };
    let cond = func.dfg.resolve_aliases(arg);
    let icmp = func.dfg.value_def(cond).inst()?;
    use ir::condcodes::IntCC;
    let (index, limit) = match func.dfg.insts[icmp] {
        InstructionData::IntCompare { cond: IntCC::UnsignedGreaterThanOrEqual, args: [index, bound], .. } => {
            return Some(((func.dfg.resolve_aliases(index), func.dfg.resolve_aliases(bound)), 1));
        }
        InstructionData::IntCompare { cond: IntCC::UnsignedGreaterThan, args: [index, limit], .. } => (index, limit),
        _ => return None,
    };
    let sub = func.dfg.value_def(func.dfg.resolve_aliases(limit)).inst()?;
    let InstructionData::Binary { opcode: Opcode::Isub, args: [bound, k] } = func.dfg.insts[sub] else { return None };
    Some(((func.dfg.resolve_aliases(index), func.dfg.resolve_aliases(bound)), iconst_value(func, k)?))
}

/// A heap-bounds trap on `icmp ugt 0, x` (the bound check of index 0), constant false: no
/// unsigned value is below 0.
fn zero_index_check(func: &ir::Function, inst: ir::Inst) -> bool {
    use ir::condcodes::IntCC;
    let InstructionData::CondTrap { opcode: Opcode::Trapnz, arg, code: ir::TrapCode::HeapOutOfBounds } = func.dfg.insts[inst] else {
        return false;
    };
    let Some(icmp) = func.dfg.value_def(func.dfg.resolve_aliases(arg)).inst() else { return false };
    let is_zero = |v: ir::Value| {
        let v = func.dfg.resolve_aliases(v);
        let v = match func.dfg.value_def(v).inst().map(|i| func.dfg.insts[i]) {
            Some(InstructionData::Unary { opcode: Opcode::Uextend, arg }) => func.dfg.resolve_aliases(arg),
            _ => v,
        };
        iconst_value(func, v) == Some(0)
    };
    match func.dfg.insts[icmp] {
        InstructionData::IntCompare { cond: IntCC::UnsignedGreaterThan, args: [zero, _], .. } => is_zero(zero),
        _ => false,
    }
}

/// The immediate when `v` is an `iconst` (as Cranelift stores it, sign-extended to 64 bits).
pub(crate) fn iconst_value(func: &ir::Function, v: ir::Value) -> Option<i64> {
    match func.dfg.insts[func.dfg.value_def(func.dfg.resolve_aliases(v)).inst()?] {
        InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } => Some(imm.bits()),
        _ => None,
    }
}

/// Side-effect-free, non-trapping instructions whose result depends only on their operands.
fn is_pure(data: &InstructionData) -> bool {
    let opcode = data.opcode();
    if opcode.can_trap() || opcode.can_load() || opcode.can_store() || opcode.is_call() || opcode.is_branch() || opcode.is_terminator() || opcode.other_side_effects() {
        return false;
    }
    matches!(
        data,
        InstructionData::Unary { .. }
            | InstructionData::UnaryImm { .. }
            | InstructionData::UnaryGlobalValue { .. }
            | InstructionData::Binary { .. }
            | InstructionData::BinaryImm64 { .. }
            | InstructionData::BinaryImm8 { .. }
            | InstructionData::IntCompare { .. }
            | InstructionData::IntCompareImm { .. }
            | InstructionData::Ternary { .. }
    )
}
