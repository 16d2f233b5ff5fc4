//! The official MLS test vectors (github.com/mlswg/mls-implementations):
//! crypto-basics.json field by field, and the key pairs of treekem.json.

use std::path::PathBuf;

use serde_json::Value;

use super::*;

fn vectors_dir() -> PathBuf {
    std::env::var_os("MLS_TEST_VECTORS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/test-vectors"
            ))
        })
}

fn load(name: &str) -> Option<Vec<Value>> {
    let path = vectors_dir().join(name);
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: test vectors {} not found", path.display());
        return None;
    };
    let value: Value = serde_json::from_str(&text).unwrap();
    Some(value.as_array().unwrap().clone())
}

fn hx(v: &Value) -> Vec<u8> {
    h(v.as_str().unwrap())
}

fn st(v: &Value) -> &[u8] {
    v.as_str().unwrap().as_bytes()
}

fn suite(tc: &Value) -> CipherSuite {
    CipherSuite::from_u16(u16::try_from(tc["cipher_suite"].as_u64().unwrap()).unwrap()).unwrap()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn crypto_basics() {
    let Some(cases) = load("crypto-basics.json") else {
        return;
    };
    let mut seen = Vec::new();
    for tc in &cases {
        let cs = suite(tc);
        seen.push(cs);

        let v = &tc["ref_hash"];
        assert_eq!(
            ref_hash(&P, cs, st(&v["label"]), &hx(&v["value"])).unwrap(),
            hx(&v["out"]),
            "{cs} ref_hash"
        );

        let v = &tc["expand_with_label"];
        let out = expand_with_label(
            &P,
            cs,
            &hx(&v["secret"]),
            st(&v["label"]),
            &hx(&v["context"]),
            u16::try_from(v["length"].as_u64().unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(out.as_bytes(), hx(&v["out"]), "{cs} expand_with_label");

        let v = &tc["derive_secret"];
        let out = derive_secret(&P, cs, &hx(&v["secret"]), st(&v["label"])).unwrap();
        assert_eq!(out.as_bytes(), hx(&v["out"]), "{cs} derive_secret");

        let v = &tc["derive_tree_secret"];
        let out = derive_tree_secret(
            &P,
            cs,
            &hx(&v["secret"]),
            st(&v["label"]),
            u32::try_from(v["generation"].as_u64().unwrap()).unwrap(),
            u16::try_from(v["length"].as_u64().unwrap()).unwrap(),
        )
        .unwrap();
        assert_eq!(out.as_bytes(), hx(&v["out"]), "{cs} derive_tree_secret");

        let v = &tc["sign_with_label"];
        let sk = SignaturePrivateKey::new(Secret::new(hx(&v["priv"])));
        let pk = SignaturePublicKey(hx(&v["pub"]));
        let (label, content, sig) = (st(&v["label"]), hx(&v["content"]), hx(&v["signature"]));
        assert_eq!(
            P.signature_public_key(cs, &sk).unwrap(),
            pk,
            "{cs} signature pub from priv"
        );
        verify_with_label(&P, cs, &pk, label, &content, &sig).unwrap();
        let mut bad = sig.clone();
        bad[4] ^= 1;
        assert!(
            verify_with_label(&P, cs, &pk, label, &content, &bad).is_err(),
            "{cs}"
        );
        let ours = sign_with_label(&P, cs, &sk, label, &content).unwrap();
        verify_with_label(&P, cs, &pk, label, &content, &ours).unwrap();
        if matches!(cs.signature_scheme(), 0x0807 | 0x0808) {
            assert_eq!(ours, sig, "{cs}: EdDSA is deterministic");
        }

        let v = &tc["encrypt_with_label"];
        let sk = HpkePrivateKey(Secret::new(hx(&v["priv"])));
        let pk = HpkePublicKey(hx(&v["pub"]));
        let (label, context, plaintext) = (st(&v["label"]), hx(&v["context"]), hx(&v["plaintext"]));
        assert_eq!(
            P.hpke_public_key(cs, &sk).unwrap(),
            pk,
            "{cs} HPKE pub from priv"
        );
        let ct = HpkeCiphertext {
            kem_output: hx(&v["kem_output"]),
            ciphertext: hx(&v["ciphertext"]),
        };
        assert_eq!(
            decrypt_with_label(&P, cs, &sk, label, &context, &ct).unwrap(),
            plaintext,
            "{cs} decrypt_with_label"
        );
        let ours = encrypt_with_label(&P, cs, &pk, label, &context, &plaintext).unwrap();
        assert_eq!(
            decrypt_with_label(&P, cs, &sk, label, &context, &ours).unwrap(),
            plaintext,
            "{cs}"
        );
    }
    seen.sort();
    seen.dedup();
    assert_eq!(
        seen,
        CipherSuite::ALL.to_vec(),
        "every suite has a crypto-basics vector"
    );
}

/// treekem.json: the public keys of every leaf's private keys, and of the
/// node key pairs derived from every path secret (DeriveSecret(path_secret,
/// "node") then DeriveKeyPair, RFC 9420 §7.4), occur in the ratchet tree or
/// the UpdatePath. This checks DeriveKeyPair for all five KEMs, including
/// P-521's masked rejection sampling and X448.
#[test]
fn treekem_key_pairs() {
    let Some(cases) = load("treekem.json") else {
        return;
    };
    let mut derived = 0usize;
    let mut seen = Vec::new();
    for tc in &cases {
        let cs = suite(tc);
        seen.push(cs);
        let tree = hx(&tc["ratchet_tree"]);
        let node_pk = |path_secret: &[u8]| {
            let node_secret = derive_secret(&P, cs, path_secret, b"node").unwrap();
            let (sk, pk) = P.hpke_derive_key_pair(cs, node_secret.as_bytes()).unwrap();
            assert_eq!(P.hpke_public_key(cs, &sk).unwrap(), pk);
            pk.0
        };
        for leaf in tc["leaves_private"].as_array().unwrap() {
            let enc = HpkePrivateKey(Secret::new(hx(&leaf["encryption_priv"])));
            let pk = P.hpke_public_key(cs, &enc).unwrap();
            assert!(
                contains(&tree, &pk.0),
                "{cs}: leaf encryption key not in tree"
            );
            let sig = SignaturePrivateKey::new(Secret::new(hx(&leaf["signature_priv"])));
            let pk = P.signature_public_key(cs, &sig).unwrap();
            assert!(
                contains(&tree, &pk.0),
                "{cs}: leaf signature key not in tree"
            );
            for ps in leaf["path_secrets"].as_array().unwrap() {
                assert!(
                    contains(&tree, &node_pk(&hx(&ps["path_secret"]))),
                    "{cs}: node {}",
                    ps["node"]
                );
                derived += 1;
            }
        }
        for up in tc["update_paths"].as_array().unwrap() {
            let update_path = hx(&up["update_path"]);
            for ps in up["path_secrets"].as_array().unwrap() {
                if ps.is_null() {
                    continue;
                }
                assert!(
                    contains(&update_path, &node_pk(&hx(ps))),
                    "{cs}: update path node key"
                );
                derived += 1;
            }
        }
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen, CipherSuite::ALL.to_vec());
    eprintln!("treekem: {derived} derived node key pairs matched");
    assert!(derived > 0);
}
