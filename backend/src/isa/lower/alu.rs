//! Integer arithmetic, logic, shifts, comparisons and conversions.
//!
//! Narrow values (i8/i16/i32) live in 64-bit registers with unspecified upper bits, as in
//! Cranelift's own backends: plain 64-bit `add`/`sub`/`mul`/logic give the right low bits
//! (and `add` is ZisK's cheapest op), the `_w` ops read only the low 32 bits, and extensions
//! happen where the upper bits matter.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{self, InstructionData, Opcode, TrapCode, Value};

use super::{mask, LowerCtx};
use crate::isa::inst::{Cmp, MInst, Src};
use crate::BackendError;

pub fn lower(cx: &mut LowerCtx, inst: ir::Inst, opcode: Opcode) -> Result<(), BackendError> {
    let dfg = &cx.func.dfg;
    let args: Vec<Value> = dfg.inst_args(inst).to_vec();
    let results: Vec<Value> = dfg.inst_results(inst).to_vec();
    let Some(&result) = results.first() else {
        return Err(cx.unsupported(format!("CLIF instruction `{}`", cx.func.dfg.display_inst(inst))));
    };
    let ty = cx.ty(result);
    if !ty.is_int() {
        return Err(cx.unsupported(format!(
            "{ty} values (floating point is not supported by the direct backend yet): `{}`",
            cx.func.dfg.display_inst(inst)
        )));
    }
    let bits = ty.bits();
    let w32 = bits == 32;
    let binary = |cx: &mut LowerCtx, op: &'static str| {
        let (a, b) = (cx.src(args[0]), cx.src(args[1]));
        let dst = cx.def(result);
        cx.emit(MInst::Alu { op, dst, a, b });
    };
    match opcode {
        Opcode::Iadd => binary(cx, "add"),
        Opcode::Isub => binary(cx, "sub"),
        Opcode::Imul => binary(cx, "mul"),
        Opcode::Band => match (cx.folded_negation(args[0]), cx.folded_negation(args[1])) {
            // x & !y in one ZisK `andn` (Keccak's chi step is made of these).
            (_, Some(y)) => and_not(cx, args[0], y, result),
            (Some(x), None) => and_not(cx, args[1], x, result),
            (None, None) => binary(cx, "and"),
        },
        Opcode::Bor => binary(cx, "or"),
        Opcode::Bxor => binary(cx, "xor"),
        Opcode::BandNot => binary(cx, "andn"),
        Opcode::BorNot => binary(cx, "orn"),
        Opcode::BxorNot => binary(cx, "xnor"),
        Opcode::Bnot => {
            let a = cx.src(args[0]);
            let dst = cx.def(result);
            cx.emit(MInst::Alu { op: "xor", dst, a, b: Src::Imm(u64::MAX) });
        }
        Opcode::Ineg => {
            let b = cx.src(args[0]);
            let dst = cx.def(result);
            cx.emit(MInst::Alu { op: "sub", dst, a: Src::Imm(0), b });
        }
        Opcode::Iabs => {
            let a = cx.extended(args[0], true);
            let neg = cx.new_vreg();
            cx.emit(MInst::Alu { op: "sub", dst: neg, a: Src::Imm(0), b: a });
            let dst = cx.def(result);
            cx.emit(MInst::Alu { op: "max", dst, a, b: Src::Reg(neg) });
        }
        Opcode::Smin | Opcode::Smax | Opcode::Umin | Opcode::Umax => {
            let signed = matches!(opcode, Opcode::Smin | Opcode::Smax);
            let op = match (opcode, w32) {
                (Opcode::Smin, true) => "min_w",
                (Opcode::Smax, true) => "max_w",
                (Opcode::Umin, true) => "minu_w",
                (Opcode::Umax, true) => "maxu_w",
                (Opcode::Smin, false) => "min",
                (Opcode::Smax, false) => "max",
                (Opcode::Umin, false) => "minu",
                _ => "maxu",
            };
            let (a, b) = if w32 || bits == 64 {
                (cx.src(args[0]), cx.src(args[1]))
            } else {
                (cx.extended(args[0], signed), cx.extended(args[1], signed))
            };
            let dst = cx.def(result);
            cx.emit(MInst::Alu { op, dst, a, b });
        }
        Opcode::Ishl | Opcode::Ushr | Opcode::Sshr | Opcode::Rotl | Opcode::Rotr => shift(cx, opcode, &args, result, bits)?,
        Opcode::Clz | Opcode::Ctz | Opcode::Popcnt => {
            let op = match (opcode, bits) {
                (Opcode::Clz, 64) => "clz",
                (Opcode::Clz, 32) => "clz_w",
                (Opcode::Ctz, 64) => "ctz",
                (Opcode::Ctz, 32) => "ctz_w",
                (Opcode::Popcnt, 64) => "cpop",
                (Opcode::Popcnt, 32) => "cpop_w",
                _ => return Err(cx.unsupported(format!("{opcode} on {ty}"))),
            };
            let b = cx.src(args[0]);
            let dst = cx.def(result);
            cx.emit(MInst::Alu { op, dst, a: Src::Imm(0), b });
            cx.mark_clean(result);
        }
        Opcode::Bswap if bits == 64 => {
            let b = cx.src(args[0]);
            let dst = cx.def(result);
            cx.emit(MInst::Alu { op: "rev8", dst, a: Src::Imm(0), b });
        }
        Opcode::Bswap if bits == 32 || bits == 16 => {
            // The value's bytes end up at the top of the reversed register, whatever its
            // upper bits held; the shift brings them down zero-extended.
            let b = cx.src(args[0]);
            let reversed = cx.new_vreg();
            cx.emit(MInst::Alu { op: "rev8", dst: reversed, a: Src::Imm(0), b });
            let dst = cx.def(result);
            cx.emit(MInst::Alu { op: "srl", dst, a: Src::Reg(reversed), b: Src::Imm(64 - bits as u64) });
            cx.mark_clean(result);
        }
        Opcode::Udiv | Opcode::Urem | Opcode::Sdiv | Opcode::Srem => divide(cx, opcode, &args, result, bits),
        Opcode::Umulhi | Opcode::Smulhi => {
            let signed = opcode == Opcode::Smulhi;
            if bits == 64 {
                binary(cx, if signed { "mulh" } else { "muluh" });
            } else {
                let (a, b) = (cx.extended(args[0], signed), cx.extended(args[1], signed));
                let product = cx.new_vreg();
                cx.emit(MInst::Alu { op: "mul", dst: product, a, b });
                let dst = cx.def(result);
                let op = if signed { "sra" } else { "srl" };
                cx.emit(MInst::Alu { op, dst, a: Src::Reg(product), b: Src::Imm(bits as u64) });
            }
        }
        Opcode::Icmp => {
            let InstructionData::IntCompare { cond, .. } = cx.func.dfg.insts[inst] else { unreachable!() };
            let cmp = compare(cx, cond, args[0], args[1])?;
            materialize_cmp(cx, cmp, result);
        }
        Opcode::Bmask => {
            let cmp = cx.condition(args[0])?;
            let flag = cx.new_vreg();
            materialize_into(cx, Cmp { negated: !cmp.negated, ..cmp }, flag);
            let dst = cx.def(result);
            cx.emit(MInst::Alu { op: "sub", dst, a: Src::Imm(0), b: Src::Reg(flag) });
        }
        Opcode::Uextend => {
            let from = cx.ty(args[0]).bits();
            if cx.is_clean(args[0]) || cx.const_of(args[0]).is_some() {
                let s = cx.extended(args[0], false);
                cx.alias(result, s);
            } else {
                let a = cx.src(args[0]);
                let dst = cx.def(result);
                cx.emit(MInst::Alu { op: "and", dst, a, b: Src::Imm(mask(from)) });
            }
            cx.mark_clean(result);
        }
        Opcode::Sextend => {
            let s = cx.extended(args[0], true);
            match s {
                Src::Reg(r) if cx.ty(args[0]).bits() < 64 => {
                    // `extended` emitted the sign extension into a fresh register.
                    cx.alias(result, Src::Reg(r));
                }
                other => cx.alias(result, other),
            }
        }
        Opcode::Ireduce => {
            let s = cx.src(args[0]);
            cx.alias(result, s);
        }
        _ => {
            return Err(cx.unsupported(format!("CLIF instruction `{}`", cx.func.dfg.display_inst(inst))));
        }
    }
    Ok(())
}

fn and_not(cx: &mut LowerCtx, x: Value, negated: Value, result: Value) {
    let (a, b) = (cx.src(x), cx.src(negated));
    let dst = cx.def(result);
    cx.emit(MInst::Alu { op: "andn", dst, a, b });
}

fn shift(cx: &mut LowerCtx, opcode: Opcode, args: &[Value], result: Value, bits: u32) -> Result<(), BackendError> {
    let op = match (opcode, bits) {
        (Opcode::Ishl, 64) => "sll",
        (Opcode::Ishl, 32) => "sll_w",
        (Opcode::Ushr, 64) => "srl",
        (Opcode::Ushr, 32) => "srl_w",
        (Opcode::Sshr, 64) => "sra",
        (Opcode::Sshr, 32) => "sra_w",
        (Opcode::Rotl, 64) => "rol",
        (Opcode::Rotl, 32) => "rol_w",
        (Opcode::Rotr, 64) => "ror",
        (Opcode::Rotr, 32) => "ror_w",
        (Opcode::Ishl, _) => "sll",
        (Opcode::Ushr, _) => "srl",
        (Opcode::Sshr, _) => "sra",
        _ => return Err(cx.unsupported(format!("{opcode} on i{bits}"))),
    };
    let a = if bits < 32 && opcode != Opcode::Ishl {
        cx.extended(args[0], opcode == Opcode::Sshr)
    } else {
        cx.src(args[0])
    };
    // CLIF takes the shift amount modulo the type's width; ZisK's 64- and 32-bit shifts do
    // the same, narrower ones need the mask.
    let b = match cx.const_of(args[1]) {
        Some(c) => Src::Imm(c & (bits as u64 - 1)),
        None if bits < 32 => {
            let amount = cx.src(args[1]);
            let masked = cx.new_vreg();
            cx.emit(MInst::Alu { op: "and", dst: masked, a: amount, b: Src::Imm(bits as u64 - 1) });
            Src::Reg(masked)
        }
        None => cx.src(args[1]),
    };
    let dst = cx.def(result);
    cx.emit(MInst::Alu { op, dst, a, b });
    Ok(())
}

/// Divisions trap on a zero divisor, signed ones also on MIN / -1, as CLIF requires.
fn divide(cx: &mut LowerCtx, opcode: Opcode, args: &[Value], result: Value, bits: u32) {
    let signed = matches!(opcode, Opcode::Sdiv | Opcode::Srem);
    let (a, b) = if bits >= 32 {
        (cx.src(args[0]), cx.src(args[1]))
    } else {
        (cx.extended(args[0], signed), cx.extended(args[1], signed))
    };
    let eq = if bits == 32 { "eq_w" } else { "eq" };
    if cx.const_of(args[1]).map_or(true, |c| c & mask(bits) == 0) {
        cx.emit(MInst::TrapIf { cmp: Cmp { op: eq, a: b, b: Src::Imm(0), negated: false }, code: TrapCode::IntegerDivisionByZero });
    }
    if opcode == Opcode::Sdiv && cx.const_of(args[1]).map_or(true, |c| c & mask(bits) == mask(bits)) {
        // Overflow: divisor -1 and dividend MIN. Checked as (b == -1) then (a == MIN).
        let min = if bits == 32 { 0x8000_0000u64 } else if bits == 64 { 1 << 63 } else { super::extend_const(1 << (bits - 1), bits, true) };
        let minus_one = if bits < 32 { u64::MAX } else { mask(bits) };
        let not_minus_one = cx.new_vreg();
        cx.emit(MInst::Alu { op: "xor", dst: not_minus_one, a: b, b: Src::Imm(minus_one) });
        let is_min = cx.new_vreg();
        cx.emit(MInst::Alu { op: "xor", dst: is_min, a, b: Src::Imm(min) });
        let both = cx.new_vreg();
        cx.emit(MInst::Alu { op: "or", dst: both, a: Src::Reg(not_minus_one), b: Src::Reg(is_min) });
        cx.emit(MInst::TrapIf { cmp: Cmp { op: eq, a: Src::Reg(both), b: Src::Imm(0), negated: false }, code: TrapCode::IntegerOverflow });
    }
    let op = match (opcode, bits == 32) {
        (Opcode::Udiv, true) => "divu_w",
        (Opcode::Urem, true) => "remu_w",
        (Opcode::Sdiv, true) => "div_w",
        (Opcode::Srem, true) => "rem_w",
        (Opcode::Udiv, false) => "divu",
        (Opcode::Urem, false) => "remu",
        (Opcode::Sdiv, false) => "div",
        _ => "rem",
    };
    let dst = cx.def(result);
    cx.emit(MInst::Alu { op, dst, a, b });
}

/// The ZisK comparison for `cond(x, y)`.
pub fn compare(cx: &mut LowerCtx, cond: IntCC, x: Value, y: Value) -> Result<Cmp, BackendError> {
    let bits = cx.ty(x).bits();
    let signed = matches!(cond, IntCC::SignedLessThan | IntCC::SignedGreaterThan | IntCC::SignedLessThanOrEqual | IntCC::SignedGreaterThanOrEqual);
    let (a, b) = if bits >= 32 { (cx.src(x), cx.src(y)) } else { (cx.extended(x, signed), cx.extended(y, signed)) };
    let w = bits == 32;
    let pick = |op64: &'static str, op32: &'static str| if w { op32 } else { op64 };
    Ok(match cond {
        IntCC::Equal => Cmp { op: pick("eq", "eq_w"), a, b, negated: false },
        IntCC::NotEqual => Cmp { op: pick("eq", "eq_w"), a, b, negated: true },
        IntCC::SignedLessThan => Cmp { op: pick("lt", "lt_w"), a, b, negated: false },
        IntCC::SignedGreaterThanOrEqual => Cmp { op: pick("le", "le_w"), a: b, b: a, negated: false },
        IntCC::SignedGreaterThan => Cmp { op: pick("lt", "lt_w"), a: b, b: a, negated: false },
        IntCC::SignedLessThanOrEqual => Cmp { op: pick("le", "le_w"), a, b, negated: false },
        IntCC::UnsignedLessThan => Cmp { op: pick("ltu", "ltu_w"), a, b, negated: false },
        IntCC::UnsignedGreaterThanOrEqual => Cmp { op: pick("leu", "leu_w"), a: b, b: a, negated: false },
        IntCC::UnsignedGreaterThan => Cmp { op: pick("ltu", "ltu_w"), a: b, b: a, negated: false },
        IntCC::UnsignedLessThanOrEqual => Cmp { op: pick("leu", "leu_w"), a, b, negated: false },
    })
}

/// Writes the comparison's truth value (0 or 1) into `result`.
pub fn materialize_cmp(cx: &mut LowerCtx, cmp: Cmp, result: Value) {
    let dst = cx.def(result);
    materialize_into(cx, cmp, dst);
    cx.mark_clean(result);
}

fn materialize_into(cx: &mut LowerCtx, cmp: Cmp, dst: regalloc2::VReg) {
    if cmp.negated {
        let t = cx.new_vreg();
        cx.emit(MInst::Alu { op: cmp.op, dst: t, a: cmp.a, b: cmp.b });
        cx.emit(MInst::Alu { op: "xor", dst, a: Src::Reg(t), b: Src::Imm(1) });
    } else {
        cx.emit(MInst::Alu { op: cmp.op, dst, a: cmp.a, b: cmp.b });
    }
}
