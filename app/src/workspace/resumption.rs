//! Re-initialisation (RFC 9420 §11.2) and branching (§11.3): staging a
//! commit with a ReInit proposal, creating the successor of a closed group,
//! branching a subgroup, and joining their Welcomes, which carry the old
//! group's resumption PSK and are checked against this workspace's copy of
//! the old group.
//!
//! A group whose ReInit commit was applied is closed: its state stays (the
//! successor needs its last resumption PSK), `group_reinits` marks it, and
//! every operation that would change it is refused
//! ([`WorkspaceError::Closed`]).

use mls_core::codec::VlBytes;
use mls_core::crypto::CryptoProvider as _;
use mls_core::group::{
    CommitOutput, Group, GroupConfig, GroupError, KeyPackageBundle, decrypt_group_secrets,
    find_secrets,
};
use mls_core::messages::{
    PROTOCOL_VERSION_MLS10, Proposal, Psk, RESUMPTION_BRANCH, RESUMPTION_REINIT, ReInit, Welcome,
};

use super::snapshot::outgoing_commit;
use super::store::{
    GroupLink, GroupRecord, IdentityRecord, KeyPackageRecord, LinkKind, NewGroupExtras, NewMessage,
};
use super::{
    Direction, EpochCause, GroupKey, GroupRow, GroupStatus, IdentityKey, KEY_PACKAGE_LIFETIME,
    LinkInfo, Loaded, LocalCommit, MessageKind, P, ReInitInfo, Result, Summary, Workspace,
    WorkspaceError, check_signature_suite, encode, parse_key_package, suite, suite_name,
};

/// The parameters of a ReInit proposal ([`Workspace::group_reinit`],
/// `ProposalRequest::ReInit`); `None` takes the default.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReInitRequest {
    /// The new group id (default: 16 random bytes).
    pub group_id: Option<Vec<u8>>,
    /// The new cipher suite (default: the group's).
    pub cipher_suite: Option<u16>,
    /// The protocol version (default and only one supported: 1, mls10).
    pub version: Option<u16>,
}

impl ReInitRequest {
    fn is_default(&self) -> bool {
        *self == ReInitRequest::default()
    }
}

/// A group made from another by re-init or branch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resumed {
    /// The new group's row (at epoch 1).
    pub row: GroupRow,
    /// The new group's first commit (adds the members, injects the PSK).
    pub commit: Vec<u8>,
    /// The Welcome for the members (none if no key package was given).
    pub welcome: Option<Vec<u8>>,
    /// The new group's GroupInfo (when members were added).
    pub group_info: Option<Vec<u8>>,
}

/// The ReInit proposal `request` asks for in `group` (the new group keeps
/// the group context extensions).
pub(super) fn reinit_proposal(group: &Group, request: &ReInitRequest) -> Result<Proposal> {
    let cs = match request.cipher_suite {
        Some(id) => suite(id)?,
        None => group.cipher_suite(),
    };
    let version = request.version.unwrap_or(PROTOCOL_VERSION_MLS10);
    if version != PROTOCOL_VERSION_MLS10 {
        return Err(WorkspaceError::Invalid(format!(
            "protocol version {version} is not supported: only 1 (mls10)"
        )));
    }
    let group_id = match &request.group_id {
        Some(id) => id.clone(),
        None => P.random_bytes(16).map_err(GroupError::from)?,
    };
    if group_id == group.group_id() {
        return Err(WorkspaceError::Invalid(String::from(
            "the re-initialised group needs a group id other than the old one's",
        )));
    }
    Ok(Proposal::ReInit(ReInit {
        group_id: VlBytes(group_id),
        version,
        cipher_suite: cs.id(),
        extensions: group.context().extensions.clone(),
    }))
}

/// `re-initialises` / `branches from`, for messages.
fn usage_text(usage: u8) -> &'static str {
    if usage == RESUMPTION_BRANCH {
        "branches from"
    } else {
        "re-initialises"
    }
}

/// The resumption PSK (usage reinit or branch) a Welcome's GroupSecrets
/// carry: (usage, group id, epoch).
fn linked_psk(welcome: &Welcome, bundle: &KeyPackageBundle) -> Result<Option<(u8, Vec<u8>, u64)>> {
    let kp = &bundle.key_package;
    let cs = suite(kp.cipher_suite)?;
    let entry = find_secrets(&P, cs, welcome, kp).map_err(GroupError::from)?;
    let secrets = decrypt_group_secrets(
        &P,
        cs,
        &bundle.init_private,
        entry,
        welcome.encrypted_group_info.as_slice(),
    )
    .map_err(GroupError::from)?;
    Ok(secrets.psks.iter().find_map(|id| match &id.psk {
        Psk::Resumption {
            usage,
            psk_group_id,
            psk_epoch,
        } if *usage == RESUMPTION_REINIT || *usage == RESUMPTION_BRANCH => {
            Some((*usage, psk_group_id.0.clone(), *psk_epoch))
        }
        _ => None,
    }))
}

impl Workspace {
    /// Stages a commit carrying a ReInit proposal (§11.2). With a default
    /// `request` and a ReInit proposal received this epoch, commits that
    /// one by reference instead. After [`Workspace::apply`] the group is
    /// closed; [`Workspace::reinit_create`] makes the successor.
    pub fn group_reinit(&self, key: GroupKey, request: &ReInitRequest) -> Result<LocalCommit> {
        let Loaded {
            group, revision, ..
        } = self.load_unstaged(key)?;
        let received = group
            .pending_proposals()
            .any(|p| matches!(p.proposal.proposal, Proposal::ReInit(_)));
        let proposals = match (received, request.is_default()) {
            (true, true) => Vec::new(),
            (true, false) => {
                return Err(WorkspaceError::Invalid(format!(
                    "group {key} already has a ReInit proposal this epoch: `group reinit {key}` without options commits it"
                )));
            }
            (false, _) => vec![reinit_proposal(&group, request)?],
        };
        self.stage_commit(key, group, revision, proposals, false, None)
    }

    /// Creates the successor of `old`, a group closed by a ReInit (§11.2):
    /// `identity` (whose signature key fits the new suite) creates it with
    /// the ReInit's group id, suite and extensions, and adds the members of
    /// `key_packages` (new key packages in the new suite) with a Welcome
    /// carrying the old group's last resumption PSK (usage `reinit`).
    pub fn reinit_create(
        &self,
        old: GroupKey,
        identity: IdentityKey,
        key_packages: &[Vec<u8>],
    ) -> Result<Resumed> {
        let Loaded {
            record,
            group: old_group,
            ..
        } = self.load(old)?;
        let reinit = old_group
            .reinit()
            .cloned()
            .ok_or(WorkspaceError::NotReInitialised(old))?;
        let cs = suite(reinit.cipher_suite)?;
        let (creator, config) = self.linked_creator(old, identity, cs, &reinit.group_id.0)?;
        let members = parse_all(key_packages)?;
        let (group, out) = old_group.reinit_group(&P, &creator.1, members, config)?;
        self.store_linked(
            old,
            &record,
            &old_group,
            &creator.0,
            group,
            out,
            LinkKind::ReInit,
        )
    }

    /// Branches a subgroup of `key` (§11.3): `identity` (a member of the
    /// group) creates a group in the same suite with `group_id` (default:
    /// random) and adds the members of `key_packages` (new key packages of
    /// current members) with a Welcome carrying this epoch's resumption PSK
    /// (usage `branch`). The parent group is unchanged.
    pub fn branch(
        &self,
        key: GroupKey,
        identity: IdentityKey,
        key_packages: &[Vec<u8>],
        group_id: Option<Vec<u8>>,
    ) -> Result<Resumed> {
        let Loaded {
            record,
            group: parent,
            ..
        } = self.load_open(key)?;
        let group_id = match group_id {
            Some(id) => id,
            None => P.random_bytes(16).map_err(GroupError::from)?,
        };
        if group_id == parent.group_id() {
            return Err(WorkspaceError::Invalid(String::from(
                "the branch needs a group id other than its parent's",
            )));
        }
        let (creator, config) =
            self.linked_creator(key, identity, parent.cipher_suite(), &group_id)?;
        let members = parse_all(key_packages)?;
        let (group, out) = parent.branch(&P, &creator.1, group_id, members, config)?;
        self.store_linked(
            key,
            &record,
            &parent,
            &creator.0,
            group,
            out,
            LinkKind::Branch,
        )
    }

    /// The creator of a group linked to `old`: `identity` with a fresh key
    /// package in `cs`, and the configuration (`old`'s settings).
    fn linked_creator(
        &self,
        old: GroupKey,
        identity: IdentityKey,
        cs: mls_core::crypto::CipherSuite,
        group_id: &[u8],
    ) -> Result<((IdentityRecord, KeyPackageBundle), GroupConfig)> {
        let (record, sk, credential) = self.signer(identity)?;
        check_signature_suite(&record, suite(record.cipher_suite)?, cs)?;
        self.check_not_member(group_id, &record)?;
        let bundle =
            KeyPackageBundle::generate(&P, cs, credential, sk, KEY_PACKAGE_LIFETIME, Vec::new())?;
        let settings = self.group_settings(old)?;
        let config = self.settings_config(&settings, GroupConfig::default())?;
        Ok(((record, bundle), config))
    }

    /// Stores a group just created linked to `old` (its first commit and
    /// Welcome as outgoing messages, the link, `old`'s settings).
    #[allow(clippy::too_many_arguments)]
    fn store_linked(
        &self,
        old: GroupKey,
        old_record: &GroupRecord,
        old_group: &Group,
        identity: &IdentityRecord,
        mut group: Group,
        out: CommitOutput,
        kind: LinkKind,
    ) -> Result<Resumed> {
        self.configure(&mut group)?;
        self.apply_group_settings(old, &mut group)?;
        let commit = encode(&out.commit)?;
        let welcome = out.welcome.as_ref().map(encode).transpose()?;
        let group_info = out.group_info.as_ref().map(encode).transpose()?;
        let messages = outgoing_commit(
            group.own_leaf(),
            0,
            group.epoch(),
            &commit,
            welcome.as_ref(),
            group_info.as_ref(),
        );
        let (settings, link) = self.linked_extras(old, old_group, kind)?;
        let key = self.insert_new_group(
            &group,
            identity.key,
            linked_name(&old_record.name, kind),
            Summary::from_commit(&out.staged.summary, EpochCause::Created),
            None,
            &messages,
            NewGroupExtras {
                settings: Some(&settings),
                link: Some(&link),
            },
        )?;
        Ok(Resumed {
            row: self.group_row(key)?,
            commit,
            welcome,
            group_info,
        })
    }

    /// What a group linked to `old` is stored with: `old`'s settings (as
    /// text) and the link to it.
    fn linked_extras(
        &self,
        old: GroupKey,
        old_group: &Group,
        kind: LinkKind,
    ) -> Result<(String, GroupLink)> {
        let settings = self.group_settings(old)?;
        Ok((
            settings.to_string(),
            GroupLink {
                kind,
                parent_group_id: old_group.group_id().to_vec(),
                parent_epoch: old_group.epoch(),
            },
        ))
    }

    /// Joins a Welcome that carries a re-init or branch resumption PSK, if
    /// it does: checked against this workspace's copy of the old group
    /// (§11.2, §11.3). `None` for any other Welcome.
    pub(super) fn join_linked(
        &self,
        welcome: &Welcome,
        welcome_bytes: &[u8],
        bundle: &KeyPackageBundle,
        kp_record: &KeyPackageRecord,
        identity: &IdentityRecord,
    ) -> Result<Option<GroupRow>> {
        let Some((usage, old_id, epoch)) = linked_psk(welcome, bundle)? else {
            return Ok(None);
        };
        let what = usage_text(usage);
        let mut candidates: Vec<GroupRecord> = self
            .store
            .groups_by_group_id(&old_id)?
            .into_iter()
            .filter(|g| g.status == GroupStatus::Active)
            .collect();
        // This member's own copy first.
        candidates.sort_by_key(|g| g.identity != identity.key);
        let mut first_error = None;
        for candidate in candidates {
            let old = self.load(candidate.key)?;
            if old.group.epoch() != epoch {
                first_error.get_or_insert(WorkspaceError::ResumedEpoch {
                    usage: what,
                    group_id: hex::encode(&old_id),
                    epoch,
                    key: candidate.key,
                    local_epoch: old.group.epoch(),
                });
                continue;
            }
            let config =
                self.settings_config(&self.group_settings(candidate.key)?, GroupConfig::default())?;
            let joined = if usage == RESUMPTION_BRANCH {
                Group::join_branch(&P, welcome, bundle, &old.group, config)
            } else {
                Group::join_reinit(&P, welcome, bundle, &old.group, config)
            };
            let mut group = match joined {
                Ok(group) => group,
                Err(error) => {
                    first_error.get_or_insert(WorkspaceError::ResumedJoin {
                        usage: what,
                        key: candidate.key,
                        error: Box::new(error),
                    });
                    continue;
                }
            };
            self.configure(&mut group)?;
            self.apply_group_settings(candidate.key, &mut group)?;
            self.check_not_member(group.group_id(), identity)?;
            let kind = if usage == RESUMPTION_BRANCH {
                LinkKind::Branch
            } else {
                LinkKind::ReInit
            };
            let (settings, link) = self.linked_extras(candidate.key, &old.group, kind)?;
            let key = self.insert_new_group(
                &group,
                identity.key,
                linked_name(&old.record.name, kind),
                Summary::of(EpochCause::Welcome),
                Some(&kp_record.reference),
                &[NewMessage::handshake(
                    Direction::In,
                    MessageKind::Welcome,
                    Some(group.epoch()),
                    None,
                    welcome_bytes.to_vec(),
                )],
                NewGroupExtras {
                    settings: Some(&settings),
                    link: Some(&link),
                },
            )?;
            return Ok(Some(self.group_row(key)?));
        }
        Err(first_error.unwrap_or(WorkspaceError::NoResumedGroup {
            usage: what,
            group_id: hex::encode(&old_id),
            epoch,
        }))
    }

    /// Fills the re-init marks and links of group rows.
    pub(super) fn with_links(&self, mut rows: Vec<GroupRow>) -> Result<Vec<GroupRow>> {
        let marks = self.store.reinit_marks()?;
        let links = self.store.links()?;
        for row in &mut rows {
            row.reinitialised = marks.get(&row.key).map(|m| ReInitInfo {
                new_group_id_hex: hex::encode(&m.new_group_id),
                cipher_suite: m.cipher_suite,
                suite_name: suite_name(m.cipher_suite),
                version: m.version,
            });
            row.resumes = links.get(&row.key).map(|l| LinkInfo {
                kind: l.kind.as_str(),
                parent_group_id_hex: hex::encode(&l.parent_group_id),
                parent_epoch: l.parent_epoch,
            });
        }
        Ok(rows)
    }
}

/// The default name of a group linked to one named `old`.
fn linked_name(old: &str, kind: LinkKind) -> String {
    format!("{old}-{}", kind.as_str())
}

/// Key packages from `MLSMessage` or bare bytes.
fn parse_all(key_packages: &[Vec<u8>]) -> Result<Vec<mls_core::messages::KeyPackage>> {
    key_packages.iter().map(|b| parse_key_package(b)).collect()
}
