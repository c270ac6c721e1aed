//! The environ on small modules: what it accepts, what it refuses and how it says so.

use zisk_wasm_environ::{translate, EnvironError, ErrorKind, ImportName, ImportResolver, Options, WasmFuncType};

/// Provides no imports: these modules import nothing the tests run.
struct NoImports;

impl ImportResolver for NoImports {
    fn implement(&self, _: u32, import: &ImportName, _: &WasmFuncType) -> Result<cranelift_codegen::ir::Function, EnvironError> {
        Err(EnvironError::unsupported(format!("import {import}")))
    }
}

fn translate_with_nothing(wasm: &[u8]) -> Result<zisk_wasm_environ::ModuleTranslation, EnvironError> {
    translate(wasm, &Options::default(), &NoImports)
}

fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).unwrap()
}

#[test]
fn translates_memory_globals_tables_and_calls() {
    let module = wasm(
        r#"(module
            (memory 1 4)
            (global $g (mut i64) (i64.const 7))
            (table 2 funcref)
            (elem (i32.const 0) $f $g2)
            (type $t (func (param i64) (result i64)))
            (func $f (type $t) (i64.add (local.get 0) (global.get $g)))
            (func $g2 (type $t) (i64.mul (local.get 0) (i64.const 3)))
            (func (export "_start") (result i64)
                (i64.store (i32.const 8) (i64.const 5))
                (drop (memory.grow (i32.const 1)))
                (call_indirect (type $t) (i64.load (i32.const 8)) (i32.const 1))))"#,
    );
    let t = translate_with_nothing(&module).unwrap();
    assert_eq!(t.functions.len(), 3);
    assert_eq!(t.info.element_segments.len(), 1);
    assert_eq!(t.info.memory.as_ref().unwrap().max_pages, 4);
    let start = t.info.exported_func("_start").unwrap();
    let text = t.functions.iter().find(|f| f.index == start).unwrap().clif.display().to_string();
    assert!(text.contains("call_indirect"), "{text}");
}

#[test]
fn simd_is_refused_as_unsupported_with_its_location() {
    let module = wasm(r#"(module (func (drop (v128.const i64x2 0 0))))"#);
    let err = translate_with_nothing(&module).err().unwrap();
    assert_eq!(err.kind, ErrorKind::Unsupported, "{err}");
    assert!(err.to_string().contains("SIMD") && err.offset.is_some(), "{err}");
}

#[test]
fn garbage_is_invalid_not_a_panic() {
    let err = translate_with_nothing(b"\0asm\x01\0\0\0\x0a\xff").err().unwrap();
    assert_eq!(err.kind, ErrorKind::Invalid, "{err}");
}

#[test]
fn an_import_the_host_does_not_provide_is_unlinkable_and_named() {
    let err = translate_with_nothing(&wasm(r#"(module (import "env" "mem" (memory 1)))"#)).err().unwrap();
    assert_eq!(err.kind, ErrorKind::Unlinkable);
    assert!(err.message.starts_with("unknown import") && err.message.contains("env.mem"), "{err}");
}

/// Instantiation applies element segments, then data segments, in order, and stops at the
/// first out of bounds: the image holds the ones before it and nothing after.
#[test]
fn instantiation_stops_at_the_first_segment_out_of_bounds() {
    use zisk_wasm_environ::image::{initial_ram, instantiation};
    use zisk_wasm_environ::memory_map::LINEAR_MEMORY_ADDR;
    let byte_at = |ram: &[(u64, Vec<u8>)], addr: u64| {
        ram.iter().find(|(a, d)| (*a..*a + d.len() as u64).contains(&addr)).map_or(0, |(a, d)| d[(addr - a) as usize])
    };
    let data_oob = wasm(
        r#"(module (memory 1) (table 1 funcref) (func $f) (elem (i32.const 0) $f)
            (data (i32.const 16) "\aa") (data (i32.const 0xffff) "\bb\bb") (data (i32.const 32) "\cc")
            (func (export "_start")))"#,
    );
    let t = translate_with_nothing(&data_oob).unwrap();
    let done = instantiation(&t.info);
    assert_eq!((done.elements, done.data), (1, 1));
    assert_eq!(done.trap, Some(cranelift_codegen::ir::TrapCode::HeapOutOfBounds));
    let ram = initial_ram(&t.info, &|_| Some(0x9000_1000)).unwrap();
    assert_eq!(byte_at(&ram, LINEAR_MEMORY_ADDR + 16), 0xaa);
    assert_eq!(byte_at(&ram, LINEAR_MEMORY_ADDR + 0xffff), 0);
    assert_eq!(byte_at(&ram, LINEAR_MEMORY_ADDR + 32), 0);

    // An element segment out of bounds traps before any data segment, even one that is
    // itself out of bounds.
    let elem_oob = wasm(
        r#"(module (memory 1) (table 1 funcref) (func $f) (elem (i32.const 1) $f)
            (data (i32.const 16) "\aa") (data (i32.const -1) "\bb")
            (func (export "_start")))"#,
    );
    let t = translate_with_nothing(&elem_oob).unwrap();
    let done = instantiation(&t.info);
    assert_eq!((done.elements, done.data), (0, 0));
    assert_eq!(done.trap, Some(zisk_wasm_environ::builtins::TABLE_ACCESS_TRAP));
    let ram = initial_ram(&t.info, &|_| Some(0x9000_1000)).unwrap();
    assert_eq!(byte_at(&ram, LINEAR_MEMORY_ADDR + 16), 0);

    // In bounds up to the last byte, and an empty segment at the very end.
    let fits = wasm(r#"(module (memory 1) (table 1 funcref) (elem (i32.const 1)) (data (i32.const 0xffff) "\01") (data (i32.const 0x10000)) (func (export "_start")))"#);
    assert_eq!(instantiation(&translate_with_nothing(&fits).unwrap().info).trap, None);
}

#[test]
fn multi3_calls_become_inline_wide_multiplies() {
    let module = wasm(
        r#"(module
            (memory 1)
            (func $__multi3 (param i32 i64 i64 i64 i64) unreachable)
            (func $other (param i32 i64 i64 i64 i64) unreachable)
            (func (export "_start") (param i64 i64)
                (call $__multi3 (i32.const 0) (local.get 0) (i64.const 0) (local.get 1) (i64.const 0))
                (call $other (i32.const 0) (local.get 0) (i64.const 0) (local.get 1) (i64.const 0))))"#,
    );
    let t = translate_with_nothing(&module).unwrap();
    let start = t.info.exported_func("_start").unwrap();
    let text = t.functions.iter().find(|f| f.index == start).unwrap().clif.display().to_string();
    // `__multi3` is u0:0 and stays uncalled; `other` (u0:1), same type, keeps its call.
    assert!(text.contains("umulhi") && !text.contains("call fn0(") && text.matches("call ").count() == 1, "{text}");
}
