#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The group page's Re-initialise… and Create successor… dialogs, driven
//! headless by their labels: the ReInit commit is staged and applied, the
//! group is closed (marked, actions disabled) as it is in Bob's workspace
//! after receiving the same commit, and the successor created from the
//! dialog is joined by Bob at the same epoch authenticator.

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mls_inspector::workspace::Workspace;

#[path = "support/gui.rs"]
mod gui;
use gui::{TempDir, alice_and_bob, click, open_groups_sized, settle, status_text, type_into};

#[test]
fn reinit_dialog_closes_the_group_and_makes_its_successor() {
    let dir = TempDir::new("reinit-gui");
    let (a_db, group, b, bg) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    let mut h = open_groups_sized(&a_db, Some(group), [1200.0, 1600.0]);

    click(&mut h, "Re-initialise…");
    // Checked as typed.
    type_into(&mut h, "New group id:", "zz");
    h.get_by_label_contains("not hex");
    assert!(
        h.get_by_label("Stage ReInit commit")
            .accesskit_node()
            .is_disabled()
    );
    h.get_by_label("New group id:").focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.get_by_label("New group id:").type_text("abcd0123");
    h.run();
    click(&mut h, "Stage ReInit commit");
    let pending = a.pending(group).unwrap().expect("a staged commit");
    assert!(
        pending.text.contains("ReInit to group abcd0123"),
        "{} / {}",
        pending.text,
        status_text(&mut h)
    );
    click(&mut h, "Apply");

    // Closed in Alice's workspace, and the same in Bob's after the commit.
    let info = a.group_row(group).unwrap().reinitialised.expect("closed");
    assert_eq!(info.new_group_id_hex, "abcd0123");
    b.receive(Some(bg), &pending.message).unwrap();
    b.apply(bg).unwrap();
    assert_eq!(b.group_row(bg).unwrap().reinitialised, Some(info.clone()));
    assert_eq!(
        a.group_show(group).unwrap().epoch_authenticator_hex,
        b.group_show(bg).unwrap().epoch_authenticator_hex
    );

    // The page shows the marker and disables the actions.
    assert!(
        h.query_all_by_label_contains("re-initialised ➡ abcd0123")
            .next()
            .is_some()
    );
    assert!(h.get_by_label("Update").accesskit_node().is_disabled());
    assert!(h.get_by_label("Propose…").accesskit_node().is_disabled());
    assert!(
        h.get_by_label("Add from file…")
            .accesskit_node()
            .is_disabled()
    );
    assert!(h.query_by_label("Re-initialise…").is_none());

    // The successor, from the dialog, with Bob's new key package.
    let bob = b.identities().unwrap()[0].key;
    let kp = b.key_package_new(bob).unwrap();
    let kp_file = dir.file("bob-new.kp");
    std::fs::write(&kp_file, &kp.bytes).unwrap();
    click(&mut h, "Create successor…");
    type_into(&mut h, "Key packages:", kp_file.to_str().unwrap());
    click(&mut h, "Create successor");
    let created = a
        .groups()
        .unwrap()
        .into_iter()
        .find(|g| g.group_id_hex == "abcd0123")
        .unwrap_or_else(|| panic!("no successor: {}", status_text(&mut h)));
    assert_eq!(created.resumes.as_ref().unwrap().kind, "reinit");
    assert_eq!(h.state_mut().groups().selected(), Some(created.key));
    let welcome = h.state_mut().groups().outputs()[0].bytes.clone();
    let joined = b.join(&welcome, None).unwrap();
    assert_eq!(joined.resumes, created.resumes);
    assert_eq!(
        a.group_show(created.key).unwrap().epoch_authenticator_hex,
        b.group_show(joined.key).unwrap().epoch_authenticator_hex
    );

    // Back on the closed group: its successor is linked, not offered again.
    h.state_mut().groups().select(Some(group));
    settle(&mut h);
    h.get_by_label("Successor:");
    assert!(h.query_by_label("Create successor…").is_none());
    h.get_by_label_contains(&format!("{} ", created.key))
        .click();
    settle(&mut h);
    assert_eq!(h.state_mut().groups().selected(), Some(created.key));
}
