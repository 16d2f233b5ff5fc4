//! The X.509 section of the Key packages panel: import an identity from a
//! PEM certificate chain and PKCS#8 key (pasted, opened or dropped), or
//! issue one from a local CA (its certificate and key picked, pasted or
//! given as paths). The panel runs the work as jobs; this file holds the
//! form, the job bodies and the members' credential mark of the group
//! page.

use egui::{RichText, Ui};
use mls_core::crypto::CipherSuite;

use super::common::{Opened, Status, error_color, ok_color};
use crate::workspace::{IdentityInfo, MemberInfo, Workspace};

/// Which box a file goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum X509Slot {
    Chain,
    Key,
    CaCert,
    CaKey,
}

impl X509Slot {
    fn what(self) -> &'static str {
        match self {
            X509Slot::Chain => "certificate chain",
            X509Slot::Key => "private key",
            X509Slot::CaCert => "CA certificate",
            X509Slot::CaKey => "CA private key",
        }
    }
}

/// What the form asks the panel to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum X509Action {
    Import,
    Issue,
    Open(X509Slot),
}

/// The form's inputs: PEM text or a file path in each box.
#[derive(Debug, Clone)]
pub struct X509Form {
    pub chain: String,
    pub key: String,
    /// Import with the panel's selected suite (else the key's first).
    pub use_selected_suite: bool,
    pub ca_cert: String,
    pub ca_key: String,
    pub days: u32,
}

impl Default for X509Form {
    fn default() -> Self {
        X509Form {
            chain: String::new(),
            key: String::new(),
            use_selected_suite: false,
            ca_cert: String::new(),
            ca_key: String::new(),
            days: 365,
        }
    }
}

/// What an import or issue job needs, read off the form on the UI thread.
#[derive(Debug, Clone)]
pub struct X509Request {
    pub action: X509Action,
    pub name: String,
    pub suite: u16,
    pub form: X509Form,
}

fn has_block(bytes: &[u8], label: &str) -> bool {
    let marker = format!("-----BEGIN {label}-----");
    bytes.windows(marker.len()).any(|w| w == marker.as_bytes())
}

/// The bytes a box stands for: PEM text as is, else the file at its path
/// (read on the job's thread).
fn box_bytes(text: &str, what: &str) -> Result<Vec<u8>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!(
            "No {what}: paste PEM, give a path, open or drop a file."
        ));
    }
    if trimmed.contains("-----BEGIN") {
        return Ok(trimmed.as_bytes().to_vec());
    }
    std::fs::read(trimmed).map_err(|e| format!("Cannot read the {what} {trimmed}: {e}"))
}

impl X509Request {
    /// Runs the import or issue against `ws` (on a job's thread).
    pub fn run(&self, ws: &Workspace) -> Result<IdentityInfo, String> {
        let suite = CipherSuite::from_u16(self.suite)
            .ok_or_else(|| format!("suite {} is not supported", self.suite))?;
        let f = &self.form;
        match self.action {
            X509Action::Import => {
                let chain = box_bytes(&f.chain, X509Slot::Chain.what())?;
                let key = box_bytes(&f.key, X509Slot::Key.what())?;
                ws.identity_import(
                    &self.name,
                    &chain,
                    &key,
                    f.use_selected_suite.then_some(suite),
                )
                .map_err(|e| e.to_string())
            }
            X509Action::Issue | X509Action::Open(_) => {
                let ca = box_bytes(&f.ca_cert, X509Slot::CaCert.what())?;
                let ca_key = box_bytes(&f.ca_key, X509Slot::CaKey.what())?;
                ws.identity_issue(&self.name, &ca, &ca_key, suite, f.days)
                    .map_err(|e| e.to_string())
            }
        }
    }
}

impl X509Form {
    /// Takes the opened or dropped files that are PEM certificates or
    /// private keys (a certificate file into the chain box, a key file
    /// into the key box); returns the others and a status if any was
    /// taken.
    pub fn take_pem_files(
        &mut self,
        files: Vec<(String, Vec<u8>)>,
    ) -> (Vec<(String, Vec<u8>)>, Option<Status>) {
        let mut rest = Vec::new();
        let mut taken = Vec::new();
        for (name, raw) in files {
            let cert = has_block(&raw, "CERTIFICATE");
            let key = has_block(&raw, "PRIVATE KEY");
            if !cert && !key {
                rest.push((name, raw));
                continue;
            }
            let text = String::from_utf8_lossy(&raw).into_owned();
            if cert {
                self.chain = text.clone();
            }
            if key {
                self.key = text;
            }
            taken.push(name);
        }
        let status = (!taken.is_empty()).then(|| {
            Status::ok(format!(
                "Read {} into the X.509 import form: give a name and click \"Import X.509 identity\".",
                taken.join(", ")
            ))
        });
        (rest, status)
    }

    /// Puts an opened file's text into `slot`.
    pub fn fill(&mut self, slot: X509Slot, opened: Opened) -> Option<Status> {
        if let Some(status) = opened.error_status() {
            return Some(status);
        }
        let (name, raw) = opened.files.into_iter().next()?;
        let text = String::from_utf8_lossy(&raw).into_owned();
        match slot {
            X509Slot::Chain => self.chain = text,
            X509Slot::Key => self.key = text,
            X509Slot::CaCert => self.ca_cert = text,
            X509Slot::CaKey => self.ca_key = text,
        }
        Some(Status::ok(format!("Read {name} as the {}.", slot.what())))
    }

    /// Draws the form; `can_run` is false while a job runs or no name is
    /// given.
    pub fn ui(&mut self, ui: &mut Ui, can_run: bool, suite_name: &str) -> Option<X509Action> {
        let mut action = None;
        ui.weak(
            "Uses the Name above. Import: a PEM certificate chain (leaf first) and the leaf's \
             PKCS#8 private key — paste, open or drop the files. Issue: a new key of the \
             selected suite and a certificate CN=<name> signed by a local CA \
             (the command mls-inspector identity ca-new makes one).",
        );
        pem_box(
            ui,
            "Certificate chain (PEM):",
            &mut self.chain,
            "-----BEGIN CERTIFICATE----- … or a path",
        );
        pem_box(
            ui,
            "Private key (PKCS#8 PEM):",
            &mut self.key,
            "-----BEGIN PRIVATE KEY----- … or a path",
        );
        ui.horizontal(|ui| {
            if ui.button("Open chain…").clicked() {
                action = Some(X509Action::Open(X509Slot::Chain));
            }
            if ui.button("Open key…").clicked() {
                action = Some(X509Action::Open(X509Slot::Key));
            }
            ui.checkbox(
                &mut self.use_selected_suite,
                format!("Import for suite {suite_name}"),
            )
            .on_hover_text(
                "Import for the suite selected above (it must sign with the key's algorithm); \
                 unticked: the first suite that does (Ed25519 → 1, P-256 → 2, Ed448 → 4, \
                 P-521 → 5, P-384 → 7).",
            );
            if ui
                .add_enabled(can_run, egui::Button::new("Import X.509 identity"))
                .clicked()
            {
                action = Some(X509Action::Import);
            }
        });
        ui.add_space(4.0);
        pem_box(ui, "CA certificate:", &mut self.ca_cert, "PEM, or a path");
        pem_box(
            ui,
            "CA private key:",
            &mut self.ca_key,
            "PKCS#8 PEM, or a path",
        );
        ui.horizontal(|ui| {
            if ui.button("Pick CA certificate…").clicked() {
                action = Some(X509Action::Open(X509Slot::CaCert));
            }
            if ui.button("Pick CA key…").clicked() {
                action = Some(X509Action::Open(X509Slot::CaKey));
            }
            let days = ui.label("Days:");
            ui.add(egui::DragValue::new(&mut self.days).range(1..=crate::workspace::MAX_DAYS))
                .labelled_by(days.id);
            if ui
                .add_enabled(can_run, egui::Button::new("Issue X.509 identity"))
                .on_hover_text(format!(
                    "A new {suite_name} key and a certificate CN=<name> valid for {} days, \
                     signed by the CA; the credential's chain is [leaf, CA]",
                    self.days
                ))
                .clicked()
            {
                action = Some(X509Action::Issue);
            }
        });
        action
    }
}

/// A label and a two-row text box it names.
fn pem_box(ui: &mut Ui, label: &str, text: &mut String, hint: &str) {
    ui.horizontal(|ui| {
        // Left-aligned in a fixed-width column (add_sized would centre it).
        let label = ui
            .allocate_ui_with_layout(
                egui::vec2(160.0, 18.0),
                egui::Layout::left_to_right(egui::Align::Center),
                |ui| {
                    ui.set_min_width(160.0);
                    ui.label(label)
                },
            )
            .inner;
        ui.add(
            egui::TextEdit::multiline(text)
                .hint_text(hint)
                .desired_rows(2)
                .desired_width(ui.available_width().max(120.0))
                .font(egui::TextStyle::Monospace),
        )
        .labelled_by(label.id);
    });
}

/// The credential type of a member and, for X.509, a mark saying whether
/// its chain validated against the trust roots, with the certificate's
/// subject, issuer, validity and the reason in the tooltip.
pub fn credential_mark(ui: &mut Ui, m: &MemberInfo) {
    let check = &m.credential_check;
    let Some(validated) = check.validated else {
        ui.weak("basic");
        return;
    };
    let (mark, color) = if validated {
        ("X.509 ✔", ok_color(ui))
    } else {
        ("X.509 ✖", error_color(ui))
    };
    let mut tip = String::new();
    if let Some(c) = &check.certificate {
        tip.push_str(&format!(
            "Subject: {}\nIssuer: {}\nValid: {} .. {}\nChain: {} certificate(s)\n",
            c.subject,
            c.issuer,
            mls_core::time::format_utc(c.not_before),
            mls_core::time::format_utc(c.not_after),
            c.chain_length
        ));
    }
    tip.push_str(&check.status_text());
    ui.label(RichText::new(mark).color(color))
        .on_hover_text(tip);
}
