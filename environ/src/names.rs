//! How generated CLIF names things outside the function: `ExternalName::User` namespaces.
//! The back ends resolve these names when they link the program.

use std::collections::HashMap;

use cranelift_codegen::ir::{self, ExternalName, UserExternalName};
use cranelift_wasm::FuncIndex;

use crate::{Builtin, ModuleInfo};

/// A WebAssembly function by index (imports first, as in the module's function index space).
pub const NS_WASM_FUNC: u32 = 0;
/// A runtime routine ([`crate::Builtin`]), generated as CLIF by this crate.
pub const NS_BUILTIN: u32 = 1;
/// A data address ([`DataSymbol`]).
pub const NS_DATA: u32 = 2;
/// An operation each back end implements natively ([`Intrinsic`]).
pub const NS_INTRINSIC: u32 = 3;
/// A generated test driver ([`crate::driver`]).
pub const NS_DRIVER: u32 = 4;

/// Addresses referenced as symbols (so the heap base can be a Cranelift global value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum DataSymbol {
    LinearMemory = 0,
    Instance = 1,
    /// Whose "address" is the lowest stack pointer allowed (for Cranelift's stack checks).
    StackLimit = 2,
}

impl DataSymbol {
    pub fn from_index(index: u32) -> Option<DataSymbol> {
        match index {
            0 => Some(DataSymbol::LinearMemory),
            1 => Some(DataSymbol::Instance),
            2 => Some(DataSymbol::StackLimit),
            _ => None,
        }
    }

    pub fn address(self) -> u64 {
        match self {
            DataSymbol::LinearMemory => crate::memory_map::LINEAR_MEMORY_ADDR,
            DataSymbol::Instance => crate::memory_map::INSTANCE_ADDR,
            DataSymbol::StackLimit => crate::memory_map::STACK_LIMIT,
        }
    }
}

/// A routine of ours (not the module's) as symbol tables and profiles name it:
/// `zisk_wasm::<name>`.
pub fn runtime_symbol(name: &str) -> String {
    format!("zisk_wasm::{name}")
}

/// The symbol-table name of the function `(namespace, index)` names, the same on both routes:
/// a module function's [`ModuleInfo::symbol_name`], our routines' [`runtime_symbol`]. `None`
/// for data and for indices that name nothing.
pub fn function_symbol(info: &ModuleInfo, (namespace, index): (u32, u32)) -> Option<String> {
    match namespace {
        NS_WASM_FUNC if (index as usize) < info.functions.len() => Some(info.symbol_name(FuncIndex::from_u32(index))),
        NS_BUILTIN => Builtin::from_index(index).map(|b| runtime_symbol(b.name())),
        NS_INTRINSIC => Intrinsic::from_index(index).map(|i| runtime_symbol(i.name())),
        NS_DRIVER => Some(runtime_symbol("driver")),
        _ => None,
    }
}

/// Profiles key functions by name: a name given again (monomorphizations that demangle
/// alike) gets its occurrence number, `name #2`, `name #3`…
#[derive(Debug, Default)]
pub struct DistinctSymbols(HashMap<String, usize>);

impl DistinctSymbols {
    pub fn name(&mut self, symbol: String) -> String {
        let n = self.0.entry(symbol.clone()).or_insert(0);
        *n += 1;
        if *n == 1 { symbol } else { format!("{symbol} #{n}") }
    }
}

pub fn user_name(func: &mut ir::Function, namespace: u32, index: u32) -> ExternalName {
    ExternalName::User(func.declare_imported_user_function(UserExternalName::new(namespace, index)))
}

/// The (namespace, index) a `User` external name stands for in `func`.
pub fn resolve(func: &ir::Function, name: &ExternalName) -> Option<(u32, u32)> {
    match name {
        ExternalName::User(r) => {
            let n = &func.params.user_named_funcs()[*r];
            Some((n.namespace, n.index))
        }
        _ => None,
    }
}

/// See [`Intrinsic::precompile`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Precompile {
    pub op: &'static str,
    pub csr: u32,
    pub operands: Operands,
}

/// How a precompile takes its operands (the intrinsic's parameters, in order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operands {
    /// One address, as `b` (RISC-V: `csrs id, a0`).
    One,
    /// Two addresses, as `a` and `b` (RISC-V: `csrs id, a0; add x0, a1, x0`).
    Two,
    /// (dst, src, count): ZisK's DMA copy, `a` = dst, `b` = src, the count in the extra
    /// parameter word (RISC-V: `csrs id, a1; add x0, a0, a2`, which the transpiler expands).
    Copy,
    /// (dst, count): ZisK's DMA fill with the byte 0, `a` = dst, `b` = count, the byte in the
    /// op's first jump offset (RISC-V: `csrs id, a0; addi x0, a1, 0`).
    FillZero,
}

/// Operations each back end implements natively, called through [`NS_INTRINSIC`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Intrinsic {
    /// (code: i32) -> never returns: 0 publishes the output and ends, anything else fails.
    Exit = 0,
    /// (state: i64 absolute address, 8-aligned, 25 u64): ZisK's Keccak-f[1600] precompile.
    Keccakf = 1,
    /// (state: i64, block: i64 absolute addresses, 8-aligned; 8 u32 words, 64 bytes): ZisK's
    /// SHA-256 compression precompile (the state in place, as sha2's `compress256`).
    Sha256f = 2,
    /// (params: i64 absolute address of five 8-aligned pointers a, b, c, module, d to 4-u64
    /// little-endian integers): ZisK's arith256_mod precompile, d = (a·b + c) mod module.
    Arith256Mod = 3,
    /// (p1: i64, p2: i64 absolute addresses, 8-aligned; x ‖ y as 8 u64): ZisK's
    /// secp256k1_add precompile, p1 = p1 + p2 for points with different x.
    Secp256k1Add = 4,
    /// (p: i64 absolute address, 8-aligned; x ‖ y as 8 u64): ZisK's secp256k1_dbl
    /// precompile, p = 2·p.
    Secp256k1Dbl = 5,
    /// (p1: i64, p2: i64): ZisK's bn254_curve_add precompile on BN254 G1 points, as
    /// [`Intrinsic::Secp256k1Add`].
    Bn254CurveAdd = 6,
    /// (p: i64): ZisK's bn254_curve_dbl precompile, as [`Intrinsic::Secp256k1Dbl`].
    Bn254CurveDbl = 7,
    /// (value: i64): a one-word parameter for the next hint call (ZisK's `fcall_param`).
    HintParam1 = 8,
    /// (addr: i64): four words at an absolute address as hint parameters.
    HintParam4 = 9,
    /// (): ziskos' hint for an inverse modulo secp256k1's group order (4 result words).
    HintSecp256k1FnInv = 10,
    /// (): ziskos' hint for a square root modulo secp256k1's p, of a wanted parity (5 words:
    /// 1 if a root exists, then the root).
    HintSecp256k1FpSqrt = 11,
    /// () -> i64: the next word of the last hint's result (ZisK's `fcall_get`).
    HintGet = 12,
    /// (params: i64 absolute address of five 8-aligned pointers a, b, c, dl, dh to 4-u64
    /// little-endian integers): ZisK's arith256 precompile, dh ‖ dl = a·b + c (512 bits).
    Arith256 = 13,
    /// (): ziskos' big-integer division hint (`FCALL_BIGINT_DIV_ID`): parameters the
    /// dividend's and the divisor's word counts and words; results the quotient's word count
    /// and words, then the remainder's.
    HintBigintDiv = 14,
    /// (dst: i64, src: i64, count: i64 absolute addresses and a byte count): ZisK's DMA
    /// memcpy, which has memmove semantics (an overlap in either direction is copied and
    /// proven correctly; ziskos' `memmove` is this one op). Any alignment.
    DmaMemmove = 20,
    /// (dst: i64, count: i64): ZisK's DMA memset with the byte 0 (ziskos' `memset(p, 0, n)`).
    DmaFillZero = 21,
    /// (f1: i64, f2: i64 absolute addresses, 8-aligned; real ‖ imaginary as 8 u64): ZisK's
    /// bn254_complex_add precompile on Fp2 = Fp[u]/(u² + 1) of BN254's p, f1 = f1 + f2.
    Bn254ComplexAdd = 22,
    /// (f1: i64, f2: i64): bn254_complex_sub, f1 = f1 − f2, as [`Intrinsic::Bn254ComplexAdd`].
    Bn254ComplexSub = 23,
    /// (f1: i64, f2: i64): bn254_complex_mul, f1 = f1 · f2 (f1 and f2 may be the same).
    Bn254ComplexMul = 24,
    /// (): ziskos' hint for an inverse modulo BN254's p (after four parameter words; 4 result
    /// words).
    HintBn254FpInv = 25,
    /// (): ziskos' hint for an inverse in BN254's Fp2 (after eight parameter words, real then
    /// imaginary; 8 result words).
    HintBn254Fp2Inv = 26,
    /// (p1: i64, p2: i64): ZisK's secp256r1_add precompile (NIST P-256), as
    /// [`Intrinsic::Secp256k1Add`].
    Secp256r1Add = 27,
    /// (p: i64): ZisK's secp256r1_dbl precompile, as [`Intrinsic::Secp256k1Dbl`].
    Secp256r1Dbl = 28,
    /// (): ziskos' hint for an inverse modulo secp256r1's group order (4 result words).
    HintSecp256r1FnInv = 29,
}

/// A hint intrinsic: ZisK's free-input ops (`fcall_param`, `fcall`, `fcall_get`), whose
/// results the prover supplies; the program must check them before relying on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// `fcall_param` of `words` words: the value itself (1) or the words at an address.
    Param { words: u32 },
    /// `fcall` of a ziskos fcall function id.
    Call { id: u32 },
    /// `fcall_get`.
    Get,
}

impl Intrinsic {
    pub const ALL: [Intrinsic; 25] = [
        Intrinsic::Exit,
        Intrinsic::Keccakf,
        Intrinsic::Sha256f,
        Intrinsic::Arith256Mod,
        Intrinsic::Secp256k1Add,
        Intrinsic::Secp256k1Dbl,
        Intrinsic::Bn254CurveAdd,
        Intrinsic::Bn254CurveDbl,
        Intrinsic::HintParam1,
        Intrinsic::HintParam4,
        Intrinsic::HintSecp256k1FnInv,
        Intrinsic::HintSecp256k1FpSqrt,
        Intrinsic::HintGet,
        Intrinsic::Arith256,
        Intrinsic::HintBigintDiv,
        Intrinsic::DmaMemmove,
        Intrinsic::DmaFillZero,
        Intrinsic::Bn254ComplexAdd,
        Intrinsic::Bn254ComplexSub,
        Intrinsic::Bn254ComplexMul,
        Intrinsic::HintBn254FpInv,
        Intrinsic::HintBn254Fp2Inv,
        Intrinsic::Secp256r1Add,
        Intrinsic::Secp256r1Dbl,
        Intrinsic::HintSecp256r1FnInv,
    ];

    pub fn from_index(index: u32) -> Option<Intrinsic> {
        Self::ALL.into_iter().find(|i| *i as u32 == index)
    }

    /// The ZisK precompile behind this intrinsic: its op (the direct route emits it), the
    /// `csrs` id ziskos raises it with (the RISC-V route, which ZisK's transpiler turns into
    /// the op), and how it takes its operands ([`Operands`]).
    pub fn precompile(self) -> Option<Precompile> {
        use Operands::*;
        let (op, csr, operands) = match self {
            Intrinsic::Exit
            | Intrinsic::HintParam1
            | Intrinsic::HintParam4
            | Intrinsic::HintSecp256k1FnInv
            | Intrinsic::HintSecp256k1FpSqrt
            | Intrinsic::HintBigintDiv
            | Intrinsic::HintBn254FpInv
            | Intrinsic::HintBn254Fp2Inv
            | Intrinsic::HintSecp256r1FnInv
            | Intrinsic::HintGet => return None,
            Intrinsic::Keccakf => ("keccak", 0x800, One),
            Intrinsic::Arith256 => ("arith256", 0x801, One),
            Intrinsic::Arith256Mod => ("arith256_mod", 0x802, One),
            Intrinsic::Secp256k1Add => ("secp256k1_add", 0x803, Two),
            Intrinsic::Secp256k1Dbl => ("secp256k1_dbl", 0x804, One),
            Intrinsic::Sha256f => ("sha256", 0x805, Two),
            Intrinsic::Bn254CurveAdd => ("bn254_curve_add", 0x806, Two),
            Intrinsic::Bn254CurveDbl => ("bn254_curve_dbl", 0x807, One),
            Intrinsic::Bn254ComplexAdd => ("bn254_complex_add", 0x808, Two),
            Intrinsic::Bn254ComplexSub => ("bn254_complex_sub", 0x809, Two),
            Intrinsic::Bn254ComplexMul => ("bn254_complex_mul", 0x80a, Two),
            Intrinsic::Secp256r1Add => ("secp256r1_add", 0x817, Two),
            Intrinsic::Secp256r1Dbl => ("secp256r1_dbl", 0x818, One),
            Intrinsic::DmaMemmove => ("dma_memcpy", 0x813, Copy),
            Intrinsic::DmaFillZero => ("dma_xmemset", 0x816, FillZero),
        };
        Some(Precompile { op, csr, operands })
    }

    /// The hint op behind this intrinsic (ids as ziskos' `FCALL_*_ID`).
    pub fn hint(self) -> Option<Hint> {
        Some(match self {
            Intrinsic::HintParam1 => Hint::Param { words: 1 },
            Intrinsic::HintParam4 => Hint::Param { words: 4 },
            Intrinsic::HintSecp256k1FnInv => Hint::Call { id: 2 },
            Intrinsic::HintSecp256k1FpSqrt => Hint::Call { id: 3 },
            Intrinsic::HintBigintDiv => Hint::Call { id: 22 },
            Intrinsic::HintBn254FpInv => Hint::Call { id: 6 },
            Intrinsic::HintBn254Fp2Inv => Hint::Call { id: 7 },
            Intrinsic::HintSecp256r1FnInv => Hint::Call { id: 5 },
            Intrinsic::HintGet => Hint::Get,
            _ => return None,
        })
    }

    /// A short name for symbols and listings.
    pub fn name(self) -> &'static str {
        match self {
            Intrinsic::Exit => "exit",
            Intrinsic::Keccakf => "keccakf",
            Intrinsic::Sha256f => "sha256f",
            Intrinsic::Arith256Mod => "arith256_mod",
            Intrinsic::Secp256k1Add => "secp256k1_add",
            Intrinsic::Secp256k1Dbl => "secp256k1_dbl",
            Intrinsic::Bn254CurveAdd => "bn254_curve_add",
            Intrinsic::Bn254CurveDbl => "bn254_curve_dbl",
            Intrinsic::HintParam1 => "hint_param1",
            Intrinsic::HintParam4 => "hint_param4",
            Intrinsic::HintSecp256k1FnInv => "hint_secp256k1_fn_inv",
            Intrinsic::HintSecp256k1FpSqrt => "hint_secp256k1_fp_sqrt",
            Intrinsic::HintGet => "hint_get",
            Intrinsic::DmaMemmove => "dma_memmove",
            Intrinsic::DmaFillZero => "dma_fill_zero",
            Intrinsic::Arith256 => "arith256",
            Intrinsic::HintBigintDiv => "hint_bigint_div",
            Intrinsic::Bn254ComplexAdd => "bn254_complex_add",
            Intrinsic::Bn254ComplexSub => "bn254_complex_sub",
            Intrinsic::Bn254ComplexMul => "bn254_complex_mul",
            Intrinsic::HintBn254FpInv => "hint_bn254_fp_inv",
            Intrinsic::HintBn254Fp2Inv => "hint_bn254_fp2_inv",
            Intrinsic::Secp256r1Add => "secp256r1_add",
            Intrinsic::Secp256r1Dbl => "secp256r1_dbl",
            Intrinsic::HintSecp256r1FnInv => "hint_secp256r1_fn_inv",
        }
    }

    pub fn signature(self) -> ir::Signature {
        let mut sig = ir::Signature::new(cranelift_codegen::isa::CallConv::Fast);
        let params: &[ir::Type] = match self {
            Intrinsic::Exit => &[ir::types::I32],
            Intrinsic::Keccakf
            | Intrinsic::Arith256
            | Intrinsic::Arith256Mod
            | Intrinsic::Secp256k1Dbl
            | Intrinsic::Secp256r1Dbl
            | Intrinsic::Bn254CurveDbl => &[ir::types::I64],
            Intrinsic::HintParam1 | Intrinsic::HintParam4 => &[ir::types::I64],
            Intrinsic::Sha256f
            | Intrinsic::Secp256k1Add
            | Intrinsic::Secp256r1Add
            | Intrinsic::Bn254CurveAdd
            | Intrinsic::Bn254ComplexAdd
            | Intrinsic::Bn254ComplexSub
            | Intrinsic::Bn254ComplexMul
            | Intrinsic::DmaFillZero => &[ir::types::I64, ir::types::I64],
            Intrinsic::DmaMemmove => &[ir::types::I64, ir::types::I64, ir::types::I64],
            Intrinsic::HintSecp256k1FnInv
            | Intrinsic::HintSecp256k1FpSqrt
            | Intrinsic::HintBigintDiv
            | Intrinsic::HintBn254FpInv
            | Intrinsic::HintBn254Fp2Inv
            | Intrinsic::HintSecp256r1FnInv
            | Intrinsic::HintGet => &[],
        };
        sig.params.extend(params.iter().map(|&t| ir::AbiParam::new(t)));
        if self == Intrinsic::HintGet {
            sig.returns.push(ir::AbiParam::new(ir::types::I64));
        }
        sig
    }

    /// Declares this intrinsic in `func` so it can be called.
    pub fn import_into(self, func: &mut ir::Function) -> ir::FuncRef {
        let signature = func.import_signature(self.signature());
        let name = user_name(func, NS_INTRINSIC, self as u32);
        func.import_function(ir::ExtFuncData { name, signature, colocated: true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn symbols_of_our_routines_and_repeats() {
        let info = ModuleInfo::default();
        assert_eq!(function_symbol(&info, (NS_BUILTIN, Builtin::MemoryGrow as u32)).as_deref(), Some("zisk_wasm::memory_grow"));
        assert_eq!(function_symbol(&info, (NS_INTRINSIC, Intrinsic::Exit as u32)).as_deref(), Some("zisk_wasm::exit"));
        assert_eq!(function_symbol(&info, (NS_DRIVER, 0)).as_deref(), Some("zisk_wasm::driver"));
        assert_eq!(function_symbol(&info, (NS_WASM_FUNC, 0)), None);
        assert_eq!(function_symbol(&info, (NS_DATA, 0)), None);
        let mut distinct = DistinctSymbols::default();
        let names: Vec<String> = ["f", "g", "f", "f"].into_iter().map(|s| distinct.name(s.into())).collect();
        assert_eq!(names, ["f", "g", "f #2", "f #3"]);
    }
}
