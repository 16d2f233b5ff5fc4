//! The DHKEMs of RFC 9180 §4.1 over X25519, X448, P-256, P-384 and P-521,
//! including `DeriveKeyPair` (§7.1.3). Written directly on the curve crates
//! so that all five share one code path (no HPKE crate ships X448).

use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::hpke::{labeled_expand, labeled_extract};
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
            KemAlg::P521 => "a P-521 private key is 66 bytes (64 or 65 with leading zeros stripped)",
        }));
    }
    let mut out = vec![0u8; n - sk.len()];
    out.extend_from_slice(sk);
    Ok(Secret::new(out))
}

fn array<const N: usize>(bytes: &[u8], err: CryptoError) -> Result<Zeroizing<[u8; N]>, CryptoError> {
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
                    CryptoError::InvalidPrivateKey(concat!("not a valid ", $label, " scalar (zero or not below the group order)"))
                })
            }

            pub(super) fn public_key(sk: &[u8]) -> Result<Vec<u8>, CryptoError> {
                Ok(secret_key(sk)?.public_key().to_sec1_point(false).as_bytes().to_vec())
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
            Ok(x25519_dalek::x25519(*k, x25519_dalek::X25519_BASEPOINT_BYTES).to_vec())
        }
        KemAlg::X448 => {
            let k = array::<56>(sk, bad())?;
            x448::x448(*k, x448::X448_BASEPOINT_BYTES)
                .map(|pk| pk.to_vec())
                .ok_or(CryptoError::InvalidPrivateKey("X448 scalar multiplication failed"))
        }
        KemAlg::P256 => p256_ops::public_key(sk),
        KemAlg::P384 => p384_ops::public_key(sk),
        KemAlg::P521 => p521_ops::public_key(sk),
    }
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
            Secret::new(x25519_dalek::x25519(*k, u).to_vec())
        }
        KemAlg::X448 => {
            let k = array::<56>(sk, bad_sk())?;
            let u: [u8; 56] = pk
                .try_into()
                .map_err(|_| CryptoError::InvalidPublicKey("an X448 public key is 56 bytes"))?;
            // `x448` returns None for low-order points, whose output is all zero.
            Secret::new(x448::x448(*k, u).ok_or(CryptoError::ZeroSharedSecret)?.to_vec())
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
    let h = kem.hash();
    let sid = suite_id(kem);
    let dkp_prk = labeled_extract(h, &sid, b"", b"dkp_prk", ikm);
    let sk = match kem {
        KemAlg::X25519 | KemAlg::X448 => labeled_expand(h, &sid, dkp_prk.as_bytes(), b"sk", b"", kem.n_sk())?,
        KemAlg::P256 | KemAlg::P384 | KemAlg::P521 => {
            // Rejection sampling; only P-521's top byte is masked, to 0x01
            // (its order has 521 bits), P-256/P-384 use bitmask 0xff.
            let bitmask = if kem == KemAlg::P521 { 0x01 } else { 0xff };
            let mut found = None;
            for counter in 0u8..=255 {
                let mut bytes = labeled_expand(h, &sid, dkp_prk.as_bytes(), b"candidate", &[counter], kem.n_sk())?;
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
    let pk = public_key(kem, sk.as_bytes())?;
    Ok((sk, pk))
}

/// `ExtractAndExpand(dh, kem_context)` (RFC 9180 §4.1).
fn extract_and_expand(kem: KemAlg, dh: &Secret, kem_context: &[u8]) -> Result<Secret, CryptoError> {
    let sid = suite_id(kem);
    let eae_prk = labeled_extract(kem.hash(), &sid, b"", b"eae_prk", dh.as_bytes());
    labeled_expand(kem.hash(), &sid, eae_prk.as_bytes(), b"shared_secret", kem_context, kem.n_secret())
}

/// `Encap(pkR)` with the ephemeral key pair `DeriveKeyPair(ikm_e)`; returns
/// `(shared_secret, enc)`.
pub(crate) fn encap(kem: KemAlg, pk_r: &[u8], ikm_e: &[u8]) -> Result<(Secret, Vec<u8>), CryptoError> {
    let (sk_e, pk_e) = derive_key_pair(kem, ikm_e)?;
    let dh = dh(kem, sk_e.as_bytes(), pk_r)?;
    let mut kem_context = pk_e.clone();
    kem_context.extend_from_slice(pk_r);
    Ok((extract_and_expand(kem, &dh, &kem_context)?, pk_e))
}

/// `Decap(enc, skR)`.
pub(crate) fn decap(kem: KemAlg, enc: &[u8], sk_r: &[u8]) -> Result<Secret, CryptoError> {
    let dh = dh(kem, sk_r, enc)?;
    let mut kem_context = enc.to_vec();
    kem_context.extend_from_slice(&public_key(kem, sk_r)?);
    extract_and_expand(kem, &dh, &kem_context)
}
