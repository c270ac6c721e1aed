//! With feature `accelerated`, the Ethereum precompiles ZisK accelerates run through the
//! zkVM accelerators (`ziskos_bindings::accel`), as Ethereum guests on ZisK do: ecrecover
//! (0x01), sha256 (0x02), ripemd160 (0x03), modexp (0x05), bn254 add (0x06), mul (0x07) and pairing (0x08). Each keeps revm
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
            PrecompileWithAddress(u64_to_address(3), Precompile::Standard(ripemd160)),
            PrecompileWithAddress(u64_to_address(5), Precompile::Standard(modexp)),
            PrecompileWithAddress(u64_to_address(6), Precompile::Standard(bn254_add)),
            PrecompileWithAddress(u64_to_address(7), Precompile::Standard(bn254_mul)),
            PrecompileWithAddress(u64_to_address(8), Precompile::Standard(bn254_pairing)),
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

/// The digest left-padded to 32 bytes (the accelerator's own output).
fn ripemd160(input: &Bytes, gas_limit: u64) -> PrecompileResult {
    let cost = calc_linear_cost_u32(input.len(), 600, 120);
    charge(cost, gas_limit)?;
    let mut word = [0u8; 32];
    word[12..].copy_from_slice(&accel::ripemd160(input));
    Ok(PrecompileOutput::new(cost, Bytes::copy_from_slice(&word)))
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

/// EIP-197 under Istanbul's gas: whole 192-byte pairs, a 32-byte 1 or 0. An invalid point
/// fails the call (all its gas spent) as in revm; revm names a coordinate ≥ p
/// `Bn128FieldPointNotAMember` and every other refusal `Bn128AffineGFailedToCreate`, the
/// accelerator tells no such difference and the EVM none either (a failed call is a failed
/// call).
fn bn254_pairing(input: &Bytes, gas_limit: u64) -> PrecompileResult {
    const PAIR: usize = 192;
    let gas = (input.len() / PAIR) as u64 * 34_000 + 45_000;
    charge(gas, gas_limit)?;
    if input.len() % PAIR != 0 {
        return Err(PrecompileError::Bn128PairLength.into());
    }
    match accel::bn254_pairing(input) {
        Some(verified) => {
            let mut word = [0u8; 32];
            word[31] = u8::from(verified);
            Ok(PrecompileOutput::new(gas, Bytes::copy_from_slice(&word)))
        }
        None => Err(PrecompileError::Bn128AffineGFailedToCreate.into()),
    }
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

    /// The accelerated ripemd160 answers and charges as revm's.
    #[test]
    fn ripemd160_is_revms() {
        use revm::precompile::hash::ripemd160_run;
        for len in [0, 1, 55, 56, 64, 100, 1000] {
            let input = Bytes::from((0..len).map(|i| i as u8).collect::<Vec<u8>>());
            for gas in [100, 1_000, 10_000_000] {
                assert_eq!(ripemd160(&input, gas), ripemd160_run(&input, gas), "{len} bytes with {gas} gas");
            }
        }
    }

    /// The accelerated pairing answers and charges as revm's Istanbul one, and fails where it
    /// fails (revm's two names for a bad point aside, see `bn254_pairing`).
    #[test]
    fn bn254_pairing_is_revms() {
        use revm::precompile::bn128::{pair, run_pair};
        // revm's own test vector: a product of two pairings equal to 1.
        let check = Bytes::from_static(&revm::primitives::hex!(
            "1c76476f4def4bb94541d57ebba1193381ffa7aa76ada664dd31c16024c43f59"
            "3034dd2920f673e204fee2811c678745fc819b55d3e9d294e45c9b03a76aef41"
            "209dd15ebff5d46c4bd888e51a93cf99a7329636c63514396b4a452003a35bf7"
            "04bf11ca01483bfa8b34b43561848d28905960114c8ac04049af4b6315a41678"
            "2bb8324af6cfc93537a2ad1a445cfd0ca2a71acd7ac41fadbf933c2a51be344d"
            "120a2a4cf30c1bf9845f20c6fe39e07ea2cce61f0c9bb048165fe5e4de877550"
            "111e129f1cf1097710d41c4ac70fcdfa5ba2023c6ff1cbeac322de49d1b6df7c"
            "2032c61a830e3c17286de9462bf242fca2883585b93870a73853face6a6bf411"
            "198e9393920d483a7260bfb731fb5d25f1aa493335a9e71297e485b7aef312c2"
            "1800deef121f1e76426a00665e5c4479674322d4f75edadd46debd5cd992f6ed"
            "090689d0585ff075ec9e99ad690c3395bc4b313370b38ef355acdadcd122975b"
            "12c85ea5db8c6deb4aab71808dcb408fe3d1e7690c43d37b4ce6cc0166fa7daa"
        ));
        let mut off_curve = check.to_vec();
        off_curve[63] ^= 1;
        let mut big = check.to_vec();
        big[..32].fill(0xff);
        let inputs = [check.clone(), check.slice(..192), check.slice(..191), Bytes::new(), off_curve.into(), big.into()];
        for input in &inputs {
            for gas in [100, 200_000, 10_000_000] {
                let ours = bn254_pairing(input, gas);
                let revms = run_pair(input, pair::ISTANBUL_PAIR_PER_POINT, pair::ISTANBUL_PAIR_BASE, gas);
                match (&ours, &revms) {
                    (Ok(a), Ok(b)) => assert_eq!((a.gas_used, &a.bytes), (b.gas_used, &b.bytes), "{input} with {gas} gas"),
                    (Err(a), Err(b)) if gas < 200_000 || input.len() % 192 != 0 => assert_eq!(a, b, "{input} with {gas} gas"),
                    (Err(_), Err(_)) => {}
                    _ => panic!("{input} with {gas} gas: {ours:?} against revm's {revms:?}"),
                }
            }
        }
    }
}
