#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Competing commits in the Groups panel, driven headless with
//! egui_kittest: Bob's own commit is staged, Alice's commit of the same
//! epoch is dropped on the window, the Staged commit view lists both with
//! the orchestrator's choice (lowest-leaf: Alice's), and Apply applies the
//! chosen one: Bob ends in the epoch Alice's commit makes, with the epoch
//! authenticator Alice computes.

use egui_kittest::kittest::Queryable as _;
use mls_inspector::ui::GroupView;
use mls_inspector::workspace::{CandidateStatus, Origin, Workspace};

#[path = "support/gui.rs"]
mod gui;
use gui::{TempDir, alice_and_bob, click, drop_file, open_groups, status_text};

#[test]
fn competing_commits_are_shown_with_the_choice_and_apply_uses_it() {
    let dir = TempDir::new("competing-panel");
    let (a_db, ag, b, bg) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    for (ws, key) in [(&a, ag), (&b, bg)] {
        ws.set_group_settings(key, &["conflict=lowest-leaf"])
            .unwrap();
    }
    // Both commit at epoch 1.
    let alice_commit = a.commit_update(ag).unwrap().commit;
    let bob_commit = b.commit_update(bg).unwrap().commit;

    // Bob's window: his own commit is staged; Alice's arrives.
    let mut h = open_groups(&dir.file("bob.sqlite"), Some(bg));
    drop_file(&mut h, "alice-commit.mls", &alice_commit);
    let status = status_text(&mut h);
    assert!(status.contains("2 competing commits"), "{status}");
    assert_eq!(h.state_mut().groups().view(), GroupView::Staged);

    // The window's snapshot: both candidates, Alice's (leaf 0) chosen,
    // Bob's own lost; the staged commit is Alice's.
    let snapshot = h.state_mut().groups().snapshot().unwrap().clone();
    let shown = snapshot.candidates.clone().unwrap();
    assert_eq!(shown.candidates.len(), 2);
    let chosen = shown.chosen().unwrap();
    assert_eq!(chosen.message, alice_commit);
    assert_eq!(chosen.sender, Some(0));
    let own = shown
        .candidates
        .iter()
        .find(|c| c.origin == Origin::Local)
        .unwrap();
    assert_eq!(own.message, bob_commit);
    assert_eq!(own.status, CandidateStatus::Lost);
    assert!(own.reason.contains("discarded"), "{}", own.reason);
    assert_eq!(snapshot.pending().unwrap().message, alice_commit);
    // The file agrees with the window.
    assert_eq!(b.commit_candidates(bg).unwrap(), shown);

    // The competing-commit table, with the chosen one marked.
    h.get_by_label("Competing commits for epoch 1 (2 candidates, conflict=lowest-leaf)");
    h.get_by_label(&format!("✔ #{} chosen", chosen.arrival));
    h.get_by_label(&format!("#{} lost", own.arrival));
    // Alice is named in the table (and as the staged commit's committer).
    assert!(h.query_all_by_label("alice (leaf 0)").count() >= 2);
    h.get_by_label("bob (leaf 1) (yours)");

    // Apply: the chosen commit is applied.
    click(&mut h, "Apply");
    let status = status_text(&mut h);
    let bob_now = b.group_show(bg).unwrap();
    assert_eq!(bob_now.row.epoch, 2, "{status}");
    let applied = a.apply(ag).unwrap();
    assert_eq!(applied.epoch, 2);
    assert_eq!(
        bob_now.epoch_authenticator_hex, applied.epoch_authenticator_hex,
        "Bob applied another commit than Alice's"
    );
    assert_eq!(b.history(bg).unwrap().last().unwrap().committer, Some(0));
}
