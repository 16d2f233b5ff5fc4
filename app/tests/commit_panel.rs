#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The one Commit action of the Groups overview, driven headless with
//! egui_kittest: its button says what the commit will hold (the queued key
//! packages, the members ticked for removal, the pending proposals, the
//! stored PSKs, a path), the path checkbox is forced on when RFC 9420
//! §12.4 requires a path, and one click stages ONE commit with all of it.
//! The other members (other workspaces) read the window's messages and
//! must agree.

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mls_core::crypto::Secret;
use mls_inspector::workspace::{MessageKind, Receipt, Workspace};

#[path = "support/gui.rs"]
mod gui;
use gui::{CS, TempDir, alice_and_bob, click, drop_file, open_groups, status_text};

#[test]
fn one_commit_adds_the_queue_and_removes_the_ticked_members() {
    let dir = TempDir::new("commit-plan");
    let (a_db, a_key, b, b_key) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    let others = Workspace::open(dir.file("others.sqlite")).unwrap();
    let carol = others.identity_new("carol", CS).unwrap();
    let dave = others.identity_new("dave", CS).unwrap();
    let carol_kp = others.key_package_new(carol.key).unwrap();
    let dave_kp = others.key_package_new(dave.key).unwrap();

    let mut h = open_groups(&a_db, Some(a_key));
    h.get_by_label("Group team");
    // Nothing queued or ticked: an empty commit, which must carry a path.
    h.get_by_label("Commit: path");
    assert!(
        h.get_by_label("with update path")
            .accesskit_node()
            .is_disabled()
    );
    // No PSK stored in this workspace: nothing to include.
    assert!(
        h.get_by_label("include PSKs")
            .accesskit_node()
            .is_disabled()
    );

    drop_file(&mut h, "carol.kp", &carol_kp.bytes);
    drop_file(&mut h, "dave.kp", &dave_kp.bytes);
    assert_eq!(
        h.state_mut().groups().add_queue().len(),
        2,
        "{}",
        status_text(&mut h)
    );
    // Adds alone need no path: the checkbox is the user's choice.
    h.get_by_label("Commit: add 2");
    assert!(
        !h.get_by_label("with update path")
            .accesskit_node()
            .is_disabled()
    );
    click(&mut h, "with update path");
    h.get_by_label("Commit: add 2, path");
    click(&mut h, "with update path");
    h.get_by_label("Commit: add 2");

    // Bob ticked for removal: the path is required now.
    click(&mut h, "Remove");
    assert_eq!(h.state_mut().groups().chosen_for_removal(), vec![1]);
    assert!(
        h.get_by_label("with update path")
            .accesskit_node()
            .is_disabled()
    );
    let commits_before = commit_count(&a, a_key);
    click(&mut h, "Commit: add 2, remove 1, path");

    // ONE commit, staged, holding both adds and the remove.
    let pending = a
        .pending(a_key)
        .unwrap()
        .unwrap_or_else(|| panic!("no staged commit: {}", status_text(&mut h)));
    assert_eq!(commit_count(&a, a_key), commits_before + 1);
    let mut added: Vec<&str> = pending
        .summary
        .added
        .iter()
        .map(|m| m.identity.as_str())
        .collect();
    added.sort_unstable();
    assert_eq!(added, ["carol", "dave"]);
    let removed: Vec<(u32, &str)> = pending
        .summary
        .removed
        .iter()
        .map(|m| (m.leaf, m.identity.as_str()))
        .collect();
    assert_eq!(removed, [(1, "bob")]);
    assert!(pending.summary.has_path);
    // The window's preview lists them.
    h.get_by_label("Local commit (staged)");
    let added_text = pending
        .summary
        .added
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    h.get_by_label(&added_text);
    h.get_by_label(&pending.summary.removed[0].to_string());
    // The choices were used up.
    assert!(h.state_mut().groups().add_queue().is_empty());
    assert!(h.state_mut().groups().chosen_for_removal().is_empty());

    click(&mut h, "Apply");
    let row = a.group_row(a_key).unwrap();
    assert_eq!(
        (row.epoch, row.member_count),
        (2, 3),
        "{}",
        status_text(&mut h)
    );

    // Bob reads the commit: it removes him, adds carol and dave.
    let commit = last_message(&a, a_key, MessageKind::Commit);
    match b.receive(Some(b_key), &commit).unwrap() {
        Receipt::CommitStaged(preview) => {
            assert!(preview.self_removed);
            assert_eq!(preview.summary.added.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    // A new member joins with the Welcome and agrees on the epoch.
    let welcome = last_message(&a, a_key, MessageKind::Welcome);
    let joined = others.join(&welcome, None).unwrap();
    assert_eq!(joined.epoch, 2);
    assert_eq!(
        others
            .group_show(joined.key)
            .unwrap()
            .epoch_authenticator_hex,
        a.group_show(a_key).unwrap().epoch_authenticator_hex
    );
}

#[test]
fn include_psks_injects_the_stored_psks() {
    let dir = TempDir::new("commit-psk");
    let (a_db, a_key, b, b_key) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    let secret = Secret::new(vec![0x5a; 32]);
    a.psk_add(b"shared", secret.clone()).unwrap();
    b.psk_add(b"shared", secret).unwrap();

    let mut h = open_groups(&a_db, Some(a_key));
    h.get_by_label("Commit: path");
    click(&mut h, "include PSKs");
    // A PSK proposal needs no path.
    h.get_by_label("Commit: psk 1");
    click(&mut h, "Commit: psk 1");
    let pending = a
        .pending(a_key)
        .unwrap()
        .unwrap_or_else(|| panic!("no staged commit: {}", status_text(&mut h)));
    assert_eq!(pending.summary.psks.len(), 1);
    assert!(!pending.summary.has_path);
    click(&mut h, "Apply");
    assert_eq!(a.group_row(a_key).unwrap().epoch, 2);

    // Bob, holding the same PSK, reaches the same epoch.
    let commit = last_message(&a, a_key, MessageKind::Commit);
    match b.receive(Some(b_key), &commit).unwrap() {
        Receipt::CommitStaged(preview) => assert_eq!(preview.summary.psks.len(), 1),
        other => panic!("{other:?}"),
    }
    b.apply(b_key).unwrap();
    assert_eq!(
        b.group_show(b_key).unwrap().epoch_authenticator_hex,
        a.group_show(a_key).unwrap().epoch_authenticator_hex
    );
}

/// The commits the group's log holds.
fn commit_count(ws: &Workspace, key: mls_inspector::workspace::GroupKey) -> usize {
    ws.messages(Some(key))
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::Commit)
        .count()
}

/// The bytes of the group's last message of `kind`.
fn last_message(
    ws: &Workspace,
    key: mls_inspector::workspace::GroupKey,
    kind: MessageKind,
) -> Vec<u8> {
    ws.messages(Some(key))
        .unwrap()
        .into_iter()
        .rev()
        .find(|m| m.kind == kind)
        .expect("the message was recorded")
        .bytes
}
