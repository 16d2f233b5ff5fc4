//! One X.509 certificate: parsing (via `x509-parser`) with its structural
//! checks, the subject public key in MLS form, signature verification with
//! the pure-Rust ECDSA / EdDSA crates, and the per-certificate checks a
//! chain is built from (CA, path length, validity). Chain validation is in
//! [`super::chain`]; this module uses neither it nor the trust roots.

use sha2::Digest as _;
use x509_parser::certificate::X509Certificate;
use x509_parser::der_parser::oid::Oid;
use x509_parser::prelude::FromDer as _;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::{CertRef, CredentialError, Identity, KeyAlgorithm};
use crate::crypto::{CipherSuite, CryptoProvider as _, RustCrypto, SignaturePublicKey};
use crate::messages::CREDENTIAL_X509;

const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_CURVE_P256: &str = "1.2.840.10045.3.1.7";
const OID_CURVE_P384: &str = "1.3.132.0.34";
const OID_CURVE_P521: &str = "1.3.132.0.35";
const OID_ED25519: &str = "1.3.101.112";
const OID_ED448: &str = "1.3.101.113";
const OID_ECDSA_SHA256: &str = "1.2.840.10045.4.3.2";
const OID_ECDSA_SHA384: &str = "1.2.840.10045.4.3.3";
const OID_ECDSA_SHA512: &str = "1.2.840.10045.4.3.4";

/// Extensions whose criticality we can honour: those we check
/// (basicConstraints, keyUsage) and those that do not restrict a path
/// (key identifiers, alternative names, extended key usage).
const HANDLED_EXTENSIONS: [&str; 7] = [
    "2.5.29.19", // basicConstraints
    "2.5.29.15", // keyUsage
    "2.5.29.37", // extKeyUsage
    "2.5.29.17", // subjectAltName
    "2.5.29.18", // issuerAltName
    "2.5.29.14", // subjectKeyIdentifier
    "2.5.29.35", // authorityKeyIdentifier
];

/// Common names of the OIDs an error may report.
pub(super) fn oid_name(oid: &str) -> Option<&'static str> {
    Some(match oid {
        OID_EC_PUBLIC_KEY => "id-ecPublicKey",
        OID_CURVE_P256 => "P-256",
        OID_CURVE_P384 => "P-384",
        OID_CURVE_P521 => "P-521",
        "1.3.132.0.10" => "secp256k1",
        "1.3.36.3.3.2.8.1.1.7" => "brainpoolP256r1",
        OID_ED25519 => "Ed25519",
        OID_ED448 => "Ed448",
        "1.3.101.110" => "X25519",
        "1.3.101.111" => "X448",
        "1.2.840.10045.4.1" => "ecdsa-with-SHA1",
        "1.2.840.10045.4.3.1" => "ecdsa-with-SHA224",
        OID_ECDSA_SHA256 => "ecdsa-with-SHA256",
        OID_ECDSA_SHA384 => "ecdsa-with-SHA384",
        OID_ECDSA_SHA512 => "ecdsa-with-SHA512",
        "1.2.840.113549.1.1.1" => "rsaEncryption",
        "1.2.840.113549.1.1.5" => "sha1WithRSAEncryption",
        "1.2.840.113549.1.1.10" => "RSASSA-PSS",
        "1.2.840.113549.1.1.11" => "sha256WithRSAEncryption",
        "1.2.840.113549.1.1.12" => "sha384WithRSAEncryption",
        "1.2.840.113549.1.1.13" => "sha512WithRSAEncryption",
        "1.2.840.10040.4.1" => "DSA",
        "1.2.840.10040.4.3" => "dsa-with-SHA1",
        "2.5.29.30" => "nameConstraints",
        "2.5.29.32" => "certificatePolicies",
        "2.5.29.36" => "policyConstraints",
        "2.5.29.54" => "inhibitAnyPolicy",
        _ => return None,
    })
}

fn malformed(cert: CertRef, why: impl Into<String>) -> CredentialError {
    CredentialError::Malformed {
        cert,
        why: why.into(),
    }
}

/// A certificate's subject public key in MLS form: the uncompressed SEC1
/// point for ECDSA, the raw key for EdDSA.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CertKey {
    pub(super) alg: KeyAlgorithm,
    pub(super) bytes: Vec<u8>,
}

/// Parses one DER certificate and checks its structure: no trailing bytes,
/// the two signature algorithm fields agree, every extension parses, none
/// is duplicated, and no unhandled extension is critical.
pub(super) fn parse_cert(der: &[u8], at: CertRef) -> Result<X509Certificate<'_>, CredentialError> {
    // x509-parser does not check the tags of the unsigned outer fields;
    // check that layer here (the signature covers the TBSCertificate).
    let tbs = outer_structure(der).map_err(|why| malformed(at, why))?;
    let (rest, cert) = X509Certificate::from_der(der)
        .map_err(|e| malformed(at, format!("not a DER X.509 certificate ({e})")))?;
    if !rest.is_empty() {
        return Err(malformed(
            at,
            format!("{} trailing byte(s) after the certificate", rest.len()),
        ));
    }
    if cert.tbs_certificate.as_ref() != tbs {
        return Err(malformed(at, "the TBSCertificate is not where DER puts it"));
    }
    if cert.signature_algorithm != cert.tbs_certificate.signature {
        return Err(malformed(
            at,
            "signatureAlgorithm differs from the signature field of the TBSCertificate",
        ));
    }
    if cert.signature_value.unused_bits != 0 {
        return Err(malformed(at, "the signature BIT STRING has unused bits"));
    }
    cert.extensions_map()
        .map_err(|e| malformed(at, format!("extensions: {e}")))?;
    for ext in cert.extensions() {
        let oid = ext.oid.to_id_string();
        if let Some(e) = ext.parsed_extension().error() {
            return Err(malformed(
                at,
                format!(
                    "extension {oid}{} does not parse ({e})",
                    super::oid_suffix(&oid)
                ),
            ));
        }
        if ext.critical && !HANDLED_EXTENSIONS.contains(&oid.as_str()) {
            return Err(CredentialError::UnhandledCriticalExtension { cert: at, oid });
        }
    }
    Ok(cert)
}

/// One DER element.
struct Tlv<'a> {
    tag: u8,
    /// The whole element, header included.
    whole: &'a [u8],
    contents: &'a [u8],
    /// What follows the element.
    rest: &'a [u8],
}

/// Reads one DER element with a low tag number and a minimal definite
/// length (up to 3 length bytes).
fn tlv(input: &[u8]) -> Option<Tlv<'_>> {
    let (&tag, after_tag) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, after_len) = after_tag.split_first()?;
    let (len, body) = match first {
        0..=0x7f => (usize::from(first), after_len),
        0x81..=0x83 => {
            let n = usize::from(first & 0x7f);
            let (len_bytes, body) = after_len.split_at_checked(n)?;
            let len = len_bytes
                .iter()
                .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
            // Minimal: the long form only from 128 on, no leading zero byte.
            if len < 0x80 || len_bytes.first() == Some(&0) {
                return None;
            }
            (len, body)
        }
        _ => return None,
    };
    let (contents, rest) = body.split_at_checked(len)?;
    let whole = input.get(..input.len() - rest.len())?;
    Some(Tlv {
        tag,
        whole,
        contents,
        rest,
    })
}

/// Checks `Certificate ::= SEQUENCE { tbsCertificate SEQUENCE,
/// signatureAlgorithm SEQUENCE { OID, parameters OPTIONAL },
/// signatureValue BIT STRING }` and returns the TBSCertificate element.
fn outer_structure(der: &[u8]) -> Result<&[u8], String> {
    const NOT_CERT: &str = "not a DER X.509 certificate (outer structure)";
    let cert = tlv(der).filter(|t| t.tag == 0x30).ok_or(NOT_CERT)?;
    if !cert.rest.is_empty() {
        return Err(format!(
            "{} trailing byte(s) after the certificate",
            cert.rest.len()
        ));
    }
    let tbs = tlv(cert.contents).ok_or(NOT_CERT)?;
    let alg = tlv(tbs.rest).ok_or(NOT_CERT)?;
    let sig = tlv(alg.rest).ok_or(NOT_CERT)?;
    if tbs.tag != 0x30 || alg.tag != 0x30 || sig.tag != 0x03 || !sig.rest.is_empty() {
        return Err(NOT_CERT.into());
    }
    let oid = tlv(alg.contents).ok_or("malformed signatureAlgorithm")?;
    let params_ok = oid.rest.is_empty() || tlv(oid.rest).is_some_and(|p| p.rest.is_empty());
    if oid.tag != 0x06 || !params_ok {
        return Err("malformed signatureAlgorithm".into());
    }
    Ok(tbs.whole)
}

macro_rules! ec_point {
    ($krate:ident, $data:expr, $at:expr, $label:literal) => {
        $krate::ecdsa::VerifyingKey::from_sec1_bytes($data)
            .map(|k| k.to_sec1_point(false).as_bytes().to_vec())
            .map_err(|_| {
                malformed(
                    $at,
                    concat!("the subject public key is not a ", $label, " point"),
                )
            })
    };
}

/// The public key of a SubjectPublicKeyInfo, if its algorithm is one MLS
/// uses.
pub(super) fn spki_key(
    spki: &SubjectPublicKeyInfo<'_>,
    at: CertRef,
) -> Result<CertKey, CredentialError> {
    if spki.subject_public_key.unused_bits != 0 {
        return Err(malformed(
            at,
            "the subject public key BIT STRING has unused bits",
        ));
    }
    let data: &[u8] = &spki.subject_public_key.data;
    let oid = spki.algorithm.algorithm.to_id_string();
    let (alg, bytes) = match oid.as_str() {
        OID_EC_PUBLIC_KEY => {
            let curve = spki
                .algorithm
                .parameters
                .clone()
                .and_then(|p| Oid::try_from(p).ok())
                .map(|o| o.to_id_string())
                .ok_or_else(|| malformed(at, "an EC public key without a named curve"))?;
            match curve.as_str() {
                OID_CURVE_P256 => (KeyAlgorithm::EcdsaP256, ec_point!(p256, data, at, "P-256")?),
                OID_CURVE_P384 => (KeyAlgorithm::EcdsaP384, ec_point!(p384, data, at, "P-384")?),
                OID_CURVE_P521 => (KeyAlgorithm::EcdsaP521, ec_point!(p521, data, at, "P-521")?),
                _ => {
                    return Err(CredentialError::UnsupportedAlgorithm {
                        cert: at,
                        kind: "elliptic curve",
                        oid: curve,
                    });
                }
            }
        }
        OID_ED25519 | OID_ED448 => {
            if spki.algorithm.parameters.is_some() {
                return Err(malformed(
                    at,
                    "EdDSA key algorithm identifiers must not have parameters (RFC 8410)",
                ));
            }
            if oid == OID_ED25519 {
                eddsa_point::<32>(data, at, "Ed25519", |pk| {
                    ed25519_dalek::VerifyingKey::from_bytes(pk).is_ok()
                })?;
                (KeyAlgorithm::Ed25519, data.to_vec())
            } else {
                eddsa_point::<57>(data, at, "Ed448", |pk| {
                    ed448_goldilocks::VerifyingKey::from_bytes(pk).is_ok()
                })?;
                (KeyAlgorithm::Ed448, data.to_vec())
            }
        }
        _ => {
            return Err(CredentialError::UnsupportedAlgorithm {
                cert: at,
                kind: "public key algorithm",
                oid,
            });
        }
    };
    Ok(CertKey { alg, bytes })
}

/// Checks that `data` is an `N`-byte public key that `valid` accepts as a
/// point of the curve `name` (Ed25519, Ed448).
fn eddsa_point<const N: usize>(
    data: &[u8],
    at: CertRef,
    name: &str,
    valid: impl Fn(&[u8; N]) -> bool,
) -> Result<(), CredentialError> {
    let pk: [u8; N] = data
        .try_into()
        .map_err(|_| malformed(at, format!("an {name} public key is {N} bytes")))?;
    if valid(&pk) {
        Ok(())
    } else {
        Err(malformed(
            at,
            format!("the subject public key is not an {name} point"),
        ))
    }
}

/// Signature algorithms of certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CertSigAlg {
    Ecdsa(HashAlg),
    Ed25519,
    Ed448,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HashAlg {
    Sha256,
    Sha384,
    Sha512,
}

impl HashAlg {
    fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            HashAlg::Sha256 => sha2::Sha256::digest(msg).to_vec(),
            HashAlg::Sha384 => sha2::Sha384::digest(msg).to_vec(),
            HashAlg::Sha512 => sha2::Sha512::digest(msg).to_vec(),
        }
    }
}

macro_rules! ecdsa_verify {
    ($krate:ident, $pk:expr, $prehash:expr, $sig:expr) => {{
        use $krate::ecdsa::signature::hazmat::PrehashVerifier as _;
        let vk = $krate::ecdsa::VerifyingKey::from_sec1_bytes($pk)
            .map_err(|_| String::from("the issuer key is not a valid curve point"))?;
        let sig = $krate::ecdsa::DerSignature::from_bytes($sig)
            .map_err(|_| String::from("the signature is not a DER-encoded ECDSA signature"))?;
        vk.verify_prehash($prehash, &sig)
            .map_err(|_| String::from("the signature does not match the certificate contents"))
    }};
}

/// Verifies `signature` over `message` by `key` with `alg`.
///
/// No `CryptoProvider` reaches here: [`super::IdentityProvider::validate`]
/// is provider-free (credentials are checked where no group or provider is
/// at hand, e.g. importing trust roots), and certificate signatures are
/// not MLS signatures (ECDSA over a hash the OID names, below). EdDSA keys
/// go through the project's own pure-Rust signature code.
fn verify_raw(
    alg: CertSigAlg,
    key: &CertKey,
    message: &[u8],
    signature: &[u8],
) -> Result<(), String> {
    let eddsa = |cs: CipherSuite| {
        RustCrypto
            .verify(
                cs,
                &SignaturePublicKey(key.bytes.clone()),
                message,
                signature,
            )
            .map_err(|e| match e {
                crate::crypto::CryptoError::SignatureVerification => {
                    String::from("the signature does not match the certificate contents")
                }
                other => other.to_string(),
            })
    };
    match (alg, key.alg) {
        (CertSigAlg::Ecdsa(h), KeyAlgorithm::EcdsaP256) => {
            ecdsa_verify!(p256, &key.bytes, &h.digest(message), signature)
        }
        (CertSigAlg::Ecdsa(h), KeyAlgorithm::EcdsaP384) => {
            ecdsa_verify!(p384, &key.bytes, &h.digest(message), signature)
        }
        (CertSigAlg::Ecdsa(h), KeyAlgorithm::EcdsaP521) => {
            ecdsa_verify!(p521, &key.bytes, &h.digest(message), signature)
        }
        (CertSigAlg::Ed25519, KeyAlgorithm::Ed25519) => {
            eddsa(CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519)
        }
        (CertSigAlg::Ed448, KeyAlgorithm::Ed448) => {
            eddsa(CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448)
        }
        (alg, key_alg) => Err(format!(
            "the certificate is signed with {} but the issuer key is {key_alg}",
            match alg {
                CertSigAlg::Ecdsa(_) => "ECDSA",
                CertSigAlg::Ed25519 => "Ed25519",
                CertSigAlg::Ed448 => "Ed448",
            }
        )),
    }
}

/// Checks that `cert` (at `at`) is signed by `key` (the key of `signer`).
/// The hash of an ECDSA signature is the one its algorithm OID names.
pub(super) fn verify_cert_signature(
    cert: &X509Certificate<'_>,
    at: CertRef,
    key: &CertKey,
    signer: CertRef,
) -> Result<(), CredentialError> {
    let alg_id = &cert.signature_algorithm;
    let oid = alg_id.algorithm.to_id_string();
    let alg = match oid.as_str() {
        OID_ECDSA_SHA256 => CertSigAlg::Ecdsa(HashAlg::Sha256),
        OID_ECDSA_SHA384 => CertSigAlg::Ecdsa(HashAlg::Sha384),
        OID_ECDSA_SHA512 => CertSigAlg::Ecdsa(HashAlg::Sha512),
        OID_ED25519 => CertSigAlg::Ed25519,
        OID_ED448 => CertSigAlg::Ed448,
        _ => {
            return Err(CredentialError::UnsupportedAlgorithm {
                cert: at,
                kind: "signature algorithm",
                oid,
            });
        }
    };
    // RFC 5758 §3.2 and RFC 8410 §3: the parameters are absent. A NULL
    // after an ECDSA OID is a common encoder slip that we tolerate.
    let params_ok = match &alg_id.parameters {
        None => true,
        Some(p) => {
            matches!(alg, CertSigAlg::Ecdsa(_)) && p.header.tag().0 == 5 && p.data.is_empty()
        }
    };
    if !params_ok {
        return Err(malformed(
            at,
            format!(
                "the signature algorithm {} must not have parameters",
                oid_name(&oid).unwrap_or("")
            ),
        ));
    }
    verify_raw(
        alg,
        key,
        cert.tbs_certificate.as_ref(),
        &cert.signature_value.data,
    )
    .map_err(|reason| CredentialError::BadSignature {
        cert: at,
        signer,
        reason,
    })
}

/// The keyUsage extension of `cert`, if present, as its flags.
pub(super) fn key_usage(
    cert: &X509Certificate<'_>,
    at: CertRef,
) -> Result<Option<x509_parser::extensions::KeyUsage>, CredentialError> {
    Ok(cert
        .key_usage()
        .map_err(|e| malformed(at, format!("keyUsage: {e}")))?
        .map(|ku| *ku.value))
}

/// Checks that `cert` may issue certificates: basicConstraints cA, the
/// keyCertSign usage if it has a keyUsage, and a pathLenConstraint that
/// allows `below` non-self-issued intermediates under it. Returns the
/// pathLenConstraint.
pub(super) fn check_ca(
    cert: &X509Certificate<'_>,
    at: CertRef,
    below: usize,
) -> Result<Option<u32>, CredentialError> {
    let bc = cert
        .basic_constraints()
        .map_err(|e| malformed(at, format!("basicConstraints: {e}")))?;
    let path_len = match bc {
        Some(bc) if bc.value.ca => bc.value.path_len_constraint,
        _ => return Err(CredentialError::NotACa { cert: at }),
    };
    check_path_len(path_len, at, below)?;
    if let Some(ku) = key_usage(cert, at)?
        && !ku.key_cert_sign()
    {
        return Err(CredentialError::KeyUsage {
            cert: at,
            missing: "keyCertSign",
        });
    }
    Ok(path_len)
}

pub(super) fn check_path_len(
    path_len: Option<u32>,
    at: CertRef,
    below: usize,
) -> Result<(), CredentialError> {
    match path_len {
        Some(p) if below > usize::try_from(p).unwrap_or(usize::MAX) => {
            Err(CredentialError::PathLenExceeded {
                cert: at,
                path_len: p,
                below,
            })
        }
        _ => Ok(()),
    }
}

/// Checks `not_before <= now <= not_after`.
pub(super) fn check_time(
    not_before: i64,
    not_after: i64,
    now: u64,
    at: CertRef,
) -> Result<(), CredentialError> {
    let t = i64::try_from(now).unwrap_or(i64::MAX);
    if t < not_before {
        Err(CredentialError::NotYetValid {
            cert: at,
            not_before,
            now,
        })
    } else if t > not_after {
        Err(CredentialError::Expired {
            cert: at,
            not_after,
            now,
        })
    } else {
        Ok(())
    }
}

/// The subject's display form ("(empty subject)" if it has no attributes).
pub(super) fn name_string(name: &x509_parser::x509::X509Name<'_>) -> String {
    let s = name.to_string();
    if s.is_empty() {
        String::from("(empty subject)")
    } else {
        s
    }
}

/// The identity a DER certificate asserts, read leniently (for display:
/// no structure or signature checks), or `None` if it does not parse.
pub(super) fn display_identity(der: &[u8]) -> Option<Identity> {
    X509Certificate::from_der(der)
        .ok()
        .map(|(_, cert)| cert_identity(&cert))
}

/// The identity a certificate asserts: its subject.
pub(super) fn cert_identity(cert: &X509Certificate<'_>) -> Identity {
    let subject = cert.subject();
    let name = subject
        .iter_common_name()
        .find_map(|cn| cn.as_str().ok())
        .filter(|cn| !cn.is_empty())
        .map_or_else(|| name_string(subject), str::to_owned);
    Identity {
        credential_type: CREDENTIAL_X509,
        name,
        bytes: subject.as_raw().to_vec(),
    }
}
