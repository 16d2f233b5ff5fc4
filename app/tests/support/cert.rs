#![allow(dead_code)]
//! A self-signed P-256 CA certificate (DER and PEM) for the app tests that
//! import trust roots, made by mls-core's certificate builder
//! ([`mls_core::test_utils::certgen`], feature `test-utils`).

use std::time::{SystemTime, UNIX_EPOCH};

use mls_core::test_utils::certgen::{self, Kind, Spec, TestKey, issue};

pub use mls_core::test_utils::certgen::pem;

/// A self-signed CA certificate for `subject` (e.g. `CN=Test Root`), valid
/// from a day ago for ten years; `seed` picks its key.
pub fn self_signed_ca(subject: &str, seed: u8) -> Vec<u8> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let spec = Spec {
        not_before: now - 86_400,
        not_after: now + 10 * 365 * 86_400,
        ..certgen::ca(subject)
    };
    issue(
        &spec,
        TestKey::new(Kind::P256, &format!("root {seed}")),
        None,
    )
    .der
}
