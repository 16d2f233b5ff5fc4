//! The Decoder panel: paste hex or base64, or drop any file, and the bytes
//! are dissected by [`mls_core::inspect`] into a field tree (left) next to a
//! hex dump (right); selecting a field highlights its bytes, clicking a byte
//! selects the innermost field holding it.
//!
//! Decoding runs on the UI thread when the input changes (dissecting is a
//! single pass over the bytes); drawing only touches the visible tree rows
//! and hex rows, so a 1 MiB input stays responsive. The file dialogs run on
//! threads of their own and hand their results back over a channel.
//!
//! Tests drive the panel without a window through [`DecoderPanel::load_bytes`],
//! [`DecoderPanel::load_text`], [`DecoderPanel::select_path`] and
//! [`DecoderPanel::click_byte`], and read it back with
//! [`DecoderPanel::dissection`], [`DecoderPanel::selected`] and
//! [`DecoderPanel::highlighted`].

use std::borrow::Cow;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};

use egui::text::LayoutJob;
use egui::{Align, Color32, FontId, Layout, RichText, Sense, TextFormat, TextStyle, Ui};
use egui_extras::{Column, TableBuilder};
use mls_core::inspect::{self, Dissection, Field, InputFormat, MessageKind, ParsedInput};

/// Where "Load example" looks for message files (fixed at build time: the
/// repository's `assets/examples`; nothing is embedded in the binary).
pub const EXAMPLES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/examples");

/// Pasted text longer than this is decoded but not kept in the text box
/// (laying out megabytes of text every frame would freeze the window).
pub const LARGE_TEXT: usize = 256 * 1024;

/// How many inputs the Recent menu remembers.
pub const MAX_RECENT: usize = 20;

/// Bytes per hex-dump row.
pub const BYTES_PER_ROW: usize = 16;

/// Name of input typed or pasted into the text box.
const PASTED: &str = "pasted text";

/// Characters of a value shown in a tree row (the cell clips further).
const ROW_VALUE_CHARS: usize = 120;

/// Characters of a value shown in a tooltip.
const HOVER_VALUE_CHARS: usize = 1024;

/// Least width of the offset column, in hex digits.
const MIN_OFFSET_DIGITS: usize = 6;

/// Indentation per tree level, in points.
const INDENT: f32 = 14.0;

/// One field of the tree, flattened in depth-first order.
#[derive(Debug, Clone)]
struct Node {
    /// Child indices from the top level down to this field.
    loc: Box<[usize]>,
    depth: usize,
    parent: Option<usize>,
    /// Index just past this field's last descendant.
    subtree_end: usize,
    start: usize,
    end: usize,
}

impl Node {
    fn has_children(&self, index: usize) -> bool {
        self.subtree_end > index + 1
    }
}

/// Flattens the tree depth first (the order of [`Dissection::all_fields`]).
fn flatten(fields: &[Field]) -> Vec<Node> {
    fn visit(fields: &[Field], loc: &mut Vec<usize>, parent: Option<usize>, out: &mut Vec<Node>) {
        for (i, field) in fields.iter().enumerate() {
            loc.push(i);
            let index = out.len();
            out.push(Node {
                loc: loc.clone().into_boxed_slice(),
                depth: loc.len() - 1,
                parent,
                subtree_end: index + 1,
                start: field.start,
                end: field.end,
            });
            visit(&field.children, loc, Some(index), out);
            let end = out.len();
            if let Some(node) = out.get_mut(index) {
                node.subtree_end = end;
            }
            loc.pop();
        }
    }
    let mut out = Vec::new();
    visit(fields, &mut Vec::new(), None, &mut out);
    out
}

/// The field at `loc` (child indices from the top level).
fn field_at_loc<'a>(fields: &'a [Field], loc: &[usize]) -> Option<&'a Field> {
    let (first, rest) = loc.split_first()?;
    let mut field = fields.get(*first)?;
    for i in rest {
        field = field.children.get(*i)?;
    }
    Some(field)
}

/// The innermost node covering byte `offset`: the same rule as
/// [`Dissection::field_at`] (first covering sibling, then down).
fn node_at(nodes: &[Node], offset: usize) -> Option<usize> {
    let mut found = None;
    let (mut i, mut end) = (0, nodes.len());
    while i < end {
        let node = nodes.get(i)?;
        if node.start <= offset && offset < node.end {
            found = Some(i);
            end = node.subtree_end;
            i += 1;
        } else {
            i = node.subtree_end;
        }
    }
    found
}

/// A decoded input: what was read, and its dissection.
#[derive(Debug)]
pub struct Decoded {
    name: String,
    input: ParsedInput,
    dissection: Dissection,
    nodes: Vec<Node>,
}

impl Decoded {
    fn new(name: String, input: ParsedInput, kind: Option<MessageKind>) -> Self {
        let dissection = match kind {
            Some(kind) => inspect::dissect_as(&input.bytes, kind),
            None => inspect::dissect(&input.bytes),
        };
        let nodes = flatten(&dissection.fields);
        Decoded {
            name,
            input,
            dissection,
            nodes,
        }
    }

    /// Where the input came from: a file name or "pasted text".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bytes, with the format they were read as and why.
    pub fn input(&self) -> &ParsedInput {
        &self.input
    }

    pub fn dissection(&self) -> &Dissection {
        &self.dissection
    }

    fn field(&self, index: usize) -> Option<&Field> {
        let node = self.nodes.get(index)?;
        field_at_loc(&self.dissection.fields, &node.loc)
    }

    fn bytes_of(&self, index: usize) -> Option<&[u8]> {
        let node = self.nodes.get(index)?;
        self.input.bytes.get(node.start..node.end)
    }
}

/// What an input was, to decode it again (other format or kind, Recent).
#[derive(Debug, Clone)]
struct Source {
    name: String,
    raw: Arc<[u8]>,
    /// Typed or pasted into the text box (else a file).
    from_text: bool,
}

/// An input decoded in this session.
#[derive(Debug, Clone)]
pub struct RecentEntry {
    /// File name or "pasted text".
    pub name: String,
    /// The dissection's summary.
    pub summary: String,
    source: Source,
    format: Option<InputFormat>,
    kind: Option<MessageKind>,
}

impl RecentEntry {
    /// The input as it was given (file bytes or text).
    pub fn raw(&self) -> &[u8] {
        &self.source.raw
    }
}

/// A line under the input: what an action did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub error: bool,
}

/// What the dialog threads report.
#[derive(Debug)]
enum Event {
    Opened { name: String, bytes: Vec<u8> },
    Status(Status),
    Done,
}

/// Where a selection came from: the other view scrolls to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    Tree,
    Hex,
    Program,
}

/// The Decoder panel's state.
pub struct DecoderPanel {
    /// The text box.
    text: String,
    /// `None`: detect.
    format: Option<InputFormat>,
    /// `None`: detect.
    kind: Option<MessageKind>,
    source: Option<Source>,
    current: Option<Decoded>,
    /// Why the input could not be read in the chosen format.
    input_error: Option<String>,
    /// Index into the current nodes.
    selected: Option<usize>,
    /// Per node: children shown.
    expanded: Vec<bool>,
    filter: String,
    /// Visible nodes, in order; recomputed when `rows_dirty`.
    rows: Vec<usize>,
    rows_dirty: bool,
    recent: Vec<RecentEntry>,
    status: Option<Status>,
    /// Bring the selected row into view in the tree.
    scroll_tree: bool,
    /// Bring this byte into view in the hex dump.
    scroll_hex: Option<usize>,
    /// Hex rows visible in the last frame.
    hex_rows: Range<usize>,
    /// Height of the hex dump's scroll area in the last frame.
    hex_height: f32,
    /// The byte under the pointer in the last frame.
    hovered_byte: Option<usize>,
    /// Dialogs still open.
    dialogs: usize,
    tx: Sender<Event>,
    rx: Receiver<Event>,
    /// For waking the UI from a dialog thread; known after the first frame.
    ctx: Option<egui::Context>,
}

impl Default for DecoderPanel {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        DecoderPanel {
            text: String::new(),
            format: None,
            kind: None,
            source: None,
            current: None,
            input_error: None,
            selected: None,
            expanded: Vec::new(),
            filter: String::new(),
            rows: Vec::new(),
            rows_dirty: false,
            recent: Vec::new(),
            status: None,
            scroll_tree: false,
            scroll_hex: None,
            hex_rows: 0..0,
            hex_height: 0.0,
            hovered_byte: None,
            dialogs: 0,
            tx,
            rx,
            ctx: None,
        }
    }
}

impl std::fmt::Debug for DecoderPanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DecoderPanel")
            .field("name", &self.current.as_ref().map(|d| d.name.as_str()))
            .field(
                "summary",
                &self.current.as_ref().map(|d| d.dissection.summary.as_str()),
            )
            .field("input_error", &self.input_error)
            .field("selected", &self.selected)
            .field("recent", &self.recent.len())
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------
// State and actions (no drawing).

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
            Ok(bytes) => self.load_bytes(file_name(path), &bytes),
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
        if self.format != format {
            self.format = format;
            self.decode_source();
        }
    }

    /// What the bytes are decoded as: `None` detects it.
    pub fn kind(&self) -> Option<MessageKind> {
        self.kind
    }

    /// Chooses what the bytes are decoded as (`None`: detect) and decodes again.
    pub fn set_kind(&mut self, kind: Option<MessageKind>) {
        if self.kind != kind {
            self.kind = kind;
            self.decode_source();
        }
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
    }

    /// The selected field.
    pub fn selected(&self) -> Option<&Field> {
        let decoded = self.current.as_ref()?;
        decoded.field(self.selected?)
    }

    /// Selects the first field (depth first) with this path; returns whether
    /// there is one.
    pub fn select_path(&mut self, path: &str) -> bool {
        let Some(decoded) = &self.current else {
            return false;
        };
        let found = decoded
            .dissection
            .all_fields()
            .iter()
            .position(|f| f.path == path);
        match found {
            Some(index) => {
                self.select(index, Origin::Program);
                true
            }
            None => false,
        }
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
        let Some(decoded) = &self.current else {
            return false;
        };
        let found = decoded
            .dissection
            .all_fields()
            .iter()
            .position(|f| f.path == path);
        match found.and_then(|i| self.expanded.get_mut(i)) {
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
        let tx = self.tx.clone();
        let ctx = self.ctx.clone();
        self.dialogs += 1;
        let spawned = std::thread::Builder::new()
            .name("open-dialog".to_owned())
            .spawn(move || {
                let picked = rfd::FileDialog::new()
                    .set_title("Open an MLS message")
                    .pick_file();
                let event = match picked.map(|p| (std::fs::read(&p), p)) {
                    Some((Ok(bytes), path)) => Event::Opened {
                        name: file_name(&path),
                        bytes,
                    },
                    Some((Err(e), path)) => Event::Status(Status {
                        text: format!("Cannot read {}: {e}", path.display()),
                        error: true,
                    }),
                    None => Event::Done,
                };
                send(&tx, ctx.as_ref(), event);
            });
        if let Err(e) = spawned {
            self.dialogs -= 1;
            self.set_status(format!("Cannot open the file dialog: {e}"), true);
        }
    }

    /// Asks where to save the selected field's bytes (on a thread of its
    /// own) and writes them there.
    pub fn export_dialog(&mut self) {
        let (Some(bytes), Some(field)) = (self.selected_bytes(), self.selected()) else {
            return;
        };
        let bytes = bytes.to_vec();
        let file = format!("{}.bin", file_stem_for(field));
        let tx = self.tx.clone();
        let ctx = self.ctx.clone();
        self.dialogs += 1;
        let spawned = std::thread::Builder::new()
            .name("export-dialog".to_owned())
            .spawn(move || {
                let picked = rfd::FileDialog::new()
                    .set_title("Export the field's bytes")
                    .set_file_name(file)
                    .save_file();
                let event = match picked {
                    Some(path) => Event::Status(match write_bytes(&path, &bytes) {
                        Ok(n) => Status {
                            text: format!("Exported {} to {}", plural(n, "byte"), path.display()),
                            error: false,
                        },
                        Err(e) => Status {
                            text: e,
                            error: true,
                        },
                    }),
                    None => Event::Done,
                };
                send(&tx, ctx.as_ref(), event);
            });
        if let Err(e) = spawned {
            self.dialogs -= 1;
            self.set_status(format!("Cannot open the file dialog: {e}"), true);
        }
    }

    /// Whether a file dialog is open.
    pub fn is_busy(&self) -> bool {
        self.dialogs > 0
    }

    /// Applies what the dialog threads sent (called every frame).
    pub fn poll(&mut self) {
        while let Ok(event) = self.rx.try_recv() {
            self.dialogs = self.dialogs.saturating_sub(1);
            match event {
                Event::Opened { name, bytes } => self.load_bytes(name, &bytes),
                Event::Status(status) => self.status = Some(status),
                Event::Done => {}
            }
        }
    }

    fn set_status(&mut self, text: String, error: bool) {
        self.status = Some(Status { text, error });
    }

    /// The text box changed: decode it (empty text keeps a loaded file).
    fn decode_text(&mut self) {
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
        if self.text.len() > LARGE_TEXT {
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
    fn decode_source(&mut self) {
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
            Ok(input) => {
                let decoded = Decoded::new(source.name.clone(), input, self.kind);
                self.remember(source, &decoded.dissection.summary);
                self.current = Some(decoded);
            }
            Err(e) => {
                self.current = None;
                self.input_error = Some(e);
            }
        }
        self.set_nodes_changed();
    }

    /// New nodes (or none): reset the selection and the tree's rows.
    fn set_nodes_changed(&mut self) {
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
    fn remember(&mut self, source: Source, summary: &str) {
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
            },
        );
        self.recent.truncate(MAX_RECENT);
    }

    /// Selects node `index`, opens its ancestors and scrolls the other view.
    fn select(&mut self, index: usize, origin: Origin) {
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

    fn toggle(&mut self, index: usize) {
        if let Some(open) = self.expanded.get_mut(index) {
            *open = !*open;
            self.rows_dirty = true;
        }
    }

    fn refresh_rows(&mut self) {
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

/// Top-level fields and their children are open, and every field on the
/// way to an error.
fn default_expansion(nodes: &[Node], dissection: &Dissection) -> Vec<bool> {
    let mut open: Vec<bool> = nodes.iter().map(|n| n.depth < 2).collect();
    for (index, field) in dissection.all_fields().iter().enumerate() {
        if field.error.is_some()
            && let Some(state) = open.get_mut(index)
        {
            *state = true;
        }
    }
    open
}

/// The rows the tree shows: without a filter, every field whose ancestors
/// are open; with one, the matching fields and their ancestors.
fn visible_rows(decoded: &Decoded, expanded: &[bool], filter: &str) -> Vec<usize> {
    let nodes = &decoded.nodes;
    let query = filter.trim().to_lowercase();
    let mut rows = Vec::new();
    if query.is_empty() {
        let mut i = 0;
        while let Some(node) = nodes.get(i) {
            rows.push(i);
            i = if expanded.get(i).copied().unwrap_or(false) {
                i + 1
            } else {
                node.subtree_end
            };
        }
        return rows;
    }
    let mut keep = vec![false; nodes.len()];
    for (i, field) in decoded.dissection.all_fields().iter().enumerate() {
        if !matches(field, &query) {
            continue;
        }
        let mut at = Some(i);
        while let Some(j) = at {
            match keep.get_mut(j) {
                // Its ancestors are kept already.
                Some(true) | None => break,
                Some(k) => *k = true,
            }
            at = nodes.get(j).and_then(|n| n.parent);
        }
    }
    rows.extend(keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i));
    rows
}

/// Whether a field's label, path, value or text contains `query` (lowercase).
fn matches(field: &Field, query: &str) -> bool {
    let has = |s: &str| s.to_lowercase().contains(query);
    has(&field.label)
        || has(&field.path)
        || field.value.as_deref().is_some_and(has)
        || field.text.as_deref().is_some_and(has)
}

fn send(tx: &Sender<Event>, ctx: Option<&egui::Context>, event: Event) {
    // The panel may be gone (window closed): then nobody is listening.
    let _ = tx.send(event);
    if let Some(ctx) = ctx {
        ctx.request_repaint();
    }
}

fn write_bytes(path: &Path, bytes: &[u8]) -> Result<usize, String> {
    std::fs::write(path, bytes)
        .map(|()| bytes.len())
        .map_err(|e| format!("Cannot write {}: {e}", path.display()))
}

/// A file name for a field's bytes: its path with dots and brackets as `_`.
fn file_stem_for(field: &Field) -> String {
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
fn list_examples(dir: &Path) -> Vec<PathBuf> {
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

fn file_name(path: &Path) -> String {
    match path.file_name() {
        Some(name) => name.to_string_lossy().into_owned(),
        None if path.as_os_str().is_empty() => "dropped file".to_owned(),
        None => path.display().to_string(),
    }
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// At most `max` characters of `s`, with `…` when shortened.
fn short(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}…", s.get(..cut).unwrap_or(s))),
    }
}

// ---------------------------------------------------------------------------
// Drawing.

fn ok_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(0x6c, 0xcf, 0x7f)
    } else {
        Color32::from_rgb(0x1a, 0x7f, 0x37)
    }
}

fn error_color(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}

const FORMATS: [Option<InputFormat>; 4] = [
    None,
    Some(InputFormat::Hex),
    Some(InputFormat::Base64),
    Some(InputFormat::Binary),
];

fn format_title(format: Option<InputFormat>) -> &'static str {
    match format {
        None => "Auto",
        Some(InputFormat::Hex) => "Hex",
        Some(InputFormat::Base64) => "Base64",
        Some(InputFormat::Binary) => "Binary",
    }
}

fn kind_title(kind: Option<MessageKind>) -> &'static str {
    kind.map_or("Auto", MessageKind::name)
}

/// What happened in the tree or hex dump this frame, applied after drawing.
#[derive(Default)]
struct Actions {
    select: Option<(usize, Origin)>,
    toggle: Option<usize>,
    hovered_byte: Option<usize>,
}

/// Column positions of the hex dump, in points from the row's left edge.
struct HexLayout {
    font: FontId,
    char_width: f32,
    row_height: f32,
    /// Hex digits of the offset column: enough for the input's last byte.
    offset_digits: usize,
}

impl HexLayout {
    fn new(ui: &Ui, len: usize) -> Self {
        let font = TextStyle::Monospace.resolve(ui.style());
        let (char_width, line_height) = ui
            .ctx()
            .fonts_mut(|f| (f.glyph_width(&font, '0'), f.row_height(&font)));
        let needed = format!("{:x}", len.saturating_sub(1)).len();
        HexLayout {
            font,
            char_width,
            row_height: (line_height + 2.0).round(),
            offset_digits: (needed + needed % 2).max(MIN_OFFSET_DIGITS),
        }
    }

    /// Left edge of byte `i`'s two hex digits.
    fn hex_x(&self, i: usize) -> f32 {
        let chars = self.offset_digits + 2 + i * 3 + usize::from(i >= BYTES_PER_ROW / 2);
        chars as f32 * self.char_width
    }

    /// The cell of byte `i` in the hex columns: the digits with half a space
    /// either side, so neighbouring highlighted cells form one band.
    fn hex_cell(&self, i: usize) -> Range<f32> {
        let half = self.char_width / 2.0;
        let mut left = self.hex_x(i) - half;
        let mut right = self.hex_x(i) + 2.0 * self.char_width + half;
        if i == BYTES_PER_ROW / 2 {
            left -= half;
        }
        if i + 1 == BYTES_PER_ROW / 2 {
            right += half;
        }
        left..right
    }

    fn ascii_x(&self, i: usize) -> f32 {
        let chars = self.offset_digits + 2 + BYTES_PER_ROW * 3 + 2 + i;
        chars as f32 * self.char_width
    }

    fn width(&self) -> f32 {
        self.ascii_x(BYTES_PER_ROW) + self.char_width
    }
}

/// Colours of the hex dump's cells.
struct HexColors {
    text: Color32,
    weak: Color32,
    selected_bg: Color32,
    selected_text: Color32,
    hover_bg: Color32,
    error_bg: Color32,
}

impl HexColors {
    fn new(ui: &Ui) -> Self {
        let v = ui.visuals();
        HexColors {
            text: v.text_color(),
            weak: v.weak_text_color(),
            selected_bg: v.selection.bg_fill,
            selected_text: v.selection.stroke.color,
            hover_bg: v.widgets.hovered.weak_bg_fill,
            error_bg: v.error_fg_color.gamma_multiply(0.3),
        }
    }
}

/// Byte ranges painted in the hex dump.
struct Highlights {
    selected: Option<Range<usize>>,
    hovered: Option<Range<usize>>,
    error: Option<Range<usize>>,
}

impl DecoderPanel {
    /// Draws the panel into `ui` (its whole available area).
    pub fn ui(&mut self, ui: &mut Ui) {
        if self.ctx.is_none() {
            self.ctx = Some(ui.ctx().clone());
        }
        self.poll();
        self.take_dropped(ui);
        let panel_rect = ui.max_rect();

        egui::Panel::top("decoder_input")
            .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                bottom: 6,
                ..Default::default()
            }))
            .show(ui, |ui| self.input_area(ui));

        if let Some(decoded) = &self.current {
            let width = ui.available_width();
            // The hex dump gets what it needs (with its scroll bar and margin)
            // when there is room; the tree gets the rest.
            let hex = HexLayout::new(ui, decoded.input.bytes.len()).width() + 40.0;
            let tree = (width - hex).clamp((width * 0.35).min(320.0), width * 0.65);
            egui::Panel::left("decoder_tree")
                .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                    right: 8,
                    top: 4,
                    ..Default::default()
                }))
                .resizable(true)
                .default_size(tree)
                .size_range(240.0..=(width - 200.0).max(240.0))
                .show(ui, |ui| self.tree(ui));
            egui::CentralPanel::default()
                .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                    left: 8,
                    top: 4,
                    ..Default::default()
                }))
                .show(ui, |ui| self.hex_view(ui));
        } else if self.input_error.is_none() {
            empty_state(ui);
        }

        drop_overlay(ui, panel_rect);
    }

    fn take_dropped(&mut self, ui: &Ui) {
        let dropped = ui.ctx().input(|i| i.raw.dropped_files.clone());
        for file in dropped {
            let name = file_name(file.path());
            match file.bytes() {
                Ok(bytes) => self.load_bytes(name, &bytes),
                Err(e) => {
                    self.set_status(format!("{name}: cannot read the dropped file: {e}"), true)
                }
            }
        }
    }

    fn input_area(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            if ui
                .button("Open file…")
                .on_hover_text("Open a message file: binary, or text holding hex or base64")
                .clicked()
            {
                self.open_dialog();
            }
            self.examples_menu(ui);
            self.recent_menu(ui);
            ui.separator();
            self.choices(ui);
            ui.separator();
            if ui
                .add_enabled(
                    self.source.is_some() || !self.text.trim().is_empty(),
                    egui::Button::new("Decode"),
                )
                .on_hover_text("Decode the text box (or the loaded file) again")
                .clicked()
            {
                if self.text.trim().is_empty() {
                    self.decode_source();
                } else {
                    self.decode_text();
                }
            }
            if ui
                .add_enabled(
                    self.source.is_some() || !self.text.is_empty(),
                    egui::Button::new("Clear"),
                )
                .clicked()
            {
                self.clear();
            }
            if self.is_busy() {
                ui.spinner();
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                ui.weak("Paste hex or base64 below, or drop any file here");
            });
        });
        ui.add_space(2.0);

        let hint = match &self.source {
            Some(source) if !source.from_text => format!(
                "{} loaded ({}). Paste hex or base64 here to decode something else.",
                source.name,
                plural(source.raw.len(), "byte")
            ),
            _ => "Paste an MLS message as hex or base64 (spaces, 0x and line breaks are fine)"
                .to_owned(),
        };
        let edit = egui::ScrollArea::vertical()
            .id_salt("decoder_text_scroll")
            .max_height(72.0)
            .show(ui, |ui| {
                ui.add(
                    egui::TextEdit::multiline(&mut self.text)
                        .id_salt("decoder_text")
                        .hint_text(hint)
                        .font(TextStyle::Monospace)
                        .desired_rows(3)
                        .desired_width(f32::INFINITY),
                )
            })
            .inner;
        if edit.changed() {
            self.status = None;
            self.decode_text();
        }

        if let Some(error) = &self.input_error {
            ui.add(egui::Label::new(RichText::new(error).color(error_color(ui))).wrap());
        }
        if let Some(decoded) = &self.current {
            ui.add_space(4.0);
            info_grid(ui, decoded);
        }
        if let Some(status) = &self.status {
            let text = RichText::new(&status.text);
            ui.label(if status.error {
                text.color(error_color(ui))
            } else {
                text.weak()
            });
        }
    }

    fn examples_menu(&mut self, ui: &mut Ui) {
        ui.menu_button("Load example", |ui| {
            let examples = Self::examples();
            if examples.is_empty() {
                ui.weak("no examples");
                return;
            }
            for path in examples {
                if ui.button(file_name(&path)).clicked() {
                    self.load_path(&path);
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text(format!("Message files in {EXAMPLES_DIR}"));
    }

    fn recent_menu(&mut self, ui: &mut Ui) {
        let mut open = None;
        ui.add_enabled_ui(!self.recent.is_empty(), |ui| {
            ui.menu_button("Recent", |ui| {
                for (i, entry) in self.recent.iter().enumerate() {
                    let text = format!("{} — {}", entry.name, short(&entry.summary, 80));
                    if ui.button(text).clicked() {
                        open = Some(i);
                        ui.close();
                    }
                }
            })
            .response
            .on_hover_text("Messages decoded in this session")
            .on_disabled_hover_text("Nothing decoded yet");
        });
        if let Some(i) = open {
            self.open_recent(i);
        }
    }

    fn choices(&mut self, ui: &mut Ui) {
        let mut format = self.format;
        ui.label("Format");
        egui::ComboBox::from_id_salt("decoder_format")
            .selected_text(format_title(format))
            .show_ui(ui, |ui| {
                for f in FORMATS {
                    ui.selectable_value(&mut format, f, format_title(f));
                }
            })
            .response
            .on_hover_text("How the input is read: Auto detects hex, then base64, else binary");
        self.set_format(format);

        let mut kind = self.kind;
        ui.label("As");
        egui::ComboBox::from_id_salt("decoder_kind")
            .selected_text(kind_title(kind))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut kind, None, kind_title(None));
                for k in MessageKind::ALL {
                    ui.selectable_value(&mut kind, Some(k), k.name());
                }
            })
            .response
            .on_hover_text("What the bytes are: Auto tries an MLSMessage, then each structure");
        self.set_kind(kind);
    }

    fn tree(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            ui.label("Filter");
            let edit = ui.add(
                egui::TextEdit::singleline(&mut self.filter)
                    .id_salt("decoder_filter")
                    .hint_text("label, path or value")
                    .desired_width(f32::INFINITY),
            );
            if edit.changed() {
                self.rows_dirty = true;
            }
        });
        self.refresh_rows();
        let Some(decoded) = &self.current else {
            return;
        };
        if self.rows.is_empty() {
            ui.weak("No field matches the filter.");
            return;
        }

        let scroll_to = if std::mem::take(&mut self.scroll_tree) {
            self.selected
                .and_then(|s| self.rows.iter().position(|r| *r == s))
        } else {
            None
        };
        let row_height = ui.spacing().interact_size.y;
        let (bad, weak) = (error_color(ui), ui.visuals().weak_text_color());
        let mut actions = Actions::default();
        let mut table = TableBuilder::new(ui)
            .id_salt("decoder_tree_table")
            .striped(true)
            .resizable(true)
            .sense(Sense::click())
            .cell_layout(Layout::left_to_right(Align::Center))
            .column(Column::initial(220.0).at_least(100.0).clip(true))
            .column(Column::initial(100.0).at_least(50.0).clip(true))
            .column(Column::initial(80.0).at_least(50.0).clip(true))
            .column(Column::remainder().at_least(60.0).clip(true))
            .auto_shrink([false, false]);
        if let Some(row) = scroll_to {
            table = table.scroll_to_row(row, Some(Align::Center));
        }
        table
            .header(row_height, |mut header| {
                for title in ["Field", "Type", "Bytes", "Value"] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, self.rows.len(), |mut row| {
                    let Some(&index) = self.rows.get(row.index()) else {
                        return;
                    };
                    let (Some(node), Some(field)) =
                        (decoded.nodes.get(index), decoded.field(index))
                    else {
                        return;
                    };
                    let selected = self.selected == Some(index);
                    row.set_selected(selected);
                    let open = self.expanded.get(index).copied().unwrap_or(false);
                    let color = (field.error.is_some() && !selected).then_some(bad);
                    let paint = |text: RichText| match color {
                        Some(c) => text.color(c),
                        None => text,
                    };
                    row.col(|ui| {
                        ui.add_space(node.depth as f32 * INDENT);
                        let size = egui::vec2(INDENT, INDENT);
                        if node.has_children(index) {
                            let (_, toggle) = ui.allocate_exact_size(size, Sense::click());
                            egui::collapsing_header::paint_default_icon(
                                ui,
                                if open { 1.0 } else { 0.0 },
                                &toggle,
                            );
                            toggle.widget_info(|| {
                                egui::WidgetInfo::labeled(
                                    egui::Role::Button,
                                    true,
                                    format!(
                                        "{} {}",
                                        if open { "Collapse" } else { "Expand" },
                                        field.path
                                    ),
                                )
                            });
                            if toggle.clicked() {
                                actions.toggle = Some(index);
                            }
                        } else {
                            ui.allocate_exact_size(size, Sense::hover());
                        }
                        let label = if field.error.is_some() && field.type_name == "error" {
                            format!("✖ {}", field.label)
                        } else {
                            field.label.clone()
                        };
                        ui.add(
                            egui::Label::new(paint(RichText::new(label)))
                                .selectable(false)
                                .truncate(),
                        )
                        .on_hover_text(&field.path);
                    });
                    row.col(|ui| {
                        ui.add(
                            egui::Label::new(paint(RichText::new(&field.type_name).weak()))
                                .selectable(false)
                                .truncate(),
                        );
                    });
                    row.col(|ui| {
                        ui.add(
                            egui::Label::new(
                                RichText::new(format!("{}..{}", node.start, node.end))
                                    .monospace()
                                    .color(weak),
                            )
                            .selectable(false),
                        )
                        .on_hover_text(plural(node.end.saturating_sub(node.start), "byte"));
                    });
                    row.col(|ui| value_cell(ui, field, color));
                    let response = row.response();
                    if response.double_clicked() && node.has_children(index) {
                        actions.toggle = Some(index);
                    } else if response.clicked() {
                        actions.select = Some((index, Origin::Tree));
                    }
                });
            });
        self.apply(actions);
    }

    fn apply(&mut self, actions: Actions) {
        if let Some(index) = actions.toggle {
            self.toggle(index);
        }
        if let Some((index, origin)) = actions.select {
            self.select(index, origin);
        }
    }

    /// The selected field's line and buttons, then the hex dump.
    fn hex_view(&mut self, ui: &mut Ui) {
        self.selection_bar(ui);
        ui.separator();
        let Some(decoded) = &self.current else {
            return;
        };
        let bytes = &decoded.input.bytes;
        let layout = HexLayout::new(ui, bytes.len());
        let colors = HexColors::new(ui);
        let highlights = Highlights {
            selected: self.highlighted(),
            hovered: self
                .hovered_byte
                .and_then(|b| node_at(&decoded.nodes, b))
                .filter(|i| Some(*i) != self.selected)
                .and_then(|i| decoded.nodes.get(i))
                .map(|n| n.start..n.end),
            error: decoded
                .dissection
                .error
                .as_ref()
                .map(|e| e.offset..decoded.dissection.len.max(e.offset)),
        };

        hex_header(ui, &layout, &colors);
        let rows = bytes.len().div_ceil(BYTES_PER_ROW);
        let pitch = layout.row_height + ui.spacing().item_spacing.y;
        let mut area = egui::ScrollArea::both()
            .id_salt("decoder_hex")
            .auto_shrink([false, false]);
        // Scroll once the dump's size has settled: the first frames of a
        // window are laid out at another size than the one it opens with.
        let height = ui.available_height();
        let settled = !self.hex_rows.is_empty() && (height - self.hex_height).abs() < 0.5;
        self.hex_height = height;
        if self.scroll_hex.is_some() && !settled && rows > 0 {
            ui.ctx().request_repaint();
        } else if let Some(offset) = self.scroll_hex.take() {
            let row = offset / BYTES_PER_ROW;
            let visible = &self.hex_rows;
            let fully_visible = visible.start < row && row + 1 < visible.end;
            if !fully_visible || offset == 0 {
                // From the top when the row is in the first screenful, else
                // with two rows of context above; never past the end (the
                // scroll area would spring back, animating for frames).
                let screenful = (height / pitch) as usize;
                let first = if row + 3 < screenful {
                    0
                } else {
                    row.saturating_sub(2)
                };
                let max = (rows as f32 * pitch - height).max(0.0);
                area = area.vertical_scroll_offset((first as f32 * pitch).min(max));
            }
        }
        let mut actions = Actions::default();
        let output = area.show_rows(ui, layout.row_height, rows, |ui, range| {
            for row in range.clone() {
                hex_row(
                    ui,
                    row,
                    bytes,
                    &layout,
                    &colors,
                    &highlights,
                    decoded,
                    &mut actions,
                );
            }
            range
        });
        self.hex_rows = output.inner;
        self.hovered_byte = actions.hovered_byte;
        if let Some((index, origin)) = actions.select.take() {
            self.select(index, origin);
        }
    }

    fn selection_bar(&mut self, ui: &mut Ui) {
        let mut copy = None;
        let mut export = false;
        ui.horizontal(|ui| match (self.selected(), self.highlighted()) {
            (Some(field), Some(range)) => {
                ui.label(RichText::new(&field.path).strong().monospace());
                ui.weak(&field.type_name);
                ui.label(format!(
                    "{}..{} · {}",
                    range.start,
                    range.end,
                    plural(range.len(), "byte")
                ));
            }
            _ => {
                ui.weak("Select a field in the tree, or click a byte");
            }
        });
        ui.horizontal(|ui| {
            let has = self.selected().is_some();
            if ui
                .add_enabled(has, egui::Button::new("Copy value"))
                .on_hover_text("Copy the field's value (its text when it is printable)")
                .clicked()
            {
                copy = self.value_to_copy().map(|v| ("value", v));
            }
            if ui
                .add_enabled(has, egui::Button::new("Copy hex"))
                .on_hover_text("Copy the field's bytes as hex")
                .clicked()
            {
                copy = self.hex_to_copy().map(|v| ("hex", v));
            }
            if ui
                .add_enabled(has, egui::Button::new("Export bytes…"))
                .on_hover_text("Save the field's bytes to a file")
                .clicked()
            {
                export = true;
            }
        });
        if let Some((what, text)) = copy {
            let chars = text.chars().count();
            ui.ctx().copy_text(text);
            self.set_status(
                format!("Copied the {what} ({})", plural(chars, "character")),
                false,
            );
        }
        if export {
            self.export_dialog();
        }
    }
}

/// Input format, detection, summary, signatures and the decoding error.
fn info_grid(ui: &mut Ui, decoded: &Decoded) {
    let d = &decoded.dissection;
    let (ok, bad) = (ok_color(ui), error_color(ui));
    egui::Grid::new("decoder_info")
        .num_columns(2)
        .spacing([12.0, 3.0])
        .show(ui, |ui| {
            ui.weak("Input");
            ui.add(
                egui::Label::new(format!(
                    "{} · {} · {} — {}",
                    decoded.name,
                    decoded.input.format.name(),
                    plural(decoded.input.bytes.len(), "byte"),
                    decoded.input.reason
                ))
                .truncate(),
            );
            ui.end_row();

            ui.weak("Detected");
            ui.add(egui::Label::new(format!("{} — {}", d.kind.name(), d.detection)).truncate())
                .on_hover_text(&d.detection);
            ui.end_row();

            ui.weak("Summary");
            let summary = RichText::new(&d.summary).strong();
            ui.add(egui::Label::new(if d.ok() { summary } else { summary.color(bad) }).wrap());
            ui.end_row();

            ui.weak("Signatures");
            ui.horizontal_wrapped(|ui| {
                if d.signatures.is_empty() {
                    ui.weak("none checkable from the message alone");
                }
                for check in &d.signatures {
                    match &check.result {
                        Ok(()) => {
                            ui.label(RichText::new(format!("✔ {}", check.what)).color(ok))
                                .on_hover_text("verifies");
                        }
                        Err(reason) => {
                            ui.label(RichText::new(format!("✖ {}", check.what)).color(bad))
                                .on_hover_text(reason);
                        }
                    }
                }
            });
            ui.end_row();

            if let Some(e) = &d.error {
                ui.label(RichText::new("Error").color(bad));
                let path = if e.path.is_empty() {
                    "top level"
                } else {
                    e.path.as_str()
                };
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("{path} at byte {}: {}", e.offset, e.message))
                            .color(bad),
                    )
                    .wrap(),
                );
                ui.end_row();
            }
        });
}

/// A tree row's value: the error, or the value and its text, shortened;
/// the tooltip shows more.
fn value_cell(ui: &mut Ui, field: &Field, color: Option<Color32>) {
    let paint = |text: RichText| match color {
        Some(c) => text.color(c),
        None => text,
    };
    if let Some(error) = &field.error {
        ui.add(
            egui::Label::new(paint(RichText::new(error.as_str())))
                .selectable(false)
                .truncate(),
        )
        .on_hover_text(error.as_str());
        return;
    }
    let Some(value) = &field.value else {
        return;
    };
    // Printable text first (it says more than its hex), then the value.
    let mut job = LayoutJob::default();
    let mono = TextStyle::Monospace.resolve(ui.style());
    let text_color = color.unwrap_or_else(|| ui.visuals().text_color());
    let mut value_color = text_color;
    if let Some(text) = &field.text {
        let body = TextStyle::Body.resolve(ui.style());
        job.append(
            &format!("\"{}\"", short(text, 60).escape_debug()),
            0.0,
            TextFormat::simple(body, text_color),
        );
        value_color = color.unwrap_or_else(|| ui.visuals().weak_text_color());
    }
    job.append(
        &short(value, ROW_VALUE_CHARS),
        if field.text.is_some() { 8.0 } else { 0.0 },
        TextFormat::simple(mono, value_color),
    );
    let response = ui.add(egui::Label::new(job).selectable(false).truncate());
    if value.len() > 16 || field.text.is_some() {
        response.on_hover_ui(|ui| {
            ui.set_max_width(480.0);
            if let Some(text) = &field.text {
                ui.label(short(text, HOVER_VALUE_CHARS));
                ui.separator();
            }
            ui.add(
                egui::Label::new(RichText::new(short(value, HOVER_VALUE_CHARS)).monospace()).wrap(),
            );
        });
    }
}

fn hex_header(ui: &mut Ui, layout: &HexLayout, colors: &HexColors) {
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(layout.width(), layout.row_height),
        Sense::hover(),
    );
    let painter = ui.painter();
    let at = |x: f32| egui::pos2(rect.left() + x, rect.top() + 1.0);
    painter.text(
        at(0.0),
        egui::Align2::LEFT_TOP,
        "Offset",
        layout.font.clone(),
        colors.weak,
    );
    for i in 0..BYTES_PER_ROW {
        painter.text(
            at(layout.hex_x(i)),
            egui::Align2::LEFT_TOP,
            format!("{i:02x}"),
            layout.font.clone(),
            colors.weak,
        );
    }
    painter.text(
        at(layout.ascii_x(0)),
        egui::Align2::LEFT_TOP,
        "ASCII",
        layout.font.clone(),
        colors.weak,
    );
}

/// One row of the hex dump: offset, 16 bytes in hex, the same as ASCII.
/// Every byte (hex and ASCII cell) is clickable.
#[expect(clippy::too_many_arguments)]
fn hex_row(
    ui: &mut Ui,
    row: usize,
    bytes: &[u8],
    layout: &HexLayout,
    colors: &HexColors,
    highlights: &Highlights,
    decoded: &Decoded,
    actions: &mut Actions,
) {
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(layout.width(), layout.row_height),
        Sense::hover(),
    );
    if !ui.is_rect_visible(rect) {
        return;
    }
    let first = row * BYTES_PER_ROW;
    let row_bytes = bytes
        .get(first..bytes.len().min(first + BYTES_PER_ROW))
        .unwrap_or(&[]);
    let contains =
        |r: &Option<Range<usize>>, offset: usize| r.as_ref().is_some_and(|r| r.contains(&offset));

    let mut hex_job = LayoutJob::default();
    let mut ascii_job = LayoutJob::default();
    let format = |color| TextFormat::simple(layout.font.clone(), color);
    for (i, byte) in row_bytes.iter().enumerate() {
        let offset = first + i;
        let selected = contains(&highlights.selected, offset);
        let background = if selected {
            Some(colors.selected_bg)
        } else if contains(&highlights.hovered, offset) {
            Some(colors.hover_bg)
        } else if contains(&highlights.error, offset) {
            Some(colors.error_bg)
        } else {
            None
        };
        let cell = layout.hex_cell(i);
        let hex_rect = egui::Rect::from_x_y_ranges(
            (rect.left() + cell.start)..=(rect.left() + cell.end),
            rect.y_range(),
        );
        let ascii_rect = egui::Rect::from_min_size(
            egui::pos2(rect.left() + layout.ascii_x(i), rect.top()),
            egui::vec2(layout.char_width, layout.row_height),
        );
        if let Some(bg) = background {
            ui.painter().rect_filled(hex_rect, 0.0, bg);
            ui.painter().rect_filled(ascii_rect, 0.0, bg);
        }
        let color = if selected {
            colors.selected_text
        } else if *byte == 0 {
            colors.weak
        } else {
            colors.text
        };
        let gap = match i {
            0 => "",
            i if i == BYTES_PER_ROW / 2 => "  ",
            _ => " ",
        };
        hex_job.append(gap, 0.0, format(color));
        hex_job.append(&format!("{byte:02x}"), 0.0, format(color));
        let printable = if byte.is_ascii_graphic() || *byte == b' ' {
            char::from(*byte)
        } else {
            '.'
        };
        ascii_job.append(
            &printable.to_string(),
            0.0,
            format(if selected || printable != '.' {
                color
            } else {
                colors.weak
            }),
        );

        for (cell_rect, labelled) in [(hex_rect, true), (ascii_rect, false)] {
            let id = ui.scope_id().with(("byte", offset, labelled));
            let response = ui.interact(cell_rect, id, Sense::click());
            if labelled {
                response.widget_info(|| {
                    egui::WidgetInfo::selected(
                        egui::Role::Button,
                        true,
                        selected,
                        format!("byte {offset}"),
                    )
                });
            }
            if response.hovered() {
                actions.hovered_byte = Some(offset);
            }
            if response.clicked()
                && let Some(index) = node_at(&decoded.nodes, offset)
            {
                actions.select = Some((index, Origin::Hex));
            }
            response.on_hover_ui(|ui| byte_tooltip(ui, decoded, offset, *byte));
        }
    }

    let text_top = rect.top() + 1.0;
    let painter = ui.painter();
    painter.text(
        egui::pos2(rect.left(), text_top),
        egui::Align2::LEFT_TOP,
        format!("{first:0width$x}", width = layout.offset_digits),
        layout.font.clone(),
        colors.weak,
    );
    let hex = ui.ctx().fonts_mut(|f| f.layout_job(hex_job));
    painter.galley(
        egui::pos2(rect.left() + layout.hex_x(0), text_top),
        hex,
        colors.text,
    );
    let ascii = ui.ctx().fonts_mut(|f| f.layout_job(ascii_job));
    painter.galley(
        egui::pos2(rect.left() + layout.ascii_x(0), text_top),
        ascii,
        colors.text,
    );
}

fn byte_tooltip(ui: &mut Ui, decoded: &Decoded, offset: usize, byte: u8) {
    ui.label(RichText::new(format!("byte {offset} (0x{offset:x}) = 0x{byte:02x}")).monospace());
    if let Some(field) = node_at(&decoded.nodes, offset).and_then(|i| decoded.field(i)) {
        ui.label(format!(
            "{} · {} · {}..{}",
            field.path, field.type_name, field.start, field.end
        ));
    }
    ui.weak("Click to select the field");
}

fn empty_state(ui: &mut Ui) {
    ui.add_space(ui.available_height() * 0.25);
    ui.vertical_centered(|ui| {
        ui.heading("Nothing decoded yet");
        ui.add_space(6.0);
        ui.label("Paste an MLS message above as hex or base64, drop any file on this window,");
        ui.label("or use “Open file…” or “Load example”.");
        ui.add_space(4.0);
        ui.weak(
            "MLSMessages of every wire format are detected, and bare KeyPackages, Welcomes, \
             GroupInfos, ratchet trees, PublicMessages, PrivateMessages and LeafNodes.",
        );
    });
}

/// Dims the panel while files are dragged over the window.
fn drop_overlay(ui: &Ui, rect: egui::Rect) {
    let hovering = ui.ctx().input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let painter = ui.ctx().layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique("decoder_drop_overlay"),
    ));
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(160));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        "Drop to decode",
        egui::FontId::proportional(28.0),
        Color32::WHITE,
    );
}
