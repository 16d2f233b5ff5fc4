//! Test support shared by mls-core's own tests and the workspace's tests
//! (feature `test-utils`): a certificate builder for X.509 credentials and
//! trust roots ([`certgen`]) and group fixtures ([`groups`]).
//!
//! Like a test, these helpers panic when something they build is invalid.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

pub mod certgen;
pub mod groups;
