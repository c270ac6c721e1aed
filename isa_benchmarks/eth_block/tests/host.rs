//! The block's checks on the host: quick, and the same code every ZisK route runs.

const WITNESS: &[u8] = include_bytes!("../data/18884864.bin");

#[test]
fn mainnet_block_18884864_passes_its_header_checks() {
    let hash = eth_block::run(WITNESS).unwrap_or_else(|e| panic!("{e}"));
    // The header's own hash: the block (and with it every root checked) is mainnet's.
    assert_eq!(hash.to_string(), "0x856a86b8144c68fe2888298ceec7c156a338aac13d92d5e3c2460ca49793ed69");
}

#[test]
fn a_tampered_witness_fails_loudly() {
    // Flip a byte inside the state trie witness: the parent state proof must fail.
    let mut bytes = WITNESS.to_vec();
    bytes[0x6d9d + 40_000] ^= 1;
    let err = eth_block::run(&bytes).expect_err("tampered witness accepted");
    assert!(err.0.contains("parent state"), "{err}");
}

/// Offsets of header fields in the witness (the block header opens the file).
const GAS_USED_AT: usize = 0x24d;
const RECEIPTS_ROOT_AT: usize = 0xc4;

#[test]
fn a_wrong_gas_used_in_the_header_is_caught() {
    let mut bytes = WITNESS.to_vec();
    bytes[GAS_USED_AT] ^= 1;
    let err = eth_block::run(&bytes).expect_err("wrong gas used accepted");
    assert!(err.0.contains("gas"), "{err}");
}

#[test]
fn a_wrong_receipts_root_in_the_header_is_caught() {
    let mut bytes = WITNESS.to_vec();
    bytes[RECEIPTS_ROOT_AT] ^= 1;
    let err = eth_block::run(&bytes).expect_err("wrong receipts root accepted");
    assert!(err.0.contains("receipts root"), "{err}");
}
