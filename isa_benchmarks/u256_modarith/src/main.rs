//! isa_benchmarks u256_modarith: 256-bit modular arithmetic with the ruint crate over the
//! secp256k1 base field. Input: n as 8 little-endian bytes. n rounds of a multiply-add
//! recurrence (mul_mod, add_mod), with a pow_mod every 64 rounds, then a Fermat inverse
//! (pow_mod by p - 2) checked against ruint's inv_mod. Output: x, y and the inverse, 32 bytes
//! LE each.
#![cfg_attr(target_os = "none", no_std, no_main)]

use ruint::aliases::U256;

ziskos_bindings::entrypoint!(main);

/// 2^256 - 2^32 - 977.
const P: U256 = U256::from_limbs([0xFFFF_FFFE_FFFF_FC2F, u64::MAX, u64::MAX, u64::MAX]);

fn main() {
    let input = ziskos_bindings::read_input();
    let n = u64::from_le_bytes(input[..8].try_into().expect("input: n as 8 LE bytes"));
    let mut x = U256::from_limbs([0x0123_4567_89ab_cdef, 0xfedc_ba98_7654_3210, 0x0f1e_2d3c_4b5a_6978, 7]);
    let mut y = U256::from(3u64);
    let e = U256::from(65_537u64);
    for i in 0..n {
        x = x.mul_mod(y, P).add_mod(U256::from(i), P);
        y = y.add_mod(x, P).mul_mod(x, P);
        if i % 64 == 63 {
            x = x.pow_mod(e, P);
        }
    }
    let inverse = x.pow_mod(P - U256::from(2u64), P);
    assert_eq!(Some(inverse), x.inv_mod(P), "Fermat and extended-Euclid inverses differ");
    assert_eq!(inverse.mul_mod(x, P), U256::from(1u64), "not an inverse");
    for v in [x, y, inverse] {
        ziskos_bindings::commit(&v.to_le_bytes::<32>());
    }
}
