//! isa_benchmarks deflate: miniz_oxide compresses n KiB of generated text (a skewed choice of
//! words, so it compresses like prose) at level 6 into a zlib stream, decompresses it and
//! checks the round trip. Input: n as 8 little-endian bytes. Output: the compressed length
//! (8 bytes LE) and the FNV-1a 64 hash of the compressed stream.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

use alloc::vec::Vec;
use miniz_oxide::{deflate::compress_to_vec_zlib, inflate::decompress_to_vec_zlib};

ziskos_bindings::entrypoint!(main);

const WORDS: [&str; 32] = [
    "the", "of", "and", "to", "in", "a", "is", "that", "proof", "witness", "circuit", "field", "prover", "verifier",
    "polynomial", "commitment", "memory", "register", "instruction", "step", "trace", "table", "lookup", "constraint",
    "hash", "block", "state", "root", "zero", "knowledge", "machine", "program",
];

/// xorshift64*: deterministic data without an RNG crate.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

fn text(len: usize) -> Vec<u8> {
    let mut rng = 0x0DDB_1A5E_5BAD_5EEDu64;
    let mut out = Vec::with_capacity(len + 16);
    while out.len() < len {
        let r = next(&mut rng);
        // Min of two draws: early words are more frequent, as in prose.
        let word = WORDS[((r & 31).min((r >> 5) & 31)) as usize];
        out.extend_from_slice(word.as_bytes());
        out.push(match (r >> 10) % 16 {
            0 => b'.',
            1 => b',',
            2 => b'\n',
            _ => b' ',
        });
        if (r >> 14) % 64 == 0 {
            // An occasional number: digits that do not repeat as words do.
            let mut v = r >> 20;
            for _ in 0..6 {
                out.push(b'0' + (v % 10) as u8);
                v /= 10;
            }
            out.push(b' ');
        }
    }
    out.truncate(len);
    out
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: n as 8 LE bytes"));
    let data = text(n as usize * 1024);
    let packed = compress_to_vec_zlib(&data, 6);
    let unpacked = decompress_to_vec_zlib(&packed).expect("inflating our own stream");
    assert!(unpacked == data, "the round trip changed the data");
    ziskos_bindings::commit(&(packed.len() as u64).to_le_bytes());
    ziskos_bindings::commit(&fnv1a(&packed).to_le_bytes());
}
