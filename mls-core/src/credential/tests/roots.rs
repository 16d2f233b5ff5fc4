#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Credential tests: roots.

use super::*;

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
