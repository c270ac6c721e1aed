//! Collects a module's declarations ([`ModuleInfo`]) and its function bodies for translation.

use cranelift_wasm::wasmparser::{self, FuncValidator, FunctionBody, ValidatorResources};
use cranelift_wasm::{
    ConstExpr, ConstOp, DataIndex, ElemIndex, EngineOrModuleTypeIndex, FuncIndex, Global,
    GlobalIndex, Memory, MemoryIndex, ModuleEnvironment, ModuleInternedTypeIndex, Table,
    TableIndex, TypeConvert, TypeIndex, WasmError, WasmFuncType, WasmHeapType, WasmResult,
};
use cranelift_entity::EntityRef;

use crate::link::Definition;
use crate::memory_map::{MAX_GLOBALS, MAX_MEMORY_PAGES, MAX_TABLE_ENTRIES};
use crate::module::*;

/// A function body awaiting translation.
pub struct PendingBody<'data> {
    pub validator: FuncValidator<ValidatorResources>,
    pub body: FunctionBody<'data>,
}

pub struct ModuleEnv<'data> {
    pub info: ModuleInfo,
    pub bodies: Vec<PendingBody<'data>>,
    /// The host's definitions of the imported memories, tables and globals, in import order
    /// (see [`crate::link`]); each import declaration takes the next.
    hosted: std::vec::IntoIter<Definition>,
    /// The whole offset expressions of the active element and data segments, in order:
    /// cranelift-wasm 0.112 reads only an offset's first operator, which an extended constant
    /// (`(i32.add (global.get 0) (i32.const 2))`) has more of.
    element_offsets: std::vec::IntoIter<ConstExpr>,
    data_offsets: std::vec::IntoIter<ConstExpr>,
}

/// The offset expressions of `wasm`'s active element and data segments, in section order.
pub fn segment_offsets(wasm: &[u8]) -> WasmResult<(Vec<ConstExpr>, Vec<ConstExpr>)> {
    use wasmparser::{DataKind, ElementKind, Parser, Payload};
    let (mut elements, mut data) = (Vec::new(), Vec::new());
    let convert = |expr: &wasmparser::ConstExpr| ConstExpr::from_wasmparser(expr.clone()).map(|(e, _)| e);
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::ElementSection(section) => {
                for element in section {
                    if let ElementKind::Active { offset_expr, .. } = element?.kind {
                        elements.push(convert(&offset_expr)?);
                    }
                }
            }
            Payload::DataSection(section) => {
                for segment in section {
                    if let DataKind::Active { offset_expr, .. } = segment?.kind {
                        data.push(convert(&offset_expr)?);
                    }
                }
            }
            _ => {}
        }
    }
    Ok((elements, data))
}

fn unsupported<T>(what: impl Into<String>) -> WasmResult<T> {
    Err(WasmError::Unsupported(what.into()))
}

impl ModuleEnv<'_> {
    pub fn new(hosted: Vec<Definition>, (element_offsets, data_offsets): (Vec<ConstExpr>, Vec<ConstExpr>)) -> Self {
        ModuleEnv {
            info: ModuleInfo::default(),
            bodies: Vec::new(),
            hosted: hosted.into_iter(),
            element_offsets: element_offsets.into_iter(),
            data_offsets: data_offsets.into_iter(),
        }
    }

    /// The next active segment's offset, evaluated whole (see `element_offsets`).
    fn segment_offset(&mut self, element: bool) -> WasmResult<u64> {
        let expr = if element { self.element_offsets.next() } else { self.data_offsets.next() };
        let expr = expr.ok_or_else(|| WasmError::User("more active segments than the module declares".into()))?;
        match self.eval_const(&expr)? {
            GlobalInit::Bits(bits) => Ok(bits),
            GlobalInit::FuncRef(_) => unsupported("a reference as a segment offset"),
        }
    }

    /// The host's definition for the import being declared (resolved in the same order).
    fn next_hosted(&mut self, module: &str, field: &str) -> WasmResult<Definition> {
        self.hosted.next().ok_or_else(|| WasmError::User(format!("import {module}.{field} was not resolved")))
    }

    /// Evaluates a constant expression (offsets, global initialisers) at compile time.
    fn eval_const(&self, expr: &ConstExpr) -> WasmResult<GlobalInit> {
        let mut stack: Vec<u64> = Vec::new();
        for op in expr.ops() {
            let value = match *op {
                ConstOp::I32Const(v) => v as u32 as u64,
                ConstOp::I64Const(v) => v as u64,
                ConstOp::F32Const(bits) => bits as u64,
                ConstOp::F64Const(bits) => bits,
                ConstOp::RefNull if expr.ops().len() == 1 => return Ok(GlobalInit::FuncRef(None)),
                ConstOp::RefFunc(f) if expr.ops().len() == 1 => {
                    return Ok(GlobalInit::FuncRef(Some(f)))
                }
                ConstOp::GlobalGet(g) => match self.info.globals.get(g.index()).map(|g| g.init) {
                    Some(GlobalInit::Bits(bits)) => bits,
                    _ => return unsupported(format!("constant expression reading global {}", g.index())),
                },
                ConstOp::I32Add | ConstOp::I32Sub | ConstOp::I32Mul | ConstOp::I64Add
                | ConstOp::I64Sub | ConstOp::I64Mul => {
                    let (Some(b), Some(a)) = (stack.pop(), stack.pop()) else {
                        return unsupported("malformed constant expression");
                    };
                    match op {
                        ConstOp::I32Add => (a as u32).wrapping_add(b as u32) as u64,
                        ConstOp::I32Sub => (a as u32).wrapping_sub(b as u32) as u64,
                        ConstOp::I32Mul => (a as u32).wrapping_mul(b as u32) as u64,
                        ConstOp::I64Add => a.wrapping_add(b),
                        ConstOp::I64Sub => a.wrapping_sub(b),
                        _ => a.wrapping_mul(b),
                    }
                }
                ref other => return unsupported(format!("constant expression operator {other:?}")),
            };
            stack.push(value);
        }
        match stack.as_slice() {
            [v] => Ok(GlobalInit::Bits(*v)),
            _ => unsupported("malformed constant expression"),
        }
    }

    /// Whether one more global of this type fits.
    fn check_global(&self, global: &Global) -> WasmResult<()> {
        if self.info.globals.len() as u64 >= MAX_GLOBALS {
            return Err(WasmError::User(format!("more than {MAX_GLOBALS} globals")));
        }
        if matches!(global.wasm_ty, cranelift_wasm::WasmValType::V128) {
            return unsupported("a v128 global (SIMD)");
        }
        Ok(())
    }

    fn note_escaping(&mut self, f: FuncIndex) {
        // `ref.null` entries arrive as the reserved index.
        if f.as_u32() != u32::MAX && !self.info.escaping_functions.contains(&f) {
            self.info.escaping_functions.push(f);
        }
    }
}

impl TypeConvert for ModuleEnv<'_> {
    fn lookup_heap_type(&self, index: wasmparser::UnpackedIndex) -> WasmHeapType {
        WasmHeapType::ConcreteFunc(self.lookup_type_index(index))
    }

    fn lookup_type_index(&self, index: wasmparser::UnpackedIndex) -> EngineOrModuleTypeIndex {
        let index = index.as_module_index().unwrap_or(0);
        EngineOrModuleTypeIndex::Module(ModuleInternedTypeIndex::new(index as usize))
    }
}

impl<'data> ModuleEnvironment<'data> for ModuleEnv<'data> {
    fn declare_type_func(&mut self, ty: WasmFuncType) -> WasmResult<()> {
        let id = self
            .info
            .types
            .iter()
            .position(|t| t.params() == ty.params() && t.returns() == ty.returns())
            .map_or(self.info.types.len(), |i| self.info.signature_ids[i] as usize);
        self.info.types.push(ty);
        self.info.signature_ids.push(id as u64);
        Ok(())
    }

    fn type_to_signature(&self, index: TypeIndex) -> WasmResult<ModuleInternedTypeIndex> {
        Ok(ModuleInternedTypeIndex::new(index.index()))
    }

    fn declare_func_import(&mut self, index: TypeIndex, module: &'data str, field: &'data str) -> WasmResult<()> {
        let import = Some(ImportName { module: module.into(), field: field.into() });
        self.info.functions.push(FuncDecl { type_index: index, import, name: None });
        self.info.num_imported_funcs += 1;
        Ok(())
    }

    // An imported memory, table or global is declared as a defined one with the host's
    // limits or value: it lives where a defined one would, under the same ZisK limits.

    fn declare_table_import(&mut self, table: Table, module: &'data str, field: &'data str) -> WasmResult<()> {
        let Definition::Table(host) = self.next_hosted(module, field)? else {
            return Err(WasmError::User(format!("import {module}.{field} was resolved as another kind")));
        };
        let minimum = u32::try_from(host.min).map_err(|_| WasmError::User(format!("the host's table {module}.{field} is too large")))?;
        let maximum = host.max.map(|m| u32::try_from(m).unwrap_or(u32::MAX));
        self.declare_table(Table { minimum, maximum, ..table })
    }

    fn declare_memory_import(&mut self, memory: Memory, module: &'data str, field: &'data str) -> WasmResult<()> {
        let Definition::Memory(host) = self.next_hosted(module, field)? else {
            return Err(WasmError::User(format!("import {module}.{field} was resolved as another kind")));
        };
        self.declare_memory(Memory { minimum: host.min, maximum: host.max, ..memory })
    }

    fn declare_global_import(&mut self, global: Global, module: &'data str, field: &'data str) -> WasmResult<()> {
        let Definition::Global(host) = self.next_hosted(module, field)? else {
            return Err(WasmError::User(format!("import {module}.{field} was resolved as another kind")));
        };
        self.check_global(&global)?;
        // `global` has the lowered type (an f32 is its i32 bits), as a defined one would.
        let init = match host.ty.ty {
            cranelift_wasm::WasmValType::Ref(_) => GlobalInit::FuncRef(None),
            _ => GlobalInit::Bits(host.bits),
        };
        self.info.globals.push(GlobalDecl { ty: global.wasm_ty, mutable: global.mutability, init });
        Ok(())
    }

    fn declare_func_type(&mut self, index: TypeIndex) -> WasmResult<()> {
        self.info.functions.push(FuncDecl { type_index: index, import: None, name: None });
        Ok(())
    }

    fn declare_table(&mut self, table: Table) -> WasmResult<()> {
        if !table.wasm_ty.heap_type.is_vmgcref_type() && !matches!(table.wasm_ty.heap_type, WasmHeapType::Func) {
            return unsupported(format!("a table of {}", table.wasm_ty));
        }
        if !matches!(table.wasm_ty.heap_type, WasmHeapType::Func) {
            return unsupported(format!("a table of {} (only funcref tables)", table.wasm_ty));
        }
        let used: u64 = self.info.tables.iter().map(|t| t.max.unwrap_or(t.min).max(t.min)).sum();
        let size = table.maximum.unwrap_or(table.minimum).max(table.minimum) as u64;
        if used + size > MAX_TABLE_ENTRIES {
            return Err(WasmError::User(format!("tables need {} entries; ZisK layout holds {MAX_TABLE_ENTRIES}", used + size)));
        }
        self.info.tables.push(TableDecl { min: table.minimum as u64, max: table.maximum.map(u64::from) });
        Ok(())
    }

    fn declare_memory(&mut self, memory: Memory) -> WasmResult<()> {
        if memory.shared {
            return unsupported("shared memory (threads proposal)");
        }
        if memory.memory64 {
            return unsupported("64-bit memory (memory64 proposal)");
        }
        if memory.page_size_log2 != 16 {
            return unsupported("custom page sizes");
        }
        if self.info.memory.is_some() {
            return unsupported("more than one memory (multi-memory proposal)");
        }
        if memory.minimum > MAX_MEMORY_PAGES {
            return Err(WasmError::User(format!(
                "memory needs {} pages at start; ZisK RAM holds {MAX_MEMORY_PAGES}",
                memory.minimum
            )));
        }
        let max_pages = memory.maximum.unwrap_or(u64::MAX).min(MAX_MEMORY_PAGES);
        self.info.memory = Some(MemoryDecl { min_pages: memory.minimum, max_pages });
        Ok(())
    }

    fn declare_global(&mut self, global: Global, init: ConstExpr) -> WasmResult<()> {
        self.check_global(&global)?;
        let init = self.eval_const(&init)?;
        if let GlobalInit::FuncRef(Some(f)) = init {
            self.note_escaping(f);
        }
        self.info.globals.push(GlobalDecl { ty: global.wasm_ty, mutable: global.mutability, init });
        Ok(())
    }

    fn declare_func_export(&mut self, func_index: FuncIndex, name: &'data str) -> WasmResult<()> {
        self.info.exports.push((name.into(), Export::Func(func_index)));
        Ok(())
    }

    fn declare_table_export(&mut self, index: TableIndex, name: &'data str) -> WasmResult<()> {
        self.info.exports.push((name.into(), Export::Table(index.as_u32())));
        Ok(())
    }

    fn declare_memory_export(&mut self, index: MemoryIndex, name: &'data str) -> WasmResult<()> {
        self.info.exports.push((name.into(), Export::Memory(index.as_u32())));
        Ok(())
    }

    fn declare_global_export(&mut self, index: GlobalIndex, name: &'data str) -> WasmResult<()> {
        self.info.exports.push((name.into(), Export::Global(index)));
        Ok(())
    }

    fn declare_start_func(&mut self, index: FuncIndex) -> WasmResult<()> {
        self.info.start = Some(index);
        Ok(())
    }

    fn declare_table_elements(
        &mut self,
        table: TableIndex,
        // cranelift-wasm's reading of the offset: its first operator only (see
        // `element_offsets`).
        _base: Option<GlobalIndex>,
        _offset: u32,
        elements: Box<[FuncIndex]>,
    ) -> WasmResult<()> {
        let offset = self.segment_offset(true)? as u32 as u64;
        for &f in elements.iter() {
            self.note_escaping(f);
        }
        let elements = elements.iter().map(|&f| (f.as_u32() != u32::MAX).then_some(f)).collect();
        self.info.element_segments.push(ElementSegment { table: table.as_u32(), offset, elements });
        Ok(())
    }

    fn declare_passive_element(&mut self, index: ElemIndex, elements: Box<[FuncIndex]>) -> WasmResult<()> {
        for &f in elements.iter() {
            self.note_escaping(f);
        }
        let elements = elements.iter().map(|&f| (f.as_u32() != u32::MAX).then_some(f)).collect();
        self.info.passive_elements.push((index.as_u32(), elements));
        Ok(())
    }

    fn declare_elements(&mut self, elements: Box<[FuncIndex]>) -> WasmResult<()> {
        for &f in elements.iter() {
            self.note_escaping(f);
        }
        Ok(())
    }

    fn declare_passive_data(&mut self, index: DataIndex, data: &'data [u8]) -> WasmResult<()> {
        self.info.passive_data.push((index.as_u32(), data.to_vec()));
        Ok(())
    }

    fn define_function_body(
        &mut self,
        validator: FuncValidator<ValidatorResources>,
        body: FunctionBody<'data>,
    ) -> WasmResult<()> {
        self.bodies.push(PendingBody { validator, body });
        Ok(())
    }

    fn declare_data_initialization(
        &mut self,
        _memory: MemoryIndex,
        _base: Option<GlobalIndex>,
        _offset: u64,
        data: &'data [u8],
    ) -> WasmResult<()> {
        let offset = self.segment_offset(false)? as u32 as u64;
        self.info.data_segments.push(DataSegment { offset, bytes: data.to_vec() });
        Ok(())
    }

    /// cranelift-wasm 0.112 hands custom sections over unparsed; the `name` section gives
    /// functions their names in listings, symbol tables and profiles. A malformed one is
    /// ignored, as the spec has custom sections be.
    fn custom_section(&mut self, name: &'data str, data: &'data [u8]) -> WasmResult<()> {
        if name != "name" {
            return Ok(());
        }
        let reader = wasmparser::NameSectionReader::new(wasmparser::BinaryReader::new(data, 0));
        for subsection in reader {
            let Ok(wasmparser::Name::Function(map)) = subsection else { continue };
            for naming in map.into_iter().flatten() {
                self.declare_func_name(FuncIndex::from_u32(naming.index), naming.name);
            }
        }
        Ok(())
    }

    fn declare_func_name(&mut self, func_index: FuncIndex, name: &'data str) {
        if let Some(f) = self.info.functions.get_mut(func_index.index()) {
            f.name = Some(name.to_string());
        }
    }

    fn wasm_features(&self) -> wasmparser::WasmFeatures {
        crate::supported_features()
    }
}
