//! isa_benchmarks hashmap_sort: hashbrown maps and core's sorts on n generated keys. Counts the
//! keys' occurrences in a HashMap (an Fx-style hasher written here), removes the keys seen once,
//! probes the map with fresh keys, sorts the (key, count) entries by count and key
//! (sort_unstable_by) and the raw keys (the stable sort). Input: n as 8 little-endian bytes.
//! Output: the distinct-key count, the survivors' count, the probe hits and a digest of both
//! sorted sequences, 8 bytes LE each.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

use alloc::vec::Vec;
use core::hash::{BuildHasher, Hasher};
use hashbrown::HashMap;

ziskos_bindings::entrypoint!(main);

/// Rotate, xor, multiply per word (the rustc-hash scheme, written here).
#[derive(Default)]
struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7cc1_b727_220a_95);
    }

    fn finish(&self) -> u64 {
        // Fold the high bits down: hashbrown takes its control byte from the top 7 bits
        // and its bucket from the bottom ones.
        self.0 ^ (self.0 >> 29)
    }
}

#[derive(Default, Clone, Copy)]
struct Words;

impl BuildHasher for Words {
    type Hasher = WordHasher;
    fn build_hasher(&self) -> WordHasher {
        WordHasher::default()
    }
}

/// xorshift64*: deterministic data without an RNG crate.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

fn mix(h: u64, v: u64) -> u64 {
    (h ^ v).wrapping_mul(0x0100_0000_01b3).rotate_left(17)
}

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: n as 8 LE bytes"));
    let mut rng = 0x4A54_B0C0_5EED_1234u64;
    // Keys from a range of n/2 values: most repeat, some appear once.
    let range = (n / 2).max(1);
    let mut keys: Vec<u64> = (0..n).map(|_| (next(&mut rng) % range).wrapping_mul(0x9E37_79B9_7F4A_7C15)).collect();

    let mut counts: HashMap<u64, u32, Words> = HashMap::with_hasher(Words);
    for &k in &keys {
        *counts.entry(k).or_insert(0) += 1;
    }
    let distinct = counts.len() as u64;
    counts.retain(|_, c| *c > 1);
    let survivors = counts.len() as u64;
    let mut hits = 0u64;
    for _ in 0..n {
        let probe = (next(&mut rng) % range).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        hits += counts.get(&probe).map_or(0, |&c| c as u64);
    }

    let mut entries: Vec<(u64, u32)> = counts.into_iter().collect();
    entries.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    keys.sort();
    let mut digest = entries.iter().fold(0u64, |h, &(k, c)| mix(mix(h, k), c as u64));
    digest = keys.iter().fold(digest, |h, &k| mix(h, k));

    for v in [distinct, survivors, hits, digest] {
        ziskos_bindings::commit(&v.to_le_bytes());
    }
}
