#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Reading messages with a member's state, read-only (`read_message`).

use super::*;
use crate::codec::Encode as _;
use crate::crypto::{CipherSuite, RustCrypto};
use crate::framing::{MlsMessageBody, Sender};
use crate::inspect::{Decrypted, decrypted_fields};
use crate::test_utils::groups::{self, member, staged, wire};

const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;

/// Alice (handshakes as PrivateMessage when `private`) and Bob, who keeps
/// one past epoch.
fn pair(private: bool) -> (Group, Group) {
    let bundles = [member(CS, "alice"), member(CS, "bob")];
    groups::two(groups::group_from(b"read", Vec::new(), &bundles, |_| {
        GroupConfig {
            max_past_epochs: 1,
            encrypt_handshake: private,
            ..GroupConfig::default()
        }
    }))
}

fn state(g: &Group) -> Vec<u8> {
    g.to_bytes().unwrap().as_bytes().to_vec()
}

#[test]
fn a_private_message_is_decrypted_and_verified_without_changing_the_state() {
    let p = RustCrypto;
    let (mut alice, mut bob) = pair(false);
    let message = wire(&alice.send_application(&p, b"secret plans", b"ad").unwrap());
    let before = state(&bob);
    let reading = bob.read_message(&p, &message).unwrap();
    assert_eq!(state(&bob), before, "reading changed the state");
    assert_eq!(reading.epoch, bob.epoch());
    assert!(reading.current_epoch);
    assert_eq!(reading.sender, Some(Sender::Member(alice.own_leaf())));
    assert_eq!(reading.signature, Check::Verified);
    assert_eq!(reading.membership_tag, None);
    let (sd, sd_bytes) = reading.sender_data.clone().unwrap();
    assert_eq!(sd.leaf_index, alice.own_leaf());
    assert_eq!(sd_bytes, sd.to_bytes().unwrap());
    // The decrypted content's field tree holds the data Bob then receives.
    let (content_type, plain) = reading.content.as_ref().unwrap();
    let (fields, error) =
        decrypted_fields(plain.as_bytes(), Decrypted::Content(*content_type), 1000);
    assert_eq!(error, None);
    let data = fields[0]
        .walk()
        .into_iter()
        .find(|f| f.label == "application_data")
        .unwrap()
        .clone();
    let Received::Application { data: received, .. } = bob.process(&p, &message).unwrap() else {
        panic!("not application data");
    };
    assert_eq!(data.value.as_deref(), Some(hex::encode(&received).as_str()));
    // The key is used now (and deleted): the same message no longer
    // decrypts, though the sender data still does.
    let again = bob.read_message(&p, &message).unwrap();
    assert!(again.content.is_none());
    assert!(again.decrypt_error.is_some());
    assert!(again.sender_data.is_some());
}

#[test]
fn a_public_commit_is_checked_and_a_tampered_one_fails_its_checks() {
    let p = RustCrypto;
    let (mut alice, bob) = pair(false);
    let out = alice.commit(&p, Vec::new(), false).unwrap();
    let commit = wire(&out.commit);
    let before = state(&bob);
    let reading = bob.read_message(&p, &commit).unwrap();
    assert_eq!(state(&bob), before);
    assert_eq!(reading.membership_tag, Some(Check::Verified));
    assert_eq!(reading.signature, Check::Verified);
    assert!(reading.content.is_none());
    // One byte of the signature flipped: both checks fail, with reasons.
    let mut tampered = commit.clone();
    let MlsMessageBody::PublicMessage(m) = &mut tampered.body else {
        panic!("not a PublicMessage");
    };
    m.auth.signature.0[0] ^= 1;
    let reading = bob.read_message(&p, &tampered).unwrap();
    assert!(matches!(reading.membership_tag, Some(Check::Failed(_))));
    assert!(matches!(reading.signature, Check::Failed(_)));
    assert_eq!(state(&bob), before);
}

#[test]
fn a_message_of_a_kept_past_epoch_is_read_with_that_epochs_keys() {
    let p = RustCrypto;
    let (mut alice, mut bob) = pair(true);
    let old_epoch = alice.epoch();
    let late = wire(&alice.send_application(&p, b"late", b"").unwrap());
    let out = alice.commit(&p, Vec::new(), false).unwrap();
    let s = staged(bob.process(&p, &wire(&out.commit)).unwrap());
    bob.merge(s).unwrap();
    alice.merge(out.staged).unwrap();
    let reading = bob.read_message(&p, &late).unwrap();
    assert_eq!(reading.epoch, old_epoch);
    assert!(!reading.current_epoch);
    assert_eq!(reading.signature, Check::Verified);
    assert!(reading.content.is_some());
    // Another group's message is refused.
    let (mut carol, _) = {
        let bundles = [member(CS, "carol"), member(CS, "dave")];
        groups::two(groups::group_from(b"other", Vec::new(), &bundles, |_| {
            GroupConfig::default()
        }))
    };
    let foreign = wire(&carol.send_application(&p, b"x", b"").unwrap());
    assert!(matches!(
        bob.read_message(&p, &foreign),
        Err(GroupError::WrongGroup { .. })
    ));
}
