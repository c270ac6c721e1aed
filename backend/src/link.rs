//! Linking: lays out the entry routine, every function and the trap stubs in the ROM,
//! resolves labels, builds the RAM image (instance state, globals, tables, passive segments,
//! data segments) and produces the `ZiskRom` and its `.zisk` listing.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use cranelift_entity::EntityRef;
use zisk_core::mem::DataSection;
use zisk_core::rom_layout::{add_end_and_lib, add_entry_exit_jmp, normalize_rw_data_sections};
use zisk_core::zisk_rom::DataSection64;
use zisk_core::{ZiskRom, ROM_ADDR, ROM_ENTRY};
use zisk_wasm_environ::memory_map::*;
use zisk_wasm_environ::module::{GlobalInit, ModuleInfo};
use zisk_wasm_environ::names::NS_WASM_FUNC;

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
    pub name: String,
    pub items: Vec<Item>,
}

pub struct Linked {
    pub rom: ZiskRom,
    pub listing: String,
    pub instructions: usize,
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
    sections.extend(functions.into_iter().map(|f| (f.name, f.items)));
    sections.push(("trap stubs".into(), stubs));

    // Addresses.
    let mut pc = ROM_ADDR;
    let mut label_pc: HashMap<u32, u64> = HashMap::new();
    for (_, items) in &sections {
        for item in items {
            match item {
                Item::Label(l) => {
                    label_pc.insert(*l, pc);
                }
                Item::Inst(_) => pc += 4,
                Item::Comment(_) => {}
            }
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

    let image = ram_image(module, &resolve, &linker)?;
    let _ = writeln!(listing, "\n; ---- initial RAM (from {:#x})", GENERAL_RAM_ADDR);
    listing_data(&mut listing, &image);
    let sections: Vec<DataSection> = image.into_iter().map(|(addr, data)| DataSection { addr, data }).collect();
    for s in normalize_rw_data_sections(sections) {
        let data = s.data.chunks(8).map(|c| {
            let mut w = [0u8; 8];
            w[..c.len()].copy_from_slice(c);
            u64::from_le_bytes(w)
        });
        rom.rw_data_64.push(DataSection64 { addr: s.addr, data: data.collect() });
    }

    add_entry_exit_jmp(&mut rom, ROM_ADDR);
    rom.optimize_instruction_lookup().map_err(|e| BackendError::Internal { function: "link".into(), what: e.to_string() })?;
    Ok(Linked { rom, listing, instructions })
}

const GENERAL_RAM_ADDR: u64 = INSTANCE_ADDR;

/// The initial contents of RAM, as runs of bytes at 8-aligned addresses.
fn ram_image(module: &ModuleInfo, resolve: &dyn Fn(u32) -> u64, linker: &Linker) -> Result<Vec<(u64, Vec<u8>)>, BackendError> {
    let mut words: BTreeMap<u64, [u8; 8]> = BTreeMap::new();
    let mut put = |addr: u64, bytes: &[u8]| {
        for (i, &b) in bytes.iter().enumerate() {
            let a = addr + i as u64;
            words.entry(a & !7).or_insert([0; 8])[(a & 7) as usize] = b;
        }
    };
    let func_addr = |f: u32| linker.callees.get(&(NS_WASM_FUNC, f)).map(|&l| resolve(l));

    if let Some(memory) = &module.memory {
        put(MEMORY_BOUND_ADDR, &(memory.min_pages * WASM_PAGE_SIZE).to_le_bytes());
        put(MEMORY_PAGES_ADDR, &memory.min_pages.to_le_bytes());
    }
    for (i, g) in module.globals.iter().enumerate() {
        let bits = match g.init {
            GlobalInit::Bits(b) => b,
            GlobalInit::FuncRef(None) => 0,
            GlobalInit::FuncRef(Some(f)) => func_addr(f.as_u32()).unwrap_or(0),
        };
        put(global_addr(i as u32), &bits.to_le_bytes());
    }
    // Tables: every slot starts null, then the active element segments fill theirs.
    let mut table_base = TABLES_ADDR;
    let mut bases = Vec::new();
    for t in &module.tables {
        bases.push(table_base);
        for slot in 0..t.min {
            put(table_base + TABLE_ENTRY_BYTES * slot + 8, &NULL_SIGNATURE.to_le_bytes());
        }
        table_base += TABLE_ENTRY_BYTES * t.min;
    }
    let encode = |f: Option<u32>| -> [u8; 16] {
        let mut e = [0u8; 16];
        match f {
            Some(idx) => {
                e[..8].copy_from_slice(&func_addr(idx).unwrap_or(0).to_le_bytes());
                let sig = module.signature_ids[module.functions[idx as usize].type_index.index()];
                e[8..].copy_from_slice(&sig.to_le_bytes());
            }
            None => e[8..].copy_from_slice(&NULL_SIGNATURE.to_le_bytes()),
        }
        e
    };
    for seg in &module.element_segments {
        for (k, f) in seg.elements.iter().enumerate() {
            let addr = bases[seg.table as usize] + TABLE_ENTRY_BYTES * (seg.offset + k as u64);
            put(addr, &encode(f.map(|f| f.as_u32())));
        }
    }
    // Passive segments: descriptors and contents.
    let mut contents = PASSIVE_CONTENTS_ADDR;
    for (index, bytes) in &module.passive_data {
        put(DATA_DESCRIPTORS_ADDR + 16 * *index as u64, &contents.to_le_bytes());
        put(DATA_DESCRIPTORS_ADDR + 16 * *index as u64 + 8, &(bytes.len() as u64).to_le_bytes());
        put(contents, bytes);
        contents = (contents + bytes.len() as u64 + 7) & !7;
    }
    for (index, elements) in &module.passive_elements {
        put(ELEM_DESCRIPTORS_ADDR + 16 * *index as u64, &contents.to_le_bytes());
        put(ELEM_DESCRIPTORS_ADDR + 16 * *index as u64 + 8, &(elements.len() as u64).to_le_bytes());
        for f in elements {
            put(contents, &encode(f.map(|f| f.as_u32())));
            contents += TABLE_ENTRY_BYTES;
        }
    }
    if contents > LINEAR_MEMORY_ADDR {
        return Err(BackendError::TooLarge("passive segments exceed their RAM area".into()));
    }
    for seg in &module.data_segments {
        put(LINEAR_MEMORY_ADDR + seg.offset, &seg.bytes);
    }
    // Runs of consecutive words (all-zero words are skipped: RAM starts zeroed).
    let mut runs: Vec<(u64, Vec<u8>)> = Vec::new();
    for (addr, w) in words {
        if w == [0; 8] {
            continue;
        }
        match runs.last_mut() {
            Some((start, data)) if *start + data.len() as u64 == addr => data.extend_from_slice(&w),
            _ => runs.push((addr, w.to_vec())),
        }
    }
    Ok(runs)
}

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
