//! A function's stack frame, laid out once register allocation has run.
//!
//! ```text
//! sp + 0                 outgoing stack arguments / results of calls (8 bytes each)
//!      + outgoing        spill slots
//!      + ...             saved callee-saved registers
//!      + ...             saved return address (functions that call)
//! sp + size              the caller's outgoing area: this function's stack args/results
//! ```
//! Every slot is 8 bytes and 8-aligned: ZisK charges aligned 8-byte accesses least.
//!
//! A function that cannot recurse has a *static* frame instead: the same slots at a fixed
//! address (`static_base`), so instructions name them as absolute memory operands and the
//! stack pointer does not move (its stack arguments and results stay at `sp + 8k`).

#[derive(Debug, Clone)]
pub struct FrameLayout {
    /// Bytes of the frame (at `static_base`, or below the stack pointer).
    pub size: i64,
    pub static_base: Option<u64>,
    pub spill_base: i64,
    /// (register, offset) of each saved callee-saved register.
    pub saved: Vec<(u8, i64)>,
    /// Where the return address is saved, if the function calls anything.
    pub ra_offset: Option<i64>,
}

impl FrameLayout {
    pub fn new(outgoing_slots: usize, spill_slots: usize, saved_regs: &[u8], makes_calls: bool) -> Self {
        // The outgoing area is at the stack pointer; static frames have none (see lib.rs).
        let spill_base = 8 * outgoing_slots as i64;
        let mut offset = spill_base + 8 * spill_slots as i64;
        let saved = saved_regs
            .iter()
            .map(|&r| {
                let o = offset;
                offset += 8;
                (r, o)
            })
            .collect();
        let ra_offset = makes_calls.then(|| {
            let o = offset;
            offset += 8;
            o
        });
        FrameLayout { size: offset, static_base: None, saved, ra_offset, spill_base }
    }

    /// How far the stack pointer moves for this frame.
    pub fn sp_adjust(&self) -> i64 {
        if self.static_base.is_some() {
            0
        } else {
            self.size
        }
    }

    /// Absolute address of a frame offset (static frames only).
    pub fn absolute(&self, offset: i64) -> Option<u64> {
        self.static_base.map(|b| b + offset as u64)
    }

    pub fn spill_offset(&self, slot: usize) -> i64 {
        self.spill_base + 8 * slot as i64
    }

    /// Offset of incoming stack argument (or outgoing stack result) `index`.
    pub fn incoming_offset(&self, index: usize) -> i64 {
        self.sp_adjust() + 8 * index as i64
    }
}
