//! Ethereum's consensus encodings (RLP) of what the block commits to: the header (its hash),
//! transactions (their hashes, signing hashes and trie), receipts, withdrawals and accounts.

use alloc::vec::Vec;
use alloy_primitives::{keccak256, Address, Bloom, Log, B256, U256};
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};

use crate::mpt::Node;
use crate::witness::{AccessListItem, Header, Signature, Transaction, TransactionSigned, Withdrawal};

/// An account as the state trie stores it.
#[derive(RlpEncodable, RlpDecodable, Clone, Debug, PartialEq, Eq)]
pub struct TrieAccount {
    pub nonce: u64,
    pub balance: U256,
    pub storage_root: B256,
    pub code_hash: B256,
}

impl TrieAccount {
    pub fn decode_from(mut bytes: &[u8]) -> Result<Self, alloy_rlp::Error> {
        let account = TrieAccount::decode(&mut bytes)?;
        if !bytes.is_empty() {
            return Err(alloy_rlp::Error::UnexpectedLength);
        }
        Ok(account)
    }
}

/// Writes an RLP list whose payload `fields` writes.
fn list(out: &mut Vec<u8>, fields: impl FnOnce(&mut Vec<u8>)) {
    let mut payload = Vec::new();
    fields(&mut payload);
    alloy_rlp::Header { list: true, payload_length: payload.len() }.encode(out);
    out.extend_from_slice(&payload);
}

fn to(out: &mut Vec<u8>, to: &Option<Address>) {
    match to {
        Some(address) => address.encode(out),
        None => out.push(alloy_rlp::EMPTY_STRING_CODE),
    }
}

fn access_list(out: &mut Vec<u8>, items: &[AccessListItem]) {
    list(out, |out| {
        for item in items {
            list(out, |out| {
                item.address.encode(out);
                item.storage_keys.encode(out);
            });
        }
    });
}

/// Keccak of the header's RLP: the block hash.
pub fn header_hash(h: &Header) -> B256 {
    let mut out = Vec::new();
    list(&mut out, |out| {
        h.parent_hash.encode(out);
        h.ommers_hash.encode(out);
        h.beneficiary.encode(out);
        h.state_root.encode(out);
        h.transactions_root.encode(out);
        h.receipts_root.encode(out);
        h.logs_bloom.encode(out);
        h.difficulty.encode(out);
        h.number.encode(out);
        h.gas_limit.encode(out);
        h.gas_used.encode(out);
        h.timestamp.encode(out);
        h.extra_data.encode(out);
        h.mix_hash.encode(out);
        h.nonce.to_be_bytes().encode(out); // a fixed 8-byte string, not an integer
        // Fork fields follow in fork order; a later one is present only with the earlier ones.
        let _ = (|| -> Option<()> {
            h.base_fee_per_gas?.encode(out);
            h.withdrawals_root?.encode(out);
            h.blob_gas_used?.encode(out);
            h.excess_blob_gas?.encode(out);
            h.parent_beacon_block_root?.encode(out);
            h.requests_root?.encode(out);
            Some(())
        })();
    });
    keccak256(out)
}

/// The transaction's fields before the signature, in its type's order.
fn unsigned_fields(tx: &Transaction, out: &mut Vec<u8>) {
    let call = tx.call();
    // The types differ up to the gas limit: chain id (typed ones), nonce, fee fields.
    match tx {
        Transaction::Legacy(t) => {
            call.nonce.encode(out);
            t.gas_price.encode(out);
        }
        Transaction::Eip2930(t) => {
            t.chain_id.encode(out);
            call.nonce.encode(out);
            t.gas_price.encode(out);
        }
        Transaction::Eip1559(t) => {
            t.chain_id.encode(out);
            call.nonce.encode(out);
            t.max_priority_fee_per_gas.encode(out);
            t.max_fee_per_gas.encode(out);
        }
        Transaction::Eip4844(never) => match *never {},
        Transaction::Eip7702(never) => match *never {},
    }
    call.gas_limit.encode(out);
    to(out, &call.to);
    call.value.encode(out);
    call.input.encode(out);
    if tx_type(tx).is_some() {
        access_list(out, call.access_list);
    }
}

/// EIP-2718 type byte; `None` for legacy transactions.
pub fn tx_type(tx: &Transaction) -> Option<u8> {
    match tx {
        Transaction::Legacy(_) => None,
        Transaction::Eip2930(_) => Some(1),
        Transaction::Eip1559(_) => Some(2),
        Transaction::Eip4844(never) => match *never {},
        Transaction::Eip7702(never) => match *never {},
    }
}

/// The hash the sender signed.
pub fn signing_hash(tx: &Transaction) -> B256 {
    let mut out = Vec::new();
    out.extend(tx_type(tx));
    list(&mut out, |out| {
        unsigned_fields(tx, out);
        if let Transaction::Legacy(t) = tx {
            if let Some(chain_id) = t.chain_id {
                // EIP-155 replay protection: chain id, 0, 0.
                chain_id.encode(out);
                0u8.encode(out);
                0u8.encode(out);
            }
        }
    });
    keccak256(out)
}

/// The signed transaction as the transactions trie (and its hash) commits to it.
pub fn signed_encoding(tx: &TransactionSigned) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(tx_type(&tx.transaction));
    list(&mut out, |out| {
        unsigned_fields(&tx.transaction, out);
        signature(out, &tx.transaction, &tx.signature);
    });
    out
}

fn signature(out: &mut Vec<u8>, tx: &Transaction, sig: &Signature) {
    let parity = sig.odd_y_parity as u64;
    match tx {
        Transaction::Legacy(t) => match t.chain_id {
            Some(chain_id) => (35 + 2 * chain_id + parity).encode(out),
            None => (27 + parity).encode(out),
        },
        _ => parity.encode(out),
    }
    sig.r.encode(out);
    sig.s.encode(out);
}

/// A transaction's receipt as the receipts trie commits to it.
pub fn receipt_encoding(tx_type: Option<u8>, success: bool, cumulative_gas: u64, bloom: &Bloom, logs: &[Log]) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend(tx_type);
    list(&mut out, |out| {
        success.encode(out);
        cumulative_gas.encode(out);
        bloom.encode(out);
        list(out, |out| {
            for log in logs {
                list(out, |out| {
                    log.address.encode(out);
                    log.data.topics().to_vec().encode(out);
                    log.data.data.encode(out);
                });
            }
        });
    });
    out
}

pub fn withdrawal_encoding(w: &Withdrawal) -> Vec<u8> {
    let mut out = Vec::new();
    list(&mut out, |out| {
        w.index.to::<u64>().encode(out);
        w.validator_index.to::<u64>().encode(out);
        w.address.encode(out);
        w.amount.to::<u64>().encode(out);
    });
    out
}

/// The root of a trie keyed by RLP(index), as the transactions, receipts and withdrawals tries are.
pub fn ordered_trie_root(items: impl IntoIterator<Item = Vec<u8>>) -> B256 {
    let mut trie = Node::empty();
    for (index, item) in items.into_iter().enumerate() {
        let mut key = Vec::new();
        (index as u64).encode(&mut key);
        trie.insert(&key, item).expect("a fresh trie is fully open");
    }
    trie.hash()
}
