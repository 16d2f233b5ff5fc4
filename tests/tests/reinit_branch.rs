//! Re-initialisation (RFC 9420 §11.2) and subgroup branching (§11.3),
//! with the resumption PSKs that link the new groups to the old.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use mls_core::codec::VlBytes;
use mls_core::crypto::{CipherSuite, RustCrypto};
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{Group, GroupConfig, GroupError, KeyPackageError, ProposalError, Received};
use mls_core::messages::{PreSharedKeyId, Proposal, Psk, RESUMPTION_REINIT, ReInit};

const P: RustCrypto = RustCrypto;

use mls_core::test_utils::groups::{self, apply, member as bundle, welcome, wire};

fn group_of(cs: CipherSuite, names: &[&str]) -> Vec<Group> {
    groups::group_of(cs, b"old group", names)
}

#[test]
fn reinit_to_another_suite_then_the_old_group_is_closed() {
    // Every suite, each re-initialised into the next one.
    let suites = CipherSuite::ALL;
    for (i, cs) in suites.iter().copied().enumerate() {
        let new_cs = suites[(i + 1) % suites.len()];
        reinit_case(cs, new_cs);
    }
}

fn reinit_case(cs: CipherSuite, new_cs: CipherSuite) {
    let mut g = group_of(cs, &["alice", "bob"]);
    let reinit = ReInit {
        group_id: VlBytes(b"new group".to_vec()),
        version: 1,
        cipher_suite: new_cs.id(),
        extensions: Vec::new(),
    };
    // Bob proposes, Alice commits the ReInit alone.
    let m = g[1].propose(&P, Proposal::ReInit(reinit.clone())).unwrap();
    assert!(matches!(
        g[0].process(&P, &wire(&m)).unwrap(),
        Received::Proposal { .. }
    ));
    let out = g[0].commit(&P, Vec::new(), false).unwrap();
    assert_eq!(out.staged.summary.reinit.as_ref(), Some(&reinit));
    apply(&mut g[1], &out.commit);
    g[0].merge(out.staged).unwrap();
    assert_eq!(g[0].epoch_authenticator(), g[1].epoch_authenticator());

    // The old group accepts no more messages, in or out.
    assert!(matches!(
        g[0].send_application(&P, b"late", b""),
        Err(GroupError::GroupClosed)
    ));
    assert!(matches!(
        g[1].commit(&P, Vec::new(), false),
        Err(GroupError::GroupClosed)
    ));
    let stale = MlsMessage::new(MlsMessageBody::PublicMessage(
        match wire(&out.commit).body {
            MlsMessageBody::PublicMessage(m) => m,
            _ => panic!(),
        },
    ));
    assert!(matches!(
        g[1].process(&P, &stale),
        Err(GroupError::GroupClosed)
    ));

    // Alice re-creates the group in the new suite; Bob joins and checks the link.
    let alice2 = bundle(new_cs, "alice");
    let bob2 = bundle(new_cs, "bob");
    let (new_alice, out) = g[0]
        .reinit_group(
            &P,
            &alice2,
            vec![bob2.key_package.clone()],
            GroupConfig::default(),
        )
        .unwrap();
    let w = welcome(out.welcome.as_ref().unwrap());
    let new_bob = Group::join_reinit(&P, &w, &bob2, &g[1], GroupConfig::default()).unwrap();
    assert_eq!(new_bob.epoch(), 1);
    assert_eq!(new_bob.cipher_suite(), new_cs);
    assert_eq!(new_bob.group_id(), b"new group");
    assert_eq!(
        new_alice.epoch_authenticator(),
        new_bob.epoch_authenticator()
    );

    // The same Welcome without the old group's state: the PSK is missing.
    let err =
        Group::join(&P, &w, &bob2, None, BTreeMap::new(), GroupConfig::default()).unwrap_err();
    assert!(matches!(err, GroupError::MissingPsk(_)), "{err}");
}

#[test]
fn branch_in_every_suite_and_a_branch_welcome_with_the_wrong_psk() {
    for cs in CipherSuite::ALL {
        let mut g = group_of(cs, &["alice", "bob", "carol"]);
        // New key packages for Alice and Bob (same identities).
        let alice2 = bundle(cs, "alice");
        let bob2 = bundle(cs, "bob");
        let (branch_alice, out) = g[0]
            .branch(
                &P,
                &alice2,
                b"subgroup".to_vec(),
                vec![bob2.key_package.clone()],
                GroupConfig::default(),
            )
            .unwrap();
        let w = welcome(out.welcome.as_ref().unwrap());
        let branch_bob = Group::join_branch(&P, &w, &bob2, &g[1], GroupConfig::default()).unwrap();
        assert_eq!(
            branch_alice.epoch_authenticator(),
            branch_bob.epoch_authenticator(),
            "suite {cs}"
        );
        assert_eq!(branch_bob.tree().members().count(), 2);

        // Once the old group has moved on, the branch PSK no longer matches.
        let out = g[2].commit(&P, Vec::new(), false).unwrap();
        apply(&mut g[1], &out.commit);
        let err = Group::join_branch(&P, &w, &bob2, &g[1], GroupConfig::default()).unwrap_err();
        assert!(matches!(err, GroupError::MissingPsk(_)), "{err}");
    }
}

#[test]
fn a_branch_with_a_stranger_is_refused() {
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let g = group_of(cs, &["alice", "bob"]);
    let err = g[0]
        .branch(
            &P,
            &bundle(cs, "alice"),
            b"sub".to_vec(),
            vec![bundle(cs, "mallory").key_package],
            GroupConfig::default(),
        )
        .unwrap_err();
    assert!(
        matches!(
            &err,
            GroupError::InvalidKeyPackage(KeyPackageError::BranchStranger)
        ),
        "{err}"
    );
}

#[test]
fn a_reinit_psk_in_a_regular_commit_is_invalid() {
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let mut g = group_of(cs, &["alice", "bob"]);
    let proposal = Proposal::PreSharedKey {
        psk: PreSharedKeyId {
            psk: Psk::Resumption {
                usage: RESUMPTION_REINIT,
                psk_group_id: VlBytes(g[0].group_id().to_vec()),
                psk_epoch: g[0].epoch(),
            },
            psk_nonce: VlBytes(vec![0; cs.hash_len()]),
        },
    };
    let err = g[0].commit(&P, vec![proposal], false).unwrap_err();
    assert!(
        matches!(
            &err,
            GroupError::InvalidProposals(ProposalError::ResumptionPskOutsideNewGroup {
                usage: RESUMPTION_REINIT
            })
        ),
        "{err}"
    );
}
