//! The regalloc2 view of a [`VCode`]: instructions flattened in block order, each with its
//! operands in a fixed order that emission reads the allocations back in.

use regalloc2::{
    Block as MBlock, Function, Inst, InstRange, Operand, OperandConstraint, OperandKind,
    OperandPos, Output, PReg, PRegSet, RegClass, RegallocOptions, VReg,
};

use super::inst::{Callee, MInst, Src, VCode};
use super::regs::{arg_preg, call_clobbers, machine_env};
use crate::BackendError;

pub struct RaFunction<'a> {
    pub vcode: &'a VCode,
    /// Whether operands may be allocated to (absolute, static-frame) spill slots.
    pub static_frame: bool,
    /// Flat instruction index → (block, index in block).
    pub insts: Vec<(MBlock, usize)>,
    ranges: Vec<InstRange>,
    operands: Vec<Vec<Operand>>,
    clobbers: Vec<PRegSet>,
    empty: Vec<VReg>,
}

fn use_src(ops: &mut Vec<Operand>, s: &Src) {
    if let Src::Reg(r) = s {
        ops.push(Operand::reg_use(*r));
    }
}

/// Operand sets for one instruction. With a static frame, spill slots have absolute
/// addresses that any `a`/`b` source or result can name (`[N]`), so those operands may live
/// in a slot (`any`) at no extra instruction; with a stack frame they need registers.
struct OperandBuilder {
    ops: Vec<Operand>,
    memory_ok: bool,
}

impl OperandBuilder {
    fn flexible_use(&mut self, s: &Src) {
        if let Src::Reg(r) = s {
            self.ops.push(if self.memory_ok { Operand::any_use(*r) } else { Operand::reg_use(*r) });
        }
    }

    fn flexible_def(&mut self, v: VReg) {
        self.ops.push(if self.memory_ok { Operand::any_def(v) } else { Operand::reg_def(v) });
    }
}

/// The operands of `inst`, in the order emission expects their allocations.
pub fn operands(inst: &MInst, memory_ok: bool) -> (Vec<Operand>, PRegSet) {
    let mut b = OperandBuilder { ops: Vec::new(), memory_ok };
    let clobbers = match inst {
        MInst::Alu { dst, a, b: src_b, .. } => {
            b.flexible_use(a);
            b.flexible_use(src_b);
            b.flexible_def(*dst);
            PRegSet::empty()
        }
        MInst::Load { dst, base, .. } => {
            use_src(&mut b.ops, base);
            b.flexible_def(*dst);
            PRegSet::empty()
        }
        MInst::Store { base, value, .. } => {
            use_src(&mut b.ops, base);
            b.flexible_use(value);
            PRegSet::empty()
        }
        MInst::Branch { cmp, .. } | MInst::TrapIf { cmp, .. } => {
            b.flexible_use(&cmp.a);
            b.flexible_use(&cmp.b);
            PRegSet::empty()
        }
        MInst::StackArg { dst, .. } | MInst::StackResult { dst, .. } => {
            b.flexible_def(*dst);
            PRegSet::empty()
        }
        MInst::OutgoingArg { value, .. } | MInst::ReturnStackValue { value, .. } => {
            b.flexible_use(value);
            PRegSet::empty()
        }
        other => return fixed_operands(other),
    };
    (b.ops, clobbers)
}

/// Instructions whose operands are always registers.
fn fixed_operands(inst: &MInst) -> (Vec<Operand>, PRegSet) {
    let mut ops = Vec::new();
    let mut clobbers = PRegSet::empty();
    match inst {
        MInst::Alu { .. } | MInst::Load { .. } | MInst::Store { .. } | MInst::Branch { .. } | MInst::TrapIf { .. }
        | MInst::StackArg { .. } | MInst::StackResult { .. } | MInst::OutgoingArg { .. } | MInst::ReturnStackValue { .. } => {
            unreachable!("handled by `operands`")
        }
        MInst::Select { cmp, dst, x, y } => {
            use_src(&mut ops, &cmp.a);
            use_src(&mut ops, &cmp.b);
            use_src(&mut ops, x);
            use_src(&mut ops, y);
            // Written before the compare reads its operands: must not share their registers.
            ops.push(Operand::new(*dst, OperandConstraint::Reg, OperandKind::Def, OperandPos::Early));
        }
        MInst::Args { params } => {
            for &(v, i) in params {
                ops.push(Operand::reg_fixed_def(v, arg_preg(i)));
            }
        }
        MInst::Call { callee, args, results } => {
            for &(v, i) in args {
                ops.push(Operand::reg_fixed_use(v, arg_preg(i)));
            }
            if let Callee::Indirect(t) = callee {
                ops.push(Operand::reg_use(*t));
            }
            for &(v, i) in results {
                ops.push(Operand::reg_fixed_def(v, arg_preg(i)));
            }
            clobbers = call_clobbers();
            for &(_, i) in results {
                clobbers.remove(arg_preg(i));
            }
        }
        MInst::Exit { code } => use_src(&mut ops, code),
        MInst::Precompile { a, b, .. } | MInst::Fcall { a, b, .. } => {
            use_src(&mut ops, a);
            use_src(&mut ops, b);
        }
        MInst::FcallGet { dst } => ops.push(Operand::reg_def(*dst)),
        MInst::BrTable { index, .. } => ops.push(Operand::reg_use(*index)),
        MInst::Return { values } => {
            for &(v, i) in values {
                ops.push(Operand::reg_fixed_use(v, arg_preg(i)));
            }
        }
        MInst::Jump { .. } | MInst::Trap { .. } => {}
    }
    (ops, clobbers)
}

impl<'a> RaFunction<'a> {
    pub fn new(vcode: &'a VCode, static_frame: bool) -> Self {
        let mut insts = Vec::new();
        let mut ranges = Vec::new();
        let mut operands_v = Vec::new();
        let mut clobbers_v = Vec::new();
        for (b, block) in vcode.blocks.iter().enumerate() {
            let start = insts.len();
            for (i, inst) in block.insts.iter().enumerate() {
                insts.push((MBlock::new(b), i));
                let (ops, clobbers) = operands(inst, static_frame);
                operands_v.push(ops);
                clobbers_v.push(clobbers);
            }
            ranges.push(InstRange::new(Inst::new(start), Inst::new(insts.len())));
        }
        RaFunction { vcode, static_frame, insts, ranges, operands: operands_v, clobbers: clobbers_v, empty: vec![] }
    }

    pub fn inst(&self, i: Inst) -> &MInst {
        let (b, k) = self.insts[i.index()];
        &self.vcode.blocks[b.index()].insts[k]
    }

    pub fn block_range(&self, b: MBlock) -> InstRange {
        self.ranges[b.index()]
    }

    pub fn allocate(&self) -> Result<Output, BackendError> {
        let options = RegallocOptions { verbose_log: false, validate_ssa: cfg!(debug_assertions) };
        regalloc2::run(self, &machine_env(), &options).map_err(|e| BackendError::Internal {
            function: self.vcode.name.clone(),
            what: format!("register allocation failed: {e:?}"),
        })
    }
}

impl Function for RaFunction<'_> {
    fn num_insts(&self) -> usize {
        self.insts.len()
    }

    fn num_blocks(&self) -> usize {
        self.vcode.blocks.len()
    }

    fn entry_block(&self) -> MBlock {
        MBlock::new(0)
    }

    fn block_insns(&self, block: MBlock) -> InstRange {
        self.ranges[block.index()]
    }

    fn block_succs(&self, block: MBlock) -> &[MBlock] {
        &self.vcode.blocks[block.index()].succs
    }

    fn block_preds(&self, block: MBlock) -> &[MBlock] {
        &self.vcode.blocks[block.index()].preds
    }

    fn block_params(&self, block: MBlock) -> &[VReg] {
        &self.vcode.blocks[block.index()].params
    }

    fn is_ret(&self, insn: Inst) -> bool {
        matches!(self.inst(insn), MInst::Return { .. } | MInst::Trap { .. })
    }

    fn is_branch(&self, insn: Inst) -> bool {
        matches!(self.inst(insn), MInst::Jump { .. } | MInst::Branch { .. } | MInst::BrTable { .. })
    }

    fn branch_blockparams(&self, block: MBlock, insn: Inst, _succ_idx: usize) -> &[VReg] {
        match self.inst(insn) {
            MInst::Jump { .. } => &self.vcode.blocks[block.index()].branch_args,
            _ => &self.empty,
        }
    }

    fn inst_operands(&self, insn: Inst) -> &[Operand] {
        &self.operands[insn.index()]
    }

    fn inst_clobbers(&self, insn: Inst) -> PRegSet {
        self.clobbers[insn.index()]
    }

    fn num_vregs(&self) -> usize {
        self.vcode.num_vregs
    }

    fn spillslot_size(&self, _: RegClass) -> usize {
        1
    }
}

pub fn preg_number(p: PReg) -> u8 {
    p.hw_enc() as u8
}
