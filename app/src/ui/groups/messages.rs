//! The Messages view: what was sent and received, with decrypted text.

use crate::ui::common::{ItemTable, clickable_table, label_cell};
use egui::{RichText, Ui, vec2};
use egui_extras::Column;

use super::state::{Action, GroupsPanel};
use crate::text::escape_controls;
use crate::ui::common::{Output, format_time_u, output_buttons, plural};
use crate::workspace::{Direction, MessageKind};

/// The titles of the table's columns.
const MESSAGE_COLUMNS: [&str; 8] = [
    "#",
    "Time (UTC)",
    "Dir",
    "Kind",
    "Epoch",
    "Sender",
    "Size",
    "Content",
];

impl GroupsPanel {
    pub(super) fn messages_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(snap) = &self.snapshot else {
            return;
        };
        let messages = &snap.messages;
        let session = &self.session_plaintext;
        if messages.is_empty() {
            ui.weak("No messages yet: what this member sends, receives, exports or joins with is listed here.");
            return;
        }
        let names = |leaf: u32| -> String {
            snap.details
                .as_ref()
                .and_then(|d| d.members.iter().find(|m| m.leaf == leaf))
                .map_or_else(
                    || format!("leaf {leaf}"),
                    |m| format!("{} ({leaf})", m.identity),
                )
        };
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        let selected = self.selected_message;
        let mut clicked = None;
        let table_height = (ui.available_height() - 60.0).max(120.0);
        ui.allocate_ui(vec2(ui.available_width(), table_height), |ui| {
            clickable_table(ui, "group_messages", table_height - row_height)
                .column(Column::exact(40.0))
                .column(Column::exact(122.0))
                .column(Column::exact(36.0))
                .column(Column::exact(86.0))
                .column(Column::exact(50.0))
                .column(Column::initial(110.0).clip(true))
                .column(Column::exact(70.0))
                .column(Column::remainder().at_least(100.0).clip(true))
                .item_table(
                    row_height,
                    &MESSAGE_COLUMNS,
                    messages,
                    |mut table_row, m| {
                        table_row.set_selected(selected == Some(m.id));
                        label_cell(&mut table_row, m.id.to_string());
                        label_cell(&mut table_row, format_time_u(m.time));
                        label_cell(
                            &mut table_row,
                            match m.direction {
                                Direction::In => "in",
                                Direction::Out => "out",
                            },
                        );
                        label_cell(&mut table_row, m.kind.as_str());
                        label_cell(
                            &mut table_row,
                            m.epoch.map_or_else(|| String::from("—"), |e| e.to_string()),
                        );
                        label_cell(
                            &mut table_row,
                            m.sender.map_or_else(|| String::from("—"), names),
                        );
                        label_cell(&mut table_row, plural(m.bytes.len(), "byte"));
                        let content = m.content.as_ref().or_else(|| session.get(&m.bytes));
                        table_row.col(|ui| match (&m.kind, content) {
                            (MessageKind::Application, Some(text)) => {
                                let text = escape_controls(&String::from_utf8_lossy(text));
                                ui.label(RichText::new(&text).strong()).on_hover_text(&text);
                            }
                            _ => {
                                ui.weak("—");
                            }
                        });
                        if table_row.response().clicked() {
                            clicked = Some(m.id);
                        }
                    },
                );
        });
        ui.separator();
        let chosen = self
            .selected_message
            .and_then(|id| messages.iter().find(|m| m.id == id));
        match chosen {
            Some(m) => {
                let output = Output::new(
                    format!("message #{} ({})", m.id, m.kind.as_str()),
                    format!("message-{}-{}.mls", m.id, m.kind.as_str()),
                    m.bytes.clone(),
                );
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "#{} · {} {} · {}",
                        m.id,
                        match m.direction {
                            Direction::In => "received",
                            Direction::Out => "sent",
                        },
                        m.kind.as_str(),
                        plural(m.bytes.len(), "byte")
                    ));
                    if let Some(action) = output_buttons(ui, &output) {
                        actions.push(Action::Output(action, output.clone()));
                    }
                });
            }
            None => {
                ui.weak("Click a message to save, copy or decode it.");
            }
        }
        if let Some(id) = clicked {
            self.selected_message = Some(id);
        }
    }
}
