//! Mutation tests: corrupting one value of an official vector makes exactly
//! the check that covers it fail, with an error naming what failed.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use mls_core::codec::{Decode, Encode, VlBytes};
use mls_core::conformance::{FileReport, check_bytes, vectors_dir};
use mls_core::crypto::{CipherSuite, RustCrypto};
use mls_core::framing::{MlsMessage, MlsMessageBody, membership_tag};
use mls_core::messages::{GroupContext, Node, RatchetTree};
use mls_core::tree::Tree;
use serde_json::Value;

fn load(name: &str) -> Option<Value> {
    let path = vectors_dir().join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).unwrap()),
        Err(_) if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!(
                "official test vector {} is missing under CI=true",
                path.display()
            )
        }
        Err(_) => {
            eprintln!(
                "\n!!! SKIPPED: {} not found (set MLS_TEST_VECTORS) !!!\n",
                path.display()
            );
            None
        }
    }
}

/// Runs `cases` (only the first case kept) and returns the single failure text.
fn only_failure(name: &str, case: Value) -> String {
    let report: FileReport = check_bytes(
        name,
        &serde_json::to_vec(&Value::Array(vec![case])).unwrap(),
    );
    assert_eq!(report.failed, 1, "{name}: the mutation was not detected");
    report.failures[0].what.clone()
}

fn flip(bytes: &mut [u8]) {
    let i = bytes.len() / 2;
    bytes[i] ^= 0x40;
}

/// Edits the PublicMessage stored hex-encoded at `case[field]`.
fn edit_public(
    case: &mut Value,
    field: &str,
    edit: impl FnOnce(&mut mls_core::framing::PublicMessage),
) {
    let bytes = hex::decode(case[field].as_str().unwrap()).unwrap();
    let mut message = MlsMessage::decode_exact(&bytes).unwrap();
    let MlsMessageBody::PublicMessage(public) = &mut message.body else {
        panic!("not public")
    };
    edit(public);
    case[field] = hex::encode(message.to_bytes().unwrap()).into();
}

#[test]
fn unmodified_first_cases_pass() {
    for name in [
        "message-protection.json",
        "tree-validation.json",
        "treekem.json",
    ] {
        let Some(cases) = load(name) else { return };
        let report = check_bytes(
            name,
            &serde_json::to_vec(&Value::Array(vec![cases[0].clone()])).unwrap(),
        );
        assert_eq!(report.passed, 1, "{name}: {:?}", report.failures);
    }
}

#[test]
fn flipped_content_signature_is_named() {
    let Some(cases) = load("message-protection.json") else {
        return;
    };
    for field in ["proposal_pub", "commit_pub"] {
        let mut case = cases[1].clone();
        let cs = CipherSuite::from_u16(case["cipher_suite"].as_u64().unwrap() as u16).unwrap();
        let hex_field = |k: &str| hex::decode(case[k].as_str().unwrap()).unwrap();
        let context = GroupContext {
            version: 1,
            cipher_suite: cs.id(),
            group_id: VlBytes(hex_field("group_id")),
            epoch: case["epoch"].as_u64().unwrap(),
            tree_hash: VlBytes(hex_field("tree_hash")),
            confirmed_transcript_hash: VlBytes(hex_field("confirmed_transcript_hash")),
            extensions: Vec::new(),
        }
        .to_bytes()
        .unwrap();
        let membership_key = hex_field("membership_key");
        // Re-tag after the flip (as a member holding the membership key
        // could), so that only the signature check is left to catch it.
        edit_public(&mut case, field, |m| {
            flip(&mut m.auth.signature.0);
            let tag = membership_tag(
                &RustCrypto,
                cs,
                &membership_key,
                &m.authenticated_content(),
                &context,
            )
            .unwrap();
            m.membership_tag = Some(VlBytes(tag));
        });
        let what = only_failure("message-protection.json", case);
        assert!(what.starts_with(field), "{what}");
        assert!(
            what.contains("signature on the framed content does not verify"),
            "{what}"
        );
    }
}

#[test]
fn flipped_membership_tag_is_named() {
    let Some(cases) = load("message-protection.json") else {
        return;
    };
    let mut case = cases[2].clone();
    edit_public(&mut case, "commit_pub", |m| {
        flip(&mut m.membership_tag.as_mut().unwrap().0)
    });
    let what = only_failure("message-protection.json", case);
    assert!(
        what.contains("commit_pub: membership tag does not verify"),
        "{what}"
    );
}

#[test]
fn flipped_private_message_ciphertext_is_named() {
    let Some(cases) = load("message-protection.json") else {
        return;
    };
    let mut case = cases[0].clone();
    let bytes = hex::decode(case["application_priv"].as_str().unwrap()).unwrap();
    let mut message = MlsMessage::decode_exact(&bytes).unwrap();
    let MlsMessageBody::PrivateMessage(private) = &mut message.body else {
        panic!()
    };
    flip(&mut private.ciphertext.0);
    case["application_priv"] = hex::encode(message.to_bytes().unwrap()).into();
    let what = only_failure("message-protection.json", case);
    assert!(
        what.contains("application_priv: content does not decrypt"),
        "{what}"
    );
}

#[test]
fn flipped_tree_hash_is_named() {
    let Some(cases) = load("tree-validation.json") else {
        return;
    };
    let mut case = cases[3].clone();
    let mut hash = hex::decode(case["tree_hashes"][2].as_str().unwrap()).unwrap();
    flip(&mut hash);
    case["tree_hashes"][2] = hex::encode(hash).into();
    let what = only_failure("tree-validation.json", case);
    assert!(what.starts_with("tree hash of node 2: expected"), "{what}");

    let Some(cases) = load("tree-operations.json") else {
        return;
    };
    let mut case = cases[0].clone();
    let mut hash = hex::decode(case["tree_hash_after"].as_str().unwrap()).unwrap();
    flip(&mut hash);
    case["tree_hash_after"] = hex::encode(hash).into();
    let what = only_failure("tree-operations.json", case);
    assert!(what.starts_with("tree_hash_after: expected"), "{what}");
}

#[test]
fn flipped_parent_hash_is_named() {
    let Some(cases) = load("tree-validation.json") else {
        return;
    };
    // A full tree of 4 members: every parent is non-blank.
    let mut case = cases
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            let tree =
                RatchetTree::decode_exact(&hex::decode(c["tree"].as_str().unwrap()).unwrap())
                    .unwrap();
            tree.0.len() == 7 && tree.0.iter().all(Option::is_some)
        })
        .expect("a full 4-leaf tree")
        .clone();
    let cs = CipherSuite::from_u16(case["cipher_suite"].as_u64().unwrap() as u16).unwrap();
    let mut wire =
        RatchetTree::decode_exact(&hex::decode(case["tree"].as_str().unwrap()).unwrap()).unwrap();
    let Some(Node::Parent(parent)) = &mut wire.0[1] else {
        panic!("node 1 is a parent")
    };
    let parent = std::sync::Arc::make_mut(parent);
    flip(&mut parent.parent_hash.0);
    case["tree"] = hex::encode(wire.to_bytes().unwrap()).into();
    // Keep the tree-hash expectations in step with the mutation so that the
    // parent-hash check is the one left to catch it.
    let mut tree = Tree::from_wire(cs, &wire).unwrap();
    let hashes: Vec<Value> = (0..tree.size().nodes())
        .map(|i| hex::encode(tree.tree_hash(&RustCrypto, i).unwrap()).into())
        .collect();
    case["tree_hashes"] = Value::Array(hashes);
    let what = only_failure("tree-validation.json", case);
    assert!(what.starts_with("parent hashes: parent node"), "{what}");
    assert!(what.contains("is not parent-hash valid"), "{what}");
}

#[test]
fn flipped_update_path_key_is_named() {
    let Some(cases) = load("treekem.json") else {
        return;
    };
    let mut case = cases[1].clone();
    let bytes = hex::decode(case["update_paths"][0]["update_path"].as_str().unwrap()).unwrap();
    let mut path = mls_core::messages::UpdatePath::decode_exact(&bytes).unwrap();
    flip(&mut path.nodes[0].encryption_key.0);
    case["update_paths"][0]["update_path"] = hex::encode(path.to_bytes().unwrap()).into();
    let what = only_failure("treekem.json", case);
    assert!(what.contains("update_paths[0]"), "{what}");
    assert!(what.contains("parent_hash does not match"), "{what}");
}
