#![allow(dead_code)]
//! A self-signed P-256 CA certificate (DER and PEM), built with `x509-cert`,
//! shared by the app tests that import trust roots.

use std::str::FromStr as _;
use std::time::{Duration, SystemTime};

use p256::ecdsa::signature::Keypair;
use p256::ecdsa::signature::hazmat::PrehashSigner as _;
use sha2::Digest as _;
use x509_cert::builder::profile::BuilderProfile;
use x509_cert::builder::{Builder as _, CertificateBuilder};
use x509_cert::der::asn1::{BitString, ObjectIdentifier};
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

fn oid(s: &str) -> ObjectIdentifier {
    ObjectIdentifier::new(s).unwrap()
}

#[derive(Clone)]
struct SpkiKey(SubjectPublicKeyInfoOwned);

impl EncodePublicKey for SpkiKey {
    fn to_public_key_der(&self) -> x509_cert::spki::Result<Document> {
        Ok(Document::encode_msg(&self.0)?)
    }
}

struct Signer(SpkiKey);

impl Keypair for Signer {
    type VerifyingKey = SpkiKey;
    fn verifying_key(&self) -> SpkiKey {
        self.0.clone()
    }
}

impl DynSignatureAlgorithmIdentifier for Signer {
    fn signature_algorithm_identifier(&self) -> x509_cert::spki::Result<AlgorithmIdentifierOwned> {
        Ok(AlgorithmIdentifierOwned {
            oid: oid("1.2.840.10045.4.3.2"), // ecdsa-with-SHA256
            parameters: None,
        })
    }
}

struct Profile(Name, Vec<Extension>);

impl BuilderProfile for Profile {
    fn get_issuer(&self, _subject: &Name) -> Name {
        self.0.clone()
    }
    fn get_subject(&self) -> Name {
        self.0.clone()
    }
    fn build_extensions(
        &self,
        _spk: SubjectPublicKeyInfoRef<'_>,
        _issuer_spk: SubjectPublicKeyInfoRef<'_>,
        _tbs: &x509_cert::TbsCertificate,
    ) -> x509_cert::builder::Result<Vec<Extension>> {
        Ok(self.1.clone())
    }
}

/// A self-signed CA certificate for `subject` (e.g. `CN=Test Root`).
pub fn self_signed_ca(subject: &str, seed: u8) -> Vec<u8> {
    let key = p256::ecdsa::SigningKey::from_slice(&[seed; 32]).unwrap();
    let point = key.verifying_key().to_sec1_point(false);
    let spki = SubjectPublicKeyInfoOwned {
        algorithm: AlgorithmIdentifierOwned {
            oid: oid("1.2.840.10045.2.1"),
            parameters: Some(Any::encode_from(&oid("1.2.840.10045.3.1.7")).unwrap()),
        },
        subject_public_key: BitString::from_bytes(point.as_bytes()).unwrap(),
    };
    let name = Name::from_str(subject).unwrap();
    let extensions = vec![
        (&BasicConstraints {
            ca: true,
            path_len_constraint: None,
        })
            .to_extension(&name, &[])
            .unwrap(),
        KeyUsage(KeyUsages::KeyCertSign | KeyUsages::CRLSign)
            .to_extension(&name, &[])
            .unwrap(),
    ];
    let now = SystemTime::now();
    let validity = Validity::new(
        Time::try_from(now - Duration::from_secs(86_400)).unwrap(),
        Time::try_from(now + Duration::from_secs(10 * 365 * 86_400)).unwrap(),
    );
    let signer = Signer(SpkiKey(spki.clone()));
    let mut builder = CertificateBuilder::new(
        Profile(name, extensions),
        SerialNumber::from(u32::from(seed) + 1),
        validity,
        spki,
    )
    .unwrap();
    let tbs = builder.finalize(&signer).unwrap();
    let digest = sha2::Sha256::digest(&tbs);
    let signature: p256::ecdsa::Signature = key.sign_prehash(&digest).unwrap();
    let cert = builder
        .assemble(
            BitString::from_bytes(signature.to_der().as_bytes()).unwrap(),
            &signer,
        )
        .unwrap();
    cert.to_der().unwrap()
}

/// PEM armour.
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
