//! One IEEE-754 binary format (binary32 or binary64) on its bit pattern, integer operations only.
//!
//! Every arithmetic result is rounded to nearest, ties to even. NaN rules follow WebAssembly:
//! a NaN operand comes back quieted (an arithmetic NaN; a canonical NaN stays canonical), an
//! invalid operation gives the canonical NaN.
//!
//! Internally a finite value is `(e, m)`: a biased exponent (which may drop to zero or below
//! for subnormals) and a significand whose leading one sits at bit `S + 3` when it is handed
//! to [`round_pack`]; the three low bits are guard, round and sticky.

macro_rules! ieee_format {
    ($name:ident, $U:ty, $frac_bits:expr, $exp_bits:expr) => {
        pub mod $name {
            pub type U = $U;
            pub const BITS: u32 = <$U>::BITS;
            /// Fraction bits.
            pub const S: u32 = $frac_bits;
            pub const SIGN: U = 1 << (BITS - 1);
            pub const ABS: U = !SIGN;
            pub const MAXE: i32 = (1 << $exp_bits) - 1;
            pub const BIAS: i32 = MAXE >> 1;
            pub const IMPLICIT: U = 1 << S;
            pub const FRAC: U = IMPLICIT - 1;
            pub const INF: U = (MAXE as U) << S;
            pub const QUIET: U = IMPLICIT >> 1;
            /// The canonical NaN.
            pub const NAN: U = INF | QUIET;
            const ONE: U = (BIAS as U) << S;
            const HALF: U = ((BIAS - 1) as U) << S;

            #[inline(always)]
            pub fn is_nan(a: U) -> bool {
                a & ABS > INF
            }

            #[inline(always)]
            fn quiet(a: U) -> U {
                a | QUIET
            }

            /// The result of a two-operand operation with a NaN operand: the first NaN, quieted.
            #[inline(always)]
            fn nan_operand(a: U, b: U) -> Option<U> {
                if is_nan(a) {
                    Some(quiet(a))
                } else if is_nan(b) {
                    Some(quiet(b))
                } else {
                    None
                }
            }

            /// `m >> shift` with the bits shifted out folded into bit 0 (sticky).
            #[inline(always)]
            fn shift_right_sticky(m: U, shift: u32) -> U {
                if shift == 0 {
                    m
                } else if shift >= BITS {
                    (m != 0) as U
                } else {
                    (m >> shift) | ((m << (BITS - shift)) != 0) as U
                }
            }

            /// Exponent and significand (implicit bit included) of a finite non-zero value,
            /// subnormals normalized so the leading one is at bit S.
            #[inline(always)]
            pub fn unpack(a: U) -> (i32, U) {
                let e = ((a & ABS) >> S) as i32;
                let f = a & FRAC;
                if e == 0 {
                    let shift = f.leading_zeros() - IMPLICIT.leading_zeros();
                    (1 - shift as i32, f << shift)
                } else {
                    (e, f | IMPLICIT)
                }
            }

            /// Exponent and significand without normalizing subnormals (exponent 1, no
            /// implicit bit): what addition aligns.
            #[inline(always)]
            fn unpack_raw(a: U) -> (i32, U) {
                let e = ((a & ABS) >> S) as i32;
                if e == 0 {
                    (1, a & FRAC)
                } else {
                    (e, (a & FRAC) | IMPLICIT)
                }
            }

            /// Rounds `m` (leading one at bit S+3, or lower only when `e` is 1 for a subnormal
            /// sum) to nearest even and packs it with `sign`; overflow gives infinity.
            pub fn round_pack(sign: U, mut e: i32, mut m: U) -> U {
                if e >= MAXE {
                    return sign | INF;
                }
                if e <= 0 {
                    m = shift_right_sticky(m, (1 - e) as u32);
                    e = 1;
                }
                let low = m & 7;
                m >>= 3;
                if low > 4 || (low == 4 && m & 1 != 0) {
                    m += 1;
                }
                // With the implicit bit in `m`, exponent e is stored as e - 1; a carry out of
                // the significand bumps the exponent, a subnormal that rounds up becomes normal.
                let r = (((e - 1) as U) << S) + m;
                if r >= INF {
                    sign | INF
                } else {
                    sign | r
                }
            }

            pub fn add(a: U, b: U) -> U {
                let (aa, ba) = (a & ABS, b & ABS);
                if let Some(nan) = nan_operand(a, b) {
                    return nan;
                }
                if aa == INF {
                    return if ba == INF && (a ^ b) & SIGN != 0 { NAN } else { a };
                }
                if ba == INF {
                    return b;
                }
                if aa == 0 {
                    return if ba == 0 { a & b } else { b };
                }
                if ba == 0 {
                    return a;
                }
                let (x, y) = if aa >= ba { (a, b) } else { (b, a) };
                let (ex, mx) = unpack_raw(x);
                let (ey, my) = unpack_raw(y);
                let (mx, my) = (mx << 3, shift_right_sticky(my << 3, (ex - ey) as u32));
                let mut e = ex;
                let mut m;
                if (a ^ b) & SIGN == 0 {
                    m = mx + my;
                    if m & (IMPLICIT << 4) != 0 {
                        m = (m >> 1) | (m & 1);
                        e += 1;
                    }
                } else {
                    m = mx - my;
                    if m == 0 {
                        return 0;
                    }
                    let shift = m.leading_zeros() as i32 - (IMPLICIT << 3).leading_zeros() as i32;
                    if shift > 0 {
                        m <<= shift;
                        e -= shift;
                    }
                }
                round_pack(x & SIGN, e, m)
            }

            pub fn sub(a: U, b: U) -> U {
                add(a, b ^ SIGN)
            }

            pub fn mul(a: U, b: U) -> U {
                let (aa, ba) = (a & ABS, b & ABS);
                let sign = (a ^ b) & SIGN;
                if let Some(nan) = nan_operand(a, b) {
                    return nan;
                }
                if aa == INF {
                    return if ba == 0 { NAN } else { sign | INF };
                }
                if ba == INF {
                    return if aa == 0 { NAN } else { sign | INF };
                }
                if aa == 0 || ba == 0 {
                    return sign;
                }
                let (ea, ma) = unpack(a);
                let (eb, mb) = unpack(b);
                // Leading ones at BITS-1 and S+3: the product's high half has its leading one
                // at S+3 or S+2.
                let (mut hi, mut lo) = super::wide_mul::$name(ma << (BITS - 1 - S), mb << 3);
                let mut e = ea + eb - BIAS + 1;
                if hi & (IMPLICIT << 3) == 0 {
                    hi = (hi << 1) | (lo >> (BITS - 1));
                    lo <<= 1;
                    e -= 1;
                }
                round_pack(sign, e, hi | (lo != 0) as U)
            }

            pub fn div(a: U, b: U) -> U {
                let (aa, ba) = (a & ABS, b & ABS);
                let sign = (a ^ b) & SIGN;
                if let Some(nan) = nan_operand(a, b) {
                    return nan;
                }
                if aa == INF {
                    return if ba == INF { NAN } else { sign | INF };
                }
                if ba == INF {
                    return sign;
                }
                if ba == 0 {
                    return if aa == 0 { NAN } else { sign | INF };
                }
                if aa == 0 {
                    return sign;
                }
                let (ea, mut ma) = unpack(a);
                let (eb, mb) = unpack(b);
                let mut e = ea - eb + BIAS;
                if ma < mb {
                    ma <<= 1;
                    e -= 1;
                }
                // Restoring division: S+4 quotient bits, the first one at bit S+3.
                let mut q: U = 0;
                let mut r = ma;
                for _ in 0..S + 4 {
                    q <<= 1;
                    if r >= mb {
                        r -= mb;
                        q |= 1;
                    }
                    r <<= 1;
                }
                round_pack(sign, e, q | (r != 0) as U)
            }

            pub fn sqrt(a: U) -> U {
                if is_nan(a) {
                    return quiet(a);
                }
                if a & ABS == 0 {
                    return a;
                }
                if a & SIGN != 0 {
                    return NAN;
                }
                if a == INF {
                    return a;
                }
                let (e, m) = unpack(a);
                let unbiased = e - BIAS;
                let odd = (unbiased & 1) as u32;
                // Digit by digit: the root Q of m·2^(S+6+odd) bit by bit from bit S+3, keeping
                // the remainder scaled by the current bit so everything fits in U.
                let mut rest = (m << odd) << 3;
                let (mut root, mut twice_root): (U, U) = (0, 0);
                let mut bit: U = 1 << (S + 3);
                while bit != 0 {
                    let t = twice_root + bit;
                    if t <= rest {
                        twice_root = t + bit;
                        rest -= t;
                        root += bit;
                    }
                    rest <<= 1;
                    bit >>= 1;
                }
                round_pack(0, BIAS + ((unbiased - odd as i32) >> 1), root | (rest != 0) as U)
            }

            /// Integer order of non-NaN values (zeros excepted: -0 sorts below +0).
            #[inline(always)]
            fn key(a: U) -> U {
                if a & SIGN != 0 {
                    !a
                } else {
                    a | SIGN
                }
            }

            pub fn eq(a: U, b: U) -> bool {
                !is_nan(a) && !is_nan(b) && (a == b || (a | b) & ABS == 0)
            }

            pub fn lt(a: U, b: U) -> bool {
                !is_nan(a) && !is_nan(b) && (a | b) & ABS != 0 && key(a) < key(b)
            }

            pub fn le(a: U, b: U) -> bool {
                !is_nan(a) && !is_nan(b) && ((a | b) & ABS == 0 || key(a) <= key(b))
            }

            pub fn min(a: U, b: U) -> U {
                if let Some(nan) = nan_operand(a, b) {
                    return nan;
                }
                if (a | b) & ABS == 0 {
                    return a | b;
                }
                if lt(b, a) {
                    b
                } else {
                    a
                }
            }

            pub fn max(a: U, b: U) -> U {
                if let Some(nan) = nan_operand(a, b) {
                    return nan;
                }
                if (a | b) & ABS == 0 {
                    return a & b;
                }
                if lt(a, b) {
                    b
                } else {
                    a
                }
            }

            /// Rounds to an integral value in `mode`.
            pub fn round_int(a: U, mode: super::Rounding) -> U {
                use super::Rounding::*;
                let aa = a & ABS;
                if aa > INF {
                    return quiet(a);
                }
                let e = (aa >> S) as i32 - BIAS;
                if e >= S as i32 {
                    return a;
                }
                let negative = a & SIGN != 0;
                if e < 0 {
                    if aa == 0 {
                        return a;
                    }
                    let up = match mode {
                        Trunc => false,
                        Floor => negative,
                        Ceil => !negative,
                        Nearest => aa > HALF,
                    };
                    return (a & SIGN) | if up { ONE } else { 0 };
                }
                let frac_mask = FRAC >> e;
                let frac = a & frac_mask;
                if frac == 0 {
                    return a;
                }
                let unit = frac_mask + 1;
                let up = match mode {
                    Trunc => false,
                    Floor => negative,
                    Ceil => !negative,
                    Nearest => {
                        let half = unit >> 1;
                        frac > half || (frac == half && a & unit != 0)
                    }
                };
                // Adding one unit to the magnitude may carry into the exponent: still exact.
                let base = a & !frac_mask;
                if up {
                    base + unit
                } else {
                    base
                }
            }

            /// `v` (a magnitude) with `sign`, rounded to this format.
            pub fn from_u64(v: u64, sign: U) -> U {
                if v == 0 {
                    return 0;
                }
                let lz = v.leading_zeros();
                let n = v << lz;
                let shift = 63 - (S + 3);
                let m = (n >> shift) as U | ((n << (64 - shift)) != 0) as U;
                round_pack(sign, BIAS + 63 - lz as i32, m)
            }

            pub fn from_i64(v: i64) -> U {
                from_u64(v.unsigned_abs(), if v < 0 { SIGN } else { 0 })
            }

            /// Truncates toward zero into a `bits`-wide integer (returned as u64, two's
            /// complement when signed).
            #[inline(always)]
            pub fn to_int(a: U, signed: bool, bits: u32) -> Result<u64, super::ToIntError> {
                use super::ToIntError::*;
                if is_nan(a) {
                    return Err(NotANumber);
                }
                let negative = a & SIGN != 0;
                let aa = a & ABS;
                let e = (aa >> S) as i32 - BIAS;
                let magnitude = if e < 0 {
                    0
                } else if e >= 64 {
                    return Err(Overflow { negative });
                } else {
                    let m = ((aa & FRAC) | IMPLICIT) as u64;
                    if e >= S as i32 {
                        m << (e as u32 - S)
                    } else {
                        m >> (S - e as u32)
                    }
                };
                if signed {
                    let limit = 1u64 << (bits - 1);
                    if negative {
                        if magnitude > limit {
                            return Err(Overflow { negative });
                        }
                        Ok(magnitude.wrapping_neg())
                    } else if magnitude >= limit {
                        Err(Overflow { negative })
                    } else {
                        Ok(magnitude)
                    }
                } else if negative {
                    if magnitude == 0 {
                        Ok(0)
                    } else {
                        Err(Overflow { negative })
                    }
                } else if bits < 64 && magnitude >> bits != 0 {
                    Err(Overflow { negative })
                } else {
                    Ok(magnitude)
                }
            }

            /// [`to_int`] saturating: NaN is 0, out of range clamps.
            #[inline(always)]
            pub fn to_int_sat(a: U, signed: bool, bits: u32) -> u64 {
                match to_int(a, signed, bits) {
                    Ok(v) => v,
                    Err(super::ToIntError::NotANumber) => 0,
                    Err(super::ToIntError::Overflow { negative }) => match (signed, negative) {
                        (true, true) => (1u64 << (bits - 1)).wrapping_neg(),
                        (true, false) => (1u64 << (bits - 1)) - 1,
                        (false, true) => 0,
                        (false, false) => u64::MAX >> (64 - bits),
                    },
                }
            }
        }
    };
}

ieee_format!(f32, u32, 23, 8);
ieee_format!(f64, u64, 52, 11);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    Trunc,
    Floor,
    Ceil,
    Nearest,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToIntError {
    NotANumber,
    Overflow { negative: bool },
}

/// Full products, written with 32-bit halves: a 128-bit multiply would become a libcall that
/// passes its result through linear memory.
mod wide_mul {
    #[inline(always)]
    pub fn f32(a: u32, b: u32) -> (u32, u32) {
        let p = a as u64 * b as u64;
        ((p >> 32) as u32, p as u32)
    }

    #[inline(always)]
    pub fn f64(a: u64, b: u64) -> (u64, u64) {
        const LOW: u64 = 0xffff_ffff;
        let (a1, a0) = (a >> 32, a & LOW);
        let (b1, b0) = (b >> 32, b & LOW);
        let p00 = a0 * b0;
        let p01 = a0 * b1;
        let p10 = a1 * b0;
        let p11 = a1 * b1;
        let mid = (p00 >> 32) + (p01 & LOW) + (p10 & LOW);
        ((p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)), (p00 & LOW) | (mid << 32))
    }
}

/// binary64 → binary32, rounded; NaN payloads keep their top bits.
pub fn demote(a: u64) -> u32 {
    let sign = ((a >> 32) as u32) & f32::SIGN;
    let aa = a & f64::ABS;
    if aa > f64::INF {
        return sign | f32::NAN | ((aa >> 29) as u32 & f32::FRAC);
    }
    if aa == f64::INF {
        return sign | f32::INF;
    }
    if aa == 0 {
        return sign;
    }
    let (e, m) = f64::unpack(a);
    let m32 = (m >> 26) as u32 | ((m << 38) != 0) as u32;
    f32::round_pack(sign, e - f64::BIAS + f32::BIAS, m32)
}

/// binary32 → binary64, exact.
pub fn promote(a: u32) -> u64 {
    let sign = ((a & f32::SIGN) as u64) << 32;
    let aa = a & f32::ABS;
    if aa > f32::INF {
        return sign | f64::NAN | ((aa & f32::FRAC) as u64) << 29;
    }
    if aa == f32::INF {
        return sign | f64::INF;
    }
    if aa == 0 {
        return sign;
    }
    let (e, m) = f32::unpack(a);
    sign | (((e - f32::BIAS + f64::BIAS) as u64) << 52) | (((m as u64) << 29) & f64::FRAC)
}
