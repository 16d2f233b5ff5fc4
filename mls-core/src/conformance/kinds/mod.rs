//! One checker per vector kind, and detection of a file's kind from its content.

pub mod crypto_basics;
pub mod deserialization;
pub mod key_schedule;
pub mod message_protection;
pub mod messages;
pub mod passive_client;
pub mod psk_secret;
pub mod secret_tree;
pub mod transcript_hashes;
pub mod tree_math;
pub mod tree_operations;
pub mod tree_validation;
pub mod treekem;
pub mod welcome;

use crate::crypto::CipherSuite;
use serde_json::Value;

use crate::conformance::json::Field;

/// The outcome of one case: its cipher suite (if any) and the first failure.
pub struct CaseOutcome {
    pub cipher_suite: Option<u16>,
    pub result: Result<(), String>,
}

/// A checker for one kind of vector file.
pub struct Checker {
    pub kind: &'static str,
    pub check: fn(&Value) -> CaseOutcome,
}

/// Every kind the runner checks.
pub const CHECKERS: &[Checker] = &[
    Checker {
        kind: "crypto-basics",
        check: crypto_basics::check,
    },
    Checker {
        kind: "tree-math",
        check: tree_math::check,
    },
    Checker {
        kind: "deserialization",
        check: deserialization::check,
    },
    Checker {
        kind: "messages",
        check: messages::check,
    },
    Checker {
        kind: "key-schedule",
        check: key_schedule::check,
    },
    Checker {
        kind: "psk_secret",
        check: psk_secret::check,
    },
    Checker {
        kind: "secret-tree",
        check: secret_tree::check,
    },
    Checker {
        kind: "transcript-hashes",
        check: transcript_hashes::check,
    },
    Checker {
        kind: "tree-validation",
        check: tree_validation::check,
    },
    Checker {
        kind: "tree-operations",
        check: tree_operations::check,
    },
    Checker {
        kind: "treekem",
        check: treekem::check,
    },
    Checker {
        kind: "message-protection",
        check: message_protection::check,
    },
    Checker {
        kind: "welcome",
        check: welcome::check,
    },
    Checker {
        kind: "passive-client",
        check: passive_client::check,
    },
];

/// The kind a case looks like, by the fields it holds (the file names of the
/// official vectors are not relied on: files get renamed).
pub fn detect(case: &Value) -> Option<&'static str> {
    let Value::Object(map) = case else {
        return None;
    };
    let has = |k: &str| map.contains_key(k);
    let kind = if has("vlbytes_header") {
        "deserialization"
    } else if has("n_leaves") && has("parent") {
        "tree-math"
    } else if has("ref_hash") && has("sign_with_label") {
        "crypto-basics"
    } else if has("mls_welcome") || has("public_message_commit") {
        "messages"
    } else if has("tree_before") && has("proposal") {
        "tree-operations"
    } else if has("resolutions") && has("tree_hashes") {
        "tree-validation"
    } else if has("update_paths") && has("leaves_private") {
        "treekem"
    } else if has("initial_init_secret") && has("epochs") {
        "key-schedule"
    } else if has("psks") && has("psk_secret") {
        "psk_secret"
    } else if has("sender_data") && has("leaves") {
        "secret-tree"
    } else if has("interim_transcript_hash_before") {
        "transcript-hashes"
    } else if has("proposal_priv") && has("membership_key") {
        "message-protection"
    } else if has("initial_epoch_authenticator") && has("epochs") {
        "passive-client"
    } else if has("init_priv") && has("welcome") && has("signer_pub") {
        "welcome"
    } else {
        return None;
    };
    Some(kind)
}

/// Compares an expected and a computed value, naming the check on mismatch.
/// Short values are shown whole; long ones by where they first differ.
pub fn expect_eq(check: &str, expected: &[u8], got: &[u8]) -> Result<(), String> {
    if expected == got {
        return Ok(());
    }
    if expected.len() <= 64 && got.len() <= 64 {
        return Err(format!(
            "{check}: expected {}, computed {}",
            hex::encode(expected),
            hex::encode(got)
        ));
    }
    let at = expected
        .iter()
        .zip(got)
        .position(|(a, b)| a != b)
        .unwrap_or(expected.len().min(got.len()));
    Err(format!(
        "{check}: differs from byte {at} on (expected {} bytes, computed {})",
        expected.len(),
        got.len()
    ))
}

/// Runs a per-suite check: reads `cipher_suite`, reports it with the outcome,
/// and fails the case for a suite outside RFC 9420's seven.
pub fn suite_case(
    case: &Value,
    run: fn(&Field<'_>, CipherSuite) -> Result<(), String>,
) -> CaseOutcome {
    let root = Field::root(case, "");
    let suite = root.get("cipher_suite").and_then(|f| f.u16());
    let cipher_suite = suite.as_ref().ok().copied();
    let result = suite.and_then(|s| {
        let cs = CipherSuite::from_u16(s)
            .ok_or_else(|| format!("cipher suite {s} is not one of RFC 9420's seven"))?;
        run(&root, cs)
    });
    CaseOutcome {
        cipher_suite,
        result,
    }
}
