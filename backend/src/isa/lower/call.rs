//! Calls, incoming parameters and returns, per the calling convention in `regs.rs`: the
//! first eight arguments and results in r10..r17, the rest in 8-byte stack slots at the
//! caller's stack pointer.

use cranelift_codegen::ir::{self, InstructionData, Opcode, Value};
use zisk_wasm_environ::names::{resolve, Hint, Intrinsic, Operands, NS_BUILTIN, NS_INTRINSIC, NS_WASM_FUNC};
use zisk_wasm_environ::Builtin;

use super::LowerCtx;
use crate::isa::inst::{Callee, MInst, Src};
use crate::isa::regs::ARG_REGS;
use crate::BackendError;

const IN_REGS: usize = ARG_REGS.len();

pub fn lower_entry_params(cx: &mut LowerCtx, params: &[Value]) -> Result<(), BackendError> {
    check_types(cx, params.iter().copied(), "parameter")?;
    let in_regs = params.iter().take(IN_REGS).enumerate().map(|(i, &p)| (cx.def(p), i)).collect();
    cx.emit(MInst::Args { params: in_regs });
    for (i, &p) in params.iter().enumerate().skip(IN_REGS) {
        let dst = cx.def(p);
        cx.emit(MInst::StackArg { dst, index: i - IN_REGS });
    }
    Ok(())
}

pub fn lower_return(cx: &mut LowerCtx, values: &[Value]) -> Result<(), BackendError> {
    check_types(cx, values.iter().copied(), "result")?;
    for (i, &v) in values.iter().enumerate().skip(IN_REGS) {
        let value = cx.src(v);
        cx.emit(MInst::ReturnStackValue { value, index: i - IN_REGS });
    }
    let in_regs = values.iter().take(IN_REGS).enumerate().map(|(i, &v)| (cx.reg(v), i)).collect();
    cx.emit(MInst::Return { values: in_regs });
    Ok(())
}

pub fn lower(cx: &mut LowerCtx, inst: ir::Inst) -> Result<(), BackendError> {
    let func = cx.func;
    let data = func.dfg.insts[inst];
    let all_args: Vec<Value> = func.dfg.inst_args(inst).to_vec();
    let results: Vec<Value> = func.dfg.inst_results(inst).to_vec();
    let (callee, args) = match data {
        InstructionData::Call { func_ref, .. } => {
            let ext = &func.dfg.ext_funcs[func_ref];
            let (ns, index) = resolve(func, &ext.name).ok_or_else(|| cx.unsupported(format!("a call to {:?}", ext.name)))?;
            let callee = match ns {
                NS_WASM_FUNC => Callee::Wasm(index),
                NS_BUILTIN => Callee::Builtin(Builtin::from_index(index).ok_or_else(|| cx.unsupported("an unknown builtin"))?),
                NS_INTRINSIC => {
                    return match Intrinsic::from_index(index) {
                        Some(Intrinsic::Exit) => {
                            let code = cx.src(all_args[0]);
                            cx.emit(MInst::Exit { code });
                            Ok(())
                        }
                        Some(intrinsic) if intrinsic.hint().is_some() => {
                            let inst = match intrinsic.hint().unwrap() {
                                Hint::Param { words } => MInst::Fcall { op: "fcall_param", a: Src::Imm(words as u64), b: cx.src(all_args[0]) },
                                Hint::Call { id } => MInst::Fcall { op: "fcall", a: Src::Imm(id as u64), b: Src::Imm(0) },
                                Hint::Get => MInst::FcallGet { dst: cx.def(results[0]) },
                            };
                            cx.emit(inst);
                            Ok(())
                        }
                        Some(intrinsic) => {
                            let p = intrinsic.precompile().expect("every intrinsic but exit is a precompile");
                            let (a, b) = match p.operands {
                                Operands::One => (Src::Imm(0), cx.src(all_args[0])),
                                Operands::Two | Operands::FillZero => (cx.src(all_args[0]), cx.src(all_args[1])),
                                Operands::Copy => {
                                    // The count goes through ZisK's extra-parameter word, as
                                    // the transpiler does for ziskos' memmove.
                                    let count = cx.src(all_args[2]);
                                    cx.emit(MInst::Store { width: 8, base: Src::Imm(0), offset: zisk_core::EXTRA_PARAMS_ADDR as i64, value: count });
                                    (cx.src(all_args[0]), cx.src(all_args[1]))
                                }
                            };
                            cx.emit(MInst::Precompile { op: p.op, a, b });
                            Ok(())
                        }
                        None => Err(cx.unsupported("an unknown intrinsic")),
                    };
                }
                _ => return Err(cx.unsupported(format!("a call to {:?}", ext.name))),
            };
            (callee, all_args)
        }
        InstructionData::CallIndirect { sig_ref, .. } if data.opcode() == Opcode::CallIndirect => {
            let sig = func.dfg.signatures[sig_ref].clone();
            if !cx.vcode.indirect_signatures.contains(&sig) {
                cx.vcode.indirect_signatures.push(sig);
            }
            let target = cx.reg(all_args[0]);
            (Callee::Indirect(target), all_args[1..].to_vec())
        }
        _ => return Err(cx.unsupported(format!("CLIF instruction `{}`", func.dfg.display_inst(inst)))),
    };
    check_types(cx, args.iter().copied().chain(results.iter().copied()), "call operand")?;
    for (i, &a) in args.iter().enumerate().skip(IN_REGS) {
        let value = cx.src(a);
        cx.emit(MInst::OutgoingArg { value, index: i - IN_REGS });
    }
    let in_regs = args.iter().take(IN_REGS).enumerate().map(|(i, &a)| (cx.reg(a), i)).collect();
    let out_regs = results.iter().take(IN_REGS).enumerate().map(|(i, &r)| (cx.def(r), i)).collect();
    cx.emit(MInst::Call { callee, args: in_regs, results: out_regs });
    for (i, &r) in results.iter().enumerate().skip(IN_REGS) {
        let dst = cx.def(r);
        cx.emit(MInst::StackResult { dst, index: i - IN_REGS });
    }
    let stack_slots = args.len().saturating_sub(IN_REGS).max(results.len().saturating_sub(IN_REGS));
    cx.vcode.makes_calls = true;
    cx.vcode.outgoing_slots = cx.vcode.outgoing_slots.max(stack_slots);
    Ok(())
}

fn check_types(cx: &LowerCtx, values: impl Iterator<Item = Value>, what: &str) -> Result<(), BackendError> {
    for v in values {
        let ty = cx.ty(v);
        if !ty.is_int() {
            return Err(cx.unsupported(format!("a {ty} {what} (floating point is not supported by the direct backend yet)")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use zisk_wasm_environ::names::Intrinsic;

    /// Each precompile intrinsic names an op ZisK has, under the csrs id ziskos raises it with.
    #[test]
    fn precompile_intrinsics_are_zisks_ops() {
        use zisk_definitions as defs;
        let ids = [
            ("keccak", defs::SYSCALL_KECCAKF_ID),
            ("sha256", defs::SYSCALL_SHA256F_ID),
            ("arith256", defs::SYSCALL_ARITH256_ID),
            ("arith256_mod", defs::SYSCALL_ARITH256_MOD_ID),
            ("secp256k1_add", defs::SYSCALL_SECP256K1_ADD_ID),
            ("secp256k1_dbl", defs::SYSCALL_SECP256K1_DBL_ID),
            ("bn254_curve_add", defs::SYSCALL_BN254_CURVE_ADD_ID),
            ("bn254_curve_dbl", defs::SYSCALL_BN254_CURVE_DBL_ID),
            ("secp256r1_add", defs::SYSCALL_SECP256R1_ADD_ID),
            ("secp256r1_dbl", defs::SYSCALL_SECP256R1_DBL_ID),
            ("bn254_complex_add", defs::SYSCALL_BN254_COMPLEX_ADD_ID),
            ("bn254_complex_sub", defs::SYSCALL_BN254_COMPLEX_SUB_ID),
            ("bn254_complex_mul", defs::SYSCALL_BN254_COMPLEX_MUL_ID),
            ("dma_memcpy", defs::SYSCALL_DMA_MEMCPY_ID),
            ("dma_xmemset", defs::SYSCALL_DMA_MEMSET_ID),
        ];
        for p in Intrinsic::ALL.into_iter().filter_map(Intrinsic::precompile) {
            assert!(zisk_core::zisk_ops::ZiskOp::try_from_name(p.op).is_ok(), "{}", p.op);
            let id = ids.iter().find(|(op, _)| *op == p.op).expect("every precompile listed").1;
            assert_eq!(p.csr, id as u32, "{}", p.op);
        }
    }
}
