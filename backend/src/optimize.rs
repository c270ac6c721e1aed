//! Cranelift's mid-end on one function. Cranelift cannot host an out-of-tree ISA, so its
//! riscv64 ISA stands in: the optimizer needs only flags and the pointer type (64-bit, as
//! on ZisK); none of its code generation runs.
//!
//! Which mid-end runs is a measured choice ([`MidEnd`]). Legalization (plus unreachable-code
//! and constant-phi removal) always runs. Cranelift 0.112's egraph (GVN, LICM, algebraic
//! rewrites) is off by default: its extraction prices each value as a tree, ignoring sharing,
//! so long dependency chains (an unrolled Fibonacci loop, Keccak's rounds) come out
//! re-associated into several times as many instructions. On ZisK, with n = 100 and
//! fibonacci(10^6): iter_sha 217,858 vs 218,214 steps, iter_keccak 686,328 vs 509,455,
//! fibonacci 5,252,580 vs 1,253,062 (egraph vs legalize-only).
//!
//! After legalization, conditional traps become single instructions again and the blocks they
//! split are joined (`trap_blocks.rs`); then our own CSE over extended basic blocks runs (`local_cse.rs`): without
//! GVN every checked memory access would recompute its index extension and reload the memory
//! bound. Then the bounds checks of one pointer in a straight-line run merge into its first
//! (`widen_checks.rs`), loads take the values earlier stores and loads left
//! (`forward_memory.rs`), and byte swaps spelled in shifts become one `bswap`
//! (`bswap_idiom.rs`).

use std::sync::OnceLock;

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir;
use cranelift_codegen::isa::{self, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;

use crate::BackendError;

/// What runs between translation and our lowering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MidEnd {
    /// Legalization, unreachable-code and constant-phi removal (the default, see above).
    #[default]
    Legalize,
    /// Cranelift's full mid-end at opt_level = speed (the egraph).
    Egraph,
}

fn stand_in_isa(opt_level: &'static str) -> OwnedTargetIsa {
    let mut flags = settings::builder();
    flags.set("opt_level", opt_level).expect("known setting");
    flags.set("enable_verifier", "true").expect("known setting");
    let triple = "riscv64".parse().expect("riscv64 triple");
    isa::lookup(triple).expect("the riscv64 ISA is compiled in").finish(settings::Flags::new(flags)).expect("valid flags")
}

/// Runs the mid-end on `func` (the CLIF verifier runs too).
pub fn optimize(func: ir::Function, name: &str, mid_end: MidEnd) -> Result<ir::Function, BackendError> {
    static SPEED: OnceLock<OwnedTargetIsa> = OnceLock::new();
    static NONE: OnceLock<OwnedTargetIsa> = OnceLock::new();
    let isa = match mid_end {
        MidEnd::Legalize => NONE.get_or_init(|| stand_in_isa("none")),
        MidEnd::Egraph => SPEED.get_or_init(|| stand_in_isa("speed")),
    };
    let mut ctx = Context::for_function(func);
    ctx.optimize(isa.as_ref(), &mut ControlPlane::default())
        .map_err(|e| BackendError::Optimizer { function: name.to_string(), what: format!("{e:?}") })?;
    let mut passes: Vec<(&str, fn(&mut ir::Function))> = vec![("trap_blocks", crate::trap_blocks::run), ("hoist_bound", crate::hoist_bound::run)];
    if mid_end == MidEnd::Legalize {
        passes.push(("local_cse", crate::local_cse::run));
    }
    passes.push(("widen_checks", crate::widen_checks::run));
    passes.push(("forward_memory", crate::forward_memory::run));
    passes.push(("bswap_idiom", crate::bswap_idiom::run));
    for (pass, run) in passes {
        run(&mut ctx.func);
        // Every pass of ours must leave valid IR; compile time is cheap next to a miscompile.
        cranelift_codegen::verify_function(&ctx.func, isa.flags()).map_err(|errors| BackendError::Optimizer {
            function: name.to_string(),
            what: format!("pass {pass} left invalid IR: {errors}"),
        })?;
    }
    Ok(ctx.func)
}
