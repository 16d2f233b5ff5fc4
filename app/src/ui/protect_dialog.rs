//! The window's place for `workspace protect | change-passphrase |
//! unprotect`: a dialog opened from the top bar's "unprotected" /
//! "protected" mark. The passphrases live in zeroizing buffers reserved
//! once, and egui's undo history of the fields is emptied every frame (as
//! in the lock prompt). The work (Argon2id, re-sealing every secret
//! column in one transaction) runs as a job of the shell.

use egui::Ui;
use zeroize::Zeroizing;

/// What the dialog does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtectMode {
    /// Set a passphrase on an unprotected workspace.
    Protect,
    /// Replace the passphrase.
    Change,
    /// Remove the protection.
    Remove,
}

/// What the user asked for.
pub enum ProtectRequest {
    Protect(Zeroizing<String>),
    Change {
        old: Zeroizing<String>,
        new: Zeroizing<String>,
    },
    Remove(Zeroizing<String>),
}

/// What a frame of the dialog came to.
pub enum Answer {
    /// Nothing yet.
    Open,
    /// The user confirmed.
    Confirm(ProtectRequest),
    /// The user closed it.
    Close,
}

/// The dialog's state.
pub struct ProtectDialog {
    pub mode: ProtectMode,
    current: Zeroizing<String>,
    new: Zeroizing<String>,
    repeat: Zeroizing<String>,
    /// Why the last attempt was refused.
    pub error: Option<String>,
    /// The job runs.
    pub busy: bool,
}

/// Room reserved per passphrase field (typing never moves the text).
const CAPACITY: usize = 1024;

fn field() -> Zeroizing<String> {
    Zeroizing::new(String::with_capacity(CAPACITY))
}

impl ProtectDialog {
    /// The dialog for a workspace that is (or is not) protected.
    pub fn new(protected: bool) -> Self {
        ProtectDialog {
            mode: if protected {
                ProtectMode::Change
            } else {
                ProtectMode::Protect
            },
            current: field(),
            new: field(),
            repeat: field(),
            error: None,
            busy: false,
        }
    }

    /// Draws the dialog as a modal.
    pub fn show(&mut self, ctx: &egui::Context) -> Answer {
        let mut out = Answer::Open;
        let modal = egui::Modal::new(egui::Id::unique("protect_dialog")).show(ctx, |ui| {
            ui.set_width(420.0);
            out = self.body(ui);
        });
        if modal.should_close() && !self.busy {
            return Answer::Close;
        }
        out
    }

    fn body(&mut self, ui: &mut Ui) -> Answer {
        let protected = self.mode != ProtectMode::Protect;
        ui.heading(if protected {
            "Workspace passphrase"
        } else {
            "Protect the workspace"
        });
        if protected {
            ui.horizontal(|ui| {
                ui.selectable_value(&mut self.mode, ProtectMode::Change, "Change");
                ui.selectable_value(&mut self.mode, ProtectMode::Remove, "Remove");
            });
        }
        ui.label(match self.mode {
            ProtectMode::Protect => {
                "A passphrase seals every secret of the workspace (signature and HPKE keys, \
                 group states, PSKs, kept messages) under a key derived with Argon2id; the \
                 window asks for it when it opens the file."
            }
            ProtectMode::Change => "The secrets are sealed again under the new passphrase.",
            ProtectMode::Remove => {
                "The secrets are stored in clear again (the file stays mode 0600)."
            }
        });
        egui::Grid::new("protect_fields")
            .num_columns(2)
            .show(ui, |ui| {
                if protected {
                    password(
                        ui,
                        "Current passphrase:",
                        &mut self.current,
                        "protect_current",
                    );
                    ui.end_row();
                }
                if self.mode != ProtectMode::Remove {
                    password(ui, "New passphrase:", &mut self.new, "protect_new");
                    ui.end_row();
                    password(ui, "Repeat:", &mut self.repeat, "protect_repeat");
                    ui.end_row();
                }
            });
        if let Some(e) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, e);
        }
        let mut out = Answer::Open;
        ui.horizontal(|ui| {
            let go = match self.mode {
                ProtectMode::Protect => "Protect",
                ProtectMode::Change => "Change passphrase",
                ProtectMode::Remove => "Remove protection",
            };
            if ui.add_enabled(!self.busy, egui::Button::new(go)).clicked()
                && let Some(request) = self.request()
            {
                out = Answer::Confirm(request);
            }
            if ui
                .add_enabled(!self.busy, egui::Button::new("Cancel"))
                .clicked()
            {
                out = Answer::Close;
            }
            if self.busy {
                ui.spinner();
            }
        });
        out
    }

    /// The request the fields make, or why not (in `error`).
    fn request(&mut self) -> Option<ProtectRequest> {
        let take = |s: &mut Zeroizing<String>| {
            let out = Zeroizing::new(s.as_str().to_owned());
            zeroize::Zeroize::zeroize(&mut **s);
            out
        };
        if self.mode != ProtectMode::Protect && self.current.is_empty() {
            self.error = Some("Give the current passphrase.".into());
            return None;
        }
        if self.mode != ProtectMode::Remove {
            if self.new.is_empty() {
                self.error = Some("The new passphrase is empty.".into());
                return None;
            }
            if *self.new != *self.repeat {
                self.error = Some("The two new passphrases differ.".into());
                zeroize::Zeroize::zeroize(&mut *self.repeat);
                return None;
            }
        }
        self.error = None;
        self.busy = true;
        let _ = take(&mut self.repeat);
        Some(match self.mode {
            ProtectMode::Protect => ProtectRequest::Protect(take(&mut self.new)),
            ProtectMode::Change => ProtectRequest::Change {
                old: take(&mut self.current),
                new: take(&mut self.new),
            },
            ProtectMode::Remove => ProtectRequest::Remove(take(&mut self.current)),
        })
    }
}

/// A labelled password field whose undo history is forgotten.
fn password(ui: &mut Ui, label: &str, text: &mut Zeroizing<String>, id: &str) {
    let label = ui.label(label);
    let id = egui::Id::unique(("protect_dialog", id));
    ui.add(
        egui::TextEdit::singleline(&mut **text)
            .password(true)
            .id(id)
            .desired_width(240.0),
    )
    .labelled_by(label.id);
    super::lock::forget_undo_history(ui.ctx(), id);
}
