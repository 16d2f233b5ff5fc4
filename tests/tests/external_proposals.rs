//! External proposals (RFC 9420 §12.1.8): from a sender listed in the
//! group's external_senders extension, and a new member's own Add.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use mls_core::codec::VlBytes;
use mls_core::crypto::{CipherSuite, CryptoProvider, RustCrypto, SignaturePrivateKey};
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{
    Group, GroupConfig, GroupError, PolicyError, ProposalError, Received, SenderError,
    external_proposal, new_member_proposal,
};
use mls_core::messages::{EXT_EXTERNAL_SENDERS, Extension, ExternalSender, Proposal};

const P: RustCrypto = RustCrypto;

use mls_core::test_utils::groups::{credential, group_from, member as bundle, two, wire};

/// Alice and Bob in a group whose external_senders lists a delivery service.
fn setup(cs: CipherSuite) -> (Group, Group, SignaturePrivateKey) {
    let (ds_sk, ds_pk) = P.signature_key_pair(cs).unwrap();
    let senders = vec![ExternalSender {
        signature_key: VlBytes(ds_pk.0),
        credential: credential("ds"),
    }];
    let ext = Extension::new(EXT_EXTERNAL_SENDERS, &senders).unwrap();
    let bundles = [bundle(cs, "alice"), bundle(cs, "bob")];
    let members = group_from(b"extprop", vec![ext], &bundles, |_| GroupConfig::default());
    let (alice, bob) = two(members);
    (alice, bob, ds_sk)
}

fn receive_proposal(g: &mut Group, m: &MlsMessage) {
    assert!(matches!(
        g.process(&P, &wire(m)).unwrap(),
        Received::Proposal { .. }
    ));
}

fn commit_all(committer: &mut Group, others: &mut [&mut Group]) -> Option<MlsMessage> {
    let out = committer.commit(&P, Vec::new(), false).unwrap();
    for g in others.iter_mut() {
        let Received::Commit(s) = g.process(&P, &wire(&out.commit)).unwrap() else {
            panic!()
        };
        g.merge(*s).unwrap();
    }
    committer.merge(out.staged).unwrap();
    out.welcome
}

#[test]
fn external_sender_adds_and_removes_and_a_new_member_adds_itself_in_every_suite() {
    for cs in CipherSuite::ALL {
        let (mut alice, mut bob, ds) = setup(cs);
        // The delivery service proposes to add Carol.
        let carol_kp = bundle(cs, "carol");
        let m = external_proposal(
            &P,
            alice.context(),
            0,
            &ds,
            Proposal::Add {
                key_package: carol_kp.key_package.clone(),
            },
        )
        .unwrap();
        receive_proposal(&mut alice, &m);
        receive_proposal(&mut bob, &m);
        let welcome = commit_all(&mut alice, &mut [&mut bob]).expect("a Welcome for Carol");
        let MlsMessageBody::Welcome(w) = wire(&welcome).body else {
            panic!()
        };
        let mut carol = Group::join(
            &P,
            &w,
            &carol_kp,
            None,
            BTreeMap::new(),
            GroupConfig::default(),
        )
        .unwrap();
        assert_eq!(
            carol.epoch_authenticator(),
            alice.epoch_authenticator(),
            "suite {cs}"
        );

        // The delivery service proposes to remove Carol; Bob commits.
        let m = external_proposal(
            &P,
            bob.context(),
            0,
            &ds,
            Proposal::Remove {
                removed: carol.own_leaf(),
            },
        )
        .unwrap();
        receive_proposal(&mut alice, &m);
        receive_proposal(&mut bob, &m);
        receive_proposal(&mut carol, &m);
        commit_all(&mut bob, &mut [&mut alice]);
        assert_eq!(bob.epoch_authenticator(), alice.epoch_authenticator());

        // Dave proposes to add himself.
        let dave_kp = bundle(cs, "dave");
        let m = new_member_proposal(
            &P,
            alice.context(),
            dave_kp.key_package.clone(),
            &dave_kp.signature_private,
        )
        .unwrap();
        receive_proposal(&mut alice, &m);
        receive_proposal(&mut bob, &m);
        let welcome = commit_all(&mut alice, &mut [&mut bob]).expect("a Welcome for Dave");
        let MlsMessageBody::Welcome(w) = wire(&welcome).body else {
            panic!()
        };
        let dave = Group::join(
            &P,
            &w,
            &dave_kp,
            None,
            BTreeMap::new(),
            GroupConfig::default(),
        )
        .unwrap();
        assert_eq!(
            dave.epoch_authenticator(),
            bob.epoch_authenticator(),
            "suite {cs}"
        );
    }
}

#[test]
fn proposals_from_unlisted_or_wrong_senders_are_refused() {
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let (mut alice, _bob, ds) = setup(cs);
    let kp = bundle(cs, "eve").key_package;
    let (stranger, _) = P.signature_key_pair(cs).unwrap();
    type Case = (&'static str, MlsMessage, fn(&GroupError) -> bool);
    let cases: Vec<Case> = vec![
        (
            "unlisted sender",
            external_proposal(
                &P,
                alice.context(),
                3,
                &ds,
                Proposal::Add {
                    key_package: kp.clone(),
                },
            )
            .unwrap(),
            |e| matches!(e, GroupError::UnknownSender(SenderError::NotListed(3))),
        ),
        (
            "listed index, wrong key",
            external_proposal(
                &P,
                alice.context(),
                0,
                &stranger,
                Proposal::Add {
                    key_package: kp.clone(),
                },
            )
            .unwrap(),
            |e| {
                matches!(
                    e,
                    GroupError::Framing(mls_core::framing::FramingError::BadSignature)
                )
            },
        ),
        (
            "update from outside",
            external_proposal(
                &P,
                alice.context(),
                0,
                &ds,
                Proposal::Update {
                    leaf_node: kp.leaf_node.clone(),
                },
            )
            .unwrap(),
            |e| {
                matches!(
                    e,
                    GroupError::InvalidProposals(ProposalError::ExternalProposalType {
                        proposal_type: 2
                    })
                )
            },
        ),
        (
            "new member signing with a key not its own",
            new_member_proposal(&P, alice.context(), kp.clone(), &stranger).unwrap(),
            |e| {
                matches!(
                    e,
                    GroupError::Framing(mls_core::framing::FramingError::BadSignature)
                )
            },
        ),
    ];
    for (name, m, expected) in cases {
        let before = alice.to_bytes().unwrap();
        let err = alice.process(&P, &wire(&m)).map(|_| ()).unwrap_err();
        assert!(expected(&err), "{name}: {err}");
        assert_eq!(
            before.as_bytes(),
            alice.to_bytes().unwrap().as_bytes(),
            "{name}"
        );
    }
    // A policy that refuses external proposals.
    alice.set_config(GroupConfig {
        accept_external_proposals: false,
        ..GroupConfig::default()
    });
    let m = external_proposal(
        &P,
        alice.context(),
        0,
        &ds,
        Proposal::Add { key_package: kp },
    )
    .unwrap();
    let err = alice.process(&P, &wire(&m)).map(|_| ()).unwrap_err();
    assert!(
        matches!(
            &err,
            GroupError::WireFormatPolicy(PolicyError::ExternalProposals)
        ),
        "{err}"
    );
}
