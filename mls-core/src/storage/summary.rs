//! What the history and pending rows say about an epoch, in a form that
//! displays without the group state: members as leaf + credential text,
//! commit summaries, changed tree nodes. Encoded with the project's own
//! codec (a version byte, then TLS-style fields).

use std::fmt;

use crate::codec::{DecodeError, Encode, EncodeError, Reader, Writer};
use crate::group::{CommitSummary, Group, GroupError};
use crate::messages::{Credential, PreSharedKeyId, Psk};
use crate::tree::Tree;

use super::{EpochRecord, GroupState};

/// Why an epoch began.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EpochCause {
    /// This member created the group.
    Created,
    /// This member joined by Welcome.
    Welcome,
    /// This member joined by its own external commit.
    ExternalJoin,
    /// A member's commit (ours or received).
    Commit,
    /// A new member's external commit, received.
    ExternalCommit,
}

impl EpochCause {
    fn code(self) -> u8 {
        match self {
            EpochCause::Created => 0,
            EpochCause::Welcome => 1,
            EpochCause::ExternalJoin => 2,
            EpochCause::Commit => 3,
            EpochCause::ExternalCommit => 4,
        }
    }

    fn from_code(code: u8) -> Option<Self> {
        Some(match code {
            0 => EpochCause::Created,
            1 => EpochCause::Welcome,
            2 => EpochCause::ExternalJoin,
            3 => EpochCause::Commit,
            4 => EpochCause::ExternalCommit,
            _ => return None,
        })
    }
}

/// A member as displayed: leaf index and credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberEntry {
    /// The leaf index.
    pub leaf: u32,
    /// `CredentialType` (1 basic, 2 X.509).
    pub credential_type: u16,
    /// The identity as text (see [`credential_text`]).
    pub identity: String,
}

impl MemberEntry {
    /// The entry for a leaf's credential.
    pub fn new(leaf: u32, credential: &Credential) -> Self {
        MemberEntry {
            leaf,
            credential_type: credential.credential_type(),
            identity: credential_text(credential),
        }
    }

    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.u32(self.leaf);
        w.u16(self.credential_type);
        w.vl_bytes(self.identity.as_bytes())
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Ok(MemberEntry {
            leaf: r.u32()?,
            credential_type: r.u16()?,
            identity: read_string(r)?,
        })
    }
}

impl fmt::Display for MemberEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (leaf {})", self.identity, self.leaf)
    }
}

/// What changed in an epoch, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Why the epoch began.
    pub cause: EpochCause,
    /// The committer's leaf (for commits).
    pub committer: Option<u32>,
    /// Members added, at their new leaves.
    pub added: Vec<MemberEntry>,
    /// Members removed, with their old leaves.
    pub removed: Vec<MemberEntry>,
    /// Members whose leaf an Update proposal replaced (the committer's own
    /// path update shows as `has_path`).
    pub updated: Vec<MemberEntry>,
    /// The PSKs injected, as text.
    pub psks: Vec<String>,
    /// The new group context extension types, if the commit changed them.
    pub extensions: Option<Vec<u16>>,
    /// The commit carried an UpdatePath.
    pub has_path: bool,
    /// A ReInit the commit carried, as text.
    pub reinit: Option<String>,
    /// The commit removed this member.
    pub self_removed: bool,
}

impl Summary {
    /// A summary with only a cause.
    pub fn of(cause: EpochCause) -> Self {
        Summary {
            cause,
            committer: None,
            added: Vec::new(),
            removed: Vec::new(),
            updated: Vec::new(),
            psks: Vec::new(),
            extensions: None,
            has_path: false,
            reinit: None,
            self_removed: false,
        }
    }

    /// The display form of a staged commit's summary.
    pub fn from_commit(s: &CommitSummary, cause: EpochCause) -> Self {
        let entries =
            |v: &[(u32, Credential)]| v.iter().map(|(l, c)| MemberEntry::new(*l, c)).collect();
        Summary {
            cause,
            committer: Some(s.committer),
            added: entries(&s.added),
            removed: entries(&s.removed),
            updated: entries(&s.updated),
            psks: s.psks.iter().map(psk_text).collect(),
            extensions: s
                .extensions
                .as_ref()
                .map(|e| e.iter().map(|x| x.extension_type).collect()),
            has_path: s.has_path,
            reinit: s.reinit.as_ref().map(|r| {
                format!(
                    "ReInit to group {} (version {}, suite {})",
                    hex::encode(r.group_id.as_slice()),
                    r.version,
                    r.cipher_suite
                )
            }),
            self_removed: s.self_removed,
        }
    }

    /// The encoding stored in the file.
    pub fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut w = Writer::new();
        w.u8(1);
        w.u8(self.cause.code());
        w.optional(self.committer.as_ref(), |w, c| {
            w.u32(*c);
            Ok(())
        })?;
        for list in [&self.added, &self.removed, &self.updated] {
            write_members(&mut w, list)?;
        }
        w.vl_nested(|w| {
            for p in &self.psks {
                w.vl_bytes(p.as_bytes())?;
            }
            Ok(())
        })?;
        w.optional(self.extensions.as_ref(), |w, e| {
            w.vl_nested(|w| {
                for t in e {
                    w.u16(*t);
                }
                Ok(())
            })
        })?;
        w.u8(u8::from(self.has_path));
        w.optional(self.reinit.as_ref(), |w, r| w.vl_bytes(r.as_bytes()))?;
        w.u8(u8::from(self.self_removed));
        Ok(w.into_bytes())
    }

    /// Reads [`Summary::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let at = r.position();
        let version = r.u8()?;
        if version != 1 {
            return Err(r.invalid_at(at, format!("summary format {version}")));
        }
        let at = r.position();
        let cause = EpochCause::from_code(r.u8()?)
            .ok_or_else(|| r.invalid_at(at, "unknown epoch cause"))?;
        let committer = r.optional(|r| r.u32())?;
        let added = read_members(&mut r)?;
        let removed = read_members(&mut r)?;
        let updated = read_members(&mut r)?;
        let psks = r.vl_vec(read_string)?;
        let extensions = r.optional(|r| r.vl_vec(|r| r.u16()))?;
        let has_path = read_bool(&mut r)?;
        let reinit = r.optional(read_string)?;
        let self_removed = read_bool(&mut r)?;
        r.finish()?;
        Ok(Summary {
            cause,
            committer,
            added,
            removed,
            updated,
            psks,
            extensions,
            has_path,
            reinit,
            self_removed,
        })
    }
}

fn join(list: &[MemberEntry]) -> String {
    list.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.cause {
            EpochCause::Created => return f.write_str("group created"),
            EpochCause::Welcome => return f.write_str("joined by Welcome"),
            EpochCause::ExternalJoin => return f.write_str("joined by external commit"),
            EpochCause::Commit => match self.committer {
                Some(c) => write!(f, "commit by leaf {c}")?,
                None => f.write_str("commit")?,
            },
            EpochCause::ExternalCommit => match self.committer {
                Some(c) => write!(f, "external commit: new member at leaf {c}")?,
                None => f.write_str("external commit")?,
            },
        }
        let mut parts = Vec::new();
        if !self.added.is_empty() {
            parts.push(format!("added {}", join(&self.added)));
        }
        if !self.removed.is_empty() {
            parts.push(format!("removed {}", join(&self.removed)));
        }
        if !self.updated.is_empty() {
            parts.push(format!("updated {}", join(&self.updated)));
        }
        if !self.psks.is_empty() {
            parts.push(format!("PSKs {}", self.psks.join(", ")));
        }
        if let Some(e) = &self.extensions {
            let names: Vec<String> = e.iter().map(|t| extension_name(*t)).collect();
            parts.push(format!("extensions now [{}]", names.join(", ")));
        }
        if let Some(r) = &self.reinit {
            parts.push(r.clone());
        }
        if self.has_path {
            parts.push(String::from("with path"));
        }
        if self.self_removed {
            parts.push(String::from("removes this member"));
        }
        if parts.is_empty() {
            f.write_str(" (empty)")
        } else {
            write!(f, ": {}", parts.join("; "))
        }
    }
}

/// An extension type by name where it has one, else its number.
pub(super) fn extension_name(t: u16) -> String {
    crate::inspect::names::extension_type(u64::from(t))
        .map_or_else(|| format!("extension {t}"), str::to_owned)
}

fn psk_text(id: &PreSharedKeyId) -> String {
    match &id.psk {
        Psk::External { psk_id } => format!("external {}", hex::encode(psk_id.as_slice())),
        Psk::Resumption {
            usage,
            psk_group_id,
            psk_epoch,
        } => format!(
            "resumption (usage {usage}) of group {} epoch {psk_epoch}",
            hex::encode(psk_group_id.as_slice())
        ),
    }
}

fn read_string(r: &mut Reader<'_>) -> Result<String, DecodeError> {
    let at = r.position();
    let bytes = r.vl_bytes()?;
    String::from_utf8(bytes.to_vec()).map_err(|_| r.invalid_at(at, "text is not UTF-8"))
}

fn read_bool(r: &mut Reader<'_>) -> Result<bool, DecodeError> {
    let at = r.position();
    match r.u8()? {
        0 => Ok(false),
        1 => Ok(true),
        v => Err(r.invalid_at(at, format!("boolean {v}"))),
    }
}

fn write_members(w: &mut Writer, list: &[MemberEntry]) -> Result<(), EncodeError> {
    w.vl_nested(|w| {
        for m in list {
            m.encode(w)?;
        }
        Ok(())
    })
}

fn read_members(r: &mut Reader<'_>) -> Result<Vec<MemberEntry>, DecodeError> {
    r.vl_vec(MemberEntry::decode)
}

/// Encodes a member list (the `members` columns).
pub(super) fn members_to_bytes(list: &[MemberEntry]) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::new();
    w.u8(1);
    write_members(&mut w, list)?;
    Ok(w.into_bytes())
}

/// Reads [`members_to_bytes`].
pub(super) fn members_from_bytes(bytes: &[u8]) -> Result<Vec<MemberEntry>, DecodeError> {
    let mut r = Reader::new(bytes);
    let at = r.position();
    let version = r.u8()?;
    if version != 1 {
        return Err(r.invalid_at(at, format!("member list format {version}")));
    }
    let list = read_members(&mut r)?;
    r.finish()?;
    Ok(list)
}

/// Encodes a list of node indices (the `changed_nodes` column).
pub(super) fn nodes_to_bytes(nodes: &[u32]) -> Result<Vec<u8>, EncodeError> {
    let mut w = Writer::new();
    w.vl_nested(|w| {
        for n in nodes {
            w.u32(*n);
        }
        Ok(())
    })?;
    Ok(w.into_bytes())
}

/// Reads [`nodes_to_bytes`].
pub(super) fn nodes_from_bytes(bytes: &[u8]) -> Result<Vec<u32>, DecodeError> {
    let mut r = Reader::new(bytes);
    let nodes = r.vl_vec(|r| r.u32())?;
    r.finish()?;
    Ok(nodes)
}

/// A credential as text: a basic identity as UTF-8 (hex if it is not
/// printable), an X.509 chain by its leaf's subject common name (else the
/// whole subject), other types by number.
pub fn credential_text(credential: &Credential) -> String {
    match credential {
        Credential::Basic { identity } => {
            let bytes = identity.as_slice();
            match std::str::from_utf8(bytes) {
                Ok(s) if !s.is_empty() && !s.chars().any(char::is_control) => s.to_owned(),
                _ if bytes.is_empty() => String::from("(empty identity)"),
                _ => hex::encode(bytes),
            }
        }
        Credential::X509 { certificates } => {
            use x509_parser::prelude::FromDer as _;
            let Some(leaf) = certificates.first() else {
                return String::from("(empty X.509 chain)");
            };
            match x509_parser::certificate::X509Certificate::from_der(leaf.cert_data.as_slice()) {
                Ok((_, cert)) => {
                    let subject = cert.subject();
                    subject
                        .iter_common_name()
                        .find_map(|cn| cn.as_str().ok())
                        .filter(|cn| !cn.is_empty())
                        .map_or_else(|| subject.to_string(), str::to_owned)
                }
                Err(_) => String::from("(unparsable X.509 certificate)"),
            }
        }
        Credential::Other {
            credential_type, ..
        } => format!("(credential type {credential_type})"),
    }
}

/// The members of a tree, for display.
pub fn members_of(tree: &Tree) -> Vec<MemberEntry> {
    tree.members()
        .map(|(leaf, node)| MemberEntry::new(leaf, &node.credential))
        .collect()
}

/// The indices of the nodes whose content differs between two trees
/// (a node present in only one of them counts as changed), ascending.
pub fn changed_nodes(old: &Tree, new: &Tree) -> Vec<u32> {
    let n = old.size().nodes().max(new.size().nodes());
    (0..n).filter(|&i| old.node(i) != new.node(i)).collect()
}

/// The row columns of a group's current state.
pub fn snapshot(group: &Group) -> Result<GroupState, GroupError> {
    let member_count = u32::try_from(group.tree().members().count()).unwrap_or(u32::MAX);
    Ok(GroupState {
        state: group.to_bytes()?,
        epoch: group.epoch(),
        own_leaf: group.own_leaf(),
        member_count,
    })
}

/// The history row of a group's current epoch.
pub fn epoch_record(group: &Group, summary: Summary, time: u64) -> Result<EpochRecord, GroupError> {
    Ok(EpochRecord {
        epoch: group.epoch(),
        time,
        committer: summary.committer,
        summary,
        epoch_authenticator: group.epoch_authenticator().to_vec(),
        tree_hash: group.context().tree_hash.0.clone(),
        members: members_of(group.tree()),
        ratchet_tree: group.tree().to_wire().to_bytes()?,
    })
}
