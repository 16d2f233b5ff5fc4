//! Malformed signature public keys are reported as such
//! ([`CryptoError::MalformedSignatureKey`]), not as a signature that does
//! not verify.

use super::P;
use crate::crypto::{CipherSuite, CryptoError, CryptoProvider as _, SignaturePublicKey};

/// The compressed SEC1 form of an uncompressed point `04 || x || y`.
fn compress(uncompressed: &[u8]) -> Vec<u8> {
    let n = (uncompressed.len() - 1) / 2;
    let mut out = vec![0x02 | (uncompressed.last().unwrap() & 1)];
    out.extend_from_slice(&uncompressed[1..=n]);
    out
}

fn malformed(res: Result<(), CryptoError>) -> (&'static str, String) {
    match res {
        Err(CryptoError::MalformedSignatureKey { scheme, why, .. }) => (scheme, why),
        other => panic!("expected MalformedSignatureKey, got {other:?}"),
    }
}

#[test]
fn a_compressed_ecdsa_key_is_malformed_not_a_bad_signature() {
    for (cs, scheme) in [
        (CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256, "P-256"),
        (CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384, "P-384"),
        (CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521, "P-521"),
    ] {
        let (sk, pk) = P.signature_key_pair(cs).unwrap();
        let sig = P.sign(cs, &sk, b"message").unwrap();
        // The uncompressed key verifies: the signature itself is good.
        P.verify(cs, &pk, b"message", &sig).unwrap();
        let compressed = SignaturePublicKey(compress(&pk.0));
        let (got, why) = malformed(P.verify(cs, &compressed, b"message", &sig));
        assert_eq!(got, scheme, "{cs}");
        assert!(why.contains("compressed"), "{cs}: {why}");
        // A truncated key says its length.
        let short = SignaturePublicKey(pk.0[..pk.0.len() - 1].to_vec());
        let (got, why) = malformed(P.verify(cs, &short, b"message", &sig));
        assert_eq!(got, scheme, "{cs}");
        assert!(why.contains(&(pk.0.len() - 1).to_string()), "{cs}: {why}");
    }
}

#[test]
fn the_p256_message_names_the_rule_and_the_compression() {
    let cs = CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256;
    let (sk, pk) = P.signature_key_pair(cs).unwrap();
    let sig = P.sign(cs, &sk, b"m").unwrap();
    let err = P
        .verify(cs, &SignaturePublicKey(compress(&pk.0)), b"m", &sig)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "a P-256 signature key must be an uncompressed SEC1 point (RFC 9420 §5.1.1); this one is compressed"
    );
}

#[test]
fn a_wrong_length_eddsa_key_is_malformed_not_a_bad_signature() {
    for (cs, scheme) in [
        (
            CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
            "Ed25519",
        ),
        (CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448, "Ed448"),
    ] {
        let (sk, pk) = P.signature_key_pair(cs).unwrap();
        let sig = P.sign(cs, &sk, b"message").unwrap();
        P.verify(cs, &pk, b"message", &sig).unwrap();
        for key in [pk.0[1..].to_vec(), [pk.0.clone(), vec![0]].concat()] {
            let (got, why) =
                malformed(P.verify(cs, &SignaturePublicKey(key.clone()), b"message", &sig));
            assert_eq!(got, scheme, "{cs}");
            assert!(why.contains(&key.len().to_string()), "{cs}: {why}");
        }
    }
}

#[test]
fn a_right_length_key_for_another_signer_still_fails_as_verification() {
    for cs in CipherSuite::ALL {
        let (sk, _) = P.signature_key_pair(cs).unwrap();
        let (_, other) = P.signature_key_pair(cs).unwrap();
        let sig = P.sign(cs, &sk, b"message").unwrap();
        assert_eq!(
            P.verify(cs, &other, b"message", &sig),
            Err(CryptoError::SignatureVerification),
            "{cs}"
        );
    }
}
