#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! File choices without the system dialog (issue 14, item 6): every
//! "Open…"/"Save…" menu has a Path field. Opening a message by typed path
//! in the Decoder, checking a vector file and choosing the vectors'
//! directory by path in Conformance, and saving a produced message to a
//! typed path in the Groups panel.

#[path = "support/gui.rs"]
mod gui;

use egui_kittest::kittest::Queryable as _;
use gui::{TempDir, alice_and_bob, click, harness, open_groups, settle, status_text};
use mls_inspector::ui::{InspectorApp, Tab};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../assets/examples/welcome.bin"
);

/// Opens the menu `menu`, types `path` into its Path field, clicks `go`.
fn by_path(h: &mut egui_kittest::Harness<'static, InspectorApp>, menu: &str, path: &str, go: &str) {
    click(h, menu);
    h.get_by_label("Path:").focus();
    h.run();
    h.get_by_label("Path:").type_text(path);
    h.run();
    click(h, go);
    settle(h);
}

#[test]
fn the_decoder_opens_a_typed_path_and_says_when_there_is_no_such_file() {
    let mut app = InspectorApp::default();
    app.set_tab(Tab::Decoder);
    let mut h = harness(app);
    h.run();
    by_path(&mut h, "Open file…", EXAMPLE, "Open");
    let expected = mls_core::inspect::dissect(&std::fs::read(EXAMPLE).unwrap()).summary;
    let summary = h
        .state_mut()
        .decoder()
        .dissection()
        .map(|d| d.summary.clone());
    assert_eq!(summary.as_deref(), Some(expected.as_str()));

    by_path(&mut h, "Open file…", "/nonexistent/message.mls", "Open");
    let status = h.state_mut().decoder().status().cloned().unwrap();
    assert!(status.error);
    assert_eq!(status.text, "/nonexistent/message.mls: no such file");
    // Shown in the status bar.
    h.get_by_label(&status.text);
}

#[test]
fn conformance_checks_a_typed_path_and_takes_a_vectors_directory() {
    let dir = TempDir::new("file-choice-vectors");
    let mut app = InspectorApp::default();
    app.set_tab(Tab::Conformance);
    let mut h = harness(app);
    h.run();
    // A directory that is not one is refused, the default kept.
    let default = h.state_mut().conformance().vectors_dir();
    by_path(&mut h, "Vectors directory…", "/nonexistent/vectors", "Use");
    assert_eq!(h.state_mut().conformance().vectors_dir(), default);
    h.get_by_label_contains("/nonexistent/vectors is not a directory");
    // A real one is used, and shown.
    let vectors = dir.path().to_path_buf();
    by_path(
        &mut h,
        "Vectors directory…",
        vectors.to_str().unwrap(),
        "Use",
    );
    assert_eq!(h.state_mut().conformance().vectors_dir(), vectors);
    h.get_by_label_contains(&format!(
        "Official vectors: {} (chosen here)",
        vectors.display()
    ));
}

#[test]
fn a_produced_message_is_saved_to_a_typed_path() {
    let dir = TempDir::new("file-choice-save");
    let (a_db, a_key, _b, _b_key) = alice_and_bob(&dir);
    let mut h = open_groups(&a_db, Some(a_key));
    click(&mut h, "Export GroupInfo");
    let outputs = h.state_mut().groups().outputs().to_vec();
    assert_eq!(outputs.len(), 1, "{}", status_text(&mut h));
    let target = dir.file("group-info.mls");
    // (Below the fold of the actions column: scrolled into view first.)
    h.get_by_label("Save…").scroll_to_me();
    h.run();
    by_path(&mut h, "Save…", target.to_str().unwrap(), "Save");
    assert_eq!(std::fs::read(&target).unwrap(), outputs[0].bytes);
    assert!(
        status_text(&mut h).contains("Saved"),
        "{}",
        status_text(&mut h)
    );
}
