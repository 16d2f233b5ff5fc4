//! Bad input to the runner: an error naming the file and field, never a panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use mls_core::conformance::check_bytes;

#[test]
fn not_json_names_the_file() {
    let report = check_bytes("broken.json", b"{ this is not json");
    assert_eq!(report.kind, "invalid");
    let error = report.error.clone().unwrap();
    assert!(error.starts_with("broken.json: not JSON"), "{error}");
    assert_eq!(report.failed, 1);
    assert!(!report.ok());
}

#[test]
fn wrong_top_level_shape_is_an_error() {
    for input in [&b"{}"[..], b"42", b"[]", b"[1, 2]", b"[{\"unknown\": 1}]"] {
        let report = check_bytes("shape.json", input);
        assert_eq!(report.kind, "invalid", "{}", String::from_utf8_lossy(input));
        assert!(report.error.unwrap().starts_with("shape.json: "));
    }
}

#[test]
fn truncated_hex_names_the_field_and_file() {
    let input = br#"[{"vlbytes_header": "404", "length": 64}]"#;
    let report = check_bytes("deser.json", input);
    assert_eq!(report.kind, "deserialization");
    assert_eq!(report.failed, 1);
    let what = &report.failures[0].what;
    assert!(what.contains("`vlbytes_header`"), "{what}");
    assert!(what.contains("odd number of digits"), "{what}");
    assert!(what.contains("deser.json"), "{what}");
}

#[test]
fn wrong_field_types_and_missing_fields_name_the_path() {
    let input = br#"[{"n_leaves": 4, "n_nodes": 7, "root": 3, "left": "x", "right": [], "parent": [], "sibling": []},
                     {"n_leaves": 4, "n_nodes": 7, "root": 3, "right": [], "parent": [], "sibling": []},
                     {"n_leaves": 4, "n_nodes": 7, "root": 3, "left": [null, 0, null, "1", null, 4, null], "right": [], "parent": [], "sibling": []}]"#;
    let report = check_bytes("math.json", input);
    assert_eq!(report.kind, "tree-math");
    assert_eq!(report.failed, 3);
    assert!(
        report.failures[0]
            .what
            .contains("`left`: expected an array"),
        "{}",
        report.failures[0].what
    );
    assert!(
        report.failures[1].what.contains("`left`: missing"),
        "{}",
        report.failures[1].what
    );
    assert!(
        report.failures[2].what.contains("`left[3]`"),
        "{}",
        report.failures[2].what
    );
}

#[test]
fn a_bad_header_vector_fails_with_the_reason() {
    let input = br#"[{"vlbytes_header": "4025", "length": 37}, {"vlbytes_header": "c000000000000001", "length": 1}, {"vlbytes_header": "00", "length": 0}]"#;
    let report = check_bytes("deser.json", input);
    assert_eq!((report.cases, report.passed, report.failed), (3, 1, 2));
    assert!(
        report.failures[0].what.contains("not minimally encoded"),
        "{}",
        report.failures[0].what
    );
    assert!(
        report.failures[1].what.contains("prefix 0b11"),
        "{}",
        report.failures[1].what
    );
}

#[test]
fn unknown_suite_fails_that_case() {
    let input = br#"[{"cipher_suite": 99, "ref_hash": {}, "sign_with_label": {}}]"#;
    let report = check_bytes("cb.json", input);
    assert_eq!(report.kind, "crypto-basics");
    assert_eq!(report.failures[0].cipher_suite, Some(99));
    assert!(report.failures[0].what.contains("cipher suite 99"));
}

#[test]
fn unsupported_kind_counts_every_case_as_failed() {
    // Every official kind has a checker now: run with none available to see
    // how a kind the runner cannot check is reported.
    let input = br#"[{"cipher_suite": 1, "initial_epoch_authenticator": "00", "epochs": []},
                     {"cipher_suite": 2, "initial_epoch_authenticator": "00", "epochs": []}]"#;
    let report = mls_core::conformance::check_bytes_with("passive.json", input, &[]);
    assert_eq!(report.kind, "unsupported");
    assert_eq!(report.detected.as_deref(), Some("passive-client"));
    assert_eq!((report.cases, report.passed, report.failed), (2, 0, 2));
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["kind"], "unsupported");
    assert_eq!(json["failed"], 2);
}

#[test]
fn arbitrary_garbage_never_panics() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let samples: &[&[u8]] = &[
        br#"[{"vlbytes_header": 5, "length": -1}]"#,
        br#"[{"n_leaves": 3, "n_nodes": 5, "root": 3, "left": [], "right": [], "parent": [], "sibling": []}]"#,
        br#"[{"n_leaves": 4294967295, "n_nodes": 1, "root": 0, "left": [], "right": [], "parent": [], "sibling": []}]"#,
        br#"[{"cipher_suite": 1, "ref_hash": {"label": "RefHash", "value": "zz", "out": ""}, "sign_with_label": {}}]"#,
    ];
    for sample in samples {
        let _ = check_bytes("x.json", sample);
        for _ in 0..200 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut mutated = sample.to_vec();
            let i = (seed as usize) % mutated.len();
            mutated[i] = (seed >> 32) as u8;
            let _ = check_bytes("x.json", &mutated);
        }
    }
}
