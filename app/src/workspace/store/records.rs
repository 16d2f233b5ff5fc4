//! The typed rows the store takes and returns: `New…` values to write,
//! `…Record` values read back (never with their secrets), and the enums
//! stored as text.

use mls_core::crypto::Secret;

use crate::workspace::summary::{MemberEntry, Summary};

/// `as_str` (the text stored in the file) and `parse` (its inverse) for
/// an enum stored as TEXT.
macro_rules! stored_as_text {
    ($vis:vis $ty:ident { $($variant:ident => $text:literal,)+ }) => {
        impl $ty {
            /// The name stored in the file.
            $vis fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text,)+
                }
            }

            pub(super) fn parse(s: &str) -> Option<Self> {
                match s {
                    $($text => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }
    };
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

stored_as_text!(pub(super) GroupStatus {
    Active => "active",
    Removed => "removed",
});

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

stored_as_text!(pub(super) Origin {
    Local => "local",
    Incoming => "incoming",
});

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

stored_as_text!(pub(super) Direction {
    In => "in",
    Out => "out",
});

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

stored_as_text!(pub MessageKind {
    Application => "application",
    Proposal => "proposal",
    Commit => "commit",
    Welcome => "welcome",
    GroupInfo => "group_info",
    KeyPackage => "key_package",
});

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

impl NewMessage {
    /// A message without decrypted content (anything but application
    /// data received or sent).
    pub fn handshake(
        direction: Direction,
        kind: MessageKind,
        epoch: Option<u64>,
        sender: Option<u32>,
        bytes: Vec<u8>,
    ) -> Self {
        NewMessage {
            direction,
            kind,
            epoch,
            sender,
            bytes,
            content: None,
        }
    }
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
