//! Linking: lays out the entry routine, every function and the trap stubs in the ROM,
//! resolves labels, builds the RAM image (instance state, globals, tables, passive segments,
//! data segments) and produces the `ZiskRom` and its `.zisk` listing.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use zisk_core::mem::DataSection;
use zisk_core::rom_layout::{add_end_and_lib, add_entry_exit_jmp, normalize_rw_data_sections};
use zisk_core::zisk_rom::DataSection64;
use zisk_core::{ZiskRom, ROM_ADDR, ROM_ENTRY};
use zisk_wasm_environ::memory_map::*;
use zisk_wasm_environ::module::ModuleInfo;
use zisk_wasm_environ::names::{runtime_symbol, DistinctSymbols, NS_WASM_FUNC};

use crate::elf::Symbol;
use crate::isa::emit::{Item, Labels};
use crate::isa::inst::{callee_label_key, Callee, TrapCode};
use crate::isa::regs::SP;
use crate::isa::zinst::{ASrc, BSrc, Next, Store, Target, ZInst};
use crate::BackendError;

/// Offset of the BIOS's output-finalization code within its entry/exit block.
const BIOS_FINALIZE_OFFSET: u64 = 0x14;

/// Label bookkeeping shared by every function's emission.
pub struct Linker {
    next_label: u32,
    callees: HashMap<(u32, u32), u32>,
    traps: BTreeMap<String, (u32, TrapCode)>,
    names: HashMap<u32, String>,
    exit_address: u64,
    /// Next free static-frame address.
    static_frames: u64,
}

impl Linker {
    pub fn new() -> Self {
        let mut probe = ZiskRom { next_init_inst_addr: ROM_ENTRY, ..Default::default() };
        add_end_and_lib(&mut probe);
        Linker {
            next_label: 0,
            callees: HashMap::new(),
            traps: BTreeMap::new(),
            names: HashMap::new(),
            exit_address: probe.next_init_inst_addr + BIOS_FINALIZE_OFFSET,
            static_frames: STATIC_FRAMES_ADDR,
        }
    }

    pub fn name_label(&mut self, label: u32, name: String) {
        self.names.insert(label, name);
    }

    pub fn function_label(&mut self, key: (u32, u32)) -> u32 {
        if let Some(&l) = self.callees.get(&key) {
            return l;
        }
        let l = self.new_label();
        self.callees.insert(key, l);
        l
    }

    /// Reserves a static frame of `size` bytes; `None` when the region is full.
    pub fn static_frame(&mut self, size: u64) -> Option<u64> {
        let base = self.static_frames;
        let end = base + size.next_multiple_of(8);
        (end <= STATIC_FRAMES_END).then(|| {
            self.static_frames = end;
            base
        })
    }

    pub fn called_keys(&self) -> Vec<(u32, u32)> {
        self.callees.keys().copied().collect()
    }
}

impl Labels for Linker {
    fn new_label(&mut self) -> u32 {
        self.next_label += 1;
        self.next_label
    }

    fn callee(&mut self, callee: &Callee) -> u32 {
        self.function_label(callee_label_key(callee).expect("direct callee"))
    }

    fn trap(&mut self, code: TrapCode) -> u32 {
        let key = format!("{code:?}");
        if let Some(&(l, _)) = self.traps.get(&key) {
            return l;
        }
        let l = self.new_label();
        self.traps.insert(key, (l, code));
        l
    }

    fn exit_address(&self) -> u64 {
        self.exit_address
    }
}

pub fn trap_message(code: TrapCode) -> String {
    let what = match code {
        TrapCode::StackOverflow => "call stack exhausted".to_string(),
        TrapCode::HeapOutOfBounds => "out of bounds memory access".into(),
        TrapCode::HeapMisaligned => "misaligned memory access".into(),
        TrapCode::TableOutOfBounds => "undefined element (table index out of bounds)".into(),
        TrapCode::IndirectCallToNull => "uninitialized element".into(),
        TrapCode::BadSignature => "indirect call type mismatch".into(),
        TrapCode::IntegerOverflow => "integer overflow".into(),
        TrapCode::IntegerDivisionByZero => "integer divide by zero".into(),
        TrapCode::BadConversionToInteger => "invalid conversion to integer".into(),
        TrapCode::UnreachableCodeReached => "unreachable".into(),
        code if code == zisk_wasm_environ::builtins::TABLE_ACCESS_TRAP => "out of bounds table access".into(),
        other => format!("{other}"),
    };
    format!("wasm trap: {what}\n")
}

/// A function's emitted code, ready to place.
pub struct FunctionCode {
    /// The listing's heading.
    pub name: String,
    /// Its name in the ELF's symbol table (and so in ZisK's profiles).
    pub symbol: String,
    pub items: Vec<Item>,
}

pub struct Linked {
    pub rom: ZiskRom,
    pub listing: String,
    pub instructions: usize,
    /// Every function's ROM range, for the ELF's symbol table.
    pub symbols: Vec<Symbol>,
}

/// Places everything and builds the ROM. `entry_calls` are the functions the entry runs in
/// order (the start function, then `_start` or a test driver); `instantiation_trap` makes the entry trap
/// instead (an active segment out of bounds).
pub fn link(
    mut linker: Linker,
    module: &ModuleInfo,
    functions: Vec<FunctionCode>,
    entry_calls: &[(u32, u32)],
    instantiation_trap: Option<TrapCode>,
) -> Result<Linked, BackendError> {
    // The entry routine: set up the stack, run the start functions, publish and end.
    let mut entry = Vec::new();
    let entry_label = linker.new_label();
    linker.name_label(entry_label, "_start".into());
    entry.push(Item::Label(entry_label));
    entry.push(Item::Inst(ZInst::new("copyb", ASrc::Imm(0), BSrc::Imm(STACK_TOP)).to(Store::Reg(SP))));
    if let Some(code) = instantiation_trap {
        let l = linker.trap(code);
        entry.push(Item::Inst(ZInst::jump(Target::Label(l))));
    }
    for &key in entry_calls {
        let l = linker.function_label(key);
        let mut call = ZInst::new("flag", ASrc::Imm(0), BSrc::Imm(0))
            .to(Store::Reg(crate::isa::regs::RA))
            .then(Next::Branch(Target::Label(l), Target::Rel(4)));
        call.store_pc = true;
        entry.push(Item::Inst(call));
    }
    entry.push(Item::Inst(ZInst::new("copyb", ASrc::Imm(0), BSrc::Imm(linker.exit_address)).then(Next::SetPc(0))));

    // Trap stubs: print the reason to the console, then fail the run (halt with code 0 is
    // ZisK's "trap", distinct from a nonzero exit) and end it.
    let mut stubs = Vec::new();
    for (_, &(label, code)) in linker.traps.clone().iter() {
        stubs.push(Item::Label(label));
        linker.name_label(label, format!("trap_{code:?}").replace(['(', ')'], "_"));
        for byte in trap_message(code).bytes() {
            stubs.push(Item::Inst(ZInst::new("copyb", ASrc::Imm(UART_ADDR), BSrc::Imm(byte as u64)).to(Store::Ind { width: 1, offset: 0 })));
        }
        stubs.push(Item::Inst(ZInst::new("halt", ASrc::Imm(0), BSrc::Imm(0))));
        // `halt` only marks the run failed: end it through the BIOS.
        stubs.push(Item::Inst(ZInst::new("copyb", ASrc::Imm(0), BSrc::Imm(linker.exit_address)).then(Next::SetPc(0))));
    }

    let mut sections: Vec<(String, Vec<Item>)> = vec![("entry".into(), entry)];
    let mut symbol_names = vec![runtime_symbol("entry")];
    let mut distinct = DistinctSymbols::default();
    for f in functions {
        sections.push((f.name, f.items));
        symbol_names.push(distinct.name(f.symbol));
    }
    sections.push(("trap stubs".into(), stubs));
    symbol_names.push(runtime_symbol("traps"));

    // Addresses.
    let mut pc = ROM_ADDR;
    let mut label_pc: HashMap<u32, u64> = HashMap::new();
    let mut symbols = Vec::new();
    for ((_, items), name) in sections.iter().zip(symbol_names) {
        let start = pc;
        for item in items {
            match item {
                Item::Label(l) => {
                    label_pc.insert(*l, pc);
                }
                Item::Inst(_) => pc += 4,
                Item::Comment(_) => {}
            }
        }
        if pc > start {
            symbols.push(Symbol { name, address: start, size: pc - start });
        }
    }
    let rom_end = zisk_core::ZISKLIB_ROM_ADDR;
    if pc > rom_end {
        return Err(BackendError::TooLarge(format!(
            "the program needs {} instructions; ZisK's program ROM holds {}",
            (pc - ROM_ADDR) / 4,
            (rom_end - ROM_ADDR) / 4
        )));
    }
    for key in linker.called_keys() {
        let l = linker.callees[&key];
        if !label_pc.contains_key(&l) {
            return Err(BackendError::Internal { function: "link".into(), what: format!("no code for callee {key:?}") });
        }
    }
    let resolve = |l: u32| *label_pc.get(&l).expect("every label is placed");
    // ziskasm wants one label per address: labels sharing a pc print as the first (named
    // ones preferred), and only labels something refers to are printed at all.
    let mut canonical: HashMap<u64, u32> = HashMap::new();
    for (_, items) in &sections {
        for item in items {
            if let Item::Label(l) = item {
                let pc = label_pc[l];
                let named = linker.names.contains_key(l);
                match canonical.get(&pc) {
                    Some(c) if linker.names.contains_key(c) || !named => {}
                    _ => {
                        canonical.insert(pc, *l);
                    }
                }
            }
        }
    }
    let own_name = |l: u32| linker.names.get(&l).cloned().unwrap_or_else(|| format!("L{l}"));
    let label_name = |l: u32| own_name(canonical[&label_pc[&l]]);

    let mut rom = ZiskRom { next_init_inst_addr: ROM_ENTRY, ..Default::default() };
    add_end_and_lib(&mut rom);
    let mut listing = String::new();
    let _ = writeln!(listing, "; generated by zisk-wasm: `ziskemu -z` runs this listing as the program\n");
    let mut pc = ROM_ADDR;
    let mut instructions = 0;
    for (name, items) in &sections {
        let _ = writeln!(listing, "; ---- {name}");
        for item in items {
            match item {
                Item::Label(l) if canonical[&label_pc[l]] == *l => {
                    let _ = writeln!(listing, "{}:", label_name(*l));
                }
                Item::Label(_) => {}
                Item::Comment(c) => {
                    let _ = writeln!(listing, "\t; {c}");
                }
                Item::Inst(z) => {
                    z.build(pc, &mut rom, &resolve);
                    let _ = writeln!(listing, "\t{}", z.listing(pc, &label_name));
                    pc += 4;
                    instructions += 1;
                }
            }
        }
    }

    let func_addr = |f: u32| linker.callees.get(&(NS_WASM_FUNC, f)).map(|&l| resolve(l));
    let image = zisk_wasm_environ::image::initial_ram(module, &func_addr)?;
    let _ = writeln!(listing, "\n; ---- initial RAM (from {:#x})", GENERAL_RAM_ADDR);
    listing_data(&mut listing, &image);
    let sections: Vec<DataSection> = image.into_iter().map(|(addr, data)| DataSection { addr, data }).collect();
    for s in normalize_rw_data_sections(sections) {
        // ziskemu's loader panics on data outside its RAM: refuse such an ELF instead.
        check_segment("initial RAM", s.addr, s.data.len() as u64)?;
        let data = s.data.chunks(8).map(|c| {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            u64::from_le_bytes(w)
        });
        rom.rw_data_64.push(DataSection64 { addr: s.addr, data: data.collect() });
    }

    add_entry_exit_jmp(&mut rom, ROM_ADDR);
    rom.optimize_instruction_lookup().map_err(|e| BackendError::Internal { function: "link".into(), what: e.to_string() })?;
    Ok(Linked { rom, listing, instructions, symbols })
}

const GENERAL_RAM_ADDR: u64 = INSTANCE_ADDR;

/// The RAM image as ziskasm data declarations. ziskasm places data contiguously from
/// GENERAL_RAM_ADDR in declaration order, so gaps become zero-filled padding arrays.
fn listing_data(listing: &mut String, image: &[(u64, Vec<u8>)]) {
    let mut at = GENERAL_RAM_ADDR;
    for (i, (addr, data)) in image.iter().enumerate() {
        if *addr > at {
            let _ = writeln!(listing, "u64 gap{i}[{}]", (addr - at) / 8);
        }
        let words: Vec<String> = data.chunks(8).map(|c| format!("{:#x}", u64::from_le_bytes(c.try_into().unwrap()))).collect();
        let _ = writeln!(listing, "u64 data{i}[{}] = {}", words.len(), words.join(", "));
        at = addr + data.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use zisk_wasm_environ::module::{DataSegment, MemoryDecl};

    use super::*;

    #[test]
    fn the_windows_are_zisks() {
        assert_eq!(PROGRAM_ROM, ROM_ADDR..zisk_core::ZISKLIB_ROM_ADDR);
        assert_eq!(PROGRAM_RAM, zisk_core::RAM_ADDR..zisk_core::ZISKLIB_RAM_ADDR);
    }

    /// Data past ZisK's RAM (a memory bigger than the environ allows, so the image reaches
    /// it) is a compile error, not an ELF that ziskemu's loader panics on.
    #[test]
    fn an_image_outside_ram_is_refused() {
        let module = ModuleInfo {
            memory: Some(MemoryDecl { min_pages: 0x1_0000, max_pages: 0x1_0000 }),
            data_segments: vec![DataSegment { offset: 0xffff_ffe0, bytes: vec![1; 8] }],
            ..Default::default()
        };
        match link(Linker::new(), &module, vec![], &[], None) {
            Err(BackendError::Environ(e)) => {
                assert!(e.to_string().contains("initial RAM at 0x1a0ffffe0..0x1a1000000 lies outside ZisK's ROM"), "{e}")
            }
            Err(e) => panic!("wrong error: {e}"),
            Ok(_) => panic!("an ELF outside ZisK's RAM was linked"),
        }
    }
}
