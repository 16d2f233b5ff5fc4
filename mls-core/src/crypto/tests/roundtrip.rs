//! Fresh keys for every suite: sign/verify, HPKE seal/open, DeriveKeyPair,
//! and malformed inputs (which must give errors, never panics).

use super::*;

#[test]
fn sign_verify_every_suite() {
    for cs in CipherSuite::ALL {
        let (sk, pk) = P.signature_key_pair(cs).unwrap();
        assert_eq!(P.signature_public_key(cs, &sk).unwrap(), pk, "{cs}");
        let msg = b"attack at dawn";
        let sig = P.sign(cs, &sk, msg).unwrap();
        P.verify(cs, &pk, msg, &sig).unwrap();

        for i in [0, sig.len() / 2, sig.len() - 1] {
            let mut bad = sig.clone();
            bad[i] ^= 0x01;
            assert!(
                P.verify(cs, &pk, msg, &bad).is_err(),
                "{cs}: flipped signature byte {i}"
            );
        }
        assert_eq!(
            P.verify(cs, &pk, b"attack at dusk", &sig),
            Err(CryptoError::SignatureVerification),
            "{cs}"
        );
        let (_, other_pk) = P.signature_key_pair(cs).unwrap();
        assert_eq!(
            P.verify(cs, &other_pk, msg, &sig),
            Err(CryptoError::SignatureVerification),
            "{cs}"
        );
        assert!(P.verify(cs, &pk, msg, &[]).is_err(), "{cs}");

        // Labelled: the label is bound into the signature.
        let sig = sign_with_label(&P, cs, &sk, b"LeafNodeTBS", b"content").unwrap();
        verify_with_label(&P, cs, &pk, b"LeafNodeTBS", b"content", &sig).unwrap();
        assert!(verify_with_label(&P, cs, &pk, b"GroupInfoTBS", b"content", &sig).is_err());
    }
}

#[test]
fn eddsa_is_deterministic_ecdsa_is_der() {
    for cs in CipherSuite::ALL {
        let (sk, pk) = P.signature_key_pair(cs).unwrap();
        let a = P.sign(cs, &sk, b"m").unwrap();
        let b = P.sign(cs, &sk, b"m").unwrap();
        match cs.signature_scheme() {
            0x0807 => assert_eq!((a.len(), pk.0.len(), sk.0.len(), &a), (64, 32, 32, &b)),
            0x0808 => assert_eq!((a.len(), pk.0.len(), sk.0.len(), &a), (114, 57, 57, &b)),
            _ => {
                assert_eq!(a[0], 0x30, "{cs}: DER SEQUENCE");
                assert_eq!(pk.0[0], 0x04, "{cs}: uncompressed point");
            }
        }
    }
}

#[test]
fn hpke_round_trip_every_suite() {
    for cs in CipherSuite::ALL {
        let (sk, pk) = P.hpke_generate_key_pair(cs).unwrap();
        assert_eq!(P.hpke_public_key(cs, &sk).unwrap(), pk, "{cs}");
        let ct = P
            .hpke_seal(cs, &pk, b"info", b"aad", b"secret message")
            .unwrap();
        assert_eq!(ct.ciphertext.len(), 14 + 16);
        assert_eq!(
            P.hpke_open(cs, &sk, b"info", b"aad", &ct).unwrap(),
            b"secret message",
            "{cs}"
        );

        // Fresh ephemeral key each time.
        let ct2 = P
            .hpke_seal(cs, &pk, b"info", b"aad", b"secret message")
            .unwrap();
        assert_ne!(ct.kem_output, ct2.kem_output, "{cs}");

        let mut bad = ct.clone();
        bad.ciphertext[0] ^= 1;
        assert_eq!(
            P.hpke_open(cs, &sk, b"info", b"aad", &bad),
            Err(CryptoError::HpkeOpen),
            "{cs}"
        );
        let mut bad = ct.clone();
        *bad.ciphertext.last_mut().unwrap() ^= 0x80;
        assert_eq!(
            P.hpke_open(cs, &sk, b"info", b"aad", &bad),
            Err(CryptoError::HpkeOpen),
            "{cs}"
        );
        let mut bad = ct.clone();
        let last = bad.kem_output.len() - 1;
        bad.kem_output[last] ^= 1;
        assert!(
            P.hpke_open(cs, &sk, b"info", b"aad", &bad).is_err(),
            "{cs}: tampered kem_output"
        );
        let mut bad = ct.clone();
        bad.kem_output.pop();
        assert!(matches!(
            P.hpke_open(cs, &sk, b"info", b"aad", &bad),
            Err(CryptoError::InvalidPublicKey(_))
        ));
        assert_eq!(
            P.hpke_open(cs, &sk, b"INFO", b"aad", &ct),
            Err(CryptoError::HpkeOpen),
            "{cs}"
        );
        assert_eq!(
            P.hpke_open(cs, &sk, b"info", b"", &ct),
            Err(CryptoError::HpkeOpen),
            "{cs}"
        );
        let (other_sk, _) = P.hpke_generate_key_pair(cs).unwrap();
        assert_eq!(
            P.hpke_open(cs, &other_sk, b"info", b"aad", &ct),
            Err(CryptoError::HpkeOpen),
            "{cs}"
        );

        // Labelled.
        let ct =
            encrypt_with_label(&P, cs, &pk, b"UpdatePathNode", b"ctx", b"path secret").unwrap();
        assert_eq!(
            decrypt_with_label(&P, cs, &sk, b"UpdatePathNode", b"ctx", &ct).unwrap(),
            b"path secret"
        );
        assert!(decrypt_with_label(&P, cs, &sk, b"Welcome", b"ctx", &ct).is_err());
        assert!(decrypt_with_label(&P, cs, &sk, b"UpdatePathNode", b"ctx2", &ct).is_err());
    }
}

#[test]
fn hpke_seal_is_deterministic_given_the_ephemeral_ikm() {
    for cs in CipherSuite::ALL {
        let (sk, pk) = P.hpke_derive_key_pair(cs, b"recipient").unwrap();
        let a = P
            .hpke_seal_with_ikm(cs, &pk, b"i", b"a", b"pt", b"ephemeral")
            .unwrap();
        let b = P
            .hpke_seal_with_ikm(cs, &pk, b"i", b"a", b"pt", b"ephemeral")
            .unwrap();
        assert_eq!(a, b);
        let (_, pk_e) = P.hpke_derive_key_pair(cs, b"ephemeral").unwrap();
        assert_eq!(a.kem_output, pk_e.0);
        assert_eq!(P.hpke_open(cs, &sk, b"i", b"a", &a).unwrap(), b"pt");
    }
}

#[test]
fn derive_key_pair_is_deterministic() {
    for cs in CipherSuite::ALL {
        let ikm = vec![0x42; cs.hash_len()];
        let (sk1, pk1) = P.hpke_derive_key_pair(cs, &ikm).unwrap();
        let (sk2, pk2) = P.hpke_derive_key_pair(cs, &ikm).unwrap();
        assert_eq!((&sk1, &pk1), (&sk2, &pk2), "{cs}");
        assert_eq!(P.hpke_public_key(cs, &sk1).unwrap(), pk1, "{cs}");
        let (sk3, pk3) = P.hpke_derive_key_pair(cs, &[0x43; 32]).unwrap();
        assert_ne!(sk1, sk3, "{cs}");
        assert_ne!(pk1, pk3, "{cs}");
        // Any IKM length, including empty, is allowed (RFC 9180 §7.1.3).
        assert!(P.hpke_derive_key_pair(cs, &[]).is_ok(), "{cs}");
        let (n_sk, n_pk) = match cs.kem_id() {
            0x10 => (32, 65),
            0x11 => (48, 97),
            0x12 => (66, 133),
            0x20 => (32, 32),
            _ => (56, 56),
        };
        assert_eq!((sk1.0.len(), pk1.0.len()), (n_sk, n_pk), "{cs}");
    }
}

#[test]
fn p521_short_private_keys_are_padded() {
    let cs = CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521;
    // HPKE: find a derived key with a leading zero byte and strip it.
    let mut found = 0;
    for i in 0u8..=255 {
        let (sk, pk) = P.hpke_derive_key_pair(cs, &[i]).unwrap();
        assert_eq!(sk.0.len(), 66, "always written as 66 bytes");
        assert!(sk.0.as_bytes()[0] <= 1, "P-521 top byte has one bit");
        if sk.0.as_bytes()[0] != 0 {
            continue;
        }
        let short = HpkePrivateKey(Secret::new(sk.0.as_bytes()[1..].to_vec()));
        assert_eq!(P.hpke_public_key(cs, &short).unwrap(), pk);
        let ct = P.hpke_seal(cs, &pk, b"", b"", b"x").unwrap();
        assert_eq!(P.hpke_open(cs, &short, b"", b"", &ct).unwrap(), b"x");
        found += 1;
        if found == 3 {
            break;
        }
    }
    assert_eq!(found, 3);

    // Signature keys likewise.
    let mut found = 0;
    for _ in 0..200 {
        let (sk, pk) = P.signature_key_pair(cs).unwrap();
        assert_eq!(sk.0.len(), 66);
        if sk.0.as_bytes()[0] != 0 {
            continue;
        }
        let short = SignaturePrivateKey::new(Secret::new(sk.0.as_bytes()[1..].to_vec()));
        assert_eq!(P.signature_public_key(cs, &short).unwrap(), pk);
        let sig = P.sign(cs, &short, b"m").unwrap();
        P.verify(cs, &pk, b"m", &sig).unwrap();
        found += 1;
        if found == 3 {
            break;
        }
    }
    assert_eq!(found, 3);

    let too_short = SignaturePrivateKey::new(Secret::new(vec![1; 63]));
    assert!(matches!(
        P.signature_public_key(cs, &too_short),
        Err(CryptoError::InvalidPrivateKey(_))
    ));
    let too_short = HpkePrivateKey(Secret::new(vec![1; 63]));
    assert!(matches!(
        P.hpke_public_key(cs, &too_short),
        Err(CryptoError::InvalidPrivateKey(_))
    ));
    // Short keys are only accepted for P-521.
    let p256 = CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256;
    let short = HpkePrivateKey(Secret::new(vec![1; 31]));
    assert!(matches!(
        P.hpke_public_key(p256, &short),
        Err(CryptoError::InvalidPrivateKey(_))
    ));
}

#[test]
fn small_order_and_zero_dh_outputs_are_rejected() {
    // u = 0 and u = 1 are low-order points on both Montgomery curves: the
    // DH output is all zero and must be rejected (RFC 9180 §7.1.4).
    for cs in [
        CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
        CipherSuite::Mls256Dhkemx448Aes256gcmSha512Ed448,
    ] {
        let n = if cs.kem_id() == 0x20 { 32 } else { 56 };
        for first in [0u8, 1] {
            let mut pk = vec![0u8; n];
            pk[0] = first;
            let res = P.hpke_seal(cs, &HpkePublicKey(pk.clone()), b"", b"", b"x");
            assert_eq!(res, Err(CryptoError::ZeroSharedSecret), "{cs} u={first}");
            let (sk, _) = P.hpke_generate_key_pair(cs).unwrap();
            let ct = HpkeCiphertext {
                kem_output: pk,
                ciphertext: vec![0; 17],
            };
            assert_eq!(
                P.hpke_open(cs, &sk, b"", b"", &ct),
                Err(CryptoError::ZeroSharedSecret),
                "{cs}"
            );
        }
    }
}

#[test]
fn nist_public_keys_must_be_uncompressed_points_on_the_curve() {
    for cs in [
        CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256,
        CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384,
        CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521,
    ] {
        let (_, pk) = P.hpke_generate_key_pair(cs).unwrap();
        let n = (pk.0.len() - 1) / 2;
        // Compressed form of the same point.
        let mut compressed = vec![0x02 | (pk.0.last().unwrap() & 1)];
        compressed.extend_from_slice(&pk.0[1..=n]);
        let res = P.hpke_seal(cs, &HpkePublicKey(compressed), b"", b"", b"x");
        assert!(matches!(res, Err(CryptoError::InvalidPublicKey(_))), "{cs}");
        // Off the curve.
        let mut off = pk.0.clone();
        *off.last_mut().unwrap() ^= 1;
        let res = P.hpke_seal(cs, &HpkePublicKey(off.clone()), b"", b"", b"x");
        assert!(matches!(res, Err(CryptoError::InvalidPublicKey(_))), "{cs}");
        // The identity / garbage.
        let res = P.hpke_seal(cs, &HpkePublicKey(vec![0]), b"", b"", b"x");
        assert!(matches!(res, Err(CryptoError::InvalidPublicKey(_))), "{cs}");

        let (sk, spk) = P.signature_key_pair(cs).unwrap();
        let sig = P.sign(cs, &sk, b"m").unwrap();
        let mut off = spk.0.clone();
        *off.last_mut().unwrap() ^= 1;
        assert!(matches!(
            P.verify(cs, &SignaturePublicKey(off), b"m", &sig),
            Err(CryptoError::MalformedSignatureKey { .. })
        ));
        assert_eq!(
            P.verify(cs, &spk, b"m", &sig[..sig.len() - 1]),
            Err(CryptoError::MalformedSignature)
        );
        // Zero and out-of-range scalars are not private keys.
        let zero = HpkePrivateKey(Secret::new(vec![0; n]));
        assert!(matches!(
            P.hpke_public_key(cs, &zero),
            Err(CryptoError::InvalidPrivateKey(_))
        ));
        let big = SignaturePrivateKey::new(Secret::new(vec![0xff; n]));
        assert!(matches!(
            P.signature_public_key(cs, &big),
            Err(CryptoError::InvalidPrivateKey(_))
        ));
    }
}

/// Junk at and around every length the suites use, in every key, signature
/// and ciphertext slot: results may be errors, but nothing may panic.
const JUNK_LENGTHS: [usize; 36] = [
    0, 1, 2, 8, 15, 16, 17, 31, 32, 33, 47, 48, 49, 55, 56, 57, 58, 63, 64, 65, 66, 67, 70, 71, 72,
    96, 97, 98, 103, 113, 114, 115, 132, 133, 134, 139,
];

#[test]
fn junk_inputs_never_panic() {
    let patterns: [fn(usize) -> u8; 4] = [
        |_| 0x00,
        |_| 0xff,
        |i| u8::try_from(i % 256).unwrap(),
        |i| u8::try_from(i % 256).unwrap().wrapping_mul(37) ^ 0x5a,
    ];
    for cs in CipherSuite::ALL {
        let (hsk, hpk) = P.hpke_generate_key_pair(cs).unwrap();
        let (ssk, spk) = P.signature_key_pair(cs).unwrap();
        let good_ct = P.hpke_seal(cs, &hpk, b"", b"", b"pt").unwrap();
        for pat in patterns {
            for len in JUNK_LENGTHS {
                let junk: Vec<u8> = (0..len).map(pat).collect();
                let _ = P.hpke_public_key(cs, &HpkePrivateKey(Secret::new(junk.clone())));
                let _ = P
                    .signature_public_key(cs, &SignaturePrivateKey::new(Secret::new(junk.clone())));
                let _ = P.sign(
                    cs,
                    &SignaturePrivateKey::new(Secret::new(junk.clone())),
                    b"m",
                );
                let _ = P.hpke_seal(cs, &HpkePublicKey(junk.clone()), b"", b"", b"pt");
                assert!(
                    P.verify(cs, &SignaturePublicKey(junk.clone()), b"m", &junk)
                        .is_err()
                );
                assert!(P.verify(cs, &spk, b"m", &junk).is_err());
                let ct = HpkeCiphertext {
                    kem_output: junk.clone(),
                    ciphertext: good_ct.ciphertext.clone(),
                };
                assert!(P.hpke_open(cs, &hsk, b"", b"", &ct).is_err());
                let ct = HpkeCiphertext {
                    kem_output: good_ct.kem_output.clone(),
                    ciphertext: junk.clone(),
                };
                assert!(P.hpke_open(cs, &hsk, b"", b"", &ct).is_err());
                let _ = P.hpke_open(
                    cs,
                    &HpkePrivateKey(Secret::new(junk.clone())),
                    b"",
                    b"",
                    &good_ct,
                );
                let _ = P.aead_open(cs, &junk, &junk, b"", &junk);
                let _ = P.kdf_expand(cs, &junk, &junk, len);
            }
        }
        let _ = ssk;
    }
}

#[test]
fn labelled_derivations() {
    for cs in CipherSuite::ALL {
        let secret = vec![1u8; cs.hash_len()];
        let d = derive_secret(&P, cs, &secret, b"epoch").unwrap();
        assert_eq!(d.len(), cs.hash_len());
        assert_eq!(
            d,
            expand_with_label(
                &P,
                cs,
                &secret,
                b"epoch",
                b"",
                u16::try_from(cs.hash_len()).unwrap()
            )
            .unwrap()
        );
        let t = derive_tree_secret(&P, cs, &secret, b"key", 7, 16).unwrap();
        assert_eq!(
            t,
            expand_with_label(&P, cs, &secret, b"key", &7u32.to_be_bytes(), 16).unwrap()
        );
        assert_ne!(
            t,
            derive_tree_secret(&P, cs, &secret, b"key", 8, 16).unwrap()
        );
        assert_eq!(
            make_key_package_ref(&P, cs, b"kp").unwrap(),
            ref_hash(&P, cs, b"MLS 1.0 KeyPackage Reference", b"kp").unwrap()
        );
        assert_eq!(
            make_proposal_ref(&P, cs, b"ac").unwrap(),
            ref_hash(&P, cs, b"MLS 1.0 Proposal Reference", b"ac").unwrap()
        );
        assert_eq!(
            make_proposal_ref(&P, cs, b"ac").unwrap().len(),
            cs.hash_len()
        );
    }
    // The KDFLabel encoding by hand: uint16 length, label<V>, context<V>.
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let secret = [9u8; 32];
    let mut info = vec![0x00, 0x10, 11];
    info.extend_from_slice(b"MLS 1.0 abc");
    info.extend_from_slice(&[2, 0xaa, 0xbb]);
    assert_eq!(
        expand_with_label(&P, cs, &secret, b"abc", &[0xaa, 0xbb], 16).unwrap(),
        P.kdf_expand(cs, &secret, &info, 16).unwrap()
    );
}
