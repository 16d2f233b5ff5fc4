//! The file dialogs the workspace panels share: saving a produced message
//! and opening files. Each runs as a `Jobs` dialog and comes back as the
//! panel's outcome.

use crate::text::{file_name, plural};
use crate::ui::common::{Opened, Output, Status};
use crate::ui::jobs::{Jobs, Outcome};

/// Asks where to save `output` (on a thread of its own), writes it, and
/// reports what happened as `saved(status)`.
pub(crate) fn save_dialog<O: Outcome>(jobs: &mut Jobs<O>, output: &Output, saved: fn(Status) -> O) {
    let bytes = output.bytes.clone();
    let name = output.file_name.clone();
    let label = output.label.clone();
    jobs.dialog(move || {
        let path = rfd::FileDialog::new()
            .set_title(format!("Save {label}"))
            .set_file_name(name)
            .save_file()?;
        let status = match std::fs::write(&path, &bytes) {
            Ok(()) => Status::ok(format!(
                "Saved {label} ({}) to {}",
                plural(bytes.len(), "byte"),
                path.display()
            )),
            Err(e) => Status::error(format!("Cannot write {}: {e}", path.display())),
        };
        Some(saved(status))
    });
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
        let paths = if multiple {
            dialog.pick_files()?
        } else {
            vec![dialog.pick_file()?]
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
