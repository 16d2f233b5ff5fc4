//! The application shell: a menu/tab bar on top, the selected panel below.
//!
//! The shell owns the workspace connection the group manager panels use
//! (Groups, Key packages, Trust roots): the default workspace file, a file
//! named on the command line (`gui --db`, `$MLS_INSPECTOR_DB`), or one
//! given to [`InspectorApp::with_workspace`] (tests). If the file cannot be
//! opened, a red banner says why and the other tabs still work.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::common::Status;
use super::conformance::ConformancePanel;
use super::decoder::DecoderPanel;
use super::groups::GroupsPanel;
use super::jobs::{JobPanel, Jobs, job_outcome};
use super::key_packages::KeyPackagesPanel;
use super::lock::{IdleLock, LockPrompt};
use super::protect_dialog::{Answer, ProtectDialog, ProtectRequest};
use super::trust_roots::TrustRootsPanel;
use crate::workspace::store::StorageError;
use crate::workspace::{GroupKey, Workspace, WorkspaceError};

/// Storage key of the selected tab.
const TAB_KEY: &str = "tab";

/// Height of the status bar at the bottom of the window.
const STATUS_BAR_HEIGHT: f32 = 24.0;
/// Storage key of the Decoder's Recent list.
const RECENT_KEY: &str = "decoder_recent";
/// Storage key of the group open when the window closed (its number).
const LAST_GROUP_KEY: &str = "last_group";
/// Storage key of the workspace file that group belongs to.
const LAST_GROUP_DB_KEY: &str = "last_group_db";

/// What to do once the window is up (`mls-inspector gui --open FILE --select PATH`).
#[derive(Debug, Clone, Default)]
pub struct Startup {
    /// A message file to decode in the Decoder tab.
    pub open: Option<PathBuf>,
    /// The field to select in it, by path.
    pub select: Option<String>,
}

/// What the shell's own background work (the "Open workspace…" dialog)
/// came back with.
#[derive(Debug)]
enum ShellOutcome {
    /// The dialog could not run.
    Failed(String),
    /// The workspace file the user chose.
    Picked(PathBuf),
    /// The protected workspace at this path was unlocked.
    Unlocked(PathBuf),
    /// Unlocking failed: why.
    UnlockFailed(String),
    /// A line for the status bar (e.g. no file dialog could be shown).
    Notice(String),
    /// The passphrase dialog's work ended: what happened, or why not.
    Protection(Result<String, String>),
}

job_outcome!(ShellOutcome::Failed);

/// The panels reachable from the tab bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Decoder,
    Conformance,
    Groups,
    KeyPackages,
    TrustRoots,
}

impl Tab {
    /// Every tab, in bar order.
    pub const ALL: [Tab; 5] = [
        Tab::Decoder,
        Tab::Conformance,
        Tab::Groups,
        Tab::KeyPackages,
        Tab::TrustRoots,
    ];

    /// The tab's title in the bar.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Decoder => "Decoder",
            Tab::Conformance => "Conformance",
            Tab::Groups => "Groups",
            Tab::KeyPackages => "Key packages",
            Tab::TrustRoots => "Trust roots",
        }
    }

    /// Stable name for persistence.
    fn key(self) -> &'static str {
        match self {
            Tab::Decoder => "decoder",
            Tab::Conformance => "conformance",
            Tab::Groups => "groups",
            Tab::KeyPackages => "key_packages",
            Tab::TrustRoots => "trust_roots",
        }
    }

    fn from_key(key: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.key() == key)
    }

    /// Whether the tab needs the workspace.
    fn uses_workspace(self) -> bool {
        matches!(self, Tab::Groups | Tab::KeyPackages | Tab::TrustRoots)
    }
}

/// The workspace connection of the window.
#[derive(Debug, Default)]
enum WorkspaceState {
    /// None was asked for (e.g. [`InspectorApp::default`] in tests).
    #[default]
    Closed,
    Open(Workspace),
    Failed {
        path: Option<PathBuf>,
        error: String,
    },
    /// A protected workspace waiting for its passphrase.
    Locked(LockPrompt),
}

/// The whole application.
#[derive(Default)]
pub struct InspectorApp {
    tab: Tab,
    decoder: DecoderPanel,
    conformance: ConformancePanel,
    workspace: WorkspaceState,
    groups: GroupsPanel,
    key_packages: KeyPackagesPanel,
    trust_roots: TrustRootsPanel,
    /// The "Open workspace…" dialog, and unlocking.
    dialogs: Jobs<ShellOutcome>,
    /// Whether the open workspace is protected, and its idle lock.
    idle: IdleLock,
    /// The shell's own line for the status bar (until the next action).
    notice: Option<Status>,
    /// The passphrase dialog (protect, change, remove), when open.
    protect_dialog: Option<ProtectDialog>,
}

impl InspectorApp {
    /// Restores what was persisted (the tab, the last open group) and
    /// opens the default workspace.
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        Self::new_with_db(cc, None)
    }

    /// Like [`InspectorApp::new`], with the workspace file at `db` (`None`:
    /// the default one). Changes other writers make are picked up every
    /// few seconds.
    pub fn new_with_db(cc: &eframe::CreationContext<'_>, db: Option<PathBuf>) -> Self {
        let mut app = Self::restore(cc.storage, db);
        app.groups.set_auto_refresh(true);
        app.key_packages.refresh.auto = true;
        app.trust_roots.refresh.auto = true;
        app
    }

    /// The app with the workspace file at `db` (`None`: the default one)
    /// and what `storage` remembers: the tab, and the group that was open
    /// if it belongs to this workspace.
    pub fn restore(storage: Option<&dyn eframe::Storage>, db: Option<PathBuf>) -> Self {
        let mut app = InspectorApp {
            tab: storage
                .and_then(|s| s.get_string(TAB_KEY))
                .and_then(|k| Tab::from_key(&k))
                .unwrap_or_default(),
            ..Default::default()
        };
        if let Some(recent) = storage.and_then(|s| s.get_string(RECENT_KEY)) {
            app.decoder.restore_recent(&recent);
        }
        app.open_workspace(db);
        if let (Some(storage), WorkspaceState::Open(ws)) = (storage, &app.workspace) {
            let same_file = storage
                .get_string(LAST_GROUP_DB_KEY)
                .is_some_and(|p| Path::new(&p) == ws.path());
            let key = storage
                .get_string(LAST_GROUP_KEY)
                .and_then(|k| k.parse::<i64>().ok())
                .map(GroupKey);
            if same_file
                && let Some(key) = key
                && ws.group_row(key).is_ok()
            {
                app.groups.select(Some(key));
            }
        }
        app
    }

    /// The app on the workspace file at `path` (created if missing), with
    /// nothing restored: for tests and for opening another file.
    pub fn with_workspace(path: impl AsRef<Path>) -> Self {
        let mut app = InspectorApp::default();
        app.open_workspace(Some(path.as_ref().to_path_buf()));
        app
    }

    /// Opens the workspace file at `path` (`None`: the default one) for
    /// the group manager panels; on failure they show why.
    pub fn open_workspace(&mut self, path: Option<PathBuf>) {
        let opened = match &path {
            Some(p) => Workspace::open(p),
            None => Workspace::open_default(),
        };
        match opened {
            Ok(ws) => {
                self.idle = IdleLock::for_workspace(&ws);
                let db = ws.path().to_path_buf();
                self.groups = GroupsPanel::new(Some(&db));
                self.key_packages = KeyPackagesPanel::new(Some(&db));
                self.trust_roots = TrustRootsPanel::new(Some(&db));
                self.workspace = WorkspaceState::Open(ws);
            }
            Err(WorkspaceError::Storage(StorageError::Locked { path })) => {
                self.workspace = WorkspaceState::Locked(LockPrompt::new(path));
            }
            Err(e) => {
                self.workspace = WorkspaceState::Failed {
                    path: path.or_else(|| Workspace::default_path().ok()),
                    error: e.to_string(),
                };
            }
        }
    }

    /// Opens the file given on the command line in the Decoder (and selects
    /// the field given); problems go to stderr, the window opens anyway.
    pub fn apply_startup(&mut self, startup: &Startup) {
        let Some(path) = &startup.open else {
            return;
        };
        self.tab = Tab::Decoder;
        self.decoder.load_path(path);
        if let Some(status) = self.decoder.status().filter(|s| s.error) {
            eprintln!("mls-inspector: {}", status.text);
        }
        if let Some(select) = &startup.select
            && !self.decoder.select_path(select)
        {
            eprintln!("mls-inspector: no field {select:?} in {}", path.display());
        }
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    pub fn decoder(&mut self) -> &mut DecoderPanel {
        &mut self.decoder
    }

    pub fn conformance(&mut self) -> &mut ConformancePanel {
        &mut self.conformance
    }

    pub fn groups(&mut self) -> &mut GroupsPanel {
        &mut self.groups
    }

    pub fn key_packages(&mut self) -> &mut KeyPackagesPanel {
        &mut self.key_packages
    }

    pub fn trust_roots(&mut self) -> &mut TrustRootsPanel {
        &mut self.trust_roots
    }

    /// The open workspace.
    pub fn workspace(&self) -> Option<&Workspace> {
        match &self.workspace {
            WorkspaceState::Open(ws) => Some(ws),
            _ => None,
        }
    }

    /// Why the workspace could not be opened.
    pub fn workspace_error(&self) -> Option<&str> {
        match &self.workspace {
            WorkspaceState::Failed { error, .. } => Some(error),
            _ => None,
        }
    }

    /// Runs the group manager's operations on the UI thread (tests).
    pub fn set_synchronous(&mut self, synchronous: bool) {
        self.groups.set_synchronous(synchronous);
        self.key_packages.jobs().set_synchronous(synchronous);
        self.trust_roots.jobs().set_synchronous(synchronous);
    }

    /// Waits until the group manager panels' background operations have
    /// finished and applies their results; `false` on timeout.
    pub fn wait_idle(&mut self, timeout: Duration) -> bool {
        // The shell's own jobs (unlocking, the passphrase dialog).
        let deadline = std::time::Instant::now() + timeout;
        while self.dialogs.busy() {
            if !self.dialogs.wait(deadline) {
                return false;
            }
        }
        let WorkspaceState::Open(_) = &self.workspace else {
            return true;
        };
        self.groups.wait_idle(timeout)
            && self.key_packages.wait_jobs(timeout)
            && self.trust_roots.wait_jobs(timeout)
            && self.decoder.wait_jobs(timeout)
    }

    /// Asks for a workspace file (on a thread of its own); it is opened
    /// when the answer arrives.
    fn open_workspace_dialog(&mut self, ctx: &egui::Context) {
        self.dialogs.set_context(ctx);
        self.dialogs.dialog(|| {
            let picked = super::file_choice::run_dialog(|| {
                rfd::FileDialog::new()
                    .set_title("Open or create a workspace file")
                    .add_filter("SQLite workspace", &["sqlite", "db"])
                    .save_file()
            });
            match picked {
                Ok(path) => path.map(ShellOutcome::Picked),
                Err(no_dialog) => Some(ShellOutcome::Notice(format!(
                    "{no_dialog} (File ➡ Open workspace… ➡ Path)"
                ))),
            }
        });
    }

    /// Draws the shell and the selected panel.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        // The Decoder's Group selector offers the open workspace's groups.
        let db = self.workspace().map(|ws| ws.path().to_path_buf());
        self.decoder.set_workspace(db.as_deref());
        for outcome in self.dialogs.take_ready() {
            match outcome {
                ShellOutcome::Picked(path) => self.open_workspace(Some(path)),
                ShellOutcome::Failed(error) => {
                    self.workspace = WorkspaceState::Failed { path: None, error };
                }
                ShellOutcome::Unlocked(path) => self.open_workspace(Some(path)),
                ShellOutcome::Notice(text) => self.notice = Some(Status::error(text)),
                ShellOutcome::Protection(result) => self.protection_done(result),
                ShellOutcome::UnlockFailed(error) => {
                    if let WorkspaceState::Locked(prompt) = &mut self.workspace {
                        prompt.busy = false;
                        prompt.error = Some(error);
                    }
                }
            }
        }
        self.lock_when_idle(ui.ctx());
        let before = self.tab;
        let mut open_protect: Option<bool> = None;
        egui::Panel::top("app_bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| {
                    if ui.button("Open message…").clicked() {
                        self.tab = Tab::Decoder;
                        self.decoder.open_dialog();
                    }
                    if ui.button("Open vector file…").clicked() {
                        self.tab = Tab::Conformance;
                        self.conformance.open_dialog();
                    }
                    if ui.button("Check official vectors").clicked() {
                        self.tab = Tab::Conformance;
                        self.conformance.check_official();
                    }
                    ui.separator();
                    match super::file_choice::file_menu(
                        ui,
                        "Open workspace…",
                        "Choose the SQLite workspace file with the file dialog…",
                        "Open",
                    ) {
                        Some(super::file_choice::FileChoice::Dialog) => {
                            self.open_workspace_dialog(ui.ctx());
                        }
                        Some(super::file_choice::FileChoice::Path(path)) => {
                            self.open_workspace(Some(path));
                        }
                        None => {}
                    }
                    ui.separator();
                    if ui.button("Quit").clicked() {
                        ui.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                });
                ui.separator();
                for tab in Tab::ALL {
                    ui.selectable_value(&mut self.tab, tab, tab.title());
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    egui::widgets::global_theme_preference_buttons(ui);
                    // Right to left, most important first; a label that no
                    // longer fits is left out instead of overlapping the tabs.
                    let fits = |ui: &egui::Ui, text: &str| {
                        let font = egui::TextStyle::Body.resolve(ui.style());
                        let width = ui
                            .painter()
                            .layout_no_wrap(text.to_owned(), font, egui::Color32::WHITE)
                            .size()
                            .x;
                        width + 2.0 * ui.spacing().item_spacing.x < ui.available_width()
                    };
                    if let WorkspaceState::Open(ws) = &self.workspace {
                        if ws.is_read_only() && fits(ui, "read-only ·") {
                            ui.colored_label(ui.visuals().warn_fg_color, "read-only ·")
                                .on_hover_text(
                                    "This process may not write the workspace file: everything \
                                     can be looked at, nothing can be changed",
                                );
                        }
                        let protected = self.idle.protected;
                        let mark = if protected {
                            "protected ·"
                        } else {
                            "unprotected ·"
                        };
                        if fits(ui, mark) {
                            let hover = if protected {
                                "The workspace's secrets are sealed under a passphrase; the \
                                 window asks for it again after a while without input \
                                 (`mls-inspector workspace lock-after SECONDS`). Click to \
                                 change or remove the passphrase."
                            } else {
                                "The workspace's secrets are stored in clear in the file \
                                 (mode 0600). Click to seal them under a passphrase \
                                 (`mls-inspector workspace protect`)."
                            };
                            let clicked = ui
                                .add(
                                    egui::Button::new(egui::RichText::new(mark).weak())
                                        .frame(false),
                                )
                                .on_hover_text(hover)
                                .clicked();
                            if clicked && !ws.is_read_only() {
                                open_protect = Some(protected);
                            }
                        }
                        let name = ws
                            .path()
                            .file_name()
                            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                        let label = format!("workspace {name} ·");
                        if fits(ui, &label) {
                            ui.weak(label)
                                .on_hover_text(ws.path().display().to_string());
                        }
                    }
                    if fits(ui, "MLS Inspector · RFC 9420") {
                        ui.weak("MLS Inspector · RFC 9420");
                    }
                });
            });
        });
        if self.tab != before {
            self.notice = None;
            self.key_packages.refresh.dirty = true;
            self.trust_roots.refresh.dirty = true;
        }
        self.status_bar(ui);
        if let WorkspaceState::Failed { path, error } = &self.workspace {
            egui::Panel::top("workspace_error")
                .frame(
                    egui::Frame::new()
                        .fill(ui.visuals().error_fg_color.gamma_multiply(0.15))
                        .inner_margin(6.0),
                )
                .show(ui, |ui| {
                    let file = path
                        .as_ref()
                        .map_or_else(String::new, |p| format!(" {}", p.display()));
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("Cannot open the workspace{file}: {error}"),
                    );
                    ui.weak(
                        "The group manager tabs need it; the Decoder and Conformance tabs work \
                         without it. File ➡ Open workspace… chooses another file.",
                    );
                });
        }
        if let Some(protected) = open_protect {
            self.protect_dialog = Some(ProtectDialog::new(protected));
        }
        self.protect_dialog_ui(ui.ctx());
        egui::CentralPanel::default().show(ui, |ui| match (self.tab, &mut self.workspace) {
            (Tab::Decoder, _) => self.decoder.ui(ui),
            (Tab::Conformance, _) => self.conformance.ui(ui),
            (Tab::Groups, WorkspaceState::Open(_)) => self.groups.ui(ui),
            (Tab::KeyPackages, WorkspaceState::Open(_)) => self.key_packages.ui(ui),
            (Tab::TrustRoots, WorkspaceState::Open(_)) => self.trust_roots.ui(ui),
            (tab, WorkspaceState::Locked(prompt)) if tab.uses_workspace() => {
                if let Some(passphrase) = prompt.ui(ui) {
                    let path = prompt.path.clone();
                    self.dialogs.set_context(ui.ctx());
                    self.dialogs.run("Unlocking…", move |progress| {
                        progress.send(match Workspace::unlock_session(&path, &passphrase) {
                            Ok(()) => ShellOutcome::Unlocked(path),
                            Err(e) => ShellOutcome::UnlockFailed(e.to_string()),
                        });
                    });
                }
            }
            (tab, _) if tab.uses_workspace() => no_workspace(ui),
            _ => {}
        });
        let request = self.groups.take_decode_request().or_else(|| {
            self.key_packages
                .take_decode_request()
                .map(|(name, bytes)| (name, bytes, None))
        });
        if let Some((name, bytes, group)) = request {
            if group.is_some() {
                self.decoder.refresh_groups();
            }
            self.decoder.select_group(group);
            self.decoder.load_bytes(name, &bytes);
            self.tab = Tab::Decoder;
        }
    }
}

impl InspectorApp {
    /// The passphrase dialog, when open; its confirmation starts the job.
    fn protect_dialog_ui(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.protect_dialog else {
            return;
        };
        let request = match dialog.show(ctx) {
            Answer::Close => {
                self.protect_dialog = None;
                return;
            }
            Answer::Open => return,
            Answer::Confirm(request) => request,
        };
        let Some(path) = self.workspace().map(|ws| ws.path().to_path_buf()) else {
            self.protect_dialog = None;
            return;
        };
        self.dialogs.set_context(ctx);
        self.dialogs.run("Sealing the workspace…", move |progress| {
            let result = (|| -> Result<String, WorkspaceError> {
                let ws = Workspace::open(&path)?;
                Ok(match request {
                    ProtectRequest::Protect(new) => {
                        ws.protect(&new)?;
                        Workspace::unlock_session(&path, &new)?;
                        "The workspace is protected: its secrets are sealed under the passphrase"
                            .to_owned()
                    }
                    ProtectRequest::Change { old, new } => {
                        ws.change_passphrase(&old, &new)?;
                        Workspace::unlock_session(&path, &new)?;
                        "The passphrase is changed: the secrets are sealed under the new one"
                            .to_owned()
                    }
                    ProtectRequest::Remove(old) => {
                        ws.unprotect(&old)?;
                        "The protection is removed: the secrets are stored in clear".to_owned()
                    }
                })
            })();
            progress.send(ShellOutcome::Protection(result.map_err(|e| e.to_string())));
        });
    }

    /// The passphrase dialog's job ended.
    fn protection_done(&mut self, result: Result<String, String>) {
        match result {
            Ok(text) => {
                self.protect_dialog = None;
                // Opened again: every connection reads the new form.
                let path = self.workspace().map(|ws| ws.path().to_path_buf());
                if path.is_some() {
                    self.open_workspace(path);
                }
                self.notice = Some(Status::ok(text));
            }
            Err(e) => {
                if let Some(dialog) = &mut self.protect_dialog {
                    dialog.busy = false;
                    dialog.error = Some(e);
                }
            }
        }
    }

    /// The passphrase dialog is open (tests).
    pub fn protect_dialog_open(&self) -> bool {
        self.protect_dialog.is_some()
    }

    /// The status of the tab shown (or the shell's notice), at one fixed
    /// place at the bottom of the window: status lines appearing never
    /// move the panels' controls.
    fn status_bar(&mut self, ui: &mut egui::Ui) {
        let status = match self.tab {
            Tab::Decoder => self.decoder.status().cloned(),
            Tab::Groups => self.groups.status().cloned(),
            Tab::KeyPackages => self.key_packages.status().cloned(),
            Tab::TrustRoots => self.trust_roots.status().cloned(),
            Tab::Conformance => None,
        };
        let notice = self.notice.clone();
        let busy = match self.tab {
            Tab::Groups => self.groups.busy_text(),
            _ => None,
        };
        egui::Panel::bottom("status_bar")
            .exact_size(STATUS_BAR_HEIGHT)
            .show(ui, |ui| {
                ui.horizontal_centered(|ui| {
                    if let Some(busy) = &busy {
                        ui.spinner();
                        ui.label(busy);
                        ui.separator();
                    }
                    match notice.or(status) {
                        Some(status) => {
                            let color = if status.error {
                                super::common::error_color(ui)
                            } else {
                                super::common::ok_color(ui)
                            };
                            let response = ui.add(
                                egui::Label::new(egui::RichText::new(&status.text).color(color))
                                    .truncate()
                                    .show_tooltip_when_elided(false),
                            );
                            response.on_hover_text(&status.text);
                        }
                        None => {
                            ui.weak(if busy.is_some() { "" } else { "Ready" });
                        }
                    }
                });
            });
    }

    /// Locks an open protected workspace after the idle time: the key is
    /// forgotten, the panels start empty, the passphrase is asked again.
    fn lock_when_idle(&mut self, ctx: &egui::Context) {
        let WorkspaceState::Open(ws) = &self.workspace else {
            return;
        };
        if !self.idle.expired(ctx) {
            return;
        }
        let path = ws.path().to_path_buf();
        self.lock(path);
    }

    /// Locks the protected workspace at `path` now.
    pub fn lock(&mut self, path: PathBuf) {
        Workspace::lock_session(&path);
        self.decoder.set_workspace(None);
        self.groups = GroupsPanel::new(None);
        self.key_packages = KeyPackagesPanel::new(None);
        self.trust_roots = TrustRootsPanel::new(None);
        self.idle = IdleLock::default();
        self.workspace = WorkspaceState::Locked(LockPrompt::new(path));
    }

    /// Whether a protected workspace waits for its passphrase.
    pub fn is_locked(&self) -> bool {
        matches!(self.workspace, WorkspaceState::Locked(_))
    }
}

fn no_workspace(ui: &mut egui::Ui) {
    ui.add_space(12.0);
    ui.heading("No workspace is open");
    ui.label(
        "The group manager keeps identities, key packages, groups and trust roots in a \
         workspace file. Choose one with File ➡ Open workspace….",
    );
}

impl eframe::App for InspectorApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        InspectorApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        storage.set_string(TAB_KEY, self.tab.key().to_owned());
        storage.set_string(RECENT_KEY, self.decoder.recent_to_storage());
        if let WorkspaceState::Open(ws) = &self.workspace {
            storage.set_string(
                LAST_GROUP_KEY,
                self.groups
                    .selected()
                    .map_or_else(String::new, |k| k.0.to_string()),
            );
            storage.set_string(LAST_GROUP_DB_KEY, ws.path().display().to_string());
        }
    }
}
