#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Credential tests: signatures.

use super::*;

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
