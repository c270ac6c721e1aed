//! The memory bound out of call-free loops.
//!
//! Every checked access compares against the current memory size, a load from the instance
//! area, and against `bound - k` for its margin. Only `memory.grow` changes the bound, and it
//! is a call; so in a loop without calls the load and those subtractions are the same on every
//! iteration and move to the loop's preheader (the checks themselves stay where they are).

use std::collections::HashSet;

use cranelift_codegen::dominator_tree::DominatorTree;
use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir::{self, InstructionData, Opcode};
use cranelift_codegen::loop_analysis::LoopAnalysis;
use zisk_wasm_environ::memory_map::MEMORY_BOUND_ADDR;

use crate::isa::lower::symbol_address;
use crate::local_cse::iconst_value;

pub fn run(func: &mut ir::Function) {
    let cfg = ControlFlowGraph::with_function(func);
    let domtree = DominatorTree::with_function(func, &cfg);
    let mut loops = LoopAnalysis::new();
    loops.compute(func, &cfg, &domtree);
    // Innermost loops first, so what leaves an inner loop can leave its parent next.
    let mut order: Vec<_> = loops.loops().collect();
    order.sort_by_key(|&lp| std::cmp::Reverse(loops.loop_level(loops.loop_header(lp)).level()));
    for lp in order {
        let header = loops.loop_header(lp);
        let body: Vec<ir::Block> = func.layout.blocks().filter(|&b| loops.is_in_loop(b, lp)).collect();
        let has_call = body.iter().any(|&b| func.layout.block_insts(b).any(|i| func.dfg.insts[i].opcode().is_call()));
        if has_call {
            continue;
        }
        let mut outside = cfg.pred_iter(header).filter(|p| !loops.is_in_loop(p.block, lp));
        let (Some(pre), None) = (outside.next(), outside.next()) else { continue };
        let Some(jump) = func.layout.last_inst(pre.block) else { continue };
        if func.dfg.insts[jump].opcode() != Opcode::Jump {
            continue;
        }
        let mut hoisted: HashSet<ir::Value> = HashSet::new();
        loop {
            let mut moved = false;
            for &block in &body {
                let insts: Vec<ir::Inst> = func.layout.block_insts(block).collect();
                for inst in insts {
                    if !invariant(func, inst, &hoisted) {
                        continue;
                    }
                    // A subtraction's constant margin moves with it (the preheader dominates
                    // every other use of it too).
                    if let InstructionData::Binary { opcode: Opcode::Isub, args: [_, k] } = func.dfg.insts[inst] {
                        if let Some(k_inst) = func.dfg.value_def(func.dfg.resolve_aliases(k)).inst() {
                            if func.layout.inst_block(k_inst).is_some_and(|b| body.contains(&b)) {
                                func.layout.remove_inst(k_inst);
                                func.layout.insert_inst(k_inst, jump);
                            }
                        }
                    }
                    func.layout.remove_inst(inst);
                    func.layout.insert_inst(inst, jump);
                    hoisted.extend(func.dfg.inst_results(inst).iter().copied());
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
    }
}

/// The bound's address, the bound load, and the bound minus a constant, once their operands
/// are hoisted.
fn invariant(func: &ir::Function, inst: ir::Inst, hoisted: &HashSet<ir::Value>) -> bool {
    let is_hoisted = |v: ir::Value| hoisted.contains(&func.dfg.resolve_aliases(v));
    match func.dfg.insts[inst] {
        InstructionData::UnaryGlobalValue { opcode: Opcode::SymbolValue, global_value } => {
            symbol_address(func, global_value) == Some(MEMORY_BOUND_ADDR)
        }
        InstructionData::Load { opcode: Opcode::Load, arg, flags, offset } => {
            flags.notrap() && i32::from(offset) == 0 && is_hoisted(arg)
        }
        InstructionData::Binary { opcode: Opcode::Isub, args: [bound, k] } => is_hoisted(bound) && iconst_value(func, k).is_some(),
        _ => false,
    }
}
