//! `zkvm_ripemd160(data, len, out) -> status` (Ethereum's RIPEMD-160 precompile, 0x03) with
//! ziskos 1.4.0-alpha's output: 32 bytes, twelve zeros and the 20-byte digest. ZisK has no
//! RIPEMD precompile (ziskos computes it in software too), so this is the compression
//! function written out in CLIF: both lines of 80 steps unrolled over SSA values, each block
//! loaded as eight 8-byte words and split.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64, I8};
use cranelift_codegen::ir::{InstBuilder, Value};
use zisk_wasm_environ::builtins::memmove;
use zisk_wasm_environ::memory_map::ACCEL_SCRATCH_ADDR;

use crate::clif::{abs, guest, Shim};

/// The chaining state (five u32, 8-aligned) and the padded tail's two blocks.
const STATE: u64 = ACCEL_SCRATCH_ADDR + 0x2c0;
const BLOCKS: u64 = ACCEL_SCRATCH_ADDR + 0x300;
const _: () = assert!(BLOCKS + 128 <= ACCEL_SCRATCH_ADDR + 0x400, "the curve accelerators' scratch starts at 0x400");

const H0: [u32; 5] = [0x6745_2301, 0xefcd_ab89, 0x98ba_dcfe, 0x1032_5476, 0xc3d2_e1f0];

/// Message word order and rotations of the left and the right line, 16 steps per round.
const R_LEFT: [[usize; 16]; 5] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8],
    [3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12],
    [1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2],
    [4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13],
];
const R_RIGHT: [[usize; 16]; 5] = [
    [5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12],
    [6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2],
    [15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13],
    [8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14],
    [12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11],
];
const S_LEFT: [[i64; 16]; 5] = [
    [11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8],
    [7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12],
    [11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5],
    [11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12],
    [9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6],
];
const S_RIGHT: [[i64; 16]; 5] = [
    [8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6],
    [9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11],
    [9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5],
    [15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8],
    [8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11],
];
const K_LEFT: [u32; 5] = [0, 0x5a82_7999, 0x6ed9_eba1, 0x8f1b_bcdc, 0xa953_fd4e];
const K_RIGHT: [u32; 5] = [0x50a2_8be6, 0x5c4d_d124, 0x6d70_3ef3, 0x7a6d_76e9, 0];

/// The round function of round `round` (0..5) on x, y, z.
fn f(s: &mut Shim, round: usize, x: Value, y: Value, z: Value) -> Value {
    match round {
        0 => {
            let t = s.b.ins().bxor(x, y);
            s.b.ins().bxor(t, z)
        }
        1 => {
            // (x & y) | (!x & z) = z ^ (x & (y ^ z))
            let t = s.b.ins().bxor(y, z);
            let t = s.b.ins().band(x, t);
            s.b.ins().bxor(t, z)
        }
        2 => {
            let t = s.b.ins().bor_not(x, y);
            s.b.ins().bxor(t, z)
        }
        3 => {
            // (x & z) | (y & !z) = y ^ (z & (x ^ y))
            let t = s.b.ins().bxor(x, y);
            let t = s.b.ins().band(z, t);
            s.b.ins().bxor(t, y)
        }
        _ => {
            let t = s.b.ins().bor_not(y, z);
            s.b.ins().bxor(x, t)
        }
    }
}

/// One line of 80 steps from `h`, over message words `x`, with the left or right tables.
fn line(s: &mut Shim, h: [Value; 5], x: &[Value; 16], right: bool) -> [Value; 5] {
    let [mut a, mut b, mut c, mut d, mut e] = h;
    for round in 0..5 {
        // The right line runs the round functions in reverse order.
        let (function, k, r, rot) = if right {
            (4 - round, K_RIGHT[round], &R_RIGHT[round], &S_RIGHT[round])
        } else {
            (round, K_LEFT[round], &R_LEFT[round], &S_LEFT[round])
        };
        for step in 0..16 {
            let mut t = f(s, function, b, c, d);
            t = s.b.ins().iadd(a, t);
            t = s.b.ins().iadd(t, x[r[step]]);
            if k != 0 {
                t = s.b.ins().iadd_imm(t, k as i32 as i64);
            }
            t = s.b.ins().rotl_imm(t, rot[step]);
            t = s.b.ins().iadd(t, e);
            a = e;
            e = d;
            d = s.b.ins().rotl_imm(c, 10);
            c = b;
            b = t;
        }
    }
    [a, b, c, d, e]
}

/// Compresses the 64-byte block at absolute `block` into the state.
fn compress(s: &mut Shim, block: Value) {
    let state = abs(s, STATE);
    let h: [Value; 5] = [0, 1, 2, 3, 4].map(|i| s.load(I32, state, 4 * i));
    let mut x = [h[0]; 16];
    for w in 0..8 {
        let word = s.b.ins().load(I64, guest(), block, 8 * w as i32);
        x[2 * w] = s.b.ins().ireduce(I32, word);
        let high = s.b.ins().ushr_imm(word, 32);
        x[2 * w + 1] = s.b.ins().ireduce(I32, high);
    }
    let [al, bl, cl, dl, el] = line(s, h, &x, false);
    let [ar, br, cr, dr, er] = line(s, h, &x, true);
    let sum = |s: &mut Shim, a: Value, b: Value, c: Value| {
        let t = s.b.ins().iadd(a, b);
        s.b.ins().iadd(t, c)
    };
    let next = [sum(s, h[1], cl, dr), sum(s, h[2], dl, er), sum(s, h[3], el, ar), sum(s, h[4], al, br), sum(s, h[0], bl, cr)];
    for (i, v) in next.into_iter().enumerate() {
        s.store(v, state, 4 * i as i32);
    }
}

/// RIPEMD-160 of [data, data + len) into out[12..32], out[0..12] zeroed. The padded tail is
/// prepared first, so that one loop (one copy of the unrolled compression) takes the whole
/// blocks where they lie in the guest, then the tail's one or two.
pub fn ripemd160(s: &mut Shim, data: Value, len: Value, out: Value) {
    let len = s.b.ins().uextend(I64, len);
    let src = s.guest_range_or_trap(data, len);
    let out = s.guest_fixed_or_trap(out, 32);
    let state = abs(s, STATE);
    for (i, word) in H0.iter().enumerate() {
        let v = s.b.ins().iconst(I32, *word as i32 as i64);
        s.store(v, state, 4 * i as i32);
    }
    // The tail, 0x80, and the bit length little-endian: one block, or two when the tail
    // leaves fewer than 9 bytes.
    let blocks = s.b.ins().ushr_imm(len, 6);
    let full = s.b.ins().ishl_imm(blocks, 6);
    let rest = s.b.ins().isub(len, full);
    let tail = s.b.ins().iadd(src, full);
    let scratch = abs(s, BLOCKS);
    let bytes = s.b.ins().iconst(I64, 128);
    s.zero_bytes(scratch, bytes);
    memmove(&mut s.b, scratch, tail, rest, 1);
    let marker = s.b.ins().iadd(scratch, rest);
    let byte = s.b.ins().iconst(I8, 0x80);
    s.store(byte, marker, 0);
    let two = s.b.ins().icmp_imm(IntCC::UnsignedGreaterThanOrEqual, rest, 56);
    let two = s.b.ins().uextend(I64, two);
    let length_at = s.b.ins().ishl_imm(two, 6);
    let length_at = s.b.ins().iadd(scratch, length_at);
    let bits = s.b.ins().ishl_imm(len, 3);
    s.store(bits, length_at, 56);
    // Block i: the guest's while i < blocks, then the scratch's.
    let tail_blocks = s.b.ins().iadd_imm(two, 1);
    let total = s.b.ins().iadd(blocks, tail_blocks);
    s.for_each(total, |s, i| {
        let in_guest = s.b.ins().icmp(IntCC::UnsignedLessThan, i, blocks);
        let offset = s.b.ins().ishl_imm(i, 6);
        let from_guest = s.b.ins().iadd(src, offset);
        let from_tail = s.b.ins().isub(offset, full);
        let from_tail = s.b.ins().iadd(scratch, from_tail);
        let block = s.b.ins().select(in_guest, from_guest, from_tail);
        compress(s, block);
    });
    // Twelve zeros, then the state's five words as they lie (little-endian).
    let zero = s.b.ins().iconst(I64, 0);
    s.b.ins().store(guest(), zero, out, 0);
    let zero = s.b.ins().iconst(I32, 0);
    s.b.ins().store(guest(), zero, out, 8);
    for i in 0..5 {
        let word = s.load(I32, state, 4 * i);
        s.b.ins().store(guest(), word, out, 12 + 4 * i);
    }
}
