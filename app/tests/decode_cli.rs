#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! `mls-inspector decode` and the wire helpers, run as a process on
//! messages built here with `mls-core`.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use mls_core::codec::{Encode as _, VlBytes};
use mls_core::framing::{
    Content, FramedContent, FramedContentAuthData, MlsMessage, MlsMessageBody, PrivateMessage,
    PublicMessage, Sender,
};
use serde_json::Value;

fn mls_inspector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mls-inspector"))
        .args(args)
        .output()
        .expect("run mls-inspector")
}

fn with_stdin(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mls-inspector"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run mls-inspector");
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Exactly one JSON object on stdout.
fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

fn private_body() -> PrivateMessage {
    PrivateMessage {
        group_id: VlBytes(b"group-1".to_vec()),
        epoch: 7,
        content_type: 1,
        authenticated_data: VlBytes(b"aad".to_vec()),
        encrypted_sender_data: VlBytes(vec![0x5e; 12]),
        ciphertext: VlBytes(vec![0xc1; 48]),
    }
}

fn public_body() -> PublicMessage {
    PublicMessage {
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
    }
}

fn private_message() -> Vec<u8> {
    MlsMessage::new(MlsMessageBody::PrivateMessage(private_body()))
        .to_bytes()
        .unwrap()
}

fn public_message() -> Vec<u8> {
    MlsMessage::new(MlsMessageBody::PublicMessage(public_body()))
        .to_bytes()
        .unwrap()
}

/// A fresh file in the temp directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, content: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("mls-inspector-decode-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        TempFile(path)
    }

    fn arg(&self) -> String {
        format!("@{}", self.0.display())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Every field of a JSON tree, depth first.
fn walk(fields: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    for f in fields.as_array().unwrap() {
        out.push(f);
        out.extend(walk(&f["children"]));
    }
    out
}

fn range(f: &Value) -> (u64, u64) {
    (f["start"].as_u64().unwrap(), f["end"].as_u64().unwrap())
}

#[test]
fn decode_hex_json_describes_the_message() {
    let bytes = private_message();
    let out = mls_inspector(&["decode", "--json", &hex::encode(&bytes)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j = json(&out);
    assert_eq!(j["format"], "hex");
    assert!(j["format_reason"].as_str().unwrap().contains("hex"));
    assert_eq!(j["kind"], "MLSMessage");
    assert!(
        j["detection"]
            .as_str()
            .unwrap()
            .contains("decodes completely")
    );
    assert!(
        j["summary"]
            .as_str()
            .unwrap()
            .contains("PrivateMessage (application), epoch 7"),
        "{}",
        j["summary"]
    );
    assert_eq!(j["length"], bytes.len());
    assert!(j["error"].is_null());
    assert_eq!(j["signatures"], Value::Array(vec![]));

    let fields = walk(&j["fields"]);
    let by_path = |p: &str| *fields.iter().find(|f| f["path"] == p).unwrap();
    assert_eq!(by_path("version")["value"], "1 (mls10)");
    assert_eq!(by_path("version")["type"], "uint16");
    let gid = by_path("private_message.group_id");
    assert_eq!(gid["text"], "group-1");
    assert_eq!(gid["value"], hex::encode("group-1"));
    assert_eq!(by_path("private_message.epoch")["value"], "7");
    // Every field carries every key.
    for f in &fields {
        for key in [
            "label", "path", "type", "value", "text", "start", "end", "error", "children",
        ] {
            assert!(f.get(key).is_some(), "{key} missing in {f}");
        }
    }
}

#[test]
fn json_ranges_tile_the_input_and_leaves_do_not_overlap() {
    for bytes in [private_message(), public_message()] {
        let out = mls_inspector(&["decode", "--json", &hex::encode(&bytes)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let j = json(&out);
        let mut at = 0;
        for f in j["fields"].as_array().unwrap() {
            let (start, end) = range(f);
            assert_eq!(start, at, "top-level {} starts at {start}", f["path"]);
            at = end;
        }
        assert_eq!(at as usize, bytes.len());

        let leaves: Vec<(u64, u64)> = walk(&j["fields"])
            .into_iter()
            .filter(|f| f["children"].as_array().unwrap().is_empty())
            .map(range)
            .collect();
        for pair in leaves.windows(2) {
            assert!(pair[1].0 >= pair[0].1, "leaves overlap: {pair:?}");
        }
        // Children lie within their parents.
        for f in walk(&j["fields"]) {
            let (start, end) = range(f);
            for c in f["children"].as_array().unwrap() {
                let (cs, ce) = range(c);
                assert!(
                    start <= cs && ce <= end,
                    "{} outside {}",
                    c["path"],
                    f["path"]
                );
            }
        }
    }
}

#[test]
fn base64_gives_the_same_fields_as_hex() {
    let bytes = public_message();
    let from_hex = json(&mls_inspector(&["decode", "--json", &hex::encode(&bytes)]));
    for b64 in [
        STANDARD.encode(&bytes),
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&bytes),
    ] {
        let out = mls_inspector(&["decode", "--json", &b64]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let from_b64 = json(&out);
        assert_eq!(from_b64["format"], "base64");
        assert_eq!(from_b64["fields"], from_hex["fields"]);
        assert_eq!(from_b64["summary"], from_hex["summary"]);
    }
    assert!(
        from_hex["summary"]
            .as_str()
            .unwrap()
            .contains("PublicMessage (application), epoch 3")
    );
    // The signature needs the group context: reported as not checkable,
    // not as failed.
    let sig = &from_hex["signatures"][0];
    assert_eq!(sig["verified"], false);
    assert_eq!(sig["status"], "not checkable");
    assert!(sig["reason"].as_str().unwrap().contains("group"));
}

#[test]
fn files_and_stdin_are_read_binary_or_text() {
    let bytes = private_message();
    let expected = json(&mls_inspector(&["decode", "--json", &hex::encode(&bytes)]));

    let binary = TempFile::new("message.bin", &bytes);
    let out = mls_inspector(&["decode", "--json", &binary.arg()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j = json(&out);
    assert_eq!(j["format"], "binary");
    assert_eq!(j["fields"], expected["fields"]);

    let text = TempFile::new(
        "message.b64",
        format!("{}\n", STANDARD.encode(&bytes)).as_bytes(),
    );
    let j = json(&mls_inspector(&["decode", "--json", &text.arg()]));
    assert_eq!(j["format"], "base64");
    assert_eq!(j["fields"], expected["fields"]);

    let out = with_stdin(&["decode", "--json", "-"], &bytes);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["fields"], expected["fields"]);

    // An explicit format is obeyed: these bytes are not hex.
    let out = mls_inspector(&["decode", "--format", "hex", &binary.arg()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn text_output_has_header_and_tree() {
    let bytes = private_message();
    let out = mls_inspector(&["decode", &hex::encode(&bytes)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("input:      hex (text of hex digits"),
        "{text}"
    );
    assert!(
        text.contains("detection:  the input decodes completely"),
        "{text}"
    );
    assert!(
        text.contains("summary:    MLSMessage (mls_private_message)"),
        "{text}"
    );
    assert!(
        text.contains("\nversion  uint16  [0..2]  1 (mls10)\n"),
        "{text}"
    );
    assert!(
        text.contains("\nprivate_message  PrivateMessage  [4.."),
        "{text}"
    );
    assert!(
        text.contains("\n  group_id  opaque<V>  [4..12]  67726f75702d31  \"group-1\"\n"),
        "{text}"
    );
    // Long values are shortened unless --full.
    let long = vec![0xc1; 100];
    let bytes = MlsMessage::new(MlsMessageBody::PrivateMessage(PrivateMessage {
        ciphertext: VlBytes(long.clone()),
        ..private_body()
    }))
    .to_bytes()
    .unwrap();
    let text = stdout(&mls_inspector(&["decode", &hex::encode(&bytes)]));
    assert!(!text.contains(&hex::encode(&long)), "{text}");
    assert!(
        text.contains("… (200 characters; --full shows all)"),
        "{text}"
    );
    let full = stdout(&mls_inspector(&["decode", "--full", &hex::encode(&bytes)]));
    assert!(full.contains(&hex::encode(&long)), "{full}");
}

#[test]
fn signatures_are_listed_with_marks() {
    let bytes = public_message();
    let out = mls_inspector(&["decode", &hex::encode(&bytes)]);
    let text = stdout(&out);
    // Three states: this one is not checkable without the group context,
    // which is not a failure.
    assert!(
        text.contains(
            "  ? PublicMessage signature (FramedContentTBS) (not checkable): covers the group context"
        ),
        "{text}"
    );
    assert!(!text.contains("✗") && !text.contains("✖"), "{text}");
}

#[test]
fn truncated_input_exits_1_with_the_error_and_the_tree() {
    let bytes = private_message();
    let cut = &bytes[..bytes.len() - 10];
    let out = mls_inspector(&["decode", "--json", &hex::encode(cut)]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let j = json(&out);
    let error = &j["error"];
    assert_eq!(error["path"], "private_message.ciphertext");
    assert!(error["offset"].as_u64().unwrap() < cut.len() as u64);
    assert!(error["message"].as_str().unwrap().contains("exceeds"));
    assert!(j["summary"].as_str().unwrap().contains("malformed"));
    // What decoded before the failure is there, plus an error node.
    let fields = walk(&j["fields"]);
    assert!(
        fields
            .iter()
            .any(|f| f["path"] == "private_message.epoch" && f["value"] == "7")
    );
    let errors: Vec<_> = fields.iter().filter(|f| f["label"] == "error").collect();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["error"].as_str().unwrap().contains("ciphertext"));

    // The text form marks the error line.
    let out = mls_inspector(&["decode", &hex::encode(cut)]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("error:      ✗ private_message.ciphertext at byte"),
        "{text}"
    );
    assert!(text.contains("✗ error  ["), "{text}");
}

#[test]
fn unusable_input_exits_2() {
    let out = mls_inspector(&["decode", "--format", "hex", "zz"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("not hex"), "{}", stderr(&out));

    let out = mls_inspector(&["decode", "--format", "base64", "!!!"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("base64"), "{}", stderr(&out));

    // Text on the command line that is neither hex nor base64.
    let out = mls_inspector(&["decode", "not a message"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("neither hex"), "{}", stderr(&out));

    let out = mls_inspector(&["decode", "@/nonexistent/message.bin"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/message.bin"));

    let out = mls_inspector(&["decode", "--as", "nonsense", "00"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn as_chooses_the_structure() {
    let body = private_body().to_bytes().unwrap();
    let out = mls_inspector(&[
        "decode",
        "--json",
        "--as",
        "privatemessage",
        &hex::encode(&body),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j = json(&out);
    assert_eq!(j["kind"], "PrivateMessage");
    assert_eq!(j["detection"], "decoded as PrivateMessage (chosen)");
    assert_eq!(j["fields"][0]["path"], "group_id");

    // The whole MLSMessage read as a bare Welcome is malformed.
    let out = mls_inspector(&["decode", "--as", "welcome", &hex::encode(private_message())]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn plaintext_and_ciphertext_decode_print_the_body() {
    let public = public_body().to_bytes().unwrap();
    let out = mls_inspector(&["plaintext", "decode", &hex::encode(&public)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("kind:       PublicMessage"), "{text}");
    assert!(text.contains("\ncontent  FramedContent  [0.."), "{text}");
    assert!(text.contains("membership_tag  opaque<V>"), "{text}");

    let private = private_body().to_bytes().unwrap();
    let out = mls_inspector(&["ciphertext", "decode", "--json", &hex::encode(&private)]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let j = json(&out);
    assert_eq!(j["kind"], "PrivateMessage");
    assert!(j["format"].is_null());
    let paths: Vec<&str> = j["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "group_id",
            "epoch",
            "content_type",
            "authenticated_data",
            "encrypted_sender_data",
            "ciphertext"
        ]
    );

    // A PrivateMessage is not a PublicMessage: the tree, the error, status 2.
    let out = mls_inspector(&["plaintext", "decode", &hex::encode(&private)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("not a PublicMessage"),
        "{}",
        stderr(&out)
    );
    let out = mls_inspector(&["ciphertext", "decode", "xyz"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn wire_handshake_round_trip_is_byte_exact() {
    let body = public_body().to_bytes().unwrap();
    let body_hex = hex::encode(&body);
    let out = mls_inspector(&["wire", "encode-handshake", &body_hex]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let b64 = stdout(&out).trim_end().to_owned();
    assert_eq!(STANDARD.decode(&b64).unwrap(), public_message());

    let out = mls_inspector(&["wire", "decode-handshake", &b64]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{body_hex}\n"));

    // Spaced, upper-case hex is accepted; the output is the canonical form.
    let spaced: String = body_hex
        .to_uppercase()
        .as_bytes()
        .chunks(2)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let out = mls_inspector(&["wire", "encode-handshake", &spaced]);
    assert_eq!(stdout(&out).trim_end(), b64);
}

#[test]
fn wire_application_round_trip_is_byte_exact() {
    let body = private_body().to_bytes().unwrap();
    let body_hex = hex::encode(&body);
    let out = mls_inspector(&["wire", "encode-application", &body_hex]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let b64 = stdout(&out).trim_end().to_owned();
    assert_eq!(STANDARD.decode(&b64).unwrap(), private_message());

    let out = mls_inspector(&["wire", "decode-application", &b64]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim_end(), body_hex);
}

#[test]
fn wire_errors_exit_2() {
    let public = public_body().to_bytes().unwrap();
    let private = private_body().to_bytes().unwrap();
    let cases: [(&str, String, &str); 6] = [
        // A PrivateMessage body is not a handshake.
        (
            "encode-handshake",
            hex::encode(&private),
            "not a PublicMessage",
        ),
        (
            "encode-application",
            hex::encode(&public),
            "not a PrivateMessage",
        ),
        // Trailing bytes are refused: the round trip would not be exact.
        (
            "encode-application",
            hex::encode([&private[..], &[0]].concat()),
            "trailing",
        ),
        // An MLSMessage of the other kind.
        (
            "decode-application",
            STANDARD.encode(public_message()),
            "not a PrivateMessage",
        ),
        (
            "decode-handshake",
            STANDARD.encode(private_message()),
            "not a PublicMessage",
        ),
        ("encode-handshake", "0g".to_owned(), "not hex"),
    ];
    for (command, input, expected) in cases {
        let out = mls_inspector(&["wire", command, &input]);
        assert_eq!(out.status.code(), Some(2), "{command} {input}");
        assert!(out.stdout.is_empty(), "{command}: {}", stdout(&out));
        assert!(
            stderr(&out).contains(expected),
            "{command}: {} lacks {expected:?}",
            stderr(&out)
        );
    }
    let out = mls_inspector(&["wire", "decode-handshake", "***"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn help_lists_the_new_commands() {
    let help = stdout(&mls_inspector(&["--help"]));
    for command in ["decode", "plaintext", "ciphertext", "wire", "gui"] {
        assert!(help.contains(command), "{command} missing in {help}");
    }
    let help = stdout(&mls_inspector(&["decode", "--help"]));
    for flag in ["--format", "--as", "--json", "@FILE", "ratchettree"] {
        assert!(help.contains(flag), "{flag} missing in {help}");
    }
    let help = stdout(&mls_inspector(&["wire", "--help"]));
    for command in [
        "encode-handshake",
        "decode-handshake",
        "encode-application",
        "decode-application",
    ] {
        assert!(help.contains(command), "{command} missing in {help}");
    }
}

#[test]
fn empty_input_exits_2_as_an_argument_a_file_or_stdin() {
    let dir = std::env::temp_dir().join(format!("mls-empty-input-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.bin");
    std::fs::write(&empty, b"").unwrap();
    let blank = dir.join("blank.txt");
    std::fs::write(&blank, b" \n\t\n").unwrap();
    let file = format!("@{}", empty.display());
    let blank_file = format!("@{}", blank.display());
    let outs = [
        ("argument", mls_inspector(&["decode", ""])),
        ("file", mls_inspector(&["decode", &file])),
        ("blank file", mls_inspector(&["decode", &blank_file])),
        ("stdin", with_stdin(&["decode", "-"], b"")),
        ("blank stdin", with_stdin(&["decode", "-"], b"  \n")),
        ("json stdin", with_stdin(&["decode", "--json", "-"], b"")),
    ];
    for (what, out) in outs {
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
        assert!(stderr(&out).contains("empty"), "{what}: {}", stderr(&out));
        assert!(
            stdout(&out).trim().is_empty() || what == "json stdin",
            "{what}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
