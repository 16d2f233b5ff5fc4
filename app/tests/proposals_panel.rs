#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Proposals in the Groups panel, driven headless with egui_kittest:
//! proposing from the "Propose…" menu, a received proposal on the pending
//! list, and the one Commit button ("Commit: 2 proposals, path") committing
//! them by reference. The other
//! member (a second workspace) receives the window's messages and must
//! agree on the epoch authenticator.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_inspector::ui::InspectorApp;
use mls_inspector::workspace::{ProposalRequest, Receipt, Workspace};

#[path = "support/gui.rs"]
mod gui;
use gui::{CS, TempDir, alice_and_bob, click, drop_file, open_groups, status_text};

/// References listed in the window's snapshot of the group.
fn window_references(h: &mut Harness<'static, InspectorApp>) -> Vec<String> {
    h.state_mut()
        .groups()
        .snapshot()
        .unwrap()
        .proposals
        .iter()
        .map(|p| p.reference_hex.clone())
        .collect()
}

#[test]
fn propose_from_the_window_and_commit_the_pending_proposals() {
    let dir = TempDir::new("proposals-panel");
    let (a_db, group_key, b, bg) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    let carol_ws = Workspace::open(dir.file("carol.sqlite")).unwrap();
    let carol = carol_ws.identity_new("carol", CS).unwrap();
    let carol_kp = carol_ws.key_package_new(carol.key).unwrap();

    // Bob proposes an update (outside the window).
    let bob_update = b.propose(bg, &ProposalRequest::Update).unwrap();

    let mut h = open_groups(&a_db, Some(group_key));
    h.get_by_label("Group team");
    h.get_by_label("Pending proposals (epoch 1):");
    assert!(window_references(&mut h).is_empty());

    // Bob's proposal, dropped on the window: received and listed.
    drop_file(&mut h, "bob-update.mls", &bob_update.message);
    assert_eq!(
        window_references(&mut h),
        vec![bob_update.row.reference_hex.clone()],
        "{}",
        status_text(&mut h)
    );

    // Carol's key package, dropped: on the add list; proposed from the menu.
    drop_file(&mut h, "carol.kp", &carol_kp.bytes);
    assert_eq!(h.state_mut().groups().add_queue().len(), 1);
    click(&mut h, "Propose…");
    click(&mut h, "Propose adding carol");
    assert!(
        h.state_mut().groups().add_queue().is_empty(),
        "{}",
        status_text(&mut h)
    );
    let listed = window_references(&mut h);
    assert_eq!(listed.len(), 2, "{}", status_text(&mut h));
    // The workspace file agrees with the window.
    let stored: Vec<String> = a
        .proposals(group_key)
        .unwrap()
        .into_iter()
        .map(|p| p.reference_hex)
        .collect();
    assert_eq!(stored, listed);
    // The proposal message the window produced reaches Bob with the same
    // reference, computed on his side.
    let proposal = h.state_mut().groups().outputs()[0].bytes.clone();
    match b.receive(Some(bg), &proposal).unwrap() {
        Receipt::Proposal { reference_hex, .. } => assert_eq!(reference_hex, listed[1]),
        other => panic!("{other:?}"),
    }

    click(&mut h, "Commit: 2 proposals, path");
    let pending = a.pending(group_key).unwrap().expect("a staged commit");
    assert_eq!(pending.summary.added.len(), 1);
    assert_eq!(pending.summary.updated.len(), 1);
    click(&mut h, "Apply");
    let row = a.group_row(group_key).unwrap();
    assert_eq!(
        (row.epoch, row.member_count),
        (2, 3),
        "{}",
        status_text(&mut h)
    );
    assert_eq!(h.state_mut().groups().snapshot().unwrap().row.epoch, 2);
    assert!(window_references(&mut h).is_empty());
    assert!(a.proposals(group_key).unwrap().is_empty());
    h.get_by_label("Pending proposals (epoch 2):");

    // Bob applies the same commit and agrees.
    let commit = a
        .messages(Some(group_key))
        .unwrap()
        .into_iter()
        .rev()
        .find(|m| m.kind == mls_inspector::workspace::MessageKind::Commit)
        .unwrap();
    b.receive(Some(bg), &commit.bytes).unwrap();
    b.apply(bg).unwrap();
    assert_eq!(
        b.group_show(bg).unwrap().epoch_authenticator_hex,
        a.group_show(group_key).unwrap().epoch_authenticator_hex
    );
}
