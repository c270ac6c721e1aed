//! Store-to-load forwarding and redundant-load removal in linear memory, over extended basic
//! blocks as `local_cse` walks them. A load of the location a store or load earlier in the run
//! accessed, with the same type and nothing in between that could have written it, takes
//! that value instead of reading memory.
//!
//! LLVM already forwards what it can see in a wasm function; what it cannot see is what we
//! inline: `__multi3`'s product goes through its result slot (`environ::wide_multiply`), and
//! short `memory.copy`s become word loads and stores (`environ::inline_bulk`) whose
//! destination the code then reads.
//!
//! Addresses are compared as `zext(index + k) + c` (index an i32 value, k and c constants).
//! WebAssembly's i32 arithmetic wraps, so `zext(index + k)` is `zext(index) + k` or that minus
//! 2^32; two accesses with the same index and the same k + c have the same address whenever
//! both are in bounds (an access whose address wrapped is below 2^32 only when the other one
//! would lie past 4 GiB, so one of the two fails its own bounds check, which stays). Overlap
//! between different k + c is therefore judged modulo 2^32. A store through a different index
//! may write anywhere in linear memory; a store to an absolute address (a global) can only
//! hit the locations whose range of possible addresses covers it; calls and anything else
//! with side effects forget everything.
//!
//! Measured (direct): u256_modarith 27,895,607 → 27,778,230 steps, 2,749,085,252 →
//! 2,740,514,355 VARIABLE; the rest of the benchmarks within ±0.01%.

use std::collections::HashMap;

use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir::{self, InstructionData, Opcode};
use zisk_wasm_environ::names::{resolve, DataSymbol, NS_DATA};

use crate::local_cse::iconst_value;

/// Locations remembered per run (beyond this, the oldest are forgotten).
const MAX_ENTRIES: usize = 64;

/// Where an access goes: `zext(index + k) + c`, or (no index) the absolute address `c`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Location {
    index: Option<ir::Value>,
    /// k + c: what two accesses of one index compare.
    offset: i64,
    /// c: the address is at least this (zext(..) is non-negative).
    floor: i64,
}

#[derive(Clone, Copy)]
struct Known {
    at: Location,
    bytes: i64,
    ty: ir::Type,
    value: ir::Value,
}

pub fn run(func: &mut ir::Function) {
    let cfg = ControlFlowGraph::with_function(func);
    let blocks: Vec<ir::Block> = func.layout.blocks().collect();
    let mut at_end: HashMap<ir::Block, Vec<Known>> = HashMap::new();
    for block in blocks {
        let mut preds = cfg.pred_iter(block);
        let mut known = match (preds.next(), preds.next()) {
            (Some(p), None) if p.block != block => at_end.get(&p.block).cloned().unwrap_or_default(),
            _ => Vec::new(),
        };
        let insts: Vec<ir::Inst> = func.layout.block_insts(block).collect();
        for inst in insts {
            let data = func.dfg.insts[inst];
            let opcode = data.opcode();
            match data {
                InstructionData::Load { opcode: Opcode::Load, arg, offset, .. } => {
                    let ty = func.dfg.value_type(func.dfg.first_result(inst));
                    let Some(at) = location(func, arg, offset.into()) else { continue };
                    let result = func.dfg.first_result(inst);
                    if let Some(earlier) = known.iter().rev().find(|k| k.at == at && k.ty == ty) {
                        let value = earlier.value;
                        func.layout.remove_inst(inst);
                        func.dfg.clear_results(inst);
                        func.dfg.change_to_alias(result, value);
                    } else if at.index.is_some() {
                        // An absolute location's load (instance state, a global) is not kept
                        // for reuse: reloading costs an 11-cost read, keeping the value live
                        // through a Keccak round cost spills (iter_keccak +0.3% VARIABLE).
                        // What a store just wrote is still forwarded.
                        remember(&mut known, Known { at, bytes: ty.bytes() as i64, ty, value: result });
                    }
                }
                InstructionData::Store { opcode, args: [value, addr], offset, .. } => {
                    let bytes = match opcode {
                        Opcode::Istore8 => 1,
                        Opcode::Istore16 => 2,
                        Opcode::Istore32 => 4,
                        _ => func.dfg.value_type(value).bytes() as i64,
                    };
                    let Some(at) = location(func, addr, offset.into()) else {
                        known.clear();
                        continue;
                    };
                    known.retain(|k| !may_overlap(k.at, k.bytes, at, bytes));
                    if opcode == Opcode::Store {
                        let ty = func.dfg.value_type(value);
                        remember(&mut known, Known { at, bytes, ty, value: func.dfg.resolve_aliases(value) });
                    }
                }
                _ if opcode.can_store() || opcode.is_call() || opcode.other_side_effects() => known.clear(),
                _ => {}
            }
        }
        if cfg.succ_iter(block).any(|s| cfg.pred_iter(s).count() == 1) {
            at_end.insert(block, known);
        }
    }
    func.dfg.resolve_all_aliases();
}

fn remember(known: &mut Vec<Known>, k: Known) {
    if known.len() == MAX_ENTRIES {
        known.remove(0);
    }
    known.push(k);
}

/// Whether `bytes_a` at `a` and `bytes_b` at `b` can share a byte.
fn may_overlap(a: Location, bytes_a: i64, b: Location, bytes_b: i64) -> bool {
    match (a.index, b.index) {
        // Same index: the distance is known modulo 2^32.
        (Some(x), Some(y)) if x == y => {
            let d = (b.offset - a.offset).rem_euclid(1 << 32);
            d < bytes_a || (1 << 32) - d < bytes_b
        }
        (Some(_), Some(_)) => true,
        // Absolute addresses are exact.
        (None, None) => a.offset < b.offset + bytes_b && b.offset < a.offset + bytes_a,
        // An indexed access lies in [floor, floor + 2^32 + bytes).
        (Some(_), None) => b.offset < a.floor + (1 << 32) + bytes_a && a.floor < b.offset + bytes_b,
        (None, Some(_)) => may_overlap(b, bytes_b, a, bytes_a),
    }
}

/// The location of `addr + offset`, when `addr` has the shape this pass understands.
fn location(func: &ir::Function, addr: ir::Value, offset: i64) -> Option<Location> {
    let (index, k, c) = split(func, addr, 0)?;
    Some(Location { index, offset: k + c + offset, floor: c + offset })
}

/// `v` as (index, k, c): `zext(index + k) + c`. None for shapes it does not follow.
fn split(func: &ir::Function, v: ir::Value, depth: u32) -> Option<(Option<ir::Value>, i64, i64)> {
    let v = func.dfg.resolve_aliases(v);
    if depth > 8 {
        return None;
    }
    if let Some(c) = iconst_value(func, v) {
        return Some((None, 0, c));
    }
    let inst = func.dfg.value_def(v).inst()?;
    match func.dfg.insts[inst] {
        InstructionData::UnaryGlobalValue { opcode: Opcode::SymbolValue, global_value } => {
            let ir::GlobalValueData::Symbol { name, offset, .. } = &func.global_values[global_value] else { return None };
            let (NS_DATA, i) = resolve(func, name)? else { return None };
            Some((None, 0, DataSymbol::from_index(i)?.address() as i64 + offset.bits()))
        }
        InstructionData::Binary { opcode: Opcode::Iadd, args: [a, b] } if func.dfg.value_type(v) == ir::types::I64 => {
            let (ia, ka, ca) = split(func, a, depth + 1)?;
            let (ib, kb, cb) = split(func, b, depth + 1)?;
            match (ia, ib) {
                (Some(_), Some(_)) => None,
                (index, None) if kb == 0 => Some((index, ka, ca + cb)),
                (None, index) if ka == 0 => Some((index, kb, ca + cb)),
                _ => None,
            }
        }
        InstructionData::Unary { opcode: Opcode::Uextend, arg } if func.dfg.value_type(arg) == ir::types::I32 => {
            Some(match split_i32(func, arg) {
                (None, c) => (None, 0, c),
                (index, k) => (index, k, 0),
            })
        }
        _ => None,
    }
}

/// An i32 `v` as (index, k): `index + k` with k in [0, 2^32), or (None, v) for a constant.
fn split_i32(func: &ir::Function, v: ir::Value) -> (Option<ir::Value>, i64) {
    let v = func.dfg.resolve_aliases(v);
    if let Some(c) = iconst_value(func, v) {
        return (None, c & 0xffff_ffff);
    }
    if let Some(inst) = func.dfg.value_def(v).inst() {
        if let InstructionData::Binary { opcode: Opcode::Iadd, args: [a, b] } = func.dfg.insts[inst] {
            if let Some(k) = iconst_value(func, b) {
                return (Some(func.dfg.resolve_aliases(a)), k & 0xffff_ffff);
            }
            if let Some(k) = iconst_value(func, a) {
                return (Some(func.dfg.resolve_aliases(b)), k & 0xffff_ffff);
            }
        }
    }
    (Some(v), 0)
}
