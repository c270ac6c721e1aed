//! The curve accelerators on the real ziskemu, each judged by a software crate on random and
//! edge cases including every failure the interface has: `zkvm_secp256k1_ecrecover` and
//! `zkvm_secp256k1_verify` by k256 (guest examples/ecrecover), `zkvm_bn254_g1_add` and
//! `zkvm_bn254_g1_mul` by substrate-bn, revm's (guest examples/bn254_g1). Every route.

use k256::ecdsa::{RecoveryId, Signature, SigningKey, VerifyingKey};

mod common;
use common::{check_routes, hex};

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

fn or_none(bytes: Option<[u8; 64]>) -> String {
    bytes.map_or("none".to_string(), |b| hex(&b))
}

#[test]
fn secp256k1_accelerators_agree_with_k256_on_every_route() {
    let cases = cases();
    let mut input = Vec::new();
    let mut expected = Vec::new();
    for c in &cases {
        input.extend_from_slice(&c.msg);
        input.extend_from_slice(&c.sig);
        input.push(c.recid);
        input.extend_from_slice(&c.pubkey);
        expected.push(format!("{} {}", or_none(judge_recover(c)), u8::from(judge_verify(c))));
    }
    check_routes("ecrecover", &input, &expected);
}

mod bn254 {
    use bn::{AffineG1, Fq, Fr, Group, G1};

    /// x ‖ y as revm's ecAdd and ecMul read it: (0, 0) is infinity; `None` if not a point.
    fn decode(bytes: &[u8; 64]) -> Option<G1> {
        let (x, y) = (Fq::from_slice(&bytes[..32]).ok()?, Fq::from_slice(&bytes[32..]).ok()?);
        if x.is_zero() && y.is_zero() {
            return Some(G1::zero());
        }
        AffineG1::new(x, y).ok().map(Into::into)
    }

    pub fn encode(point: G1) -> [u8; 64] {
        let mut out = [0u8; 64];
        if let Some(a) = AffineG1::from_jacobian(point) {
            a.x().to_big_endian(&mut out[..32]).unwrap();
            a.y().to_big_endian(&mut out[32..]).unwrap();
        }
        out
    }

    pub fn add(p1: &[u8; 64], p2: &[u8; 64]) -> Option<[u8; 64]> {
        Some(encode(decode(p1)? + decode(p2)?))
    }

    pub fn mul(p: &[u8; 64], k: &[u8; 32]) -> Option<[u8; 64]> {
        Some(encode(decode(p)? * Fr::from_slice(k).unwrap()))
    }

    pub fn multiple(k: &[u8; 32]) -> [u8; 64] {
        encode(G1::one() * Fr::from_slice(k).unwrap())
    }

    pub fn negate(p: &[u8; 64]) -> [u8; 64] {
        encode(-decode(p).unwrap())
    }
}

#[test]
fn bn254_accelerators_agree_with_substrate_bn_on_every_route() {
    const R: [u8; 32] = hex32("30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001");
    const BN_P: [u8; 32] = hex32("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47");
    let mut rng = Random(0x2545_f491_4f6c_dd1d);
    let small = |k: u8| {
        let mut s = [0u8; 32];
        s[31] = k;
        s
    };
    let point = |x: [u8; 32], y: [u8; 32]| {
        let mut p = [0u8; 64];
        p[..32].copy_from_slice(&x);
        p[32..].copy_from_slice(&y);
        p
    };
    let (g, infinity) = (point(small(1), small(2)), [0u8; 64]);
    let mut cases: Vec<([u8; 64], [u8; 64], [u8; 32])> = Vec::new();
    for _ in 0..8 {
        let (a, b) = (bn254::multiple(&rng.bytes()), bn254::multiple(&rng.bytes()));
        cases.push((a, b, rng.bytes()));
    }
    let a = cases[0].0;
    let mut r_plus_1 = R;
    r_plus_1[31] += 1;
    for (p1, p2, k) in [
        (a, a, small(0)),                 // doubling; 0·a
        (a, bn254::negate(&a), small(1)), // a − a = infinity; 1·a
        (infinity, a, small(2)),          // 0 + a; k·0
        (a, infinity, small(2)),          // a + 0; 2·a
        (infinity, infinity, R),          // 0 + 0
        (g, a, R),                        // r·G = infinity
        (g, g, r_plus_1),                 // (r + 1)·G = G
        (g, g, [0xff; 32]),               // a scalar above r
        (point(BN_P, small(2)), g, small(3)),    // x = p: not canonical
        (g, point(small(1), BN_P), small(3)),    // y = p, second operand
        (point(small(1), small(3)), g, small(3)), // off the curve
        (g, point(small(0), small(1)), small(3)), // (0, 1): not infinity, off the curve
    ] {
        cases.push((p1, p2, k));
    }
    let mut input = Vec::new();
    let mut expected = Vec::new();
    for (p1, p2, k) in &cases {
        input.extend_from_slice(p1);
        input.extend_from_slice(p2);
        input.extend_from_slice(k);
        expected.push(format!("{} {}", or_none(bn254::add(p1, p2)), or_none(bn254::mul(p1, k))));
    }
    check_routes("bn254_g1", &input, &expected);
}

mod pairing {
    use bn::{AffineG2, Fq, Fq2, Fr, Group, G1, G2};

    pub const PAIR: usize = 192;

    /// A point on the twist outside its order-r subgroup (found by taking square roots of
    /// x³ + 3/(9 + u) for random x until r·Q ≠ O), as x_i ‖ x_r ‖ y_i ‖ y_r.
    pub const OUTSIDE_SUBGROUP: &str = "1b52e6b6ebcd1f5ec9c18070b6d13089633a50eee0f9e038eb8f624fb804d820261060457906159644f9794cdd933160d2d5844307f062cec7b317d94d1fe09f0718b339dccf29d80db8454fb0a09a7856c66f076d09468439098b63eea199f00999dc38a02cf5fffd0e3f9082d8118e5cce6346f8325599a067659b0ad31e45";

    pub fn g2_bytes(point: G2) -> [u8; 128] {
        let mut out = [0u8; 128];
        if let Some(a) = AffineG2::from_jacobian(point) {
            for (at, fq) in [(0, a.x().imaginary()), (32, a.x().real()), (64, a.y().imaginary()), (96, a.y().real())] {
                fq.to_big_endian(&mut out[at..at + 32]).unwrap();
            }
        }
        out
    }

    fn g2(bytes: &[u8]) -> Option<G2> {
        let fq = |at: usize| Fq::from_slice(&bytes[at..at + 32]).ok();
        let (x, y) = (Fq2::new(fq(32)?, fq(0)?), Fq2::new(fq(96)?, fq(64)?));
        if x.is_zero() && y.is_zero() {
            return Some(G2::zero());
        }
        AffineG2::new(x, y).ok().map(Into::into)
    }

    fn g1(bytes: &[u8]) -> Option<G1> {
        let (x, y) = (Fq::from_slice(&bytes[..32]).ok()?, Fq::from_slice(&bytes[32..64]).ok()?);
        if x.is_zero() && y.is_zero() {
            return Some(G1::zero());
        }
        bn::AffineG1::new(x, y).ok().map(Into::into)
    }

    /// revm's ecPairing verdict (substrate-bn): `None` for an invalid point.
    pub fn judge(pairs: &[u8]) -> Option<bool> {
        let mut points = Vec::new();
        for pair in pairs.chunks(PAIR) {
            points.push((g1(&pair[..64])?, g2(&pair[64..])?));
        }
        Some(bn::pairing_batch(&points) == bn::Gt::one())
    }

    pub fn pair(p: G1, q: G2) -> Vec<u8> {
        let mut out = super::bn254::encode(p).to_vec();
        out.extend_from_slice(&g2_bytes(q));
        out
    }

    pub fn scalar(bytes: [u8; 32]) -> Fr {
        Fr::from_slice(&bytes).unwrap()
    }
}

#[test]
fn bn254_pairing_agrees_with_substrate_bn_on_every_route() {
    use bn::{Fr, Group, G1, G2};
    use pairing::{pair, scalar, PAIR};
    const BN_P: [u8; 32] = hex32("30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47");
    let mut rng = Random(0x5851_f42d_4c95_7f2d);
    let mut cases: Vec<Vec<u8>> = Vec::new();
    // e(a·G1, b·G2) · e(−ab·G1, G2) = 1, and with one factor changed ≠ 1.
    for _ in 0..3 {
        let (a, b) = (scalar(rng.bytes()), scalar(rng.bytes()));
        let mut good = pair(G1::one() * a, G2::one() * b);
        good.extend(pair(-(G1::one() * (a * b)), G2::one()));
        cases.push(good.clone());
        let mut bad = pair(G1::one() * a, G2::one() * b);
        bad.extend(pair(-(G1::one() * (a * b)), G2::one() * scalar(rng.bytes())));
        cases.push(bad);
    }
    // Four pairs (a Groth16 check's shape): e(a·G1, G2)·e(b·G1, G2)·e(c·G1, G2)·e(−(a+b+c)·G1, G2).
    let (a, b, c) = (scalar(rng.bytes()), scalar(rng.bytes()), scalar(rng.bytes()));
    let mut four = Vec::new();
    for (p, q) in [(G1::one() * a, G2::one()), (G1::one(), G2::one() * b), (G1::one() * c, G2::one()), (-(G1::one() * (a + b + c)), G2::one())] {
        four.extend(pair(p, q));
    }
    cases.push(four);
    // Around one batch of Miller loops (16 pairs): 18 pairs that hold, three of them with an
    // infinite G1 point; the last 15 of them, which do not; the first 17 with the last G2
    // point moved off the twist (the second batch validates too).
    let mut many = Vec::new();
    let mut total = Fr::zero();
    for k in 0..17 {
        let a = scalar(rng.bytes());
        total = total + a;
        if k % 6 == 2 {
            many.extend(pair(G1::zero(), G2::one() * a));
        } else {
            many.extend(pair(G1::one() * a, G2::one()));
        }
        if k % 6 == 2 {
            total = total - a;
        }
    }
    many.extend(pair(-(G1::one() * total), G2::one()));
    cases.push(many.clone());
    cases.push(many[PAIR * 3..].to_vec());
    let mut bad_late = many[..17 * PAIR].to_vec();
    bad_late[17 * PAIR - 1] ^= 1;
    cases.push(bad_late);
    let base = cases[0].clone();
    // No pairs; one pair alone (≠ 1); infinity on either side (contributes 1).
    cases.push(Vec::new());
    cases.push(pair(G1::one(), G2::one()));
    cases.push(pair(G1::zero(), G2::one()));
    cases.push(pair(G1::one(), G2::zero()));
    cases.push(pair(G1::zero(), G2::zero()));
    let mut with_zero = base.clone();
    with_zero.extend(pair(G1::zero(), G2::one() * scalar(rng.bytes())));
    cases.push(with_zero);
    // Invalid points, each in the second pair of a valid check: a G1 coordinate = p, G1 off
    // the curve, each G2 coordinate = p, G2 off the twist, G2 outside the subgroup, and (0, 1)
    // on either side (not infinity, off the curve).
    let patched = |at: usize, bytes: &[u8]| {
        let mut c = base.clone();
        c[PAIR + at..PAIR + at + bytes.len()].copy_from_slice(bytes);
        c
    };
    cases.push(patched(0, &BN_P));
    cases.push(patched(32, &BN_P));
    let mut off = base[PAIR + 32..PAIR + 64].to_vec();
    off[31] ^= 1;
    cases.push(patched(32, &off));
    for at in [64, 96, 128, 160] {
        cases.push(patched(at, &BN_P));
    }
    let mut off = base[PAIR + 160..PAIR + 192].to_vec();
    off[31] ^= 1;
    cases.push(patched(160, &off));
    let outside: Vec<u8> = (0..128).map(|i| u8::from_str_radix(&pairing::OUTSIDE_SUBGROUP[2 * i..2 * i + 2], 16).unwrap()).collect();
    cases.push(patched(64, &outside));
    let mut one = [0u8; 64];
    one[63] = 1;
    cases.push(patched(0, &one));
    let mut g2_one = [0u8; 128];
    g2_one[127] = 1;
    cases.push(patched(64, &g2_one));
    let mut input = Vec::new();
    let mut expected = Vec::new();
    for c in &cases {
        input.push((c.len() / PAIR) as u8);
        input.extend_from_slice(c);
        expected.push(pairing::judge(c).map_or("none".to_string(), |v| u8::from(v).to_string()));
    }
    // The judge itself: the good checks verify, the bad ones do not, the point outside the
    // subgroup is refused.
    assert_eq!(&expected[..10], ["1", "0", "1", "0", "1", "0", "1", "1", "0", "none"]);
    assert_eq!(expected[expected.len() - 3], "none");
    check_routes("bn254_pairing", &input, &expected);
}

#[test]
fn secp256r1_verify_accepts_exactly_the_valid_signatures_on_every_route() {
    use ark_ec::{AffineRepr, CurveGroup};
    use ark_ff::{BigInteger, Field, PrimeField};
    use ark_secp256r1::{Affine, Fr};
    const N: [u8; 32] = hex32("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    const P: [u8; 32] = hex32("ffffffff00000001000000000000000000000000ffffffffffffffffffffffff");
    let be = |x: Fr| -> [u8; 32] { x.into_bigint().to_bytes_be().try_into().unwrap() };
    let point = |p: Affine| -> [u8; 64] {
        let (x, y) = p.xy().unwrap();
        let mut out = [0u8; 64];
        out[..32].copy_from_slice(&x.into_bigint().to_bytes_be());
        out[32..].copy_from_slice(&y.into_bigint().to_bytes_be());
        out
    };
    let mut rng = Random(0x6a09_e667_f3bc_c908);
    let mut random_scalar = || Fr::from_be_bytes_mod_order(&rng.bytes());
    // (msg, sig, pubkey, verdict): signatures made here, then changed.
    let mut cases: Vec<([u8; 32], [u8; 64], [u8; 64], bool)> = Vec::new();
    let mut valid = Vec::new();
    for _ in 0..6 {
        let (d, k, msg) = (random_scalar(), random_scalar(), random_scalar());
        let key = (Affine::generator() * d).into_affine();
        let (rx, _) = (Affine::generator() * k).into_affine().xy().unwrap();
        let r = Fr::from_be_bytes_mod_order(&rx.into_bigint().to_bytes_be());
        let s = k.inverse().unwrap() * (msg + r * d);
        valid.push((be(msg), join(&be(r), &be(s)), point(key), s));
    }
    for &(msg, sig, key, s) in &valid {
        cases.push((msg, sig, key, true));
        // High s: (r, n − s) verifies too.
        cases.push((msg, join(&sig[..32], &be(-s)), key, true));
    }
    let (msg, sig, key, _) = valid[0];
    let mut other = msg;
    other[31] ^= 1;
    cases.push((other, sig, key, false));
    cases.push((msg, sig, valid[1].2, false));
    let (r, s) = (&sig[..32], &sig[32..]);
    for bad in [join(&[0; 32], s), join(r, &[0; 32]), join(&N, s), join(r, &N), join(&[0xff; 32], &[0xff; 32])] {
        cases.push((msg, bad, key, false));
    }
    let mut off = key;
    off[63] ^= 1;
    for bad in [[0u8; 64], join(&P, &key[32..]), off] {
        cases.push((msg, sig, bad, false));
    }
    let mut input = Vec::new();
    let mut expected = Vec::new();
    for (msg, sig, key, verdict) in &cases {
        input.extend_from_slice(msg);
        input.extend_from_slice(sig);
        input.extend_from_slice(key);
        expected.push(u8::from(*verdict).to_string());
    }
    check_routes("p256_verify", &input, &expected);
}

/// Not a curve, but judged the same way: `zkvm_ripemd160` against the ripemd crate (revm's),
/// on every length around the padding's block boundaries and a few multi-block messages.
#[test]
fn ripemd160_agrees_with_the_ripemd_crate_on_every_route() {
    use ripemd::Digest;
    let mut rng = Random(0xbb67_ae85_84ca_a73b);
    let mut input = Vec::new();
    let mut expected = Vec::new();
    let lengths = (0..=130).chain([191, 192, 1000, 4096]);
    for len in lengths {
        let mut message = Vec::new();
        while message.len() < len {
            message.extend_from_slice(&rng.bytes());
        }
        message.truncate(len);
        input.extend_from_slice(&(len as u16).to_le_bytes());
        input.extend_from_slice(&message);
        expected.push(hex(&ripemd::Ripemd160::digest(&message)));
    }
    check_routes("ripemd160", &input, &expected);
}
