//! Test certificates, built with `x509-cert`'s builder and signed with the
//! pure-Rust signature crates. The builder only assembles the TBS
//! certificate; signing happens here, so any key can sign with any hash
//! (or with a deliberately wrong algorithm identifier).

use std::str::FromStr as _;
use std::time::{Duration, UNIX_EPOCH};

use p256::ecdsa::signature::Keypair;
use p256::ecdsa::signature::hazmat::PrehashSigner as _;
use sha2::Digest as _;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder as _, CertificateBuilder};
use x509_cert::der::asn1::{BitString, ObjectIdentifier, OctetString};
use x509_cert::der::{Any, Document, Encode as _};
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage, KeyUsages};
use x509_cert::ext::{Extension, ToExtension as _};
use x509_cert::name::Name;
use x509_cert::serial_number::SerialNumber;
use x509_cert::spki::{
    AlgorithmIdentifierOwned, DynSignatureAlgorithmIdentifier, EncodePublicKey,
    SubjectPublicKeyInfoOwned, SubjectPublicKeyInfoRef,
};
use x509_cert::time::{Time, Validity};

/// "Now" in the tests: 2025-06-15.
pub const NOW: u64 = 1_750_000_000;
/// Default validity: 2023-11-14 .. 2033-05-18.
pub const NOT_BEFORE: u64 = 1_700_000_000;
pub const NOT_AFTER: u64 = 2_000_000_000;

pub const OID_EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    P256,
    P384,
    P521,
    Ed25519,
    Ed448,
}

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

pub fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new(s).unwrap()
}

/// Deterministic bytes from a label.
fn seed(label: &str, n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut counter = 0u8;
    while out.len() < n {
        let mut h = sha2::Sha512::new();
        h.update(label.as_bytes());
        h.update([counter]);
        out.extend_from_slice(&h.finalize());
        counter += 1;
    }
    out.truncate(n);
    out
}

#[allow(clippy::large_enum_variant)]
pub enum TestKey {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    Ed448(ed448_goldilocks::SigningKey),
}

impl TestKey {
    /// A key derived from `label`: the same label gives the same key.
    pub fn new(kind: Kind, label: &str) -> TestKey {
        match kind {
            Kind::P256 => {
                TestKey::P256(p256::ecdsa::SigningKey::from_slice(&seed(label, 32)).unwrap())
            }
            Kind::P384 => {
                TestKey::P384(p384::ecdsa::SigningKey::from_slice(&seed(label, 48)).unwrap())
            }
            Kind::P521 => {
                let mut s = seed(label, 66);
                s[0] &= 0x01;
                TestKey::P521(p521::ecdsa::SigningKey::from_slice(&s).unwrap())
            }
            Kind::Ed25519 => TestKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                &seed(label, 32).try_into().unwrap(),
            )),
            Kind::Ed448 => TestKey::Ed448(
                ed448_goldilocks::SigningKey::try_from(seed(label, 57).as_slice()).unwrap(),
            ),
        }
    }

    /// The public key as a LeafNode carries it.
    pub fn public(&self) -> Vec<u8> {
        match self {
            TestKey::P256(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            TestKey::P384(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            TestKey::P521(k) => k.verifying_key().to_sec1_point(false).as_bytes().to_vec(),
            TestKey::Ed25519(k) => k.verifying_key().to_bytes().to_vec(),
            TestKey::Ed448(k) => k.verifying_key().to_bytes().to_vec(),
        }
    }

    /// The compressed SEC1 point of an ECDSA key.
    pub fn public_compressed(&self) -> Vec<u8> {
        match self {
            TestKey::P256(k) => k.verifying_key().to_sec1_point(true).as_bytes().to_vec(),
            TestKey::P384(k) => k.verifying_key().to_sec1_point(true).as_bytes().to_vec(),
            TestKey::P521(k) => k.verifying_key().to_sec1_point(true).as_bytes().to_vec(),
            _ => panic!("not an ECDSA key"),
        }
    }

    fn curve_oid(&self) -> Option<&'static str> {
        match self {
            TestKey::P256(_) => Some("1.2.840.10045.3.1.7"),
            TestKey::P384(_) => Some("1.3.132.0.34"),
            TestKey::P521(_) => Some("1.3.132.0.35"),
            _ => None,
        }
    }

    pub fn spki(&self) -> SubjectPublicKeyInfoOwned {
        self.spki_with(&self.public())
    }

    /// This key's SubjectPublicKeyInfo, with `point` as the key bytes.
    pub fn spki_with(&self, point: &[u8]) -> SubjectPublicKeyInfoOwned {
        let algorithm = match (self, self.curve_oid()) {
            (_, Some(curve)) => AlgorithmIdentifierOwned {
                oid: oid(OID_EC_PUBLIC_KEY),
                parameters: Some(Any::encode_from(&oid(curve)).unwrap()),
            },
            (TestKey::Ed25519(_), None) => AlgorithmIdentifierOwned {
                oid: oid("1.3.101.112"),
                parameters: None,
            },
            _ => AlgorithmIdentifierOwned {
                oid: oid("1.3.101.113"),
                parameters: None,
            },
        };
        raw_spki(algorithm, point)
    }

    fn default_hash(&self) -> Hash {
        match self {
            TestKey::P384(_) => Hash::Sha384,
            TestKey::P521(_) => Hash::Sha512,
            _ => Hash::Sha256,
        }
    }

    /// The signature algorithm identifier for signing with `hash` (ignored
    /// for EdDSA).
    pub fn sig_alg(&self, hash: Hash) -> AlgorithmIdentifierOwned {
        let o = match self {
            TestKey::Ed25519(_) => "1.3.101.112",
            TestKey::Ed448(_) => "1.3.101.113",
            _ => hash.ecdsa_oid(),
        };
        AlgorithmIdentifierOwned {
            oid: oid(o),
            parameters: None,
        }
    }

    /// Signs as the certificate signature algorithm says: ECDSA over
    /// `hash(msg)` (DER signature), or pure EdDSA.
    pub fn sign(&self, hash: Hash, msg: &[u8]) -> Vec<u8> {
        let h = hash.digest(msg);
        match self {
            TestKey::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign_prehash(&h).unwrap();
                s.to_der().as_bytes().to_vec()
            }
            TestKey::P384(k) => {
                let s: p384::ecdsa::Signature = k.sign_prehash(&h).unwrap();
                s.to_der().as_bytes().to_vec()
            }
            TestKey::P521(k) => {
                let s: p521::ecdsa::Signature = k.sign_prehash(&h).unwrap();
                s.to_der().as_bytes().to_vec()
            }
            TestKey::Ed25519(k) => {
                use ed25519_dalek::Signer as _;
                k.sign(msg).to_bytes().to_vec()
            }
            TestKey::Ed448(k) => {
                let s: ed448_goldilocks::Signature =
                    ed448_goldilocks::signature::Signer::try_sign(k, msg).unwrap();
                s.to_bytes().to_vec()
            }
        }
    }
}

pub fn raw_spki(algorithm: AlgorithmIdentifierOwned, key: &[u8]) -> SubjectPublicKeyInfoOwned {
    SubjectPublicKeyInfoOwned {
        algorithm,
        subject_public_key: BitString::from_bytes(key).unwrap(),
    }
}

/// What the builder needs from a signer: the issuer's SPKI and the
/// signature algorithm identifier. The signature itself is made by
/// [`TestKey::sign`].
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
    pub subject: String,
    /// basicConstraints: None = absent, Some((cA, pathLen)).
    pub basic: Option<(bool, Option<u8>)>,
    pub key_usage: Option<KeyUsage>,
    pub not_before: u64,
    pub not_after: u64,
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
    pub fn ca(subject: &str) -> Spec {
        Spec {
            subject: subject.to_owned(),
            basic: Some((true, None)),
            key_usage: Some(KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)),
            not_before: NOT_BEFORE,
            not_after: NOT_AFTER,
            hash: None,
            sig_alg: None,
            spki: None,
            extra: Vec::new(),
        }
    }

    pub fn leaf(subject: &str) -> Spec {
        Spec {
            basic: Some((false, None)),
            key_usage: Some(KeyUsage(KeyUsages::DigitalSignature.into())),
            ..Spec::ca(subject)
        }
    }
}

/// An issued certificate with the key it certifies.
pub struct Issued {
    pub der: Vec<u8>,
    pub name: Name,
    pub key: TestKey,
}

fn time(t: u64) -> Time {
    Time::try_from(UNIX_EPOCH + Duration::from_secs(t)).unwrap()
}

/// Issues a certificate for `key` as `spec` says, signed by `issuer`, or
/// self-signed if `issuer` is None.
pub fn issue(spec: &Spec, key: TestKey, issuer: Option<&Issued>) -> Issued {
    let subject = Name::from_str(&spec.subject).unwrap();
    let (issuer_name, issuer_key) = match issuer {
        Some(i) => (i.name.clone(), &i.key),
        None => (subject.clone(), &key),
    };
    let mut extensions = Vec::new();
    if let Some((ca, path_len)) = spec.basic {
        let bc = BasicConstraints {
            ca,
            path_len_constraint: path_len,
        };
        extensions.push((&bc).to_extension(&subject, &[]).unwrap());
    }
    if let Some(ku) = &spec.key_usage {
        extensions.push(ku.to_extension(&subject, &[]).unwrap());
    }
    extensions.extend(spec.extra.iter().cloned());
    let profile = Profile {
        subject: subject.clone(),
        issuer: issuer_name,
        extensions,
    };
    let hash = spec.hash.unwrap_or(issuer_key.default_hash());
    let signer = SignerInfo {
        spki: SpkiKey(issuer_key.spki()),
        alg: spec.sig_alg.clone().unwrap_or(issuer_key.sig_alg(hash)),
    };
    let validity = Validity::new(time(spec.not_before), time(spec.not_after));
    let spki = spec.spki.clone().unwrap_or_else(|| key.spki());
    let mut builder =
        CertificateBuilder::new(profile, SerialNumber::from(0x1234_5678u32), validity, spki)
            .unwrap();
    let tbs = builder.finalize(&signer).unwrap();
    let signature = issuer_key.sign(hash, &tbs);
    let cert = builder
        .assemble(BitString::from_bytes(&signature).unwrap(), &signer)
        .unwrap();
    Issued {
        der: cert.to_der().unwrap(),
        name: subject,
        key,
    }
}

/// A critical extension nobody understands.
pub fn unknown_critical_extension() -> Extension {
    Extension {
        extn_id: oid("1.3.6.1.4.1.55555.1"),
        critical: true,
        extn_value: OctetString::new(vec![0x05, 0x00]).unwrap(),
    }
}

/// PEM armour for a DER certificate.
pub fn pem(der: &[u8]) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}
