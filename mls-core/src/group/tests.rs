#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use crate::codec::{Encode, VlBytes};
use crate::crypto::{CipherSuite, CryptoProvider, RustCrypto};
use crate::framing::{MlsMessage, MlsMessageBody};
use crate::messages::{Credential, Proposal};

use crate::test_utils::groups::{self, member, staged, welcome, wire};

#[test]
fn three_members_add_update_remove_and_talk_in_every_suite() {
    let p = RustCrypto;
    for cs in CipherSuite::ALL {
        let alice_kp = member(cs, "alice");
        let bob_kp = member(cs, "bob");
        let carol_kp = member(cs, "carol");
        let mut alice = Group::create(
            &p,
            &alice_kp,
            b"group".to_vec(),
            Vec::new(),
            GroupConfig::default(),
        )
        .unwrap();

        // Alice adds Bob.
        let out = alice
            .commit(
                &p,
                vec![Proposal::Add {
                    key_package: bob_kp.key_package.clone(),
                }],
                false,
            )
            .unwrap();
        alice.merge(out.staged).unwrap();
        let mut bob = Group::join(
            &p,
            &welcome(out.welcome.as_ref().unwrap()),
            &bob_kp,
            None,
            Default::default(),
            GroupConfig::default(),
        )
        .unwrap();
        assert_eq!(
            alice.epoch_authenticator(),
            bob.epoch_authenticator(),
            "suite {cs}"
        );

        // Bob adds Carol with a path (forced).
        let out = bob
            .commit(
                &p,
                vec![Proposal::Add {
                    key_package: carol_kp.key_package.clone(),
                }],
                true,
            )
            .unwrap();
        let s = staged(alice.process(&p, &wire(&out.commit)).unwrap());
        assert_eq!(s.summary.added.len(), 1);
        assert_eq!(s.summary.new_epoch, 2);
        alice.merge(s).unwrap();
        bob.merge(out.staged).unwrap();
        let mut carol = Group::join(
            &p,
            &welcome(out.welcome.as_ref().unwrap()),
            &carol_kp,
            None,
            Default::default(),
            GroupConfig::default(),
        )
        .unwrap();
        assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
        assert_eq!(alice.epoch_authenticator(), carol.epoch_authenticator());

        // Carol commits an empty commit (path required), as a PrivateMessage.
        carol.set_config(GroupConfig {
            encrypt_handshake: true,
            padding: 16,
            ..GroupConfig::default()
        });
        let out = carol.commit(&p, Vec::new(), false).unwrap();
        assert!(matches!(out.commit.body, MlsMessageBody::PrivateMessage(_)));
        let sa = staged(alice.process(&p, &wire(&out.commit)).unwrap());
        let sb = staged(bob.process(&p, &wire(&out.commit)).unwrap());
        alice.merge(sa).unwrap();
        bob.merge(sb).unwrap();
        carol.merge(out.staged).unwrap();
        assert_eq!(alice.epoch_authenticator(), carol.epoch_authenticator());
        assert_eq!(bob.epoch_authenticator(), carol.epoch_authenticator());

        // Application messages both ways.
        let m = alice.send_application(&p, b"hello", b"aad").unwrap();
        for g in [&mut bob, &mut carol] {
            match g.process(&p, &wire(&m)).unwrap() {
                Received::Application {
                    sender,
                    data,
                    authenticated_data,
                } => {
                    assert_eq!(
                        (sender, data.as_slice(), authenticated_data.as_slice()),
                        (0, &b"hello"[..], &b"aad"[..])
                    );
                }
                other => panic!("{other:?}"),
            }
        }
        // A replay is rejected.
        assert!(bob.process(&p, &wire(&m)).is_err());

        // Alice removes Bob.
        let out = alice
            .commit(
                &p,
                vec![Proposal::Remove {
                    removed: bob.own_leaf(),
                }],
                false,
            )
            .unwrap();
        let sb = staged(bob.process(&p, &wire(&out.commit)).unwrap());
        assert!(sb.summary.self_removed);
        let sc = staged(carol.process(&p, &wire(&out.commit)).unwrap());
        carol.merge(sc).unwrap();
        alice.merge(out.staged).unwrap();
        assert_eq!(
            alice.epoch_authenticator(),
            carol.epoch_authenticator(),
            "suite {cs}"
        );
        assert_eq!(alice.epoch(), 4);
    }
}

#[test]
fn update_proposal_by_reference_then_commit() {
    let p = RustCrypto;
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let alice_kp = member(cs, "alice");
    let bob_kp = member(cs, "bob");
    let mut alice = Group::create(
        &p,
        &alice_kp,
        b"g2".to_vec(),
        Vec::new(),
        GroupConfig::default(),
    )
    .unwrap();
    let out = alice
        .commit(
            &p,
            vec![Proposal::Add {
                key_package: bob_kp.key_package.clone(),
            }],
            false,
        )
        .unwrap();
    alice.merge(out.staged).unwrap();
    let mut bob = Group::join(
        &p,
        &welcome(out.welcome.as_ref().unwrap()),
        &bob_kp,
        None,
        Default::default(),
        GroupConfig::default(),
    )
    .unwrap();

    // Bob proposes to remove... himself is not allowed to commit; Alice proposes a Remove of nobody:
    // instead Bob sends a PSK-free GroupContextExtensions proposal, Alice commits it by reference.
    let proposal = Proposal::GroupContextExtensions {
        extensions: Vec::new(),
    };
    let m = bob.propose(&p, proposal).unwrap();
    match alice.process(&p, &wire(&m)).unwrap() {
        Received::Proposal { .. } => {}
        other => panic!("{other:?}"),
    }
    let out = alice.commit(&p, Vec::new(), false).unwrap();
    let s = staged(bob.process(&p, &wire(&out.commit)).unwrap());
    assert!(s.summary.extensions.is_some());
    bob.merge(s).unwrap();
    alice.merge(out.staged).unwrap();
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
}

#[test]
fn a_tampered_commit_is_rejected_and_changes_nothing() {
    let p = RustCrypto;
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let alice_kp = member(cs, "alice");
    let bob_kp = member(cs, "bob");
    let mut alice = Group::create(
        &p,
        &alice_kp,
        b"g3".to_vec(),
        Vec::new(),
        GroupConfig::default(),
    )
    .unwrap();
    let out = alice
        .commit(
            &p,
            vec![Proposal::Add {
                key_package: bob_kp.key_package.clone(),
            }],
            false,
        )
        .unwrap();
    alice.merge(out.staged).unwrap();
    let mut bob = Group::join(
        &p,
        &welcome(out.welcome.as_ref().unwrap()),
        &bob_kp,
        None,
        Default::default(),
        GroupConfig::default(),
    )
    .unwrap();

    let out = alice.commit(&p, Vec::new(), false).unwrap();
    let before = format!("{bob:?}");
    let mut m = wire(&out.commit);
    let MlsMessageBody::PublicMessage(pm) = &mut m.body else {
        panic!()
    };
    let tag = pm.auth.confirmation_tag.as_mut().unwrap();
    tag.0[0] ^= 1;
    let err = bob.process(&p, &m).unwrap_err();
    assert!(matches!(err, GroupError::Framing(_)), "{err}");
    assert_eq!(before, format!("{bob:?}"));
}

/// Alice and Bob in a two-member group, Bob with `bob_ratchet` settings.
fn pair(bob_ratchet: crate::schedule::RatchetConfig) -> (Group, Group) {
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let bundles = [member(cs, "alice"), member(cs, "bob")];
    groups::two(groups::group_from(b"pair", Vec::new(), &bundles, |i| {
        GroupConfig {
            ratchet: if i == 1 {
                bob_ratchet
            } else {
                GroupConfig::default().ratchet
            },
            ..GroupConfig::default()
        }
    }))
}

fn app_text(r: Received) -> Vec<u8> {
    match r {
        Received::Application { data, .. } => data,
        other => panic!("{other:?}"),
    }
}

fn schedule_error(e: GroupError) -> crate::schedule::ScheduleError {
    match e {
        GroupError::Framing(crate::framing::FramingError::Schedule(s)) => s,
        other => panic!("expected a secret tree error, got {other}"),
    }
}

#[test]
fn out_of_order_within_the_window_and_replays_rejected() {
    let p = RustCrypto;
    let (mut alice, mut bob) = pair(crate::schedule::RatchetConfig::default());
    let sent: Vec<MlsMessage> = (0..5)
        .map(|i| wire(&alice.send_application(&p, &[i], b"").unwrap()))
        .collect();
    for i in [3usize, 1, 0, 4, 2] {
        assert_eq!(
            app_text(bob.process(&p, &sent[i]).unwrap()),
            vec![u8::try_from(i).unwrap()]
        );
    }
    let err = schedule_error(bob.process(&p, &sent[1]).unwrap_err());
    assert!(
        matches!(
            err,
            crate::schedule::ScheduleError::GenerationConsumed { requested: 1, .. }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("already used"), "{err}");
}

#[test]
fn keys_outside_the_window_are_gone() {
    let p = RustCrypto;
    let ratchet = crate::schedule::RatchetConfig {
        window_size: 2,
        ..Default::default()
    };
    let (mut alice, mut bob) = pair(ratchet);
    let sent: Vec<MlsMessage> = (0..5)
        .map(|i| wire(&alice.send_application(&p, &[i], b"").unwrap()))
        .collect();
    assert_eq!(app_text(bob.process(&p, &sent[4]).unwrap()), vec![4]);
    // Generations 2 and 3 were kept, 0 and 1 were dropped.
    assert_eq!(app_text(bob.process(&p, &sent[3]).unwrap()), vec![3]);
    let err = schedule_error(bob.process(&p, &sent[0]).unwrap_err());
    assert!(
        matches!(
            err,
            crate::schedule::ScheduleError::GenerationConsumed {
                requested: 0,
                window: 2,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(app_text(bob.process(&p, &sent[2]).unwrap()), vec![2]);
}

#[test]
fn a_jump_past_the_maximum_gap_is_refused_and_changes_nothing() {
    let p = RustCrypto;
    let ratchet = crate::schedule::RatchetConfig {
        max_generation_gap: 3,
        ..Default::default()
    };
    let (mut alice, mut bob) = pair(ratchet);
    let sent: Vec<MlsMessage> = (0..5)
        .map(|i| wire(&alice.send_application(&p, &[i], b"").unwrap()))
        .collect();
    let err = schedule_error(bob.process(&p, &sent[4]).unwrap_err());
    assert!(
        matches!(
            err,
            crate::schedule::ScheduleError::GenerationGap {
                gap: 4,
                max_gap: 3,
                ..
            }
        ),
        "{err}"
    );
    // Nothing moved: the messages in range still decrypt.
    assert_eq!(app_text(bob.process(&p, &sent[3]).unwrap()), vec![3]);
    assert_eq!(app_text(bob.process(&p, &sent[0]).unwrap()), vec![0]);
    assert_eq!(app_text(bob.process(&p, &sent[4]).unwrap()), vec![4]);
}

#[test]
fn the_aead_limit_refuses_more_bytes_on_both_sides() {
    let p = RustCrypto;
    let limit = crate::schedule::RatchetConfig {
        aead_limit_bytes: 200,
        ..Default::default()
    };
    let (mut alice, mut bob) = pair(limit);
    // Bob (limit 200) accepts a first message (127 bytes of content with
    // its signature), refuses the second.
    let first = wire(&alice.send_application(&p, &[1; 60], b"").unwrap());
    let second = wire(&alice.send_application(&p, &[2; 60], b"").unwrap());
    assert_eq!(app_text(bob.process(&p, &first).unwrap()).len(), 60);
    let err = schedule_error(bob.process(&p, &second).unwrap_err());
    assert!(
        matches!(
            err,
            crate::schedule::ScheduleError::AeadLimit { limit: 200, .. }
        ),
        "{err}"
    );
    // As a sender, Bob refuses to encrypt past the limit.
    bob.send_application(&p, &[3; 60], b"").unwrap();
    let err = bob.send_application(&p, &[4; 60], b"").unwrap_err();
    assert!(matches!(
        schedule_error(err),
        crate::schedule::ScheduleError::AeadLimit { .. }
    ));
}

/// Signs `commit` as `committer` and frames it as a PublicMessage with a
/// valid membership tag and the given confirmation tag.
fn forge(
    committer: &Group,
    commit: crate::messages::Commit,
    confirmation_tag: Vec<u8>,
) -> MlsMessage {
    use crate::framing::{
        Content, FramedContent, PublicMessage, Sender, WIRE_FORMAT_PUBLIC_MESSAGE, sign_content,
    };
    let p = RustCrypto;
    let (signer, membership_key) = committer.forge_keys();
    let context = committer.context().to_bytes().unwrap();
    let framed = FramedContent {
        group_id: VlBytes(committer.group_id().to_vec()),
        epoch: committer.epoch(),
        sender: Sender::Member(committer.own_leaf()),
        authenticated_data: VlBytes::default(),
        content: Content::Commit(commit),
    };
    let mut content = sign_content(
        &p,
        committer.cipher_suite(),
        WIRE_FORMAT_PUBLIC_MESSAGE,
        framed,
        &context,
        signer,
    )
    .unwrap();
    content.auth.confirmation_tag = Some(VlBytes(confirmation_tag));
    let m = PublicMessage::protect(
        &p,
        committer.cipher_suite(),
        content,
        membership_key,
        &context,
    )
    .unwrap();
    MlsMessage::new(MlsMessageBody::PublicMessage(m))
}

/// Re-frames a valid commit message after `edit` changed its content or
/// auth data, keeping the membership tag valid (and, if `resign`, the
/// signature).
fn reframe(
    committer: &Group,
    m: &MlsMessage,
    resign: bool,
    edit: impl FnOnce(&mut crate::framing::PublicMessage),
) -> MlsMessage {
    use crate::framing::{PublicMessage, WIRE_FORMAT_PUBLIC_MESSAGE, sign_content};
    let p = RustCrypto;
    let MlsMessageBody::PublicMessage(mut pm) = wire(m).body else {
        panic!("public")
    };
    edit(&mut pm);
    let (signer, membership_key) = committer.forge_keys();
    let context = committer.context().to_bytes().unwrap();
    let mut content = pm.authenticated_content();
    if resign {
        let tag = content.auth.confirmation_tag.clone();
        content = sign_content(
            &p,
            committer.cipher_suite(),
            WIRE_FORMAT_PUBLIC_MESSAGE,
            content.content,
            &context,
            signer,
        )
        .unwrap();
        content.auth.confirmation_tag = tag;
    }
    let m = PublicMessage::protect(
        &p,
        committer.cipher_suite(),
        content,
        membership_key,
        &context,
    )
    .unwrap();
    MlsMessage::new(MlsMessageBody::PublicMessage(m))
}

#[test]
fn rejected_commits_leave_the_serialised_state_byte_identical() {
    use crate::messages::{Commit, ProposalOrRef};
    let p = RustCrypto;
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let alice_kp = member(cs, "alice");
    let bob_kp = member(cs, "bob");
    let mut alice = Group::create(
        &p,
        &alice_kp,
        b"reject".to_vec(),
        Vec::new(),
        GroupConfig::default(),
    )
    .unwrap();
    let out = alice
        .commit(
            &p,
            vec![Proposal::Add {
                key_package: bob_kp.key_package.clone(),
            }],
            false,
        )
        .unwrap();
    alice.merge(out.staged).unwrap();
    let mut bob = Group::join(
        &p,
        &welcome(out.welcome.as_ref().unwrap()),
        &bob_kp,
        None,
        Default::default(),
        GroupConfig::default(),
    )
    .unwrap();

    let valid = alice.commit(&p, Vec::new(), false).unwrap().commit;
    let carol = member(cs, "carol").key_package;
    // Dave's leaf signature is broken, his KeyPackage signature is fine.
    let dave = member(cs, "dave");
    let mut broken_leaf = dave.key_package.clone();
    broken_leaf.leaf_node.signature.0[3] ^= 1;
    let tbs = broken_leaf.tbs_bytes().unwrap();
    broken_leaf.signature = VlBytes(
        crate::crypto::sign_with_label(&p, cs, &dave.signature_private, b"KeyPackageTBS", &tbs)
            .unwrap(),
    );
    let by_value = |proposals: Vec<Proposal>| Commit {
        proposals: proposals
            .into_iter()
            .map(|q| ProposalOrRef::Proposal(Box::new(q)))
            .collect(),
        path: None,
    };
    type Case = (&'static str, MlsMessage, fn(&GroupError) -> bool);
    let cases: Vec<Case> = vec![
        (
            "bad signature",
            reframe(&alice, &valid, false, |m| m.auth.signature.0[0] ^= 1),
            |e| {
                matches!(
                    e,
                    GroupError::Framing(crate::framing::FramingError::BadSignature)
                )
            },
        ),
        (
            "bad membership tag",
            {
                let mut m = wire(&valid);
                let MlsMessageBody::PublicMessage(pm) = &mut m.body else {
                    panic!()
                };
                pm.membership_tag.as_mut().unwrap().0[0] ^= 1;
                m
            },
            |e| {
                matches!(
                    e,
                    GroupError::Framing(crate::framing::FramingError::BadMembershipTag)
                )
            },
        ),
        (
            "bad confirmation tag",
            reframe(&alice, &valid, false, |m| {
                m.auth.confirmation_tag.as_mut().unwrap().0[0] ^= 1
            }),
            |e| matches!(e, GroupError::BadConfirmationTag),
        ),
        (
            "bad parent hash",
            reframe(&alice, &valid, true, |m| {
                let crate::framing::Content::Commit(c) = &mut m.content.content else {
                    panic!()
                };
                let leaf = &mut c.path.as_mut().unwrap().leaf_node;
                let crate::messages::LeafNodeSource::Commit { parent_hash } =
                    &mut leaf.leaf_node_source
                else {
                    panic!()
                };
                parent_hash.0[0] ^= 1;
                let (signer, _) = alice.forge_keys();
                sign_leaf_node(&RustCrypto, cs, leaf, signer, b"reject", 0).unwrap();
            }),
            |e| {
                matches!(
                    e,
                    GroupError::Tree(crate::tree::TreeError::ParentHash { .. })
                )
            },
        ),
        (
            "duplicate add",
            forge(
                &alice,
                by_value(vec![
                    Proposal::Add {
                        key_package: carol.clone(),
                    },
                    Proposal::Add {
                        key_package: carol.clone(),
                    },
                ]),
                vec![0; 32],
            ),
            |e| matches!(e, GroupError::InvalidProposals(ProposalError::DuplicateAdd)),
        ),
        (
            "add of a member already in the group",
            forge(
                &alice,
                by_value(vec![Proposal::Add {
                    key_package: bob_kp.key_package.clone(),
                }]),
                vec![0; 32],
            ),
            |e| {
                matches!(
                    e,
                    GroupError::InvalidProposals(ProposalError::AddOfMember { leaf: 1 })
                )
            },
        ),
        (
            "remove of a blank leaf",
            forge(
                &alice,
                by_value(vec![Proposal::Remove { removed: 5 }]),
                vec![0; 32],
            ),
            |e| {
                matches!(
                    e,
                    GroupError::InvalidProposals(ProposalError::RemoveOfBlankLeaf { leaf: 5 })
                )
            },
        ),
        (
            "invalid leaf node",
            forge(
                &alice,
                by_value(vec![Proposal::Add {
                    key_package: broken_leaf,
                }]),
                vec![0; 32],
            ),
            |e| {
                matches!(
                    e,
                    GroupError::InvalidKeyPackage(KeyPackageError::BadLeafSignature)
                )
            },
        ),
        (
            "remove of the committer",
            forge(
                &alice,
                by_value(vec![Proposal::Remove { removed: 0 }]),
                vec![0; 32],
            ),
            |e| {
                matches!(
                    e,
                    GroupError::InvalidProposals(ProposalError::RemoveOfCommitter)
                )
            },
        ),
        (
            "missing path",
            forge(
                &alice,
                by_value(vec![Proposal::Remove { removed: 1 }]),
                vec![0; 32],
            ),
            |e| matches!(e, GroupError::PathRequired),
        ),
    ];
    for (name, message, expected) in cases {
        let before = bob.to_bytes().unwrap();
        let err = bob.process(&p, &wire(&message)).map(|_| ()).unwrap_err();
        assert!(expected(&err), "{name}: unexpected error {err}");
        assert_eq!(
            before.as_bytes(),
            bob.to_bytes().unwrap().as_bytes(),
            "{name}: state changed"
        );
    }
    // The valid commit still goes through afterwards.
    let s = staged(bob.process(&p, &wire(&valid)).unwrap());
    bob.merge(s).unwrap();
}

#[test]
fn state_round_trips_through_bytes_and_keeps_working() {
    let p = RustCrypto;
    for cs in [
        CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
        CipherSuite::Mls256Dhkemp521Aes256gcmSha512P521,
    ] {
        let (mut alice, bob) = pair_in(cs);
        let m = wire(&alice.send_application(&p, b"before", b"").unwrap());
        let bytes = bob.to_bytes().unwrap();
        let mut restored = Group::from_bytes(&p, bytes.as_bytes()).unwrap();
        assert_eq!(restored.to_bytes().unwrap().as_bytes(), bytes.as_bytes());
        assert_eq!(restored.epoch_authenticator(), alice.epoch_authenticator());
        assert_eq!(
            app_text(restored.process(&p, &m).unwrap()),
            b"before".to_vec()
        );
        let out = alice.commit(&p, Vec::new(), false).unwrap();
        let s = staged(restored.process(&p, &wire(&out.commit)).unwrap());
        restored.merge(s).unwrap();
        alice.merge(out.staged).unwrap();
        assert_eq!(restored.epoch_authenticator(), alice.epoch_authenticator());
        // Corrupt state is refused with an error, never a panic.
        for n in [0, 3, 10, bytes.len() / 2, bytes.len() - 1] {
            assert!(Group::from_bytes(&p, &bytes.as_bytes()[..n]).is_err());
        }
    }
}

fn pair_in(cs: CipherSuite) -> (Group, Group) {
    groups::pair(cs, b"pair")
}

#[test]
fn required_capabilities_gate_adds() {
    use crate::messages::{EXT_REQUIRED_CAPABILITIES, Extension, RequiredCapabilities};
    let p = RustCrypto;
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let custom = 0xff00u16;
    let required = Extension::new(
        EXT_REQUIRED_CAPABILITIES,
        &RequiredCapabilities {
            extension_types: vec![custom],
            ..Default::default()
        },
    )
    .unwrap();
    let with_custom = |name: &str| {
        let (sk, _) = p.signature_key_pair(cs).unwrap();
        let mut caps = default_capabilities();
        caps.extensions.push(custom);
        KeyPackageBundle::generate_with_capabilities(
            &p,
            cs,
            Credential::Basic {
                identity: VlBytes(name.as_bytes().to_vec()),
            },
            sk,
            3600,
            Vec::new(),
            caps,
        )
        .unwrap()
    };
    let mut alice = Group::create(
        &p,
        &with_custom("alice"),
        b"req".to_vec(),
        vec![required],
        GroupConfig::default(),
    )
    .unwrap();
    let plain = member(cs, "bob");
    let err = alice
        .commit(
            &p,
            vec![Proposal::Add {
                key_package: plain.key_package,
            }],
            false,
        )
        .unwrap_err();
    assert!(
        matches!(
            &err,
            GroupError::InvalidProposals(ProposalError::AddCapabilities(
                CapabilityError::ExtensionUnsupported {
                    extension_type: 65280
                }
            ))
        ),
        "{err}"
    );
    let capable = with_custom("carol");
    alice
        .commit(
            &p,
            vec![Proposal::Add {
                key_package: capable.key_package,
            }],
            false,
        )
        .unwrap();
}

#[test]
fn incoming_handshake_policy_is_enforced() {
    let p = RustCrypto;
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let (mut alice, mut bob) = pair_in(cs);
    bob.set_config(GroupConfig {
        incoming_handshake: IncomingHandshake::CiphertextOnly,
        ..GroupConfig::default()
    });
    let plain_commit = alice.commit(&p, Vec::new(), false).unwrap().commit;
    let before = bob.to_bytes().unwrap();
    let err = bob
        .process(&p, &wire(&plain_commit))
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(
            &err,
            GroupError::WireFormatPolicy(PolicyError::HandshakeAsPublic)
        ),
        "{err}"
    );
    assert_eq!(before.as_bytes(), bob.to_bytes().unwrap().as_bytes());
    let mut alice = alice;
    alice.set_config(GroupConfig {
        encrypt_handshake: true,
        ..GroupConfig::default()
    });
    let private_commit = alice.commit(&p, Vec::new(), false).unwrap().commit;
    assert!(matches!(
        bob.process(&p, &wire(&private_commit)).unwrap(),
        Received::Commit(_)
    ));
}

/// A commit sent as PrivateMessage consumes a generation of the sender's
/// ratchet in the current epoch, also when it is discarded: the next
/// handshake message must not reuse its key and nonce. A PublicMessage
/// commit leaves the current state untouched.
#[test]
fn discarded_private_commit_consumes_its_generation() {
    let p = RustCrypto;
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let (mut alice, mut bob) = pair_in(cs);
    let before = alice.to_bytes().unwrap();
    let _public = alice.commit(&p, Vec::new(), false).unwrap();
    assert_eq!(before.as_bytes(), alice.to_bytes().unwrap().as_bytes());

    alice.set_config(GroupConfig {
        encrypt_handshake: true,
        ..GroupConfig::default()
    });
    let before = alice.to_bytes().unwrap();
    let discarded = alice.commit(&p, Vec::new(), false).unwrap();
    assert_ne!(before.as_bytes(), alice.to_bytes().unwrap().as_bytes());
    let sent = alice.commit(&p, Vec::new(), false).unwrap();
    let (MlsMessageBody::PrivateMessage(a), MlsMessageBody::PrivateMessage(b)) =
        (&discarded.commit.body, &sent.commit.body)
    else {
        panic!("expected two PrivateMessages");
    };
    assert_ne!(a.ciphertext, b.ciphertext);
    // Bob takes the second commit; the first was never delivered.
    let Received::Commit(staged) = bob.process(&p, &wire(&sent.commit)).unwrap() else {
        panic!("expected a commit");
    };
    bob.merge(*staged).unwrap();
    alice.merge(sent.staged).unwrap();
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
}
