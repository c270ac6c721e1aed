//! The cl-riscv route, our baseline: the CLIF our environ produces (same translation, same
//! runtime shim) compiled by Cranelift's own riscv64 backend (rv64g declared, as Cranelift
//! requires; integer code uses rv64im only; no compressed instructions), linked by us into a
//! RISC-V ELF at ZisK's addresses, run by ZisK's RISC-V transpiler. It shares the direct
//! route's front end and mid-end choice (legalize-only), so the two routes differ only in
//! their back ends.

mod elf;
mod encode;

use std::collections::BTreeMap;

use cranelift_codegen::control::ControlPlane;
use cranelift_codegen::ir::{self, GlobalValueData};
use cranelift_codegen::isa::{self, OwnedTargetIsa};
use cranelift_codegen::settings::{self, Configurable};
use cranelift_codegen::{Context, FinalizedRelocTarget};
use zisk_wasm_environ::memory_map::{STACK_LIMIT, STACK_TOP};
use zisk_wasm_environ::driver::Invocation;
use zisk_wasm_environ::entry::{self, Entry, EntryError};
use zisk_wasm_environ::names::{function_symbol, resolve, runtime_symbol, DataSymbol, DistinctSymbols, Hint, Intrinsic, Operands, NS_BUILTIN, NS_DATA, NS_DRIVER, NS_INTRINSIC, NS_WASM_FUNC};
use zisk_wasm_environ::{translate, EnvironError, ImportResolver, Options};

const ROM_ADDR: u64 = 0x9000_0000;
/// ziskos' fcall CSRs: parameters of 2^k words at FCALL_PARAM_PORT + k for k ≤ 3 (larger
/// counts have other ports; we use 1 and 4), function calls at FCALL_PORT + id / 32 with
/// id % 32 as the immediate, results read from FCALL_GET_CSR.
const FCALL_PARAM_PORT: u32 = 0x8F0;
const FCALL_PORT: u32 = 0x8C0;
const FCALL_GET_CSR: u32 = 0xFFE;
/// The GOT of this route, in RAM the direct route uses for static frames (unused here).
const GOT_ADDR: u64 = zisk_wasm_environ::memory_map::STATIC_FRAMES_ADDR;

#[derive(Debug, thiserror::Error)]
pub enum ClRiscvError {
    #[error(transparent)]
    Environ(#[from] EnvironError),
    #[error("Cranelift's riscv64 backend failed on {function}: {what}")]
    Codegen { function: String, what: String },
    #[error("module has no entry point: export a function `_start` (or declare a start function)")]
    NoEntry,
    #[error("the entry function `_start` must take no parameters")]
    BadEntry,
    #[error("unsupported relocation {kind} in {function}")]
    Relocation { function: String, kind: String },
}

fn riscv_isa() -> Result<OwnedTargetIsa, ClRiscvError> {
    let mut flags = settings::builder();
    // PIC: symbol addresses come from a GOT (data) instead of literals inside the code,
    // which ZisK's transpiler would try to decode as instructions.
    for (k, v) in [("opt_level", "none"), ("enable_verifier", "true"), ("is_pic", "true")] {
        flags.set(k, v).expect("known setting");
    }
    let mut isa = isa::lookup("riscv64".parse().expect("triple")).expect("riscv64 compiled in");
    // Cranelift's riscv64 backend requires G (IMAFD + Zicsr + Zifencei) to be declared;
    // integer code never uses the F/D/A instructions. Compressed instructions stay off.
    // Zbb (clz, ctz, cpop, rotates, min/max…) is native in ZisK's transpiler.
    for (k, v) in [("has_m", "true"), ("has_a", "true"), ("has_f", "true"), ("has_d", "true"), ("has_zicsr", "true"), ("has_zifencei", "true"), ("has_c", "false"), ("has_zbb", "true")] {
        let _ = isa.set(k, v);
    }
    isa.finish(settings::Flags::new(flags)).map_err(|e| ClRiscvError::Codegen { function: "ISA".into(), what: e.to_string() })
}

struct CompiledFunction {
    name: String,
    code: Vec<u8>,
    relocs: Vec<Relocation>,
}

/// A relocation: to a named thing, or (PC-relative low half) to this function's own
/// `auipc` at the given offset.
enum RelocTarget {
    Name((u32, u32)),
    Auipc(u32),
    /// A literal moved out of the code into the literal pool.
    Literal(u64),
}

struct Relocation {
    offset: u32,
    kind: cranelift_codegen::binemit::Reloc,
    target: RelocTarget,
    addend: i64,
}

/// Compiles a module to a RISC-V ELF for ZisK whose entry runs the start function and then
/// the exported `_start`.
pub fn compile(wasm: &[u8]) -> Result<Vec<u8>, ClRiscvError> {
    compile_entry(wasm, &zisk_wasm_runtime_shim::ZiskHost, None)
}

/// Compiles a module, linked against `host`, whose entry runs the start function and then
/// `invocations` (the spec harness's driver, as on the direct route).
pub fn compile_with_driver(wasm: &[u8], host: &dyn ImportResolver, invocations: &[Invocation]) -> Result<Vec<u8>, ClRiscvError> {
    compile_entry(wasm, host, Some(invocations))
}

fn compile_entry(wasm: &[u8], host: &dyn ImportResolver, driver: Option<&[Invocation]>) -> Result<Vec<u8>, ClRiscvError> {
    let translation = translate(wasm, &Options::default(), host)?;
    let info = &translation.info;
    let Entry { calls: entry_calls, driver: driver_clif } = entry::plan(info, driver).map_err(|e| match e {
        EntryError::NoEntry => ClRiscvError::NoEntry,
        EntryError::BadEntry => ClRiscvError::BadEntry,
        EntryError::Environ(e) => ClRiscvError::Environ(e),
    })?;
    let isa = riscv_isa()?;

    let mut functions: BTreeMap<(u32, u32), CompiledFunction> = BTreeMap::new();
    for f in &translation.functions {
        functions.insert((NS_WASM_FUNC, f.index.as_u32()), compile_function(&isa, f.clif.clone(), &f.display_name)?);
    }
    if let Some(clif) = driver_clif {
        functions.insert((NS_DRIVER, 0), compile_function(&isa, clif, "driver")?);
    }
    for (builtin, clif) in &translation.builtins {
        functions.insert((NS_BUILTIN, *builtin as u32), compile_function(&isa, clif.clone(), builtin.name())?);
    }
    // Exit: a0 holds the code; ZisK's exit call publishes the output (0) or fails the run.
    let exit: Vec<u32> = vec![encode::li_small(encode::A7, 93), encode::ecall(), encode::ebreak()];
    functions.insert(
        (NS_INTRINSIC, Intrinsic::Exit as u32),
        CompiledFunction { name: Intrinsic::Exit.name().into(), code: words(&exit), relocs: vec![] },
    );
    // Precompiles: ZisK's transpiler turns `csrs <id>, a0` (followed, for two operands, by
    // `add x0, a1, x0`) into the precompile op, as ziskos does.
    let ret = encode::jalr(0, encode::RA, 0);
    // Hints: ziskos' fcall ports, which the transpiler turns into fcall_param, fcall and
    // fcall_get.
    for intrinsic in Intrinsic::ALL {
        let mut code = match (intrinsic.precompile(), intrinsic.hint()) {
            (Some(p), _) => match p.operands {
                Operands::One => vec![encode::csrs(p.csr, encode::A0)],
                Operands::Two => vec![encode::csrs(p.csr, encode::A0), encode::add(0, encode::A0 + 1, 0)],
                // ziskos' memmove: `csrs 0x813, src; add x0, dst, count`.
                Operands::Copy => vec![encode::csrs(p.csr, encode::A0 + 1), encode::add(0, encode::A0, encode::A0 + 2)],
                // ziskos' memset(p, 0, n): `csrs 0x816, dst; addi x0, count, 0`.
                Operands::FillZero => vec![encode::csrs(p.csr, encode::A0), encode::addi(0, encode::A0 + 1, 0)],
            },
            (_, Some(Hint::Param { words })) => {
                assert!(matches!(words, 1 | 2 | 4 | 8), "no fcall parameter port of {words} words");
                vec![encode::csrs(FCALL_PARAM_PORT + words.trailing_zeros(), encode::A0)]
            }
            (_, Some(Hint::Call { id })) => vec![encode::csrwi(FCALL_PORT + (id >> 5), id & 0x1f)],
            (_, Some(Hint::Get)) => vec![encode::csrr(encode::A0, FCALL_GET_CSR)],
            (None, None) => continue,
        };
        code.push(ret);
        functions.insert((NS_INTRINSIC, intrinsic as u32), CompiledFunction { name: intrinsic.name().into(), code: words(&code), relocs: vec![] });
    }

    // Layout: the entry stub, then every function.
    let trap_at_start = zisk_wasm_environ::image::instantiation_trap(info).is_some();
    let entry_len = 4 * (4 + usize::from(trap_at_start) + 2 * entry_calls.len() + 3);
    let mut addr = ROM_ADDR + entry_len as u64;
    let mut address: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    // The ELF's symbols, named as on the direct route.
    let mut symbols = vec![elf::Symbol { name: runtime_symbol("entry"), addr: ROM_ADDR, size: entry_len as u64 }];
    let mut distinct = DistinctSymbols::default();
    for (key, f) in &functions {
        address.insert(*key, addr);
        let name = function_symbol(info, *key).unwrap_or_else(|| f.name.clone());
        symbols.push(elf::Symbol { name: distinct.name(name), addr, size: f.code.len() as u64 });
        addr += f.code.len().next_multiple_of(4) as u64;
    }
    let mut text = Vec::new();
    // Entry: sp = top of the stack, call the start functions, exit(0).
    let mut stub = encode::li_u32(encode::SP, STACK_TOP as u32);
    if trap_at_start {
        // An active segment does not fit: instantiation traps.
        stub.push(encode::ebreak());
    }
    let mut call_sites = Vec::new();
    for key in &entry_calls {
        call_sites.push((4 * stub.len(), address[key]));
        stub.push(encode::auipc(encode::RA, 0));
        stub.push(encode::jalr(encode::RA, encode::RA, 0));
    }
    stub.extend([encode::li_small(encode::A0, 0), encode::li_small(encode::A7, 93), encode::ecall()]);
    text.extend(words(&stub));
    for (at, target) in call_sites {
        encode::patch_pcrel_pair(&mut text, at, target as i64 - (ROM_ADDR as i64 + at as i64));
    }
    // The GOT: one 8-byte slot per symbol a function loads (PIC `auipc` + `ld`).
    let symbol_addr = |target: (u32, u32)| match target {
        (NS_DATA, i) => DataSymbol::from_index(i).map(|d| d.address()),
        key => address.get(&key).copied(),
    };
    // Symbols' GOT slots and moved literals share one pool of 8-byte values.
    let mut pool: BTreeMap<u64, u64> = BTreeMap::new();
    let mut got_data = Vec::new();
    let mut slot_for = |value: u64, got_data: &mut Vec<u8>| {
        *pool.entry(value).or_insert_with(|| {
            let at = GOT_ADDR + got_data.len() as u64;
            got_data.extend_from_slice(&value.to_le_bytes());
            at
        })
    };
    let mut got: BTreeMap<(u32, u32), u64> = BTreeMap::new();
    for f in functions.values() {
        for r in &f.relocs {
            if let (cranelift_codegen::binemit::Reloc::RiscvGotHi20, RelocTarget::Name(t)) = (r.kind, &r.target) {
                if !got.contains_key(t) {
                    let value = symbol_addr(*t).ok_or_else(|| ClRiscvError::Relocation { function: f.name.clone(), kind: format!("GOT entry for unknown {t:?}") })?;
                    got.insert(*t, slot_for(value, &mut got_data));
                }
            }
        }
    }
    for (key, f) in &functions {
        let base = address[key];
        let mut code = f.code.clone();
        // PC-relative high parts, by the offset of their `auipc`, for the low parts.
        let mut hi_values: BTreeMap<u32, i64> = BTreeMap::new();
        for r in &f.relocs {
            let at = r.offset as usize;
            let pc = base as i64 + at as i64;
            let unknown = || ClRiscvError::Relocation { function: f.name.clone(), kind: format!("{} to an unknown target", r.kind) };
            use cranelift_codegen::binemit::Reloc;
            match (r.kind, &r.target) {
                (Reloc::RiscvCallPlt, RelocTarget::Name(t)) => {
                    let target = symbol_addr(*t).ok_or_else(unknown)?.wrapping_add(r.addend as u64);
                    encode::patch_pcrel_pair(&mut code, at, target as i64 - pc)
                }
                (Reloc::Abs8, RelocTarget::Name(t)) => {
                    let target = symbol_addr(*t).ok_or_else(unknown)?.wrapping_add(r.addend as u64);
                    code[at..at + 8].copy_from_slice(&target.to_le_bytes())
                }
                (Reloc::RiscvGotHi20, RelocTarget::Name(t)) => {
                    let rel = got[t] as i64 + r.addend - pc;
                    hi_values.insert(r.offset, rel);
                    encode::patch_hi20(&mut code, at, rel);
                }
                (Reloc::RiscvGotHi20, RelocTarget::Literal(value)) => {
                    let rel = slot_for(*value, &mut got_data) as i64 - pc;
                    hi_values.insert(r.offset, rel);
                    encode::patch_hi20(&mut code, at, rel);
                }
                (Reloc::RiscvPCRelLo12I, RelocTarget::Auipc(auipc)) => {
                    let rel = *hi_values.get(auipc).ok_or_else(unknown)?;
                    encode::patch_lo12_i(&mut code, at, rel);
                }
                (other, _) => return Err(ClRiscvError::Relocation { function: f.name.clone(), kind: format!("{other}") }),
            }
        }
        code.resize(code.len().next_multiple_of(4), 0);
        text.extend(code);
    }

    let func_addr = |f: u32| address.get(&(NS_WASM_FUNC, f)).copied();
    let ram = zisk_wasm_environ::image::initial_ram(info, &func_addr)?;
    // Pure instructions (no literals in the code): execute-only, as ZisK prefers.
    let mut segments = vec![elf::Segment { name: "code", addr: ROM_ADDR, data: text, flags: object::elf::PF_X }];
    if !got_data.is_empty() {
        segments.push(elf::Segment { name: "GOT", addr: GOT_ADDR, data: got_data, flags: object::elf::PF_R });
    }
    segments.extend(ram.into_iter().map(|(addr, data)| elf::Segment { name: "initial RAM", addr, data, flags: object::elf::PF_R | object::elf::PF_W }));
    Ok(elf::write(ROM_ADDR, &segments, &symbols)?)
}

/// Cranelift's riscv64 backend keeps some constants inside the code (`auipc rd, 0; ld rd,
/// 12(rd); j +12; <8 bytes>`), which ZisK's transpiler would decode as instructions. Each such
/// literal moves to the literal pool: the `auipc`/`ld` pair is relocated to it and the 8 bytes
/// become two `nop`s (which the `j` skips anyway).
fn move_inline_literals(code: &mut [u8]) -> Vec<Relocation> {
    let word = |c: &[u8], i: usize| u32::from_le_bytes(c[i..i + 4].try_into().unwrap());
    let mut relocs = Vec::new();
    let mut i = 0;
    while i + 20 <= code.len() {
        let (a, l, j) = (word(code, i), word(code, i + 4), word(code, i + 8));
        let rd = (a >> 7) & 31;
        let is_auipc0 = a & 0xffff_f07f == 0x17;
        let is_ld12 = l == ((12 << 20) | (rd << 15) | (3 << 12) | (rd << 7) | 0x03);
        if is_auipc0 && rd != 0 && is_ld12 && j == 0x00c0_006f {
            let value = u64::from_le_bytes(code[i + 12..i + 20].try_into().unwrap());
            relocs.push(Relocation { offset: i as u32, kind: cranelift_codegen::binemit::Reloc::RiscvGotHi20, target: RelocTarget::Literal(value), addend: 0 });
            relocs.push(Relocation { offset: i as u32 + 4, kind: cranelift_codegen::binemit::Reloc::RiscvPCRelLo12I, target: RelocTarget::Auipc(i as u32), addend: 0 });
            let nop = encode::addi(0, 0, 0).to_le_bytes();
            code[i + 12..i + 16].copy_from_slice(&nop);
            code[i + 16..i + 20].copy_from_slice(&nop);
            i += 20;
        } else {
            i += 4;
        }
    }
    relocs
}

/// Cranelift also appends a constant pool after a function's last instruction, read by
/// `auipc rd, hi; l{d,w,wu} rd, lo(rd)` pairs. Every such load whose target lies inside the
/// function is a pool read: it is relocated to the literal pool, and the function's pool is
/// overwritten with `nop`s so that nothing but instructions remains in the code.
/// `already_moved`: offsets of the inline-literal pairs moved before (they also look like
/// pool reads, of the 8 bytes just after them).
fn move_constant_pool(code: &mut [u8], already_moved: &[u32]) -> Vec<Relocation> {
    let word = |c: &[u8], i: usize| u32::from_le_bytes(c[i..i + 4].try_into().unwrap());
    let sext = |v: u32, bits: u32| ((v as i32) << (32 - bits)) >> (32 - bits);
    let mut loads = Vec::new();
    let mut i = 0;
    while i + 8 <= code.len() {
        let (a, l) = (word(code, i), word(code, i + 4));
        let rd = (a >> 7) & 31;
        let funct3 = (l >> 12) & 7;
        let is_auipc = a & 0x7f == 0x17 && rd != 0;
        let is_load = l & 0x7f == 0x03 && (l >> 15) & 31 == rd && (l >> 7) & 31 == rd && matches!(funct3, 2 | 3 | 6);
        if is_auipc && is_load && !already_moved.contains(&(i as u32)) {
            let hi = (a & 0xffff_f000) as i32 as i64;
            let lo = sext(l >> 20, 12) as i64;
            let target = i as i64 + hi + lo;
            if target >= 0 && (target as usize) + 8 <= code.len() + 4 && (target as usize) > i {
                let width = if funct3 == 3 { 8 } else { 4 };
                loads.push((i, target as usize, width));
            }
        }
        i += 4;
    }
    let mut relocs = Vec::new();
    let mut pool_words = Vec::new();
    for &(at, target, width) in &loads {
        let mut bytes = [0u8; 8];
        let end = (target + width).min(code.len());
        bytes[..end - target].copy_from_slice(&code[target..end]);
        let value = if width == 8 { u64::from_le_bytes(bytes) } else { u32::from_le_bytes(bytes[..4].try_into().unwrap()) as u64 };
        let value = if width == 4 && (word(code, at + 4) >> 12) & 7 == 2 { value as u32 as i32 as i64 as u64 } else { value };
        // The moved literal is always read as 8 bytes (`ld`): make the load an `ld`.
        let l = word(code, at + 4);
        let ld = (l & !(7 << 12)) | (3 << 12);
        code[at + 4..at + 8].copy_from_slice(&ld.to_le_bytes());
        relocs.push(Relocation { offset: at as u32, kind: cranelift_codegen::binemit::Reloc::RiscvGotHi20, target: RelocTarget::Literal(value), addend: 0 });
        relocs.push(Relocation { offset: at as u32 + 4, kind: cranelift_codegen::binemit::Reloc::RiscvPCRelLo12I, target: RelocTarget::Auipc(at as u32), addend: 0 });
        pool_words.extend((target & !3..end).step_by(4));
    }
    // Pools sit at the end or in islands that the code jumps over; only their words become
    // `nop`s (code around an island stays). Alignment padding is zero words: `nop`s too.
    let nop = encode::addi(0, 0, 0).to_le_bytes();
    for k in pool_words {
        if k + 4 <= code.len() {
            code[k..k + 4].copy_from_slice(&nop);
        }
    }
    relocs
}

/// Rewrites every 64-bit `iconst` that does not fit a sign-extended 32-bit immediate as
/// `(hi << 32) + lo` with both halves small: Cranelift's riscv64 backend would otherwise
/// place the constant as data inside the code.
fn split_large_constants(func: &mut ir::Function) {
    use cranelift_codegen::cursor::{Cursor, FuncCursor};
    use cranelift_codegen::ir::{InstBuilder, InstructionData, Opcode};
    let mut pos = FuncCursor::new(func);
    while let Some(_block) = pos.next_block() {
        while let Some(inst) = pos.next_inst() {
            let InstructionData::UnaryImm { opcode: Opcode::Iconst, imm } = pos.func.dfg.insts[inst] else { continue };
            let result = pos.func.dfg.first_result(inst);
            let ty = pos.func.dfg.value_type(result);
            if ty == ir::types::I32 {
                // Stored zero-extended, a constant with bit 31 set cannot be built by lui +
                // addi; sign-extended (the same i32) it can.
                let sext = imm.bits() as i32 as i64;
                if sext != imm.bits() {
                    pos.func.dfg.replace(inst).iconst(ir::types::I32, sext);
                }
                continue;
            }
            if ty != ir::types::I64 {
                continue;
            }
            let value = imm.bits();
            if value == value as i32 as i64 {
                continue;
            }
            let lo = value as i32 as i64;
            let hi = (value.wrapping_sub(lo) >> 32) as i32 as i64;
            let h = pos.ins().iconst(ir::types::I64, hi);
            let shifted = pos.ins().ishl_imm(h, 32);
            let l = pos.ins().iconst(ir::types::I64, lo);
            pos.func.dfg.replace(inst).iadd(shifted, l);
        }
    }
}

/// Traps with StackOverflow at function entry when the stack pointer (already moved by the
/// prologue) is within 64 KiB of the stack's bottom: a clean trap on exhaustion, where
/// running off the stack would crash the emulator. (Cranelift's own stack-limit check needs
/// a vmctx parameter, which these functions do not have.)
fn insert_stack_check(func: &mut ir::Function) {
    use cranelift_codegen::cursor::{Cursor, FuncCursor};
    use cranelift_codegen::ir::InstBuilder;
    let Some(entry) = func.layout.entry_block() else { return };
    let mut pos = FuncCursor::new(func);
    pos.goto_first_insertion_point(entry);
    let sp = pos.ins().get_stack_pointer(ir::types::I64);
    let low = pos.ins().icmp_imm(ir::condcodes::IntCC::UnsignedLessThan, sp, (STACK_LIMIT + 0x1_0000) as i64);
    pos.ins().trapnz(low, ir::TrapCode::StackOverflow);
}

fn words(ws: &[u32]) -> Vec<u8> {
    ws.iter().flat_map(|w| w.to_le_bytes()).collect()
}

fn compile_function(isa: &OwnedTargetIsa, mut func: ir::Function, name: &str) -> Result<CompiledFunction, ClRiscvError> {
    // Data addresses are loaded as 64-bit constants (Abs8) rather than reached pc-relatively.
    for gv in func.global_values.values_mut() {
        if let GlobalValueData::Symbol { colocated, .. } = gv {
            *colocated = false;
        }
    }
    insert_stack_check(&mut func);
    let names = func.clone();
    let mut ctx = Context::for_function(func);
    // Legalize first, so that the `*_imm` forms are plain constants the split can see. The
    // legalizer updates the CFG in place, so it needs one (`compile` computes its own).
    ctx.compute_cfg();
    ctx.legalize(isa.as_ref()).map_err(|e| ClRiscvError::Codegen { function: name.to_string(), what: format!("{e:?}") })?;
    split_large_constants(&mut ctx.func);
    let compiled = ctx
        .compile(isa.as_ref(), &mut ControlPlane::default())
        .map_err(|e| ClRiscvError::Codegen { function: name.to_string(), what: format!("{:?}", e.inner) })?;
    let mut code = compiled.code_buffer().to_vec();
    // Cranelift's trap instruction is four zero bytes; ZisK treats `ebreak` as the trap.
    for trap in compiled.buffer.traps() {
        let at = trap.offset as usize;
        if code.get(at..at + 4) == Some(&[0, 0, 0, 0]) {
            code[at..at + 4].copy_from_slice(&encode::ebreak().to_le_bytes());
        }
    }
    let mut relocs = move_inline_literals(&mut code);
    let moved: Vec<u32> = relocs.iter().map(|r| r.offset).collect();
    relocs.extend(move_constant_pool(&mut code, &moved));
    // What zero words remain are alignment padding of islands (never executed): as `nop`s they
    // decode cleanly in ZisK's transpiler. Trap sites were already made `ebreak`s.
    for w in code.chunks_exact_mut(4) {
        if w == [0, 0, 0, 0] {
            w.copy_from_slice(&encode::addi(0, 0, 0).to_le_bytes());
        }
    }
    for r in compiled.buffer.relocs() {
        let target = match &r.target {
            FinalizedRelocTarget::ExternalName(n) => resolve(&names, n).map(RelocTarget::Name),
            FinalizedRelocTarget::Func(offset) => Some(RelocTarget::Auipc(*offset)),
        }
        .ok_or_else(|| ClRiscvError::Relocation { function: name.to_string(), kind: format!("{} to {:?}", r.kind, r.target) })?;
        relocs.push(Relocation { offset: r.offset, kind: r.kind, target, addend: r.addend });
    }
    Ok(CompiledFunction { name: name.to_string(), code, relocs })
}
