//! The per-function environment: how WebAssembly's globals, memory, tables and calls become
//! CLIF on ZisK's fixed memory map (see [`crate::memory_map`]).

use cranelift_codegen::cursor::{Cursor, FuncCursor};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64, Imm64, Offset32};
use cranelift_codegen::ir::types::{F32, F64, I32, I64};
use cranelift_codegen::ir::{self, AbiParam, GlobalValueData, InstBuilder, MemFlags, TrapCode, Type, Value};
use cranelift_codegen::isa::{CallConv, TargetFrontendConfig};
use cranelift_entity::{EntityRef, PrimaryMap};
use cranelift_frontend::FunctionBuilder;
use cranelift_wasm::wasmparser;
use cranelift_wasm::{
    EngineOrModuleTypeIndex, FuncEnvironment, FuncIndex, GlobalIndex, GlobalVariable, Heap,
    HeapData, HeapStyle, MemoryIndex, ModuleInternedTypeIndex, TableIndex, TargetEnvironment,
    TypeConvert, TypeIndex, WasmError, WasmFuncType, WasmHeapType, WasmResult, WasmValType,
};

use crate::builtins::Builtin;
use crate::inline_bulk;
use crate::wide_multiply;
use crate::memory_map::*;
use crate::module::{GlobalInit, ModuleInfo};
use crate::names::{user_name, DataSymbol, NS_DATA, NS_WASM_FUNC};
use crate::BoundsChecks;

pub struct FuncEnv<'m> {
    module: &'m ModuleInfo,
    bounds_checks: BoundsChecks,
    heaps: PrimaryMap<Heap, HeapData>,
}

impl<'m> FuncEnv<'m> {
    pub fn new(module: &'m ModuleInfo, bounds_checks: BoundsChecks) -> Self {
        FuncEnv { module, bounds_checks, heaps: PrimaryMap::new() }
    }
}

/// The CLIF type of a WebAssembly value type.
pub fn clif_type(ty: &WasmValType) -> WasmResult<Type> {
    Ok(match ty {
        WasmValType::I32 => I32,
        WasmValType::I64 => I64,
        WasmValType::F32 => F32,
        WasmValType::F64 => F64,
        WasmValType::V128 => return Err(WasmError::Unsupported("v128 values (SIMD)".into())),
        WasmValType::Ref(_) => I64,
    })
}

/// The CLIF signature of a WebAssembly function type.
pub fn wasm_signature(ty: &WasmFuncType) -> WasmResult<ir::Signature> {
    let mut sig = ir::Signature::new(CallConv::Fast);
    for p in ty.params() {
        sig.params.push(AbiParam::new(clif_type(p)?));
    }
    for r in ty.returns() {
        sig.returns.push(AbiParam::new(clif_type(r)?));
    }
    Ok(sig)
}

fn unsupported<T>(what: &str) -> WasmResult<T> {
    Err(WasmError::Unsupported(what.into()))
}

fn abs(pos: &mut FuncCursor, addr: u64) -> Value {
    pos.ins().iconst(I64, addr as i64)
}

impl FuncEnv<'_> {
    fn table_base(&self, table: u32) -> u64 {
        let before: u64 = self.module.tables[..table as usize].iter().map(|t| t.min).sum();
        TABLES_ADDR + TABLE_ENTRY_BYTES * before
    }

    fn table_len(&self, table: u32) -> u64 {
        self.module.tables[table as usize].min
    }

    fn data_symbol(&self, func: &mut ir::Function, symbol: DataSymbol) -> ir::GlobalValue {
        let name = user_name(func, NS_DATA, symbol as u32);
        func.create_global_value(GlobalValueData::Symbol { name, offset: Imm64::new(0), colocated: true, tls: false })
    }

    fn call_builtin(&self, pos: &mut FuncCursor, builtin: Builtin, args: &[Value]) -> ir::Inst {
        let callee = builtin.import_into(pos.func);
        pos.ins().call(callee, args)
    }
}

impl TypeConvert for FuncEnv<'_> {
    fn lookup_heap_type(&self, index: wasmparser::UnpackedIndex) -> WasmHeapType {
        WasmHeapType::ConcreteFunc(self.lookup_type_index(index))
    }

    fn lookup_type_index(&self, index: wasmparser::UnpackedIndex) -> EngineOrModuleTypeIndex {
        let index = index.as_module_index().unwrap_or(0);
        EngineOrModuleTypeIndex::Module(ModuleInternedTypeIndex::new(index as usize))
    }
}

impl TargetEnvironment for FuncEnv<'_> {
    fn target_config(&self) -> TargetFrontendConfig {
        TargetFrontendConfig {
            default_call_conv: CallConv::Fast,
            pointer_width: target_lexicon::PointerWidth::U64,
            page_size_align_log2: 16,
        }
    }

    fn heap_access_spectre_mitigation(&self) -> bool {
        false
    }

    fn proof_carrying_code(&self) -> bool {
        false
    }

    fn reference_type(&self, _ty: WasmHeapType) -> (Type, bool) {
        (I64, false)
    }
}

impl FuncEnvironment for FuncEnv<'_> {
    fn param_needs_stack_map(&self, _: &ir::Signature, _: usize) -> bool {
        false
    }

    fn sig_ref_result_needs_stack_map(&self, _: ir::SigRef, _: usize) -> bool {
        false
    }

    fn func_ref_result_needs_stack_map(&self, _: &ir::Function, _: ir::FuncRef, _: usize) -> bool {
        false
    }

    fn make_global(&mut self, func: &mut ir::Function, index: GlobalIndex) -> WasmResult<GlobalVariable> {
        let global = &self.module.globals[index.index()];
        if global.mutable {
            return Ok(GlobalVariable::Custom);
        }
        // Immutable globals are constants the optimizer can fold.
        let mut pos = FuncCursor::new(func);
        let entry = pos.func.layout.entry_block().expect("entry block exists");
        pos.goto_first_insertion_point(entry);
        let value = match (global.ty, global.init) {
            (WasmValType::I32, GlobalInit::Bits(b)) => pos.ins().iconst(I32, b as u32 as i64),
            (WasmValType::I64, GlobalInit::Bits(b)) => pos.ins().iconst(I64, b as i64),
            (WasmValType::F32, GlobalInit::Bits(b)) => pos.ins().f32const(Ieee32::with_bits(b as u32)),
            (WasmValType::F64, GlobalInit::Bits(b)) => pos.ins().f64const(Ieee64::with_bits(b)),
            _ => return Ok(GlobalVariable::Custom),
        };
        Ok(GlobalVariable::Const(value))
    }

    fn heaps(&self) -> &PrimaryMap<Heap, HeapData> {
        &self.heaps
    }

    fn make_heap(&mut self, func: &mut ir::Function, index: MemoryIndex) -> WasmResult<Heap> {
        if index.index() != 0 {
            return unsupported("more than one memory");
        }
        let memory = self.module.memory.clone().ok_or_else(|| WasmError::User("no memory declared".into()))?;
        let base = self.data_symbol(func, DataSymbol::LinearMemory);
        let min_size = memory.min_pages * WASM_PAGE_SIZE;
        let max_size = memory.max_pages * WASM_PAGE_SIZE;
        let (style, offset_guard_size) = match self.bounds_checks {
            // A memory that cannot grow has a constant bound: one compare, no load.
            BoundsChecks::Checked if memory.min_pages == memory.max_pages => {
                (HeapStyle::Static { bound: min_size }, 0)
            }
            BoundsChecks::Checked => {
                let instance = self.data_symbol(func, DataSymbol::Instance);
                let bound_gv = func.create_global_value(GlobalValueData::Load {
                    base: instance,
                    offset: Offset32::new((MEMORY_BOUND_ADDR - INSTANCE_ADDR) as i32),
                    global_type: I64,
                    flags: MemFlags::trusted(),
                });
                (HeapStyle::Dynamic { bound_gv }, 0)
            }
            // Opt-in, documented: no checks at all; an out-of-bounds access is undefined.
            BoundsChecks::Unchecked => (HeapStyle::Static { bound: 1 << 32 }, 1 << 32),
        };
        Ok(self.heaps.push(HeapData {
            base,
            min_size,
            max_size: Some(max_size),
            offset_guard_size,
            style,
            index_type: I32,
            memory_type: None,
            page_size_log2: 16,
        }))
    }

    fn make_indirect_sig(&mut self, func: &mut ir::Function, index: TypeIndex) -> WasmResult<ir::SigRef> {
        let sig = wasm_signature(&self.module.types[index.index()])?;
        Ok(func.import_signature(sig))
    }

    fn make_direct_func(&mut self, func: &mut ir::Function, index: FuncIndex) -> WasmResult<ir::FuncRef> {
        let sig = wasm_signature(self.module.func_type(index))?;
        let signature = func.import_signature(sig);
        let name = user_name(func, NS_WASM_FUNC, index.as_u32());
        Ok(func.import_function(ir::ExtFuncData { name, signature, colocated: true }))
    }

    fn translate_call(&mut self, builder: &mut FunctionBuilder, index: FuncIndex, callee: ir::FuncRef, args: &[Value]) -> WasmResult<ir::Inst> {
        if wide_multiply::is_multi3(self.module, index) {
            return Ok(wide_multiply::multiply_inline(&mut builder.cursor(), args, self.bounds_checks));
        }
        Ok(builder.ins().call(callee, args))
    }

    fn translate_call_indirect(
        &mut self,
        builder: &mut FunctionBuilder,
        table_index: TableIndex,
        sig_index: TypeIndex,
        sig_ref: ir::SigRef,
        callee: Value,
        call_args: &[Value],
    ) -> WasmResult<Option<ir::Inst>> {
        let table = table_index.as_u32();
        let len = self.table_len(table);
        let index = builder.ins().uextend(I64, callee);
        let out = builder.ins().icmp_imm(IntCC::UnsignedGreaterThanOrEqual, index, len as i64);
        builder.ins().trapnz(out, TrapCode::TableOutOfBounds);
        let offset = builder.ins().ishl_imm(index, 4);
        let entry = builder.ins().iadd_imm(offset, self.table_base(table) as i64);
        let flags = MemFlags::trusted();
        let sig_id = builder.ins().load(I64, flags, entry, 8);
        let expected = self.module.signature_ids[sig_index.index()];
        let mismatch = builder.ins().icmp_imm(IntCC::NotEqual, sig_id, expected as i64);
        // Out of line: a null slot traps as such, anything else as a signature mismatch.
        let (bad, good) = (builder.create_block(), builder.create_block());
        builder.ins().brif(mismatch, bad, &[], good, &[]);
        builder.set_cold_block(bad);
        builder.switch_to_block(bad);
        builder.seal_block(bad);
        let null = builder.ins().icmp_imm(IntCC::Equal, sig_id, NULL_SIGNATURE as i64);
        builder.ins().trapnz(null, TrapCode::IndirectCallToNull);
        builder.ins().trap(TrapCode::BadSignature);
        builder.switch_to_block(good);
        builder.seal_block(good);
        let code = builder.ins().load(I64, flags, entry, 0);
        Ok(Some(builder.ins().call_indirect(sig_ref, code, call_args)))
    }

    fn translate_return_call_indirect(
        &mut self,
        _: &mut FunctionBuilder,
        _: TableIndex,
        _: TypeIndex,
        _: ir::SigRef,
        _: Value,
        _: &[Value],
    ) -> WasmResult<()> {
        unsupported("return_call_indirect (tail-call proposal)")
    }

    fn translate_return_call(&mut self, _: &mut FunctionBuilder, _: FuncIndex, _: ir::FuncRef, _: &[Value]) -> WasmResult<()> {
        unsupported("return_call (tail-call proposal)")
    }

    fn translate_return_call_ref(&mut self, _: &mut FunctionBuilder, _: ir::SigRef, _: Value, _: &[Value]) -> WasmResult<()> {
        unsupported("return_call_ref (function-references proposal)")
    }

    fn translate_call_ref(&mut self, _: &mut FunctionBuilder, _: ir::SigRef, _: Value, _: &[Value]) -> WasmResult<ir::Inst> {
        unsupported("call_ref (function-references proposal)")
    }

    fn translate_memory_grow(&mut self, mut pos: FuncCursor, _: MemoryIndex, _: Heap, val: Value) -> WasmResult<Value> {
        let call = self.call_builtin(&mut pos, Builtin::MemoryGrow, &[val]);
        Ok(pos.func.dfg.first_result(call))
    }

    fn translate_memory_size(&mut self, mut pos: FuncCursor, _: MemoryIndex, _: Heap) -> WasmResult<Value> {
        let addr = abs(&mut pos, MEMORY_PAGES_ADDR);
        Ok(pos.ins().load(I32, MemFlags::trusted(), addr, 0))
    }

    fn translate_memory_copy(
        &mut self,
        mut pos: FuncCursor,
        _: MemoryIndex,
        _: Heap,
        _: MemoryIndex,
        _: Heap,
        dst: Value,
        src: Value,
        len: Value,
    ) -> WasmResult<()> {
        match inline_bulk::constant(&pos, len) {
            Some(n) if n <= inline_bulk::MAX_INLINE_COPY => inline_bulk::copy(&mut pos, dst, src, n, self.bounds_checks),
            _ => inline_bulk::dma_copy(&mut pos, dst, src, len, self.bounds_checks),
        }
        Ok(())
    }

    fn translate_memory_fill(&mut self, mut pos: FuncCursor, _: MemoryIndex, _: Heap, dst: Value, val: Value, len: Value) -> WasmResult<()> {
        match inline_bulk::constant(&pos, len) {
            Some(n) if n <= inline_bulk::MAX_INLINE_FILL => inline_bulk::fill(&mut pos, dst, val, n, self.bounds_checks),
            _ if inline_bulk::constant(&pos, val).is_some_and(|v| v & 0xff == 0) => {
                inline_bulk::dma_fill_zero(&mut pos, dst, len, self.bounds_checks)
            }
            _ => {
                self.call_builtin(&mut pos, Builtin::MemoryFill, &[dst, val, len]);
            }
        }
        Ok(())
    }

    fn translate_memory_init(
        &mut self,
        mut pos: FuncCursor,
        _: MemoryIndex,
        _: Heap,
        seg_index: u32,
        dst: Value,
        src: Value,
        len: Value,
    ) -> WasmResult<()> {
        let seg = pos.ins().iconst(I32, seg_index as i64);
        self.call_builtin(&mut pos, Builtin::MemoryInit, &[seg, dst, src, len]);
        Ok(())
    }

    fn translate_data_drop(&mut self, mut pos: FuncCursor, seg_index: u32) -> WasmResult<()> {
        let addr = abs(&mut pos, DATA_DESCRIPTORS_ADDR + 16 * seg_index as u64 + 8);
        let zero = pos.ins().iconst(I64, 0);
        pos.ins().store(MemFlags::trusted(), zero, addr, 0);
        Ok(())
    }

    fn translate_table_size(&mut self, mut pos: FuncCursor, index: TableIndex) -> WasmResult<Value> {
        Ok(pos.ins().iconst(I32, self.table_len(index.as_u32()) as i64))
    }

    fn translate_table_grow(&mut self, _: FuncCursor, _: TableIndex, _: Value, _: Value) -> WasmResult<Value> {
        unsupported("table.grow (reference-types proposal)")
    }

    fn translate_table_get(&mut self, _: &mut FunctionBuilder, _: TableIndex, _: Value) -> WasmResult<Value> {
        unsupported("table.get (reference-types proposal)")
    }

    fn translate_table_set(&mut self, _: &mut FunctionBuilder, _: TableIndex, _: Value, _: Value) -> WasmResult<()> {
        unsupported("table.set (reference-types proposal)")
    }

    fn translate_table_copy(
        &mut self,
        mut pos: FuncCursor,
        dst_table: TableIndex,
        src_table: TableIndex,
        dst: Value,
        src: Value,
        len: Value,
    ) -> WasmResult<()> {
        let (dt, st) = (dst_table.as_u32(), src_table.as_u32());
        let dst_base = pos.ins().iconst(I64, self.table_base(dt) as i64);
        let dst_len = pos.ins().iconst(I64, self.table_len(dt) as i64);
        let src_base = pos.ins().iconst(I64, self.table_base(st) as i64);
        let src_len = pos.ins().iconst(I64, self.table_len(st) as i64);
        self.call_builtin(&mut pos, Builtin::TableCopy, &[dst_base, dst_len, src_base, src_len, dst, src, len]);
        Ok(())
    }

    fn translate_table_fill(&mut self, _: FuncCursor, _: TableIndex, _: Value, _: Value, _: Value) -> WasmResult<()> {
        unsupported("table.fill (reference-types proposal)")
    }

    fn translate_table_init(
        &mut self,
        mut pos: FuncCursor,
        seg_index: u32,
        table_index: TableIndex,
        dst: Value,
        src: Value,
        len: Value,
    ) -> WasmResult<()> {
        let t = table_index.as_u32();
        let seg = pos.ins().iconst(I32, seg_index as i64);
        let base = pos.ins().iconst(I64, self.table_base(t) as i64);
        let tlen = pos.ins().iconst(I64, self.table_len(t) as i64);
        self.call_builtin(&mut pos, Builtin::TableInit, &[seg, base, tlen, dst, src, len]);
        Ok(())
    }

    fn translate_elem_drop(&mut self, mut pos: FuncCursor, seg_index: u32) -> WasmResult<()> {
        let addr = abs(&mut pos, ELEM_DESCRIPTORS_ADDR + 16 * seg_index as u64 + 8);
        let zero = pos.ins().iconst(I64, 0);
        pos.ins().store(MemFlags::trusted(), zero, addr, 0);
        Ok(())
    }

    fn translate_ref_null(&mut self, mut pos: FuncCursor, _: WasmHeapType) -> WasmResult<Value> {
        Ok(pos.ins().iconst(I64, 0))
    }

    fn translate_ref_is_null(&mut self, mut pos: FuncCursor, value: Value) -> WasmResult<Value> {
        let is_null = pos.ins().icmp_imm(IntCC::Equal, value, 0);
        Ok(pos.ins().uextend(I32, is_null))
    }

    fn translate_ref_func(&mut self, _: FuncCursor, _: FuncIndex) -> WasmResult<Value> {
        unsupported("ref.func (reference-types proposal)")
    }

    fn translate_custom_global_get(&mut self, builder: &mut FunctionBuilder, index: GlobalIndex) -> WasmResult<Value> {
        let ty = clif_type(&self.module.globals[index.index()].ty)?;
        let addr = builder.ins().iconst(I64, global_addr(index.as_u32()) as i64);
        if ty == I32 {
            // Every global has an 8-aligned 8-byte slot. ZisK bills a 4-byte read as unaligned
            // (111) and an aligned 8-byte one at 11; the upper half is dropped for free.
            let word = builder.ins().load(I64, MemFlags::trusted(), addr, 0);
            return Ok(builder.ins().ireduce(I32, word));
        }
        Ok(builder.ins().load(ty, MemFlags::trusted(), addr, 0))
    }

    fn translate_custom_global_set(&mut self, builder: &mut FunctionBuilder, index: GlobalIndex, val: Value) -> WasmResult<()> {
        let addr = builder.ins().iconst(I64, global_addr(index.as_u32()) as i64);
        builder.ins().store(MemFlags::trusted(), val, addr, 0);
        Ok(())
    }

    fn translate_atomic_wait(&mut self, _: FuncCursor, _: MemoryIndex, _: Heap, _: Value, _: Value, _: Value) -> WasmResult<Value> {
        unsupported("memory.atomic.wait (threads proposal)")
    }

    fn translate_atomic_notify(&mut self, _: FuncCursor, _: MemoryIndex, _: Heap, _: Value, _: Value) -> WasmResult<Value> {
        unsupported("memory.atomic.notify (threads proposal)")
    }

    fn translate_ref_i31(&mut self, _: FuncCursor, _: Value) -> WasmResult<Value> {
        unsupported("ref.i31 (GC proposal)")
    }

    fn translate_i31_get_s(&mut self, _: FuncCursor, _: Value) -> WasmResult<Value> {
        unsupported("i31.get_s (GC proposal)")
    }

    fn translate_i31_get_u(&mut self, _: FuncCursor, _: Value) -> WasmResult<Value> {
        unsupported("i31.get_u (GC proposal)")
    }
}
