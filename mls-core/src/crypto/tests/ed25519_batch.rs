//! Ed25519 single and batch verification agree (ed25519.rs): both use the
//! cofactored equation of RFC 8032 §5.1.7 and the same strict checks.

use curve25519_dalek::constants::{ED25519_BASEPOINT_POINT, EIGHT_TORSION};
use curve25519_dalek::edwards::EdwardsPoint;
use curve25519_dalek::scalar::Scalar;
use sha2::Digest as _;

use super::P;
use crate::crypto::{CipherSuite, CryptoError, CryptoProvider as _, SignaturePublicKey};

const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;

fn keys(n: usize) -> Vec<(crate::crypto::SignaturePrivateKey, SignaturePublicKey)> {
    (0..n).map(|_| P.signature_key_pair(CS).unwrap()).collect()
}

fn batch(items: &[(Vec<u8>, Vec<u8>, Vec<u8>)]) -> bool {
    let refs: Vec<(&[u8], &[u8], &[u8])> = items
        .iter()
        .map(|(a, b, c)| (a.as_slice(), b.as_slice(), c.as_slice()))
        .collect();
    P.verify_all(CS, &refs)
}

fn honest(n: usize) -> Vec<(Vec<u8>, Vec<u8>, Vec<u8>)> {
    keys(n)
        .into_iter()
        .enumerate()
        .map(|(i, (sk, pk))| {
            let msg = format!("message {i}").into_bytes();
            let sig = P.sign(CS, &sk, &msg).unwrap();
            (pk.0, msg, sig)
        })
        .collect()
}

/// A signature by the key with seed `seed` whose R carries the torsion
/// point `t`: `R = [r]B + T`, `S = r + k a`. The cofactored equation holds,
/// the cofactorless one does not (it is off by T).
fn torsion_signature(seed: [u8; 32], msg: &[u8], t: EdwardsPoint) -> (Vec<u8>, Vec<u8>) {
    let h: [u8; 64] = sha2::Sha512::digest(seed).into();
    let mut a_bytes: [u8; 32] = h[..32].try_into().unwrap();
    a_bytes[0] &= 248;
    a_bytes[31] &= 127;
    a_bytes[31] |= 64;
    let a = Scalar::from_bytes_mod_order(a_bytes);
    let pk = (ED25519_BASEPOINT_POINT * a).compress().to_bytes();
    let r = Scalar::from_bytes_mod_order_wide(&sha2::Sha512::digest(b"nonce").into());
    let big_r = (ED25519_BASEPOINT_POINT * r + t).compress().to_bytes();
    let mut hk = sha2::Sha512::new();
    hk.update(big_r);
    hk.update(pk);
    hk.update(msg);
    let k = Scalar::from_bytes_mod_order_wide(&hk.finalize().into());
    let s = r + k * a;
    let mut sig = big_r.to_vec();
    sig.extend_from_slice(s.as_bytes());
    (pk.to_vec(), sig)
}

#[test]
fn honest_signatures_pass_alone_and_in_batches() {
    let items = honest(70);
    for (pk, msg, sig) in &items {
        P.verify(CS, &SignaturePublicKey(pk.clone()), msg, sig)
            .unwrap();
    }
    assert!(batch(&items));
    assert!(batch(&items[..1]));
    assert!(batch(&[]));
}

#[test]
fn one_bad_signature_fails_the_batch() {
    let good = honest(40);
    for victim in [0, 17, 39] {
        let mut items = good.clone();
        items[victim].1.push(b'!');
        assert!(!batch(&items), "changed message {victim}");
        let mut items = good.clone();
        items[victim].2[40] ^= 1;
        assert!(!batch(&items), "changed S {victim}");
        let mut items = good.clone();
        items[victim].2[3] ^= 1;
        assert!(!batch(&items), "changed R {victim}");
        // Two signatures swapped between messages: both wrong.
        let mut items = good.clone();
        let (a, b) = (items[victim].2.clone(), items[(victim + 1) % 40].2.clone());
        items[victim].2 = b;
        items[(victim + 1) % 40].2 = a;
        assert!(!batch(&items), "swapped {victim}");
    }
}

#[test]
fn torsion_in_r_gets_the_same_verdict_alone_and_in_a_batch() {
    // RFC 8032 §5.1.7 states the cofactored equation: such a signature is
    // valid, alone and in a batch. ed25519-dalek's verify_strict (the
    // cofactorless equation) refuses it: the disagreement this module's
    // choice removes between a joiner's batch and a one-by-one check.
    let t = EIGHT_TORSION[1];
    let (pk, sig) = torsion_signature([7u8; 32], b"torsion", t);
    P.verify(CS, &SignaturePublicKey(pk.clone()), b"torsion", &sig)
        .unwrap();
    let vk = ed25519_dalek::VerifyingKey::from_bytes(&pk.clone().try_into().unwrap()).unwrap();
    let dalek_sig = ed25519_dalek::Signature::from_slice(&sig).unwrap();
    assert!(vk.verify_strict(b"torsion", &dalek_sig).is_err());
    let mut items = honest(10);
    items.push((pk, b"torsion".to_vec(), sig));
    assert!(batch(&items));
}

#[test]
fn strict_checks_refuse_alone_and_in_a_batch() {
    let good = honest(5);
    let (pk, msg, sig) = good[0].clone();
    // S + L: the same value mod L, but not below L (RFC 8032 §5.1.7
    // requires 0 <= S < L). S < L < 2^253, so S + L fits in 32 bytes.
    const L: [u8; 32] = [
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
    ];
    let mut non_canonical_s = sig.clone();
    let mut carry = 0u16;
    for (i, l) in L.iter().enumerate() {
        let v = u16::from(sig[32 + i]) + u16::from(*l) + carry;
        non_canonical_s[32 + i] = v.to_le_bytes()[0];
        carry = v >> 8;
    }
    assert_eq!(carry, 0);
    assert_eq!(
        P.verify(CS, &SignaturePublicKey(pk.clone()), &msg, &non_canonical_s),
        Err(CryptoError::SignatureVerification)
    );
    let mut items = good.clone();
    items[0].2 = non_canonical_s;
    assert!(!batch(&items));
    // A non-canonical R (y >= p) is refused even where it names the same point.
    let mut non_canonical_r = sig.clone();
    non_canonical_r[..32].copy_from_slice(&[0xff; 32]);
    assert!(
        P.verify(CS, &SignaturePublicKey(pk.clone()), &msg, &non_canonical_r)
            .is_err()
    );
    // R of small order (the identity) with S = k a would satisfy both
    // equations for its owner; strict checks refuse it.
    let mut small_r = sig.clone();
    small_r[..32].copy_from_slice(EdwardsPoint::default().compress().as_bytes());
    assert!(
        P.verify(CS, &SignaturePublicKey(pk.clone()), &msg, &small_r)
            .is_err()
    );
    let mut items = good.clone();
    items[0].2 = small_r;
    assert!(!batch(&items));
    // A key of small order is malformed.
    let weak = EIGHT_TORSION[2].compress().to_bytes().to_vec();
    assert!(matches!(
        P.verify(CS, &SignaturePublicKey(weak.clone()), &msg, &sig),
        Err(CryptoError::MalformedSignatureKey { .. })
    ));
    let mut items = good;
    items[0].0 = weak;
    assert!(!batch(&items));
}
