//! `group list`, `group show` and `group history`: what the workspace knows
//! about its groups, with the JSON views only `group show` uses.

use std::fmt::Write as _;

use serde::Serialize;

use super::args::GroupArg;
use crate::cli::common::{Done, Failure, WorkspaceOpts};
use crate::cli::view::{
    EpochJson, GroupRowJson, PreviewJson, credential_type_name, epoch_text, group_table,
    links_text, preview_text, row_text,
};
use crate::workspace::{
    ExtensionInfo, ExternalSenderRow, GroupDetails, MemberInfo, WorkspaceError,
};

#[derive(Serialize)]
struct ListJson {
    groups: Vec<GroupRowJson>,
}

pub(super) fn list(opts: &WorkspaceOpts) -> Result<Done, Failure> {
    let rows = opts.open()?.groups()?;
    Done::new(
        group_table(&rows),
        &ListJson {
            groups: rows.iter().map(GroupRowJson::new).collect(),
        },
    )
}

#[derive(Serialize)]
struct RemovedGroupJson {
    #[serde(flatten)]
    row: GroupRowJson,
    last_epoch: Option<EpochJson>,
}

pub(super) fn show(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let (ws, row) = opts.open_group(&args.group)?;
    match ws.group_show(row.key) {
        Ok(details) => Done::new(details_text(&details), &DetailsJson::new(&details)),
        Err(WorkspaceError::Removed(_)) => {
            let last = ws.history(row.key)?.pop();
            let mut text = row_text(&row);
            if let Some(e) = &last {
                text.push_str("last epoch:\n");
                text.push_str(&epoch_text(e));
            }
            Done::new(
                text,
                &RemovedGroupJson {
                    row: GroupRowJson::new(&row),
                    last_epoch: last.as_ref().map(EpochJson::new),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct HistoryJson {
    group: i64,
    epochs: Vec<EpochJson>,
}

pub(super) fn history(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let (ws, row) = opts.open_group(&args.group)?;
    let epochs = ws.history(row.key)?;
    let mut text = format!(
        "group {} {:?} (as {}): {} epoch(s)\n",
        row.key,
        row.name,
        row.identity_name,
        epochs.len()
    );
    for e in &epochs {
        text.push_str(&epoch_text(e));
    }
    Done::new(
        text,
        &HistoryJson {
            group: row.key.0,
            epochs: epochs.iter().map(EpochJson::new).collect(),
        },
    )
}

/// A member of the current epoch.
#[derive(Debug, Serialize)]
pub struct MemberJson {
    pub leaf: u32,
    pub node: u32,
    pub credential_type: u16,
    pub identity: String,
    pub signature_key: String,
    pub encryption_key: String,
    pub is_self: bool,
    /// X.509: the leaf certificate's subject, issuer and validity.
    pub certificate: Option<crate::cli::identity_x509::CertificateJson>,
    /// X.509: whether the chain validated against this workspace's trust
    /// roots (null for basic credentials).
    pub validated: Option<bool>,
    /// Why it did not validate.
    pub validation_error: Option<String>,
}

impl MemberJson {
    pub fn new(m: &MemberInfo) -> Self {
        MemberJson {
            leaf: m.leaf,
            node: m.node,
            credential_type: m.credential_type,
            identity: m.identity.clone(),
            signature_key: m.signature_key_hex.clone(),
            encryption_key: m.encryption_key_hex.clone(),
            is_self: m.is_self,
            certificate: m
                .credential_check
                .certificate
                .as_ref()
                .map(crate::cli::identity_x509::CertificateJson::new),
            validated: m.credential_check.validated,
            validation_error: m.credential_check.reason.clone(),
        }
    }
}

/// A group context extension.
#[derive(Debug, Serialize)]
pub struct ExtensionJson {
    pub extension_type: u16,
    pub name: String,
    pub data: String,
}

impl ExtensionJson {
    pub fn new(e: &ExtensionInfo) -> Self {
        ExtensionJson {
            extension_type: e.extension_type,
            name: e.name.clone(),
            data: e.data_hex.clone(),
        }
    }
}

/// `group show`: the row's fields, then the current epoch in detail.
#[derive(Debug, Serialize)]
pub struct DetailsJson {
    #[serde(flatten)]
    pub row: GroupRowJson,
    pub tree_hash: String,
    pub confirmed_transcript_hash: String,
    pub epoch_authenticator: String,
    pub members: Vec<MemberJson>,
    pub extensions: Vec<ExtensionJson>,
    pub pending: Option<PreviewJson>,
    /// The `external_senders` entries (left out when there are none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub external_senders: Vec<ExternalSenderJson>,
}

/// An entry of the `external_senders` extension.
#[derive(Debug, Serialize)]
pub struct ExternalSenderJson {
    pub index: u32,
    pub identity: String,
    pub signature_key: String,
    pub fingerprint: String,
}

impl ExternalSenderJson {
    pub fn new(s: &ExternalSenderRow) -> Self {
        ExternalSenderJson {
            index: s.index,
            identity: s.identity.clone(),
            signature_key: s.signature_key_hex.clone(),
            fingerprint: s.fingerprint.clone(),
        }
    }
}

impl DetailsJson {
    pub fn new(d: &GroupDetails) -> Self {
        DetailsJson {
            row: GroupRowJson::new(&d.row),
            tree_hash: d.tree_hash_hex.clone(),
            confirmed_transcript_hash: d.confirmed_transcript_hash_hex.clone(),
            epoch_authenticator: d.epoch_authenticator_hex.clone(),
            members: d.members.iter().map(MemberJson::new).collect(),
            extensions: d.extensions.iter().map(ExtensionJson::new).collect(),
            pending: d.pending.as_ref().map(PreviewJson::new),
            external_senders: d
                .external_senders
                .iter()
                .map(ExternalSenderJson::new)
                .collect(),
        }
    }
}

/// `group show` as text.
fn details_text(d: &GroupDetails) -> String {
    let r = &d.row;
    let mut out = String::new();
    let _ = writeln!(out, "group {} {:?} (as {})", r.key, r.name, r.identity_name);
    let _ = writeln!(out, "  group id:            {}", r.group_id_hex);
    let _ = writeln!(
        out,
        "  suite:               {} ({})",
        r.cipher_suite, r.suite_name
    );
    let _ = writeln!(out, "  epoch:               {}", r.epoch);
    let _ = writeln!(out, "  epoch authenticator: {}", d.epoch_authenticator_hex);
    let _ = writeln!(out, "  tree hash:           {}", d.tree_hash_hex);
    let _ = writeln!(
        out,
        "  transcript hash:     {}",
        d.confirmed_transcript_hash_hex
    );
    let _ = writeln!(out, "  own leaf:            {}", r.own_leaf);
    out.push_str(&links_text(r, 21));
    let _ = writeln!(out, "  members ({}):", d.members.len());
    for m in &d.members {
        let _ = writeln!(
            out,
            "    leaf {:<3} {:<6} {}{}",
            m.leaf,
            credential_type_name(m.credential_type),
            m.identity,
            if m.is_self { "  (this member)" } else { "" }
        );
        out.push_str(&crate::cli::identity_x509::check_lines(&m.credential_check));
    }
    if d.extensions.is_empty() {
        let _ = writeln!(out, "  extensions:          none");
    } else {
        let _ = writeln!(out, "  extensions:");
        for e in &d.extensions {
            let _ = writeln!(
                out,
                "    {} ({}): {}",
                e.name,
                e.extension_type,
                if e.data_hex.is_empty() {
                    "(empty)"
                } else {
                    &e.data_hex
                }
            );
        }
    }
    if !d.external_senders.is_empty() {
        let _ = writeln!(out, "  external senders:");
        for s in &d.external_senders {
            let _ = writeln!(
                out,
                "    #{} {}  key fingerprint {}",
                s.index, s.identity, s.fingerprint
            );
        }
    }
    match &d.pending {
        None => {
            let _ = writeln!(out, "  pending commit:      none");
        }
        Some(p) => {
            let _ = writeln!(out, "  pending commit:");
            for line in preview_text(p).lines() {
                let _ = writeln!(out, "    {line}");
            }
        }
    }
    out
}
