use std::path::PathBuf;

/// Why a run on ziskemu did not produce a normal result.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("ziskemu not found ({0}); run ci/setup.sh to install it")]
    EmulatorNotFound(String),
    #[error("cannot read program file {path}: {source}")]
    ProgramMissing { path: PathBuf, source: std::io::Error },
    #[error("input is {len} bytes, more than ZisK's input window holds ({max} bytes)")]
    InputTooLarge { len: u64, max: u64 },
    #[error("ziskemu could not load {path}: {message}")]
    BadProgram { path: PathBuf, message: String },
    #[error("step limit reached: the program did not finish within {max_steps} steps")]
    StepLimit { max_steps: u64, console: String },
    #[error("guest exited with code {code}")]
    GuestExit { code: i64, step: Option<u64>, pc: Option<u64>, console: String },
    #[error("guest trapped (step {}, pc {})", opt(step), opt_hex(pc))]
    GuestTrap { step: Option<u64>, pc: Option<u64>, console: String },
    #[error("ziskemu crashed while running the guest: {message}")]
    EmulatorCrash { message: String, console: String },
    #[error("ziskemu failed: {message}")]
    Emulator { message: String },
    #[error("unexpected ziskemu report: {0}")]
    Report(String),
    #[error("I/O error around ziskemu: {0}")]
    Io(#[from] std::io::Error),
}

impl RunError {
    /// Console output the guest produced before failing, when there was a guest run at all.
    pub fn console(&self) -> Option<&str> {
        match self {
            RunError::StepLimit { console, .. }
            | RunError::GuestExit { console, .. }
            | RunError::GuestTrap { console, .. }
            | RunError::EmulatorCrash { console, .. } => Some(console),
            _ => None,
        }
    }
}

fn opt(v: &Option<u64>) -> String {
    v.map_or_else(|| "?".into(), |v| v.to_string())
}

fn opt_hex(v: &Option<u64>) -> String {
    v.map_or_else(|| "?".into(), |v| format!("{v:#x}"))
}
