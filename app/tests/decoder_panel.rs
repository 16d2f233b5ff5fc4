#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The Decoder panel, driven headless with egui_kittest: messages dropped or
//! pasted onto it are dissected into the field tree and the hex dump, and
//! the two views select together.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT as _, Queryable as _};
use mls_core::codec::{Encode as _, VlBytes};
use mls_core::framing::{
    Content, FramedContent, FramedContentAuthData, MlsMessage, MlsMessageBody, PrivateMessage,
    PublicMessage, Sender,
};
use mls_core::inspect::{self, InputFormat, MessageKind};
use mls_inspector::ui::{DecoderPanel, InspectorApp, Tab};

#[path = "support/gui.rs"]
mod gui;
use gui::TestFile;

fn public_message() -> Vec<u8> {
    public_message_with(b"hello".to_vec())
}

fn public_message_with(application_data: Vec<u8>) -> Vec<u8> {
    MlsMessage::new(MlsMessageBody::PublicMessage(PublicMessage {
        content: FramedContent {
            group_id: VlBytes(b"group-1".to_vec()),
            epoch: 3,
            sender: Sender::Member(1),
            authenticated_data: VlBytes::default(),
            content: Content::Application(VlBytes(application_data)),
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

fn private_message(ciphertext_len: usize) -> Vec<u8> {
    MlsMessage::new(MlsMessageBody::PrivateMessage(PrivateMessage {
        group_id: VlBytes(b"group-1".to_vec()),
        epoch: 7,
        content_type: 1,
        authenticated_data: VlBytes::default(),
        encrypted_sender_data: VlBytes(vec![0x5e; 12]),
        ciphertext: VlBytes(vec![0xc1; ciphertext_len]),
    }))
    .to_bytes()
    .unwrap()
}

fn harness() -> Harness<'static, DecoderPanel> {
    Harness::builder()
        .with_size([1200.0, 800.0])
        .build_ui_state(
            |ui, panel: &mut DecoderPanel| panel.ui(ui),
            DecoderPanel::default(),
        )
}

fn drop_file(harness: &mut Harness<'static, DecoderPanel>, name: &str, bytes: &[u8]) {
    harness
        .input_mut()
        .dropped_files
        .push(TestFile::dropped(name, bytes));
    harness.run();
}

/// (path, type, start, end) of every field, depth first.
fn tree_of(panel: &DecoderPanel) -> Vec<(String, String, usize, usize)> {
    panel
        .dissection()
        .expect("something decoded")
        .all_fields()
        .iter()
        .map(|f| (f.path.clone(), f.type_name.clone(), f.start, f.end))
        .collect()
}

/// Whether the hex dump shows byte `offset` as highlighted.
fn byte_selected(harness: &Harness<'_, DecoderPanel>, offset: usize) -> bool {
    harness
        .get_by_label(&format!("byte {offset}"))
        .accesskit_node()
        .toggled()
        .expect("byte cells report their selection")
        == egui::accesskit::Toggled::True
}

#[test]
fn empty_panel_invites_input() {
    let mut harness = harness();
    harness.run();
    harness.get_by_label("Nothing decoded yet");
    harness.get_by_label("Open file…");
    harness.get_by_label("Load example");
    harness.get_by_label("Decode");
    assert!(harness.state().dissection().is_none());
}

#[test]
fn dropped_file_is_decoded_and_summarised() {
    let bytes = public_message();
    let mut harness = harness();
    drop_file(&mut harness, "message.bin", &bytes);

    let panel = harness.state();
    let d = panel.dissection().expect("the drop was decoded");
    assert!(d.ok(), "{:?}", d.error);
    assert_eq!(d.kind, MessageKind::MlsMessage);
    assert_eq!(
        d.summary,
        "MLSMessage (mls_public_message): PublicMessage (application), epoch 3"
    );
    let decoded = panel.decoded().unwrap();
    assert_eq!(decoded.name(), "message.bin");
    assert_eq!(decoded.input().format, InputFormat::Binary);
    assert_eq!(decoded.input().bytes, bytes);
    let summary = d.summary.clone();

    // The top bar shows the summary, the detection and the signature check.
    harness.get_by_label(&summary);
    harness.get_by_label_contains("MLSMessage — the input decodes completely");
    harness.get_by_label_contains(&format!("message.bin · binary · {} bytes", bytes.len()));
    // Not checkable without the group context: "?", not a failure.
    harness.get_by_label("? PublicMessage signature (FramedContentTBS)");
    assert!(
        harness
            .query_by_label("✖ PublicMessage signature (FramedContentTBS)")
            .is_none()
    );
    // The tree shows the fields, the hex dump the bytes.
    harness.get_by_label("membership_tag");
    harness.get_by_label("byte 0");
    assert_eq!(harness.state().recent().len(), 1);
    assert_eq!(harness.state().recent()[0].name, "message.bin");
}

#[test]
fn selecting_a_row_highlights_the_fields_bytes() {
    let bytes = public_message();
    let mut harness = harness();
    drop_file(&mut harness, "message.bin", &bytes);
    assert!(harness.state().selected().is_none());
    assert_eq!(harness.state().highlighted(), None);

    // Click the tree row of the epoch.
    harness.get_by_label("epoch").click();
    harness.run();
    let panel = harness.state();
    let field = panel.selected().expect("a field is selected").clone();
    assert_eq!(field.path, "public_message.content.epoch");
    assert_eq!(field.type_name, "uint64");
    assert_eq!(panel.highlighted(), Some(field.start..field.end));
    assert_eq!(panel.selected_bytes(), Some(&bytes[field.start..field.end]));
    // The hex dump marks exactly those bytes.
    for offset in field.start.saturating_sub(2)..field.end + 2 {
        assert_eq!(
            byte_selected(&harness, offset),
            (field.start..field.end).contains(&offset),
            "byte {offset}"
        );
    }
    harness.get_by_label("public_message.content.epoch");

    // Selecting by path does the same, for a field further down.
    assert!(
        harness
            .state_mut()
            .select_path("public_message.membership_tag")
    );
    harness.run();
    let tag = harness.state().selected().unwrap().clone();
    assert_eq!(harness.state().highlighted(), Some(tag.start..tag.end));
    assert_eq!(tag.end, bytes.len());
    assert!(byte_selected(&harness, tag.start));
    assert!(!byte_selected(&harness, tag.start - 1));
    assert!(!harness.state_mut().select_path("no.such.field"));
}

#[test]
fn pasted_base64_gives_the_same_tree_as_the_dropped_file() {
    let bytes = public_message();
    let mut dropped = harness();
    drop_file(&mut dropped, "message.bin", &bytes);
    let expected = tree_of(dropped.state());
    assert_eq!(
        expected,
        inspect::dissect(&bytes)
            .all_fields()
            .iter()
            .map(|f| (f.path.clone(), f.type_name.clone(), f.start, f.end))
            .collect::<Vec<_>>()
    );

    // Paste into the text box.
    let mut harness = harness();
    harness.run();
    harness
        .get_by_role(egui::accesskit::Role::MultilineTextInput)
        .focus();
    harness.run();
    harness.event(egui::Event::Paste(STANDARD.encode(&bytes)));
    harness.run();
    let panel = harness.state();
    assert_eq!(panel.text(), STANDARD.encode(&bytes));
    let decoded = panel.decoded().expect("the paste was decoded");
    assert_eq!(decoded.name(), "pasted text");
    assert_eq!(decoded.input().format, InputFormat::Base64);
    assert_eq!(decoded.input().bytes, bytes);
    assert_eq!(tree_of(panel), expected);
    harness.get_by_label_contains(&format!("pasted text · base64 · {} bytes", bytes.len()));

    // load_text does the same with hex.
    harness.state_mut().load_text(&hex::encode(&bytes));
    harness.run();
    assert_eq!(tree_of(harness.state()), expected);
    assert_eq!(
        harness.state().decoded().unwrap().input().format,
        InputFormat::Hex
    );
    assert_eq!(harness.state().recent().len(), 2);

    // Typing at the end of the text replaces the entry being edited in
    // Recent rather than adding one per key.
    harness.event(egui::Event::Key {
        key: egui::Key::End,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::CTRL,
    });
    for digit in ["0", "0"] {
        harness.event(egui::Event::Text(digit.to_owned()));
        harness.run();
    }
    assert_eq!(harness.state().text(), format!("{}00", hex::encode(&bytes)));
    assert!(
        !harness.state().dissection().unwrap().ok(),
        "a trailing byte"
    );
    assert_eq!(harness.state().recent().len(), 2);
    assert!(harness.state().recent()[0].summary.contains("malformed"));
}

#[test]
fn clicking_a_byte_selects_the_innermost_field() {
    let bytes = public_message();
    let d = inspect::dissect(&bytes);
    let mut harness = harness();
    drop_file(&mut harness, "message.bin", &bytes);

    let epoch = d.field_by_path("public_message.content.epoch").unwrap();
    let group_id = d.field_by_path("public_message.content.group_id").unwrap();
    for (offset, expected) in [
        (epoch.start + 3, "public_message.content.epoch"),
        // The length header is a field of its own; the content is the id.
        (group_id.start, "public_message.content.group_id.length"),
        (group_id.end - 1, "public_message.content.group_id"),
        (0, "version"),
        (bytes.len() - 1, "public_message.membership_tag"),
    ] {
        harness.get_by_label(&format!("byte {offset}")).click();
        harness.run();
        let selected = harness.state().selected().expect("a byte click selects");
        assert_eq!(selected.path, expected, "byte {offset}");
        assert_eq!(
            Some(selected.path.as_str()),
            d.field_at(offset).map(|f| f.path.as_str())
        );
        let range = harness.state().highlighted().unwrap();
        assert!(range.contains(&offset));
        assert!(byte_selected(&harness, offset));
    }
    // Every byte selects what Dissection::field_at names.
    let mut panel = DecoderPanel::default();
    panel.load_bytes("message.bin", &bytes);
    for offset in 0..bytes.len() {
        assert!(panel.click_byte(offset));
        assert_eq!(
            panel.selected().map(|f| (&f.path, f.start, f.end)),
            d.field_at(offset).map(|f| (&f.path, f.start, f.end)),
            "byte {offset}"
        );
    }
    assert!(!panel.click_byte(bytes.len()));
}

#[test]
fn a_byte_click_opens_collapsed_ancestors() {
    let bytes = public_message();
    let mut harness = harness();
    drop_file(&mut harness, "message.bin", &bytes);
    assert!(harness.state_mut().set_expanded("public_message", false));
    harness.run();
    assert_eq!(
        harness.state_mut().visible_paths(),
        ["version", "wire_format", "public_message"]
    );
    assert!(harness.query_by_label("epoch").is_none());

    let epoch = inspect::dissect(&bytes)
        .field_by_path("public_message.content.epoch")
        .unwrap()
        .start;
    harness.get_by_label(&format!("byte {epoch}")).click();
    harness.run();
    assert!(
        harness
            .state_mut()
            .visible_paths()
            .contains(&"public_message.content.epoch".to_owned())
    );
    harness.get_by_label("epoch");

    // The expander collapses it again.
    harness.get_by_label("Collapse public_message").click();
    harness.run();
    assert!(harness.query_by_label("epoch").is_none());
}

#[test]
fn filter_keeps_matches_and_their_ancestors() {
    let bytes = public_message();
    let mut harness = harness();
    drop_file(&mut harness, "message.bin", &bytes);

    harness
        .get_by_role(egui::accesskit::Role::TextInput)
        .focus();
    harness.run();
    harness.event(egui::Event::Text("membership".to_owned()));
    harness.run();
    assert_eq!(harness.state().filter(), "membership");
    assert_eq!(
        harness.state_mut().visible_paths(),
        ["public_message", "public_message.membership_tag"]
    );
    assert!(harness.query_by_label("epoch").is_none());
    harness.get_by_label("membership_tag");

    // Values match too: the group id's text and hex.
    harness.state_mut().set_filter("group-1");
    assert_eq!(
        harness.state_mut().visible_paths(),
        [
            "public_message",
            "public_message.content",
            "public_message.content.group_id"
        ]
    );
    harness.state_mut().set_filter(&hex::encode("group-1"));
    assert_eq!(harness.state_mut().visible_paths().len(), 3);
    harness.state_mut().set_filter("");
    assert!(harness.state_mut().visible_paths().len() > 10);
}

#[test]
fn malformed_input_shows_the_error_node() {
    let bytes = private_message(48);
    let cut = &bytes[..bytes.len() - 10];
    let mut harness = harness();
    drop_file(&mut harness, "cut.bin", cut);

    let panel = harness.state();
    let d = panel.dissection().unwrap();
    let error = d.error.clone().expect("malformed");
    assert_eq!(error.path, "private_message.ciphertext");
    assert!(panel.input_error().is_none());
    // The error node is in the tree (its ancestors are open), and the
    // error is in the top bar and on the error node's row.
    harness.get_by_label("✖ error");
    let line = format!(
        "private_message.ciphertext at byte {}: {}",
        error.offset, error.message
    );
    assert_eq!(harness.get_all_by_label(&line).count(), 2);
    // Clicking a byte after the failure selects the error node.
    harness
        .get_by_label(&format!("byte {}", cut.len() - 1))
        .click();
    harness.run();
    let selected = harness.state().selected().unwrap();
    assert_eq!(selected.label, "error");
    assert_eq!(selected.start, error.offset);
    assert_eq!(selected.end, cut.len());
}

#[test]
fn format_and_kind_choices_decode_again() {
    let bytes = private_message(16);
    let mut harness = harness();
    harness.state_mut().load_text(&hex::encode(&bytes));
    harness.run();
    assert!(harness.state().dissection().unwrap().ok());

    // Hex text read as base64 is other bytes.
    harness.state_mut().set_format(Some(InputFormat::Base64));
    harness.run();
    assert_ne!(harness.state().decoded().unwrap().input().bytes, bytes);

    // Text that is not base64 with Base64 chosen: an input error, no tree.
    harness.state_mut().load_text("!!! not base64 !!!");
    harness.run();
    assert!(harness.state().dissection().is_none());
    let error = harness.state().input_error().unwrap().to_owned();
    assert!(error.contains("base64"), "{error}");
    harness.get_by_label(&error);

    // Auto again, and the body read as a bare PrivateMessage.
    harness.state_mut().set_format(None);
    harness.state_mut().load_text(&hex::encode(&bytes[4..]));
    harness
        .state_mut()
        .set_kind(Some(MessageKind::PrivateMessage));
    harness.run();
    let d = harness.state().dissection().unwrap();
    assert!(d.ok(), "{:?}", d.error);
    assert_eq!(d.kind, MessageKind::PrivateMessage);
    assert_eq!(d.detection, "decoded as PrivateMessage (chosen)");

    // Text that is neither hex nor base64, with Auto: an input error too.
    harness.state_mut().set_kind(None);
    harness.state_mut().load_text("hello, world");
    harness.run();
    assert!(harness.state().dissection().is_none());
    assert!(
        harness
            .state()
            .input_error()
            .unwrap()
            .contains("neither hex nor base64")
    );
}

#[test]
fn recent_reopens_earlier_messages() {
    let mut harness = harness();
    drop_file(&mut harness, "public.bin", &public_message());
    drop_file(&mut harness, "private.bin", &private_message(16));
    let names: Vec<&str> = harness
        .state()
        .recent()
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, ["private.bin", "public.bin"]);
    assert_eq!(harness.state().decoded().unwrap().name(), "private.bin");

    // Through the menu.
    harness.get_by_label("Recent").click();
    harness.run();
    harness
        .get_by_label_contains("public.bin — MLSMessage (mls_public_message)")
        .click();
    harness.run();
    assert_eq!(harness.state().decoded().unwrap().name(), "public.bin");
    let names: Vec<&str> = harness
        .state()
        .recent()
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(names, ["public.bin", "private.bin"]);

    // Clear forgets the input, not the list.
    harness.get_by_label("Clear").click();
    harness.run();
    assert!(harness.state().dissection().is_none());
    assert_eq!(harness.state().recent().len(), 2);
    harness.state_mut().open_recent(1);
    assert_eq!(harness.state().decoded().unwrap().name(), "private.bin");
}

#[test]
fn copy_buttons_copy_value_and_hex() {
    let bytes = public_message();
    let mut harness = harness();
    drop_file(&mut harness, "message.bin", &bytes);
    assert!(
        harness
            .state_mut()
            .select_path("public_message.content.group_id")
    );
    harness.run();

    let copied = |harness: &Harness<'_, DecoderPanel>| {
        harness
            .output()
            .platform_output
            .commands
            .iter()
            .find_map(|c| match c {
                egui::OutputCommand::CopyText(text) => Some(text.clone()),
                _ => None,
            })
    };
    harness.get_by_label("Copy value").click();
    harness.step();
    assert_eq!(copied(&harness).as_deref(), Some("group-1"));
    harness.run();
    harness.get_by_label("Copy hex").click();
    harness.step();
    // The field's bytes: the length header and the content.
    assert_eq!(
        copied(&harness),
        Some(format!("07{}", hex::encode("group-1")))
    );
    harness.run();
    assert!(
        harness
            .state()
            .status()
            .unwrap()
            .text
            .contains("Copied the hex")
    );
}

#[test]
fn export_writes_the_selected_bytes() {
    let bytes = public_message();
    let mut panel = DecoderPanel::default();
    panel.load_bytes("message.bin", &bytes);
    let path = std::env::temp_dir().join(format!("mls-inspector-export-{}", std::process::id()));
    assert!(panel.export_selected_to(&path).is_err(), "nothing selected");
    assert!(panel.select_path("public_message.auth.signature"));
    let field = panel.selected().unwrap().clone();
    assert_eq!(panel.export_selected_to(&path), Ok(field.end - field.start));
    assert_eq!(
        std::fs::read(&path).unwrap(),
        &bytes[field.start..field.end]
    );
    std::fs::remove_file(&path).unwrap();
}

#[test]
fn examples_are_listed_when_present() {
    let examples = DecoderPanel::examples();
    let dir = Path::new(mls_inspector::ui::decoder::EXAMPLES_DIR);
    if !dir.is_dir() {
        assert!(examples.is_empty());
        return;
    }
    assert!(examples.iter().all(|p| p.is_file()));
    assert!(examples.iter().all(|p| !p.ends_with("README.md")));
    // Each example loads (hex and base64 text files too).
    for path in &examples {
        let mut panel = DecoderPanel::default();
        panel.load_path(path);
        let d = panel.dissection().unwrap_or_else(|| {
            panic!("{}: {:?}", path.display(), panel.input_error());
        });
        let name = path.file_name().unwrap().to_string_lossy();
        assert_eq!(d.ok(), !name.contains("malformed"), "{name}: {:?}", d.error);
    }
}

#[test]
fn a_one_mebibyte_message_draws_only_the_visible_rows() {
    let bytes = public_message_with(vec![0x61; 1 << 20]);
    let mut harness = harness();
    drop_file(&mut harness, "big.bin", &bytes);
    let d = harness.state().dissection().unwrap();
    assert!(d.ok());
    // Only the rows in view have byte cells.
    let cells = |harness: &Harness<'_, DecoderPanel>| {
        harness
            .query_all_by(|n| n.label().is_some_and(|l| l.starts_with("byte ")))
            .count()
    };
    assert!(
        (100..2000).contains(&cells(&harness)),
        "{} byte cells",
        cells(&harness)
    );
    assert!(
        harness
            .query_by_label(&format!("byte {}", bytes.len() - 1))
            .is_none()
    );

    // Selecting the field after the megabyte scrolls the hex dump to it.
    assert!(
        harness
            .state_mut()
            .select_path("public_message.membership_tag")
    );
    harness.run();
    let tag = harness.state().highlighted().unwrap();
    assert_eq!(tag.end, bytes.len());
    assert!(byte_selected(&harness, tag.start));
    assert!(byte_selected(&harness, bytes.len() - 1));
    assert!(!byte_selected(&harness, tag.start - 1));
    assert!(
        (100..2000).contains(&cells(&harness)),
        "{} byte cells",
        cells(&harness)
    );

    // A frame stays cheap: only what is in view is laid out.
    let started = std::time::Instant::now();
    for _ in 0..10 {
        harness.step();
    }
    let frame = started.elapsed() / 10;
    eprintln!("1 MiB input: {frame:?} per frame");
    assert!(
        frame < std::time::Duration::from_millis(500),
        "{frame:?} per frame"
    );

    // And a click on the last byte selects it.
    harness
        .get_by_label(&format!("byte {}", bytes.len() - 1))
        .click();
    harness.run();
    assert_eq!(
        harness.state().selected().unwrap().path,
        "public_message.membership_tag"
    );
}

#[test]
fn app_shell_opens_on_the_decoder() {
    let mut harness = Harness::builder()
        .with_size([1200.0, 800.0])
        .build_ui_state(
            |ui, app: &mut InspectorApp| app.ui(ui),
            InspectorApp::default(),
        );
    harness.run();
    assert_eq!(harness.state().tab(), Tab::Decoder);
    harness.get_by_label("Decoder");
    harness.get_by_label("Conformance");
    harness.get_by_label("Nothing decoded yet");

    // A file dropped on the window reaches the decoder.
    harness
        .input_mut()
        .dropped_files
        .push(TestFile::at("/nonexistent/shell.bin", &public_message()));
    harness.run();
    let summary = harness
        .state_mut()
        .decoder()
        .dissection()
        .unwrap()
        .summary
        .clone();
    harness.get_by_label(&summary);

    // --open and --select.
    let path = std::env::temp_dir().join(format!("mls-inspector-open-{}", std::process::id()));
    std::fs::write(&path, STANDARD.encode(private_message(16))).unwrap();
    let mut app = InspectorApp::default();
    app.set_tab(Tab::Conformance);
    app.apply_startup(&mls_inspector::gui::Startup {
        open: Some(path.clone()),
        select: Some("private_message.epoch".to_owned()),
    });
    std::fs::remove_file(&path).unwrap();
    assert_eq!(app.tab(), Tab::Decoder);
    let decoder = app.decoder();
    assert_eq!(
        decoder.decoded().unwrap().input().format,
        InputFormat::Base64
    );
    assert_eq!(decoder.selected().unwrap().path, "private_message.epoch");
}

#[test]
fn wire_helpers_copy_the_body_and_wrap_it_back() {
    let copied = |harness: &Harness<'_, DecoderPanel>| {
        harness
            .output()
            .platform_output
            .commands
            .iter()
            .find_map(|c| match c {
                egui::OutputCommand::CopyText(text) => Some(text.clone()),
                _ => None,
            })
    };
    for message in [public_message(), private_message(48)] {
        // An MLSMessage: the body is everything after version and wire format.
        let mut harness = harness();
        drop_file(&mut harness, "message.bin", &message);
        harness.get_by_label("Copy body (hex)").click();
        harness.step();
        let body = copied(&harness).expect("the body was copied");
        assert_eq!(body, hex::encode(&message[4..]));
        harness.run();
        assert!(!harness.state().status().unwrap().error);

        // The bare body, pasted: detected as such, and wrapped back into
        // exactly the MLSMessage it came from.
        harness.state_mut().load_text(&body);
        harness.run();
        let kind = harness.state().dissection().unwrap().kind;
        assert!(
            matches!(
                kind,
                MessageKind::PublicMessage | MessageKind::PrivateMessage
            ),
            "{kind:?}"
        );
        assert!(harness.query_by_label("Copy body (hex)").is_none());
        harness.get_by_label("Copy as MLSMessage (base64)").click();
        harness.step();
        assert_eq!(copied(&harness), Some(STANDARD.encode(&message)));
        harness.run();
    }

    // Neither a body nor a framed MLSMessage: no helper is offered.
    let mut harness = harness();
    harness.state_mut().load_text("00010005");
    harness.run();
    assert!(harness.state().wire_action().is_none());
    assert!(
        harness
            .query_by_label("Copy as MLSMessage (base64)")
            .is_none()
    );
}
