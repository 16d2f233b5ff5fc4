#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Acceptance test of the dissector on the official `messages.json`: every
//! structure of every case that the inspector can be asked to decode is
//! dissected completely, its top-level fields tile the input exactly, and
//! its leaves never overlap and lie within their parents.
//!
//! Dissection runs in-process (300 cases × 11 structures); a few cases also
//! go through `mls-inspector decode --json` to prove the CLI path gives the
//! same tree.

use std::path::PathBuf;
use std::process::Command;

use mls_core::inspect::{self, Dissection, Field, MessageKind};

/// The keys of a `messages.json` case, with what each is decoded as.
///
/// Skipped, because no [`MessageKind`] is that structure as a whole (the
/// dissector decodes messages, not every inner struct):
/// - `group_secrets`: GroupSecrets (only found encrypted inside a Welcome);
/// - `remove_proposal`: Remove, a bare uint32 (4 bytes);
/// - `pre_shared_key_proposal`: PreSharedKey (a PreSharedKeyID);
/// - `re_init_proposal`: ReInit;
/// - `external_init_proposal`: ExternalInit (one opaque<V>);
/// - `group_context_extensions_proposal`: GroupContextExtensions (an
///   extension list, 1 byte when empty);
/// - `commit`: Commit.
///
/// `add_proposal` (Add) is a KeyPackage on the wire and `update_proposal`
/// (Update) a LeafNode, so those are checked as such.
const CHECKED: [(&str, MessageKind); 10] = [
    ("mls_welcome", MessageKind::MlsMessage),
    ("mls_group_info", MessageKind::MlsMessage),
    ("mls_key_package", MessageKind::MlsMessage),
    ("public_message_application", MessageKind::MlsMessage),
    ("public_message_proposal", MessageKind::MlsMessage),
    ("public_message_commit", MessageKind::MlsMessage),
    ("private_message", MessageKind::MlsMessage),
    ("ratchet_tree", MessageKind::RatchetTree),
    ("add_proposal", MessageKind::KeyPackage),
    ("update_proposal", MessageKind::LeafNode),
];

const SKIPPED: [&str; 7] = [
    "group_secrets",
    "remove_proposal",
    "pre_shared_key_proposal",
    "re_init_proposal",
    "external_init_proposal",
    "group_context_extensions_proposal",
    "commit",
];

/// The cases of messages.json, or `None` (with a loud message) when the
/// vectors are absent; under `CI=true` their absence is a failure.
fn cases() -> Option<Vec<serde_json::Map<String, serde_json::Value>>> {
    let path: PathBuf = mls_core::conformance::vectors_dir().join("messages.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!(
                    "{}: {e} (CI=true: the vectors must be present)",
                    path.display()
                );
            }
            eprintln!(
                "\n*** SKIPPED: {} not readable ({e}); set MLS_TEST_VECTORS to the \
                 official test-vector directory ***\n",
                path.display()
            );
            return None;
        }
    };
    let value: serde_json::Value = serde_json::from_str(&text).expect("messages.json is JSON");
    let cases = value
        .as_array()
        .expect("messages.json is an array")
        .iter()
        .map(|c| c.as_object().expect("a case is an object").clone())
        .collect();
    Some(cases)
}

fn hex_field(case: &serde_json::Map<String, serde_json::Value>, key: &str) -> Vec<u8> {
    hex::decode(case[key].as_str().expect("hex string")).expect("valid hex")
}

/// Every structural property the hex view and the tree rely on; returns
/// what is wrong, if anything.
fn check(d: &Dissection, len: usize) -> Result<(), String> {
    if let Some(e) = &d.error {
        return Err(format!(
            "error at {} (byte {}): {}",
            e.path, e.offset, e.message
        ));
    }
    if d.len != len {
        return Err(format!("len {} for {len} bytes", d.len));
    }
    if let Some(f) = d.all_fields().iter().find(|f| f.error.is_some()) {
        return Err(format!("field {} has an error: {:?}", f.path, f.error));
    }
    // Top level: contiguous, from 0 to len.
    let mut at = 0;
    for f in &d.fields {
        if f.start != at {
            return Err(format!(
                "top-level field {} starts at {}, expected {at}",
                f.path, f.start
            ));
        }
        if f.end < f.start {
            return Err(format!("field {} ends before it starts", f.path));
        }
        at = f.end;
    }
    if at != len {
        return Err(format!(
            "top-level fields end at {at}, input is {len} bytes"
        ));
    }
    // Children within their parents.
    fn within(parent: &Field) -> Result<(), String> {
        for c in &parent.children {
            if c.start < parent.start || c.end > parent.end || c.end < c.start {
                return Err(format!(
                    "{} [{}..{}] is not within {} [{}..{}]",
                    c.path, c.start, c.end, parent.path, parent.start, parent.end
                ));
            }
            within(c)?;
        }
        Ok(())
    }
    for f in &d.fields {
        within(f)?;
    }
    // Leaves never overlap (they are in byte order, depth first).
    let leaves: Vec<&Field> = d.all_fields().into_iter().filter(|f| f.is_leaf()).collect();
    for pair in leaves.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b.start < a.end {
            return Err(format!(
                "leaves overlap: {} [{}..{}] and {} [{}..{}]",
                a.path, a.start, a.end, b.path, b.start, b.end
            ));
        }
    }
    // Clicking a leaf's first byte selects that leaf.
    for f in &leaves {
        if f.start < f.end && d.field_at(f.start).map(|g| &g.path) != Some(&f.path) {
            return Err(format!("field_at({}) is not {}", f.start, f.path));
        }
    }
    Ok(())
}

#[test]
fn every_message_of_messages_json_dissects_cleanly() {
    let Some(cases) = cases() else {
        return;
    };
    assert_eq!(cases.len(), 300, "messages.json has 300 cases");
    let mut failures = Vec::new();
    let mut checked = 0;
    for (i, case) in cases.iter().enumerate() {
        // Every key is accounted for: checked or deliberately skipped.
        for key in case.keys() {
            assert!(
                CHECKED.iter().any(|(k, _)| k == key) || SKIPPED.contains(&key.as_str()),
                "case {i}: unexpected key {key}"
            );
        }
        assert_eq!(case.len(), CHECKED.len() + SKIPPED.len(), "case {i}");
        for (key, kind) in CHECKED {
            let bytes = hex_field(case, key);
            // As the panel and `decode` do by default: detect what it is.
            let detected = inspect::dissect(&bytes);
            if detected.kind != kind {
                failures.push(format!(
                    "case {i} {key}: detected as {} ({}), expected {}",
                    detected.kind.name(),
                    detected.detection,
                    kind.name()
                ));
            }
            if let Err(e) = check(&detected, bytes.len()) {
                failures.push(format!("case {i} {key} (auto): {e}"));
            }
            // And when the kind is chosen.
            let chosen = inspect::dissect_as(&bytes, kind);
            if let Err(e) = check(&chosen, bytes.len()) {
                failures.push(format!("case {i} {key} (as {}): {e}", kind.name()));
            }
            checked += 1;
        }
        // The rest is not a message, but must never make the dissector panic.
        for key in SKIPPED {
            let _ = inspect::dissect(&hex_field(case, key));
        }
    }
    assert_eq!(checked, 300 * CHECKED.len());
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A JSON field tree reduced to (path, type, start, end, value), depth first.
fn json_rows(fields: &serde_json::Value, out: &mut Vec<(String, String, u64, u64, String)>) {
    for f in fields.as_array().expect("fields array") {
        out.push((
            f["path"].as_str().unwrap().to_owned(),
            f["type"].as_str().unwrap().to_owned(),
            f["start"].as_u64().unwrap(),
            f["end"].as_u64().unwrap(),
            f["value"].as_str().unwrap_or("").to_owned(),
        ));
        json_rows(&f["children"], out);
    }
}

#[test]
fn decode_json_matches_the_dissector_on_a_few_cases() {
    let Some(cases) = cases() else {
        return;
    };
    for i in [0, 1, 150, 299] {
        let case = &cases[i];
        for (key, kind) in [
            ("mls_welcome", MessageKind::MlsMessage),
            ("mls_key_package", MessageKind::MlsMessage),
            ("public_message_commit", MessageKind::MlsMessage),
            ("private_message", MessageKind::MlsMessage),
            ("ratchet_tree", MessageKind::RatchetTree),
        ] {
            let hex_text = case[key].as_str().unwrap();
            let out = Command::new(env!("CARGO_BIN_EXE_mls-inspector"))
                .args(["decode", "--json", hex_text])
                .output()
                .expect("run mls-inspector");
            assert_eq!(
                out.status.code(),
                Some(0),
                "case {i} {key}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let json: serde_json::Value =
                serde_json::from_slice(&out.stdout).expect("one JSON object");
            assert_eq!(json["format"], "hex");
            assert_eq!(json["kind"], kind.name(), "case {i} {key}");
            assert!(json["error"].is_null(), "case {i} {key}: {}", json["error"]);

            let bytes = hex::decode(hex_text).unwrap();
            let d = inspect::dissect(&bytes);
            assert_eq!(json["length"], bytes.len());
            assert_eq!(json["summary"], d.summary.as_str());
            let mut from_cli = Vec::new();
            json_rows(&json["fields"], &mut from_cli);
            let in_process: Vec<_> = d
                .all_fields()
                .iter()
                .map(|f| {
                    (
                        f.path.clone(),
                        f.type_name.clone(),
                        f.start as u64,
                        f.end as u64,
                        f.value.clone().unwrap_or_default(),
                    )
                })
                .collect();
            assert_eq!(from_cli, in_process, "case {i} {key}");
        }
    }
}
