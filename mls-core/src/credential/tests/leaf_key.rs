#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Credential tests: leaf key.

use super::*;

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
