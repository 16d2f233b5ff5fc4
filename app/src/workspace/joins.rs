//! Joining groups: by Welcome (§12.4.3.1) and by external commit
//! (§12.4.3.2), and exporting the GroupInfo others join from.

use mls_core::codec::Decode as _;
use mls_core::crypto::HpkePrivateKey;
use mls_core::framing::MlsMessageBody;
use mls_core::group::{Group, KeyPackageBundle};
use mls_core::messages::RatchetTree;

use super::store::{NewGroupExtras, NewMessage};
use super::{
    Direction, EpochCause, GroupKey, GroupRow, IdentityKey, MessageKind, P, Result, Summary,
    Workspace, WorkspaceError, body_name, check_signature_suite, decode_message, default_name,
    encode, parse_group_info, parse_key_package, suite,
};

impl Workspace {
    /// This epoch's signed GroupInfo (`MLSMessage`), with the ratchet tree
    /// and the external public key when the group accepts external commits,
    /// so others can join by [`Workspace::join_external`].
    pub fn export_group_info(&self, key: GroupKey) -> Result<Vec<u8>> {
        let loaded = self.load(key)?;
        let bytes = encode(&loaded.group.export_group_info(&P)?)?;
        self.store.insert_message(
            Some(key),
            &NewMessage::handshake(
                Direction::Out,
                MessageKind::GroupInfo,
                Some(loaded.group.epoch()),
                Some(loaded.group.own_leaf()),
                bytes.clone(),
            ),
        )?;
        Ok(bytes)
    }

    /// This epoch's signed GroupInfo (`MLSMessage`) WITHOUT the
    /// `ratchet_tree` extension, and the ratchet tree (TLS-encoded
    /// `ratchet_tree`) to hand over separately, as groups that do not
    /// publish their tree do (§12.4.3.1).
    pub fn export_group_info_without_tree(&self, key: GroupKey) -> Result<(Vec<u8>, Vec<u8>)> {
        let loaded = self.load(key)?;
        let mut group = loaded.group;
        let mut config = group.config().clone();
        config.ratchet_tree_extension = false;
        group.set_config(config);
        let bytes = encode(&group.export_group_info(&P)?)?;
        let tree = encode(&group.tree().to_wire())?;
        self.store.insert_message(
            Some(key),
            &NewMessage::handshake(
                Direction::Out,
                MessageKind::GroupInfo,
                Some(group.epoch()),
                Some(group.own_leaf()),
                bytes.clone(),
            ),
        )?;
        Ok((bytes, tree))
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
        // A re-init or branch Welcome: checked against the old group here.
        if let Some(row) = self.join_linked(w, welcome, &bundle, &kp_record, &identity)? {
            return Ok(row);
        }
        let tree = ratchet_tree
            .map(|b| {
                RatchetTree::decode_exact(b)
                    .map_err(|error| WorkspaceError::malformed("ratchet_tree", error))
            })
            .transpose()?;
        let (settings, config) = self.new_group_config(false)?;
        let mut group = Group::join(&P, w, &bundle, tree.as_ref(), self.psk_map()?, config)?;
        self.configure(&mut group)?;
        let config = self.settings_config(&settings, group.config().clone())?;
        group.set_config(config);
        self.check_not_member(group.group_id(), &identity)?;
        let settings_text = settings.to_string();
        let key = self.insert_new_group(
            &group,
            identity.key,
            default_name(group.group_id()),
            Summary::of(EpochCause::Welcome),
            Some(&kp_record.reference),
            &[NewMessage::handshake(
                Direction::In,
                MessageKind::Welcome,
                Some(group.epoch()),
                None,
                welcome.to_vec(),
            )],
            NewGroupExtras {
                settings: Some(&settings_text),
                link: None,
            },
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
        self.join_external_with_tree(identity, group_info, None)
    }

    /// [`Workspace::join_external`] for a group whose GroupInfo may lack the
    /// `ratchet_tree` extension: the tree then comes from `ratchet_tree`
    /// (TLS-encoded `ratchet_tree`). A tree whose hash differs from the
    /// GroupInfo's `tree_hash` is refused (§12.4.3.1).
    pub fn join_external_with_tree(
        &self,
        identity: IdentityKey,
        group_info: &[u8],
        ratchet_tree: Option<&[u8]>,
    ) -> Result<(GroupRow, Vec<u8>)> {
        let tree = ratchet_tree
            .map(|b| {
                RatchetTree::decode_exact(b)
                    .map_err(|error| WorkspaceError::malformed("ratchet_tree", error))
            })
            .transpose()?;
        let info = parse_group_info(group_info)?;
        let (record, sk, credential) = self.signer(identity)?;
        let cs = suite(info.group_context.cipher_suite)?;
        check_signature_suite(&record, suite(record.cipher_suite)?, cs)?;
        self.check_not_member(info.group_context.group_id.as_slice(), &record)?;
        let (settings, config) = self.new_group_config(false)?;
        let (mut group, commit) =
            Group::join_external(&P, &info, tree.as_ref(), sk, credential, None, config)?;
        self.configure(&mut group)?;
        let config = self.settings_config(&settings, group.config().clone())?;
        group.set_config(config);
        let commit = encode(&commit)?;
        let mut summary = Summary::of(EpochCause::ExternalJoin);
        summary.committer = Some(group.own_leaf());
        let epoch = Some(info.group_context.epoch);
        let settings_text = settings.to_string();
        let key = self.insert_new_group(
            &group,
            identity,
            default_name(group.group_id()),
            summary,
            None,
            &[
                NewMessage::handshake(
                    Direction::In,
                    MessageKind::GroupInfo,
                    epoch,
                    Some(info.signer),
                    group_info.to_vec(),
                ),
                NewMessage::handshake(
                    Direction::Out,
                    MessageKind::Commit,
                    epoch,
                    None,
                    commit.clone(),
                ),
            ],
            NewGroupExtras {
                settings: Some(&settings_text),
                link: None,
            },
        )?;
        Ok((self.group_row(key)?, commit))
    }
}
