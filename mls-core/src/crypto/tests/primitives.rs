//! Suite metadata and known answers for the primitives (FIPS 180, RFC 4231,
//! RFC 5869, GCM spec test cases, RFC 7748).

use super::*;

#[test]
fn suite_metadata() {
    for (i, cs) in CipherSuite::ALL.into_iter().enumerate() {
        assert_eq!(usize::from(cs.id()), i + 1);
        assert_eq!(CipherSuite::from_u16(cs.id()), Some(cs));
        assert_eq!(CipherSuite::try_from(cs.id()), Ok(cs));
        assert!(cs.name().starts_with("MLS_"));
        assert_eq!(cs.aead_nonce_len(), 12);
    }
    assert_eq!(CipherSuite::from_u16(0), None);
    assert_eq!(CipherSuite::from_u16(8), None);
    assert_eq!(
        CipherSuite::try_from(0xffff),
        Err(CryptoError::UnsupportedCipherSuite(0xffff))
    );

    let c1 = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    assert_eq!(c1.name(), "MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519");
    assert_eq!((c1.kem_id(), c1.kdf_id(), c1.aead_id()), (0x20, 1, 1));
    assert_eq!(
        (c1.hash_len(), c1.aead_key_len(), c1.signature_scheme()),
        (32, 16, 0x0807)
    );
    let c2 = CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256;
    assert_eq!(
        (
            c2.kem_id(),
            c2.kdf_id(),
            c2.aead_id(),
            c2.signature_scheme()
        ),
        (0x10, 1, 1, 0x0403)
    );
    let c3 = CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519;
    assert_eq!(
        (c3.kem_id(), c3.kdf_id(), c3.aead_id(), c3.aead_key_len()),
        (0x20, 1, 3, 32)
    );
    let c4 = CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448;
    assert_eq!(
        (
            c4.kem_id(),
            c4.kdf_id(),
            c4.aead_id(),
            c4.signature_scheme()
        ),
        (0x21, 3, 2, 0x0808)
    );
    assert_eq!(c4.hash_len(), 64);
    let c5 = CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521;
    assert_eq!(
        (
            c5.kem_id(),
            c5.kdf_id(),
            c5.aead_id(),
            c5.signature_scheme()
        ),
        (0x12, 3, 2, 0x0603)
    );
    let c6 = CipherSuite::Mls256Dhkemx448Chacha20poly1305Sha512Ed448;
    assert_eq!((c6.kem_id(), c6.kdf_id(), c6.aead_id()), (0x21, 3, 3));
    assert_eq!(c6.name(), "MLS_256_DHKEMX448_CHACHA20POLY1305_SHA512_Ed448");
    let c7 = CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384;
    assert_eq!(
        (
            c7.kem_id(),
            c7.kdf_id(),
            c7.aead_id(),
            c7.signature_scheme()
        ),
        (0x11, 2, 2, 0x0503)
    );
    assert_eq!(c7.hash_len(), 48);
    assert_eq!(
        c7.to_string(),
        "MLS_256_DHKEMP384_AES256GCM_SHA384_P384 (0x0007)"
    );
}

#[test]
fn secret_is_redacted_and_compares() {
    let s = Secret::new(vec![1, 2, 3]);
    assert_eq!(format!("{s:?}"), "<redacted>");
    assert_eq!(format!("{s}"), "<redacted>");
    assert_eq!(
        format!("{:?}", HpkePrivateKey(s.clone())),
        "HpkePrivateKey(<redacted>)"
    );
    assert_eq!(s, Secret::from(vec![1, 2, 3]));
    assert_ne!(s, Secret::new(vec![1, 2, 4]));
    assert_ne!(s, Secret::new(vec![1, 2]));
    assert_eq!(
        (s.len(), s.is_empty(), s.as_bytes()),
        (3, false, &[1u8, 2, 3][..])
    );
    assert!(Secret::new(Vec::new()).is_empty());
}

#[test]
fn hash_known_answers() {
    let cases = [
        (
            1u16,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            7,
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7",
        ),
        (
            5,
            "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
        ),
    ];
    for (id, want) in cases {
        let cs = CipherSuite::from_u16(id).unwrap();
        assert_eq!(P.hash(cs, b"abc"), h(want));
    }
}

#[test]
fn hmac_rfc4231_case2() {
    let cases = [
        (
            1u16,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        ),
        (
            7,
            "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649",
        ),
        (
            4,
            "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
        ),
    ];
    for (id, want) in cases {
        let cs = CipherSuite::from_u16(id).unwrap();
        assert_eq!(
            P.hmac(cs, b"Jefe", b"what do ya want for nothing?"),
            h(want)
        );
    }
    // Keys longer than the block size are hashed first (RFC 2104).
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let long_key = vec![0xaa; 131];
    assert_eq!(
        P.hmac(
            cs,
            &long_key,
            b"Test Using Larger Than Block-Size Key - Hash Key First"
        ),
        h("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
    );
}

#[test]
fn hkdf_rfc5869_case1() {
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let prk = P.kdf_extract(cs, &h("000102030405060708090a0b0c"), &[0x0b; 22]);
    assert_eq!(
        prk.as_bytes(),
        h("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5")
    );
    let okm = P
        .kdf_expand(cs, prk.as_bytes(), &h("f0f1f2f3f4f5f6f7f8f9"), 42)
        .unwrap();
    assert_eq!(
        okm.as_bytes(),
        h("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    );
    // RFC 5869 test case 3: empty salt and info.
    let prk = P.kdf_extract(cs, &[], &[0x0b; 22]);
    assert_eq!(
        prk.as_bytes(),
        h("19ef24a32c717b167f33a91d6f648bdf96596776afdb6377ac434c1c293ccb04")
    );
}

#[test]
fn kdf_expand_limits() {
    for cs in CipherSuite::ALL {
        let prk = vec![7u8; cs.hash_len()];
        assert!(P.kdf_expand(cs, &prk, b"", 255 * cs.hash_len()).is_ok());
        assert_eq!(
            P.kdf_expand(cs, &prk, b"", 255 * cs.hash_len() + 1),
            Err(CryptoError::OutputTooLong)
        );
        assert!(matches!(
            P.kdf_expand(cs, &prk[1..], b"", 16),
            Err(CryptoError::InvalidLength { .. })
        ));
        assert!(P.kdf_expand(cs, &prk, b"", 0).unwrap().is_empty());
    }
}

#[test]
fn aes_gcm_known_answers() {
    // McGrew & Viega, "The Galois/Counter Mode of Operation", test cases 1 and 2.
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let key = [0u8; 16];
    let nonce = [0u8; 12];
    assert_eq!(
        P.aead_seal(cs, &key, &nonce, &[], &[]).unwrap(),
        h("58e2fccefa7e3061367f1d57a4e7455a")
    );
    let ct = P.aead_seal(cs, &key, &nonce, &[], &[0u8; 16]).unwrap();
    assert_eq!(
        ct,
        h("0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf")
    );
    assert_eq!(
        P.aead_open(cs, &key, &nonce, &[], &ct).unwrap(),
        vec![0u8; 16]
    );
}

#[test]
fn aead_round_trip_and_errors() {
    for cs in CipherSuite::ALL {
        let key = P.random_bytes(cs.aead_key_len()).unwrap();
        let nonce = P.random_bytes(cs.aead_nonce_len()).unwrap();
        let ct = P.aead_seal(cs, &key, &nonce, b"aad", b"hello").unwrap();
        assert_eq!(ct.len(), 5 + 16);
        assert_eq!(
            P.aead_open(cs, &key, &nonce, b"aad", &ct).unwrap(),
            b"hello"
        );
        assert_eq!(
            P.aead_open(cs, &key, &nonce, b"AAD", &ct),
            Err(CryptoError::AeadOpen)
        );
        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert_eq!(
            P.aead_open(cs, &key, &nonce, b"aad", &bad),
            Err(CryptoError::AeadOpen)
        );
        assert_eq!(
            P.aead_open(cs, &key, &nonce, b"aad", &ct[..15]),
            Err(CryptoError::AeadOpen)
        );
        assert_eq!(
            P.aead_open(cs, &key, &nonce, b"aad", &[]),
            Err(CryptoError::AeadOpen)
        );
        assert!(matches!(
            P.aead_seal(cs, &key[1..], &nonce, b"", b""),
            Err(CryptoError::InvalidLength {
                what: "AEAD key",
                ..
            })
        ));
        assert!(matches!(
            P.aead_open(cs, &key, &nonce[1..], b"", &ct),
            Err(CryptoError::InvalidLength {
                what: "AEAD nonce",
                ..
            })
        ));
    }
}

#[test]
fn random_bytes_lengths() {
    assert!(P.random_bytes(0).unwrap().is_empty());
    let a = P.random_bytes(32).unwrap();
    let b = P.random_bytes(32).unwrap();
    assert_eq!(a.len(), 32);
    assert_ne!(a, b);
}

#[test]
fn x25519_x448_public_keys_rfc7748() {
    // RFC 7748 §6.1 and §6.2 (Alice's keys).
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let sk = HpkePrivateKey(Secret::new(h(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
    )));
    assert_eq!(
        P.hpke_public_key(cs, &sk).unwrap().0,
        h("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a")
    );
    let cs = CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448;
    let sk = HpkePrivateKey(Secret::new(h(
        "9a8f4925d1519f5775cf46b04b5800d4ee9ee8bae8bc5565d498c28dd9c9baf574a9419744897391006382a6f127ab1d9ac2d8c0a598726b",
    )));
    assert_eq!(
        P.hpke_public_key(cs, &sk).unwrap().0,
        h(
            "9b08f7cc31b7e3e67d22d5aea121074a273bd2b83de09c63faa73d2c22c5d9bbc836647241d953d40c5b12da88120d53177f80e532c41fa0"
        )
    );
}
