//! The DHKEMs of RFC 9180 §4.1 over X25519, X448, P-256, P-384 and P-521,
//! including `DeriveKeyPair` (§7.1.3). Written directly on the curve crates
//! so that all five share one code path (no HPKE crate ships X448).

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::kdf::{labeled_expand, labeled_extract};
use crate::crypto::error::CryptoError;
use crate::crypto::secret::Secret;
use crate::crypto::suite::KemAlg;

/// `suite_id = concat("KEM", I2OSP(kem_id, 2))` (RFC 9180 §4.1).
fn suite_id(kem: KemAlg) -> [u8; 5] {
    let [hi, lo] = kem.id().to_be_bytes();
    [b'K', b'E', b'M', hi, lo]
}

/// Brings a serialized private key to exactly Nsk bytes. P-521 keys are
/// accepted with their leading zero byte(s) stripped (65 or 64 bytes, as in
/// some published vectors) and left-padded; every other length must be exact.
pub(crate) fn private_key_bytes(kem: KemAlg, sk: &[u8]) -> Result<Secret, CryptoError> {
    let n = kem.n_sk();
    let min = if kem == KemAlg::P521 { n - 2 } else { n };
    if sk.len() > n || sk.len() < min {
        return Err(CryptoError::InvalidPrivateKey(match kem {
            KemAlg::X25519 => "an X25519 private key is 32 bytes",
            KemAlg::X448 => "an X448 private key is 56 bytes",
            KemAlg::P256 => "a P-256 private key is 32 bytes",
            KemAlg::P384 => "a P-384 private key is 48 bytes",
            KemAlg::P521 => {
                "a P-521 private key is 66 bytes (64 or 65 with leading zeros stripped)"
            }
        }));
    }
    // Full capacity up front: no reallocation leaves a stray copy behind.
    let mut out = Secret::new(Vec::with_capacity(n));
    out.extend(&[&vec![0u8; n - sk.len()], sk]);
    Ok(out)
}

fn array<const N: usize>(
    bytes: &[u8],
    err: CryptoError,
) -> Result<Zeroizing<[u8; N]>, CryptoError> {
    let arr: [u8; N] = bytes.try_into().map_err(|_| err)?;
    Ok(Zeroizing::new(arr))
}

/// Per-curve operations of the NIST DHKEMs. Public keys are uncompressed
/// SEC1 points (RFC 9180 §7.1.1); private keys big-endian scalars.
macro_rules! nist_curve {
    ($modname:ident, $krate:ident, $label:literal) => {
        mod $modname {
            use $krate::elliptic_curve::sec1::ToSec1Point;
            use $krate::{PublicKey, SecretKey};

            use crate::crypto::error::CryptoError;
            use crate::crypto::secret::Secret;

            /// `sk` is exactly Nsk bytes. Fails if it is 0 or not below the order.
            pub(super) fn secret_key(sk: &[u8]) -> Result<SecretKey, CryptoError> {
                SecretKey::from_slice(sk).map_err(|_| {
                    CryptoError::InvalidPrivateKey(concat!(
                        "not a valid ",
                        $label,
                        " scalar (zero or not below the group order)"
                    ))
                })
            }

            pub(super) fn public_key(sk: &[u8]) -> Result<Vec<u8>, CryptoError> {
                Ok(secret_key(sk)?
                    .public_key()
                    .to_sec1_point(false)
                    .as_bytes()
                    .to_vec())
            }

            fn parse_public(pk: &[u8], n_pk: usize) -> Result<PublicKey, CryptoError> {
                if pk.len() != n_pk || pk.first() != Some(&0x04) {
                    return Err(CryptoError::InvalidPublicKey(concat!(
                        "a ",
                        $label,
                        " public key must be an uncompressed SEC1 point"
                    )));
                }
                PublicKey::from_sec1_bytes(pk)
                    .map_err(|_| CryptoError::InvalidPublicKey(concat!("not a point on ", $label)))
            }

            /// The x-coordinate of sk * pk (RFC 9180 §7.1.1: Ndh = field size).
            pub(super) fn dh(sk: &[u8], pk: &[u8], n_pk: usize) -> Result<Secret, CryptoError> {
                let pk = parse_public(pk, n_pk)?;
                let shared = secret_key(sk)?.diffie_hellman(&pk);
                Ok(Secret::new(shared.raw_secret_bytes().to_vec()))
            }
        }
    };
}

nist_curve!(p256_ops, p256, "P-256");
nist_curve!(p384_ops, p384, "P-384");
nist_curve!(p521_ops, p521, "P-521");

/// `pk(sk)` serialized; also validates the private key.
pub(crate) fn public_key(kem: KemAlg, sk: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let sk = private_key_bytes(kem, sk)?;
    let sk = sk.as_bytes();
    let bad = || CryptoError::InvalidPrivateKey("wrong length");
    match kem {
        KemAlg::X25519 => {
            let k = array::<32>(sk, bad())?;
            // Fixed-base multiplication with precomputed tables: several
            // times faster than the ladder on the base point, same result.
            let secret = x25519_dalek::StaticSecret::from(*k);
            Ok(x25519_dalek::PublicKey::from(&secret).to_bytes().to_vec())
        }
        KemAlg::X448 => {
            let k = array::<56>(sk, bad())?;
            x448::x448(*k, x448::X448_BASEPOINT_BYTES)
                .map(|pk| pk.to_vec())
                .ok_or(CryptoError::InvalidPrivateKey(
                    "X448 scalar multiplication failed",
                ))
        }
        KemAlg::P256 => p256_ops::public_key(sk),
        KemAlg::P384 => p384_ops::public_key(sk),
        KemAlg::P521 => p521_ops::public_key(sk),
    }
}

/// X25519(k, u) (RFC 7748 §5). For a `u` on the curve the product is taken
/// on the birational Edwards curve, whose variable-base multiplication uses
/// the SIMD backend and is faster than the Montgomery ladder; the
/// u-coordinate of k·P does not depend on which of ±P the map picks. A `u`
/// on the twist (or -1) has no Edwards image and takes the ladder. Both are
/// constant time in `k`.
///
/// The scalar copy it multiplies by and the shared secret it returns are
/// zeroized when dropped (the multiplication takes its scalar by value).
fn x25519(k: &[u8; 32], u: [u8; 32]) -> Zeroizing<[u8; 32]> {
    let scalar = Zeroizing::new(*k);
    Zeroizing::new(match edwards_image(&u) {
        Some(edwards) => edwards.mul_clamped(*scalar).to_montgomery().to_bytes(),
        None => curve25519_dalek::MontgomeryPoint(u)
            .mul_clamped(*scalar)
            .to_bytes(),
    })
}

/// The Edwards image of an X25519 public key (sign 0), remembered for the
/// most recent keys: a member's leaf and parent keys are encrypted to in
/// commit after commit until they change, and the map costs an inversion and
/// a square root. Public data only; the cache is emptied when full.
fn edwards_image(u: &[u8; 32]) -> Option<curve25519_dalek::EdwardsPoint> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    type Cache = Mutex<HashMap<[u8; 32], Option<curve25519_dalek::EdwardsPoint>>>;
    const CAPACITY: usize = 1 << 14;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Cache::default);
    if let Some(hit) = cache.lock().ok().and_then(|map| map.get(u).copied()) {
        return hit;
    }
    let image = curve25519_dalek::MontgomeryPoint(*u).to_edwards(0);
    if let Ok(mut map) = cache.lock() {
        if map.len() >= CAPACITY {
            map.clear();
        }
        map.insert(*u, image);
    }
    image
}

/// `DH(sk, pk)`. An all-zero output is rejected (RFC 9180 §7.1.4; RFC 7748 §6).
fn dh(kem: KemAlg, sk: &[u8], pk: &[u8]) -> Result<Secret, CryptoError> {
    let sk = private_key_bytes(kem, sk)?;
    let sk = sk.as_bytes();
    let bad_sk = || CryptoError::InvalidPrivateKey("wrong length");
    let out = match kem {
        KemAlg::X25519 => {
            let k = array::<32>(sk, bad_sk())?;
            let u: [u8; 32] = pk
                .try_into()
                .map_err(|_| CryptoError::InvalidPublicKey("an X25519 public key is 32 bytes"))?;
            Secret::new(x25519(&k, u).to_vec())
        }
        KemAlg::X448 => {
            let k = array::<56>(sk, bad_sk())?;
            let u: [u8; 56] = pk
                .try_into()
                .map_err(|_| CryptoError::InvalidPublicKey("an X448 public key is 56 bytes"))?;
            // `x448` returns None for low-order points, whose output is all
            // zero. The scalar copy and the output array are zeroized.
            let scalar = Zeroizing::new(*k);
            let shared =
                Zeroizing::new(x448::x448(*scalar, u).ok_or(CryptoError::ZeroSharedSecret)?);
            Secret::new(shared.to_vec())
        }
        KemAlg::P256 => p256_ops::dh(sk, pk, kem.n_pk())?,
        KemAlg::P384 => p384_ops::dh(sk, pk, kem.n_pk())?,
        KemAlg::P521 => p521_ops::dh(sk, pk, kem.n_pk())?,
    };
    let zero = vec![0u8; out.len()];
    if bool::from(out.as_bytes().ct_eq(&zero)) {
        return Err(CryptoError::ZeroSharedSecret);
    }
    Ok(out)
}

/// `DeriveKeyPair(ikm)` (RFC 9180 §7.1.3).
pub(crate) fn derive_key_pair(kem: KemAlg, ikm: &[u8]) -> Result<(Secret, Vec<u8>), CryptoError> {
    let sk = derive_secret_key(kem, ikm)?;
    let pk = public_key(kem, sk.as_bytes())?;
    Ok((sk, pk))
}

/// The private key of `DeriveKeyPair(ikm)`.
fn derive_secret_key(kem: KemAlg, ikm: &[u8]) -> Result<Secret, CryptoError> {
    let h = kem.hash();
    let sid = suite_id(kem);
    let dkp_prk = labeled_extract(h, &sid, b"", b"dkp_prk", ikm);
    let sk = match kem {
        KemAlg::X25519 | KemAlg::X448 => {
            labeled_expand(h, &sid, dkp_prk.as_bytes(), b"sk", b"", kem.n_sk())?
        }
        KemAlg::P256 | KemAlg::P384 | KemAlg::P521 => {
            // Rejection sampling; only P-521's top byte is masked, to 0x01
            // (its order has 521 bits), P-256/P-384 use bitmask 0xff.
            let bitmask = if kem == KemAlg::P521 { 0x01 } else { 0xff };
            let mut found = None;
            for counter in 0u8..=255 {
                let mut bytes = labeled_expand(
                    h,
                    &sid,
                    dkp_prk.as_bytes(),
                    b"candidate",
                    &[counter],
                    kem.n_sk(),
                )?;
                if let Some(first) = bytes.as_mut_bytes().first_mut() {
                    *first &= bitmask;
                }
                let valid = match kem {
                    KemAlg::P256 => p256_ops::secret_key(bytes.as_bytes()).is_ok(),
                    KemAlg::P384 => p384_ops::secret_key(bytes.as_bytes()).is_ok(),
                    _ => p521_ops::secret_key(bytes.as_bytes()).is_ok(),
                };
                if valid {
                    found = Some(bytes);
                    break;
                }
            }
            found.ok_or(CryptoError::DeriveKeyPair)?
        }
    };
    Ok(sk)
}

/// `ExtractAndExpand(dh, kem_context)` (RFC 9180 §4.1).
fn extract_and_expand(kem: KemAlg, dh: &Secret, kem_context: &[u8]) -> Result<Secret, CryptoError> {
    let sid = suite_id(kem);
    let eae_prk = labeled_extract(kem.hash(), &sid, b"", b"eae_prk", dh.as_bytes());
    labeled_expand(
        kem.hash(),
        &sid,
        eae_prk.as_bytes(),
        b"shared_secret",
        kem_context,
        kem.n_secret(),
    )
}

/// `Encap(pkR)` with the ephemeral key pair `DeriveKeyPair(ikm_e)`; returns
/// `(shared_secret, enc)`.
pub(crate) fn encap(
    kem: KemAlg,
    pk_r: &[u8],
    ikm_e: &[u8],
) -> Result<(Secret, Vec<u8>), CryptoError> {
    let (sk_e, pk_e) = derive_key_pair(kem, ikm_e)?;
    let dh = dh(kem, sk_e.as_bytes(), pk_r)?;
    let mut kem_context = pk_e.clone();
    kem_context.extend_from_slice(pk_r);
    Ok((extract_and_expand(kem, &dh, &kem_context)?, pk_e))
}

/// `Encap(pkR_i)` for many X25519 recipients, the ephemeral keys being
/// `DeriveKeyPair(ikm_e_i)`: the same outputs as [`encap`] one by one, but
/// the Edwards-to-Montgomery maps of all ephemeral public keys and shared
/// points share one field inversion (Montgomery's trick, constant time in
/// dalek). Returns `(shared_secret, enc)` per recipient, in order.
pub(crate) fn encap_x25519_many(
    items: &[(&[u8], &[u8])],
) -> Result<Vec<(Secret, Vec<u8>)>, CryptoError> {
    use curve25519_dalek::{EdwardsPoint, MontgomeryPoint};
    let kem = KemAlg::X25519;
    let mut points: Zeroizing<Vec<EdwardsPoint>> =
        Zeroizing::new(Vec::with_capacity(2 * items.len()));
    // Recipients with no Edwards image (a u on the twist) take the ladder.
    let mut ladder: Vec<(usize, Zeroizing<[u8; 32]>)> = Vec::new();
    for (i, (pk_r, ikm_e)) in items.iter().enumerate() {
        let sk = derive_secret_key(kem, ikm_e)?;
        let k = array::<32>(sk.as_bytes(), CryptoError::DeriveKeyPair)?;
        let u: [u8; 32] = (*pk_r)
            .try_into()
            .map_err(|_| CryptoError::InvalidPublicKey("an X25519 public key is 32 bytes"))?;
        points.push(EdwardsPoint::mul_base_clamped(*k));
        match edwards_image(&u) {
            Some(p) => points.push(p.mul_clamped(*k)),
            None => {
                points.push(EdwardsPoint::default());
                ladder.push((
                    i,
                    Zeroizing::new(MontgomeryPoint(u).mul_clamped(*k).to_bytes()),
                ));
            }
        }
    }
    let montgomery: Zeroizing<Vec<MontgomeryPoint>> =
        Zeroizing::new(EdwardsPoint::to_montgomery_batch(&points));
    let mut out = Vec::with_capacity(items.len());
    for (i, ((pk_r, _), pair)) in items.iter().zip(montgomery.chunks_exact(2)).enumerate() {
        let [enc, shared] = pair else {
            return Err(CryptoError::DeriveKeyPair);
        };
        let shared = match ladder.iter().find(|(at, _)| *at == i) {
            Some((_, bytes)) => Secret::new(bytes.to_vec()),
            None => Secret::new(shared.to_bytes().to_vec()),
        };
        // An all-zero output is rejected (RFC 9180 §7.1.4; RFC 7748 §6).
        if bool::from(shared.as_bytes().ct_eq(&[0u8; 32])) {
            return Err(CryptoError::ZeroSharedSecret);
        }
        let enc = enc.to_bytes().to_vec();
        let mut kem_context = enc.clone();
        kem_context.extend_from_slice(pk_r);
        out.push((extract_and_expand(kem, &shared, &kem_context)?, enc));
    }
    Ok(out)
}

/// `Decap(enc, skR)`.
pub(crate) fn decap(kem: KemAlg, enc: &[u8], sk_r: &[u8]) -> Result<Secret, CryptoError> {
    let dh = dh(kem, sk_r, enc)?;
    let mut kem_context = enc.to_vec();
    kem_context.extend_from_slice(&public_key(kem, sk_r)?);
    extract_and_expand(kem, &dh, &kem_context)
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]

    use super::*;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s).unwrap()
    }

    /// RFC 7748 §6.1 / §6.2: Alice's and Bob's keys agree on the shared secret.
    #[test]
    fn rfc7748_shared_secrets() {
        let cases = [
            (
                KemAlg::X25519,
                "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
                "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
                "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742",
            ),
            (
                KemAlg::X448,
                "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b",
                "1c306a7ac2a0e2e0990b294470cba339e6453772b075811d8fad0d1d6927c120bb5ee8972b0d3e21374c9c921b09d1b0366f10b65173992d",
                "07fff4181ac6cc95ec1c16a94a0f74d12da232ce40a77552281d282bb60c0b56fd2464c335543936521c24403085d59a449a5037514a879d",
            ),
        ];
        for (kem, alice, bob, shared) in cases {
            let (a, b) = (h(alice), h(bob));
            let a_pub = public_key(kem, &a).unwrap();
            let b_pub = public_key(kem, &b).unwrap();
            assert_eq!(dh(kem, &a, &b_pub).unwrap().as_bytes(), h(shared));
            assert_eq!(dh(kem, &b, &a_pub).unwrap().as_bytes(), h(shared));
        }
    }

    /// The Edwards shortcut agrees with the Montgomery ladder on curve
    /// points, twist points, small-order points and non-canonical encodings.
    #[test]
    fn x25519_edwards_matches_ladder() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            let mut out = [0u8; 32];
            for chunk in out.chunks_mut(8) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                chunk.copy_from_slice(&state.to_le_bytes());
            }
            out
        };
        let mut inputs: Vec<[u8; 32]> = (0..200).map(|_| next()).collect();
        // u = 0, 1, -1 (p - 1), p (non-canonical 0), a point of order 8, 2^255 - 1.
        let mut p_minus_1 = [0xff_u8; 32];
        p_minus_1[0] = 0xec;
        p_minus_1[31] = 0x7f;
        let mut p = p_minus_1;
        p[0] = 0xed;
        let mut order8 = [0u8; 32];
        order8.copy_from_slice(&h(
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
        ));
        let mut one = [0u8; 32];
        one[0] = 1;
        inputs.extend([[0u8; 32], one, p_minus_1, p, order8, [0xff; 32]]);
        let mut on_curve = 0;
        for u in inputs {
            let k = next();
            let ladder = x25519_dalek::x25519(k, u);
            assert_eq!(*x25519(&k, u), ladder, "u = {}", hex::encode(u));
            on_curve += usize::from(curve25519_dalek::MontgomeryPoint(u).to_edwards(0).is_some());
        }
        // Both branches were exercised.
        assert!(
            on_curve > 50 && on_curve < 200,
            "{on_curve} of 206 inputs on the curve"
        );
    }

    #[test]
    fn nist_dh_agrees() {
        for kem in [KemAlg::P256, KemAlg::P384, KemAlg::P521] {
            let (a, a_pub) = derive_key_pair(kem, b"alice").unwrap();
            let (b, b_pub) = derive_key_pair(kem, b"bob").unwrap();
            let ab = dh(kem, a.as_bytes(), &b_pub).unwrap();
            assert_eq!(ab, dh(kem, b.as_bytes(), &a_pub).unwrap());
            assert_eq!(ab.len(), kem.n_sk());
        }
    }

    #[test]
    fn encap_decap_agree() {
        for kem in [
            KemAlg::P256,
            KemAlg::P384,
            KemAlg::P521,
            KemAlg::X25519,
            KemAlg::X448,
        ] {
            let (sk, pk) = derive_key_pair(kem, b"recipient").unwrap();
            let (ss, enc) = encap(kem, &pk, b"ephemeral").unwrap();
            assert_eq!(enc.len(), kem.n_pk());
            assert_eq!(ss.len(), kem.n_secret());
            assert_eq!(decap(kem, &enc, sk.as_bytes()).unwrap(), ss);
        }
    }

    /// The batched X25519 Encap gives exactly what one Encap at a time
    /// gives, for keys on the curve (Edwards path) and on the twist (ladder
    /// path) alike, and refuses a low-order key.
    #[test]
    fn batched_x25519_encap_matches_single_encap() {
        let kem = KemAlg::X25519;
        let mut recipients: Vec<Vec<u8>> = (0u8..6)
            .map(|i| derive_key_pair(kem, &[i; 32]).unwrap().1)
            .collect();
        // A u on the twist has no Edwards image.
        let twist = (2u8..=255)
            .map(|u| {
                let mut b = [0u8; 32];
                b[0] = u;
                b
            })
            .find(|b| {
                curve25519_dalek::MontgomeryPoint(*b)
                    .to_edwards(0)
                    .is_none()
            })
            .unwrap();
        recipients.insert(3, twist.to_vec());
        let ikms: Vec<Vec<u8>> = (0u8..7).map(|i| vec![100 + i; 32]).collect();
        let items: Vec<(&[u8], &[u8])> = recipients
            .iter()
            .zip(&ikms)
            .map(|(pk, ikm)| (pk.as_slice(), ikm.as_slice()))
            .collect();
        let batched = encap_x25519_many(&items).unwrap();
        assert_eq!(batched.len(), 7);
        for ((pk, ikm), (ss, enc)) in items.iter().zip(&batched) {
            let (single_ss, single_enc) = encap(kem, pk, ikm).unwrap();
            assert_eq!(ss, &single_ss);
            assert_eq!(enc, &single_enc);
        }
        let mut low = items.clone();
        low.push((&[0u8; 32], &[9u8; 32]));
        assert_eq!(encap_x25519_many(&low), Err(CryptoError::ZeroSharedSecret));
    }
}
