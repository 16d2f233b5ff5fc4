//! The Messages view: what was sent and received, with decrypted text.

use egui::{Align, Layout, RichText, Sense, Ui, vec2};
use egui_extras::{Column, TableBuilder};

use super::state::{Action, GroupsPanel};
use crate::ui::common::{Output, OutputAction, format_time_u, output_buttons, plural};
use crate::workspace::{Direction, MessageKind};

impl GroupsPanel {
    pub(super) fn messages_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(snap) = &self.snapshot else {
            return;
        };
        let messages = &snap.messages;
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
            // Rows are clicked anywhere: labels must not take the click.
            ui.style_mut().interaction.selectable_labels = false;
            TableBuilder::new(ui)
                .id_salt("group_messages")
                .striped(true)
                .sense(Sense::click())
                .cell_layout(Layout::left_to_right(Align::Center))
                .column(Column::exact(40.0))
                .column(Column::exact(122.0))
                .column(Column::exact(36.0))
                .column(Column::exact(86.0))
                .column(Column::exact(50.0))
                .column(Column::initial(110.0).clip(true))
                .column(Column::exact(70.0))
                .column(Column::remainder().at_least(100.0).clip(true))
                .min_scrolled_height(0.0)
                .max_scroll_height(table_height - row_height)
                .auto_shrink([false, true])
                .header(row_height, |mut header| {
                    for title in [
                        "#",
                        "Time (UTC)",
                        "Dir",
                        "Kind",
                        "Epoch",
                        "Sender",
                        "Size",
                        "Content",
                    ] {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, messages.len(), |mut table_row| {
                        let Some(m) = messages.get(table_row.index()) else {
                            return;
                        };
                        table_row.set_selected(selected == Some(m.id));
                        table_row.col(|ui| {
                            ui.label(m.id.to_string());
                        });
                        table_row.col(|ui| {
                            ui.label(format_time_u(m.time));
                        });
                        table_row.col(|ui| {
                            ui.label(match m.direction {
                                Direction::In => "in",
                                Direction::Out => "out",
                            });
                        });
                        table_row.col(|ui| {
                            ui.label(m.kind.as_str());
                        });
                        table_row.col(|ui| {
                            ui.label(m.epoch.map_or_else(|| String::from("—"), |e| e.to_string()));
                        });
                        table_row.col(|ui| {
                            ui.label(m.sender.map_or_else(|| String::from("—"), names));
                        });
                        table_row.col(|ui| {
                            ui.label(plural(m.bytes.len(), "byte"));
                        });
                        table_row.col(|ui| match (&m.kind, &m.content) {
                            (MessageKind::Application, Some(text)) => {
                                let text = String::from_utf8_lossy(text);
                                ui.label(RichText::new(text.as_ref()).strong())
                                    .on_hover_text(text.as_ref());
                            }
                            _ => {
                                ui.weak("—");
                            }
                        });
                        if table_row.response().clicked() {
                            clicked = Some(m.id);
                        }
                    });
                });
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
                        actions.push(match action {
                            OutputAction::Save => Action::Save(output.clone()),
                            OutputAction::Decode => Action::Decode(output.clone()),
                        });
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
