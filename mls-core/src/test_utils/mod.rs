//! Helpers for tests of this crate and of the workspace (feature
//! `test-utils`).

pub mod groups;
