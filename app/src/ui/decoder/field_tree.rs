//! The field tree (left): rows with values, expansion and filter, and the
//! bar naming the selected field.

use crate::ui::common::ItemTable;
use crate::ui::common::striped_table;
use egui::text::LayoutJob;
use egui::{Align, Color32, RichText, Sense, TextFormat, TextStyle, Ui};
use egui_extras::Column;
use mls_core::inspect::{Field, SignatureOutcome};

use super::state::{
    Actions, DecoderPanel, HOVER_VALUE_CHARS, INDENT, Origin, ROW_VALUE_CHARS, short,
};
use crate::ui::common::plural;
use crate::ui::common::{error_color, ok_color, warn_color};

/// The titles of the table's columns.
const TREE_COLUMNS: [&str; 4] = ["Field", "Type", "Bytes", "Value"];

impl DecoderPanel {
    pub(super) fn tree(&mut self, ui: &mut Ui) {
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
            if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::F)) {
                edit.request_focus();
            }
        });
        self.refresh_rows();
        if !typing(ui) {
            self.tree_keys(ui);
            self.refresh_rows();
        }
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
        let mut table = striped_table(ui, "decoder_tree_table")
            .resizable(true)
            .sense(Sense::click())
            .column(Column::initial(220.0).at_least(100.0).clip(true))
            .column(Column::initial(100.0).at_least(50.0).clip(true))
            .column(Column::initial(80.0).at_least(50.0).clip(true))
            .column(Column::remainder().at_least(60.0).clip(true))
            .auto_shrink([false, false]);
        if let Some(row) = scroll_to {
            table = table.scroll_to_row(row, Some(Align::Center));
        }
        table.item_table(row_height, &TREE_COLUMNS, &self.rows, |mut row, &index| {
            let (Some(node), Some(field)) = (decoded.nodes.get(index), decoded.field(index)) else {
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
                // A signature row carries its check's mark (three states).
                let check = (field.label == "signature")
                    .then(|| decoded.dissection.signature_at(&field.path))
                    .flatten();
                let label = if field.error.is_some() && field.type_name == "error" {
                    format!("✖ {}", field.label)
                } else if let Some(check) = check {
                    format!("{} {}", check.mark(), field.label)
                } else {
                    field.label.clone()
                };
                let text = match check.map(|c| &c.outcome) {
                    Some(SignatureOutcome::Verified) => RichText::new(label).color(ok_color(ui)),
                    Some(SignatureOutcome::Failed(_)) => RichText::new(label).color(bad),
                    Some(SignatureOutcome::NotCheckable(_)) => {
                        RichText::new(label).color(warn_color(ui))
                    }
                    None => paint(RichText::new(label)),
                };
                let hover = match check {
                    Some(c) => format!(
                        "{}\n{} {}: {}",
                        field.path,
                        c.mark(),
                        c.what,
                        c.reason().unwrap_or("verifies")
                    ),
                    None => field.path.clone(),
                };
                ui.add(
                    egui::Label::new(text)
                        .selectable(false)
                        .truncate()
                        .show_tooltip_when_elided(false),
                )
                .on_hover_text(hover);
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
        self.apply(actions);
    }

    /// The tree's keyboard: Up and Down move the selection through the
    /// rows shown, Right opens the selected field (or goes to its first
    /// child), Left closes it (or goes to its parent), Enter selects it
    /// again and brings its bytes into view.
    fn tree_keys(&mut self, ui: &Ui) {
        use egui::{Key, Modifiers};
        let pressed = |key| ui.input_mut(|i| i.consume_key(Modifiers::NONE, key));
        let key = [
            Key::ArrowDown,
            Key::ArrowUp,
            Key::ArrowRight,
            Key::ArrowLeft,
            Key::Enter,
        ]
        .into_iter()
        .find(|k| pressed(*k));
        let (Some(key), Some(decoded)) = (key, &self.current) else {
            return;
        };
        let row = self
            .selected
            .and_then(|s| self.rows.iter().position(|r| *r == s));
        let (Some(row), Some(index)) = (row, self.selected) else {
            // Nothing selected (or hidden by the filter): start at the top.
            if let Some(first) = self.rows.first().copied() {
                self.select(first, Origin::Program);
            }
            return;
        };
        let node = decoded.nodes.get(index);
        let has_children = node.is_some_and(|n| n.has_children(index));
        let open = self.expanded.get(index).copied().unwrap_or(false);
        let parent = node.and_then(|n| n.parent);
        let filtering = !self.filter.trim().is_empty();
        let next = self.rows.get(row + 1).copied();
        let first_child = next.filter(|n| parent_of(decoded, *n) == Some(index));
        let target = match key {
            Key::ArrowDown => next,
            Key::ArrowUp => row.checked_sub(1).and_then(|r| self.rows.get(r).copied()),
            Key::ArrowRight if has_children && !open && !filtering => {
                self.toggle(index);
                None
            }
            Key::ArrowRight => first_child,
            Key::ArrowLeft if has_children && open && !filtering => {
                self.toggle(index);
                None
            }
            Key::ArrowLeft => parent,
            _ => Some(index),
        };
        if let Some(target) = target {
            self.select(target, Origin::Program);
        }
    }

    pub(super) fn apply(&mut self, actions: Actions) {
        if let Some(index) = actions.toggle {
            self.toggle(index);
        }
        if let Some((index, origin)) = actions.select {
            self.select(index, origin);
        }
    }

    pub(super) fn selection_bar(&mut self, ui: &mut Ui) {
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

/// A tree row's value: the error, or the value and its text, shortened;
/// the tooltip shows more.
pub(super) fn value_cell(ui: &mut Ui, field: &Field, color: Option<Color32>) {
    let paint = |text: RichText| match color {
        Some(c) => text.color(c),
        None => text,
    };
    if let Some(error) = &field.error {
        ui.add(
            egui::Label::new(paint(RichText::new(error.as_str())))
                .selectable(false)
                .truncate()
                .show_tooltip_when_elided(false),
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
    let response = ui.add(
        egui::Label::new(job)
            .selectable(false)
            .truncate()
            .show_tooltip_when_elided(false),
    );
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

/// The parent of node `index`.
fn parent_of(decoded: &super::rows::Decoded, index: usize) -> Option<usize> {
    decoded.nodes.get(index).and_then(|n| n.parent)
}

/// Whether a text box has the keyboard (the tree's keys are then the
/// box's).
fn typing(ui: &Ui) -> bool {
    ui.memory(|m| m.focused())
        .is_some_and(|id| egui::TextEdit::load_state(ui.ctx(), id).is_some())
}
