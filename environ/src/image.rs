//! The initial contents of RAM for a module on ZisK: instance state, globals, tables,
//! passive-segment descriptors and contents, and active data segments, as every route lays
//! them out (see [`crate::memory_map`]), up to the segment where instantiation traps. Function addresses come from the route's linker.

use std::collections::BTreeMap;

use cranelift_codegen::ir::TrapCode;
use cranelift_entity::EntityRef;

use crate::builtins::TABLE_ACCESS_TRAP;

use crate::memory_map::*;
use crate::module::{GlobalInit, ModuleInfo};
use crate::EnvironError;

/// The initial contents of RAM, as runs of bytes at 8-aligned addresses (all-zero words
/// omitted: RAM starts zeroed). `func_addr` gives the code address of a function.
pub fn initial_ram(module: &ModuleInfo, func_addr: &dyn Fn(u32) -> Option<u64>) -> Result<Vec<(u64, Vec<u8>)>, EnvironError> {
    let mut words: BTreeMap<u64, [u8; 8]> = BTreeMap::new();
    let mut put = |addr: u64, bytes: &[u8]| {
        for (i, &b) in bytes.iter().enumerate() {
            let a = addr + i as u64;
            words.entry(a & !7).or_insert([0; 8])[(a & 7) as usize] = b;
        }
    };

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
    let applied = instantiation(module);
    for seg in &module.element_segments[..applied.elements] {
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
        return Err(EnvironError::too_large("passive segments exceed their RAM area"));
    }
    for seg in &module.data_segments[..applied.data] {
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


/// How far instantiation gets (WebAssembly 2.0, bulk-memory semantics): the active element
/// segments are applied in order, then the active data segments; the first one out of
/// bounds traps and nothing after it is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instantiation {
    /// How many active element segments are applied (a prefix of `element_segments`).
    pub elements: usize,
    /// How many active data segments are applied (a prefix of `data_segments`).
    pub data: usize,
    /// The trap instantiation raises, if a segment is out of bounds.
    pub trap: Option<TrapCode>,
}

/// Both routes ask this, through [`instantiation_trap`] and [`initial_ram`], so that the
/// entry traps exactly when the image stops.
pub fn instantiation(module: &ModuleInfo) -> Instantiation {
    let mut done = Instantiation { elements: 0, data: 0, trap: None };
    for seg in &module.element_segments {
        let len = module.tables.get(seg.table as usize).map_or(0, |t| t.min);
        if seg.offset + seg.elements.len() as u64 > len {
            done.trap = Some(TABLE_ACCESS_TRAP);
            return done;
        }
        done.elements += 1;
    }
    let memory_bytes = module.memory.as_ref().map_or(0, |m| m.min_pages * WASM_PAGE_SIZE);
    for seg in &module.data_segments {
        if seg.offset + seg.bytes.len() as u64 > memory_bytes {
            done.trap = Some(TrapCode::HeapOutOfBounds);
            return done;
        }
        done.data += 1;
    }
    done
}

/// The trap instantiation raises, if an active segment does not fit its table or memory.
pub fn instantiation_trap(module: &ModuleInfo) -> Option<TrapCode> {
    instantiation(module).trap
}
