//! Reads vector files and dispatches each to the checker for its kind.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::kinds;
use super::report::{CaseResult, FileReport};

/// Checks one vector file's bytes; `file` names it in the report.
/// Never panics: unreadable input becomes a report with `error` set.
pub fn check_bytes(file: &str, bytes: &[u8]) -> FileReport {
    check_bytes_with(file, bytes, kinds::CHECKERS)
}

/// As [`check_bytes`], with only `checkers` available: a kind without a
/// checker there is reported as `unsupported`.
pub fn check_bytes_with(file: &str, bytes: &[u8], checkers: &[kinds::Checker]) -> FileReport {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => return FileReport::invalid(file, format!("{file}: not JSON: {e}")),
    };
    let Some(cases) = value.as_array() else {
        return FileReport::invalid(
            file,
            format!("{file}: expected a JSON array of test cases at the top level"),
        );
    };
    let Some(first) = cases.first() else {
        return FileReport::invalid(file, format!("{file}: the array of test cases is empty"));
    };
    let Some(detected) = kinds::detect(first) else {
        return FileReport::invalid(
            file,
            format!("{file}: case 0 does not look like any known MLS test-vector kind"),
        );
    };
    let Some(checker) = checkers.iter().find(|c| c.kind == detected) else {
        return unsupported(file, detected, cases);
    };
    let results = cases
        .iter()
        .enumerate()
        .map(|(case, value)| {
            let outcome = checker.check.run(value);
            CaseResult {
                case,
                cipher_suite: outcome.cipher_suite,
                failure: outcome.result.err().map(|what| {
                    if what.starts_with("malformed input") {
                        format!("{what} (in {file}, case {case})")
                    } else {
                        what
                    }
                }),
            }
        })
        .collect();
    FileReport::from_results(file, checker.kind, results)
}

/// A kind the runner does not check yet: every case counts as failed.
fn unsupported(file: &str, detected: &str, cases: &[Value]) -> FileReport {
    let results = cases
        .iter()
        .enumerate()
        .map(|(case, value)| CaseResult {
            case,
            cipher_suite: value
                .get("cipher_suite")
                .and_then(Value::as_u64)
                .and_then(|s| u16::try_from(s).ok()),
            failure: Some(format!("vector kind `{detected}` is not checked yet")),
        })
        .collect();
    let mut report = FileReport::from_results(file, "unsupported", results);
    report.detected = Some(detected.to_string());
    report
}

/// Checks one file on disk.
pub fn check_path(path: &Path) -> FileReport {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    match std::fs::read(path) {
        Ok(bytes) => check_bytes(&name, &bytes),
        Err(e) => FileReport::invalid(&name, format!("{}: cannot read: {e}", path.display())),
    }
}

/// Expands directories into their `*.json` files (sorted); files pass through.
pub fn collect_files(paths: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(path)?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(path.clone());
        }
    }
    Ok(out)
}

/// Where the official vectors are: `MLS_TEST_VECTORS`, else
/// `../shared/test-vectors` relative to the workspace root.
pub fn vectors_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("MLS_TEST_VECTORS") {
        return PathBuf::from(dir);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/test-vectors")
}
