//! Interop details: joining by external commit with an out-of-band
//! ratchet tree, a malformed `external_pub`, and signatures that cannot be
//! checked because the signer's key is malformed.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use crate::crypto::{CipherSuite, CryptoError, CryptoProvider, RustCrypto};
use crate::messages::{EXT_EXTERNAL_PUB, GroupInfo, Node, RatchetTree};
use crate::test_utils::groups::{apply, credential, group_info, member, pair};

const P: RustCrypto = RustCrypto;

/// Alice's GroupInfo with its extensions changed by `edit`, signed again
/// by Alice.
fn edited_info(alice: &Group, edit: impl FnOnce(&mut GroupInfo)) -> GroupInfo {
    let mut info = group_info(&alice.export_group_info(&P).unwrap());
    edit(&mut info);
    sign_group_info(&P, alice.cipher_suite(), &mut info, &alice.signer).unwrap();
    info
}

fn join(info: &GroupInfo, tree: Option<&RatchetTree>) -> Result<Group, GroupError> {
    let cs = CipherSuite::from_u16(info.group_context.cipher_suite).unwrap();
    let (sk, _) = P.signature_key_pair(cs).unwrap();
    Group::join_external(
        &P,
        info,
        tree,
        sk,
        credential("carol"),
        None,
        GroupConfig::default(),
    )
    .map(|(g, _)| g)
}

#[test]
fn a_malformed_external_pub_is_reported_as_malformed_not_absent() {
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let (alice, _) = pair(cs, b"g");
    // The GroupInfo as made joins.
    join(&group_info(&alice.export_group_info(&P).unwrap()), None).unwrap();
    // Its external_pub data cut short: malformed, with the decode error.
    let info = edited_info(&alice, |info| {
        let ext = info
            .extensions
            .iter_mut()
            .find(|e| e.extension_type == EXT_EXTERNAL_PUB)
            .unwrap();
        ext.extension_data.0.truncate(5);
    });
    match join(&info, None).unwrap_err() {
        GroupError::Join(JoinError::MalformedExternalPub { error }) => {
            assert!(!error.to_string().is_empty());
        }
        other => panic!("expected MalformedExternalPub, got {other:?}"),
    }
    // Without the extension: absent.
    let info = edited_info(&alice, |info| {
        info.extensions
            .retain(|e| e.extension_type != EXT_EXTERNAL_PUB);
    });
    assert!(matches!(
        join(&info, None).unwrap_err(),
        GroupError::Join(JoinError::NoExternalPub)
    ));
}

#[test]
fn an_external_join_takes_the_tree_out_of_band_and_checks_its_hash() {
    for cs in [
        CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
        CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256,
    ] {
        let (mut alice, mut bob) = pair(cs, b"g");
        let old_tree = alice.tree().to_wire();
        // Bob updates: the tree changes, Alice's leaf does not.
        let out = bob.commit(&P, Vec::new(), true).unwrap();
        bob.merge(out.staged).unwrap();
        apply(&mut alice, &out.commit);
        let mut config = alice.config().clone();
        config.ratchet_tree_extension = false;
        alice.set_config(config);
        let info = group_info(&alice.export_group_info(&P).unwrap());
        assert!(matches!(
            join(&info, None).unwrap_err(),
            GroupError::Join(JoinError::NoRatchetTree)
        ));
        assert!(matches!(
            join(&info, Some(&old_tree)).unwrap_err(),
            GroupError::Join(JoinError::TreeHashMismatch)
        ));
        let carol = join(&info, Some(&alice.tree().to_wire())).unwrap();
        assert_eq!(carol.epoch(), alice.epoch() + 1);
    }
}

#[test]
fn a_key_package_with_a_malformed_signature_key_says_so() {
    let provider = crate::credential::BasicIdentityProvider;
    // P-256: the same key, compressed.
    let cs = CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256;
    let mut kp = member(cs, "bob").key_package;
    validate_key_package(&P, cs, &kp, None, &provider).unwrap();
    let key = kp.leaf_node.signature_key.0.clone();
    let mut compressed = vec![0x02 | (key.last().unwrap() & 1)];
    compressed.extend_from_slice(&key[1..33]);
    kp.leaf_node.signature_key.0 = compressed;
    match validate_key_package(&P, cs, &kp, None, &provider).unwrap_err() {
        GroupError::InvalidKeyPackage(KeyPackageError::SignatureKey(
            CryptoError::MalformedSignatureKey { scheme, .. },
        )) => assert_eq!(scheme, "P-256"),
        other => panic!("expected SignatureKey, got {other:?}"),
    }
    // Ed25519: a 31-byte key.
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let mut kp = member(cs, "bob").key_package;
    kp.leaf_node.signature_key.0.pop();
    match validate_key_package(&P, cs, &kp, None, &provider).unwrap_err() {
        GroupError::InvalidKeyPackage(KeyPackageError::SignatureKey(
            CryptoError::MalformedSignatureKey { scheme, .. },
        )) => assert_eq!(scheme, "Ed25519"),
        other => panic!("expected SignatureKey, got {other:?}"),
    }
    // A well-formed key of someone else: a signature that does not verify.
    let mut kp = member(cs, "bob").key_package;
    kp.leaf_node.signature_key = member(cs, "eve").key_package.leaf_node.signature_key;
    assert!(matches!(
        validate_key_package(&P, cs, &kp, None, &provider).unwrap_err(),
        GroupError::InvalidKeyPackage(KeyPackageError::BadSignature)
    ));
}

#[test]
fn a_group_info_whose_signer_key_is_malformed_says_so() {
    let cs = CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256;
    let (mut alice, _) = pair(cs, b"g");
    let mut config = alice.config().clone();
    config.ratchet_tree_extension = false;
    alice.set_config(config);
    let info = group_info(&alice.export_group_info(&P).unwrap());
    let mut tree = alice.tree().to_wire();
    let signer_node = usize::try_from(info.signer).unwrap() * 2;
    let Some(Node::Leaf(leaf)) = tree.0[signer_node].as_mut() else {
        panic!("the signer's leaf is blank");
    };
    let leaf = std::sync::Arc::make_mut(leaf);
    let key = leaf.signature_key.0.clone();
    let mut compressed = vec![0x02 | (key.last().unwrap() & 1)];
    compressed.extend_from_slice(&key[1..33]);
    leaf.signature_key.0 = compressed;
    match join(&info, Some(&tree)).unwrap_err() {
        GroupError::Welcome(WelcomeError::GroupInfoSignatureKey(
            CryptoError::MalformedSignatureKey { scheme, .. },
        )) => assert_eq!(scheme, "P-256"),
        other => panic!("expected GroupInfoSignatureKey, got {other:?}"),
    }
}
