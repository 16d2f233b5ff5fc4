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

use serde_json::Value;

pub use super::check::{CaseOutcome, Check};

/// A checker for one kind of vector file.
pub struct Checker {
    pub kind: &'static str,
    pub check: Check,
}

/// Every kind the runner checks.
pub const CHECKERS: &[Checker] = &[
    Checker {
        kind: "crypto-basics",
        check: Check::Suite(crypto_basics::run),
    },
    Checker {
        kind: "tree-math",
        check: Check::Plain(tree_math::run),
    },
    Checker {
        kind: "deserialization",
        check: Check::Plain(deserialization::run),
    },
    Checker {
        kind: "messages",
        check: Check::Plain(messages::run),
    },
    Checker {
        kind: "key-schedule",
        check: Check::Suite(key_schedule::run),
    },
    Checker {
        kind: "psk_secret",
        check: Check::Suite(psk_secret::run),
    },
    Checker {
        kind: "secret-tree",
        check: Check::Suite(secret_tree::run),
    },
    Checker {
        kind: "transcript-hashes",
        check: Check::Suite(transcript_hashes::run),
    },
    Checker {
        kind: "tree-validation",
        check: Check::Suite(tree_validation::run),
    },
    Checker {
        kind: "tree-operations",
        check: Check::Suite(tree_operations::run),
    },
    Checker {
        kind: "treekem",
        check: Check::Suite(treekem::run),
    },
    Checker {
        kind: "message-protection",
        check: Check::Suite(message_protection::run),
    },
    Checker {
        kind: "welcome",
        check: Check::Suite(welcome::run),
    },
    Checker {
        kind: "passive-client",
        check: Check::Suite(passive_client::run),
    },
];

/// The fields a case of each kind holds, tried in this order: the first
/// kind whose fields are all present is the case's kind (the file names of
/// the official vectors are not relied on: files get renamed).
const SIGNATURES: &[(&[&str], &str)] = &[
    (&["vlbytes_header"], "deserialization"),
    (&["n_leaves", "parent"], "tree-math"),
    (&["ref_hash", "sign_with_label"], "crypto-basics"),
    (&["mls_welcome"], "messages"),
    (&["public_message_commit"], "messages"),
    (&["tree_before", "proposal"], "tree-operations"),
    (&["resolutions", "tree_hashes"], "tree-validation"),
    (&["update_paths", "leaves_private"], "treekem"),
    (&["initial_init_secret", "epochs"], "key-schedule"),
    (&["psks", "psk_secret"], "psk_secret"),
    (&["sender_data", "leaves"], "secret-tree"),
    (&["interim_transcript_hash_before"], "transcript-hashes"),
    (&["proposal_priv", "membership_key"], "message-protection"),
    (&["initial_epoch_authenticator", "epochs"], "passive-client"),
    (&["init_priv", "welcome", "signer_pub"], "welcome"),
];

/// The kind a case looks like, by the fields it holds.
pub fn detect(case: &Value) -> Option<&'static str> {
    let Value::Object(map) = case else {
        return None;
    };
    SIGNATURES
        .iter()
        .find(|(fields, _)| fields.iter().all(|f| map.contains_key(*f)))
        .map(|(_, kind)| *kind)
}
