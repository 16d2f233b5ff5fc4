//! The Recent list across restarts: entries are stored (as JSON under the
//! app's eframe storage) as the file's path, to be read again, or as the
//! pasted text when it is at most [`MAX_STORED_TEXT`]; inputs that are
//! neither (bytes handed over in memory, long text) are not kept. Reopening
//! an entry whose file is gone says "no such file".

use std::path::{Path, PathBuf};
use std::sync::Arc;

use mls_core::inspect::{InputFormat, MessageKind};
use serde::{Deserialize, Serialize};

use super::state::{DecoderPanel, MAX_RECENT, RecentEntry, Source};
use crate::ui::common::file_name;

/// Pasted text longer than this is not kept across restarts.
pub const MAX_STORED_TEXT: usize = 64 * 1024;

/// One Recent entry as stored.
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    name: String,
    summary: String,
    /// The file it was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    path: Option<PathBuf>,
    /// The pasted text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    /// The format chosen (`None`: detect), by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    format: Option<String>,
    /// What the bytes were decoded as (`None`: detect), by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
}

impl Stored {
    fn of(entry: &RecentEntry) -> Option<Self> {
        let (path, text) = match &entry.path {
            Some(path) => (Some(path.clone()), None),
            None if entry.source.from_text && entry.source.raw.len() <= MAX_STORED_TEXT => {
                let text = std::str::from_utf8(&entry.source.raw).ok()?;
                (None, Some(text.to_owned()))
            }
            None => return None,
        };
        Some(Stored {
            name: entry.name.clone(),
            summary: entry.summary.clone(),
            path,
            text,
            format: entry.format.map(|f| f.name().to_owned()),
            kind: entry.kind.map(|k| k.name().to_owned()),
        })
    }

    fn into_entry(self) -> Option<RecentEntry> {
        let (raw, from_text) = match (&self.path, self.text) {
            (Some(_), _) => (Arc::from(&[][..]), false),
            (None, Some(text)) if text.len() <= MAX_STORED_TEXT => {
                (Arc::from(text.into_bytes()), true)
            }
            _ => return None,
        };
        Some(RecentEntry {
            name: self.name.clone(),
            summary: self.summary,
            source: Source {
                name: self.name,
                raw,
                from_text,
            },
            format: self.format.as_deref().and_then(InputFormat::from_name),
            kind: self.kind.as_deref().and_then(MessageKind::from_name),
            path: self.path,
        })
    }
}

impl DecoderPanel {
    /// The Recent list as text for the app's storage (at most
    /// [`MAX_RECENT`] entries, most recent first).
    pub fn recent_to_storage(&self) -> String {
        let stored: Vec<Stored> = self
            .recent
            .iter()
            .filter_map(Stored::of)
            .take(MAX_RECENT)
            .collect();
        serde_json::to_string(&stored).unwrap_or_default()
    }

    /// Restores a Recent list saved by [`DecoderPanel::recent_to_storage`]
    /// (after this session's entries); text that is not such a list is
    /// ignored.
    pub fn restore_recent(&mut self, stored: &str) {
        let Ok(stored) = serde_json::from_str::<Vec<Stored>>(stored) else {
            return;
        };
        for entry in stored.into_iter().filter_map(Stored::into_entry) {
            if self.recent.len() >= MAX_RECENT {
                break;
            }
            let duplicate = self.recent.iter().any(|e| match (&e.path, &entry.path) {
                (Some(a), Some(b)) => a == b,
                (None, None) => e.source.raw == entry.source.raw,
                _ => false,
            });
            if !duplicate {
                self.recent.push(entry);
            }
        }
    }

    /// The file the latest Recent entry was read from (kept so the entry
    /// can be reopened after a restart); other entries of that file go.
    pub(super) fn note_recent_path(&mut self, path: &Path) {
        let path = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
        let Some(first) = self.recent.first_mut() else {
            return;
        };
        // Only the entry of the input just read from the file.
        let current = self.source.as_ref().map(|s| &s.raw);
        if first.source.from_text || current != Some(&first.source.raw) {
            return;
        }
        first.path = Some(path.clone());
        let mut index = 0;
        self.recent.retain(|e| {
            index += 1;
            index == 1 || e.path.as_ref() != Some(&path)
        });
    }

    /// Reopens a Recent entry read from a file by reading the file again;
    /// `false` if the entry has no file. A file that is gone says so.
    pub(super) fn open_recent_file(&mut self, index: usize) -> bool {
        let Some(entry) = self.recent.get(index) else {
            return false;
        };
        let Some(path) = entry.path.clone() else {
            return false;
        };
        let (format, kind) = (entry.format, entry.kind);
        match std::fs::read(&path) {
            Ok(bytes) => {
                self.format = format;
                self.kind = kind;
                self.load_bytes(file_name(&path), &bytes);
                self.note_recent_path(&path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.set_status(format!("{}: no such file", path.display()), true);
            }
            Err(e) => {
                self.set_status(format!("Cannot read {}: {e}", path.display()), true);
            }
        }
        true
    }
}
