//! Validation that tells an invalid module from a valid one using a proposal this compiler
//! does not support.
//!
//! The module is validated with the features we compile ([`crate::supported_features`]). When
//! that fails, it is validated again with every proposal enabled: if it still fails the module
//! is invalid; if it passes, the first failure was a proposal, which we name by enabling the
//! candidates one at a time until the failure moves past that offset.

use cranelift_wasm::wasmparser::{self, Parser, Payload, Validator, WasmFeatures};

use crate::error::EnvironError;

/// A proposal we recognise, what it adds (for the message) and the flags it needs.
struct Proposal {
    name: &'static str,
    what: &'static str,
    flags: WasmFeatures,
}

/// In dependency order: a proposal that builds on another comes after it.
fn proposals() -> [Proposal; 12] {
    use WasmFeatures as F;
    [
        Proposal { name: "SIMD", what: "a v128 type or instruction; build without +simd128", flags: F::SIMD },
        Proposal { name: "relaxed SIMD", what: "a relaxed v128 instruction", flags: F::SIMD.union(F::RELAXED_SIMD) },
        Proposal { name: "threads", what: "a shared memory or an atomic instruction; build without +atomics", flags: F::THREADS },
        Proposal { name: "memory64", what: "a 64-bit memory", flags: F::MEMORY64 },
        Proposal { name: "multi-memory", what: "more than one memory", flags: F::MULTI_MEMORY },
        Proposal { name: "tail calls", what: "a return_call instruction", flags: F::TAIL_CALL },
        Proposal { name: "exceptions", what: "a tag, throw or try_table", flags: F::EXCEPTIONS },
        Proposal { name: "legacy exceptions", what: "a try, catch or rethrow", flags: F::EXCEPTIONS.union(F::LEGACY_EXCEPTIONS) },
        Proposal { name: "typed function references", what: "a typed reference or call_ref", flags: F::FUNCTION_REFERENCES },
        Proposal { name: "GC", what: "a struct, array or i31 type or instruction", flags: F::FUNCTION_REFERENCES.union(F::GC).union(F::GC_TYPES) },
        Proposal { name: "custom page sizes", what: "a memory with a custom page size", flags: F::CUSTOM_PAGE_SIZES },
        Proposal { name: "shared-everything threads", what: "a shared global, table or type", flags: F::THREADS.union(F::SHARED_EVERYTHING_THREADS).union(F::GC_TYPES) },
    ]
}

const MAGIC: &[u8] = b"\0asm";

/// Checks the magic number first (wasmparser's own message prints both headers as
/// multi-line byte lists), then validates as described in the module docs.
pub fn validate(wasm: &[u8]) -> Result<(), EnvironError> {
    if !wasm.starts_with(MAGIC) {
        return Err(EnvironError::not_wasm());
    }
    let narrow = match Validator::new_with_features(crate::supported_features()).validate_all(wasm) {
        Ok(_) => return Ok(()),
        Err(e) => e,
    };
    // Invalid whatever is enabled: report that error (it may be later than the first).
    Validator::new_with_features(WasmFeatures::all()).validate_all(wasm)?;
    let offset = narrow.offset();
    let proposal = proposals().into_iter().find(|p| {
        match Validator::new_with_features(crate::supported_features() | p.flags).validate_all(wasm) {
            Ok(_) => true,
            Err(e) => e.offset() > offset,
        }
    });
    let message = match proposal {
        Some(p) => format!("{} ({})", p.name, p.what),
        None => narrow.message().to_string(),
    };
    Err(located(EnvironError::unsupported(message), wasm, offset))
}

/// `error` at byte `offset`, in the function or section that holds it.
fn located(error: EnvironError, wasm: &[u8], offset: usize) -> EnvironError {
    let error = error.at_offset(offset);
    match Location::find(wasm, offset) {
        Location::Function(index, Some(name)) => error.in_function(format!("#{index} \"{name}\"")),
        Location::Function(index, None) => error.in_function(format!("#{index}")),
        Location::Section(section) => error.in_section(section),
        Location::Unknown => error,
    }
}

enum Location {
    Function(u32, Option<String>),
    Section(&'static str),
    Unknown,
}

impl Location {
    /// Where `offset` falls, by a parse that stops at the first error (the module is valid
    /// with every proposal enabled, so the parse itself succeeds).
    fn find(wasm: &[u8], offset: usize) -> Location {
        let mut imported_funcs = 0u32;
        let mut body = 0u32;
        let mut found: Option<Location> = None;
        let mut names: Vec<(u32, String)> = Vec::new();
        for payload in Parser::new(0).parse_all(wasm) {
            let Ok(payload) = payload else { break };
            let (section, range) = match &payload {
                Payload::ImportSection(s) => {
                    imported_funcs = s
                        .clone()
                        .into_iter()
                        .filter(|i| matches!(i, Ok(imp) if matches!(imp.ty, wasmparser::TypeRef::Func(_))))
                        .count() as u32;
                    ("import", s.range())
                }
                Payload::TypeSection(s) => ("type", s.range()),
                Payload::FunctionSection(s) => ("function", s.range()),
                Payload::TableSection(s) => ("table", s.range()),
                Payload::MemorySection(s) => ("memory", s.range()),
                Payload::TagSection(s) => ("tag", s.range()),
                Payload::GlobalSection(s) => ("global", s.range()),
                Payload::ExportSection(s) => ("export", s.range()),
                Payload::ElementSection(s) => ("element", s.range()),
                Payload::DataSection(s) => ("data", s.range()),
                Payload::CodeSectionEntry(f) => {
                    let index = imported_funcs + body;
                    body += 1;
                    if f.range().contains(&offset) && found.is_none() {
                        found = Some(Location::Function(index, None));
                    }
                    continue;
                }
                Payload::CustomSection(c) if c.name() == "name" => {
                    names = function_names(c.data(), c.data_offset());
                    continue;
                }
                _ => continue,
            };
            if range.contains(&offset) && found.is_none() {
                found = Some(Location::Section(section));
            }
        }
        match found {
            Some(Location::Function(index, _)) => {
                let name = names.into_iter().find(|(i, _)| *i == index).map(|(_, n)| n);
                Location::Function(index, name)
            }
            Some(location) => location,
            None => Location::Unknown,
        }
    }
}

fn function_names(data: &[u8], offset: usize) -> Vec<(u32, String)> {
    let mut out = Vec::new();
    let reader = wasmparser::BinaryReader::new(data, offset);
    for name in wasmparser::NameSectionReader::new(reader) {
        let Ok(wasmparser::Name::Function(map)) = name else { continue };
        out.extend(map.into_iter().flatten().map(|n| (n.index, n.name.to_string())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ErrorKind;

    fn error_of(wat: &str) -> EnvironError {
        validate(&wat::parse_str(wat).unwrap()).unwrap_err()
    }

    #[test]
    fn garbage_is_not_a_module() {
        let e = validate(b"hello, I am a text file\n").unwrap_err();
        assert_eq!(e.to_string(), "not a WebAssembly module (no \\0asm magic)");
        assert_eq!(e.kind, ErrorKind::Invalid);
        assert_eq!(validate(b"").unwrap_err().to_string(), "not a WebAssembly module (no \\0asm magic)");
    }

    #[test]
    fn supported_modules_pass() {
        validate(&wat::parse_str(r#"(module (memory 1) (func (export "_start")))"#).unwrap()).unwrap();
        // Extended constant expressions.
        validate(&wat::parse_str(r#"(module (global i32 (i32.add (i32.const 1) (i32.const 2))) (func (export "_start")))"#).unwrap()).unwrap();
    }

    #[test]
    fn invalid_stays_invalid() {
        let e = error_of(r#"(module (func (export "_start") (result i32)))"#);
        assert_eq!(e.kind, ErrorKind::Invalid, "{e}");
        assert!(e.to_string().starts_with("invalid WebAssembly: "), "{e}");
    }

    /// Each valid-but-unsupported proposal: its name, what it adds and where.
    #[test]
    fn proposals_are_named_with_their_location() {
        let cases: &[(&str, &str)] = &[
            (
                r#"(module (func $main (export "_start") (drop (v128.const i64x2 1 2))))"#,
                "unsupported: SIMD (a v128 type or instruction; build without +simd128) (in function #0 \"main\") at byte offset",
            ),
            (
                r#"(module (func (param v128)) (func (export "_start")))"#,
                "unsupported: SIMD (a v128 type or instruction; build without +simd128) (in the type section) at byte offset",
            ),
            (
                r#"(module (memory 1 1 shared) (func (export "_start")))"#,
                "unsupported: threads (a shared memory or an atomic instruction; build without +atomics) (in the memory section) at byte offset",
            ),
            (
                r#"(module (memory 1) (func (export "_start") (drop (i32.atomic.load (i32.const 0)))))"#,
                "unsupported: threads (a shared memory or an atomic instruction; build without +atomics) (in function #0) at byte offset",
            ),
            (r#"(module (memory i64 1) (func (export "_start")))"#, "unsupported: memory64 (a 64-bit memory) (in the memory section)"),
            (r#"(module (memory 1) (memory 1) (func (export "_start")))"#, "unsupported: multi-memory (more than one memory) (in the memory section)"),
            (r#"(module (func (export "_start") (return_call 1)) (func))"#, "unsupported: tail calls (a return_call instruction) (in function #0)"),
            (r#"(module (tag $e) (func (export "_start") (throw $e)))"#, "unsupported: exceptions (a tag, throw or try_table) (in the tag section)"),
            (
                r#"(module (type $s (struct (field i32))) (func (export "_start")))"#,
                "unsupported: GC (a struct, array or i31 type or instruction) (in the type section)",
            ),
        ];
        for (wat, expected) in cases {
            let e = error_of(wat);
            let text = e.to_string();
            assert_eq!(e.kind, ErrorKind::Unsupported, "{wat}: {text}");
            assert!(text.starts_with(expected), "{wat}:\n  got      {text}\n  expected {expected}…");
            assert!(text.contains("at byte offset 0x"), "{text}");
            assert!(!text.contains('\n'), "{text}");
        }
    }

    #[test]
    fn imported_functions_count_in_the_index() {
        let e = error_of(
            r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
                 (func (export "_start") (drop (v128.const i64x2 1 2))))"#,
        );
        assert!(e.to_string().contains("(in function #1)"), "{e}");
    }
}
