#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Proposals through the CLI (`group propose`, `group proposals`, `group
//! commit` by reference, `psk add --secret-file`) with three workspaces
//! (alice, bob, carol) in suites 1, 3 and 7: every member must end at the
//! same epoch authenticator.

use std::collections::BTreeSet;

use serde_json::Value;

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws};

const SUITES: [&str; 3] = ["1", "3", "7"];

/// Whether the test group of `suite` encrypts its handshake messages.
fn encrypted(suite: &str) -> bool {
    suite == "3"
}

/// The wire format of an `MLSMessage` given as hex: `0001` PublicMessage,
/// `0002` PrivateMessage.
fn wire_format(message_hex: &str) -> &str {
    &message_hex[4..8]
}

/// Three members of group "team" (alice created it), in `suite`, at
/// epoch 1: (alice, bob, carol) with the group's reference in each. In
/// suite 3 the group sends handshake messages as PrivateMessage.
struct Three {
    members: Vec<(Ws, String)>,
}

impl Three {
    fn new(dir: &TempDir, suite: &str) -> Self {
        let a = Ws::new(dir, "alice");
        a.json(&["identity", "new", "alice", "--suite", suite]);
        let mut create = vec![
            "group",
            "create",
            "--identity",
            "alice",
            "--name",
            "team",
            "--suite",
            suite,
        ];
        if encrypted(suite) {
            create.push("--encrypt-handshake");
        }
        let g = a.json(&create);
        assert_eq!(g["epoch"], 0);
        let mut kps = Vec::new();
        let mut others = Vec::new();
        for name in ["bob", "carol"] {
            let ws = Ws::new(dir, name);
            ws.json(&["identity", "new", name, "--suite", suite]);
            let kp = dir.arg(&format!("{name}.kp"));
            ws.json(&["keypackage", "new", "--identity", name, "--out", &kp]);
            kps.push(kp);
            others.push(ws);
        }
        let welcome = dir.arg("welcome-1.msg");
        let c = a.json(&[
            "group",
            "add",
            "team",
            &kps[0],
            &kps[1],
            "--welcome-out",
            &welcome,
            "--apply",
        ]);
        assert_eq!(c["epoch"], 1);
        let mut members = vec![(a, String::from("team"))];
        for ws in others {
            let joined = ws.json(&["group", "join", &welcome]);
            let key = format!("#{}", joined["key"]);
            members.push((ws, key));
        }
        let three = Three { members };
        three.assert_agree(1);
        three
    }

    fn ws(&self, i: usize) -> (&Ws, &str) {
        let (ws, g) = &self.members[i];
        (ws, g.as_str())
    }

    /// Every member is at `epoch` with the same epoch authenticator.
    fn assert_agree(&self, epoch: u64) -> String {
        let states: Vec<(u64, String, bool)> =
            self.members.iter().map(|(ws, g)| ws.state(g)).collect();
        for s in &states {
            assert_eq!(s.0, epoch, "{states:?}");
            assert!(!s.2, "no pending commit: {states:?}");
            assert_eq!(s.1, states[0].1, "{states:?}");
        }
        states[0].1.clone()
    }

    /// Member `i` sends `message` (a file) to every other member, who
    /// receives it as `kind`.
    fn deliver(&self, from: usize, file: &str, kind: &str, apply: bool) -> Vec<Value> {
        let mut out = Vec::new();
        for (i, (ws, g)) in self.members.iter().enumerate() {
            if i == from {
                continue;
            }
            let mut args = vec!["group", "receive", g.as_str(), file];
            if apply {
                args.push("--apply");
            }
            let got = ws.json(&args);
            assert_eq!(got["kind"], kind, "{got}");
            out.push(got);
        }
        out
    }

    /// The references of member `i`'s pending proposals.
    fn references(&self, i: usize) -> BTreeSet<String> {
        let (ws, g) = self.ws(i);
        let list = ws.json(&["group", "proposals", g]);
        list["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["reference"].as_str().unwrap().to_owned())
            .collect()
    }
}

/// Bob proposes an update, Carol an Add of Dave; everyone receives both;
/// Alice commits them by reference in one commit; everyone (and Dave, by
/// the Welcome) ends at the same epoch authenticator.
#[test]
fn two_members_propose_one_commits_by_reference() {
    for suite in SUITES {
        let dir = TempDir::new(&format!("proposals-{suite}"));
        let three = Three::new(&dir, suite);
        let dave = Ws::new(&dir, "dave");
        dave.json(&["identity", "new", "dave", "--suite", suite]);
        let dave_kp = dir.arg("dave.kp");
        dave.json(&["keypackage", "new", "--identity", "dave", "--out", &dave_kp]);

        let (bob, bg) = three.ws(1);
        let bob_update = dir.arg("bob-update.msg");
        let p1 = bob.json(&["group", "propose", bg, "update", "--out", &bob_update]);
        assert_eq!(p1["proposal"]["type"], "update", "{p1}");
        assert_eq!(p1["epoch"], 1);
        let (carol, cg) = three.ws(2);
        let carol_add = dir.arg("carol-add.msg");
        let p2 = carol.json(&["group", "propose", cg, "add", &dave_kp, "--out", &carol_add]);
        assert_eq!(p2["proposal"]["type"], "add", "{p2}");
        assert_eq!(
            p2["proposal"]["what"].as_str().unwrap(),
            format!("add dave (suite {suite})")
        );

        for got in three.deliver(1, &bob_update, "proposal", false) {
            assert_eq!(got["reference"], p1["proposal"]["reference"], "{got}");
        }
        for got in three.deliver(2, &carol_add, "proposal", false) {
            assert_eq!(got["reference"], p2["proposal"]["reference"], "{got}");
        }
        // Every member lists the same two proposals, computed on its own.
        let expected: BTreeSet<String> = [&p1, &p2]
            .iter()
            .map(|p| p["proposal"]["reference"].as_str().unwrap().to_owned())
            .collect();
        for i in 0..3 {
            assert_eq!(three.references(i), expected, "member {i}");
        }
        let (alice, ag) = three.ws(0);
        let listed = alice.json(&["group", "proposals", ag]);
        let senders: BTreeSet<&str> = listed["proposals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["sender"].as_str().unwrap())
            .collect();
        assert_eq!(
            senders,
            BTreeSet::from(["bob (leaf 1)", "carol (leaf 2)"]),
            "{listed}"
        );

        let commit = dir.arg("commit.msg");
        let welcome = dir.arg("welcome-2.msg");
        let c = alice.json(&[
            "group",
            "commit",
            ag,
            "--commit-out",
            &commit,
            "--welcome-out",
            &welcome,
            "--apply",
        ]);
        assert_eq!(c["epoch"], 2, "{c}");
        let summary = &c["preview"]["summary"];
        assert_eq!(summary["added"][0]["identity"], "dave", "{c}");
        assert_eq!(summary["updated"][0]["identity"], "bob", "{c}");
        three.deliver(0, &commit, "commit", true);
        let joined = dave.json(&["group", "join", &welcome]);
        let authenticator = three.assert_agree(2);
        let dg = format!("#{}", joined["key"]);
        assert_eq!(dave.state(&dg), (2, authenticator, false));
        for i in 0..3 {
            assert!(three.references(i).is_empty(), "member {i}");
        }
    }
}

/// External PSK (stored by every member: argv, file, stdin) and resumption
/// PSK proposals, committed together and applied by all; PSKs a member
/// lacks are refused, naming the id, with the group unchanged.
#[test]
fn psk_proposals_external_and_resumption() {
    for suite in SUITES {
        let dir = TempDir::new(&format!("psk-proposals-{suite}"));
        let three = Three::new(&dir, suite);
        let (alice, ag) = three.ws(0);
        let (bob, bg) = three.ws(1);
        let (carol, cg) = three.ws(2);

        // The same secret three ways.
        let secret = "5eedc0ffee5eedc0ffee5eedc0ffee5eedc0ffee";
        alice.json(&["psk", "add", "0a0b", secret]);
        let file = dir.arg("psk.hex");
        std::fs::write(&file, format!("{secret}\n")).unwrap();
        bob.json(&["psk", "add", "0a0b", "--secret-file", &file]);
        let out = carol.run_with(
            &["psk", "add", "0a0b", "--secret-file", "-", "--json"],
            Some(hex::decode(secret).unwrap().as_slice()),
        );
        assert!(out.status.success(), "{out:?}");
        // Exactly one of SECRET_HEX and --secret-file.
        carol.fails(&["psk", "add", "0c0c", secret, "--secret-file", &file]);
        carol.fails(&["psk", "add", "0c0c"]);

        // Move to epoch 2 so that epoch 1 is an earlier one.
        let commit = dir.arg("update.msg");
        alice.json(&["group", "update", ag, "--commit-out", &commit, "--apply"]);
        three.deliver(0, &commit, "commit", true);
        three.assert_agree(2);

        let external = dir.arg("psk-external.msg");
        let p1 = bob.json(&[
            "group", "propose", bg, "psk", "external", "0a0b", "--out", &external,
        ]);
        assert_eq!(p1["proposal"]["what"], "psk external 0a0b", "{p1}");
        let resumption = dir.arg("psk-resumption.msg");
        let p2 = carol.json(&[
            "group",
            "propose",
            cg,
            "psk",
            "resumption",
            "1",
            "--out",
            &resumption,
        ]);
        assert_eq!(p2["proposal"]["what"], "psk resumption epoch 1", "{p2}");
        three.deliver(1, &external, "proposal", false);
        three.deliver(2, &resumption, "proposal", false);
        for i in 0..3 {
            assert_eq!(three.references(i).len(), 2, "member {i}");
        }

        // A PSK nobody holds: refused, named, nothing changed.
        let before = carol.show_raw(cg);
        let before_list = carol.json(&["group", "proposals", cg]);
        let (_, err) = carol.fails(&["group", "propose", cg, "psk", "external", "0c0d"]);
        assert!(err.contains("0c0d"), "{err}");
        assert_eq!(carol.show_raw(cg), before);
        assert_eq!(carol.json(&["group", "proposals", cg]), before_list);
        let (_, err) = carol.fails(&["group", "commit", cg, "--psk", "0c0d"]);
        assert!(err.contains("0c0d"), "{err}");
        assert_eq!(carol.show_raw(cg), before);

        // A PSK only Alice holds: Carol refuses the received proposal.
        alice.json(&["psk", "add", "0e0f", "abcdef"]);
        let only_alice = dir.arg("psk-only-alice.msg");
        let p3 = alice.json(&[
            "group",
            "propose",
            ag,
            "psk",
            "external",
            "0e0f",
            "--out",
            &only_alice,
        ]);
        // Framed as Alice's commits are (PrivateMessage in suite 3).
        let expected_format = if encrypted(suite) { "0002" } else { "0001" };
        assert_eq!(
            wire_format(p3["message"].as_str().unwrap()),
            expected_format
        );
        let update = alice.json(&["group", "update", ag]);
        assert_eq!(
            wire_format(update["commit"].as_str().unwrap()),
            expected_format
        );
        alice.json(&["group", "discard", ag]);
        let (_, err) = carol.fails(&["group", "receive", cg, &only_alice]);
        assert!(err.contains("0e0f"), "{err}");
        assert_eq!(carol.show_raw(cg), before);
        assert_eq!(carol.json(&["group", "proposals", cg]), before_list);
        // Bob (who never saw Alice's 0e0f proposal) commits the two shared
        // proposals by reference; Alice's own one lapses with the epoch.
        let commit = dir.arg("psk-commit.msg");
        let c = bob.json(&["group", "commit", bg, "--commit-out", &commit, "--apply"]);
        assert_eq!(c["epoch"], 3, "{c}");
        let psks = c["preview"]["summary"]["psks"].as_array().unwrap();
        assert_eq!(psks.len(), 2, "{c}");
        three.deliver(1, &commit, "commit", true);
        three.assert_agree(3);
    }
}

/// A GroupContextExtensions proposal: one the members cannot support is
/// refused before it is made; a supported one (an empty
/// required_capabilities, type 3) is committed by reference and applied by
/// all, and every member shows the new extension.
#[test]
fn extensions_proposal_committed_by_reference() {
    let suite = "1";
    let dir = TempDir::new("extensions-proposal");
    let three = Three::new(&dir, suite);
    let (bob, bg) = three.ws(1);
    let before = bob.show_raw(bg);
    let (_, err) = bob.fails(&["group", "propose", bg, "extensions", "--set", "65280=00"]);
    assert!(err.contains("65280"), "{err}");
    let (_, err) = bob.fails(&["group", "propose", bg, "extensions", "--unset", "5"]);
    assert!(err.contains("type 5"), "{err}");
    assert_eq!(bob.show_raw(bg), before);

    let file = dir.arg("extensions.msg");
    let p = bob.json(&[
        "group",
        "propose",
        bg,
        "extensions",
        "--set",
        "3=000000",
        "--out",
        &file,
    ]);
    assert_eq!(p["proposal"]["type"], "group_context_extensions", "{p}");
    three.deliver(1, &file, "proposal", false);
    let (alice, ag) = three.ws(0);
    let commit = dir.arg("extensions-commit.msg");
    alice.json(&["group", "commit", ag, "--commit-out", &commit, "--apply"]);
    three.deliver(0, &commit, "commit", true);
    three.assert_agree(2);
    for i in 0..3 {
        let (ws, g) = three.ws(i);
        let show = ws.json(&["group", "show", g]);
        let types: Vec<u64> = show["extensions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["extension_type"].as_u64().unwrap())
            .collect();
        assert_eq!(types, vec![3], "{show}");
    }
}
