//! The example messages in `assets/examples/` decode as what they claim to
//! be, and no truncation or byte flip of them makes the dissector panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;

use mls_core::inspect::{self, InputFormat, MessageKind};

fn example(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../assets/examples")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn examples_decode_as_what_they_are() {
    let cases = [
        (
            "key-package.bin",
            "MLSMessage (mls_key_package): KeyPackage",
        ),
        (
            "welcome.bin",
            "MLSMessage (mls_welcome): Welcome for 2 new member(s)",
        ),
        (
            "group-info.bin",
            "MLSMessage (mls_group_info): GroupInfo, epoch 1",
        ),
        (
            "commit-public.bin",
            "MLSMessage (mls_public_message): PublicMessage (commit), epoch 1",
        ),
        (
            "application-private.bin",
            "MLSMessage (mls_private_message): PrivateMessage (application), epoch 2",
        ),
    ];
    for (name, summary) in cases {
        let d = inspect::dissect(&example(name));
        assert!(d.ok(), "{name}: {:?}", d.error);
        assert_eq!(d.kind, MessageKind::MlsMessage);
        assert!(d.summary.starts_with(summary), "{name}: {}", d.summary);
    }
    // Signatures checkable from the message alone verify.
    for name in ["key-package.bin", "group-info.bin"] {
        let d = inspect::dissect(&example(name));
        assert!(!d.signatures.is_empty(), "{name}");
        for s in &d.signatures {
            assert!(s.verified(), "{name}: {} {:?}", s.what, s.outcome);
        }
    }
}

#[test]
fn text_examples_match_their_binary_twins() {
    for (text, binary, format) in [
        ("key-package.hex", "key-package.bin", InputFormat::Hex),
        (
            "application-private.b64",
            "application-private.bin",
            InputFormat::Base64,
        ),
    ] {
        let parsed = inspect::parse_input(&example(text));
        assert_eq!(parsed.format, format, "{text}: {}", parsed.reason);
        assert_eq!(parsed.bytes, example(binary), "{text}");
    }
}

#[test]
fn the_malformed_example_names_its_failure() {
    let d = inspect::dissect_as(&example("malformed-welcome.bin"), MessageKind::MlsMessage);
    let e = d.error.clone().expect("malformed");
    assert_eq!(e.path, "welcome.encrypted_group_info");
    assert!(e.message.contains("exceeds"), "{}", e.message);
    assert!(
        d.field_by_path("welcome.secrets").is_some(),
        "fields before the failure are kept"
    );
}

#[test]
fn every_truncation_and_every_flip_yields_a_tree_or_an_error_node() {
    for name in [
        "key-package.bin",
        "welcome.bin",
        "group-info.bin",
        "commit-public.bin",
        "application-private.bin",
        "malformed-welcome.bin",
    ] {
        let bytes = example(name);
        let check = |input: &[u8], what: &str| {
            let d = inspect::dissect(input);
            // A malformed extension body shows its own error node, a
            // detail inside `extension_data` that fails no message.
            let has_error_node = d
                .all_fields()
                .iter()
                .any(|f| f.label == "error" && !f.detail);
            for f in d.all_fields() {
                if f.label == "error" && f.detail {
                    assert!(
                        f.path.contains("extension_data"),
                        "{name} {what}: {}",
                        f.path
                    );
                }
            }
            assert!(
                d.ok() != has_error_node || input.is_empty(),
                "{name} {what}"
            );
            assert!(d.ok() || d.error.is_some(), "{name} {what}");
        };
        for n in 0..bytes.len() {
            check(&bytes[..n], &format!("cut at {n}"));
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xff;
            check(&b, &format!("flip at {i}"));
        }
    }
}
