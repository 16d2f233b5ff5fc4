#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Late application messages of kept past epochs (`max_past_epochs`).

use super::*;
use crate::crypto::{CipherSuite, RustCrypto};
use crate::framing::MlsMessage;
use crate::test_utils::groups::{self, member, staged, wire};

const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;

/// Alice and Bob, Bob keeping `bob_past` past epochs; Alice sends her
/// handshake messages as PrivateMessage.
fn pair(bob_past: usize) -> (Group, Group) {
    let bundles = [member(CS, "alice"), member(CS, "bob")];
    groups::two(groups::group_from(b"late", Vec::new(), &bundles, |i| {
        GroupConfig {
            max_past_epochs: if i == 1 { bob_past } else { 1 },
            encrypt_handshake: i == 0,
            ..GroupConfig::default()
        }
    }))
}

/// Alice commits (empty) and both merge; returns the commit.
fn next_epoch(alice: &mut Group, bob: &mut Group) -> MlsMessage {
    let p = RustCrypto;
    let out = alice.commit(&p, Vec::new(), false).unwrap();
    let s = staged(bob.process(&p, &wire(&out.commit)).unwrap());
    bob.merge(s).unwrap();
    alice.merge(out.staged).unwrap();
    assert_eq!(alice.epoch_authenticator(), bob.epoch_authenticator());
    out.commit
}

fn text(r: Received) -> Vec<u8> {
    match r {
        Received::Application { data, .. } => data,
        other => panic!("{other:?}"),
    }
}

fn wrong_epoch(e: GroupError) -> (u64, u64) {
    match e {
        GroupError::WrongEpoch { expected, got } => (expected, got),
        other => panic!("expected WrongEpoch, got {other}"),
    }
}

#[test]
fn a_late_message_of_the_previous_epoch_decrypts_once() {
    let p = RustCrypto;
    let (mut alice, mut bob) = pair(1);
    let epoch = alice.epoch();
    let late = wire(&alice.send_application(&p, b"late", b"ad").unwrap());
    next_epoch(&mut alice, &mut bob);
    assert_eq!(bob.kept_past_epochs(), vec![epoch]);
    // Through the stored state, as an application would.
    let mut bob = Group::from_bytes(&p, bob.to_bytes().unwrap().as_bytes()).unwrap();
    assert_eq!(text(bob.process(&p, &late).unwrap()), b"late".to_vec());
    // Its key is consumed: a replay is refused, and nothing changes.
    let before = bob.to_bytes().unwrap();
    assert!(bob.process(&p, &late).is_err());
    assert_eq!(before.as_bytes(), bob.to_bytes().unwrap().as_bytes());
    // The current epoch still works both ways.
    let now = wire(&alice.send_application(&p, b"now", b"").unwrap());
    assert_eq!(text(bob.process(&p, &now).unwrap()), b"now".to_vec());
}

#[test]
fn with_no_past_epochs_a_late_message_is_refused_and_changes_nothing() {
    let p = RustCrypto;
    let (mut alice, mut bob) = pair(0);
    let epoch = alice.epoch();
    let late = wire(&alice.send_application(&p, b"late", b"").unwrap());
    next_epoch(&mut alice, &mut bob);
    assert!(bob.kept_past_epochs().is_empty());
    let before = bob.to_bytes().unwrap();
    let err = bob.process(&p, &late).unwrap_err();
    assert_eq!(wrong_epoch(err), (epoch + 1, epoch));
    assert_eq!(before.as_bytes(), bob.to_bytes().unwrap().as_bytes());
}

#[test]
fn a_message_two_epochs_old_is_refused_with_one_kept() {
    let p = RustCrypto;
    let (mut alice, mut bob) = pair(1);
    let epoch = alice.epoch();
    let late = wire(&alice.send_application(&p, b"old", b"").unwrap());
    next_epoch(&mut alice, &mut bob);
    next_epoch(&mut alice, &mut bob);
    assert_eq!(bob.kept_past_epochs(), vec![epoch + 1]);
    let before = bob.to_bytes().unwrap();
    let err = bob.process(&p, &late).unwrap_err();
    assert_eq!(wrong_epoch(err), (epoch + 2, epoch));
    assert_eq!(before.as_bytes(), bob.to_bytes().unwrap().as_bytes());
}

#[test]
fn two_kept_epochs_decrypt_a_message_two_epochs_old() {
    let p = RustCrypto;
    let (mut alice, mut bob) = pair(2);
    let late = wire(&alice.send_application(&p, b"old", b"").unwrap());
    next_epoch(&mut alice, &mut bob);
    next_epoch(&mut alice, &mut bob);
    assert_eq!(text(bob.process(&p, &late).unwrap()), b"old".to_vec());
}

#[test]
fn a_handshake_message_of_a_past_epoch_stays_refused() {
    let p = RustCrypto;
    let (mut alice, mut bob) = pair(1);
    let epoch = alice.epoch();
    // A PrivateMessage proposal of the old epoch, and a commit.
    let proposal = wire(&alice.propose_update(&p).unwrap());
    let mut alice2 = alice.clone();
    alice2.pending.clear();
    alice2.update_keys.clear();
    next_epoch(&mut alice2, &mut bob);
    let before = bob.to_bytes().unwrap();
    let err = bob.process(&p, &proposal).unwrap_err();
    assert_eq!(wrong_epoch(err), (epoch + 1, epoch));
    assert_eq!(before.as_bytes(), bob.to_bytes().unwrap().as_bytes());
}

#[test]
fn a_key_consumed_between_staging_and_merge_stays_consumed() {
    let p = RustCrypto;
    let (mut alice, mut bob) = pair(1);
    let late = wire(&alice.send_application(&p, b"in between", b"").unwrap());
    let out = alice.commit(&p, Vec::new(), false).unwrap();
    let s = staged(bob.process(&p, &wire(&out.commit)).unwrap());
    // Received in the old epoch while the commit is staged.
    assert_eq!(
        text(bob.process(&p, &late).unwrap()),
        b"in between".to_vec()
    );
    bob.merge(s).unwrap();
    assert!(bob.process(&p, &late).is_err());
}

/// A state written by the version-1 format (no past epochs, no
/// `max_past_epochs`) still loads, keeping no past epoch.
#[test]
fn a_version_1_state_still_loads() {
    let p = RustCrypto;
    let (mut alice, bob) = pair(1);
    let v2 = bob.to_bytes().unwrap();
    let v2 = v2.as_bytes();
    // Version 1 is version 2 without the trailing u32 `max_past_epochs`
    // and the (here empty, one length byte) vector of past epochs.
    assert_eq!(&v2[4..6], &[0, 2]);
    assert_eq!(&v2[v2.len() - 5..], &[0, 0, 0, 1, 0]);
    let mut v1 = v2[..v2.len() - 5].to_vec();
    v1[5] = 1;
    let mut loaded = Group::from_bytes(&p, &v1).unwrap();
    assert_eq!(loaded.epoch_authenticator(), bob.epoch_authenticator());
    assert!(loaded.kept_past_epochs().is_empty());
    assert_eq!(loaded.to_bytes().unwrap().as_bytes(), v2);
    let m = wire(&alice.send_application(&p, b"still works", b"").unwrap());
    assert_eq!(
        text(loaded.process(&p, &m).unwrap()),
        b"still works".to_vec()
    );
    // An unknown version is refused.
    let mut v3 = v2.to_vec();
    v3[5] = 3;
    assert!(Group::from_bytes(&p, &v3).is_err());
}
