//! The block's checks on the host: quick, and the same code every ZisK route runs.

const WITNESS: &[u8] = include_bytes!("../data/18884864.bin");

#[test]
fn mainnet_block_18884864_passes_its_header_checks() {
    let hash = eth_block::run(WITNESS).unwrap_or_else(|e| panic!("{e}"));
    // The header's own hash: the block (and with it every root checked) is mainnet's.
    assert_eq!(hash.to_string(), "0x856a86b8144c68fe2888298ceec7c156a338aac13d92d5e3c2460ca49793ed69");
}

/// The error `run` gives for the witness with one bit flipped at `at` (it must give one).
fn error_with_bit_flipped_at(at: usize) -> String {
    let mut bytes = WITNESS.to_vec();
    bytes[at] ^= 1;
    eth_block::run(&bytes).expect_err("tampered witness accepted").0
}

/// Where the state trie witness starts (after the block and the parent header).
const STATE_TRIE_AT: usize = 0x6d9d;
/// Offsets of header fields in the witness (the block header opens the file).
const GAS_USED_AT: usize = 0x24d;
const RECEIPTS_ROOT_AT: usize = 0xc4;

#[test]
fn a_tampered_witness_fails_loudly() {
    // Inside the state trie witness: the parent state proof must fail.
    let err = error_with_bit_flipped_at(STATE_TRIE_AT + 40_000);
    assert!(err.contains("parent state"), "{err}");
}

#[test]
fn a_wrong_gas_used_in_the_header_is_caught() {
    let err = error_with_bit_flipped_at(GAS_USED_AT);
    assert!(err.contains("gas"), "{err}");
}

#[test]
fn a_wrong_receipts_root_in_the_header_is_caught() {
    let err = error_with_bit_flipped_at(RECEIPTS_ROOT_AT);
    assert!(err.contains("receipts root"), "{err}");
}
