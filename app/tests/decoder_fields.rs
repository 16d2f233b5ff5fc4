#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The Decoder's field tree at Wireshark's level, driven headless with
//! egui_kittest: length headers are rows of their own that a byte click
//! selects, and the keyboard moves through the tree.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_core::codec::{Encode as _, VlBytes};
use mls_core::framing::{
    Content, FramedContent, FramedContentAuthData, MlsMessage, MlsMessageBody, PublicMessage,
    Sender,
};
use mls_core::inspect;
use mls_inspector::ui::DecoderPanel;

#[path = "support/gui.rs"]
mod gui;
use gui::TestFile;

fn public_message() -> Vec<u8> {
    MlsMessage::new(MlsMessageBody::PublicMessage(PublicMessage {
        content: FramedContent {
            group_id: VlBytes(b"group-1".to_vec()),
            epoch: 3,
            sender: Sender::Member(1),
            authenticated_data: VlBytes::default(),
            content: Content::Application(VlBytes(b"hello".to_vec())),
        },
        auth: FramedContentAuthData {
            signature: VlBytes(vec![0x51; 64]),
            confirmation_tag: None,
        },
        membership_tag: Some(VlBytes(vec![0x7a; 32])),
    }))
    .to_bytes()
    .unwrap()
}

fn harness(bytes: &[u8]) -> Harness<'static, DecoderPanel> {
    let mut harness = Harness::builder()
        .with_size([1200.0, 800.0])
        .build_ui_state(
            |ui, panel: &mut DecoderPanel| panel.ui(ui),
            DecoderPanel::default(),
        );
    harness
        .input_mut()
        .dropped_files
        .push(TestFile::dropped("message.bin", bytes));
    harness.run();
    harness
}

fn selected_path(harness: &Harness<'static, DecoderPanel>) -> Option<String> {
    harness.state().selected().map(|f| f.path.clone())
}

fn press(harness: &mut Harness<'static, DecoderPanel>, key: Key) {
    harness.key_press(key);
    harness.run();
}

#[test]
fn a_click_on_a_length_header_selects_the_length() {
    let bytes = public_message();
    let d = inspect::dissect(&bytes);
    let mut harness = harness(&bytes);
    let group_id = d.field_by_path("public_message.content.group_id").unwrap();
    // The header of "group-1": one byte holding 7, computed here.
    assert_eq!(bytes[group_id.start], 7);
    assert_eq!(&bytes[group_id.start + 1..group_id.end], b"group-1");
    harness
        .get_by_label(&format!("byte {}", group_id.start))
        .click();
    harness.run();
    let selected = harness.state().selected().unwrap().clone();
    assert_eq!(selected.path, "public_message.content.group_id.length");
    assert_eq!(selected.value.as_deref(), Some("7"));
    assert_eq!(
        harness.state().highlighted(),
        Some(group_id.start..group_id.start + 1)
    );
    // Its row is in the tree, under the group id.
    let visible = harness.state_mut().visible_paths();
    let at = visible.iter().position(|p| *p == selected.path).unwrap();
    assert_eq!(visible[at - 1], group_id.path);
    // A click on the content selects the group id itself.
    harness
        .get_by_label(&format!("byte {}", group_id.end - 1))
        .click();
    harness.run();
    assert_eq!(
        selected_path(&harness).as_deref(),
        Some(group_id.path.as_str())
    );
}

#[test]
fn the_keyboard_moves_through_the_field_tree() {
    let bytes = public_message();
    let d = inspect::dissect(&bytes);
    let mut harness = harness(&bytes);
    let range = |path: &str| {
        let f = d.field_by_path(path).unwrap();
        Some(f.start..f.end)
    };
    assert_eq!(selected_path(&harness), None);
    let visible = harness.state_mut().visible_paths();

    // Down from nothing: the first row; then row by row.
    press(&mut harness, Key::ArrowDown);
    assert_eq!(selected_path(&harness).as_ref(), Some(&visible[0]));
    press(&mut harness, Key::ArrowDown);
    press(&mut harness, Key::ArrowDown);
    assert_eq!(selected_path(&harness).as_ref(), Some(&visible[2]));
    assert_eq!(visible[2], "public_message");
    assert_eq!(harness.state().highlighted(), range("public_message"));
    press(&mut harness, Key::ArrowUp);
    assert_eq!(selected_path(&harness).as_ref(), Some(&visible[1]));
    press(&mut harness, Key::ArrowDown);

    // Left closes the open field, Right opens it again.
    let child = "public_message.content".to_owned();
    assert!(harness.state_mut().visible_paths().contains(&child));
    press(&mut harness, Key::ArrowLeft);
    assert!(!harness.state_mut().visible_paths().contains(&child));
    assert_eq!(selected_path(&harness).as_deref(), Some("public_message"));
    press(&mut harness, Key::ArrowRight);
    assert!(harness.state_mut().visible_paths().contains(&child));
    assert_eq!(selected_path(&harness).as_deref(), Some("public_message"));

    // Right on an open field goes to its first child; Left on a closed
    // one (or a leaf) goes to its parent.
    press(&mut harness, Key::ArrowRight);
    assert_eq!(selected_path(&harness).as_ref(), Some(&child));
    assert_eq!(harness.state().highlighted(), range(&child));
    press(&mut harness, Key::ArrowLeft);
    press(&mut harness, Key::ArrowLeft);
    assert_eq!(selected_path(&harness).as_deref(), Some("public_message"));

    // Enter selects: the field's bytes are highlighted.
    harness.state_mut().deselect();
    harness.run();
    assert_eq!(harness.state().highlighted(), None);
    press(&mut harness, Key::Enter);
    assert_eq!(selected_path(&harness).as_ref(), Some(&visible[0]));
    assert_eq!(harness.state().highlighted(), range(&visible[0]));

    // Ctrl+F puts the keyboard in the filter box: typing filters, and the
    // arrows are the box's.
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    harness.event(egui::Event::Text("epoch".to_owned()));
    harness.run();
    assert_eq!(harness.state().filter(), "epoch");
    let before = selected_path(&harness);
    press(&mut harness, Key::ArrowDown);
    assert_eq!(selected_path(&harness), before);
}

#[test]
fn lifetimes_and_certificates_show_in_the_tree_rows() {
    use mls_core::crypto::CipherSuite;
    use mls_core::messages::{Certificate, Credential, LeafNodeSource, Lifetime};
    use mls_core::test_utils::certgen::{self, Kind, TestKey, issue};
    let cs = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
    let mut kp = mls_core::test_utils::groups::member(cs, "alice").key_package;
    kp.leaf_node.leaf_node_source = LeafNodeSource::KeyPackage(Lifetime {
        not_before: 1_600_000_000,
        not_after: 1_700_000_000,
    });
    let root = issue(
        &certgen::ca("CN=Test Root"),
        TestKey::new(Kind::P256, "root"),
        None,
    );
    kp.leaf_node.credential = Credential::X509 {
        certificates: vec![Certificate {
            cert_data: VlBytes(root.der.clone()),
        }],
    };
    let bytes = MlsMessage::new(MlsMessageBody::KeyPackage(kp))
        .to_bytes()
        .unwrap();
    let mut harness = harness(&bytes);
    let lifetime = "key_package.leaf_node.lifetime.not_after";
    let cert = "key_package.leaf_node.credential.certificates[0].cert_data";
    assert!(harness.state_mut().select_path(lifetime));
    assert!(
        harness
            .state_mut()
            .select_path(&format!("{cert}.public_key_algorithm"))
    );
    harness.run();
    // The rows show the dates (worked out by hand) and the marks, and the
    // certificate's parts.
    harness.get_by_label("1700000000 (2023-11-14 22:13:20 UTC, expired)");
    harness.get_by_label("1600000000 (2020-09-13 12:26:40 UTC)");
    harness.get_by_label("public_key_algorithm");
    harness.get_by_label("ECDSA P-256");
    assert!(
        harness.query_all_by_label("CN=Test Root").count() >= 2,
        "subject and issuer"
    );
}
