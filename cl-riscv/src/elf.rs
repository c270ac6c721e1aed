//! A minimal executable RISC-V ELF: one execute-only code segment in ZisK's ROM window and
//! one writable segment per run of initial RAM, as ZisK's ELF loader expects.

use object::elf;
use object::write::elf::{FileHeader, ProgramHeader, Writer};
use object::Endianness;

pub struct Segment {
    pub addr: u64,
    pub data: Vec<u8>,
    pub flags: u32,
}

pub fn write(entry: u64, segments: &[Segment]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = Writer::new(Endianness::Little, true, &mut out);
    w.reserve_file_header();
    w.reserve_program_headers(segments.len() as u32);
    let offsets: Vec<usize> = segments.iter().map(|s| w.reserve(s.data.len(), 8)).collect();
    w.write_file_header(&FileHeader {
        os_abi: elf::ELFOSABI_NONE,
        abi_version: 0,
        e_type: elf::ET_EXEC,
        e_machine: elf::EM_RISCV,
        e_entry: entry,
        e_flags: 0,
    })
    .expect("a valid header");
    w.write_align_program_headers();
    for (s, &offset) in segments.iter().zip(&offsets) {
        w.write_program_header(&ProgramHeader {
            p_type: elf::PT_LOAD,
            p_flags: s.flags,
            p_offset: offset as u64,
            p_vaddr: s.addr,
            p_paddr: s.addr,
            p_filesz: s.data.len() as u64,
            p_memsz: s.data.len() as u64,
            p_align: 8,
        });
    }
    for s in segments {
        w.write_align(8);
        w.write(&s.data);
    }
    out
}
