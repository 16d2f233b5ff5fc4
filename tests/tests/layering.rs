//! The dependency order of docs/ARCHITECTURE.md, checked against the code:
//! every top-level module of mls-core and of the app uses (`crate::X`) only
//! modules of lower layers. A new import that points up, or a circle
//! between two modules, fails here with the file and the line.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fs;
use std::path::{Path, PathBuf};

/// mls-core's layers, bottom first; a module may use modules of lower
/// layers only (its own layer's other modules are refused too).
const CORE_LAYERS: &[&[&str]] = &[
    &["codec", "time"],
    &["crypto", "messages"],
    &["credential", "tree"],
    &["schedule"],
    &["framing"],
    &["group"],
    &["policy", "inspect", "conformance", "test_utils"],
];

/// The app's layers, bottom first.
const APP_LAYERS: &[&[&str]] = &[&["text"], &["workspace"], &["ui"], &["gui"], &["cli"]];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("readable source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a file of `src` belongs to.
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).expect("file under src");
    let first = rel.components().next().expect("non-empty path");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_owned()
}

/// Test code is allowed to reach anywhere: test files (`tests/`,
/// `tests.rs`, `*_tests.rs`) and the `#[cfg(test)] mod tests { … }` at the
/// end of a file are skipped.
fn is_test_file(file: &Path) -> bool {
    file.components().any(|c| {
        let name = c.as_os_str().to_string_lossy();
        name == "tests" || name == "tests.rs" || name.ends_with("_tests.rs")
    })
}

fn non_test_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let end = text.find("#[cfg(test)]\nmod tests").unwrap_or(text.len());
    text[..end].lines().enumerate().map(|(i, l)| (i + 1, l))
}

/// Every `crate::NAME` on a line (including inside `use crate::{a, b::c}`).
fn crate_refs(line: &str, modules: &[&str]) -> Vec<String> {
    let code = line.split("//").next().unwrap_or("");
    let mut found = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = group.split('}').next().unwrap_or("");
            for part in inner.split(',') {
                let name = part.trim().split("::").next().unwrap_or("").trim();
                found.push(name.to_owned());
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.push(name);
        }
    }
    found.retain(|m| modules.contains(&m.as_str()));
    found
}

fn check(crate_dir: &str, layers: &[&[&str]]) -> Vec<String> {
    let src = root().join(crate_dir).join("src");
    let layer_of = |m: &str| layers.iter().position(|l| l.contains(&m));
    let modules: Vec<&str> = layers.iter().flat_map(|l| l.iter().copied()).collect();
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for file in files {
        let module = module_of(&src, &file);
        if matches!(module.as_str(), "lib" | "main") || is_test_file(&file) {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            problems.push(format!(
                "{}: module `{module}` is in no layer of this test (add it to the list and to docs/ARCHITECTURE.md)",
                file.display()
            ));
            continue;
        };
        let text = fs::read_to_string(&file).expect("readable source file");
        for (n, line) in non_test_lines(&text) {
            for used in crate_refs(line, &modules) {
                if used == module {
                    continue;
                }
                let theirs = layer_of(&used).unwrap_or(usize::MAX);
                if theirs >= own {
                    problems.push(format!(
                        "{}:{n}: `{module}` uses `{used}`, which is not below it",
                        file.display()
                    ));
                }
            }
        }
    }
    problems
}

#[test]
fn mls_core_modules_only_use_lower_layers() {
    let problems = check("mls-core", CORE_LAYERS);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn app_modules_only_use_lower_layers() {
    let problems = check("app", APP_LAYERS);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_check_sees_an_upward_import() {
    // The parser must find both forms, or the tests above prove nothing.
    let modules = ["schedule", "framing", "group"];
    assert_eq!(
        crate_refs("use crate::framing::AuthenticatedContent;", &modules),
        ["framing"]
    );
    assert_eq!(
        crate_refs("use crate::{framing::MlsMessage, group::Group};", &modules),
        ["framing", "group"]
    );
    assert!(crate_refs("// see crate::group", &modules).is_empty());
}
