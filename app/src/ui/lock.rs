//! A protected workspace in the window: the passphrase prompt shown
//! instead of the group manager, and the idle lock.
//!
//! Unlocking runs in a job (Argon2id takes about half a second); the key
//! is kept for this process ([`Workspace::unlock_session`]) so the panels'
//! background jobs open the file without asking again. After the idle
//! time (the workspace setting [`LOCK_AFTER_KEY`], in seconds, default
//! [`DEFAULT_LOCK_AFTER`]; 0: never) without input, the window forgets the
//! key and the panels' contents, and asks again.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::workspace::Workspace;

/// The workspace setting: seconds without input before the window locks
/// a protected workspace (0: never).
pub const LOCK_AFTER_KEY: &str = "lock_after_seconds";
/// Its default: ten minutes.
pub const DEFAULT_LOCK_AFTER: Duration = Duration::from_secs(600);

/// The passphrase prompt of a locked workspace.
#[derive(Debug)]
pub struct LockPrompt {
    /// The file.
    pub path: PathBuf,
    passphrase: String,
    /// Why the last attempt failed.
    pub error: Option<String>,
    /// An unlock job is running.
    pub busy: bool,
}

impl LockPrompt {
    /// The prompt for the file at `path`.
    pub fn new(path: PathBuf) -> Self {
        LockPrompt {
            path,
            passphrase: String::new(),
            error: None,
            busy: false,
        }
    }

    /// Draws the prompt; returns the passphrase when the user asks to
    /// unlock (the field is cleared).
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Option<String> {
        ui.add_space(12.0);
        ui.heading("The workspace is protected");
        ui.label(format!(
            "{} is protected by a passphrase: its keys, group states and kept messages are \
             sealed. Give the passphrase to open it (the Decoder and Conformance tabs work \
             without it).",
            self.path.display()
        ));
        let mut submit = false;
        ui.horizontal(|ui| {
            let label = ui.label("Passphrase:");
            let field = ui.add_enabled(
                !self.busy,
                egui::TextEdit::singleline(&mut self.passphrase).password(true),
            );
            let field = field.labelled_by(label.id);
            if field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter)) {
                submit = true;
            }
            if ui
                .add_enabled(
                    !self.busy && !self.passphrase.is_empty(),
                    egui::Button::new("Unlock"),
                )
                .clicked()
            {
                submit = true;
            }
            if self.busy {
                ui.spinner();
            }
        });
        if let Some(error) = &self.error {
            ui.colored_label(ui.visuals().error_fg_color, error);
        }
        if submit && !self.busy && !self.passphrase.is_empty() {
            self.busy = true;
            self.error = None;
            return Some(std::mem::take(&mut self.passphrase));
        }
        None
    }
}

/// The idle lock of an open protected workspace.
#[derive(Debug, Default)]
pub struct IdleLock {
    /// The workspace is protected (and was unlocked).
    pub protected: bool,
    /// How long without input locks it (`None`: never).
    after: Option<Duration>,
    last_input: Option<Instant>,
}

impl IdleLock {
    /// For a workspace just opened.
    pub fn for_workspace(ws: &Workspace) -> Self {
        let protected = ws.protection().ok().flatten().is_some();
        let after = ws
            .setting(LOCK_AFTER_KEY)
            .ok()
            .flatten()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map_or(DEFAULT_LOCK_AFTER, Duration::from_secs);
        IdleLock {
            protected,
            after: (protected && !after.is_zero()).then_some(after),
            last_input: Some(Instant::now()),
        }
    }

    /// Notes this frame's input; returns whether the idle time has passed
    /// (and asks for a frame when it will have).
    pub fn expired(&mut self, ctx: &egui::Context) -> bool {
        let Some(after) = self.after else {
            return false;
        };
        let active = ctx.input(|i| !i.events.is_empty() || i.pointer.is_moving());
        let now = Instant::now();
        if active || self.last_input.is_none() {
            self.last_input = Some(now);
        }
        let idle = self
            .last_input
            .map_or(Duration::ZERO, |t| now.saturating_duration_since(t));
        if idle >= after {
            return true;
        }
        ctx.request_repaint_after(after - idle);
        false
    }
}
