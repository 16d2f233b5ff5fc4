#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The Trust roots and Key packages tabs, driven headless with
//! egui_kittest: certificates and key packages are dropped, typed and
//! clicked in, and the result is read back from the workspace file.

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_core::crypto::CipherSuite;
use mls_inspector::ui::{InspectorApp, Tab};
use mls_inspector::workspace::Workspace;

#[path = "support/gui.rs"]
mod gui;
use gui::{TempDir, click, drop_file, harness, settle, type_into};

const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;

fn open_tab(db: &Path, tab: Tab) -> Harness<'static, InspectorApp> {
    let mut app = InspectorApp::with_workspace(db);
    app.set_tab(tab);
    let mut h = harness(app);
    settle(&mut h);
    h
}

#[path = "support/cert.rs"]
mod cert;

#[test]
fn dropped_certificate_becomes_a_trust_root() {
    let dir = TempDir::new("roots");
    let db = dir.file("ws.sqlite");
    let mut h = open_tab(&db, Tab::TrustRoots);
    h.get_by_label("Trust roots (0)");

    let der = cert::self_signed_ca("CN=GUI Test Root,O=Example", 7);
    drop_file(&mut h, "root.pem", cert::pem(&der).as_bytes());
    let ws = Workspace::open(&db).unwrap();
    let roots = ws.trust_roots().unwrap();
    assert_eq!(roots.len(), 1, "{:?}", h.state_mut().trust_roots().status());
    assert!(roots[0].subject.contains("GUI Test Root"), "{:?}", roots[0]);
    h.get_by_label("Trust roots (1)");
    // Self-signed: subject and issuer are the same name.
    assert_eq!(h.get_all_by_label(&roots[0].subject).count(), 2);
    assert!(!h.state_mut().trust_roots().status().unwrap().error);

    // DER works too, and a second root is listed after the first.
    let der2 = cert::self_signed_ca("CN=Second Root", 8);
    drop_file(&mut h, "second.der", &der2);
    assert_eq!(ws.trust_roots().unwrap().len(), 2);
    h.get_by_label("Trust roots (2)");

    // Something that is no certificate is refused, in red.
    drop_file(&mut h, "notes.txt", b"hello");
    let status = h.state_mut().trust_roots().status().cloned().unwrap();
    assert!(
        status.error && status.text.contains("notes.txt"),
        "{status:?}"
    );
    assert_eq!(ws.trust_roots().unwrap().len(), 2);

    // Remove the first.
    h.get_all_by_label("Remove").next().unwrap().click();
    settle(&mut h);
    let roots = ws.trust_roots().unwrap();
    assert_eq!(roots.len(), 1);
    assert!(roots[0].subject.contains("Second Root"));
}

#[test]
fn pasted_pem_is_imported() {
    let dir = TempDir::new("roots-paste");
    let db = dir.file("ws.sqlite");
    let mut h = open_tab(&db, Tab::TrustRoots);
    let pem = cert::pem(&cert::self_signed_ca("CN=Pasted Root", 9));
    h.get_by_label("PEM:").focus();
    h.run();
    h.event(egui::Event::Paste(pem));
    h.run();
    click(&mut h, "Import pasted");
    let roots = Workspace::open(&db).unwrap().trust_roots().unwrap();
    assert_eq!(roots.len(), 1);
    assert!(roots[0].subject.contains("Pasted Root"));
}

#[test]
fn key_packages_are_created_listed_and_checked() {
    let dir = TempDir::new("kps");
    let db = dir.file("ws.sqlite");
    let mut h = open_tab(&db, Tab::KeyPackages);
    h.get_by_label("Identities (0)");

    type_into(&mut h, "Name:", "carol");
    click(&mut h, "Create identity");
    let ws = Workspace::open(&db).unwrap();
    let ids = ws.identities().unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].name, "carol");
    h.get_by_label("Identities (1)");

    click(&mut h, "Create key package");
    click(&mut h, "Create key package");
    let kps = ws.key_packages().unwrap();
    assert_eq!(kps.len(), 2);
    assert!(
        kps.iter()
            .all(|k| k.identity == Some(ids[0].key) && !k.used)
    );
    h.get_by_label("Our key packages (2)");
    // The last one made is selected, ready to export.
    h.get_by_label("Copy hex");

    // Someone else's key package, dropped: valid, with what is in it.
    let other = Workspace::open(dir.file("other.sqlite")).unwrap();
    let dave = other.identity_new("dave", CS).unwrap();
    let kp = other.key_package_new(dave.key).unwrap();
    drop_file(&mut h, "dave.kp", &kp.bytes);
    let check = h.state_mut().key_packages().foreign().cloned().unwrap();
    let info = check.result.expect("valid");
    assert_eq!(info.credential, "dave");
    assert_eq!(info.reference_hex, kp.reference_hex);
    assert_eq!(info.identity, None, "not ours");
    h.get_by_label("✔ Valid key package");
    h.get_by_label(&kp.reference_hex);

    // Typed as base64 it is the same key package.
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(&kp.bytes);
    h.get_by_label("Key package:").focus();
    h.run();
    h.event(egui::Event::Paste(b64));
    h.run();
    click(&mut h, "Check");
    let check = h.state_mut().key_packages().foreign().cloned().unwrap();
    assert_eq!(check.result.unwrap().reference_hex, kp.reference_hex);

    // A tampered one says why it is unusable.
    let mut bad = kp.bytes.clone();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    drop_file(&mut h, "tampered.kp", &bad);
    let check = h.state_mut().key_packages().foreign().cloned().unwrap();
    assert!(check.result.is_err());
    h.get_by_label("✖ Not usable");
    // Nothing of this was stored.
    assert_eq!(ws.key_packages().unwrap().len(), 2);
}
