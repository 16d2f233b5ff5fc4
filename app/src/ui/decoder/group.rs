//! The Decoder's "Group" selector: a message read with a group of the
//! workspace (read-only, nothing saved). With a group, a PublicMessage's
//! membership tag and signature are checked, and a PrivateMessage's sender
//! data and content are decrypted and shown as their own field trees,
//! marked decrypted. The reading is a workspace job
//! ([`crate::workspace::Workspace::read_with_group`]), like every other
//! access to the workspace.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use egui::{RichText, Ui};
use mls_core::inspect::{Field, SignatureOutcome};

use super::DecoderPanel;
use super::state::Outcome;
use super::state::short;
use crate::ui::common::{error_color, ok_color, warn_color};
use crate::workspace::{DecryptedPart, GroupKey, GroupReading};

/// A group the selector offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupChoice {
    pub key: GroupKey,
    /// `#N name (identity), epoch E`.
    pub label: String,
}

/// What the selector holds.
#[derive(Debug, Default)]
pub(crate) struct WithGroup {
    /// The workspace the groups come from.
    workspace: Option<PathBuf>,
    choices: Vec<GroupChoice>,
    selected: Option<GroupKey>,
    /// The reading of the current input with `selected`.
    reading: Option<(GroupKey, Result<Box<GroupReading>, String>)>,
    /// The combo box was open in the last frame.
    combo_open: bool,
}

/// Fields drawn at most per decrypted tree (the rest are counted).
const MAX_ROWS: usize = 2000;

impl DecoderPanel {
    /// The workspace whose groups the selector offers (`None`: no group
    /// can be chosen). A change forgets the selection.
    pub fn set_workspace(&mut self, db: Option<&Path>) {
        let db = db.map(Path::to_path_buf);
        if self.with_group.workspace == db {
            return;
        }
        self.jobs.set_db(db.as_deref());
        self.with_group = WithGroup {
            workspace: db,
            ..WithGroup::default()
        };
        self.refresh_groups();
    }

    /// Whether a workspace is open (the Group selector is shown).
    pub(super) fn has_workspace(&self) -> bool {
        self.with_group.workspace.is_some()
    }

    /// Asks the workspace for its groups again.
    pub fn refresh_groups(&mut self) {
        if self.with_group.workspace.is_none() {
            return;
        }
        self.jobs.spawn_quiet(|ws| match ws.groups() {
            Ok(rows) => Outcome::Groups(
                rows.into_iter()
                    .map(|g| GroupChoice {
                        key: g.key,
                        label: format!(
                            "{} {} ({}), epoch {}",
                            g.key, g.name, g.identity_name, g.epoch
                        ),
                    })
                    .collect(),
            ),
            Err(e) => Outcome::Status(crate::ui::common::Status::error(format!(
                "Cannot list the workspace's groups: {e}"
            ))),
        });
    }

    pub(super) fn set_group_choices(&mut self, choices: Vec<GroupChoice>) {
        self.with_group.choices = choices;
    }

    /// The groups offered (their labels).
    pub fn group_choices(&self) -> Vec<String> {
        self.with_group
            .choices
            .iter()
            .map(|c| c.label.clone())
            .collect()
    }

    /// Reads the input with `key` from now on (`None`: without a group).
    pub fn select_group(&mut self, key: Option<GroupKey>) {
        if self.with_group.selected == key {
            return;
        }
        self.with_group.selected = key;
        self.request_reading();
    }

    /// The group chosen.
    pub fn selected_group(&self) -> Option<GroupKey> {
        self.with_group.selected
    }

    /// What the chosen group made of the input: the reading, or why there
    /// is none.
    pub fn reading(&self) -> Option<Result<&GroupReading, &str>> {
        let (key, result) = self.with_group.reading.as_ref()?;
        if Some(*key) != self.with_group.selected {
            return None;
        }
        Some(match result {
            Ok(r) => Ok(r),
            Err(e) => Err(e),
        })
    }

    /// Starts reading the current input with the chosen group.
    pub(super) fn request_reading(&mut self) {
        self.with_group.reading = None;
        let (Some(key), Some(decoded)) = (self.with_group.selected, &self.current) else {
            return;
        };
        let input: Arc<[u8]> = Arc::from(decoded.input.bytes.as_slice());
        self.jobs.spawn_quiet(move |ws| {
            let result = ws
                .read_with_group(key, &input)
                .map(Box::new)
                .map_err(|e| e.to_string());
            Outcome::Read { key, input, result }
        });
    }

    /// A reading came back: kept if it is for what is shown now.
    pub(super) fn apply_reading(
        &mut self,
        key: GroupKey,
        input: &[u8],
        result: Result<Box<GroupReading>, String>,
    ) {
        let current = self.current.as_ref().map(|d| d.input.bytes.as_slice());
        if self.with_group.selected == Some(key) && current == Some(input) {
            self.with_group.reading = Some((key, result));
        }
    }

    /// The "Group:" selector (hidden without a workspace).
    pub(super) fn group_selector(&mut self, ui: &mut Ui) {
        if self.with_group.workspace.is_none() {
            return;
        }
        let label = ui.label("Group:");
        let text = match self.with_group.selected {
            None => "none".to_owned(),
            Some(key) => self
                .with_group
                .choices
                .iter()
                .find(|c| c.key == key)
                .map_or_else(|| key.to_string(), |c| c.label.clone()),
        };
        let mut chosen = self.with_group.selected;
        let combo = egui::ComboBox::from_id_salt("decoder_group")
            .selected_text(short(&text, 28))
            .width(180.0)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut chosen, None, "none");
                for c in &self.with_group.choices {
                    ui.selectable_value(&mut chosen, Some(c.key), &c.label);
                }
            });
        combo.response.labelled_by(label.id).on_hover_text(
            "Read the message as this group's member (nothing is saved): membership tag and \
             signature checked, a PrivateMessage decrypted with the keys of its epoch",
        );
        let open = combo.inner.is_some();
        if open && !self.with_group.combo_open {
            self.refresh_groups();
        }
        self.with_group.combo_open = open;
        self.select_group(chosen);
    }

    /// The reading's checks, under the input's summary.
    pub(super) fn reading_summary(&self, ui: &mut Ui) {
        let Some(reading) = self.reading() else {
            if self.with_group.selected.is_some() && self.current.is_some() {
                ui.weak("Reading with the group…");
            }
            return;
        };
        let r = match reading {
            Ok(r) => r,
            Err(e) => {
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("With the group: {e}")).color(error_color(ui)),
                    )
                    .wrap(),
                );
                return;
            }
        };
        let epochs = r
            .readable_epochs
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        ui.horizontal_wrapped(|ui| {
            let epoch = if r.current_epoch {
                format!("epoch {} (current)", r.epoch)
            } else {
                format!("epoch {} (kept past epoch)", r.epoch)
            };
            ui.label(RichText::new(format!("With group {}, {epoch}:", r.group)).strong())
                .on_hover_text(format!(
                    "The group keeps the keys of epochs {epochs} (setting past_epochs): the \
                     messages of those epochs can be read; older epochs' secrets are gone \
                     (forward secrecy)"
                ));
            for check in &r.checks {
                let text = RichText::new(format!("{} {}", check.mark(), check.what));
                let (text, hover) = match &check.outcome {
                    SignatureOutcome::Verified => (text.color(ok_color(ui)), "holds".to_owned()),
                    SignatureOutcome::Failed(why) => {
                        (text.color(error_color(ui)), format!("fails: {why}"))
                    }
                    SignatureOutcome::NotCheckable(why) => {
                        (text.color(warn_color(ui)), format!("not checked: {why}"))
                    }
                };
                ui.label(text).on_hover_text(hover);
            }
            if let Some(sender) = &r.sender {
                ui.label(format!("sender {sender}"));
            }
        });
        if let Some(e) = &r.decrypt_error {
            ui.add(
                egui::Label::new(
                    RichText::new(format!("Not decrypted: {e}")).color(error_color(ui)),
                )
                .wrap(),
            );
        }
    }

    /// The decrypted field trees, above the message's own tree.
    pub(super) fn decrypted_trees(&self, ui: &mut Ui) {
        let Some(Ok(r)) = self.reading() else {
            return;
        };
        let parts: Vec<&DecryptedPart> =
            [&r.sender_data, &r.content].into_iter().flatten().collect();
        if parts.is_empty() {
            return;
        }
        let max_height = (ui.available_height() * 0.45).max(80.0);
        egui::CollapsingHeader::new(
            RichText::new(format!("🔓 Decrypted with group {} (read-only)", r.group)).strong(),
        )
        .id_salt("decoder_decrypted")
        .default_open(true)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("decoder_decrypted_scroll")
                .max_height(max_height)
                .show(ui, |ui| {
                    for part in parts {
                        let mut rows = 0usize;
                        egui::CollapsingHeader::new(format!(
                            "{} (decrypted, {} bytes)",
                            part.name,
                            part.bytes.len()
                        ))
                        .id_salt(("decrypted", part.name))
                        .default_open(true)
                        .show(ui, |ui| {
                            for f in &part.fields {
                                field_rows(ui, f, &mut rows);
                            }
                            if let Some(e) = &part.error {
                                ui.colored_label(
                                    error_color(ui),
                                    format!("{} at byte {}: {}", e.path, e.offset, e.message),
                                );
                            }
                        });
                    }
                });
        });
        ui.separator();
    }
}

/// One decrypted field (and, when opened, what it holds).
fn field_rows(ui: &mut Ui, f: &Field, rows: &mut usize) {
    *rows += 1;
    if *rows > MAX_ROWS {
        if *rows == MAX_ROWS + 1 {
            ui.weak("… (more fields not shown)");
        }
        return;
    }
    let value = f
        .text
        .as_ref()
        .map(|t| format!("\"{}\"", crate::text::escape_controls(t)))
        .or_else(|| f.value.clone());
    let line = match &value {
        Some(v) => format!("{}: {}", f.label, short(v, 96)),
        None => format!("{} ({})", f.label, f.type_name),
    };
    let hover = format!(
        "{} — {}, bytes {}..{} of the plaintext",
        f.path, f.type_name, f.start, f.end
    );
    if f.children.is_empty() {
        ui.label(line).on_hover_text(hover);
    } else {
        egui::CollapsingHeader::new(line)
            .id_salt(("decrypted_field", &f.path))
            .default_open(f.path.matches('.').count() < 1)
            .show(ui, |ui| {
                for c in &f.children {
                    field_rows(ui, c, rows);
                }
            })
            .header_response
            .on_hover_text(hover);
    }
}
