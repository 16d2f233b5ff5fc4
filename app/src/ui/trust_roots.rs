//! The Trust roots panel: X.509 CA certificates that X.509 credentials are
//! validated against (once one is stored; basic credentials are always
//! accepted). Import PEM bundles or DER files (dialog, drop or paste),
//! list them with subject, issuer, validity and fingerprint, remove them.
//!
//! Operations are quick and run on the UI thread through the panel's
//! [`Workspace`] connection; only the file dialog runs on a thread.

use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use egui::{Align, Layout, RichText, Ui};
use egui_extras::{Column, TableBuilder};

use super::common::{
    Status, drop_overlay, dropped_files, error_color, file_bytes, format_time, open_dialog, plural,
    short_hex, status_line,
};
use super::jobs::{JobTarget, Jobs};
use crate::workspace::{TrustRootRow, Workspace};

/// How often the list is read again when auto refresh is on.
const REFRESH_EVERY: Duration = Duration::from_secs(3);

/// The Trust roots panel's state.
pub struct TrustRootsPanel {
    jobs: Jobs<TrustRootsPanel>,
    auto_refresh: bool,
    dirty: bool,
    last_read: Option<Instant>,
    roots: Vec<TrustRootRow>,
    pasted: String,
    status: Option<Status>,
}

impl Default for TrustRootsPanel {
    fn default() -> Self {
        TrustRootsPanel::new(None)
    }
}

impl std::fmt::Debug for TrustRootsPanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrustRootsPanel")
            .field("roots", &self.roots.len())
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl JobTarget for TrustRootsPanel {
    fn report(&mut self, status: Status) {
        self.status = Some(status);
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
            auto_refresh: false,
            dirty: true,
            last_read: None,
            roots: Vec::new(),
            pasted: String::new(),
            status: None,
        }
    }

    /// Re-reads the list every few seconds (the app turns this on).
    pub fn set_auto_refresh(&mut self, on: bool) {
        self.auto_refresh = on;
    }

    /// Reads the list again at the next frame.
    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Applies what the file dialog returned until none is open; `false`
    /// on timeout.
    pub fn wait_idle(&mut self, ws: &Workspace, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            for apply in self.jobs.take_ready() {
                apply(self, ws);
            }
            if !self.jobs.busy() {
                return true;
            }
            if !self.jobs.wait(deadline) {
                return false;
            }
        }
    }

    /// The trust roots as last read.
    pub fn roots(&self) -> &[TrustRootRow] {
        &self.roots
    }

    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// Imports a file's certificates (PEM bundle or DER).
    pub fn import_bytes(&mut self, ws: &Workspace, name: &str, raw: &[u8]) {
        match ws.trust_root_import(&certificate_bytes(raw)) {
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
        self.refresh(ws);
    }

    fn refresh(&mut self, ws: &Workspace) {
        self.dirty = false;
        self.last_read = Some(Instant::now());
        match ws.trust_roots() {
            Ok(roots) => self.roots = roots,
            Err(e) => {
                self.status = Some(Status::error(format!("Cannot read the trust roots: {e}")));
            }
        }
    }

    /// Draws the panel into `ui` (its whole available area).
    pub fn ui(&mut self, ui: &mut Ui, ws: &Workspace) {
        self.jobs.set_context(ui.ctx());
        for apply in self.jobs.take_ready() {
            apply(self, ws);
        }
        if self.dirty
            || (self.auto_refresh && self.last_read.is_none_or(|t| t.elapsed() > REFRESH_EVERY))
        {
            self.refresh(ws);
        }
        for (name, bytes) in dropped_files(ui) {
            match bytes {
                Ok(raw) => self.import_bytes(ws, &name, &raw),
                Err(e) => {
                    self.status = Some(Status::error(format!("{name}: cannot read it: {e}")));
                }
            }
        }
        let rect = ui.max_rect();

        ui.horizontal(|ui| {
            ui.heading(format!("Trust roots ({})", self.roots.len()));
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if ui.button("Import certificates…").clicked() {
                    open_dialog(
                        &mut self.jobs,
                        "Import trust roots (PEM or DER)",
                        true,
                        |p: &mut TrustRootsPanel, ws: &Workspace, files| {
                            for (name, raw) in files {
                                p.import_bytes(ws, &name, &raw);
                            }
                        },
                    );
                }
            });
        });
        ui.label(
            "X.509 credentials are validated against these CA certificates once at least one \
             is stored; basic credentials are always accepted. Drop PEM or DER files here, \
             open them, or paste PEM below.",
        );
        status_line(ui, self.status.as_ref());
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
                self.import_bytes(ws, "pasted text", text.as_bytes());
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
        TableBuilder::new(ui)
            .id_salt("trust_roots_table")
            .striped(true)
            .cell_layout(Layout::left_to_right(Align::Center))
            .column(Column::exact(36.0))
            .column(Column::initial(240.0).at_least(100.0).clip(true))
            .column(Column::initial(200.0).at_least(100.0).clip(true))
            .column(Column::exact(122.0))
            .column(Column::exact(150.0))
            .column(Column::remainder().at_least(120.0).clip(true))
            .column(Column::exact(72.0))
            .auto_shrink([false, false])
            .header(row_height, |mut header| {
                for title in [
                    "#",
                    "Subject",
                    "Issuer",
                    "Valid from (UTC)",
                    "Valid until (UTC)",
                    "SHA-256 fingerprint",
                    "",
                ] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, self.roots.len(), |mut row| {
                    let Some(r) = self.roots.get(row.index()) else {
                        return;
                    };
                    row.col(|ui| {
                        ui.label(r.id.to_string());
                    });
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
            });
        if let Some((id, subject)) = remove {
            match ws.trust_root_remove(id) {
                Ok(()) => self.status = Some(Status::ok(format!("Removed trust root {subject}"))),
                Err(e) => self.status = Some(Status::error(e.to_string())),
            }
            self.refresh(ws);
        }
        drop_overlay(ui, rect, "Drop PEM or DER certificates to trust them");
    }
}
