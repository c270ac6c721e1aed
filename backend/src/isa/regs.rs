//! ZisK register conventions for generated code.
//!
//! r0 reads zero; r1 holds the return address (a call stores it); r2 is the stack pointer.
//! r3..r39 are allocatable: r10..r17 carry the first eight arguments and results, r3..r35
//! are caller-saved (a call clobbers them), r36..r39 callee-saved (a function saves the ones
//! it uses). All live in ZisK's main trace, so register traffic costs no memory operations.
//!
//! The split is measured: hot leaf functions with many live values (k256's field arithmetic,
//! hashing) pay for every callee-saved register they touch on each call, while values live
//! across calls are few. eth_block direct, steps by last caller-saved register: r17 295.2M,
//! r27 284.7M, r30 282.4M, r33 278.1M, r35 277.3M, r37 280.6M (the hash and Fibonacci
//! benchmarks move by under 100 steps).

use regalloc2::{MachineEnv, PReg, PRegSet, RegClass};

pub const RA: u8 = 1;
pub const SP: u8 = 2;
/// Registers carrying arguments and results, in order.
pub const ARG_REGS: [u8; 8] = [10, 11, 12, 13, 14, 15, 16, 17];
pub const CALLER_SAVED: std::ops::RangeInclusive<u8> = 3..=35;
pub const CALLEE_SAVED: std::ops::RangeInclusive<u8> = 36..=39;

pub fn preg(r: u8) -> PReg {
    PReg::new(r as usize, RegClass::Int)
}

pub fn arg_preg(i: usize) -> PReg {
    preg(ARG_REGS[i])
}

pub fn machine_env() -> MachineEnv {
    MachineEnv {
        // Caller-saved first: a value that does not live across a call costs no save.
        preferred_regs_by_class: [CALLER_SAVED.map(preg).collect(), vec![], vec![]],
        non_preferred_regs_by_class: [CALLEE_SAVED.map(preg).collect(), vec![], vec![]],
        scratch_by_class: [None, None, None],
        fixed_stack_slots: vec![],
    }
}

/// What a call may overwrite: every caller-saved register.
pub fn call_clobbers() -> PRegSet {
    let mut set = PRegSet::empty();
    for r in CALLER_SAVED {
        set.add(preg(r));
    }
    set
}
