//! The handful of RISC-V instructions the entry and exit stubs need.

const X0: u32 = 0;
pub const RA: u32 = 1;
pub const SP: u32 = 2;
pub const A0: u32 = 10;
pub const A7: u32 = 17;

fn i_type(imm: i32, rs1: u32, funct3: u32, rd: u32, opcode: u32) -> u32 {
    ((imm as u32 & 0xfff) << 20) | (rs1 << 15) | (funct3 << 12) | (rd << 7) | opcode
}

pub fn addi(rd: u32, rs1: u32, imm: i32) -> u32 {
    i_type(imm, rs1, 0, rd, 0x13)
}

pub fn lui(rd: u32, imm20: u32) -> u32 {
    (imm20 << 12) | (rd << 7) | 0x37
}

pub fn slli(rd: u32, rs1: u32, shamt: u32) -> u32 {
    i_type(shamt as i32, rs1, 1, rd, 0x13)
}

pub fn srli(rd: u32, rs1: u32, shamt: u32) -> u32 {
    i_type(shamt as i32, rs1, 5, rd, 0x13)
}

pub fn auipc(rd: u32, imm20: u32) -> u32 {
    (imm20 << 12) | (rd << 7) | 0x17
}

pub fn jalr(rd: u32, rs1: u32, imm: i32) -> u32 {
    i_type(imm, rs1, 0, rd, 0x67)
}

/// `csrrs x0, csr, rs1`: how a RISC-V program asks ZisK for a precompile.
pub fn csrs(csr: u32, rs1: u32) -> u32 {
    (csr << 20) | (rs1 << 15) | (2 << 12) | 0x73
}

/// `csrrwi x0, csr, uimm`: how ziskos calls a hint function.
pub fn csrwi(csr: u32, uimm: u32) -> u32 {
    (csr << 20) | ((uimm & 0x1f) << 15) | (5 << 12) | 0x73
}

/// `csrrs rd, csr, x0`: how ziskos reads a hint's next result word.
pub fn csrr(rd: u32, csr: u32) -> u32 {
    (csr << 20) | (2 << 12) | (rd << 7) | 0x73
}

/// `add rd, rs1, rs2`.
pub fn add(rd: u32, rs1: u32, rs2: u32) -> u32 {
    (rs2 << 20) | (rs1 << 15) | (rd << 7) | 0x33
}

pub fn ecall() -> u32 {
    0x73
}

pub fn ebreak() -> u32 {
    0x0010_0073
}

/// `rd = value` for a 32-bit unsigned value (lui + addi, then clearing the upper half that
/// lui's sign extension may have set).
pub fn li_u32(rd: u32, value: u32) -> Vec<u32> {
    let hi = value.wrapping_add(0x800) >> 12;
    let lo = ((value & 0xfff) as i32) << 20 >> 20;
    vec![lui(rd, hi & 0xfffff), addi(rd, rd, lo), slli(rd, rd, 32), srli(rd, rd, 32)]
}

pub fn li_small(rd: u32, value: i32) -> u32 {
    addi(rd, X0, value)
}

/// Patches an `auipc` + `jalr`/`addi` pair at `at` to reach `pc_rel` bytes from `at`.
pub fn patch_pcrel_pair(code: &mut [u8], at: usize, pc_rel: i64) {
    let hi = ((pc_rel + 0x800) >> 12) as u32 & 0xfffff;
    let lo = (pc_rel & 0xfff) as u32;
    let mut first = u32::from_le_bytes(code[at..at + 4].try_into().unwrap());
    first = (first & 0xfff) | (hi << 12);
    code[at..at + 4].copy_from_slice(&first.to_le_bytes());
    let mut second = u32::from_le_bytes(code[at + 4..at + 8].try_into().unwrap());
    second = (second & 0x000f_ffff) | (lo << 20);
    code[at + 4..at + 8].copy_from_slice(&second.to_le_bytes());
}

/// Sets the upper-immediate (`auipc`/`lui`) at `at` to the high part of `rel`.
pub fn patch_hi20(code: &mut [u8], at: usize, rel: i64) {
    let hi = ((rel + 0x800) >> 12) as u32 & 0xfffff;
    let mut w = u32::from_le_bytes(code[at..at + 4].try_into().unwrap());
    w = (w & 0xfff) | (hi << 12);
    code[at..at + 4].copy_from_slice(&w.to_le_bytes());
}

/// Sets the I-type immediate at `at` to the low 12 bits of `rel`.
pub fn patch_lo12_i(code: &mut [u8], at: usize, rel: i64) {
    let lo = (rel & 0xfff) as u32;
    let mut w = u32::from_le_bytes(code[at..at + 4].try_into().unwrap());
    w = (w & 0x000f_ffff) | (lo << 20);
    code[at..at + 4].copy_from_slice(&w.to_le_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_known_instructions() {
        assert_eq!(addi(A7, 0, 93), 0x05d0_0893); // li a7, 93
        assert_eq!(ecall(), 0x0000_0073);
        assert_eq!(lui(SP, 0xa0400), 0xa040_0137);
        assert_eq!(jalr(RA, RA, 0), 0x0000_80e7);
    }
}
