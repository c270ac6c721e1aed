//! The parent state as the witness proves it: checked against the parent header's state root,
//! served to revm as its database, and updated with the block's changes into the new state root.

use alloc::{collections::BTreeMap, format, string::String, vec::Vec};
use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_rlp::Decodable;
use revm::db::BundleState;
use revm::interpreter::analysis::to_analysed;
use revm::primitives::{AccountInfo, Bytecode, KECCAK_EMPTY};
use revm::DatabaseRef;

use crate::encode::TrieAccount;
use crate::mpt::{Node, TrieError, EMPTY_ROOT};
use crate::witness::EthereumState;

/// What went wrong reading or updating the witnessed state.
#[derive(Debug)]
pub struct StateError(pub String);

impl From<TrieError> for StateError {
    fn from(e: TrieError) -> Self {
        StateError(format!("{e}"))
    }
}

impl core::fmt::Display for StateError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.0)
    }
}

pub struct WitnessDb {
    /// The state trie, keyed by keccak(address).
    accounts: Node,
    /// Storage tries by keccak(address); each was checked against its account's storage root.
    storage: BTreeMap<B256, Node>,
    codes: BTreeMap<B256, Bytes>,
    /// Hashes of the ancestor headers (checked as a chain by the caller), by number.
    block_hashes: BTreeMap<u64, B256>,
}

impl WitnessDb {
    /// Opens the witness and proves it: the state trie must hash to `state_root`, every storage
    /// trie to the storage root of its account.
    pub fn new(
        state: &EthereumState,
        state_root: B256,
        codes: impl IntoIterator<Item = Bytes>,
        block_hashes: BTreeMap<u64, B256>,
    ) -> Result<Self, StateError> {
        let mut accounts = Node::from_witness(&state.state_trie)?;
        let computed = accounts.hash();
        if computed != state_root {
            return Err(StateError(format!(
                "state witness hashes to {computed}, the parent header's state root is {state_root}"
            )));
        }
        let mut storage = BTreeMap::new();
        for (hashed_address, trie) in &state.storage_tries {
            let mut trie = Node::from_witness(trie)?;
            let expected = match accounts.get(hashed_address.as_slice())? {
                Some(bytes) => decode_account(bytes)?.storage_root,
                None => EMPTY_ROOT,
            };
            let computed = trie.hash();
            if computed != expected {
                return Err(StateError(format!(
                    "storage witness of account {hashed_address} hashes to {computed}, its storage root is {expected}"
                )));
            }
            storage.insert(*hashed_address, trie);
        }
        let codes = codes.into_iter().map(|code| (keccak256(&code), code)).collect();
        Ok(WitnessDb { accounts, storage, codes, block_hashes })
    }

    fn account(&self, address: Address) -> Result<Option<TrieAccount>, StateError> {
        match self.accounts.get(keccak256(address).as_slice())? {
            Some(bytes) => Ok(Some(decode_account(bytes)?)),
            None => Ok(None),
        }
    }

    /// Applies the block's changes to the tries and returns the new state root.
    pub fn post_state_root(&mut self, bundle: &BundleState) -> Result<B256, StateError> {
        // Deletions last: collapsing a branch needs its remaining children open, and an insert
        // elsewhere in the same branch may be what keeps it from collapsing.
        let mut changed: Vec<(&Address, _)> = bundle.state().iter().collect();
        changed.sort_by_key(|(address, account)| (account.info.is_none(), **address));
        for (&address, account) in changed {
            let hashed = keccak256(address);
            let Some(info) = &account.info else {
                self.accounts.remove(hashed.as_slice())?;
                self.storage.remove(&hashed);
                continue;
            };
            let wiped = account.was_destroyed();
            let storage_root = match self.storage.get_mut(&hashed) {
                Some(trie) if !wiped => trie,
                _ => {
                    // Not opened by the witness: only its root is known (fine unless touched).
                    let root = match self.account(address)? {
                        Some(parent) if !wiped => parent.storage_root,
                        _ => EMPTY_ROOT,
                    };
                    let trie = if root == EMPTY_ROOT { Node::empty() } else { Node::digest(root) };
                    self.storage.insert(hashed, trie);
                    self.storage.get_mut(&hashed).expect("just inserted")
                }
            };
            let mut slots: Vec<_> =
                account.storage.iter().filter(|(_, slot)| wiped || slot.is_changed()).collect();
            slots.sort_by_key(|(key, slot)| (slot.present_value.is_zero(), **key));
            for (key, slot) in slots {
                let hashed_key = keccak256(key.to_be_bytes::<32>());
                if slot.present_value.is_zero() {
                    storage_root.remove(hashed_key.as_slice())?;
                } else {
                    storage_root.insert(hashed_key.as_slice(), alloy_rlp::encode(slot.present_value))?;
                }
            }
            let account = TrieAccount {
                nonce: info.nonce,
                balance: info.balance,
                storage_root: storage_root.hash(),
                code_hash: info.code_hash,
            };
            self.accounts.insert(hashed.as_slice(), alloy_rlp::encode(account))?;
        }
        Ok(self.accounts.hash())
    }
}

fn decode_account(bytes: &[u8]) -> Result<TrieAccount, StateError> {
    TrieAccount::decode_from(bytes).map_err(|e| StateError(format!("account in the state trie does not decode: {e}")))
}

impl DatabaseRef for WitnessDb {
    type Error = StateError;

    fn basic_ref(&self, address: Address) -> Result<Option<AccountInfo>, StateError> {
        Ok(self.account(address)?.map(|a| AccountInfo {
            balance: a.balance,
            nonce: a.nonce,
            code_hash: a.code_hash,
            code: None, // served by code_by_hash_ref, analysed once per contract
        }))
    }

    fn code_by_hash_ref(&self, code_hash: B256) -> Result<Bytecode, StateError> {
        if code_hash == KECCAK_EMPTY {
            return Ok(Bytecode::new());
        }
        let code = self
            .codes
            .get(&code_hash)
            .ok_or_else(|| StateError(format!("the witness lacks the code with hash {code_hash}")))?;
        Ok(to_analysed(Bytecode::new_raw(code.clone())))
    }

    fn storage_ref(&self, address: Address, index: U256) -> Result<U256, StateError> {
        let hashed = keccak256(address);
        let Some(trie) = self.storage.get(&hashed) else {
            // Without a storage witness only an account with empty storage can be read.
            return match self.account(address)? {
                Some(a) if a.storage_root != EMPTY_ROOT => {
                    Err(StateError(format!("the witness lacks the storage of {address}")))
                }
                _ => Ok(U256::ZERO),
            };
        };
        match trie.get(keccak256(index.to_be_bytes::<32>()).as_slice())? {
            Some(mut bytes) => U256::decode(&mut bytes)
                .map_err(|e| StateError(format!("storage slot {index} of {address} does not decode: {e}"))),
            None => Ok(U256::ZERO),
        }
    }

    fn block_hash_ref(&self, number: u64) -> Result<B256, StateError> {
        self.block_hashes
            .get(&number)
            .copied()
            .ok_or_else(|| StateError(format!("BLOCKHASH of block {number}, which the witness does not hold")))
    }
}
