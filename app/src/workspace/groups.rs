//! Group rows: creating, listing, finding, showing, renaming and deleting
//! them, and their history.

use std::collections::BTreeMap;

use mls_core::codec::Decode as _;
use mls_core::crypto::CryptoProvider as _;
use mls_core::group::{Group, KeyPackageBundle};
use mls_core::messages::RatchetTree;
use mls_core::tree::Tree;

use super::store::{GroupRecord, NewGroupExtras};
use super::summary::{credential_text, extension_name};
use super::{
    EpochCause, EpochRow, ExtensionInfo, GroupDetails, GroupKey, GroupOptions, GroupRow,
    IdentityKey, KEY_PACKAGE_LIFETIME, MemberInfo, P, Result, Summary, Workspace, WorkspaceError,
    check_signature_suite, default_name, suite, suite_name,
};

impl Workspace {
    /// Creates a one-member group with `identity` as its member (epoch 0).
    pub fn group_create(&self, identity: IdentityKey, options: &GroupOptions) -> Result<GroupRow> {
        let (record, sk, credential) = self.signer(identity)?;
        let own = suite(record.cipher_suite)?;
        let cs = match options.cipher_suite {
            Some(id) => suite(id)?,
            None => own,
        };
        check_signature_suite(&record, own, cs)?;
        let bundle =
            KeyPackageBundle::generate(&P, cs, credential, sk, KEY_PACKAGE_LIFETIME, Vec::new())?;
        let group_id = match &options.group_id {
            Some(id) => id.clone(),
            None => P
                .random_bytes(16)
                .map_err(mls_core::group::GroupError::from)?,
        };
        self.check_not_member(&group_id, &record)?;
        let (settings, config) = self.new_group_config(options.encrypt_handshake)?;
        let extensions = Self::external_senders_extension(cs, &options.external_senders)?
            .into_iter()
            .collect();
        let mut group = Group::create(&P, &bundle, group_id.clone(), extensions, config)?;
        self.configure(&mut group)?;
        let config = self.settings_config(&settings, group.config().clone())?;
        group.set_config(config);
        let name = options
            .name
            .clone()
            .unwrap_or_else(|| default_name(&group_id));
        let settings_text = settings.to_string();
        let key = self.insert_new_group(
            &group,
            identity,
            name,
            Summary::of(EpochCause::Created),
            None,
            &[],
            NewGroupExtras {
                settings: Some(&settings_text),
                link: None,
            },
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
        let rows = self
            .store
            .groups()?
            .into_iter()
            .map(|g| {
                let name = names.get(&g.identity).cloned().unwrap_or_default();
                group_row(g, name)
            })
            .collect();
        self.with_links(rows)
    }

    /// One group row.
    pub fn group_row(&self, key: GroupKey) -> Result<GroupRow> {
        let record = self.store.group(key)?;
        let name = self.store.identity(record.identity)?.name;
        let rows = self.with_links(vec![group_row(record, name)])?;
        rows.into_iter().next().ok_or(WorkspaceError::NotFound {
            what: "group",
            text: key.to_string(),
        })
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
        self.details_of(key, &loaded.group)
    }

    /// [`Workspace::group_show`] of the group's state `g`, already loaded.
    pub(super) fn details_of(&self, key: GroupKey, g: &Group) -> Result<GroupDetails> {
        let own = g.own_leaf();
        // The trust roots are read once for all members.
        let mut checks = super::x509::CredentialChecks::new(self);
        let members = g
            .tree()
            .members()
            .map(|(leaf, node)| {
                Ok(MemberInfo {
                    leaf,
                    node: leaf.saturating_mul(2),
                    credential_type: node.credential.credential_type(),
                    identity: credential_text(&node.credential),
                    signature_key_hex: hex::encode(node.signature_key.as_slice()),
                    encryption_key_hex: hex::encode(node.encryption_key.as_slice()),
                    is_self: leaf == own,
                    credential_check: checks.check(
                        g.cipher_suite(),
                        &node.credential,
                        node.signature_key.as_slice(),
                    )?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
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
            external_senders: super::external::sender_rows(
                g.cipher_suite(),
                &g.context().extensions,
            ),
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

    /// The group's epochs, oldest first.
    pub fn history(&self, key: GroupKey) -> Result<Vec<EpochRow>> {
        Ok(self
            .store
            .history_without_trees(key)?
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
        reinitialised: None,
        resumes: None,
    }
}
