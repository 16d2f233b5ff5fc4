#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The window and an encrypted workspace (issue 13, item 3): an open
//! workspace is marked unprotected; a protected one asks for its
//! passphrase (a wrong one is refused and changes nothing), then works,
//! and locks again after the idle time.

#[path = "support/gui.rs"]
mod gui;

use egui_kittest::kittest::Queryable as _;
use gui::{TempDir, click, harness, type_into};
use mls_core::crypto::CipherSuite;
use mls_inspector::ui::{InspectorApp, Tab};
use mls_inspector::workspace::{KdfParams, OpenMode, Workspace};

#[test]
fn the_window_marks_an_unprotected_workspace_and_unlocks_a_protected_one() {
    let dir = TempDir::new("protect-window");
    let db = dir.file("ws.sqlite");
    let ws = Workspace::open(&db).unwrap();
    ws.identity_new(
        "alice",
        CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
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
    let mut app = InspectorApp::with_workspace(&db);
    app.set_tab(Tab::KeyPackages);
    let mut h = harness(app);
    h.run();
    assert!(h.state().workspace().is_none());
    assert!(h.state().is_locked());
    h.get_by_label("The workspace is protected");
    assert!(h.query_by_label("unprotected ·").is_none());
    // The Decoder works meanwhile.
    click(&mut h, "Decoder");
    click(&mut h, "Key packages");

    // A wrong passphrase: refused, the file unchanged.
    type_into(&mut h, "Passphrase:", "not it");
    click(&mut h, "Unlock");
    h.run();
    h.get_by_label_contains("wrong passphrase");
    assert!(h.state().is_locked());
    assert!(
        std::fs::read(&db).unwrap() == before,
        "a wrong passphrase changed the file"
    );

    // The right one opens it; the panels' jobs get the key.
    type_into(&mut h, "Passphrase:", "window passphrase");
    click(&mut h, "Unlock");
    h.run();
    assert!(!h.state().is_locked());
    let ws = h.state().workspace().expect("opened");
    assert_eq!(ws.identities().unwrap().len(), 1);
    h.get_by_label("protected ·");
    h.get_by_label_contains("alice");
}

#[test]
fn the_window_locks_after_the_idle_time() {
    let dir = TempDir::new("protect-idle");
    let db = dir.file("ws.sqlite");
    let ws = Workspace::open(&db).unwrap();
    ws.identity_new(
        "alice",
        CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
    )
    .unwrap();
    ws.store().protect(b"idle", KdfParams::TEST).unwrap();
    drop(ws);
    // The idle time is a workspace setting (not a secret).
    Workspace::open_locked(&db, OpenMode::Existing)
        .unwrap()
        .set_setting("lock_after_seconds", Some("1"))
        .unwrap();
    Workspace::unlock_session(&db, "idle").unwrap();
    let mut app = InspectorApp::with_workspace(&db);
    app.set_tab(Tab::KeyPackages);
    let mut h = harness(app);
    h.run();
    assert!(!h.state().is_locked());
    std::thread::sleep(std::time::Duration::from_millis(1_200));
    h.step();
    h.run();
    assert!(h.state().is_locked());
    h.get_by_label("The workspace is protected");
    // The key is forgotten: opening needs the passphrase again.
    assert!(Workspace::open(&db).is_err());
}

#[test]
fn the_window_shows_plaintext_it_did_not_keep_until_it_closes() {
    use gui::{alice_and_bob, drop_file, open_groups, status_text};
    use mls_inspector::workspace::{MessageKind, Receipt};
    let dir = TempDir::new("session-plaintext");
    let (a_db, a_key, b, b_key) = alice_and_bob(&dir);
    let mut h = open_groups(&a_db, Some(a_key));
    type_into(&mut h, "Text to send:", "hello bob");
    click(&mut h, "Send");
    let sent = h.state_mut().groups().outputs().to_vec();
    assert_eq!(sent.len(), 1, "{}", status_text(&mut h));
    match b.receive(Some(b_key), &sent[0].bytes).unwrap() {
        Receipt::Application { data, .. } => assert_eq!(data, b"hello bob"),
        other => panic!("{other:?}"),
    }
    let reply = b.send(b_key, b"hi alice").unwrap();
    drop_file(&mut h, "reply.mls", &reply);
    // Shown in the table for this session…
    h.get_by_label("hello bob");
    h.get_by_label("hi alice");
    // …but not stored (keep_plaintext=false by default)…
    let a = Workspace::open(&a_db).unwrap();
    let stored: Vec<_> = a
        .messages(Some(a_key))
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::Application)
        .collect();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|m| m.content.is_none()));
    drop(h);
    // …so a new window lists the messages without their text.
    let mut h = open_groups(&a_db, Some(a_key));
    click(&mut h, "Messages");
    // The rows are there (the reply's size), their text is not.
    h.get_by_label(&format!("{} bytes", reply.len()));
    assert!(h.query_by_label("hello bob").is_none());
    assert!(h.query_by_label("hi alice").is_none());
}
