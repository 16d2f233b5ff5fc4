#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Concurrent writers on one workspace file (issue 13, "concurrent
//! writers"): twenty `group send` processes at once all succeed (a send that
//! lost the race for the group is encrypted again from the new state) and
//! every message decrypts at the receiver; twenty `group update --apply` at
//! once leave a consistent history (epochs 0..=n without gaps, every
//! applied commit's authenticator recorded once), refusing only true
//! conflicts (a commit already pending).

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use serde_json::Value;

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws, two_members};

const WRITERS: usize = 20;

/// Starts `WRITERS` processes of `args(i)` on `ws` at once; returns their
/// (exit status, stderr).
fn all_at_once(ws: &Ws, args: impl Fn(usize) -> Vec<String>) -> Vec<(bool, String)> {
    let children: Vec<_> = (0..WRITERS)
        .map(|i| {
            Command::new(env!("CARGO_BIN_EXE_mls-inspector"))
                .args(args(i))
                .args(["--db", &ws.db])
                .env_remove("MLS_INSPECTOR_DB")
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    children
        .into_iter()
        .map(|c| {
            let out = c.wait_with_output().unwrap();
            (
                out.status.success(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        })
        .collect()
}

#[test]
fn twenty_concurrent_sends_all_succeed_and_all_decrypt() {
    let dir = TempDir::new("concurrent-send");
    let (a, b) = (Ws::new(&dir, "alice"), Ws::new(&dir, "bob"));
    let bob_group = two_members(&dir, &a, &b);
    let results = all_at_once(&a, |i| {
        vec![
            "group".into(),
            "send".into(),
            "team".into(),
            format!("message {i}"),
            "--out".into(),
            dir.arg(&format!("m{i}")),
        ]
    });
    for (i, (ok, stderr)) in results.iter().enumerate() {
        assert!(ok, "send {i} failed: {stderr}");
    }
    let mut texts = BTreeSet::new();
    for i in 0..WRITERS {
        let v: Value = b.json(&["group", "receive", &bob_group, &dir.arg(&format!("m{i}"))]);
        assert_eq!(v["kind"], "application", "{v}");
        texts.insert(v["text"].as_str().unwrap().to_owned());
    }
    let expected: BTreeSet<String> = (0..WRITERS).map(|i| format!("message {i}")).collect();
    assert_eq!(texts, expected);
    // Every send is in Alice's log once.
    let log = a.json(&["group", "messages", "team"]);
    let sent = log["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["direction"] == "out" && m["kind"] == "application")
        .count();
    assert_eq!(sent, WRITERS);
    println!(
        "{WRITERS} concurrent `group send`: {sent} sent and logged once each, all decrypted by the receiver"
    );
}

#[test]
fn twenty_concurrent_updates_leave_a_consistent_history() {
    let dir = TempDir::new("concurrent-update");
    let (a, b) = (Ws::new(&dir, "alice"), Ws::new(&dir, "bob"));
    two_members(&dir, &a, &b);
    let start = a.epoch_auth("team").0;
    let results = all_at_once(&a, |i| {
        vec![
            "group".into(),
            "update".into(),
            "team".into(),
            "--apply".into(),
            "--commit-out".into(),
            dir.arg(&format!("c{i}")),
        ]
    });
    let applied = results.iter().filter(|(ok, _)| *ok).count();
    for (ok, stderr) in &results {
        // The only refusals: another commit was pending or already applied
        // from under it (a true conflict), said in one line.
        if !ok {
            assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
            assert!(
                stderr.contains("pending") || stderr.contains("changed since"),
                "{stderr}"
            );
            assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
    assert!(applied >= 1);
    let (epoch, auth) = a.epoch_auth("team");
    println!(
        "{WRITERS} concurrent `group update --apply`: {applied} applied, {} refused \
         (a commit pending or applied from under it); epoch {start} -> {epoch}",
        WRITERS - applied
    );
    let history = a.json(&["group", "history", "team"]);
    let epochs: Vec<u64> = history["epochs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["epoch"].as_u64().unwrap())
        .collect();
    // 0..=epoch, each once: no gap, no duplicate.
    assert_eq!(epochs, (0..=epoch).collect::<Vec<u64>>());
    assert!(
        epoch > start && epoch <= start + applied as u64,
        "{epoch} {applied}"
    );
    let last = history["epochs"].as_array().unwrap().last().unwrap();
    assert_eq!(last["epoch_authenticator"], auth);
    assert!(a.json(&["group", "show", "team"])["pending"].is_null());
}
