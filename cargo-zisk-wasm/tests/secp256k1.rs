//! The secp256k1 accelerators (`zkvm_secp256k1_ecrecover`, `zkvm_secp256k1_verify`) on the
//! real ziskemu, judged by k256: keys and signatures made here, random and edge cases, every
//! failure the interface has. The guest is examples/ecrecover on every route.

use std::path::Path;
use std::process::Command;

use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};

const N: [u8; 32] = hex32("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
const P: [u8; 32] = hex32("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f");
const GX: [u8; 32] = hex32("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");

const fn hex32(s: &str) -> [u8; 32] {
    let (s, mut out, mut i) = (s.as_bytes(), [0u8; 32], 0);
    while i < 32 {
        out[i] = digit(s[2 * i]) << 4 | digit(s[2 * i + 1]);
        i += 1;
    }
    out
}

const fn digit(c: u8) -> u8 {
    if c <= b'9' {
        c - b'0'
    } else {
        c - b'a' + 10
    }
}

#[derive(Clone, Copy)]
struct Case {
    msg: [u8; 32],
    sig: [u8; 64],
    recid: u8,
    pubkey: [u8; 64],
}

/// A deterministic xorshift stream of 32-byte strings.
struct Random(u64);

impl Random {
    fn bytes(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for chunk in out.chunks_mut(8) {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            chunk.copy_from_slice(&self.0.to_le_bytes());
        }
        out
    }

    fn key(&mut self) -> SigningKey {
        loop {
            if let Ok(k) = SigningKey::from_slice(&self.bytes()) {
                return k;
            }
        }
    }
}

fn public(key: &VerifyingKey) -> [u8; 64] {
    key.to_encoded_point(false).as_bytes()[1..].try_into().unwrap()
}

fn join(r: &[u8], s: &[u8]) -> [u8; 64] {
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(r);
    sig[32..].copy_from_slice(s);
    sig
}

/// k256's answer under ziskos' rules: recid 0 or 1 only, high s accepted (k256 rejects it;
/// (r, n − s) is the same signature with R negated).
fn judge_recover(c: &Case) -> Option<[u8; 64]> {
    if c.recid > 1 {
        return None;
    }
    let sig = Signature::from_slice(&c.sig).ok()?;
    let (sig, flip) = sig.normalize_s().map_or((sig, 0), |low| (low, 1));
    let key = VerifyingKey::recover_from_prehash(&c.msg, &sig, RecoveryId::from_byte(c.recid ^ flip)?).ok()?;
    Some(public(&key))
}

fn judge_verify(c: &Case) -> bool {
    use k256::ecdsa::signature::hazmat::PrehashVerifier;
    let mut sec1 = [4u8; 65];
    sec1[1..].copy_from_slice(&c.pubkey);
    let (Ok(key), Ok(sig)) = (VerifyingKey::from_sec1_bytes(&sec1), Signature::from_slice(&c.sig)) else { return false };
    key.verify_prehash(&c.msg, &sig.normalize_s().unwrap_or(sig)).is_ok()
}

fn cases() -> Vec<Case> {
    let mut rng = Random(0x9e37_79b9_7f4a_7c15);
    let mut cases = Vec::new();
    let signed = |key: &SigningKey, msg: [u8; 32]| {
        let (sig, recid) = key.sign_prehash_recoverable(&msg).unwrap();
        Case { msg, sig: sig.to_bytes().into(), recid: recid.to_byte(), pubkey: public(key.verifying_key()) }
    };
    // Random keys and hashes, and the hashes 0 and 2^256 − 1 (above n: reduced).
    for _ in 0..10 {
        let key = rng.key();
        let msg = rng.bytes();
        cases.push(signed(&key, msg));
    }
    let key = rng.key();
    cases.push(signed(&key, [0; 32]));
    cases.push(signed(&key, [0xff; 32]));
    let valid = cases.len();
    for i in 0..4 {
        let c = cases[i];
        // High s: (r, n − s) with the other parity.
        let s = Signature::from_slice(&c.sig).unwrap();
        let high = join(&c.sig[..32], &(-*s.s()).to_bytes());
        cases.push(Case { sig: high, recid: c.recid ^ 1, ..c });
        // The other parity recovers some other key; the signature still verifies.
        cases.push(Case { recid: c.recid ^ 1, ..c });
        // Recovery ids ziskos refuses.
        cases.push(Case { recid: [2, 3, 0xff, 4][i], ..c });
    }
    let c = cases[4];
    let (r, s) = (c.sig[..32].to_vec(), c.sig[32..].to_vec());
    // r and s outside [1, n − 1].
    for sig in [join(&[0; 32], &s), join(&r, &[0; 32]), join(&N, &s), join(&r, &N), join(&[0xff; 32], &[0xff; 32])] {
        cases.push(Case { sig, ..c });
    }
    // r = G's x: R = ±G, the cases G + R = 2G and G + R = infinity.
    for recid in [0, 1] {
        cases.push(Case { sig: join(&GX, &s), recid, ..c });
    }
    // r that is no point's x.
    let mut missing = 0;
    for x in 1u8.. {
        let mut r = [0u8; 32];
        r[31] = x;
        if judge_recover(&Case { sig: join(&r, &s), ..c }).is_none() {
            cases.push(Case { sig: join(&r, &s), ..c });
            missing += 1;
            if missing == 2 {
                break;
            }
        }
    }
    // Verification that fails: another hash, another key, the identity, x = p, off the curve.
    let mut msg = c.msg;
    msg[0] ^= 1;
    cases.push(Case { msg, ..c });
    cases.push(Case { pubkey: cases[5].pubkey, ..c });
    cases.push(Case { pubkey: [0; 64], ..c });
    cases.push(Case { pubkey: join(&P, &c.pubkey[32..]), ..c });
    let mut off = c.pubkey;
    off[63] ^= 1;
    cases.push(Case { pubkey: off, ..c });
    // The judge itself: every signature made here recovers and verifies.
    for c in &cases[..valid] {
        assert_eq!(judge_recover(c), Some(c.pubkey));
        assert!(judge_verify(c));
    }
    cases
}

#[test]
fn secp256k1_accelerators_agree_with_k256_on_every_route() {
    let cases = cases();
    let mut input = Vec::new();
    let mut expected = String::new();
    for c in &cases {
        input.extend_from_slice(&c.msg);
        input.extend_from_slice(&c.sig);
        input.push(c.recid);
        input.extend_from_slice(&c.pubkey);
        let recovered = judge_recover(c).map_or("none".to_string(), |k| k.iter().map(|b| format!("{b:02x}")).collect());
        expected += &format!("{recovered} {}\n", u8::from(judge_verify(c)));
    }
    let dir = tempfile::tempdir().unwrap();
    let input_path = dir.path().join("input.bin");
    std::fs::write(&input_path, &input).unwrap();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/Cargo.toml");
    for route in ["direct", "cl-riscv", "native"] {
        let out = Command::new(env!("CARGO_BIN_EXE_cargo-zisk-wasm"))
            .args(["zisk-wasm", "run", "--release", "-p", "ecrecover", "--route", route, "--manifest-path"])
            .arg(&manifest)
            .arg("-i")
            .arg(&input_path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{route}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
        let lines: Vec<&str> = stdout.lines().filter(|l| l.ends_with(" 0") || l.ends_with(" 1")).collect();
        for (i, (got, want)) in lines.iter().zip(expected.lines()).enumerate() {
            assert_eq!(*got, want, "{route}: case {i}");
        }
        assert_eq!(lines.len(), cases.len(), "{route}: {stdout}");
    }
}
