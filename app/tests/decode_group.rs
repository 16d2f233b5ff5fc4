#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! `decode --group`: a PrivateMessage decrypted (and a commit previewed)
//! with a group of the workspace, read-only.

use std::process::Command;

use mls_core::crypto::CipherSuite;
use mls_inspector::workspace::{GroupOptions, Receipt, Workspace};

const BIN: &str = env!("CARGO_BIN_EXE_mls-inspector");

#[test]
fn decode_decrypts_with_a_workspace_group_without_saving() {
    let dir = std::env::temp_dir().join(format!(
        "mls-decode-group-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let (a_path, b_path) = (dir.join("a.sqlite"), dir.join("b.sqlite"));
    let a = Workspace::open(&a_path).unwrap();
    let b = Workspace::open(&b_path).unwrap();
    let cs = CipherSuite::ALL[0];
    let alice = a.identity_new("alice", cs).unwrap();
    let bob = b.identity_new("bob", cs).unwrap();
    let ga = a.group_create(alice.key, &GroupOptions::default()).unwrap();
    let kp = b.key_package_new(bob.key).unwrap();
    let out = a.commit_add(ga.key, &[kp.bytes]).unwrap();
    a.apply(ga.key).unwrap();
    let gb = b.join(out.welcome.as_ref().unwrap(), None).unwrap();

    let message = hex::encode(a.send(ga.key, b"secret plans").unwrap());
    let state_before = b.store().group_state(gb.key).unwrap();
    let run = |extra: &[&str]| {
        let mut cmd = Command::new(BIN);
        cmd.arg("decode")
            .args(["--db", b_path.to_str().unwrap(), "--group"])
            .arg(gb.key.to_string())
            .args(extra)
            .arg(&message)
            .env_remove("MLS_INSPECTOR_DB");
        cmd.output().unwrap()
    };
    let text = run(&[]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&text.stderr)
    );
    assert!(stdout.contains("private_message"), "{stdout}");
    assert!(stdout.contains("decrypted with group"), "{stdout}");
    assert!(stdout.contains("\"secret plans\""), "{stdout}");

    let json = run(&["--json"]);
    assert!(json.status.success());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["kind"], "MLSMessage");
    assert_eq!(v["decrypted"]["kind"], "application");
    assert_eq!(v["decrypted"]["text"], "secret plans");
    assert_eq!(v["decrypted"]["data_hex"], hex::encode(b"secret plans"));
    // The group's checks and the decrypted trees (issue 14, item 3).
    let checks = v["decrypted"]["checks"].as_array().unwrap();
    let signature = checks
        .iter()
        .find(|c| c["what"].as_str().unwrap().contains("signature"))
        .unwrap();
    assert_eq!(signature["status"], "verified", "{signature}");
    let parts = v["decrypted"]["decrypted"].as_array().unwrap();
    let names: Vec<&str> = parts.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["SenderData", "PrivateMessageContent"]);
    let content = serde_json::to_string(&parts[1]["fields"]).unwrap();
    assert!(
        content.contains(&format!("\"value\":\"{}\"", hex::encode(b"secret plans"))),
        "{content}"
    );
    assert!(
        stdout.contains("decrypted PrivateMessageContent"),
        "{stdout}"
    );

    // Nothing was saved: the same message is still received for real.
    let state_after = b.store().group_state(gb.key).unwrap();
    assert_eq!(state_before.0.as_bytes(), state_after.0.as_bytes());
    assert_eq!(state_before.1, state_after.1);
    match b
        .receive(Some(gb.key), &hex::decode(&message).unwrap())
        .unwrap()
    {
        Receipt::Application { data, .. } => assert_eq!(data, b"secret plans"),
        other => panic!("expected application data, got {other:?}"),
    }

    // After receiving, the key is gone: decode says why and exits 1,
    // while still printing the dissection.
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(stdout.contains("✗"), "{stdout}");

    // An unknown group is an error naming it.
    let mut cmd = Command::new(BIN);
    let unknown = cmd
        .args([
            "decode",
            "--db",
            b_path.to_str().unwrap(),
            "--group",
            "nope",
            "--json",
        ])
        .arg(&message)
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&unknown.stdout).unwrap();
    assert!(
        v["decrypted"]["error"].as_str().unwrap().contains("nope"),
        "{v}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
