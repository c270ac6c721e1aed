//! The direct route's back end: optimized CLIF → ZisK.
//!
//! [`compile`] translates a WebAssembly module with the environ, runs Cranelift's mid-end on
//! every function, selects ZisK instructions (`isa::lower`), allocates registers with
//! regalloc2 (`isa::regalloc`), emits and links the code into a `ZiskRom` (`link`), and
//! returns it with its ziskbin ELF and `.zisk` listing.

mod bswap_idiom;
mod callgraph;
pub mod elf;
mod error;
mod forward_memory;
mod hoist_bound;
mod local_cse;
pub mod isa;
pub mod link;
mod optimize;
pub mod stages;
mod trap_blocks;
mod widen_checks;

pub use optimize::MidEnd;

pub use zisk_wasm_environ::driver::{Check, Expected, Invocation, Value};
use zisk_wasm_environ::{BoundsChecks, ImportResolver};

/// How to compile.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub bounds_checks: BoundsChecks,
    pub mid_end: MidEnd,
    /// A profiling build: calls and returns shaped for ziskemu's per-function profile
    /// (`-S -X --sdk --top-functions`). The same steps, except one more per return from a
    /// dynamic frame; 55 more in cost per return and per indirect call. Not for proving.
    pub profiling: bool,
}

pub use error::BackendError;

/// A compiled program.
pub struct Program {
    pub rom: zisk_core::ZiskRom,
    /// The ziskbin ELF (`ziskemu -e`, the prover).
    pub elf: Vec<u8>,
    /// The same program as ZisK assembly (`ziskemu -z`).
    pub listing: String,
    pub instructions: usize,
}

/// Compiles a binary WebAssembly module to a ZisK program whose entry runs the start
/// function and then the exported `_start`.
pub fn compile(wasm: &[u8], options: &Options) -> Result<Program, BackendError> {
    compile_entry(wasm, options, &zisk_wasm_runtime_shim::ZiskHost, None)
}

/// Compiles a module, linked against `host`, whose entry runs the start function and then
/// `invocations` (a test driver: a failed check exits with the invocation's 1-based number).
pub fn compile_with_driver(wasm: &[u8], options: &Options, host: &dyn ImportResolver, invocations: &[Invocation]) -> Result<Program, BackendError> {
    compile_entry(wasm, options, host, Some(invocations))
}

fn compile_entry(wasm: &[u8], options: &Options, host: &dyn ImportResolver, driver: Option<&[Invocation]>) -> Result<Program, BackendError> {
    stages::compile_timed(wasm, options, host, driver).map(|(program, _)| program)
}

type Key = (u32, u32);

/// A function's name in the listing and in the ELF's symbol table.
struct Names {
    listing: String,
    symbol: String,
}

fn direct_callees(vcode: &isa::inst::VCode) -> Vec<Key> {
    vcode
        .blocks
        .iter()
        .flat_map(|b| b.insts.iter())
        .filter_map(|i| match i {
            isa::inst::MInst::Call { callee, .. } => isa::inst::callee_label_key(callee),
            _ => None,
        })
        .collect()
}

/// A label for the listing: `f3_main` for `#3 "main"`.
fn label_name(display: &str) -> String {
    let cleaned: String = display
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("f{}", cleaned.trim_matches('_'))
}
