#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The Decoder's Group selector (issue 14, item 3): a message read with a
//! group of the workspace, read-only — a PrivateMessage decrypted into its
//! own field trees, signatures checked — and "Decode" from a group's
//! message list opening it with that group chosen. A message of another
//! group is refused naming the group it is for (item 4).

#[path = "support/gui.rs"]
mod gui;

use egui_kittest::kittest::Queryable as _;
use gui::{TempDir, alice_and_bob, click, harness, open_groups, settle};
use mls_core::inspect::SignatureOutcome;
use mls_inspector::ui::{InspectorApp, Tab};
use mls_inspector::workspace::{GroupOptions, GroupReading, Receipt, Workspace};

/// The reading the Decoder holds (after its job finished).
fn reading(h: &mut egui_kittest::Harness<'static, InspectorApp>) -> Result<GroupReading, String> {
    settle(h);
    match h.state_mut().decoder().reading() {
        Some(Ok(r)) => Ok(r.clone()),
        Some(Err(e)) => Err(e.to_owned()),
        None => panic!("no reading"),
    }
}

/// The decrypted `application_data` of a reading, hex.
fn application_data(r: &GroupReading) -> Option<String> {
    r.content.as_ref()?.fields.iter().find_map(|f| {
        f.walk()
            .into_iter()
            .find(|f| f.label == "application_data")
            .and_then(|f| f.value.clone())
    })
}

#[test]
fn a_private_message_is_decrypted_with_a_chosen_group_without_changing_it() {
    let dir = TempDir::new("decoder-group");
    let (a_db, a_key, b, b_key) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    let message = a.send(a_key, b"secret plans").unwrap();
    let before = b.group_row(b_key).unwrap();

    let mut app = InspectorApp::with_workspace(b.path());
    app.set_tab(Tab::Decoder);
    let mut h = harness(app);
    settle(&mut h);
    h.state_mut().decoder().load_bytes("message.mls", &message);
    settle(&mut h);
    assert!(h.state_mut().decoder().reading().is_none());
    let choices = h.state_mut().decoder().group_choices();
    assert_eq!(choices.len(), 1, "{choices:?}");

    // Choose Bob's group in the selector, by its label.
    click(&mut h, "Group:");
    click(&mut h, &choices[0]);
    assert_eq!(h.state_mut().decoder().selected_group(), Some(b_key));
    let r = reading(&mut h).unwrap();
    assert_eq!(r.epoch, before.epoch);
    assert!(r.current_epoch);
    assert!(r.decrypt_error.is_none(), "{:?}", r.decrypt_error);
    assert_eq!(
        application_data(&r).as_deref(),
        Some(hex::encode(b"secret plans").as_str())
    );
    assert!(
        r.sender.as_deref().unwrap().contains("alice"),
        "{:?}",
        r.sender
    );
    let signature = r
        .checks
        .iter()
        .find(|c| c.what.contains("signature"))
        .unwrap();
    assert_eq!(signature.outcome, SignatureOutcome::Verified);
    let sender_data = r.sender_data.as_ref().unwrap();
    assert!(
        sender_data.fields[0]
            .walk()
            .iter()
            .any(|f| f.label == "leaf_index")
    );
    h.get_by_label_contains("Decrypted with group");

    // Nothing was saved or consumed: Bob still receives the message.
    assert_eq!(b.group_row(b_key).unwrap().epoch, before.epoch);
    match b.receive(Some(b_key), &message).unwrap() {
        Receipt::Application { data, .. } => assert_eq!(data, b"secret plans"),
        other => panic!("{other:?}"),
    }
    // Now its key is used and deleted (forward secrecy): read again, the
    // sender data still decrypts, the content no longer does.
    h.state_mut().decoder().select_group(None);
    h.state_mut().decoder().select_group(Some(b_key));
    let r = reading(&mut h).unwrap();
    assert!(r.content.is_none());
    assert!(r.sender_data.is_some());
    assert!(r.decrypt_error.is_some());
    h.get_by_label_contains("Not decrypted:");
}

#[test]
fn decode_from_the_message_list_opens_with_the_group_chosen() {
    let dir = TempDir::new("decoder-group-list");
    let (a_db, a_key, _b, _b_key) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    a.send(a_key, b"hello bob").unwrap();
    drop(a);
    let mut h = open_groups(&a_db, Some(a_key));
    click(&mut h, "Messages");
    click(&mut h, "application");
    click(&mut h, "Decode");
    assert_eq!(h.state().tab(), Tab::Decoder);
    assert_eq!(h.state_mut().decoder().selected_group(), Some(a_key));
    let r = reading(&mut h).unwrap();
    assert!(r.group.starts_with(&format!("{a_key} team")), "{}", r.group);
    // Alice's own message: its sender data decrypts (leaf 0, Alice); the
    // content key was used when she sent it, and is gone.
    let sender = r.sender.as_deref().unwrap();
    assert!(
        sender.starts_with("leaf 0") && sender.contains("alice"),
        "{sender}"
    );
    assert!(r.sender_data.is_some());
    assert!(r.content.is_none() && r.decrypt_error.is_some());
}

#[test]
fn a_message_of_another_group_is_refused_naming_its_group() {
    let dir = TempDir::new("decoder-group-other");
    let (a_db, a_key, b, b_key) = alice_and_bob(&dir);
    let bob = b.identities().unwrap()[0].key;
    let other = b
        .group_create(
            bob,
            &GroupOptions {
                name: Some("other".into()),
                ..GroupOptions::default()
            },
        )
        .unwrap()
        .key;
    let a = Workspace::open(&a_db).unwrap();
    let message = a.send(a_key, b"for team").unwrap();
    let mut app = InspectorApp::with_workspace(b.path());
    app.set_tab(Tab::Decoder);
    let mut h = harness(app);
    settle(&mut h);
    h.state_mut().decoder().select_group(Some(other));
    h.state_mut().decoder().load_bytes("message.mls", &message);
    let e = reading(&mut h).unwrap_err();
    let team = b.group_row(b_key).unwrap().name;
    let expected =
        format!("this application message is for group {b_key} {team}, not {other} other");
    assert_eq!(e, expected);
    // The same from `group receive` on the wrong group: refused, named.
    let before = b.group_row(other).unwrap();
    let e = b.receive(Some(other), &message).unwrap_err().to_string();
    assert_eq!(e, expected);
    assert_eq!(b.group_row(other).unwrap().epoch, before.epoch);
}

#[test]
fn a_message_of_a_kept_past_epoch_reads_and_an_older_one_is_refused() {
    let dir = TempDir::new("decoder-group-epochs");
    let (a_db, a_key, b, b_key) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    let old = a.send(a_key, b"before the update").unwrap();
    let old_epoch = b.group_row(b_key).unwrap().epoch;
    // One epoch later (Alice updates, Bob applies).
    let next = |a: &Workspace, b: &Workspace| {
        let commit = a.commit_update(a_key).unwrap();
        a.apply(a_key).unwrap();
        b.receive(Some(b_key), &commit.commit).unwrap();
        b.apply(b_key).unwrap();
    };
    next(&a, &b);
    let mut app = InspectorApp::with_workspace(b.path());
    app.set_tab(Tab::Decoder);
    let mut h = harness(app);
    settle(&mut h);
    h.state_mut().decoder().select_group(Some(b_key));
    h.state_mut().decoder().load_bytes("old.mls", &old);
    let r = reading(&mut h).unwrap();
    assert_eq!(r.epoch, old_epoch);
    assert!(!r.current_epoch);
    assert!(r.readable_epochs.contains(&old_epoch));
    assert_eq!(
        application_data(&r).as_deref(),
        Some(hex::encode(b"before the update").as_str())
    );
    // Epochs later than what the group keeps: refused, saying which it keeps.
    let kept = r.readable_epochs.len();
    for _ in 0..kept {
        next(&a, &b);
    }
    h.state_mut().decoder().clear();
    h.state_mut().decoder().load_bytes("old.mls", &old);
    let e = reading(&mut h).unwrap_err();
    assert!(
        e.starts_with(&format!(
            "the message is of epoch {old_epoch}, whose keys this group no longer keeps"
        )),
        "{e}"
    );
}
