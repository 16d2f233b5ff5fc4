#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The dissector's limits where users meet them: an input larger than the
//! size limit is refused without decoding (`decode` exits 2 with one line,
//! the Decoder panel says so in its status line), and a field tree larger
//! than the field limit is cut, with a marker, after the whole input was
//! decoded and checked.

use std::process::{Command, Output};

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_core::codec::{Encode as _, VlBytes};
use mls_core::framing::{
    Content, FramedContent, FramedContentAuthData, MlsMessage, MlsMessageBody, PublicMessage,
    Sender,
};
use mls_core::inspect::{self, DissectLimits, Dissection, Field, OMITTED_LABEL};
use mls_inspector::ui::DecoderPanel;
use serde_json::Value;

#[path = "support/gui.rs"]
mod gui;
use gui::{TempDir, TestFile};

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

/// A bare ratchet tree of `blanks` one-byte blank nodes (malformed: a tree
/// cannot end in a blank), one field each.
fn blank_tree(blanks: usize) -> Vec<u8> {
    let mut out = (0x8000_0000u32 | u32::try_from(blanks).unwrap())
        .to_be_bytes()
        .to_vec();
    out.resize(4 + blanks, 0);
    out
}

/// Every decoded field's (path, type, start, end), depth first, without
/// markers or details (length headers, extension contents: never made for
/// fields left out, so not counted in `omitted`).
fn fields_of(d: &Dissection) -> Vec<(String, String, usize, usize)> {
    d.all_fields()
        .into_iter()
        .filter(|f| !f.is_omitted_marker() && !f.detail)
        .map(|f| (f.path.clone(), f.type_name.clone(), f.start, f.end))
        .collect()
}

/// The same dissection with no field limit.
fn unlimited(bytes: &[u8]) -> Dissection {
    let limits = DissectLimits {
        max_input: usize::MAX,
        max_fields: usize::MAX,
    };
    inspect::dissect_limited(bytes, None, &limits).unwrap()
}

fn mls_inspector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mls-inspector"))
        .args(args)
        .output()
        .expect("run mls-inspector")
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

#[test]
fn decode_refuses_an_input_over_max_size_with_one_line_and_exit_2() {
    let dir = TempDir::new("decode-limits");
    let bytes = public_message();
    let file = dir.file("message.bin");
    std::fs::write(&file, &bytes).unwrap();
    let at_file = format!("@{}", file.display());
    let len = bytes.len();

    // One byte over the limit: refused, nothing on stdout, one line.
    let over = (len - 1).to_string();
    let out = mls_inspector(&["decode", "--max-size", &over, &at_file]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!(
            "not decoded: the input is {len} bytes, more than the {over} bytes"
        )),
        "{err}"
    );
    assert!(err.contains("--max-size"), "{err}");

    // At the limit (and with a suffix): decoded, the same as without a limit.
    let default = mls_inspector(&["decode", "--json", &at_file]);
    assert_eq!(default.status.code(), Some(0));
    for max in [len.to_string(), "1KiB".to_owned()] {
        let out = mls_inspector(&["decode", "--json", "--max-size", &max, &at_file]);
        assert_eq!(out.status.code(), Some(0), "{max}");
        assert_eq!(out.stdout, default.stdout, "{max}");
    }
    // A size that is no size is a usage error.
    let out = mls_inspector(&["decode", "--max-size", "lots", &at_file]);
    assert_eq!(out.status.code(), Some(2));
}

/// Fields of a JSON field tree, depth first.
fn json_fields(fields: &Value, out: &mut Vec<Value>) {
    for f in fields.as_array().unwrap() {
        out.push(f.clone());
        json_fields(&f["children"], out);
    }
}

#[test]
fn decode_cuts_a_tree_of_too_many_fields_and_says_so() {
    let dir = TempDir::new("decode-limits-fields");
    let blanks = DissectLimits::DEFAULT_MAX_FIELDS + 5_000;
    let bytes = blank_tree(blanks);
    let file = dir.file("tree.bin");
    std::fs::write(&file, &bytes).unwrap();
    let out = mls_inspector(&["decode", "--json", &format!("@{}", file.display())]);
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();

    // The whole input was decoded and checked: the same outcome as an
    // unlimited dissection in this process.
    let full = unlimited(&bytes);
    assert_eq!(out.status.code(), Some(if full.ok() { 0 } else { 1 }));
    assert_eq!(json["summary"], full.summary.as_str());
    assert_eq!(
        json["error"]["offset"].as_u64(),
        full.error.as_ref().map(|e| e.offset as u64)
    );
    let full_fields = fields_of(&full);
    assert!(full_fields.len() > blanks);

    // Cut at the default limit: every field shown is one of the full
    // tree's, and shown + omitted is the full count.
    let truncated = json["truncated"].as_str().expect("cut");
    let mut shown = Vec::new();
    json_fields(&json["fields"], &mut shown);
    let (markers, shown): (Vec<Value>, Vec<Value>) =
        shown.into_iter().partition(|f| f["label"] == OMITTED_LABEL);
    assert!(!markers.is_empty());
    let omitted: usize = markers
        .iter()
        .map(|m| {
            let value = m["value"].as_str().unwrap();
            value.split(' ').next().unwrap().parse::<usize>().unwrap()
        })
        .sum();
    assert!(shown.len() <= DissectLimits::DEFAULT_MAX_FIELDS + 16);
    assert_eq!(shown.len() + omitted, full_fields.len());
    assert!(
        truncated.starts_with(&format!("showing the first {} fields", shown.len())),
        "{truncated}"
    );
    assert!(
        truncated.contains(&format!("{omitted} more")),
        "{truncated}"
    );
    let known: std::collections::HashSet<_> = full_fields.iter().cloned().collect();
    for f in &shown {
        let key = (
            f["path"].as_str().unwrap().to_owned(),
            f["type"].as_str().unwrap().to_owned(),
            f["start"].as_u64().unwrap() as usize,
            f["end"].as_u64().unwrap() as usize,
        );
        assert!(known.contains(&key), "{key:?}");
    }
}

#[test]
fn the_decoder_panel_refuses_an_input_over_its_limit_and_says_so() {
    let bytes = public_message();
    let mut harness = harness();
    harness.state_mut().set_limits(DissectLimits {
        max_input: bytes.len() - 1,
        ..DissectLimits::default()
    });
    drop_file(&mut harness, "message.bin", &bytes);
    assert!(harness.state().dissection().is_none());
    let status = harness.state().status().expect("a status line").clone();
    assert!(status.error);
    assert!(
        status.text.contains(&format!(
            "not decoded: the input is {} bytes, more than the {} bytes",
            bytes.len(),
            bytes.len() - 1
        )),
        "{}",
        status.text
    );
    assert!(status.text.contains("MLS_INSPECTOR_DECODE_LIMIT"));
    // (The window shows it in its status bar: tests/layout.rs.)

    // Within the limit, the same input decodes as the dissector decodes it.
    harness.state_mut().set_limits(DissectLimits {
        max_input: bytes.len(),
        ..DissectLimits::default()
    });
    drop_file(&mut harness, "message.bin", &bytes);
    assert!(harness.state().status().is_none());
    let d = harness.state().dissection().expect("decoded");
    assert_eq!(fields_of(d), fields_of(&unlimited(&bytes)));
    assert!(d.truncated.is_none());
}

#[test]
fn the_decoder_panel_shows_a_cut_tree_with_its_marker() {
    let bytes = public_message();
    let full = unlimited(&bytes);
    let full_fields = fields_of(&full);
    let max_fields = 6;
    assert!(full_fields.len() > max_fields);
    let mut harness = harness();
    harness.state_mut().set_limits(DissectLimits {
        max_fields,
        ..DissectLimits::default()
    });
    drop_file(&mut harness, "message.bin", &bytes);
    let d = harness.state().dissection().expect("decoded").clone();
    // Checked as a whole: the signature check and summary are the full ones.
    assert_eq!(d.summary, full.summary);
    assert_eq!(d.signatures, full.signatures);
    let t = d.truncated.expect("cut");
    let shown = fields_of(&d);
    assert_eq!(t.shown, shown.len());
    assert_eq!(t.shown + t.omitted, full_fields.len());
    // The first fields finished are shown as the full tree has them.
    for f in &shown {
        assert!(full_fields.contains(f), "{f:?}");
    }
    let markers: Vec<&Field> = d
        .all_fields()
        .into_iter()
        .filter(|f| f.is_omitted_marker())
        .collect();
    assert!(!markers.is_empty());
    harness.get_by_label(&t.to_string());
    harness
        .get_all_by_label(OMITTED_LABEL)
        .next()
        .expect("a marker row");
}
