//! The workspace's values as JSON objects (stable field names, bytes as
//! hex) and as text, shared by the workspace commands.

use std::fmt::Write as _;

use crate::workspace::{EpochCause, MemberEntry, Summary};
use serde::Serialize;

use crate::workspace::{
    EpochRow, GroupRow, GroupStatus, IdentityInfo, KeyPackageInfo, Origin, Preview,
};

// ---------------------------------------------------------------------------
// Names.

/// `active` / `removed`.
pub fn status_name(status: GroupStatus) -> &'static str {
    match status {
        GroupStatus::Active => "active",
        GroupStatus::Removed => "removed",
    }
}

/// `local` / `incoming`.
pub fn origin_name(origin: Origin) -> &'static str {
    match origin {
        Origin::Local => "local",
        Origin::Incoming => "incoming",
    }
}

/// `created`, `welcome`, `external_join`, `commit`, `external_commit`.
pub fn cause_name(cause: EpochCause) -> &'static str {
    match cause {
        EpochCause::Created => "created",
        EpochCause::Welcome => "welcome",
        EpochCause::ExternalJoin => "external_join",
        EpochCause::Commit => "commit",
        EpochCause::ExternalCommit => "external_commit",
    }
}

/// `basic`, `x509` or the number.
pub fn credential_type_name(t: u16) -> String {
    match t {
        1 => String::from("basic"),
        2 => String::from("x509"),
        t => format!("type {t}"),
    }
}

/// An extension type's name, or `extension N`.
pub fn extension_name(t: u16) -> String {
    mls_core::inspect::names::extension_type(u64::from(t))
        .map_or_else(|| format!("extension {t}"), str::to_owned)
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC`.
pub fn time_text(secs: u64) -> String {
    mls_core::time::format_utc_u(secs)
}

fn entries(list: &[MemberEntry]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------
// Identities.

/// An identity.
#[derive(Debug, Serialize)]
pub struct IdentityJson {
    pub key: i64,
    pub name: String,
    pub cipher_suite: u16,
    pub suite_name: String,
    pub credential: String,
    pub credential_type: String,
    pub signature_public: String,
    pub created: u64,
}

impl IdentityJson {
    pub fn new(i: &IdentityInfo) -> Self {
        IdentityJson {
            key: i.key.0,
            name: i.name.clone(),
            cipher_suite: i.cipher_suite,
            suite_name: i.suite_name.clone(),
            credential: i.credential.clone(),
            credential_type: credential_type_name(i.credential_type),
            signature_public: i.signature_public_hex.clone(),
            created: i.created,
        }
    }
}

/// `#1 alice  suite 1 (…)  created …`
pub fn identity_line(i: &IdentityInfo) -> String {
    format!(
        "{} {}  suite {} ({})  {} credential {:?}  created {}",
        i.key,
        i.name,
        i.cipher_suite,
        i.suite_name,
        match i.credential_type {
            2 => "X.509",
            _ => "basic",
        },
        i.credential,
        time_text(i.created)
    )
}

// ---------------------------------------------------------------------------
// Key packages.

/// A key package (ours or a validated foreign one).
#[derive(Debug, Serialize)]
pub struct KeyPackageJson {
    pub reference: String,
    /// The identity's number, if it is ours.
    pub identity: Option<i64>,
    pub credential: String,
    pub cipher_suite: u16,
    pub suite_name: String,
    pub not_before: u64,
    pub not_after: u64,
    pub used: bool,
    pub created: Option<u64>,
    /// The `MLSMessage`, hex.
    pub message: String,
}

impl KeyPackageJson {
    pub fn new(k: &KeyPackageInfo) -> Self {
        KeyPackageJson {
            reference: k.reference_hex.clone(),
            identity: k.identity.map(|i| i.0),
            credential: k.credential.clone(),
            cipher_suite: k.cipher_suite,
            suite_name: k.suite_name.clone(),
            not_before: k.not_before,
            not_after: k.not_after,
            used: k.used,
            created: k.created,
            message: hex::encode(&k.bytes),
        }
    }
}

/// The key package's fields, one a line, indented.
pub fn key_package_text(k: &KeyPackageInfo) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  reference:  {}", k.reference_hex);
    let _ = writeln!(out, "  credential: {}", k.credential);
    let _ = writeln!(out, "  suite:      {} ({})", k.cipher_suite, k.suite_name);
    let _ = writeln!(
        out,
        "  lifetime:   {} … {}",
        time_text(k.not_before),
        time_text(k.not_after)
    );
    let _ = writeln!(out, "  size:       {} bytes", k.bytes.len());
    if k.used {
        let _ = writeln!(out, "  used:       yes (a Welcome consumed it)");
    }
    out
}

// ---------------------------------------------------------------------------
// Groups.

/// A line of the group list.
#[derive(Debug, Serialize)]
pub struct GroupRowJson {
    /// Its number (`#N` names it).
    pub key: i64,
    pub name: String,
    pub group_id: String,
    pub identity: i64,
    pub identity_name: String,
    pub cipher_suite: u16,
    pub suite_name: String,
    pub epoch: u64,
    pub member_count: u32,
    pub own_leaf: u32,
    /// `active` or `removed`.
    pub status: &'static str,
    pub pending: bool,
    pub updated: u64,
    /// Set once a ReInit closed the group: its successor.
    pub reinitialised: Option<ReInitJson>,
    /// The group this one re-initialises or was branched from.
    pub resumes: Option<LinkJson>,
}

/// The successor of a group closed by a ReInit.
#[derive(Debug, Serialize)]
pub struct ReInitJson {
    pub new_group_id: String,
    pub cipher_suite: u16,
    pub suite_name: String,
    pub version: u16,
}

/// The group a resumed group comes from.
#[derive(Debug, Serialize)]
pub struct LinkJson {
    /// `reinit` or `branch`.
    pub kind: &'static str,
    pub parent_group_id: String,
    pub parent_epoch: u64,
}

impl GroupRowJson {
    pub fn new(r: &GroupRow) -> Self {
        GroupRowJson {
            key: r.key.0,
            name: r.name.clone(),
            group_id: r.group_id_hex.clone(),
            identity: r.identity.0,
            identity_name: r.identity_name.clone(),
            cipher_suite: r.cipher_suite,
            suite_name: r.suite_name.clone(),
            epoch: r.epoch,
            member_count: r.member_count,
            own_leaf: r.own_leaf,
            status: status_name(r.status),
            pending: r.pending,
            updated: r.updated,
            reinitialised: r.reinitialised.as_ref().map(|i| ReInitJson {
                new_group_id: i.new_group_id_hex.clone(),
                cipher_suite: i.cipher_suite,
                suite_name: i.suite_name.clone(),
                version: i.version,
            }),
            resumes: r.resumes.as_ref().map(|l| LinkJson {
                kind: l.kind,
                parent_group_id: l.parent_group_id_hex.clone(),
                parent_epoch: l.parent_epoch,
            }),
        }
    }
}

/// The group list as a table.
pub fn group_table(rows: &[GroupRow]) -> String {
    let mut out = String::new();
    if rows.is_empty() {
        out.push_str("No groups. `group create --identity NAME` makes one, `group join WELCOME` joins one.\n");
        return out;
    }
    let cells: Vec<[String; 8]> = rows
        .iter()
        .map(|r| {
            [
                r.key.to_string(),
                r.name.clone(),
                r.identity_name.clone(),
                r.epoch.to_string(),
                r.member_count.to_string(),
                r.own_leaf.to_string(),
                match (r.status, r.pending) {
                    (GroupStatus::Removed, _) => String::from("removed"),
                    _ if r.reinitialised.is_some() => String::from("re-initialised"),
                    (_, true) => String::from("pending"),
                    _ => String::from("active"),
                },
                r.group_id_hex.clone(),
            ]
        })
        .collect();
    let header = [
        "#", "NAME", "AS", "EPOCH", "MEMBERS", "LEAF", "STATE", "GROUP ID",
    ];
    let mut widths = header.map(|h| h.chars().count());
    for row in &cells {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut line = |cells: &[String]| {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                let _ = write!(l, "{cell:<w$}  ");
            }
        }
        out.push_str(l.trim_end());
        out.push('\n');
    };
    line(&header.map(String::from));
    for row in &cells {
        line(row);
    }
    out
}

/// The head lines of a group: number, name, member, id, suite, epoch.
pub fn row_text(r: &GroupRow) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "group {} {:?} (as {})", r.key, r.name, r.identity_name);
    let _ = writeln!(out, "  group id:   {}", r.group_id_hex);
    let _ = writeln!(out, "  suite:      {} ({})", r.cipher_suite, r.suite_name);
    let _ = writeln!(out, "  epoch:      {}", r.epoch);
    let _ = writeln!(out, "  own leaf:   {}", r.own_leaf);
    let _ = writeln!(out, "  members:    {}", r.member_count);
    if r.status == GroupStatus::Removed {
        let _ = writeln!(
            out,
            "  status:     removed (this member is no longer in the group)"
        );
    }
    out.push_str(&links_text(r, 12));
    out
}

/// The re-init and link lines of a group row (closed: re-initialised → new
/// id, suite; successor of / branched from), labels padded to `width`.
pub fn links_text(r: &GroupRow, width: usize) -> String {
    let mut out = String::new();
    if let Some(info) = &r.reinitialised {
        let label = "status:";
        let _ = writeln!(out, "  {label:<width$}{info} (closed)");
    }
    if let Some(link) = &r.resumes {
        let label = "resumes:";
        let _ = writeln!(out, "  {label:<width$}{link}");
    }
    out
}

// ---------------------------------------------------------------------------
// Commits and epochs.

/// A member as the history shows it.
#[derive(Debug, Serialize)]
pub struct EntryJson {
    pub leaf: u32,
    pub credential_type: u16,
    pub identity: String,
}

impl EntryJson {
    pub fn new(m: &MemberEntry) -> Self {
        EntryJson {
            leaf: m.leaf,
            credential_type: m.credential_type,
            identity: m.identity.clone(),
        }
    }

    fn list(list: &[MemberEntry]) -> Vec<Self> {
        list.iter().map(Self::new).collect()
    }
}

/// An extension type with its name.
#[derive(Debug, Serialize)]
pub struct ExtensionTypeJson {
    pub extension_type: u16,
    pub name: String,
}

/// What a commit changed.
#[derive(Debug, Serialize)]
pub struct SummaryJson {
    pub cause: &'static str,
    pub committer: Option<u32>,
    pub added: Vec<EntryJson>,
    pub removed: Vec<EntryJson>,
    pub updated: Vec<EntryJson>,
    pub psks: Vec<String>,
    /// The new group context extensions (null: unchanged).
    pub extensions: Option<Vec<ExtensionTypeJson>>,
    pub has_path: bool,
    pub reinit: Option<String>,
    pub self_removed: bool,
}

impl SummaryJson {
    pub fn new(s: &Summary) -> Self {
        SummaryJson {
            cause: cause_name(s.cause),
            committer: s.committer,
            added: EntryJson::list(&s.added),
            removed: EntryJson::list(&s.removed),
            updated: EntryJson::list(&s.updated),
            psks: s.psks.clone(),
            extensions: s.extensions.as_ref().map(|list| {
                list.iter()
                    .map(|t| ExtensionTypeJson {
                        extension_type: *t,
                        name: extension_name(*t),
                    })
                    .collect()
            }),
            has_path: s.has_path,
            reinit: s.reinit.clone(),
            self_removed: s.self_removed,
        }
    }
}

/// A staged commit.
#[derive(Debug, Serialize)]
pub struct PreviewJson {
    pub group: i64,
    /// `local` or `incoming`.
    pub origin: &'static str,
    pub committer: Option<u32>,
    pub committer_name: Option<String>,
    pub current_epoch: u64,
    pub new_epoch: u64,
    /// The summary as one line.
    pub text: String,
    pub summary: SummaryJson,
    /// Tree nodes whose content changes, ascending.
    pub changed_nodes: Vec<u32>,
    pub tree_hash: String,
    /// Empty when the commit removes this member.
    pub epoch_authenticator: String,
    pub members_after: Vec<EntryJson>,
    pub self_removed: bool,
    /// The commit `MLSMessage`, hex.
    pub commit: String,
    pub welcome: Option<String>,
    pub group_info: Option<String>,
}

impl PreviewJson {
    pub fn new(p: &Preview) -> Self {
        PreviewJson {
            group: p.group.0,
            origin: origin_name(p.origin),
            committer: p.committer,
            committer_name: p.committer_name.clone(),
            current_epoch: p.current_epoch,
            new_epoch: p.new_epoch,
            text: p.text.clone(),
            summary: SummaryJson::new(&p.summary),
            changed_nodes: p.changed_nodes.clone(),
            tree_hash: p.tree_hash_hex.clone(),
            epoch_authenticator: p.epoch_authenticator_hex.clone(),
            members_after: EntryJson::list(&p.members_after),
            self_removed: p.self_removed,
            commit: hex::encode(&p.message),
            welcome: p.welcome.as_deref().map(hex::encode),
            group_info: p.group_info.as_deref().map(hex::encode),
        }
    }
}

/// A staged commit as text: who, which epochs, what changes.
pub fn preview_text(p: &Preview) -> String {
    let mut out = String::new();
    let who = match (&p.committer_name, p.committer) {
        (Some(name), Some(leaf)) => format!("{name} (leaf {leaf})"),
        (None, Some(leaf)) => format!("leaf {leaf}"),
        _ => String::from("an unknown committer"),
    };
    let kind = match p.summary.cause {
        EpochCause::ExternalCommit => "external commit",
        _ => "commit",
    };
    let _ = writeln!(
        out,
        "{} {kind} by {who}: epoch {} → {}",
        match p.origin {
            Origin::Local => "local",
            Origin::Incoming => "incoming",
        },
        p.current_epoch,
        p.new_epoch
    );
    let s = &p.summary;
    let list = |l: &[MemberEntry]| {
        if l.is_empty() {
            String::from("none")
        } else {
            entries(l)
        }
    };
    let _ = writeln!(out, "  added:               {}", list(&s.added));
    let _ = writeln!(out, "  removed:             {}", list(&s.removed));
    let _ = writeln!(out, "  updated:             {}", list(&s.updated));
    if !s.psks.is_empty() {
        let _ = writeln!(out, "  PSKs:                {}", s.psks.join(", "));
    }
    let _ = writeln!(
        out,
        "  extensions:          {}",
        match &s.extensions {
            None => String::from("unchanged"),
            Some(list) => format!(
                "set to [{}]",
                list.iter()
                    .map(|t| extension_name(*t))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    );
    if let Some(r) = &s.reinit {
        let _ = writeln!(out, "  reinit:              {r}");
    }
    let _ = writeln!(
        out,
        "  update path:         {}",
        if s.has_path {
            "yes (the committer's leaf and direct path get new keys)"
        } else {
            "no"
        }
    );
    let _ = writeln!(
        out,
        "  changed tree nodes:  {}",
        if p.changed_nodes.is_empty() {
            String::from("none")
        } else {
            p.changed_nodes
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let _ = writeln!(out, "  members after:       {}", list(&p.members_after));
    let _ = writeln!(out, "  new tree hash:       {}", p.tree_hash_hex);
    if p.self_removed {
        let _ = writeln!(
            out,
            "  ! this commit removes this member: applying it deletes the group's state"
        );
    } else {
        let _ = writeln!(out, "  new epoch auth.:     {}", p.epoch_authenticator_hex);
    }
    out
}

/// One epoch of the history.
#[derive(Debug, Serialize)]
pub struct EpochJson {
    pub epoch: u64,
    pub time: u64,
    pub cause: &'static str,
    pub committer: Option<u32>,
    pub text: String,
    pub summary: SummaryJson,
    /// Empty when this member could not derive it (it was removed).
    pub epoch_authenticator: String,
    pub tree_hash: String,
    pub members: Vec<EntryJson>,
}

impl EpochJson {
    pub fn new(e: &EpochRow) -> Self {
        EpochJson {
            epoch: e.epoch,
            time: e.time,
            cause: cause_name(e.cause),
            committer: e.committer,
            text: e.text.clone(),
            summary: SummaryJson::new(&e.summary),
            epoch_authenticator: e.epoch_authenticator_hex.clone(),
            tree_hash: e.tree_hash_hex.clone(),
            members: EntryJson::list(&e.members),
        }
    }
}

/// One epoch as a few lines.
pub fn epoch_text(e: &EpochRow) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "epoch {}  {}  {}", e.epoch, time_text(e.time), e.text);
    let _ = writeln!(
        out,
        "  epoch authenticator: {}",
        if e.epoch_authenticator_hex.is_empty() {
            "(not derived: this member was removed)"
        } else {
            &e.epoch_authenticator_hex
        }
    );
    let _ = writeln!(out, "  tree hash:           {}", e.tree_hash_hex);
    let _ = writeln!(
        out,
        "  members:             {} ({})",
        entries(&e.members),
        e.members.len()
    );
    out
}
