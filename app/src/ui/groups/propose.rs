//! Proposals in the Groups panel: the "Propose…" menu (add a queued key
//! package, remove a member, update, an external or resumption PSK, group
//! context extensions), the
//! epoch's pending proposals (the one Commit button of the Commit section
//! covers them by reference). Proposing runs as a background job
//! that comes back as [`Outcome::Proposed`].

use egui::Ui;

use super::load::load_group;
use super::overview::section;
use super::state::{Action, GroupsPanel, Loaded, Outcome};
use crate::ui::common::{Output, Status, short_hex};
use crate::workspace::{GroupKey, ProposalRequest, ProposalSent};

/// Hex digits of a proposal reference shown in the list.
const REF_DIGITS: usize = 16;

/// The inputs of the "Propose…" menu.
#[derive(Debug, Clone, Default)]
pub(crate) struct ProposeForm {
    /// External PSK id, hex.
    pub(super) psk_id: String,
    /// Resumption PSK epoch.
    pub(super) psk_epoch: u64,
    /// The queued key package (reference, hex) an Add proposal in flight
    /// takes off the add list once it is made.
    pub(super) unqueue: Option<String>,
    /// GroupContextExtensions: the extension type (number).
    pub(super) extension_type: String,
    /// GroupContextExtensions: the extension data, hex.
    pub(super) extension_data: String,
}

impl GroupsPanel {
    /// The "Proposals" block of the actions column: the menu, the pending
    /// proposals and their Commit button.
    pub(super) fn proposals_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(snapshot) = self.snapshot.as_ref() else {
            return;
        };
        let Some(details) = snapshot.details.as_ref() else {
            return;
        };
        // Not in a group a ReInit closed (it takes no new operation).
        let enabled =
            !self.jobs.busy() && details.pending.is_none() && snapshot.row.reinitialised.is_none();
        let epoch = snapshot.row.epoch;
        // Borrowed, not copied every frame (30,000 identities in a large
        // group).
        let members = &details.members;
        let proposals = &snapshot.proposals;
        let mut request: Option<(ProposalRequest, String)> = None;
        let queue = &self.add_queue;
        let form = &mut self.propose;

        section(ui, "Proposals", |ui| {
            ui.add_enabled_ui(enabled, |ui| {
                ui.menu_button("Propose…", |ui| {
                    ui.label("Add (from the add list below):");
                    if queue.is_empty() {
                        ui.weak("  no key package on the list yet");
                    }
                    for kp in queue {
                        let label = format!("Propose adding {}", kp.credential);
                        if ui.button(&label).clicked() {
                            form.unqueue = Some(kp.reference_hex.clone());
                            request = Some((
                                ProposalRequest::Add(kp.bytes.clone()),
                                format!("adding {}", kp.credential),
                            ));
                            ui.close();
                        }
                    }
                    if ui
                        .button("Open key package files…")
                        .on_hover_text(
                            "Put key packages on the add list (as dropping them does), \
                             then propose adding them here",
                        )
                        .clicked()
                    {
                        actions.push(Action::OpenKeyPackages);
                        ui.close();
                    }
                    ui.separator();
                    for (leaf, name) in members
                        .iter()
                        .filter(|m| !m.is_self)
                        .map(|m| (&m.leaf, &m.identity))
                    {
                        if ui
                            .button(format!("Propose removing {name} (leaf {leaf})"))
                            .clicked()
                        {
                            request =
                                Some((ProposalRequest::Remove(*leaf), format!("removing {name}")));
                            ui.close();
                        }
                    }
                    if ui
                        .button("Propose an update")
                        .on_hover_text("A fresh encryption key for this member's leaf")
                        .clicked()
                    {
                        request = Some((ProposalRequest::Update, String::from("an update")));
                        ui.close();
                    }
                    ui.separator();
                    ui.horizontal(|ui| {
                        let label = ui.label("External PSK id (hex):");
                        ui.add(
                            egui::TextEdit::singleline(&mut form.psk_id)
                                .desired_width(120.0)
                                .hint_text("e.g. 0a0b"),
                        )
                        .labelled_by(label.id);
                    });
                    let id = hex::decode(form.psk_id.trim());
                    let valid = id.as_ref().is_ok_and(|id| !id.is_empty());
                    if ui
                        .add_enabled(valid, egui::Button::new("Propose external PSK"))
                        .on_hover_text(
                            "Every member must hold this PSK (Key packages tab or `psk add`)",
                        )
                        .clicked()
                        && let Ok(id) = id
                    {
                        let text = format!("external PSK {}", hex::encode(&id));
                        request = Some((ProposalRequest::ExternalPsk(id), text));
                        ui.close();
                    }
                    ui.horizontal(|ui| {
                        let label = ui.label("Resumption PSK of epoch:");
                        ui.add(egui::DragValue::new(&mut form.psk_epoch).range(0..=epoch))
                            .labelled_by(label.id);
                    });
                    if ui.button("Propose resumption PSK").clicked() {
                        request = Some((
                            ProposalRequest::ResumptionPsk(form.psk_epoch),
                            format!("the resumption PSK of epoch {}", form.psk_epoch),
                        ));
                        ui.close();
                    }
                    ui.separator();
                    if let Some(r) = extensions_menu(ui, form) {
                        request = Some(r);
                        ui.close();
                    }
                });
            });

            ui.label(format!("Pending proposals (epoch {epoch}):"));
            if proposals.is_empty() {
                ui.weak("none");
            }
            for p in proposals {
                ui.horizontal_wrapped(|ui| {
                    ui.monospace(short_hex(&p.reference_hex, REF_DIGITS))
                        .on_hover_text(&p.reference_hex);
                    ui.label(format!("{} — from {}", p.what, p.sender));
                    if p.left_out_by_own_commit {
                        ui.weak("(own update: left out of this member's commit)");
                    }
                });
            }
            if !proposals.is_empty() {
                ui.weak("The Commit button (above) covers them by reference.");
            }
        });
        if let Some((request, text)) = request {
            self.propose(request, text);
        }
    }

    /// Makes a proposal in the background ([`Outcome::Proposed`]).
    pub(super) fn propose(&mut self, request: ProposalRequest, text: String) {
        let Some(key) = self.selected else {
            return;
        };
        self.status = None;
        self.jobs.spawn(format!("Proposing {text}…"), move |ws| {
            Outcome::Proposed {
                key,
                result: ws.propose(key, &request).map_err(|e| e.to_string()),
                loaded: Box::new(load_group(ws, key).map_err(|e| e.to_string())),
                stamp: ws.change_stamp().ok(),
            }
        });
    }

    /// Shows what a proposal job did: the message to send, the reloaded
    /// group (with the proposal on the pending list).
    pub(super) fn apply_proposed(
        &mut self,
        key: GroupKey,
        result: Result<ProposalSent, String>,
        loaded: Result<Loaded, String>,
        stamp: Option<u64>,
    ) {
        match result {
            Ok(sent) => {
                if let Some(reference) = self.propose.unqueue.take() {
                    self.add_queue.retain(|k| k.reference_hex != reference);
                }
                self.status = Some(Status::ok(format!(
                    "Proposed {} in epoch {}: save the proposal below for the members; the Commit button covers it",
                    sent.row.what, sent.epoch
                )));
                self.outputs = vec![Output::new(
                    format!("Proposal: {} (epoch {})", sent.row.what, sent.epoch),
                    format!("proposal-epoch{}-{}.mls", sent.epoch, sent.row.kind),
                    sent.message,
                )];
            }
            Err(e) => {
                self.propose.unqueue = None;
                self.status = Some(Status::error(e));
            }
        }
        self.apply_loaded(key, loaded);
        self.stamp = stamp;
    }
}

/// The "Group context extensions" part of the menu: set (add or replace)
/// or remove one extension of the group context; the proposal to make,
/// if a button was clicked.
fn extensions_menu(ui: &mut Ui, form: &mut ProposeForm) -> Option<(ProposalRequest, String)> {
    ui.label("Group context extensions:");
    ui.horizontal(|ui| {
        let label = ui.label("Extension type:");
        ui.add(
            egui::TextEdit::singleline(&mut form.extension_type)
                .desired_width(60.0)
                .hint_text("e.g. 1"),
        )
        .labelled_by(label.id);
    });
    ui.horizontal(|ui| {
        let label = ui.label("Extension data (hex):");
        ui.add(
            egui::TextEdit::singleline(&mut form.extension_data)
                .desired_width(160.0)
                .hint_text("extension_data bytes"),
        )
        .labelled_by(label.id);
    });
    let t = form.extension_type.trim().parse::<u16>().ok();
    let data = hex::decode(form.extension_data.trim()).ok();
    let mut out = None;
    if ui
        .add_enabled(
            t.is_some() && data.is_some(),
            egui::Button::new("Propose setting the extension"),
        )
        .on_hover_text(
            "GroupContextExtensions: the current extensions with this type added or replaced",
        )
        .clicked()
        && let (Some(t), Some(data)) = (t, data)
    {
        out = Some((
            ProposalRequest::Extensions {
                set: vec![(t, data)],
                unset: Vec::new(),
            },
            format!("setting group context extension {t}"),
        ));
    }
    if ui
        .add_enabled(
            t.is_some(),
            egui::Button::new("Propose removing the extension"),
        )
        .on_hover_text("GroupContextExtensions: the current extensions without this type")
        .clicked()
        && let Some(t) = t
    {
        out = Some((
            ProposalRequest::Extensions {
                set: Vec::new(),
                unset: vec![t],
            },
            format!("removing group context extension {t}"),
        ));
    }
    out
}
