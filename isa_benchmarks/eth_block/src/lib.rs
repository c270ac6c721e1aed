//! eth_block: stateless execution of Ethereum mainnet block 18,884,864 from rsp's witness.
//! Decode the witness, prove the parent state against the parent header, run the block with
//! revm under Shanghai rules, check gas, logs bloom, receipts, transactions, withdrawals and
//! post-state roots against the header, and return the block hash.
#![no_std]

extern crate alloc;

pub mod encode;
pub mod execute;
pub mod mpt;
#[cfg(feature = "accelerated")]
pub mod precompiles;
pub mod state;
pub mod witness;

pub use execute::BlockError;

/// Runs the whole check on the witness bytes; the result is the block's hash.
pub fn run(witness_bytes: &[u8]) -> Result<alloy_primitives::B256, BlockError> {
    let input = witness::decode(witness_bytes).map_err(BlockError)?;
    execute::execute(&input)
}
