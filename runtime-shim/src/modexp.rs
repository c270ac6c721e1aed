//! `zkvm_modexp(base, base_len, exp, exp_len, modulus, mod_len, out) -> status` (EIP-198's
//! modexp) with ziskos 1.4.0-alpha's semantics: big-endian inputs of any length (leading
//! zeros allowed), the result as `mod_len` big-endian bytes; `mod_len` 0 returns `ZKVM_EOK`
//! touching nothing; a modulus of value 0 or 1 gives 0, an exponent of 0 (or no bytes) 1,
//! otherwise base^exp mod m, always `ZKVM_EOK`.
//!
//! A modulus of one 256-bit limb takes the short path: arith256_mod for every product, the
//! base folded in 32-byte chunks (r = r·2^256 + chunk). Longer moduli (up to
//! [`bigint::MAX_LIMBS`], 1024 bytes; beyond, ziskos' own division hint cannot take the
//! operands and the run traps as ziskos' does) take the long path in `bigint.rs`: arith256
//! products, each reduced by the checked division hint. The exponent is scanned
//! left to right from its top set bit, one squaring per bit and one multiplication per set
//! bit, as ziskos does.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::I64;
use cranelift_codegen::ir::{self, InstBuilder, Value};

use crate::bigint::{self, at, copy_words, imm, limb_at, read_be, var, write_be, zero_words, MAX_LIMBS};
use crate::clif::{abs, guest, Shim};
use crate::ec::{either, leave_if, params, set, when};

const STARTED: u32 = 0;

/// The number of leading zero bytes of guest [ptr, ptr + len).
fn leading_zeros(s: &mut Shim, ptr: Value, len: Value) -> Value {
    let (head, check, exit) = (s.b.create_block(), s.b.create_block(), s.b.create_block());
    s.b.append_block_param(head, I64);
    s.b.append_block_param(exit, I64);
    let zero = imm(s, 0);
    s.b.ins().jump(head, &[zero]);
    s.b.switch_to_block(head);
    let i = s.b.block_params(head)[0];
    let more = s.b.ins().icmp(IntCC::UnsignedLessThan, i, len);
    s.b.ins().brif(more, check, &[], exit, &[i]);
    s.b.switch_to_block(check);
    let at = s.b.ins().iadd(ptr, i);
    let byte = s.b.ins().uload8(I64, guest(), at, 0);
    let next = s.b.ins().iadd_imm(i, 1);
    s.b.ins().brif(byte, exit, &[i], head, &[next]);
    s.b.switch_to_block(exit);
    s.b.block_params(exit)[0]
}

/// Jumps to `to` when `cond` holds, after `before`; continues otherwise.
fn exit_if(s: &mut Shim, cond: Value, to: ir::Block, before: impl FnOnce(&mut Shim)) {
    leave_if(s, cond, |s| {
        before(s);
        s.b.ins().jump(to, &[]);
    });
}

/// A = B^e for the exponent's `bits` bits from guest `top` (its first nonzero byte): A = B at
/// the top set bit, then per bit a squaring and, if set, a multiplication (A ← A·B).
fn exponentiate(s: &mut Shim, top: Value, bits: Value, words: Value, square: impl FnOnce(&mut Shim), multiply: impl FnOnce(&mut Shim)) {
    let no = imm(s, 0);
    let started = var(s, STARTED, no);
    s.for_each(bits, |s, t| {
        let index = s.b.ins().ushr_imm(t, 3);
        let at = s.b.ins().iadd(top, index);
        let byte = s.b.ins().uload8(I64, guest(), at, 0);
        let within = s.b.ins().band_imm(t, 7);
        let seven = imm(s, 7);
        let shift = s.b.ins().isub(seven, within);
        let bit = s.b.ins().ushr(byte, shift);
        let bit = s.b.ins().band_imm(bit, 1);
        let going = s.b.use_var(started);
        either(
            s,
            going,
            |s| {
                square(s);
                when(s, bit, multiply);
            },
            |s| {
                when(s, bit, |s| {
                    let (a, b) = (abs(s, at::A), abs(s, at::B));
                    copy_words(s, a, b, words);
                    let yes = imm(s, 1);
                    s.b.def_var(started, yes);
                })
            },
        );
    });
}

/// Whether the `words` u64 at `addr` are all zero (an i8).
fn is_zero(s: &mut Shim, addr: u64, words: Value) -> Value {
    let x = abs(s, addr);
    let none = imm(s, 0);
    let acc = var(s, STARTED + 1, none);
    s.for_each(words, |s, k| {
        let from = bigint::word_at(s, x, k);
        let w = s.load(I64, from, 0);
        let old = s.b.use_var(acc);
        let w = s.b.ins().bor(old, w);
        s.b.def_var(acc, w);
    });
    let acc = s.b.use_var(acc);
    s.b.ins().icmp_imm(IntCC::Equal, acc, 0)
}

/// Base chunks of `chunk` bytes, most significant first: `fold(prefix_len)` gets the length
/// of the base's prefix whose low `chunk` bytes are the next chunk.
fn chunks(s: &mut Shim, base_len: Value, chunk: Value, fold: impl FnOnce(&mut Shim, Value)) {
    let up = s.b.ins().iadd(base_len, chunk);
    let up = s.b.ins().iadd_imm(up, -1);
    let count = s.b.ins().udiv(up, chunk);
    s.for_each(count, |s, c| {
        let later = s.b.ins().iadd_imm(c, 1);
        let later = s.b.ins().isub(count, later);
        let cut = s.b.ins().imul(later, chunk);
        let prefix = s.b.ins().isub(base_len, cut);
        fold(s, prefix);
    });
}

/// One 256-bit limb: arith256_mod throughout.
fn short(s: &mut Shim, base: Value, base_len: Value, top: Value, bits: Value) {
    let four = imm(s, 4);
    set(s, at::ONE, [1, 0, 0, 0]);
    set(s, at::MAX, [u64::MAX; 4]);
    // K = 2^256 mod m; then B = (B·K + (chunk mod m)) mod m per chunk, every operand below m.
    params(s, at::PARAMS, [at::MAX, at::ONE, at::ONE, at::M, at::K]);
    arith256_mod(s, at::PARAMS);
    let b = abs(s, at::B);
    zero_words(s, b, four);
    let chunk = imm(s, 32);
    chunks(s, base_len, chunk, |s, prefix| {
        let t = abs(s, at::T);
        read_be(s, base, prefix, t, four);
        params(s, at::PARAMS, [at::T, at::ONE, at::ZERO, at::M, at::T]);
        arith256_mod(s, at::PARAMS);
        params(s, at::PARAMS, [at::B, at::K, at::T, at::M, at::B]);
        arith256_mod(s, at::PARAMS);
    });
    let zero = is_zero(s, at::B, four);
    let nonzero = s.b.ins().bxor_imm(zero, 1);
    when(s, nonzero, |s| {
        params(s, at::SQUARE, [at::A, at::A, at::ZERO, at::M, at::A]);
        params(s, at::MULTIPLY, [at::A, at::B, at::ZERO, at::M, at::A]);
        exponentiate(s, top, bits, four, |s| arith256_mod(s, at::SQUARE), |s| arith256_mod(s, at::MULTIPLY));
    });
}

fn arith256_mod(s: &mut Shim, block: u64) {
    crate::ec::arith256_mod(s, block)
}

/// A = (A · `by`) mod M over n limbs.
fn mul_mod(s: &mut Shim, by: u64, n: Value, words: Value) {
    let (x, a, by, r) = (abs(s, at::X), abs(s, at::A), abs(s, by), abs(s, at::R));
    bigint::mul(s, x, a, by, n);
    bigint::reduce(s, n);
    copy_words(s, a, r, words);
}

/// n ≥ 2 limbs: arith256 products reduced by the checked division hint.
fn long(s: &mut Shim, base: Value, base_len: Value, top: Value, bits: Value, n: Value, words: Value) {
    let (x, r) = (abs(s, at::X), abs(s, at::R));
    zero_words(s, r, words);
    // B = base mod m, folding chunks of n limbs: X = R·2^(256n) + chunk < m·2^(256n).
    let chunk = s.b.ins().ishl_imm(n, 5);
    chunks(s, base_len, chunk, |s, prefix| {
        read_be(s, base, prefix, x, words);
        let high = limb_at(s, x, n);
        copy_words(s, high, r, words);
        bigint::reduce(s, n);
    });
    let b = abs(s, at::B);
    copy_words(s, b, r, words);
    let zero = is_zero(s, at::B, words);
    let nonzero = s.b.ins().bxor_imm(zero, 1);
    when(s, nonzero, |s| {
        exponentiate(s, top, bits, words, |s| mul_mod(s, at::A, n, words), |s| mul_mod(s, at::B, n, words));
    });
}

/// `zkvm_modexp`; arguments as the wasm32 import has them (i32 pointers and lengths).
pub fn modexp(s: &mut Shim, a: &[Value]) {
    let [base, base_len, exp, exp_len, modulus, mod_len, out] = a[..] else { unreachable!("seven parameters") };
    let [base_len, exp_len, mod_len] = [base_len, exp_len, mod_len].map(|l| s.b.ins().uextend(I64, l));
    // No modulus, no output: `out` need not be valid.
    let empty = s.b.ins().icmp_imm(IntCC::Equal, mod_len, 0);
    crate::ec::fail_if(s, empty, |_| {}, crate::ec::ZKVM_EOK);
    let base = s.guest_range_or_trap(base, base_len);
    let exp = s.guest_range_or_trap(exp, exp_len);
    let modulus = s.guest_range_or_trap(modulus, mod_len);
    let out = s.guest_range_or_trap(out, mod_len);

    let lead = leading_zeros(s, modulus, mod_len);
    let significant = s.b.ins().isub(mod_len, lead);
    let n = s.b.ins().iadd_imm(significant, 31);
    let n = s.b.ins().ushr_imm(n, 5);
    let too_long = s.b.ins().icmp_imm(IntCC::UnsignedGreaterThan, n, MAX_LIMBS);
    s.b.ins().trapnz(too_long, ir::TrapCode::HeapOutOfBounds);
    let words = s.b.ins().ishl_imm(n, 2);
    let (m, result) = (abs(s, at::M), abs(s, at::A));
    read_be(s, modulus, mod_len, m, words);
    zero_words(s, result, words);
    set(s, at::ZERO, [0; 4]);

    let finish = s.b.create_block();
    // m = 0 (no limbs) or m = 1: 0.
    let one_limb = s.b.ins().icmp_imm(IntCC::Equal, n, 1);
    let low = s.load(I64, m, 0);
    let (m1, m2, m3) = (s.load(I64, m, 8), s.load(I64, m, 16), s.load(I64, m, 24));
    let high = s.b.ins().bor(m1, m2);
    let high = s.b.ins().bor(high, m3);
    let high_zero = s.b.ins().icmp_imm(IntCC::Equal, high, 0);
    let low_one = s.b.ins().icmp_imm(IntCC::Equal, low, 1);
    let is_one = s.b.ins().band(high_zero, low_one);
    let is_one = s.b.ins().band(is_one, one_limb);
    let no_limbs = s.b.ins().icmp_imm(IntCC::Equal, n, 0);
    let trivial = s.b.ins().bor(is_one, no_limbs);
    exit_if(s, trivial, finish, |_| {});
    // Exponent 0 (or empty): 1.
    let e_lead = leading_zeros(s, exp, exp_len);
    let e_bytes = s.b.ins().isub(exp_len, e_lead);
    let bits = s.b.ins().ishl_imm(e_bytes, 3);
    let top = s.b.ins().iadd(exp, e_lead);
    let exp_zero = s.b.ins().icmp_imm(IntCC::Equal, bits, 0);
    exit_if(s, exp_zero, finish, |s| {
        let one = imm(s, 1);
        s.store(one, result, 0);
    });
    either(s, one_limb, |s| short(s, base, base_len, top, bits), |s| long(s, base, base_len, top, bits, n, words));
    s.b.ins().jump(finish, &[]);

    s.b.switch_to_block(finish);
    write_be(s, result, words, out, mod_len);
    crate::ec::ret(s, crate::ec::ZKVM_EOK);
}
