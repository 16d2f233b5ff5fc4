//! Building a commit (RFC 9420 §12.4): the proposal list, the UpdatePath,
//! the new epoch, the Welcome for added members.

use rayon::prelude::*;

use crate::codec::{Encode, VlBytes};
use crate::crypto::{CryptoProvider, Secret};
use crate::framing::{Content, MlsMessage, MlsMessageBody, Sender};
use crate::messages::{
    Commit, GroupContext, GroupSecrets, KeyPackage, PathSecret, Proposal, ProposalOrRef, Welcome,
};
use crate::tree::math;

use super::epoch::{CommitOutput, NewTree, StagedCommit};
use super::error::GroupError;
use super::group::{Group, PendingProposal};
use super::key_package::key_package_ref;
use super::proposals::{self, SentProposal};
use super::welcome::{encrypt_group_info, encrypt_group_secrets_many, prepare_group_secrets_info};

impl Group {
    /// Creates a commit covering `proposals` (by value, from this member)
    /// and every proposal received this epoch (by reference). An UpdatePath
    /// is included when required, or when `force_path` is set. Returns the
    /// commit message, the Welcome for added members, the new GroupInfo and
    /// the staged next state (merge it once the commit is accepted).
    pub fn commit<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        proposals: Vec<Proposal>,
        force_path: bool,
    ) -> Result<CommitOutput, GroupError> {
        self.commit_inner(p, proposals, force_path, None)
    }

    pub(super) fn commit_inner<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        proposals: Vec<Proposal>,
        force_path: bool,
        initial_psk_usage: Option<u8>,
    ) -> Result<CommitOutput, GroupError> {
        if self.reinit.is_some() {
            return Err(GroupError::GroupClosed);
        }
        let cs = self.cs;
        let me = self.own_leaf();
        // Every pending proposal by reference, except this member's own
        // Updates: the commit's path replaces them (§12.2 forbids them).
        let own_update = |q: &&PendingProposal| {
            q.proposal.sender == Sender::Member(me)
                && matches!(q.proposal.proposal, Proposal::Update { .. })
        };
        let pending: Vec<&PendingProposal> =
            self.pending.iter().filter(|q| !own_update(q)).collect();
        let mut list: Vec<SentProposal> = pending.iter().map(|q| q.proposal.clone()).collect();
        let mut refs: Vec<ProposalOrRef> = pending
            .iter()
            .map(|q| ProposalOrRef::Reference(VlBytes(q.reference.clone())))
            .collect();
        for proposal in proposals {
            if let Proposal::Add { key_package } = &proposal {
                // The full validation runs in `proposals::apply`; the sender also
                // checks the lifetime (§7.3: MUST for messages it sends).
                super::key_package::check_lifetime(key_package, super::key_package::now())?;
            }
            list.push(SentProposal {
                proposal: proposal.clone(),
                sender: Sender::Member(me),
            });
            refs.push(ProposalOrRef::Proposal(Box::new(proposal)));
        }
        let (mut tree, applied) = proposals::apply(
            p,
            cs,
            &self.tree,
            self.group_id(),
            &self.context.extensions,
            me,
            &list,
            initial_psk_usage,
            self.config.identity.as_ref(),
        )?;
        let new_leaves: Vec<u32> = applied.added.iter().map(|(l, _)| *l).collect();
        let new_epoch = self
            .epoch()
            .checked_add(1)
            .ok_or(GroupError::Unsupported("epoch overflow"))?;

        let mut provisional = GroupContext {
            epoch: new_epoch,
            extensions: applied.extensions.clone(),
            ..self.context.clone()
        };
        let (path, commit_secret, private, path_secrets) = if applied.path_required || force_path {
            let template = tree.leaf(me).cloned().ok_or(GroupError::Removed)?;
            let out = tree.create_update_path(
                p,
                me,
                &template,
                &self.signer,
                self.group_id(),
                &new_leaves,
                |th| {
                    let mut gc = provisional.clone();
                    gc.tree_hash = VlBytes(th.to_vec());
                    Ok(gc.to_bytes()?)
                },
            )?;
            (
                Some(out.update_path),
                out.commit_secret,
                out.private,
                out.path_secrets,
            )
        } else {
            let mut private = self.private.clone();
            private.retain_valid(&tree);
            (
                None,
                Secret::new(vec![0; cs.hash_len()]),
                private,
                Vec::new(),
            )
        };
        provisional.tree_hash = VlBytes(tree.root_hash(p)?);

        let commit = Commit {
            proposals: refs,
            path,
        };
        let old_context = self.context_bytes()?;
        let wire_format = self.handshake_wire_format();
        let mut content =
            self.sign_own(p, wire_format, Content::Commit(commit), &[], &old_context)?;

        let new_tree = NewTree {
            tree,
            private,
            commit_secret,
        };
        let (mut next, joiner) = self.next_epoch(
            p,
            content.view(),
            provisional,
            new_tree,
            &applied.psks,
            None,
        )?;
        let tag = next.seal(p)?;
        content.auth.confirmation_tag = Some(VlBytes(tag.clone()));

        // Frame with the old epoch's keys.
        let commit_message = self.protect_handshake(p, content, &old_context)?;

        let mut group_info = None;
        let welcome = if applied.added.is_empty() {
            None
        } else {
            let info = next.group_info(p, tag)?;
            let encrypted_group_info = encrypt_group_info(p, cs, &joiner.welcome_secret, &info)?;
            group_info = Some(MlsMessage::new(MlsMessageBody::GroupInfo(info)));
            let secrets_info = prepare_group_secrets_info(p, cs, &encrypted_group_info)?;
            // One HPKE encryption per new member, independent: in parallel,
            // in batches that share their field inversions.
            let batch = applied
                .added
                .len()
                .div_ceil(4 * rayon::current_num_threads().max(1))
                .max(8);
            let secrets: Vec<_> = applied
                .added
                .par_chunks(batch)
                .map(|chunk| {
                    let members = chunk
                        .iter()
                        .map(|(leaf, kp)| {
                            let path_secret = ancestor_path_secret(me, *leaf, &path_secrets);
                            let gs = GroupSecrets {
                                joiner_secret: VlBytes(joiner.joiner_secret.as_bytes().to_vec()),
                                path_secret: path_secret.map(|s| PathSecret {
                                    path_secret: VlBytes(s.as_bytes().to_vec()),
                                }),
                                psks: applied.psks.clone(),
                            };
                            let key = crate::crypto::HpkePublicKey(kp.init_key.0.clone());
                            Ok((key, key_package_ref(p, kp)?, gs))
                        })
                        .collect::<Result<Vec<_>, GroupError>>()?;
                    encrypt_group_secrets_many(p, cs, members, &secrets_info)
                        .map_err(GroupError::from)
                })
                .collect::<Result<Vec<Vec<_>>, GroupError>>()?
                .into_iter()
                .flatten()
                .collect();
            Some(MlsMessage::new(MlsMessageBody::Welcome(Welcome {
                cipher_suite: cs.id(),
                secrets,
                encrypted_group_info: VlBytes(encrypted_group_info),
            })))
        };

        let has_path = applied.path_required || force_path;
        Ok(CommitOutput {
            commit: commit_message,
            welcome,
            group_info,
            staged: StagedCommit::new(next, me, applied.into(), has_path, false),
        })
    }
}

/// The path secret of the lowest common ancestor of the committer's and a
/// new member's leaves, from the committer's filtered direct path.
fn ancestor_path_secret(
    committer: u32,
    new_leaf: u32,
    secrets: &[(u32, Secret)],
) -> Option<Secret> {
    let a = math::leaf_to_node(committer)?;
    let b = math::leaf_to_node(new_leaf)?;
    let ancestor = math::common_ancestor(a, b);
    // The first filtered-direct-path node at or above the common ancestor.
    secrets
        .iter()
        .find(|(node, _)| math::is_in_subtree(ancestor, *node))
        .map(|(_, s)| s.clone())
}

/// Key packages carried by an Add, for callers that want them.
pub fn added_key_packages(commit: &Commit) -> Vec<&KeyPackage> {
    commit
        .proposals
        .iter()
        .filter_map(|p| match p {
            ProposalOrRef::Proposal(b) => match b.as_ref() {
                Proposal::Add { key_package } => Some(key_package),
                _ => None,
            },
            ProposalOrRef::Reference(_) => None,
        })
        .collect()
}
