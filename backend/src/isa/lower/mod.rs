//! Instruction selection: optimized CLIF → [`VCode`]. One function per op family lives in
//! the files beside this one; this file holds the per-function state they share.

mod alu;
mod call;
mod control;
mod memory;

use std::collections::{HashMap, HashSet};

use cranelift_codegen::ir::{self, InstructionData, Opcode, Type, Value};
use regalloc2::{Block as MBlock, RegClass, VReg};

use super::inst::{Cmp, MBlockData, MInst, Src, VCode};
use crate::BackendError;

pub fn lower_function(func: &ir::Function, name: &str) -> Result<VCode, BackendError> {
    let mut cx = LowerCtx::new(func, name);
    cx.lower()?;
    Ok(cx.finish())
}

pub(crate) struct LowerCtx<'f> {
    pub func: &'f ir::Function,
    pub name: &'f str,
    vregs: HashMap<Value, VReg>,
    /// Values that are constants (`iconst`, `symbol_value`): folded into immediates.
    consts: HashMap<Value, u64>,
    /// Values whose bits above their type's width are known to be zero.
    clean: HashSet<Value>,
    /// `icmp`s with one use, by a branch or select in the same block: emitted there.
    fused: HashSet<Value>,
    use_counts: HashMap<Value, usize>,
    /// `iadd(x, const)` values used only as load/store addresses: folded into those
    /// accesses' offsets, never computed.
    address_only: HashSet<Value>,
    /// `bnot v` (or `bxor v, -1`) values whose only use is a `band`: that `band` becomes
    /// ZisK's `andn`, and the negation is never computed. Maps the negation to `v`.
    folded_not: HashMap<Value, Value>,
    /// Fused compares of a truth value against zero: (the compare it tests, whether negated).
    see_through: HashMap<Value, (Value, bool)>,
    /// Extensions of truth values whose only use was seen through (never computed).
    skipped: HashSet<Value>,
    block_map: HashMap<ir::Block, MBlock>,
    /// Edge blocks, in creation order, with the block whose branch made them.
    edges: Vec<(MBlock, MBlock)>,
    /// CLIF blocks' machine blocks, in layout order.
    clif_order: Vec<MBlock>,
    pub vcode: VCode,
    current: MBlock,
}

impl<'f> LowerCtx<'f> {
    fn new(func: &'f ir::Function, name: &'f str) -> Self {
        LowerCtx {
            func,
            name,
            vregs: HashMap::new(),
            consts: HashMap::new(),
            clean: HashSet::new(),
            fused: HashSet::new(),
            use_counts: HashMap::new(),
            address_only: HashSet::new(),
            folded_not: HashMap::new(),
            see_through: HashMap::new(),
            skipped: HashSet::new(),
            block_map: HashMap::new(),
            edges: Vec::new(),
            clif_order: Vec::new(),
            vcode: VCode { name: name.to_string(), ..Default::default() },
            current: MBlock::new(0),
        }
    }

    pub fn unsupported(&self, what: impl std::fmt::Display) -> BackendError {
        BackendError::Unsupported { function: self.name.to_string(), what: what.to_string() }
    }

    pub fn new_vreg(&mut self) -> VReg {
        let v = VReg::new(self.vcode.num_vregs, RegClass::Int);
        self.vcode.num_vregs += 1;
        v
    }

    pub fn new_block(&mut self) -> MBlock {
        self.vcode.blocks.push(MBlockData::default());
        MBlock::new(self.vcode.blocks.len() - 1)
    }

    pub fn emit(&mut self, inst: MInst) {
        self.vcode.blocks[self.current.index()].insts.push(inst);
    }

    /// The virtual register holding `v` (materializing a constant if needed).
    pub fn reg(&mut self, v: Value) -> VReg {
        let v = self.func.dfg.resolve_aliases(v);
        if let Some(&c) = self.consts.get(&v) {
            let dst = self.new_vreg();
            self.emit(MInst::Alu { op: "copyb", dst, a: Src::Imm(0), b: Src::Imm(c) });
            return dst;
        }
        self.value_vreg(v)
    }

    fn value_vreg(&mut self, v: Value) -> VReg {
        if let Some(&r) = self.vregs.get(&v) {
            return r;
        }
        let r = self.new_vreg();
        self.vregs.insert(v, r);
        r
    }

    /// `v` as an operand: an immediate when it is a constant.
    pub fn src(&mut self, v: Value) -> Src {
        let v = self.func.dfg.resolve_aliases(v);
        match self.consts.get(&v) {
            Some(&c) => Src::Imm(c),
            None => Src::Reg(self.value_vreg(v)),
        }
    }

    pub fn const_of(&self, v: Value) -> Option<u64> {
        self.consts.get(&self.func.dfg.resolve_aliases(v)).copied()
    }

    pub fn def(&mut self, v: Value) -> VReg {
        self.value_vreg(v)
    }

    /// Makes `result` another name for `src` (no instruction): extensions and truncations
    /// that need no work.
    pub fn alias(&mut self, result: Value, src: Src) {
        match src {
            Src::Imm(c) => {
                self.consts.insert(result, c);
            }
            Src::Reg(r) => {
                self.vregs.insert(result, r);
            }
        }
    }

    pub fn mark_clean(&mut self, v: Value) {
        self.clean.insert(v);
    }

    pub fn is_clean(&self, v: Value) -> bool {
        self.clean.contains(&self.func.dfg.resolve_aliases(v))
    }

    pub fn ty(&self, v: Value) -> Type {
        self.func.dfg.value_type(v)
    }

    pub fn is_address_only(&self, v: Value) -> bool {
        self.address_only.contains(&self.func.dfg.resolve_aliases(v))
    }

    pub fn is_fused(&self, v: Value) -> bool {
        self.fused.contains(&self.func.dfg.resolve_aliases(v))
    }

    pub fn mblock(&self, b: ir::Block) -> MBlock {
        self.block_map[&b]
    }

    /// `v` zero- or sign-extended from its type to 64 bits.
    pub fn extended(&mut self, v: Value, signed: bool) -> Src {
        let bits = self.ty(v).bits();
        if let Some(c) = self.const_of(v) {
            return Src::Imm(extend_const(c, bits, signed));
        }
        if bits == 64 || (!signed && self.is_clean(v)) {
            return self.src(v);
        }
        let a = self.src(v);
        let dst = self.new_vreg();
        let inst = match (signed, bits) {
            (true, 8) => MInst::Alu { op: "signextend_b", dst, a: Src::Imm(0), b: a },
            (true, 16) => MInst::Alu { op: "signextend_h", dst, a: Src::Imm(0), b: a },
            (true, _) => MInst::Alu { op: "signextend_w", dst, a: Src::Imm(0), b: a },
            (false, _) => MInst::Alu { op: "and", dst, a, b: Src::Imm(mask(bits)) },
        };
        self.emit(inst);
        Src::Reg(dst)
    }

    /// A comparison for `cond`, which is a fused `icmp` or any integer (true when nonzero).
    pub fn condition(&mut self, cond: Value) -> Result<Cmp, BackendError> {
        let cond = self.func.dfg.resolve_aliases(cond);
        if let Some(&(inner, negate)) = self.see_through.get(&cond) {
            let cmp = self.condition(inner)?;
            return Ok(Cmp { negated: cmp.negated != negate, ..cmp });
        }
        if self.is_fused(cond) {
            let inst = self.func.dfg.value_def(cond).unwrap_inst();
            if let InstructionData::IntCompare { cond: cc, args, .. } = self.func.dfg.insts[inst] {
                return alu::compare(self, cc, args[0], args[1]);
            }
        }
        let bits = self.ty(cond).bits();
        let (op, a) = match bits {
            64 => ("eq", self.src(cond)),
            32 => ("eq_w", self.src(cond)),
            _ => ("eq", self.extended(cond, false)),
        };
        Ok(Cmp { op, a, b: Src::Imm(0), negated: true })
    }

    fn lower(&mut self) -> Result<(), BackendError> {
        let func = self.func;
        // Blocks in layout order; their parameters are virtual registers.
        for block in func.layout.blocks() {
            let mb = self.new_block();
            self.block_map.insert(block, mb);
            self.clif_order.push(mb);
            self.vcode.blocks[mb.index()].cold = func.layout.is_cold(block);
        }
        self.analyze();
        let entry = func.layout.entry_block().ok_or_else(|| self.unsupported("an empty function"))?;
        for block in func.layout.blocks() {
            self.current = self.mblock(block);
            let params: Vec<Value> = func.dfg.block_params(block).to_vec();
            if block == entry {
                call::lower_entry_params(self, &params)?;
            } else {
                let regs = params.iter().map(|&p| self.def(p)).collect();
                self.vcode.blocks[self.current.index()].params = regs;
            }
            for inst in func.layout.block_insts(block) {
                self.lower_inst(inst)?;
            }
        }
        Ok(())
    }

    /// Constants, use counts and which compares fuse into their user.
    fn analyze(&mut self) {
        let func = self.func;
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                for &arg in func.dfg.inst_values(inst).collect::<Vec<_>>().iter() {
                    *self.use_counts.entry(func.dfg.resolve_aliases(arg)).or_default() += 1;
                }
                match func.dfg.insts[inst] {
                    InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } => {
                        let v = func.dfg.first_result(inst);
                        let bits = func.dfg.value_type(v).bits();
                        self.consts.insert(v, extend_const(imm.bits() as u64, bits, false));
                    }
                    InstructionData::UnaryGlobalValue { opcode: Opcode::SymbolValue, global_value } => {
                        if let Some(addr) = symbol_address(func, global_value) {
                            self.consts.insert(func.dfg.first_result(inst), addr);
                        }
                    }
                    _ => {}
                }
            }
        }
        // Address arithmetic that folds away: an `iadd` with a constant operand whose every use
        // is a load/store address or another such folded `iadd` (base + index + offset
        // chains) becomes part of the accesses' offsets and is never computed.
        let const_iadd = |inst: ir::Inst| -> bool {
            func.dfg.insts[inst].opcode() == Opcode::Iadd
                && func.dfg.inst_args(inst).iter().any(|&a| self.consts.contains_key(&func.dfg.resolve_aliases(a)))
        };
        let mut other_uses: HashSet<Value> = HashSet::new();
        let mut iadd_users: HashMap<Value, Vec<Value>> = HashMap::new();
        let mut candidates: HashSet<Value> = HashSet::new();
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                let data = &func.dfg.insts[inst];
                let address_arg = match data.opcode() {
                    op if op.can_load() && data.arguments(&func.dfg.value_lists).len() == 1 => Some(0),
                    op if op.can_store() && data.arguments(&func.dfg.value_lists).len() == 2 => Some(1),
                    _ => None,
                };
                let folding = const_iadd(inst);
                if folding {
                    candidates.insert(func.dfg.first_result(inst));
                }
                for (i, &arg) in func.dfg.inst_values(inst).collect::<Vec<_>>().iter().enumerate() {
                    let arg = func.dfg.resolve_aliases(arg);
                    if Some(i) == address_arg {
                        continue;
                    }
                    if folding {
                        iadd_users.entry(arg).or_default().push(func.dfg.first_result(inst));
                    } else {
                        other_uses.insert(arg);
                    }
                }
            }
        }
        candidates.retain(|v| !other_uses.contains(v));
        loop {
            let before = candidates.len();
            let keep: HashSet<Value> = candidates
                .iter()
                .copied()
                .filter(|v| iadd_users.get(v).map_or(true, |users| users.iter().all(|u| candidates.contains(u))))
                .collect();
            candidates = keep;
            if candidates.len() == before {
                break;
            }
        }
        self.address_only = candidates;
        for block in func.layout.blocks() {
            for inst in func.layout.block_insts(block) {
                if func.dfg.insts[inst].opcode() != Opcode::Band {
                    continue;
                }
                for &arg in func.dfg.inst_args(inst) {
                    let arg = func.dfg.resolve_aliases(arg);
                    if self.use_counts.get(&arg) != Some(&1) {
                        continue;
                    }
                    if let Some(inner) = self.negation_of(arg) {
                        self.folded_not.insert(arg, inner);
                        break;
                    }
                }
            }
        }
        for block in func.layout.blocks() {
            let (mut defined_here, mut extended_here) = (HashSet::new(), HashSet::new());
            for inst in func.layout.block_insts(block) {
                let data = &func.dfg.insts[inst];
                let fusable_user = matches!(data.opcode(), Opcode::Brif | Opcode::Trapnz | Opcode::Trapz | Opcode::Select | Opcode::SelectSpectreGuard);
                if fusable_user {
                    let cond = func.dfg.resolve_aliases(func.dfg.inst_args(inst)[0]);
                    if defined_here.contains(&cond) && self.use_counts.get(&cond) == Some(&1) {
                        self.fused.insert(cond);
                    } else if let Some(inner) = self.extended_compare(cond, &defined_here, &extended_here) {
                        // `brif (uextend (icmp …))`, as WebAssembly's i32 truth values come.
                        self.see_through.insert(cond, (inner, false));
                        self.skipped.insert(cond);
                        self.fused.insert(inner);
                    }
                }
                match data.opcode() {
                    Opcode::Icmp => {
                        defined_here.insert(func.dfg.first_result(inst));
                    }
                    Opcode::Uextend => {
                        extended_here.insert(func.dfg.first_result(inst));
                    }
                    _ => {}
                }
            }
        }
        self.see_through_compares();
    }

    /// `icmp` when `v` is a single-use `uextend` of a single-use `icmp` defined in this block.
    fn extended_compare(&self, v: Value, defined_here: &HashSet<Value>, extended_here: &HashSet<Value>) -> Option<Value> {
        let func = self.func;
        let def = func.dfg.value_def(v).inst()?;
        let InstructionData::Unary { opcode: Opcode::Uextend, arg } = func.dfg.insts[def] else { return None };
        let inner = func.dfg.resolve_aliases(arg);
        let single = |x: Value| self.use_counts.get(&x) == Some(&1);
        (single(v) && single(inner) && defined_here.contains(&inner) && extended_here.contains(&v)).then_some(inner)
    }

    /// WebAssembly tests `x != y` as `eqz (eq x y)` and exits loops on `eqz (eqz n)`: a fused
    /// compare of a truth value against zero branches on the compare that made the value
    /// (negated for `eq`), which is then never materialized. Chains are followed down.
    fn see_through_compares(&mut self) {
        use ir::condcodes::IntCC;
        let func = self.func;
        let single_use = |cx: &Self, v: Value| cx.use_counts.get(&v) == Some(&1);
        let outer: Vec<Value> = self.fused.iter().copied().collect();
        for mut c in outer {
            loop {
                let def = func.dfg.value_def(c).unwrap_inst();
                let InstructionData::IntCompare { cond: cc @ (IntCC::Equal | IntCC::NotEqual), args: [x, zero], .. } = func.dfg.insts[def] else {
                    break;
                };
                let x = func.dfg.resolve_aliases(x);
                if self.consts.get(&func.dfg.resolve_aliases(zero)) != Some(&0) || !single_use(self, x) {
                    break;
                }
                let Some(x_def) = func.dfg.value_def(x).inst() else { break };
                let (inner, extension) = match func.dfg.insts[x_def] {
                    InstructionData::Unary { opcode: Opcode::Uextend, arg } => (func.dfg.resolve_aliases(arg), Some(x)),
                    InstructionData::IntCompare { .. } => (x, None),
                    _ => break,
                };
                let Some(inner_def) = func.dfg.value_def(inner).inst() else { break };
                let same_block = func.layout.inst_block(inner_def) == func.layout.inst_block(def)
                    && func.layout.inst_block(x_def) == func.layout.inst_block(def);
                if func.dfg.insts[inner_def].opcode() != Opcode::Icmp || !single_use(self, inner) || !same_block {
                    break;
                }
                self.see_through.insert(c, (inner, cc == IntCC::Equal));
                self.fused.insert(inner);
                if let Some(e) = extension {
                    self.skipped.insert(e);
                }
                c = inner;
            }
        }
    }

    /// `v` when `x` is `bnot v` or `bxor v, <all ones>`.
    fn negation_of(&self, x: Value) -> Option<Value> {
        let func = self.func;
        let ir::ValueDef::Result(def, _) = func.dfg.value_def(x) else { return None };
        let args = func.dfg.inst_args(def);
        match func.dfg.insts[def].opcode() {
            Opcode::Bnot => Some(args[0]),
            Opcode::Bxor => {
                let all_ones = mask(func.dfg.value_type(x).bits());
                let is_ones = |v: Value| self.consts.get(&func.dfg.resolve_aliases(v)) == Some(&all_ones);
                if is_ones(args[1]) {
                    Some(args[0])
                } else if is_ones(args[0]) {
                    Some(args[1])
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// For a `band` operand: the negated value when the operand is a folded negation.
    pub fn folded_negation(&self, v: Value) -> Option<Value> {
        self.folded_not.get(&self.func.dfg.resolve_aliases(v)).copied()
    }

    fn lower_inst(&mut self, inst: ir::Inst) -> Result<(), BackendError> {
        let opcode = self.func.dfg.insts[inst].opcode();
        match opcode {
            Opcode::Iconst | Opcode::SymbolValue | Opcode::Nop => Ok(()),
            Opcode::Icmp if self.is_fused(self.func.dfg.first_result(inst)) => Ok(()),
            Opcode::Uextend if self.skipped.contains(&self.func.dfg.first_result(inst)) => Ok(()),
            Opcode::Iadd if self.address_only.contains(&self.func.dfg.first_result(inst)) => Ok(()),
            Opcode::Bnot | Opcode::Bxor if self.folded_not.contains_key(&self.func.dfg.first_result(inst)) => Ok(()),
            Opcode::Load | Opcode::Uload8 | Opcode::Sload8 | Opcode::Uload16 | Opcode::Sload16
            | Opcode::Uload32 | Opcode::Sload32 | Opcode::Store | Opcode::Istore8
            | Opcode::Istore16 | Opcode::Istore32 => memory::lower(self, inst),
            Opcode::Jump | Opcode::Brif | Opcode::BrTable | Opcode::Return | Opcode::Trap | Opcode::Trapnz | Opcode::Trapz
            | Opcode::Select | Opcode::SelectSpectreGuard | Opcode::UaddOverflowTrap => control::lower(self, inst),
            Opcode::Call | Opcode::CallIndirect => call::lower(self, inst),
            _ => alu::lower(self, inst, opcode),
        }
    }

    /// Successor edges of a multi-way branch get their own block, so regalloc2 sees no
    /// critical edges; empty ones are threaded away after allocation.
    pub fn edge_to(&mut self, target: ir::Block, args: &[Value]) -> MBlock {
        let edge = self.new_block();
        let saved = self.current;
        self.current = edge;
        let args: Vec<VReg> = args.iter().map(|&a| self.reg(a)).collect();
        let to = self.mblock(target);
        self.emit(MInst::Jump { target: to });
        self.vcode.blocks[edge.index()].branch_args = args;
        self.vcode.blocks[edge.index()].cold = self.vcode.blocks[saved.index()].cold;
        self.current = saved;
        self.edges.push((saved, edge));
        edge
    }

    /// Ends a block with a jump carrying block arguments.
    pub fn jump_with_args(&mut self, target: ir::Block, args: &[Value]) {
        let args: Vec<VReg> = args.iter().map(|&a| self.reg(a)).collect();
        let to = self.mblock(target);
        self.emit(MInst::Jump { target: to });
        self.vcode.blocks[self.current.index()].branch_args = args;
    }

    fn finish(mut self) -> VCode {
        // Successors and predecessors from the terminators.
        let n = self.vcode.blocks.len();
        let mut succs: Vec<Vec<MBlock>> = vec![vec![]; n];
        for (i, b) in self.vcode.blocks.iter().enumerate() {
            succs[i] = match b.insts.last() {
                Some(MInst::Jump { target }) => vec![*target],
                Some(MInst::Branch { taken, not_taken, .. }) => vec![*taken, *not_taken],
                Some(MInst::BrTable { targets, default, .. }) => {
                    let mut s = targets.clone();
                    s.push(*default);
                    s
                }
                _ => vec![],
            };
        }
        for (i, s) in succs.iter().enumerate() {
            for t in s {
                self.vcode.blocks[t.index()].preds.push(MBlock::new(i));
            }
        }
        for (i, s) in succs.into_iter().enumerate() {
            self.vcode.blocks[i].succs = s;
        }
        // Layout: CLIF order with each branch's edge blocks right after it (so the first edge
        // falls through and edge moves cost no extra jump), cold blocks last.
        let mut order = Vec::with_capacity(n);
        for &b in &self.clif_order {
            order.push(b);
            order.extend(self.edges.iter().filter(|(src, _)| *src == b).map(|(_, e)| *e));
        }
        let is_cold = |b: &MBlock| self.vcode.blocks[b.index()].cold;
        let (hot, cold): (Vec<MBlock>, Vec<MBlock>) = order.into_iter().partition(|b| !is_cold(b));
        self.vcode.order = hot.into_iter().chain(cold).collect();
        self.vcode
    }
}

pub fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

pub fn extend_const(c: u64, bits: u32, signed: bool) -> u64 {
    if bits >= 64 {
        return c;
    }
    let low = c & mask(bits);
    if signed && (low >> (bits - 1)) & 1 == 1 {
        low | !mask(bits)
    } else {
        low
    }
}

pub(crate) fn symbol_address(func: &ir::Function, gv: ir::GlobalValue) -> Option<u64> {
    use zisk_wasm_environ::names::{resolve, DataSymbol, NS_DATA};
    match &func.global_values[gv] {
        ir::GlobalValueData::Symbol { name, offset, .. } => match resolve(func, name)? {
            (NS_DATA, index) => Some(DataSymbol::from_index(index)?.address().wrapping_add(offset.bits() as u64)),
            _ => None,
        },
        _ => None,
    }
}
