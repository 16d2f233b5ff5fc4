#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Credential tests: time.

use super::*;

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
