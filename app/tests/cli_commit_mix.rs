#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! `group commit GROUP --add KP... --remove LEAF...`: adds and removes in
//! ONE commit (what the window's one Commit button stages); the added
//! member joins with its Welcome and agrees, the removed one reads the
//! commit and learns it was removed.

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws, two_members};

#[test]
fn one_commit_adds_and_removes() {
    let dir = TempDir::new("cli-commit-mix");
    let (a, b, c) = (
        Ws::new(&dir, "alice"),
        Ws::new(&dir, "bob"),
        Ws::new(&dir, "carol"),
    );
    let bg = two_members(&dir, &a, &b);
    c.json(&["identity", "new", "carol"]);
    c.json(&["identity", "new", "dave"]);
    let carol_kp = dir.arg("carol.kp");
    let dave_kp = dir.arg("dave.kp");
    c.json(&[
        "keypackage",
        "new",
        "--identity",
        "carol",
        "--out",
        &carol_kp,
    ]);
    c.json(&["keypackage", "new", "--identity", "dave", "--out", &dave_kp]);

    let commit = dir.arg("mix.commit");
    let welcome = dir.arg("mix.welcome");
    let out = a.json(&[
        "group",
        "commit",
        "team",
        "--add",
        &carol_kp,
        "--add",
        &dave_kp,
        "--remove",
        "bob",
        "--commit-out",
        &commit,
        "--welcome-out",
        &welcome,
        "--apply",
    ]);
    assert_eq!(out["epoch"], 2, "{out}");
    let summary = &out["preview"]["summary"];
    let mut added: Vec<&str> = summary["added"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["identity"].as_str().unwrap())
        .collect();
    added.sort_unstable();
    assert_eq!(added, ["carol", "dave"], "{out}");
    assert_eq!(summary["removed"][0]["identity"], "bob", "{out}");
    assert_eq!(summary["removed"][0]["leaf"], 1, "{out}");

    // One commit: Bob reads it and is removed by it.
    let got = b.json(&["group", "receive", &bg, &commit]);
    assert_eq!(got["kind"], "commit", "{got}");
    assert_eq!(got["preview"]["self_removed"], true, "{got}");
    // A new member joins with the Welcome at the same epoch.
    let joined = c.json(&["group", "join", &welcome]);
    let cg = format!("#{}", joined["key"]);
    assert_eq!(a.epoch_auth("team"), c.epoch_auth(&cg));
}
