//! Bit-exact comparison with the host's hardware floats on special values and on random operands
//! drawn to hit close exponents, subnormals, overflow and cancellation.


use super::*;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

const SPECIAL64: &[u64] = &[
    0, 1 << 63, 1, 0x000f_ffff_ffff_ffff, 0x0010_0000_0000_0000, 0x3ff0_0000_0000_0000, 0x3fe0_0000_0000_0000,
    0x3ff8_0000_0000_0000, 0x4000_0000_0000_0000, 0x7fef_ffff_ffff_ffff, 0x7ff0_0000_0000_0000, 0x7ff8_0000_0000_0000,
    0x7ff4_0000_0000_0001, 0x43e0_0000_0000_0000, 0x41e0_0000_0000_0000, 0x41f0_0000_0000_0000, 0x4330_0000_0000_0000,
    0x4338_0000_0000_0000, 0x3fe0_0000_0000_0001, 0x4004_0000_0000_0000,
];

fn special32() -> impl Iterator<Item = u32> {
    [
        0u32, 1 << 31, 1, 0x007f_ffff, 0x0080_0000, 0x3f80_0000, 0x3f00_0000, 0x3fc0_0000, 0x4000_0000, 0x7f7f_ffff,
        0x7f80_0000, 0x7fc0_0000, 0x7fa0_0001, 0x4f00_0000, 0x5f00_0000, 0x4f80_0000, 0x4b00_0000, 0x4b40_0000,
        0x3f00_0001, 0x4020_0000,
    ]
    .into_iter()
}

/// A random pattern: uniform bits, or a value whose exponent is near `near`'s, or a small integer.
fn random64(rng: &mut Rng, near: u64) -> u64 {
    let r = rng.next();
    match r % 8 {
        0 | 1 => rng.next(),
        2 | 3 | 4 => {
            let e = ((near >> 52) & 0x7ff) as i64 + (rng.next() % 120) as i64 - 60;
            let e = e.clamp(0, 0x7ff) as u64;
            (rng.next() & (1 << 63 | f64::FRAC)) | (e << 52)
        }
        5 => SPECIAL64[(rng.next() % SPECIAL64.len() as u64) as usize] ^ (rng.next() & (1 << 63)),
        6 => (rng.next() % 1000) as i64 as f64_t as u64 ^ (rng.next() & (1 << 63)),
        _ => ((rng.next() % 1000) as f64_t + 0.5).to_bits() ^ (rng.next() & (1 << 63)),
    }
}

#[allow(non_camel_case_types)]
type f64_t = std::primitive::f64;
#[allow(non_camel_case_types)]
type f32_t = std::primitive::f32;

fn random32(rng: &mut Rng, near: u32) -> u32 {
    let r = rng.next();
    match r % 8 {
        0 | 1 => rng.next() as u32,
        2 | 3 | 4 => {
            let e = ((near >> 23) & 0xff) as i64 + (rng.next() % 60) as i64 - 30;
            let e = e.clamp(0, 0xff) as u32;
            (rng.next() as u32 & (1 << 31 | f32::FRAC)) | (e << 23)
        }
        5 => special32().nth((rng.next() % 20) as usize).unwrap() ^ (rng.next() as u32 & (1 << 31)),
        6 => ((rng.next() % 1000) as f32_t).to_bits() ^ (rng.next() as u32 & (1 << 31)),
        _ => ((rng.next() % 1000) as f32_t + 0.5).to_bits() ^ (rng.next() as u32 & (1 << 31)),
    }
}

fn same64(got: u64, want: std::primitive::f64) -> bool {
    if want.is_nan() {
        f64::is_nan(got)
    } else {
        got == want.to_bits()
    }
}

fn same32(got: u32, want: std::primitive::f32) -> bool {
    if want.is_nan() {
        f32::is_nan(got)
    } else {
        got == want.to_bits()
    }
}

const N: usize = 400_000;

#[test]
fn binary64_arithmetic_matches_hardware() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for i in 0..N {
        let a = if i < SPECIAL64.len() * SPECIAL64.len() { SPECIAL64[i % SPECIAL64.len()] } else { random64(&mut rng, 0x3ff0_0000_0000_0000) };
        let b = if i < SPECIAL64.len() * SPECIAL64.len() { SPECIAL64[i / SPECIAL64.len()] } else { random64(&mut rng, a) };
        let (x, y) = (f64_t::from_bits(a), f64_t::from_bits(b));
        assert!(same64(f64_add(a, b), x + y), "add {a:#x} {b:#x}: {:#x} vs {:#x}", f64_add(a, b), (x + y).to_bits());
        assert!(same64(f64_sub(a, b), x - y), "sub {a:#x} {b:#x}");
        assert!(same64(f64_mul(a, b), x * y), "mul {a:#x} {b:#x}: {:#x} vs {:#x}", f64_mul(a, b), (x * y).to_bits());
        assert!(same64(f64_div(a, b), x / y), "div {a:#x} {b:#x}: {:#x} vs {:#x}", f64_div(a, b), (x / y).to_bits());
        assert!(same64(f64_sqrt(a), x.sqrt()), "sqrt {a:#x}: {:#x} vs {:#x}", f64_sqrt(a), x.sqrt().to_bits());
        assert_eq!(f64_eq(a, b) != 0, x == y, "eq {a:#x} {b:#x}");
        assert_eq!(f64_ne(a, b) != 0, x != y, "ne {a:#x} {b:#x}");
        assert_eq!(f64_lt(a, b) != 0, x < y, "lt {a:#x} {b:#x}");
        assert_eq!(f64_le(a, b) != 0, x <= y, "le {a:#x} {b:#x}");
        assert_eq!(f64_gt(a, b) != 0, x > y, "gt {a:#x} {b:#x}");
        assert_eq!(f64_ge(a, b) != 0, x >= y, "ge {a:#x} {b:#x}");
        assert!(same64(f64_floor(a), x.floor()), "floor {a:#x}");
        assert!(same64(f64_ceil(a), x.ceil()), "ceil {a:#x}");
        assert!(same64(f64_trunc(a), x.trunc()), "trunc {a:#x}");
        assert!(same64(f64_nearest(a), x.round_ties_even()), "nearest {a:#x}");
        assert!(same32(f32_demote_f64(a), x as f32_t), "demote {a:#x}: {:#x} vs {:#x}", f32_demote_f64(a), (x as f32_t).to_bits());
        assert_eq!(i32_trunc_sat_f64_s(a) as i32, x as i32, "trunc_sat_s32 {a:#x}");
        assert_eq!(i32_trunc_sat_f64_u(a), x as u32, "trunc_sat_u32 {a:#x}");
        assert_eq!(i64_trunc_sat_f64_s(a) as i64, x as i64, "trunc_sat_s64 {a:#x}");
        assert_eq!(i64_trunc_sat_f64_u(a), x as u64, "trunc_sat_u64 {a:#x}");
        let n = rng.next() >> (rng.next() % 64);
        assert_eq!(f64_convert_i64_u(n), (n as f64_t).to_bits(), "convert u64 {n:#x}");
        assert_eq!(f64_convert_i64_s(n as i64), (n as i64 as f64_t).to_bits(), "convert i64 {n:#x}");
        assert_eq!(f64_convert_i32_s(n as i32), (n as i32 as f64_t).to_bits());
        assert_eq!(f64_convert_i32_u(n as u32), (n as u32 as f64_t).to_bits());
    }
}

#[test]
fn binary32_arithmetic_matches_hardware() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let specials: std::vec::Vec<u32> = special32().collect();
    for i in 0..N {
        let a = if i < specials.len() * specials.len() { specials[i % specials.len()] } else { random32(&mut rng, 0x3f80_0000) };
        let b = if i < specials.len() * specials.len() { specials[i / specials.len()] } else { random32(&mut rng, a) };
        let (x, y) = (f32_t::from_bits(a), f32_t::from_bits(b));
        assert!(same32(f32_add(a, b), x + y), "add {a:#x} {b:#x}: {:#x} vs {:#x}", f32_add(a, b), (x + y).to_bits());
        assert!(same32(f32_sub(a, b), x - y), "sub {a:#x} {b:#x}");
        assert!(same32(f32_mul(a, b), x * y), "mul {a:#x} {b:#x}: {:#x} vs {:#x}", f32_mul(a, b), (x * y).to_bits());
        assert!(same32(f32_div(a, b), x / y), "div {a:#x} {b:#x}");
        assert!(same32(f32_sqrt(a), x.sqrt()), "sqrt {a:#x}: {:#x} vs {:#x}", f32_sqrt(a), x.sqrt().to_bits());
        assert_eq!(f32_lt(a, b) != 0, x < y, "lt {a:#x} {b:#x}");
        assert_eq!(f32_le(a, b) != 0, x <= y, "le {a:#x} {b:#x}");
        assert_eq!(f32_eq(a, b) != 0, x == y, "eq {a:#x} {b:#x}");
        assert!(same32(f32_floor(a), x.floor()), "floor {a:#x}");
        assert!(same32(f32_ceil(a), x.ceil()), "ceil {a:#x}");
        assert!(same32(f32_trunc(a), x.trunc()), "trunc {a:#x}");
        assert!(same32(f32_nearest(a), x.round_ties_even()), "nearest {a:#x}");
        assert!(same64(f64_promote_f32(a), x as f64_t), "promote {a:#x}");
        assert_eq!(i32_trunc_sat_f32_s(a) as i32, x as i32);
        assert_eq!(i32_trunc_sat_f32_u(a), x as u32);
        assert_eq!(i64_trunc_sat_f32_s(a) as i64, x as i64);
        assert_eq!(i64_trunc_sat_f32_u(a), x as u64);
        let n = rng.next() >> (rng.next() % 64);
        assert_eq!(f32_convert_i64_u(n), (n as f32_t).to_bits(), "convert u64 {n:#x}");
        assert_eq!(f32_convert_i64_s(n as i64), (n as i64 as f32_t).to_bits(), "convert i64 {n:#x}");
        assert_eq!(f32_convert_i32_s(n as i32), (n as i32 as f32_t).to_bits(), "convert i32 {n:#x}");
        assert_eq!(f32_convert_i32_u(n as u32), (n as u32 as f32_t).to_bits(), "convert u32 {n:#x}");
    }
}

#[test]
fn nan_results_follow_webassembly() {
    // Invalid operations give the canonical NaN; NaN operands come back quieted.
    assert_eq!(f64_sub(f64::INF, f64::INF) & f64::ABS, f64::NAN);
    assert_eq!(f32_mul(0, f32::INF) & f32::ABS, f32::NAN);
    assert_eq!(f32_add(0x7fa0_0001, 0x3f80_0000), 0x7fe0_0001);
    assert_eq!(f64_sqrt(0xbff0_0000_0000_0000) & f64::ABS, f64::NAN);
    assert_eq!(f32_demote_f64(0x7ff8_0000_0000_0000), 0x7fc0_0000);
    assert_eq!(f64_promote_f32(0x7fc0_0000), 0x7ff8_0000_0000_0000);
    assert_eq!(f32_min(0, 0x8000_0000), 0x8000_0000);
    assert_eq!(f32_max(0, 0x8000_0000), 0);
}

#[test]
fn trapping_conversions_report_the_right_fault() {
    assert_eq!(f64::to_int(f64::NAN, true, 32), Err(format::ToIntError::NotANumber));
    assert_eq!(f64::to_int(0x41e0_0000_0000_0000, true, 32), Err(format::ToIntError::Overflow { negative: false }));
    assert_eq!(f64::to_int(0xc1e0_0000_0000_0000, true, 32), Ok((-2147483648i64) as u64));
    assert_eq!(f64::to_int(0xbfef_ffff_ffff_ffff, false, 32), Ok(0));
    assert_eq!(f32::to_int(0xbf80_0000, false, 64), Err(format::ToIntError::Overflow { negative: true }));
}
