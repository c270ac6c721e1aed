use zisk_wasm_environ::EnvironError;

/// Why a module could not be compiled to ZisK.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    #[error(transparent)]
    Environ(#[from] EnvironError),
    #[error("unsupported in function {function}: {what}")]
    Unsupported { function: String, what: String },
    #[error("too large for ZisK: {0}")]
    TooLarge(String),
    #[error("module has no entry point: export a function `_start` (or declare a start function)")]
    NoEntry,
    #[error("the entry function `_start` must take no parameters")]
    BadEntry,
    #[error("Cranelift's optimizer failed on function {function}: {what}")]
    Optimizer { function: String, what: String },
    #[error("internal compiler error in {function}: {what}")]
    Internal { function: String, what: String },
}
