#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! One workspace file driven through the real binary: the CLI-driving
//! helpers for tests of new commands (`#[path = "support/cli.rs"] mod cli;`,
//! next to `support/temp.rs`).

use std::process::{Command, Output, Stdio};

use serde_json::Value;

use super::temp::TempDir;

/// One workspace file, driven through the binary.
pub struct Ws {
    pub db: String,
}

impl Ws {
    pub fn new(dir: &TempDir, name: &str) -> Self {
        Ws {
            db: dir.arg(&format!("{name}.sqlite")),
        }
    }

    /// Runs `mls-inspector <args> --db <file>`.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_mls-inspector"))
            .args(args)
            .args(["--db", &self.db])
            .env_remove("MLS_INSPECTOR_DB")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .output()
            .expect("run mls-inspector")
    }

    /// Runs a command that must succeed; returns its stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed ({:?}): {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command with `--json` that must succeed; returns the object.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut all = args.to_vec();
        all.push("--json");
        let stdout = self.ok(&all);
        let value: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{args:?}: not one JSON object ({e}): {stdout}"));
        assert!(value.is_object(), "{args:?}: {value}");
        value
    }

    /// Runs a command that must fail with one line of error and leave
    /// `group show GROUP --json` byte-identical; returns stderr.
    pub fn refused(&self, group: &str, args: &[&str]) -> String {
        let before = self.ok(&["group", "show", group, "--json"]);
        let out = self.run(args);
        assert!(
            !out.status.success(),
            "{args:?} should have failed: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(
            stderr.trim_end().lines().count(),
            1,
            "one line of error: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert_eq!(
            self.ok(&["group", "show", group, "--json"]),
            before,
            "{args:?} changed the group"
        );
        stderr
    }

    /// `group show GROUP --json`: (epoch, epoch authenticator).
    pub fn state(&self, group: &str) -> (u64, String) {
        let v = self.json(&["group", "show", group]);
        (
            v["epoch"].as_u64().unwrap(),
            v["epoch_authenticator"].as_str().unwrap().to_owned(),
        )
    }
}

/// `#N` of a group row in a JSON object with a `key`.
pub fn key_of(row: &Value) -> String {
    format!("#{}", row["key"])
}

/// `alice` (creator, group "team") and members `others` (one workspace
/// each, identities of suite `suite`) who join by one Welcome. Returns
/// each member's group reference, the creator's first.
pub fn group_of(dir: &TempDir, suite: &str, members: &[(&Ws, &str)]) -> Vec<String> {
    for (ws, name) in members {
        ws.json(&["identity", "new", name, "--suite", suite]);
    }
    let [(creator, creator_name), others @ ..] = members else {
        panic!("no members");
    };
    creator.json(&[
        "group",
        "create",
        "--identity",
        creator_name,
        "--name",
        "team",
    ]);
    let mut kps = Vec::new();
    for (ws, name) in others {
        let kp = dir.arg(&format!("{name}.kp"));
        ws.json(&["keypackage", "new", "--identity", name, "--out", &kp]);
        kps.push(kp);
    }
    let welcome = dir.arg("welcome.msg");
    let mut add = vec!["group", "add", "team"];
    add.extend(kps.iter().map(String::as_str));
    add.extend(["--welcome-out", &welcome, "--apply"]);
    creator.json(&add);
    let mut refs = vec![String::from("team")];
    for (ws, _) in others {
        let joined = ws.json(&["group", "join", &welcome]);
        refs.push(key_of(&joined));
    }
    let first = creator.state("team");
    for ((ws, _), r) in others.iter().zip(&refs[1..]) {
        assert_eq!(ws.state(r), first);
    }
    refs
}
