//! The witness layout: rsp's `ClientExecutorInput` as bincode 1.x (fixed-width integers, little
//! endian, u64 lengths, u32 enum tags, one-byte option tags) encoded it, with reth v1.0.6's block
//! types and revm's bytecode. These are our own serde types; field order is the layout.

use alloc::{boxed::Box, collections::BTreeMap, vec::Vec};
use alloy_primitives::{Address, Bloom, Bytes, B256, U256, U64};
use serde::{de, Deserialize, Deserializer};

#[derive(Deserialize)]
pub struct ClientExecutorInput {
    pub current_block: Block,
    /// `[0]` is the parent header; its state root anchors `parent_state`.
    pub ancestor_headers: Vec<Header>,
    pub parent_state: EthereumState,
    /// Which storage slots of which accounts the witness proves (informational here).
    pub state_requests: BTreeMap<Address, Vec<U256>>,
    pub bytecodes: Vec<Bytecode>,
}

#[derive(Deserialize)]
pub struct Block {
    pub header: Header,
    pub body: Vec<TransactionSigned>,
    pub ommers: Vec<Header>,
    pub withdrawals: Option<Vec<Withdrawal>>,
    /// EIP-7685 requests (Prague); a Shanghai block has none.
    pub requests: Option<Vec<Request>>,
}

#[derive(Deserialize, Clone)]
pub struct Header {
    pub parent_hash: B256,
    pub ommers_hash: B256,
    pub beneficiary: Address,
    pub state_root: B256,
    pub transactions_root: B256,
    pub receipts_root: B256,
    pub withdrawals_root: Option<B256>,
    pub logs_bloom: Bloom,
    pub difficulty: U256,
    pub number: u64,
    pub gas_limit: u64,
    pub gas_used: u64,
    pub timestamp: u64,
    pub mix_hash: B256,
    pub nonce: u64,
    pub base_fee_per_gas: Option<u64>,
    pub blob_gas_used: Option<u64>,
    pub excess_blob_gas: Option<u64>,
    pub parent_beacon_block_root: Option<B256>,
    pub requests_root: Option<B256>,
    pub extra_data: Bytes,
}

#[derive(Deserialize)]
pub struct TransactionSigned {
    pub hash: B256,
    pub signature: Signature,
    pub transaction: Transaction,
}

#[derive(Deserialize)]
pub struct Signature {
    pub r: U256,
    pub s: U256,
    pub odd_y_parity: bool,
}

#[derive(Deserialize)]
pub enum Transaction {
    Legacy(TxLegacy),
    Eip2930(TxEip2930),
    Eip1559(TxEip1559),
    Eip4844(Eip4844Tx),
    Eip7702(Eip7702Tx),
}

/// What every transaction type has, whatever its fee fields.
pub struct Call<'a> {
    pub nonce: u64,
    pub gas_limit: u64,
    pub to: Option<Address>,
    pub value: U256,
    pub input: &'a Bytes,
    /// Empty for legacy transactions.
    pub access_list: &'a [AccessListItem],
}

impl Transaction {
    pub fn call(&self) -> Call<'_> {
        match self {
            Transaction::Legacy(t) => {
                Call { nonce: t.nonce, gas_limit: t.gas_limit, to: t.to, value: t.value, input: &t.input, access_list: &[] }
            }
            Transaction::Eip2930(t) => Call {
                nonce: t.nonce,
                gas_limit: t.gas_limit,
                to: t.to,
                value: t.value,
                input: &t.input,
                access_list: &t.access_list,
            },
            Transaction::Eip1559(t) => Call {
                nonce: t.nonce,
                gas_limit: t.gas_limit,
                to: t.to,
                value: t.value,
                input: &t.input,
                access_list: &t.access_list,
            },
            Transaction::Eip4844(never) => match *never {},
            Transaction::Eip7702(never) => match *never {},
        }
    }
}

#[derive(Deserialize)]
pub struct TxLegacy {
    pub chain_id: Option<u64>,
    pub nonce: u64,
    pub gas_price: u128,
    pub gas_limit: u64,
    /// `None` creates a contract.
    pub to: Option<Address>,
    pub value: U256,
    pub input: Bytes,
}

#[derive(Deserialize)]
pub struct TxEip2930 {
    pub chain_id: u64,
    pub nonce: u64,
    pub gas_price: u128,
    pub gas_limit: u64,
    pub to: Option<Address>,
    pub value: U256,
    pub access_list: Vec<AccessListItem>,
    pub input: Bytes,
}

#[derive(Deserialize)]
pub struct TxEip1559 {
    pub chain_id: u64,
    pub nonce: u64,
    pub gas_limit: u64,
    pub max_fee_per_gas: u128,
    pub max_priority_fee_per_gas: u128,
    pub to: Option<Address>,
    pub value: U256,
    pub access_list: Vec<AccessListItem>,
    pub input: Bytes,
}

#[derive(Deserialize, Clone)]
pub struct AccessListItem {
    pub address: Address,
    pub storage_keys: Vec<B256>,
}

/// alloy's withdrawal writes its numbers as quantities: 8 big-endian bytes behind a length.
#[derive(Deserialize)]
pub struct Withdrawal {
    pub index: U64,
    pub validator_index: U64,
    pub address: Address,
    /// In gwei.
    pub amount: U64,
}

#[derive(Deserialize)]
pub struct EthereumState {
    pub state_trie: MptNode,
    pub storage_tries: BTreeMap<B256, MptNode>,
}

/// A Merkle-Patricia trie node as the witness holds it (rsp's `MptNodeData`; its cached
/// reference is not serialized).
#[derive(Deserialize, Clone, Debug)]
pub enum MptNode {
    Null,
    Branch([Option<Box<MptNode>>; 16]),
    /// Hex-prefix encoded path, value.
    Leaf(Vec<u8>, Vec<u8>),
    /// Hex-prefix encoded path, child.
    Extension(Vec<u8>, Box<MptNode>),
    /// A subtree the witness does not open: only its hash.
    Digest(B256),
}

/// revm's `Bytecode` enum; only its legacy forms can occur before Prague.
#[derive(Deserialize)]
pub enum Bytecode {
    LegacyRaw(Bytes),
    LegacyAnalyzed(LegacyAnalyzedBytecode),
    Eof(EofCode),
    Eip7702(Eip7702Code),
}

#[derive(Deserialize)]
pub struct LegacyAnalyzedBytecode {
    /// The code, padded with zeros.
    pub bytecode: Bytes,
    pub original_len: u64,
    /// bitvec's serialized jump table; revm recomputes it, so it is only skipped over.
    pub jump_table: JumpTable,
}

impl Bytecode {
    /// The contract code as deployed (what its code hash commits to).
    pub fn original_bytes(&self) -> Bytes {
        match self {
            Bytecode::LegacyRaw(code) => code.clone(),
            Bytecode::LegacyAnalyzed(a) => a.bytecode.slice(..a.original_len as usize),
            Bytecode::Eof(never) => match *never {},
            Bytecode::Eip7702(never) => match *never {},
        }
    }
}

/// bitvec 1's `BitVec<u8, Lsb0>` as serde writes it: the bit order's name, the head bit index
/// (its element width and index), the length in bits and the backing bytes.
#[derive(Deserialize)]
pub struct JumpTable {
    pub order: alloc::string::String,
    pub head_width: u8,
    pub head_index: u8,
    pub bits: u64,
    pub data: Vec<u8>,
}

/// Constructs a Shanghai block cannot hold: decoding one is an error naming it.
macro_rules! unsupported {
    ($($name:ident: $what:literal),* $(,)?) => {$(
        pub enum $name {}
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(_: D) -> Result<Self, D::Error> {
                Err(de::Error::custom(concat!("witness holds ", $what, ", which a Shanghai block cannot have")))
            }
        }
    )*};
}

unsupported! {
    Eip4844Tx: "an EIP-4844 transaction",
    Eip7702Tx: "an EIP-7702 transaction",
    Request: "an EIP-7685 request",
    EofCode: "EOF bytecode",
    Eip7702Code: "EIP-7702 bytecode",
}

/// Decodes the witness bytes.
pub fn decode(bytes: &[u8]) -> Result<ClientExecutorInput, alloc::string::String> {
    let (input, used) = bincode::serde::decode_from_slice(bytes, bincode::config::legacy())
        .map_err(|e| alloc::format!("witness does not decode: {e}"))?;
    if used != bytes.len() {
        return Err(alloc::format!("witness has {} trailing bytes", bytes.len() - used));
    }
    Ok(input)
}
