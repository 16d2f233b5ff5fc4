#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! One workspace file driven through the real binary (`mls-inspector …
//! --db FILE`), for CLI tests with several members
//! (`#[path = "support/cli_ws.rs"] mod cli_ws;`, after `mod temp;`).

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

    /// Runs a command that must fail; returns the exit status and stderr
    /// (one line).
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
}
