//! `wasi_snapshot_preview1` for ZisK (conventions in the crate README).

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I16, I32, I64, I8};
use cranelift_codegen::ir::{self, InstBuilder, Value};
use cranelift_frontend::Variable;
use zisk_wasm_environ::builtins::{load_abs, memmove, store_abs};
use zisk_wasm_environ::memory_map::*;
use zisk_wasm_environ::names::Intrinsic;
use zisk_wasm_environ::{WasmFuncType, WasmValType};

use crate::clif::*;

pub const MODULE: &str = "wasi_snapshot_preview1";

/// The signature each implemented function must have: params then results, `i` = i32,
/// `I` = i64.
const SIGNATURES: &[(&str, &str, &str)] = &[
    ("fd_write", "iiii", "i"),
    ("fd_read", "iiii", "i"),
    ("proc_exit", "i", ""),
    ("environ_get", "ii", "i"),
    ("environ_sizes_get", "ii", "i"),
    ("args_get", "ii", "i"),
    ("args_sizes_get", "ii", "i"),
    ("clock_time_get", "iIi", "i"),
    ("clock_res_get", "ii", "i"),
    ("random_get", "ii", "i"),
    ("fd_fdstat_get", "ii", "i"),
    ("fd_close", "i", "i"),
    ("fd_seek", "iIii", "i"),
    ("fd_prestat_get", "ii", "i"),
    ("fd_prestat_dir_name", "iii", "i"),
    ("sched_yield", "", "i"),
];

fn shape(ty: &WasmFuncType) -> (String, String) {
    let code = |t: &WasmValType| match t {
        WasmValType::I32 => 'i',
        WasmValType::I64 => 'I',
        _ => '?',
    };
    (ty.params().iter().map(code).collect(), ty.returns().iter().map(code).collect())
}

pub fn build(index: u32, field: &str, ty: &WasmFuncType) -> Option<ir::Function> {
    let (params, results) = shape(ty);
    let known = SIGNATURES.iter().find(|(name, ..)| *name == field);
    match known {
        Some((_, p, r)) if *p == params && *r == results => {}
        Some(_) => return None,
        // Anything else the guest merely links: ENOSYS when called.
        None if results == "i" => return function(index, ty, |s, _| s.ret_errno(ERRNO_NOSYS)),
        None => return None,
    }
    function(index, ty, |s, a| match field {
        "fd_write" => fd_write(s, a),
        "fd_read" => fd_read(s, a),
        "proc_exit" => {
            s.intrinsic(Intrinsic::Exit, &[a[0]]);
            s.b.ins().trap(ir::TrapCode::UnreachableCodeReached);
        }
        "environ_sizes_get" | "args_sizes_get" => {
            // No environment variables and no arguments.
            let count = s.guest_fixed(a[0], 4);
            let size = s.guest_fixed(a[1], 4);
            let zero = s.b.ins().iconst(I32, 0);
            s.store(zero, count, 0);
            s.store(zero, size, 0);
            s.ret_errno(ERRNO_SUCCESS);
        }
        "environ_get" | "args_get" | "sched_yield" => s.ret_errno(ERRNO_SUCCESS),
        "clock_time_get" => {
            // A deterministic clock: 1 ms later at every call.
            let out = s.guest_fixed(a[2], 8);
            let t = load_abs(&mut s.b, CLOCK_ADDR);
            let t = s.b.ins().iadd_imm(t, 1_000_000);
            store_abs(&mut s.b, t, CLOCK_ADDR);
            s.store(t, out, 0);
            s.ret_errno(ERRNO_SUCCESS);
        }
        "clock_res_get" => {
            let out = s.guest_fixed(a[1], 8);
            let res = s.b.ins().iconst(I64, 1_000_000);
            s.store(res, out, 0);
            s.ret_errno(ERRNO_SUCCESS);
        }
        "random_get" => random_get(s, a),
        "fd_fdstat_get" => {
            s.require_fd(a[0], &[0, 1, 2], ERRNO_BADF);
            let out = s.guest_fixed(a[1], 24);
            let char_device = s.b.ins().iconst(I8, 2);
            s.store(char_device, out, 0);
            let no_flags = s.b.ins().iconst(I16, 0);
            s.store(no_flags, out, 2);
            let all = s.b.ins().iconst(I64, -1);
            s.store(all, out, 8);
            s.store(all, out, 16);
            s.ret_errno(ERRNO_SUCCESS);
        }
        "fd_close" => {
            s.require_fd(a[0], &[0, 1, 2], ERRNO_BADF);
            s.ret_errno(ERRNO_SUCCESS);
        }
        "fd_seek" => {
            s.require_fd(a[0], &[0, 1, 2], ERRNO_BADF);
            s.ret_errno(ERRNO_SPIPE);
        }
        // No preopened directories: std stops looking at the first EBADF.
        "fd_prestat_get" | "fd_prestat_dir_name" => s.ret_errno(ERRNO_BADF),
        _ => unreachable!("every signature-table entry is implemented"),
    })
}

/// Checks every iovec's buffer lies in linear memory; returns the iovec array's address.
fn checked_iovecs(s: &mut Shim, iovs: Value, count: Value) -> Value {
    let n = s.b.ins().uextend(I64, count);
    let bytes = s.b.ins().ishl_imm(n, 3);
    let base = s.guest_range(iovs, bytes);
    s.for_each(n, |s, i| {
        let off = s.b.ins().ishl_imm(i, 3);
        let e = s.b.ins().iadd(base, off);
        let ptr = s.load(I32, e, 0);
        let len = s.load(I32, e, 4);
        let len = s.b.ins().uextend(I64, len);
        s.guest_range(ptr, len);
    });
    base
}

/// (absolute buffer address, length) of iovec `i`.
fn iovec(s: &mut Shim, base: Value, i: Value) -> (Value, Value) {
    let off = s.b.ins().ishl_imm(i, 3);
    let e = s.b.ins().iadd(base, off);
    let ptr = s.load(I32, e, 0);
    let len = s.load(I32, e, 4);
    let ptr = s.b.ins().uextend(I64, ptr);
    let addr = s.b.ins().iadd_imm(ptr, LINEAR_MEMORY_ADDR as i64);
    (addr, s.b.ins().uextend(I64, len))
}

fn fd_write(s: &mut Shim, a: &[Value]) {
    let (fd, iovs, count, nwritten) = (a[0], a[1], a[2], a[3]);
    s.require_fd(fd, &[1, 2], ERRNO_BADF);
    let base = checked_iovecs(s, iovs, count);
    let out = s.guest_fixed(nwritten, 4);
    let total = Variable::from_u32(0);
    s.b.declare_var(total, I64);
    let zero = s.b.ins().iconst(I64, 0);
    s.b.def_var(total, zero);
    // stdout is the public output only, stderr the console only: the same split as a native
    // guest's `commit` and console writes, so no byte shows twice and binary output never
    // reaches the terminal (the README's console/public-output convention).
    let to_output = s.b.ins().icmp_imm(IntCC::Equal, fd, 1);
    let (stdout, stderr, written) = (s.b.create_block(), s.b.create_block(), s.b.create_block());
    s.b.ins().brif(to_output, stdout, &[], stderr, &[]);
    for (block, public) in [(stdout, true), (stderr, false)] {
        s.b.switch_to_block(block);
        let n = s.b.ins().uextend(I64, count);
        s.for_each(n, |s, i| {
            let (addr, len) = iovec(s, base, i);
            s.for_each(len, |s, j| {
                let at = s.b.ins().iadd(addr, j);
                let byte = s.load(I8, at, 0);
                if public {
                    append_output(s, byte);
                } else {
                    let uart = s.b.ins().iconst(I64, UART_ADDR as i64);
                    s.store(byte, uart, 0);
                }
            });
            let t = s.b.use_var(total);
            let t = s.b.ins().iadd(t, len);
            s.b.def_var(total, t);
        });
        s.b.ins().jump(written, &[]);
    }
    s.b.switch_to_block(written);
    let t = s.b.use_var(total);
    let t = s.b.ins().ireduce(I32, t);
    s.store(t, out, 0);
    s.ret_errno(ERRNO_SUCCESS);
}

/// Appends `byte` to the public output while it has room (ZisK publishes OUTPUT_SIZE bytes).
fn append_output(s: &mut Shim, byte: Value) {
    let cursor = load_abs(&mut s.b, OUTPUT_CURSOR_ADDR);
    let room = s.b.ins().icmp_imm(IntCC::UnsignedLessThan, cursor, OUTPUT_SIZE as i64);
    let (write, done) = (s.b.create_block(), s.b.create_block());
    s.b.ins().brif(room, write, &[], done, &[]);
    s.b.switch_to_block(write);
    let dst = s.b.ins().iadd_imm(cursor, OUTPUT_ADDR as i64);
    s.store(byte, dst, 0);
    let next = s.b.ins().iadd_imm(cursor, 1);
    store_abs(&mut s.b, next, OUTPUT_CURSOR_ADDR);
    s.b.ins().jump(done, &[]);
    s.b.switch_to_block(done);
}

fn fd_read(s: &mut Shim, a: &[Value]) {
    let (fd, iovs, count, nread) = (a[0], a[1], a[2], a[3]);
    s.require_fd(fd, &[0], ERRNO_BADF);
    let base = checked_iovecs(s, iovs, count);
    let out = s.guest_fixed(nread, 4);
    // The input length comes from the host's input file: trust it only up to the window.
    let len = load_abs(&mut s.b, INPUT_LEN_ADDR);
    let cap = s.b.ins().iconst(I64, MAX_INPUT_DATA as i64);
    let input_len = s.b.ins().umin(len, cap);
    let (cursor, read) = (Variable::from_u32(0), Variable::from_u32(1));
    s.b.declare_var(cursor, I64);
    s.b.declare_var(read, I64);
    let c0 = load_abs(&mut s.b, INPUT_CURSOR_ADDR);
    s.b.def_var(cursor, c0);
    let zero = s.b.ins().iconst(I64, 0);
    s.b.def_var(read, zero);
    let n = s.b.ins().uextend(I64, count);
    s.for_each(n, |s, i| {
        let (dst, want) = iovec(s, base, i);
        let c = s.b.use_var(cursor);
        let left = s.b.ins().isub(input_len, c);
        let take = s.b.ins().umin(want, left);
        let src = s.b.ins().iadd_imm(c, INPUT_DATA_ADDR as i64);
        memmove(&mut s.b, dst, src, take, 1);
        let c = s.b.ins().iadd(c, take);
        s.b.def_var(cursor, c);
        let r = s.b.use_var(read);
        let r = s.b.ins().iadd(r, take);
        s.b.def_var(read, r);
    });
    let c = s.b.use_var(cursor);
    store_abs(&mut s.b, c, INPUT_CURSOR_ADDR);
    let r = s.b.use_var(read);
    let r = s.b.ins().ireduce(I32, r);
    s.store(r, out, 0);
    s.ret_errno(ERRNO_SUCCESS);
}

/// Deterministic bytes from a fixed-seed 64-bit LCG (the top byte of each step).
fn random_get(s: &mut Shim, a: &[Value]) {
    let len = s.b.ins().uextend(I64, a[1]);
    let buf = s.guest_range(a[0], len);
    let state = Variable::from_u32(0);
    s.b.declare_var(state, I64);
    let st = load_abs(&mut s.b, RANDOM_STATE_ADDR);
    s.b.def_var(state, st);
    s.for_each(len, |s, j| {
        let x = s.b.use_var(state);
        let x = s.b.ins().imul_imm(x, 6364136223846793005);
        let x = s.b.ins().iadd_imm(x, 1442695040888963407);
        s.b.def_var(state, x);
        let top = s.b.ins().ushr_imm(x, 56);
        let byte = s.b.ins().ireduce(I8, top);
        let at = s.b.ins().iadd(buf, j);
        s.store(byte, at, 0);
    });
    let x = s.b.use_var(state);
    store_abs(&mut s.b, x, RANDOM_STATE_ADDR);
    s.ret_errno(ERRNO_SUCCESS);
}
