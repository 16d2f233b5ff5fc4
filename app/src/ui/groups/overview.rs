//! The Overview view: the group's ids and hashes, the members table, and
//! the actions column; and the Ratchet tree view.

use crate::ui::common::{ItemTable, label_cell, striped_table};
use egui::{RichText, Ui};
use egui_extras::{Column, Size, StripBuilder};

use super::commit_plan::CommitPlan;
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
            .column(Column::exact(84.0))
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
                        if m.is_self {
                            return;
                        }
                        let mut on = self.commit_choice.remove.contains(&m.leaf);
                        if ui
                            .add_enabled(!busy, egui::Checkbox::new(&mut on, "Remove"))
                            .on_hover_text(format!(
                                "The next Commit removes {} (leaf {}); tick several to \
                                 remove them in one commit",
                                m.identity, m.leaf
                            ))
                            .changed()
                        {
                            actions.push(Action::ChooseRemove(m.leaf, on));
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
            self.commit_ui(ui, commit_enabled, actions);
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
            if !self.add_queue.is_empty() {
                ui.weak(format!(
                    "The Commit button (above) adds {}.",
                    plural(self.add_queue.len(), "member")
                ));
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

    /// What the Commit button would stage now (`None` without a loaded,
    /// active group).
    pub(super) fn commit_plan(&self) -> Option<CommitPlan> {
        let snap = self.snapshot.as_ref()?;
        let details = snap.details.as_ref()?;
        let members: Vec<u32> = details
            .members
            .iter()
            .filter(|m| !m.is_self)
            .map(|m| m.leaf)
            .collect();
        Some(CommitPlan::new(
            &self.commit_choice,
            &self.add_queue,
            &snap.proposals,
            &members,
            &snap.stored_psks,
        ))
    }

    /// The Commit section: Update, the one Commit button saying what it
    /// holds, and its "with update path" and "include PSKs" checkboxes.
    fn commit_ui(&mut self, ui: &mut Ui, enabled: bool, actions: &mut Vec<Action>) {
        let plan = self.commit_plan();
        ui.horizontal_wrapped(|ui| {
            if ui
                .add_enabled(enabled, egui::Button::new("Update"))
                .on_hover_text("Stage a commit with an UpdatePath: fresh keys for this member")
                .clicked()
            {
                actions.push(Action::Update);
            }
            let label = plan
                .as_ref()
                .map_or_else(|| String::from("Commit"), CommitPlan::label);
            if ui
                .add_enabled(enabled && plan.is_some(), egui::Button::new(label))
                .on_hover_text(
                    "Stage one commit: the key packages on the add list, the members \
                     ticked for removal, the pending proposals (by reference), the \
                     PSKs if included, and an UpdatePath if chosen or required",
                )
                .clicked()
            {
                actions.push(Action::Commit);
            }
        });
        let Some(plan) = plan else {
            return;
        };
        let mut path = plan.path;
        let response = ui.add_enabled(
            enabled && plan.path_required.is_none(),
            egui::Checkbox::new(&mut path, "with update path"),
        );
        match &plan.path_required {
            Some(reason) => {
                response.on_disabled_hover_text(reason.as_str());
                ui.weak(format!("Path {reason}"));
            }
            None => {
                if response
                    .on_hover_text("Include an UpdatePath: fresh keys for this member")
                    .changed()
                {
                    self.commit_choice.path = path;
                }
            }
        }
        let stored = self.snapshot.as_ref().map_or(0, |s| s.stored_psks.len());
        let mut psks = self.commit_choice.psks && stored > 0;
        let response = ui.add_enabled(
            enabled && stored > 0,
            egui::Checkbox::new(&mut psks, "include PSKs"),
        );
        if stored == 0 {
            response.on_disabled_hover_text(
                "No external PSK is stored in this workspace (`psk add`): none to include",
            );
        } else if response
            .on_hover_text(format!(
                "Inject the {} stored in this workspace (every member must hold them)",
                plural(stored, "external PSK")
            ))
            .changed()
        {
            self.commit_choice.psks = psks;
        }
        for id in &plan.psks {
            ui.weak(format!("PSK {}", short_hex(&hex::encode(id), SHORT_HEX)));
        }
        if !plan.remove.is_empty()
            && let Some(d) = self.snapshot.as_ref().and_then(|s| s.details.as_ref())
        {
            let names: Vec<String> = plan
                .remove
                .iter()
                .map(|leaf| match d.members.iter().find(|m| m.leaf == *leaf) {
                    Some(m) => format!("{} (leaf {leaf})", m.identity),
                    None => format!("leaf {leaf}"),
                })
                .collect();
            ui.weak(format!("Removes {}", names.join(", ")));
        }
        if !plan.add.is_empty() {
            let names: Vec<&str> = self
                .add_queue
                .iter()
                .map(|k| k.credential.as_str())
                .collect();
            ui.weak(format!("Adds {}", names.join(", ")));
        }
        if plan.by_reference > 0 {
            ui.weak(format!(
                "Covers {} by reference",
                plural(plan.by_reference, "pending proposal")
            ));
        }
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
