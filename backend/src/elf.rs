//! The ziskbin ELF, with a symbol table.
//!
//! `zisk_core::ziskbin::rom_to_elf` writes the ROM as one `.ziskrom` section and nothing else,
//! so ZisK's profiler (`ziskemu -X --sdk --top-functions`, `-S`, `--html-report`) finds no
//! function symbols in our programs. This writer lays out the same container (the same
//! `.ziskrom` bytes, `e_machine = EM_ZISK`) and adds `.symtab`/`.strtab`: one `STT_FUNC`
//! symbol per function at its ROM address and size, which is what ziskemu's symbol reader
//! turns into regions of interest.

use zisk_core::ziskbin::{encode_rom, EM_ZISK};
use zisk_core::{ZiskRom, ROM_ENTRY};

/// A function's place in the ROM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub name: String,
    pub address: u64,
    /// Bytes (4 per instruction).
    pub size: u64,
}

const EHSIZE: u64 = 64;
const SHENTSIZE: u64 = 64;
const SYMENTSIZE: u64 = 24;
const SHT_PROGBITS: u32 = 1;
const SHT_SYMTAB: u32 = 2;
const SHT_STRTAB: u32 = 3;
const STB_GLOBAL: u8 = 1;
const STT_FUNC: u8 = 2;
const SHN_ABS: u16 = 0xfff1;

/// `.strtab`'s index in the section table `ziskbin_elf` writes.
const SEC_STRTAB: u32 = 3;

/// The ziskbin ELF of `rom` with `symbols` (ziskemu `-e` and ZisK's ELF tools take it as
/// they take `rom_to_elf`'s).
pub fn ziskbin_elf(rom: &ZiskRom, symbols: &[Symbol]) -> Vec<u8> {
    let blob = encode_rom(rom);

    let mut strtab = vec![0u8];
    let mut symtab = vec![0u8; SYMENTSIZE as usize]; // the null symbol
    for s in symbols {
        let name = strtab.len() as u32;
        strtab.extend_from_slice(s.name.as_bytes());
        strtab.push(0);
        w32(&mut symtab, name);
        symtab.push((STB_GLOBAL << 4) | STT_FUNC); // st_info
        symtab.push(0); // st_other
        // The ROM is not a loadable segment: the addresses are absolute.
        w16(&mut symtab, SHN_ABS);
        w64(&mut symtab, s.address);
        w64(&mut symtab, s.size);
    }

    let mut shstrtab = vec![0u8];
    let mut name = |n: &str| {
        let at = shstrtab.len() as u32;
        shstrtab.extend_from_slice(n.as_bytes());
        shstrtab.push(0);
        at
    };
    let names = [name(".ziskrom"), name(".symtab"), name(".strtab"), name(".shstrtab")];

    let off_blob = EHSIZE;
    // The symbol table wants 8-byte alignment.
    let off_symtab = (off_blob + blob.len() as u64).next_multiple_of(8);
    let off_strtab = off_symtab + symtab.len() as u64;
    let off_shstr = off_strtab + strtab.len() as u64;
    let off_sh = (off_shstr + shstrtab.len() as u64).next_multiple_of(8);

    let mut out = Vec::with_capacity(off_sh as usize + 5 * SHENTSIZE as usize);
    out.extend_from_slice(&[0x7f, b'E', b'L', b'F', 2, 1, 1, 0]);
    out.extend_from_slice(&[0; 8]);
    w16(&mut out, 2); // ET_EXEC
    w16(&mut out, EM_ZISK);
    w32(&mut out, 1);
    w64(&mut out, ROM_ENTRY); // the real entry is in the ROM stream
    w64(&mut out, 0); // no program headers
    w64(&mut out, off_sh);
    w32(&mut out, 0);
    w16(&mut out, EHSIZE as u16);
    w16(&mut out, 0);
    w16(&mut out, 0);
    w16(&mut out, SHENTSIZE as u16);
    w16(&mut out, 5); // null, .ziskrom, .symtab, .strtab, .shstrtab
    w16(&mut out, 4);

    out.extend_from_slice(&blob);
    out.resize(off_symtab as usize, 0);
    out.extend_from_slice(&symtab);
    out.extend_from_slice(&strtab);
    out.extend_from_slice(&shstrtab);
    out.resize(off_sh as usize, 0);

    let header = SectionHeader::default();
    header.write(&mut out);
    SectionHeader { name: names[0], kind: SHT_PROGBITS, offset: off_blob, size: blob.len() as u64, align: 1, ..header }.write(&mut out);
    SectionHeader {
        name: names[1],
        kind: SHT_SYMTAB,
        offset: off_symtab,
        size: symtab.len() as u64,
        link: SEC_STRTAB,
        // Index of the first non-local symbol: all but the null one are global.
        info: 1,
        align: 8,
        entsize: SYMENTSIZE,
    }
    .write(&mut out);
    SectionHeader { name: names[2], kind: SHT_STRTAB, offset: off_strtab, size: strtab.len() as u64, align: 1, ..header }.write(&mut out);
    SectionHeader { name: names[3], kind: SHT_STRTAB, offset: off_shstr, size: shstrtab.len() as u64, align: 1, ..header }.write(&mut out);
    out
}

#[derive(Debug, Clone, Copy, Default)]
struct SectionHeader {
    name: u32,
    kind: u32,
    offset: u64,
    size: u64,
    link: u32,
    info: u32,
    align: u64,
    entsize: u64,
}

impl SectionHeader {
    fn write(&self, out: &mut Vec<u8>) {
        w32(out, self.name);
        w32(out, self.kind);
        w64(out, 0); // flags
        w64(out, 0); // addr
        w64(out, self.offset);
        w64(out, self.size);
        w32(out, self.link);
        w32(out, self.info);
        w64(out, self.align);
        w64(out, self.entsize);
    }
}

fn w16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn w32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
fn w64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rom_survives_and_symbols_read_back() {
        let mut rom = ZiskRom { next_init_inst_addr: ROM_ENTRY, ..Default::default() };
        zisk_core::rom_layout::add_end_and_lib(&mut rom);
        let symbols = vec![
            Symbol { name: "_start".into(), address: 0x9000_0000, size: 16 },
            Symbol { name: "fibonacci::main".into(), address: 0x9000_0010, size: 40 },
        ];
        let elf = ziskbin_elf(&rom, &symbols);
        let decoded = zisk_core::ziskbin::ziskbin2rom(&elf).expect("parses").expect("a ziskbin ELF");
        assert_eq!(decoded.insts.len(), rom.insts.len());
        // The same `.ziskrom` bytes as zisk-core's own writer.
        let plain = zisk_core::ziskbin::rom_to_elf(&rom);
        let blob = encode_rom(&rom);
        assert_eq!(&elf[64..64 + blob.len()], &plain[64..64 + blob.len()]);
        assert_eq!(read_symbols(&elf), symbols);
    }

    /// A minimal independent reader: section headers → .symtab entries → names.
    fn read_symbols(elf: &[u8]) -> Vec<Symbol> {
        let u16_at = |o: usize| u16::from_le_bytes(elf[o..o + 2].try_into().unwrap()) as usize;
        let u32_at = |o: usize| u32::from_le_bytes(elf[o..o + 4].try_into().unwrap()) as usize;
        let u64_at = |o: usize| u64::from_le_bytes(elf[o..o + 8].try_into().unwrap());
        let (shoff, shnum) = (u64_at(0x28) as usize, u16_at(0x3c));
        let section = |i: usize| shoff + 64 * i;
        let symtab = (0..shnum).map(section).find(|&s| u32_at(s + 4) == SHT_SYMTAB as usize).unwrap();
        let strtab = section(u32_at(symtab + 40));
        let (sym_off, sym_size, str_off) = (u64_at(symtab + 24) as usize, u64_at(symtab + 32) as usize, u64_at(strtab + 24) as usize);
        (1..sym_size / 24)
            .map(|i| {
                let e = sym_off + 24 * i;
                assert_eq!(elf[e + 4], (STB_GLOBAL << 4) | STT_FUNC);
                let name_at = str_off + u32_at(e);
                let len = elf[name_at..].iter().position(|&b| b == 0).unwrap();
                Symbol { name: String::from_utf8(elf[name_at..name_at + len].to_vec()).unwrap(), address: u64_at(e + 8), size: u64_at(e + 16) }
            })
            .collect()
    }
}
