//! A minimal executable RISC-V ELF: one execute-only code segment in ZisK's ROM window and
//! one writable segment per run of initial RAM, as ZisK's ELF loader expects (it reads the
//! program headers only). Each segment is also a section, and a `.symtab` names the
//! functions in the code, which is what ZisK's profiler (`ziskemu -X --sdk --top-functions`)
//! reads.

use object::elf;
use object::write::elf::{FileHeader, ProgramHeader, SectionHeader, Sym, Writer};
use object::Endianness;

pub struct Segment {
    /// For diagnostics: "code", "GOT", "initial RAM".
    pub name: &'static str,
    pub addr: u64,
    pub data: Vec<u8>,
    pub flags: u32,
}

/// A function: an `STT_FUNC` symbol in the section of the segment that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub addr: u64,
    /// Bytes of code.
    pub size: u64,
}

/// Refuses a segment outside ZisK's ROM and RAM windows (its loader rejects such an ELF).
/// Every symbol must lie in a segment.
pub fn write(entry: u64, segments: &[Segment], symbols: &[Symbol]) -> Result<Vec<u8>, zisk_wasm_environ::EnvironError> {
    for s in segments {
        zisk_wasm_environ::memory_map::check_segment(s.name, s.addr, s.data.len() as u64)?;
    }
    let mut out = Vec::new();
    let mut w = Writer::new(Endianness::Little, true, &mut out);
    w.reserve_file_header();
    w.reserve_program_headers(segments.len() as u32);
    let offsets: Vec<usize> = segments.iter().map(|s| w.reserve(s.data.len(), 8)).collect();
    let sections: Vec<_> = segments.iter().map(|s| (w.add_section_name(section_name(s.flags)), w.reserve_section_index())).collect();
    let symbol_names: Vec<_> = symbols.iter().map(|s| w.add_string(s.name.as_bytes())).collect();
    let symbol_sections: Vec<_> = symbols
        .iter()
        .map(|sym| {
            let i = segments.iter().position(|s| (s.addr..s.addr + s.data.len() as u64).contains(&sym.addr));
            let section = sections[i.unwrap_or_else(|| panic!("symbol {} at {:#x} outside every segment", sym.name, sym.addr))].1;
            w.reserve_symbol_index(Some(section));
            section
        })
        .collect();
    w.reserve_symtab_section_index();
    w.reserve_strtab_section_index();
    w.reserve_shstrtab_section_index();
    w.reserve_symtab();
    w.reserve_strtab();
    w.reserve_shstrtab();
    w.reserve_section_headers();

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
    w.write_null_symbol();
    for ((sym, &name), &section) in symbols.iter().zip(&symbol_names).zip(&symbol_sections) {
        w.write_symbol(&Sym {
            name: Some(name),
            section: Some(section),
            st_info: (elf::STB_GLOBAL << 4) | elf::STT_FUNC,
            st_other: elf::STV_DEFAULT,
            st_shndx: 0,
            st_value: sym.addr,
            st_size: sym.size,
        });
    }
    w.write_strtab();
    w.write_shstrtab();
    w.write_null_section_header();
    for ((s, &offset), &(name, _)) in segments.iter().zip(&offsets).zip(&sections) {
        let write = if s.flags & elf::PF_W != 0 { elf::SHF_WRITE } else { 0 };
        let exec = if s.flags & elf::PF_X != 0 { elf::SHF_EXECINSTR } else { 0 };
        w.write_section_header(&SectionHeader {
            name: Some(name),
            sh_type: elf::SHT_PROGBITS,
            sh_flags: (elf::SHF_ALLOC | write | exec) as u64,
            sh_addr: s.addr,
            sh_offset: offset as u64,
            sh_size: s.data.len() as u64,
            sh_link: 0,
            sh_info: 0,
            // The largest of 8, 4, 2, 1 that the address has.
            sh_addralign: 1 << s.addr.trailing_zeros().min(3),
            sh_entsize: 0,
        });
    }
    // sh_info: the first non-local symbol; all but the null one are global.
    w.write_symtab_section_header(1);
    w.write_strtab_section_header();
    w.write_shstrtab_section_header();
    debug_assert_eq!(w.reserved_len(), w.len());
    Ok(out)
}

fn section_name(flags: u32) -> &'static [u8] {
    if flags & elf::PF_X != 0 {
        b".text"
    } else if flags & elf::PF_W != 0 {
        b".data"
    } else {
        b".rodata"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(addr: u64, len: usize) -> Segment {
        Segment { name: "code", addr, data: vec![0x13; len], flags: elf::PF_X }
    }

    fn ram(addr: u64) -> Segment {
        Segment { name: "initial RAM", addr, data: vec![1; 8], flags: elf::PF_R | elf::PF_W }
    }

    #[test]
    fn a_segment_outside_the_windows_is_refused() {
        assert!(write(0x9000_0000, &[code(0x9000_0000, 8), ram(0xa100_0000)], &[]).is_ok());
        let e = write(0x9000_0000, &[code(0x9000_0000, 8), ram(0x1_a0ff_ffe0)], &[]).unwrap_err();
        assert!(e.to_string().contains("initial RAM at 0x1a0ffffe0..0x1a0ffffe8 lies outside ZisK's ROM"), "{e}");
    }

    #[test]
    fn functions_read_back_as_symbols_of_the_text_section() {
        let symbols = vec![
            Symbol { name: "zisk_wasm::entry".into(), addr: 0x9000_0000, size: 16 },
            Symbol { name: "fibonacci::main".into(), addr: 0x9000_0010, size: 40 },
        ];
        let bytes = write(0x9000_0000, &[code(0x9000_0000, 56), ram(0xa100_0004)], &symbols).unwrap();
        let elf = goblin::elf::Elf::parse(&bytes).expect("an ELF");
        assert_eq!(elf.program_headers.len(), 2);
        let text = elf.section_headers.iter().position(|s| elf.shdr_strtab.get_at(s.sh_name) == Some(".text")).expect("a .text section");
        assert_eq!((elf.section_headers[text].sh_addr, elf.section_headers[text].sh_size), (0x9000_0000, 56));
        let symtab = elf.section_headers.iter().find(|s| s.sh_type == elf::SHT_SYMTAB).expect("a .symtab");
        assert_eq!((symtab.sh_addralign, symtab.sh_offset % 8, symtab.sh_info), (8, 0, 1));
        assert_eq!(elf.shdr_strtab.get_at(elf.section_headers[symtab.sh_link as usize].sh_name), Some(".strtab"));
        let read: Vec<Symbol> = elf
            .syms
            .iter()
            .skip(1)
            .map(|s| {
                assert!(s.is_function() && s.st_bind() == elf::STB_GLOBAL && s.st_shndx == text, "{s:?}");
                Symbol { name: elf.strtab.get_at(s.st_name).unwrap().into(), addr: s.st_value, size: s.st_size }
            })
            .collect();
        assert_eq!(read, symbols);
    }
}
