#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! External senders and external proposals through the CLI (RFC 9420
//! §12.1.8): `identity export`, `group create --external-sender`, `group
//! extensions`, `external propose`, `external join-proposal`, in suites 1,
//! 3 and 7. Workspaces: alice (creator), bob (member), ext (the external
//! sender), dave (a new member proposing himself), carol. The external
//! sender removes Bob, Dave's own proposal adds him, the external sender
//! adds Carol; each is committed by reference and every side agrees.

use serde_json::Value;

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws, key_of};

const SUITES: [&str; 3] = ["1", "3", "7"];

/// The `external_senders` of `group show --json` as (index, identity,
/// signature key).
fn senders(ws: &Ws, group: &str) -> Vec<(u64, String, String)> {
    let v = ws.json(&["group", "show", group]);
    v.get("external_senders")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .map(|s| {
                    (
                        s["index"].as_u64().unwrap(),
                        s["identity"].as_str().unwrap().to_owned(),
                        s["signature_key"].as_str().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The group context extension types of `group show --json`.
fn extension_types(ws: &Ws, group: &str) -> Vec<u64> {
    ws.json(&["group", "show", group])["extensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["extension_type"].as_u64().unwrap())
        .collect()
}

#[test]
fn external_sender_removes_a_member_and_a_new_member_proposes_itself() {
    for suite in SUITES {
        let dir = TempDir::new(&format!("external-{suite}"));
        let alice = Ws::new(&dir, "alice");
        let bob = Ws::new(&dir, "bob");
        let ext = Ws::new(&dir, "ext");
        let dave = Ws::new(&dir, "dave");
        for (ws, name) in [
            (&alice, "alice"),
            (&bob, "bob"),
            (&ext, "ext"),
            (&dave, "dave"),
        ] {
            ws.json(&["identity", "new", name, "--suite", suite]);
        }
        let ext_file = dir.arg("ext.id");
        let exported = ext.json(&["identity", "export", "ext", "--out", &ext_file]);
        let ext_key = exported["identity"]["signature_public"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(exported["out"].as_str(), Some(ext_file.as_str()));
        assert_eq!(
            hex::encode(std::fs::read(&ext_file).unwrap()),
            exported["external_sender"].as_str().unwrap()
        );

        // Suite 3 adds the external sender later, by a GroupContextExtensions
        // commit (and encrypts its handshake); the others at create.
        let later = suite == "3";
        let mut create = vec!["group", "create", "--identity", "alice", "--name", "team"];
        if later {
            create.push("--encrypt-handshake");
        } else {
            create.extend(["--external-sender", &ext_file]);
        }
        alice.json(&create);
        let bob_kp = dir.arg("bob.kp");
        bob.json(&["keypackage", "new", "--identity", "bob", "--out", &bob_kp]);
        let welcome = dir.arg("welcome-bob.msg");
        alice.json(&[
            "group",
            "add",
            "team",
            &bob_kp,
            "--welcome-out",
            &welcome,
            "--apply",
        ]);
        let bg = key_of(&bob.json(&["group", "join", &welcome]));
        if later {
            assert!(senders(&alice, "team").is_empty());
            let commit = dir.arg("extensions.msg");
            let c = alice.json(&[
                "group",
                "extensions",
                "team",
                "--add-external-sender",
                &ext_file,
                "--commit-out",
                &commit,
                "--apply",
            ]);
            assert_eq!(c["applied"], true, "{c}");
            let got = bob.json(&["group", "receive", &bg, &commit, "--apply"]);
            assert_eq!(got["kind"], "commit", "{got}");
        }
        // The sender as the group lists it (alice's and bob's copies) is the
        // key ext exported.
        let expected = vec![(0, String::from("ext"), ext_key.clone())];
        assert_eq!(senders(&alice, "team"), expected);
        assert_eq!(senders(&bob, &bg), expected);
        assert_eq!(alice.epoch_auth("team"), bob.epoch_auth(&bg));

        let info = dir.arg("group-info-1.msg");
        alice.json(&["group", "export-group-info", "team", "--out", &info]);

        // Refused on the sender's side: no sender #1; dave is not listed.
        let (_, why) = ext.fails(&[
            "external",
            "propose",
            "--identity",
            "ext",
            "--group-info",
            &info,
            "--sender-index",
            "1",
            "remove",
            "1",
            "--out",
            &dir.arg("nothing.msg"),
        ]);
        assert!(why.contains("no external sender #1"), "{why}");
        let (_, why) = dave.fails(&[
            "external",
            "propose",
            "--identity",
            "dave",
            "--group-info",
            &info,
            "--sender-index",
            "0",
            "remove",
            "1",
        ]);
        assert!(why.contains("not external sender #0"), "{why}");

        // A GroupInfo exported without its tree: the tree comes with
        // --ratchet-tree, and must be the GroupInfo's (tree hash).
        let bare_info = dir.arg("group-info-1-bare.msg");
        let tree = dir.arg("tree-1.bin");
        alice.json(&[
            "group",
            "export-group-info",
            "team",
            "--out",
            &bare_info,
            "--ratchet-tree-out",
            &tree,
        ]);
        let propose_with = |tree: Option<&str>| {
            let mut args = vec![
                "external",
                "propose",
                "--identity",
                "ext",
                "--group-info",
                &bare_info,
                "--sender-index",
                "0",
            ];
            if let Some(tree) = tree {
                args.extend(["--ratchet-tree", tree]);
            }
            args.extend(["remove", "1"]);
            args.iter()
                .map(|a| (*a).to_owned())
                .collect::<Vec<String>>()
        };
        let (_, why) = ext.fails(&refs(&propose_with(None)));
        assert!(why.contains("--ratchet-tree"), "{why}");
        let other = alice.json(&["group", "create", "--identity", "alice", "--name", "other"]);
        let other_tree = dir.arg("tree-other.bin");
        alice.json(&[
            "group",
            "export-group-info",
            &key_of(&other),
            "--out",
            &dir.arg("info-other.msg"),
            "--ratchet-tree-out",
            &other_tree,
        ]);
        let (_, why) = ext.fails(&refs(&propose_with(Some(&other_tree))));
        assert!(why.contains("tree hash"), "{why}");
        let p = ext.json(&refs(&propose_with(Some(&tree))));
        assert_eq!(p["what"], "remove leaf 1 (bob)", "{p}");

        let remove = dir.arg("remove-bob.msg");
        let p = ext.json(&[
            "external",
            "propose",
            "--identity",
            "ext",
            "--group-info",
            &info,
            "--sender-index",
            "0",
            "remove",
            "1",
            "--out",
            &remove,
        ]);
        assert_eq!(p["sender"], "external sender #0 (ext)", "{p}");
        assert_eq!(p["what"], "remove leaf 1 (bob)", "{p}");

        // Refused by policy: state unchanged.
        alice.json(&[
            "group",
            "settings",
            "team",
            "--set",
            "external_proposals=refuse",
        ]);
        let why = alice.refused("team", &["group", "receive", "team", &remove]);
        assert!(why.contains("external"), "{why}");
        assert!(
            alice.json(&["group", "proposals", "team"])["proposals"]
                .as_array()
                .unwrap()
                .is_empty()
        );
        alice.json(&[
            "group",
            "settings",
            "team",
            "--set",
            "external_proposals=allow",
        ]);

        let got_a = alice.json(&["group", "receive", "team", &remove]);
        let got_b = bob.json(&["group", "receive", &bg, &remove]);
        assert_eq!(got_a["kind"], "proposal", "{got_a}");
        assert_eq!(got_a["sender"], "external sender #0 (ext)", "{got_a}");
        // Both members computed the same reference on their own.
        assert_eq!(got_a["reference"], got_b["reference"]);
        let listed = alice.json(&["group", "proposals", "team"]);
        assert_eq!(listed["proposals"][0]["sender"], "external sender #0 (ext)");
        assert_eq!(listed["proposals"][0]["reference"], got_a["reference"]);
        assert_eq!(listed["proposals"][0]["type"], "remove");

        let commit = dir.arg("commit-remove.msg");
        let c = alice.json(&[
            "group",
            "commit",
            "team",
            "--commit-out",
            &commit,
            "--apply",
        ]);
        assert_eq!(
            c["preview"]["summary"]["removed"][0]["identity"], "bob",
            "{c}"
        );
        let got = bob.json(&["group", "receive", &bg, &commit]);
        assert_eq!(got["preview"]["self_removed"], true, "{got}");
        bob.json(&["group", "apply", &bg]);
        let row = alice.json(&["group", "show", "team"]);
        assert_eq!(row["member_count"], 1, "{row}");

        // Dave proposes himself from the new epoch's GroupInfo.
        let info = dir.arg("group-info-2.msg");
        alice.json(&["group", "export-group-info", "team", "--out", &info]);
        let join = dir.arg("join-dave.msg");
        let jp = dave.json(&[
            "external",
            "join-proposal",
            "--identity",
            "dave",
            "--group-info",
            &info,
            "--out",
            &join,
        ]);
        assert_eq!(jp["sender"], "new member", "{jp}");
        let got = alice.json(&["group", "receive", "team", &join]);
        assert_eq!(got["sender"], "new member", "{got}");
        assert_eq!(got["description"], "add dave", "{got}");
        let listed = alice.json(&["group", "proposals", "team"]);
        assert_eq!(listed["proposals"][0]["sender"], "new member");
        let welcome = dir.arg("welcome-dave.msg");
        let c = alice.json(&[
            "group",
            "commit",
            "team",
            "--welcome-out",
            &welcome,
            "--apply",
        ]);
        assert_eq!(
            c["preview"]["summary"]["added"][0]["identity"], "dave",
            "{c}"
        );
        let dg = key_of(&dave.json(&["group", "join", &welcome]));
        assert_eq!(alice.epoch_auth("team"), dave.epoch_auth(&dg));
        // Dave's key package was the one his proposal carried.
        let kps = dave.json(&["keypackage", "list"]);
        let used: Vec<&Value> = kps["key_packages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|k| k["used"] == true)
            .collect();
        assert_eq!(used.len(), 1, "{kps}");
        assert_eq!(used[0]["reference"], jp["key_package"], "{kps}");
        assert_eq!(senders(&dave, &dg), expected);

        // The external sender proposes adding Carol from her key package.
        let carol = Ws::new(&dir, "carol");
        carol.json(&["identity", "new", "carol", "--suite", suite]);
        let carol_kp = dir.arg("carol.kp");
        carol.json(&[
            "keypackage",
            "new",
            "--identity",
            "carol",
            "--out",
            &carol_kp,
        ]);
        let info = dir.arg("group-info-3.msg");
        alice.json(&["group", "export-group-info", "team", "--out", &info]);
        let add = dir.arg("add-carol.msg");
        let p = ext.json(&[
            "external",
            "propose",
            "--identity",
            "ext",
            "--group-info",
            &info,
            "--sender-index",
            "0",
            "add",
            &carol_kp,
            "--out",
            &add,
        ]);
        assert_eq!(p["what"], "add carol", "{p}");
        let got_a = alice.json(&["group", "receive", "team", &add]);
        let got_d = dave.json(&["group", "receive", &dg, &add]);
        assert_eq!(got_a["sender"], "external sender #0 (ext)", "{got_a}");
        assert_eq!(got_d["sender"], "external sender #0 (ext)", "{got_d}");
        assert_eq!(got_a["reference"], got_d["reference"]);
        let commit = dir.arg("commit-carol.msg");
        let welcome = dir.arg("welcome-carol.msg");
        alice.json(&[
            "group",
            "commit",
            "team",
            "--commit-out",
            &commit,
            "--welcome-out",
            &welcome,
            "--apply",
        ]);
        dave.json(&["group", "receive", &dg, &commit, "--apply"]);
        let cg = key_of(&carol.json(&["group", "join", &welcome]));
        assert_eq!(alice.epoch_auth("team"), dave.epoch_auth(&dg));
        assert_eq!(alice.epoch_auth("team"), carol.epoch_auth(&cg));

        // The external sender is removed again; the other extensions stay.
        let before: Vec<u64> = extension_types(&alice, "team")
            .into_iter()
            .filter(|t| *t != 5)
            .collect();
        alice.refused(
            "team",
            &[
                "group",
                "extensions",
                "team",
                "--remove-external-sender",
                "3",
            ],
        );
        let commit = dir.arg("commit-unlist.msg");
        alice.json(&[
            "group",
            "extensions",
            "team",
            "--remove-external-sender",
            "0",
            "--commit-out",
            &commit,
            "--apply",
        ]);
        dave.json(&["group", "receive", &dg, &commit, "--apply"]);
        carol.json(&["group", "receive", &cg, &commit, "--apply"]);
        assert_eq!(extension_types(&alice, "team"), before);
        assert!(senders(&dave, &dg).is_empty());
        assert!(senders(&carol, &cg).is_empty());
        assert_eq!(alice.epoch_auth("team"), dave.epoch_auth(&dg));
        assert_eq!(alice.epoch_auth("team"), carol.epoch_auth(&cg));
        // A proposal from the old epoch's GroupInfo is no longer accepted.
        alice.refused("team", &["group", "receive", "team", &remove]);
    }
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}
