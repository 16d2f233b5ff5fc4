//! What an epoch changed, for display: members as leaf + credential text,
//! commit summaries. The workspace stores these with each history and
//! pending row (`store::encoding` holds their file encoding), so lists and
//! previews show without loading a group state.

use std::fmt;

use mls_core::framing::Sender;
use mls_core::group::CommitSummary;
use mls_core::messages::{Credential, PreSharedKeyId, Proposal, Psk};
use mls_core::tree::Tree;

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
pub(crate) fn extension_name(t: u16) -> String {
    mls_core::inspect::names::extension_type(u64::from(t))
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
            let Some(leaf) = certificates.first() else {
                return String::from("(empty X.509 chain)");
            };
            mls_core::credential::certificate_identity(leaf.cert_data.as_slice()).map_or_else(
                || String::from("(unparsable X.509 certificate)"),
                |identity| crate::text::escape_controls(&identity.name),
            )
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

pub(crate) fn describe_sender(sender: Sender) -> String {
    match sender {
        Sender::Member(leaf) => format!("leaf {leaf}"),
        Sender::External(i) => format!("external sender {i}"),
        Sender::NewMemberProposal => String::from("a new member"),
        Sender::NewMemberCommit => String::from("a new member (external commit)"),
    }
}

/// A proposal as one line of text.
pub fn describe_proposal(proposal: &Proposal) -> String {
    match proposal {
        Proposal::Add { key_package } => {
            format!("add {}", credential_text(&key_package.leaf_node.credential))
        }
        Proposal::Update { leaf_node } => format!(
            "update the sender's leaf ({})",
            credential_text(&leaf_node.credential)
        ),
        Proposal::Remove { removed } => format!("remove leaf {removed}"),
        Proposal::PreSharedKey { psk } => match &psk.psk {
            Psk::External { psk_id } => {
                format!("inject external PSK {}", hex::encode(psk_id.as_slice()))
            }
            Psk::Resumption {
                psk_group_id,
                psk_epoch,
                ..
            } => format!(
                "inject the resumption PSK of group {} epoch {psk_epoch}",
                hex::encode(psk_group_id.as_slice())
            ),
        },
        Proposal::ReInit(r) => format!(
            "re-initialise as group {} (suite {})",
            hex::encode(r.group_id.as_slice()),
            r.cipher_suite
        ),
        Proposal::ExternalInit { .. } => String::from("external init"),
        Proposal::GroupContextExtensions { extensions } => format!(
            "set the group context extensions to [{}]",
            extensions
                .iter()
                .map(|e| extension_name(e.extension_type))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Proposal::Unknown { proposal_type, .. } => format!("proposal of type {proposal_type}"),
    }
}
