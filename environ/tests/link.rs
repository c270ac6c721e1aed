//! Imported memories, tables and globals: the host's definitions, checked against the
//! import's declared type and placed where defined ones go.

use zisk_wasm_environ::image::initial_ram;
use zisk_wasm_environ::memory_map::{global_addr, LINEAR_MEMORY_ADDR, MEMORY_PAGES_ADDR, TABLES_ADDR, TABLE_ENTRY_BYTES};
use zisk_wasm_environ::module::GlobalInit;
use zisk_wasm_environ::{translate, EnvironError, ErrorKind, GlobalType, HostGlobal, ImportName, ImportResolver, Limits, Options, WasmFuncType, WasmValType};

/// A host with one memory (1 page, max 2), one table (10 entries, max 20) and a global of
/// each number type, as the spec suite's `spectest` has them.
struct Host;

impl ImportResolver for Host {
    fn implement(&self, _: u32, import: &ImportName, _: &WasmFuncType) -> Result<cranelift_codegen::ir::Function, EnvironError> {
        Err(EnvironError::unknown_import(import, "function"))
    }

    fn memory(&self, import: &ImportName, _: &Limits) -> Result<Limits, EnvironError> {
        match import.field.as_str() {
            "memory" => Ok(Limits { min: 1, max: Some(2) }),
            _ => Err(EnvironError::unknown_import(import, "memory")),
        }
    }

    fn table(&self, import: &ImportName, _: &Limits) -> Result<Limits, EnvironError> {
        match import.field.as_str() {
            "table" => Ok(Limits { min: 10, max: Some(20) }),
            _ => Err(EnvironError::unknown_import(import, "table")),
        }
    }

    fn global(&self, import: &ImportName, _: &GlobalType) -> Result<HostGlobal, EnvironError> {
        let (ty, bits) = match import.field.as_str() {
            "i32" => (WasmValType::I32, 666),
            "f32" => (WasmValType::F32, 666.6f32.to_bits() as u64),
            "f64" => (WasmValType::F64, 666.6f64.to_bits()),
            _ => return Err(EnvironError::unknown_import(import, "global")),
        };
        Ok(HostGlobal { ty: GlobalType { ty, mutable: false }, bits })
    }
}

fn link(wat: &str) -> Result<zisk_wasm_environ::ModuleTranslation, EnvironError> {
    translate(&wat::parse_str(wat).unwrap(), &Options::default(), &Host)
}

#[test]
fn imports_take_the_hosts_limits_and_values_where_defined_ones_live() {
    let t = link(
        r#"(module
            (import "h" "f32" (global $f f32))
            (import "h" "i32" (global $g i32))
            (import "h" "memory" (memory 0 3))
            (import "h" "table" (table 5 funcref))
            (global $h i32 (global.get $g))
            (func $k)
            (elem (i32.const 9) $k)
            (data (global.get $g) "\2a")
            (func (export "_start") (result i32 f32) (i32.add (global.get $g) (i32.const 1)) (global.get $f)))"#,
    )
    .unwrap();
    let info = &t.info;
    let memory = info.memory.as_ref().unwrap();
    // The host's size and maximum (within what the module allows), not the declared ones.
    assert_eq!((memory.min_pages, memory.max_pages), (1, 2));
    assert_eq!((info.tables[0].min, info.tables[0].max), (10, Some(20)));
    // The f32 global is its bit pattern after float lowering; the constant expression and
    // the segment offsets read the imported value.
    assert_eq!(info.globals[0].init, GlobalInit::Bits(666.6f32.to_bits() as u64));
    assert_eq!(info.globals[1].init, GlobalInit::Bits(666));
    assert_eq!(info.globals[2].init, GlobalInit::Bits(666));
    assert_eq!(info.data_segments[0].offset, 666);

    let ram = initial_ram(info, &|_| Some(0x9000_1000)).unwrap();
    let word_at = |addr: u64| {
        let (a, d) = ram.iter().find(|(a, d)| (*a..*a + d.len() as u64).contains(&addr)).expect("initialised");
        u64::from_le_bytes(d[(addr - a) as usize..][..8].try_into().unwrap())
    };
    assert_eq!(word_at(MEMORY_PAGES_ADDR), 1);
    assert_eq!(word_at(global_addr(1)), 666);
    assert_eq!(word_at(LINEAR_MEMORY_ADDR + 664) >> 16 & 0xff, 0x2a);
    // Slot 9 of the 10-entry table holds $k: the host's size, not the declared 5.
    assert_eq!(word_at(TABLES_ADDR + 9 * TABLE_ENTRY_BYTES), 0x9000_1000);
}

#[test]
fn an_import_the_host_does_not_satisfy_is_an_incompatible_import_type() {
    for wat in [
        r#"(module (import "h" "memory" (memory 2)))"#,
        r#"(module (import "h" "memory" (memory 1 1)))"#,
        r#"(module (import "h" "table" (table 12 funcref)))"#,
        r#"(module (import "h" "table" (table 10 15 funcref)))"#,
        r#"(module (import "h" "i32" (global i64)))"#,
        r#"(module (import "h" "i32" (global (mut i32))))"#,
        // Float lowering makes this global an i32; the check sees the type as written.
        r#"(module (import "h" "f32" (global i32)))"#,
    ] {
        let err = link(wat).err().unwrap_or_else(|| panic!("{wat} linked"));
        assert_eq!(err.kind, ErrorKind::Unlinkable, "{wat}: {err}");
        assert!(err.message.starts_with("incompatible import type"), "{wat}: {err}");
    }
    for wat in [r#"(module (import "h" "memory" (memory 1 2)))"#, r#"(module (import "h" "memory" (memory 0 3)))"#, r#"(module (import "h" "table" (table 0 25 funcref)))"#] {
        link(wat).unwrap_or_else(|e| panic!("{wat}: {e}"));
    }
}

#[test]
fn without_a_definition_the_import_is_unknown() {
    for wat in [r#"(module (import "h" "nothing" (memory 1)))"#, r#"(module (import "h" "nothing" (table 1 funcref)))"#, r#"(module (import "h" "nothing" (global i32)))"#] {
        let err = link(wat).err().unwrap();
        assert!(err.kind == ErrorKind::Unlinkable && err.message.starts_with("unknown import") && err.message.contains("h.nothing"), "{err}");
    }
}
