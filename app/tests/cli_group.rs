#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The workspace commands of the CLI (`identity`, `keypackage`, `group`,
//! `trust-root`, `psk`), driven through the real binary with two workspace
//! files playing two members of a group.

use serde_json::Value;

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws, exchange, text, two_members};

/// The acceptance test of issue 7: two workspaces, 20 epochs of commits by
/// both sides and messages both ways, previews before applying, and the
/// same epoch authenticator on both sides every epoch.
#[test]
fn two_workspaces_twenty_epochs() {
    let started = std::time::Instant::now();
    let dir = TempDir::new("e2e");
    let a = Ws::new(&dir, "alice");
    let b = Ws::new(&dir, "bob");
    let bg = two_members(&dir, &a, &b);
    // Alice's log keeps the plaintext (checked at the end).
    a.json(&["group", "settings", "team", "--set", "keep_plaintext=true"]);
    // Carol's key packages are made in A's workspace; she never joins (A
    // adds and removes her leaf).
    a.json(&["identity", "new", "carol"]);

    for round in 1..=20u64 {
        let epoch = round; // both are at this epoch before the round's commit
        exchange(
            &dir,
            (&a, "team"),
            (&b, &bg),
            &format!("alice → bob in epoch {epoch}"),
        );
        exchange(
            &dir,
            (&b, &bg),
            (&a, "team"),
            &format!("bob → alice in epoch {epoch} ✓"),
        );

        let commit = dir.arg(&format!("commit-{round}.msg"));
        if round % 2 == 1 {
            // Alice commits; Bob previews, checks, then applies.
            let c = match (round / 2) % 4 {
                0 => a.json(&["group", "update", "team", "--commit-out", &commit]),
                1 => a.json(&["group", "commit", "team", "--commit-out", &commit]),
                2 => {
                    let kp = dir.arg(&format!("carol-{round}.kp"));
                    a.json(&["keypackage", "new", "--identity", "carol", "--out", &kp]);
                    let c = a.json(&["group", "add", "team", &kp, "--commit-out", &commit]);
                    assert_eq!(c["preview"]["summary"]["added"][0]["identity"], "carol");
                    assert!(c["welcome"].is_string(), "{c}");
                    c
                }
                _ => {
                    let c = a.json(&["group", "remove", "team", "carol", "--commit-out", &commit]);
                    assert_eq!(c["preview"]["summary"]["removed"][0]["identity"], "carol");
                    c
                }
            };
            assert_eq!(c["applied"], false);
            assert_eq!(c["preview"]["current_epoch"], epoch);
            assert_eq!(c["preview"]["new_epoch"], epoch + 1);
            let expected = text(&c["preview"], "epoch_authenticator");
            // Staged, not applied: still the old epoch.
            assert_eq!(a.state("team").0, epoch);
            let applied = a.json(&["group", "apply", "team"]);
            assert_eq!(applied["epoch"], epoch + 1);
            assert_eq!(text(&applied, "epoch_authenticator"), expected);

            let r = b.json(&["group", "receive", &commit]);
            assert_eq!(r["kind"], "commit", "{r}");
            assert_eq!(r["applied"], false);
            let p = &r["preview"];
            assert_eq!(p["origin"], "incoming");
            assert_eq!(p["committer"], 0);
            assert_eq!(p["committer_name"], "alice");
            assert_eq!(p["current_epoch"], epoch);
            assert_eq!(p["new_epoch"], epoch + 1);
            assert_eq!(p["summary"], c["preview"]["summary"]);
            assert_eq!(p["changed_nodes"], c["preview"]["changed_nodes"]);
            assert_eq!(text(p, "epoch_authenticator"), expected);
            let staged = b.state(&bg);
            assert_eq!((staged.0, staged.2), (epoch, true));
            let pending = b.json(&["group", "pending", &bg]);
            assert_eq!(pending["pending"]["new_epoch"], epoch + 1);
            let applied = b.json(&["group", "apply", &bg]);
            assert_eq!(text(&applied, "epoch_authenticator"), expected);
        } else {
            // Bob commits an update and applies at once; Alice previews,
            // then applies.
            let c = b.json(&["group", "update", &bg, "--commit-out", &commit, "--apply"]);
            assert_eq!(c["applied"], true);
            assert_eq!(c["epoch"], epoch + 1);
            assert_eq!(c["preview"]["summary"]["has_path"], true);
            let r = a.json(&["group", "receive", "team", &commit]);
            assert_eq!(r["kind"], "commit", "{r}");
            assert_eq!(r["preview"]["committer"], 1);
            assert_eq!(r["preview"]["committer_name"], "bob");
            assert_eq!(r["preview"]["new_epoch"], epoch + 1);
            assert_eq!(
                r["preview"]["epoch_authenticator"],
                c["epoch_authenticator"]
            );
            a.json(&["group", "apply", "team"]);
        }

        let (ea, auth_a, pending_a) = a.state("team");
        let (eb, auth_b, pending_b) = b.state(&bg);
        assert_eq!((ea, eb), (epoch + 1, epoch + 1), "round {round}");
        assert_eq!(auth_a, auth_b, "epoch authenticators differ in epoch {ea}");
        assert!(!pending_a && !pending_b);
    }

    // Bob's history: epochs 1 (joined) to 21, 21 rows; Alice's also has
    // epoch 0 (created). Every shared epoch agrees.
    let ha = a.json(&["group", "history", "team"]);
    let hb = b.json(&["group", "history", &bg]);
    let ha = ha["epochs"].as_array().unwrap();
    let hb = hb["epochs"].as_array().unwrap();
    assert_eq!(hb.len(), 21);
    assert_eq!(ha.len(), 22);
    assert_eq!(ha[0]["cause"], "created");
    assert_eq!(hb[0]["cause"], "welcome");
    for (ra, rb) in ha[1..].iter().zip(hb) {
        assert_eq!(ra["epoch"], rb["epoch"]);
        assert_eq!(ra["epoch_authenticator"], rb["epoch_authenticator"]);
        assert_eq!(ra["tree_hash"], rb["tree_hash"]);
        assert!(!text(ra, "epoch_authenticator").is_empty());
    }
    assert_eq!(hb[20]["epoch"], 21);

    // Both sides recorded every application message with its text.
    let ma = a.json(&["group", "messages", "team"]);
    let texts: Vec<&str> = ma["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["text"].as_str())
        .collect();
    assert_eq!(texts.len(), 40);
    assert!(texts.contains(&"bob → alice in epoch 20 ✓"));
    eprintln!(
        "two_workspaces_twenty_epochs: {:.2?} wall time",
        started.elapsed()
    );
}

#[test]
fn discard_keeps_the_epoch_and_the_commit_can_be_received_again() {
    let dir = TempDir::new("discard");
    let a = Ws::new(&dir, "alice");
    let b = Ws::new(&dir, "bob");
    let bg = two_members(&dir, &a, &b);
    let before = b.state(&bg);
    let commit = dir.arg("update.msg");
    a.json(&[
        "group",
        "update",
        "team",
        "--commit-out",
        &commit,
        "--apply",
    ]);

    let r = b.json(&["group", "receive", &bg, &commit]);
    assert_eq!(r["kind"], "commit");
    assert_eq!(b.state(&bg), (before.0, before.1.clone(), true));
    // The human preview names the committer and the epochs.
    let shown = b.ok(&["group", "pending", &bg]);
    assert!(
        shown.contains("incoming commit by alice (leaf 0): epoch 1 → 2"),
        "{shown}"
    );

    let d = b.json(&["group", "discard", &bg]);
    assert_eq!(d["discarded"], true);
    assert_eq!(d["epoch"], 1);
    assert_eq!(b.state(&bg), before);
    assert!(b.json(&["group", "pending", &bg])["pending"].is_null());
    // Nothing left to discard.
    let (code, err) = b.fails(&["group", "discard", &bg]);
    assert_eq!(code, 1);
    assert!(err.contains("no pending commit"), "{err}");

    // The same commit again, from stdin as hex this time.
    let hex_text = hex::encode(std::fs::read(&commit).unwrap());
    let out = b.run_with(
        &["group", "receive", "-", "--json"],
        Some(hex_text.as_bytes()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["preview"]["new_epoch"], 2);
    b.json(&["group", "apply", &bg]);
    assert_eq!(b.state(&bg), a.state("team"));
    assert_eq!(b.state(&bg).0, 2);
}

#[test]
fn errors_exit_nonzero_with_a_message_and_change_nothing() {
    let dir = TempDir::new("errors");
    let a = Ws::new(&dir, "alice");
    let b = Ws::new(&dir, "bob");
    let bg = two_members(&dir, &a, &b);
    let before_a = a.json(&["group", "show", "team"]);
    let before_b = b.json(&["group", "show", &bg]);

    // Unknown group.
    let (code, err) = a.fails(&["group", "show", "no-such-group"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("mls-inspector: group show: no group matches \"no-such-group\""),
        "{err}"
    );
    let (code, err) = a.fails(&["group", "send", "#99", "hello"]);
    assert_eq!(code, 1);
    assert!(err.contains("no group matches \"#99\""), "{err}");
    // Unknown identity.
    let (code, err) = a.fails(&["keypackage", "new", "--identity", "mallory"]);
    assert_eq!(code, 1);
    assert!(err.contains("no identity matches \"mallory\""), "{err}");

    // Malformed message files: hex that is not an MLSMessage, text that is
    // not hex or base64, and a file that does not exist.
    let bad = dir.arg("bad.msg");
    std::fs::write(&bad, "0001 0203 0405\n").unwrap();
    let (code, err) = b.fails(&["group", "receive", &bg, &bad]);
    assert_eq!(code, 1);
    assert!(err.contains("MLSMessage is malformed"), "{err}");
    std::fs::write(&bad, "this is no message!\n").unwrap();
    let (code, err) = b.fails(&["group", "receive", &bad]);
    assert_eq!(code, 1);
    assert!(err.contains("is text, but neither hex"), "{err}");
    let (code, err) = b.fails(&["group", "receive", &dir.arg("missing.msg")]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
    // A key package that is not one.
    std::fs::write(&bad, "0001 0203 0405\n").unwrap();
    let (code, err) = a.fails(&["group", "add", "team", &bad]);
    assert_eq!(code, 1);
    assert!(err.contains("malformed"), "{err}");

    // Applying with nothing pending.
    let (code, err) = a.fails(&["group", "apply", "team"]);
    assert_eq!(code, 1);
    assert!(err.contains("group #1 has no pending commit"), "{err}");

    // A commit for the wrong epoch: Alice commits twice (epochs 1 → 2 → 3);
    // Bob gets the second one first.
    let c1 = dir.arg("c1.msg");
    let c2 = dir.arg("c2.msg");
    a.json(&["group", "update", "team", "--commit-out", &c1, "--apply"]);
    a.json(&["group", "update", "team", "--commit-out", &c2, "--apply"]);
    let (code, err) = b.fails(&["group", "receive", &bg, &c2]);
    assert_eq!(code, 1);
    assert!(
        err.contains("the message is for epoch 2, the group is at epoch 1"),
        "{err}"
    );

    // Bob's state is exactly as it was, nothing pending.
    assert_eq!(b.json(&["group", "show", &bg]), before_b);
    assert_eq!(
        b.json(&["group", "history", &bg])["epochs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let after_a = a.json(&["group", "show", "team"]);
    assert_eq!(after_a["epoch"], 3);
    assert_ne!(
        after_a["epoch_authenticator"],
        before_a["epoch_authenticator"]
    );

    // In order they apply; an old one is then for the wrong epoch.
    b.json(&["group", "receive", &bg, &c1, "--apply"]);
    b.json(&["group", "receive", &bg, &c2, "--apply"]);
    assert_eq!(b.state(&bg), a.state("team"));
    let (code, err) = b.fails(&["group", "receive", &bg, &c1]);
    assert_eq!(code, 1);
    assert!(
        err.contains("for epoch 1, the group is at epoch 3"),
        "{err}"
    );

    // A second commit while one is pending is refused.
    a.json(&["group", "update", "team", "--commit-out", &c1]);
    let (code, err) = a.fails(&["group", "update", "team"]);
    assert_eq!(code, 1);
    assert!(err.contains("already has a pending commit"), "{err}");
    a.json(&["group", "discard", "team"]);

    // Usage errors exit with 2; --json errors are JSON too.
    let out = a.run(&["group", "remove", "team"]);
    assert_eq!(out.status.code(), Some(2));
    let out = a.run(&["group", "show", "nothing", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(text(&v, "error").contains("no group matches"), "{v}");
    assert_eq!(v["exit"], 1);
}

#[test]
fn json_outputs_parse() {
    let dir = TempDir::new("json");
    let a = Ws::new(&dir, "alice");
    let b = Ws::new(&dir, "bob");

    let id = a.json(&["identity", "new", "alice", "--suite", "1"]);
    assert_eq!(id["name"], "alice");
    assert_eq!(id["cipher_suite"], 1);
    let id3 = a.json(&[
        "identity",
        "new",
        "dave",
        "--suite",
        "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519",
    ]);
    assert_eq!(id3["cipher_suite"], 3);
    b.json(&["identity", "new", "bob"]);
    b.json(&["identity", "new", "carol"]);
    assert_eq!(
        a.json(&["identity", "list"])["identities"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let (code, err) = a.fails(&["identity", "new", "x", "--suite", "99"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown cipher suite"), "{err}");

    // Key packages: new (hex in the JSON), list, export (base64 file),
    // validate (from stdin).
    let kp = b.json(&["keypackage", "new", "--identity", "bob"]);
    let reference = text(&kp, "reference");
    assert!(kp["out"].is_null());
    let list = b.json(&["keypackage", "list"]);
    assert_eq!(list["key_packages"][0]["reference"], kp["reference"]);
    assert_eq!(list["key_packages"][0]["used"], false);
    let kp_file = dir.arg("bob.kp.b64");
    let e = b.json(&[
        "keypackage",
        "export",
        &reference[..12],
        "--out",
        &kp_file,
        "--format",
        "base64",
    ]);
    assert_eq!(e["message"], kp["message"]);
    let exported = b.ok(&["keypackage", "export", &reference]);
    assert_eq!(exported.trim(), text(&kp, "message"));
    let out = a.run_with(
        &["keypackage", "validate", "-", "--json"],
        Some(std::fs::read(&kp_file).unwrap().as_slice()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["valid"], true);
    assert_eq!(v["credential"], "bob");
    assert!(v["identity"].is_null());

    // Groups.
    let g = a.json(&[
        "group",
        "create",
        "--identity",
        "alice",
        "--name",
        "json",
        "--group-id",
        "00112233445566778899",
        "--encrypt-handshake",
    ]);
    assert_eq!(g["group_id"], "00112233445566778899");
    assert_eq!(g["status"], "active");
    assert_eq!(a.json(&["group", "list"])["groups"][0]["name"], "json");
    let welcome = dir.arg("w.msg");
    let info = dir.arg("gi.msg");
    let c = a.json(&[
        "group",
        "add",
        "0011223344",
        &kp_file,
        "--welcome-out",
        &welcome,
        "--group-info-out",
        &info,
        "--format",
        "hex",
    ]);
    assert_eq!(c["welcome_out"].as_str(), Some(welcome.as_str()));
    assert!(c["commit_out"].is_null());
    assert!(c["commit"].is_string());
    let p = a.json(&["group", "pending", "json"]);
    assert_eq!(p["pending"]["origin"], "local");
    a.json(&["group", "apply", "json"]);
    let joined = b.json(&["group", "join", &welcome, "--name", "from-alice"]);
    assert_eq!(joined["name"], "from-alice");
    let show = b.json(&["group", "show", "from-alice"]);
    assert_eq!(show["members"].as_array().unwrap().len(), 2);
    assert_eq!(show["members"][1]["is_self"], true);
    assert_eq!(show["members"][0]["identity"], "alice");
    assert!(show["extensions"].is_array());
    assert_eq!(show["own_leaf"], 1);
    assert!(show["tree_hash"].is_string());

    // Messages (encrypted handshake: the commit is a PrivateMessage too).
    let sent = a.json(&["group", "send", "json", "hi"]);
    let m = dir.arg("m.hex");
    std::fs::write(&m, text(&sent, "message")).unwrap();
    let r = b.json(&["group", "receive", &m]);
    assert_eq!(r["text"], "hi");
    // Without --out, `send` writes only the message to stdout (hex).
    let raw = a.ok(&["group", "send", "json", "piped"]);
    std::fs::write(&m, raw).unwrap();
    assert_eq!(
        b.json(&["group", "receive", "from-alice", &m])["text"],
        "piped"
    );

    // PSKs: stored in both, injected by a commit.
    for ws in [&a, &b] {
        let p = ws.json(&["psk", "add", "0a0b", "00112233445566778899aabbccddeeff"]);
        assert_eq!(p["psk_id"], "0a0b");
        assert_eq!(ws.json(&["psk", "list"])["psks"][0]["psk_id"], "0a0b");
    }
    let commit = dir.arg("psk.msg");
    let c = a.json(&[
        "group",
        "commit",
        "json",
        "--psk",
        "0a0b",
        "--path",
        "--commit-out",
        &commit,
        "--apply",
    ]);
    assert_eq!(c["preview"]["summary"]["psks"][0], "external 0a0b");
    let r = b.json(&["group", "receive", &commit, "--apply"]);
    assert_eq!(r["applied"], true);
    assert_eq!(r["epoch_authenticator"], c["epoch_authenticator"]);

    // External join by Carol (in B's workspace) from an exported GroupInfo.
    let exported = dir.arg("export.gi");
    let gi = a.json(&["group", "export-group-info", "json", "--out", &exported]);
    assert_eq!(gi["epoch"], 2);
    let ext = dir.arg("ext.msg");
    let j = b.json(&[
        "group",
        "join-external",
        "--identity",
        "carol",
        &exported,
        "--commit-out",
        &ext,
    ]);
    assert_eq!(j["group"]["own_leaf"], 2);
    let carol = format!("#{}", j["group"]["key"]);
    let r = a.json(&["group", "receive", "json", &ext]);
    assert_eq!(r["preview"]["summary"]["cause"], "external_commit");
    a.json(&["group", "apply", "json"]);
    b.json(&["group", "receive", "from-alice", &ext, "--apply"]);
    assert_eq!(a.state("json").1, b.state(&carol).1);
    assert_eq!(a.state("json").1, b.state("from-alice").1);

    // Remove by leaf; the removed member sees it in the preview.
    let rm = dir.arg("rm.msg");
    let c = a.json(&[
        "group",
        "remove",
        "json",
        "2",
        "--commit-out",
        &rm,
        "--apply",
    ]);
    assert_eq!(c["preview"]["summary"]["removed"][0]["identity"], "carol");
    let r = b.json(&["group", "receive", &carol, &rm]);
    assert_eq!(r["preview"]["self_removed"], true);
    let applied = b.json(&["group", "apply", &carol]);
    assert_eq!(applied["removed"], true);
    let removed = b.json(&["group", "show", &carol]);
    assert_eq!(removed["status"], "removed");
    assert!(removed["last_epoch"].is_object());

    let h = a.json(&["group", "history", "json"]);
    assert_eq!(h["epochs"].as_array().unwrap().len(), 5);
    let msgs = a.json(&["group", "messages", "json"]);
    assert!(msgs["messages"].as_array().unwrap().len() >= 5);

    // Trust roots.
    let pem = dir.arg("root.pem");
    std::fs::write(&pem, cert::pem(&cert::self_signed_ca("CN=CLI Root", 7))).unwrap();
    let t = a.json(&["trust-root", "import", &pem]);
    assert!(
        text(&t["trust_roots"][0], "subject").contains("CLI Root"),
        "{t}"
    );
    let id = t["trust_roots"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        a.json(&["trust-root", "list"])["trust_roots"][0]["id"],
        t["trust_roots"][0]["id"]
    );
    let (code, _) = a.fails(&["trust-root", "import", &pem]);
    assert_eq!(code, 1);
    assert_eq!(
        a.json(&["trust-root", "remove", &id])["removed"],
        t["trust_roots"][0]["id"]
    );
    assert!(
        a.json(&["trust-root", "list"])["trust_roots"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    let d = b.json(&["group", "delete", &carol]);
    assert_eq!(d["deleted"], true);
    assert_eq!(
        b.json(&["group", "list"])["groups"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn help_describes_the_commands() {
    let dir = TempDir::new("help");
    let ws = Ws::new(&dir, "any");
    let top = ws.ok(&["group", "--help"]);
    for cmd in [
        "create",
        "list",
        "show",
        "add",
        "remove",
        "update",
        "commit",
        "send",
        "receive",
        "apply",
        "discard",
        "pending",
        "export-group-info",
        "join",
        "join-external",
        "history",
        "delete",
    ] {
        assert!(top.contains(&format!("  {cmd} ")), "{cmd}: {top}");
    }
    assert!(top.contains("--db"), "{top}");
    assert!(top.contains("--json"), "{top}");
    let receive = ws.ok(&["group", "receive", "--help"]);
    assert!(receive.contains("[GROUP] <MESSAGE_FILE|->"), "{receive}");
    assert!(receive.contains("preview"), "{receive}");
    for family in ["identity", "keypackage", "trust-root", "psk"] {
        let help = ws.ok(&[family, "--help"]);
        assert!(help.contains("--db"), "{family}: {help}");
    }
}

#[path = "support/cert.rs"]
mod cert;
