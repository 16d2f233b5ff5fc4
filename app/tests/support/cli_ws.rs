#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Driving the binary with workspace files playing members of a group:
//! `Ws` (one workspace file), `two_members` (Alice creates "team" and adds
//! Bob), `group_of` (a creator and any members joined by one Welcome),
//! `exchange` (an application message one way). The one CLI-driving helper
//! module of the tests (`#[path = "support/cli_ws.rs"] mod cli_ws;`), with
//! `TempDir` from `support/temp.rs`.

use std::process::{Command, Output, Stdio};

use serde_json::Value;

#[path = "temp.rs"]
mod temp;
pub use temp::TempDir;

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

    /// Runs `mls-inspector <args> --db <file>`, optionally with stdin.
    pub fn run_with(&self, args: &[&str], stdin: Option<&[u8]>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mls-inspector"));
        cmd.args(args)
            .args(["--db", &self.db])
            .env_remove("MLS_INSPECTOR_DB")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match stdin {
            None => cmd
                .stdin(Stdio::null())
                .output()
                .expect("run mls-inspector"),
            Some(input) => {
                use std::io::Write as _;
                let mut child = cmd.stdin(Stdio::piped()).spawn().unwrap();
                child.stdin.take().unwrap().write_all(input).unwrap();
                child.wait_with_output().unwrap()
            }
        }
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with(args, None)
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

    /// Runs a command that must fail; returns the exit status and stderr.
    pub fn fails(&self, args: &[&str]) -> (i32, String) {
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
        (out.status.code().unwrap(), stderr)
    }

    /// Runs a command that must fail with one line of error and leave
    /// `group show GROUP --json` byte-identical; returns stderr.
    pub fn refused(&self, group: &str, args: &[&str]) -> String {
        let before = self.show_raw(group);
        let (_, stderr) = self.fails(args);
        assert_eq!(self.show_raw(group), before, "{args:?} changed the group");
        stderr
    }

    /// `group show GROUP --json`, as printed (for byte comparisons).
    pub fn show_raw(&self, group: &str) -> String {
        self.ok(&["group", "show", group, "--json"])
    }

    /// `group show --json`: (epoch, epoch authenticator, pending).
    pub fn state(&self, group: &str) -> (u64, String, bool) {
        let v = self.json(&["group", "show", group]);
        (
            v["epoch"].as_u64().unwrap(),
            v["epoch_authenticator"].as_str().unwrap().to_owned(),
            v["pending"].is_object(),
        )
    }

    /// `group show GROUP --json`: (epoch, epoch authenticator).
    pub fn epoch_auth(&self, group: &str) -> (u64, String) {
        let (epoch, auth, _) = self.state(group);
        (epoch, auth)
    }
}

/// `#N` of a group row in a JSON object with a `key`.
pub fn key_of(row: &Value) -> String {
    format!("#{}", row["key"])
}

pub fn text(v: &Value, key: &str) -> String {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} in {v}"))
        .to_owned()
}

/// Alice (workspace A) creates "team" and adds Bob (workspace B), who
/// joins. Returns Bob's group reference (`#N`).
pub fn two_members(dir: &TempDir, a: &Ws, b: &Ws) -> String {
    a.json(&["identity", "new", "alice"]);
    b.json(&["identity", "new", "bob"]);
    let g = a.json(&["group", "create", "--identity", "alice", "--name", "team"]);
    assert_eq!(g["epoch"], 0);
    assert_eq!(g["member_count"], 1);
    let kp = dir.arg("bob.kp");
    let k = b.json(&["keypackage", "new", "--identity", "bob", "--out", &kp]);
    assert_eq!(k["out"].as_str(), Some(kp.as_str()));
    let welcome = dir.arg("welcome.msg");
    let c = a.json(&[
        "group",
        "add",
        "team",
        &kp,
        "--welcome-out",
        &welcome,
        "--apply",
    ]);
    assert_eq!(c["applied"], true);
    assert_eq!(c["epoch"], 1);
    assert_eq!(c["preview"]["summary"]["added"][0]["identity"], "bob");
    let joined = b.json(&["group", "join", &welcome]);
    assert_eq!(joined["epoch"], 1);
    assert_eq!(joined["own_leaf"], 1);
    let bg = format!("#{}", joined["key"]);
    assert_eq!(a.state("team"), b.state(&bg));
    bg
}

/// Sends `message` from `from` and checks that `to` decrypts it.
pub fn exchange(dir: &TempDir, from: (&Ws, &str), to: (&Ws, &str), message: &str) {
    let file = dir.arg("app.msg");
    let sent = from
        .0
        .json(&["group", "send", from.1, message, "--out", &file]);
    assert_eq!(sent["out"].as_str(), Some(file.as_str()));
    let got = to.0.json(&["group", "receive", to.1, &file]);
    assert_eq!(got["kind"], "application", "{got}");
    assert_eq!(got["text"].as_str(), Some(message), "{got}");
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
    let first = creator.epoch_auth("team");
    for ((ws, _), r) in others.iter().zip(&refs[1..]) {
        assert_eq!(ws.epoch_auth(r), first);
    }
    refs
}
