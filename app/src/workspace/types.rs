//! What the workspace returns: display-ready rows, previews and errors.

use mls_core::codec::DecodeError;
use mls_core::credential::CredentialError;
use mls_core::group::GroupError;

use super::candidate_types::{Candidates, Superseded};
use super::store::{
    EpochRecord, GroupKey, GroupStatus, IdentityKey, NewPending, Origin, PendingRecord,
    StorageError,
};
use super::summary::{EpochCause, MemberEntry, Summary};

/// Why a workspace operation failed. A failed operation leaves the file as
/// it was.
#[derive(Debug, thiserror::Error)]
pub enum WorkspaceError {
    /// Reading or writing the file failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The MLS operation was rejected.
    #[error(transparent)]
    Group(Box<GroupError>),
    /// A credential or trust root was rejected.
    #[error("credential: {0}")]
    Credential(Box<CredentialError>),
    /// Input bytes do not decode.
    #[error("{what} is malformed: {error}")]
    Malformed {
        /// What was expected.
        what: &'static str,
        /// Where and why decoding stopped.
        error: Box<DecodeError>,
    },
    /// A message of another kind than the operation takes.
    #[error("expected {expected}, got {got}")]
    WrongMessage {
        /// What the operation takes.
        expected: &'static str,
        /// What the bytes are.
        got: &'static str,
    },
    /// A message given for one group belongs to another (named if the
    /// workspace holds it).
    #[error("this {what} is for group {belongs}, not {selected}")]
    OtherGroup {
        /// `commit`, `proposal`, `application message`, `message`.
        what: &'static str,
        /// The group the message is for: `#N name`, or its id in hex.
        belongs: String,
        /// The group it was given for: `#N name`.
        selected: String,
    },
    /// A message of an epoch whose keys the group no longer keeps.
    #[error(
        "the message is of epoch {epoch}, whose keys this group no longer keeps (it keeps \
         epochs {kept}; the setting past_epochs keeps more)"
    )]
    EpochNotKept {
        epoch: u64,
        /// The epochs kept, e.g. `3, 4, 5`.
        kept: String,
    },
    /// Nothing matches a name, number or hex id.
    #[error("no {what} matches {text:?}")]
    NotFound {
        /// What was looked for.
        what: &'static str,
        /// How it was named.
        text: String,
    },
    /// Several rows match a name or hex prefix.
    #[error("{text:?} matches several {what}s: {}; name one by its number", candidates.join(", "))]
    Ambiguous {
        /// What was looked for.
        what: &'static str,
        /// How it was named.
        text: String,
        /// The matches, as text.
        candidates: Vec<String>,
    },
    /// `apply`/`discard` on a group with no pending commit.
    #[error("group {0} has no pending commit")]
    NoPending(GroupKey),
    /// A new commit while one is pending.
    #[error("group {0} already has a pending commit: apply or discard it first")]
    AlreadyPending(GroupKey),
    /// This member was removed; the group's state is gone.
    #[error("group {0}: this member was removed from the group")]
    Removed(GroupKey),
    /// A Welcome for none of the workspace's unused key packages.
    #[error("the Welcome is for none of this workspace's unused key packages")]
    NoKeyPackage,
    /// The identity is already an active member of that group here.
    #[error("{identity} is already a member of group {group_id} here (group {key})")]
    AlreadyMember {
        /// The identity's name.
        identity: String,
        /// The group id, hex.
        group_id: String,
        /// The existing row.
        key: GroupKey,
    },
    /// A cipher suite this implementation lacks.
    #[error("cipher suite {0} is not supported")]
    UnsupportedSuite(u16),
    /// The identity's signature key does not fit the suite.
    #[error(
        "identity {identity} has a signature key of suite {identity_suite}, which suite {suite} cannot use"
    )]
    SuiteMismatch {
        /// The identity's name.
        identity: String,
        /// Its key's suite.
        identity_suite: u16,
        /// The suite asked for.
        suite: u16,
    },
    /// No place for the default workspace file.
    #[error("no data directory: neither XDG_DATA_HOME nor HOME is set (give a path with --db)")]
    NoDataDir,
    /// An argument is unusable.
    #[error("{0}")]
    Invalid(String),
    /// A group setting was refused (unknown key, bad value).
    #[error(transparent)]
    Setting(#[from] crate::workspace::SettingError),
    /// A merged ReInit closed the group (§11.2): it stays readable but
    /// takes no new operation.
    #[error(
        "group {key} is closed: it was re-initialised (new group {new_group_id}, suite {cipher_suite} {suite_name}); use the new group"
    )]
    Closed {
        /// The closed group row.
        key: GroupKey,
        /// The successor's group id, hex.
        new_group_id: String,
        /// The successor's suite.
        cipher_suite: u16,
        /// Its name.
        suite_name: String,
    },
    /// `reinit-create` on a group without a merged ReInit.
    #[error(
        "group {0} was not re-initialised: commit a ReInit (`group reinit`) and apply it first"
    )]
    NotReInitialised(GroupKey),
    /// A Welcome resumes a group this workspace does not hold.
    #[error(
        "the Welcome {usage} group {group_id} (epoch {epoch}), which is not in this workspace: join it from the old group's workspace"
    )]
    NoResumedGroup {
        /// `re-initialises` or `branches from`.
        usage: &'static str,
        /// The old group's id, hex.
        group_id: String,
        /// The epoch of its resumption PSK.
        epoch: u64,
    },
    /// A Welcome resumes a group held here at another epoch.
    #[error(
        "the Welcome {usage} group {group_id} at epoch {epoch}, but group {key} here is at epoch {local_epoch}"
    )]
    ResumedEpoch {
        /// `re-initialises` or `branches from`.
        usage: &'static str,
        /// The old group's id, hex.
        group_id: String,
        /// The epoch of its resumption PSK.
        epoch: u64,
        /// The local row of the old group.
        key: GroupKey,
        /// Its epoch.
        local_epoch: u64,
    },
    /// A Welcome's resumption checks against the old group failed.
    #[error("the Welcome {usage} group {key}, but its checks fail: {error}")]
    ResumedJoin {
        /// `re-initialises` or `branches from`.
        usage: &'static str,
        /// The local row of the old group.
        key: GroupKey,
        /// Why.
        error: Box<GroupError>,
    },
    /// An X.509 identity could not be imported or issued.
    #[error(transparent)]
    X509(Box<crate::workspace::X509Error>),
}

impl From<GroupError> for WorkspaceError {
    fn from(e: GroupError) -> Self {
        WorkspaceError::Group(Box::new(e))
    }
}

impl From<CredentialError> for WorkspaceError {
    fn from(e: CredentialError) -> Self {
        WorkspaceError::Credential(Box::new(e))
    }
}

impl WorkspaceError {
    /// A [`WorkspaceError::Malformed`].
    pub fn malformed(what: &'static str, error: DecodeError) -> Self {
        WorkspaceError::Malformed {
            what,
            error: Box::new(error),
        }
    }
}

/// Result of workspace operations.
pub type Result<T> = std::result::Result<T, WorkspaceError>;

/// The display name of a cipher suite number.
pub fn suite_name(suite: u16) -> String {
    match mls_core::crypto::CipherSuite::from_u16(suite) {
        Some(cs) => cs.name().to_owned(),
        None => format!("unknown suite {suite}"),
    }
}

/// An identity, without its private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdentityInfo {
    /// Its local number.
    pub key: IdentityKey,
    /// Its unique name.
    pub name: String,
    /// Cipher suite of its signature key.
    pub cipher_suite: u16,
    /// [`suite_name`] of it.
    pub suite_name: String,
    /// Signature public key, hex.
    pub signature_public_hex: String,
    /// The credential as text.
    pub credential: String,
    /// `CredentialType` (1 basic, 2 X.509; 0 if the stored credential is
    /// unreadable).
    pub credential_type: u16,
    /// Creation time (unix seconds).
    pub created: u64,
}

/// A key package: one of ours, or a validated foreign one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPackageInfo {
    /// `KeyPackageRef`, hex.
    pub reference_hex: String,
    /// The identity it belongs to, if it is ours.
    pub identity: Option<IdentityKey>,
    /// The credential as text.
    pub credential: String,
    /// Its cipher suite.
    pub cipher_suite: u16,
    /// [`suite_name`] of it.
    pub suite_name: String,
    /// The `MLSMessage` carrying it.
    pub bytes: Vec<u8>,
    /// Start of its lifetime (unix seconds).
    pub not_before: u64,
    /// End of its lifetime (unix seconds).
    pub not_after: u64,
    /// A Welcome consumed it (its private keys are deleted).
    pub used: bool,
    /// When it was created here (ours only).
    pub created: Option<u64>,
}

/// A line of the group list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// The local number (one member's view of one group).
    pub key: GroupKey,
    /// The MLS group id.
    pub group_id: Vec<u8>,
    /// The MLS group id, hex.
    pub group_id_hex: String,
    /// A local label.
    pub name: String,
    /// The member identity.
    pub identity: IdentityKey,
    /// Its name.
    pub identity_name: String,
    /// Cipher suite.
    pub cipher_suite: u16,
    /// [`suite_name`] of it.
    pub suite_name: String,
    /// Current epoch.
    pub epoch: u64,
    /// Number of members.
    pub member_count: u32,
    /// This member's leaf index.
    pub own_leaf: u32,
    /// Member, or removed.
    pub status: GroupStatus,
    /// A staged commit is waiting for apply or discard.
    pub pending: bool,
    /// Time of the last state change (unix seconds).
    pub updated: u64,
    /// A merged ReInit closed the group: its successor (§11.2).
    pub reinitialised: Option<ReInitInfo>,
    /// The group this one re-initialises or was branched from.
    pub resumes: Option<LinkInfo>,
}

/// The successor of a group closed by a ReInit (§11.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReInitInfo {
    /// The new group id, hex.
    pub new_group_id_hex: String,
    /// The new cipher suite.
    pub cipher_suite: u16,
    /// [`suite_name`] of it.
    pub suite_name: String,
    /// The new protocol version.
    pub version: u16,
}

impl std::fmt::Display for ReInitInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "re-initialised → {}, {}",
            self.new_group_id_hex, self.suite_name
        )
    }
}

/// How a group resumes another (§11.2, §11.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkInfo {
    /// `reinit` (it re-initialises the parent) or `branch`.
    pub kind: &'static str,
    /// The parent's group id, hex.
    pub parent_group_id_hex: String,
    /// The parent's epoch whose resumption PSK it used.
    pub parent_epoch: u64,
}

impl std::fmt::Display for LinkInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = if self.kind == "branch" {
            "branched from"
        } else {
            "successor of"
        };
        write!(
            f,
            "{what} {} (epoch {})",
            self.parent_group_id_hex, self.parent_epoch
        )
    }
}

/// A member of the current epoch, for the group view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInfo {
    /// Leaf index.
    pub leaf: u32,
    /// Node index in the tree (2 × leaf).
    pub node: u32,
    /// `CredentialType`.
    pub credential_type: u16,
    /// The credential as text.
    pub identity: String,
    /// Signature public key, hex.
    pub signature_key_hex: String,
    /// Leaf HPKE encryption key, hex.
    pub encryption_key_hex: String,
    /// This is the workspace's member.
    pub is_self: bool,
    /// The credential's certificate and whether it validated against this
    /// workspace's trust roots (X.509 credentials).
    pub credential_check: crate::workspace::CredentialCheck,
}

/// A group context extension, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtensionInfo {
    /// `ExtensionType`.
    pub extension_type: u16,
    /// Its name, or `extension N`.
    pub name: String,
    /// `extension_data`, hex.
    pub data_hex: String,
}

/// Everything the group view shows about the current epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupDetails {
    /// The list row.
    pub row: GroupRow,
    /// Current members, by leaf.
    pub members: Vec<MemberInfo>,
    /// Group context extensions.
    pub extensions: Vec<ExtensionInfo>,
    /// Tree hash, hex.
    pub tree_hash_hex: String,
    /// Confirmed transcript hash, hex.
    pub confirmed_transcript_hash_hex: String,
    /// Epoch authenticator, hex.
    pub epoch_authenticator_hex: String,
    /// The pending commit, if any.
    pub pending: Option<Preview>,
    /// The `external_senders` extension's entries, by index.
    pub external_senders: Vec<super::ExternalSenderRow>,
}

/// A staged commit, before apply: what it changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The group row.
    pub group: GroupKey,
    /// Local or incoming.
    pub origin: Origin,
    /// The committer's leaf.
    pub committer: Option<u32>,
    /// The committer's identity as text.
    pub committer_name: Option<String>,
    /// The epoch it was staged from.
    pub current_epoch: u64,
    /// The epoch it leads to.
    pub new_epoch: u64,
    /// What changes.
    pub summary: Summary,
    /// The summary as one line.
    pub text: String,
    /// Tree nodes whose content differs between the current and the next
    /// tree, ascending (for highlighting in a tree view).
    pub changed_nodes: Vec<u32>,
    /// The next tree hash, hex.
    pub tree_hash_hex: String,
    /// The next epoch authenticator, hex (empty if this member is removed).
    pub epoch_authenticator_hex: String,
    /// The members after the commit.
    pub members_after: Vec<MemberEntry>,
    /// The commit removes this member.
    pub self_removed: bool,
    /// The commit `MLSMessage`.
    pub message: Vec<u8>,
    /// The Welcome it produced (local commits that add members).
    pub welcome: Option<Vec<u8>>,
    /// The GroupInfo it produced (local commits that add members).
    pub group_info: Option<Vec<u8>>,
}

impl Preview {
    /// The preview of a stored pending commit.
    pub(super) fn of_record(group: GroupKey, p: PendingRecord) -> Self {
        let next = p.next_epoch;
        let committer_name = next.committer.and_then(|c| {
            next.members
                .iter()
                .find(|m| m.leaf == c)
                .map(|m| m.identity.clone())
        });
        Preview {
            group,
            origin: p.origin,
            committer: next.committer,
            committer_name,
            current_epoch: p.base_epoch,
            new_epoch: next.epoch,
            text: next.summary.to_string(),
            summary: next.summary,
            changed_nodes: p.changed_nodes,
            tree_hash_hex: hex::encode(&next.tree_hash),
            epoch_authenticator_hex: hex::encode(&next.epoch_authenticator),
            members_after: next.members,
            self_removed: p.self_removed,
            message: p.message,
            welcome: p.welcome,
            group_info: p.group_info,
        }
    }

    /// The preview of a commit about to be staged (or only peeked at).
    pub(super) fn of_staged(group: GroupKey, p: &NewPending) -> Self {
        Self::of_record(
            group,
            PendingRecord {
                origin: p.origin,
                base_epoch: p.base_epoch,
                message: p.message.clone(),
                welcome: p.welcome.clone(),
                group_info: p.group_info.clone(),
                next_epoch: p.next_epoch.clone(),
                changed_nodes: p.changed_nodes.clone(),
                self_removed: p.self_removed,
                created: 0,
            },
        )
    }
}

/// What a local commit produced: the messages to send, and its preview.
/// The commit stays pending until [`super::Workspace::apply`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalCommit {
    /// The group row.
    pub group: GroupKey,
    /// The commit `MLSMessage`, for the members.
    pub commit: Vec<u8>,
    /// The Welcome `MLSMessage`, for added members.
    pub welcome: Option<Vec<u8>>,
    /// The new epoch's GroupInfo `MLSMessage` (when members are added).
    pub group_info: Option<Vec<u8>>,
    /// What it changes.
    pub preview: Preview,
}

/// What a local commit contains.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CommitRequest {
    /// Key packages (`MLSMessage` or bare `KeyPackage` bytes) to add.
    pub add: Vec<Vec<u8>>,
    /// Leaf indices to remove.
    pub remove: Vec<u32>,
    /// External PSK ids (stored in the workspace) to inject.
    pub psks: Vec<Vec<u8>>,
    /// Include an UpdatePath even when no proposal needs one (a self
    /// update).
    pub force_path: bool,
    /// Replace the group context extensions with this list (a
    /// GroupContextExtensions proposal, §12.1.7).
    pub extensions: Option<Vec<mls_core::messages::Extension>>,
}

/// Options of [`super::Workspace::group_create`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupOptions {
    /// Local label (default: the start of the group id in hex).
    pub name: Option<String>,
    /// Group id (default: 16 random bytes).
    pub group_id: Option<Vec<u8>>,
    /// Cipher suite (default: the identity's; must use the same signature
    /// scheme).
    pub cipher_suite: Option<u16>,
    /// Send commits and proposals as PrivateMessage (default: PublicMessage,
    /// which other tools can inspect).
    pub encrypt_handshake: bool,
    /// Identity files ([`super::Workspace::identity_export`]: TLS-encoded
    /// `ExternalSender`) listed in the `external_senders` extension, in
    /// this order (§12.1.8.1; default: no extension).
    pub external_senders: Vec<Vec<u8>>,
}

/// What receiving a message did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Receipt {
    /// Application data, decrypted.
    Application {
        /// The group row.
        group: GroupKey,
        /// The epoch it was sent in.
        epoch: u64,
        /// The sender's leaf.
        sender: u32,
        /// The sender's identity as text.
        sender_name: String,
        /// The plaintext.
        data: Vec<u8>,
        /// The authenticated data.
        authenticated_data: Vec<u8>,
    },
    /// A proposal, kept for the next commit.
    Proposal {
        /// The group row.
        group: GroupKey,
        /// Who proposed, as text.
        sender: String,
        /// `ProposalRef`, hex.
        reference_hex: String,
        /// What it proposes, as text.
        description: String,
    },
    /// A commit, staged: see the preview, then apply or discard.
    CommitStaged(Box<Preview>),
    /// A Welcome: the group was joined.
    Joined(GroupRow),
    /// A commit for the epoch while another was staged: every candidate
    /// with the orchestrator's verdict, and the staged winner's preview.
    Competing {
        candidates: Box<Candidates>,
        staged: Box<Preview>,
    },
    /// A commit for the epoch before the group's (settled and applied):
    /// reported, nothing changed.
    Superseded(Box<Superseded>),
}

/// One epoch of a group's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpochRow {
    /// The group row.
    pub group: GroupKey,
    /// Epoch number.
    pub epoch: u64,
    /// When this member entered it (unix seconds).
    pub time: u64,
    /// Who committed it.
    pub committer: Option<u32>,
    /// Why it began.
    pub cause: EpochCause,
    /// What changed.
    pub summary: Summary,
    /// The summary as one line.
    pub text: String,
    /// Epoch authenticator, hex (empty when this member could not derive it).
    pub epoch_authenticator_hex: String,
    /// Tree hash, hex.
    pub tree_hash_hex: String,
    /// Members in this epoch.
    pub members: Vec<MemberEntry>,
}

impl EpochRow {
    pub(super) fn new(group: GroupKey, e: EpochRecord) -> Self {
        EpochRow {
            group,
            epoch: e.epoch,
            time: e.time,
            committer: e.committer,
            cause: e.summary.cause,
            text: e.summary.to_string(),
            summary: e.summary,
            epoch_authenticator_hex: hex::encode(&e.epoch_authenticator),
            tree_hash_hex: hex::encode(&e.tree_hash),
            members: e.members,
        }
    }
}
