//! A protected workspace in the window: the passphrase prompt shown
//! instead of the group manager, and the idle lock.
//!
//! Unlocking runs in a job (Argon2id takes about half a second); the key
//! is kept for this process ([`Workspace::unlock_session`]) so the panels'
//! background jobs open the file without asking again. After the idle
//! time (the workspace setting [`LOCK_AFTER_KEY`], in seconds, default
//! [`DEFAULT_LOCK_AFTER`]; 0: never) without input, the window forgets the
//! key and the panels' contents, and asks again.
//!
//! The typed passphrase lives in a buffer reserved once (so typing never
//! moves it and leaves copies behind) that is zeroized when it is handed
//! over or the prompt goes; egui's undo history of the field, which would
//! keep copies of every state typed, is emptied every frame.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use zeroize::Zeroizing;

use crate::workspace::Workspace;

/// Room reserved for the typed passphrase: typing up to this many bytes
/// never reallocates the buffer (a longer one may leave a copy behind in
/// freed memory).
const PASSPHRASE_CAPACITY: usize = 1024;

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
    passphrase: Zeroizing<String>,
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
            passphrase: Zeroizing::new(String::with_capacity(PASSPHRASE_CAPACITY)),
            error: None,
            busy: false,
        }
    }

    /// Draws the prompt; returns the passphrase when the user asks to
    /// unlock (the field is cleared; the returned copy is zeroized when
    /// dropped).
    pub fn ui(&mut self, ui: &mut egui::Ui) -> Option<Zeroizing<String>> {
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
                egui::TextEdit::singleline(&mut *self.passphrase)
                    .password(true)
                    .id(field_id()),
            );
            forget_undo_history(ui.ctx(), field.id);
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
            let typed = Zeroizing::new(self.passphrase.as_str().to_owned());
            zeroize::Zeroize::zeroize(&mut *self.passphrase);
            return Some(typed);
        }
        None
    }

    /// The passphrase typed so far (tests).
    #[cfg(test)]
    fn typed(&self) -> &str {
        &self.passphrase
    }

    /// Where the typed text is kept (tests: it must not move).
    #[cfg(test)]
    fn buffer(&self) -> (*const u8, usize) {
        (self.passphrase.as_ptr(), self.passphrase.capacity())
    }
}

/// The passphrase field's id.
fn field_id() -> egui::Id {
    egui::Id::unique("workspace-passphrase")
}

/// Empties the undo history egui keeps for the text field `id` (in
/// password mode too, it holds the text as typed at each step).
pub(crate) fn forget_undo_history(ctx: &egui::Context, id: egui::Id) {
    if let Some(mut state) = egui::text_edit::TextEditState::load(ctx, id) {
        state.clear_undoer();
        state.store(ctx, id);
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use egui_kittest::Harness;
    use egui_kittest::kittest::Queryable as _;

    use super::*;

    #[test]
    fn the_typed_passphrase_is_kept_in_one_buffer_without_undo_copies_and_zeroized() {
        let mut h = Harness::new_ui_state(
            |ui, state: &mut (LockPrompt, Option<Zeroizing<String>>)| {
                if let Some(p) = state.0.ui(ui) {
                    state.1 = Some(p);
                }
            },
            (LockPrompt::new(PathBuf::from("ws.sqlite")), None),
        );
        h.run();
        let buffer = h.state().0.buffer();
        h.get_by_label("Passphrase:").focus();
        h.run();
        for chunk in ["correct ", "horse ", "battery ", "staple"] {
            h.get_by_label("Passphrase:").type_text(chunk);
            h.run();
        }
        assert_eq!(h.state().0.typed(), "correct horse battery staple");
        // Typing did not move the text (no copies left in freed memory).
        assert_eq!(h.state().0.buffer(), buffer);
        // egui's undo history of the field holds nothing typed.
        let ctx = h.ctx.clone();
        let state = egui::text_edit::TextEditState::load(&ctx, field_id()).expect("field state");
        let undoer = state.undoer();
        assert!(!undoer.is_in_flux());
        let cursor = state.cursor.char_range().unwrap_or_default();
        assert!(!undoer.has_undo(&(cursor, "correct horse battery staple".to_owned())));
        assert!(!undoer.has_undo(&(cursor, String::new())));

        h.get_by_label("Unlock").click();
        // (Busy now: a spinner repaints, so step rather than settle.)
        h.step();
        h.step();
        let given = h.state_mut().1.take().expect("unlock asked");
        assert_eq!(given.as_str(), "correct horse battery staple");
        // The field is empty and its buffer (still the same one) wiped.
        assert_eq!(h.state().0.typed(), "");
        let (ptr, capacity) = h.state().0.buffer();
        assert_eq!((ptr, capacity), buffer);
        // SAFETY: the prompt's buffer is alive (the harness owns it) and
        // `capacity` bytes long; reading its spare capacity as bytes.
        let raw = unsafe { std::slice::from_raw_parts(ptr, capacity) };
        assert!(
            raw.iter().all(|b| *b == 0),
            "the passphrase is still in the buffer"
        );
    }
}
