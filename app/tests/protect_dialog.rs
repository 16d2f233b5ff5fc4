#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The window's place for `workspace protect / change-passphrase /
//! unprotect` (issue 13, item 3, reachable from the window): the top bar's
//! "unprotected" mark opens the passphrase dialog; mismatched or wrong
//! passphrases are refused without changing the file; protecting seals the
//! secrets (the file no longer holds the identity's private key in clear)
//! and removing the protection with the right passphrase undoes it.

#[path = "support/gui.rs"]
mod gui;

use egui_kittest::kittest::Queryable as _;
use gui::{CS, TempDir, click, harness, settle, type_into};
use mls_inspector::ui::{InspectorApp, Tab};
use mls_inspector::workspace::Workspace;

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// The file and its write-ahead log.
fn file_bytes(db: &std::path::Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    if let Ok(wal) = std::fs::read(format!("{}-wal", db.display())) {
        bytes.extend(wal);
    }
    bytes
}

#[test]
fn the_window_protects_and_unprotects_the_workspace() {
    let dir = TempDir::new("protect-dialog");
    let db = dir.file("ws.sqlite");
    let ws = Workspace::open(&db).unwrap();
    let alice = ws.identity_new("alice", CS).unwrap();
    // The identity's signature private key, as stored in clear today.
    let secret = ws.store().identity_private(alice.key).unwrap();
    assert!(contains(&file_bytes(&db), secret.as_bytes()));
    drop(ws);

    let mut app = InspectorApp::with_workspace(&db);
    app.set_tab(Tab::KeyPackages);
    let mut h = harness(app);
    settle(&mut h);
    click(&mut h, "unprotected ·");
    assert!(h.state().protect_dialog_open());

    // Two different passphrases: refused, nothing written.
    let before = file_bytes(&db);
    type_into(&mut h, "New passphrase:", "correct horse");
    type_into(&mut h, "Repeat:", "correct hose");
    click(&mut h, "Protect");
    h.get_by_label("The two new passphrases differ.");
    assert_eq!(file_bytes(&db), before);

    // (The Repeat field was emptied.)
    type_into(&mut h, "Repeat:", "correct horse");
    click(&mut h, "Protect");
    assert!(!h.state().protect_dialog_open());
    h.get_by_label("protected ·");
    let file = file_bytes(&db);
    assert!(
        !contains(&file, secret.as_bytes()),
        "the private key is still in clear"
    );
    assert!(
        Workspace::open(&db)
            .unwrap()
            .protection()
            .unwrap()
            .is_some()
    );

    // Remove it: a wrong passphrase is refused and changes nothing.
    click(&mut h, "protected ·");
    click(&mut h, "Remove");
    type_into(&mut h, "Current passphrase:", "not it");
    let before = file_bytes(&db);
    click(&mut h, "Remove protection");
    h.get_by_label_contains("wrong passphrase");
    assert_eq!(file_bytes(&db), before);
    type_into(&mut h, "Current passphrase:", "correct horse");
    click(&mut h, "Remove protection");
    h.get_by_label("unprotected ·");
    assert!(
        Workspace::open(&db)
            .unwrap()
            .protection()
            .unwrap()
            .is_none()
    );
}
