#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Terminal escape injection (issue 13, "smaller defects"): a certificate
//! subject like `CN=evil\x1b[2J\x1b[31mROOT\nfake line` and an application
//! message holding escapes reach the terminal escaped, in text and in
//! errors, never as raw control characters.

use std::process::Output;

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws, key_of};

const EVIL: &str = "evil\u{1b}[2J\u{1b}[31mROOT\nfake line\u{9b}1m\u{202e}txt";

/// No raw control character (C0 but the line feeds of our own lines, DEL,
/// C1) and no bidi override reaches the terminal; the escaped form does.
fn assert_clean(what: &str, out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        let bad: Vec<char> = text
            .chars()
            .filter(|c| {
                (c.is_control() && *c != '\n')
                    || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
            })
            .collect();
        assert!(bad.is_empty(), "{what}: {stream} holds {bad:?}: {text}");
        assert!(
            !text.lines().any(|l| l.starts_with("fake line")),
            "{what}: {stream} has a forged line: {text}"
        );
    }
}

#[test]
fn certificate_subjects_and_message_text_are_escaped_before_a_terminal_sees_them() {
    let dir = TempDir::new("sanitise");
    let a = Ws::new(&dir, "alice");
    let b = Ws::new(&dir, "bob");
    let (cert, key) = (dir.arg("evil.pem"), dir.arg("evil.key"));
    let made = a.run(&[
        "identity",
        "ca-new",
        EVIL,
        "--out-cert",
        &cert,
        "--out-key",
        &key,
    ]);
    assert!(made.status.success(), "{made:?}");
    assert_clean("identity ca-new", &made);

    for ws in [&a, &b] {
        let imported = ws.run(&["trust-root", "import", &cert]);
        assert!(imported.status.success(), "{imported:?}");
        assert_clean("trust-root import", &imported);
        let listed = ws.run(&["trust-root", "list"]);
        assert_clean("trust-root list", &listed);
        // The escaped subject is shown, not dropped.
        assert!(
            String::from_utf8_lossy(&listed.stdout).contains("\\u{1b}[2J"),
            "{listed:?}"
        );
    }

    // Identities issued by the evil CA: its name is every member's issuer.
    for (ws, name) in [(&a, "alice"), (&b, "bob")] {
        let out = ws.run(&[
            "identity", "new", name, "--x509", "--ca", &cert, "--ca-key", &key,
        ]);
        assert!(out.status.success(), "{out:?}");
        assert_clean("identity new --x509", &out);
    }
    a.json(&["group", "create", "--identity", "alice", "--name", "team"]);
    let kp = dir.arg("bob.kp");
    b.json(&["keypackage", "new", "--identity", "bob", "--out", &kp]);
    let welcome = dir.arg("welcome.msg");
    a.json(&[
        "group",
        "add",
        "team",
        &kp,
        "--welcome-out",
        &welcome,
        "--apply",
    ]);
    let bob_group = key_of(&b.json(&["group", "join", &welcome]));
    let shown = a.run(&["group", "show", "team"]);
    assert!(shown.status.success(), "{shown:?}");
    assert_clean("group show", &shown);
    assert!(
        String::from_utf8_lossy(&shown.stdout).contains("\\u{1b}[31mROOT\\nfake line"),
        "{shown:?}"
    );

    // A refusal naming the subject: still one escaped line.
    let other_key = dir.arg("other.key");
    a.ok(&[
        "identity",
        "ca-new",
        "other",
        "--out-cert",
        &dir.arg("other.pem"),
        "--out-key",
        &other_key,
    ]);
    let refused = a.run(&[
        "identity", "new", "carol", "--x509", "--ca", &cert, "--ca-key", &other_key,
    ]);
    assert!(!refused.status.success());
    assert_clean("refused identity new --x509", &refused);
    assert_eq!(String::from_utf8_lossy(&refused.stderr).lines().count(), 1);

    // Application text with escapes: escaped in text, exact in JSON.
    let message = dir.arg("m1");
    let text = "hi\u{1b}[2J\nfake line";
    a.ok(&["group", "send", "team", text, "--out", &message]);
    let received = b.run(&["group", "receive", &bob_group, &message]);
    assert!(received.status.success(), "{received:?}");
    assert_clean("group receive", &received);
    let message2 = dir.arg("m2");
    a.ok(&["group", "send", "team", text, "--out", &message2]);
    let json = b.json(&["group", "receive", &bob_group, &message2]);
    assert_eq!(json["text"], text);
}
