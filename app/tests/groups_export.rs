#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The Groups panel's "Export secret…" form, driven headless: fields
//! checked as they are typed, the value derived in a job and shown only
//! after Reveal, and equal to what another member's workspace exports.

use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mls_core::crypto::CipherSuite;
use mls_inspector::workspace::{GroupOptions, Workspace};

#[path = "support/gui.rs"]
mod gui;
use gui::{TempDir, click, open_groups_sized, status_text, type_into};

#[test]
fn export_secret_form_reveals_the_value_every_member_derives() {
    for cs in [
        CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
        CipherSuite::Mls256Dhkemp384Aes256gcmSha384P384,
    ] {
        let dir = TempDir::new("export-gui");
        let a_db = dir.file("alice.sqlite");
        let a = Workspace::open(&a_db).unwrap();
        let alice = a.identity_new("alice", cs).unwrap();
        let group = a.group_create(alice.key, &GroupOptions::default()).unwrap();
        let b = Workspace::open(dir.file("bob.sqlite")).unwrap();
        let bob = b.identity_new("bob", cs).unwrap();
        let kp = b.key_package_new(bob.key).unwrap();
        let commit = a.commit_add(group.key, &[kp.bytes]).unwrap();
        a.apply(group.key).unwrap();
        let bobs = b.join(&commit.welcome.unwrap(), None).unwrap().key;

        let mut h = open_groups_sized(&a_db, Some(group.key), [1200.0, 1400.0]);
        type_into(&mut h, "Exporter label:", "call keys");
        // Checked as typed: not hex, then too long.
        type_into(&mut h, "Exporter context:", "zz");
        h.get_by_label_contains("the context is not hex");
        assert!(
            h.get_by_label("Export secret")
                .accesskit_node()
                .is_disabled()
        );
        h.get_by_label("Exporter context:").focus();
        h.run();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.get_by_label("Exporter context:").type_text("c0ffee");
        h.run();
        assert!(h.query_by_label_contains("not hex").is_none());
        let max = 255 * cs.hash_len();
        type_into(&mut h, "Exporter length:", &(max + 1).to_string());
        h.get_by_label_contains(&format!("over {max} bytes"));
        h.get_by_label("Exporter length:").focus();
        h.run();
        h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
        h.get_by_label("Exporter length:").type_text("42");
        h.run();
        assert!(
            h.query_by_label_contains(&format!("over {max} bytes"))
                .is_none()
        );

        click(&mut h, "Export secret");
        assert!(
            status_text(&mut h).contains("click Reveal"),
            "{}",
            status_text(&mut h)
        );
        // Bob's workspace derives the same value on its own.
        let expected = hex::encode(
            b.export_secret(bobs, "call keys", &[0xc0, 0xff, 0xee], Some(42))
                .unwrap()
                .secret
                .as_bytes(),
        );
        assert_eq!(expected.len(), 84);
        // Hidden until Reveal, and not in the status line.
        assert!(h.query_by_label_contains(&expected).is_none());
        assert!(!status_text(&mut h).contains(&expected));
        click(&mut h, "Reveal");
        h.get_by_label(&expected);
        click(&mut h, "Hide");
        assert!(h.query_by_label_contains(&expected).is_none());
        // Another label gives another value.
        let other = hex::encode(
            b.export_secret(bobs, "call keyz", &[0xc0, 0xff, 0xee], Some(42))
                .unwrap()
                .secret
                .as_bytes(),
        );
        assert_ne!(other, expected);
    }
}
