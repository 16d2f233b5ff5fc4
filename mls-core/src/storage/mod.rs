//! The persistent workspace: one SQLite file holding identities, key
//! packages with their private keys, groups with their state and epoch
//! history, a pending commit per group, messages, trust roots and external
//! PSKs.
//!
//! This module is the storage layer only: typed rows in, typed rows out,
//! every multi-row change in one transaction. The MLS operations that
//! produce those rows live in the application (`mls_inspector::workspace`).
//!
//! # File
//!
//! * The file is created with mode 0600 (and directories it needs with
//!   0700) before SQLite opens it; an existing file with group or other
//!   permission bits is tightened to 0600. SQLite gives its `-wal` and
//!   `-shm` files the database file's permissions, so they are 0600 too.
//! * Write-ahead log with `synchronous=FULL`: a transaction is durable when
//!   it returns, and a crash at any point leaves the state of the last
//!   committed transaction. `secure_delete` overwrites deleted content
//!   (old private keys, old group states) in the database pages.
//! * Versioned schema: `PRAGMA user_version` counts the applied
//!   [`schema::MIGRATIONS`], each applied in its own transaction. A file of
//!   a newer version is refused ([`StorageError::TooNew`]).
//!
//! # Forward secrecy
//!
//! [`Store::apply_pending`] swaps in the next epoch's state, appends the
//! history row and deletes the pending row in one transaction;
//! [`Store::insert_group`] deletes a consumed key package's private keys in
//! the same transaction as the joined group is written. Secrets are held in
//! [`Secret`] (zeroized on drop, redacted in `Debug`); no record type
//! prints one.

mod schema_sql;
mod store;
mod summary;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use store::Store;
pub use summary::{
    EpochCause, MemberEntry, Summary, changed_nodes, credential_text, epoch_record, members_of,
    snapshot,
};

use crate::crypto::Secret;

/// The schema versions and their migration steps.
pub mod schema {
    pub use super::schema_sql::{LATEST, MIGRATIONS, Migration};
}

/// Why a storage operation failed. Every failed operation leaves the file
/// as it was (its transaction is rolled back).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A file system operation on the workspace file or its directory.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// An SQLite error (busy, disk full, corrupt file, …).
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer version of the program.
    #[error(
        "{}: the workspace has schema version {found}, this program knows versions up to {supported}; use a newer mls-inspector",
        path.display()
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// [`schema::LATEST`].
        supported: i64,
    },
    /// The file is an SQLite database, but not a workspace.
    #[error("{}: not an MLS Inspector workspace ({why})", path.display())]
    NotAWorkspace {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        why: String,
    },
    /// A migration step failed; the file stays at the previous version.
    #[error("migrating the workspace to schema version {version} failed: {source}")]
    Migration {
        /// The version the step would have reached.
        version: i64,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// A row that was asked for does not exist.
    #[error("{what} {id} does not exist")]
    NotFound {
        /// What kind of row (`group`, `identity`, …).
        what: &'static str,
        /// How it was named.
        id: String,
    },
    /// The row changed since it was read (another program, or another
    /// window, wrote the same group): reload and try again.
    #[error("{0}")]
    Conflict(String),
    /// A uniqueness rule was broken (a name or certificate already there).
    #[error("{0}")]
    Duplicate(String),
    /// A stored value cannot be read back.
    #[error("corrupt {what} in the workspace: {why}")]
    Corrupt {
        /// Which value.
        what: &'static str,
        /// Why it is unreadable.
        why: String,
    },
    /// A number does not fit the column (an epoch beyond 2^63).
    #[error("{0} is out of range for the workspace file")]
    OutOfRange(String),
}

/// The local number of an identity row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdentityKey(pub i64);

/// The local number of a group row: one member's view of one group (a
/// workspace may hold several members of the same group).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKey(pub i64);

impl std::fmt::Display for IdentityKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

impl std::fmt::Display for GroupKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A new identity: a signature key pair and its credential.
#[derive(Debug, Clone)]
pub struct NewIdentity {
    /// A unique name in this workspace.
    pub name: String,
    /// The cipher suite the signature key belongs to.
    pub cipher_suite: u16,
    /// The signature private key.
    pub signature_private: Secret,
    /// The signature public key.
    pub signature_public: Vec<u8>,
    /// The TLS-encoded `Credential`.
    pub credential: Vec<u8>,
}

/// A stored identity, without its private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityRecord {
    /// Its local number.
    pub key: IdentityKey,
    /// Its unique name.
    pub name: String,
    /// The cipher suite of its signature key.
    pub cipher_suite: u16,
    /// The signature public key.
    pub signature_public: Vec<u8>,
    /// The TLS-encoded `Credential`.
    pub credential: Vec<u8>,
    /// Creation time (unix seconds).
    pub created: u64,
}

/// The private keys of one of our key packages.
#[derive(Debug, Clone)]
pub struct KeyPackageSecrets {
    /// The HPKE init private key.
    pub init_private: Secret,
    /// The leaf's HPKE encryption private key.
    pub encryption_private: Secret,
}

/// A new key package of one of our identities, with its private keys.
#[derive(Debug, Clone)]
pub struct NewKeyPackage {
    /// `KeyPackageRef`.
    pub reference: Vec<u8>,
    /// The identity whose signature key signed it.
    pub identity: IdentityKey,
    /// Its cipher suite.
    pub cipher_suite: u16,
    /// The `MLSMessage` carrying it.
    pub message: Vec<u8>,
    /// Its private keys.
    pub secrets: KeyPackageSecrets,
    /// End of its lifetime (unix seconds).
    pub not_after: u64,
}

/// A stored key package, without its private keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPackageRecord {
    /// `KeyPackageRef`.
    pub reference: Vec<u8>,
    /// The identity it belongs to.
    pub identity: IdentityKey,
    /// Its cipher suite.
    pub cipher_suite: u16,
    /// The `MLSMessage` carrying it.
    pub message: Vec<u8>,
    /// A Welcome consumed it (its private keys are deleted).
    pub used: bool,
    /// End of its lifetime (unix seconds).
    pub not_after: u64,
    /// Creation time (unix seconds).
    pub created: u64,
}

/// Whether we are still in a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupStatus {
    /// A member: the state is stored.
    Active,
    /// Removed by a commit: the state was deleted, the history is kept.
    Removed,
}

impl GroupStatus {
    fn as_str(self) -> &'static str {
        match self {
            GroupStatus::Active => "active",
            GroupStatus::Removed => "removed",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(GroupStatus::Active),
            "removed" => Some(GroupStatus::Removed),
            _ => None,
        }
    }
}

/// A group state to write, with the columns listings show without
/// decoding it.
#[derive(Debug, Clone)]
pub struct GroupState {
    /// `Group::to_bytes()`.
    pub state: Secret,
    /// Its epoch.
    pub epoch: u64,
    /// This member's leaf index.
    pub own_leaf: u32,
    /// Number of members.
    pub member_count: u32,
}

/// A new group row.
#[derive(Debug, Clone)]
pub struct NewGroup {
    /// The MLS group id.
    pub group_id: Vec<u8>,
    /// A local label.
    pub name: String,
    /// The identity that is the member.
    pub identity: IdentityKey,
    /// The group's cipher suite.
    pub cipher_suite: u16,
    /// The current state.
    pub state: GroupState,
}

/// A stored group, without its state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRecord {
    /// Its local number.
    pub key: GroupKey,
    /// The MLS group id.
    pub group_id: Vec<u8>,
    /// A local label.
    pub name: String,
    /// The identity that is the member.
    pub identity: IdentityKey,
    /// The group's cipher suite.
    pub cipher_suite: u16,
    /// Member or removed.
    pub status: GroupStatus,
    /// The current epoch.
    pub epoch: u64,
    /// This member's leaf index.
    pub own_leaf: u32,
    /// Number of members.
    pub member_count: u32,
    /// Bumped by every state write (optimistic concurrency).
    pub revision: i64,
    /// A staged commit is waiting.
    pub has_pending: bool,
    /// Creation time (unix seconds).
    pub created: u64,
    /// Time of the last state write (unix seconds).
    pub updated: u64,
}

/// One epoch of a group's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochRecord {
    /// The epoch number.
    pub epoch: u64,
    /// When this member entered it (unix seconds).
    pub time: u64,
    /// Who committed it (none for a created or joined group).
    pub committer: Option<u32>,
    /// What changed.
    pub summary: Summary,
    /// The epoch authenticator (empty if this member could not derive it,
    /// e.g. the commit removed it).
    pub epoch_authenticator: Vec<u8>,
    /// The tree hash of the group context.
    pub tree_hash: Vec<u8>,
    /// The members in this epoch.
    pub members: Vec<MemberEntry>,
    /// The TLS-encoded `ratchet_tree` of this epoch.
    pub ratchet_tree: Vec<u8>,
}

/// Where a pending commit came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// This member created it.
    Local,
    /// It was received.
    Incoming,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Local => "local",
            Origin::Incoming => "incoming",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "local" => Some(Origin::Local),
            "incoming" => Some(Origin::Incoming),
            _ => None,
        }
    }
}

/// A staged commit to store: everything applying it needs, so that
/// applying is a single transaction without any cryptography.
#[derive(Debug, Clone)]
pub struct NewPending {
    /// Local or incoming.
    pub origin: Origin,
    /// The epoch it was staged from.
    pub base_epoch: u64,
    /// The commit `MLSMessage`.
    pub message: Vec<u8>,
    /// The Welcome it produced (local commits adding members).
    pub welcome: Option<Vec<u8>>,
    /// The new epoch's GroupInfo it produced (local commits adding members).
    pub group_info: Option<Vec<u8>>,
    /// The next epoch's state.
    pub next_state: GroupState,
    /// The history row applying it appends (its `time` is replaced by the
    /// time of applying).
    pub next_epoch: EpochRecord,
    /// Tree nodes whose content differs between the current and next tree.
    pub changed_nodes: Vec<u32>,
    /// The commit removes this member: applying deletes the state.
    pub self_removed: bool,
    /// The current epoch's state as it is after making the commit, written
    /// in the same transaction: a commit sent as PrivateMessage consumed a
    /// generation of the sender's ratchet, which must stay consumed if the
    /// commit is discarded (no key and nonce reuse).
    pub current_state: Option<GroupState>,
}

/// A stored pending commit, without the next state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingRecord {
    /// Local or incoming.
    pub origin: Origin,
    /// The epoch it was staged from.
    pub base_epoch: u64,
    /// The commit `MLSMessage`.
    pub message: Vec<u8>,
    /// The Welcome it produced.
    pub welcome: Option<Vec<u8>>,
    /// The GroupInfo it produced.
    pub group_info: Option<Vec<u8>>,
    /// The history row applying it appends.
    pub next_epoch: EpochRecord,
    /// Tree nodes whose content changes.
    pub changed_nodes: Vec<u32>,
    /// The commit removes this member.
    pub self_removed: bool,
    /// When it was staged (unix seconds).
    pub created: u64,
}

/// Whether a message came in or went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Received or imported.
    In,
    /// Produced here.
    Out,
}

impl Direction {
    fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "in" => Some(Direction::In),
            "out" => Some(Direction::Out),
            _ => None,
        }
    }
}

/// What a stored message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    /// Application data.
    Application,
    /// A proposal.
    Proposal,
    /// A commit.
    Commit,
    /// A Welcome.
    Welcome,
    /// A GroupInfo.
    GroupInfo,
    /// A key package.
    KeyPackage,
}

impl MessageKind {
    /// The name stored in the file and shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Application => "application",
            MessageKind::Proposal => "proposal",
            MessageKind::Commit => "commit",
            MessageKind::Welcome => "welcome",
            MessageKind::GroupInfo => "group_info",
            MessageKind::KeyPackage => "key_package",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "application" => MessageKind::Application,
            "proposal" => MessageKind::Proposal,
            "commit" => MessageKind::Commit,
            "welcome" => MessageKind::Welcome,
            "group_info" => MessageKind::GroupInfo,
            "key_package" => MessageKind::KeyPackage,
            _ => return None,
        })
    }
}

/// A message to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// In or out.
    pub direction: Direction,
    /// What it is.
    pub kind: MessageKind,
    /// The epoch it belongs to, if any.
    pub epoch: Option<u64>,
    /// The sender's leaf index, if known.
    pub sender: Option<u32>,
    /// The `MLSMessage` bytes.
    pub bytes: Vec<u8>,
    /// The decrypted application data, for application messages.
    pub content: Option<Vec<u8>>,
}

/// A stored message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    /// Its local number (in insertion order).
    pub id: i64,
    /// The group it belongs to, if any.
    pub group: Option<GroupKey>,
    /// In or out.
    pub direction: Direction,
    /// What it is.
    pub kind: MessageKind,
    /// The epoch it belongs to, if any.
    pub epoch: Option<u64>,
    /// The sender's leaf index, if known.
    pub sender: Option<u32>,
    /// The `MLSMessage` bytes.
    pub bytes: Vec<u8>,
    /// The decrypted application data, for application messages.
    pub content: Option<Vec<u8>>,
    /// When it was recorded (unix seconds).
    pub time: u64,
}

/// A trust root to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTrustRoot {
    /// The certificate's DER.
    pub der: Vec<u8>,
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Start of validity (unix seconds).
    pub not_before: i64,
    /// End of validity (unix seconds).
    pub not_after: i64,
    /// SHA-256 of the DER, hex.
    pub fingerprint: String,
}

/// A stored trust root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustRootRecord {
    /// Its local number.
    pub id: i64,
    /// The certificate's DER.
    pub der: Vec<u8>,
    /// Subject DN.
    pub subject: String,
    /// Issuer DN.
    pub issuer: String,
    /// Start of validity (unix seconds).
    pub not_before: i64,
    /// End of validity (unix seconds).
    pub not_after: i64,
    /// SHA-256 of the DER, hex.
    pub fingerprint: String,
    /// When it was imported (unix seconds).
    pub added: u64,
}

/// A stored external PSK, without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PskRecord {
    /// The PSK id.
    pub psk_id: Vec<u8>,
    /// When it was added (unix seconds).
    pub added: u64,
}
