//! Multi-limb unsigned integers in the accelerator scratch region, for `zkvm_modexp`'s long
//! path: little-endian u64 words, 256-bit limbs, lengths known only at run time (i64 Values),
//! so every routine is a loop. Products are ZisK's arith256 (a·b + c → 512 bits) per limb
//! pair; a reduction takes ziskos' big-integer division hint and checks it (q·m + r = x,
//! r < m) with one more product, trapping when the prover lied (ziskos' asserts fail there
//! too), so a run can fail but never answer wrongly.

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::types::{I64, I8};
use cranelift_codegen::ir::{self, InstBuilder, Value};
use cranelift_frontend::Variable;
use zisk_wasm_environ::builtins::memmove;
use zisk_wasm_environ::memory_map::{ACCEL_SCRATCH_ADDR, ACCEL_SCRATCH_SIZE};
use zisk_wasm_environ::names::Intrinsic;

use crate::clif::{abs, guest, Shim};
use crate::ec::{either, when};

/// The largest modulus in 256-bit limbs: 1024 bytes, EIP-7823's bound on modexp inputs, and
/// what ZisK's fcall parameter buffer (386 words) holds for one division: 2 + 8n + 4n words.
pub const MAX_LIMBS: i64 = 32;
const NUM: u64 = 32 * MAX_LIMBS as u64;

/// Scratch layout: numbers of up to MAX_LIMBS limbs (products twice that), then fixed limbs.
pub mod at {
    use super::*;
    pub const M: u64 = ACCEL_SCRATCH_ADDR;
    pub const B: u64 = M + NUM;
    pub const A: u64 = B + NUM;
    pub const Q: u64 = A + NUM;
    pub const R: u64 = Q + NUM;
    /// Products and dividends (2n limbs), and the check q·m + r.
    pub const X: u64 = R + NUM;
    pub const Y: u64 = X + 2 * NUM;
    pub const CARRY: u64 = Y + 2 * NUM;
    pub const DL: u64 = CARRY + 32;
    pub const ZERO: u64 = DL + 32;
    pub const ONE: u64 = ZERO + 32;
    pub const MAX: u64 = ONE + 32;
    pub const K: u64 = MAX + 32;
    pub const T: u64 = K + 32;
    /// Parameter blocks of five pointers: arith256's, arith256_mod's squaring and multiplying.
    pub const PARAMS: u64 = T + 32;
    pub const SQUARE: u64 = PARAMS + 40;
    pub const MULTIPLY: u64 = SQUARE + 40;
    pub const END: u64 = MULTIPLY + 40;
}
const _: () = assert!(at::END <= ACCEL_SCRATCH_ADDR + ACCEL_SCRATCH_SIZE);

/// Variables the loops here carry (the callers' own start at 0).
const WORD: u32 = 100;
const ACC: u32 = 101;

/// Variable `index` (declared on first use), set to `value`.
pub fn var(s: &mut Shim, index: u32, value: Value) -> Variable {
    let v = Variable::from_u32(index);
    let _ = s.b.try_declare_var(v, I64);
    s.b.def_var(v, value);
    v
}

pub fn imm(s: &mut Shim, value: i64) -> Value {
    s.b.ins().iconst(I64, value)
}

/// `base + 8·index` for a word index.
pub fn word_at(s: &mut Shim, base: Value, index: Value) -> Value {
    let offset = s.b.ins().ishl_imm(index, 3);
    s.b.ins().iadd(base, offset)
}

/// `base + 32·index` for a limb index.
pub fn limb_at(s: &mut Shim, base: Value, index: Value) -> Value {
    let offset = s.b.ins().ishl_imm(index, 5);
    s.b.ins().iadd(base, offset)
}

/// Zeroes `words` u64 at absolute `dst` (one DMA fill).
pub fn zero_words(s: &mut Shim, dst: Value, words: Value) {
    let bytes = s.b.ins().ishl_imm(words, 3);
    s.zero_bytes(dst, bytes);
}

/// Copies `words` u64 from absolute `src` to `dst` (one DMA copy).
pub fn copy_words(s: &mut Shim, dst: Value, src: Value, words: Value) {
    memmove(&mut s.b, dst, src, words, 8);
}

/// dst[0..words] = the low `words` u64 of the big-endian `len` bytes at guest address `src`
/// (zero above them): whole words by one unaligned load each, a partial top word by bytes.
pub fn read_be(s: &mut Shim, src: Value, len: Value, dst: Value, words: Value) {
    s.for_each(words, |s, k| {
        let lo = s.b.ins().ishl_imm(k, 3);
        let hi = s.b.ins().iadd_imm(lo, 8);
        let to = word_at(s, dst, k);
        let full = s.b.ins().icmp(IntCC::UnsignedLessThanOrEqual, hi, len);
        either(
            s,
            full,
            |s| {
                let back = s.b.ins().isub(len, hi);
                let from = s.b.ins().iadd(src, back);
                let w = s.b.ins().load(I64, guest(), from, 0);
                let w = s.b.ins().bswap(w);
                s.store(w, to, 0);
            },
            |s| {
                let some = s.b.ins().icmp(IntCC::UnsignedGreaterThan, len, lo);
                let rest = s.b.ins().isub(len, lo);
                let none = imm(s, 0);
                let bytes = s.b.ins().select(some, rest, none);
                let word = var(s, WORD, none);
                // Byte b of the word (from its low end) is at src + len − 1 − lo − b.
                let last = s.b.ins().iadd(src, rest);
                s.for_each(bytes, |s, b| {
                    let from = s.b.ins().isub(last, b);
                    let byte = s.b.ins().uload8(I64, guest(), from, -1);
                    let shift = s.b.ins().ishl_imm(b, 3);
                    let byte = s.b.ins().ishl(byte, shift);
                    let w = s.b.use_var(word);
                    let w = s.b.ins().bor(w, byte);
                    s.b.def_var(word, w);
                });
                let w = s.b.use_var(word);
                s.store(w, to, 0);
            },
        );
    });
}

/// Writes the `words` u64 at `src` as `len` big-endian bytes at guest address `dst`, zeros
/// above them (the caller knows the value fits).
pub fn write_be(s: &mut Shim, src: Value, words: Value, dst: Value, len: Value) {
    let end = s.b.ins().iadd(dst, len);
    // Word k, or 0 past the value.
    let word = |s: &mut Shim, k: Value| {
        let inside = s.b.ins().icmp(IntCC::UnsignedLessThan, k, words);
        let zero = imm(s, 0);
        let w = var(s, WORD, zero);
        when(s, inside, |s| {
            let from = word_at(s, src, k);
            let v = s.load(I64, from, 0);
            s.b.def_var(w, v);
        });
        s.b.use_var(w)
    };
    let full = s.b.ins().ushr_imm(len, 3);
    s.for_each(full, |s, k| {
        let w = word(s, k);
        let w = s.b.ins().bswap(w);
        let back = s.b.ins().ishl_imm(k, 3);
        let to = s.b.ins().isub(end, back);
        s.b.ins().store(guest(), w, to, -8);
    });
    let w = word(s, full);
    let top = s.b.ins().ishl_imm(full, 3);
    let to = s.b.ins().isub(end, top);
    let bytes = s.b.ins().band_imm(len, 7);
    s.for_each(bytes, |s, b| {
        let shift = s.b.ins().ishl_imm(b, 3);
        let byte = s.b.ins().ushr(w, shift);
        let byte = s.b.ins().ireduce(I8, byte);
        let at = s.b.ins().isub(to, b);
        s.b.ins().store(guest(), byte, at, -1);
    });
}

/// The limb at `dst` += the limb at `src` + `carry` (0 or 1); returns the carry out.
pub fn add_limb(s: &mut Shim, dst: Value, src: Value, carry: Value) -> Value {
    let mut carry = carry;
    for w in 0..4 {
        let (x, y) = (s.load(I64, dst, 8 * w), s.load(I64, src, 8 * w));
        let sum = s.b.ins().iadd(x, y);
        let c1 = s.b.ins().icmp(IntCC::UnsignedLessThan, sum, x);
        let sum2 = s.b.ins().iadd(sum, carry);
        let c2 = s.b.ins().icmp(IntCC::UnsignedLessThan, sum2, sum);
        let c = s.b.ins().bor(c1, c2);
        carry = s.b.ins().uextend(I64, c);
        s.store(sum2, dst, 8 * w);
    }
    carry
}

/// out[0..2n] = a[0..n] · b[0..n] (limbs; out apart from both): row by row, each limb pair
/// one arith256 of a_i·b_j + carry into (DL, CARRY), DL added into out[i + j].
pub fn mul(s: &mut Shim, out: Value, a: Value, b: Value, n: Value) {
    let words = s.b.ins().ishl_imm(n, 3);
    zero_words(s, out, words);
    let params = abs(s, at::PARAMS);
    let (carry, dl, zero) = (abs(s, at::CARRY), abs(s, at::DL), abs(s, at::ZERO));
    s.store(carry, params, 16);
    s.store(dl, params, 24);
    s.store(carry, params, 32);
    let four = imm(s, 4);
    s.for_each(n, |s, i| {
        let a_i = limb_at(s, a, i);
        s.store(a_i, params, 0);
        zero_words(s, carry, four);
        let row = limb_at(s, out, i);
        s.for_each(n, |s, j| {
            let b_j = limb_at(s, b, j);
            s.store(b_j, params, 8);
            s.intrinsic(Intrinsic::Arith256, &[params]);
            let to = limb_at(s, row, j);
            let none = imm(s, 0);
            let bit = add_limb(s, to, dl, none);
            // a·b + c < 2^512 − 2^256: the carry's high limb takes the bit without overflow.
            add_limb(s, carry, zero, bit);
        });
        let top = limb_at(s, row, n);
        copy_words(s, top, carry, four);
    });
}

/// Whether the `words` u64 at `a` and `b` differ (an i8).
fn differ(s: &mut Shim, a: Value, b: Value, words: Value) -> Value {
    let zero = imm(s, 0);
    let acc = var(s, ACC, zero);
    s.for_each(words, |s, k| {
        let (x, y) = (word_at(s, a, k), word_at(s, b, k));
        let (x, y) = (s.load(I64, x, 0), s.load(I64, y, 0));
        let d = s.b.ins().bxor(x, y);
        let old = s.b.use_var(acc);
        let d = s.b.ins().bor(old, d);
        s.b.def_var(acc, d);
    });
    let acc = s.b.use_var(acc);
    s.b.ins().icmp_imm(IntCC::NotEqual, acc, 0)
}

/// Whether the `words`-word integer at `a` is below the one at `b` (an i8).
pub fn less(s: &mut Shim, a: Value, b: Value, words: Value) -> Value {
    let zero = imm(s, 0);
    let acc = var(s, ACC, zero);
    // From the least significant word up: less = a_k < b_k || (a_k == b_k && less).
    s.for_each(words, |s, k| {
        let (x, y) = (word_at(s, a, k), word_at(s, b, k));
        let (x, y) = (s.load(I64, x, 0), s.load(I64, y, 0));
        let lt = s.b.ins().icmp(IntCC::UnsignedLessThan, x, y);
        let eq = s.b.ins().icmp(IntCC::Equal, x, y);
        let old = s.b.use_var(acc);
        let old = s.b.ins().ireduce(I8, old);
        let kept = s.b.ins().band(eq, old);
        let now = s.b.ins().bor(lt, kept);
        let now = s.b.ins().uextend(I64, now);
        s.b.def_var(acc, now);
    });
    let acc = s.b.use_var(acc);
    s.b.ins().icmp_imm(IntCC::NotEqual, acc, 0)
}

/// Reads a hint's next word count, trapping above `max`, then that many words to `dst`
/// (zeroed to `max` words first).
fn hinted(s: &mut Shim, dst: Value, max: Value) {
    zero_words(s, dst, max);
    let get = s.intrinsic(Intrinsic::HintGet, &[]);
    let count = s.b.inst_results(get)[0];
    let too_many = s.b.ins().icmp(IntCC::UnsignedGreaterThan, count, max);
    s.b.ins().trapnz(too_many, ir::TrapCode::UnreachableCodeReached);
    s.for_each(count, |s, k| {
        let get = s.intrinsic(Intrinsic::HintGet, &[]);
        let w = s.b.inst_results(get)[0];
        let to = word_at(s, dst, k);
        s.store(w, to, 0);
    });
}

/// R = X mod M for X (2n limbs) below M·2^(256n), so that the quotient fits n limbs: the
/// hinted quotient and remainder, checked.
pub fn reduce(s: &mut Shim, n: Value) {
    let (x, m, q, r, y, zero) = (abs(s, at::X), abs(s, at::M), abs(s, at::Q), abs(s, at::R), abs(s, at::Y), abs(s, at::ZERO));
    let (two_n, words) = (s.b.ins().ishl_imm(n, 1), s.b.ins().ishl_imm(n, 2));
    // Parameters: the dividend's word count and words, then the divisor's.
    for (value, limbs) in [(x, two_n), (m, n)] {
        let count = s.b.ins().ishl_imm(limbs, 2);
        s.intrinsic(Intrinsic::HintParam1, &[count]);
        s.for_each(limbs, |s, l| {
            let limb = limb_at(s, value, l);
            s.intrinsic(Intrinsic::HintParam4, &[limb]);
        });
    }
    s.intrinsic(Intrinsic::HintBigintDiv, &[]);
    hinted(s, q, words);
    hinted(s, r, words);
    // Y = q·m + r must be X (no carry out of 2n limbs), and r < m.
    mul(s, y, q, m, n);
    let none = imm(s, 0);
    let carry = var(s, ACC, none);
    s.for_each(two_n, |s, l| {
        let low = s.b.ins().icmp(IntCC::UnsignedLessThan, l, n);
        let r_l = limb_at(s, r, l);
        let src = s.b.ins().select(low, r_l, zero);
        let to = limb_at(s, y, l);
        let c = s.b.use_var(carry);
        let c = add_limb(s, to, src, c);
        s.b.def_var(carry, c);
    });
    let carry = s.b.use_var(carry);
    let carried = s.b.ins().icmp_imm(IntCC::NotEqual, carry, 0);
    let all = s.b.ins().ishl_imm(n, 3);
    let wrong = differ(s, y, x, all);
    let below = less(s, r, m, words);
    let bad = s.b.ins().bor(carried, wrong);
    let not_below = s.b.ins().bxor_imm(below, 1);
    let bad = s.b.ins().bor(bad, not_below);
    s.b.ins().trapnz(bad, ir::TrapCode::UnreachableCodeReached);
}
