#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The window and an encrypted workspace (issue 13, item 3): an open
//! workspace is marked unprotected; a protected one is not opened, the
//! window says why instead of failing, and its other tabs work.

#[path = "support/gui.rs"]
mod gui;

use egui_kittest::kittest::Queryable as _;
use gui::{TempDir, click, harness};
use mls_inspector::ui::InspectorApp;
use mls_inspector::workspace::{KdfParams, Workspace};

#[test]
fn the_window_marks_an_unprotected_workspace_and_refuses_a_protected_one() {
    let dir = TempDir::new("protect-window");
    let db = dir.file("ws.sqlite");
    let ws = Workspace::open(&db).unwrap();
    ws.identity_new(
        "alice",
        mls_core::crypto::CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
    )
    .unwrap();

    let mut h = harness(InspectorApp::with_workspace(&db));
    h.run();
    assert!(h.state().workspace().is_some());
    h.get_by_label("unprotected ·");

    // Protected (the smallest Argon2id cost, to stay fast).
    ws.store()
        .protect(b"window passphrase", KdfParams::TEST)
        .unwrap();
    drop(ws);
    let before = std::fs::read(&db).unwrap();
    let mut h = harness(InspectorApp::with_workspace(&db));
    h.run();
    assert!(h.state().workspace().is_none());
    let error = h.state().workspace_error().unwrap().to_owned();
    assert!(error.contains("protected by a passphrase"), "{error}");
    h.get_by_label_contains("Cannot open the workspace");
    assert!(h.query_by_label("unprotected ·").is_none());
    click(&mut h, "Groups");
    h.get_by_label("No workspace is open");
    click(&mut h, "Decoder");
    drop(h);
    assert!(
        std::fs::read(&db).unwrap() == before,
        "the window changed the file"
    );
    // The passphrase still opens it.
    let ws = Workspace::open_with_passphrase(&db, "window passphrase").unwrap();
    assert_eq!(ws.identities().unwrap().len(), 1);
}
