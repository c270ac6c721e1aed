//! Stateless execution of one Shanghai-era mainnet block: check the witness against the parent
//! header, run every transaction with revm, and check the results against the block header.

use alloc::{collections::BTreeMap, format, string::String, vec::Vec};
use alloy_primitives::{b256, keccak256, uint, Address, Bloom, TxKind, B256, U256};
use revm::db::states::bundle_state::BundleRetention;
use revm::db::State;
use revm::primitives::{AccessListItem, ExecutionResult, SpecId, TxEnv};
use revm::Evm;

use crate::encode::{self, header_hash, ordered_trie_root, receipt_encoding, signing_hash, tx_type};
use crate::state::WitnessDb;
use crate::witness::{ClientExecutorInput, Header, Transaction, TransactionSigned};

/// A check that failed or an input this program cannot execute; the message says which.
#[derive(Debug)]
pub struct BlockError(pub String);

impl core::fmt::Display for BlockError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! fail {
    ($($arg:tt)*) => { return Err(BlockError(format!($($arg)*))) };
}

/// keccak256(rlp([])): the ommers hash of every post-merge block.
const EMPTY_OMMERS_HASH: B256 = b256!("1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
/// Mainnet's Shanghai and Cancun activation times.
const SHANGHAI_TIME: u64 = 1_681_338_455;
const CANCUN_TIME: u64 = 1_710_338_135;
const MAINNET_CHAIN_ID: u64 = 1;
/// secp256k1's group order halved: EIP-2 rejects signatures with a larger `s`.
const SECP256K1N_HALF: U256 = uint!(0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0_U256);

/// Executes the block and returns its hash once every check passed.
pub fn execute(input: &ClientExecutorInput) -> Result<B256, BlockError> {
    let block = &input.current_block;
    let header = &block.header;
    let block_hashes = check_ancestry(header, &input.ancestor_headers)?;
    check_shanghai_header(header)?;

    let withdrawals = block.withdrawals.as_deref().unwrap_or_default();
    let withdrawals_root = ordered_trie_root(withdrawals.iter().map(encode::withdrawal_encoding));
    if header.withdrawals_root != Some(withdrawals_root) {
        fail!("withdrawals root {withdrawals_root} differs from the header's {:?}", header.withdrawals_root);
    }
    let transactions_root = ordered_trie_root(block.body.iter().map(encode::signed_encoding));
    if transactions_root != header.transactions_root {
        fail!("transactions root {transactions_root} differs from the header's {}", header.transactions_root);
    }
    let senders = block.body.iter().enumerate().map(|(i, tx)| recover_sender(i, tx)).collect::<Result<Vec<_>, _>>()?;

    let parent = &input.ancestor_headers[0];
    let codes = input.bytecodes.iter().map(|code| code.original_bytes());
    let mut db = WitnessDb::new(&input.parent_state, parent.state_root, codes, block_hashes)
        .map_err(|e| BlockError(format!("parent state: {e}")))?;

    let (receipts, gas_used, bloom, bundle) = run_transactions(&db, header, &block.body, &senders, withdrawals)?;
    if gas_used != header.gas_used {
        fail!("block used {gas_used} gas, its header says {}", header.gas_used);
    }
    if bloom != header.logs_bloom {
        fail!("logs bloom differs from the header's");
    }
    let receipts_root = ordered_trie_root(receipts);
    if receipts_root != header.receipts_root {
        fail!("receipts root {receipts_root} differs from the header's {}", header.receipts_root);
    }
    let state_root = db.post_state_root(&bundle).map_err(|e| BlockError(format!("post state: {e}")))?;
    if state_root != header.state_root {
        fail!("post-state root {state_root} differs from the header's {}", header.state_root);
    }
    Ok(header_hash(header))
}

/// The parent must be the header the block names, and each ancestor the parent of the one before.
/// Returns the ancestors' hashes by number (what BLOCKHASH may read).
fn check_ancestry(header: &Header, ancestors: &[Header]) -> Result<BTreeMap<u64, B256>, BlockError> {
    let Some(parent) = ancestors.first() else { fail!("the witness has no parent header") };
    let mut hashes = BTreeMap::new();
    let (mut child_number, mut child_parent_hash) = (header.number, header.parent_hash);
    for ancestor in ancestors {
        let hash = header_hash(ancestor);
        if hash != child_parent_hash || ancestor.number + 1 != child_number {
            fail!("ancestor header {} (hash {hash}) is not the parent of block {child_number}", ancestor.number);
        }
        hashes.insert(ancestor.number, hash);
        (child_number, child_parent_hash) = (ancestor.number, ancestor.parent_hash);
    }
    if header.timestamp <= parent.timestamp {
        fail!("block time {} is not after its parent's {}", header.timestamp, parent.timestamp);
    }
    Ok(hashes)
}

/// What this program can execute: a post-merge, pre-Cancun mainnet block.
fn check_shanghai_header(header: &Header) -> Result<(), BlockError> {
    if !(SHANGHAI_TIME..CANCUN_TIME).contains(&header.timestamp) {
        fail!("block time {} is outside Shanghai (mainnet rules here are Shanghai only)", header.timestamp);
    }
    if header.ommers_hash != EMPTY_OMMERS_HASH || !header.difficulty.is_zero() || header.nonce != 0 {
        fail!("a post-merge block has no ommers, zero difficulty and zero nonce");
    }
    if header.base_fee_per_gas.is_none() || header.withdrawals_root.is_none() {
        fail!("a Shanghai header has a base fee and a withdrawals root");
    }
    if header.blob_gas_used.is_some() || header.excess_blob_gas.is_some() || header.parent_beacon_block_root.is_some() {
        fail!("a Shanghai header has no Cancun fields");
    }
    if header.gas_used > header.gas_limit {
        fail!("gas used {} above the gas limit {}", header.gas_used, header.gas_limit);
    }
    Ok(())
}

/// Checks the transaction's hash and recovers who signed it.
fn recover_sender(index: usize, tx: &TransactionSigned) -> Result<Address, BlockError> {
    let hash = keccak256(encode::signed_encoding(tx));
    if hash != tx.hash {
        fail!("transaction {index}: its hash is {hash}, the witness says {}", tx.hash);
    }
    let sig = &tx.signature;
    if sig.s > SECP256K1N_HALF {
        fail!("transaction {index}: signature s above n/2 (EIP-2)");
    }
    recover_address(sig, &signing_hash(&tx.transaction)).ok_or_else(|| BlockError(format!("transaction {index}: sender not recoverable")))
}

/// The address whose key signed `prehash`: in software (k256).
#[cfg(not(feature = "accelerated"))]
fn recover_address(sig: &crate::witness::Signature, prehash: &B256) -> Option<Address> {
    alloy_primitives::PrimitiveSignature::new(sig.r, sig.s, sig.odd_y_parity).recover_address_from_prehash(prehash).ok()
}

/// The address whose key signed `prehash`: by the zkVM accelerator `zkvm_secp256k1_ecrecover`.
#[cfg(feature = "accelerated")]
fn recover_address(sig: &crate::witness::Signature, prehash: &B256) -> Option<Address> {
    let mut rs = [0u8; 64];
    rs[..32].copy_from_slice(&sig.r.to_be_bytes::<32>());
    rs[32..].copy_from_slice(&sig.s.to_be_bytes::<32>());
    let key = ziskos_bindings::accel::secp256k1_ecrecover(&prehash.0, &rs, u8::from(sig.odd_y_parity))?;
    Some(Address::from_raw_public_key(&key))
}

type Executed = (Vec<Vec<u8>>, u64, Bloom, revm::db::BundleState);

/// Runs the transactions in order, then credits the withdrawals. Returns the encoded receipts,
/// the gas used, the block's logs bloom and the state changes.
fn run_transactions(
    db: &WitnessDb,
    header: &Header,
    txs: &[TransactionSigned],
    senders: &[Address],
    withdrawals: &[crate::witness::Withdrawal],
) -> Result<Executed, BlockError> {
    let mut state = State::builder().with_database_ref(db).with_bundle_update().build();
    let builder = Evm::builder()
        .with_db(&mut state)
        .with_spec_id(SpecId::SHANGHAI)
        .modify_cfg_env(|cfg| cfg.chain_id = MAINNET_CHAIN_ID)
        .modify_block_env(|env| {
            env.number = U256::from(header.number);
            env.coinbase = header.beneficiary;
            env.timestamp = U256::from(header.timestamp);
            env.gas_limit = U256::from(header.gas_limit);
            env.basefee = U256::from(header.base_fee_per_gas.unwrap_or_default());
            env.difficulty = header.difficulty;
            env.prevrandao = Some(header.mix_hash);
            env.blob_excess_gas_and_price = None;
        });
    #[cfg(feature = "accelerated")]
    let builder = builder.append_handler_register(crate::precompiles::register);
    let mut evm = builder.build();

    let mut receipts = Vec::with_capacity(txs.len());
    let mut cumulative_gas = 0u64;
    let mut block_bloom = Bloom::ZERO;
    for (index, (tx, sender)) in txs.iter().zip(senders).enumerate() {
        let env = tx_env(&tx.transaction, *sender)?;
        if env.gas_limit > header.gas_limit - cumulative_gas {
            fail!("transaction {index}: gas limit {} above the block's remaining {}", env.gas_limit, header.gas_limit - cumulative_gas);
        }
        *evm.tx_mut() = env;
        let result = evm.transact_commit().map_err(|e| BlockError(format!("transaction {index}: {e:?}")))?;
        cumulative_gas += result.gas_used();
        let success = matches!(result, ExecutionResult::Success { .. });
        let logs = result.into_logs();
        let mut bloom = Bloom::ZERO;
        for log in &logs {
            bloom.accrue_log(log);
        }
        block_bloom.accrue_bloom(&bloom);
        receipts.push(receipt_encoding(tx_type(&tx.transaction), success, cumulative_gas, &bloom, &logs));
    }
    drop(evm);

    // Withdrawals are balance credits in gwei after the transactions; they run no code.
    let credits = withdrawals.iter().map(|w| (w.address, w.amount.to::<u128>() * 1_000_000_000));
    state.increment_balances(credits).map_err(|e| BlockError(format!("withdrawals: {e}")))?;
    state.merge_transitions(BundleRetention::PlainState);
    Ok((receipts, cumulative_gas, block_bloom, state.take_bundle()))
}

fn tx_env(tx: &Transaction, caller: Address) -> Result<TxEnv, BlockError> {
    let call = tx.call();
    let mut env = TxEnv {
        caller,
        gas_limit: call.gas_limit,
        transact_to: call.to.map_or(TxKind::Create, TxKind::Call),
        value: call.value,
        data: call.input.clone(),
        nonce: Some(call.nonce),
        access_list: call
            .access_list
            .iter()
            .map(|i| AccessListItem { address: i.address, storage_keys: i.storage_keys.clone() })
            .collect(),
        ..TxEnv::default()
    };
    match tx {
        Transaction::Legacy(t) => {
            env.gas_price = U256::from(t.gas_price);
            env.chain_id = t.chain_id;
        }
        Transaction::Eip2930(t) => {
            env.gas_price = U256::from(t.gas_price);
            env.chain_id = Some(t.chain_id);
        }
        Transaction::Eip1559(t) => {
            env.gas_price = U256::from(t.max_fee_per_gas);
            env.gas_priority_fee = Some(U256::from(t.max_priority_fee_per_gas));
            env.chain_id = Some(t.chain_id);
        }
        Transaction::Eip4844(never) => match *never {},
        Transaction::Eip7702(never) => match *never {},
    }
    Ok(env)
}
