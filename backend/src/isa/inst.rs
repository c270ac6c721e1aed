//! Machine code before register allocation ("VCode"): ZisK instructions over virtual
//! registers, in blocks, as regalloc2 sees them.

use regalloc2::{Block as MBlock, VReg};
use zisk_wasm_environ::names;

/// An operand before allocation: a virtual register or a 64-bit immediate (ZisK takes a full
/// u64 immediate in any source position).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Src {
    Reg(VReg),
    Imm(u64),
}

/// A flag-producing ZisK comparison, possibly with swapped operands (ZisK has lt/le but
/// not gt/ge) and the branch sense inverted (for ne).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cmp {
    pub op: &'static str,
    pub a: Src,
    pub b: Src,
    /// The condition holds when the flag is clear (ne = not eq).
    pub negated: bool,
}

/// Something a call can reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Callee {
    /// A WebAssembly function (defined, or an import provided by the host).
    Wasm(u32),
    Builtin(zisk_wasm_environ::Builtin),
    /// A code address in a register.
    Indirect(VReg),
}

/// Why a program stops with a trap; each has its own console message.
pub type TrapCode = cranelift_codegen::ir::TrapCode;

#[derive(Debug, Clone)]
pub enum MInst {
    /// `dst = op(a, b)`.
    Alu { op: &'static str, dst: VReg, a: Src, b: Src },
    /// `dst = op(_, W[base + offset])`: `copyb` zero-extends, `signextend_*` sign-extends.
    Load { op: &'static str, width: u8, dst: VReg, base: Src, offset: i64 },
    /// `W[base + offset] = value`.
    Store { width: u8, base: Src, offset: i64, value: Src },
    /// `dst = cmp ? x : y` (three ZisK instructions, at most three steps).
    Select { cmp: Cmp, dst: VReg, x: Src, y: Src },
    /// Function entry: the register arguments arrive in fixed registers.
    Args { params: Vec<(VReg, usize)> },
    /// Load stack argument `index` (counted from the ninth).
    StackArg { dst: VReg, index: usize },
    /// Store a value into the outgoing stack-argument area, slot `index`.
    OutgoingArg { value: Src, index: usize },
    /// After a call: load stack result `index` from the outgoing area.
    StackResult { dst: VReg, index: usize },
    /// Before returning: store result `index` into the caller's area.
    ReturnStackValue { value: Src, index: usize },
    Call { callee: Callee, args: Vec<(VReg, usize)>, results: Vec<(VReg, usize)> },
    /// Ends the program: exit code 0 publishes the output, anything else fails the run.
    /// Not a terminator: what follows it in its block is dead but well formed.
    Exit { code: Src },
    /// A ZisK precompile on memory at the addresses `a`/`b` (ops `keccak`, `sha256`).
    Precompile { op: &'static str, a: Src, b: Src },
    /// A ZisK hint op without a result: `fcall_param` (a = word count, b = the value or
    /// address) or `fcall` (a = function id).
    Fcall { op: &'static str, a: Src, b: Src },
    /// The next word of the last hint's result.
    FcallGet { dst: VReg },
    Jump { target: MBlock },
    Branch { cmp: Cmp, taken: MBlock, not_taken: MBlock },
    /// `index < targets.len()` selects a target, anything else `default`.
    BrTable { index: VReg, targets: Vec<MBlock>, default: MBlock },
    Return { values: Vec<(VReg, usize)> },
    Trap { code: TrapCode },
    /// Trap with `code` when `cmp` holds; falls through otherwise.
    TrapIf { cmp: Cmp, code: TrapCode },
}

impl MInst {
    pub fn is_terminator(&self) -> bool {
        matches!(
            self,
            MInst::Jump { .. } | MInst::Branch { .. } | MInst::BrTable { .. } | MInst::Return { .. } | MInst::Trap { .. }
        )
    }
}

/// A block of machine code.
#[derive(Debug, Default, Clone)]
pub struct MBlockData {
    pub params: Vec<VReg>,
    pub insts: Vec<MInst>,
    /// Arguments the terminator passes (for a single-successor jump).
    pub branch_args: Vec<VReg>,
    pub succs: Vec<MBlock>,
    pub preds: Vec<MBlock>,
    /// Cold blocks are placed after the hot ones.
    pub cold: bool,
}

/// A function's machine code before allocation.
#[derive(Debug, Default)]
pub struct VCode {
    pub name: String,
    pub blocks: Vec<MBlockData>,
    pub num_vregs: usize,
    /// Whether the function calls anything (then it saves the return address).
    pub makes_calls: bool,
    /// Most stack argument/result slots any call in this function uses.
    pub outgoing_slots: usize,
    /// Layout order of the blocks.
    pub order: Vec<MBlock>,
    /// Signatures of this function's indirect calls (which functions they can reach).
    pub indirect_signatures: Vec<cranelift_codegen::ir::Signature>,
}

/// Where a call goes, as linked code sees it.
pub fn callee_label_key(callee: &Callee) -> Option<(u32, u32)> {
    match callee {
        Callee::Wasm(i) => Some((names::NS_WASM_FUNC, *i)),
        Callee::Builtin(b) => Some((names::NS_BUILTIN, *b as u32)),
        Callee::Indirect(_) => None,
    }
}
