//! Test certificates, built with `x509-cert`'s builder and signed with the
//! pure-Rust signature crates. The builder only assembles the TBS
//! certificate; signing happens here, so any key can sign with any hash
//! (or with a deliberately wrong algorithm identifier).

use x509_cert::der::asn1::{ObjectIdentifier, OctetString};
use x509_cert::ext::Extension;
use x509_cert::name::Name;
use x509_cert::spki::{AlgorithmIdentifierOwned, SubjectPublicKeyInfoOwned};

use crate::credential::KeyAlgorithm;
pub use crate::credential::issue::{Hash, OID_EC_PUBLIC_KEY, Spec};
use crate::credential::issue::{SigningKey, issue_certificate};

/// "Now" in the tests: 2025-06-15.
pub const NOW: u64 = 1_750_000_000;
/// Default validity: 2023-11-14 .. 2033-05-18.
pub const NOT_BEFORE: u64 = 1_700_000_000;
pub const NOT_AFTER: u64 = 2_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    P256,
    P384,
    P521,
    Ed25519,
    Ed448,
}

impl Kind {
    fn algorithm(self) -> KeyAlgorithm {
        match self {
            Kind::P256 => KeyAlgorithm::EcdsaP256,
            Kind::P384 => KeyAlgorithm::EcdsaP384,
            Kind::P521 => KeyAlgorithm::EcdsaP521,
            Kind::Ed25519 => KeyAlgorithm::Ed25519,
            Kind::Ed448 => KeyAlgorithm::Ed448,
        }
    }
}

pub fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new(s).unwrap()
}

/// Deterministic bytes from a label.
fn seed(label: &str, n: usize) -> Vec<u8> {
    use sha2::Digest as _;
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

/// A test key: the issuing module's [`SigningKey`], made from a label.
pub struct TestKey(pub SigningKey);

impl TestKey {
    /// A key derived from `label`: the same label gives the same key.
    pub fn new(kind: Kind, label: &str) -> TestKey {
        let len = match kind {
            Kind::P256 | Kind::Ed25519 => 32,
            Kind::P384 => 48,
            Kind::P521 => 66,
            Kind::Ed448 => 57,
        };
        let mut s = seed(label, len);
        if kind == Kind::P521 {
            s[0] &= 0x01;
        }
        TestKey(SigningKey::from_bytes(kind.algorithm(), &s).unwrap())
    }

    /// The public key as a LeafNode carries it.
    pub fn public(&self) -> Vec<u8> {
        self.0.public()
    }

    /// The compressed SEC1 point of an ECDSA key.
    pub fn public_compressed(&self) -> Vec<u8> {
        self.0.public_compressed().expect("not an ECDSA key")
    }

    pub fn spki(&self) -> SubjectPublicKeyInfoOwned {
        self.0.spki().unwrap()
    }

    /// This key's SubjectPublicKeyInfo, with `point` as the key bytes.
    pub fn spki_with(&self, point: &[u8]) -> SubjectPublicKeyInfoOwned {
        self.0.spki_with(point).unwrap()
    }

    /// The signature algorithm identifier for signing with `hash` (ignored
    /// for EdDSA).
    pub fn sig_alg(&self, hash: Hash) -> AlgorithmIdentifierOwned {
        self.0.sig_alg(hash).unwrap()
    }

    /// Signs as the certificate signature algorithm says.
    pub fn sign(&self, hash: Hash, msg: &[u8]) -> Vec<u8> {
        self.0.sign(hash, msg).unwrap()
    }
}

pub fn raw_spki(algorithm: AlgorithmIdentifierOwned, key: &[u8]) -> SubjectPublicKeyInfoOwned {
    crate::credential::issue::raw_spki(algorithm, key).unwrap()
}

/// A CA spec valid from [`NOT_BEFORE`] to [`NOT_AFTER`], fixed serial.
pub fn ca(subject: &str) -> Spec {
    Spec {
        serial: Some(0x1234_5678),
        ..Spec::ca(subject, NOT_BEFORE, NOT_AFTER)
    }
}

/// A leaf spec valid from [`NOT_BEFORE`] to [`NOT_AFTER`], fixed serial.
pub fn leaf(subject: &str) -> Spec {
    Spec {
        serial: Some(0x1234_5678),
        ..Spec::leaf(subject, NOT_BEFORE, NOT_AFTER)
    }
}

/// An issued certificate with the key it certifies.
pub struct Issued {
    pub der: Vec<u8>,
    pub name: Name,
    pub key: TestKey,
}

/// Issues a certificate for `key` as `spec` says, signed by `issuer`, or
/// self-signed if `issuer` is None.
pub fn issue(spec: &Spec, key: TestKey, issuer: Option<&Issued>) -> Issued {
    let (der, name) = issue_certificate(spec, &key.0, issuer.map(|i| (&i.name, &i.key.0))).unwrap();
    Issued { der, name, key }
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
    crate::credential::issue::pem_encode("CERTIFICATE", der)
}
