//! External commits (RFC 9420 §12.4.3.2): joining without a Welcome, and receiving one.

use std::collections::BTreeMap;

use crate::codec::{Encode, VlBytes};
use crate::crypto::{CipherSuite, CryptoProvider, Secret, SignaturePrivateKey, SignaturePublicKey};
use crate::framing::{
    AuthenticatedContentRef, Content, FramedContent, MlsMessage, MlsMessageBody, PublicMessage,
    Sender, WIRE_FORMAT_PUBLIC_MESSAGE, sign_content, verify_content,
};
use crate::messages::{
    Commit, Credential, ExtensionValue, GroupContext, GroupInfo, LeafNodeSource, Proposal,
    ProposalOrRef, RatchetTree,
};

use super::epoch::{Carry, Changes, NewTree, StagedCommit, next_epoch_state};
use super::error::{ExternalCommitError, GroupError, JoinError, PolicyError};
use super::group::{Group, GroupConfig};
use super::join::verified_tree;
use super::transcript::interim_transcript_hash;

impl Group {
    /// Processes an external commit (§12.4.3.2): exactly one ExternalInit,
    /// at most one Remove (the joiner's old leaf) and PSKs, all by value;
    /// the joiner takes the leftmost blank leaf; the init secret comes from
    /// the ExternalInit's KEM output and this epoch's external key pair.
    pub(super) fn stage_external_commit<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        content: AuthenticatedContentRef<'_>,
        commit: &Commit,
        context: &[u8],
    ) -> Result<StagedCommit, GroupError> {
        let cs = self.cs;
        let invalid = GroupError::from;
        if !self.config.accept_external_commits {
            return Err(PolicyError::ExternalCommits.into());
        }
        if content.wire_format != WIRE_FORMAT_PUBLIC_MESSAGE {
            return Err(invalid(ExternalCommitError::NotPublic));
        }
        let path = commit.path.as_ref().ok_or(GroupError::PathRequired)?;
        let key = SignaturePublicKey(path.leaf_node.signature_key.0.clone());
        verify_content(p, cs, content, context, &key)?;
        let tag = content
            .auth
            .confirmation_tag
            .as_ref()
            .ok_or(crate::framing::FramingError::MissingConfirmationTag)?;

        let mut kem_output = None;
        let mut removed_leaf = None;
        let mut psks = Vec::new();
        for item in &commit.proposals {
            let ProposalOrRef::Proposal(proposal) = item else {
                return Err(invalid(ExternalCommitError::ByReference));
            };
            match proposal.as_ref() {
                Proposal::ExternalInit { kem_output: k } => {
                    if kem_output.replace(k.clone()).is_some() {
                        return Err(invalid(ExternalCommitError::MultipleExternalInit));
                    }
                }
                Proposal::Remove { removed } => {
                    if removed_leaf.replace(*removed).is_some() {
                        return Err(invalid(ExternalCommitError::MultipleRemove));
                    }
                }
                Proposal::PreSharedKey { psk } => psks.push(psk.clone()),
                other => {
                    return Err(invalid(ExternalCommitError::ProposalType {
                        proposal_type: other.proposal_type(),
                    }));
                }
            }
        }
        let kem_output = kem_output.ok_or_else(|| invalid(ExternalCommitError::NoExternalInit))?;

        let mut tree = self.tree.clone();
        let mut removed = Vec::new();
        if let Some(old) = removed_leaf {
            let old_leaf = tree
                .leaf(old)
                .ok_or_else(|| invalid(ExternalCommitError::RemovesBlankLeaf { leaf: old }))?;
            // §12.4.3.2: the new leaf must be an acceptable successor of
            // the removed one; with basic credentials, the same identity.
            self.config
                .identity
                .valid_successor(&old_leaf.credential, &path.leaf_node.credential)
                .map_err(|error| {
                    invalid(ExternalCommitError::RemovedLeafNotJoiner { leaf: old, error })
                })?;
            removed.push((old, old_leaf.credential.clone()));
            tree.remove_leaf(old)?;
        }
        self.validate_update_path(&tree, path, None, &self.context.extensions)?;
        let joiner = tree.add_leaf(path.leaf_node.clone())?;
        tree.merge_update_path_in_place(p, joiner, path, self.group_id(), &[])?;

        let new_epoch = self
            .epoch()
            .checked_add(1)
            .ok_or(GroupError::Unsupported("epoch overflow"))?;
        let provisional = GroupContext {
            epoch: new_epoch,
            tree_hash: VlBytes(tree.root_hash(p)?),
            ..self.context.clone()
        };
        let mut private = self.private.clone();
        let me = self.own_leaf();
        let self_removed = removed_leaf == Some(me);
        let commit_secret = if self_removed {
            Secret::new(vec![0; cs.hash_len()])
        } else {
            let context = provisional.to_bytes()?;
            tree.decrypt_update_path(p, &mut private, joiner, path, &[], &context)?
                .1
        };
        let (external_priv, _) =
            p.hpke_derive_key_pair(cs, self.secrets.external_secret.as_bytes())?;
        let init_secret = p.hpke_export_receiver(
            cs,
            &external_priv,
            kem_output.as_slice(),
            b"",
            b"MLS 1.0 external init secret",
            cs.hash_len(),
        )?;
        let new_tree = NewTree {
            tree,
            private,
            commit_secret,
        };
        let (mut next, _) =
            self.next_epoch(p, content, provisional, new_tree, &psks, Some(&init_secret))?;
        next.confirm(p, tag.as_slice(), !self_removed)?;
        let changes = Changes {
            added: vec![(joiner, path.leaf_node.credential.clone())],
            removed,
            psks,
            ..Changes::default()
        };
        Ok(StagedCommit::new(next, joiner, changes, true, self_removed))
    }

    /// Joins a group by external commit (§12.4.3.2) from its GroupInfo (with
    /// the external_pub extension; the ratchet tree from the GroupInfo or
    /// `ratchet_tree`). `resync` removes this client's old leaf in the same
    /// commit. Returns the joined state (already in the new epoch) and the
    /// commit for the group.
    #[allow(clippy::too_many_arguments)]
    pub fn join_external<P: CryptoProvider + ?Sized>(
        p: &P,
        info: &GroupInfo,
        ratchet_tree: Option<&RatchetTree>,
        signer: SignaturePrivateKey,
        credential: Credential,
        resync: Option<u32>,
        config: GroupConfig,
    ) -> Result<(Self, MlsMessage), GroupError> {
        let gc = &info.group_context;
        let cs = CipherSuite::from_u16(gc.cipher_suite)
            .ok_or(GroupError::UnsupportedCipherSuite(gc.cipher_suite))?;
        let mut tree = verified_tree(p, cs, info, ratchet_tree, config.identity.as_ref())?;
        let external_pub = external_pub(info)?;
        let (kem_output, init_secret) = p.hpke_export_sender(
            cs,
            &crate::crypto::HpkePublicKey(external_pub.0),
            b"",
            b"MLS 1.0 external init secret",
            cs.hash_len(),
        )?;

        let mut proposals = vec![ProposalOrRef::Proposal(Box::new(Proposal::ExternalInit {
            kem_output: VlBytes(kem_output),
        }))];
        if let Some(old) = resync {
            if tree.leaf(old).is_none() {
                return Err(JoinError::ResyncBlankLeaf { leaf: old }.into());
            }
            tree.remove_leaf(old)?;
            proposals.push(ProposalOrRef::Proposal(Box::new(Proposal::Remove {
                removed: old,
            })));
        }
        let signature_key = p.signature_public_key(cs, &signer)?;
        let template = crate::messages::LeafNode {
            encryption_key: VlBytes::default(),
            signature_key: VlBytes(signature_key.0),
            credential,
            capabilities: super::key_package::default_capabilities(),
            leaf_node_source: LeafNodeSource::Commit {
                parent_hash: VlBytes::default(),
            },
            extensions: Vec::new(),
            signature: VlBytes::default(),
        };
        let me = tree.add_leaf(template.clone())?;
        let new_epoch = gc
            .epoch
            .checked_add(1)
            .ok_or(GroupError::Unsupported("epoch overflow"))?;
        let mut provisional = GroupContext {
            epoch: new_epoch,
            ..gc.clone()
        };
        let out = tree.create_update_path(
            p,
            me,
            &template,
            &signer,
            gc.group_id.as_slice(),
            &[],
            |th| {
                let mut ctx = provisional.clone();
                ctx.tree_hash = VlBytes(th.to_vec());
                Ok(ctx.to_bytes()?)
            },
        )?;
        provisional.tree_hash = VlBytes(tree.root_hash(p)?);

        let framed = FramedContent {
            group_id: gc.group_id.clone(),
            epoch: gc.epoch,
            sender: Sender::NewMemberCommit,
            authenticated_data: VlBytes::default(),
            content: Content::Commit(Commit {
                proposals,
                path: Some(out.update_path),
            }),
        };
        let mut content = sign_content(
            p,
            cs,
            WIRE_FORMAT_PUBLIC_MESSAGE,
            framed,
            &gc.to_bytes()?,
            &signer,
        )?;
        // The old epoch's interim transcript hash, from the GroupInfo.
        let interim_before = interim_transcript_hash(
            p,
            cs,
            gc.confirmed_transcript_hash.as_slice(),
            info.confirmation_tag.as_slice(),
        )?;
        let carry = Carry {
            signer,
            external_psks: BTreeMap::new(),
            resumption_psks: BTreeMap::new(),
            foreign_psks: BTreeMap::new(),
            past_epochs: Vec::new(),
            config,
        };
        let zero = Secret::new(vec![0; cs.hash_len()]);
        let new_tree = NewTree {
            tree,
            private: out.private,
            commit_secret: out.commit_secret,
        };
        let (mut group, _) = next_epoch_state(
            p,
            cs,
            &interim_before,
            &init_secret,
            content.view(),
            provisional,
            new_tree,
            &zero,
            carry,
        )?;
        content.auth.confirmation_tag = Some(VlBytes(group.seal(p)?));
        let message = MlsMessage::new(MlsMessageBody::PublicMessage(PublicMessage::protect(
            p,
            cs,
            content,
            &[],
            &[],
        )?));
        Ok((group, message))
    }
}

/// The HPKE key of the GroupInfo's `external_pub` extension (§12.4.3.2):
/// [`JoinError::NoExternalPub`] without one, [`JoinError::MalformedExternalPub`]
/// when its data does not decode.
fn external_pub(info: &GroupInfo) -> Result<VlBytes, JoinError> {
    let extension = info
        .extensions
        .iter()
        .find(|e| e.extension_type == crate::messages::EXT_EXTERNAL_PUB)
        .ok_or(JoinError::NoExternalPub)?;
    match extension.value() {
        Ok(ExtensionValue::ExternalPub(x)) => Ok(x.external_pub),
        Ok(_) => Err(JoinError::NoExternalPub),
        Err(error) => Err(JoinError::MalformedExternalPub { error }),
    }
}
