//! The overview's "Export secret…" form: label, context (hex) and length,
//! checked as they are typed; the MLS-Exporter value (RFC 9420 §8.5) comes
//! back from a job as [`Outcome::Exported`] and is shown only after a click
//! on Reveal. It is never logged or put in a status line.

use egui::{RichText, Ui};
use mls_core::crypto::CipherSuite;

use super::overview::section;
use super::state::{Action, GroupsPanel, Outcome};
use crate::ui::common::{Status, labelled_edit_fill};
use crate::workspace::{ExportedSecret, GroupKey, check_export_length};

/// The form and the last value it exported.
#[derive(Debug, Default)]
pub(crate) struct ExportForm {
    pub(super) label: String,
    pub(super) context: String,
    pub(super) length: String,
    /// The last exported value (redacted in `Debug`).
    pub(super) result: Option<ExportedSecret>,
    /// Reveal was clicked for `result`.
    pub(super) revealed: bool,
}

/// What the form asks for, once it parses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ExportRequest {
    pub(super) label: String,
    pub(super) context: Vec<u8>,
    pub(super) length: usize,
}

impl ExportForm {
    /// The form's fields checked for a suite of hash length `hash_len`:
    /// the context is hex (spaces allowed), the length 1..=255 × Nh (empty:
    /// Nh). The error is one line.
    pub(super) fn request(&self, hash_len: usize) -> Result<ExportRequest, String> {
        let digits: String = self
            .context
            .trim()
            .trim_start_matches("0x")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        let context = hex::decode(&digits).map_err(|e| format!("the context is not hex: {e}"))?;
        let text = self.length.trim();
        let length = if text.is_empty() {
            hash_len
        } else {
            text.parse::<usize>()
                .map_err(|_| format!("the length {text:?} is not a whole number of bytes"))?
        };
        check_export_length(length, hash_len)?;
        Ok(ExportRequest {
            label: self.label.clone(),
            context,
            length,
        })
    }
}

impl GroupsPanel {
    /// The "Export secret…" section of the actions column.
    pub(super) fn export_secret_ui(
        &mut self,
        ui: &mut Ui,
        enabled: bool,
        actions: &mut Vec<Action>,
    ) {
        let Some(snap) = &self.snapshot else {
            return;
        };
        let (key, epoch) = (snap.row.key, snap.row.epoch);
        let hash_len = CipherSuite::from_u16(snap.row.cipher_suite).map(|cs| cs.hash_len());
        // A value of another group or epoch is not this one's.
        if self
            .export
            .result
            .as_ref()
            .is_some_and(|r| r.group != key || r.epoch != epoch)
        {
            self.export.result = None;
            self.export.revealed = false;
        }
        section(ui, "Export secret…", |ui| {
            ui.weak("MLS-Exporter(label, context, length), RFC 9420 §8.5: every member of this epoch derives the same value.");
            ui.horizontal(|ui| {
                labelled_edit_fill(ui, "Exporter label:", &mut self.export.label, "text", 0.0);
            });
            ui.horizontal(|ui| {
                labelled_edit_fill(
                    ui,
                    "Exporter context:",
                    &mut self.export.context,
                    "hex (empty: none)",
                    0.0,
                );
            });
            let default_len = hash_len.map_or_else(String::new, |n| format!("{n} (hash length)"));
            ui.horizontal(|ui| {
                labelled_edit_fill(
                    ui,
                    "Exporter length:",
                    &mut self.export.length,
                    &default_len,
                    0.0,
                );
            });
            let checked = match hash_len {
                Some(n) => self.export.request(n),
                None => Err(String::from("this cipher suite is not supported")),
            };
            if let Err(e) = &checked {
                ui.colored_label(ui.visuals().error_fg_color, e);
            }
            if ui
                .add_enabled(
                    enabled && checked.is_ok(),
                    egui::Button::new("Export secret"),
                )
                .on_hover_text("Derive the value now; it is shown after a click on Reveal")
                .clicked()
            {
                actions.push(Action::ExportSecret);
            }
            let Some(result) = &self.export.result else {
                return;
            };
            ui.label(format!(
                "Epoch {} · label {:?} · context {} · {} bytes",
                result.epoch,
                result.label,
                if result.context.is_empty() {
                    String::from("(empty)")
                } else {
                    hex::encode(&result.context)
                },
                result.length
            ));
            if self.export.revealed {
                let secret = hex::encode(result.secret.as_bytes());
                ui.add(egui::Label::new(RichText::new(&secret).monospace()).wrap());
                ui.horizontal(|ui| {
                    if ui.button("Copy").clicked() {
                        ui.ctx().copy_text(secret.clone());
                    }
                    if ui.button("Hide").clicked() {
                        self.export.revealed = false;
                    }
                });
            } else if ui
                .button("Reveal")
                .on_hover_text("Show the secret value (hex)")
                .clicked()
            {
                self.export.revealed = true;
            }
        });
    }

    /// Derives the value of the form for group `key` in the background.
    pub(super) fn export_secret(&mut self, key: GroupKey) {
        let Some(hash_len) = self
            .snapshot
            .as_ref()
            .and_then(|s| CipherSuite::from_u16(s.row.cipher_suite))
            .map(|cs| cs.hash_len())
        else {
            return;
        };
        let request = match self.export.request(hash_len) {
            Ok(r) => r,
            Err(e) => {
                self.status = Some(Status::error(e));
                return;
            }
        };
        self.jobs
            .spawn("Exporting a secret…", move |ws| Outcome::Exported {
                key,
                result: ws
                    .export_secret(key, &request.label, &request.context, Some(request.length))
                    .map_err(|e| e.to_string()),
            });
    }

    /// Keeps an exported value (hidden until Reveal) or reports why there
    /// is none.
    pub(super) fn apply_exported(&mut self, key: GroupKey, result: Result<ExportedSecret, String>) {
        if self.selected != Some(key) {
            return;
        }
        match result {
            Ok(exported) => {
                self.status = Some(Status::ok(format!(
                    "Exported {} bytes from epoch {}: click Reveal to show them",
                    exported.length, exported.epoch
                )));
                self.export.result = Some(exported);
                self.export.revealed = false;
            }
            Err(e) => self.status = Some(Status::error(e)),
        }
    }
}
