//! The persistent workspace: identities, key packages, groups with their
//! history and pending commits, messages, trust roots and PSKs in one
//! SQLite file ([`store`]), and the MLS operations on them.
//!
//! Every GUI panel and CLI group command goes through [`Workspace`]. Its
//! methods take `&self`, return display-ready values (hex strings, text
//! summaries) next to the raw bytes, and fail with a typed
//! [`WorkspaceError`] that leaves the file as it was.
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

pub mod gui_support;
mod snapshot;
pub mod store;
mod summary;
mod types;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use mls_core::codec::{Decode, Encode, VlBytes};
use mls_core::credential::{
    BasicIdentityProvider, IdentityProvider, TrustRoots, X509IdentityProvider,
};
use mls_core::crypto::{
    CipherSuite, CryptoProvider, HpkePrivateKey, RustCrypto, Secret, SignaturePrivateKey,
};
use mls_core::framing::{MlsMessage, MlsMessageBody, Sender};
use mls_core::group::{
    Group, GroupConfig, KeyPackageBundle, Received, key_package_ref, now, validate_key_package,
};
use mls_core::messages::{
    Credential, GroupInfo, KeyPackage, LeafNodeSource, Proposal, Psk, RatchetTree,
};
use mls_core::tree::Tree;

use snapshot::{changed_nodes, epoch_record, snapshot};
use store::{
    EpochRecord, GroupRecord, IdentityRecord, KeyPackageRecord, KeyPackageSecrets, NewGroup,
    NewIdentity, NewKeyPackage, NewMessage, NewPending, NewTrustRoot, PendingRecord, Store,
};
use summary::{credential_text, extension_name};

pub use store::{
    Direction, GroupKey, GroupStatus, IdentityKey, MessageKind, MessageRecord as MessageRow,
    Origin, PskRecord as PskRow, TrustRootRecord as TrustRootRow,
};
pub use summary::{EpochCause, MemberEntry, Summary};
pub use types::{
    CommitRequest, EpochRow, ExtensionInfo, GroupDetails, GroupOptions, GroupRow, IdentityInfo,
    KeyPackageInfo, LocalCommit, MemberInfo, Preview, Receipt, Result, WorkspaceError, suite_name,
};

const P: RustCrypto = RustCrypto;

/// How long new key packages are valid (90 days).
pub const KEY_PACKAGE_LIFETIME: u64 = 90 * 86_400;

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
}

fn framed(message: &MlsMessage) -> Option<Framed> {
    const COMMIT: u8 = 3;
    match &message.body {
        MlsMessageBody::PublicMessage(m) => Some(Framed {
            group_id: m.content.group_id.0.clone(),
            epoch: m.content.epoch,
            is_commit: m.content.content.content_type() == COMMIT,
            external_commit: m.content.sender == Sender::NewMemberCommit,
        }),
        MlsMessageBody::PrivateMessage(m) => Some(Framed {
            group_id: m.group_id.0.clone(),
            epoch: m.epoch,
            is_commit: m.content_type == COMMIT,
            external_commit: false,
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

/// A key package from an `MLSMessage` or bare `KeyPackage` bytes.
fn parse_key_package(bytes: &[u8]) -> Result<KeyPackage> {
    match MlsMessage::decode_exact(bytes) {
        Ok(MlsMessage {
            body: MlsMessageBody::KeyPackage(kp),
            ..
        }) => Ok(kp),
        Ok(other) => Err(WorkspaceError::WrongMessage {
            expected: "a KeyPackage",
            got: body_name(&other.body),
        }),
        Err(wrapped) => KeyPackage::decode_exact(bytes)
            .map_err(|_| WorkspaceError::malformed("KeyPackage (as MLSMessage)", wrapped)),
    }
}

/// A GroupInfo from an `MLSMessage` or bare `GroupInfo` bytes.
fn parse_group_info(bytes: &[u8]) -> Result<GroupInfo> {
    match MlsMessage::decode_exact(bytes) {
        Ok(MlsMessage {
            body: MlsMessageBody::GroupInfo(info),
            ..
        }) => Ok(info),
        Ok(other) => Err(WorkspaceError::WrongMessage {
            expected: "a GroupInfo",
            got: body_name(&other.body),
        }),
        Err(wrapped) => GroupInfo::decode_exact(bytes)
            .map_err(|_| WorkspaceError::malformed("GroupInfo (as MLSMessage)", wrapped)),
    }
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

/// A short default label for a group: the first 8 hex digits of its id.
fn default_name(group_id: &[u8]) -> String {
    let h = hex::encode(group_id);
    match h.get(..8) {
        Some(prefix) if h.len() > 8 => format!("{prefix}…"),
        _ if h.is_empty() => String::from("(empty id)"),
        _ => h,
    }
}

fn describe_sender(sender: Sender) -> String {
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

/// The preview of a pending commit, from its stored fields.
#[allow(clippy::too_many_arguments)]
fn preview(
    group: GroupKey,
    origin: Origin,
    current_epoch: u64,
    next: &EpochRecord,
    changed_nodes: Vec<u32>,
    self_removed: bool,
    message: Vec<u8>,
    welcome: Option<Vec<u8>>,
    group_info: Option<Vec<u8>>,
) -> Preview {
    let committer_name = next.committer.and_then(|c| {
        next.members
            .iter()
            .find(|m| m.leaf == c)
            .map(|m| m.identity.clone())
    });
    Preview {
        group,
        origin,
        committer: next.committer,
        committer_name,
        current_epoch,
        new_epoch: next.epoch,
        summary: next.summary.clone(),
        text: next.summary.to_string(),
        changed_nodes,
        tree_hash_hex: hex::encode(&next.tree_hash),
        epoch_authenticator_hex: hex::encode(&next.epoch_authenticator),
        members_after: next.members.clone(),
        self_removed,
        message,
        welcome,
        group_info,
    }
}

fn preview_of_record(group: GroupKey, p: PendingRecord) -> Preview {
    preview(
        group,
        p.origin,
        p.base_epoch,
        &p.next_epoch,
        p.changed_nodes,
        p.self_removed,
        p.message,
        p.welcome,
        p.group_info,
    )
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
    // ---- the file ----

    /// Opens (creating if needed, mode 0600) the workspace file at `path`
    /// and migrates it to the current schema.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Ok(Workspace {
            store: Store::open(path)?,
        })
    }

    /// Opens the workspace at [`Workspace::default_path`].
    pub fn open_default() -> Result<Self> {
        Self::open(Self::default_path()?)
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

    /// The storage layer, for reads this API does not cover.
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

    // ---- identities ----

    /// A new identity: a fresh signature key pair of `suite` and a basic
    /// credential holding `name`'s bytes. Names are unique.
    pub fn identity_new(&self, name: &str, suite: CipherSuite) -> Result<IdentityInfo> {
        if name.trim().is_empty() {
            return Err(WorkspaceError::Invalid(String::from(
                "an identity needs a name",
            )));
        }
        let (sk, pk) = P
            .signature_key_pair(suite)
            .map_err(mls_core::group::GroupError::from)?;
        let credential = Credential::Basic {
            identity: VlBytes(name.as_bytes().to_vec()),
        };
        let key = self.store.insert_identity(&NewIdentity {
            name: name.to_owned(),
            cipher_suite: suite.id(),
            signature_private: sk.0,
            signature_public: pk.0,
            credential: encode(&credential)?,
        })?;
        self.identity(key)
    }

    /// Every identity, oldest first.
    pub fn identities(&self) -> Result<Vec<IdentityInfo>> {
        Ok(self
            .store
            .identities()?
            .into_iter()
            .map(identity_info)
            .collect())
    }

    /// One identity.
    pub fn identity(&self, key: IdentityKey) -> Result<IdentityInfo> {
        Ok(identity_info(self.store.identity(key)?))
    }

    /// The identity named `text`, or numbered `#N` / `N`.
    pub fn identity_find(&self, text: &str) -> Result<IdentityInfo> {
        if let Some(record) = self.store.identity_by_name(text)? {
            return Ok(identity_info(record));
        }
        if let Ok(n) = text.trim_start_matches('#').parse::<i64>()
            && let Ok(record) = self.store.identity(IdentityKey(n))
        {
            return Ok(identity_info(record));
        }
        Err(WorkspaceError::NotFound {
            what: "identity",
            text: text.to_owned(),
        })
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

    // ---- key packages ----

    /// A new key package for `identity` (valid for
    /// [`KEY_PACKAGE_LIFETIME`]), stored with its private keys.
    pub fn key_package_new(&self, identity: IdentityKey) -> Result<KeyPackageInfo> {
        let (record, sk, credential) = self.signer(identity)?;
        let cs = suite(record.cipher_suite)?;
        let bundle =
            KeyPackageBundle::generate(&P, cs, credential, sk, KEY_PACKAGE_LIFETIME, Vec::new())?;
        let reference = bundle.reference(&P)?;
        let message = encode(&MlsMessage::new(MlsMessageBody::KeyPackage(
            bundle.key_package.clone(),
        )))?;
        let (_, not_after) = lifetime(&bundle.key_package);
        self.store.insert_key_package(&NewKeyPackage {
            reference: reference.clone(),
            identity,
            cipher_suite: cs.id(),
            message,
            secrets: KeyPackageSecrets {
                init_private: bundle.init_private.0.clone(),
                encryption_private: bundle.encryption_private.0.clone(),
            },
            not_after,
        })?;
        let stored =
            self.store
                .key_package(&reference)?
                .ok_or_else(|| WorkspaceError::NotFound {
                    what: "key package",
                    text: hex::encode(&reference),
                })?;
        key_package_info(stored)
    }

    /// Every key package of this workspace's identities, oldest first.
    pub fn key_packages(&self) -> Result<Vec<KeyPackageInfo>> {
        self.store
            .key_packages()?
            .into_iter()
            .map(key_package_info)
            .collect()
    }

    fn key_package_find(&self, reference_hex: &str) -> Result<KeyPackageRecord> {
        let wanted = reference_hex.trim().to_ascii_lowercase();
        let matches: Vec<KeyPackageRecord> = self
            .store
            .key_packages()?
            .into_iter()
            .filter(|k| !wanted.is_empty() && hex::encode(&k.reference).starts_with(&wanted))
            .collect();
        let mut iter = matches.into_iter();
        match (iter.next(), iter.next()) {
            (Some(one), None) => Ok(one),
            (None, _) => Err(WorkspaceError::NotFound {
                what: "key package",
                text: reference_hex.to_owned(),
            }),
            (Some(a), Some(b)) => Err(WorkspaceError::Ambiguous {
                what: "key package",
                text: reference_hex.to_owned(),
                candidates: [a, b]
                    .iter()
                    .chain(iter.as_slice())
                    .map(|k| hex::encode(&k.reference))
                    .collect(),
            }),
        }
    }

    /// The `MLSMessage` of one of our key packages, by reference (hex, or
    /// a unique prefix of it).
    pub fn key_package_export(&self, reference_hex: &str) -> Result<Vec<u8>> {
        Ok(self.key_package_find(reference_hex)?.message)
    }

    /// Deletes one of our key packages and its private keys.
    pub fn key_package_delete(&self, reference_hex: &str) -> Result<()> {
        let record = self.key_package_find(reference_hex)?;
        self.store.delete_key_package(&record.reference)?;
        Ok(())
    }

    /// Validates someone else's key package (`MLSMessage` or bare bytes) as
    /// a group would before adding it: version, suite, both signatures,
    /// lifetime now, capabilities, and the credential against the trust
    /// roots (basic credentials are always accepted).
    pub fn key_package_validate_foreign(&self, bytes: &[u8]) -> Result<KeyPackageInfo> {
        let kp = parse_key_package(bytes)?;
        let cs = suite(kp.cipher_suite)?;
        let provider = self.identity_provider()?;
        validate_key_package(&P, cs, &kp, Some(now()), provider.as_ref())?;
        let reference = key_package_ref(&P, &kp)?;
        let ours = self.store.key_package(&reference)?;
        let (not_before, not_after) = lifetime(&kp);
        Ok(KeyPackageInfo {
            reference_hex: hex::encode(&reference),
            identity: ours.as_ref().map(|k| k.identity),
            credential: credential_text(&kp.leaf_node.credential),
            cipher_suite: kp.cipher_suite,
            suite_name: suite_name(kp.cipher_suite),
            bytes: encode(&MlsMessage::new(MlsMessageBody::KeyPackage(kp)))?,
            not_before,
            not_after,
            used: ours.as_ref().is_some_and(|k| k.used),
            created: ours.map(|k| k.created),
        })
    }

    // ---- configuration ----

    /// The identity provider groups use: X.509 chains against the stored
    /// trust roots (and basic credentials) when any root is stored, else
    /// basic credentials only.
    pub fn identity_provider(&self) -> Result<Arc<dyn IdentityProvider>> {
        let stored = self.store.trust_roots()?;
        if stored.is_empty() {
            return Ok(Arc::new(BasicIdentityProvider));
        }
        let mut roots = TrustRoots::new();
        for root in &stored {
            roots.add_der(&root.der)?;
        }
        Ok(Arc::new(X509IdentityProvider {
            roots,
            allow_basic: true,
        }))
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

    fn load(&self, key: GroupKey) -> Result<Loaded> {
        let record = self.store.group(key)?;
        if record.status == GroupStatus::Removed {
            return Err(WorkspaceError::Removed(key));
        }
        let (state, revision) = self.store.group_state(key)?;
        let mut group = Group::from_bytes(&P, state.as_bytes())?;
        self.configure(&mut group)?;
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

    // ---- groups ----

    /// Creates a one-member group with `identity` as its member (epoch 0).
    pub fn group_create(&self, identity: IdentityKey, options: &GroupOptions) -> Result<GroupRow> {
        let (record, sk, credential) = self.signer(identity)?;
        let own = suite(record.cipher_suite)?;
        let cs = match options.cipher_suite {
            Some(id) => suite(id)?,
            None => own,
        };
        if cs.signature_scheme() != own.signature_scheme() {
            return Err(WorkspaceError::SuiteMismatch {
                identity: record.name,
                identity_suite: own.id(),
                suite: cs.id(),
            });
        }
        let bundle =
            KeyPackageBundle::generate(&P, cs, credential, sk, KEY_PACKAGE_LIFETIME, Vec::new())?;
        let group_id = match &options.group_id {
            Some(id) => id.clone(),
            None => P
                .random_bytes(16)
                .map_err(mls_core::group::GroupError::from)?,
        };
        self.check_not_member(&group_id, &record)?;
        let config = GroupConfig {
            encrypt_handshake: options.encrypt_handshake,
            identity: self.identity_provider()?,
            ..GroupConfig::default()
        };
        let mut group = Group::create(&P, &bundle, group_id.clone(), Vec::new(), config)?;
        self.configure(&mut group)?;
        let first = epoch_record(&group, Summary::of(EpochCause::Created), now())?;
        let key = self.store.insert_group(
            &NewGroup {
                name: options
                    .name
                    .clone()
                    .unwrap_or_else(|| default_name(&group_id)),
                group_id,
                identity,
                cipher_suite: cs.id(),
                state: snapshot(&group)?,
            },
            &first,
            None,
            &[],
        )?;
        self.group_row(key)
    }

    /// Every group row, in creation order.
    pub fn groups(&self) -> Result<Vec<GroupRow>> {
        let names: BTreeMap<IdentityKey, String> = self
            .store
            .identities()?
            .into_iter()
            .map(|i| (i.key, i.name))
            .collect();
        Ok(self
            .store
            .groups()?
            .into_iter()
            .map(|g| {
                let name = names.get(&g.identity).cloned().unwrap_or_default();
                group_row(g, name)
            })
            .collect())
    }

    /// One group row.
    pub fn group_row(&self, key: GroupKey) -> Result<GroupRow> {
        let record = self.store.group(key)?;
        let name = self.store.identity(record.identity)?.name;
        Ok(group_row(record, name))
    }

    /// The group row named by `text`: `#N` or `N` (its number), its local
    /// name, or its group id in hex (or a unique prefix of at least 4 hex
    /// digits). Fails if several rows match (e.g. two local members of the
    /// same group: name it by number).
    pub fn group_find(&self, text: &str) -> Result<GroupRow> {
        let text = text.trim();
        let rows = self.groups()?;
        if let Ok(n) = text.trim_start_matches('#').parse::<i64>()
            && let Some(row) = rows.iter().find(|r| r.key == GroupKey(n))
        {
            return Ok(row.clone());
        }
        let lower = text.to_ascii_lowercase();
        let mut matches: Vec<&GroupRow> = rows.iter().filter(|r| r.name == text).collect();
        if matches.is_empty() {
            matches = rows.iter().filter(|r| r.group_id_hex == lower).collect();
        }
        if matches.is_empty() && lower.len() >= 4 {
            matches = rows
                .iter()
                .filter(|r| r.group_id_hex.starts_with(&lower))
                .collect();
        }
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(WorkspaceError::NotFound {
                what: "group",
                text: text.to_owned(),
            }),
            many => Err(WorkspaceError::Ambiguous {
                what: "group",
                text: text.to_owned(),
                candidates: many
                    .iter()
                    .map(|r| format!("{} {} (as {})", r.key, r.name, r.identity_name))
                    .collect(),
            }),
        }
    }

    /// The current epoch of a group in detail.
    pub fn group_show(&self, key: GroupKey) -> Result<GroupDetails> {
        let loaded = self.load(key)?;
        let g = &loaded.group;
        let own = g.own_leaf();
        let members = g
            .tree()
            .members()
            .map(|(leaf, node)| MemberInfo {
                leaf,
                node: leaf.saturating_mul(2),
                credential_type: node.credential.credential_type(),
                identity: credential_text(&node.credential),
                signature_key_hex: hex::encode(node.signature_key.as_slice()),
                encryption_key_hex: hex::encode(node.encryption_key.as_slice()),
                is_self: leaf == own,
            })
            .collect();
        let extensions = g
            .context()
            .extensions
            .iter()
            .map(|e| ExtensionInfo {
                extension_type: e.extension_type,
                name: extension_name(e.extension_type),
                data_hex: hex::encode(e.extension_data.as_slice()),
            })
            .collect();
        Ok(GroupDetails {
            members,
            extensions,
            tree_hash_hex: hex::encode(g.context().tree_hash.as_slice()),
            confirmed_transcript_hash_hex: hex::encode(
                g.context().confirmed_transcript_hash.as_slice(),
            ),
            epoch_authenticator_hex: hex::encode(g.epoch_authenticator()),
            pending: self.pending(key)?,
            row: self.group_row(key)?,
        })
    }

    /// The group's current state, for read-only views (the tree, exporter
    /// secrets). Changes made to it are not saved.
    pub fn group_load(&self, key: GroupKey) -> Result<Group> {
        Ok(self.load(key)?.group)
    }

    /// Renames a group row.
    pub fn group_rename(&self, key: GroupKey, name: &str) -> Result<()> {
        Ok(self.store.rename_group(key, name)?)
    }

    /// Deletes a group row with its state, history, pending commit and
    /// messages.
    pub fn group_delete(&self, key: GroupKey) -> Result<()> {
        Ok(self.store.delete_group(key)?)
    }

    // ---- local commits ----

    /// A commit adding the given key packages (`MLSMessage` or bare bytes).
    pub fn commit_add(&self, key: GroupKey, key_packages: &[Vec<u8>]) -> Result<LocalCommit> {
        self.commit_with(
            key,
            &CommitRequest {
                add: key_packages.to_vec(),
                ..CommitRequest::default()
            },
        )
    }

    /// A commit removing the members at `leaves`.
    pub fn commit_remove(&self, key: GroupKey, leaves: &[u32]) -> Result<LocalCommit> {
        self.commit_with(
            key,
            &CommitRequest {
                remove: leaves.to_vec(),
                ..CommitRequest::default()
            },
        )
    }

    /// A commit with an UpdatePath that refreshes this member's keys.
    pub fn commit_update(&self, key: GroupKey) -> Result<LocalCommit> {
        self.commit_with(
            key,
            &CommitRequest {
                force_path: true,
                ..CommitRequest::default()
            },
        )
    }

    /// A commit of the proposals received this epoch (an empty commit,
    /// with a path, if there are none).
    pub fn commit(&self, key: GroupKey) -> Result<LocalCommit> {
        self.commit_with(key, &CommitRequest::default())
    }

    /// A commit with the given proposals (plus every proposal received
    /// this epoch), staged as the group's pending commit. Send the returned
    /// messages, then [`Workspace::apply`] (or [`Workspace::discard`]).
    pub fn commit_with(&self, key: GroupKey, request: &CommitRequest) -> Result<LocalCommit> {
        let Loaded {
            record,
            mut group,
            revision,
        } = self.load(key)?;
        if record.has_pending {
            return Err(WorkspaceError::AlreadyPending(key));
        }
        let mut proposals = Vec::new();
        for bytes in &request.add {
            proposals.push(Proposal::Add {
                key_package: parse_key_package(bytes)?,
            });
        }
        for leaf in &request.remove {
            proposals.push(Proposal::Remove { removed: *leaf });
        }
        for id in &request.psks {
            proposals.push(group.external_psk_proposal(&P, id)?);
        }
        let out = group.commit(&P, proposals, request.force_path)?;
        let next = out.staged.next_state();
        let summary = Summary::from_commit(&out.staged.summary, EpochCause::Commit);
        let next_epoch = epoch_record(next, summary, now())?;
        let commit = encode(&out.commit)?;
        let welcome = out.welcome.as_ref().map(encode).transpose()?;
        let group_info = out.group_info.as_ref().map(encode).transpose()?;
        let pending = NewPending {
            origin: Origin::Local,
            base_epoch: group.epoch(),
            message: commit.clone(),
            welcome: welcome.clone(),
            group_info: group_info.clone(),
            next_state: snapshot(next)?,
            changed_nodes: changed_nodes(group.tree(), next.tree()),
            next_epoch,
            self_removed: false,
            current_state: Some(snapshot(&group)?),
        };
        let own = group.own_leaf();
        let mut messages = vec![NewMessage {
            direction: Direction::Out,
            kind: MessageKind::Commit,
            epoch: Some(group.epoch()),
            sender: Some(own),
            bytes: commit.clone(),
            content: None,
        }];
        for (bytes, kind) in [
            (&welcome, MessageKind::Welcome),
            (&group_info, MessageKind::GroupInfo),
        ] {
            if let Some(bytes) = bytes {
                messages.push(NewMessage {
                    direction: Direction::Out,
                    kind,
                    epoch: Some(next.epoch()),
                    sender: Some(own),
                    bytes: bytes.clone(),
                    content: None,
                });
            }
        }
        self.store.stage(key, revision, &pending, &messages)?;
        let preview = preview(
            key,
            Origin::Local,
            pending.base_epoch,
            &pending.next_epoch,
            pending.changed_nodes.clone(),
            false,
            commit.clone(),
            welcome.clone(),
            group_info.clone(),
        );
        Ok(LocalCommit {
            group: key,
            commit,
            welcome,
            group_info,
            preview,
        })
    }

    /// The group's pending commit, if any.
    pub fn pending(&self, key: GroupKey) -> Result<Option<Preview>> {
        Ok(self.store.pending(key)?.map(|p| preview_of_record(key, p)))
    }

    /// Applies the group's pending commit: the next epoch's state replaces
    /// the current one, the history row is appended and the pending row
    /// deleted, in one transaction. If the commit removed this member, the
    /// state is deleted instead and the group marked removed.
    pub fn apply(&self, key: GroupKey) -> Result<EpochRow> {
        let Some(pending) = self.store.pending(key)? else {
            return Err(WorkspaceError::NoPending(key));
        };
        if !pending.self_removed {
            // Never swap in a state that would not load.
            let next = self
                .store
                .pending_state(key)?
                .ok_or(WorkspaceError::NoPending(key))?;
            Group::from_bytes(&P, next.as_bytes())?;
        }
        Ok(EpochRow::new(key, self.store.apply_pending(key)?))
    }

    /// Drops the group's pending commit; the group stays in its epoch.
    /// Returns whether there was one.
    pub fn discard(&self, key: GroupKey) -> Result<bool> {
        Ok(self.store.discard_pending(key)?)
    }

    // ---- messages ----

    /// Encrypts application data for the group. The advanced secret-tree
    /// state and the outgoing message are saved in one transaction before
    /// the message is returned.
    pub fn send(&self, key: GroupKey, plaintext: &[u8]) -> Result<Vec<u8>> {
        let Loaded {
            mut group,
            revision,
            ..
        } = self.load(key)?;
        let message = group.send_application(&P, plaintext, b"")?;
        let bytes = encode(&message)?;
        self.store.update_group_state(
            key,
            revision,
            &snapshot(&group)?,
            &[NewMessage {
                direction: Direction::Out,
                kind: MessageKind::Application,
                epoch: Some(group.epoch()),
                sender: Some(group.own_leaf()),
                bytes: bytes.clone(),
                content: Some(plaintext.to_vec()),
            }],
        )?;
        Ok(bytes)
    }

    /// Finds the group row an incoming handshake or application message is
    /// for: the active rows of its group id, preferring those at its epoch.
    fn route(&self, f: &Framed) -> Result<GroupKey> {
        let rows: Vec<GroupRecord> = self
            .store
            .groups_by_group_id(&f.group_id)?
            .into_iter()
            .filter(|g| g.status == GroupStatus::Active)
            .collect();
        let at_epoch: Vec<&GroupRecord> = rows.iter().filter(|g| g.epoch == f.epoch).collect();
        let candidates: Vec<&GroupRecord> = if at_epoch.is_empty() {
            rows.iter().collect()
        } else {
            at_epoch
        };
        match candidates.as_slice() {
            [one] => Ok(one.key),
            [] => Err(WorkspaceError::NotFound {
                what: "group",
                text: hex::encode(&f.group_id),
            }),
            many => Err(WorkspaceError::Ambiguous {
                what: "group",
                text: hex::encode(&f.group_id),
                candidates: many
                    .iter()
                    .map(|g| format!("{} {}", g.key, g.name))
                    .collect(),
            }),
        }
    }

    /// Processes an incoming `MLSMessage` for `group` (or, with `None`, the
    /// group its header names, if only one local member fits):
    ///
    /// * application data is decrypted ([`Receipt::Application`]);
    /// * a proposal is kept for the next commit ([`Receipt::Proposal`]);
    /// * a commit is staged as the pending commit
    ///   ([`Receipt::CommitStaged`]): apply or discard it;
    /// * a Welcome is joined ([`Receipt::Joined`], as [`Workspace::join`]
    ///   without a ratchet tree).
    ///
    /// A rejected message changes nothing.
    pub fn receive(&self, group: Option<GroupKey>, bytes: &[u8]) -> Result<Receipt> {
        self.process_incoming(group, bytes, true)
    }

    /// Processes an incoming message like [`Workspace::receive`] but saves
    /// nothing: decrypts a PrivateMessage, or previews a commit, with the
    /// group's current state and leaves the file exactly as it was (so the
    /// message can still be received later). For inspecting messages.
    /// Welcomes are refused (joining is not a dry run).
    pub fn peek(&self, group: Option<GroupKey>, bytes: &[u8]) -> Result<Receipt> {
        self.process_incoming(group, bytes, false)
    }

    fn process_incoming(
        &self,
        group: Option<GroupKey>,
        bytes: &[u8],
        save: bool,
    ) -> Result<Receipt> {
        let message = decode_message(bytes)?;
        let f = match &message.body {
            MlsMessageBody::Welcome(_) if !save => {
                return Err(WorkspaceError::WrongMessage {
                    expected: "a PublicMessage or PrivateMessage (a Welcome is joined, not previewed)",
                    got: "Welcome",
                });
            }
            MlsMessageBody::Welcome(_) => return Ok(Receipt::Joined(self.join(bytes, None)?)),
            body => framed(&message).ok_or(WorkspaceError::WrongMessage {
                expected: "a PublicMessage, PrivateMessage or Welcome",
                got: body_name(body),
            })?,
        };
        let key = match group {
            Some(key) => key,
            None => self.route(&f)?,
        };
        let Loaded {
            record,
            mut group,
            revision,
        } = self.load(key)?;
        if save && f.is_commit && record.has_pending {
            return Err(WorkspaceError::AlreadyPending(key));
        }
        let epoch = group.epoch();
        let incoming = |kind, sender, content| NewMessage {
            direction: Direction::In,
            kind,
            epoch: Some(f.epoch),
            sender,
            bytes: bytes.to_vec(),
            content,
        };
        match group.process(&P, &message)? {
            Received::Application {
                sender,
                data,
                authenticated_data,
            } => {
                if save {
                    self.store.update_group_state(
                        key,
                        revision,
                        &snapshot(&group)?,
                        &[incoming(
                            MessageKind::Application,
                            Some(sender),
                            Some(data.clone()),
                        )],
                    )?;
                }
                let sender_name = group
                    .member_credential(sender)
                    .map_or_else(String::new, credential_text);
                Ok(Receipt::Application {
                    group: key,
                    epoch,
                    sender,
                    sender_name,
                    data,
                    authenticated_data,
                })
            }
            Received::Proposal {
                sender,
                reference,
                proposal,
            } => {
                let leaf = match sender {
                    Sender::Member(l) => Some(l),
                    _ => None,
                };
                if save {
                    self.store.update_group_state(
                        key,
                        revision,
                        &snapshot(&group)?,
                        &[incoming(MessageKind::Proposal, leaf, None)],
                    )?;
                }
                let who = match leaf.and_then(|l| group.member_credential(l)) {
                    Some(c) => format!("{} ({})", credential_text(c), describe_sender(sender)),
                    None => describe_sender(sender),
                };
                Ok(Receipt::Proposal {
                    group: key,
                    sender: who,
                    reference_hex: hex::encode(&reference),
                    description: describe_proposal(&proposal),
                })
            }
            Received::Commit(staged) => {
                let cause = if f.external_commit {
                    EpochCause::ExternalCommit
                } else {
                    EpochCause::Commit
                };
                let next = staged.next_state();
                let self_removed = staged.summary.self_removed;
                let summary = Summary::from_commit(&staged.summary, cause);
                let mut next_epoch = epoch_record(next, summary, now())?;
                if self_removed {
                    // A removed member cannot derive the new epoch's secrets.
                    next_epoch.epoch_authenticator.clear();
                }
                let pending = NewPending {
                    origin: Origin::Incoming,
                    base_epoch: epoch,
                    message: bytes.to_vec(),
                    welcome: None,
                    group_info: None,
                    next_state: snapshot(next)?,
                    changed_nodes: changed_nodes(group.tree(), next.tree()),
                    next_epoch,
                    self_removed,
                    current_state: None,
                };
                if save {
                    self.store.stage(
                        key,
                        revision,
                        &pending,
                        &[incoming(
                            MessageKind::Commit,
                            Some(staged.summary.committer),
                            None,
                        )],
                    )?;
                }
                Ok(Receipt::CommitStaged(Box::new(preview(
                    key,
                    Origin::Incoming,
                    epoch,
                    &pending.next_epoch,
                    pending.changed_nodes,
                    self_removed,
                    bytes.to_vec(),
                    None,
                    None,
                ))))
            }
        }
    }

    /// Records a message without processing it (e.g. one imported for
    /// inspection), optionally tied to a group. Returns its number.
    pub fn message_import(&self, group: Option<GroupKey>, bytes: &[u8]) -> Result<i64> {
        let message = decode_message(bytes)?;
        let (kind, epoch) = match &message.body {
            MlsMessageBody::PublicMessage(m) => (
                match m.content.content.content_type() {
                    1 => MessageKind::Application,
                    2 => MessageKind::Proposal,
                    _ => MessageKind::Commit,
                },
                Some(m.content.epoch),
            ),
            MlsMessageBody::PrivateMessage(m) => (
                match m.content_type {
                    1 => MessageKind::Application,
                    2 => MessageKind::Proposal,
                    _ => MessageKind::Commit,
                },
                Some(m.epoch),
            ),
            MlsMessageBody::Welcome(_) => (MessageKind::Welcome, None),
            MlsMessageBody::GroupInfo(g) => (MessageKind::GroupInfo, Some(g.group_context.epoch)),
            MlsMessageBody::KeyPackage(_) => (MessageKind::KeyPackage, None),
        };
        Ok(self.store.insert_message(
            group,
            &NewMessage {
                direction: Direction::In,
                kind,
                epoch,
                sender: None,
                bytes: bytes.to_vec(),
                content: None,
            },
        )?)
    }

    /// The messages of a group (or, with `None`, all), in recorded order.
    pub fn messages(&self, group: Option<GroupKey>) -> Result<Vec<MessageRow>> {
        Ok(self.store.messages(group)?)
    }

    // ---- joining ----

    /// This epoch's signed GroupInfo (`MLSMessage`), with the ratchet tree
    /// and the external public key when the group accepts external commits,
    /// so others can join by [`Workspace::join_external`].
    pub fn export_group_info(&self, key: GroupKey) -> Result<Vec<u8>> {
        let loaded = self.load(key)?;
        let bytes = encode(&loaded.group.export_group_info(&P)?)?;
        self.store.insert_message(
            Some(key),
            &NewMessage {
                direction: Direction::Out,
                kind: MessageKind::GroupInfo,
                epoch: Some(loaded.group.epoch()),
                sender: Some(loaded.group.own_leaf()),
                bytes: bytes.clone(),
                content: None,
            },
        )?;
        Ok(bytes)
    }

    /// Joins a group from a Welcome (`MLSMessage`) made for one of this
    /// workspace's unused key packages. The ratchet tree comes from the
    /// GroupInfo, else from `ratchet_tree` (TLS-encoded `ratchet_tree`).
    /// The key package's private keys are deleted in the same transaction
    /// that stores the group.
    pub fn join(&self, welcome: &[u8], ratchet_tree: Option<&[u8]>) -> Result<GroupRow> {
        let message = decode_message(welcome)?;
        let MlsMessageBody::Welcome(w) = &message.body else {
            return Err(WorkspaceError::WrongMessage {
                expected: "a Welcome",
                got: body_name(&message.body),
            });
        };
        let mut found = None;
        for entry in &w.secrets {
            let reference = entry.new_member.as_slice();
            if let Some(secrets) = self.store.key_package_secrets(reference)?
                && let Some(record) = self.store.key_package(reference)?
            {
                found = Some((record, secrets));
                break;
            }
        }
        let (kp_record, secrets) = found.ok_or(WorkspaceError::NoKeyPackage)?;
        let (identity, sk, _) = self.signer(kp_record.identity)?;
        let bundle = KeyPackageBundle {
            key_package: parse_key_package(&kp_record.message)?,
            init_private: HpkePrivateKey(secrets.init_private),
            encryption_private: HpkePrivateKey(secrets.encryption_private),
            signature_private: sk,
        };
        let tree = ratchet_tree
            .map(|b| {
                RatchetTree::decode_exact(b)
                    .map_err(|error| WorkspaceError::malformed("ratchet_tree", error))
            })
            .transpose()?;
        let config = GroupConfig {
            identity: self.identity_provider()?,
            ..GroupConfig::default()
        };
        let mut group = Group::join(&P, w, &bundle, tree.as_ref(), self.psk_map()?, config)?;
        self.configure(&mut group)?;
        self.check_not_member(group.group_id(), &identity)?;
        let first = epoch_record(&group, Summary::of(EpochCause::Welcome), now())?;
        let key = self.store.insert_group(
            &NewGroup {
                group_id: group.group_id().to_vec(),
                name: default_name(group.group_id()),
                identity: identity.key,
                cipher_suite: group.cipher_suite().id(),
                state: snapshot(&group)?,
            },
            &first,
            Some(&kp_record.reference),
            &[NewMessage {
                direction: Direction::In,
                kind: MessageKind::Welcome,
                epoch: Some(group.epoch()),
                sender: None,
                bytes: welcome.to_vec(),
                content: None,
            }],
        )?;
        self.group_row(key)
    }

    /// Joins a group by external commit from its GroupInfo (`MLSMessage`
    /// or bare; it must carry the external public key and the ratchet
    /// tree). The new member is stored at the new epoch; returns its row
    /// and the commit to send to the group.
    pub fn join_external(
        &self,
        identity: IdentityKey,
        group_info: &[u8],
    ) -> Result<(GroupRow, Vec<u8>)> {
        let info = parse_group_info(group_info)?;
        let (record, sk, credential) = self.signer(identity)?;
        let cs = suite(info.group_context.cipher_suite)?;
        let own = suite(record.cipher_suite)?;
        if cs.signature_scheme() != own.signature_scheme() {
            return Err(WorkspaceError::SuiteMismatch {
                identity: record.name,
                identity_suite: own.id(),
                suite: cs.id(),
            });
        }
        self.check_not_member(info.group_context.group_id.as_slice(), &record)?;
        let config = GroupConfig {
            identity: self.identity_provider()?,
            ..GroupConfig::default()
        };
        let (mut group, commit) =
            Group::join_external(&P, &info, None, sk, credential, None, config)?;
        self.configure(&mut group)?;
        let commit = encode(&commit)?;
        let mut summary = Summary::of(EpochCause::ExternalJoin);
        summary.committer = Some(group.own_leaf());
        let first = epoch_record(&group, summary, now())?;
        let key = self.store.insert_group(
            &NewGroup {
                group_id: group.group_id().to_vec(),
                name: default_name(group.group_id()),
                identity,
                cipher_suite: cs.id(),
                state: snapshot(&group)?,
            },
            &first,
            None,
            &[
                NewMessage {
                    direction: Direction::In,
                    kind: MessageKind::GroupInfo,
                    epoch: Some(info.group_context.epoch),
                    sender: Some(info.signer),
                    bytes: group_info.to_vec(),
                    content: None,
                },
                NewMessage {
                    direction: Direction::Out,
                    kind: MessageKind::Commit,
                    epoch: Some(info.group_context.epoch),
                    sender: None,
                    bytes: commit.clone(),
                    content: None,
                },
            ],
        )?;
        Ok((self.group_row(key)?, commit))
    }

    // ---- history ----

    /// The group's epochs, oldest first.
    pub fn history(&self, key: GroupKey) -> Result<Vec<EpochRow>> {
        Ok(self
            .store
            .history(key)?
            .into_iter()
            .map(|e| EpochRow::new(key, e))
            .collect())
    }

    /// The TLS-encoded `ratchet_tree` of a past (or the current) epoch.
    pub fn epoch_tree_bytes(&self, key: GroupKey, epoch: u64) -> Result<Vec<u8>> {
        Ok(self
            .store
            .epoch(key, epoch)?
            .ok_or_else(|| WorkspaceError::NotFound {
                what: "epoch",
                text: format!("{epoch} of group {key}"),
            })?
            .ratchet_tree)
    }

    /// The ratchet tree of a past (or the current) epoch, to draw.
    pub fn epoch_tree(&self, key: GroupKey, epoch: u64) -> Result<Tree> {
        let cs = suite(self.store.group(key)?.cipher_suite)?;
        let bytes = self.epoch_tree_bytes(key, epoch)?;
        let wire = RatchetTree::decode_exact(&bytes)
            .map_err(|error| WorkspaceError::malformed("stored ratchet_tree", error))?;
        Ok(Tree::from_wire(cs, &wire).map_err(mls_core::group::GroupError::from)?)
    }

    // ---- trust roots ----

    /// Imports trust roots: a PEM bundle of one or more certificates, or
    /// one DER certificate. All or nothing; each must be a CA certificate
    /// with a supported key (see `mls_core::credential::TrustRoots`).
    pub fn trust_root_import(&self, bytes: &[u8]) -> Result<Vec<TrustRootRow>> {
        let mut roots = TrustRoots::new();
        let stored = self.store.trust_roots()?;
        for root in &stored {
            roots.add_der(&root.der)?;
        }
        let is_pem = bytes.windows(10).any(|w| w == b"-----BEGIN".as_slice());
        let infos = if is_pem {
            roots.add_pem(bytes)?
        } else {
            vec![roots.add_der(bytes)?]
        };
        let new: Vec<NewTrustRoot> = roots
            .ders()
            .skip(stored.len())
            .zip(&infos)
            .map(|(der, info)| NewTrustRoot {
                der: der.to_vec(),
                subject: info.subject.clone(),
                issuer: info.issuer.clone(),
                not_before: info.not_before,
                not_after: info.not_after,
                fingerprint: info.fingerprint_sha256.clone(),
            })
            .collect();
        let ids = self.store.insert_trust_roots(&new)?;
        Ok(self
            .store
            .trust_roots()?
            .into_iter()
            .filter(|r| ids.contains(&r.id))
            .collect())
    }

    /// Every trust root, in import order.
    pub fn trust_roots(&self) -> Result<Vec<TrustRootRow>> {
        Ok(self.store.trust_roots()?)
    }

    /// Removes a trust root by number.
    pub fn trust_root_remove(&self, id: i64) -> Result<()> {
        Ok(self.store.remove_trust_root(id)?)
    }

    // ---- PSKs ----

    /// Stores an external PSK. Every group of the workspace can use it
    /// (commits with [`CommitRequest::psks`], Welcomes that name it).
    pub fn psk_add(&self, psk_id: &[u8], secret: Secret) -> Result<()> {
        if psk_id.is_empty() || secret.is_empty() {
            return Err(WorkspaceError::Invalid(String::from(
                "a PSK needs a non-empty id and secret",
            )));
        }
        Ok(self.store.insert_psk(psk_id, &secret)?)
    }

    /// The stored external PSK ids.
    pub fn psks(&self) -> Result<Vec<PskRow>> {
        Ok(self.store.psks()?)
    }

    /// Deletes an external PSK from the workspace. Group states that
    /// already hold a copy keep it until the group is deleted.
    pub fn psk_remove(&self, psk_id: &[u8]) -> Result<bool> {
        Ok(self.store.remove_psk(psk_id)?)
    }
}

fn identity_info(r: IdentityRecord) -> IdentityInfo {
    let credential = Credential::decode_exact(&r.credential).map_or_else(
        |_| String::from("(unreadable credential)"),
        |c| credential_text(&c),
    );
    IdentityInfo {
        key: r.key,
        suite_name: suite_name(r.cipher_suite),
        name: r.name,
        cipher_suite: r.cipher_suite,
        signature_public_hex: hex::encode(&r.signature_public),
        credential,
        created: r.created,
    }
}

fn key_package_info(r: KeyPackageRecord) -> Result<KeyPackageInfo> {
    let kp = parse_key_package(&r.message)?;
    let (not_before, not_after) = lifetime(&kp);
    Ok(KeyPackageInfo {
        reference_hex: hex::encode(&r.reference),
        identity: Some(r.identity),
        credential: credential_text(&kp.leaf_node.credential),
        cipher_suite: r.cipher_suite,
        suite_name: suite_name(r.cipher_suite),
        bytes: r.message,
        not_before,
        not_after,
        used: r.used,
        created: Some(r.created),
    })
}

fn group_row(g: GroupRecord, identity_name: String) -> GroupRow {
    GroupRow {
        key: g.key,
        group_id_hex: hex::encode(&g.group_id),
        group_id: g.group_id,
        name: g.name,
        identity: g.identity,
        identity_name,
        cipher_suite: g.cipher_suite,
        suite_name: suite_name(g.cipher_suite),
        epoch: g.epoch,
        member_count: g.member_count,
        own_leaf: g.own_leaf,
        status: g.status,
        pending: g.has_pending,
        updated: g.updated,
    }
}
