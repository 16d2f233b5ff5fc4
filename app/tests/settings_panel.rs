#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The Settings section of a group's page, driven headless with
//! egui_kittest: a value typed in the window is validated as it is typed,
//! saved through a background job, and read back from the workspace file
//! through a second connection.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_inspector::ui::InspectorApp;
use mls_inspector::workspace::{GroupSettings, Workspace};

#[path = "support/gui.rs"]
mod gui;
use gui::{TempDir, alice_team, click, open_groups, settle};

/// Focuses the box labelled `label`, deletes its one-character value and
/// types `text`.
fn replace_one_char(h: &mut Harness<'static, InspectorApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press(egui::Key::End);
    h.run();
    h.key_press(egui::Key::Backspace);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

/// Scrolls the Save button into view (the section is at the end of the
/// actions column) and clicks it.
fn save(h: &mut Harness<'static, InspectorApp>) {
    h.get_by_label("Save settings").scroll_to_me();
    h.run();
    click(h, "Save settings");
}

#[test]
fn a_setting_changed_in_the_window_is_stored() {
    let dir = TempDir::new("settings-panel");
    let db = dir.file("alice.sqlite");
    let ws = Workspace::open(&db).unwrap();
    let group = alice_team(&ws);
    let stored = ws.group_settings(group).unwrap();
    assert_eq!(stored, GroupSettings::recommended());

    let mut h = open_groups(&db, Some(group));
    settle(&mut h);
    assert_eq!(h.state_mut().groups().settings_shown(), Some(stored));
    h.get_by_label("Settings");

    // Validated as typed: "1" → "" → "x" is refused, Save stays disabled.
    replace_one_char(&mut h, "past_epochs:", "x");
    h.get_by_label("past_epochs=x: expected past_epochs=0..=64");
    save(&mut h);
    assert_eq!(ws.group_settings(group).unwrap(), stored);

    replace_one_char(&mut h, "past_epochs:", "3");
    // "any" loses its last letter: "an" is refused until it is back.
    replace_one_char(&mut h, "accept_handshake:", "");
    h.get_by_label("accept_handshake=an: expected accept_handshake=any|public|private");
    h.get_by_label("accept_handshake:").type_text("y");
    h.run();
    save(&mut h);

    assert!(
        h.state_mut()
            .groups()
            .status()
            .is_some_and(|s| s.text.starts_with("Saved the settings")),
        "{:?}",
        h.state_mut().groups().status()
    );
    let saved = ws.group_settings(group).unwrap();
    assert_eq!(saved.past_epochs, 3);
    assert_eq!(saved, stored.with_assignments(&["past_epochs=3"]).unwrap());
    assert_eq!(h.state_mut().groups().settings_shown(), Some(saved));
    // Used by the group from now on.
    assert_eq!(ws.group_load(group).unwrap().config().max_past_epochs, 3);

    // Changed by another writer (as the CLI would): shown once the group
    // is read again.
    let other = ws.set_group_settings(group, &["padding=7"]).unwrap();
    h.state_mut().groups().select(Some(group));
    settle(&mut h);
    settle(&mut h);
    assert_eq!(h.state_mut().groups().settings_shown(), Some(other));
    assert_eq!(h.get_by_label("padding:").value().as_deref(), Some("7"));
}
