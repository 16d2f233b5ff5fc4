//! The Conformance panel: checks official MLS test-vector files with the
//! `conformance` runner and shows the results per file and per case.
//!
//! Checks run as serial background `Jobs` (a big vector file takes
//! seconds), in the order they were asked for; reports come back as
//! outcomes and are applied at the start of the next frame. The file dialog
//! runs on a thread of its own and hands the chosen paths back the same way.
//! Tests drive the panel without a window through
//! [`ConformancePanel::load_bytes`] / [`ConformancePanel::load_sources`] and
//! [`ConformancePanel::wait_idle`].

use crate::ui::common::{ItemTable, label_cell, striped_table};
use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::{Align, Color32, Layout, RichText, Sense, Ui};
use egui_extras::Column;
use mls_core::conformance::FileReport;

use super::common::{drop_overlay_sized, empty_hint, error_color, ok_color};
use super::jobs::{JobPanel, Jobs, Progress, job_outcome, job_panel};
use crate::text::file_name;

/// Something to check.
#[derive(Debug)]
pub enum Source {
    /// Bytes in memory; `name` labels the report.
    Bytes { name: String, bytes: Vec<u8> },
    /// A file on disk, or a directory whose `*.json` files are checked.
    Path(PathBuf),
    /// A file (or directory) dropped onto the window.
    Dropped(egui::DroppedFileHandle),
}

/// What a background job of the panel came back with.
#[derive(Debug)]
pub(crate) enum Outcome {
    Report(FileReport),
    /// A problem that is not one file's report (e.g. no vectors directory).
    Error(String),
    /// The file dialog's choice, to be checked.
    Picked(Vec<PathBuf>),
    /// The directory dialog's choice of the official vectors' directory.
    PickedDir(PathBuf),
    /// A new check begins (its first outcome): earlier errors go, and a
    /// failure of this check clears the earlier results too.
    Started,
}

job_outcome!(Outcome::Error);

/// The Conformance panel's state.
#[derive(Debug)]
pub struct ConformancePanel {
    /// One report per file name, in the order they first arrived.
    reports: Vec<FileReport>,
    /// Index into `reports` of the file whose cases are shown.
    selected: Option<usize>,
    /// Problems that are not a file's report.
    errors: Vec<String>,
    /// The checks (one after the other) and the file dialog.
    jobs: Jobs<Outcome>,
    /// The official vectors' directory chosen in the window (else
    /// [`mls_core::conformance::vectors_dir`]).
    vectors_dir: Option<PathBuf>,
    /// The files the running (or last) check reported so far.
    check_files: Vec<String>,
}

impl Default for ConformancePanel {
    fn default() -> Self {
        ConformancePanel {
            reports: Vec::new(),
            selected: None,
            errors: Vec::new(),
            jobs: Jobs::serial(),
            vectors_dir: None,
            check_files: Vec::new(),
        }
    }
}

// ---------------------------------------------------------------------------
// State and actions (no drawing).

impl ConformancePanel {
    pub fn new() -> Self {
        Self::default()
    }

    /// The reports so far, one per file name.
    pub fn reports(&self) -> &[FileReport] {
        &self.reports
    }

    /// The report whose cases are shown.
    pub fn selected_report(&self) -> Option<&FileReport> {
        self.selected.and_then(|i| self.reports.get(i))
    }

    /// Shows the cases of `reports()[index]` (ignored when out of range).
    pub fn select(&mut self, index: usize) {
        if index < self.reports.len() {
            self.selected = Some(index);
        }
    }

    /// Problems that are not a file's report (e.g. missing vectors directory).
    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    /// Whether checks (or a file dialog) are still running.
    pub fn is_busy(&self) -> bool {
        self.jobs.busy() || self.jobs.dialog_open()
    }

    fn is_idle(&mut self) -> bool {
        !self.is_busy()
    }

    /// Checks `bytes` as a vector file named `name`, in the background.
    pub fn load_bytes(&mut self, name: impl Into<String>, bytes: Vec<u8>) {
        let name = name.into();
        self.load_sources(vec![Source::Bytes { name, bytes }]);
    }

    /// Checks files and directories (their `*.json` files), in the background.
    pub fn load_paths(&mut self, paths: Vec<PathBuf>) {
        self.load_sources(paths.into_iter().map(Source::Path).collect());
    }

    /// Checks `sources` in order, in the background, after earlier checks.
    pub fn load_sources(&mut self, sources: Vec<Source>) {
        if sources.is_empty() {
            return;
        }
        self.jobs.run("Checking…", move |worker| {
            worker.send(Outcome::Started);
            check_sources(worker, sources);
        });
    }

    /// Checks every file of the official vectors directory
    /// ([`mls_core::conformance::vectors_dir`]), in the background.
    pub fn check_official(&mut self) {
        let dir = self.vectors_dir();
        let dir = dir.canonicalize().unwrap_or(dir);
        self.jobs
            .run("Checking the official vectors…", move |worker| {
                worker.send(Outcome::Started);
                if dir.is_dir() {
                    check_path_or_dir(worker, &dir);
                } else {
                    worker.send(Outcome::Error(format!(
                        "Official test vectors not found at {} \
                         (set MLS_TEST_VECTORS to their directory).",
                        dir.display()
                    )));
                }
            });
    }

    /// Asks for vector files with the system file dialog, then checks them.
    ///
    /// The dialog runs on a thread of its own so the window keeps
    /// repainting; when there is no dialog service (or the user cancels),
    /// nothing happens.
    pub fn open_dialog(&mut self) {
        let start_dir = mls_core::conformance::vectors_dir();
        self.jobs.dialog(move || {
            let mut dialog = rfd::FileDialog::new()
                .set_title("Open MLS test-vector files")
                .add_filter("JSON test vectors", &["json"]);
            if start_dir.is_dir() {
                dialog = dialog.set_directory(&start_dir);
            }
            match crate::ui::file_choice::run_dialog(|| dialog.pick_files()) {
                Ok(paths) => paths.map(Outcome::Picked),
                Err(no_dialog) => Some(Outcome::Error(no_dialog.to_owned())),
            }
        });
    }

    /// The official vectors' directory "Check official vectors" reads: the
    /// one chosen in the window, else `MLS_TEST_VECTORS`, else the
    /// repository's `../shared/test-vectors`.
    pub fn vectors_dir(&self) -> PathBuf {
        self.vectors_dir
            .clone()
            .unwrap_or_else(mls_core::conformance::vectors_dir)
    }

    /// Uses `dir` as the official vectors' directory; refused (unchanged)
    /// if it is not a directory.
    pub fn set_vectors_dir(&mut self, dir: PathBuf) -> Result<(), String> {
        if !dir.is_dir() {
            return Err(format!("{} is not a directory", dir.display()));
        }
        self.vectors_dir = Some(dir);
        Ok(())
    }

    /// Asks for the official vectors' directory with the system dialog.
    fn pick_vectors_dir(&mut self) {
        let start = self.vectors_dir();
        self.jobs.dialog(move || {
            let mut dialog =
                rfd::FileDialog::new().set_title("The official test vectors' directory");
            if start.is_dir() {
                dialog = dialog.set_directory(&start);
            }
            match crate::ui::file_choice::run_dialog(|| dialog.pick_folder()) {
                Ok(dir) => dir.map(Outcome::PickedDir),
                Err(no_dialog) => Some(Outcome::Error(no_dialog.to_owned())),
            }
        });
    }

    /// Forgets every result and error; running checks stop and their results
    /// are dropped.
    pub fn clear(&mut self) {
        self.reports.clear();
        self.selected = None;
        self.errors.clear();
        self.check_files.clear();
        self.jobs.cancel();
    }

    /// Applies finished results without blocking (called every frame).
    pub fn poll(&mut self) {
        self.poll_jobs(None);
    }

    /// Blocks until every running check has finished, or `timeout` passed;
    /// returns whether the panel is idle. For tests and scripted use.
    pub fn wait_idle(&mut self, timeout: Duration) -> bool {
        self.wait_jobs(timeout)
    }

    /// Adds a report, replacing an earlier one of the same file name.
    fn add_report(&mut self, report: FileReport) {
        if let Some(slot) = self.reports.iter_mut().find(|r| r.file == report.file) {
            *slot = report;
        } else {
            self.reports.push(report);
            if self.selected.is_none() {
                self.selected = Some(self.reports.len() - 1);
            }
        }
    }

    /// Takes the files dropped on the window this frame.
    fn take_dropped(&mut self, ui: &Ui) {
        let dropped = ui.ctx().input(|i| i.raw.dropped_files.clone());
        if !dropped.is_empty() {
            self.load_sources(dropped.into_iter().map(Source::Dropped).collect());
        }
    }
}

job_panel!(ConformancePanel, Outcome, idle: is_idle);

impl ConformancePanel {
    /// Applies what a background job came back with.
    fn apply_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Report(report) => {
                self.check_files.push(report.file.clone());
                self.add_report(report);
            }
            Outcome::Error(text) => {
                self.forget_earlier_checks();
                self.errors.push(text);
            }
            Outcome::Picked(paths) => self.load_paths(paths),
            Outcome::PickedDir(dir) => {
                if let Err(e) = self.set_vectors_dir(dir) {
                    self.errors.push(e);
                }
            }
            Outcome::Started => {
                // Errors belong to the check that made them.
                self.errors.clear();
                self.check_files.clear();
            }
        }
    }

    /// A check failed: what earlier checks showed goes, so the error is
    /// not read next to an old result (this check's reports stay).
    fn forget_earlier_checks(&mut self) {
        let selected = self.selected_report().map(|r| r.file.clone());
        let files = &self.check_files;
        self.reports.retain(|r| files.contains(&r.file));
        self.selected = selected
            .and_then(|f| self.reports.iter().position(|r| r.file == f))
            .or_else(|| (!self.reports.is_empty()).then_some(0));
    }
}

// ---------------------------------------------------------------------------
// Background work: only asks the runner.

type Worker = Progress<Outcome>;

fn check_sources(worker: &Worker, sources: Vec<Source>) {
    for source in sources {
        if worker.cancelled() {
            return;
        }
        match source {
            Source::Bytes { name, bytes } => {
                worker.status(format!("Checking {name}…"));
                worker.send(Outcome::Report(mls_core::conformance::check_bytes(
                    &name, &bytes,
                )));
            }
            Source::Path(path) => check_path_or_dir(worker, &path),
            Source::Dropped(file) => check_dropped(worker, file.as_ref()),
        }
    }
}

fn check_dropped(worker: &Worker, file: &(dyn egui::DroppedFile + Send + Sync)) {
    let path = file.path();
    if path.is_dir() {
        return check_path_or_dir(worker, path);
    }
    let name = file_name(path);
    worker.status(format!("Checking {name}…"));
    let report = match file.bytes() {
        Ok(bytes) => mls_core::conformance::check_bytes(&name, &bytes),
        Err(_) if !path.as_os_str().is_empty() => mls_core::conformance::check_path(path),
        Err(e) => {
            return worker.send(Outcome::Error(format!(
                "{name}: cannot read the dropped file: {e}"
            )));
        }
    };
    worker.send(Outcome::Report(report));
}

fn check_path_or_dir(worker: &Worker, path: &Path) {
    if !path.is_dir() {
        worker.status(format!("Checking {}…", file_name(path)));
        return worker.send(match std::fs::read(path) {
            Ok(bytes) => {
                Outcome::Report(mls_core::conformance::check_bytes(&file_name(path), &bytes))
            }
            Err(e) => Outcome::Error(unreadable(path, &e)),
        });
    }
    match mls_core::conformance::collect_files(&[path.to_path_buf()]) {
        Ok(files) if files.is_empty() => {
            worker.send(Outcome::Error(format!(
                "No .json files in {}",
                path.display()
            )));
        }
        Ok(files) => {
            for file in files.iter().take_while(|_| !worker.cancelled()) {
                worker.status(format!("Checking {}…", file_name(file)));
                worker.send(Outcome::Report(mls_core::conformance::check_path(file)));
            }
        }
        Err(e) => worker.send(Outcome::Error(format!(
            "Cannot list {}: {e}",
            path.display()
        ))),
    }
}

/// Why `path` could not be read, in one line ("no such file" when it is
/// missing).
fn unreadable(path: &Path, e: &std::io::Error) -> String {
    if e.kind() == std::io::ErrorKind::NotFound {
        format!("{}: no such file", path.display())
    } else {
        format!("{}: cannot read: {e}", path.display())
    }
}

// ---------------------------------------------------------------------------
// Drawing.

const SUMMARY_COLUMNS: [&str; 6] = ["File", "Kind", "Cases", "Passed", "Failed", "Result"];
const CASE_COLUMNS: [&str; 4] = ["Case", "Suite", "Result", "What"];

/// A number, right-aligned in its cell, coloured when given.
fn number_cell(ui: &mut Ui, value: usize, color: Option<Color32>) {
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        let text = RichText::new(value.to_string());
        ui.label(match color {
            Some(c) => text.color(c),
            None => text,
        });
    });
}

/// The kind as shown: `unsupported (welcome)` when the runner recognised but
/// cannot check a kind.
fn kind_text(report: &FileReport) -> String {
    match &report.detected {
        Some(detected) => format!("{} ({detected})", report.kind),
        None => report.kind.clone(),
    }
}

impl ConformancePanel {
    /// Draws the panel into `ui` (its whole available area).
    pub fn ui(&mut self, ui: &mut Ui) {
        self.poll_jobs(Some(ui.ctx()));
        self.take_dropped(ui);

        let panel_rect = ui.max_rect();
        self.top_bar(ui);
        self.vectors_dir_line(ui);
        ui.separator();

        for error in &self.errors {
            ui.add(egui::Label::new(RichText::new(error).color(error_color(ui))).wrap());
        }

        if self.reports.is_empty() {
            if !self.is_busy() {
                empty_state(ui);
            }
        } else {
            self.totals_line(ui);
            ui.add_space(4.0);
            // Room for every file when it fits, leaving the cases at least ~240 pt.
            let available = ui.available_height();
            let max_height = (available - 240.0).max(available * 0.35);
            // A child ui of its own, so the column lines end with the table.
            let size = egui::vec2(ui.available_width(), max_height);
            ui.allocate_ui_with_layout(size, Layout::top_down(Align::Min), |ui| {
                self.summary_table(ui, max_height);
            });
            ui.separator();
            let size = ui.available_size();
            ui.allocate_ui_with_layout(size, Layout::top_down(Align::Min), |ui| {
                self.details(ui);
            });
        }

        drop_overlay_sized(ui, panel_rect, "Drop to check", 28.0);
    }

    fn top_bar(&mut self, ui: &mut Ui) {
        ui.horizontal(|ui| {
            use crate::ui::file_choice::{FileChoice, file_menu};
            match file_menu(
                ui,
                "Open vector file…",
                "Choose .json files with the file dialog…",
                "Check",
            ) {
                Some(FileChoice::Dialog) => self.open_dialog(),
                Some(FileChoice::Path(path)) => self.load_paths(vec![path]),
                None => {}
            }
            let official = self.vectors_dir();
            if ui
                .add_enabled(!self.is_busy(), egui::Button::new("Check official vectors"))
                .on_hover_text(format!("Check every .json file in {}", official.display()))
                .clicked()
            {
                self.check_official();
            }
            match file_menu(
                ui,
                "Vectors directory…",
                "Choose the directory with the file dialog…",
                "Use",
            ) {
                Some(FileChoice::Dialog) => self.pick_vectors_dir(),
                Some(FileChoice::Path(dir)) => {
                    if let Err(e) = self.set_vectors_dir(dir) {
                        self.errors.push(e);
                    }
                }
                None => {}
            }
            let has_content = !self.reports.is_empty() || !self.errors.is_empty();
            if ui
                .add_enabled(has_content || self.is_busy(), egui::Button::new("Clear"))
                .clicked()
            {
                self.clear();
            }
            if self.is_busy() {
                ui.add_space(8.0);
                ui.spinner();
                let status = self
                    .jobs
                    .status()
                    .or_else(|| self.jobs.dialog_open().then_some("Choosing files…"));
                if let Some(status) = status {
                    ui.label(status);
                }
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                ui.weak("Drop .json vector files here");
            });
        });
    }

    /// Where "Check official vectors" reads, and why there.
    fn vectors_dir_line(&self, ui: &mut Ui) {
        let dir = self.vectors_dir();
        let from = if self.vectors_dir.is_some() {
            "chosen here"
        } else if std::env::var_os("MLS_TEST_VECTORS").is_some() {
            "from MLS_TEST_VECTORS"
        } else {
            "default"
        };
        let missing = if dir.is_dir() { "" } else { " — not found" };
        ui.add(
            egui::Label::new(
                RichText::new(format!(
                    "Official vectors: {} ({from}){missing}",
                    dir.display()
                ))
                .weak(),
            )
            .truncate(),
        )
        .on_hover_text("Change it with “Vectors directory…”");
    }

    fn totals_line(&self, ui: &mut Ui) {
        let files = self.reports.len();
        let sum = |f: fn(&FileReport) -> usize| self.reports.iter().map(f).sum::<usize>();
        let failed_files = self.reports.iter().filter(|r| !r.ok()).count();
        ui.horizontal(|ui| {
            let (icon, color) = if failed_files == 0 {
                ("✔", ok_color(ui))
            } else {
                ("✖", error_color(ui))
            };
            ui.label(RichText::new(icon).color(color).strong());
            ui.label(format!(
                "{files} file{} · {} cases · {} passed · {} failed",
                if files == 1 { "" } else { "s" },
                sum(|r| r.cases),
                sum(|r| r.passed),
                sum(|r| r.failed),
            ));
            if failed_files > 0 {
                ui.label(
                    RichText::new(format!("{failed_files} of {files} files did not pass"))
                        .color(error_color(ui)),
                );
            }
        });
    }

    fn summary_table(&mut self, ui: &mut Ui, max_height: f32) {
        let row_height = ui.spacing().interact_size.y + 2.0;
        let (ok, bad) = (ok_color(ui), error_color(ui));
        let warn = ui.visuals().warn_fg_color;
        let mut clicked = None;
        striped_table(ui, "conformance_files")
            .resizable(true)
            .sense(Sense::click())
            .column(Column::initial(280.0).at_least(120.0).clip(true))
            .column(Column::initial(260.0).at_least(80.0).clip(true))
            .column(Column::initial(70.0).at_least(50.0))
            .column(Column::initial(70.0).at_least(50.0))
            .column(Column::initial(70.0).at_least(50.0))
            .column(Column::remainder().at_least(70.0))
            .min_scrolled_height(0.0)
            .max_scroll_height((max_height - row_height).max(row_height))
            .header(row_height, |mut header| {
                for (i, title) in SUMMARY_COLUMNS.into_iter().enumerate() {
                    header.col(|ui| {
                        if (2..5).contains(&i) {
                            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                                ui.strong(title);
                            });
                        } else {
                            ui.strong(title);
                        }
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, self.reports.len(), |mut row| {
                    let index = row.index();
                    let Some(report) = self.reports.get(index) else {
                        return;
                    };
                    let selected = self.selected == Some(index);
                    row.set_selected(selected);
                    // On the selection background, status colours are hard to
                    // read: a selected row uses the selection's text colour.
                    let (ok, bad, warn) = if selected {
                        (None, None, None)
                    } else {
                        (Some(ok), Some(bad), Some(warn))
                    };
                    let paint = |text: RichText, color: Option<Color32>| match color {
                        Some(c) => text.color(c),
                        None => text,
                    };
                    row.col(|ui| {
                        if ui.selectable_label(selected, &report.file).clicked() {
                            clicked = Some(index);
                        }
                    });
                    row.col(|ui| {
                        let kind = RichText::new(kind_text(report));
                        let response = match report.kind.as_str() {
                            "invalid" => ui.label(paint(kind, bad)),
                            "unsupported" => ui.label(paint(kind, warn)),
                            _ => ui.label(kind),
                        };
                        if let Some(error) = &report.error {
                            response.on_hover_text(error);
                        }
                    });
                    row.col(|ui| number_cell(ui, report.cases, None));
                    row.col(|ui| {
                        number_cell(ui, report.passed, ok.filter(|_| report.passed > 0));
                    });
                    row.col(|ui| {
                        number_cell(ui, report.failed, bad.filter(|_| report.failed > 0));
                    });
                    row.col(|ui| {
                        if report.ok() {
                            ui.label(paint(RichText::new("✔ ok"), ok));
                        } else if report.error.is_some() {
                            ui.label(paint(RichText::new("✖ error"), bad));
                        } else {
                            ui.label(paint(RichText::new("✖ failed"), bad));
                        }
                    });
                    if row.response().clicked() {
                        clicked = Some(index);
                    }
                });
            });
        if let Some(index) = clicked {
            self.selected = Some(index);
        }
    }

    fn details(&self, ui: &mut Ui) {
        let Some(report) = self.selected_report() else {
            ui.weak("Select a file above to see its cases.");
            return;
        };
        let (ok, bad) = (ok_color(ui), error_color(ui));
        ui.horizontal(|ui| {
            ui.strong(format!("{} — {}", report.file, kind_text(report)));
            ui.label(format!(
                "{} of {} cases passed",
                report.passed, report.cases
            ));
        });
        if let Some(error) = &report.error {
            ui.add(egui::Label::new(RichText::new(format!("Error: {error}")).color(bad)).wrap());
        }
        if let Some(detected) = report
            .detected
            .as_deref()
            .filter(|_| report.kind == "unsupported")
        {
            ui.colored_label(
                ui.visuals().warn_fg_color,
                format!("This looks like a {detected} file, which cannot be checked yet."),
            );
        }
        ui.add_space(4.0);

        let row_height = ui.spacing().interact_size.y;
        striped_table(ui, ("conformance_cases", report.file.as_str()))
            .resizable(true)
            .column(Column::initial(60.0).at_least(40.0))
            .column(Column::initial(60.0).at_least(40.0))
            .column(Column::initial(60.0).at_least(50.0))
            .column(Column::remainder().at_least(100.0).clip(true))
            .auto_shrink([false, true])
            .item_table(
                row_height,
                &CASE_COLUMNS,
                &report.results,
                |mut row, case| {
                    label_cell(&mut row, case.case.to_string());
                    label_cell(
                        &mut row,
                        case.cipher_suite
                            .map_or_else(|| "—".to_owned(), |s| s.to_string()),
                    );
                    row.col(|ui| {
                        if case.passed() {
                            ui.label(RichText::new("✔").color(ok));
                        } else {
                            ui.label(RichText::new("✖").color(bad));
                        }
                    });
                    row.col(|ui| {
                        if let Some(what) = &case.failure {
                            ui.add(egui::Label::new(RichText::new(what).color(bad)).truncate());
                        }
                    });
                },
            );
    }
}

fn empty_state(ui: &mut Ui) {
    let lines = [
        "Drop MLS test-vector .json files anywhere on this window,",
        "open them with “Open vector file…”, or run “Check official vectors”.",
    ];
    empty_hint(ui, 0.3, "No results yet", &lines, |_| {});
}
