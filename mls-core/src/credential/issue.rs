//! Issuing X.509 certificates and reading and writing PKCS#8 private keys
//! (feature `x509-issue`; the test certificate builder
//! `test_utils::certgen` is built on it).
//!
//! `x509-cert`'s builder assembles the TBS certificate; the signature is
//! made here with the pure-Rust signature crates, so any key can sign with
//! any hash (a P-384 CA may sign a P-256 leaf). Private keys are read from
//! and written as PKCS#8 (RFC 5208 / RFC 5958 `OneAsymmetricKey`): EC keys
//! hold an RFC 5915 `ECPrivateKey`, Ed25519 and Ed448 keys (RFC 8410) an
//! OCTET STRING with the raw private key.

use std::str::FromStr as _;
use std::time::{Duration, UNIX_EPOCH};

use p256::ecdsa::signature::Keypair;
use p256::ecdsa::signature::hazmat::PrehashSigner as _;
use sha2::Digest as _;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder as _, CertificateBuilder};
use x509_cert::der::asn1::{BitString, ObjectIdentifier, OctetString};
use x509_cert::der::{Any, Decode as _, Document, Encode as _};
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};
use x509_cert::ext::{Extension, ToExtension as _};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey,
    SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};
use x509_cert::time::{Time, Validity};
use zeroize::Zeroizing;

use super::KeyAlgorithm;

pub use x509_cert::name::Name as DistinguishedName;

/// `id-ecPublicKey` (RFC 5480).
pub const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const OID_ED25519: &str = "1.3.101.112";
const OID_ED448: &str = "1.3.101.113";
const OID_P256: &str = "1.2.840.10045.3.1.7";
const OID_P384: &str = "1.3.132.0.34";
const OID_P521: &str = "1.3.132.0.35";

/// Why a certificate could not be issued or a key not read.
#[derive(thiserror::Error, Debug, Clone, PartialEq, Eq)]
pub enum IssueError {
    #[error("the private key is not PKCS#8: {0}")]
    NotPkcs8(String),
    #[error(
        "the PKCS#8 key's algorithm {0} is not one MLS uses (P-256, P-384, P-521, Ed25519, Ed448)"
    )]
    UnsupportedKeyAlgorithm(String),
    #[error("the {alg} private key is malformed: {why}")]
    BadPrivateKey { alg: KeyAlgorithm, why: String },
    #[error("the PEM data holds no {0} block")]
    NoPemBlock(&'static str),
    #[error("bad PEM data: {0}")]
    BadPem(String),
    #[error("the subject name {name:?} is not a distinguished name: {why}")]
    BadName { name: String, why: String },
    #[error("the certificate could not be built: {0}")]
    Build(String),
    #[error("signing failed: {0}")]
    Signing(String),
    #[error("the random generator failed")]
    Random,
}

/// The hash of an ECDSA certificate signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    fn digest(self, msg: &[u8]) -> Vec<u8> {
        match self {
            Hash::Sha256 => sha2::Sha256::digest(msg).to_vec(),
            Hash::Sha384 => sha2::Sha384::digest(msg).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(msg).to_vec(),
        }
    }

    fn ecdsa_oid(self) -> &'static str {
        match self {
            Hash::Sha256 => "1.2.840.10045.4.3.2",
            Hash::Sha384 => "1.2.840.10045.4.3.3",
            Hash::Sha512 => "1.2.840.10045.4.3.4",
        }
    }
}

/// An object identifier from its dotted form (a constant of this module
/// or the caller's; a malformed one is an [`IssueError::Build`]).
pub fn try_oid(s: &str) -> Result<ObjectIdentifier, IssueError> {
    ObjectIdentifier::new(s).map_err(|e| IssueError::Build(format!("OID {s}: {e}")))
}

/// A private signing key of one of the MLS signature algorithms.
#[allow(clippy::large_enum_variant)]
pub enum SigningKey {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    Ed448(ed448_goldilocks::SigningKey),
}

impl SigningKey {
    /// A key from its raw private bytes as MLS stores them: the big-endian
    /// scalar of an ECDSA key, the 32- or 57-byte EdDSA private key.
    pub fn from_bytes(alg: KeyAlgorithm, bytes: &[u8]) -> Result<SigningKey, IssueError> {
        let bad = |why: &str| IssueError::BadPrivateKey {
            alg,
            why: why.to_owned(),
        };
        Ok(match alg {
            KeyAlgorithm::EcdsaP256 => SigningKey::P256(
                p256::ecdsa::SigningKey::from_slice(bytes).map_err(|_| bad("not a scalar"))?,
            ),
            KeyAlgorithm::EcdsaP384 => SigningKey::P384(
                p384::ecdsa::SigningKey::from_slice(bytes).map_err(|_| bad("not a scalar"))?,
            ),
            KeyAlgorithm::EcdsaP521 => SigningKey::P521(
                p521::ecdsa::SigningKey::from_slice(bytes).map_err(|_| bad("not a scalar"))?,
            ),
            KeyAlgorithm::Ed25519 => {
                let seed: [u8; 32] = bytes.try_into().map_err(|_| bad("not 32 bytes"))?;
                SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
            KeyAlgorithm::Ed448 => SigningKey::Ed448(
                ed448_goldilocks::SigningKey::try_from(bytes).map_err(|_| bad("not 57 bytes"))?,
            ),
        })
    }

    /// A fresh random key.
    pub fn generate(alg: KeyAlgorithm) -> Result<SigningKey, IssueError> {
        let len = match alg {
            KeyAlgorithm::EcdsaP256 | KeyAlgorithm::Ed25519 => 32,
            KeyAlgorithm::EcdsaP384 => 48,
            KeyAlgorithm::EcdsaP521 => 66,
            KeyAlgorithm::Ed448 => 57,
        };
        let mut last = IssueError::Random;
        // A random scalar is out of range with negligible probability.
        for _ in 0..8 {
            let mut bytes = Zeroizing::new(vec![0u8; len]);
            getrandom::fill(&mut bytes).map_err(|_| IssueError::Random)?;
            if alg == KeyAlgorithm::EcdsaP521
                && let Some(first) = bytes.first_mut()
            {
                *first &= 0x01;
            }
            match SigningKey::from_bytes(alg, &bytes) {
                Ok(key) => return Ok(key),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    pub fn algorithm(&self) -> KeyAlgorithm {
        match self {
            SigningKey::P256(_) => KeyAlgorithm::EcdsaP256,
            SigningKey::P384(_) => KeyAlgorithm::EcdsaP384,
            SigningKey::P521(_) => KeyAlgorithm::EcdsaP521,
            SigningKey::Ed25519(_) => KeyAlgorithm::Ed25519,
            SigningKey::Ed448(_) => KeyAlgorithm::Ed448,
        }
    }

    /// The raw private key as MLS stores it (see [`SigningKey::from_bytes`]).
    pub fn private_bytes(&self) -> Zeroizing<Vec<u8>> {
        Zeroizing::new(match self {
            SigningKey::P256(k) => k.to_bytes().to_vec(),
            SigningKey::P384(k) => k.to_bytes().to_vec(),
            SigningKey::P521(k) => k.to_bytes().to_vec(),
            SigningKey::Ed25519(k) => k.to_bytes().to_vec(),
            SigningKey::Ed448(k) => k.to_bytes().to_vec(),
        })
    }

    /// The public key as a LeafNode carries it (uncompressed SEC1 point or
    /// raw EdDSA key).
    pub fn public(&self) -> Vec<u8> {
        match self {
            SigningKey::P256(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            SigningKey::P384(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            SigningKey::P521(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            SigningKey::Ed25519(k) => k.verifying_key().to_bytes().to_vec(),
            SigningKey::Ed448(k) => k.verifying_key().to_bytes().to_vec(),
        }
    }

    /// The compressed SEC1 point of an ECDSA key.
    pub fn public_compressed(&self) -> Option<Vec<u8>> {
        match self {
            SigningKey::P256(k) => Some(k.verifying_key().to_sec1_point(true).as_bytes().to_vec()),
            SigningKey::P384(k) => Some(k.verifying_key().to_sec1_point(true).as_bytes().to_vec()),
            SigningKey::P521(k) => Some(k.verifying_key().to_sec1_point(true).as_bytes().to_vec()),
            _ => None,
        }
    }

    fn curve_oid(&self) -> Option<&'static str> {
        match self {
            SigningKey::P256(_) => Some(OID_P256),
            SigningKey::P384(_) => Some(OID_P384),
            SigningKey::P521(_) => Some(OID_P521),
            _ => None,
        }
    }

    /// The key's algorithm identifier (in an SPKI and in PKCS#8).
    pub fn key_algorithm_id(&self) -> Result<AlgorithmIdentifierOwned, IssueError> {
        Ok(match (self, self.curve_oid()) {
            (_, Some(curve)) => AlgorithmIdentifierOwned {
                oid: try_oid(OID_EC_PUBLIC_KEY)?,
                parameters: Some(
                    Any::encode_from(&try_oid(curve)?)
                        .map_err(|e| IssueError::Build(e.to_string()))?,
                ),
            },
            (SigningKey::Ed25519(_), None) => AlgorithmIdentifierOwned {
                oid: try_oid(OID_ED25519)?,
                parameters: None,
            },
            _ => AlgorithmIdentifierOwned {
                oid: try_oid(OID_ED448)?,
                parameters: None,
            },
        })
    }

    /// This key's SubjectPublicKeyInfo.
    pub fn spki(&self) -> Result<SubjectPublicKeyInfoOwned, IssueError> {
        self.spki_with(&self.public())
    }

    /// This key's SubjectPublicKeyInfo, with `point` as the key bytes.
    pub fn spki_with(&self, point: &[u8]) -> Result<SubjectPublicKeyInfoOwned, IssueError> {
        raw_spki(self.key_algorithm_id()?, point)
    }

    /// The hash an ECDSA certificate signature uses by default: the
    /// curve's own.
    pub fn default_hash(&self) -> Hash {
        match self {
            SigningKey::P384(_) => Hash::Sha384,
            SigningKey::P521(_) => Hash::Sha512,
            _ => Hash::Sha256,
        }
    }

    /// The signature algorithm identifier for signing with `hash` (ignored
    /// for EdDSA).
    pub fn sig_alg(&self, hash: Hash) -> Result<AlgorithmIdentifierOwned, IssueError> {
        let o = match self {
            SigningKey::Ed25519(_) => OID_ED25519,
            SigningKey::Ed448(_) => OID_ED448,
            _ => hash.ecdsa_oid(),
        };
        Ok(AlgorithmIdentifierOwned {
            oid: try_oid(o)?,
            parameters: None,
        })
    }

    /// Signs as a certificate signature algorithm says: ECDSA over
    /// `hash(msg)` (DER signature), or pure EdDSA.
    pub fn sign(&self, hash: Hash, msg: &[u8]) -> Result<Vec<u8>, IssueError> {
        let h = hash.digest(msg);
        let failed = |e: p256::ecdsa::Error| IssueError::Signing(e.to_string());
        Ok(match self {
            SigningKey::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign_prehash(&h).map_err(failed)?;
                s.to_der().as_bytes().to_vec()
            }
            SigningKey::P384(k) => {
                let s: p384::ecdsa::Signature = k.sign_prehash(&h).map_err(failed)?;
                s.to_der().as_bytes().to_vec()
            }
            SigningKey::P521(k) => {
                let s: p521::ecdsa::Signature = k.sign_prehash(&h).map_err(failed)?;
                s.to_der().as_bytes().to_vec()
            }
            SigningKey::Ed25519(k) => {
                use ed25519_dalek::Signer as _;
                k.sign(msg).to_bytes().to_vec()
            }
            SigningKey::Ed448(k) => {
                let s: ed448_goldilocks::Signature =
                    ed448_goldilocks::signature::Signer::try_sign(k, msg).map_err(failed)?;
                s.to_bytes().to_vec()
            }
        })
    }

    /// Reads a PKCS#8 `PrivateKeyInfo` / `OneAsymmetricKey` (DER).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<SigningKey, IssueError> {
        let info = pkcs8::PrivateKeyInfoRef::from_der(der)
            .map_err(|e| IssueError::NotPkcs8(e.to_string()))?;
        let oid = info.algorithm.oid.to_string();
        let inner = info.private_key.as_bytes();
        let alg = match oid.as_str() {
            OID_ED25519 => KeyAlgorithm::Ed25519,
            OID_ED448 => KeyAlgorithm::Ed448,
            OID_EC_PUBLIC_KEY => {
                let curve = info
                    .algorithm
                    .parameters
                    .and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
                    .map(|o| o.to_string())
                    .unwrap_or_default();
                match curve.as_str() {
                    OID_P256 => KeyAlgorithm::EcdsaP256,
                    OID_P384 => KeyAlgorithm::EcdsaP384,
                    OID_P521 => KeyAlgorithm::EcdsaP521,
                    other => {
                        return Err(IssueError::UnsupportedKeyAlgorithm(format!(
                            "EC key on curve {}",
                            if other.is_empty() {
                                "(none named)"
                            } else {
                                other
                            }
                        )));
                    }
                }
            }
            other => return Err(IssueError::UnsupportedKeyAlgorithm(other.to_owned())),
        };
        let bad = |why: String| IssueError::BadPrivateKey { alg, why };
        let raw: Zeroizing<Vec<u8>> = match alg {
            // RFC 8410: CurvePrivateKey ::= OCTET STRING.
            KeyAlgorithm::Ed25519 | KeyAlgorithm::Ed448 => Zeroizing::new(
                OctetString::from_der(inner)
                    .map_err(|e| bad(format!("CurvePrivateKey: {e}")))?
                    .into_bytes()
                    .into_vec(),
            ),
            // RFC 5915: ECPrivateKey ::= SEQUENCE { version 1, privateKey
            // OCTET STRING, [0] parameters OPTIONAL, [1] publicKey OPTIONAL }.
            _ => {
                let fields: Vec<Any> =
                    Vec::<Any>::from_der(inner).map_err(|e| bad(format!("ECPrivateKey: {e}")))?;
                let key = fields
                    .get(1)
                    .ok_or_else(|| bad(String::from("ECPrivateKey has no privateKey")))?;
                Zeroizing::new(
                    key.decode_as::<OctetString>()
                        .map_err(|e| bad(format!("ECPrivateKey privateKey: {e}")))?
                        .into_bytes()
                        .into_vec(),
                )
            }
        };
        SigningKey::from_bytes(alg, &raw)
    }

    /// Reads the first `PRIVATE KEY` block of PEM text as PKCS#8.
    pub fn from_pkcs8_pem(pem: &[u8]) -> Result<SigningKey, IssueError> {
        let der = pem_blocks(pem, "PRIVATE KEY")?
            .into_iter()
            .next()
            .ok_or(IssueError::NoPemBlock("PRIVATE KEY"))?;
        SigningKey::from_pkcs8_der(&Zeroizing::new(der))
    }

    /// This key as PKCS#8 v1 DER (without the optional public key).
    pub fn to_pkcs8_der(&self) -> Result<Zeroizing<Vec<u8>>, IssueError> {
        let raw = self.private_bytes();
        let inner = Zeroizing::new(match self {
            SigningKey::Ed25519(_) | SigningKey::Ed448(_) => OctetString::new(raw.to_vec())
                .and_then(|o| o.to_der())
                .map_err(|e| IssueError::Build(e.to_string()))?,
            _ => {
                // ECPrivateKey { version 1, privateKey } (the curve is in
                // the PKCS#8 algorithm identifier).
                let key = OctetString::new(raw.to_vec())
                    .and_then(|o| o.to_der())
                    .map_err(|e| IssueError::Build(e.to_string()))?;
                let mut body = vec![0x02, 0x01, 0x01];
                body.extend_from_slice(&key);
                der_sequence(&body)
            }
        });
        let info = pkcs8::PrivateKeyInfoOwned::new(
            self.key_algorithm_id()?,
            OctetString::new(inner.to_vec()).map_err(|e| IssueError::Build(e.to_string()))?,
        );
        Ok(Zeroizing::new(
            info.to_der()
                .map_err(|e| IssueError::Build(e.to_string()))?,
        ))
    }

    /// This key as a PEM `PRIVATE KEY` block (PKCS#8).
    pub fn to_pkcs8_pem(&self) -> Result<Zeroizing<String>, IssueError> {
        Ok(Zeroizing::new(pem_encode(
            "PRIVATE KEY",
            &self.to_pkcs8_der()?,
        )))
    }
}

/// A DER SEQUENCE around `body` (short or long length form).
fn der_sequence(body: &[u8]) -> Vec<u8> {
    let mut out = vec![0x30];
    let len = body.len();
    if let Ok(short @ 0..0x80) = u8::try_from(len) {
        out.push(short);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        // At most size_of::<usize>() (8) length bytes.
        #[allow(clippy::cast_possible_truncation)]
        out.push(0x80 | bytes.len() as u8);
        out.extend_from_slice(&bytes);
    }
    out.extend_from_slice(body);
    out
}

/// A SubjectPublicKeyInfo of `algorithm` holding `key`.
pub fn raw_spki(
    algorithm: AlgorithmIdentifierOwned,
    key: &[u8],
) -> Result<SubjectPublicKeyInfoOwned, IssueError> {
    Ok(SubjectPublicKeyInfoOwned {
        algorithm,
        subject_public_key: BitString::from_bytes(key)
            .map_err(|e| IssueError::Build(e.to_string()))?,
    })
}

/// What the builder needs from a signer: the issuer's SPKI and the
/// signature algorithm identifier. The signature itself is made by
/// [`SigningKey::sign`].
#[derive(Clone)]
struct SpkiKey(SubjectPublicKeyInfoOwned);

impl EncodePublicKey for SpkiKey {
    fn to_public_key_der(&self) -> x509_cert::spki::Result<Document> {
        Ok(Document::encode_msg(&self.0)?)
    }
}

struct SignerInfo {
    spki: SpkiKey,
    alg: AlgorithmIdentifierOwned,
}

impl Keypair for SignerInfo {
    type VerifyingKey = SpkiKey;
    fn verifying_key(&self) -> SpkiKey {
        self.spki.clone()
    }
}

impl DynSignatureAlgorithmIdentifier for SignerInfo {
    fn signature_algorithm_identifier(&self) -> x509_cert::spki::Result<AlgorithmIdentifierOwned> {
        Ok(self.alg.clone())
    }
}

struct Profile {
    subject: Name,
    issuer: Name,
    extensions: Vec<Extension>,
}

impl BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.issuer.clone()
    }
    fn get_subject(&self) -> Name {
        self.subject.clone()
    }
    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        Ok(self.extensions.clone())
    }
}

/// What to put in a certificate.
#[derive(Clone)]
pub struct Spec {
    /// The subject, an RFC 4514 string (`CN=alice,O=Example`).
    pub subject: String,
    /// basicConstraints: None = absent, Some((cA, pathLen)).
    pub basic: Option<(bool, Option<u8>)>,
    pub key_usage: Option<KeyUsage>,
    pub not_before: u64,
    pub not_after: u64,
    /// The serial number; None = 8 random bytes.
    pub serial: Option<u32>,
    /// Hash of an ECDSA signature; None = the issuer curve's own.
    pub hash: Option<Hash>,
    /// Overrides the signature algorithm identifier (the signature is still
    /// made as `hash` / the key dictates).
    pub sig_alg: Option<AlgorithmIdentifierOwned>,
    /// Overrides the SubjectPublicKeyInfo.
    pub spki: Option<SubjectPublicKeyInfoOwned>,
    pub extra: Vec<Extension>,
}

impl Spec {
    /// A CA certificate (cA, keyCertSign and cRLSign) valid from
    /// `not_before` to `not_after` (unix seconds).
    pub fn ca(subject: &str, not_before: u64, not_after: u64) -> Spec {
        Spec {
            subject: subject.to_owned(),
            basic: Some((true, None)),
            key_usage: Some(KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)),
            not_before,
            not_after,
            serial: None,
            hash: None,
            sig_alg: None,
            spki: None,
            extra: Vec::new(),
        }
    }

    /// An end-entity certificate (not a CA, digitalSignature).
    pub fn leaf(subject: &str, not_before: u64, not_after: u64) -> Spec {
        Spec {
            basic: Some((false, None)),
            key_usage: Some(KeyUsage(KeyUsages::DigitalSignature.into())),
            ..Spec::ca(subject, not_before, not_after)
        }
    }
}

/// A subject name from its RFC 4514 text.
pub fn parse_name(text: &str) -> Result<Name, IssueError> {
    Name::from_str(text).map_err(|e| IssueError::BadName {
        name: text.to_owned(),
        why: e.to_string(),
    })
}

/// `CN=<value>` with the RFC 4514 special characters of `value` escaped.
pub fn common_name(value: &str) -> String {
    let mut out = String::from("CN=");
    let last = value.chars().count().saturating_sub(1);
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';' | '=')
            || (i == 0 && matches!(c, '#' | ' '))
            || (i == last && c == ' ');
        if special {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The subject Name of a DER certificate (to issue below it).
pub fn certificate_subject(der: &[u8]) -> Result<Name, IssueError> {
    x509_cert::Certificate::from_der(der)
        .map(|c| c.tbs_certificate().subject().clone())
        .map_err(|e| IssueError::Build(format!("the issuer certificate does not parse: {e}")))
}

fn time(t: u64) -> Result<Time, IssueError> {
    Time::try_from(UNIX_EPOCH + Duration::from_secs(t))
        .map_err(|e| IssueError::Build(format!("time {t}: {e}")))
}

fn serial(spec: &Spec) -> Result<SerialNumber, IssueError> {
    let build = |e: x509_cert::der::Error| IssueError::Build(e.to_string());
    match spec.serial {
        Some(n) => Ok(SerialNumber::from(n)),
        None => {
            let mut bytes = [0u8; 8];
            getrandom::fill(&mut bytes).map_err(|_| IssueError::Random)?;
            // Positive and without a leading zero byte (RFC 5280 §4.1.2.2).
            if let Some(first) = bytes.first_mut() {
                *first = (*first & 0x7f) | 0x40;
            }
            SerialNumber::new(&bytes).map_err(build)
        }
    }
}

/// Issues a certificate for `subject_key` as `spec` says, signed by
/// `issuer` (its subject Name and key), or self-signed if `issuer` is None.
/// Returns the DER certificate and its subject Name.
pub fn issue_certificate(
    spec: &Spec,
    subject_key: &SigningKey,
    issuer: Option<(&Name, &SigningKey)>,
) -> Result<(Vec<u8>, Name), IssueError> {
    let build = |e: x509_cert::builder::Error| IssueError::Build(e.to_string());
    let subject = parse_name(&spec.subject)?;
    let (issuer_name, issuer_key) = match issuer {
        Some((name, key)) => (name.clone(), key),
        None => (subject.clone(), subject_key),
    };
    let mut extensions = Vec::new();
    if let Some((ca, path_len)) = spec.basic {
        let bc = BasicConstraints {
            ca,
            path_len_constraint: path_len,
        };
        extensions.push(
            (&bc)
                .to_extension(&subject, &[])
                .map_err(|e| IssueError::Build(e.to_string()))?,
        );
    }
    if let Some(ku) = &spec.key_usage {
        extensions.push(
            ku.to_extension(&subject, &[])
                .map_err(|e| IssueError::Build(e.to_string()))?,
        );
    }
    extensions.extend(spec.extra.iter().cloned());
    let profile = Profile {
        subject: subject.clone(),
        issuer: issuer_name,
        extensions,
    };
    let hash = spec.hash.unwrap_or(issuer_key.default_hash());
    let alg = match &spec.sig_alg {
        Some(alg) => alg.clone(),
        None => issuer_key.sig_alg(hash)?,
    };
    let signer = SignerInfo {
        spki: SpkiKey(issuer_key.spki()?),
        alg,
    };
    let validity = Validity::new(time(spec.not_before)?, time(spec.not_after)?);
    let spki = match &spec.spki {
        Some(spki) => spki.clone(),
        None => subject_key.spki()?,
    };
    let mut builder =
        CertificateBuilder::new(profile, serial(spec)?, validity, spki).map_err(build)?;
    let tbs = builder.finalize(&signer).map_err(build)?;
    let signature = issuer_key.sign(hash, &tbs)?;
    let cert = builder
        .assemble(
            BitString::from_bytes(&signature).map_err(|e| IssueError::Build(e.to_string()))?,
            &signer,
        )
        .map_err(build)?;
    let der = cert
        .to_der()
        .map_err(|e| IssueError::Build(e.to_string()))?;
    Ok((der, subject))
}

/// PEM armour (RFC 7468) for DER bytes under `label`.
pub fn pem_encode(label: &str, der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// The contents of every PEM block labelled `label`, in order (other
/// blocks are skipped).
pub fn pem_blocks(pem: &[u8], label: &'static str) -> Result<Vec<Vec<u8>>, IssueError> {
    let mut found = Vec::new();
    for block in x509_parser::pem::Pem::iter_from_buffer(pem) {
        let block = block.map_err(|e| IssueError::BadPem(e.to_string()))?;
        if block.label == label {
            found.push(block.contents);
        }
    }
    Ok(found)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::credential::{IdentityProvider as _, X509IdentityProvider, certificate_summary};
    use crate::crypto::CipherSuite;
    use crate::messages::{Certificate, Credential};

    /// Keys made by `openssl genpkey`, with the public key `openssl pkey
    /// -pubout` printed (the SPKI's last bytes).
    const OPENSSL: [(&str, &str); 3] = [
        (
            "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIEIC3bvwa0vq8KZaxT6X8D6KSTD6BI8CWGuNcIJUo/ml\n-----END PRIVATE KEY-----\n",
            "4ea972b9dbae2033bf40104eb370071bf43833cf5610ba84cd0558b58e0426ee",
        ),
        (
            "-----BEGIN PRIVATE KEY-----\nMEcCAQAwBQYDK2VxBDsEOW54CSytkNqLwGrum3k7RICh00IHciHxb86woxiH+Jl1\nICvmN0zP0qrWn6Iuf3s5dxv3V+sz7gB2yw==\n-----END PRIVATE KEY-----\n",
            "3e39506eb3f47b872b309d95340e4bce364ca531fdf3b768c071cc3569373496d8168191c861422ee028aa3fcd65d2fd70510c88ef24a9f180",
        ),
        (
            "-----BEGIN PRIVATE KEY-----\nMIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDCxMIkXnZhfd5PTDGRl\n/ITIH1sC++IHrqmUHDJCY05A537GH7rlNQ7oeCBpy3wV2QChZANiAAT+sxGnnbJn\n4Jnz54RXcXZ5VlDa5uPdS5j8GrHHzAKoKJQi8tbtbkaIxqfFQ1ctamdItlP+Gpiv\nJDgksRBqIWmrU/syIuIryEvrAwwe68T+uTJBbeaxWV3p5By1tzMSVkk=\n-----END PRIVATE KEY-----\n",
            "04feb311a79db267e099f3e784577176795650dae6e3dd4b98fc1ab1c7cc02a8289422f2d6ed6e4688c6a7c543572d6a6748b653fe1a98af243824b1106a2169ab53fb3222e22bc84beb030c1eebc4feb932416de6b1595de9e41cb5b733125649",
        ),
    ];

    #[test]
    fn openssl_pkcs8_keys_read_with_their_public_keys() {
        for (pem, public) in OPENSSL {
            let key = SigningKey::from_pkcs8_pem(pem.as_bytes()).unwrap();
            assert_eq!(hex::encode(key.public()), public);
        }
    }

    #[test]
    fn pkcs8_round_trips_for_every_algorithm() {
        for alg in [
            KeyAlgorithm::EcdsaP256,
            KeyAlgorithm::EcdsaP384,
            KeyAlgorithm::EcdsaP521,
            KeyAlgorithm::Ed25519,
            KeyAlgorithm::Ed448,
        ] {
            let key = SigningKey::generate(alg).unwrap();
            let pem = key.to_pkcs8_pem().unwrap();
            let back = SigningKey::from_pkcs8_pem(pem.as_bytes()).unwrap();
            assert_eq!(back.algorithm(), alg);
            assert_eq!(*back.private_bytes(), *key.private_bytes());
            assert_eq!(back.public(), key.public());
        }
    }

    #[test]
    fn a_leaf_issued_by_a_ca_of_another_algorithm_validates() {
        let now = 1_750_000_000;
        let ca_key = SigningKey::generate(KeyAlgorithm::EcdsaP384).unwrap();
        let (ca_der, ca_name) =
            issue_certificate(&Spec::ca("CN=Local CA", now - 10, now + 100), &ca_key, None)
                .unwrap();
        let leaf_key = SigningKey::generate(KeyAlgorithm::Ed25519).unwrap();
        let (leaf_der, _) = issue_certificate(
            &Spec::leaf(&common_name("a,b"), now - 10, now + 100),
            &leaf_key,
            Some((&ca_name, &ca_key)),
        )
        .unwrap();
        let summary = certificate_summary(&leaf_der, 0).unwrap();
        assert_eq!(summary.public_key, leaf_key.public());
        assert_eq!(summary.issuer, "CN=Local CA");
        let mut roots = crate::credential::TrustRoots::new();
        roots.add_der(&ca_der).unwrap();
        let credential = Credential::X509 {
            certificates: vec![Certificate {
                cert_data: crate::codec::VlBytes(leaf_der),
            }],
        };
        let identity = X509IdentityProvider::new(roots)
            .validate(
                CipherSuite::from_u16(1).unwrap(),
                &credential,
                &leaf_key.public(),
                now,
            )
            .unwrap();
        assert_eq!(identity.name, "a,b");
    }
}
