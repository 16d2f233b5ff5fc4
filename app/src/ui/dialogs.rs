//! The file dialogs the workspace panels share: saving a produced message
//! and opening files. Each runs as a `Jobs` dialog and comes back as the
//! panel's outcome.

use std::path::Path;

use crate::text::{file_name, plural};
use crate::ui::common::{Opened, Output, Status};
use crate::ui::file_choice::run_dialog;
use crate::ui::jobs::{Jobs, Outcome};

/// Asks where to save `output` (on a thread of its own), writes it, and
/// reports what happened as `saved(status)`.
pub(crate) fn save_dialog<O: Outcome>(jobs: &mut Jobs<O>, output: &Output, saved: fn(Status) -> O) {
    let bytes = output.bytes.clone();
    let name = output.file_name.clone();
    let label = output.label.clone();
    jobs.dialog(move || {
        let picked = run_dialog(|| {
            rfd::FileDialog::new()
                .set_title(format!("Save {label}"))
                .set_file_name(name)
                .save_file()
        });
        let path = match picked {
            Ok(path) => path?,
            Err(no_dialog) => return Some(saved(Status::error(no_dialog))),
        };
        Some(saved(write_output(&label, &bytes, &path)))
    });
}

/// Writes `bytes` (called `label`) to `path` and says what happened.
fn write_output(label: &str, bytes: &[u8], path: &Path) -> Status {
    match std::fs::write(path, bytes) {
        Ok(()) => Status::ok(format!(
            "Saved {label} ({}) to {}",
            plural(bytes.len(), "byte"),
            path.display()
        )),
        Err(e) => Status::error(format!("Cannot write {}: {e}", path.display())),
    }
}

/// Saves `output` to a path the user typed (no dialog).
pub(crate) fn save_to(output: &Output, path: &Path) -> Status {
    write_output(&output.label, &output.bytes, path)
}

/// Asks for files (on a thread of its own), reads them, and hands them
/// back as `opened(files)`; nothing when the user cancels.
pub(crate) fn open_dialog<O, F>(jobs: &mut Jobs<O>, title: &str, multiple: bool, opened: F)
where
    O: Outcome,
    F: FnOnce(Opened) -> O + Send + 'static,
{
    let title = title.to_owned();
    jobs.dialog(move || {
        let dialog = rfd::FileDialog::new().set_title(title);
        let picked = run_dialog(|| {
            if multiple {
                dialog.pick_files()
            } else {
                dialog.pick_file().map(|p| vec![p])
            }
        });
        let paths = match picked {
            Ok(paths) => paths?,
            Err(no_dialog) => {
                return Some(opened(Opened {
                    errors: vec![format!(
                        "{no_dialog} (or into the paste box: a path is read as the file)"
                    )],
                    ..Opened::default()
                }));
            }
        };
        let mut result = Opened::default();
        for path in paths {
            match std::fs::read(&path) {
                Ok(raw) => result.files.push((file_name(&path), raw)),
                Err(e) => result
                    .errors
                    .push(format!("Cannot read {}: {e}", path.display())),
            }
        }
        Some(opened(result))
    });
}
