//! With feature `accelerated`, the Ethereum precompiles ZisK accelerates run through the
//! zkVM accelerators (`ziskos_bindings::accel`), as Ethereum guests on ZisK do: ecrecover
//! (0x01), sha256 (0x02), modexp (0x05), bn254 add (0x06) and mul (0x07). Each keeps revm
//! 14's interface exactly: input right-padded, the same gas, the same empty output or error on
//! bad input.
//! The block this benchmark runs calls ecrecover twice (10% of its cost in software).

use alloc::sync::Arc;
use alloy_primitives::{keccak256, Bytes};
use revm::handler::register::EvmHandler;
use revm::precompile::modexp::{berlin_gas_calc, berlin_run};
use revm::precompile::utilities::{left_pad, right_pad, right_pad_vec, right_pad_with_offset};
use revm::precompile::{calc_linear_cost_u32, u64_to_address, PrecompileWithAddress};
use revm::primitives::{Precompile, PrecompileError, PrecompileOutput, PrecompileResult, U256};
use revm::Database;
use ziskos_bindings::accel;

/// Replaces revm's software precompiles with the accelerated ones (a handler register).
pub fn register<EXT, DB: Database>(handler: &mut EvmHandler<'_, EXT, DB>) {
    let software = handler.pre_execution.load_precompiles.clone();
    handler.pre_execution.load_precompiles = Arc::new(move || {
        let mut precompiles = software();
        precompiles.extend([
            PrecompileWithAddress(u64_to_address(1), Precompile::Standard(ecrecover)),
            PrecompileWithAddress(u64_to_address(2), Precompile::Standard(sha256)),
            PrecompileWithAddress(u64_to_address(5), Precompile::Standard(modexp)),
            PrecompileWithAddress(u64_to_address(6), Precompile::Standard(bn254_add)),
            PrecompileWithAddress(u64_to_address(7), Precompile::Standard(bn254_mul)),
        ]);
        precompiles
    });
}

fn charge(cost: u64, gas_limit: u64) -> Result<(), PrecompileError> {
    if cost > gas_limit {
        return Err(PrecompileError::OutOfGas);
    }
    Ok(())
}

/// hash ‖ v (27 or 28, as a 32-byte integer) ‖ r ‖ s → the signer's address left-padded to
/// 32 bytes, or nothing (high s is accepted, as in revm).
fn ecrecover(input: &Bytes, gas_limit: u64) -> PrecompileResult {
    const GAS: u64 = 3_000;
    charge(GAS, gas_limit)?;
    let input = right_pad::<128>(input);
    let v_ok = input[32..63].iter().all(|&b| b == 0) && matches!(input[63], 27 | 28);
    let key = v_ok.then(|| accel::secp256k1_ecrecover(input[..32].try_into().unwrap(), input[64..].try_into().unwrap(), input[63] - 27));
    let out = match key.flatten() {
        Some(key) => {
            let mut address = keccak256(key);
            address[..12].fill(0);
            Bytes::copy_from_slice(address.as_slice())
        }
        None => Bytes::new(),
    };
    Ok(PrecompileOutput::new(GAS, out))
}

fn sha256(input: &Bytes, gas_limit: u64) -> PrecompileResult {
    let cost = calc_linear_cost_u32(input.len(), 60, 12);
    charge(cost, gas_limit)?;
    Ok(PrecompileOutput::new(cost, Bytes::copy_from_slice(&accel::sha256(input))))
}

/// EIP-198 under Berlin's gas (EIP-2565; the benchmark runs Shanghai), as revm's
/// `berlin_run`: three 32-byte big-endian lengths, then base, exponent and modulus, the input
/// right-padded; the result left-padded to the modulus length. Lengths beyond usize and moduli
/// above the accelerator's 1024 bytes (ZisK's division hint holds no more) go to revm's own
/// code, which then also decides their errors.
fn modexp(input: &Bytes, gas_limit: u64) -> PrecompileResult {
    const MIN_GAS: u64 = 200;
    charge(MIN_GAS, gas_limit)?;
    let length = |at: usize| usize::try_from(U256::from_be_bytes(right_pad_with_offset::<32>(input, at).into_owned()));
    let (Ok(base_len), Ok(exp_len), Ok(mod_len)) = (length(0), length(32), length(64)) else { return berlin_run(input, gas_limit) };
    if mod_len > 1024 {
        return berlin_run(input, gas_limit);
    }
    if base_len == 0 && mod_len == 0 {
        return Ok(PrecompileOutput::new(MIN_GAS, Bytes::new()));
    }
    let body = input.get(96..).unwrap_or_default();
    // The exponent's first 32 bytes (fewer if it is shorter) price the call.
    let head = right_pad_with_offset::<32>(body, base_len);
    let head = U256::from_be_bytes(left_pad::<32>(&head[..exp_len.min(32)]).into_owned());
    let gas = berlin_gas_calc(base_len as u64, exp_len as u64, mod_len as u64, &head);
    charge(gas, gas_limit)?;
    let body = right_pad_vec(body, base_len.saturating_add(exp_len).saturating_add(mod_len));
    let (base, rest) = body.split_at(base_len);
    let (exp, modulus) = rest.split_at(exp_len);
    Ok(PrecompileOutput::new(gas, accel::modexp(base, exp, &modulus[..mod_len]).into()))
}

/// A point that is not on the curve fails the call (its gas is spent), as in revm.
fn bn254_result(point: Option<[u8; 64]>, gas: u64) -> PrecompileResult {
    match point {
        Some(p) => Ok(PrecompileOutput::new(gas, Bytes::copy_from_slice(&p))),
        None => Err(PrecompileError::Bn128AffineGFailedToCreate.into()),
    }
}

fn bn254_add(input: &Bytes, gas_limit: u64) -> PrecompileResult {
    const GAS: u64 = 150;
    charge(GAS, gas_limit)?;
    let input = right_pad::<128>(input);
    bn254_result(accel::bn254_g1_add(input[..64].try_into().unwrap(), input[64..].try_into().unwrap()), GAS)
}

fn bn254_mul(input: &Bytes, gas_limit: u64) -> PrecompileResult {
    const GAS: u64 = 6_000;
    charge(GAS, gas_limit)?;
    let input = right_pad::<96>(input);
    bn254_result(accel::bn254_g1_mul(input[..64].try_into().unwrap(), input[64..].try_into().unwrap()), GAS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    /// On the host nothing provides alloy's `native-keccak` hook: the bindings' software.
    #[no_mangle]
    extern "C" fn native_keccak256(data: *const u8, len: usize, out: *mut u8) {
        // SAFETY: alloy passes a readable `data` of `len` bytes and a writable 32-byte `out`.
        let digest = accel::keccak256(unsafe { core::slice::from_raw_parts(data, len) });
        unsafe { core::ptr::copy_nonoverlapping(digest.as_ptr(), out, 32) };
    }

    fn call(base: &[u8], exp: &[u8], modulus: &[u8], tail: usize) -> Bytes {
        let mut input = Vec::new();
        for len in [base.len(), exp.len(), modulus.len()] {
            input.extend_from_slice(&U256::from(len).to_be_bytes::<32>());
        }
        input.extend_from_slice(base);
        input.extend_from_slice(exp);
        input.extend_from_slice(modulus);
        // Short inputs are right-padded.
        input.truncate(input.len() - tail);
        input.into()
    }

    /// The accelerated modexp answers, charges and fails exactly as revm's Berlin one.
    #[test]
    fn modexp_is_revms() {
        let p = [0xffu8; 32];
        let inputs = [
            call(&[3], &[0xff; 32], &p, 0),
            call(&[3], &[5], &[], 0),
            call(&[], &[], &[], 0),
            call(&[7; 70], &[1, 0, 1], &[0xab; 64], 0),
            call(&[7; 70], &[1, 0, 1], &[0xab; 64], 10),
            call(&[2], &[9], &[0, 0, 1], 0),
            call(&[2], &[0; 40], &[0xcd; 1100], 0),
            Bytes::from_static(&[0xff; 40]),
        ];
        for input in &inputs {
            for gas in [100, 250, 10_000_000] {
                assert_eq!(modexp(input, gas), berlin_run(input, gas), "{input} with {gas} gas");
            }
        }
    }
}
