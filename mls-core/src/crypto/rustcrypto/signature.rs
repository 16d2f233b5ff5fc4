//! Ed25519, Ed448 (pure, empty context) and ECDSA over P-256/P-384/P-521
//! with SHA-256/384/512 and DER-encoded signatures (RFC 9420 §5.1.2 and the
//! TLS 1.3 SignatureScheme definitions).

use ed25519_dalek::Signer as _;
use zeroize::Zeroizing;

use crate::crypto::error::CryptoError;
use crate::crypto::secret::{Secret, SignaturePrivateKey};
use crate::crypto::suite::SigAlg;

/// Per-curve ECDSA. Private keys are big-endian scalars of the field size
/// (P-521 also 64/65 bytes, left-padded), public keys uncompressed SEC1
/// points, signatures DER. Signing is deterministic (RFC 6979).
macro_rules! ecdsa_curve {
    ($modname:ident, $krate:ident, $label:literal, $nsk:expr, $min_sk:expr) => {
        mod $modname {
            use $krate::ecdsa::signature::{Signer, Verifier};
            use $krate::ecdsa::{DerSignature, SigningKey, VerifyingKey};

            use crate::crypto::error::CryptoError;

            const N_SK: usize = $nsk;
            const N_PK: usize = 2 * N_SK + 1;

            fn signing_key(sk: &[u8]) -> Result<SigningKey, CryptoError> {
                if sk.len() > N_SK || sk.len() < $min_sk {
                    return Err(CryptoError::InvalidPrivateKey(concat!(
                        "wrong length for a ",
                        $label,
                        " private key"
                    )));
                }
                // Left-pad to the field size; full capacity up front so no
                // reallocation leaves an unzeroized copy.
                let mut padded = zeroize::Zeroizing::new(Vec::with_capacity(N_SK));
                padded.resize(N_SK - sk.len(), 0u8);
                padded.extend_from_slice(sk);
                SigningKey::from_slice(&padded).map_err(|_| {
                    CryptoError::InvalidPrivateKey(concat!(
                        "not a valid ",
                        $label,
                        " scalar (zero or not below the group order)"
                    ))
                })
            }

            pub(super) fn is_valid_private_key(sk: &[u8]) -> bool {
                sk.len() == N_SK && signing_key(sk).is_ok()
            }

            pub(super) fn public_key(sk: &[u8]) -> Result<Vec<u8>, CryptoError> {
                Ok(signing_key(sk)?
                    .verifying_key()
                    .to_sec1_point(false)
                    .as_bytes()
                    .to_vec())
            }

            pub(super) fn sign(sk: &[u8], msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
                let sig: DerSignature = signing_key(sk)?
                    .try_sign(msg)
                    .map_err(|_| CryptoError::Signing)?;
                Ok(sig.as_bytes().to_vec())
            }

            /// [`CryptoError::MalformedSignatureKey`] with what `pk` is.
            fn malformed(pk: &[u8]) -> CryptoError {
                let why = match (pk.len(), pk.first()) {
                    (0, _) => String::from("this one is empty"),
                    (1, Some(0x00)) => String::from("this one is the point at infinity"),
                    (n, Some(0x02 | 0x03)) if n == N_SK + 1 => {
                        String::from("this one is compressed")
                    }
                    (n, Some(first)) if n == N_PK => {
                        format!("this one starts with 0x{first:02x}, not 0x04")
                    }
                    (n, _) if n == N_PK => String::from("this one is not on the curve"),
                    (n, _) => format!("this one is {n} bytes, not {N_PK}"),
                };
                CryptoError::MalformedSignatureKey {
                    scheme: $label,
                    expected: "an uncompressed SEC1 point",
                    why,
                }
            }

            pub(super) fn verify(pk: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
                if pk.len() != N_PK || pk.first() != Some(&0x04) {
                    return Err(malformed(pk));
                }
                let vk = VerifyingKey::from_sec1_bytes(pk).map_err(|_| {
                    CryptoError::MalformedSignatureKey {
                        scheme: $label,
                        expected: "an uncompressed SEC1 point",
                        why: String::from("this one is not on the curve"),
                    }
                })?;
                let sig =
                    DerSignature::from_bytes(sig).map_err(|_| CryptoError::MalformedSignature)?;
                vk.verify(msg, &sig)
                    .map_err(|_| CryptoError::SignatureVerification)
            }
        }
    };
}

ecdsa_curve!(p256_ecdsa, p256, "P-256", 32, 32);
ecdsa_curve!(p384_ecdsa, p384, "P-384", 48, 48);
ecdsa_curve!(p521_ecdsa, p521, "P-521", 66, 64);

fn ed25519_key(sk: &[u8]) -> Result<ed25519_dalek::SigningKey, CryptoError> {
    let seed: Zeroizing<[u8; 32]> = Zeroizing::new(
        sk.try_into()
            .map_err(|_| CryptoError::InvalidPrivateKey("an Ed25519 private key is 32 bytes"))?,
    );
    Ok(ed25519_dalek::SigningKey::from_bytes(&seed))
}

fn ed448_key(sk: &[u8]) -> Result<ed448_goldilocks::SigningKey, CryptoError> {
    if sk.len() != ed448_goldilocks::SECRET_KEY_LENGTH {
        return Err(CryptoError::InvalidPrivateKey(
            "an Ed448 private key is 57 bytes",
        ));
    }
    ed448_goldilocks::SigningKey::try_from(sk)
        .map_err(|_| CryptoError::InvalidPrivateKey("an Ed448 private key is 57 bytes"))
}

/// Whether every `(public key, message, signature)` verifies, checked
/// together where the algorithm allows (Ed25519), one by one otherwise.
pub(crate) fn verify_all(alg: SigAlg, items: &[(&[u8], &[u8], &[u8])]) -> bool {
    match alg {
        SigAlg::Ed25519 => super::ed25519::verify_batch(items),
        _ => items
            .iter()
            .all(|(pk, msg, sig)| verify(alg, pk, msg, sig).is_ok()),
    }
}

/// Length of a freshly generated private key.
fn n_sk(alg: SigAlg) -> usize {
    match alg {
        SigAlg::Ed25519 | SigAlg::EcdsaP256Sha256 => 32,
        SigAlg::Ed448 => 57,
        SigAlg::EcdsaP384Sha384 => 48,
        SigAlg::EcdsaP521Sha512 => 66,
    }
}

pub(crate) fn public_key(alg: SigAlg, sk: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match alg {
        SigAlg::Ed25519 => Ok(ed25519_key(sk)?.verifying_key().to_bytes().to_vec()),
        SigAlg::Ed448 => Ok(ed448_key(sk)?.verifying_key().to_bytes().to_vec()),
        SigAlg::EcdsaP256Sha256 => p256_ecdsa::public_key(sk),
        SigAlg::EcdsaP384Sha384 => p384_ecdsa::public_key(sk),
        SigAlg::EcdsaP521Sha512 => p521_ecdsa::public_key(sk),
    }
}

/// A fresh key pair; `fill` supplies random bytes. EdDSA seeds are any
/// bytes; ECDSA scalars are sampled by rejection (for P-521 the top byte is
/// masked to 0x01 first: the order has 521 bits, the encoding 528).
pub(crate) fn generate(
    alg: SigAlg,
    mut fill: impl FnMut(&mut [u8]) -> Result<(), CryptoError>,
) -> Result<(Secret, Vec<u8>), CryptoError> {
    let mut sk = Secret::new(vec![0u8; n_sk(alg)]);
    for _ in 0..256 {
        fill(sk.as_mut_bytes())?;
        let valid = match alg {
            SigAlg::Ed25519 | SigAlg::Ed448 => true,
            SigAlg::EcdsaP256Sha256 => p256_ecdsa::is_valid_private_key(sk.as_bytes()),
            SigAlg::EcdsaP384Sha384 => p384_ecdsa::is_valid_private_key(sk.as_bytes()),
            SigAlg::EcdsaP521Sha512 => {
                if let Some(first) = sk.as_mut_bytes().first_mut() {
                    *first &= 0x01;
                }
                p521_ecdsa::is_valid_private_key(sk.as_bytes())
            }
        };
        if valid {
            let pk = public_key(alg, sk.as_bytes())?;
            return Ok((sk, pk));
        }
    }
    Err(CryptoError::Randomness)
}

pub(crate) fn sign(alg: SigAlg, sk: &[u8], msg: &[u8]) -> Result<Vec<u8>, CryptoError> {
    match alg {
        SigAlg::Ed25519 => Ok(ed25519_key(sk)?.sign(msg).to_bytes().to_vec()),
        SigAlg::Ed448 => {
            // `Signer` on the bare key is pure Ed448 with an empty context;
            // the `DigestSigner` impls are Ed448ph, which MLS does not use.
            let sig: ed448_goldilocks::Signature =
                ed448_goldilocks::signature::Signer::try_sign(&ed448_key(sk)?, msg)
                    .map_err(|_| CryptoError::Signing)?;
            Ok(sig.to_bytes().to_vec())
        }
        SigAlg::EcdsaP256Sha256 => p256_ecdsa::sign(sk, msg),
        SigAlg::EcdsaP384Sha384 => p384_ecdsa::sign(sk, msg),
        SigAlg::EcdsaP521Sha512 => p521_ecdsa::sign(sk, msg),
    }
}

/// Signs with a key whose EdDSA preparation (expanded secret and public
/// point) is cached in the key after the first use.
pub(crate) fn sign_with_key(
    alg: SigAlg,
    sk: &SignaturePrivateKey,
    msg: &[u8],
) -> Result<Vec<u8>, CryptoError> {
    match alg {
        SigAlg::Ed25519 => sk.with_prepared(ed25519_key, |k: &ed25519_dalek::SigningKey| {
            k.sign(msg).to_bytes().to_vec()
        }),
        SigAlg::Ed448 => sk
            .with_prepared(ed448_key, |k: &ed448_goldilocks::SigningKey| {
                ed448_goldilocks::signature::Signer::<ed448_goldilocks::Signature>::try_sign(k, msg)
                    .map(|sig| sig.to_bytes().to_vec())
                    .map_err(|_| CryptoError::Signing)
            })
            .and_then(|r| r),
        _ => sign(alg, sk.0.as_bytes(), msg),
    }
}

/// The public key of `sk`, from the cached EdDSA preparation where there is one.
pub(crate) fn public_key_of(alg: SigAlg, sk: &SignaturePrivateKey) -> Result<Vec<u8>, CryptoError> {
    match alg {
        SigAlg::Ed25519 => sk.with_prepared(ed25519_key, |k: &ed25519_dalek::SigningKey| {
            k.verifying_key().to_bytes().to_vec()
        }),
        SigAlg::Ed448 => sk.with_prepared(ed448_key, |k: &ed448_goldilocks::SigningKey| {
            k.verifying_key().to_bytes().to_vec()
        }),
        _ => public_key(alg, sk.0.as_bytes()),
    }
}

/// An EdDSA key of the wrong length.
fn wrong_length(scheme: &'static str, expected: &'static str, pk: &[u8], n: usize) -> CryptoError {
    CryptoError::MalformedSignatureKey {
        scheme,
        expected,
        why: format!("this one is {} bytes, not {n}", pk.len()),
    }
}

pub(crate) fn verify(alg: SigAlg, pk: &[u8], msg: &[u8], sig: &[u8]) -> Result<(), CryptoError> {
    match alg {
        // Cofactored, with the strict checks (see ed25519.rs).
        SigAlg::Ed25519 => super::ed25519::verify(pk, msg, sig),
        SigAlg::Ed448 => {
            let pk: [u8; 57] = pk
                .try_into()
                .map_err(|_| wrong_length("Ed448", "57 bytes (RFC 8032 §5.2.5)", pk, 57))?;
            let vk = ed448_goldilocks::VerifyingKey::from_bytes(&pk).map_err(|_| {
                CryptoError::MalformedSignatureKey {
                    scheme: "Ed448",
                    expected: "a compressed Edwards point (RFC 8032 §5.2.5)",
                    why: String::from("this one does not decompress to a curve point"),
                }
            })?;
            let sig = ed448_goldilocks::Signature::from_slice(sig)
                .map_err(|_| CryptoError::MalformedSignature)?;
            vk.verify_raw(&sig, msg)
                .map_err(|_| CryptoError::SignatureVerification)
        }
        SigAlg::EcdsaP256Sha256 => p256_ecdsa::verify(pk, msg, sig),
        SigAlg::EcdsaP384Sha384 => p384_ecdsa::verify(pk, msg, sig),
        SigAlg::EcdsaP521Sha512 => p521_ecdsa::verify(pk, msg, sig),
    }
}
