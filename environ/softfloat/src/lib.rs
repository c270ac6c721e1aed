//! Soft-float runtime for zisk-wasm.
//!
//! ZisK has no floating-point hardware. The environ rewrites a module's f32/f64 values to their
//! i32/i64 bit patterns and each float instruction to a call of the export named after it
//! (`f64.add` → `f64_add`); this crate, compiled to wasm32 and merged into the module, is what
//! those calls reach. It uses integer operations only and no linear memory, so it runs through
//! the same compiler as the guest on every route. `abs`, `neg` and the reinterpretations need no
//! call; the environ inlines them as bit operations.
//!
//! Traps of the trapping conversions go through two imports of module `zisk_softfloat`, which
//! the environ implements as the matching WebAssembly traps.
#![cfg_attr(all(target_arch = "wasm32", not(test)), no_std)]

pub mod format;

use format::{f32, f64, Rounding};

#[cfg(all(target_arch = "wasm32", not(test)))]
mod wasm {
    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        core::arch::wasm32::unreachable()
    }

    #[link(wasm_import_module = "zisk_softfloat")]
    extern "C" {
        fn invalid_conversion_to_integer() -> !;
        fn integer_overflow() -> !;
    }

    pub fn trap(e: super::format::ToIntError) -> ! {
        // SAFETY: the environ implements both imports as traps; they never return.
        unsafe {
            match e {
                super::format::ToIntError::NotANumber => invalid_conversion_to_integer(),
                super::format::ToIntError::Overflow { .. } => integer_overflow(),
            }
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", not(test))))]
mod wasm {
    pub fn trap(e: super::format::ToIntError) -> ! {
        panic!("trap: {e:?}")
    }
}

macro_rules! arithmetic {
    ($fmt:ident, $U:ty: $($export:ident = $op:ident),*) => {
        $(
            #[no_mangle]
            pub extern "C" fn $export(a: $U, b: $U) -> $U {
                $fmt::$op(a, b)
            }
        )*
    };
}
arithmetic!(f32, u32: f32_add = add, f32_sub = sub, f32_mul = mul, f32_div = div, f32_min = min, f32_max = max);
arithmetic!(f64, u64: f64_add = add, f64_sub = sub, f64_mul = mul, f64_div = div, f64_min = min, f64_max = max);

macro_rules! comparisons {
    ($fmt:ident, $U:ty: $eq:ident, $ne:ident, $lt:ident, $gt:ident, $le:ident, $ge:ident) => {
        #[no_mangle]
        pub extern "C" fn $eq(a: $U, b: $U) -> u32 {
            $fmt::eq(a, b) as u32
        }
        #[no_mangle]
        pub extern "C" fn $ne(a: $U, b: $U) -> u32 {
            !$fmt::eq(a, b) as u32
        }
        #[no_mangle]
        pub extern "C" fn $lt(a: $U, b: $U) -> u32 {
            $fmt::lt(a, b) as u32
        }
        #[no_mangle]
        pub extern "C" fn $gt(a: $U, b: $U) -> u32 {
            $fmt::lt(b, a) as u32
        }
        #[no_mangle]
        pub extern "C" fn $le(a: $U, b: $U) -> u32 {
            $fmt::le(a, b) as u32
        }
        #[no_mangle]
        pub extern "C" fn $ge(a: $U, b: $U) -> u32 {
            $fmt::le(b, a) as u32
        }
    };
}
comparisons!(f32, u32: f32_eq, f32_ne, f32_lt, f32_gt, f32_le, f32_ge);
comparisons!(f64, u64: f64_eq, f64_ne, f64_lt, f64_gt, f64_le, f64_ge);

macro_rules! unary {
    ($fmt:ident, $U:ty: $sqrt:ident, $copysign:ident, $($export:ident = $mode:ident),*) => {
        #[no_mangle]
        pub extern "C" fn $sqrt(a: $U) -> $U {
            $fmt::sqrt(a)
        }
        #[no_mangle]
        pub extern "C" fn $copysign(a: $U, b: $U) -> $U {
            (a & $fmt::ABS) | (b & $fmt::SIGN)
        }
        $(
            #[no_mangle]
            pub extern "C" fn $export(a: $U) -> $U {
                $fmt::round_int(a, Rounding::$mode)
            }
        )*
    };
}
unary!(f32, u32: f32_sqrt, f32_copysign, f32_ceil = Ceil, f32_floor = Floor, f32_trunc = Trunc, f32_nearest = Nearest);
unary!(f64, u64: f64_sqrt, f64_copysign, f64_ceil = Ceil, f64_floor = Floor, f64_trunc = Trunc, f64_nearest = Nearest);

macro_rules! to_int {
    ($($trapping:ident, $saturating:ident = $fmt:ident($U:ty) -> $R:ty, $signed:expr, $bits:expr);*) => {
        $(
            #[no_mangle]
            pub extern "C" fn $trapping(a: $U) -> $R {
                match $fmt::to_int(a, $signed, $bits) {
                    Ok(v) => v as $R,
                    Err(e) => wasm::trap(e),
                }
            }
            #[no_mangle]
            pub extern "C" fn $saturating(a: $U) -> $R {
                $fmt::to_int_sat(a, $signed, $bits) as $R
            }
        )*
    };
}
to_int!(
    i32_trunc_f32_s, i32_trunc_sat_f32_s = f32(u32) -> u32, true, 32;
    i32_trunc_f32_u, i32_trunc_sat_f32_u = f32(u32) -> u32, false, 32;
    i32_trunc_f64_s, i32_trunc_sat_f64_s = f64(u64) -> u32, true, 32;
    i32_trunc_f64_u, i32_trunc_sat_f64_u = f64(u64) -> u32, false, 32;
    i64_trunc_f32_s, i64_trunc_sat_f32_s = f32(u32) -> u64, true, 64;
    i64_trunc_f32_u, i64_trunc_sat_f32_u = f32(u32) -> u64, false, 64;
    i64_trunc_f64_s, i64_trunc_sat_f64_s = f64(u64) -> u64, true, 64;
    i64_trunc_f64_u, i64_trunc_sat_f64_u = f64(u64) -> u64, false, 64
);

macro_rules! from_int {
    ($($export:ident = $fmt:ident <- $A:ty, $convert:expr);*) => {
        $(
            #[no_mangle]
            pub extern "C" fn $export(a: $A) -> $fmt::U {
                let convert: fn($A) -> $fmt::U = $convert;
                convert(a)
            }
        )*
    };
}
from_int!(
    f32_convert_i32_s = f32 <- i32, |a| f32::from_i64(a as i64);
    f32_convert_i32_u = f32 <- u32, |a| f32::from_u64(a as u64, 0);
    f32_convert_i64_s = f32 <- i64, f32::from_i64;
    f32_convert_i64_u = f32 <- u64, |a| f32::from_u64(a, 0);
    f64_convert_i32_s = f64 <- i32, |a| f64::from_i64(a as i64);
    f64_convert_i32_u = f64 <- u32, |a| f64::from_u64(a as u64, 0);
    f64_convert_i64_s = f64 <- i64, f64::from_i64;
    f64_convert_i64_u = f64 <- u64, |a| f64::from_u64(a, 0)
);

#[no_mangle]
pub extern "C" fn f32_demote_f64(a: u64) -> u32 {
    format::demote(a)
}

#[no_mangle]
pub extern "C" fn f64_promote_f32(a: u32) -> u64 {
    format::promote(a)
}

#[cfg(test)]
mod tests;
