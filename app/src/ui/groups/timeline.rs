//! The Epoch timeline view: every history row, and the tree of the chosen
//! epoch with the nodes its commit changed.

use crate::ui::common::{clickable_table, header_cells, label_cell};
use egui::{RichText, Ui, vec2};
use egui_extras::Column;

use super::state::{Action, GroupsPanel};
use crate::ui::common::{format_time_u, short_hex};
use crate::workspace::{EpochCause, EpochRow};

/// Characters of an epoch's "What changed" shown in its row and in its
/// tooltip: a commit adding 30,000 members is described in about a
/// megabyte of text, which egui would lay out whole (a 200 ms frame).
pub(super) const ROW_CHARS: usize = 300;
pub(super) const HOVER_CHARS: usize = 2_000;

/// `text` cut after `max` characters, with an ellipsis.
pub(super) fn capped(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((at, _)) => format!("{}… (cut)", text.get(..at).unwrap_or(text)),
    }
}

/// The titles of the table's columns.
const TIMELINE_COLUMNS: [&str; 5] = [
    "Epoch",
    "Time (UTC)",
    "Committer",
    "What changed",
    "Authenticator",
];

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
            clickable_table(ui, "group_timeline", table_height - row_height)
                .column(Column::exact(48.0))
                .column(Column::exact(122.0))
                .column(Column::initial(110.0).at_least(70.0).clip(true))
                .column(Column::remainder().at_least(150.0).clip(true))
                .column(Column::exact(120.0))
                .header(row_height, |mut header| {
                    header_cells(&mut header, &TIMELINE_COLUMNS)
                })
                .body(|body| {
                    // Newest first.
                    body.rows(row_height, history.len(), |mut table_row| {
                        let i = history.len().saturating_sub(table_row.index() + 1);
                        let Some(e) = history.get(i) else {
                            return;
                        };
                        table_row.set_selected(selected_epoch == Some(e.epoch));
                        label_cell(&mut table_row, e.epoch.to_string());
                        label_cell(&mut table_row, format_time_u(e.time));
                        label_cell(&mut table_row, epoch_committer(e));
                        table_row.col(|ui| {
                            ui.label(capped(&e.text, ROW_CHARS))
                                .on_hover_text(capped(&e.text, HOVER_CHARS));
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

#[cfg(test)]
mod tests {
    use super::capped;

    #[test]
    fn summaries_are_cut_at_a_character() {
        assert_eq!(capped("added alice", 20), "added alice");
        assert_eq!(capped("added alice", 5), "added… (cut)");
        assert_eq!(capped("ééé", 2), "éé… (cut)");
    }
}
