//! The conformance runner: checks an official MLS test-vector file, chosen
//! by what its content holds, and reports per case.
//!
//! Used by `mls-inspector vectors check`, the GUI's Conformance panel, and
//! the workspace tests. Compiled with the `conformance` feature (it adds
//! serde and serde_json).

mod check;
mod json;
pub mod kinds;
mod report;
mod runner;

pub use report::{CaseResult, Failure, FileReport, RunReport};
pub use runner::{check_bytes, check_bytes_with, check_path, collect_files, vectors_dir};
