//! Signatures checked in batches (key packages of a commit, the leaves of a
//! joined tree) still name the one that is bad, with the error a one-by-one
//! check gives.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use crate::crypto::{CipherSuite, RustCrypto};
use crate::messages::{Node, Proposal};
use crate::test_utils::groups::{member, welcome};

const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;

fn creator() -> Group {
    let alice = member(CS, "alice");
    Group::create(
        &RustCrypto,
        &alice,
        b"batch".to_vec(),
        Vec::new(),
        GroupConfig::default(),
    )
    .unwrap()
}

fn adds(kps: &[KeyPackageBundle]) -> Vec<Proposal> {
    kps.iter()
        .map(|b| Proposal::Add {
            key_package: b.key_package.clone(),
        })
        .collect()
}

#[test]
fn a_bad_key_package_among_many_is_named_and_nothing_changes() {
    let kps: Vec<KeyPackageBundle> = (0..40).map(|i| member(CS, &format!("m{i}"))).collect();
    // Every signature good: the commit goes through.
    let mut g = creator();
    g.commit(&RustCrypto, adds(&kps), false).unwrap();

    for (victim, leaf_signature) in [(0, false), (23, false), (39, true), (11, true)] {
        let mut g = creator();
        let before = g.clone();
        let mut proposals = adds(&kps);
        let Proposal::Add { key_package } = &mut proposals[victim] else {
            panic!("not an Add")
        };
        if leaf_signature {
            key_package.leaf_node.signature.0[5] ^= 1;
        } else {
            key_package.signature.0[5] ^= 1;
        }
        // The error one key package checked on its own gives.
        let alone = validate_key_package(
            &RustCrypto,
            CS,
            key_package,
            None,
            &crate::credential::BasicIdentityProvider,
        )
        .unwrap_err();
        assert!(
            matches!(alone, GroupError::InvalidKeyPackage(_)),
            "{alone:?}"
        );
        let err = g.commit(&RustCrypto, proposals, false).unwrap_err();
        assert_eq!(err, alone, "victim {victim}");
        assert_eq!(g.epoch(), before.epoch());
        assert_eq!(g.tree(), before.tree());
    }
}

#[test]
fn a_joiner_names_the_leaf_whose_signature_is_bad_in_a_big_tree() {
    let kps: Vec<KeyPackageBundle> = (0..70).map(|i| member(CS, &format!("m{i}"))).collect();
    let mut g = creator();
    let out = g.commit(&RustCrypto, adds(&kps), false).unwrap();
    g.merge(out.staged).unwrap();
    // The honest Welcome admits a new member (its tree checked in batches).
    let w = welcome(out.welcome.as_ref().unwrap());
    let joined = Group::join(
        &RustCrypto,
        &w,
        &kps[40],
        None,
        Default::default(),
        GroupConfig::default(),
    )
    .unwrap();
    assert_eq!(joined.epoch_authenticator(), g.epoch_authenticator());

    let group_id = g.group_id().to_vec();
    for victim in [0u32, 33, 57, 70] {
        let mut wire = g.tree().to_wire();
        let Some(Node::Leaf(leaf)) = wire.0[victim as usize * 2].as_mut() else {
            panic!("leaf {victim} is blank")
        };
        std::sync::Arc::make_mut(leaf).signature.0[9] ^= 1;
        let tree = crate::tree::Tree::from_wire(CS, &wire).unwrap();
        match tree.verify_leaf_signatures(&RustCrypto, &group_id) {
            Err(crate::tree::TreeError::InvalidLeaf { leaf, .. }) => assert_eq!(leaf, victim),
            other => panic!("expected leaf {victim} named, got {other:?}"),
        }
    }
    let honest = crate::tree::Tree::from_wire(CS, &g.tree().to_wire()).unwrap();
    honest
        .verify_leaf_signatures(&RustCrypto, &group_id)
        .unwrap();
}
