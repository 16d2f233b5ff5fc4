//! The Epoch timeline view: every history row, and the tree of the chosen
//! epoch with the nodes its commit changed.

use egui::{Align, Layout, RichText, Sense, Ui, vec2};
use egui_extras::{Column, TableBuilder};

use super::state::{Action, GroupsPanel};
use crate::ui::common::{format_time_u, short_hex};
use crate::workspace::{EpochCause, EpochRow};

impl GroupsPanel {
    pub(super) fn timeline_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(snap) = &self.snapshot else {
            return;
        };
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        let table_height = (ui.available_height() * 0.38).clamp(110.0, 300.0);
        let width = ui.available_width();
        let history = &snap.history;
        let selected_epoch = self.timeline_epoch;
        ui.allocate_ui(vec2(width, table_height), |ui| {
            // Rows are clicked anywhere: labels must not take the click.
            ui.style_mut().interaction.selectable_labels = false;
            TableBuilder::new(ui)
                .id_salt("group_timeline")
                .striped(true)
                .sense(Sense::click())
                .cell_layout(Layout::left_to_right(Align::Center))
                .column(Column::exact(48.0))
                .column(Column::exact(122.0))
                .column(Column::initial(110.0).at_least(70.0).clip(true))
                .column(Column::remainder().at_least(150.0).clip(true))
                .column(Column::exact(120.0))
                .min_scrolled_height(0.0)
                .max_scroll_height(table_height - row_height)
                .auto_shrink([false, true])
                .header(row_height, |mut header| {
                    for title in [
                        "Epoch",
                        "Time (UTC)",
                        "Committer",
                        "What changed",
                        "Authenticator",
                    ] {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|body| {
                    // Newest first.
                    body.rows(row_height, history.len(), |mut table_row| {
                        let i = history.len().saturating_sub(table_row.index() + 1);
                        let Some(e) = history.get(i) else {
                            return;
                        };
                        table_row.set_selected(selected_epoch == Some(e.epoch));
                        table_row.col(|ui| {
                            ui.label(e.epoch.to_string());
                        });
                        table_row.col(|ui| {
                            ui.label(format_time_u(e.time));
                        });
                        table_row.col(|ui| {
                            ui.label(epoch_committer(e));
                        });
                        table_row.col(|ui| {
                            ui.label(&e.text).on_hover_text(&e.text);
                        });
                        table_row.col(|ui| {
                            ui.label(
                                RichText::new(short_hex(&e.epoch_authenticator_hex, 12))
                                    .monospace(),
                            )
                            .on_hover_text(&e.epoch_authenticator_hex);
                        });
                        if table_row.response().clicked() {
                            actions.push(Action::SelectEpoch(e.epoch));
                        }
                    });
                });
        });
        ui.separator();
        match self.timeline_epoch {
            Some(epoch) => {
                ui.label(format!(
                    "Tree at epoch {epoch}: nodes that changed in this epoch are ringed in magenta"
                ));
                self.epoch_tree.ui(ui);
            }
            None => {
                ui.weak(
                    "Click an epoch above to see its ratchet tree and what its commit changed.",
                );
            }
        }
    }
}

pub(super) fn epoch_committer(row: &EpochRow) -> String {
    match row.cause {
        EpochCause::Created => String::from("(created here)"),
        EpochCause::Welcome => String::from("(joined by Welcome)"),
        EpochCause::ExternalJoin => String::from("(joined externally)"),
        EpochCause::Commit | EpochCause::ExternalCommit => match row.committer {
            Some(leaf) => row.members.iter().find(|m| m.leaf == leaf).map_or_else(
                || format!("leaf {leaf}"),
                |m| format!("{} ({leaf})", m.identity),
            ),
            None => String::from("a new member"),
        },
    }
}
