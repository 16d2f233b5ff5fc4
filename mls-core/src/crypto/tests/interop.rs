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
        let ikm: Vec<u8> = (0..(usize::from(i) % 70))
            .map(|j| u8::try_from(j).unwrap() ^ i)
            .collect();
        let (their_sk, their_pk) = M::derive_keypair(&ikm);
        let (sk, pk) = P.hpke_derive_key_pair(cs, &ikm).unwrap();
        assert_eq!(pk.0, their_pk.to_bytes().to_vec(), "{cs} ikm #{i}");
        // The `hpke` crate stores X25519 keys clamped; we keep the raw
        // DeriveKeyPair output, as RFC 9180's own vectors (skRm) and the MLS
        // vectors do. Both act identically, since the DH clamps.
        let mut ours = sk.0.as_bytes().to_vec();
        if cs.kem_id() == 0x20 {
            ours[0] &= 248;
            ours[31] = (ours[31] & 127) | 64;
        }
        assert_eq!(ours, their_sk.to_bytes().as_slice(), "{cs} ikm #{i}");
    }

    let (their_sk, their_pk) = M::derive_keypair(b"recipient");
    let (sk, pk) = P.hpke_derive_key_pair(cs, b"recipient").unwrap();

    // Theirs seals, we open.
    let (enc, ct) =
        hpke::single_shot_seal::<A, K, M>(&OpModeS::Base, &their_pk, b"info", b"plaintext", b"aad")
            .unwrap();
    let ct = HpkeCiphertext {
        kem_output: enc.to_bytes().to_vec(),
        ciphertext: ct,
    };
    assert_eq!(
        P.hpke_open(cs, &sk, b"info", b"aad", &ct).unwrap(),
        b"plaintext",
        "{cs}"
    );

    // We seal, they open.
    let ct = P.hpke_seal(cs, &pk, b"info", b"aad", b"plaintext").unwrap();
    let enc = M::EncappedKey::from_bytes(&ct.kem_output).unwrap();
    let pt = hpke::single_shot_open::<A, K, M>(
        &OpModeR::Base,
        &their_sk,
        &enc,
        b"info",
        &ct.ciphertext,
        b"aad",
    )
    .unwrap();
    assert_eq!(pt, b"plaintext", "{cs}");
}

/// RFC 9180 Appendix A.1.1 (DHKEM(X25519, HKDF-SHA256), HKDF-SHA256,
/// AES-128-GCM) and A.3.1 (DHKEM(P-256, HKDF-SHA256), ...), base mode,
/// sequence number 0.
#[test]
fn rfc9180_base_mode_known_answers() {
    struct Kat {
        cs: CipherSuite,
        ikm_e: &'static str,
        pk_em: &'static str,
        ikm_r: &'static str,
        pk_rm: &'static str,
        sk_rm: &'static str,
        ct0: &'static str,
    }
    let kats = [
        Kat {
            cs: CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
            ikm_e: "7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234",
            pk_em: "37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431",
            ikm_r: "6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037",
            pk_rm: "3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d",
            sk_rm: "4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8",
            ct0: "f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a",
        },
        Kat {
            cs: CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256,
            ikm_e: "4270e54ffd08d79d5928020af4686d8f6b7d35dbe470265f1f5aa22816ce860e",
            pk_em: "04a92719c6195d5085104f469a8b9814d5838ff72b60501e2c4466e5e67b325ac98536d7b61a1af4b78e5b7f951c0900be863c403ce65c9bfcb9382657222d18c4",
            ikm_r: "668b37171f1072f3cf12ea8a236a45df23fc13b82af3609ad1e354f6ef817550",
            pk_rm: "04fe8c19ce0905191ebc298a9245792531f26f0cece2460639e8bc39cb7f706a826a779b4cf969b8a0e539c7f62fb3d30ad6aa8f80e30f1d128aafd68a2ce72ea0",
            sk_rm: "f3ce7fdae57e1a310d87f1ebbde6f328be0a99cdbcadf4d6589cf29de4b8ffd2",
            ct0: "5ad590bb8baa577f8619db35a36311226a896e7342a6d836d8b7bcd2f20b6c7f9076ac232e3ab2523f39513434",
        },
    ];
    let info = h("4f6465206f6e2061204772656369616e2055726e");
    let pt = h("4265617574792069732074727574682c20747275746820626561757479");
    let aad = h("436f756e742d30");
    for kat in kats {
        let cs = kat.cs;
        let (sk_r, pk_r) = P.hpke_derive_key_pair(cs, &h(kat.ikm_r)).unwrap();
        assert_eq!(sk_r.0.as_bytes(), h(kat.sk_rm), "{cs} skRm");
        assert_eq!(pk_r.0, h(kat.pk_rm), "{cs} pkRm");
        let ct = P
            .hpke_seal_with_ikm(cs, &pk_r, &info, &aad, &pt, &h(kat.ikm_e))
            .unwrap();
        assert_eq!(ct.kem_output, h(kat.pk_em), "{cs} enc");
        assert_eq!(ct.ciphertext, h(kat.ct0), "{cs} ct");
        assert_eq!(P.hpke_open(cs, &sk_r, &info, &aad, &ct).unwrap(), pt);
    }
}

/// RFC 9180 Appendix A.1.1 exported values (base mode, X25519).
#[test]
fn rfc9180_exporter_known_answers() {
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let info = h("4f6465206f6e2061204772656369616e2055726e");
    let ikm_e = h("7268600d403fce431561aef583ee1613527cff655c1343f29812e66706df3234");
    let (sk_r, pk_r) = P
        .hpke_derive_key_pair(
            cs,
            &h("6db9df30aa07dd42ee5e8181afdb977e538f5e1fec8a06223f33f7013e525037"),
        )
        .unwrap();
    for (context, expected) in [
        (
            "",
            "3853fe2b4035195a573ffc53856e77058e15d9ea064de3e59f4961d0095250ee",
        ),
        (
            "00",
            "2e8f0b54673c7029649d4eb9d5e33bf1872cf76d623ff164ac185da9e88c21a5",
        ),
        (
            "54657374436f6e74657874",
            "e9e43065102c3836401bed8c3c3c75ae46be1639869391d62c61f1ec7af54931",
        ),
    ] {
        let (enc, exported) = P
            .hpke_export_sender_with_ikm(cs, &pk_r, &info, &h(context), 32, &ikm_e)
            .unwrap();
        assert_eq!(
            exported.as_bytes(),
            h(expected),
            "sender, context {context:?}"
        );
        let received = P
            .hpke_export_receiver(cs, &sk_r, &enc, &info, &h(context), 32)
            .unwrap();
        assert_eq!(
            received.as_bytes(),
            h(expected),
            "receiver, context {context:?}"
        );
    }
    // Every suite: sender and receiver export the same secret.
    for cs in CipherSuite::ALL {
        let (sk, pk) = P.hpke_generate_key_pair(cs).unwrap();
        let (enc, a) = P
            .hpke_export_sender(cs, &pk, b"", b"MLS 1.0 external init secret", cs.hash_len())
            .unwrap();
        let b = P
            .hpke_export_receiver(
                cs,
                &sk,
                &enc,
                b"",
                b"MLS 1.0 external init secret",
                cs.hash_len(),
            )
            .unwrap();
        assert_eq!(a, b, "{cs}");
    }
}

#[test]
fn interoperates_with_the_hpke_crate() {
    use CipherSuite::*;
    check::<AesGcm128, HkdfSha256, X25519HkdfSha256>(Mls128Dhkemx25519Aes128gcmSha256Ed25519);
    check::<AesGcm128, HkdfSha256, DhP256HkdfSha256>(Mls128Dhkemp256Aes128gcmSha256P256);
    check::<ChaCha20Poly1305, HkdfSha256, X25519HkdfSha256>(
        Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519,
    );
    check::<AesGcm256, HkdfSha512, DhP521HkdfSha512>(Mls256Dhkemp521Aes256gcmSha512P521);
    check::<AesGcm256, HkdfSha384, DhP384HkdfSha384>(Mls256Dhkemp384Aes256gcmSha384P384);
}
