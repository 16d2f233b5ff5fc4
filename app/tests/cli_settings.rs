#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! `group settings` and `settings` (issue 12, point 6), driven through the
//! binary with two workspace files: settings honoured on receive (handshake
//! framing, late messages of a past epoch), stored and refused.

use serde_json::Value;

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws, exchange, text, two_members};

/// The framing of a binary MLSMessage file (RFC 9420 §6: version, then
/// wire_format 1 = PublicMessage, 2 = PrivateMessage).
fn wire_format(_ws: &Ws, file: &str) -> String {
    let bytes = std::fs::read(file).unwrap();
    match bytes[2..4] {
        [0, 1] => "public".into(),
        [0, 2] => "private".into(),
        _ => panic!("not a Public/PrivateMessage: {:02x?}", &bytes[..4]),
    }
}

#[test]
fn a_private_handshake_is_refused_under_accept_handshake_public() {
    let dir = TempDir::new("settings-handshake");
    let (a, b) = (Ws::new(&dir, "a"), Ws::new(&dir, "b"));
    let bg = two_members(&dir, &a, &b);
    a.json(&["group", "settings", "team", "--set", "handshake=private"]);
    let set = b.json(&["group", "settings", &bg, "--set", "accept_handshake=public"]);
    assert_eq!(set["settings"]["accept_handshake"], "public");

    let commit = dir.arg("commit.msg");
    let c = a.json(&["group", "update", "team", "--commit-out", &commit]);
    assert_eq!(wire_format(&a, &commit), "private");
    let before = b.show_raw(&bg);
    let (code, err) = b.fails(&["group", "receive", &bg, &commit]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("PrivateMessage"), "{err}");
    assert_eq!(before, b.show_raw(&bg));

    // Accepting any framing, the same commit goes through and both sides
    // agree on the new epoch.
    b.json(&["group", "settings", &bg, "--set", "accept_handshake=any"]);
    let r = b.json(&["group", "receive", &bg, &commit, "--apply"]);
    assert_eq!(r["kind"], "commit", "{r}");
    a.json(&["group", "apply", "team"]);
    assert_eq!(text(&c["preview"], "epoch_authenticator"), b.state(&bg).1);
    assert_eq!(a.state("team"), b.state(&bg));

    // A public commit is accepted under accept_handshake=public.
    a.json(&["group", "settings", "team", "--set", "handshake=public"]);
    b.json(&["group", "settings", &bg, "--set", "accept_handshake=public"]);
    a.json(&[
        "group",
        "update",
        "team",
        "--commit-out",
        &commit,
        "--apply",
    ]);
    assert_eq!(wire_format(&a, &commit), "public");
    b.json(&["group", "receive", &bg, &commit, "--apply"]);
    assert_eq!(a.state("team"), b.state(&bg));
    exchange(&dir, (&a, "team"), (&b, &bg), "after");
}

#[test]
fn a_late_message_decrypts_with_past_epochs_1_and_not_with_0() {
    let dir = TempDir::new("settings-late");
    let (a, b) = (Ws::new(&dir, "a"), Ws::new(&dir, "b"));
    let bg = two_members(&dir, &a, &b);
    let sent_in = a.state("team").0;
    let late = dir.arg("late.msg");
    a.json(&[
        "group",
        "send",
        "team",
        "sent before the commit",
        "--out",
        &late,
    ]);
    let commit = dir.arg("commit.msg");
    a.json(&[
        "group",
        "update",
        "team",
        "--commit-out",
        &commit,
        "--apply",
    ]);
    b.json(&["group", "receive", &bg, &commit, "--apply"]);
    assert_eq!(a.state("team"), b.state(&bg));
    assert_eq!(b.state(&bg).0, sent_in + 1);

    // past_epochs=0: refused, nothing changes.
    b.json(&["group", "settings", &bg, "--set", "past_epochs=0"]);
    let before = b.show_raw(&bg);
    let (code, err) = b.fails(&["group", "receive", &bg, &late]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("epoch {sent_in}")),
        "names the message's epoch: {err}"
    );
    assert_eq!(before, b.show_raw(&bg));

    // past_epochs=1: the same message decrypts, once.
    b.json(&["group", "settings", &bg, "--set", "past_epochs=1"]);
    let got = b.json(&["group", "receive", &bg, &late]);
    assert_eq!(got["kind"], "application", "{got}");
    assert_eq!(text(&got, "text"), "sent before the commit");
    assert_eq!(got["epoch"], sent_in, "the message's epoch: {got}");
    let before = b.show_raw(&bg);
    b.fails(&["group", "receive", &bg, &late]);
    assert_eq!(before, b.show_raw(&bg));

    // Two epochs later it is gone with past_epochs=1.
    let late2 = dir.arg("late2.msg");
    a.json(&["group", "send", "team", "too late", "--out", &late2]);
    for _ in 0..2 {
        a.json(&[
            "group",
            "update",
            "team",
            "--commit-out",
            &commit,
            "--apply",
        ]);
        b.json(&["group", "receive", &bg, &commit, "--apply"]);
    }
    let before = b.show_raw(&bg);
    b.fails(&["group", "receive", &bg, &late2]);
    assert_eq!(before, b.show_raw(&bg));
    exchange(&dir, (&a, "team"), (&b, &bg), "current epoch");
}

#[test]
fn settings_round_trip_and_bad_values_are_refused() {
    let dir = TempDir::new("settings-store");
    let (a, b) = (Ws::new(&dir, "a"), Ws::new(&dir, "b"));
    let bg = two_members(&dir, &a, &b);
    let defaults = a.json(&["group", "settings", "team"]);
    assert_eq!(defaults["settings"], defaults["defaults"]);
    let set = a.json(&[
        "group",
        "settings",
        "team",
        "--set",
        "padding=64",
        "conflict=lowest-leaf",
        "--set",
        "window_size=16",
    ]);
    let shown = a.json(&["group", "settings", "team"]);
    assert_eq!(set["settings"], shown["settings"]);
    assert_eq!(shown["settings"]["padding"], 64);
    assert_eq!(shown["settings"]["conflict"], "lowest-leaf");
    assert_eq!(shown["settings"]["window_size"], 16);
    // Bob's view of the group is his own.
    assert_eq!(
        b.json(&["group", "settings", &bg])["settings"]["padding"],
        0
    );
    let text_out = a.ok(&["group", "settings", "team"]);
    assert!(text_out.contains("padding=64  (default: 0)"), "{text_out}");
    assert!(
        text_out.contains("handshake=public  (default)"),
        "{text_out}"
    );

    for (bad, key, accepted) in [
        ("padding=lots", "padding", "0..=65535"),
        ("past_epochs=65", "past_epochs", "0..=64"),
        ("handshake=secret", "handshake", "public|private"),
        (
            "conflict=random",
            "conflict",
            "first-seen|lowest-leaf|lowest-hash",
        ),
        ("max_generation_gap=0", "max_generation_gap", "1..=1000000"),
    ] {
        let before = a.ok(&["group", "settings", "team", "--json"]);
        // All or nothing: a good assignment before the bad one is not kept.
        let (code, err) = a.fails(&["group", "settings", "team", "--set", "padding=1", bad]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(key) && err.contains(accepted), "{err}");
        assert_eq!(before, a.ok(&["group", "settings", "team", "--json"]));
    }
    let (code, err) = a.fails(&["group", "settings", "team", "--set", "colour=red"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("colour") && err.contains("past_epochs"),
        "{err}"
    );
    let (code, err) = a.fails(&["settings", "--set", "padding"]);
    assert_eq!(code, 2);
    assert!(err.contains("KEY=VALUE"), "{err}");
}

#[test]
fn the_workspace_default_applies_to_groups_created_or_joined_after_it() {
    let dir = TempDir::new("settings-default");
    let (a, b) = (Ws::new(&dir, "a"), Ws::new(&dir, "b"));
    a.json(&["identity", "new", "alice"]);
    a.json(&["group", "create", "--identity", "alice", "--name", "before"]);
    let d = a.json(&["settings", "--set", "handshake=private", "past_epochs=3"]);
    assert_eq!(d["settings"]["past_epochs"], 3);
    assert_eq!(a.json(&["settings"])["settings"], d["settings"]);
    a.json(&["group", "create", "--identity", "alice", "--name", "after"]);
    let before: Value = a.json(&["group", "settings", "before"]);
    let after: Value = a.json(&["group", "settings", "after"]);
    assert_eq!(before["settings"]["handshake"], "public");
    assert_eq!(after["settings"], d["settings"]);

    // A group joined after B's default is set gets B's default; the
    // commit Alice sends with handshake=private is a PrivateMessage.
    b.json(&["identity", "new", "bob"]);
    b.json(&["settings", "--set", "accept_handshake=private"]);
    let kp = dir.arg("bob.kp");
    b.json(&["keypackage", "new", "--identity", "bob", "--out", &kp]);
    let welcome = dir.arg("welcome.msg");
    a.json(&[
        "group",
        "add",
        "after",
        &kp,
        "--welcome-out",
        &welcome,
        "--apply",
    ]);
    let joined = b.json(&["group", "join", &welcome]);
    let bg = format!("#{}", joined["key"]);
    let bs = b.json(&["group", "settings", &bg]);
    assert_eq!(bs["settings"], b.json(&["settings"])["settings"]);
    let commit = dir.arg("commit.msg");
    a.json(&[
        "group",
        "update",
        "after",
        "--commit-out",
        &commit,
        "--apply",
    ]);
    assert_eq!(wire_format(&a, &commit), "private");
    b.json(&["group", "receive", &bg, &commit, "--apply"]);
    assert_eq!(a.state("after"), b.state(&bg));
}
