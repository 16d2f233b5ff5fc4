//! End-to-end groups over the public API, for every cipher suite: 2, 3 and
//! 50 members, every proposal type this issue covers, all messages through
//! their wire bytes, epoch authenticators compared after every step.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use mls_core::codec::VlBytes;
use mls_core::crypto::{CipherSuite, RustCrypto, Secret};
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{Group, GroupConfig, KeyPackageBundle, Received};
use mls_core::messages::{Extension, Proposal};

const P: RustCrypto = RustCrypto;

use mls_core::test_utils::groups::{group_from, member as bundle, staged, wire};

fn join(welcome: &MlsMessage, kp: &KeyPackageBundle, psks: BTreeMap<Vec<u8>, Secret>) -> Group {
    let MlsMessageBody::Welcome(w) = wire(welcome).body else {
        panic!("not a Welcome")
    };
    Group::join(&P, &w, kp, None, psks, GroupConfig::default()).unwrap()
}

/// Delivers a commit to every member but the committer and merges it
/// everywhere; checks that all agree.
fn deliver(committer: usize, out: mls_core::group::CommitOutput, members: &mut [Group]) {
    let message = wire(&out.commit);
    for (i, g) in members.iter_mut().enumerate() {
        if i != committer {
            let s = staged(g.process(&P, &message).unwrap());
            g.merge(s).unwrap();
        }
    }
    members[committer].merge(out.staged).unwrap();
    agree(members);
}

fn agree(members: &[Group]) {
    let first = members[0].epoch_authenticator();
    for (i, g) in members.iter().enumerate() {
        assert_eq!(
            g.epoch_authenticator(),
            first,
            "member {i} disagrees at epoch {}",
            g.epoch()
        );
        assert_eq!(g.epoch(), members[0].epoch());
    }
}

fn talk(members: &mut [Group], from: usize, text: &str) {
    let m = wire(
        &members[from]
            .send_application(&P, text.as_bytes(), b"")
            .unwrap(),
    );
    for (i, g) in members.iter_mut().enumerate() {
        if i != from {
            match g.process(&P, &m).unwrap() {
                Received::Application { data, .. } => assert_eq!(data, text.as_bytes()),
                other => panic!("{other:?}"),
            }
        }
    }
}

#[test]
fn two_members_in_every_suite() {
    for cs in CipherSuite::ALL {
        let bundles = [bundle(cs, "a"), bundle(cs, "b")];
        let mut members = group_from(b"two", Vec::new(), &bundles, |_| GroupConfig::default());
        agree(&members);
        talk(&mut members, 0, "hi bob");
        talk(&mut members, 1, "hi alice");
        let out = members[1].commit(&P, Vec::new(), false).unwrap();
        deliver(1, out, &mut members);
        let exported: Vec<_> = members
            .iter()
            .map(|g| g.export_secret(&P, b"test", b"ctx", 32).unwrap())
            .collect();
        assert_eq!(exported[0], exported[1], "suite {cs}");
    }
}

#[test]
fn three_members_every_proposal_type_in_every_suite() {
    for cs in CipherSuite::ALL {
        let kps: Vec<_> = ["alice", "bob", "carol"]
            .iter()
            .map(|n| bundle(cs, n))
            .collect();
        let mut alice = Group::create(
            &P,
            &kps[0],
            b"three".to_vec(),
            Vec::new(),
            GroupConfig::default(),
        )
        .unwrap();
        let psk_id = b"shared psk".to_vec();
        let psk = Secret::new(vec![0x42; 32]);
        alice.add_external_psk(psk_id.clone(), psk.clone());
        let out = alice
            .commit(
                &P,
                vec![
                    Proposal::Add {
                        key_package: kps[1].key_package.clone(),
                    },
                    Proposal::Add {
                        key_package: kps[2].key_package.clone(),
                    },
                ],
                false,
            )
            .unwrap();
        let welcome = out.welcome.clone().unwrap();
        alice.merge(out.staged).unwrap();
        let psks: BTreeMap<_, _> = [(psk_id.clone(), psk.clone())].into();
        let mut members = vec![
            alice,
            join(&welcome, &kps[1], psks.clone()),
            join(&welcome, &kps[2], psks.clone()),
        ];
        agree(&members);

        // Update: Bob proposes, Alice commits it by reference.
        let m = wire(&members[1].propose_update(&P).unwrap());
        for i in [0, 2] {
            assert!(matches!(
                members[i].process(&P, &m).unwrap(),
                Received::Proposal { .. }
            ));
        }
        let out = members[0].commit(&P, Vec::new(), false).unwrap();
        assert_eq!(out.staged.summary.updated.len(), 1);
        deliver(0, out, &mut members);
        talk(&mut members, 1, "after my update");

        // External PSK, committed by Carol without a path.
        let proposal = members[2].external_psk_proposal(&P, &psk_id).unwrap();
        let out = members[2].commit(&P, vec![proposal], false).unwrap();
        assert!(!out.staged.summary.has_path);
        assert_eq!(out.staged.summary.psks.len(), 1);
        deliver(2, out, &mut members);

        // Resumption PSK of the previous epoch, committed by Alice.
        let previous = members[0].epoch() - 1;
        let proposal = members[0].resumption_psk_proposal(&P, previous).unwrap();
        let out = members[0].commit(&P, vec![proposal], false).unwrap();
        deliver(0, out, &mut members);

        // Group context extensions, committed by Bob (needs a path).
        let ext = Extension {
            extension_type: 1,
            extension_data: VlBytes(b"app-id".to_vec()),
        };
        let out = members[1]
            .commit(
                &P,
                vec![Proposal::GroupContextExtensions {
                    extensions: vec![ext.clone()],
                }],
                false,
            )
            .unwrap();
        assert!(out.staged.summary.has_path);
        deliver(1, out, &mut members);
        assert_eq!(members[2].context().extensions, vec![ext]);

        // Remove: Alice removes Carol; Carol sees that she was removed.
        let out = members[0]
            .commit(&P, vec![Proposal::Remove { removed: 2 }], false)
            .unwrap();
        let carol_view = staged(members[2].process(&P, &wire(&out.commit)).unwrap());
        assert!(carol_view.summary.self_removed);
        let bob_view = staged(members[1].process(&P, &wire(&out.commit)).unwrap());
        assert_eq!(bob_view.summary.removed.len(), 1);
        members[1].merge(bob_view).unwrap();
        members[0].merge(out.staged).unwrap();
        members.truncate(2);
        agree(&members);
        talk(&mut members, 0, "just us now");
        assert_eq!(members[0].epoch(), 6, "suite {cs}");
    }
}

#[test]
fn fifty_members_in_every_suite() {
    for cs in CipherSuite::ALL {
        let kps: Vec<_> = (0..50)
            .map(|i| bundle(cs, &format!("member-{i}")))
            .collect();
        let mut creator = Group::create(
            &P,
            &kps[0],
            b"fifty".to_vec(),
            Vec::new(),
            GroupConfig::default(),
        )
        .unwrap();
        let adds = kps[1..]
            .iter()
            .map(|kp| Proposal::Add {
                key_package: kp.key_package.clone(),
            })
            .collect();
        let out = creator.commit(&P, adds, false).unwrap();
        let welcome = out.welcome.clone().unwrap();
        assert_eq!(out.staged.summary.added.len(), 49);
        creator.merge(out.staged).unwrap();
        let mut members = vec![creator];
        for kp in &kps[1..] {
            members.push(join(&welcome, kp, BTreeMap::new()));
        }
        agree(&members);
        // A member in the middle commits an update path.
        let out = members[23].commit(&P, Vec::new(), false).unwrap();
        deliver(23, out, &mut members);
        // The last member removes ten others at once.
        let removes = (10..20).map(|i| Proposal::Remove { removed: i }).collect();
        let out = members[49].commit(&P, removes, false).unwrap();
        let message = wire(&out.commit);
        members[49].merge(out.staged).unwrap();
        let mut remaining = Vec::new();
        for (i, mut g) in members.into_iter().enumerate() {
            if i == 49 {
                remaining.push(g);
                continue;
            }
            let s = staged(g.process(&P, &message).unwrap());
            assert_eq!(s.summary.self_removed, (10..20).contains(&i), "member {i}");
            if !s.summary.self_removed {
                g.merge(s).unwrap();
                remaining.push(g);
            }
        }
        assert_eq!(remaining.len(), 40);
        agree(&remaining);
        talk(&mut remaining, 5, "forty left");
    }
}
