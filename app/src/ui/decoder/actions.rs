//! What the Decoder does: loading and decoding inputs, selecting fields,
//! copying and exporting, and the file dialogs.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use mls_core::inspect::{self, DissectLimits, Dissection, Field, InputFormat, MessageKind};

use super::rows::Decoded;
use super::rows::{default_expansion, node_at, visible_rows};
use super::state::{
    DECODE_LIMIT_ENV, DecoderPanel, EXAMPLES_DIR, LARGE_TEXT, MAX_RECENT, Origin, Outcome, PASTED,
    RecentEntry, Source, Status,
};
use crate::ui::common::{file_name, plural};
use crate::ui::jobs::{JobPanel, job_panel};

job_panel!(DecoderPanel, Outcome);

impl DecoderPanel {
    pub fn new() -> Self {
        Self::default()
    }

    /// Decodes `bytes` (a file's content: binary, or text holding hex or
    /// base64) named `name`, with the current format and kind choices.
    pub fn load_bytes(&mut self, name: impl Into<String>, bytes: &[u8]) {
        self.text.clear();
        self.status = None;
        self.source = Some(Source {
            name: name.into(),
            raw: Arc::from(bytes),
            from_text: false,
        });
        self.decode_source();
    }

    /// Reads and decodes a file; a read error becomes the status line.
    pub fn load_path(&mut self, path: &Path) {
        match std::fs::read(path) {
            Ok(bytes) => {
                self.load_bytes(file_name(path), &bytes);
                self.note_recent_path(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.set_status(format!("{}: no such file", path.display()), true);
            }
            Err(e) => self.set_status(format!("Cannot read {}: {e}", path.display()), true),
        }
    }

    /// Puts `text` into the text box and decodes it, as if pasted.
    pub fn load_text(&mut self, text: &str) {
        self.text = text.to_owned();
        self.status = None;
        self.decode_text();
    }

    /// The text box's content.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The input format: `None` detects it.
    pub fn format(&self) -> Option<InputFormat> {
        self.format
    }

    /// Chooses the input format (`None`: detect) and decodes again.
    pub fn set_format(&mut self, format: Option<InputFormat>) {
        if std::mem::replace(&mut self.format, format) != format {
            self.decode_source();
        }
    }

    /// What the bytes are decoded as: `None` detects it.
    pub fn kind(&self) -> Option<MessageKind> {
        self.kind
    }

    /// Chooses what the bytes are decoded as (`None`: detect) and decodes again.
    pub fn set_kind(&mut self, kind: Option<MessageKind>) {
        if std::mem::replace(&mut self.kind, kind) != kind {
            self.decode_source();
        }
    }

    /// The largest input decoded and the most fields shown.
    pub fn limits(&self) -> DissectLimits {
        self.limits
    }

    /// Changes the limits; they apply from the next decoding on.
    pub fn set_limits(&mut self, limits: DissectLimits) {
        self.limits = limits;
    }

    /// The current input and its dissection.
    pub fn decoded(&self) -> Option<&Decoded> {
        self.current.as_ref()
    }

    pub fn dissection(&self) -> Option<&Dissection> {
        self.current.as_ref().map(|d| &d.dissection)
    }

    /// Why the input could not be read in the chosen format.
    pub fn input_error(&self) -> Option<&str> {
        self.input_error.as_deref()
    }

    /// What the last action (copy, export, open) did.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// Inputs decoded in this session, most recent first.
    pub fn recent(&self) -> &[RecentEntry] {
        &self.recent
    }

    /// Decodes `recent()[index]` again, with the format and kind it had.
    pub fn open_recent(&mut self, index: usize) {
        if self.open_recent_file(index) {
            return;
        }
        let Some(entry) = self.recent.get(index).cloned() else {
            return;
        };
        self.format = entry.format;
        self.kind = entry.kind;
        self.text = match std::str::from_utf8(&entry.source.raw) {
            Ok(text) if entry.source.from_text && text.len() <= LARGE_TEXT => text.to_owned(),
            _ => String::new(),
        };
        self.status = None;
        self.source = Some(entry.source);
        self.decode_source();
    }

    /// Forgets the input (the Recent list stays).
    pub fn clear(&mut self) {
        self.text.clear();
        self.source = None;
        self.current = None;
        self.input_error = None;
        self.status = None;
        self.set_nodes_changed();
        self.request_reading();
    }

    /// The selected field.
    pub fn selected(&self) -> Option<&Field> {
        let decoded = self.current.as_ref()?;
        decoded.field(self.selected?)
    }

    /// Selects the first field (depth first) with this path; returns whether
    /// there is one.
    pub fn select_path(&mut self, path: &str) -> bool {
        match self.field_index(path) {
            Some(index) => {
                self.select(index, Origin::Program);
                true
            }
            None => false,
        }
    }

    /// The index of the first field (depth first) with this path.
    fn field_index(&self, path: &str) -> Option<usize> {
        let fields = self.current.as_ref()?.dissection.all_fields();
        fields.iter().position(|f| f.path == path)
    }

    /// Clears the selection.
    pub fn deselect(&mut self) {
        self.selected = None;
    }

    /// What a click on byte `offset` of the hex dump does: selects the
    /// innermost field holding it. Returns whether there is one.
    pub fn click_byte(&mut self, offset: usize) -> bool {
        let found = self
            .current
            .as_ref()
            .and_then(|d| node_at(&d.nodes, offset));
        match found {
            Some(index) => {
                self.select(index, Origin::Hex);
                true
            }
            None => false,
        }
    }

    /// The byte range highlighted in the hex dump: the selected field's.
    pub fn highlighted(&self) -> Option<Range<usize>> {
        let decoded = self.current.as_ref()?;
        let node = decoded.nodes.get(self.selected?)?;
        Some(node.start..node.end)
    }

    /// The selected field's bytes.
    pub fn selected_bytes(&self) -> Option<&[u8]> {
        self.current.as_ref()?.bytes_of(self.selected?)
    }

    /// The tree filter (matches label, path, value and text).
    pub fn filter(&self) -> &str {
        &self.filter
    }

    pub fn set_filter(&mut self, filter: &str) {
        if self.filter != filter {
            self.filter = filter.to_owned();
            self.rows_dirty = true;
        }
    }

    /// Paths of the rows the tree shows now (collapsed and filtered rows
    /// left out), in order.
    pub fn visible_paths(&mut self) -> Vec<String> {
        self.refresh_rows();
        let Some(decoded) = &self.current else {
            return Vec::new();
        };
        self.rows
            .iter()
            .filter_map(|i| decoded.field(*i).map(|f| f.path.clone()))
            .collect()
    }

    /// Shows or hides the children of the first field with this path.
    pub fn set_expanded(&mut self, path: &str, open: bool) -> bool {
        match self
            .field_index(path)
            .and_then(|i| self.expanded.get_mut(i))
        {
            Some(state) => {
                *state = open;
                self.rows_dirty = true;
                true
            }
            None => false,
        }
    }

    /// The text "Copy value" copies: the selected field's value (or its
    /// error), with its printable text when there is one.
    pub fn value_to_copy(&self) -> Option<String> {
        let field = self.selected()?;
        match (&field.value, &field.text, &field.error) {
            (_, Some(text), _) => Some(text.clone()),
            (Some(value), None, _) => Some(value.clone()),
            (None, None, Some(error)) => Some(error.clone()),
            (None, None, None) => self.selected_bytes().map(hex::encode),
        }
    }

    /// The selected field's bytes as hex ("Copy hex").
    pub fn hex_to_copy(&self) -> Option<String> {
        self.selected_bytes().map(hex::encode)
    }

    /// Writes the selected field's bytes to `path`; returns how many.
    pub fn export_selected_to(&self, path: &Path) -> Result<usize, String> {
        let bytes = self.selected_bytes().ok_or("no field selected")?;
        write_bytes(path, bytes)
    }

    /// Message files in [`EXAMPLES_DIR`], sorted; empty if there is none.
    pub fn examples() -> Vec<PathBuf> {
        list_examples(Path::new(EXAMPLES_DIR))
    }

    /// Asks for a message file with the system dialog (on a thread of its
    /// own), then decodes it. Without a dialog service nothing happens.
    pub fn open_dialog(&mut self) {
        self.jobs.dialog(|| {
            let picked = crate::ui::file_choice::run_dialog(|| {
                rfd::FileDialog::new()
                    .set_title("Open an MLS message")
                    .pick_file()
            });
            let path = match picked {
                Ok(path) => path?,
                Err(no_dialog) => return Some(Outcome::Status(Status::error(no_dialog))),
            };
            Some(Outcome::Picked(path))
        });
    }

    /// Asks where to save the selected field's bytes (on a thread of its
    /// own) and writes them there.
    pub fn export_dialog(&mut self) {
        let (Some(bytes), Some(field)) = (self.selected_bytes(), self.selected()) else {
            return;
        };
        let bytes = bytes.to_vec();
        let file = format!("{}.bin", file_stem_for(field));
        self.jobs.dialog(move || {
            let picked = crate::ui::file_choice::run_dialog(|| {
                rfd::FileDialog::new()
                    .set_title("Export the field's bytes")
                    .set_file_name(file)
                    .save_file()
            });
            let path = match picked {
                Ok(path) => path?,
                Err(no_dialog) => return Some(Outcome::Status(Status::error(no_dialog))),
            };
            Some(Outcome::Status(match write_bytes(&path, &bytes) {
                Ok(n) => Status::ok(format!(
                    "Exported {} to {}",
                    plural(n, "byte"),
                    path.display()
                )),
                Err(e) => Status::error(e),
            }))
        });
    }

    /// Whether a file dialog is open.
    pub fn is_busy(&self) -> bool {
        self.jobs.dialog_open()
    }

    /// Applies what the dialogs returned (called every frame).
    pub fn poll(&mut self) {
        self.poll_jobs(None);
    }

    /// Applies what a dialog came back with.
    pub(super) fn apply_outcome(&mut self, outcome: Outcome) {
        match outcome {
            // Read like a typed path, so Recent keeps it across restarts.
            Outcome::Picked(path) => self.load_path(&path),
            Outcome::Status(status) => self.status = Some(status),
            Outcome::Groups(list) => self.set_group_choices(list),
            Outcome::Read { key, input, result } => self.apply_reading(key, &input, result),
        }
    }

    pub(super) fn set_status(&mut self, text: String, error: bool) {
        self.status = Some(Status { text, error });
    }

    /// The text box changed: decode it (empty text keeps a loaded file).
    pub(super) fn decode_text(&mut self) {
        if self.text.trim().is_empty() {
            if self.source.as_ref().is_none_or(|s| s.from_text) {
                self.source = None;
                self.current = None;
                self.input_error = None;
                self.set_nodes_changed();
            }
            return;
        }
        self.source = Some(Source {
            name: PASTED.to_owned(),
            raw: Arc::from(self.text.as_bytes()),
            from_text: true,
        });
        self.decode_source();
        if self.text.len() > LARGE_TEXT && self.current.is_some() {
            let size = self.text.len();
            self.text.clear();
            self.set_status(
                format!(
                    "Decoded {} of pasted text (too large to keep in the text box)",
                    plural(size, "character")
                ),
                false,
            );
        }
    }

    /// Reads and dissects the source with the current choices.
    pub(super) fn decode_source(&mut self) {
        let Some(source) = self.source.clone() else {
            return;
        };
        self.input_error = None;
        let parsed = match self.format {
            Some(format) => inspect::parse_input_as(&source.raw, format),
            None => {
                let parsed = inspect::parse_input(&source.raw);
                if source.from_text && parsed.format == InputFormat::Binary {
                    Err(format!(
                        "The text is neither hex nor base64: {} \
                         (choose Binary to decode the characters themselves).",
                        parsed.reason
                    ))
                } else {
                    Ok(parsed)
                }
            }
        };
        match parsed {
            Ok(input) => match Decoded::new(source.name.clone(), input, self.kind, &self.limits) {
                Ok(decoded) => {
                    self.remember(source, &decoded.dissection.summary);
                    self.current = Some(decoded);
                }
                Err(e) => {
                    self.current = None;
                    self.set_status(
                        format!("{e} (set {DECODE_LIMIT_ENV} to raise the limit)"),
                        true,
                    );
                }
            },
            Err(e) => {
                self.current = None;
                self.input_error = Some(e);
            }
        }
        self.set_nodes_changed();
        self.request_reading();
    }

    /// New nodes (or none): reset the selection and the tree's rows.
    pub(super) fn set_nodes_changed(&mut self) {
        self.selected = None;
        self.hovered_byte = None;
        self.scroll_hex = Some(0);
        self.expanded = match &self.current {
            Some(decoded) => default_expansion(&decoded.nodes, &decoded.dissection),
            None => Vec::new(),
        };
        self.rows_dirty = true;
    }

    /// Puts the input at the top of Recent. Typing or deleting at the end
    /// of the text box replaces the entry of the text being edited instead
    /// of adding one per key.
    pub(super) fn remember(&mut self, source: Source, summary: &str) {
        let editing = source.from_text
            && self.recent.first().is_some_and(|e| {
                e.source.from_text
                    && (source.raw.starts_with(&e.source.raw)
                        || e.source.raw.starts_with(&source.raw))
            });
        if editing {
            self.recent.remove(0);
        }
        self.recent.retain(|e| e.source.raw != source.raw);
        self.recent.insert(
            0,
            RecentEntry {
                name: source.name.clone(),
                summary: summary.to_owned(),
                source,
                format: self.format,
                kind: self.kind,
                path: None,
            },
        );
        self.recent.truncate(MAX_RECENT);
    }

    /// Selects node `index`, opens its ancestors and scrolls the other view.
    pub(super) fn select(&mut self, index: usize, origin: Origin) {
        let Some(decoded) = &self.current else {
            return;
        };
        let Some(node) = decoded.nodes.get(index) else {
            return;
        };
        self.selected = Some(index);
        let mut parent = node.parent;
        while let Some(p) = parent {
            if let Some(open) = self.expanded.get_mut(p)
                && !*open
            {
                *open = true;
                self.rows_dirty = true;
            }
            parent = decoded.nodes.get(p).and_then(|n| n.parent);
        }
        if origin != Origin::Tree {
            self.scroll_tree = true;
        }
        if origin != Origin::Hex {
            self.scroll_hex = Some(node.start);
        }
    }

    pub(super) fn toggle(&mut self, index: usize) {
        if let Some(open) = self.expanded.get_mut(index) {
            *open = !*open;
            self.rows_dirty = true;
        }
    }

    pub(super) fn refresh_rows(&mut self) {
        if !self.rows_dirty {
            return;
        }
        self.rows_dirty = false;
        self.rows = match &self.current {
            Some(decoded) => visible_rows(decoded, &self.expanded, &self.filter),
            None => Vec::new(),
        };
    }
}

pub(super) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<usize, String> {
    std::fs::write(path, bytes)
        .map(|()| bytes.len())
        .map_err(|e| format!("Cannot write {}: {e}", path.display()))
}

/// A file name for a field's bytes: its path with dots and brackets as `_`.
pub(super) fn file_stem_for(field: &Field) -> String {
    let name: String = field
        .path
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let name = name.trim_matches('_');
    if name.is_empty() {
        "field".to_owned()
    } else {
        name.to_owned()
    }
}

/// Regular files in `dir`, sorted by name (hidden files and READMEs left out).
pub(super) fn list_examples(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .filter(|p| {
            let name = file_name(p).to_lowercase();
            !name.starts_with('.') && !name.starts_with("readme")
        })
        .collect();
    files.sort();
    files
}
