//! Our ELFs as independent readers see them (goblin; zisk-core's own ziskbin decoder),
//! against ZisK's memory map: every loadable segment or data section inside ZisK's program
//! ROM or RAM, code and the entry point in the ROM, and (both routes) a symbol table naming
//! the module's functions for ZisK's profiler. Anything else makes ziskemu's loader panic.

use std::path::Path;

use goblin::elf::{program_header::PT_LOAD, Elf};
use zisk_core::{RAM_ADDR, ROM_ADDR, ZISKLIB_RAM_ADDR, ZISKLIB_ROM_ADDR};

fn corpus(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../backend/tests/corpus").join(name);
    wat::parse_file(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn in_rom(a: u64, n: u64) -> bool {
    a >= ROM_ADDR && a + n <= ZISKLIB_ROM_ADDR
}

fn in_ram(a: u64, n: u64) -> bool {
    a >= RAM_ADDR && a + n <= ZISKLIB_RAM_ADDR
}

/// A RISC-V ELF (cl-riscv): its loadable segments and entry point.
fn check_riscv(route: &str, bytes: &[u8]) {
    let elf = Elf::parse(bytes).unwrap_or_else(|e| panic!("{route}: not an ELF: {e}"));
    let loads: Vec<_> = elf.program_headers.iter().filter(|p| p.p_type == PT_LOAD).collect();
    assert!(!loads.is_empty(), "{route}: no loadable segment");
    for p in loads {
        let (a, n) = (p.p_vaddr, p.p_memsz);
        assert!(in_rom(a, n) || in_ram(a, n), "{route}: segment {a:#x}..{:#x} outside ZisK's ROM and RAM", a + n);
        assert!(!p.is_executable() || in_rom(a, n), "{route}: code outside the ROM");
    }
    assert!(in_rom(elf.entry, 4), "{route}: entry {:#x} outside the ROM", elf.entry);
}

/// A ziskbin ELF (direct): zisk-core decodes its `.ziskrom`; every program instruction in
/// the ROM, every data section in the ROM or RAM.
fn check_ziskbin(route: &str, bytes: &[u8]) {
    let rom = zisk_core::ziskbin::ziskbin2rom(bytes).unwrap_or_else(|e| panic!("{route}: {e}")).expect("a ziskbin ELF");
    assert!(!rom.insts.is_empty(), "{route}: no instructions");
    for &pc in rom.insts.keys().filter(|&&pc| pc >= ROM_ADDR) {
        assert!(in_rom(pc, 4), "{route}: instruction at {pc:#x} outside the program ROM");
    }
    for d in rom.ro_data_64.iter().chain(&rom.rw_data_64) {
        let n = 8 * d.data.len() as u64;
        assert!(in_rom(d.addr, n) || in_ram(d.addr, n), "{route}: data {:#x}..{:#x} outside ZisK's ROM and RAM", d.addr, d.addr + n);
    }
}

#[test]
fn elfs_load_inside_zisks_windows_on_both_routes() {
    for name in ["profile_calls.wat", "bulk_memory.wat", "memory.wat", "call_indirect.wat"] {
        let wasm = corpus(name);
        check_ziskbin(&format!("{name} direct"), &zisk_wasm_backend::compile(&wasm, &Default::default()).unwrap().elf);
        check_riscv(&format!("{name} cl-riscv"), &zisk_wasm_cl_riscv::compile(&wasm).unwrap());
    }
}

/// The ELF's function symbols, each in the program ROM; the module's functions among them.
fn check_function_symbols(route: &str, bytes: &[u8]) {
    let elf = Elf::parse(bytes).unwrap_or_else(|e| panic!("{route}: not an ELF: {e}"));
    let functions: Vec<(&str, u64, u64)> = elf
        .syms
        .iter()
        .filter(|s| s.is_function())
        .filter_map(|s| Some((elf.strtab.get_at(s.st_name)?, s.st_value, s.st_size)))
        .collect();
    for (name, addr, size) in &functions {
        assert!(*size > 0 && in_rom(*addr, *size), "{route}: {name} at {addr:#x}, {size} bytes");
    }
    for name in ["_start", "hot_loop", "fib", "fib_step", "square", "double", "import zisk.commit_i32", "zisk_wasm::entry"] {
        assert!(functions.iter().any(|(n, ..)| *n == name), "{route}: no symbol {name} in {functions:?}");
    }
}

#[test]
fn elfs_name_their_functions_on_both_routes() {
    let wasm = corpus("profile_calls.wat");
    check_function_symbols("direct", &zisk_wasm_backend::compile(&wasm, &Default::default()).unwrap().elf);
    let riscv = zisk_wasm_cl_riscv::compile(&wasm).unwrap();
    check_function_symbols("cl-riscv", &riscv);
    // cl-riscv: the symbols lie in the code's section.
    let elf = Elf::parse(&riscv).unwrap();
    for s in elf.syms.iter().filter(|s| s.is_function()) {
        let section = &elf.section_headers[s.st_shndx];
        assert!(section.is_executable() && section.sh_addr <= s.st_value && s.st_value + s.st_size <= section.sh_addr + section.sh_size, "{s:?} outside {section:?}");
    }
}
