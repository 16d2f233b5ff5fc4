//! The Trust roots panel: X.509 CA certificates that X.509 credentials are
//! validated against (once one is stored; basic credentials are always
//! accepted). Import PEM bundles or DER files (dialog, drop or paste),
//! list them with subject, issuer, validity and fingerprint, remove them.
//!
//! Reading the list, importing and removing run as background `Jobs`
//! (each with its own workspace connection), as does the file dialog.

use crate::ui::common::{ItemTable, label_cell, striped_table};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use egui::{Align, Layout, RichText, Ui};
use egui_extras::Column;

use super::common::Opened;
use super::common::{
    Status, drop_overlay, dropped_files, error_color, file_bytes, format_time, plural,
    read_or_report, short_hex,
};
use super::dialogs::open_dialog;
use super::jobs::{JobPanel, Jobs, Refresh, job_outcome, job_panel};
use crate::workspace::{TrustRootRow, Workspace};

/// The titles of the table's columns.
const ROOT_COLUMNS: [&str; 7] = [
    "#",
    "Subject",
    "Issuer",
    "Valid from (UTC)",
    "Valid until (UTC)",
    "SHA-256 fingerprint",
    "",
];

/// How often the list is read again when auto refresh is on.
const REFRESH_EVERY: Duration = Duration::from_secs(3);

/// The trust roots of the workspace.
type List = Result<Vec<TrustRootRow>, String>;

/// What a background job of the panel came back with.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The job could not run (no workspace, panic, no thread).
    Failed(String),
    /// The file dialog opened certificate files.
    Opened(Opened),
    /// The list, read again.
    Listed(List),
    /// A file's certificates were imported (or not), and the list after it.
    Imported {
        name: String,
        result: Result<Vec<TrustRootRow>, String>,
        list: List,
    },
    /// A trust root was removed (or not), and the list after it.
    Removed {
        subject: String,
        result: Result<(), String>,
        list: List,
    },
}

job_outcome!(Outcome::Failed);

fn read_list(ws: &Workspace) -> List {
    ws.trust_roots().map_err(|e| e.to_string())
}

job_panel!(TrustRootsPanel, Outcome);

/// The Trust roots panel's state.
#[derive(Debug)]
pub struct TrustRootsPanel {
    jobs: Jobs<Outcome>,
    /// When the list are read again (the app turns auto refresh on).
    pub(crate) refresh: Refresh,
    roots: Vec<TrustRootRow>,
    pasted: String,
    status: Option<Status>,
}

impl Default for TrustRootsPanel {
    fn default() -> Self {
        TrustRootsPanel::new(None)
    }
}

/// The bytes to import from a file: PEM text as it is, else binary DER
/// (or DER as hex or base64 text, decoded).
fn certificate_bytes(raw: &[u8]) -> Vec<u8> {
    if raw.windows(10).any(|w| w == b"-----BEGIN".as_slice()) {
        raw.to_vec()
    } else {
        file_bytes(raw)
    }
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl TrustRootsPanel {
    pub fn new(db: Option<&Path>) -> Self {
        TrustRootsPanel {
            jobs: Jobs::new(db),
            refresh: Refresh::new(REFRESH_EVERY),
            roots: Vec::new(),
            pasted: String::new(),
            status: None,
        }
    }

    /// The trust roots as last read.
    pub fn roots(&self) -> &[TrustRootRow] {
        &self.roots
    }

    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// Imports a file's certificates (PEM bundle or DER), in the
    /// background.
    pub fn import_bytes(&mut self, name: &str, raw: &[u8]) {
        let name = name.to_owned();
        let bytes = certificate_bytes(raw);
        self.jobs.spawn(format!("Importing {name}…"), move |ws| {
            Outcome::Imported {
                result: ws.trust_root_import(&bytes).map_err(|e| e.to_string()),
                list: read_list(ws),
                name,
            }
        });
    }

    /// Reads the list again (in the background).
    fn read_again(&mut self) {
        self.jobs.spawn_quiet(|ws| Outcome::Listed(read_list(ws)));
    }

    fn apply_list(&mut self, list: List) {
        if let Some(roots) = read_or_report(list, &mut self.status, "Cannot read the trust roots") {
            self.roots = roots;
        }
    }

    /// Applies what a background job came back with.
    fn apply_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Failed(text) => self.status = Some(Status::error(text)),
            Outcome::Opened(opened) => {
                if let Some(status) = opened.error_status() {
                    self.status = Some(status);
                }
                for (name, raw) in opened.files {
                    self.import_bytes(&name, &raw);
                }
            }
            Outcome::Listed(list) => self.apply_list(list),
            Outcome::Imported { name, result, list } => {
                match result {
                    Ok(rows) => {
                        let subjects = rows
                            .iter()
                            .map(|r| r.subject.as_str())
                            .collect::<Vec<_>>()
                            .join("; ");
                        self.status = Some(Status::ok(format!(
                            "{name}: imported {}: {subjects}",
                            plural(rows.len(), "trust root")
                        )));
                    }
                    Err(e) => {
                        self.status = Some(Status::error(format!("{name}: not imported: {e}")));
                    }
                }
                self.apply_list(list);
            }
            Outcome::Removed {
                subject,
                result,
                list,
            } => {
                match result {
                    Ok(()) => {
                        self.status = Some(Status::ok(format!("Removed trust root {subject}")));
                    }
                    Err(e) => self.status = Some(Status::error(e)),
                }
                self.apply_list(list);
            }
        }
    }

    /// Draws the panel into `ui` (its whole available area).
    pub fn ui(&mut self, ui: &mut Ui) {
        self.poll_jobs(Some(ui.ctx()));
        // One read at a time (a slow file must not pile them up).
        if !self.jobs.working() && self.refresh.due() {
            self.read_again();
        }
        self.apply_outcome(Outcome::Opened(dropped_files(ui)));
        let rect = ui.max_rect();

        ui.horizontal(|ui| {
            ui.heading(format!("Trust roots ({})", self.roots.len()));
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                match crate::ui::file_choice::file_menu(
                    ui,
                    "Import certificates…",
                    "Choose files with the file dialog…",
                    "Import",
                ) {
                    Some(crate::ui::file_choice::FileChoice::Dialog) => open_dialog(
                        &mut self.jobs,
                        "Import trust roots (PEM or DER)",
                        true,
                        Outcome::Opened,
                    ),
                    Some(crate::ui::file_choice::FileChoice::Path(path)) => {
                        let mut opened = crate::ui::common::Opened::default();
                        match std::fs::read(&path) {
                            Ok(raw) => opened.files.push((crate::text::file_name(&path), raw)),
                            Err(e) => opened
                                .errors
                                .push(format!("Cannot read {}: {e}", path.display())),
                        }
                        self.apply_outcome(Outcome::Opened(opened));
                    }
                    None => {}
                }
            });
        });
        ui.label(
            "X.509 credentials are validated against these CA certificates once at least one \
             is stored; basic credentials are always accepted. Drop PEM or DER files here, \
             open them, or paste PEM below.",
        );
        ui.horizontal(|ui| {
            let label = ui.label("PEM:");
            ui.add(
                egui::TextEdit::multiline(&mut self.pasted)
                    .hint_text("-----BEGIN CERTIFICATE-----")
                    .font(egui::TextStyle::Monospace)
                    .desired_rows(2)
                    .desired_width(ui.available_width() - 110.0),
            )
            .labelled_by(label.id);
            if ui
                .add_enabled(
                    !self.pasted.trim().is_empty(),
                    egui::Button::new("Import pasted"),
                )
                .clicked()
            {
                let text = std::mem::take(&mut self.pasted);
                self.import_bytes("pasted text", text.as_bytes());
                if self.status.as_ref().is_some_and(|s| s.error) {
                    self.pasted = text;
                }
            }
        });
        ui.add_space(4.0);

        if self.roots.is_empty() {
            ui.weak("No trust roots: only basic credentials are accepted.");
        }
        let now = now();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        let mut remove = None;
        striped_table(ui, "trust_roots_table")
            .column(Column::exact(36.0))
            .column(Column::initial(240.0).at_least(100.0).clip(true))
            .column(Column::initial(200.0).at_least(100.0).clip(true))
            .column(Column::exact(122.0))
            .column(Column::exact(150.0))
            .column(Column::remainder().at_least(120.0).clip(true))
            .column(Column::exact(72.0))
            .auto_shrink([false, false])
            .item_table(row_height, &ROOT_COLUMNS, &self.roots, |mut row, r| {
                label_cell(&mut row, r.id.to_string());
                row.col(|ui| {
                    ui.label(&r.subject).on_hover_text(&r.subject);
                });
                row.col(|ui| {
                    ui.label(&r.issuer).on_hover_text(&r.issuer);
                });
                row.col(|ui| {
                    let text = RichText::new(format_time(r.not_before));
                    ui.label(if r.not_before > now {
                        text.color(error_color(ui))
                    } else {
                        text
                    });
                });
                row.col(|ui| {
                    let text = format_time(r.not_after);
                    if r.not_after < now {
                        ui.colored_label(error_color(ui), format!("{text} (expired)"));
                    } else {
                        ui.label(text);
                    }
                });
                row.col(|ui| {
                    ui.label(RichText::new(short_hex(&r.fingerprint, 24)).monospace())
                        .on_hover_text(&r.fingerprint);
                });
                row.col(|ui| {
                    if ui
                        .small_button("Remove")
                        .on_hover_text(format!("Stop trusting {}", r.subject))
                        .clicked()
                    {
                        remove = Some((r.id, r.subject.clone()));
                    }
                });
            });
        if let Some((id, subject)) = remove {
            self.jobs.spawn(format!("Removing {subject}…"), move |ws| {
                Outcome::Removed {
                    result: ws.trust_root_remove(id).map_err(|e| e.to_string()),
                    list: read_list(ws),
                    subject,
                }
            });
        }
        drop_overlay(ui, rect, "Drop PEM or DER certificates to trust them");
    }
}
