#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The command line: `mls-inspector vectors check`, run as a process.

use std::path::PathBuf;
use std::process::{Command, Output};

fn mls_inspector(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mls-inspector"))
        .args(args)
        .output()
        .expect("run mls-inspector")
}

/// A fresh file in the temp directory, removed on drop.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, content: &[u8]) -> Self {
        let dir = std::env::temp_dir().join(format!("mls-inspector-cli-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        TempFile(path)
    }

    fn path(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
        if let Some(dir) = self.0.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

#[test]
fn help_documents_commands_and_flags() {
    let out = mls_inspector(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("vectors"), "{help}");

    let out = mls_inspector(&["vectors", "check", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    assert!(help.contains("--json"), "{help}");
    assert!(help.contains("FILE|DIR"), "{help}");
}

#[test]
fn usage_errors_exit_with_2() {
    let out = mls_inspector(&["vectors", "check", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
    let out = mls_inspector(&["no-such-command"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn json_report_for_a_file_that_is_not_json() {
    let file = TempFile::new("not-vectors.json", b"certainly { not JSON");
    let out = mls_inspector(&["vectors", "check", "--json", file.path()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    // stdout is exactly one JSON object.
    let stdout = String::from_utf8(out.stdout).unwrap();
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON object");
    let files = report["files"].as_array().expect("files array");
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["file"], "not-vectors.json");
    let error = files[0]["error"].as_str().expect("a file-level error");
    assert!(error.contains("not-vectors.json"), "error: {error}");
}

#[test]
fn text_report_for_a_file_that_is_not_json() {
    let file = TempFile::new("garbage.json", b"\x00\x01 nope");
    let out = mls_inspector(&["vectors", "check", file.path()]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.starts_with("FILE"), "{stdout}");
    assert!(stdout.contains("garbage.json"), "{stdout}");
    assert!(stdout.contains("error: "), "{stdout}");
    assert!(stdout.contains("FAILED"), "{stdout}");
}

#[test]
fn missing_file_fails_with_1() {
    let out = mls_inspector(&["vectors", "check", "--json", "/nonexistent/vectors.json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["files"][0]["error"]
            .as_str()
            .unwrap()
            .contains("vectors.json")
    );
}
