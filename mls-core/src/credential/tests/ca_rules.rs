#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Credential tests: CA rules.

use super::*;

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
