//! The Decoder panel's state: the decoded input, what was read before,
//! and the selection.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::Arc;

use super::rows::Decoded;
pub use crate::ui::common::Status;
use crate::ui::jobs::{Jobs, Outcome as JobOutcome};
use crate::workspace::{GroupKey, GroupReading};
use mls_core::inspect::{DissectLimits, InputFormat, MessageKind};

/// Where "Load example" looks for message files (fixed at build time: the
/// repository's `assets/examples`; nothing is embedded in the binary).
pub const EXAMPLES_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/examples");

/// Pasted text longer than this is decoded but not kept in the text box
/// (laying out megabytes of text every frame would freeze the window).
pub const LARGE_TEXT: usize = 256 * 1024;

/// The environment variable that sets the largest input the Decoder
/// decodes (`BYTES`, or with a `KiB`, `MiB` or `GiB` suffix; default
/// [`DissectLimits::DEFAULT_MAX_INPUT`], 64 MiB).
pub const DECODE_LIMIT_ENV: &str = "MLS_INSPECTOR_DECODE_LIMIT";

/// The Decoder's limits: the default, with the largest input from
/// [`DECODE_LIMIT_ENV`] when it is set to a size.
pub fn limits_from_env() -> DissectLimits {
    let mut limits = DissectLimits::default();
    if let Some(max) = std::env::var(DECODE_LIMIT_ENV)
        .ok()
        .and_then(|v| mls_core::inspect::parse_size(&v).ok())
    {
        limits.max_input = max;
    }
    limits
}

/// How many inputs the Recent menu remembers.
pub const MAX_RECENT: usize = 20;

/// Bytes per hex-dump row.
pub const BYTES_PER_ROW: usize = 16;

/// Name of input typed or pasted into the text box.
pub(super) const PASTED: &str = "pasted text";

/// Characters of a value shown in a tree row (the cell clips further).
pub(super) const ROW_VALUE_CHARS: usize = 120;

/// Characters of a value shown in a tooltip.
pub(super) const HOVER_VALUE_CHARS: usize = 1024;

/// Least width of the offset column, in hex digits.
pub(super) const MIN_OFFSET_DIGITS: usize = 6;

/// Indentation per tree level, in points.
pub(super) const INDENT: f32 = 14.0;

/// What an input was, to decode it again (other format or kind, Recent).
#[derive(Debug, Clone)]
pub(super) struct Source {
    pub(super) name: String,
    pub(super) raw: Arc<[u8]>,
    /// Typed or pasted into the text box (else a file).
    pub(super) from_text: bool,
}

/// An input decoded in this session.
#[derive(Debug, Clone)]
pub struct RecentEntry {
    /// File name or "pasted text".
    pub name: String,
    /// The dissection's summary.
    pub summary: String,
    pub(super) source: Source,
    pub(super) format: Option<InputFormat>,
    pub(super) kind: Option<MessageKind>,
    /// The file it was read from (kept across restarts; see `recent.rs`).
    pub(super) path: Option<std::path::PathBuf>,
}

impl RecentEntry {
    /// The input as it was given (file bytes or text).
    pub fn raw(&self) -> &[u8] {
        &self.source.raw
    }

    /// The file it was read from, if known.
    pub fn path(&self) -> Option<&std::path::Path> {
        self.path.as_deref()
    }
}

/// What a file dialog of the panel came back with.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The file dialog's choice, to be read (on the UI thread, like a
    /// typed path).
    Picked(std::path::PathBuf),
    /// The workspace's groups, for the Group selector.
    Groups(Vec<super::group::GroupChoice>),
    /// What a group made of the input `input`.
    Read {
        key: GroupKey,
        input: Arc<[u8]>,
        result: Result<Box<GroupReading>, String>,
    },
    /// What the dialog did, or why it failed.
    Status(Status),
}

impl JobOutcome for Outcome {
    fn failed(text: String) -> Self {
        Outcome::Status(Status::error(text))
    }
}

/// Where a selection came from: the other view scrolls to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Origin {
    Tree,
    Hex,
    Program,
}

/// The Decoder panel's state.
pub struct DecoderPanel {
    /// The text box.
    pub(super) text: String,
    /// `None`: detect.
    pub(super) format: Option<InputFormat>,
    /// `None`: detect.
    pub(super) kind: Option<MessageKind>,
    pub(super) source: Option<Source>,
    pub(super) current: Option<Decoded>,
    /// Why the input could not be read in the chosen format.
    pub(super) input_error: Option<String>,
    /// Index into the current nodes.
    pub(super) selected: Option<usize>,
    /// Per node: children shown.
    pub(super) expanded: Vec<bool>,
    pub(super) filter: String,
    /// Visible nodes, in order; recomputed when `rows_dirty`.
    pub(super) rows: Vec<usize>,
    pub(super) rows_dirty: bool,
    pub(super) recent: Vec<RecentEntry>,
    pub(super) status: Option<Status>,
    /// Bring the selected row into view in the tree.
    pub(super) scroll_tree: bool,
    /// Bring this byte into view in the hex dump.
    pub(super) scroll_hex: Option<usize>,
    /// Hex rows visible in the last frame.
    pub(super) hex_rows: Range<usize>,
    /// Height of the hex dump's scroll area in the last frame.
    pub(super) hex_height: f32,
    /// The byte under the pointer in the last frame.
    pub(super) hovered_byte: Option<usize>,
    /// The file dialogs.
    pub(super) jobs: Jobs<Outcome>,
    /// The largest input decoded, and the most fields shown.
    pub(super) limits: DissectLimits,
    /// Reading with a group of the workspace (see `group.rs`).
    pub(super) with_group: super::group::WithGroup,
}

impl Default for DecoderPanel {
    fn default() -> Self {
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
            jobs: Jobs::default(),
            limits: limits_from_env(),
            with_group: super::group::WithGroup::default(),
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

/// What happened in the tree or hex dump this frame, applied after drawing.
#[derive(Default)]
pub(super) struct Actions {
    pub(super) select: Option<(usize, Origin)>,
    pub(super) toggle: Option<usize>,
    pub(super) hovered_byte: Option<usize>,
}

/// At most `max` characters of `s`, with `…` when shortened.
pub(super) fn short(s: &str, max: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max) {
        None => Cow::Borrowed(s),
        Some((cut, _)) => Cow::Owned(format!("{}…", s.get(..cut).unwrap_or(s))),
    }
}
