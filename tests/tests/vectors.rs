//! The official test vectors, through the same runner the CLI and GUI use.
//!
//! Vectors come from `MLS_TEST_VECTORS`, else `../shared/test-vectors`.
//! Absent vectors skip loudly, except under `CI=true`, where they fail.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use mls_core::conformance::{check_bytes, check_path, vectors_dir};

/// The files this build must pass in full, with their case counts.
const MUST_PASS: &[(&str, &str, usize)] = &[
    ("crypto-basics.json", "crypto-basics", 7),
    ("tree-math.json", "tree-math", 10),
    ("deserialization.json", "deserialization", 14),
    ("messages.json", "messages", 300),
    ("key-schedule.json", "key-schedule", 7),
    ("psk_secret.json", "psk_secret", 77),
    ("secret-tree.json", "secret-tree", 21),
    ("transcript-hashes.json", "transcript-hashes", 7),
    ("tree-validation.json", "tree-validation", 98),
    ("tree-operations.json", "tree-operations", 5),
    ("treekem.json", "treekem", 77),
    ("message-protection.json", "message-protection", 7),
    ("welcome.json", "welcome", 7),
    ("passive-client-welcome.json", "passive-client", 56),
    ("passive-client-handling-commit.json", "passive-client", 91),
];

fn vector_file(name: &str) -> Option<PathBuf> {
    let dir = vectors_dir();
    let path = dir.join(name);
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "official test vector {} is missing under CI=true",
            path.display()
        );
    }
    eprintln!(
        "\n!!! SKIPPED: official test vector {} not found. Set MLS_TEST_VECTORS to the \
         directory holding the official vectors. !!!\n",
        path.display()
    );
    None
}

#[test]
fn official_vectors_pass() {
    for (name, kind, cases) in MUST_PASS {
        let Some(path) = vector_file(name) else {
            continue;
        };
        let report = check_path(&path);
        assert_eq!(report.kind, *kind, "{name}: {report:?}");
        assert_eq!(report.cases, *cases, "{name}");
        assert!(report.failures.is_empty(), "{name}: {:#?}", report.failures);
        assert_eq!(report.passed, *cases, "{name}");
        assert!(report.ok());
    }
}

#[test]
fn every_official_file_is_recognised_and_never_falsely_passed() {
    let dir = vectors_dir();
    if vector_file("crypto-basics.json").is_none() {
        return;
    }
    let files = mls_core::conformance::collect_files(&[dir]).unwrap();
    assert!(
        files.len() >= 15,
        "expected the 15 official files, found {files:?}"
    );
    for path in files {
        let report = check_path(&path);
        assert_ne!(
            report.kind, "invalid",
            "{}: {:?}",
            report.file, report.error
        );
        assert!(report.cases > 0, "{}", report.file);
        assert_eq!(
            report.passed + report.failed,
            report.cases,
            "{}",
            report.file
        );
        if report.kind == "unsupported" {
            assert!(report.detected.is_some(), "{}", report.file);
            assert_eq!(
                report.passed, 0,
                "{}: an unchecked kind must not pass",
                report.file
            );
            assert!(!report.ok());
        }
    }
}

#[test]
fn a_flipped_signature_byte_fails_that_suite_only() {
    let Some(path) = vector_file("crypto-basics.json") else {
        return;
    };
    let mut cases: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let target = 3;
    let sig = cases[target]["sign_with_label"]["signature"]
        .as_str()
        .unwrap()
        .to_string();
    let mut bytes = hex::decode(&sig).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    cases[target]["sign_with_label"]["signature"] = hex::encode(bytes).into();
    let report = check_bytes("crypto-basics.json", &serde_json::to_vec(&cases).unwrap());
    assert_eq!(report.kind, "crypto-basics");
    assert_eq!(report.failed, 1, "{:#?}", report.failures);
    let failure = &report.failures[0];
    assert_eq!(failure.case, target);
    assert_eq!(
        failure.cipher_suite,
        cases[target]["cipher_suite"].as_u64().map(|s| s as u16)
    );
    assert!(
        failure.what.contains("sign_with_label") && failure.what.contains("did not verify"),
        "{}",
        failure.what
    );
    assert!(!report.ok());
}

#[test]
fn a_wrong_derived_secret_is_reported_with_both_values() {
    let Some(path) = vector_file("crypto-basics.json") else {
        return;
    };
    let mut cases: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    cases[0]["derive_secret"]["out"] = "00".repeat(32).into();
    let report = check_bytes("crypto-basics.json", &serde_json::to_vec(&cases).unwrap());
    assert_eq!(report.failed, 1);
    let what = &report.failures[0].what;
    assert!(what.starts_with("derive_secret: expected 0000"), "{what}");
    assert!(what.contains("computed"), "{what}");
}
