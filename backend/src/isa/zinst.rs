//! A ZisK instruction after register allocation: `op(a, b) -> store, j(j1, j2) | setpc`.
//! It becomes a `zisk_core` instruction ([`ZInst::build`]) and a `.zisk` listing line
//! ([`ZInst::listing`]) from the same value, so the listing is the program.

use std::fmt::Write;

use zisk_core::{ZiskInstBuilder, ZiskRom};

/// A physical ZisK register number (r1..r39 live in the main trace).
pub type PhysReg = u8;

/// Where the `a` operand comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ASrc {
    Imm(u64),
    Reg(PhysReg),
    /// The 8 bytes at an absolute address.
    Mem(u64),
    /// The previous instruction's result.
    C,
}

/// Where the `b` operand comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BSrc {
    Imm(u64),
    Reg(PhysReg),
    /// The 8 bytes at an absolute address.
    Mem(u64),
    C,
    /// W bytes at `a + offset`, zero-extended.
    Ind { width: u8, offset: i64 },
    /// The address of a label, as an immediate.
    LabelAddr(u32),
}

/// Where the result `c` goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Store {
    None,
    Reg(PhysReg),
    /// 8 bytes at an absolute address.
    Mem(u64),
    /// W bytes at `a + offset`.
    Ind { width: u8, offset: i64 },
}

/// A control-flow target: a label resolved at link time, or a fixed pc offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Label(u32),
    /// Relative to this instruction, in bytes.
    Rel(i64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Fall through.
    Seq,
    /// `j(t1, t2)`: t1 when the op's flag is set, else t2.
    Branch(Target, Target),
    /// Next pc = c + offset (computed jump).
    SetPc(i64),
    /// Next pc = c + the address of the following instruction (a jump table follows).
    SetPcToNext,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZInst {
    pub op: &'static str,
    pub a: ASrc,
    pub b: BSrc,
    pub store: Store,
    pub next: Next,
    /// Store pc + 4 (the return address) instead of `c`.
    pub store_pc: bool,
    /// Set only in profiling builds: how ZisK's call-stack tracker should read this jump.
    pub mark: Option<CallMark>,
}

/// ziskemu's per-function profile follows calls and returns by their shape (an `and` with
/// `setpc` and register metadata, as ZisK's RISC-V transpiler emits for `jalr`); a jump so
/// marked gets that metadata, and a marked return reports its target exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallMark {
    /// Writes the return address to `ra` and jumps to a computed target.
    Call,
    /// Jumps to the return address (`c`).
    Return,
}

impl ZInst {
    pub fn new(op: &'static str, a: ASrc, b: BSrc) -> ZInst {
        ZInst { op, a, b, store: Store::None, next: Next::Seq, store_pc: false, mark: None }
    }

    pub fn to(mut self, store: Store) -> ZInst {
        self.store = store;
        self
    }

    pub fn then(mut self, next: Next) -> ZInst {
        self.next = next;
        self
    }

    pub fn marked(mut self, mark: CallMark) -> ZInst {
        self.mark = Some(mark);
        self
    }

    /// Unconditional jump: `flag` always sets the flag and costs nothing.
    pub fn jump(target: Target) -> ZInst {
        ZInst::new("flag", ASrc::Imm(0), BSrc::Imm(0)).then(Next::Branch(target, target))
    }

    /// Encodes this instruction at `pc` into `rom`; `resolve` maps labels to addresses.
    pub fn build(&self, pc: u64, rom: &mut ZiskRom, resolve: &dyn Fn(u32) -> u64) {
        let mut z = ZiskInstBuilder::new(pc);
        match self.a {
            ASrc::Imm(v) => z.src_a("imm", v, false),
            ASrc::Reg(r) => z.src_a("reg", r as u64, false),
            ASrc::Mem(addr) => z.src_a("mem", addr, false),
            ASrc::C => z.src_a("lastc", 0, false),
        }
        match self.b {
            BSrc::Imm(v) => z.src_b("imm", v, false),
            BSrc::Reg(r) => z.src_b("reg", r as u64, false),
            BSrc::Mem(addr) => z.src_b("mem", addr, false),
            BSrc::C => z.src_b("lastc", 0, false),
            BSrc::Ind { offset, .. } => z.src_b("ind", offset as u64, false),
            BSrc::LabelAddr(l) => z.src_b("imm", resolve(l), false),
        }
        z.op(self.op).expect("the backend emits only ZisK op names");
        match self.store {
            Store::None => {}
            Store::Reg(r) => z.store("reg", r as i64, false, self.store_pc),
            Store::Mem(addr) => z.store("mem", addr as i64, false, self.store_pc),
            Store::Ind { offset, .. } => z.store("ind", offset, false, self.store_pc),
        }
        let width = match (self.b, self.store) {
            (BSrc::Ind { width, .. }, _) | (_, Store::Ind { width, .. }) => width as u64,
            _ => 8,
        };
        z.ind_width(width);
        let rel = |t: Target| match t {
            Target::Label(l) => resolve(l) as i64 - pc as i64,
            Target::Rel(r) => r,
        };
        match self.next {
            Next::Seq => z.j(4, 4),
            Next::Branch(t1, t2) => z.j(rel(t1), rel(t2)),
            Next::SetPc(offset) => {
                z.set_pc();
                // The tracker takes `c + j2` for a return's target.
                z.j(offset, if self.mark == Some(CallMark::Return) { 0 } else { 4 });
            }
            Next::SetPcToNext => {
                z.set_pc();
                z.j((pc + 4) as i64, 4);
            }
        }
        match self.mark {
            Some(CallMark::Call) => z.set_meta_rd(crate::isa::regs::RA),
            Some(CallMark::Return) => z.set_meta_rs1_rd(crate::isa::regs::RA, 0),
            None => {}
        }
        z.build(rom);
    }

    /// The instruction in ZisK assembly (`ziskasm.md`), labels as `L<n>`.
    pub fn listing(&self, pc: u64, label_name: &dyn Fn(u32) -> String) -> String {
        let mut s = String::new();
        if self.store_pc {
            // A direct call: ziskasm's `call` is exactly `flag` + store_pc into r1.
            if let Next::Branch(Target::Label(l), Target::Rel(4)) = self.next {
                return format!("call {}", label_name(l));
            }
        }
        let a = match self.a {
            ASrc::Imm(v) => imm(v),
            ASrc::Reg(r) => format!("r{r}"),
            ASrc::Mem(addr) => format!("[{addr:#x}]"),
            ASrc::C => "c".into(),
        };
        let b = match self.b {
            BSrc::Imm(v) => imm(v),
            BSrc::Reg(r) => format!("r{r}"),
            BSrc::Mem(addr) => format!("[{addr:#x}]"),
            BSrc::C => "c".into(),
            BSrc::Ind { width, offset } => ind(width, offset),
            BSrc::LabelAddr(l) => label_name(l),
        };
        let _ = write!(s, "{}({a}, {b})", self.op);
        match self.store {
            Store::None => {}
            Store::Reg(r) => {
                let _ = write!(s, " -> r{r}");
            }
            Store::Mem(addr) => {
                let _ = write!(s, " -> [{addr:#x}]");
            }
            Store::Ind { width, offset } => {
                let _ = write!(s, " -> {}", ind(width, offset));
            }
        }
        let target = |t: Target| match t {
            Target::Label(l) => label_name(l),
            Target::Rel(r) => r.to_string(),
        };
        match self.next {
            Next::Seq => {}
            Next::Branch(t1, t2) if t1 == t2 => {
                let _ = write!(s, ", j({})", target(t1));
            }
            Next::Branch(t1, Target::Rel(4)) => {
                let _ = write!(s, ", j({})", target(t1));
            }
            Next::Branch(t1, t2) => {
                let _ = write!(s, ", j({}, {})", target(t1), target(t2));
            }
            Next::SetPc(offset) => {
                let _ = write!(s, ", setpc({offset})");
            }
            Next::SetPcToNext => {
                let _ = write!(s, ", setpc({:#x})", pc + 4);
            }
        }
        s
    }
}

fn imm(v: u64) -> String {
    if v < 0x1_0000 {
        v.to_string()
    } else {
        format!("{v:#x}")
    }
}

fn ind(width: u8, offset: i64) -> String {
    if offset < 0 {
        format!("{width}[a - {}]", offset.unsigned_abs())
    } else {
        format!("{width}[a + {offset:#x}]")
    }
}
