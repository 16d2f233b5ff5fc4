//! The "External senders" section of a group's page (RFC 9420 §12.1.8.1):
//! the entries of the group's `external_senders` extension (index,
//! identity, signature key fingerprint), "Add from file…" (an identity
//! file from the Key packages tab's "Export public identity…" or
//! `identity export`; dropping one on the panel does the same) and
//! "Remove sender #N". Both stage a GroupContextExtensions commit in the
//! background ([`Outcome::Finished`]; the file dialog comes back as
//! [`Outcome::Opened`] for [`OpenFor::ExternalSenders`]).
//!
//! Proposals the external senders send are received like any message and
//! appear on the Proposals block's pending list with their sender.

use egui::Ui;

use super::overview::section;
use super::state::{Action, GroupsPanel, OpenFor, Outcome};
use crate::ui::common::{Status, external_sender_labels};
use crate::ui::dialogs::open_dialog;
use crate::workspace::{GroupStatus, parse_external_sender};

impl GroupsPanel {
    /// The "External senders" block of the actions column.
    pub(super) fn external_senders_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(snapshot) = self.snapshot.as_ref() else {
            return;
        };
        let Some(details) = snapshot.details.as_ref() else {
            return;
        };
        let enabled = !self.jobs.busy()
            && details.pending.is_none()
            && snapshot.row.status == GroupStatus::Active
            && snapshot.row.reinitialised.is_none();
        let senders = &details.external_senders;
        section(ui, "External senders", |ui| {
            if senders.is_empty() {
                ui.weak("none (no external_senders extension)");
            }
            for s in senders {
                ui.horizontal_wrapped(|ui| {
                    external_sender_labels(ui, s);
                    if ui
                        .add_enabled(
                            enabled,
                            egui::Button::new(format!("Remove sender #{}", s.index)).small(),
                        )
                        .on_hover_text(
                            "Stage a GroupContextExtensions commit without this sender \
                             (later ones move down one index)",
                        )
                        .clicked()
                    {
                        actions.push(Action::RemoveExternalSender(s.index, s.identity.clone()));
                    }
                });
            }
            if ui
                .add_enabled(enabled, egui::Button::new("Add from file…"))
                .on_hover_text(
                    "An identity file (Key packages tab: Export public identity…, or \
                     `identity export`): stages a GroupContextExtensions commit listing it. \
                     Dropping the file on the window does the same.",
                )
                .clicked()
            {
                actions.push(Action::OpenExternalSender);
            }
        });
    }

    /// Asks for an identity file to list as an external sender.
    pub(super) fn open_external_sender(&mut self) {
        open_dialog(
            &mut self.jobs,
            "Open an identity file (external sender)",
            false,
            |opened| Outcome::Opened {
                purpose: OpenFor::ExternalSenders,
                opened,
            },
        );
    }

    /// Whether dropped bytes are an identity file (an `ExternalSender`).
    pub(super) fn is_identity_file(bytes: &[u8]) -> bool {
        parse_external_sender(bytes).is_ok()
    }

    /// Stages a commit listing the identity file `bytes` as an external
    /// sender of the selected group.
    pub(super) fn add_external_sender(&mut self, name: &str, bytes: Vec<u8>) {
        let Some(k) = self.selected else {
            self.status = Some(Status::error(format!(
                "{name}: an identity file; select a group to list it as an external sender"
            )));
            return;
        };
        let name = name.to_owned();
        self.act(format!("Adding external sender {name}…"), move |ws| {
            let commit = ws.group_extensions(k, &[bytes], &[])?;
            Ok(Self::commit_done(
                &commit,
                &format!("Commit listing the external sender of {name}"),
            ))
        });
    }

    /// Stages a commit removing external sender `index`.
    pub(super) fn remove_external_sender(&mut self, index: u32, identity: String) {
        let Some(k) = self.selected else {
            return;
        };
        self.act(format!("Removing external sender #{index}…"), move |ws| {
            let commit = ws.group_extensions(k, &[], &[index])?;
            Ok(Self::commit_done(
                &commit,
                &format!("Commit removing external sender #{index} ({identity})"),
            ))
        });
    }
}
