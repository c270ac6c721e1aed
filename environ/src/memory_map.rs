//! Where a WebAssembly instance lives in ZisK's address space (see `zisk_core::mem`).
//!
//! ```text
//! 0xa000_0000  machine stack (4 MiB, grows down from SYS_ADDR): frames, spills, return addresses
//! 0xa040_0000  SYS (UART at +0x200), then OUTPUT (public output) at 0xa041_0000
//! 0xa043_0000  instance state: memory bound and size, output cursor, globals, tables
//! 0xa100_0000  linear memory, growable up to the ZisK library RAM at 0xbffc_0000
//! ```
//! Every address is a compile-time constant: the generated code reaches instance state with
//! absolute memory operands and never needs a context register. An imported memory, table or
//! global lives where a defined one would (one instance per program: the host's is this one;
//! see `link`).

/// Bottom of the machine stack (ZisK's STACK_ADDR).
pub const STACK_BOTTOM: u64 = 0xa000_0000;
/// Top of the machine stack (ZisK's SYS_ADDR); the stack grows down from here.
pub const STACK_TOP: u64 = 0xa040_0000;
/// A frame may not go below this: the margin keeps runtime routines' small frames in bounds.
pub const STACK_LIMIT: u64 = STACK_BOTTOM + 0x1000;

/// ZisK's console: a 1-byte store here prints the byte.
pub const UART_ADDR: u64 = 0xa040_0200;
/// ZisK's public output window.
pub const OUTPUT_ADDR: u64 = 0xa041_0000;
/// Bytes of public output ZisK publishes.
pub const OUTPUT_SIZE: u64 = 256;
/// ZisK's input window: an 8-byte header, the first record's u64 length, then its bytes.
pub const INPUT_LEN_ADDR: u64 = 0x1000_0008;
pub const INPUT_DATA_ADDR: u64 = 0x1000_0010;
/// Most input bytes the window holds (ZisK maps 2 GiB, headers included).
pub const MAX_INPUT_DATA: u64 = 0x8000_0000 - 16;

/// Instance state (ZisK's GENERAL_RAM_ADDR).
pub const INSTANCE_ADDR: u64 = 0xa043_0000;
/// Current linear memory size in bytes (u64): the dynamic heap bound.
pub const MEMORY_BOUND_ADDR: u64 = INSTANCE_ADDR;
/// Current linear memory size in pages (u64).
pub const MEMORY_PAGES_ADDR: u64 = INSTANCE_ADDR + 8;
/// Bytes of public output written so far (u64).
pub const OUTPUT_CURSOR_ADDR: u64 = INSTANCE_ADDR + 16;
/// Read position in the input record (u64).
pub const INPUT_CURSOR_ADDR: u64 = INSTANCE_ADDR + 24;
/// State of the runtime's deterministic random generator (u64).
pub const RANDOM_STATE_ADDR: u64 = INSTANCE_ADDR + 32;
/// The runtime's deterministic clock, in nanoseconds (u64).
pub const CLOCK_ADDR: u64 = INSTANCE_ADDR + 40;
/// One u64 slot per global, in index order.
pub const GLOBALS_ADDR: u64 = INSTANCE_ADDR + 0x100;
/// Most globals a module may have.
pub const MAX_GLOBALS: u64 = 0x1_0000;
/// Tables follow the globals; each entry is [code address, signature id], 16 bytes.
pub const TABLES_ADDR: u64 = GLOBALS_ADDR + 8 * MAX_GLOBALS;
pub const TABLE_ENTRY_BYTES: u64 = 16;
/// Passive segments: per data segment a descriptor [bytes address, length] (16 bytes) at
/// `DATA_DESCRIPTORS_ADDR`, per element segment [entries address, count] at
/// `ELEM_DESCRIPTORS_ADDR`; `data.drop`/`elem.drop` set the length to zero. The segments'
/// contents follow from `PASSIVE_CONTENTS_ADDR`.
pub const SEGMENTS_ADDR: u64 = 0xa0f0_0000;
pub const DATA_DESCRIPTORS_ADDR: u64 = SEGMENTS_ADDR;
pub const ELEM_DESCRIPTORS_ADDR: u64 = SEGMENTS_ADDR + 0x1_0000;
pub const PASSIVE_CONTENTS_ADDR: u64 = SEGMENTS_ADDR + 0x2_0000;
pub const MAX_SEGMENTS: u64 = 0x1000;

/// Linear memory base.
pub const LINEAR_MEMORY_ADDR: u64 = 0xa100_0000;
/// End of RAM usable by linear memory (ZisK's ZISKLIB_RAM_ADDR).
pub const LINEAR_MEMORY_END: u64 = 0xbffc_0000;
pub const WASM_PAGE_SIZE: u64 = 0x1_0000;
/// Most pages linear memory can grow to on ZisK.
pub const MAX_MEMORY_PAGES: u64 = (LINEAR_MEMORY_END - LINEAR_MEMORY_ADDR) / WASM_PAGE_SIZE;
/// Static frames of non-recursive functions (spill slots, saved registers, return address
/// at fixed addresses, so instructions reach them as absolute memory operands).
pub const STATIC_FRAMES_ADDR: u64 = 0xa0e0_0000;
pub const STATIC_FRAMES_END: u64 = ACCEL_SCRATCH_ADDR;
/// Working state of the shim's accelerators (a Keccak state and block, a SHA-256 state and
/// blocks, curve integers, modexp's multi-limb numbers up to 1024-byte moduli), 8-aligned as
/// the precompiles want; no accelerator calls another, so one region serves all.
pub const ACCEL_SCRATCH_ADDR: u64 = SEGMENTS_ADDR - ACCEL_SCRATCH_SIZE;
pub const ACCEL_SCRATCH_SIZE: u64 = 0x4000;
/// Most table entries that fit before the static frames.
pub const MAX_TABLE_ENTRIES: u64 = (STATIC_FRAMES_ADDR - TABLES_ADDR) / TABLE_ENTRY_BYTES;

/// Where a program's code may load: ZisK's ROM from ROM_ADDR up to its own libraries
/// (ZISKLIB_ROM_ADDR).
pub const PROGRAM_ROM: std::ops::Range<u64> = 0x9000_0000..0x97e0_0000;
/// Where a program's initial data may load: ZisK's RAM up to its library RAM.
pub const PROGRAM_RAM: std::ops::Range<u64> = STACK_BOTTOM..LINEAR_MEMORY_END;

/// A linker's last check before writing an ELF: each loadable segment lies inside
/// [`PROGRAM_ROM`] or [`PROGRAM_RAM`], since ziskemu's loader panics on any other address.
pub fn check_segment(what: &str, addr: u64, len: u64) -> Result<(), crate::EnvironError> {
    let fits = |w: &std::ops::Range<u64>| addr >= w.start && addr.checked_add(len).is_some_and(|end| end <= w.end);
    if fits(&PROGRAM_ROM) || fits(&PROGRAM_RAM) {
        return Ok(());
    }
    Err(crate::EnvironError::too_large(format!(
        "{what} at {addr:#x}..{:#x} lies outside ZisK's ROM ({:#x}..{:#x}) and RAM ({:#x}..{:#x})",
        addr as u128 + len as u128,
        PROGRAM_ROM.start,
        PROGRAM_ROM.end,
        PROGRAM_RAM.start,
        PROGRAM_RAM.end
    )))
}

/// Signature id stored in empty table slots; never equal to a real signature's id.
pub const NULL_SIGNATURE: u64 = u64::MAX;

pub fn global_addr(index: u32) -> u64 {
    GLOBALS_ADDR + 8 * index as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_do_not_overlap() {
        assert!(STACK_TOP <= UART_ADDR && UART_ADDR < OUTPUT_ADDR);
        assert!(OUTPUT_ADDR + 0x2_0000 <= INSTANCE_ADDR);
        assert!(TABLES_ADDR < STATIC_FRAMES_ADDR && STATIC_FRAMES_END <= SEGMENTS_ADDR);
        assert!(PASSIVE_CONTENTS_ADDR < LINEAR_MEMORY_ADDR);
        assert!(DATA_DESCRIPTORS_ADDR + 16 * MAX_SEGMENTS <= ELEM_DESCRIPTORS_ADDR);
        assert_eq!(LINEAR_MEMORY_ADDR % WASM_PAGE_SIZE, 0);
        assert!(MAX_MEMORY_PAGES >= 7000);
        assert!(PROGRAM_ROM.end <= STACK_BOTTOM && LINEAR_MEMORY_END <= PROGRAM_RAM.end);
    }

    #[test]
    fn segments_outside_the_windows_are_refused() {
        assert!(check_segment("code", PROGRAM_ROM.start, 0x100).is_ok());
        assert!(check_segment("data", LINEAR_MEMORY_ADDR, LINEAR_MEMORY_END - LINEAR_MEMORY_ADDR).is_ok());
        let e = check_segment("initial RAM", 0x1_a0ff_ffe0, 8).unwrap_err();
        assert_eq!(e.kind, crate::ErrorKind::TooLarge);
        assert!(e.message.starts_with("initial RAM at 0x1a0ffffe0..0x1a0ffffe8 lies outside"), "{}", e.message);
        // Straddling a window's end, and wrapping around.
        assert!(check_segment("data", LINEAR_MEMORY_END - 8, 16).is_err());
        assert!(check_segment("data", u64::MAX - 4, 8).is_err());
        assert!(check_segment("code", PROGRAM_ROM.end, 4).is_err());
    }
}
