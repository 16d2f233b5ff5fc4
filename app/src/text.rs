//! Plain-text helpers the CLI and the window share (no egui here).

use std::path::Path;

/// `n noun` or `n nouns`.
pub fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The file name part of a path, for messages ("dropped file" for an
/// empty path).
pub fn file_name(path: &Path) -> String {
    match path.file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        None if path.as_os_str().is_empty() => "dropped file".to_owned(),
        None => path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_and_file_names() {
        assert_eq!(plural(1, "byte"), "1 byte");
        assert_eq!(plural(0, "file"), "0 files");
        assert_eq!(file_name(Path::new("/a/b.json")), "b.json");
        assert_eq!(file_name(Path::new("")), "dropped file");
    }
}
