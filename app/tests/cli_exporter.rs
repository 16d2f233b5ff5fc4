#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! `group export-secret` (RFC 9420 §8.5) and the interop details of issue
//! 12 (`join-external --ratchet-tree`, `group apply --json` after removal),
//! driven through the binary with three or four workspaces.

use serde_json::Value;

#[path = "support/cli_ws.rs"]
mod cli_ws;
use cli_ws::{TempDir, Ws, group_of, key_of};

/// `group export-secret` on `ws`: the JSON object.
fn export(ws: &Ws, group: &str, label: &str, context: &str, length: Option<usize>) -> Value {
    let length = length.map(|n| n.to_string());
    let mut args = vec![
        "group",
        "export-secret",
        group,
        "--label",
        label,
        "--context",
        context,
    ];
    if let Some(n) = &length {
        args.extend(["--length", n]);
    }
    ws.json(&args)
}

fn secret(v: &Value) -> String {
    v["secret"].as_str().unwrap().to_owned()
}

/// The hash length of suites 1, 3 and 7.
fn hash_len(suite: &str) -> usize {
    match suite {
        "1" | "3" => 32,
        "7" => 48,
        _ => panic!("suite {suite}"),
    }
}

#[test]
fn exporter_values_agree_on_every_member_and_depend_on_label_context_and_epoch() {
    for suite in ["1", "3", "7"] {
        let dir = TempDir::new("exporter");
        let (a, b, c) = (Ws::new(&dir, "a"), Ws::new(&dir, "b"), Ws::new(&dir, "c"));
        let members = [(&a, "alice"), (&b, "bob"), (&c, "carol")];
        let refs = group_of(&dir, suite, &members);
        let all: Vec<(&Ws, &str)> = members
            .iter()
            .zip(&refs)
            .map(|((ws, _), r)| (*ws, r.as_str()))
            .collect();

        let values: Vec<Value> = all
            .iter()
            .map(|(ws, r)| export(ws, r, "chat keys", "0a0b0c", Some(40)))
            .collect();
        for v in &values {
            assert_eq!(v["epoch"], 1, "suite {suite}: {v}");
            assert_eq!(v["label"], "chat keys");
            assert_eq!(v["context"], "0a0b0c");
            assert_eq!(v["length"], 40);
            assert_eq!(secret(v).len(), 80, "suite {suite}");
            assert_eq!(secret(v), secret(&values[0]), "suite {suite}");
        }
        // The text output is the same hex.
        let text = b.ok(&[
            "group",
            "export-secret",
            &refs[1],
            "--label",
            "chat keys",
            "--context",
            "0a0b0c",
            "--length",
            "40",
        ]);
        assert_eq!(text.trim(), secret(&values[0]));
        // Another label or context gives another value, on every member.
        let other_label: Vec<String> = all
            .iter()
            .map(|(ws, r)| secret(&export(ws, r, "chat keyz", "0a0b0c", Some(40))))
            .collect();
        let other_context: Vec<String> = all
            .iter()
            .map(|(ws, r)| secret(&export(ws, r, "chat keys", "0a0b0d", Some(40))))
            .collect();
        for v in [&other_label, &other_context] {
            assert!(v.iter().all(|s| *s == v[0]), "suite {suite}");
            assert_ne!(v[0], secret(&values[0]), "suite {suite}");
        }
        assert_ne!(other_label[0], other_context[0]);
        // Without --length: the hash length; a shorter length is not a
        // prefix of a longer one (the length is in the KDF label).
        let default = export(&a, "team", "x", "", None);
        assert_eq!(default["length"], hash_len(suite));
        assert_eq!(default["context"], "");
        let short = secret(&export(&a, "team", "x", "", Some(16)));
        assert!(!secret(&default).starts_with(&short), "suite {suite}");

        // The longest length HKDF allows works; one more byte and 0 are
        // refused with one line, changing nothing.
        let max = 255 * hash_len(suite);
        let longest = export(&c, &refs[2], "x", "", Some(max));
        assert_eq!(secret(&longest).len(), 2 * max);
        assert_eq!(
            secret(&longest),
            secret(&export(&a, "team", "x", "", Some(max)))
        );
        for bad in [max + 1, 0] {
            let n = bad.to_string();
            let err = a.refused(
                "team",
                &[
                    "group",
                    "export-secret",
                    "team",
                    "--label",
                    "x",
                    "--length",
                    &n,
                ],
            );
            assert!(err.contains("length"), "{err}");
        }
        let err = a.refused(
            "team",
            &[
                "group",
                "export-secret",
                "team",
                "--label",
                "x",
                "--context",
                "zz",
            ],
        );
        assert!(err.contains("--context"), "{err}");

        // A new epoch: new values, again equal everywhere.
        let commit = dir.arg("update.msg");
        b.json(&[
            "group",
            "update",
            &refs[1],
            "--commit-out",
            &commit,
            "--apply",
        ]);
        a.json(&["group", "receive", "team", &commit, "--apply"]);
        c.json(&["group", "receive", &refs[2], &commit, "--apply"]);
        let next: Vec<Value> = all
            .iter()
            .map(|(ws, r)| export(ws, r, "chat keys", "0a0b0c", Some(40)))
            .collect();
        for v in &next {
            assert_eq!(v["epoch"], 2);
            assert_eq!(secret(v), secret(&next[0]));
        }
        assert_ne!(secret(&next[0]), secret(&values[0]), "suite {suite}");

        // Carol is removed: `group apply --json` has a null authenticator,
        // and the group no longer exports.
        let commit = dir.arg("remove.msg");
        a.json(&[
            "group",
            "remove",
            "team",
            "carol",
            "--commit-out",
            &commit,
            "--apply",
        ]);
        b.json(&["group", "receive", &refs[1], &commit, "--apply"]);
        c.json(&["group", "receive", &refs[2], &commit]);
        let applied = c.json(&["group", "apply", &refs[2]]);
        assert_eq!(applied["removed"], true, "{applied}");
        assert!(applied["epoch_authenticator"].is_null(), "{applied}");
        let out = c.run(&["group", "export-secret", &refs[2], "--label", "x"]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("removed"), "{err}");
        // A member who stays gets a real authenticator from apply.
        let commit = dir.arg("update2.msg");
        a.json(&["group", "update", "team", "--commit-out", &commit]);
        let applied = a.json(&["group", "apply", "team"]);
        assert_eq!(applied["removed"], false);
        let received = b.json(&["group", "receive", &refs[1], &commit, "--apply"]);
        assert_eq!(
            applied["epoch_authenticator"],
            received["epoch_authenticator"]
        );
        assert!(applied["epoch_authenticator"].as_str().unwrap().len() >= 64);
    }
}

#[test]
fn join_external_with_an_out_of_band_ratchet_tree() {
    for suite in ["1", "3", "7"] {
        let dir = TempDir::new("ext-tree");
        let (a, b, d) = (Ws::new(&dir, "a"), Ws::new(&dir, "b"), Ws::new(&dir, "d"));
        let refs = group_of(&dir, suite, &[(&a, "alice"), (&b, "bob")]);
        d.json(&["identity", "new", "dave", "--suite", suite]);

        // A tree from this epoch, kept to try with a later GroupInfo.
        let old_tree = dir.arg("old.tree");
        let old_info = dir.arg("old.gi");
        a.json(&[
            "group",
            "export-group-info",
            "team",
            "--out",
            &old_info,
            "--ratchet-tree-out",
            &old_tree,
        ]);
        let commit = dir.arg("update.msg");
        b.json(&[
            "group",
            "update",
            &refs[1],
            "--commit-out",
            &commit,
            "--apply",
        ]);
        a.json(&["group", "receive", "team", &commit, "--apply"]);

        let info = dir.arg("team.gi");
        let tree = dir.arg("team.tree");
        let exported = a.json(&[
            "group",
            "export-group-info",
            "team",
            "--out",
            &info,
            "--ratchet-tree-out",
            &tree,
        ]);
        assert_eq!(exported["out"].as_str(), Some(info.as_str()));
        // The GroupInfo alone has no tree: refused, nothing stored.
        let join = [
            "group",
            "join-external",
            "--identity",
            "dave",
            info.as_str(),
        ];
        let out = d.run(&join);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("ratchet tree"), "{err}");
        // Another epoch's tree does not match the GroupInfo's tree hash.
        let out = d.run(&[&join[..], &["--ratchet-tree", &old_tree]].concat());
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("tree_hash"), "{err}");
        assert_eq!(
            d.json(&["group", "list"])["groups"]
                .as_array()
                .map(Vec::len)
                .unwrap_or(0),
            0
        );

        // With this epoch's tree, Dave joins and the members take him in.
        let ext_commit = dir.arg("join.msg");
        let joined = d.json(
            &[
                &join[..],
                &["--ratchet-tree", &tree, "--commit-out", &ext_commit],
            ]
            .concat(),
        );
        let dave = key_of(&joined["group"]);
        a.json(&["group", "receive", "team", &ext_commit, "--apply"]);
        b.json(&["group", "receive", &refs[1], &ext_commit, "--apply"]);
        let state = a.epoch_auth("team");
        assert_eq!(state.0, 3);
        assert_eq!(b.epoch_auth(&refs[1]), state);
        assert_eq!(d.epoch_auth(&dave), state);
        let values: Vec<String> = [(&a, "team"), (&b, refs[1].as_str()), (&d, dave.as_str())]
            .iter()
            .map(|(ws, r)| secret(&export(ws, r, "after join", "", Some(32))))
            .collect();
        assert!(values.iter().all(|v| *v == values[0]), "suite {suite}");
    }
}

#[test]
fn a_key_package_with_a_compressed_p256_key_is_reported_as_such() {
    use mls_core::codec::{Decode as _, Encode as _};
    use mls_core::framing::{MlsMessage, MlsMessageBody};

    let dir = TempDir::new("kp-key");
    let (a, b) = (Ws::new(&dir, "a"), Ws::new(&dir, "b"));
    b.json(&["identity", "new", "bob", "--suite", "2"]);
    let kp = dir.arg("bob.kp");
    b.json(&["keypackage", "new", "--identity", "bob", "--out", &kp]);
    // As made, it validates elsewhere.
    a.json(&["keypackage", "validate", &kp]);
    let mut message = MlsMessage::decode_exact(&std::fs::read(&kp).unwrap()).unwrap();
    let MlsMessageBody::KeyPackage(k) = &mut message.body else {
        panic!("not a key package");
    };
    let key = k.leaf_node.signature_key.0.clone();
    assert_eq!(key.len(), 65);
    let mut compressed = vec![0x02 | (key[64] & 1)];
    compressed.extend_from_slice(&key[1..33]);
    k.leaf_node.signature_key.0 = compressed;
    let bad = dir.arg("compressed.kp");
    std::fs::write(&bad, message.to_bytes().unwrap()).unwrap();
    let out = a.run(&["keypackage", "validate", &bad]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("a P-256 signature key must be an uncompressed SEC1 point (RFC 9420 §5.1.1); this one is compressed"),
        "{err}"
    );
}
