#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! An encrypted workspace (issue 13, item 3): after `workspace protect`
//! the file holds no signature private key, no key-package private key,
//! no `MLSG` group state, no PSK secret and no message plaintext, written
//! before or after; everything works with the passphrase (two workspaces,
//! one protected, exchange messages and commits); without it or with a
//! wrong one every command is refused and the file is byte-identical;
//! `unprotect` gives back a file that works without a passphrase; a
//! process killed while protecting or unprotecting leaves the old or the
//! new form, never a mix.

#[path = "support/cli_ws.rs"]
mod cli_ws;

use std::io::{BufRead as _, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use cli_ws::{TempDir, Ws, exchange, two_members};
use rusqlite::Connection;
use serde_json::Value;

const PASSPHRASE_ENV: &str = "MLS_INSPECTOR_PASSPHRASE_FILE";
const NEW_PASSPHRASE_ENV: &str = "MLS_INSPECTOR_NEW_PASSPHRASE_FILE";
/// The smallest Argon2id cost, so the suite stays fast (the cost used is
/// stored in the file and checked below).
const TEST_KDF_ENV: &str = "MLS_INSPECTOR_INSECURE_TEST_KDF";

/// Runs the binary on `ws` with the passphrase files given.
fn run(ws: &Ws, pass: Option<&Path>, new: Option<&Path>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mls-inspector"));
    cmd.args(args)
        .args(["--db", &ws.db])
        .env_remove("MLS_INSPECTOR_DB")
        .env_remove(PASSPHRASE_ENV)
        .env_remove(NEW_PASSPHRASE_ENV)
        .env(TEST_KDF_ENV, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(p) = pass {
        cmd.env(PASSPHRASE_ENV, p);
    }
    if let Some(p) = new {
        cmd.env(NEW_PASSPHRASE_ENV, p);
    }
    cmd.output().unwrap()
}

/// A command that must succeed; its `--json` object.
fn json(ws: &Ws, pass: Option<&Path>, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = run(ws, pass, None, &all);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A command that must fail with one line and leave the file
/// byte-identical; returns (exit status, stderr).
fn refused(ws: &Ws, pass: Option<&Path>, new: Option<&Path>, args: &[&str]) -> (i32, String) {
    let before = file_bytes(&ws.db);
    let out = run(ws, pass, new, args);
    assert!(!out.status.success(), "{args:?} should have failed");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        file_bytes(&ws.db) == before,
        "{args:?} changed the workspace file"
    );
    (out.status.code().unwrap(), stderr)
}

/// The workspace file with its write-ahead log, if any.
fn file_bytes(db: &str) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    if let Ok(wal) = std::fs::read(format!("{db}-wal")) {
        bytes.extend(wal);
    }
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every value of one column, read with SQL (not through the program).
fn column(db: &str, sql: &str) -> Vec<Vec<u8>> {
    let conn = Connection::open(db).unwrap();
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| r.get::<_, Vec<u8>>(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// The secrets of a workspace file as SQL reads them.
struct Secrets {
    signature_keys: Vec<Vec<u8>>,
    key_package_keys: Vec<Vec<u8>>,
    states: Vec<Vec<u8>>,
    psks: Vec<Vec<u8>>,
    plaintexts: Vec<Vec<u8>>,
}

fn secrets(db: &str) -> Secrets {
    let mut key_package_keys = column(
        db,
        "SELECT init_private FROM key_packages WHERE init_private IS NOT NULL",
    );
    key_package_keys.extend(column(
        db,
        "SELECT encryption_private FROM key_packages WHERE encryption_private IS NOT NULL",
    ));
    Secrets {
        signature_keys: column(db, "SELECT signature_private FROM identities"),
        key_package_keys,
        states: column(db, "SELECT state FROM groups WHERE state IS NOT NULL"),
        psks: column(db, "SELECT secret FROM psks"),
        plaintexts: column(db, "SELECT content FROM messages WHERE content IS NOT NULL"),
    }
}

/// What `sqlite3 FILE .dump` shows of every row of every table: text as
/// it is, blobs as hex (`X'…'`), numbers in decimal.
fn dump(db: &str) -> String {
    use rusqlite::types::ValueRef;
    let conn = Connection::open(db).unwrap();
    let tables: Vec<String> = {
        let mut stmt = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
            .unwrap();
        stmt.query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let mut out = String::new();
    for table in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{table}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            out.push_str(&format!("INSERT INTO {table} VALUES("));
            for i in 0..n {
                match row.get_ref(i).unwrap() {
                    ValueRef::Null => out.push_str("NULL"),
                    ValueRef::Integer(v) => out.push_str(&v.to_string()),
                    ValueRef::Real(v) => out.push_str(&v.to_string()),
                    ValueRef::Text(t) => out.push_str(&String::from_utf8_lossy(t)),
                    ValueRef::Blob(b) => out.push_str(&format!("X'{}'", hex::encode(b))),
                }
                out.push(',');
            }
            out.push_str(");\n");
        }
    }
    out
}

/// Fails if any of `clear` (secret values as they were stored in clear)
/// is in the file or its dump, or any `MLSG` state blob.
fn assert_sealed(db: &str, clear: &Secrets, extra: &[&[u8]]) {
    let bytes = file_bytes(db);
    assert!(
        !contains(&bytes, b"MLSG"),
        "a clear group state in the file"
    );
    for (what, values) in [
        ("signature private key", &clear.signature_keys),
        ("key-package private key", &clear.key_package_keys),
        ("group state", &clear.states),
        ("PSK secret", &clear.psks),
        ("plaintext", &clear.plaintexts),
    ] {
        assert!(!values.is_empty(), "no {what} to look for");
        for v in values {
            assert!(!contains(&bytes, v), "a clear {what} in the protected file");
        }
    }
    let dumped = dump(db);
    assert!(
        !dumped.contains(&hex::encode(b"MLSG")),
        "a clear state in the dump"
    );
    for values in [
        &clear.signature_keys,
        &clear.key_package_keys,
        &clear.states,
        &clear.psks,
        &clear.plaintexts,
    ] {
        for v in values {
            assert!(
                !dumped.contains(&hex::encode(v)),
                "a clear secret in the dump"
            );
        }
    }
    for v in extra {
        assert!(
            !dumped.contains(&*String::from_utf8_lossy(v)),
            "plaintext in the dump"
        );
        assert!(
            !contains(&bytes, v),
            "{:?} in the protected file",
            String::from_utf8_lossy(v)
        );
    }
    // What SQL reads now is sealed, not the values.
    let now = secrets(db);
    for state in &now.states {
        assert!(!state.starts_with(b"MLSG"));
    }
    for key in &clear.signature_keys {
        assert!(!now.signature_keys.contains(key));
    }
}

fn write(dir: &TempDir, name: &str, line: &str) -> std::path::PathBuf {
    let path = dir.file(name);
    std::fs::write(&path, format!("{line}\n")).unwrap();
    path
}

#[test]
fn protect_seals_every_secret_and_everything_still_works() {
    let dir = TempDir::new("protect");
    let a = Ws::new(&dir, "a");
    let b = Ws::new(&dir, "b");
    let bg = two_members(&dir, &a, &b);
    for (ws, g) in [(&a, "team"), (&b, bg.as_str())] {
        ws.json(&["group", "settings", g, "--set", "keep_plaintext=true"]);
    }
    exchange(&dir, (&a, "team"), (&b, &bg), "written before protection");
    exchange(&dir, (&b, &bg), (&a, "team"), "an answer before protection");
    let psk_secret = "5ec2e7a1b2c3d4e5f60718293a4b5c6d";
    a.json(&["psk", "add", "0a0b", psk_secret]);
    a.json(&[
        "keypackage",
        "new",
        "--identity",
        "alice",
        "--out",
        &dir.arg("spare.kp"),
    ]);
    let clear = secrets(&a.db);
    assert!(clear.states.iter().all(|s| s.starts_with(b"MLSG")));
    // Before: the dump shows them all (so the checks below can fail).
    let dumped = dump(&a.db);
    assert!(dumped.contains(&hex::encode(b"MLSG")));
    for v in clear
        .signature_keys
        .iter()
        .chain(&clear.psks)
        .chain(&clear.plaintexts)
    {
        assert!(dumped.contains(&hex::encode(v)));
    }
    assert!(contains(&file_bytes(&a.db), b"written before protection"));
    assert!(contains(
        &file_bytes(&a.db),
        &hex::decode(psk_secret).unwrap()
    ));

    let pass = write(&dir, "pass", "correct horse battery staple");
    let wrong = write(&dir, "wrong", "correct horse battery stapler");
    let status = json(&a, Some(&pass), &["workspace", "protect"]);
    assert_eq!(status["protected"], true);
    // The cost used is the one stored (the test cost here).
    assert_eq!(status["kdf"]["algorithm"], "argon2id");
    assert!(status["kdf"]["memory_kib"].as_u64().unwrap() >= 8);
    assert_sealed(&a.db, &clear, &[b"an answer before protection"]);

    // Without the passphrase, or with a wrong one: refused, file unchanged.
    let (code, why) = refused(&a, None, None, &["group", "show", "team"]);
    assert_eq!(code, 2, "{why}");
    assert!(why.contains("MLS_INSPECTOR_PASSPHRASE_FILE"), "{why}");
    let (code, why) = refused(&a, Some(&wrong), None, &["group", "send", "team", "x"]);
    assert_eq!(code, 1);
    assert!(why.contains("wrong passphrase"), "{why}");
    refused(&a, Some(&wrong), None, &["workspace", "unprotect"]);
    refused(&a, Some(&pass), None, &["workspace", "protect"]);
    let status = json(&a, None, &["workspace", "status"]);
    assert_eq!(status["protected"], true);
    // The window's idle lock is set without the passphrase (no secret).
    assert_eq!(status["lock_after_seconds"], 600);
    let set = json(&a, None, &["workspace", "lock-after", "90"]);
    assert_eq!(set["lock_after_seconds"], 90);
    assert_eq!(
        json(&a, None, &["workspace", "status"])["lock_after_seconds"],
        90
    );

    // With it, the protected workspace talks to the unprotected one:
    // messages both ways, a commit each way, both sides agree.
    let msg = dir.arg("m.msg");
    json(
        &a,
        Some(&pass),
        &[
            "group",
            "send",
            "team",
            "sealed after protection",
            "--out",
            &msg,
        ],
    );
    let got = b.json(&["group", "receive", &bg, &msg]);
    assert_eq!(got["text"], "sealed after protection");
    b.json(&[
        "group",
        "send",
        &bg,
        "an answer after protection",
        "--out",
        &msg,
    ]);
    let got = json(&a, Some(&pass), &["group", "receive", "team", &msg]);
    assert_eq!(got["text"], "an answer after protection");
    let commit = dir.arg("c.msg");
    json(
        &a,
        Some(&pass),
        &[
            "group",
            "update",
            "team",
            "--commit-out",
            &commit,
            "--apply",
        ],
    );
    b.json(&["group", "receive", &bg, &commit]);
    b.json(&["group", "apply", &bg]);
    b.json(&["group", "update", &bg, "--commit-out", &commit, "--apply"]);
    json(&a, Some(&pass), &["group", "receive", "team", &commit]);
    json(&a, Some(&pass), &["group", "apply", "team"]);
    let ours = json(&a, Some(&pass), &["group", "show", "team"]);
    let theirs = b.json(&["group", "show", &bg]);
    assert_eq!(ours["epoch"], theirs["epoch"]);
    assert_eq!(ours["epoch_authenticator"], theirs["epoch_authenticator"]);
    let listed = json(&a, Some(&pass), &["group", "messages", "team"]);
    let texts = listed.to_string();
    assert!(texts.contains("written before protection"), "{texts}");
    assert!(texts.contains("an answer after protection"), "{texts}");
    assert_sealed(
        &a.db,
        &clear,
        &[b"sealed after protection", b"an answer after protection"],
    );

    // A new passphrase: the old one no longer opens it.
    let new = write(&dir, "new", "another passphrase");
    let changed = run(
        &a,
        Some(&pass),
        Some(&new),
        &["workspace", "change-passphrase"],
    );
    assert!(
        changed.status.success(),
        "{}",
        String::from_utf8_lossy(&changed.stderr)
    );
    refused(&a, Some(&pass), None, &["group", "show", "team"]);
    json(&a, Some(&new), &["group", "show", "team"]);
    assert_sealed(&a.db, &clear, &[b"sealed after protection"]);

    // Unprotected again: works without a passphrase, secrets in clear and
    // unchanged.
    refused(&a, Some(&pass), None, &["workspace", "unprotect"]);
    json(&a, Some(&new), &["workspace", "unprotect"]);
    let status = json(&a, None, &["workspace", "status"]);
    assert_eq!(status["protected"], false);
    let after = secrets(&a.db);
    assert_eq!(after.signature_keys, clear.signature_keys);
    assert_eq!(after.psks, clear.psks);
    assert!(after.states.iter().all(|s| s.starts_with(b"MLSG")));
    exchange(&dir, (&a, "team"), (&b, &bg), "no passphrase any more");
    exchange(&dir, (&b, &bg), (&a, "team"), "and back");
    let ours = a.json(&["group", "show", "team"]);
    let theirs = b.json(&["group", "show", &bg]);
    assert_eq!(ours["epoch_authenticator"], theirs["epoch_authenticator"]);
}

#[test]
fn a_sealed_value_moved_to_another_row_does_not_open() {
    let dir = TempDir::new("protect-swap");
    let a = Ws::new(&dir, "a");
    a.json(&["identity", "new", "alice"]);
    a.json(&["identity", "new", "carol"]);
    let pass = write(&dir, "pass", "swap test");
    json(&a, Some(&pass), &["workspace", "protect"]);
    // Carol's sealed key copied into Alice's row.
    let conn = Connection::open(&a.db).unwrap();
    conn.execute(
        "UPDATE identities SET signature_private = \
         (SELECT signature_private FROM identities WHERE name = 'carol') WHERE name = 'alice'",
        [],
    )
    .unwrap();
    drop(conn);
    let out = run(
        &a,
        Some(&pass),
        None,
        &["group", "create", "--identity", "alice"],
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("identities.signature_private"), "{stderr}");
    // Carol's own row still opens.
    json(&a, Some(&pass), &["group", "create", "--identity", "carol"]);
}

#[test]
fn a_window_on_a_protected_workspace_says_so() {
    let dir = TempDir::new("protect-window");
    let a = Ws::new(&dir, "a");
    a.json(&["identity", "new", "alice"]);
    let pass = write(&dir, "pass", "window test");
    json(&a, Some(&pass), &["workspace", "protect"]);
    let err = mls_inspector::workspace::Workspace::open(&a.db).unwrap_err();
    assert!(
        err.to_string().contains("protected by a passphrase"),
        "{err}"
    );
}

/// Trials of the crash test.
const TRIALS: u64 = 40;

#[test]
fn a_killed_protect_leaves_the_old_or_the_new_form() {
    use mls_inspector::workspace::Workspace;
    let dir = TempDir::new("protect-crash");
    let a = Ws::new(&dir, "a");
    let b = Ws::new(&dir, "b");
    let bg = two_members(&dir, &a, &b);
    a.json(&["group", "settings", "team", "--set", "keep_plaintext=true"]);
    exchange(&dir, (&b, &bg), (&a, "team"), "kept plaintext");
    a.json(&["psk", "add", "0c0d", "00112233445566778899aabbccddeeff"]);
    let clear = secrets(&a.db);
    let pass = write(&dir, "pass", "crash test");
    let passphrase = "crash test";
    let (mut protected, mut unprotected) = (0, 0);
    let mut rng = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64
        | 1;
    for trial in 0..TRIALS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mls-inspector"))
            .args(["debug", "protect-loop", "--db", &a.db])
            .env(TEST_KDF_ENV, "1")
            .env(PASSPHRASE_ENV, &pass)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "trial {trial}");
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        std::thread::sleep(Duration::from_millis(rng % 60));
        child.kill().unwrap();
        child.wait().unwrap();

        // Either form, whole: every secret reads back as it was.
        let ws = Workspace::open_with_passphrase(&a.db, passphrase)
            .unwrap_or_else(|e| panic!("trial {trial}: {e}"));
        let now = secrets(&a.db);
        if ws.protection().unwrap().is_some() {
            protected += 1;
            assert!(
                now.states.iter().all(|s| !s.starts_with(b"MLSG")),
                "trial {trial}"
            );
            assert!(
                now.signature_keys
                    .iter()
                    .all(|k| !clear.signature_keys.contains(k))
            );
        } else {
            unprotected += 1;
            assert_eq!(now.signature_keys, clear.signature_keys, "trial {trial}");
            assert_eq!(now.states, clear.states, "trial {trial}");
            assert_eq!(now.psks, clear.psks, "trial {trial}");
        }
        let store = ws.store();
        for row in ws.groups().unwrap() {
            ws.group_load(row.key)
                .unwrap_or_else(|e| panic!("trial {trial}: {e}"));
        }
        let psks: Vec<Vec<u8>> = store
            .psk_secrets()
            .unwrap()
            .into_iter()
            .map(|(_, s)| s.as_bytes().to_vec())
            .collect();
        assert_eq!(psks, clear.psks, "trial {trial}");
        let texts: Vec<Vec<u8>> = ws
            .messages(None)
            .unwrap()
            .into_iter()
            .filter_map(|m| m.content)
            .collect();
        assert_eq!(texts, clear.plaintexts, "trial {trial}");
    }
    println!("{TRIALS} kills: {protected} left it protected, {unprotected} unprotected");
    // The group still works after all that.
    let pass_opt = Workspace::open(&a.db).is_err().then_some(pass.as_path());
    let msg = dir.arg("m.msg");
    json(
        &a,
        pass_opt,
        &["group", "send", "team", "still here", "--out", &msg],
    );
    let got = b.json(&["group", "receive", &bg, &msg]);
    assert_eq!(got["text"], "still here");
}

/// The application messages of `group messages --json` as (direction,
/// text) pairs.
fn logged(ws: &Ws, group: &str) -> Vec<(String, Option<String>)> {
    ws.json(&["group", "messages", group])["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["kind"] == "application")
        .map(|m| {
            (
                m["direction"].as_str().unwrap().to_owned(),
                m["text"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn plaintext_is_kept_only_when_asked_and_purged_on_demand() {
    let dir = TempDir::new("keep-plaintext");
    let a = Ws::new(&dir, "a");
    let b = Ws::new(&dir, "b");
    let bg = two_members(&dir, &a, &b);
    // Default: nothing of the plaintext is stored, on either side.
    exchange(&dir, (&a, "team"), (&b, &bg), "not stored out");
    exchange(&dir, (&b, &bg), (&a, "team"), "not stored in");
    let settings = a.json(&["group", "settings", "team"]);
    assert_eq!(
        settings["settings"]["keep_plaintext"], "false",
        "{settings}"
    );
    assert_eq!(
        logged(&a, "team"),
        [("out".to_owned(), None), ("in".to_owned(), None)]
    );
    for ws in [&a, &b] {
        assert!(secrets(&ws.db).plaintexts.is_empty());
        let bytes = file_bytes(&ws.db);
        assert!(!contains(&bytes, b"not stored out"));
        assert!(!contains(&bytes, b"not stored in"));
    }
    // Kept once asked for, on Alice's side only.
    a.json(&["group", "settings", "team", "--set", "keep_plaintext=true"]);
    exchange(&dir, (&a, "team"), (&b, &bg), "kept out");
    exchange(&dir, (&b, &bg), (&a, "team"), "kept in");
    assert_eq!(
        logged(&a, "team")[2..],
        [
            ("out".to_owned(), Some("kept out".to_owned())),
            ("in".to_owned(), Some("kept in".to_owned()))
        ]
    );
    assert!(logged(&b, &bg).iter().all(|(_, t)| t.is_none()));
    assert!(contains(&file_bytes(&a.db), b"kept out"));
    // Purged: the rows stay, the text goes, from the file too.
    let before = logged(&a, "team").len();
    let purged = a.json(&["group", "purge-messages", "team"]);
    assert_eq!(purged["purged"], 2);
    let after = logged(&a, "team");
    assert_eq!(after.len(), before);
    assert!(after.iter().all(|(_, t)| t.is_none()));
    let bytes = file_bytes(&a.db);
    assert!(!contains(&bytes, b"kept out"));
    assert!(!contains(&bytes, b"kept in"));
    let again = a.json(&["group", "purge-messages", "team"]);
    assert_eq!(again["purged"], 0);
}

#[test]
fn a_passphrase_changed_by_another_program_is_noticed_before_writing() {
    use mls_inspector::workspace::store::StorageError;
    use mls_inspector::workspace::{KdfParams, Workspace, WorkspaceError};
    let dir = TempDir::new("protect-other");
    let db = dir.file("ws.sqlite");
    let first = Workspace::open(&db).unwrap();
    let alice = first
        .identity_new(
            "alice",
            mls_core::crypto::CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
        )
        .unwrap();
    first.store().protect(b"one", KdfParams::TEST).unwrap();
    let group = first
        .group_create(
            alice.key,
            &mls_inspector::workspace::GroupOptions::default(),
        )
        .unwrap();
    // Another program changes the passphrase (and the workspace key).
    let other = Workspace::open_with_passphrase(&db, "one").unwrap();
    other
        .store()
        .change_passphrase(b"one", b"two", KdfParams::TEST)
        .unwrap();
    drop(other);
    let before = std::fs::read(&db).unwrap();
    let err = first.send(group.key, b"under the old key").unwrap_err();
    assert!(
        matches!(
            err,
            WorkspaceError::Storage(StorageError::PassphraseChanged)
        ),
        "{err}"
    );
    assert!(std::fs::read(&db).unwrap() == before);
    // Opened again with the new passphrase, it works; the old one is wrong.
    assert!(matches!(
        Workspace::open_with_passphrase(&db, "one").unwrap_err(),
        WorkspaceError::Storage(StorageError::WrongPassphrase)
    ));
    let again = Workspace::open_with_passphrase(&db, "two").unwrap();
    again.send(group.key, b"under the new key").unwrap();
}
