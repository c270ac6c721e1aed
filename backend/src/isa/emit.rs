//! Emission: allocated [`VCode`] → ZisK instructions with labels, plus the frame's prologue
//! and epilogue. Register moves and spills that regalloc2 asks for are single ZisK
//! instructions (`copyb` with a register or an indirect operand on the stack pointer).

use std::collections::HashMap;

use regalloc2::{Allocation, Block as MBlock, Edit, Inst, InstPosition, Output};

use super::frame::FrameLayout;
use super::inst::{Callee, MInst, Src, TrapCode};
use super::regalloc::{preg_number, RaFunction};
use super::regs::{CALLEE_SAVED, RA, SP};
use super::zinst::{ASrc, BSrc, CallMark, Next, Store, Target, ZInst};
use zisk_wasm_environ::memory_map::STACK_LIMIT;

/// One item of emitted code.
#[derive(Debug, Clone)]
pub enum Item {
    Label(u32),
    Inst(ZInst),
    Comment(String),
}

/// What emission needs from the linker: labels for things outside the function.
pub trait Labels {
    fn new_label(&mut self) -> u32;
    fn callee(&mut self, callee: &Callee) -> u32;
    fn trap(&mut self, code: TrapCode) -> u32;
    /// Address of the BIOS finalization (output publication and end).
    fn exit_address(&self) -> u64;
}

/// `profiling` marks calls and returns for ZisK's profiler (see [`CallMark`]).
pub fn emit_function(
    ra: &RaFunction,
    out: &Output,
    frame: &FrameLayout,
    entry_label: u32,
    labels: &mut dyn Labels,
    profiling: bool,
) -> Vec<Item> {
    let vcode = ra.vcode;
    let mut edits_at: HashMap<(Inst, bool), Vec<(Allocation, Allocation)>> = HashMap::new();
    for (point, edit) in &out.edits {
        let Edit::Move { from, to } = edit;
        let after = point.pos() == InstPosition::After;
        edits_at.entry((point.inst(), after)).or_default().push((*from, *to));
    }

    // Blocks that only jump onward, with no moves, are threaded away.
    let block_label: Vec<u32> = (0..vcode.blocks.len()).map(|_| labels.new_label()).collect();
    let mut target_of: Vec<MBlock> = (0..vcode.blocks.len()).map(MBlock::new).collect();
    for b in 0..vcode.blocks.len() {
        let range = ra.block_range(MBlock::new(b));
        if range.len() == 1 && b != 0 {
            let i = range.first();
            if let MInst::Jump { target } = ra.inst(i) {
                if !edits_at.contains_key(&(i, false)) && !edits_at.contains_key(&(i, true)) {
                    target_of[b] = *target;
                }
            }
        }
    }
    let resolve = |mut b: MBlock| {
        for _ in 0..vcode.blocks.len() {
            if target_of[b.index()] == b {
                break;
            }
            b = target_of[b.index()];
        }
        b
    };
    let emitted: Vec<MBlock> = vcode.order.iter().copied().filter(|&b| resolve(b) == b).collect();

    let mut e = Emitter { items: Vec::new(), frame, labels, profiling };
    e.items.push(Item::Label(entry_label));
    e.prologue();
    for (pos, &b) in emitted.iter().enumerate() {
        let next = emitted.get(pos + 1).copied();
        e.items.push(Item::Label(block_label[b.index()]));
        for i in ra.block_range(b).iter() {
            if let Some(moves) = edits_at.get(&(i, false)) {
                for &(from, to) in moves {
                    e.mov(from, to);
                }
            }
            let allocs: Vec<Loc> = out.inst_allocs(i).iter().map(|&a| e.loc(a)).collect();
            let label_of = |t: MBlock| block_label[resolve(t).index()];
            let fallthrough = next.map(|n| block_label[n.index()]);
            e.inst(ra.inst(i), &allocs, &label_of, fallthrough);
            if let Some(moves) = edits_at.get(&(i, true)) {
                for &(from, to) in moves {
                    e.mov(from, to);
                }
            }
        }
    }
    e.items
}

/// The frame `ra`'s allocation needs (a stack frame; the caller may make it static).
pub fn frame_layout(ra: &RaFunction, out: &Output) -> FrameLayout {
    let mut used = [false; 64];
    for a in out.allocs.iter() {
        if let Some(p) = a.as_reg() {
            used[preg_number(p) as usize] = true;
        }
    }
    for (_, Edit::Move { from, to }) in &out.edits {
        for a in [from, to] {
            if let Some(p) = a.as_reg() {
                used[preg_number(p) as usize] = true;
            }
        }
    }
    let saved: Vec<u8> = CALLEE_SAVED.filter(|&r| used[r as usize]).collect();
    FrameLayout::new(ra.vcode.outgoing_slots, out.num_spillslots, &saved, ra.vcode.makes_calls)
}

struct Emitter<'a> {
    items: Vec<Item>,
    frame: &'a FrameLayout,
    labels: &'a mut dyn Labels,
    profiling: bool,
}

/// Where an operand lives after allocation.
#[derive(Debug, Clone, Copy)]
enum Loc {
    Reg(u8),
    /// A static-frame slot's absolute address.
    Mem(u64),
}

fn ind8(offset: i64) -> BSrc {
    BSrc::Ind { width: 8, offset }
}

impl Emitter<'_> {
    fn loc(&self, a: Allocation) -> Loc {
        match (a.as_reg(), a.as_stack()) {
            (Some(p), _) => Loc::Reg(preg_number(p)),
            (None, Some(slot)) => Loc::Mem(
                self.frame.absolute(self.frame.spill_offset(slot.index())).expect("stack-slot operands only with static frames"),
            ),
            _ => unreachable!("operands are allocated"),
        }
    }

    fn push(&mut self, z: ZInst) {
        self.items.push(Item::Inst(z));
    }

    /// Saves `r` in the frame slot at `off`.
    fn save(&mut self, r: u8, off: i64) {
        match self.frame.absolute(off) {
            Some(addr) => self.push(ZInst::new("copyb", ASrc::Imm(0), BSrc::Reg(r)).to(Store::Mem(addr))),
            None => self.push(ZInst::new("copyb", ASrc::Reg(SP), BSrc::Reg(r)).to(Store::Ind { width: 8, offset: off })),
        }
    }

    fn restore(&mut self, r: u8, off: i64) {
        match self.frame.absolute(off) {
            Some(addr) => self.push(ZInst::new("copyb", ASrc::Imm(0), BSrc::Mem(addr)).to(Store::Reg(r))),
            None => self.push(ZInst::new("copyb", ASrc::Reg(SP), ind8(off)).to(Store::Reg(r))),
        }
    }

    fn prologue(&mut self) {
        let adjust = self.frame.sp_adjust();
        if adjust > 0 {
            self.push(ZInst::new("add", ASrc::Reg(SP), BSrc::Imm((-adjust) as u64)).to(Store::Reg(SP)));
            let overflow = self.labels.trap(TrapCode::StackOverflow);
            self.push(ZInst::new("ltu", ASrc::C, BSrc::Imm(STACK_LIMIT)).then(Next::Branch(Target::Label(overflow), Target::Rel(4))));
        }
        if let Some(off) = self.frame.ra_offset {
            self.save(RA, off);
        }
        for &(r, off) in &self.frame.saved.clone() {
            self.save(r, off);
        }
    }

    fn epilogue_and_return(&mut self) {
        for &(r, off) in &self.frame.saved.clone() {
            self.restore(r, off);
        }
        let adjust = self.frame.sp_adjust();
        if adjust > 0 {
            self.push(ZInst::new("add", ASrc::Reg(SP), BSrc::Imm(adjust as u64)).to(Store::Reg(SP)));
        }
        // Where the return address is: a static slot, a dynamic-frame slot, or still in `ra`.
        let (a, b) = match (self.frame.ra_offset, self.frame.ra_offset.and_then(|o| self.frame.absolute(o))) {
            (Some(_), Some(addr)) => (ASrc::Imm(0), BSrc::Mem(addr)),
            (Some(off), None) => (ASrc::Reg(SP), ind8(off - adjust)),
            (None, _) => (ASrc::Imm(0), BSrc::Reg(RA)),
        };
        if !self.profiling {
            // Load it and jump to it in one instruction.
            self.push(ZInst::new("copyb", a, b).then(Next::SetPc(0)));
            return;
        }
        // A profiling build returns by an `and` that ziskemu's tracker takes for `ret` (55 more
        // in cost than `copyb`). `and`'s `a` is its mask, so it cannot also be the frame base:
        // a dynamic frame's return address is loaded into `ra` first, one more step.
        let b = if a == ASrc::Reg(SP) {
            self.push(ZInst::new("copyb", a, b).to(Store::Reg(RA)));
            BSrc::Reg(RA)
        } else {
            b
        };
        self.push(ZInst::new("and", ASrc::Imm(u64::MAX), b).then(Next::SetPc(0)).marked(CallMark::Return));
    }

    fn mov(&mut self, from: Allocation, to: Allocation) {
        let slot = |a: Allocation| a.as_stack().map(|s| self.frame.spill_offset(s.index()));
        match (from.as_reg(), to.as_reg()) {
            (Some(f), Some(t)) if f == t => {}
            (Some(f), Some(t)) => {
                self.push(ZInst::new("copyb", ASrc::Imm(0), BSrc::Reg(preg_number(f))).to(Store::Reg(preg_number(t))))
            }
            // A static frame's slots are at fixed addresses: the stack pointer did not move, so
            // `sp + offset` would be the caller's memory.
            (None, Some(t)) => self.restore(preg_number(t), slot(from).expect("a spill slot")),
            (Some(f), None) => self.save(preg_number(f), slot(to).expect("a spill slot")),
            (None, None) => {
                // regalloc2 does not emit these, but ZisK can do it in one instruction.
                let (a, b) = (slot(from).expect("slot"), slot(to).expect("slot"));
                match (self.frame.absolute(a), self.frame.absolute(b)) {
                    (Some(x), Some(y)) => self.push(ZInst::new("copyb", ASrc::Imm(0), BSrc::Mem(x)).to(Store::Mem(y))),
                    _ => self.push(ZInst::new("copyb", ASrc::Reg(SP), ind8(a)).to(Store::Ind { width: 8, offset: b })),
                }
            }
        }
    }

    fn inst(&mut self, inst: &MInst, allocs: &[Loc], label_of: &dyn Fn(MBlock) -> u32, fallthrough: Option<u32>) {
        // Allocations come in operand order (see `regalloc::operands`): read them in turn.
        let as_a = |l: Loc| match l {
            Loc::Reg(r) => ASrc::Reg(r),
            Loc::Mem(m) => ASrc::Mem(m),
        };
        let reg_of = |l: Loc| match l {
            Loc::Reg(r) => r,
            Loc::Mem(_) => unreachable!("register-constrained operand"),
        };
        let store_of = |l: Loc| match l {
            Loc::Reg(r) => Store::Reg(r),
            Loc::Mem(m) => Store::Mem(m),
        };
        let mut cursor = allocs.iter().copied();
        let mut next = move || cursor.next().expect("an allocation per register operand");
        let src = |s: &Src, next: &mut dyn FnMut() -> Loc| match s {
            Src::Reg(_) => as_a(next()),
            Src::Imm(v) => ASrc::Imm(*v),
        };
        let b_of = |a: ASrc| match a {
            ASrc::Reg(r) => BSrc::Reg(r),
            ASrc::Mem(m) => BSrc::Mem(m),
            ASrc::Imm(v) => BSrc::Imm(v),
            ASrc::C => BSrc::C,
        };
        match inst {
            MInst::Alu { op, a, b, .. } => {
                let (a, b) = (src(a, &mut next), src(b, &mut next));
                let dst = store_of(next());
                self.push(ZInst::new(op, a, b_of(b)).to(dst));
            }
            MInst::Load { op, width, base, offset, .. } => {
                let base = src(base, &mut next);
                let dst = store_of(next());
                self.push(ZInst::new(op, base, BSrc::Ind { width: *width, offset: *offset }).to(dst));
            }
            MInst::Store { width, base, offset, value } => {
                let (base, value) = (src(base, &mut next), src(value, &mut next));
                self.push(ZInst::new("copyb", base, b_of(value)).to(Store::Ind { width: *width, offset: *offset }));
            }
            MInst::Select { cmp, x, y, .. } => {
                let (ca, cb, x, y) = (src(&cmp.a, &mut next), src(&cmp.b, &mut next), src(x, &mut next), src(y, &mut next));
                let dst = reg_of(next());
                self.push(ZInst::new("copyb", ASrc::Imm(0), b_of(y)).to(Store::Reg(dst)));
                self.push(ZInst::new(cmp.op, ca, b_of(cb)).then(Next::Branch(Target::Rel(4), Target::Rel(8))));
                self.push(ZInst::new("copyb", ASrc::Imm(0), b_of(x)).to(Store::Reg(dst)));
            }
            MInst::Args { .. } => {}
            MInst::StackArg { index, .. } => {
                let off = self.frame.incoming_offset(*index);
                self.push(ZInst::new("copyb", ASrc::Reg(SP), ind8(off)).to(store_of(next())));
            }
            MInst::StackResult { index, .. } => {
                self.push(ZInst::new("copyb", ASrc::Reg(SP), ind8(8 * *index as i64)).to(store_of(next())));
            }
            MInst::OutgoingArg { value, index } => {
                let value = src(value, &mut next);
                self.push(ZInst::new("copyb", ASrc::Reg(SP), b_of(value)).to(Store::Ind { width: 8, offset: 8 * *index as i64 }));
            }
            MInst::ReturnStackValue { value, index } => {
                let value = src(value, &mut next);
                let off = self.frame.incoming_offset(*index);
                self.push(ZInst::new("copyb", ASrc::Reg(SP), b_of(value)).to(Store::Ind { width: 8, offset: off }));
            }
            MInst::Call { callee, args, .. } => match callee {
                Callee::Indirect(_) => {
                    // Two instructions rather than one `store_pc` jump, so that the `.zisk`
                    // listing (which cannot express store_pc on setpc) is the same program.
                    let target = reg_of(allocs[args.len()]);
                    let back = self.labels.new_label();
                    self.push(ZInst::new("copyb", ASrc::Imm(0), BSrc::LabelAddr(back)).to(Store::Reg(RA)));
                    if self.profiling {
                        // The same steps; the jump itself writes the return address, as
                        // the tracker's `jalr` shape wants.
                        let mut call = ZInst::new("and", ASrc::Imm(u64::MAX), BSrc::Reg(target))
                            .to(Store::Reg(RA))
                            .then(Next::SetPc(0))
                            .marked(CallMark::Call);
                        call.store_pc = true;
                        self.push(call);
                    } else {
                        self.push(ZInst::new("copyb", ASrc::Imm(0), BSrc::Reg(target)).then(Next::SetPc(0)));
                    }
                    self.items.push(Item::Label(back));
                }
                direct => {
                    let label = self.labels.callee(direct);
                    let mut z = ZInst::new("flag", ASrc::Imm(0), BSrc::Imm(0))
                        .to(Store::Reg(RA))
                        .then(Next::Branch(Target::Label(label), Target::Rel(4)));
                    z.store_pc = true;
                    self.push(z);
                }
            },
            MInst::Precompile { op, a, b } => {
                let (a, b) = (src(a, &mut next), src(b, &mut next));
                // Precompiles leave the flag clear and want their first jump offset zero.
                self.push(ZInst::new(op, a, b_of(b)).then(Next::Branch(Target::Rel(0), Target::Rel(4))));
            }
            MInst::Fcall { op, a, b } => {
                let (a, b) = (src(a, &mut next), src(b, &mut next));
                self.push(ZInst::new(op, a, b_of(b)));
            }
            MInst::FcallGet { .. } => {
                let dst = reg_of(next());
                // As ZisK's transpiler emits it for `csrr rd, 0xFFE`.
                self.push(ZInst::new("fcall_get", ASrc::Imm(0), BSrc::Mem(zisk_core::INPUT_ADDR)).to(Store::Reg(dst)));
            }
            MInst::Exit { code } => {
                let code = src(code, &mut next);
                let exit = self.labels.exit_address();
                match code {
                    ASrc::Imm(c) if c as u32 == 0 => self.push(ZInst::new("copyb", ASrc::Imm(0), BSrc::Imm(exit)).then(Next::SetPc(0))),
                    // `halt` marks the run failed with its code; the program still has to reach
                    // the BIOS end.
                    ASrc::Imm(c) => {
                        self.push(ZInst::new("halt", ASrc::Imm(c as u32 as u64), BSrc::Imm(0)));
                        self.push(ZInst::new("copyb", ASrc::Imm(0), BSrc::Imm(exit)).then(Next::SetPc(0)));
                    }
                    code => {
                        self.push(ZInst::new("eq_w", code, BSrc::Imm(0)).then(Next::Branch(Target::Rel(12), Target::Rel(4))));
                        self.push(ZInst::new("and", code, BSrc::Imm(0xffff_ffff)));
                        self.push(ZInst::new("halt", ASrc::C, BSrc::Imm(0)));
                        self.push(ZInst::new("copyb", ASrc::Imm(0), BSrc::Imm(exit)).then(Next::SetPc(0)));
                    }
                }
            }
            MInst::Jump { target } => {
                let l = label_of(*target);
                if Some(l) != fallthrough {
                    self.push(ZInst::jump(Target::Label(l)));
                }
            }
            MInst::Branch { cmp, taken, not_taken } => {
                let (ca, cb) = (src(&cmp.a, &mut next), src(&cmp.b, &mut next));
                let (t, f) = (label_of(*taken), label_of(*not_taken));
                let next = if Some(f) == fallthrough {
                    Next::Branch(Target::Label(t), Target::Rel(4))
                } else if Some(t) == fallthrough {
                    Next::Branch(Target::Rel(4), Target::Label(f))
                } else {
                    Next::Branch(Target::Label(t), Target::Label(f))
                };
                self.push(ZInst::new(cmp.op, ca, b_of(cb)).then(next));
            }
            MInst::BrTable { targets, default, .. } => {
                let index = reg_of(allocs[0]);
                let n = targets.len() as u64;
                let d = label_of(*default);
                self.push(ZInst::new("ltu", ASrc::Reg(index), BSrc::Imm(n)).then(Next::Branch(Target::Rel(4), Target::Label(d))));
                // Jump into the table of jumps that follows: next pc = index * 4 + table.
                self.push(ZInst::new("sll", ASrc::Reg(index), BSrc::Imm(2)).then(Next::SetPcToNext));
                for &t in targets {
                    self.push(ZInst::jump(Target::Label(label_of(t))));
                }
            }
            MInst::Return { .. } => self.epilogue_and_return(),
            MInst::Trap { code } => {
                let l = self.labels.trap(*code);
                self.push(ZInst::jump(Target::Label(l)));
            }
            MInst::TrapIf { cmp, code } => {
                let (ca, cb) = (src(&cmp.a, &mut next), src(&cmp.b, &mut next));
                let l = self.labels.trap(*code);
                let (on_flag, otherwise) = if cmp.negated { (Target::Rel(4), Target::Label(l)) } else { (Target::Label(l), Target::Rel(4)) };
                self.push(ZInst::new(cmp.op, ca, b_of(cb)).then(Next::Branch(on_flag, otherwise)));
            }
        }
    }
}
