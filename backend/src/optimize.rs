//! Cranelift's mid-end on one function. Cranelift cannot host an out-of-tree ISA, so its
//! riscv64 ISA stands in: the optimizer needs only flags and the pointer type (64-bit, as
//! on ZisK); none of its code generation runs.

use std::sync::OnceLock;

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir;
use cranelift_codegen::isa::{self, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::Context;

use crate::BackendError;

fn stand_in_isa() -> &'static OwnedTargetIsa {
    static ISA: OnceLock<OwnedTargetIsa> = OnceLock::new();
    ISA.get_or_init(|| {
        let mut flags = settings::builder();
        flags.set("opt_level", "speed").expect("known setting");
        flags.set("enable_verifier", "true").expect("known setting");
        let triple = "riscv64".parse().expect("riscv64 triple");
        isa::lookup(triple)
            .expect("the riscv64 ISA is compiled in")
            .finish(settings::Flags::new(flags))
            .expect("valid flags")
    })
}

/// Optimizes `func` in place (opt_level = speed, verifier on).
pub fn optimize(func: ir::Function, name: &str) -> Result<ir::Function, BackendError> {
    let mut ctx = Context::for_function(func);
    ctx.optimize(stand_in_isa().as_ref(), &mut ControlPlane::default())
        .map_err(|e| BackendError::Optimizer { function: name.to_string(), what: format!("{e:?}") })?;
    Ok(ctx.func)
}
