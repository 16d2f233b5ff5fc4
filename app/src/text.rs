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

/// `s` made safe for a terminal and a one-line display: control
/// characters (C0, DEL, C1: ESC sequences, line breaks, carriage returns)
/// and the Unicode bidirectional overrides and isolates (which reorder
/// what follows) are written as Rust escapes (`\u{1b}`, `\n`); everything
/// else is kept. For every string that comes from a message or a
/// certificate (RFC 9420 leaves identities to the application: a subject
/// can hold anything).
pub fn escape_controls(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
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

    #[test]
    fn control_characters_are_escaped() {
        let evil = "CN=evil\u{1b}[2J\u{1b}[31mROOT\nfake line\u{9b}\u{202e}x";
        let safe = escape_controls(evil);
        assert!(!safe.chars().any(needs_escape), "{safe}");
        assert_eq!(
            safe,
            "CN=evil\\u{1b}[2J\\u{1b}[31mROOT\\nfake line\\u{9b}\\u{202e}x"
        );
        assert_eq!(escape_controls("Zoë, O=Ünïcode"), "Zoë, O=Ünïcode");
    }
}
