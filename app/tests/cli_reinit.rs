#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Re-initialisation (RFC 9420 §11.2) and branching (§11.3) through the
//! CLI with three workspaces (alice, bob, carol): `group reinit`,
//! `group reinit-create`, `group branch` and `group join` of their
//! Welcomes. Suite pairs 1 → 3 and 3 → 7: every member ends in the new
//! group at the same epoch authenticator, and the old group is closed on
//! every member.

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws, group_of, key_of, text};

/// (old suite, new suite). In 3 → 7 the ReInit is proposed by Bob and
/// committed by Alice by reference; in 1 → 3 Alice commits it directly.
const PAIRS: [(&str, &str); 2] = [("1", "3"), ("3", "7")];

/// A new identity `name` of `suite` in `ws` and a key package of it in
/// `dir`; returns the file.
fn key_package(dir: &TempDir, ws: &Ws, name: &str, suite: &str) -> String {
    ws.json(&["identity", "new", name, "--suite", suite]);
    let kp = dir.arg(&format!("{name}.kp"));
    ws.json(&["keypackage", "new", "--identity", name, "--out", &kp]);
    kp
}

/// Alice branches "team" with Bob (a new key package of bob); Bob joins and
/// both agree; Carol's old group is untouched; a stranger's key package is
/// refused with Alice's state unchanged.
fn branch_two_of_three(dir: &TempDir, members: &[(&Ws, String)], suite: &str) {
    let (alice, ag) = (members[0].0, members[0].1.as_str());
    let (bob, bg) = (members[1].0, members[1].1.as_str());
    let (carol, cg) = (members[2].0, members[2].1.as_str());
    let carol_before = carol.show_raw(cg);
    let parent = alice.json(&["group", "show", ag]);

    // A stranger (not a member of "team") cannot be taken along.
    let dave = Ws::new(dir, "dave");
    let dave_kp = key_package(dir, &dave, "dave", suite);
    let stderr = alice.refused(
        ag,
        &["group", "branch", ag, "--identity", "alice", &dave_kp],
    );
    assert!(stderr.contains("branch"), "{stderr}");

    let bob_kp = dir.arg("bob-branch.kp");
    bob.json(&["keypackage", "new", "--identity", "bob", "--out", &bob_kp]);
    let welcome = dir.arg("branch-welcome.msg");
    let made = alice.json(&[
        "group",
        "branch",
        ag,
        "--identity",
        "alice",
        &bob_kp,
        "--group-id",
        "b7a2c0de",
        "--welcome-out",
        &welcome,
    ]);
    assert_eq!(made["group"]["group_id"], "b7a2c0de", "{made}");
    assert_eq!(made["group"]["member_count"], 2, "{made}");
    assert_eq!(made["group"]["resumes"]["kind"], "branch", "{made}");
    assert_eq!(
        made["group"]["resumes"]["parent_group_id"], parent["group_id"],
        "{made}"
    );
    let joined = bob.json(&["group", "join", &welcome]);
    assert_eq!(joined["resumes"]["kind"], "branch", "{joined}");
    assert_eq!(
        joined["resumes"]["parent_epoch"], parent["epoch"],
        "{joined}"
    );
    let a_branch = key_of(&made["group"]);
    let b_branch = key_of(&joined);
    assert_eq!(alice.epoch_auth(&a_branch), bob.epoch_auth(&b_branch));
    assert_eq!(
        text(&made, "epoch_authenticator"),
        bob.epoch_auth(&b_branch).1
    );
    // The parent groups go on unchanged.
    assert_eq!(alice.epoch_auth(ag), bob.epoch_auth(bg));
    assert_eq!(carol.show_raw(cg), carol_before);
}

#[test]
fn reinit_and_branch_across_suites() {
    for (old, new) in PAIRS {
        let dir = TempDir::new(&format!("reinit-{old}-{new}"));
        let (a, b, c) = (
            Ws::new(&dir, "alice"),
            Ws::new(&dir, "bob"),
            Ws::new(&dir, "carol"),
        );
        let refs = group_of(&dir, old, &[(&a, "alice"), (&b, "bob"), (&c, "carol")]);
        let members: Vec<(&Ws, String)> = [&a, &b, &c].into_iter().zip(refs).collect();

        branch_two_of_three(&dir, &members, old);

        // ReInit: committed directly (1 → 3) or proposed by Bob and
        // committed by reference (3 → 7).
        let commit = dir.arg("reinit-commit.msg");
        let new_id = format!("5e{old}{new}");
        let staged = if old == "1" {
            a.json(&[
                "group",
                "reinit",
                "team",
                "--suite",
                new,
                "--group-id",
                &new_id,
                "--commit-out",
                &commit,
            ])
        } else {
            let proposal = dir.arg("reinit-proposal.msg");
            let p = b.json(&[
                "group",
                "propose",
                &members[1].1,
                "reinit",
                "--suite",
                new,
                "--group-id",
                &new_id,
                "--out",
                &proposal,
            ]);
            assert_eq!(p["proposal"]["type"], "reinit", "{p}");
            for (ws, g) in [&members[0], &members[2]] {
                let got = ws.json(&["group", "receive", g, &proposal]);
                assert_eq!(got["kind"], "proposal", "{got}");
            }
            // Options with a ReInit already proposed: refused, unchanged.
            let stderr = a.refused("team", &["group", "reinit", "team", "--suite", old]);
            assert!(stderr.contains("ReInit proposal"), "{stderr}");
            a.json(&["group", "reinit", "team", "--commit-out", &commit])
        };
        assert!(
            text(&staged["preview"], "text").contains(&format!("ReInit to group {new_id}")),
            "{staged}"
        );
        a.json(&["group", "apply", "team"]);
        for (ws, g) in &members[1..] {
            ws.json(&["group", "receive", g, &commit]);
            ws.json(&["group", "apply", g]);
        }

        // The old group is closed on every member, with the same successor
        // and the same last epoch authenticator.
        let last = a.epoch_auth("team");
        for (ws, g) in &members {
            let shown = ws.json(&["group", "show", g]);
            assert_eq!(
                shown["reinitialised"]["new_group_id"],
                new_id.as_str(),
                "{shown}"
            );
            assert_eq!(
                shown["reinitialised"]["cipher_suite"],
                new.parse::<u64>().unwrap()
            );
            assert_eq!(ws.epoch_auth(g), last);
            let human = ws.ok(&["group", "show", g]);
            assert!(
                human.contains(&format!("re-initialised → {new_id}")),
                "{human}"
            );
            assert!(ws.ok(&["group", "list"]).contains("re-initialised"));
            for refused in [
                vec!["group", "send", g.as_str(), "hello"],
                vec!["group", "update", g.as_str()],
                vec!["group", "propose", g.as_str(), "update"],
                vec!["group", "reinit", g.as_str()],
                vec!["group", "receive", g.as_str(), commit.as_str()],
            ] {
                let stderr = ws.refused(g, &refused);
                assert!(stderr.contains("closed"), "{refused:?}: {stderr}");
            }
        }

        // The successor: new identities and key packages in the new suite.
        let kp_bob = key_package(&dir, &b, &format!("bob-{new}"), new);
        let kp_carol = key_package(&dir, &c, &format!("carol-{new}"), new);
        let alice_new = format!("alice-{new}");
        a.json(&["identity", "new", &alice_new, "--suite", new]);
        let welcome = dir.arg("reinit-welcome.msg");
        let created = a.json(&[
            "group",
            "reinit-create",
            "team",
            "--identity",
            &alice_new,
            &kp_bob,
            &kp_carol,
            "--welcome-out",
            &welcome,
        ]);
        assert_eq!(created["group"]["group_id"], new_id.as_str(), "{created}");
        assert_eq!(
            created["group"]["cipher_suite"],
            new.parse::<u64>().unwrap()
        );
        assert_eq!(created["group"]["member_count"], 3);
        assert_eq!(created["group"]["resumes"]["kind"], "reinit");

        // A copy of Carol's workspace without the old group cannot join.
        let lonely = Ws::new(&dir, "carol-copy");
        std::fs::copy(&c.db, &lonely.db).unwrap();
        lonely.ok(&["group", "delete", &members[2].1]);
        let (_, stderr) = lonely.fails(&["group", "join", &welcome]);
        assert!(stderr.contains("not in this workspace"), "{stderr}");

        let mut auths = vec![a.epoch_auth(&key_of(&created["group"]))];
        for (ws, _) in &members[1..] {
            let joined = ws.json(&["group", "join", &welcome]);
            assert_eq!(joined["group_id"], new_id.as_str(), "{joined}");
            assert_eq!(joined["resumes"]["kind"], "reinit", "{joined}");
            assert_eq!(joined["epoch"], 1);
            auths.push(ws.epoch_auth(&key_of(&joined)));
        }
        assert_eq!(auths[0].0, 1);
        assert!(auths.iter().all(|x| *x == auths[0]), "{auths:?}");
        // The successor works: an application message from Bob to Alice.
        let bob_new = key_of(&b.json(&["group", "show", &new_id]));
        let msg = dir.arg("hello.msg");
        b.json(&["group", "send", &bob_new, "hello again", "--out", &msg]);
        let got = a.json(&["group", "receive", &new_id, &msg]);
        assert_eq!(got["text"], "hello again", "{got}");
    }
}
