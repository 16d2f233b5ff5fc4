//! Joining by external commit (RFC 9420 §12.4.3.2) in every suite: a new
//! member from an exported GroupInfo, a resync that removes the joiner's
//! old leaf, and a group whose policy refuses external commits.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use mls_core::crypto::{CipherSuite, CryptoProvider, RustCrypto};
use mls_core::group::{
    ExternalCommitError, Group, GroupConfig, GroupError, JoinError, KeyPackageBundle, PolicyError,
    ProposalError, Received,
};

const P: RustCrypto = RustCrypto;

use mls_core::test_utils::groups::{
    apply, credential, group_from, group_info, member as bundle, two, wire,
};

fn pair(cs: CipherSuite, config: GroupConfig) -> (Group, Group, KeyPackageBundle) {
    let bundles = [bundle(cs, "alice"), bundle(cs, "bob")];
    let members = group_from(b"ext", Vec::new(), &bundles, |_| config.clone());
    let (alice, bob) = two(members);
    let [_, b] = bundles;
    (alice, bob, b)
}

#[test]
fn a_new_member_joins_by_external_commit_in_every_suite() {
    for cs in CipherSuite::ALL {
        let (mut alice, mut bob, _) = pair(cs, GroupConfig::default());
        let info = group_info(&alice.export_group_info(&P).unwrap());
        let (sk, _) = P.signature_key_pair(cs).unwrap();
        let (mut carol, commit) = Group::join_external(
            &P,
            &info,
            None,
            sk,
            credential("carol"),
            None,
            GroupConfig::default(),
        )
        .unwrap();
        let summary = apply(&mut alice, &commit);
        assert_eq!(summary.added.len(), 1);
        assert_eq!(
            summary.added[0].0,
            carol.own_leaf(),
            "the joiner's leaf is where the add placed it"
        );
        apply(&mut bob, &commit);
        assert_eq!(
            alice.epoch_authenticator(),
            carol.epoch_authenticator(),
            "suite {cs}"
        );
        assert_eq!(bob.epoch_authenticator(), carol.epoch_authenticator());
        // The new member takes part: a message and a commit of its own.
        let m = carol
            .send_application(&P, b"joined from outside", b"")
            .unwrap();
        assert!(matches!(
            alice.process(&P, &wire(&m)).unwrap(),
            Received::Application { .. }
        ));
        let out = carol.commit(&P, Vec::new(), false).unwrap();
        apply(&mut alice, &out.commit);
        apply(&mut bob, &out.commit);
        carol.merge(out.staged).unwrap();
        assert_eq!(alice.epoch_authenticator(), carol.epoch_authenticator());
    }
}

#[test]
fn resync_replaces_the_joiners_old_leaf() {
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let (mut alice, bob, bob_bundle) = pair(cs, GroupConfig::default());
    let info = group_info(&alice.export_group_info(&P).unwrap());
    let old_leaf = bob.own_leaf();
    let (mut bob2, commit) = Group::join_external(
        &P,
        &info,
        None,
        bob_bundle.signature_private.clone(),
        credential("bob"),
        Some(old_leaf),
        GroupConfig::default(),
    )
    .unwrap();
    let summary = apply(&mut alice, &commit);
    assert_eq!(summary.removed.len(), 1);
    assert_eq!(summary.removed[0].0, old_leaf);
    assert_eq!(
        bob2.own_leaf(),
        old_leaf,
        "the freed leaf is the leftmost blank one"
    );
    assert_eq!(alice.epoch_authenticator(), bob2.epoch_authenticator());
    let m = alice.send_application(&P, b"welcome back", b"").unwrap();
    assert!(matches!(
        bob2.process(&P, &wire(&m)).unwrap(),
        Received::Application { .. }
    ));
}

#[test]
fn a_resync_with_another_identity_is_refused() {
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let (mut alice, bob, _) = pair(cs, GroupConfig::default());
    let info = group_info(&alice.export_group_info(&P).unwrap());
    let (sk, _) = P.signature_key_pair(cs).unwrap();
    let (_, commit) = Group::join_external(
        &P,
        &info,
        None,
        sk,
        credential("mallory"),
        Some(bob.own_leaf()),
        GroupConfig::default(),
    )
    .unwrap();
    let before = alice.to_bytes().unwrap();
    let err = alice.process(&P, &wire(&commit)).map(|_| ()).unwrap_err();
    assert!(
        matches!(
            &err,
            GroupError::InvalidProposals(ProposalError::ExternalCommit(
                ExternalCommitError::RemovedLeafNotJoiner { .. }
            ))
        ),
        "{err}"
    );
    assert_eq!(before.as_bytes(), alice.to_bytes().unwrap().as_bytes());
}

#[test]
fn a_policy_that_refuses_external_commits() {
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let open = GroupConfig::default();
    let closed = GroupConfig {
        accept_external_commits: false,
        ..GroupConfig::default()
    };
    let (alice, mut bob, _) = pair(cs, open.clone());
    bob.set_config(closed);
    // A closed group publishes no external key ...
    let info = group_info(&bob.export_group_info(&P).unwrap());
    let (sk, _) = P.signature_key_pair(cs).unwrap();
    let err = Group::join_external(
        &P,
        &info,
        None,
        sk.clone(),
        credential("carol"),
        None,
        open.clone(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, GroupError::Join(JoinError::NoExternalPub)),
        "{err}"
    );
    // ... and refuses an external commit made from another member's GroupInfo.
    let info = group_info(&alice.export_group_info(&P).unwrap());
    let (_, commit) =
        Group::join_external(&P, &info, None, sk, credential("carol"), None, open).unwrap();
    let before = bob.to_bytes().unwrap();
    let err = bob.process(&P, &wire(&commit)).map(|_| ()).unwrap_err();
    assert!(
        matches!(
            &err,
            GroupError::WireFormatPolicy(PolicyError::ExternalCommits)
        ),
        "{err}"
    );
    assert_eq!(before.as_bytes(), bob.to_bytes().unwrap().as_bytes());
}
