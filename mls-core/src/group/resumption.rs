//! Re-initialisation (RFC 9420 §11.2) and branching (§11.3).

use std::collections::BTreeMap;

use crate::codec::VlBytes;
use crate::crypto::CryptoProvider;
use crate::messages::{
    Extension, KeyPackage, PROTOCOL_VERSION_MLS10, PreSharedKeyId, Proposal, Psk, Welcome,
};

use super::epoch::CommitOutput;
use super::error::{GroupError, JoinError, KeyPackageError};
use super::group::{Group, GroupConfig};
use super::join::Resumed;
use super::key_package::KeyPackageBundle;

impl Group {
    /// The resumption PSK of this epoch with its group id and epoch, to
    /// link a new group to this one.
    pub(super) fn resumed(&self, usage: u8) -> Resumed {
        Resumed {
            usage,
            group_id: self.group_id().to_vec(),
            epoch: self.epoch(),
            psk: self.secrets.resumption_psk.clone(),
        }
    }

    /// Joins from a Welcome that must carry `old`'s resumption PSK of
    /// `usage` (the tree comes from the GroupInfo; no external PSKs).
    fn join_linked<P: CryptoProvider + ?Sized>(
        p: &P,
        welcome: &Welcome,
        bundle: &KeyPackageBundle,
        old: &Group,
        usage: u8,
        config: GroupConfig,
    ) -> Result<Group, GroupError> {
        let resumed = old.resumed(usage);
        Self::join_inner(
            p,
            welcome,
            bundle,
            None,
            BTreeMap::new(),
            Some(&resumed),
            config,
        )
    }

    /// Creates a group linked to this one by a resumption PSK of `usage`,
    /// adding `members`, whose Welcome carries that PSK.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn linked_group<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        usage: u8,
        creator: &KeyPackageBundle,
        group_id: Vec<u8>,
        extensions: Vec<Extension>,
        members: Vec<KeyPackage>,
        config: GroupConfig,
    ) -> Result<(Group, CommitOutput), GroupError> {
        let resumed = self.resumed(usage);
        let mut group = Group::create(p, creator, group_id, extensions, config)?;
        group.foreign_psks.insert(
            (resumed.group_id.clone(), resumed.epoch),
            resumed.psk.clone(),
        );
        let cs = group.cs;
        let mut proposals: Vec<Proposal> = members
            .into_iter()
            .map(|key_package| Proposal::Add { key_package })
            .collect();
        proposals.push(Proposal::PreSharedKey {
            psk: PreSharedKeyId {
                psk: Psk::Resumption {
                    usage,
                    psk_group_id: VlBytes(resumed.group_id),
                    psk_epoch: resumed.epoch,
                },
                psk_nonce: VlBytes(p.random_bytes(cs.hash_len())?),
            },
        });
        let out = group.commit_inner(p, proposals, false, Some(usage))?;
        // The old group's PSK served the initial commit; drop it.
        let mut next = out.staged.next.as_ref().clone();
        next.foreign_psks.clear();
        Ok((next, out))
    }

    /// Re-creates this group after a merged ReInit (§11.2): a new group
    /// with the ReInit's group id, version, suite and extensions, created by
    /// `creator` (a key package for the new suite) and adding `members`
    /// (the other members' new key packages); its Welcome carries this
    /// group's resumption PSK with usage `reinit`. Returns the new group (at
    /// epoch 1) and the commit output with the Welcome.
    pub fn reinit_group<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        creator: &KeyPackageBundle,
        members: Vec<KeyPackage>,
        config: GroupConfig,
    ) -> Result<(Group, CommitOutput), GroupError> {
        let reinit = self.reinit.clone().ok_or(JoinError::NoReInit)?;
        if creator.key_package.cipher_suite != reinit.cipher_suite {
            return Err(KeyPackageError::ReInitSuite {
                cipher_suite: creator.key_package.cipher_suite,
                reinit: reinit.cipher_suite,
            }
            .into());
        }
        if reinit.version != PROTOCOL_VERSION_MLS10 {
            return Err(GroupError::Unsupported(
                "a ReInit to a protocol version other than mls10",
            ));
        }
        self.linked_group(
            p,
            crate::messages::RESUMPTION_REINIT,
            creator,
            reinit.group_id.0.clone(),
            reinit.extensions.clone(),
            members,
            config,
        )
    }

    /// Branches a subgroup of this group (§11.3): same suite and version,
    /// a new group id, `members` (new key packages of current members), and
    /// a Welcome carrying this epoch's resumption PSK with usage `branch`.
    pub fn branch<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        creator: &KeyPackageBundle,
        group_id: Vec<u8>,
        members: Vec<KeyPackage>,
        config: GroupConfig,
    ) -> Result<(Group, CommitOutput), GroupError> {
        if self.reinit.is_some() {
            return Err(GroupError::GroupClosed);
        }
        for kp in std::iter::once(&creator.key_package).chain(&members) {
            if !self
                .tree
                .members()
                .any(|(_, l)| l.credential == kp.leaf_node.credential)
            {
                return Err(KeyPackageError::BranchStranger.into());
            }
        }
        self.linked_group(
            p,
            crate::messages::RESUMPTION_BRANCH,
            creator,
            group_id,
            self.context.extensions.clone(),
            members,
            config,
        )
    }

    /// Joins the group that re-initialises `old` (§11.2): the Welcome must
    /// carry `old`'s last resumption PSK with usage `reinit`, and the new
    /// group must match the ReInit and be at epoch 1.
    pub fn join_reinit<P: CryptoProvider + ?Sized>(
        p: &P,
        welcome: &Welcome,
        bundle: &KeyPackageBundle,
        old: &Group,
        config: GroupConfig,
    ) -> Result<Self, GroupError> {
        let reinit = old.reinit.as_ref().ok_or(JoinError::OldGroupNoReInit)?;
        let group = Self::join_linked(
            p,
            welcome,
            bundle,
            old,
            crate::messages::RESUMPTION_REINIT,
            config,
        )?;
        let c = &group.context;
        if c.group_id != reinit.group_id
            || c.version != reinit.version
            || c.cipher_suite != reinit.cipher_suite
            || c.extensions != reinit.extensions
        {
            return Err(JoinError::ReInitMismatch.into());
        }
        if c.epoch != 1 {
            return Err(JoinError::ReInitEpoch { epoch: c.epoch }.into());
        }
        Ok(group)
    }

    /// Joins a subgroup branched from `old` (§11.3): the Welcome must carry
    /// `old`'s current resumption PSK with usage `branch`; same version and
    /// suite, epoch 1, and every member must be a member of `old`.
    pub fn join_branch<P: CryptoProvider + ?Sized>(
        p: &P,
        welcome: &Welcome,
        bundle: &KeyPackageBundle,
        old: &Group,
        config: GroupConfig,
    ) -> Result<Self, GroupError> {
        let group = Self::join_linked(
            p,
            welcome,
            bundle,
            old,
            crate::messages::RESUMPTION_BRANCH,
            config,
        )?;
        let c = &group.context;
        if c.version != old.context.version || c.cipher_suite != old.context.cipher_suite {
            return Err(JoinError::BranchVersionOrSuite.into());
        }
        if c.epoch != 1 {
            return Err(JoinError::BranchEpoch { epoch: c.epoch }.into());
        }
        for (leaf, node) in group.tree.members() {
            if !old
                .tree
                .members()
                .any(|(_, l)| l.credential == node.credential)
            {
                return Err(JoinError::BranchStranger { leaf }.into());
            }
        }
        Ok(group)
    }
}
