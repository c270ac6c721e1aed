//! With feature `accelerated`, the Ethereum precompiles ZisK accelerates run through the
//! zkVM accelerators (`ziskos_bindings::accel`), as Ethereum guests on ZisK do: ecrecover
//! (0x01), sha256 (0x02), bn254 add (0x06) and mul (0x07). Each keeps revm 14's interface
//! exactly: input right-padded, the same gas, the same empty output or error on bad input.
//! The block this benchmark runs calls ecrecover twice (10% of its cost in software).

use alloc::sync::Arc;
use alloy_primitives::{keccak256, Bytes};
use revm::handler::register::EvmHandler;
use revm::precompile::utilities::right_pad;
use revm::precompile::{calc_linear_cost_u32, u64_to_address, PrecompileWithAddress};
use revm::primitives::{Precompile, PrecompileError, PrecompileOutput, PrecompileResult};
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
