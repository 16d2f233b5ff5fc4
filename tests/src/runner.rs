//! Reads vector files and dispatches each to the checker for its kind.

use std::path::{Path, PathBuf};

use crate::report::FileReport;

/// Checks one vector file's bytes; `file` names it in the report.
/// Never panics: unreadable input becomes a report with `error` set.
pub fn check_bytes(file: &str, bytes: &[u8]) -> FileReport {
    FileReport::invalid(file, format!("{file}: runner not implemented yet ({} bytes)", bytes.len()))
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
