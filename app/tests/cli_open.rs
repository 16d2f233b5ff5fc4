#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Opening the workspace file (issue 13, "smaller defects"): a refused
//! `--db` file is left exactly as it was (content and mode); an existing
//! empty file needs `--create`; a workspace opened `--read-only` (or one
//! this process may not write) shows everything and changes nothing.

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws};

#[cfg(unix)]
fn mode(path: &str) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
fn set_mode(path: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_refused_file_is_left_as_it_was() {
    let dir = TempDir::new("open-foreign");
    let ws = Ws::new(&dir, "notes");
    let content = b"my notes, not a workspace\n".repeat(100);
    std::fs::write(&ws.db, &content).unwrap();
    #[cfg(unix)]
    set_mode(&ws.db, 0o644);
    let (code, why) = ws.fails(&["identity", "list"]);
    assert_eq!(code, 1, "{why}");
    assert!(why.contains("not an MLS Inspector workspace"), "{why}");
    assert_eq!(std::fs::read(&ws.db).unwrap(), content);
    #[cfg(unix)]
    assert_eq!(mode(&ws.db), 0o644, "the refused file's mode changed");
    // --create does not make a workspace of a file that holds something.
    ws.fails(&["identity", "list", "--create"]);
    assert_eq!(std::fs::read(&ws.db).unwrap(), content);
}

#[test]
fn an_existing_empty_file_needs_create() {
    let dir = TempDir::new("open-empty");
    let ws = Ws::new(&dir, "empty");
    std::fs::write(&ws.db, b"").unwrap();
    #[cfg(unix)]
    set_mode(&ws.db, 0o644);
    let (_, why) = ws.fails(&["identity", "new", "alice"]);
    assert!(why.contains("--create"), "{why}");
    assert_eq!(std::fs::metadata(&ws.db).unwrap().len(), 0);
    #[cfg(unix)]
    assert_eq!(mode(&ws.db), 0o644);

    let made = ws.json(&["identity", "new", "alice", "--create"]);
    assert_eq!(made["name"], "alice", "{made}");
    #[cfg(unix)]
    assert_eq!(mode(&ws.db), 0o600, "a workspace is private");
    // A workspace now: no --create needed any more.
    assert_eq!(
        ws.json(&["identity", "list"])["identities"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // A missing file is still simply created.
    let fresh = Ws::new(&dir, "fresh");
    fresh.json(&["identity", "new", "bob"]);
}

#[test]
fn a_read_only_workspace_shows_everything_and_changes_nothing() {
    let dir = TempDir::new("open-read-only");
    let ws = Ws::new(&dir, "alice");
    ws.json(&["identity", "new", "alice"]);
    ws.json(&["group", "create", "--identity", "alice", "--name", "team"]);
    let show = ws.show_raw("team");
    let history = ws.ok(&["group", "history", "team", "--json"]);

    assert_eq!(ws.ok(&ro(&["group", "show", "team", "--json"])), show);
    assert_eq!(ws.ok(&ro(&["group", "history", "team", "--json"])), history);
    ws.ok(&ro(&["group", "list"]));
    ws.ok(&ro(&["identity", "list"]));
    for args in [
        &["identity", "new", "bob"][..],
        &["group", "send", "team", "hello"],
        &["group", "update", "team"],
        &["settings", "--set", "padding=64"],
        &["group", "settings", "team", "--set", "padding=64"],
    ] {
        let out = ws.run(&ro(args));
        assert!(
            !out.status.success(),
            "{args:?} changed a read-only workspace"
        );
        let why = String::from_utf8_lossy(&out.stderr);
        assert!(why.contains("read-only"), "{args:?}: {why}");
    }
    assert_eq!(ws.show_raw("team"), show);
    assert_eq!(ws.ok(&["group", "history", "team", "--json"]), history);
    // Nothing to read: a missing file is not created.
    let missing = Ws::new(&dir, "missing");
    missing.fails(&ro(&["identity", "list"]));
    assert!(!std::path::Path::new(&missing.db).exists());
}

/// Without --read-only: a file this process cannot write. Root writes
/// every file, so there this part says so and checks nothing.
#[cfg(unix)]
#[test]
fn a_file_this_process_cannot_write_is_opened_read_only() {
    let dir = TempDir::new("open-unwritable");
    let ws = Ws::new(&dir, "alice");
    ws.json(&["identity", "new", "alice"]);
    ws.json(&["group", "create", "--identity", "alice", "--name", "team"]);
    let show = ws.show_raw("team");
    set_mode(&ws.db, 0o400);
    if std::fs::OpenOptions::new().write(true).open(&ws.db).is_ok() {
        eprintln!(
            "SKIPPED a_file_this_process_cannot_write_is_opened_read_only: this process \
             (root?) can write a 0400 file; the --read-only test covers the same path"
        );
        return;
    }
    assert_eq!(ws.show_raw("team"), show);
    let (_, why) = ws.fails(&["identity", "new", "bob"]);
    assert!(why.contains("read-only"), "{why}");
    assert_eq!(mode(&ws.db), 0o400);
}

/// `args` with `--read-only`.
fn ro<'a>(args: &[&'a str]) -> Vec<&'a str> {
    let mut all = args.to_vec();
    all.push("--read-only");
    all
}
