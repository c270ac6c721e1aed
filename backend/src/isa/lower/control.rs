//! Branches, returns, traps and `select`: ZisK compares and branches in one instruction, so
//! an `icmp` feeding a `brif` or `select` is emitted there (see `LowerCtx::condition`).

use cranelift_codegen::ir::{self, InstructionData, Opcode};

use super::LowerCtx;
use crate::isa::inst::{Cmp, MInst, Src};
use crate::BackendError;

pub fn lower(cx: &mut LowerCtx, inst: ir::Inst) -> Result<(), BackendError> {
    let func = cx.func;
    let data = func.dfg.insts[inst];
    match data.opcode() {
        Opcode::Jump => {
            let call = data.branch_destination(&func.dfg.jump_tables)[0];
            let args: Vec<_> = call.args_slice(&func.dfg.value_lists).to_vec();
            cx.jump_with_args(call.block(&func.dfg.value_lists), &args);
        }
        Opcode::Brif => {
            let cond = func.dfg.inst_args(inst)[0];
            let cmp = cx.condition(cond)?;
            let dests = data.branch_destination(&func.dfg.jump_tables);
            let mut edges = Vec::new();
            for call in dests {
                let args: Vec<_> = call.args_slice(&func.dfg.value_lists).to_vec();
                edges.push(cx.edge_to(call.block(&func.dfg.value_lists), &args));
            }
            // A negated comparison branches on the flag being clear: swap the targets.
            let (then_, else_) = (edges[0], edges[1]);
            let (taken, not_taken) = if cmp.negated { (else_, then_) } else { (then_, else_) };
            cx.emit(MInst::Branch { cmp: Cmp { negated: false, ..cmp }, taken, not_taken });
        }
        Opcode::BrTable => {
            let InstructionData::BranchTable { table, arg, .. } = data else { unreachable!() };
            let jt = &func.dfg.jump_tables[table];
            let index = match cx.extended(arg, false) {
                Src::Reg(r) => r,
                Src::Imm(_) => cx.reg(arg),
            };
            let mut targets = Vec::new();
            for call in jt.as_slice() {
                let args: Vec<_> = call.args_slice(&func.dfg.value_lists).to_vec();
                targets.push(cx.edge_to(call.block(&func.dfg.value_lists), &args));
            }
            let default_call = jt.default_block();
            let dargs: Vec<_> = default_call.args_slice(&func.dfg.value_lists).to_vec();
            let default = cx.edge_to(default_call.block(&func.dfg.value_lists), &dargs);
            cx.emit(MInst::BrTable { index, targets, default });
        }
        Opcode::Return => {
            let args: Vec<_> = func.dfg.inst_args(inst).to_vec();
            super::call::lower_return(cx, &args)?;
        }
        Opcode::Trap => {
            let InstructionData::Trap { code, .. } = data else { unreachable!() };
            cx.emit(MInst::Trap { code });
        }
        Opcode::Trapnz | Opcode::Trapz => {
            let InstructionData::CondTrap { arg, code, .. } = data else { unreachable!() };
            let cmp = cx.condition(arg)?;
            let cmp = if data.opcode() == Opcode::Trapz { Cmp { negated: !cmp.negated, ..cmp } } else { cmp };
            cx.emit(MInst::TrapIf { cmp, code });
        }
        Opcode::Select | Opcode::SelectSpectreGuard => {
            let args: Vec<_> = func.dfg.inst_args(inst).to_vec();
            let result = func.dfg.first_result(inst);
            if !cx.ty(result).is_int() {
                return Err(cx.unsupported("select of floating-point values"));
            }
            let cmp = cx.condition(args[0])?;
            let (x, y) = (cx.src(args[1]), cx.src(args[2]));
            let (x, y) = if cmp.negated { (y, x) } else { (x, y) };
            let dst = cx.def(result);
            cx.emit(MInst::Select { cmp: Cmp { negated: false, ..cmp }, dst, x, y });
        }
        Opcode::UaddOverflowTrap => {
            let InstructionData::IntAddTrap { args, code, .. } = data else { unreachable!() };
            let result = func.dfg.first_result(inst);
            let bits = cx.ty(result).bits();
            let (a, b) = (cx.extended(args[0], false), cx.extended(args[1], false));
            let dst = cx.def(result);
            cx.emit(MInst::Alu { op: "add", dst, a, b });
            let check = if bits == 64 {
                Cmp { op: "ltu", a: Src::Reg(dst), b: a, negated: false }
            } else {
                // Both operands were zero-extended: overflow sets bits above the width.
                let high = cx.new_vreg();
                cx.emit(MInst::Alu { op: "srl", dst: high, a: Src::Reg(dst), b: Src::Imm(bits as u64) });
                Cmp { op: "eq", a: Src::Reg(high), b: Src::Imm(0), negated: true }
            };
            cx.emit(MInst::TrapIf { cmp: check, code });
        }
        _ => return Err(cx.unsupported(format!("CLIF instruction `{}`", func.dfg.display_inst(inst)))),
    }
    Ok(())
}
