//! A minimal executable RISC-V ELF: one execute-only code segment in ZisK's ROM window and
//! one writable segment per run of initial RAM, as ZisK's ELF loader expects.

use object::elf;
use object::write::elf::{FileHeader, ProgramHeader, Writer};
use object::Endianness;

pub struct Segment {
    /// For diagnostics: "code", "GOT", "initial RAM".
    pub name: &'static str,
    pub addr: u64,
    pub data: Vec<u8>,
    pub flags: u32,
}

/// Refuses a segment outside ZisK's ROM and RAM windows (its loader rejects such an ELF).
pub fn write(entry: u64, segments: &[Segment]) -> Result<Vec<u8>, zisk_wasm_environ::EnvironError> {
    for s in segments {
        zisk_wasm_environ::memory_map::check_segment(s.name, s.addr, s.data.len() as u64)?;
    }
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
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_outside_the_windows_is_refused() {
        let code = Segment { name: "code", addr: 0x9000_0000, data: vec![0; 8], flags: elf::PF_X };
        let data = |addr| Segment { name: "initial RAM", addr, data: vec![1; 8], flags: elf::PF_R | elf::PF_W };
        assert!(write(0x9000_0000, &[code, data(0xa100_0000)]).is_ok());
        let code = Segment { name: "code", addr: 0x9000_0000, data: vec![0; 8], flags: elf::PF_X };
        let e = write(0x9000_0000, &[code, data(0x1_a0ff_ffe0)]).unwrap_err();
        assert!(e.to_string().contains("initial RAM at 0x1a0ffffe0..0x1a0ffffe8 lies outside ZisK's ROM"), "{e}");
    }
}
