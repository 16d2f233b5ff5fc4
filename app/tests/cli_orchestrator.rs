#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The orchestrator for competing commits (issue 12, point 7), driven
//! through the binary with three workspaces (alice, bob, carol) in suites
//! 1, 3 and 7 under each `conflict` strategy: alice and bob commit in the
//! same epoch, every member receives both (in another order per member
//! where the strategy allows it), every member settles them the same way,
//! the losing committer's own commit is discarded, and a late candidate
//! after apply is reported superseded, changing nothing.

use mls_core::crypto::{CipherSuite, CryptoProvider as _, RustCrypto};
use serde_json::Value;

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws, group_of};

/// The hash `lowest-hash` compares, computed here from the message file
/// (independently of the workspace).
fn hash_of(suite: &str, file: &str) -> String {
    let cs = CipherSuite::from_u16(suite.parse().unwrap()).unwrap();
    hex::encode(RustCrypto.hash(cs, &std::fs::read(file).unwrap()))
}

/// `group pending --json`: the candidates object.
fn candidates(ws: &Ws, group: &str) -> Value {
    ws.json(&["group", "pending", group])["candidates"].clone()
}

/// (hash, status, origin) of each candidate, in arrival order.
fn verdicts(c: &Value) -> Vec<(String, String, String)> {
    c["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["hash"].as_str().unwrap().to_owned(),
                x["status"].as_str().unwrap().to_owned(),
                x["origin"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The hash of the chosen candidate.
fn chosen(c: &Value) -> String {
    let chosen: Vec<_> = verdicts(c)
        .into_iter()
        .filter(|(_, s, _)| s == "chosen" || s == "applied")
        .collect();
    assert_eq!(chosen.len(), 1, "exactly one chosen: {c}");
    chosen[0].0.clone()
}

/// A copy of a message file with its last byte flipped (a signature,
/// membership tag or AEAD tag that no longer verifies).
fn tampered(dir: &TempDir, file: &str) -> String {
    let mut bytes = std::fs::read(file).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    let out = dir.arg("tampered.msg");
    std::fs::write(&out, bytes).unwrap();
    out
}

fn settle(suite: &str, strategy: &str) {
    let ctx = format!("suite {suite}, conflict={strategy}");
    let dir = TempDir::new("orchestrator");
    let (a, b, c) = (Ws::new(&dir, "a"), Ws::new(&dir, "b"), Ws::new(&dir, "c"));
    let refs = group_of(&dir, suite, &[(&a, "alice"), (&b, "bob"), (&c, "carol")]);
    let (ra, rb, rc) = (refs[0].as_str(), refs[1].as_str(), refs[2].as_str());
    let set = format!("conflict={strategy}");
    for (ws, r) in [(&a, ra), (&b, rb), (&c, rc)] {
        ws.json(&["group", "settings", r, "--set", &set]);
    }
    let (ca, cb) = (dir.arg("alice-commit.msg"), dir.arg("bob-commit.msg"));

    // Both commit at epoch 1. Under first-seen a delivery service orders
    // alice's commit first for everyone, so bob sees it before his own;
    // under the other strategies both commit before seeing the other's.
    let at_alice;
    let bob_commit;
    let at_bob;
    if strategy == "first-seen" {
        a.json(&["group", "update", ra, "--commit-out", &ca]);
        let got = b.json(&["group", "receive", rb, &ca]);
        assert_eq!(got["kind"], "commit", "{ctx}: {got}");
        bob_commit = b.json(&["group", "update", rb, "--commit-out", &cb]);
        at_bob = bob_commit["competition"].clone();
        at_alice = a.json(&["group", "receive", ra, &cb]);
    } else {
        a.json(&["group", "update", ra, "--commit-out", &ca]);
        bob_commit = b.json(&["group", "update", rb, "--commit-out", &cb]);
        assert!(bob_commit["competition"].is_null(), "{ctx}: {bob_commit}");
        at_alice = a.json(&["group", "receive", ra, &cb]);
        at_bob = b.json(&["group", "receive", rb, &ca])["candidates"].clone();
    }
    assert_eq!(at_alice["kind"], "competing", "{ctx}: {at_alice}");
    let at_alice = at_alice["candidates"].clone();

    // Carol receives both, bob's first (the other order than alice's and
    // bob's own), except under first-seen, where delivery order decides.
    let carol_order = if strategy == "first-seen" {
        [&ca, &cb]
    } else {
        [&cb, &ca]
    };
    let first = c.json(&["group", "receive", rc, carol_order[0]]);
    assert_eq!(first["kind"], "commit", "{ctx}: {first}");
    let second = c.json(&["group", "receive", rc, carol_order[1]]);
    assert_eq!(second["kind"], "competing", "{ctx}: {second}");
    let at_carol = second["candidates"].clone();

    // The winner, computed here from the two message files.
    let (ha, hb) = (hash_of(suite, &ca), hash_of(suite, &cb));
    let (winner, loser) = match strategy {
        // Alice's was delivered first; alice has leaf 0, bob leaf 1.
        "first-seen" | "lowest-leaf" => (&ha, &hb),
        "lowest-hash" if ha < hb => (&ha, &hb),
        "lowest-hash" => (&hb, &ha),
        other => panic!("unknown strategy {other}"),
    };
    for (who, report) in [("alice", &at_alice), ("bob", &at_bob), ("carol", &at_carol)] {
        assert_eq!(report["strategy"], strategy, "{ctx} {who}: {report}");
        assert_eq!(report["epoch"], 1, "{ctx} {who}");
        let mut hashes: Vec<String> = verdicts(report).into_iter().map(|v| v.0).collect();
        hashes.sort();
        let mut expected = vec![ha.clone(), hb.clone()];
        expected.sort();
        assert_eq!(hashes, expected, "{ctx} {who}: both are candidates");
        assert_eq!(&chosen(report), winner, "{ctx} {who}: {report}");
        for x in report["candidates"].as_array().unwrap() {
            assert!(!x["reason"].as_str().unwrap().is_empty(), "{ctx}: {x}");
        }
    }
    // The losing committer's own commit was discarded, and said so.
    let loser_is_alice = *loser == ha;
    let (loser_report, winner_report) = if loser_is_alice {
        (&at_alice, &at_bob)
    } else {
        (&at_bob, &at_alice)
    };
    assert_eq!(loser_report["own_discarded"], true, "{ctx}: {loser_report}");
    assert_eq!(
        winner_report["own_discarded"], false,
        "{ctx}: {winner_report}"
    );
    let own_lost = verdicts(loser_report)
        .into_iter()
        .find(|(_, _, origin)| origin == "local")
        .unwrap();
    assert_eq!(
        (own_lost.0.as_str(), own_lost.1.as_str()),
        (loser.as_str(), "lost")
    );

    // Every member's staged commit is the winner; `group pending` lists
    // the same verdicts the receive reported.
    for (who, ws, r, report) in [
        ("alice", &a, ra, &at_alice),
        ("bob", &b, rb, &at_bob),
        ("carol", &c, rc, &at_carol),
    ] {
        let listed = candidates(ws, r);
        assert_eq!(verdicts(&listed), verdicts(report), "{ctx} {who}");
        let pending = ws.json(&["group", "pending", r]);
        assert_eq!(
            pending["pending"]["committer"],
            if *winner == ha { 0 } else { 1 },
            "{ctx} {who}: {pending}"
        );
        let text = ws.ok(&["group", "pending", r]);
        assert!(
            text.contains("chosen") && text.contains("lost"),
            "{ctx}: {text}"
        );
    }

    // An invalid candidate (a tampered copy of the loser) is reported as
    // such and changes neither the staged commit nor the group.
    let bad = tampered(&dir, loser_file(&ca, &cb, loser == &ha));
    let before = c.show_raw(rc);
    let got = c.json(&["group", "receive", rc, &bad]);
    assert_eq!(got["kind"], "competing", "{ctx}: {got}");
    let listed = verdicts(&got["candidates"]);
    assert_eq!(listed.len(), 3, "{ctx}: {got}");
    assert_eq!(listed[2].1, "invalid", "{ctx}: {got}");
    assert_eq!(&chosen(&got["candidates"]), winner);
    assert_eq!(
        c.show_raw(rc),
        before,
        "{ctx}: an invalid candidate changed the group"
    );

    // Refusals change nothing: a malformed message, and a second commit
    // of a member's own while its own is staged (the winning committer).
    let garbage = dir.arg("garbage.msg");
    std::fs::write(&garbage, [0u8, 1, 2]).unwrap();
    let err = c.refused(rc, &["group", "receive", rc, &garbage]);
    assert!(err.contains("malformed"), "{ctx}: {err}");
    let (wws, wr) = if loser_is_alice { (&b, rb) } else { (&a, ra) };
    let err = wws.refused(wr, &["group", "update", wr]);
    assert!(err.contains("already has a pending commit"), "{ctx}: {err}");

    // Apply everywhere: one epoch, one authenticator, computed by each.
    let auths: Vec<(u64, String)> = [(&a, ra), (&b, rb), (&c, rc)]
        .iter()
        .map(|(ws, r)| {
            let applied = ws.json(&["group", "apply", r]);
            let shown = ws.epoch_auth(r);
            assert_eq!(
                (
                    applied["epoch"].as_u64().unwrap(),
                    applied["epoch_authenticator"].as_str().unwrap().to_owned()
                ),
                shown.clone()
            );
            shown
        })
        .collect();
    assert_eq!(auths[0].0, 2, "{ctx}");
    assert_eq!(auths[0], auths[1], "{ctx}: alice and bob disagree");
    assert_eq!(auths[0], auths[2], "{ctx}: alice and carol disagree");

    // A late candidate of epoch 1: superseded, nothing changes; the
    // applied commit replayed is refused as before.
    for (who, ws, r) in [("alice", &a, ra), ("bob", &b, rb), ("carol", &c, rc)] {
        let before = ws.show_raw(r);
        let late = ws.json(&["group", "receive", r, loser_file(&ca, &cb, loser == &ha)]);
        assert_eq!(late["kind"], "superseded", "{ctx} {who}: {late}");
        assert_eq!(late["hash"].as_str(), Some(loser.as_str()));
        assert_eq!(
            (late["message_epoch"].as_u64(), late["epoch"].as_u64()),
            (Some(1), Some(2))
        );
        assert_eq!(
            ws.show_raw(r),
            before,
            "{ctx} {who}: a late candidate changed the group"
        );
        let err = ws.refused(
            r,
            &["group", "receive", r, winner_file(&ca, &cb, winner == &ha)],
        );
        assert!(
            err.contains("epoch 1, the group is at epoch 2"),
            "{ctx} {who}: {err}"
        );
        // `group pending` now lists the settled epoch.
        let listed = candidates(ws, r);
        assert_eq!(listed["epoch"], 1);
        let statuses: Vec<(String, String)> = verdicts(&listed)
            .into_iter()
            .filter(|(_, s, _)| s != "invalid")
            .map(|(h, s, _)| (h, s))
            .collect();
        assert!(
            statuses.contains(&(winner.clone(), String::from("applied"))),
            "{ctx} {who}: {listed}"
        );
        assert!(
            statuses.contains(&(loser.clone(), String::from("superseded"))),
            "{ctx} {who}: {listed}"
        );
    }
    // A commit two epochs late is still refused as before, changing nothing.
    let newer = dir.arg("newer.msg");
    a.json(&["group", "update", ra, "--commit-out", &newer, "--apply"]);
    let err = a.refused(ra, &["group", "receive", ra, &ca]);
    assert!(err.contains("epoch"), "{ctx}: {err}");
}

fn loser_file<'a>(ca: &'a str, cb: &'a str, loser_is_alice: bool) -> &'a str {
    if loser_is_alice { ca } else { cb }
}

fn winner_file<'a>(ca: &'a str, cb: &'a str, winner_is_alice: bool) -> &'a str {
    if winner_is_alice { ca } else { cb }
}

#[test]
fn competing_commits_settle_the_same_way_on_every_member() {
    for suite in ["1", "3", "7"] {
        for strategy in ["first-seen", "lowest-leaf", "lowest-hash"] {
            settle(suite, strategy);
        }
    }
}
