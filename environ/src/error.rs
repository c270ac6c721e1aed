use std::fmt;

use cranelift_wasm::WasmError;

use crate::ImportName;

/// Why a module cannot be compiled, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironError {
    pub kind: ErrorKind,
    pub message: String,
    /// Function index and name, when the problem is inside a function.
    pub function: Option<String>,
    /// Byte offset in the `.wasm` file.
    pub offset: Option<usize>,
    /// The section holding the offset, when it is not a function body (`memory`, `type`, …).
    pub section: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Not valid WebAssembly.
    Invalid,
    /// Valid, but uses something this compiler does not support (yet or on ZisK).
    Unsupported,
    /// Does not fit ZisK (ROM or RAM).
    TooLarge,
    /// Valid, but its imports do not link against this host: an import the host does not
    /// provide (the spec's `unknown import`), or one whose declared type the host's
    /// definition does not match (`incompatible import type`).
    Unlinkable,
}

impl EnvironError {
    pub fn unsupported(message: impl Into<String>) -> Self {
        EnvironError { kind: ErrorKind::Unsupported, message: message.into(), function: None, offset: None, section: None }
    }

    pub fn invalid(message: impl Into<String>, offset: Option<usize>) -> Self {
        EnvironError { kind: ErrorKind::Invalid, message: message.into(), function: None, offset, section: None }
    }

    pub fn too_large(message: impl Into<String>) -> Self {
        EnvironError { kind: ErrorKind::TooLarge, message: message.into(), function: None, offset: None, section: None }
    }

    /// A link error; `message` starts with the spec's wording (`unknown import`,
    /// `incompatible import type`).
    pub fn unlinkable(message: impl Into<String>) -> Self {
        EnvironError { kind: ErrorKind::Unlinkable, message: message.into(), function: None, offset: None, section: None }
    }

    /// The host provides nothing under `import` (`what`: "memory", "table", "global", …).
    pub fn unknown_import(import: &ImportName, what: &str) -> Self {
        EnvironError::unlinkable(format!("unknown import: this host provides no {what} named {import}"))
    }

    /// The host's definition of `import` does not match the module's declaration.
    pub fn incompatible_import(import: &ImportName, why: impl fmt::Display) -> Self {
        EnvironError::unlinkable(format!("incompatible import type: {import}: {why}"))
    }

    /// The file is not a binary WebAssembly module at all (no `\0asm` magic).
    pub fn not_wasm() -> Self {
        EnvironError::invalid(NOT_WASM, None)
    }

    pub fn in_section(mut self, section: &'static str) -> Self {
        self.section.get_or_insert(section);
        self
    }

    pub fn in_function(mut self, function: String) -> Self {
        self.function.get_or_insert(function);
        self
    }

    pub fn at_offset(mut self, offset: usize) -> Self {
        self.offset.get_or_insert(offset);
        self
    }
}

/// wasmparser reports a construct of a proposal that is not enabled as a validation error;
/// for the user it is an unsupported proposal, not an invalid module.
fn needs_disabled_feature(message: &str) -> bool {
    message.contains("feature") && (message.contains("not enabled") || message.contains("without the") || message.contains("requires"))
        || message.contains("support is not enabled")
}

const NOT_WASM: &str = "not a WebAssembly module (no \\0asm magic)";

/// Some wasmparser messages embed `{:#x?}` byte lists, one byte a line; keep errors on one.
fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn invalid_or_unsupported(message: String, offset: usize) -> EnvironError {
    let message = one_line(&message);
    if needs_disabled_feature(&message) {
        EnvironError { kind: ErrorKind::Unsupported, message, function: None, offset: Some(offset), section: None }
    } else {
        EnvironError::invalid(message, Some(offset))
    }
}

impl From<WasmError> for EnvironError {
    fn from(e: WasmError) -> Self {
        match e {
            WasmError::InvalidWebAssembly { message, offset } => invalid_or_unsupported(message, offset),
            WasmError::Unsupported(message) => EnvironError::unsupported(message),
            WasmError::ImplLimitExceeded => EnvironError::too_large("an implementation limit was exceeded"),
            WasmError::User(message) => EnvironError::unsupported(message),
        }
    }
}

impl From<wasmparser::BinaryReaderError> for EnvironError {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        invalid_or_unsupported(e.message().to_string(), e.offset())
    }
}

impl fmt::Display for EnvironError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            ErrorKind::Invalid => "invalid WebAssembly",
            ErrorKind::Unsupported => "unsupported",
            ErrorKind::TooLarge => "too large for ZisK",
            ErrorKind::Unlinkable => "unlinkable",
        };
        if self.message == NOT_WASM {
            return f.write_str(NOT_WASM);
        }
        write!(f, "{kind}: {}", self.message)?;
        if let Some(func) = &self.function {
            write!(f, " (in function {func})")?;
        } else if let Some(section) = self.section {
            write!(f, " (in the {section} section)")?;
        }
        if let Some(offset) = self.offset {
            write!(f, " at byte offset {offset:#x}")?;
        }
        Ok(())
    }
}

impl std::error::Error for EnvironError {}
