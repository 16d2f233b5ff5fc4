//! The group page's "Re-initialise and branch" section (RFC 9420 §11.2,
//! §11.3): the "Re-initialise…" dialog (new group id and suite; stages a
//! commit with a ReInit), the "Create successor…" dialog of a closed group
//! and the "Branch…" dialog (creator identity and the members' new key
//! packages, one a line). Each runs as a background job
//! ([`super::state::Outcome::Finished`]); the new group's Welcome and
//! commit come back as produced messages.

use egui::{RichText, Ui};
use mls_core::crypto::CipherSuite;

use super::overview::section;
use super::state::{Action, Done, GroupView, GroupsPanel};
use crate::ui::common::{Output, labelled_edit_fill, read_input, suite_short, warn_color};
use crate::workspace::{GroupRow, IdentityKey, ReInitInfo, ReInitRequest, Resumed};

/// Which dialog is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialog {
    ReInit,
    Successor,
    Branch,
}

/// The dialogs' fields.
#[derive(Debug, Default)]
pub(crate) struct ResumptionForm {
    pub(super) dialog: Option<Dialog>,
    /// New group id, hex (empty: random).
    pub(super) group_id: String,
    /// The ReInit's suite (`None`: the group's).
    pub(super) suite: Option<u16>,
    /// The creator of a successor or branch.
    pub(super) identity: Option<IdentityKey>,
    /// Key packages: file paths, hex or base64, one a line.
    pub(super) key_packages: String,
}

/// A new group's request from a dialog.
#[derive(Debug)]
pub(super) struct LinkedRequest {
    pub(super) identity: IdentityKey,
    pub(super) key_packages: Vec<Vec<u8>>,
    pub(super) group_id: Option<Vec<u8>>,
}

/// Hex, spaces allowed, empty = none.
fn hex_field(text: &str) -> Result<Option<Vec<u8>>, String> {
    let digits: String = text
        .trim()
        .trim_start_matches("0x")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if digits.is_empty() {
        return Ok(None);
    }
    hex::decode(&digits)
        .map(Some)
        .map_err(|e| format!("the group id is not hex: {e}"))
}

/// "re-initialised ➡ id, suite" (the window's fonts have no "→").
fn marker(info: &ReInitInfo) -> String {
    format!(
        "re-initialised ➡ {}, {}",
        info.new_group_id_hex, info.suite_name
    )
}

/// Why the group takes no operation, if it is closed.
pub(super) fn closed_reason(row: &GroupRow) -> Option<String> {
    row.reinitialised.as_ref().map(|info| {
        format!(
            "Closed: {}. It stays readable; its actions are disabled. Create the successor below.",
            marker(info)
        )
    })
}

impl GroupsPanel {
    /// The "Re-initialise and branch" section of the actions column.
    pub(super) fn resumption_ui(&mut self, ui: &mut Ui, commit_enabled: bool) {
        let Some(row) = self.snapshot.as_ref().map(|s| s.row.clone()) else {
            return;
        };
        let busy = self.jobs.busy();
        section(ui, "Re-initialise and branch", |ui| {
            if let Some(info) = &row.reinitialised {
                ui.colored_label(warn_color(ui), marker(info));
                // This member's copy of the successor, once created or joined.
                let successor = self
                    .groups
                    .iter()
                    .find(|g| g.group_id_hex == info.new_group_id_hex && g.identity == row.identity)
                    .map(|g| (g.key, g.name.clone()));
                if let Some((key, name)) = successor {
                    ui.horizontal(|ui| {
                        ui.label("Successor:");
                        if ui
                            .link(format!("{key} {name}"))
                            .on_hover_text("Open the group that re-initialises this one")
                            .clicked()
                        {
                            self.select(Some(key));
                        }
                    });
                    return;
                }
                if ui
                    .add_enabled(!busy, egui::Button::new("Create successor…"))
                    .on_hover_text(
                        "Create the new group the ReInit names, with the members' new key packages",
                    )
                    .clicked()
                {
                    self.open_dialog(Dialog::Successor, &row);
                }
                return;
            }
            if let Some(link) = &row.resumes {
                ui.weak(link.to_string());
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(commit_enabled, egui::Button::new("Re-initialise…"))
                    .on_hover_text("Stage a commit with a ReInit proposal (new group id, suite): applying it closes this group")
                    .clicked()
                {
                    self.open_dialog(Dialog::ReInit, &row);
                }
                if ui
                    .add_enabled(commit_enabled, egui::Button::new("Branch…"))
                    .on_hover_text("Create a subgroup with some of the members, linked by this epoch's resumption PSK")
                    .clicked()
                {
                    self.open_dialog(Dialog::Branch, &row);
                }
            });
        });
    }

    fn open_dialog(&mut self, dialog: Dialog, row: &GroupRow) {
        let wanted = row
            .reinitialised
            .as_ref()
            .map_or(row.cipher_suite, |i| i.cipher_suite);
        let identity = if dialog == Dialog::Successor {
            self.fitting_identities(wanted).first().map(|(k, _)| *k)
        } else {
            Some(row.identity)
        };
        let form = &mut self.resumption;
        form.dialog = Some(dialog);
        form.group_id.clear();
        form.key_packages.clear();
        form.suite = None;
        form.identity = identity;
    }

    /// Identities whose signature key can sign in `suite`.
    fn fitting_identities(&self, suite: u16) -> Vec<(IdentityKey, String)> {
        let scheme = |id: u16| CipherSuite::from_u16(id).map(|cs| cs.signature_scheme());
        self.identities
            .iter()
            .filter(|i| scheme(i.cipher_suite).is_some() && scheme(i.cipher_suite) == scheme(suite))
            .map(|i| (i.key, i.name.clone()))
            .collect()
    }

    /// The open dialog, as a modal.
    pub(super) fn resumption_modal(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(dialog) = self.resumption.dialog else {
            return;
        };
        let Some(row) = self.snapshot.as_ref().map(|s| s.row.clone()) else {
            return;
        };
        let mut close = false;
        let modal = egui::Modal::new(egui::Id::unique("resumption_dialog")).show(ui.ctx(), |ui| {
            ui.set_width(460.0);
            match dialog {
                Dialog::ReInit => close = self.reinit_dialog(ui, &row, actions),
                Dialog::Successor | Dialog::Branch => {
                    close = self.linked_dialog(ui, dialog, &row, actions);
                }
            }
        });
        if close || modal.should_close() {
            self.resumption.dialog = None;
        }
    }

    /// The "Re-initialise…" dialog; true when it should close.
    fn reinit_dialog(&mut self, ui: &mut Ui, row: &GroupRow, actions: &mut Vec<Action>) -> bool {
        let form = &mut self.resumption;
        ui.heading(format!("Re-initialise group {}", row.name));
        ui.add(
            egui::Label::new(
                "A commit with a ReInit proposal (RFC 9420 §11.2). Once applied by the members the group is closed; a member then creates the new group with the ReInit's id and suite, linked by the old group's last resumption PSK.",
            )
            .wrap(),
        );
        ui.horizontal(|ui| {
            labelled_edit_fill(
                ui,
                "New group id:",
                &mut form.group_id,
                "hex (empty: random)",
                0.0,
            );
        });
        let suite = form.suite.unwrap_or(row.cipher_suite);
        ui.horizontal(|ui| {
            let label = ui.label("New cipher suite:");
            egui::ComboBox::from_id_salt("reinit_suite")
                .selected_text(format!("{suite}: {}", suite_short(suite)))
                .width(260.0)
                .show_ui(ui, |ui| {
                    for cs in CipherSuite::ALL {
                        let mut chosen = suite;
                        if ui
                            .selectable_value(
                                &mut chosen,
                                cs.id(),
                                format!("{}: {}", cs.id(), suite_short(cs.id())),
                            )
                            .on_hover_text(cs.name())
                            .clicked()
                        {
                            form.suite = Some(cs.id());
                        }
                    }
                })
                .response
                .labelled_by(label.id);
        });
        let checked = hex_field(&form.group_id).and_then(|id| {
            if id.as_deref() == Some(row.group_id.as_slice()) {
                Err(String::from(
                    "the new group id must differ from this group's",
                ))
            } else {
                Ok(id)
            }
        });
        if let Err(e) = &checked {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        let mut close = false;
        ui.horizontal(|ui| {
            if ui
                .add_enabled(checked.is_ok(), egui::Button::new("Stage ReInit commit"))
                .clicked()
                && let Ok(group_id) = &checked
            {
                actions.push(Action::ReInit(ReInitRequest {
                    group_id: group_id.clone(),
                    cipher_suite: form.suite,
                    version: None,
                }));
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
        close
    }

    /// The "Create successor…" or "Branch…" dialog; true when it should
    /// close.
    fn linked_dialog(
        &mut self,
        ui: &mut Ui,
        dialog: Dialog,
        row: &GroupRow,
        actions: &mut Vec<Action>,
    ) -> bool {
        let suite = row
            .reinitialised
            .as_ref()
            .map_or(row.cipher_suite, |i| i.cipher_suite);
        let identities = self.fitting_identities(suite);
        let form = &mut self.resumption;
        if dialog == Dialog::Successor {
            ui.heading(format!("Create the successor of {}", row.name));
            ui.add(egui::Label::new(format!(
                "The new group takes the ReInit's id and suite {suite} ({}). Give an identity of that suite and the other members' new key packages in it.",
                suite_short(suite)
            )).wrap());
        } else {
            ui.heading(format!("Branch group {}", row.name));
            ui.add(egui::Label::new(
                "A subgroup in the same suite (RFC 9420 §11.3): this member and the members whose new key packages you give.",
            ).wrap());
            ui.horizontal(|ui| {
                labelled_edit_fill(
                    ui,
                    "Branch group id:",
                    &mut form.group_id,
                    "hex (empty: random)",
                    0.0,
                );
            });
        }
        ui.horizontal(|ui| {
            let label = ui.label("Creator identity:");
            let selected = identities
                .iter()
                .find(|(k, _)| Some(*k) == form.identity)
                .map_or_else(|| String::from("(none of this suite)"), |(_, n)| n.clone());
            egui::ComboBox::from_id_salt("linked_identity")
                .selected_text(selected)
                .show_ui(ui, |ui| {
                    for (key, name) in &identities {
                        ui.selectable_value(&mut form.identity, Some(*key), name);
                    }
                })
                .response
                .labelled_by(label.id);
        });
        let label = ui.label("Key packages:");
        ui.add(
            egui::TextEdit::multiline(&mut form.key_packages)
                .hint_text("one a line: file path, hex or base64")
                .desired_rows(3)
                .desired_width(f32::INFINITY),
        )
        .labelled_by(label.id);
        let checked = (|| {
            let identity = form.identity.ok_or("choose the creator identity")?;
            let key_packages = form
                .key_packages
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| read_input(l).map(|(_, bytes)| bytes))
                .collect::<Result<Vec<_>, String>>()?;
            if key_packages.is_empty() {
                return Err(String::from("give at least one key package"));
            }
            let group_id = if dialog == Dialog::Branch {
                hex_field(&form.group_id)?
            } else {
                None
            };
            Ok(LinkedRequest {
                identity,
                key_packages,
                group_id,
            })
        })();
        if let Err(e) = &checked {
            ui.colored_label(ui.visuals().error_fg_color, e.to_string());
        }
        let mut close = false;
        let button = if dialog == Dialog::Successor {
            "Create successor"
        } else {
            "Create branch"
        };
        ui.horizontal(|ui| {
            if ui
                .add_enabled(checked.is_ok(), egui::Button::new(button))
                .clicked()
                && let Ok(request) = checked
            {
                actions.push(if dialog == Dialog::Successor {
                    Action::ReInitCreate(request)
                } else {
                    Action::Branch(request)
                });
                close = true;
            }
            if ui.button("Cancel").clicked() {
                close = true;
            }
        });
        close
    }

    /// Stages a ReInit commit in the background.
    pub(super) fn stage_reinit(&mut self, request: ReInitRequest) {
        let Some(k) = self.selected else { return };
        self.act("Staging the ReInit commit…", move |ws| {
            let commit = ws.group_reinit(k, &request)?;
            Ok(Self::commit_done(&commit, "ReInit commit"))
        });
    }

    /// Creates a successor (`branch` false) or a branch in the background;
    /// the new group is selected and its Welcome offered.
    pub(super) fn create_linked(&mut self, request: LinkedRequest, branch: bool) {
        let Some(k) = self.selected else { return };
        let status = if branch {
            "Branching…"
        } else {
            "Creating the successor…"
        };
        self.act(status, move |ws| {
            let resumed = if branch {
                ws.branch(k, request.identity, &request.key_packages, request.group_id)?
            } else {
                ws.reinit_create(k, request.identity, &request.key_packages)?
            };
            Ok(linked_done(&resumed, branch))
        });
    }
}

/// What creating a successor or branch reports.
fn linked_done(resumed: &Resumed, branch: bool) -> Done {
    let row = &resumed.row;
    let what = if branch { "Branch" } else { "Successor" };
    let mut done = Done::new(format!(
        "{what} {} created ({} members, epoch {}): save the Welcome below for the members",
        row.name, row.member_count, row.epoch
    ))
    .select(row.key)
    .view(GroupView::Overview);
    if let Some(w) = &resumed.welcome {
        done.outputs.push(Output::new(
            format!("Welcome to {}", row.name),
            format!("welcome-{}.mls", row.group_id_hex),
            w.clone(),
        ));
    }
    done.outputs.push(Output::new(
        format!("First commit of {}", row.name),
        format!("commit-{}.mls", row.group_id_hex),
        resumed.commit.clone(),
    ));
    done
}

/// The closed marker for the page header.
pub(super) fn closed_badge(ui: &mut Ui, row: &GroupRow) {
    if row.reinitialised.is_some() {
        ui.colored_label(warn_color(ui), RichText::new("re-initialised").strong());
    }
}
