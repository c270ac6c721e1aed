//! Conditional traps back into single instructions, and the blocks they split joined again.
//!
//! Cranelift's legalizer turns every `trapnz`/`trapz` into a `brif` to a cold block holding
//! only a `trap`. With a bounds check per memory access, straight-line WebAssembly then becomes
//! chains of tiny blocks, and register allocation pays at every block edge: a value allocated
//! differently on two sides of an edge costs a move there, inside the hottest loops. ZisK
//! compares and jumps to a trap in one instruction that need not end a block (`MInst::TrapIf`),
//! so here such branches become `trapnz`/`trapz` again and a block that is the only successor
//! of its only predecessor is appended to it.

use std::collections::HashMap;

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::flowgraph::ControlFlowGraph;
use cranelift_codegen::ir::{self, InstBuilder, InstructionData, Opcode};

pub fn run(func: &mut ir::Function) {
    fold_trap_branches(func);
    join_straight_line_blocks(func);
}

/// The trap code if `block` does nothing but trap (and takes no parameters).
fn trap_only(func: &ir::Function, block: ir::Block) -> Option<ir::TrapCode> {
    if !func.dfg.block_params(block).is_empty() {
        return None;
    }
    match func.dfg.insts[func.layout.first_inst(block)?] {
        InstructionData::Trap { code, .. } => Some(code),
        _ => None,
    }
}

fn fold_trap_branches(func: &mut ir::Function) {
    let blocks: Vec<ir::Block> = func.layout.blocks().collect();
    for block in blocks {
        let Some(branch) = func.layout.last_inst(block) else { continue };
        let InstructionData::Brif { arg, blocks: [then_, else_], .. } = func.dfg.insts[branch] else { continue };
        let pool = &func.dfg.value_lists;
        let (then_block, else_block) = (then_.block(pool), else_.block(pool));
        let (code, trap_when_true, next) = match (trap_only(func, then_block), trap_only(func, else_block)) {
            (Some(code), None) => (code, true, else_),
            (None, Some(code)) => (code, false, then_),
            _ => continue,
        };
        let next_block = next.block(pool);
        let next_args: Vec<ir::Value> = next.args_slice(pool).to_vec();
        let mut pos = FuncCursor::new(func).at_inst(branch);
        if trap_when_true {
            pos.ins().trapnz(arg, code);
        } else {
            pos.ins().trapz(arg, code);
        }
        pos.func.dfg.replace(branch).jump(next_block, &next_args);
    }
    // Trap blocks nothing branches to any more.
    let cfg = ControlFlowGraph::with_function(func);
    let entry = func.layout.entry_block();
    let unreachable: Vec<ir::Block> = func
        .layout
        .blocks()
        .filter(|&b| Some(b) != entry && cfg.pred_iter(b).next().is_none() && trap_only(func, b).is_some())
        .collect();
    for block in unreachable {
        while let Some(inst) = func.layout.first_inst(block) {
            func.layout.remove_inst(inst);
        }
        func.layout.remove_block(block);
    }
}

fn join_straight_line_blocks(func: &mut ir::Function) {
    let cfg = ControlFlowGraph::with_function(func);
    let entry = func.layout.entry_block();
    // Joining never changes how many predecessors the remaining blocks have.
    let preds: HashMap<ir::Block, usize> = func.layout.blocks().map(|b| (b, cfg.pred_iter(b).count())).collect();
    let mut block = func.layout.entry_block();
    while let Some(b) = block {
        let Some(last) = func.layout.last_inst(b) else {
            block = func.layout.next_block(b);
            continue;
        };
        let target = match func.dfg.insts[last] {
            InstructionData::Jump { opcode: Opcode::Jump, destination } => destination,
            _ => {
                block = func.layout.next_block(b);
                continue;
            }
        };
        let next = target.block(&func.dfg.value_lists);
        if next == b || Some(next) == entry || preds.get(&next) != Some(&1) {
            block = func.layout.next_block(b);
            continue;
        }
        let args: Vec<ir::Value> = target.args_slice(&func.dfg.value_lists).to_vec();
        func.layout.remove_inst(last);
        let params: Vec<ir::Value> = func.dfg.block_params(next).to_vec();
        func.dfg.detach_block_params(next);
        for (param, arg) in params.into_iter().zip(args) {
            func.dfg.change_to_alias(param, arg);
        }
        while let Some(inst) = func.layout.first_inst(next) {
            func.layout.remove_inst(inst);
            func.layout.append_inst(inst, b);
        }
        func.layout.remove_block(next);
        // Stay on `b`: it may now end in another joinable jump.
    }
    func.dfg.resolve_all_aliases();
}
