//! Cross-checks of our RFC 9180 implementation against the `hpke` crate
//! for the four KEMs it ships: DeriveKeyPair gives the same bytes, and
//! SealBase/OpenBase interoperate in both directions.

use hpke::aead::{AesGcm128, AesGcm256, ChaCha20Poly1305};
use hpke::kdf::{HkdfSha256, HkdfSha384, HkdfSha512};
use hpke::kem::{DhP256HkdfSha256, DhP384HkdfSha384, DhP521HkdfSha512, X25519HkdfSha256};
use hpke::{Deserializable, Kem, OpModeR, OpModeS, Serializable};

use super::*;

fn check<A: hpke::aead::Aead, K: hpke::kdf::Kdf, M: Kem>(cs: CipherSuite) {
    for i in 0u8..64 {
        let ikm: Vec<u8> = (0..(usize::from(i) % 70)).map(|j| (j as u8) ^ i).collect();
        let (their_sk, their_pk) = M::derive_keypair(&ikm);
        let (sk, pk) = P.hpke_derive_key_pair(cs, &ikm).unwrap();
        assert_eq!(pk.0, their_pk.to_bytes().to_vec(), "{cs} ikm #{i}");
        assert_eq!(sk.0.as_bytes(), their_sk.to_bytes().as_slice(), "{cs} ikm #{i}");
    }

    let (their_sk, their_pk) = M::derive_keypair(b"recipient");
    let (sk, pk) = P.hpke_derive_key_pair(cs, b"recipient").unwrap();

    // Theirs seals, we open.
    let (enc, ct) =
        hpke::single_shot_seal::<A, K, M>(&OpModeS::Base, &their_pk, b"info", b"plaintext", b"aad").unwrap();
    let ct = HpkeCiphertext {
        kem_output: enc.to_bytes().to_vec(),
        ciphertext: ct,
    };
    assert_eq!(P.hpke_open(cs, &sk, b"info", b"aad", &ct).unwrap(), b"plaintext", "{cs}");

    // We seal, they open.
    let ct = P.hpke_seal(cs, &pk, b"info", b"aad", b"plaintext").unwrap();
    let enc = M::EncappedKey::from_bytes(&ct.kem_output).unwrap();
    let pt =
        hpke::single_shot_open::<A, K, M>(&OpModeR::Base, &their_sk, &enc, b"info", &ct.ciphertext, b"aad").unwrap();
    assert_eq!(pt, b"plaintext", "{cs}");
}

#[test]
fn interoperates_with_the_hpke_crate() {
    use CipherSuite::*;
    check::<AesGcm128, HkdfSha256, X25519HkdfSha256>(Mls128Dhkemx25519Aes128gcmSha256Ed25519);
    check::<AesGcm128, HkdfSha256, DhP256HkdfSha256>(Mls128Dhkemp256Aes128gcmSha256P256);
    check::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519);
    check::<AesGcm256, HkdfSha512, DhP521HkdfSha512>(Mls256Dhkemp521Aes256gcmSha512P521);
    check::<AesGcm256, HkdfSha384, DhP384HkdfSha384>(Mls256Dhkemp384Aes256gcmSha384P384);
}
