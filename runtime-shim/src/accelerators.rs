//! The cross-zkVM accelerator C interface (eth-act's zkvm-standards `zkvm_accelerators.h`,
//! as ziskos 1.4.0-alpha exports it) for WebAssembly guests: a C or Rust guest that declares
//! `zkvm_keccak256` & co. `extern "C"` imports them from module `env`, pointers as i32.
//! Each is built here on ZisK's precompiles, with the byte order and status codes of ziskos'
//! own implementation: digests as bytes, `ZKVM_EOK` (0) on success. A range outside linear
//! memory traps as an out-of-bounds access would.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I32, I64, I8};
use cranelift_codegen::ir::{self, InstBuilder, Value};
use zisk_wasm_environ::builtins::memmove;
use zisk_wasm_environ::memory_map::ACCEL_SCRATCH_ADDR;
use zisk_wasm_environ::names::Intrinsic;
use zisk_wasm_environ::{WasmFuncType, WasmValType};

use crate::clif::{abs, function, guest, Shim};
use crate::{bn254, modexp, pairing, ripemd160, secp256k1, secp256r1};

pub const MODULE: &str = "env";
/// alloy-primitives' `native-keccak` declares `native_keccak256` in this import module (the
/// Arbitrum Stylus convention) on wasm32.
pub const VM_HOOKS: &str = "vm_hooks";

pub const PROVIDED: &[&str] = &[
    "env.zkvm_keccak256(i32 data, i32 len, i32 out) -> i32",
    "env.native_keccak256(i32 data, i32 len, i32 out) (also as vm_hooks.native_keccak256)",
    "env.zkvm_sha256(i32 data, i32 len, i32 out) -> i32",
    "env.zkvm_ripemd160(i32 data, i32 len, i32 out) -> i32",
    "env.zkvm_secp256k1_ecrecover(i32 msg, i32 sig, i32 recid, i32 out) -> i32",
    "env.zkvm_secp256k1_verify(i32 msg, i32 sig, i32 pubkey, i32 verified) -> i32",
    "env.zkvm_secp256r1_verify(i32 msg, i32 sig, i32 pubkey, i32 verified) -> i32",
    "env.zkvm_bn254_g1_add(i32 p1, i32 p2, i32 out) -> i32",
    "env.zkvm_bn254_g1_mul(i32 point, i32 scalar, i32 out) -> i32",
    "env.zkvm_bn254_pairing(i32 pairs, i32 num_pairs, i32 verified) -> i32",
    "env.zkvm_modexp(i32 base, i32 base_len, i32 exp, i32 exp_len, i32 modulus, i32 mod_len, i32 out) -> i32",
];

/// `zkvm_status`: success, failure.
pub(crate) const ZKVM_EOK: i64 = 0;
pub(crate) const ZKVM_EFAIL: i64 = -1;

/// Keccak-256's rate: the bytes absorbed per permutation.
const KECCAK_RATE: i64 = 136;
const KECCAK_STATE: u64 = ACCEL_SCRATCH_ADDR;
/// The last, partial word of a message, assembled.
const KECCAK_BLOCK: u64 = ACCEL_SCRATCH_ADDR + 200;
const SHA256_STATE: u64 = ACCEL_SCRATCH_ADDR + 0x200;
/// Two blocks: the padded tail may need both.
const SHA256_BLOCKS: u64 = ACCEL_SCRATCH_ADDR + 0x240;
const SHA256_IV: [u32; 8] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

pub fn build(index: u32, module: &str, field: &str, ty: &WasmFuncType) -> Option<ir::Function> {
    use WasmValType::I32 as P;
    if module == VM_HOOKS && field != "native_keccak256" {
        return None;
    }
    let status = ty.returns() == [WasmValType::I32];
    match (field, ty.params(), ty.returns().is_empty()) {
        ("zkvm_keccak256", [P, P, P], false) if status => function(index, ty, |s, a| {
            keccak256(s, a[0], a[1], a[2]);
            ret(s, ZKVM_EOK);
        }),
        ("native_keccak256", [P, P, P], true) => function(index, ty, |s, a| {
            keccak256(s, a[0], a[1], a[2]);
            s.b.ins().return_(&[]);
        }),
        ("zkvm_sha256", [P, P, P], false) if status => function(index, ty, |s, a| {
            sha256(s, a[0], a[1], a[2]);
            ret(s, ZKVM_EOK);
        }),
        ("zkvm_ripemd160", [P, P, P], false) if status => function(index, ty, |s, a| {
            ripemd160::ripemd160(s, a[0], a[1], a[2]);
            ret(s, ZKVM_EOK);
        }),
        ("zkvm_secp256k1_ecrecover", [P, P, P, P], false) if status => {
            function(index, ty, |s, a| secp256k1::ecrecover(s, a[0], a[1], a[2], a[3]))
        }
        ("zkvm_secp256k1_verify", [P, P, P, P], false) if status => {
            function(index, ty, |s, a| secp256k1::verify(s, a[0], a[1], a[2], a[3]))
        }
        ("zkvm_secp256r1_verify", [P, P, P, P], false) if status => {
            function(index, ty, |s, a| secp256r1::verify(s, a[0], a[1], a[2], a[3]))
        }
        ("zkvm_bn254_g1_add", [P, P, P], false) if status => function(index, ty, |s, a| bn254::g1_add(s, a[0], a[1], a[2])),
        ("zkvm_bn254_g1_mul", [P, P, P], false) if status => function(index, ty, |s, a| bn254::g1_mul(s, a[0], a[1], a[2])),
        ("zkvm_bn254_pairing", [P, P, P], false) if status => function(index, ty, |s, a| pairing::pairing(s, a[0], a[1], a[2])),
        ("zkvm_modexp", [P, P, P, P, P, P, P], false) if status => function(index, ty, modexp::modexp),
        _ => None,
    }
}

/// Returns the accelerator status `status` (an i32).
pub(crate) fn ret(s: &mut Shim, status: i64) {
    let v = s.b.ins().iconst(I32, status);
    s.b.ins().return_(&[v]);
}

/// Zeroes `words` u64 words at `addr`: one DMA fill beyond two words (25 stores cost 25
/// steps, the fill one).
fn zero(s: &mut Shim, addr: u64, words: u64) {
    let base = abs(s, addr);
    if words > 2 {
        let bytes = s.b.ins().iconst(I64, 8 * words as i64);
        s.zero_bytes(base, bytes);
        return;
    }
    let zero = s.b.ins().iconst(I64, 0);
    for w in 0..words {
        s.store(zero, base, 8 * w as i32);
    }
}

/// Copies bytes [from, len) of `src` (i64 offsets, below one block) to the zeroed scratch at
/// `dst`, by one DMA copy.
fn copy_tail(s: &mut Shim, src: Value, len: Value, dst: u64, from: Value) {
    let dst = abs(s, dst);
    let src = s.b.ins().iadd(src, from);
    let len = s.b.ins().isub(len, from);
    memmove(&mut s.b, dst, src, len, 1);
}

/// `block[at] ^= bits`, `at` an i64 byte index.
fn xor_byte(s: &mut Shim, block: u64, at: Value, bits: i64) {
    let base = abs(s, block);
    let addr = s.b.ins().iadd(base, at);
    let byte = s.load(I8, addr, 0);
    let byte = s.b.ins().bxor_imm(byte, bits);
    s.store(byte, addr, 0);
}

/// XORs the 17 words at guest `block` into the Keccak state and permutes it.
fn absorb(s: &mut Shim, block: Value) {
    let state = abs(s, KECCAK_STATE);
    for w in 0..(KECCAK_RATE / 8) as i32 {
        let word = s.b.ins().load(I64, guest(), block, 8 * w);
        let lane = s.load(I64, state, 8 * w);
        let mixed = s.b.ins().bxor(lane, word);
        s.store(mixed, state, 8 * w);
    }
    s.intrinsic(Intrinsic::Keccakf, &[state]);
}

/// XORs the last `rest` (< 136) bytes at guest `tail` and Keccak's padding (0x01 after them,
/// 0x80 in the rate's last byte) into the state and permutes it: whole words straight from
/// the guest, the partial word assembled in scratch (at most seven 1-byte accesses).
fn absorb_tail(s: &mut Shim, tail: Value, rest: Value) {
    let state = abs(s, KECCAK_STATE);
    let words = s.b.ins().ushr_imm(rest, 3);
    s.for_each(words, |s, i| {
        let offset = s.b.ins().ishl_imm(i, 3);
        let (from, lane) = (s.b.ins().iadd(tail, offset), s.b.ins().iadd(state, offset));
        let word = s.b.ins().load(I64, guest(), from, 0);
        let old = s.load(I64, lane, 0);
        let mixed = s.b.ins().bxor(old, word);
        s.store(mixed, lane, 0);
    });
    let done = s.b.ins().ishl_imm(words, 3);
    let bytes = s.b.ins().isub(rest, done);
    zero(s, KECCAK_BLOCK, 1);
    copy_tail(s, tail, rest, KECCAK_BLOCK, done);
    xor_byte(s, KECCAK_BLOCK, bytes, 0x01);
    let (partial, lane) = (abs(s, KECCAK_BLOCK), s.b.ins().iadd(state, done));
    let word = s.load(I64, partial, 0);
    let old = s.load(I64, lane, 0);
    let mixed = s.b.ins().bxor(old, word);
    s.store(mixed, lane, 0);
    let last = s.load(I64, state, (KECCAK_RATE - 8) as i32);
    let last = s.b.ins().bxor_imm(last, (0x80u64 << 56) as i64);
    s.store(last, state, (KECCAK_RATE - 8) as i32);
    s.intrinsic(Intrinsic::Keccakf, &[state]);
}

/// Keccak-256 (Ethereum's: padding 0x01 … 0x80) of [data, data + len) into out[0..32].
fn keccak256(s: &mut Shim, data: Value, len: Value, out: Value) {
    let len = s.b.ins().uextend(I64, len);
    let src = s.guest_range_or_trap(data, len);
    let out = s.guest_fixed_or_trap(out, 32);
    zero(s, KECCAK_STATE, 25);
    let blocks = s.b.ins().udiv_imm(len, KECCAK_RATE);
    s.for_each(blocks, |s, i| {
        let offset = s.b.ins().imul_imm(i, KECCAK_RATE);
        let block = s.b.ins().iadd(src, offset);
        absorb(s, block);
    });
    let full = s.b.ins().imul_imm(blocks, KECCAK_RATE);
    let rest = s.b.ins().isub(len, full);
    let tail = s.b.ins().iadd(src, full);
    absorb_tail(s, tail, rest);
    let state = abs(s, KECCAK_STATE);
    for w in 0..4 {
        let word = s.load(I64, state, 8 * w);
        s.b.ins().store(guest(), word, out, 8 * w);
    }
}

/// Compresses the 64-byte block at absolute `block` (8-aligned) into the SHA-256 state.
fn compress(s: &mut Shim, block: Value) {
    let state = abs(s, SHA256_STATE);
    s.intrinsic(Intrinsic::Sha256f, &[state, block]);
}

/// SHA-256 of [data, data + len) into out[0..32]. The precompile takes the state as eight
/// native u32 words and each block as its 64 bytes, both 8-aligned: guest blocks are copied
/// into the scratch region first.
fn sha256(s: &mut Shim, data: Value, len: Value, out: Value) {
    let len = s.b.ins().uextend(I64, len);
    let src = s.guest_range_or_trap(data, len);
    let out = s.guest_fixed_or_trap(out, 32);
    let state = abs(s, SHA256_STATE);
    for (i, pair) in SHA256_IV.chunks(2).enumerate() {
        let word = s.b.ins().iconst(I64, (pair[0] as u64 | (pair[1] as u64) << 32) as i64);
        s.store(word, state, 8 * i as i32);
    }
    let blocks = s.b.ins().ushr_imm(len, 6);
    let scratch = abs(s, SHA256_BLOCKS);
    s.for_each(blocks, |s, i| {
        let offset = s.b.ins().ishl_imm(i, 6);
        let block = s.b.ins().iadd(src, offset);
        for w in 0..8 {
            let word = s.b.ins().load(I64, guest(), block, 8 * w);
            s.store(word, scratch, 8 * w);
        }
        compress(s, scratch);
    });
    // The tail, the 0x80 marker and the big-endian bit length: one block, or two when the
    // tail leaves fewer than 9 bytes.
    let full = s.b.ins().ishl_imm(blocks, 6);
    let rest = s.b.ins().isub(len, full);
    let tail = s.b.ins().iadd(src, full);
    zero(s, SHA256_BLOCKS, 16);
    let start = s.b.ins().iconst(I64, 0);
    copy_tail(s, tail, rest, SHA256_BLOCKS, start);
    xor_byte(s, SHA256_BLOCKS, rest, 0x80);
    let two = s.b.ins().icmp_imm(IntCC::UnsignedGreaterThanOrEqual, rest, 56);
    let sixty_four = s.b.ins().iconst(I64, 64);
    let zero_offset = s.b.ins().iconst(I64, 0);
    let length_block = s.b.ins().select(two, sixty_four, zero_offset);
    let bits = s.b.ins().ishl_imm(len, 3);
    let length_at = s.b.ins().iadd(scratch, length_block);
    for k in 0..8 {
        let byte = s.b.ins().ushr_imm(bits, 8 * (7 - k));
        let byte = s.b.ins().ireduce(I8, byte);
        s.store(byte, length_at, 56 + k as i32);
    }
    compress(s, scratch);
    let (second, done) = (s.b.create_block(), s.b.create_block());
    s.b.ins().brif(two, second, &[], done, &[]);
    s.b.switch_to_block(second);
    let next = s.b.ins().iadd_imm(scratch, 64);
    compress(s, next);
    s.b.ins().jump(done, &[]);
    s.b.switch_to_block(done);
    // The digest: each state word big-endian.
    for w in 0..8 {
        let word = s.load(I32, state, 4 * w);
        for k in 0..4 {
            let byte = s.b.ins().ushr_imm(word, 8 * (3 - k));
            let byte = s.b.ins().ireduce(I8, byte);
            s.b.ins().store(guest(), byte, out, 4 * w + k as i32);
        }
    }
}
