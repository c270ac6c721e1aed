//! isa_benchmarks serde_decode: a ledger of n accounts and 4n transfers (nested structs,
//! enums, options, strings, vectors; serde derive), built from a seeded generator, encoded
//! once with postcard and decoded three times, each decoding compared with the original.
//! Input: n as 8 little-endian bytes. Output: the encoding's length (8 bytes LE) and its
//! FNV-1a 64 hash, then a checksum folded over the decoded values.
#![cfg_attr(target_os = "none", no_std, no_main)]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use serde::{Deserialize, Serialize};

ziskos_bindings::entrypoint!(main);

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Ledger {
    name: String,
    height: u64,
    accounts: Vec<Account>,
    transfers: Vec<Transfer>,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Account {
    id: u64,
    owner: [u8; 32],
    balance: u128,
    nonce: u32,
    label: String,
    tags: Vec<u16>,
    frozen: bool,
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
enum Memo {
    None,
    Text(String),
    Invoice { number: u64, line: u16 },
}

#[derive(Serialize, Deserialize, PartialEq, Debug)]
struct Transfer {
    from: u32,
    to: u32,
    amount: u64,
    fee: Option<u32>,
    memo: Memo,
}

/// xorshift64*: deterministic data without an RNG crate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound
    }

    fn word(&mut self) -> String {
        const SYLLABLES: [&str; 8] = ["ka", "ro", "mi", "zu", "te", "ln", "qo", "vy"];
        let mut s = String::new();
        for _ in 0..2 + self.below(5) {
            s.push_str(SYLLABLES[self.below(8) as usize]);
        }
        s
    }
}

fn ledger(n: u64) -> Ledger {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n);
    let accounts = (0..n)
        .map(|id| {
            let mut owner = [0u8; 32];
            for chunk in owner.chunks_exact_mut(8) {
                chunk.copy_from_slice(&rng.next().to_le_bytes());
            }
            Account {
                id: id * 7 + rng.below(7),
                owner,
                balance: (rng.next() as u128) << rng.below(64),
                nonce: rng.below(1 << 20) as u32,
                label: rng.word(),
                tags: (0..rng.below(6)).map(|_| rng.next() as u16).collect(),
                frozen: rng.below(10) == 0,
            }
        })
        .collect();
    let transfers = (0..4 * n)
        .map(|_| Transfer {
            from: rng.below(n) as u32,
            to: rng.below(n) as u32,
            amount: rng.next() >> rng.below(60),
            fee: if rng.below(3) == 0 { None } else { Some(rng.below(100_000) as u32) },
            memo: match rng.below(4) {
                0 => Memo::Text(rng.word()),
                1 => Memo::Invoice { number: rng.next(), line: rng.below(500) as u16 },
                _ => Memo::None,
            },
        })
        .collect();
    Ledger { name: String::from("benchmark ledger"), height: n, accounts, transfers }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

fn checksum(ledger: &Ledger) -> u64 {
    let mix = |h: u64, v: u64| (h.rotate_left(5) ^ v).wrapping_mul(0x51_7cc1_b727_220a_95);
    let mut h = mix(ledger.height, fnv1a(ledger.name.as_bytes()));
    for a in &ledger.accounts {
        h = mix(h, a.id ^ (a.balance as u64) ^ ((a.balance >> 64) as u64) ^ a.nonce as u64);
        h = mix(h, fnv1a(&a.owner) ^ fnv1a(a.label.as_bytes()) ^ a.frozen as u64);
        h = a.tags.iter().fold(h, |h, &t| mix(h, t as u64));
    }
    for t in &ledger.transfers {
        h = mix(h, (t.from as u64) << 32 | t.to as u64);
        h = mix(h, t.amount ^ t.fee.map_or(u64::MAX, u64::from));
        h = mix(h, match &t.memo {
            Memo::None => 0,
            Memo::Text(s) => fnv1a(s.as_bytes()),
            Memo::Invoice { number, line } => number ^ *line as u64,
        });
    }
    h
}

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: n as 8 LE bytes"));
    let original = ledger(n);
    let encoded = postcard::to_allocvec(&original).expect("postcard encoding");
    let mut sum = 0u64;
    for _ in 0..3 {
        let decoded: Ledger = postcard::from_bytes(&encoded).expect("postcard decoding");
        assert!(decoded == original, "decoding differs from the original");
        sum ^= checksum(&decoded).rotate_left(sum as u32 & 63);
    }
    ziskos_bindings::commit(&(encoded.len() as u64).to_le_bytes());
    ziskos_bindings::commit(&fnv1a(&encoded).to_le_bytes());
    ziskos_bindings::commit(&sum.to_le_bytes());
}
