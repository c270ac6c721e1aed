//! Loads and stores. A ZisK indirect operand is `W[a + offset]` with a full 64-bit offset,
//! so constant parts of an address (the linear-memory base, a static offset, an absolute
//! instance address) fold into the instruction: a WebAssembly access is one instruction
//! plus its bounds check.

use cranelift_codegen::ir::{self, InstructionData, Opcode, Value};

use super::LowerCtx;
use crate::isa::inst::{MInst, Src};
use crate::BackendError;

pub fn lower(cx: &mut LowerCtx, inst: ir::Inst) -> Result<(), BackendError> {
    let data = cx.func.dfg.insts[inst];
    match data {
        InstructionData::Load { opcode, arg, offset, .. } => {
            let result = cx.func.dfg.first_result(inst);
            let ty = cx.ty(result);
            if !ty.is_int() {
                return Err(cx.unsupported(format!("a {ty} load (floating point is not supported by the direct backend yet)")));
            }
            let (op, width, zero_extends) = match opcode {
                Opcode::Load => ("copyb", ty.bytes() as u8, true),
                Opcode::Uload8 => ("copyb", 1, true),
                Opcode::Sload8 => ("signextend_b", 1, false),
                Opcode::Uload16 => ("copyb", 2, true),
                Opcode::Sload16 => ("signextend_h", 2, false),
                Opcode::Uload32 => ("copyb", 4, true),
                _ => ("signextend_w", 4, false),
            };
            let (base, off) = address(cx, arg, offset.into());
            let dst = cx.def(result);
            cx.emit(MInst::Load { op, width, dst, base, offset: off });
            if zero_extends {
                cx.mark_clean(result);
            }
            Ok(())
        }
        InstructionData::Store { opcode, args, offset, .. } => {
            let value_ty = cx.ty(args[0]);
            if !value_ty.is_int() {
                return Err(cx.unsupported(format!("a {value_ty} store (floating point is not supported by the direct backend yet)")));
            }
            let width = match opcode {
                Opcode::Istore8 => 1,
                Opcode::Istore16 => 2,
                Opcode::Istore32 => 4,
                _ => value_ty.bytes() as u8,
            };
            let value = cx.src(args[0]);
            let (base, off) = address(cx, args[1], offset.into());
            cx.emit(MInst::Store { width, base, offset: off, value });
            Ok(())
        }
        _ => Err(cx.unsupported(format!("CLIF instruction `{}`", cx.func.dfg.display_inst(inst)))),
    }
}

/// Splits `addr + offset` into a base operand and a constant offset, folding constant
/// additions: the address's own, and those of inner `iadd`s that exist only for addresses
/// (`LowerCtx::address_only`, e.g. heap base + index + field offset).
fn address(cx: &mut LowerCtx, addr: Value, offset: i32) -> (Src, i64) {
    let mut offset = offset as i64;
    let mut v = cx.func.dfg.resolve_aliases(addr);
    let mut outermost = true;
    loop {
        if let Some(c) = cx.const_of(v) {
            return (Src::Imm(0), (c as i64).wrapping_add(offset));
        }
        let ir::ValueDef::Result(def, _) = cx.func.dfg.value_def(v) else { break };
        if cx.func.dfg.insts[def].opcode() != Opcode::Iadd || !(outermost || cx.is_address_only(v)) {
            break;
        }
        let args = cx.func.dfg.inst_args(def);
        let (x, y) = (cx.func.dfg.resolve_aliases(args[0]), cx.func.dfg.resolve_aliases(args[1]));
        let (c, rest) = match (cx.const_of(x), cx.const_of(y)) {
            (Some(c), _) => (c, y),
            (_, Some(c)) => (c, x),
            _ => break,
        };
        offset = (c as i64).wrapping_add(offset);
        v = rest;
        outermost = false;
    }
    (cx.src(v), offset)
}
