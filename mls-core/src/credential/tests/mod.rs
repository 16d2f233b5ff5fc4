#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use crate::test_utils::certgen::{self, Hash, Issued, Kind, NOW, Spec, TestKey, issue};
use x509_cert::ext::pkix::{KeyUsage, KeyUsages};

use super::*;
use crate::codec::VlBytes;
use crate::messages::Certificate;

const S1: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
const S2: CipherSuite = CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256;
const S3: CipherSuite = CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519;
const S4: CipherSuite = CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448;
const S5: CipherSuite = CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521;
const S6: CipherSuite = CipherSuite::Mls256Dhkemx448Chacha20poly1305Sha512Ed448;
const S7: CipherSuite = CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384;

const ROOT_DN: &str = "CN=Test Root CA,O=MLS Inspector Tests";
const INTER_DN: &str = "CN=Test Intermediate CA,O=MLS Inspector Tests";
const LEAF_DN: &str = "CN=alice@example.com,O=MLS Inspector Tests";

fn x509(certs: &[&Issued]) -> Credential {
    Credential::X509 {
        certificates: certs
            .iter()
            .map(|c| Certificate {
                cert_data: VlBytes(c.der.clone()),
            })
            .collect(),
    }
}

fn x509_ders(ders: &[Vec<u8>]) -> Credential {
    Credential::X509 {
        certificates: ders
            .iter()
            .map(|d| Certificate {
                cert_data: VlBytes(d.clone()),
            })
            .collect(),
    }
}

fn basic(id: &[u8]) -> Credential {
    Credential::Basic {
        identity: VlBytes(id.to_vec()),
    }
}

fn provider(roots: &[&Issued]) -> X509IdentityProvider {
    let mut trust = TrustRoots::new();
    for r in roots {
        trust.add_der(&r.der).unwrap();
    }
    X509IdentityProvider::new(trust)
}

struct Chain {
    root: Issued,
    inter: Issued,
    leaf: Issued,
}

impl Chain {
    fn credential(&self) -> Credential {
        x509(&[&self.leaf, &self.inter])
    }

    fn provider(&self) -> X509IdentityProvider {
        provider(&[&self.root])
    }

    fn validate(&self, cs: CipherSuite) -> Result<Identity, CredentialError> {
        self.provider()
            .validate(cs, &self.credential(), &self.leaf.key.public(), NOW)
    }
}

/// root CA → intermediate CA → leaf, each with its own key kind.
fn chain_of(root: Kind, inter: Kind, leaf: Kind, leaf_spec: Spec) -> Chain {
    let root = issue(&certgen::ca(ROOT_DN), TestKey::new(root, "root"), None);
    let inter = issue(
        &certgen::ca(INTER_DN),
        TestKey::new(inter, "intermediate"),
        Some(&root),
    );
    let leaf = issue(&leaf_spec, TestKey::new(leaf, "leaf"), Some(&inter));
    Chain { root, inter, leaf }
}

fn chain(kind: Kind) -> Chain {
    chain_of(kind, kind, kind, certgen::leaf(LEAF_DN))
}

fn err_text(e: &CredentialError) -> String {
    e.to_string()
}

// ---------------------------------------------------------------- valid

fn assert_valid(c: &Chain, cs: CipherSuite) {
    let id = c.validate(cs).unwrap_or_else(|e| panic!("{cs:?}: {e}"));
    assert_eq!(id.credential_type, CREDENTIAL_X509);
    assert_eq!(id.name, "alice@example.com");
    let (_, leaf) = x509_parser::parse_x509_certificate(&c.leaf.der).unwrap();
    assert_eq!(id.bytes, leaf.subject().as_raw());
}

#[test]
fn valid_chain_p256_suite2() {
    assert_valid(&chain(Kind::P256), S2);
}

#[test]
fn valid_chain_ed25519_suites_1_and_3() {
    let c = chain(Kind::Ed25519);
    assert_valid(&c, S1);
    assert_valid(&c, S3);
}

#[test]
fn valid_chain_p384_suite7() {
    assert_valid(&chain(Kind::P384), S7);
}

#[test]
fn valid_chain_p521_suite5() {
    assert_valid(&chain(Kind::P521), S5);
}

#[test]
fn valid_chain_ed448_suites_4_and_6() {
    let c = chain(Kind::Ed448);
    assert_valid(&c, S4);
    assert_valid(&c, S6);
}

#[test]
fn p256_leaf_signed_with_sha384_by_p384_ca() {
    // P-384 root → P-384 intermediate signs the P-256 leaf with
    // ecdsa-with-SHA384 (the default for a P-384 issuer).
    let c = chain_of(Kind::P384, Kind::P384, Kind::P256, certgen::leaf(LEAF_DN));
    let (_, leaf) = x509_parser::parse_x509_certificate(&c.leaf.der).unwrap();
    assert_eq!(
        leaf.signature_algorithm.algorithm.to_id_string(),
        "1.2.840.10045.4.3.3"
    );
    assert_valid(&c, S2);
}

#[test]
fn hash_follows_the_signature_oid_not_the_curve() {
    // A P-256 CA signing with SHA-512 and a P-521 CA signing with SHA-256.
    let mut spec = certgen::leaf(LEAF_DN);
    spec.hash = Some(Hash::Sha512);
    assert_valid(&chain_of(Kind::P256, Kind::P256, Kind::P256, spec), S2);
    let mut spec = certgen::leaf(LEAF_DN);
    spec.hash = Some(Hash::Sha256);
    assert_valid(&chain_of(Kind::P521, Kind::P521, Kind::P384, spec), S7);
}

#[test]
fn mixed_algorithms_along_the_chain() {
    assert_valid(
        &chain_of(
            Kind::Ed448,
            Kind::P521,
            Kind::Ed25519,
            certgen::leaf(LEAF_DN),
        ),
        S1,
    );
    assert_valid(
        &chain_of(
            Kind::Ed25519,
            Kind::P256,
            Kind::P384,
            certgen::leaf(LEAF_DN),
        ),
        S7,
    );
}

#[test]
fn leaf_directly_under_root_and_chain_including_root() {
    let c = chain(Kind::P256);
    let leaf = issue(
        &certgen::leaf(LEAF_DN),
        TestKey::new(Kind::P256, "leaf2"),
        Some(&c.root),
    );
    let p = c.provider();
    let key = leaf.key.public();
    p.validate(S2, &x509(&[&leaf]), &key, NOW).unwrap();
    // The root itself may be sent; anything after it is ignored.
    p.validate(S2, &x509(&[&leaf, &c.root]), &key, NOW).unwrap();
    p.validate(
        S2,
        &x509(&[&c.leaf, &c.inter, &c.root]),
        &c.leaf.key.public(),
        NOW,
    )
    .unwrap();
    p.validate(
        S2,
        &x509_ders(&[
            c.leaf.der.clone(),
            c.inter.der.clone(),
            c.root.der.clone(),
            vec![0x30, 0x00],
        ])
        .clone(),
        &c.leaf.key.public(),
        NOW,
    )
    .unwrap_err(); // every certificate is parsed, even after the root
}

#[test]
fn compressed_ec_point_in_certificate_matches_uncompressed_leaf_key() {
    let key = TestKey::new(Kind::P256, "leaf");
    let mut spec = certgen::leaf(LEAF_DN);
    spec.spki = Some(key.spki_with(&key.public_compressed()));
    let c = chain_of(Kind::P256, Kind::P256, Kind::P256, spec);
    assert_valid(&c, S2);
}

#[test]
fn identity_without_common_name_is_the_dn() {
    let c = chain_of(
        Kind::P256,
        Kind::P256,
        Kind::P256,
        certgen::leaf("O=MLS Inspector Tests,OU=Devices"),
    );
    let id = c.validate(S2).unwrap();
    assert_eq!(id.name, "OU=Devices, O=MLS Inspector Tests");
}

// ---------------------------------------------------------------- time

#[test]
fn expired_leaf() {
    let mut spec = certgen::leaf(LEAF_DN);
    spec.not_before = 1_600_000_000;
    spec.not_after = 1_700_000_000;
    let e = chain_of(Kind::P256, Kind::P256, Kind::P256, spec)
        .validate(S2)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::Expired {
            cert: CertRef::Chain(0),
            not_after: 1_700_000_000,
            now: NOW
        }
    );
    assert_eq!(
        err_text(&e),
        "the leaf certificate (chain index 0) has expired: not valid after 2023-11-14 22:13:20 UTC \
         (now is 2025-06-15 15:06:40 UTC)"
    );
}

#[test]
fn not_yet_valid_leaf() {
    let mut spec = certgen::leaf(LEAF_DN);
    spec.not_before = 1_800_000_000;
    let e = chain_of(Kind::Ed25519, Kind::Ed25519, Kind::Ed25519, spec)
        .validate(S1)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::NotYetValid {
            cert: CertRef::Chain(0),
            not_before: 1_800_000_000,
            now: NOW
        }
    );
    assert!(
        err_text(&e).contains("is not yet valid: not valid before 2027-01-15"),
        "{e}"
    );
}

#[test]
fn expired_intermediate_and_expired_root() {
    let root = issue(
        &certgen::ca(ROOT_DN),
        TestKey::new(Kind::P256, "root"),
        None,
    );
    let mut spec = certgen::ca(INTER_DN);
    spec.not_after = 1_710_000_000;
    let inter = issue(&spec, TestKey::new(Kind::P256, "inter"), Some(&root));
    let leaf = issue(
        &certgen::leaf(LEAF_DN),
        TestKey::new(Kind::P256, "leaf"),
        Some(&inter),
    );
    let e = provider(&[&root])
        .validate(S2, &x509(&[&leaf, &inter]), &leaf.key.public(), NOW)
        .unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::Expired {
                cert: CertRef::Chain(1),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        err_text(&e).starts_with("chain certificate 1 has expired"),
        "{e}"
    );

    let mut spec = certgen::ca(ROOT_DN);
    spec.not_after = 1_720_000_000;
    let root = issue(&spec, TestKey::new(Kind::P256, "root"), None);
    let inter = issue(
        &certgen::ca(INTER_DN),
        TestKey::new(Kind::P256, "inter"),
        Some(&root),
    );
    let leaf = issue(
        &certgen::leaf(LEAF_DN),
        TestKey::new(Kind::P256, "leaf"),
        Some(&inter),
    );
    let e = provider(&[&root])
        .validate(S2, &x509(&[&leaf, &inter]), &leaf.key.public(), NOW)
        .unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::Expired {
                cert: CertRef::Root(0),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(err_text(&e).starts_with("trust root 0 has expired"), "{e}");
}

// ---------------------------------------------------------------- roots

#[test]
fn chain_to_an_unknown_root() {
    let c = chain(Kind::P256);
    // A different root: other name.
    let other = issue(
        &certgen::ca("CN=Other Root,O=Elsewhere"),
        TestKey::new(Kind::P256, "other"),
        None,
    );
    let p = provider(&[&other]);
    let e = p
        .validate(S2, &c.credential(), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::UnknownIssuer {
            issuer: "O=MLS Inspector Tests, CN=Test Root CA".into(),
            candidates: 0
        }
    );
    assert_eq!(
        err_text(&e),
        "the chain does not end at a trust root: no trust root has the subject \
         \"O=MLS Inspector Tests, CN=Test Root CA\" that issued the last certificate"
    );

    // Same name, different key.
    let impostor = issue(
        &certgen::ca(ROOT_DN),
        TestKey::new(Kind::P256, "impostor"),
        None,
    );
    let e = provider(&[&impostor])
        .validate(S2, &c.credential(), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert!(
        matches!(e, CredentialError::UnknownIssuer { candidates: 1, .. }),
        "{e:?}"
    );
    assert!(
        err_text(&e).contains("does not verify the signature"),
        "{e}"
    );

    // No roots at all.
    let e = X509IdentityProvider::default()
        .validate(S2, &c.credential(), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert!(matches!(
        e,
        CredentialError::UnknownIssuer { candidates: 0, .. }
    ));
}

#[test]
fn pem_bundle_with_two_roots() {
    let a = chain(Kind::P256);
    let b = chain_of(
        Kind::Ed25519,
        Kind::Ed25519,
        Kind::Ed25519,
        certgen::leaf(LEAF_DN),
    );
    let bundle = format!(
        "# a comment before\n{}\nsome text between blocks\n{}",
        certgen::pem(&a.root.der),
        certgen::pem(&b.root.der)
    );
    let mut roots = TrustRoots::new();
    let infos = roots.add_pem(bundle.as_bytes()).unwrap();
    assert_eq!(infos.len(), 2);
    assert_eq!(roots.len(), 2);
    assert_eq!(roots.list(), infos);
    assert_eq!(infos[0].subject, "O=MLS Inspector Tests, CN=Test Root CA");
    assert_eq!(infos[0].issuer, infos[0].subject);
    assert_eq!(infos[0].key_algorithm, KeyAlgorithm::EcdsaP256);
    assert_eq!(infos[1].key_algorithm, KeyAlgorithm::Ed25519);
    assert_eq!(infos[0].not_before, certgen::NOT_BEFORE as i64);
    assert_eq!(infos[0].not_after, certgen::NOT_AFTER as i64);
    use sha2::Digest as _;
    assert_eq!(
        infos[1].fingerprint_sha256,
        hex::encode(sha2::Sha256::digest(&b.root.der))
    );
    let ders: Vec<&[u8]> = roots.ders().collect();
    assert_eq!(ders, vec![a.root.der.as_slice(), b.root.der.as_slice()]);

    let p = X509IdentityProvider::new(roots.clone());
    p.validate(S2, &a.credential(), &a.leaf.key.public(), NOW)
        .unwrap();
    p.validate(S1, &b.credential(), &b.leaf.key.public(), NOW)
        .unwrap();

    // Importing again: duplicates are refused and nothing is added.
    let e = roots.add_pem(bundle.as_bytes()).unwrap_err();
    assert!(matches!(e, CredentialError::DuplicateRoot { .. }), "{e:?}");
    assert!(err_text(&e).contains("is already present"), "{e}");
    assert_eq!(roots.len(), 2);
    let e = roots.add_der(&a.root.der).unwrap_err();
    assert!(matches!(e, CredentialError::DuplicateRoot { .. }), "{e:?}");

    // Storage round trip.
    let mut restored = TrustRoots::new();
    for der in roots.ders() {
        restored.add_der(der).unwrap();
    }
    assert_eq!(restored.list(), roots.list());
}

#[test]
fn pem_errors() {
    let mut roots = TrustRoots::new();
    assert_eq!(
        roots.add_pem(b"nothing here").unwrap_err(),
        CredentialError::NoPemCertificates
    );
    let e = roots
        .add_pem(b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
        .unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::Malformed {
                cert: CertRef::Import(0),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        err_text(&e).starts_with("imported certificate 0 is malformed: bad PEM block"),
        "{e}"
    );
    let e = roots
        .add_pem(b"-----BEGIN CERTIFICATE-----\nAAAA\n")
        .unwrap_err();
    assert!(matches!(e, CredentialError::Malformed { .. }), "{e:?}");
    // The second block is not a CA: nothing is imported.
    let c = chain(Kind::P256);
    let bundle = format!("{}{}", certgen::pem(&c.root.der), certgen::pem(&c.leaf.der));
    let e = roots.add_pem(bundle.as_bytes()).unwrap_err();
    assert_eq!(
        e,
        CredentialError::NotACa {
            cert: CertRef::Import(1)
        }
    );
    assert!(roots.is_empty());
}

#[test]
fn remove_root_then_chain_fails() {
    let a = chain(Kind::P256);
    let b = chain(Kind::P384);
    let mut roots = TrustRoots::new();
    roots.add_der(&b.root.der).unwrap();
    let info = roots.add_der(&a.root.der).unwrap();
    let p = X509IdentityProvider::new(roots.clone());
    p.validate(S2, &a.credential(), &a.leaf.key.public(), NOW)
        .unwrap();

    assert_eq!(roots.remove(5), None);
    assert_eq!(roots.remove(1), Some(info));
    assert_eq!(roots.len(), 1);
    let p = X509IdentityProvider::new(roots);
    let e = p
        .validate(S2, &a.credential(), &a.leaf.key.public(), NOW)
        .unwrap_err();
    assert!(matches!(e, CredentialError::UnknownIssuer { .. }), "{e:?}");
    // b's root has the same name but another key.
    assert!(
        err_text(&e).contains("does not verify the signature"),
        "{e}"
    );
    p.validate(S7, &b.credential(), &b.leaf.key.public(), NOW)
        .unwrap();
}

#[test]
fn root_import_checks() {
    let mut roots = TrustRoots::new();
    let c = chain(Kind::P256);
    // A leaf is no CA.
    let e = roots.add_der(&c.leaf.der).unwrap_err();
    assert_eq!(
        e,
        CredentialError::NotACa {
            cert: CertRef::Import(0)
        }
    );
    assert_eq!(
        err_text(&e),
        "imported certificate 0 issues certificates but is not a CA (basicConstraints cA is not \
         true)"
    );
    // Garbage.
    let e = roots.add_der(b"\x30\x03\x02\x01\x01").unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::Malformed {
                cert: CertRef::Import(0),
                ..
            }
        ),
        "{e:?}"
    );
    // A self-signed root whose self-signature is broken.
    let mut der = c.root.der.clone();
    let n = der.len();
    der[n - 1] ^= 0x01;
    let e = roots.add_der(&der).unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::BadSignature {
                cert: CertRef::Import(0),
                signer: CertRef::Import(0),
                ..
            }
        ),
        "{e:?}"
    );
    // A CA without keyCertSign.
    let mut spec = certgen::ca(ROOT_DN);
    spec.key_usage = Some(KeyUsage(KeyUsages::DigitalSignature.into()));
    let root = issue(&spec, TestKey::new(Kind::P256, "root"), None);
    let e = roots.add_der(&root.der).unwrap_err();
    assert_eq!(
        e,
        CredentialError::KeyUsage {
            cert: CertRef::Import(0),
            missing: "keyCertSign"
        }
    );
    // An intermediate (not self-issued) may be a trust anchor.
    roots.add_der(&c.inter.der).unwrap();
    X509IdentityProvider::new(roots.clone())
        .validate(S2, &x509(&[&c.leaf]), &c.leaf.key.public(), NOW)
        .unwrap();
    assert_eq!(
        roots.list()[0].issuer,
        "O=MLS Inspector Tests, CN=Test Root CA"
    );
}

// ---------------------------------------------------------------- leaf key

#[test]
fn leaf_key_differs_from_signature_key() {
    let c = chain(Kind::P256);
    let other = TestKey::new(Kind::P256, "someone else").public();
    let e = c
        .provider()
        .validate(S2, &c.credential(), &other, NOW)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::KeyMismatch {
            certificate_key: hex::encode(c.leaf.key.public()),
            signature_key: hex::encode(&other),
        }
    );
    assert!(
        err_text(&e).starts_with("the leaf certificate's public key (04")
            && err_text(&e).contains("65 bytes) differs from the leaf node's signature key (04"),
        "{e}"
    );
    // The compressed form of the right key is not the LeafNode encoding.
    let e = c
        .provider()
        .validate(S2, &c.credential(), &c.leaf.key.public_compressed(), NOW)
        .unwrap_err();
    assert!(matches!(e, CredentialError::KeyMismatch { .. }));
}

#[test]
fn leaf_key_of_another_suite() {
    let c = chain(Kind::P256);
    let e = c.validate(S7).unwrap_err();
    assert_eq!(
        e,
        CredentialError::SuiteMismatch {
            suite: 7,
            expected: KeyAlgorithm::EcdsaP384,
            found: KeyAlgorithm::EcdsaP256
        }
    );
    assert_eq!(
        err_text(&e),
        "the leaf certificate holds an ECDSA P-256 key but cipher suite 7 signs with ECDSA P-384"
    );
    let e = chain(Kind::Ed25519).validate(S4).unwrap_err();
    assert!(matches!(e, CredentialError::SuiteMismatch { .. }), "{e:?}");
}

// ---------------------------------------------------------------- signatures

#[test]
fn broken_leaf_signature() {
    let mut c = chain(Kind::P256);
    let n = c.leaf.der.len();
    c.leaf.der[n - 1] ^= 0x01; // last byte of the ECDSA signature's s
    let e = c.validate(S2).unwrap_err();
    assert_eq!(
        e,
        CredentialError::BadSignature {
            cert: CertRef::Chain(0),
            signer: CertRef::Chain(1),
            reason: "the signature does not match the certificate contents".into()
        }
    );
    assert_eq!(
        err_text(&e),
        "the signature of the leaf certificate (chain index 0) does not verify with the key of \
         chain certificate 1: the signature does not match the certificate contents"
    );

    // EdDSA, and a byte of the signed contents instead of the signature.
    let mut c = chain(Kind::Ed448);
    let at = c.leaf.der.windows(5).position(|w| w == b"alice").unwrap();
    c.leaf.der[at] = b'A';
    let e = c
        .provider()
        .validate(S4, &c.credential(), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::BadSignature {
                cert: CertRef::Chain(0),
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn signature_algorithm_that_does_not_fit_the_issuer_key() {
    // Claims Ed25519, signed by a P-256 CA.
    let mut spec = certgen::leaf(LEAF_DN);
    spec.sig_alg = Some(TestKey::new(Kind::Ed25519, "x").sig_alg(Hash::Sha256));
    let e = chain_of(Kind::P256, Kind::P256, Kind::P256, spec)
        .validate(S2)
        .unwrap_err();
    assert!(matches!(e, CredentialError::BadSignature { .. }), "{e:?}");
    assert!(
        err_text(&e)
            .ends_with("the certificate is signed with Ed25519 but the issuer key is ECDSA P-256"),
        "{e}"
    );
    // Claims SHA-512, signed over SHA-256.
    let mut spec = certgen::leaf(LEAF_DN);
    spec.sig_alg = Some(TestKey::new(Kind::P256, "x").sig_alg(Hash::Sha512));
    let e = chain_of(Kind::P256, Kind::P256, Kind::P256, spec)
        .validate(S2)
        .unwrap_err();
    assert!(matches!(e, CredentialError::BadSignature { .. }), "{e:?}");
}

#[test]
fn unsupported_algorithms() {
    // RSA signature algorithm.
    let mut spec = certgen::leaf(LEAF_DN);
    spec.sig_alg = Some(x509_cert::spki::AlgorithmIdentifierOwned {
        oid: certgen::oid("1.2.840.113549.1.1.11"),
        parameters: Some(x509_cert::der::Any::null()),
    });
    let e = chain_of(Kind::P256, Kind::P256, Kind::P256, spec)
        .validate(S2)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::UnsupportedAlgorithm {
            cert: CertRef::Chain(0),
            kind: "signature algorithm",
            oid: "1.2.840.113549.1.1.11".into()
        }
    );
    assert_eq!(
        err_text(&e),
        "the leaf certificate (chain index 0) uses an unsupported signature algorithm: \
         1.2.840.113549.1.1.11 (sha256WithRSAEncryption)"
    );

    // An RSA subject key.
    let mut spec = certgen::leaf(LEAF_DN);
    spec.spki = Some(certgen::raw_spki(
        x509_cert::spki::AlgorithmIdentifierOwned {
            oid: certgen::oid("1.2.840.113549.1.1.1"),
            parameters: Some(x509_cert::der::Any::null()),
        },
        &[0x30, 0x03, 0x02, 0x01, 0x03],
    ));
    let e = chain_of(Kind::P256, Kind::P256, Kind::P256, spec)
        .validate(S2)
        .unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::UnsupportedAlgorithm {
                kind: "public key algorithm",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(err_text(&e).ends_with("(rsaEncryption)"), "{e}");

    // secp256k1.
    let mut spec = certgen::leaf(LEAF_DN);
    spec.spki = Some(certgen::raw_spki(
        x509_cert::spki::AlgorithmIdentifierOwned {
            oid: certgen::oid(certgen::OID_EC_PUBLIC_KEY),
            parameters: Some(
                x509_cert::der::Any::encode_from(&certgen::oid("1.3.132.0.10")).unwrap(),
            ),
        },
        &TestKey::new(Kind::P256, "leaf").public(),
    ));
    let e = chain_of(Kind::P256, Kind::P256, Kind::P256, spec)
        .validate(S2)
        .unwrap_err();
    assert_eq!(
        err_text(&e),
        "the leaf certificate (chain index 0) uses an unsupported elliptic curve: 1.3.132.0.10 \
         (secp256k1)"
    );
}

// ---------------------------------------------------------------- CA rules

#[test]
fn issuer_that_is_not_a_ca() {
    // basicConstraints cA = false.
    let root = issue(
        &certgen::ca(ROOT_DN),
        TestKey::new(Kind::P256, "root"),
        None,
    );
    let mut spec = certgen::leaf(INTER_DN);
    spec.key_usage = None;
    let inter = issue(&spec, TestKey::new(Kind::P256, "inter"), Some(&root));
    let leaf = issue(
        &certgen::leaf(LEAF_DN),
        TestKey::new(Kind::P256, "leaf"),
        Some(&inter),
    );
    let p = provider(&[&root]);
    let e = p
        .validate(S2, &x509(&[&leaf, &inter]), &leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::NotACa {
            cert: CertRef::Chain(1)
        }
    );
    assert_eq!(
        err_text(&e),
        "chain certificate 1 issues certificates but is not a CA (basicConstraints cA is not true)"
    );
    // No basicConstraints at all.
    spec.basic = None;
    let inter = issue(&spec, TestKey::new(Kind::P256, "inter"), Some(&root));
    let leaf = issue(
        &certgen::leaf(LEAF_DN),
        TestKey::new(Kind::P256, "leaf"),
        Some(&inter),
    );
    let e = p
        .validate(S2, &x509(&[&leaf, &inter]), &leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::NotACa {
            cert: CertRef::Chain(1)
        }
    );
}

#[test]
fn ca_without_key_cert_sign() {
    let root = issue(
        &certgen::ca(ROOT_DN),
        TestKey::new(Kind::P384, "root"),
        None,
    );
    let mut spec = certgen::ca(INTER_DN);
    spec.key_usage = Some(KeyUsage(KeyUsages::CRLSign | KeyUsages::DigitalSignature));
    let inter = issue(&spec, TestKey::new(Kind::P384, "inter"), Some(&root));
    let leaf = issue(
        &certgen::leaf(LEAF_DN),
        TestKey::new(Kind::P384, "leaf"),
        Some(&inter),
    );
    let e = provider(&[&root])
        .validate(S7, &x509(&[&leaf, &inter]), &leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::KeyUsage {
            cert: CertRef::Chain(1),
            missing: "keyCertSign"
        }
    );
    assert_eq!(
        err_text(&e),
        "chain certificate 1 has a keyUsage extension without keyCertSign"
    );
}

#[test]
fn leaf_key_usage_without_digital_signature() {
    let mut spec = certgen::leaf(LEAF_DN);
    spec.key_usage = Some(KeyUsage(
        KeyUsages::KeyAgreement | KeyUsages::KeyEncipherment,
    ));
    let e = chain_of(Kind::P256, Kind::P256, Kind::P256, spec)
        .validate(S2)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::KeyUsage {
            cert: CertRef::Chain(0),
            missing: "digitalSignature"
        }
    );
    assert_eq!(
        err_text(&e),
        "the leaf certificate (chain index 0) has a keyUsage extension without digitalSignature"
    );
    // Without a keyUsage extension the leaf is fine.
    let mut spec = certgen::leaf(LEAF_DN);
    spec.key_usage = None;
    assert_valid(&chain_of(Kind::P256, Kind::P256, Kind::P256, spec), S2);
}

#[test]
fn path_length_constraints() {
    // Root allows no intermediate CA below it.
    let mut spec = certgen::ca(ROOT_DN);
    spec.basic = Some((true, Some(0)));
    let root = issue(&spec, TestKey::new(Kind::P256, "root"), None);
    let inter = issue(
        &certgen::ca(INTER_DN),
        TestKey::new(Kind::P256, "inter"),
        Some(&root),
    );
    let leaf = issue(
        &certgen::leaf(LEAF_DN),
        TestKey::new(Kind::P256, "leaf"),
        Some(&inter),
    );
    let p = provider(&[&root]);
    let e = p
        .validate(S2, &x509(&[&leaf, &inter]), &leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::PathLenExceeded {
            cert: CertRef::Root(0),
            path_len: 0,
            below: 1
        }
    );
    assert_eq!(
        err_text(&e),
        "trust root 0 has pathLenConstraint 0 but 1 intermediate CA certificate(s) follow it"
    );
    // An intermediate with pathLen 0 may still sign leaves.
    let root = issue(
        &certgen::ca(ROOT_DN),
        TestKey::new(Kind::P256, "root"),
        None,
    );
    let mut spec = certgen::ca(INTER_DN);
    spec.basic = Some((true, Some(0)));
    let inter = issue(&spec, TestKey::new(Kind::P256, "inter"), Some(&root));
    let leaf = issue(
        &certgen::leaf(LEAF_DN),
        TestKey::new(Kind::P256, "leaf"),
        Some(&inter),
    );
    provider(&[&root])
        .validate(S2, &x509(&[&leaf, &inter]), &leaf.key.public(), NOW)
        .unwrap();
}

#[test]
fn chain_out_of_order() {
    let c = chain(Kind::P256);
    let other = issue(
        &certgen::ca("CN=Unrelated CA"),
        TestKey::new(Kind::P256, "unrelated"),
        None,
    );
    let e = c
        .provider()
        .validate(S2, &x509(&[&c.leaf, &other]), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::IssuerMismatch {
            cert: CertRef::Chain(0),
            issuer: "O=MLS Inspector Tests, CN=Test Intermediate CA".into(),
            next_subject: "CN=Unrelated CA".into()
        }
    );
    assert!(err_text(&e).contains("names issuer"), "{e}");
}

#[test]
fn unknown_critical_extension() {
    let mut spec = certgen::leaf(LEAF_DN);
    spec.extra.push(certgen::unknown_critical_extension());
    let e = chain_of(Kind::P256, Kind::P256, Kind::P256, spec)
        .validate(S2)
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::UnhandledCriticalExtension {
            cert: CertRef::Chain(0),
            oid: "1.3.6.1.4.1.55555.1".into()
        }
    );
    assert_eq!(
        err_text(&e),
        "the leaf certificate (chain index 0) has an unsupported critical extension \
         1.3.6.1.4.1.55555.1"
    );
    // Not critical: ignored.
    let mut spec = certgen::leaf(LEAF_DN);
    let mut ext = certgen::unknown_critical_extension();
    ext.critical = false;
    spec.extra.push(ext);
    assert_valid(&chain_of(Kind::P256, Kind::P256, Kind::P256, spec), S2);
}

// ---------------------------------------------------------------- structure

#[test]
fn empty_and_overlong_chains() {
    let c = chain(Kind::P256);
    let p = c.provider();
    let e = p
        .validate(S2, &x509(&[]), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(e, CredentialError::EmptyChain);
    assert_eq!(
        err_text(&e),
        "the X.509 credential has an empty certificate chain"
    );
    let long = vec![c.leaf.der.clone(); MAX_CHAIN_LEN + 1];
    let e = p
        .validate(S2, &x509_ders(&long), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(e, CredentialError::ChainTooLong { len: 11, max: 10 });
    assert_eq!(
        err_text(&e),
        "the certificate chain has 11 certificates; at most 10 are accepted"
    );
}

#[test]
fn garbage_der_does_not_panic() {
    let c = chain(Kind::P256);
    let p = c.provider();
    let key = c.leaf.key.public();
    let check = |ders: Vec<Vec<u8>>| p.validate(S2, &x509_ders(&ders), &key, NOW);

    let e = check(vec![b"definitely not DER".to_vec()]).unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::Malformed {
                cert: CertRef::Chain(0),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        err_text(&e).starts_with(
            "the leaf certificate (chain index 0) is malformed: not a DER X.509 certificate"
        ),
        "{e}"
    );
    let e = check(vec![c.leaf.der.clone(), vec![]]).unwrap_err();
    assert!(
        matches!(
            e,
            CredentialError::Malformed {
                cert: CertRef::Chain(1),
                ..
            }
        ),
        "{e:?}"
    );
    let mut trailing = c.leaf.der.clone();
    trailing.push(0);
    let e = check(vec![trailing, c.inter.der.clone()]).unwrap_err();
    assert_eq!(
        e,
        CredentialError::Malformed {
            cert: CertRef::Chain(0),
            why: "1 trailing byte(s) after the certificate".into()
        }
    );

    // Every truncation and every single-byte change of the leaf.
    for n in 0..c.leaf.der.len() {
        assert!(check(vec![c.leaf.der[..n].to_vec(), c.inter.der.clone()]).is_err());
    }
    let mut accepted = Vec::new();
    for i in 0..c.leaf.der.len() {
        for x in [0x01u8, 0x80, 0xff] {
            let mut der = c.leaf.der.clone();
            der[i] ^= x;
            if check(vec![der, c.inter.der.clone()]).is_ok() {
                accepted.push((i, x));
            }
        }
    }
    assert!(
        accepted.is_empty(),
        "accepted changes (byte, xor): {accepted:?}"
    );
    // Pseudo-random bytes, with and without a SEQUENCE header.
    let mut state = 0x1234_5678_9abc_def0u64;
    for len in 0..300usize {
        let mut der: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state.to_le_bytes()[0]
            })
            .collect();
        assert!(check(vec![der.clone()]).is_err());
        if len > 2 {
            der[0] = 0x30;
            der[1] = 0x82;
            assert!(check(vec![der]).is_err());
        }
    }
    // Root import is as robust.
    let mut roots = TrustRoots::new();
    for n in 0..c.root.der.len() {
        assert!(roots.add_der(&c.root.der[..n]).is_err());
        assert!(roots.add_pem(&c.root.der[..n]).is_err());
    }
}

// ---------------------------------------------------------------- providers

#[test]
fn basic_provider_accepts_basic_only() {
    let p = BasicIdentityProvider;
    let id = p.validate(S1, &basic(b"alice"), &[], NOW).unwrap();
    assert_eq!(
        id,
        Identity {
            credential_type: CREDENTIAL_BASIC,
            name: "alice".into(),
            bytes: b"alice".to_vec()
        }
    );
    let id = p
        .validate(S1, &basic(&[0xff, 0x00, 0x41]), &[], NOW)
        .unwrap();
    assert_eq!(id.name, "ff0041");
    let id = p.validate(S1, &basic(b"line\nbreak"), &[], NOW).unwrap();
    assert_eq!(id.name, hex::encode(b"line\nbreak"));
    assert_eq!(
        p.validate(S1, &basic(b""), &[], NOW).unwrap().name,
        "(empty identity)"
    );

    let c = chain(Kind::Ed25519);
    let e = p
        .validate(S1, &c.credential(), &c.leaf.key.public(), NOW)
        .unwrap_err();
    assert_eq!(e, CredentialError::CredentialTypeNotAllowed(2));
    assert_eq!(
        err_text(&e),
        "credential type 2 (x509) is not accepted by this identity provider"
    );
    let other = Credential::Other {
        credential_type: 0xf000,
        data: VlBytes(vec![1]),
    };
    let e = p.validate(S1, &other, &[], NOW).unwrap_err();
    assert_eq!(
        err_text(&e),
        "credential type 61440 (unknown) is not accepted by this identity provider"
    );
}

#[test]
fn basic_provider_successor() {
    let p = BasicIdentityProvider;
    p.valid_successor(&basic(b"alice"), &basic(b"alice"))
        .unwrap();
    let e = p
        .valid_successor(&basic(b"alice"), &basic(b"mallory"))
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::IdentityChanged {
            old: "alice".into(),
            new: "mallory".into()
        }
    );
    assert_eq!(
        err_text(&e),
        "the new credential names \"mallory\" but the old one \"alice\": not the same identity"
    );
    let c = chain(Kind::Ed25519);
    let e = p
        .valid_successor(&basic(b"alice"), &c.credential())
        .unwrap_err();
    assert_eq!(e, CredentialError::CredentialTypeChanged { old: 1, new: 2 });
    assert_eq!(
        err_text(&e),
        "a member cannot change credential type: the old credential is basic (1), the new one \
         x509 (2)"
    );
}

#[test]
fn x509_provider_basic_policy() {
    let mut p = X509IdentityProvider::default();
    let e = p.validate(S1, &basic(b"alice"), &[], NOW).unwrap_err();
    assert_eq!(e, CredentialError::CredentialTypeNotAllowed(1));
    assert_eq!(
        err_text(&e),
        "credential type 1 (basic) is not accepted by this identity provider"
    );
    p.allow_basic = true;
    assert_eq!(
        p.validate(S1, &basic(b"alice"), &[], NOW).unwrap().name,
        "alice"
    );
    p.valid_successor(&basic(b"alice"), &basic(b"alice"))
        .unwrap();
}

#[test]
fn x509_provider_successor() {
    let c = chain(Kind::P256);
    let p = c.provider();
    // Renewed leaf: same subject, new key and validity.
    let mut spec = certgen::leaf(LEAF_DN);
    spec.not_before = 1_740_000_000;
    let renewed = issue(&spec, TestKey::new(Kind::P256, "leaf-2025"), Some(&c.inter));
    let new = x509(&[&renewed, &c.inter]);
    p.validate(S2, &new, &renewed.key.public(), NOW).unwrap();
    p.valid_successor(&c.credential(), &new).unwrap();

    let bob = issue(
        &certgen::leaf("CN=bob@example.com,O=MLS Inspector Tests"),
        TestKey::new(Kind::P256, "bob"),
        Some(&c.inter),
    );
    let e = p
        .valid_successor(&c.credential(), &x509(&[&bob, &c.inter]))
        .unwrap_err();
    assert_eq!(
        e,
        CredentialError::IdentityChanged {
            old: "alice@example.com".into(),
            new: "bob@example.com".into()
        }
    );
    let e = p
        .valid_successor(&c.credential(), &basic(b"alice"))
        .unwrap_err();
    assert_eq!(e, CredentialError::CredentialTypeChanged { old: 2, new: 1 });
    let e = p.valid_successor(&c.credential(), &x509(&[])).unwrap_err();
    assert_eq!(e, CredentialError::EmptyChain);
    let e = p
        .valid_successor(&c.credential(), &x509_ders(&[b"junk".to_vec()]))
        .unwrap_err();
    assert!(matches!(e, CredentialError::Malformed { .. }), "{e:?}");
}

#[test]
fn providers_are_object_safe() {
    let providers: Vec<Box<dyn IdentityProvider>> = vec![
        Box::new(BasicIdentityProvider),
        Box::new(X509IdentityProvider {
            roots: TrustRoots::new(),
            allow_basic: true,
        }),
    ];
    for p in &providers {
        p.validate(S2, &basic(b"x"), &[], NOW).unwrap();
    }
}

#[test]
fn time_formatting() {
    assert_eq!(fmt_time(0), "1970-01-01 00:00:00 UTC");
    assert_eq!(fmt_time(951_782_400), "2000-02-29 00:00:00 UTC");
    assert_eq!(fmt_time(-1), "1969-12-31 23:59:59 UTC");
    assert_eq!(fmt_time(253_402_300_799), "9999-12-31 23:59:59 UTC");
    assert_eq!(fmt_time(i64::MAX), format!("{} s since 1970", i64::MAX));
    assert_eq!(fmt_now(u64::MAX), format!("{} s since 1970", i64::MAX));
}

// ------------------------------------------------------- in a group

/// The MLS signature key of a test certificate key.
fn signature_private(key: &TestKey) -> crate::crypto::SignaturePrivateKey {
    let bytes = key.0.private_bytes().to_vec();
    crate::crypto::SignaturePrivateKey::new(crate::crypto::Secret::new(bytes))
}

#[test]
fn a_group_with_x509_members_checks_every_credential() {
    use std::collections::BTreeMap;

    use crate::codec::{Decode, Encode};
    use crate::crypto::RustCrypto;
    use crate::framing::{MlsMessage, MlsMessageBody};
    use crate::group::{Group, GroupError, KeyPackageBundle};
    use crate::messages::Proposal;
    use crate::policy::Policy;

    let p = RustCrypto;
    for (cs, kind) in [
        (
            CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
            Kind::Ed25519,
        ),
        (CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256, Kind::P256),
    ] {
        let root = issue(
            &certgen::ca(ROOT_DN),
            TestKey::new(kind, "group root"),
            None,
        );
        let inter = issue(
            &certgen::ca(INTER_DN),
            TestKey::new(kind, "group inter"),
            Some(&root),
        );
        let member = |name: &str, issuer: &Issued| {
            let leaf = issue(
                &certgen::leaf(&format!("CN={name}")),
                TestKey::new(kind, name),
                Some(issuer),
            );
            let sk = signature_private(&leaf.key);
            let credential = x509(&[&leaf, issuer]);
            KeyPackageBundle::generate(&p, cs, credential, sk, 3600, Vec::new()).unwrap()
        };
        let mut roots = TrustRoots::default();
        roots.add_der(&root.der).unwrap();
        let policy = Policy {
            trust_roots: Some(roots),
            required_credential_type: Some(CREDENTIAL_X509),
            accept_external_commits: true,
            ..Policy::recommended()
        };
        let config = policy.group_config();

        let alice_kp = member("alice", &inter);
        let bob_kp = member("bob", &inter);
        let mut alice = Group::create(
            &p,
            &alice_kp,
            b"x509 group".to_vec(),
            Vec::new(),
            config.clone(),
        )
        .unwrap();
        let out = alice
            .commit(
                &p,
                vec![Proposal::Add {
                    key_package: bob_kp.key_package.clone(),
                }],
                false,
            )
            .unwrap();
        alice.merge(out.staged).unwrap();
        let welcome = MlsMessage::decode_exact(&out.welcome.unwrap().to_bytes().unwrap()).unwrap();
        let MlsMessageBody::Welcome(w) = welcome.body else {
            panic!()
        };
        let bob = Group::join(&p, &w, &bob_kp, None, BTreeMap::new(), config.clone()).unwrap();
        assert_eq!(
            alice.epoch_authenticator(),
            bob.epoch_authenticator(),
            "{cs}"
        );

        // A certificate from a root the group does not trust.
        let stranger_root = issue(
            &certgen::ca("CN=Other Root"),
            TestKey::new(kind, "other root"),
            None,
        );
        let mallory = member("mallory", &stranger_root);
        let err = alice
            .commit(
                &p,
                vec![Proposal::Add {
                    key_package: mallory.key_package,
                }],
                false,
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Credential(CredentialError::UnknownIssuer { .. })
            ),
            "{cs}: {err}"
        );

        // A basic credential where the policy requires X.509.
        let (sk, _) = crate::crypto::CryptoProvider::signature_key_pair(&p, cs).unwrap();
        let basic = KeyPackageBundle::generate(
            &p,
            cs,
            Credential::Basic {
                identity: VlBytes(b"carol".to_vec()),
            },
            sk,
            3600,
            Vec::new(),
        )
        .unwrap();
        let err = alice
            .commit(
                &p,
                vec![Proposal::Add {
                    key_package: basic.key_package,
                }],
                false,
            )
            .unwrap_err();
        assert!(
            matches!(
                err,
                GroupError::Credential(CredentialError::CredentialTypeNotAllowed(1))
            ),
            "{cs}: {err}"
        );
        // The same Welcome under a policy without these roots is refused.
        let err =
            Group::join(&p, &w, &bob_kp, None, BTreeMap::new(), Default::default()).unwrap_err();
        assert!(
            matches!(
                &err,
                GroupError::Join(crate::group::JoinError::Credential { .. })
            ),
            "{cs}: {err}"
        );
    }
}
