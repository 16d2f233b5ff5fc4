//! What the kind checkers share: the outcome of a case, how a kind's check
//! runs (with or without a cipher suite), and the comparison every check
//! reports its mismatches with.

use serde_json::Value;

use super::json::Field;
use crate::crypto::CipherSuite;

/// The outcome of one case: its cipher suite (if any) and the first failure.
pub struct CaseOutcome {
    pub cipher_suite: Option<u16>,
    pub result: Result<(), String>,
}

/// How the cases of one kind are checked.
#[derive(Debug, Clone, Copy)]
pub enum Check {
    /// A case without a cipher suite.
    Plain(fn(&Field<'_>) -> Result<(), String>),
    /// A per-suite case: `cipher_suite` is read and reported with the
    /// outcome; a suite outside RFC 9420's seven fails the case.
    Suite(fn(&Field<'_>, CipherSuite) -> Result<(), String>),
}

impl Check {
    /// Checks one case.
    pub fn run(self, case: &Value) -> CaseOutcome {
        let root = Field::root(case, "");
        match self {
            Check::Plain(run) => CaseOutcome {
                cipher_suite: None,
                result: run(&root),
            },
            Check::Suite(run) => {
                let suite = root.get("cipher_suite").and_then(|f| f.u16());
                let cipher_suite = suite.as_ref().ok().copied();
                let result = suite.and_then(|s| {
                    let cs = CipherSuite::from_u16(s).ok_or_else(|| {
                        format!("cipher suite {s} is not one of RFC 9420's seven")
                    })?;
                    run(&root, cs)
                });
                CaseOutcome {
                    cipher_suite,
                    result,
                }
            }
        }
    }
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

/// Compares field `key` of `f` (hex) with a computed value; `check` names
/// the comparison.
pub fn expect_field(f: &Field<'_>, key: &str, check: &str, got: &[u8]) -> Result<(), String> {
    expect_eq(check, &f.get(key)?.hex()?, got)
}
