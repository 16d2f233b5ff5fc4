//! Choosing a file without depending on the system file dialog.
//!
//! Every "Open…"/"Save…" button of the window is a small menu: the system
//! file dialog, or a path typed into a field (Enter or the button opens
//! it). The system dialog needs a desktop portal (xdg-desktop-portal) or
//! zenity; where neither exists it returns at once without showing
//! anything, which [`run_dialog`] tells apart from a user's cancel by how
//! fast it came back, and says so.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use egui::Ui;

/// What a file menu asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChoice {
    /// Open the system file dialog.
    Dialog,
    /// Use this path.
    Path(PathBuf),
}

/// The line shown when no system file dialog could be shown.
pub const NO_DIALOG: &str = "No file dialog could be shown (it needs xdg-desktop-portal or \
     zenity): type the path into the menu's Path field instead";

/// A dialog that came back empty faster than this was not shown.
const TOO_FAST: Duration = Duration::from_millis(400);

/// Runs a blocking file dialog; `Err(NO_DIALOG)` when it came back with
/// nothing faster than a person can cancel (no dialog was shown).
pub fn run_dialog<T>(dialog: impl FnOnce() -> Option<T>) -> Result<Option<T>, &'static str> {
    let start = Instant::now();
    match dialog() {
        None if start.elapsed() < TOO_FAST => Err(NO_DIALOG),
        other => Ok(other),
    }
}

/// A menu button `label` offering the system dialog (`dialog_text`) and a
/// "Path:" field with a `go` button. The typed path is kept in the
/// window's memory under the menu's id.
pub fn file_menu(ui: &mut Ui, label: &str, dialog_text: &str, go: &str) -> Option<FileChoice> {
    let id = ui.scope_id().with(("file_menu", label));
    let mut choice = None;
    ui.menu_button(label, |ui| {
        if ui.button(dialog_text).clicked() {
            choice = Some(FileChoice::Dialog);
            ui.close();
        }
        ui.separator();
        let mut path: String = ui.data_mut(|d| d.get_temp(id)).unwrap_or_default();
        let mut enter = false;
        ui.horizontal(|ui| {
            let label = ui.label("Path:");
            let edit = ui
                .add(
                    egui::TextEdit::singleline(&mut path)
                        .hint_text("/path/to/file")
                        .desired_width(260.0),
                )
                .labelled_by(label.id);
            enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
            if ui
                .add_enabled(!path.trim().is_empty(), egui::Button::new(go))
                .clicked()
            {
                enter = true;
            }
        });
        if enter && !path.trim().is_empty() {
            choice = Some(FileChoice::Path(expand_home(path.trim())));
            path.clear();
            ui.close();
        }
        ui.data_mut(|d| d.insert_temp(id, path));
    });
    choice
}

/// `~/x` as the home directory's `x`.
fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dialog_that_returns_nothing_at_once_was_not_shown() {
        assert_eq!(run_dialog(|| None::<u8>), Err(NO_DIALOG));
        assert_eq!(run_dialog(|| Some(1)), Ok(Some(1)));
        let slow = run_dialog(|| {
            std::thread::sleep(TOO_FAST + Duration::from_millis(50));
            None::<u8>
        });
        assert_eq!(slow, Ok(None), "a slow empty answer is a cancel");
    }
}
