//! The Key packages panel: identities and their key packages (create,
//! list, export as a file, hex or base64), and checking someone else's key
//! package the way a group would before adding it (what is in it, or why
//! it is unusable).
//!
//! Reading the lists, creating and checking run as background `Jobs`
//! (each with its own workspace connection), as do the file dialogs.

use crate::ui::common::{ItemTable, clickable_table, label_cell, striped_table, wrapped_row};
use std::path::Path;
use std::time::Duration;

use egui::{RichText, Ui};
use egui_extras::{Column, Size, StripBuilder};
use mls_core::crypto::CipherSuite;

use super::common::Opened;
use super::common::{
    Output, OutputAction, Status, drop_overlay, dropped_files, error_color, file_bytes,
    format_time_u, identity_combo, known_identity, labelled_edit, ok_color, output_buttons,
    read_input, read_or_report, short_hex, suite_short,
};
use super::dialogs::{open_dialog, save_dialog};
use super::external_form::{
    ExternalAction, ExternalForm, ExternalOutcome, GroupInfoLoad, is_group_info_message,
};
use super::jobs::{JobPanel, Jobs, Refresh, job_outcome, job_panel};
use super::x509_form::{X509Action, X509Form, X509Request, X509Slot};
use crate::workspace::{IdentityInfo, IdentityKey, KeyPackageInfo, Workspace};

/// The titles of the table's columns.
const IDENTITY_COLUMNS: [&str; 4] = ["#", "Name", "Cipher suite", "Signature key"];

/// The titles of the table's columns.
const KEY_PACKAGE_COLUMNS: [&str; 6] = [
    "KeyPackageRef",
    "Identity",
    "Suite",
    "Created",
    "Expires",
    "State",
];

/// How often the lists are read again when auto refresh is on.
const REFRESH_EVERY: Duration = Duration::from_secs(3);
/// Width of the foreign-key-package column.
const CHECK_WIDTH: f32 = 430.0;

/// A foreign key package that was checked.
#[derive(Debug, Clone)]
pub struct ForeignCheck {
    /// Where it came from (file name or "pasted hex").
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// What the dissector makes of the bytes (one line).
    pub summary: String,
    /// What validation found, or why it failed.
    pub result: Result<KeyPackageInfo, String>,
}

/// The identities and key packages of the workspace.
type Lists = Result<(Vec<IdentityInfo>, Vec<KeyPackageInfo>), String>;

/// What a background job of the panel came back with.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The job could not run (no workspace, panic, no thread).
    Failed(String),
    /// A file dialog saved a produced message (or could not).
    Saved(Status),
    /// The file dialog opened a foreign key package.
    Opened(Opened),
    /// The lists, read again.
    Listed(Lists),
    /// An identity was created (or not), and the lists after it.
    IdentityMade {
        result: Result<IdentityInfo, String>,
        lists: Lists,
    },
    /// A key package was created (or not), and the lists after it.
    KeyPackageMade {
        result: Result<KeyPackageInfo, String>,
        lists: Lists,
    },
    /// A foreign key package was checked.
    Checked(ForeignCheck),
    /// An identity's public part was exported ("Export public
    /// identity…"): the identity's name and the file's bytes.
    IdentityExported {
        name: String,
        result: Result<Vec<u8>, String>,
    },
    /// A file dialog opened a file for a box of the X.509 form.
    X509Opened { slot: X509Slot, opened: Opened },
    /// An X.509 identity was imported or issued (or not), and the lists
    /// after it.
    X509Made {
        result: Result<IdentityInfo, String>,
        lists: Lists,
    },
    /// A job of the "Propose from outside the group" form: a file opened
    /// for it, a GroupInfo read, or the external proposal made (or not).
    External(ExternalOutcome),
}

job_outcome!(Outcome::Failed);

fn read_lists(ws: &Workspace) -> Lists {
    ws.identities()
        .and_then(|i| Ok((i, ws.key_packages()?)))
        .map_err(|e| e.to_string())
}

job_panel!(KeyPackagesPanel, Outcome);

/// The Key packages panel's state.
#[derive(Debug)]
pub struct KeyPackagesPanel {
    jobs: Jobs<Outcome>,
    /// When the lists are read again (the app turns auto refresh on).
    pub(crate) refresh: Refresh,
    identities: Vec<IdentityInfo>,
    key_packages: Vec<KeyPackageInfo>,
    new_identity: String,
    new_suite: u16,
    for_identity: Option<IdentityKey>,
    selected: Option<String>,
    foreign_input: String,
    foreign: Option<ForeignCheck>,
    status: Option<Status>,
    decode_request: Option<(String, Vec<u8>)>,
    /// The last exported public identity, to save or decode.
    exported: Option<Output>,
    x509: X509Form,
    /// The "Propose from outside the group" form.
    external: ExternalForm,
}

impl Default for KeyPackagesPanel {
    fn default() -> Self {
        KeyPackagesPanel::new(None)
    }
}

enum Action {
    NewIdentity,
    NewKeyPackage,
    Check,
    OpenForeign,
    /// Export the chosen identity's public part (an `ExternalSender`).
    ExportIdentity,
    /// A button of a produced message (save it, or show it in the Decoder).
    Output(OutputAction, Output),
    /// A button of the X.509 form.
    X509(X509Action),
    /// A button of the "Propose from outside the group" form.
    External(ExternalAction),
}

impl KeyPackagesPanel {
    pub fn new(db: Option<&Path>) -> Self {
        KeyPackagesPanel {
            jobs: Jobs::new(db),
            refresh: Refresh::new(REFRESH_EVERY),
            identities: Vec::new(),
            key_packages: Vec::new(),
            new_identity: String::new(),
            new_suite: CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519.id(),
            for_identity: None,
            selected: None,
            foreign_input: String::new(),
            foreign: None,
            status: None,
            decode_request: None,
            exported: None,
            x509: X509Form::default(),
            external: ExternalForm::default(),
        }
    }

    /// The last exported public identity ("Export public identity…").
    pub fn exported_identity(&self) -> Option<&Output> {
        self.exported.as_ref()
    }

    /// The "Propose from outside the group" form (its GroupInfo and the
    /// last proposal made).
    pub fn external_form(&self) -> &ExternalForm {
        &self.external
    }

    /// The X.509 import/issue form.
    pub fn x509_form(&self) -> &X509Form {
        &self.x509
    }

    pub fn identities(&self) -> &[IdentityInfo] {
        &self.identities
    }

    /// This workspace's key packages as last read.
    pub fn key_packages(&self) -> &[KeyPackageInfo] {
        &self.key_packages
    }

    /// The last checked foreign key package.
    pub fn foreign(&self) -> Option<&ForeignCheck> {
        self.foreign.as_ref()
    }

    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// Checks key package bytes (a dropped or opened file's content) in
    /// the background.
    pub fn check_bytes(&mut self, name: &str, bytes: Vec<u8>) {
        let name = name.to_owned();
        self.jobs.spawn(format!("Checking {name}…"), move |ws| {
            let dissection = mls_core::inspect::dissect(&bytes);
            let result = ws
                .key_package_validate_foreign(&bytes)
                .map_err(|e| e.to_string());
            Outcome::Checked(ForeignCheck {
                name,
                summary: dissection.summary,
                bytes,
                result,
            })
        });
    }

    pub(crate) fn take_decode_request(&mut self) -> Option<(String, Vec<u8>)> {
        self.decode_request.take()
    }

    /// Reads the lists again (in the background).
    fn read_again(&mut self) {
        self.jobs.spawn_quiet(|ws| Outcome::Listed(read_lists(ws)));
    }

    fn apply_lists(&mut self, lists: Lists) {
        let read = read_or_report(lists, &mut self.status, "Cannot read the key packages");
        if let Some((identities, key_packages)) = read {
            self.identities = identities;
            self.key_packages = key_packages;
        }
        self.for_identity = known_identity(self.for_identity, &self.identities);
    }

    /// Applies what a background job came back with.
    fn apply_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Failed(text) => self.status = Some(Status::error(text)),
            Outcome::Saved(status) => self.status = Some(status),
            Outcome::Opened(opened) => {
                if let Some(status) = opened.error_status() {
                    self.status = Some(status);
                }
                let (files, taken) = self.x509.take_pem_files(opened.files);
                if taken.is_some() {
                    self.status = taken;
                }
                for (name, raw) in files {
                    let bytes = file_bytes(&raw);
                    if is_group_info_message(&bytes) {
                        self.load_group_info(self.external.load_bytes(name, bytes));
                    } else {
                        self.check_bytes(&name, bytes);
                    }
                }
            }
            Outcome::Listed(lists) => self.apply_lists(lists),
            Outcome::IdentityMade { result, lists } => {
                match result {
                    Ok(info) => {
                        self.status = Some(Status::ok(format!(
                            "Created identity {} ({})",
                            info.name, info.suite_name
                        )));
                        self.new_identity.clear();
                        self.for_identity = Some(info.key);
                    }
                    Err(e) => self.status = Some(Status::error(e)),
                }
                self.apply_lists(lists);
            }
            Outcome::KeyPackageMade { result, lists } => {
                match result {
                    Ok(info) => {
                        self.status = Some(Status::ok(format!(
                            "Created a key package for {} (ref {}), valid until {}: export it for whoever adds you",
                            info.credential,
                            short_hex(&info.reference_hex, 12),
                            format_time_u(info.not_after)
                        )));
                        self.selected = Some(info.reference_hex);
                    }
                    Err(e) => self.status = Some(Status::error(e)),
                }
                self.apply_lists(lists);
            }
            Outcome::Checked(check) => {
                self.status = None;
                self.foreign = Some(check);
            }
            Outcome::IdentityExported { name, result } => match result {
                Ok(bytes) => {
                    self.status = Some(Status::ok(format!(
                        "Exported the public identity of {name} ({} bytes): save it below for a group to list it as an external sender",
                        bytes.len()
                    )));
                    self.exported = Some(Output::new(
                        format!("Public identity of {name}"),
                        format!(
                            "{}.identity",
                            name.replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', "_")
                        ),
                        bytes,
                    ));
                }
                Err(e) => self.status = Some(Status::error(e)),
            },
            Outcome::X509Opened { slot, opened } => {
                if let Some(status) = self.x509.fill(slot, opened) {
                    self.status = Some(status);
                }
            }
            Outcome::X509Made { result, lists } => {
                match result {
                    Ok(info) => {
                        self.status = Some(Status::ok(format!(
                            "Created X.509 identity {} ({})",
                            info.name, info.suite_name
                        )));
                        self.new_identity.clear();
                        self.for_identity = Some(info.key);
                    }
                    Err(e) => self.status = Some(Status::error(e)),
                }
                self.apply_lists(lists);
            }
            Outcome::External(outcome) => {
                // A new member's proposal stores a key package.
                let made = matches!(outcome, ExternalOutcome::Proposed(Ok(_)));
                let (status, load) = self.external.apply(outcome);
                if status.is_some() {
                    self.status = status;
                }
                if let Some(load) = load {
                    self.load_group_info(load);
                }
                if made {
                    self.read_again();
                }
            }
        }
    }

    /// Reads and decodes a GroupInfo for the external proposal form (in
    /// the background).
    fn load_group_info(&mut self, load: GroupInfoLoad) {
        self.jobs.run("Reading the GroupInfo…", move |progress| {
            progress.send(Outcome::External(load.run()));
        });
    }

    fn perform(&mut self, action: Action) {
        match action {
            Action::NewIdentity => {
                let Some(suite) = CipherSuite::from_u16(self.new_suite) else {
                    self.status = Some(Status::error(format!(
                        "suite {} is not supported",
                        self.new_suite
                    )));
                    self.read_again();
                    return;
                };
                let name = self.new_identity.trim().to_owned();
                self.jobs.spawn("Creating the identity…", move |ws| {
                    Outcome::IdentityMade {
                        result: ws.identity_new(&name, suite).map_err(|e| e.to_string()),
                        lists: read_lists(ws),
                    }
                });
            }
            Action::NewKeyPackage => {
                let Some(identity) = self.for_identity else {
                    self.status = Some(Status::error("Create an identity first."));
                    return;
                };
                self.jobs.spawn("Creating a key package…", move |ws| {
                    Outcome::KeyPackageMade {
                        result: ws.key_package_new(identity).map_err(|e| e.to_string()),
                        lists: read_lists(ws),
                    }
                });
            }
            Action::Check => match read_input(&self.foreign_input) {
                Ok((name, bytes)) => self.check_bytes(&name, bytes),
                Err(e) => self.status = Some(Status::error(e)),
            },
            Action::ExportIdentity => {
                let Some(identity) = self.for_identity else {
                    self.status = Some(Status::error("Create an identity first."));
                    return;
                };
                self.jobs
                    .spawn("Exporting the public identity…", move |ws| {
                        let name = ws
                            .identity(identity)
                            .map(|i| i.name)
                            .unwrap_or_else(|_| format!("#{}", identity.0));
                        Outcome::IdentityExported {
                            name,
                            result: ws.identity_export(identity).map_err(|e| e.to_string()),
                        }
                    });
            }
            Action::OpenForeign => {
                open_dialog(&mut self.jobs, "Open a key package", false, Outcome::Opened);
            }
            Action::Output(OutputAction::SaveTo(path), output) => {
                self.status = Some(crate::ui::dialogs::save_to(&output, &path));
            }
            Action::Output(OutputAction::Save, output) => {
                save_dialog(&mut self.jobs, &output, Outcome::Saved);
            }
            Action::Output(OutputAction::Decode, output) => {
                self.decode_request = Some((output.label, output.bytes));
            }
            Action::X509(X509Action::Open(slot)) => {
                open_dialog(&mut self.jobs, "Open a PEM file", false, move |opened| {
                    Outcome::X509Opened { slot, opened }
                });
            }
            Action::X509(action) => {
                let request = X509Request {
                    action,
                    name: self.new_identity.trim().to_owned(),
                    suite: self.new_suite,
                    form: self.x509.clone(),
                };
                let what = if action == X509Action::Import {
                    "Importing the X.509 identity…"
                } else {
                    "Issuing the X.509 identity…"
                };
                self.jobs.spawn(what, move |ws| Outcome::X509Made {
                    result: request.run(ws),
                    lists: read_lists(ws),
                });
            }
            Action::External(action) => self.perform_external(action),
        }
    }

    fn perform_external(&mut self, action: ExternalAction) {
        match action {
            ExternalAction::Open(slot) => {
                open_dialog(&mut self.jobs, slot.title(), false, move |opened| {
                    Outcome::External(ExternalOutcome::Opened { slot, opened })
                });
            }
            ExternalAction::LoadPasted => self.load_group_info(self.external.load_pasted()),
            ExternalAction::ClearTree => {
                if let Some(load) = self.external.clear_tree() {
                    self.load_group_info(load);
                }
            }
            ExternalAction::Propose => match self.external.request(self.for_identity) {
                Ok(request) => {
                    self.external.start_proposal();
                    self.jobs.spawn("Making the external proposal…", move |ws| {
                        Outcome::External(ExternalOutcome::Proposed(request.run(ws)))
                    });
                }
                Err(e) => self.status = Some(Status::error(e)),
            },
            ExternalAction::Output(action) => {
                if let Some(output) = self.external.produced().cloned() {
                    self.perform(Action::Output(action, output));
                }
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
        let mut actions = Vec::new();
        StripBuilder::new(ui)
            .size(Size::remainder().at_least(420.0))
            .size(Size::exact(CHECK_WIDTH))
            .horizontal(|mut strip| {
                strip.cell(|ui| self.ours_ui(ui, &mut actions));
                strip.cell(|ui| {
                    egui::Frame::NONE
                        .inner_margin(egui::Margin {
                            left: 16,
                            ..Default::default()
                        })
                        .show(ui, |ui| {
                            egui::ScrollArea::vertical()
                                .id_salt("foreign_kp_scroll")
                                .auto_shrink([false, false])
                                .show(ui, |ui| {
                                    self.foreign_ui(ui, &mut actions);
                                    self.external_ui(ui, &mut actions);
                                });
                        });
                });
            });
        for action in actions {
            self.perform(action);
        }
        drop_overlay(
            ui,
            rect,
            "Drop a key package to check it, or a GroupInfo to propose",
        );
    }

    fn ours_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        ui.heading(format!("Identities ({})", self.identities.len()));
        ui.horizontal(|ui| {
            labelled_edit(ui, "Name:", &mut self.new_identity, "e.g. alice", 140.0);
            let combo_label = ui.label("Suite:");
            egui::ComboBox::from_id_salt("kp_new_identity_suite")
                .selected_text(suite_short(self.new_suite))
                .width(200.0)
                .show_ui(ui, |ui| {
                    for cs in CipherSuite::ALL {
                        ui.selectable_value(&mut self.new_suite, cs.id(), suite_short(cs.id()))
                            .on_hover_text(cs.name());
                    }
                })
                .response
                .labelled_by(combo_label.id);
            if ui.button("Create identity").clicked() {
                actions.push(Action::NewIdentity);
            }
        });
        // A table row takes its height plus the item spacing: counting
        // without it cut the last identity in half.
        let row_step = row_height + ui.spacing().item_spacing.y;
        let table_height = (row_step * (self.identities.len() as f32 + 1.0)).min(150.0);
        // Room for the header's spacing too (the space used is what the
        // table takes).
        let room = table_height + row_step;
        ui.allocate_ui(egui::vec2(ui.available_width(), room), |ui| {
            striped_table(ui, "kp_identities")
                .column(Column::exact(36.0))
                .column(Column::initial(140.0).clip(true))
                .column(Column::initial(230.0).clip(true))
                .column(Column::remainder().clip(true))
                .min_scrolled_height(0.0)
                .max_scroll_height(table_height - row_step)
                .auto_shrink([false, true])
                .item_table(
                    row_height,
                    &IDENTITY_COLUMNS,
                    &self.identities,
                    |mut row, i| {
                        label_cell(&mut row, i.key.0.to_string());
                        row.col(|ui| {
                            let name = if i.credential_type == 2 {
                                format!("{} · X.509", i.name)
                            } else {
                                i.name.clone()
                            };
                            ui.label(name).on_hover_text(&i.credential);
                        });
                        row.col(|ui| {
                            ui.label(suite_short(i.cipher_suite))
                                .on_hover_text(&i.suite_name);
                        });
                        row.col(|ui| {
                            ui.label(
                                RichText::new(short_hex(&i.signature_public_hex, 24)).monospace(),
                            )
                            .on_hover_text(&i.signature_public_hex);
                        });
                    },
                );
        });
        let can_run = !self.jobs.working() && !self.new_identity.trim().is_empty();
        let suite_name = suite_short(self.new_suite);
        egui::CollapsingHeader::new("X.509 identity")
            .id_salt("kp_x509")
            .show(ui, |ui| {
                if let Some(action) = self.x509.ui(ui, can_run, &suite_name) {
                    actions.push(Action::X509(action));
                }
            });
        ui.separator();

        ui.heading(format!("Our key packages ({})", self.key_packages.len()));
        ui.horizontal(|ui| {
            identity_combo(
                ui,
                "For:",
                "kp_for_identity",
                160.0,
                &mut self.for_identity,
                &self.identities,
            );
            if ui
                .add_enabled(
                    self.for_identity.is_some(),
                    egui::Button::new("Create key package"),
                )
                .clicked()
            {
                actions.push(Action::NewKeyPackage);
            }
            if ui
                .add_enabled(
                    self.for_identity.is_some(),
                    egui::Button::new("Export public identity…"),
                )
                .on_hover_text(
                    "The identity's signature key and credential (RFC 9420 ExternalSender), \
                     for a group to list it as an external sender",
                )
                .clicked()
            {
                actions.push(Action::ExportIdentity);
            }
        });
        if let Some(output) = &self.exported {
            ui.horizontal(|ui| {
                ui.label(format!("{} · {} bytes", output.label, output.bytes.len()));
                if let Some(action) = output_buttons(ui, output) {
                    actions.push(Action::Output(action, output.clone()));
                }
            });
        }
        let names = |k: Option<IdentityKey>| -> String {
            k.and_then(|k| self.identities.iter().find(|i| i.key == k))
                .map_or_else(String::new, |i| i.name.clone())
        };
        let table_height = (ui.available_height() - 64.0).max(100.0);
        let mut clicked = None;
        let selected = self.selected.clone();
        ui.allocate_ui(egui::vec2(ui.available_width(), table_height), |ui| {
            clickable_table(ui, "kp_ours", table_height - row_height)
                .column(Column::initial(150.0).clip(true))
                .column(Column::initial(100.0).clip(true))
                .column(Column::exact(44.0))
                .column(Column::exact(122.0))
                .column(Column::exact(122.0))
                .column(Column::remainder().at_least(50.0))
                .item_table(
                    row_height,
                    &KEY_PACKAGE_COLUMNS,
                    &self.key_packages,
                    |mut row, k| {
                        row.set_selected(selected.as_deref() == Some(k.reference_hex.as_str()));
                        row.col(|ui| {
                            ui.label(RichText::new(short_hex(&k.reference_hex, 16)).monospace())
                                .on_hover_text(&k.reference_hex);
                        });
                        label_cell(&mut row, names(k.identity));
                        row.col(|ui| {
                            ui.label(k.cipher_suite.to_string())
                                .on_hover_text(&k.suite_name);
                        });
                        label_cell(&mut row, k.created.map_or_else(String::new, format_time_u));
                        label_cell(&mut row, format_time_u(k.not_after));
                        row.col(|ui| {
                            if k.used {
                                ui.weak("used");
                            } else {
                                ui.label("unused");
                            }
                        });
                        if row.response().clicked() {
                            clicked = Some(k.reference_hex.clone());
                        }
                    },
                );
        });
        if let Some(r) = clicked {
            self.selected = Some(r);
        }
        let chosen = self
            .selected
            .as_ref()
            .and_then(|r| self.key_packages.iter().find(|k| &k.reference_hex == r));
        match chosen {
            Some(k) => {
                let output = Output::new(
                    format!("key package of {}", k.credential),
                    format!(
                        "keypackage-{}.mls",
                        short_hex(&k.reference_hex, 8).trim_end_matches('…')
                    ),
                    k.bytes.clone(),
                );
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "{} · {} bytes{}",
                        k.credential,
                        k.bytes.len(),
                        if k.used { " · used by a Welcome" } else { "" }
                    ));
                    if let Some(action) = output_buttons(ui, &output) {
                        actions.push(Action::Output(action, output.clone()));
                    }
                });
            }
            None => {
                ui.weak("Click a key package to export it (file, hex or base64).");
            }
        }
    }

    /// The collapsible "Propose from outside the group" section.
    fn external_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        ui.separator();
        let identity = self
            .for_identity
            .and_then(|k| self.identities.iter().find(|i| i.key == k))
            .map(|i| i.name.clone());
        let can_run = !self.jobs.working();
        egui::CollapsingHeader::new("Propose from outside the group")
            .id_salt("kp_external")
            .show(ui, |ui| {
                if let Some(action) = self.external.ui(ui, identity.as_deref(), can_run) {
                    actions.push(Action::External(action));
                }
            });
    }

    fn foreign_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        ui.heading("Check a key package");
        ui.label("Validates it as a group would before adding it: version, suite, both signatures, lifetime, capabilities and the credential (against the trust roots).");
        ui.horizontal(|ui| {
            labelled_edit(
                ui,
                "Key package:",
                &mut self.foreign_input,
                "path, hex or base64",
                200.0,
            );
            if ui.button("Check").clicked() {
                actions.push(Action::Check);
            }
        });
        ui.horizontal(|ui| {
            if ui.button("Open key package…").clicked() {
                actions.push(Action::OpenForeign);
            }
            ui.weak("or drop a file here");
        });
        ui.add_space(6.0);
        let Some(check) = &self.foreign else {
            return;
        };
        ui.separator();
        ui.label(RichText::new(&check.name).strong());
        ui.weak(format!("{} bytes · {}", check.bytes.len(), check.summary));
        match &check.result {
            Ok(info) => {
                ui.colored_label(ok_color(ui), "✔ Valid key package");
                egui::Grid::new("foreign_kp_grid")
                    .num_columns(2)
                    .spacing([10.0, 3.0])
                    .show(ui, |ui| {
                        let mut row = |key: &str, value: String| wrapped_row(ui, key, value);
                        row("Credential", info.credential.clone());
                        row(
                            "Cipher suite",
                            format!("{} ({})", info.suite_name, info.cipher_suite),
                        );
                        row("KeyPackageRef", info.reference_hex.clone());
                        row("Valid from", format_time_u(info.not_before));
                        row("Valid until", format_time_u(info.not_after));
                        row(
                            "Ours",
                            match info.identity {
                                Some(k) => format!(
                                    "yes ({}){}",
                                    self.identities
                                        .iter()
                                        .find(|i| i.key == k)
                                        .map_or_else(|| k.to_string(), |i| i.name.clone()),
                                    if info.used { ", used" } else { "" }
                                ),
                                None => String::from("no"),
                            },
                        );
                    });
                let output = Output::new(
                    format!("key package of {}", info.credential),
                    "keypackage.mls",
                    info.bytes.clone(),
                );
                ui.horizontal(|ui| {
                    if let Some(action) = output_buttons(ui, &output) {
                        actions.push(Action::Output(action, output.clone()));
                    }
                });
                ui.weak("To add this member, drop the file on a group in the Groups tab.");
            }
            Err(e) => {
                ui.colored_label(error_color(ui), "✖ Not usable");
                ui.add(egui::Label::new(RichText::new(e).color(error_color(ui))).wrap());
                let output =
                    Output::new("the checked bytes", "keypackage.mls", check.bytes.clone());
                if ui
                    .small_button("Decode")
                    .on_hover_text("Dissect the bytes in the Decoder tab")
                    .clicked()
                {
                    actions.push(Action::Output(OutputAction::Decode, output));
                }
            }
        }
    }
}
