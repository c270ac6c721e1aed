//! Soft-float lowering: a WebAssembly → WebAssembly pass that runs before translation.
//!
//! ZisK has no float hardware, and both back ends want integers only. A module that uses f32 or
//! f64 is rewritten so that every float value is its i32/i64 bit pattern (types, locals,
//! globals, blocks, loads, stores, constants), reinterpretations vanish, `abs`/`neg` become bit
//! operations, and every other float instruction becomes a call into the soft-float runtime
//! (`environ/softfloat`, built for wasm32 by build.rs), whose functions are merged into the
//! module. Doing it on WebAssembly keeps one environ for both routes and lets the runtime go
//! through the same optimizer as the guest.
//!
//! Index shifts: the runtime's two trap imports (module [`SOFTFLOAT_MODULE`]) are appended to the
//! module's imports, so defined functions move up by two; the runtime's functions come after
//! the module's own and its types after the module's types.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use wasm_encoder::reencode::{self, Reencode};
use wasm_encoder::{CodeSection, EntityType, FunctionSection, ImportSection, Instruction, Module, TypeSection, ValType};
use wasmparser_next::{self as wp, Operator, Parser, Payload};

use cranelift_codegen::ir::{self, InstBuilder};
use cranelift_codegen::isa::CallConv;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};

use crate::EnvironError;

/// The import module of the runtime's trap hooks (implemented by the environ as traps).
pub const SOFTFLOAT_MODULE: &str = "zisk_softfloat";

static SOFTFLOAT_WASM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/softfloat.wasm"));

/// The soft-float runtime module, parsed once.
struct Runtime {
    types: Vec<wp::FuncType>,
    /// Imported function names (module `zisk_softfloat`) and their type indices.
    imports: Vec<(String, u32)>,
    /// Per defined function: its type index and body.
    functions: Vec<(u32, wp::FunctionBody<'static>)>,
    exports: HashMap<String, u32>,
}

fn runtime() -> Result<&'static Runtime, EnvironError> {
    static RUNTIME: OnceLock<Result<Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| parse_runtime().map_err(|e| format!("the soft-float runtime is unusable: {e}")))
        .as_ref()
        .map_err(|e| EnvironError::unsupported(e.clone()))
}

fn parse_runtime() -> Result<Runtime, String> {
    let mut rt = Runtime { types: vec![], imports: vec![], functions: vec![], exports: HashMap::new() };
    let mut func_types = vec![];
    for payload in Parser::new(0).parse_all(SOFTFLOAT_WASM) {
        match payload.map_err(|e| e.to_string())? {
            Payload::TypeSection(s) => {
                for ty in s.into_iter_err_on_gc_types() {
                    rt.types.push(ty.map_err(|e| e.to_string())?);
                }
            }
            Payload::ImportSection(s) => {
                for import in s.into_imports() {
                    let import = import.map_err(|e| e.to_string())?;
                    match import.ty {
                        wp::TypeRef::Func(t) if import.module == SOFTFLOAT_MODULE => rt.imports.push((import.name.to_string(), t)),
                        _ => return Err(format!("unexpected import {}.{}", import.module, import.name)),
                    }
                }
            }
            Payload::FunctionSection(s) => {
                for t in s {
                    func_types.push(t.map_err(|e| e.to_string())?);
                }
            }
            Payload::ExportSection(s) => {
                for export in s {
                    let export = export.map_err(|e| e.to_string())?;
                    if export.kind == wp::ExternalKind::Func {
                        rt.exports.insert(export.name.to_string(), export.index);
                    }
                }
            }
            Payload::CodeSectionEntry(body) => {
                // The runtime must be pure register code: it shares nothing with the guest.
                let mut ops = body.get_operators_reader().map_err(|e| e.to_string())?;
                while !ops.eof() {
                    let op = ops.read().map_err(|e| e.to_string())?;
                    if touches_state(&op) {
                        return Err(format!("function {} uses {op:?}", rt.functions.len()));
                    }
                }
                let ty = func_types[rt.functions.len()];
                rt.functions.push((ty, body));
            }
            _ => {}
        }
    }
    Ok(rt)
}

/// Operators the runtime must not contain: memory, globals, tables and floats themselves.
fn touches_state(op: &Operator) -> bool {
    use Operator::*;
    let name = format!("{op:?}");
    matches!(op, GlobalGet { .. } | GlobalSet { .. } | CallIndirect { .. } | MemorySize { .. } | MemoryGrow { .. })
        || name.contains("Load")
        || name.contains("Store")
        || name.starts_with("F32")
        || name.starts_with("F64")
        || name.contains("Memory")
        || name.contains("Table")
}

/// The body of one of the runtime's trap imports: the WebAssembly trap it stands for.
pub fn trap_import(index: u32, import: &crate::ImportName) -> Result<ir::Function, EnvironError> {
    let code = match import.field.as_str() {
        "invalid_conversion_to_integer" => ir::TrapCode::BadConversionToInteger,
        "integer_overflow" => ir::TrapCode::IntegerOverflow,
        _ => return Err(EnvironError::unsupported(format!("import {import} is not a soft-float trap"))),
    };
    let mut func = ir::Function::with_name_signature(
        ir::UserFuncName::user(crate::names::NS_WASM_FUNC, index),
        ir::Signature::new(CallConv::Fast),
    );
    let mut ctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut ctx);
    let entry = b.create_block();
    b.switch_to_block(entry);
    b.ins().trap(code);
    b.seal_all_blocks();
    b.finalize();
    Ok(func)
}

/// What one float instruction becomes.
enum Lowered {
    /// Nothing: a reinterpretation of the same bits.
    Nop,
    /// Bit operation with a constant mask (abs: and, neg: xor).
    I32Mask(Instruction<'static>, u32),
    I64Mask(Instruction<'static>, u64),
    /// A call to the runtime export of this name.
    Call(&'static str),
}

fn lower(op: &Operator) -> Option<Lowered> {
    use Lowered::{Call, I32Mask, I64Mask};
    use Operator::*;
    Some(match op {
        I32ReinterpretF32 | F32ReinterpretI32 | I64ReinterpretF64 | F64ReinterpretI64 => Lowered::Nop,
        F32Abs => I32Mask(Instruction::I32And, 0x7fff_ffff),
        F32Neg => I32Mask(Instruction::I32Xor, 0x8000_0000),
        F64Abs => I64Mask(Instruction::I64And, 0x7fff_ffff_ffff_ffff),
        F64Neg => I64Mask(Instruction::I64Xor, 0x8000_0000_0000_0000),
        F32Add => Call("f32_add"),
        F32Sub => Call("f32_sub"),
        F32Mul => Call("f32_mul"),
        F32Div => Call("f32_div"),
        F32Min => Call("f32_min"),
        F32Max => Call("f32_max"),
        F32Sqrt => Call("f32_sqrt"),
        F32Ceil => Call("f32_ceil"),
        F32Floor => Call("f32_floor"),
        F32Trunc => Call("f32_trunc"),
        F32Nearest => Call("f32_nearest"),
        F32Copysign => Call("f32_copysign"),
        F32Eq => Call("f32_eq"),
        F32Ne => Call("f32_ne"),
        F32Lt => Call("f32_lt"),
        F32Gt => Call("f32_gt"),
        F32Le => Call("f32_le"),
        F32Ge => Call("f32_ge"),
        F64Add => Call("f64_add"),
        F64Sub => Call("f64_sub"),
        F64Mul => Call("f64_mul"),
        F64Div => Call("f64_div"),
        F64Min => Call("f64_min"),
        F64Max => Call("f64_max"),
        F64Sqrt => Call("f64_sqrt"),
        F64Ceil => Call("f64_ceil"),
        F64Floor => Call("f64_floor"),
        F64Trunc => Call("f64_trunc"),
        F64Nearest => Call("f64_nearest"),
        F64Copysign => Call("f64_copysign"),
        F64Eq => Call("f64_eq"),
        F64Ne => Call("f64_ne"),
        F64Lt => Call("f64_lt"),
        F64Gt => Call("f64_gt"),
        F64Le => Call("f64_le"),
        F64Ge => Call("f64_ge"),
        I32TruncF32S => Call("i32_trunc_f32_s"),
        I32TruncF32U => Call("i32_trunc_f32_u"),
        I32TruncF64S => Call("i32_trunc_f64_s"),
        I32TruncF64U => Call("i32_trunc_f64_u"),
        I64TruncF32S => Call("i64_trunc_f32_s"),
        I64TruncF32U => Call("i64_trunc_f32_u"),
        I64TruncF64S => Call("i64_trunc_f64_s"),
        I64TruncF64U => Call("i64_trunc_f64_u"),
        I32TruncSatF32S => Call("i32_trunc_sat_f32_s"),
        I32TruncSatF32U => Call("i32_trunc_sat_f32_u"),
        I32TruncSatF64S => Call("i32_trunc_sat_f64_s"),
        I32TruncSatF64U => Call("i32_trunc_sat_f64_u"),
        I64TruncSatF32S => Call("i64_trunc_sat_f32_s"),
        I64TruncSatF32U => Call("i64_trunc_sat_f32_u"),
        I64TruncSatF64S => Call("i64_trunc_sat_f64_s"),
        I64TruncSatF64U => Call("i64_trunc_sat_f64_u"),
        F32ConvertI32S => Call("f32_convert_i32_s"),
        F32ConvertI32U => Call("f32_convert_i32_u"),
        F32ConvertI64S => Call("f32_convert_i64_s"),
        F32ConvertI64U => Call("f32_convert_i64_u"),
        F64ConvertI32S => Call("f64_convert_i32_s"),
        F64ConvertI32U => Call("f64_convert_i32_u"),
        F64ConvertI64S => Call("f64_convert_i64_s"),
        F64ConvertI64U => Call("f64_convert_i64_u"),
        F32DemoteF64 => Call("f32_demote_f64"),
        F64PromoteF32 => Call("f64_promote_f32"),
        _ => return None,
    })
}

/// The guest module's side of the rewrite: float types become integer types, function indices
/// of defined functions move past the runtime's imports.
struct GuestRewriter<'r> {
    runtime: &'r Runtime,
    imported_funcs: u32,
    defined_funcs: u32,
    guest_types: u32,
    saw_float: bool,
}

impl GuestRewriter<'_> {
    fn runtime_function(&self, export: &str) -> Result<u32, reencode::Error<String>> {
        let index = *self.runtime.exports.get(export).ok_or_else(|| reencode::Error::UserError(format!("the soft-float runtime lacks `{export}`")))?;
        Ok(RuntimeRewriter::placed(self, index))
    }
}

impl Reencode for GuestRewriter<'_> {
    type Error = String;

    fn function_index(&mut self, func: u32) -> Result<u32, reencode::Error<String>> {
        Ok(if func < self.imported_funcs { func } else { func + self.runtime.imports.len() as u32 })
    }

    fn val_type(&mut self, ty: wp::ValType) -> Result<ValType, reencode::Error<String>> {
        Ok(match ty {
            wp::ValType::F32 => {
                self.saw_float = true;
                ValType::I32
            }
            wp::ValType::F64 => {
                self.saw_float = true;
                ValType::I64
            }
            other => reencode::utils::val_type(self, other)?,
        })
    }

    fn instruction<'a>(&mut self, op: Operator<'a>) -> Result<Instruction<'a>, reencode::Error<String>> {
        let plain = match op {
            Operator::F32Const { value } => Instruction::I32Const(value.bits() as i32),
            Operator::F64Const { value } => Instruction::I64Const(value.bits() as i64),
            Operator::F32Load { memarg } => Instruction::I32Load(self.mem_arg(memarg)?),
            Operator::F64Load { memarg } => Instruction::I64Load(self.mem_arg(memarg)?),
            Operator::F32Store { memarg } => Instruction::I32Store(self.mem_arg(memarg)?),
            Operator::F64Store { memarg } => Instruction::I64Store(self.mem_arg(memarg)?),
            Operator::TypedSelect { ty } => Instruction::TypedSelect(self.val_type(ty)?),
            other => {
                return match lower(&other) {
                    Some(Lowered::Call(export)) => {
                        self.saw_float = true;
                        Ok(Instruction::Call(self.runtime_function(export)?))
                    }
                    Some(_) => Err(reencode::Error::UserError(format!("{other:?} expands to several instructions"))),
                    None => reencode::utils::instruction(self, other),
                };
            }
        };
        self.saw_float = true;
        Ok(plain)
    }

    fn parse_function_body(&mut self, code: &mut CodeSection, body: wp::FunctionBody<'_>) -> Result<(), reencode::Error<String>> {
        let mut f = self.new_function_with_parsed_locals(&body)?;
        let mut reader = body.get_operators_reader()?;
        while !reader.eof() {
            let op = reader.read()?;
            match lower(&op) {
                Some(Lowered::Nop) => self.saw_float = true,
                Some(Lowered::I32Mask(ins, mask)) => {
                    self.saw_float = true;
                    f.instruction(&Instruction::I32Const(mask as i32)).instruction(&ins);
                }
                Some(Lowered::I64Mask(ins, mask)) => {
                    self.saw_float = true;
                    f.instruction(&Instruction::I64Const(mask as i64)).instruction(&ins);
                }
                _ => {
                    f.instruction(&self.instruction(op)?);
                }
            }
        }
        code.function(&f);
        Ok(())
    }
}

/// The runtime's side: its imports go after the guest's, its functions after the guest's, its
/// types after the guest's.
struct RuntimeRewriter {
    imported_funcs: u32,
    runtime_imports: u32,
    first_runtime_func: u32,
    guest_types: u32,
}

impl RuntimeRewriter {
    fn new(guest: &GuestRewriter) -> Self {
        RuntimeRewriter {
            imported_funcs: guest.imported_funcs,
            runtime_imports: guest.runtime.imports.len() as u32,
            first_runtime_func: guest.imported_funcs + guest.runtime.imports.len() as u32 + guest.defined_funcs,
            guest_types: guest.guest_types,
        }
    }

    /// Where runtime function `index` (its own index space) lands in the merged module.
    fn placed(guest: &GuestRewriter, index: u32) -> u32 {
        RuntimeRewriter::new(guest).place(index)
    }

    fn place(&self, index: u32) -> u32 {
        if index < self.runtime_imports {
            self.imported_funcs + index
        } else {
            self.first_runtime_func + index - self.runtime_imports
        }
    }
}

impl Reencode for RuntimeRewriter {
    type Error = String;

    fn function_index(&mut self, func: u32) -> Result<u32, reencode::Error<String>> {
        Ok(self.place(func))
    }

    fn type_index(&mut self, ty: u32) -> Result<u32, reencode::Error<String>> {
        Ok(self.guest_types + ty)
    }
}

/// Closes the code section after the guest's last body: the runtime's bodies follow them.
fn finish_code(module: &mut Module, code: &mut Option<(CodeSection, u32)>, placer: &mut RuntimeRewriter, rt: &Runtime) -> Result<(), String> {
    if let Some((mut section, _)) = code.take() {
        for (_, body) in &rt.functions {
            placer.parse_function_body(&mut section, body.clone()).map_err(|e| e.to_string())?;
        }
        module.section(&section);
    }
    Ok(())
}

/// Counts the guest's declarations the index shifts depend on.
fn census(wasm: &[u8]) -> Result<(u32, u32, u32), wp::BinaryReaderError> {
    let (mut types, mut imported, mut defined) = (0, 0, 0);
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(s) => types = s.count(),
            Payload::ImportSection(s) => {
                for import in s.into_imports() {
                    if matches!(import?.ty, wp::TypeRef::Func(_)) {
                        imported += 1;
                    }
                }
            }
            Payload::FunctionSection(s) => defined = s.count(),
            _ => {}
        }
    }
    Ok((types, imported, defined))
}

/// The module with floats lowered to integers and the runtime merged in, or the module
/// unchanged when it has no float at all. Expects a module that already validated.
pub fn lower_floats(wasm: &[u8]) -> Result<Cow<'_, [u8]>, EnvironError> {
    let fail = |e: String| EnvironError::unsupported(format!("soft-float lowering failed: {e}"));
    let (guest_types, imported_funcs, defined_funcs) = census(wasm).map_err(|e| fail(e.to_string()))?;
    if defined_funcs == 0 || guest_types == 0 {
        // Nothing can call the runtime; float types in imports and globals still become integers.
        return rewrite(wasm, None, guest_types, imported_funcs, defined_funcs).map_err(fail);
    }
    rewrite(wasm, Some(runtime()?), guest_types, imported_funcs, defined_funcs).map_err(fail)
}

fn rewrite<'w>(wasm: &'w [u8], runtime: Option<&Runtime>, guest_types: u32, imported_funcs: u32, defined_funcs: u32) -> Result<Cow<'w, [u8]>, String> {
    let empty = Runtime { types: vec![], imports: vec![], functions: vec![], exports: HashMap::new() };
    let rt = runtime.unwrap_or(&empty);
    let mut guest = GuestRewriter { runtime: rt, imported_funcs, defined_funcs, guest_types, saw_float: false };
    let mut placer = RuntimeRewriter::new(&guest);
    let mut module = Module::new();
    let mut imports_done = false;
    // The code section being rebuilt and how many guest bodies it still expects.
    let mut code: Option<(CodeSection, u32)> = None;
    let err = |e: reencode::Error<String>| e.to_string();

    let runtime_imports = |section: &mut ImportSection, placer: &mut RuntimeRewriter| -> Result<(), String> {
        for (name, ty) in &rt.imports {
            section.import(SOFTFLOAT_MODULE, name, EntityType::Function(placer.type_index(*ty).map_err(err)?));
        }
        Ok(())
    };

    for payload in Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| e.to_string())?;
        match payload {
            Payload::Version { .. } | Payload::End(_) => {}
            Payload::TypeSection(s) => {
                let mut types = TypeSection::new();
                guest.parse_type_section(&mut types, s).map_err(err)?;
                for ty in &rt.types {
                    types.ty().function(
                        ty.params().iter().map(|&t| placer.val_type(t)).collect::<Result<Vec<_>, _>>().map_err(err)?,
                        ty.results().iter().map(|&t| placer.val_type(t)).collect::<Result<Vec<_>, _>>().map_err(err)?,
                    );
                }
                module.section(&types);
            }
            Payload::ImportSection(s) => {
                let mut imports = ImportSection::new();
                guest.parse_import_section(&mut imports, s).map_err(err)?;
                runtime_imports(&mut imports, &mut placer)?;
                module.section(&imports);
                imports_done = true;
            }
            Payload::FunctionSection(s) => {
                if !imports_done && !rt.imports.is_empty() {
                    let mut imports = ImportSection::new();
                    runtime_imports(&mut imports, &mut placer)?;
                    module.section(&imports);
                }
                imports_done = true;
                let mut functions = FunctionSection::new();
                guest.parse_function_section(&mut functions, s).map_err(err)?;
                for (ty, _) in &rt.functions {
                    functions.function(placer.type_index(*ty).map_err(err)?);
                }
                module.section(&functions);
            }
            Payload::TableSection(s) => {
                let mut tables = wasm_encoder::TableSection::new();
                guest.parse_table_section(&mut tables, s).map_err(err)?;
                module.section(&tables);
            }
            Payload::MemorySection(s) => {
                let mut memories = wasm_encoder::MemorySection::new();
                guest.parse_memory_section(&mut memories, s).map_err(err)?;
                module.section(&memories);
            }
            Payload::GlobalSection(s) => {
                let mut globals = wasm_encoder::GlobalSection::new();
                guest.parse_global_section(&mut globals, s).map_err(err)?;
                module.section(&globals);
            }
            Payload::ExportSection(s) => {
                let mut exports = wasm_encoder::ExportSection::new();
                guest.parse_export_section(&mut exports, s).map_err(err)?;
                module.section(&exports);
            }
            Payload::StartSection { func, .. } => {
                module.section(&wasm_encoder::StartSection { function_index: guest.function_index(func).map_err(err)? });
            }
            Payload::ElementSection(s) => {
                let mut elements = wasm_encoder::ElementSection::new();
                guest.parse_element_section(&mut elements, s).map_err(err)?;
                module.section(&elements);
            }
            Payload::DataCountSection { count, .. } => {
                module.section(&wasm_encoder::DataCountSection { count });
            }
            Payload::CodeSectionStart { count, .. } => {
                code = Some((CodeSection::new(), count));
                if count == 0 {
                    finish_code(&mut module, &mut code, &mut placer, rt)?;
                }
            }
            Payload::CodeSectionEntry(body) => {
                let (section, left) = code.as_mut().ok_or("code entry outside the code section")?;
                guest.parse_function_body(section, body).map_err(err)?;
                *left -= 1;
                if *left == 0 {
                    finish_code(&mut module, &mut code, &mut placer, rt)?;
                }
            }
            Payload::DataSection(s) => {
                let mut data = wasm_encoder::DataSection::new();
                guest.parse_data_section(&mut data, s).map_err(err)?;
                module.section(&data);
            }
            Payload::CustomSection(c) => match c.as_known() {
                wp::KnownCustom::Name(names) => {
                    module.section(&guest.custom_name_section(names).map_err(err)?);
                }
                // Other custom sections (producers, debug info) mean nothing to ZisK.
                _ => {}
            },
            other => return Err(format!("unexpected section {other:?}")),
        }
    }
    if !guest.saw_float {
        return Ok(Cow::Borrowed(wasm));
    }
    Ok(Cow::Owned(module.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_is_register_only_and_exports_every_lowering() {
        let rt = runtime().expect("runtime parses");
        assert_eq!(rt.imports.len(), 2);
        for name in rt.exports.keys() {
            assert!(!name.is_empty());
        }
        for export in ["f32_add", "f64_sqrt", "i64_trunc_f64_u", "f32_demote_f64", "f64_convert_i64_u", "f64_copysign"] {
            assert!(rt.exports.contains_key(export), "{export}");
        }
    }

    #[test]
    fn integer_modules_pass_through_unchanged() {
        let wasm = wat::parse_str("(module (func (export \"f\") (result i32) i32.const 1))").unwrap();
        assert!(matches!(lower_floats(&wasm).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn float_modules_become_valid_integer_modules() {
        let wasm = wat::parse_str(
            r#"(module
                 (global $g (mut f64) (f64.const 1.5))
                 (memory 1)
                 (func $h (export "h") (param f32) (result f32) (f32.neg (local.get 0)))
                 (func (export "f") (param f64 f64) (result f64)
                   (f64.store (i32.const 8) (f64.add (local.get 0) (global.get $g)))
                   (f64.mul (f64.load (i32.const 8)) (f64.promote_f32 (call $h (f32.demote_f64 (local.get 1)))))))"#,
        )
        .unwrap();
        let lowered = lower_floats(&wasm).unwrap().into_owned();
        let mut validator = wp::Validator::new();
        validator.validate_all(&lowered).expect("lowered module validates");
        for payload in Parser::new(0).parse_all(&lowered) {
            if let Payload::CodeSectionEntry(body) = payload.unwrap() {
                let mut ops = body.get_operators_reader().unwrap();
                while !ops.eof() {
                    let op = format!("{:?}", ops.read().unwrap());
                    assert!(!op.starts_with("F32") && !op.starts_with("F64"), "{op} left");
                }
            }
        }
    }
}
