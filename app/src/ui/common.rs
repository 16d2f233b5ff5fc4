//! What the workspace panels share: status lines, colours, short hex,
//! times, reading dropped files and typed input, and saving or copying
//! produced messages.

use std::path::Path;

use base64::Engine as _;
use egui::{Color32, RichText, Ui};
use egui_extras::{TableBody, TableBuilder, TableRow};

use crate::workspace::{IdentityInfo, IdentityKey};
use mls_core::inspect::{self, InputFormat};

pub use crate::text::{file_name, plural};

/// A line under a panel's header: what the last action did, or why it
/// failed (red).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    /// The text.
    pub text: String,
    /// A failure.
    pub error: bool,
}

impl Status {
    pub fn ok(text: impl Into<String>) -> Self {
        Status {
            text: text.into(),
            error: false,
        }
    }

    pub fn error(text: impl Into<String>) -> Self {
        Status {
            text: text.into(),
            error: true,
        }
    }
}

/// Draws a status line: errors in red, other news plainly.
pub fn status_line(ui: &mut Ui, status: Option<&Status>) {
    if let Some(status) = status {
        let text = RichText::new(&status.text);
        let text = if status.error {
            text.color(error_color(ui))
        } else {
            text.color(ok_color(ui))
        };
        ui.add(egui::Label::new(text).wrap());
    }
}

pub fn ok_color(ui: &Ui) -> Color32 {
    if ui.visuals().dark_mode {
        Color32::from_rgb(0x6c, 0xcf, 0x7f)
    } else {
        Color32::from_rgb(0x1a, 0x7f, 0x37)
    }
}

pub fn error_color(ui: &Ui) -> Color32 {
    ui.visuals().error_fg_color
}

pub fn warn_color(ui: &Ui) -> Color32 {
    ui.visuals().warn_fg_color
}

/// The first `digits` of a hex string, with `…` when cut.
pub fn short_hex(hex: &str, digits: usize) -> String {
    match hex.get(..digits) {
        Some(prefix) if hex.len() > digits => format!("{prefix}…"),
        _ if hex.is_empty() => String::from("—"),
        _ => hex.to_owned(),
    }
}

/// A unix time as `YYYY-MM-DD HH:MM` (UTC).
pub fn format_time(unix: i64) -> String {
    mls_core::time::format_utc_minutes(unix)
}

/// [`format_time`] of unsigned seconds.
pub fn format_time_u(unix: u64) -> String {
    format_time(i64::try_from(unix).unwrap_or(i64::MAX))
}

/// A cipher suite's algorithms in a few words.
pub fn suite_short(suite: u16) -> String {
    let text = match suite {
        1 => "X25519/AES-128/Ed25519",
        2 => "P-256/AES-128/P-256",
        3 => "X25519/ChaCha20/Ed25519",
        4 => "X448/AES-256/Ed448",
        5 => "P-521/AES-256/P-521",
        6 => "X448/ChaCha20/Ed448",
        7 => "P-384/AES-256/P-384",
        other => return format!("suite {other}"),
    };
    format!("{suite}: {text}")
}

/// The bytes a file holds: binary as is, text holding hex or base64
/// decoded (like the Decoder).
pub fn file_bytes(raw: &[u8]) -> Vec<u8> {
    inspect::parse_input(raw).bytes
}

/// Files that were opened or dropped: names and raw contents, and why
/// others could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Opened {
    pub files: Vec<(String, Vec<u8>)>,
    pub errors: Vec<String>,
}

impl Opened {
    /// The errors as one status line, if there were any.
    pub fn error_status(&self) -> Option<Status> {
        (!self.errors.is_empty()).then(|| Status::error(self.errors.join("; ")))
    }
}

/// Files dropped on the window this frame.
pub fn dropped_files(ui: &Ui) -> Opened {
    let mut opened = Opened::default();
    for file in ui.ctx().input(|i| i.raw.dropped_files.clone()) {
        let name = file_name(file.path());
        match file.bytes() {
            Ok(raw) => opened.files.push((name, raw)),
            Err(e) => opened.errors.push(format!("{name}: cannot read it: {e}")),
        }
    }
    opened
}

/// What an input box holds: the path of an existing file (read, and
/// decoded from hex or base64 if it is text), else hex or base64 text.
/// Returns a name for messages and the bytes.
pub fn read_input(text: &str) -> Result<(String, Vec<u8>), String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(String::from(
            "Nothing to read: give a file path, or paste hex or base64.",
        ));
    }
    let path = Path::new(trimmed);
    if !trimmed.contains('\n') && path.is_file() {
        let raw =
            std::fs::read(path).map_err(|e| format!("Cannot read {}: {e}", path.display()))?;
        return Ok((file_name(path), file_bytes(&raw)));
    }
    if !trimmed.contains('\n') && path.is_dir() {
        return Err(format!("{} is a directory, not a file.", path.display()));
    }
    let parsed = inspect::parse_input(trimmed.as_bytes());
    if parsed.format == InputFormat::Binary {
        // Neither hex nor base64: a path that names nothing, most likely.
        let looks_like_path = !trimmed.contains('\n')
            && (trimmed.contains(['/', '\\', '.', '~']) || path.extension().is_some());
        if looks_like_path {
            return Err(format!("No such file: {}", path.display()));
        }
        return Err(format!(
            "Not a file path, hex or base64 ({}).",
            parsed.reason
        ));
    }
    Ok((format!("pasted {}", parsed.format.name()), parsed.bytes))
}

/// Dims the panel and names what a drop does while files hover over it.
pub fn drop_overlay(ui: &Ui, rect: egui::Rect, text: &str) {
    drop_overlay_sized(ui, rect, text, 24.0);
}

/// [`drop_overlay`] with the text in `size` points.
pub fn drop_overlay_sized(ui: &Ui, rect: egui::Rect, text: &str, size: f32) {
    let hovering = ui.ctx().input(|i| !i.raw.hovered_files.is_empty());
    if !hovering {
        return;
    }
    let painter = ui.ctx().layer_painter(egui::LayerId::new(
        egui::Order::Foreground,
        egui::Id::unique(("drop_overlay", text)),
    ));
    painter.rect_filled(rect, 0.0, Color32::from_black_alpha(160));
    painter.text(
        rect.center(),
        egui::Align2::CENTER_CENTER,
        text,
        egui::FontId::proportional(size),
        Color32::WHITE,
    );
}

/// A message produced here (a commit, Welcome, GroupInfo, key package,
/// application message), to save or copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// What it is, e.g. "Commit (epoch 3 → 4)".
    pub label: String,
    /// A file name to offer when saving.
    pub file_name: String,
    /// The `MLSMessage` bytes.
    pub bytes: Vec<u8>,
}

impl Output {
    pub fn new(label: impl Into<String>, file_name: impl Into<String>, bytes: Vec<u8>) -> Self {
        Output {
            label: label.into(),
            file_name: file_name.into(),
            bytes,
        }
    }
}

/// What the buttons of an output row asked for (copying is done at once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OutputAction {
    /// Save it to a file (ask where).
    Save,
    /// Save it to this path (typed in the Save… menu).
    SaveTo(std::path::PathBuf),
    /// Show it in the Decoder.
    Decode,
}

/// Save…, Copy hex, Copy base64 and Decode buttons for `output`.
pub fn output_buttons(ui: &mut Ui, output: &Output) -> Option<OutputAction> {
    let mut action = None;
    match crate::ui::file_choice::file_menu(
        ui,
        "Save…",
        "Choose where with the file dialog…",
        "Save",
    ) {
        Some(crate::ui::file_choice::FileChoice::Dialog) => action = Some(OutputAction::Save),
        Some(crate::ui::file_choice::FileChoice::Path(path)) => {
            action = Some(OutputAction::SaveTo(path));
        }
        None => {}
    }
    if ui.small_button("Copy hex").clicked() {
        ui.ctx().copy_text(hex::encode(&output.bytes));
    }
    if ui.small_button("Copy base64").clicked() {
        ui.ctx()
            .copy_text(base64::engine::general_purpose::STANDARD.encode(&output.bytes));
    }
    if ui
        .small_button("Decode")
        .on_hover_text("Dissect it in the Decoder tab")
        .clicked()
    {
        action = Some(OutputAction::Decode);
    }
    action
}

/// [`labelled_edit`] whose box takes the rest of the row but `reserve`
/// points (for buttons after it).
pub fn labelled_edit_fill(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    reserve: f32,
) -> egui::Response {
    labelled(ui, label, text, hint, |ui| {
        (ui.available_width() - reserve).max(60.0)
    })
}

/// A label and a one-line text box it names (tests find the box by the
/// label's text).
pub fn labelled_edit(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    width: f32,
) -> egui::Response {
    labelled(ui, label, text, hint, |_| width)
}

/// A label, then a text box of the width `width` gives once the label
/// is placed.
fn labelled(
    ui: &mut Ui,
    label: &str,
    text: &mut String,
    hint: &str,
    width: impl FnOnce(&Ui) -> f32,
) -> egui::Response {
    let label = ui.label(label);
    let width = width(ui);
    ui.add(
        egui::TextEdit::singleline(text)
            .hint_text(hint)
            .desired_width(width),
    )
    .labelled_by(label.id)
}

/// A striped table with its cells' content centred vertically.
pub fn striped_table(ui: &mut Ui, id: impl std::hash::Hash + std::fmt::Debug) -> TableBuilder<'_> {
    TableBuilder::new(ui)
        .id_salt(id)
        .striped(true)
        .cell_layout(egui::Layout::left_to_right(egui::Align::Center))
}

/// A striped table whose rows are clicked anywhere (labels do not take
/// the click), scrolling beyond `max_height`.
pub fn clickable_table<'a>(ui: &'a mut Ui, id: &str, max_height: f32) -> TableBuilder<'a> {
    ui.style_mut().interaction.selectable_labels = false;
    striped_table(ui, id)
        .sense(egui::Sense::click())
        .min_scrolled_height(0.0)
        .max_scroll_height(max_height)
        .auto_shrink([false, true])
}

/// What an empty panel says: a heading and lines of text, centred from
/// `top` (a fraction of the height) down, then `more`.
pub fn empty_hint(
    ui: &mut Ui,
    top: f32,
    heading: &str,
    lines: &[&str],
    more: impl FnOnce(&mut Ui),
) {
    ui.add_space(ui.available_height() * top);
    ui.vertical_centered(|ui| {
        ui.heading(heading);
        ui.add_space(6.0);
        for line in lines {
            ui.label(*line);
        }
        more(ui);
    });
}

/// A label and a combo box choosing one of `identities` (tests find the
/// box by the label's text).
pub fn identity_combo(
    ui: &mut Ui,
    label: &str,
    id: &str,
    width: f32,
    choice: &mut Option<IdentityKey>,
    identities: &[IdentityInfo],
) {
    let combo_label = ui.label(label);
    let selected = choice
        .and_then(|k| identities.iter().find(|i| i.key == k))
        .map_or_else(|| String::from("(no identity)"), |i| i.name.clone());
    egui::ComboBox::from_id_salt(id)
        .selected_text(selected)
        .width(width)
        .show_ui(ui, |ui| {
            for i in identities {
                ui.selectable_value(choice, Some(i.key), &i.name);
            }
        })
        .response
        .labelled_by(combo_label.id);
}

/// `current` if it is one of `identities`, else the first of them.
pub fn known_identity(
    current: Option<IdentityKey>,
    identities: &[IdentityInfo],
) -> Option<IdentityKey> {
    current
        .filter(|k| identities.iter().any(|i| i.key == *k))
        .or_else(|| identities.first().map(|i| i.key))
}

/// The value of a read, or `None` with why it failed (after `what`) in
/// `status`.
pub fn read_or_report<T>(
    result: Result<T, String>,
    status: &mut Option<Status>,
    what: &str,
) -> Option<T> {
    result
        .map_err(|e| *status = Some(Status::error(format!("{what}: {e}"))))
        .ok()
}

/// A table header of strong titles.
pub fn header_cells(header: &mut TableRow<'_, '_>, titles: &[&str]) {
    for title in titles {
        header.col(|ui| {
            ui.strong(*title);
        });
    }
}

/// A table cell holding one label.
pub fn label_cell(row: &mut TableRow<'_, '_>, text: impl Into<egui::WidgetText>) {
    row.col(|ui| {
        ui.label(text);
    });
}

/// A table of items under a header of strong titles.
pub trait ItemTable<T, F> {
    /// Adds the header (`titles`) and one row per item (`add` fills the
    /// row's cells).
    fn item_table(self, height: f32, titles: &[&str], items: &[T], add: F);
}

impl<T, F: FnMut(TableRow<'_, '_>, &T)> ItemTable<T, F> for TableBuilder<'_> {
    fn item_table(self, height: f32, titles: &[&str], items: &[T], add: F) {
        self.header(height, |mut header| header_cells(&mut header, titles))
            .body(|body| item_rows(body, height, items, add));
    }
}

/// One table row per item (`add` fills the row's cells).
pub fn item_rows<T>(
    body: TableBody<'_>,
    height: f32,
    items: &[T],
    mut add: impl FnMut(TableRow<'_, '_>, &T),
) {
    body.rows(height, items.len(), |row| {
        if let Some(item) = items.get(row.index()) {
            add(row, item);
        }
    });
}

/// A grid row: a weak key and a value (monospace when `mono`), with the
/// full value on hover when it is shortened.
pub fn info_row(ui: &mut Ui, key: &str, value: &str, full: Option<&str>, mono: bool) {
    ui.label(RichText::new(key).weak());
    let text = if mono {
        RichText::new(value).monospace()
    } else {
        RichText::new(value)
    };
    let response = ui.add(
        egui::Label::new(text)
            .truncate()
            .show_tooltip_when_elided(false),
    );
    if let Some(full) = full.filter(|f| *f != value) {
        let full = full.to_owned();
        response.on_hover_ui(move |ui| {
            ui.set_max_width(420.0);
            ui.add(egui::Label::new(RichText::new(full).monospace()).wrap());
        });
    }
    ui.end_row();
}

/// A grid row: a weak key and a value that wraps.
pub fn wrapped_row(ui: &mut Ui, key: &str, value: String) {
    ui.label(RichText::new(key).weak());
    ui.add(egui::Label::new(value).wrap());
    ui.end_row();
}

/// An external sender as a row shows it: its index, identity and
/// signature-key fingerprint (the full key on hover).
pub fn external_sender_labels(ui: &mut Ui, s: &crate::workspace::ExternalSenderRow) {
    ui.monospace(format!("#{}", s.index));
    ui.label(&s.identity);
    ui.monospace(&s.fingerprint).on_hover_text(format!(
        "Signature key fingerprint (the group suite's hash, first 8 bytes); key {}",
        s.signature_key_hex
    ));
}

/// An [`info_row`] for a hex value: the first 32 digits, all of them on
/// hover.
pub fn hex_info_row(ui: &mut Ui, key: &str, hex: &str) {
    info_row(ui, key, &short_hex(hex, 32), Some(hex), true);
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_path_that_names_nothing_says_so() {
        let missing = std::env::temp_dir().join("mls-inspector-no-such-file.kp");
        let e = read_input(&missing.display().to_string()).unwrap_err();
        assert_eq!(e, format!("No such file: {}", missing.display()));
        let e = read_input(&std::env::temp_dir().display().to_string()).unwrap_err();
        assert!(e.ends_with("is a directory, not a file."), "{e}");
        // Text that is no path says what it is not.
        let e = read_input("hello world").unwrap_err();
        assert!(e.starts_with("Not a file path, hex or base64"), "{e}");
        // Hex still reads as hex.
        assert_eq!(read_input("00 01").unwrap().1, vec![0, 1]);
    }

    #[test]
    fn times_are_utc_dates() {
        assert_eq!(format_time(0), "1970-01-01 00:00");
        assert_eq!(format_time(951_782_400), "2000-02-29 00:00");
        assert_eq!(format_time(1_700_000_000), "2023-11-14 22:13");
        assert_eq!(format_time(-1), "1969-12-31 23:59");
    }

    #[test]
    fn short_hex_cuts() {
        assert_eq!(short_hex("abcdef", 4), "abcd…");
        assert_eq!(short_hex("abcd", 4), "abcd");
        assert_eq!(short_hex("", 4), "—");
    }
}
