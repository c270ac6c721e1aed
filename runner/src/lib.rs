//! Run programs on the real ZisK emulator and collect output, steps and cost.
//!
//! ```no_run
//! use zisk_runner::{Program, RunOptions, Ziskemu};
//! let emu = Ziskemu::locate()?;
//! let input = zisk_runner::encode_input(&[&1_000_000u64.to_le_bytes()]);
//! let run = emu.run(&Program::elf("fib.elf"), &input, &RunOptions::default())?;
//! println!("{} steps, variable cost {}", run.cost.steps, run.cost.variable);
//! # Ok::<(), zisk_runner::RunError>(())
//! ```

mod emulator;
mod error;
mod input;
mod profile;
mod stats;

pub use emulator::{Execution, Program, ProgramKind, RunOptions, Ziskemu};
pub use error::RunError;
pub use input::{encode_input, MAX_INPUT_BYTES};
pub use profile::{FunctionProfile, Profile};
pub use stats::{CostReport, OpcodeCost};
