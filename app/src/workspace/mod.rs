//! The persistent workspace: identities, key packages, groups with their
//! history and pending commits, messages, trust roots and PSKs in one
//! SQLite file ([`store`]), and the MLS operations on them.
//!
//! Every GUI panel and CLI group command goes through [`Workspace`]. Its
//! methods take `&self`, return display-ready values (hex strings, text
//! summaries) next to the raw bytes, and fail with a typed
//! [`WorkspaceError`] that leaves the file as it was.
//!
//! The methods are spread by area, one `impl Workspace` per file:
//! `identities.rs`, `key_packages.rs`, `groups.rs` (rows, history),
//! `commits.rs` (stage, apply, discard), `messages.rs` (send, the log),
//! `incoming.rs` (receive, peek), `orchestrator.rs` (competing commits), `opening.rs` (a group as
//! the window opens it, decoded once), `joins.rs` (Welcome, external join,
//! GroupInfo), `trust_psk.rs` (trust roots, PSKs), `proposals.rs`
//! (propose, the epoch's pending proposals), `resumption.rs` (re-init,
//! branch, and joining their Welcomes), `protection.rs` (a passphrase:
//! open, unlock, protect, unprotect, change). This file holds the
//! type, opening, and the helpers they share; `types.rs` the values they
//! return, `summary.rs` the display text, `snapshot.rs` the rows a group
//! state becomes, and `store/` the SQLite file.
//!
//! # Commits
//!
//! A commit is first *staged*: [`Workspace::commit_with`] (and its
//! shorthands) for our own, [`Workspace::receive`] for an incoming one.
//! The staged commit is stored as the group's pending row with a
//! [`Preview`]; [`Workspace::apply`] then moves to the next epoch in one
//! transaction and [`Workspace::discard`] drops it. A group has at most one
//! pending commit.
//!
//! # Several members in one workspace
//!
//! A group row is one member's view of a group ([`GroupKey`]), so a
//! workspace can hold Alice's and Bob's view of the same group (useful to
//! play a whole group locally). [`Workspace::group_find`] resolves a name,
//! a `#number` or a hex group id (prefix) to one row.
//!
//! # Messages
//!
//! Messages in and out are `MLSMessage` wire bytes; text forms (hex,
//! base64) are the callers' business (`mls_core::inspect::parse_input`).

mod candidate_types;
mod commits;
mod exporter;
mod external;
mod group_settings;
mod groups;
pub mod gui_support;
mod identities;
mod incoming;
mod joins;
mod key_packages;
mod messages;
mod opening;
mod orchestrator;
mod proposals;
mod protection;
mod reading;
mod resumption;
mod settings;
mod snapshot;
pub mod store;
mod summary;
mod trust_psk;
mod types;
mod x509;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use mls_core::codec::{Decode, Encode};
use mls_core::crypto::{CipherSuite, RustCrypto, Secret, SignaturePrivateKey};
use mls_core::framing::{MlsMessage, MlsMessageBody, Sender};
use mls_core::group::{Group, now};
use mls_core::messages::{Credential, GroupInfo, KeyPackage, LeafNodeSource};

use snapshot::{epoch_record, snapshot};
use store::{GroupRecord, IdentityRecord, NewGroup, NewGroupExtras, NewMessage, Store};

pub use candidate_types::{CandidateInfo, CandidateStatus, Candidates, Superseded};
pub use exporter::{ExportedSecret, check_export_length, max_export_length};
pub use external::external_sender_rows;
pub use external::{
    ExternalProposal, ExternalProposalSent, ExternalSenderRow, parse_external_sender,
};
pub use group_settings::{
    Conflict, Credentials, GroupSettings, SETTING_KEYS, SettingError, SettingKey,
};
pub use opening::OpenedGroup;
pub use proposals::{ProposalRequest, ProposalRow, ProposalSent};
pub use protection::OpenMode;
pub use reading::{DecryptedPart, GroupReading};
pub use resumption::{ReInitRequest, Resumed};
pub use store::{
    Direction, GroupKey, GroupStatus, IdentityKey, MessageKind, MessageRecord as MessageRow,
    Origin, PskRecord as PskRow, TrustRootRecord as TrustRootRow,
};
pub use store::{KdfParams, ProtectionInfo};
pub use summary::credential_text;
pub use summary::{EpochCause, MemberEntry, Summary, describe_proposal};
pub use types::{
    CommitRequest, EpochRow, ExtensionInfo, GroupDetails, GroupOptions, GroupRow, IdentityInfo,
    KeyPackageInfo, LinkInfo, LocalCommit, MemberInfo, Preview, ReInitInfo, Receipt, Result,
    WorkspaceError, suite_name,
};
pub use x509::{
    CertificateInfo, CredentialCheck, IssueError, LocalCa, MAX_DAYS, X509Error, local_ca_new,
    parse_key_algorithm, suites_for,
};

const P: RustCrypto = RustCrypto;

/// How long new key packages are valid (90 days).
pub const KEY_PACKAGE_LIFETIME: u64 = 90 * 86_400;

/// How many times an operation that lost a race for a group is computed
/// again from the new state before the conflict is reported.
const RETRIES: u32 = 40;

/// The workspace file name inside the data directory.
const FILE_NAME: &str = "workspace.sqlite";

/// A group loaded for an operation, with the row revision it was read at.
struct Loaded {
    record: GroupRecord,
    group: Group,
    revision: i64,
}

/// The header fields of a PublicMessage or PrivateMessage.
struct Framed {
    group_id: Vec<u8>,
    epoch: u64,
    is_commit: bool,
    external_commit: bool,
    /// `commit`, `proposal`, `application message` (for error lines).
    what: &'static str,
}

/// What a content type is called in error lines.
fn content_name(content_type: u8) -> &'static str {
    match content_type {
        1 => "application message",
        2 => "proposal",
        3 => "commit",
        _ => "message",
    }
}

fn framed(message: &MlsMessage) -> Option<Framed> {
    const COMMIT: u8 = 3;
    match &message.body {
        MlsMessageBody::PublicMessage(m) => Some(Framed {
            group_id: m.content.group_id.0.clone(),
            epoch: m.content.epoch,
            is_commit: m.content.content.content_type() == COMMIT,
            external_commit: m.content.sender == Sender::NewMemberCommit,
            what: content_name(m.content.content.content_type()),
        }),
        MlsMessageBody::PrivateMessage(m) => Some(Framed {
            group_id: m.group_id.0.clone(),
            epoch: m.epoch,
            is_commit: m.content_type == COMMIT,
            external_commit: false,
            what: content_name(m.content_type),
        }),
        _ => None,
    }
}

fn body_name(body: &MlsMessageBody) -> &'static str {
    match body {
        MlsMessageBody::PublicMessage(_) => "a PublicMessage",
        MlsMessageBody::PrivateMessage(_) => "a PrivateMessage",
        MlsMessageBody::Welcome(_) => "a Welcome",
        MlsMessageBody::GroupInfo(_) => "a GroupInfo",
        MlsMessageBody::KeyPackage(_) => "a KeyPackage",
    }
}

fn decode_message(bytes: &[u8]) -> Result<MlsMessage> {
    MlsMessage::decode_exact(bytes).map_err(|error| WorkspaceError::malformed("MLSMessage", error))
}

/// A `T` from an `MLSMessage` whose body `take` accepts, or from its bare
/// encoding. `expected` names it in a [`WorkspaceError::WrongMessage`],
/// `malformed` in a [`WorkspaceError::Malformed`].
fn parse_wrapped<T: Decode>(
    bytes: &[u8],
    expected: &'static str,
    malformed: &'static str,
    take: impl FnOnce(MlsMessageBody) -> Option<T>,
) -> Result<T> {
    match MlsMessage::decode_exact(bytes) {
        Ok(message) => {
            let got = body_name(&message.body);
            take(message.body).ok_or(WorkspaceError::WrongMessage { expected, got })
        }
        Err(wrapped) => {
            T::decode_exact(bytes).map_err(|_| WorkspaceError::malformed(malformed, wrapped))
        }
    }
}

/// A key package from an `MLSMessage` or bare `KeyPackage` bytes.
fn parse_key_package(bytes: &[u8]) -> Result<KeyPackage> {
    parse_wrapped(
        bytes,
        "a KeyPackage",
        "KeyPackage (as MLSMessage)",
        |body| match body {
            MlsMessageBody::KeyPackage(kp) => Some(kp),
            _ => None,
        },
    )
}

/// A GroupInfo from an `MLSMessage` or bare `GroupInfo` bytes.
fn parse_group_info(bytes: &[u8]) -> Result<GroupInfo> {
    parse_wrapped(
        bytes,
        "a GroupInfo",
        "GroupInfo (as MLSMessage)",
        |body| match body {
            MlsMessageBody::GroupInfo(info) => Some(info),
            _ => None,
        },
    )
}

fn suite(id: u16) -> Result<CipherSuite> {
    CipherSuite::from_u16(id).ok_or(WorkspaceError::UnsupportedSuite(id))
}

fn encode<T: Encode>(value: &T) -> Result<Vec<u8>> {
    value
        .to_bytes()
        .map_err(|e| WorkspaceError::from(mls_core::group::GroupError::Encode(e)))
}

fn lifetime(kp: &KeyPackage) -> (u64, u64) {
    match &kp.leaf_node.leaf_node_source {
        LeafNodeSource::KeyPackage(l) => (l.not_before, l.not_after),
        _ => (0, 0),
    }
}

/// Fails unless `identity`'s signature key (of suite `own`) can sign in
/// suite `cs`.
fn check_signature_suite(
    identity: &IdentityRecord,
    own: CipherSuite,
    cs: CipherSuite,
) -> Result<()> {
    if cs.signature_scheme() != own.signature_scheme() {
        return Err(WorkspaceError::SuiteMismatch {
            identity: identity.name.clone(),
            identity_suite: own.id(),
            suite: cs.id(),
        });
    }
    Ok(())
}

/// A short default label for a group: the first 8 hex digits of its id.
fn default_name(group_id: &[u8]) -> String {
    let h = hex::encode(group_id);
    match h.get(..8) {
        Some(prefix) if h.len() > 8 => format!("{prefix}…"),
        _ if h.is_empty() => String::from("(empty id)"),
        _ => h,
    }
}

/// The workspace: one SQLite file and the MLS operations on its contents.
pub struct Workspace {
    store: Store,
}

impl std::fmt::Debug for Workspace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Workspace")
            .field("path", &self.store.path())
            .finish()
    }
}

impl Workspace {
    /// Opens (creating if needed, mode 0600) the workspace file at `path`
    /// and migrates it to the current schema. An existing empty file is
    /// refused (see [`Workspace::open_creating`]); a file this process may
    /// not write is opened read-only (every change is refused). A
    /// protected workspace is refused with
    /// [`store::StorageError::Locked`]: see
    /// [`Workspace::open_with_passphrase`] and [`Workspace::open_locked`].
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_unprotected(path, OpenMode::Existing)
    }

    /// [`Workspace::open`], also making a workspace of an existing empty
    /// file (the CLI's `--create`).
    pub fn open_creating(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_unprotected(path, OpenMode::Creating)
    }

    /// Opens an existing workspace for reading only: showing and listing
    /// work, every change is refused (the CLI's `--read-only`).
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_unprotected(path, OpenMode::ReadOnly)
    }

    /// Opens the workspace at [`Workspace::default_path`] (an empty file
    /// there is this program's own: it is made a workspace).
    pub fn open_default() -> Result<Self> {
        Self::open_creating(Self::default_path()?)
    }

    /// Whether the file was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.store.is_read_only()
    }

    /// `$XDG_DATA_HOME/mls-inspector/workspace.sqlite`, else
    /// `$HOME/.local/share/mls-inspector/workspace.sqlite`.
    pub fn default_path() -> Result<PathBuf> {
        let from = |var: &str| {
            std::env::var_os(var)
                .map(PathBuf::from)
                .filter(|p| p.is_absolute())
        };
        let base = from("XDG_DATA_HOME")
            .or_else(|| from("HOME").map(|h| h.join(".local").join("share")))
            .ok_or(WorkspaceError::NoDataDir)?;
        Ok(base.join("mls-inspector").join(FILE_NAME))
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// The file's schema version.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.store.schema_version()?)
    }

    /// The storage layer, for reads this API does not cover (tests of the
    /// file itself). The GUI and the CLI use the methods of [`Workspace`].
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// A workspace setting (free-form key/value text, e.g. GUI preferences).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self.store.setting(key)?)
    }

    /// Sets (or, with `None`, deletes) a workspace setting.
    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<()> {
        Ok(self.store.set_setting(key, value)?)
    }

    fn signer(
        &self,
        key: IdentityKey,
    ) -> Result<(IdentityRecord, SignaturePrivateKey, Credential)> {
        let record = self.store.identity(key)?;
        let sk = SignaturePrivateKey::from(self.store.identity_private(key)?);
        let credential = Credential::decode_exact(&record.credential)
            .map_err(|error| WorkspaceError::malformed("stored credential", error))?;
        Ok((record, sk, credential))
    }

    fn psk_map(&self) -> Result<BTreeMap<Vec<u8>, Secret>> {
        Ok(self.store.psk_secrets()?.into_iter().collect())
    }

    /// Re-attaches what is not part of a stored state: the identity
    /// provider and the workspace's external PSKs.
    fn configure(&self, group: &mut Group) -> Result<()> {
        let mut config = group.config().clone();
        config.identity = self.identity_provider()?;
        group.set_config(config);
        for (id, psk) in self.psk_map()? {
            group.add_external_psk(id, psk);
        }
        Ok(())
    }

    /// [`Self::load`] for an operation that makes a new message of this
    /// epoch (a commit, a proposal): refused while a commit is pending.
    fn load_unstaged(&self, key: GroupKey) -> Result<Loaded> {
        let loaded = self.load_open(key)?;
        if loaded.record.has_pending {
            return Err(WorkspaceError::AlreadyPending(key));
        }
        Ok(loaded)
    }

    /// Runs `op` again while it fails because the group changed since it
    /// was loaded ([`StorageError::Stale`]: another program or window wrote
    /// it in between), with a growing, jittered pause: for operations that
    /// load, compute and save in one go, so a retry recomputes from the
    /// new state (send, commit, propose, receive). Bounded: after
    /// [`RETRIES`] attempts the conflict is reported.
    fn retrying<T>(&self, mut op: impl FnMut() -> Result<T>) -> Result<T> {
        let mut pause = std::time::Duration::from_millis(1);
        let mut attempt = 1;
        loop {
            match op() {
                Err(WorkspaceError::Storage(store::StorageError::Stale(_)))
                    if attempt < RETRIES =>
                {
                    let jitter = std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| d.subsec_nanos())
                        % 1_000_000;
                    std::thread::sleep(pause + std::time::Duration::from_nanos(u64::from(jitter)));
                    pause = (pause * 2).min(std::time::Duration::from_millis(64));
                    attempt += 1;
                }
                result => return result,
            }
        }
    }

    /// [`Self::load`] for an operation that changes the group or makes a
    /// message of it: refused once a ReInit closed it (§11.2).
    fn load_open(&self, key: GroupKey) -> Result<Loaded> {
        let loaded = self.load(key)?;
        if let Some(reinit) = loaded.group.reinit() {
            return Err(WorkspaceError::Closed {
                key,
                new_group_id: hex::encode(reinit.group_id.as_slice()),
                cipher_suite: reinit.cipher_suite,
                suite_name: suite_name(reinit.cipher_suite),
            });
        }
        Ok(loaded)
    }

    fn load(&self, key: GroupKey) -> Result<Loaded> {
        let record = self.store.group(key)?;
        if record.status == GroupStatus::Removed {
            return Err(WorkspaceError::Removed(key));
        }
        let (state, revision) = self.store.group_state(key)?;
        let mut group = Group::from_bytes(&P, state.as_bytes())?;
        self.configure(&mut group)?;
        self.apply_group_settings(key, &mut group)?;
        Ok(Loaded {
            record,
            group,
            revision,
        })
    }

    fn check_not_member(&self, group_id: &[u8], identity: &IdentityRecord) -> Result<()> {
        if let Some(existing) = self
            .store
            .groups_by_group_id(group_id)?
            .into_iter()
            .find(|g| g.identity == identity.key && g.status == GroupStatus::Active)
        {
            return Err(WorkspaceError::AlreadyMember {
                identity: identity.name.clone(),
                group_id: hex::encode(group_id),
                key: existing.key,
            });
        }
        Ok(())
    }

    /// Stores a group this workspace just created or joined, with the
    /// history row of its first epoch (`summary`), the key package the
    /// join consumed and the messages that go with it, its settings and
    /// link (`extras`), in one transaction.
    #[allow(clippy::too_many_arguments)]
    fn insert_new_group(
        &self,
        group: &Group,
        identity: IdentityKey,
        name: String,
        summary: Summary,
        consumed_key_package: Option<&[u8]>,
        messages: &[NewMessage],
        extras: NewGroupExtras<'_>,
    ) -> Result<GroupKey> {
        let first = epoch_record(group, summary, now())?;
        Ok(self.store.insert_group(
            &NewGroup {
                group_id: group.group_id().to_vec(),
                name,
                identity,
                cipher_suite: group.cipher_suite().id(),
                state: snapshot(group)?,
            },
            &first,
            consumed_key_package,
            messages,
            &extras,
        )?)
    }
}
