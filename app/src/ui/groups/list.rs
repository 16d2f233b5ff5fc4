//! The group list on the left: filter, rows, the create and join forms,
//! and the delete confirmation.

use egui::{Align, Layout, RichText, Sense, Ui};
use mls_core::crypto::CipherSuite;

use super::state::{Action, GroupsPanel, IdentityChoice};
use crate::ui::common::{
    error_color, identity_combo, labelled_edit, plural, short_hex, suite_short, warn_color,
};
use crate::workspace::{GroupRow, GroupStatus};

impl GroupsPanel {
    pub(super) fn list_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        egui::Panel::bottom("groups_forms")
            .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                top: 6,
                bottom: 4,
                ..Default::default()
            }))
            .show(ui, |ui| {
                self.create_ui(ui, actions);
                self.join_ui(ui, actions);
            });
        egui::CentralPanel::no_frame().show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(format!("Groups ({})", self.groups.len()));
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    if ui
                        .button("Reload")
                        .on_hover_text("Read the workspace file again")
                        .clicked()
                    {
                        actions.push(Action::Reload);
                    }
                });
            });
            ui.horizontal(|ui| {
                labelled_edit(
                    ui,
                    "Filter:",
                    &mut self.filter,
                    "name, group id or identity",
                    f32::INFINITY,
                );
            });
            ui.add_space(4.0);
            let filter = self.filter.trim().to_lowercase();
            let shown: Vec<&GroupRow> = self
                .groups
                .iter()
                .filter(|g| {
                    filter.is_empty()
                        || g.name.to_lowercase().contains(&filter)
                        || g.group_id_hex.contains(&filter)
                        || g.identity_name.to_lowercase().contains(&filter)
                })
                .collect();
            egui::ScrollArea::vertical()
                .id_salt("groups_list_scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    if self.groups.is_empty() {
                        ui.weak("No groups yet: create one below, or join one.");
                    } else if shown.is_empty() {
                        ui.weak("No group matches the filter.");
                    }
                    for row in shown {
                        if group_row_ui(ui, row, self.selected == Some(row.key)) {
                            actions.push(Action::Select(row.key));
                        }
                    }
                });
        });
    }

    pub(super) fn create_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        egui::CollapsingHeader::new("New group")
            .default_open(true)
            .show(ui, |ui| {
                let before = self.create.identity;
                egui::Grid::new("create_group_grid")
                    .num_columns(2)
                    .spacing([6.0, 4.0])
                    .show(ui, |ui| {
                        let combo_label = ui.label("Identity:");
                        let selected = match self.create.identity {
                            IdentityChoice::New => String::from("New identity…"),
                            IdentityChoice::Existing(k) => self
                                .identities
                                .iter()
                                .find(|i| i.key == k)
                                .map_or_else(|| k.to_string(), |i| i.name.clone()),
                        };
                        egui::ComboBox::from_id_salt("create_identity")
                            .selected_text(selected)
                            .width(175.0)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(
                                    &mut self.create.identity,
                                    IdentityChoice::New,
                                    "New identity…",
                                );
                                for i in &self.identities {
                                    ui.selectable_value(
                                        &mut self.create.identity,
                                        IdentityChoice::Existing(i.key),
                                        &i.name,
                                    );
                                }
                            })
                            .response
                            .labelled_by(combo_label.id);
                        ui.end_row();
                        if self.create.identity == IdentityChoice::New {
                            let name = &mut self.create.new_identity;
                            labelled_edit(ui, "Identity name:", name, "e.g. alice", 175.0);
                            ui.end_row();
                        }
                        let combo_label = ui.label("Cipher suite:");
                        egui::ComboBox::from_id_salt("create_suite")
                            .selected_text(suite_short(self.create.suite))
                            .width(175.0)
                            .truncate()
                            .show_ui(ui, |ui| {
                                for cs in CipherSuite::ALL {
                                    ui.selectable_value(
                                        &mut self.create.suite,
                                        cs.id(),
                                        suite_short(cs.id()),
                                    )
                                    .on_hover_text(cs.name());
                                }
                            })
                            .response
                            .labelled_by(combo_label.id);
                        ui.end_row();
                        let name = &mut self.create.name;
                        labelled_edit(ui, "Group name:", name, "optional", 175.0);
                        ui.end_row();
                    });
                if self.create.identity != before
                    && let IdentityChoice::Existing(k) = self.create.identity
                    && let Some(i) = self.identities.iter().find(|i| i.key == k)
                {
                    self.create.suite = i.cipher_suite;
                }
                if ui
                    .add_enabled(!self.jobs.busy(), egui::Button::new("Create group"))
                    .clicked()
                {
                    actions.push(Action::Create);
                }
            });
    }

    pub(super) fn join_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        egui::CollapsingHeader::new("Join a group")
            .default_open(false)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    identity_combo(
                        ui,
                        "Join externally as:",
                        "join_identity",
                        140.0,
                        &mut self.join_identity,
                        &self.identities,
                    );
                });
                ui.horizontal(|ui| {
                    labelled_edit(
                        ui,
                        "Welcome / GroupInfo:",
                        &mut self.join_input,
                        "path, hex or base64",
                        110.0,
                    );
                });
                ui.horizontal(|ui| {
                    let enabled = !self.jobs.busy();
                    if ui.add_enabled(enabled, egui::Button::new("Join")).clicked() {
                        actions.push(Action::Join);
                    }
                    if ui
                        .add_enabled(enabled, egui::Button::new("Open Welcome or GroupInfo…"))
                        .clicked()
                    {
                        actions.push(Action::OpenMessages);
                    }
                });
                ui.weak("A Welcome joins with a key package of this workspace; a GroupInfo joins by external commit. Files can be dropped here too.");
            });
    }
}

impl GroupsPanel {
    pub(super) fn delete_modal(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(key) = self.confirm_delete else {
            return;
        };
        let name = self
            .groups
            .iter()
            .find(|g| g.key == key)
            .map_or_else(|| key.to_string(), |g| g.name.clone());
        let mut close = false;
        let modal =
            egui::Modal::new(egui::Id::unique("confirm_delete_group")).show(ui.ctx(), |ui| {
                ui.set_width(380.0);
                ui.heading("Delete this group?");
                ui.add(
                    egui::Label::new(format!(
                        "Group {name} ({key}) is deleted from this workspace with its state, \
                     history, staged commit and messages. The other members are not told; \
                     this cannot be undone."
                    ))
                    .wrap(),
                );
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    if ui
                        .button(RichText::new("Delete").color(error_color(ui)))
                        .clicked()
                    {
                        actions.push(Action::Delete(key));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        if close || modal.should_close() {
            self.confirm_delete = None;
        }
    }
}

/// A group in the list: name, then epoch, members, suite and markers.
/// Returns whether it was clicked.
pub(super) fn group_row_ui(ui: &mut Ui, row: &GroupRow, selected: bool) -> bool {
    let visuals = ui.visuals().clone();
    let fill = if selected {
        visuals.selection.bg_fill.gamma_multiply(0.6)
    } else {
        egui::Color32::TRANSPARENT
    };
    let inner = egui::Frame::new()
        .fill(fill)
        .inner_margin(egui::Margin::symmetric(6, 4))
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new(&row.name).strong());
                if row.pending {
                    ui.colored_label(warn_color(ui), "⚠ staged commit")
                        .on_hover_text("A commit waits for Apply or Discard");
                }
                if row.status == GroupStatus::Removed {
                    ui.colored_label(error_color(ui), "removed");
                }
                super::resumption::closed_badge(ui, row);
            });
            ui.weak(format!(
                "epoch {} · {} · suite {}",
                row.epoch,
                plural(row.member_count as usize, "member"),
                row.cipher_suite
            ));
            ui.weak(format!(
                "as {} · {}",
                row.identity_name,
                short_hex(&row.group_id_hex, 12)
            ));
        });
    let rect = inner.response.rect;
    let response = ui
        .interact(
            rect,
            ui.scope_id().with(("group_row", row.key.0)),
            Sense::click(),
        )
        .on_hover_text(format!(
            "{} · group id {}",
            row.suite_name, row.group_id_hex
        ));
    if response.hovered() && !selected {
        ui.painter().rect_stroke(
            rect,
            4.0,
            visuals.widgets.hovered.bg_stroke,
            egui::StrokeKind::Inside,
        );
    }
    ui.add_space(2.0);
    response.clicked()
}
