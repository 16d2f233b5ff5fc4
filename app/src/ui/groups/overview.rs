//! The Overview view: the group's ids and hashes, the members table, and
//! the actions column; and the Ratchet tree view.

use crate::ui::common::{ItemTable, label_cell, striped_table};
use egui::{RichText, Ui};
use egui_extras::{Column, Size, StripBuilder};

use super::state::{Action, GroupsPanel};
use crate::ui::common::{
    Output, hex_info_row, info_row, labelled_edit_fill, output_buttons, plural, short_hex,
    warn_color,
};
use crate::workspace::GroupStatus;

/// The titles of the table's columns.
const MEMBER_COLUMNS: [&str; 4] = ["Leaf", "Identity", "Signature key", ""];

/// Width of the actions column of the overview.
const ACTIONS_WIDTH: f32 = 330.0;
/// Hex digits of keys and hashes in tables.
const SHORT_HEX: usize = 24;
/// Key packages listed on the add list before "and N more".
const QUEUE_SHOWN: usize = 20;

impl GroupsPanel {
    pub(super) fn overview_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        // Too narrow for the two columns (an 800-pixel window): one at a
        // time, chosen with two tabs at the top.
        if ui.available_width() < 300.0 + ACTIONS_WIDTH {
            let id = ui.scope_id().with("overview_narrow_actions");
            let mut show_actions: bool = ui.data_mut(|d| d.get_temp(id)).unwrap_or(false);
            ui.horizontal(|ui| {
                ui.selectable_value(&mut show_actions, false, "Information");
                ui.selectable_value(&mut show_actions, true, "Actions");
            });
            ui.data_mut(|d| d.insert_temp(id, show_actions));
            if show_actions {
                egui::ScrollArea::vertical()
                    .id_salt("group_actions_scroll")
                    .auto_shrink([false, false])
                    .show(ui, |ui| self.actions_ui(ui, actions));
            } else {
                self.info_ui(ui, actions);
            }
            return;
        }
        StripBuilder::new(ui)
            .size(Size::remainder().at_least(300.0))
            .size(Size::exact(ACTIONS_WIDTH))
            .horizontal(|mut strip| {
                strip.cell(|ui| self.info_ui(ui, actions));
                strip.cell(|ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("group_actions_scroll")
                        .auto_shrink([false, false])
                        .show(ui, |ui| self.actions_ui(ui, actions));
                });
            });
    }

    pub(super) fn info_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(snap) = &self.snapshot else {
            return;
        };
        let row = &snap.row;
        egui::Grid::new("group_info_grid")
            .num_columns(2)
            .spacing([12.0, 3.0])
            .show(ui, |ui| {
                hex_info_row(ui, "Group id", &row.group_id_hex);
                info_row(
                    ui,
                    "Cipher suite",
                    &format!("{} ({})", row.suite_name, row.cipher_suite),
                    None,
                    false,
                );
                info_row(ui, "Epoch", &row.epoch.to_string(), None, false);
                match &snap.details {
                    Some(d) => {
                        let own = d
                            .members
                            .iter()
                            .find(|m| m.is_self)
                            .map_or_else(String::new, |m| format!(" ({})", m.identity));
                        info_row(
                            ui,
                            "Own leaf",
                            &format!("{}{own}", row.own_leaf),
                            None,
                            false,
                        );
                        info_row(ui, "Members", &d.members.len().to_string(), None, false);
                        hex_info_row(ui, "Tree hash", &d.tree_hash_hex);
                        hex_info_row(ui, "Epoch authenticator", &d.epoch_authenticator_hex);
                        let extensions = if d.extensions.is_empty() {
                            String::from("none")
                        } else {
                            d.extensions
                                .iter()
                                .map(|e| format!("{} ({} B)", e.name, e.data_hex.len() / 2))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        let full = d
                            .extensions
                            .iter()
                            .map(|e| format!("{} ({}): {}", e.name, e.extension_type, e.data_hex))
                            .collect::<Vec<_>>()
                            .join("\n");
                        info_row(ui, "Extensions", &extensions, Some(&full), false);
                    }
                    None => {
                        info_row(
                            ui,
                            "Status",
                            "this member was removed; the history is kept",
                            None,
                            false,
                        );
                    }
                }
            });
        ui.add_space(6.0);
        let Some(d) = &snap.details else {
            return;
        };
        ui.strong(format!("Members ({})", d.members.len()));
        // Removing stages a commit: not while one is staged or running, nor
        // in a group a ReInit closed.
        let busy = self.jobs.busy() || d.pending.is_some() || row.reinitialised.is_some();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        striped_table(ui, "group_members")
            .column(Column::exact(40.0))
            .column(Column::initial(170.0).at_least(90.0).clip(true))
            .column(Column::remainder().at_least(100.0).clip(true))
            .column(Column::exact(72.0))
            .auto_shrink([false, false])
            .item_table(
                row_height,
                &MEMBER_COLUMNS,
                &d.members,
                |mut table_row, m| {
                    label_cell(&mut table_row, m.leaf.to_string());
                    table_row.col(|ui| {
                        if m.is_self {
                            ui.label(RichText::new(format!("{} (you)", m.identity)).strong());
                        } else {
                            ui.label(&m.identity);
                        }
                        crate::ui::x509_form::credential_mark(ui, m);
                    });
                    table_row.col(|ui| {
                        ui.label(
                            RichText::new(short_hex(&m.signature_key_hex, SHORT_HEX)).monospace(),
                        )
                        .on_hover_text(&m.signature_key_hex);
                    });
                    table_row.col(|ui| {
                        if !m.is_self
                            && ui
                                .add_enabled(!busy, egui::Button::new("Remove").small())
                                .on_hover_text(format!(
                                    "Stage a commit removing {} (leaf {})",
                                    m.identity, m.leaf
                                ))
                                .clicked()
                        {
                            actions.push(Action::Remove(m.leaf, m.identity.clone()));
                        }
                    });
                },
            );
    }

    pub(super) fn actions_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        // A group a ReInit closed takes no new operation.
        let closed = self
            .snapshot
            .as_ref()
            .and_then(|s| super::resumption::closed_reason(&s.row));
        let active = closed.is_none()
            && self
                .snapshot
                .as_ref()
                .is_some_and(|s| s.row.status == GroupStatus::Active);
        let pending = self.snapshot.as_ref().and_then(|s| s.pending()).is_some();
        let enabled = active && !self.jobs.busy();
        let commit_enabled = enabled && !pending;
        ui.set_width(ui.available_width());
        if let Some(reason) = &closed {
            ui.add(egui::Label::new(RichText::new(reason).color(warn_color(ui))).wrap());
        }

        section(ui, "Commit", |ui| {
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(commit_enabled, egui::Button::new("Update"))
                    .on_hover_text("Stage a commit with an UpdatePath: fresh keys for this member")
                    .clicked()
                {
                    actions.push(Action::Update);
                }
                if ui
                    .add_enabled(commit_enabled, egui::Button::new("Commit"))
                    .on_hover_text(
                        "Stage a commit of the proposals received this epoch \
                         (an empty commit with a path if there are none)",
                    )
                    .clicked()
                {
                    actions.push(Action::Commit);
                }
            });
            if pending {
                ui.weak("A commit is staged: apply or discard it first.");
            }
        });

        self.proposals_ui(ui, actions);
        self.external_senders_ui(ui, actions);
        self.resumption_ui(ui, commit_enabled);

        section(ui, "Add members", |ui| {
            ui.horizontal(|ui| {
                labelled_edit_fill(
                    ui,
                    "Key package:",
                    &mut self.add_input,
                    "file path, hex or base64",
                    0.0,
                );
            });
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(active, egui::Button::new("Add to list"))
                    .clicked()
                {
                    actions.push(Action::QueueInput);
                }
                if ui
                    .add_enabled(active, egui::Button::new("Open key packages…"))
                    .clicked()
                {
                    actions.push(Action::OpenKeyPackages);
                }
            });
            if self.add_queue.is_empty() {
                ui.weak("Or drop key package files on this panel.");
            }
            for (i, kp) in self.add_queue.iter().enumerate().take(QUEUE_SHOWN) {
                ui.horizontal(|ui| {
                    if ui
                        .small_button("✖")
                        .on_hover_text("Take it off the list")
                        .clicked()
                    {
                        actions.push(Action::Unqueue(i));
                    }
                    ui.label(&kp.credential).on_hover_text(format!(
                        "{} ({})\nKeyPackageRef {}",
                        kp.suite_name, kp.cipher_suite, kp.reference_hex
                    ));
                    ui.weak(format!(
                        "suite {} · {}",
                        kp.cipher_suite,
                        short_hex(&kp.reference_hex, 8)
                    ));
                });
            }
            if self.add_queue.len() > QUEUE_SHOWN {
                ui.horizontal(|ui| {
                    ui.weak(format!("and {} more", self.add_queue.len() - QUEUE_SHOWN));
                    if ui.small_button("Clear list").clicked() {
                        actions.push(Action::ClearQueue);
                    }
                });
            }
            if !self.add_queue.is_empty()
                && ui
                    .add_enabled(commit_enabled, egui::Button::new("Commit add"))
                    .on_hover_text(format!(
                        "Stage one commit adding {}",
                        plural(self.add_queue.len(), "member")
                    ))
                    .clicked()
            {
                actions.push(Action::CommitAdd);
            }
        });

        section(ui, "Send a message", |ui| {
            ui.horizontal(|ui| {
                let response = labelled_edit_fill(
                    ui,
                    "Text to send:",
                    &mut self.send_text,
                    "application data",
                    52.0,
                );
                let entered =
                    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (ui.add_enabled(enabled, egui::Button::new("Send")).clicked() || entered)
                    && enabled
                {
                    actions.push(Action::Send);
                }
            });
        });

        section(ui, "Receive a message", |ui| {
            ui.horizontal(|ui| {
                labelled_edit_fill(
                    ui,
                    "Incoming message:",
                    &mut self.receive_input,
                    "path, hex or base64",
                    68.0,
                );
                if ui
                    .add_enabled(!self.jobs.busy(), egui::Button::new("Receive"))
                    .clicked()
                {
                    actions.push(Action::Receive);
                }
            });
            if ui
                .add_enabled(!self.jobs.busy(), egui::Button::new("Open messages…"))
                .on_hover_text("Commits are staged for review; application messages decrypted")
                .clicked()
            {
                actions.push(Action::OpenMessages);
            }
        });

        section(ui, "Export", |ui| {
            if ui
                .add_enabled(enabled, egui::Button::new("Export GroupInfo"))
                .on_hover_text(
                    "This epoch's signed GroupInfo with the ratchet tree, for external joins",
                )
                .clicked()
            {
                actions.push(Action::ExportGroupInfo);
            }
        });

        self.export_secret_ui(ui, enabled, actions);

        if !self.outputs.is_empty() {
            section(ui, "Produced", |ui| {
                for output in &self.outputs {
                    output_ui(ui, output, actions);
                }
            });
        }
        self.settings_ui(ui, actions);
    }

    pub(super) fn tree_ui(&mut self, ui: &mut Ui) {
        if let Some(snap) = &self.snapshot {
            ui.label(format!(
                "Epoch {} · own leaf {} and its direct path in orange · click a node for its keys and hashes",
                snap.row.epoch, snap.row.own_leaf
            ));
        }
        self.tree.ui(ui);
    }
}

/// A titled block of the actions column.
pub(super) fn section(ui: &mut Ui, title: &str, add: impl FnOnce(&mut Ui)) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.strong(title);
        add(ui);
    });
    ui.add_space(4.0);
}

pub(super) fn output_ui(ui: &mut Ui, output: &Output, actions: &mut Vec<Action>) {
    ui.label(format!(
        "{} · {}",
        output.label,
        plural(output.bytes.len(), "byte")
    ));
    ui.horizontal(|ui| {
        if let Some(action) = output_buttons(ui, output) {
            actions.push(Action::Output(action, output.clone()));
        }
    });
}
