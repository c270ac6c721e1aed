//! Helpers for writing shim functions with Cranelift's `FunctionBuilder`.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64};
use cranelift_codegen::ir::{self, Block, FuncRef, InstBuilder, MemFlags, Value};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use zisk_wasm_environ::builtins::load_abs;
use zisk_wasm_environ::memory_map::{LINEAR_MEMORY_ADDR, MEMORY_BOUND_ADDR};
use zisk_wasm_environ::names::{Intrinsic, NS_WASM_FUNC};
use zisk_wasm_environ::{wasm_signature, WasmFuncType};

pub const ERRNO_SUCCESS: i64 = 0;
pub const ERRNO_BADF: i64 = 8;
pub const ERRNO_FAULT: i64 = 21;
pub const ERRNO_NOSYS: i64 = 52;
pub const ERRNO_SPIPE: i64 = 29;

/// Builds imported function `index` of type `ty`; `body` gets the builder and the arguments
/// and must end every block it creates.
pub fn function(index: u32, ty: &WasmFuncType, body: impl FnOnce(&mut Shim, &[Value])) -> Option<ir::Function> {
    let sig = wasm_signature(ty).ok()?;
    let mut func = ir::Function::with_name_signature(ir::UserFuncName::user(NS_WASM_FUNC, index), sig);
    let mut ctx = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(&mut func, &mut ctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let args = b.block_params(entry).to_vec();
    let fault = b.create_block();
    let mut shim = Shim { b, fault, fault_used: false, intrinsics: Vec::new() };
    body(&mut shim, &args);
    let Shim { mut b, fault, fault_used, .. } = shim;
    b.switch_to_block(fault);
    if fault_used {
        let errno = b.ins().iconst(I32, ERRNO_FAULT);
        b.ins().return_(&[errno]);
    } else {
        b.ins().trap(ir::TrapCode::UnreachableCodeReached);
    }
    b.seal_all_blocks();
    b.finalize();
    Some(func)
}

pub struct Shim<'a> {
    pub b: FunctionBuilder<'a>,
    /// Returns EFAULT: where untrusted guest ranges that do not fit branch to.
    fault: Block,
    fault_used: bool,
    /// Each intrinsic declared once per function, however often it is called.
    intrinsics: Vec<(Intrinsic, FuncRef)>,
}

/// Guest bytes are read and written where they lie, aligned or not.
pub fn guest() -> MemFlags {
    MemFlags::new().with_notrap()
}

/// An absolute address (an i64 constant).
pub fn abs(s: &mut Shim, addr: u64) -> Value {
    s.b.ins().iconst(I64, addr as i64)
}

impl Shim<'_> {
    /// Calls `intrinsic` with `args`; returns the call.
    pub fn intrinsic(&mut self, intrinsic: Intrinsic, args: &[Value]) -> ir::Inst {
        let f = match self.intrinsics.iter().find(|(i, _)| *i == intrinsic) {
            Some(&(_, f)) => f,
            None => {
                let f = intrinsic.import_into(self.b.func);
                self.intrinsics.push((intrinsic, f));
                f
            }
        };
        self.b.ins().call(f, args)
    }

    /// The absolute address of guest range [ptr, ptr + len), branching to EFAULT unless it
    /// lies inside linear memory. `ptr` is an i32, `len` an i64.
    pub fn guest_range(&mut self, ptr: Value, len: Value) -> Value {
        let (p, outside) = self.outside_memory(ptr, len);
        let ok = self.b.create_block();
        self.fault_used = true;
        self.b.ins().brif(outside, self.fault, &[], ok, &[]);
        self.b.switch_to_block(ok);
        self.b.ins().iadd_imm(p, LINEAR_MEMORY_ADDR as i64)
    }

    /// The absolute address of guest range [ptr, ptr + len) (`ptr` i32, `len` i64), trapping
    /// as an out-of-bounds access unless it lies inside linear memory: for imports whose
    /// interface has no error to return.
    pub fn guest_range_or_trap(&mut self, ptr: Value, len: Value) -> Value {
        let (p, outside) = self.outside_memory(ptr, len);
        self.b.ins().trapnz(outside, ir::TrapCode::HeapOutOfBounds);
        self.b.ins().iadd_imm(p, LINEAR_MEMORY_ADDR as i64)
    }

    pub fn guest_fixed_or_trap(&mut self, ptr: Value, len: i64) -> Value {
        let len = self.b.ins().iconst(I64, len);
        self.guest_range_or_trap(ptr, len)
    }

    /// `ptr` widened, and whether [ptr, ptr + len) ends past linear memory.
    fn outside_memory(&mut self, ptr: Value, len: Value) -> (Value, Value) {
        let p = self.b.ins().uextend(I64, ptr);
        let end = self.b.ins().iadd(p, len);
        let bound = load_abs(&mut self.b, MEMORY_BOUND_ADDR);
        (p, self.b.ins().icmp(IntCC::UnsignedGreaterThan, end, bound))
    }

    pub fn guest_fixed(&mut self, ptr: Value, len: i64) -> Value {
        let len = self.b.ins().iconst(I64, len);
        self.guest_range(ptr, len)
    }

    pub fn ret_errno(&mut self, errno: i64) {
        let e = self.b.ins().iconst(I32, errno);
        self.b.ins().return_(&[e]);
    }

    pub fn load(&mut self, ty: ir::Type, addr: Value, offset: i32) -> Value {
        self.b.ins().load(ty, MemFlags::trusted(), addr, offset)
    }

    /// Zeroes `bytes` (an i64) at absolute `dst` by one DMA fill.
    pub fn zero_bytes(&mut self, dst: Value, bytes: Value) {
        self.intrinsic(Intrinsic::DmaFillZero, &[dst, bytes]);
    }

    pub fn store(&mut self, value: Value, addr: Value, offset: i32) {
        self.b.ins().store(MemFlags::trusted(), value, addr, offset);
    }

    /// Returns `errno` unless `fd` is one of `fds`.
    pub fn require_fd(&mut self, fd: Value, fds: &[i64], errno: i64) {
        let ok = self.b.create_block();
        for &f in fds {
            let next = self.b.create_block();
            let is = self.b.ins().icmp_imm(IntCC::Equal, fd, f);
            self.b.ins().brif(is, ok, &[], next, &[]);
            self.b.switch_to_block(next);
        }
        self.ret_errno(errno);
        self.b.switch_to_block(ok);
    }

    /// A counted loop `for i in 0..n` (i64), with `body(i)` emitted inside.
    pub fn for_each(&mut self, n: Value, body: impl FnOnce(&mut Self, Value)) {
        let (head, inner, exit) = (self.b.create_block(), self.b.create_block(), self.b.create_block());
        self.b.append_block_param(head, I64);
        let zero = self.b.ins().iconst(I64, 0);
        self.b.ins().jump(head, &[zero]);
        self.b.switch_to_block(head);
        let i = self.b.block_params(head)[0];
        let more = self.b.ins().icmp(IntCC::UnsignedLessThan, i, n);
        self.b.ins().brif(more, inner, &[], exit, &[]);
        self.b.switch_to_block(inner);
        body(self, i);
        let next = self.b.ins().iadd_imm(i, 1);
        self.b.ins().jump(head, &[next]);
        self.b.switch_to_block(exit);
    }
}
