//! Receiving (RFC 9420 §6, §12.4.2): application data, proposals, and
//! commits staged into the next epoch.

use crate::codec::{Encode, VlBytes};
use crate::crypto::{CryptoProvider, Secret, SignaturePublicKey, make_proposal_ref};
use crate::framing::{
    AuthenticatedContent, AuthenticatedContentRef, CONTENT_TYPE_APPLICATION, Content, MlsMessage,
    MlsMessageBody, Sender, WIRE_FORMAT_PRIVATE_MESSAGE, WIRE_FORMAT_PUBLIC_MESSAGE,
    framed_content_tbs, framed_in_tbs, verify_content_tbs,
};
use crate::messages::{Commit, GroupContext, Proposal, ProposalOrRef};
use crate::tree::math;

use super::epoch::{NewTree, StagedCommit};
use super::error::{GroupError, PolicyError, ProposalError, SenderError};
use super::group::{Group, IncomingHandshake, PendingProposal};
use super::proposals::{self, SentProposal};

/// What processing an incoming message yields.
#[derive(Debug, Clone)]
pub enum Received {
    Application {
        sender: u32,
        data: Vec<u8>,
        authenticated_data: Vec<u8>,
    },
    Proposal {
        sender: Sender,
        reference: Vec<u8>,
        proposal: Box<Proposal>,
    },
    Commit(Box<StagedCommit>),
}

impl Group {
    /// Processes an incoming PublicMessage or PrivateMessage. Application
    /// data and proposals update this state (consumed keys, pending
    /// proposals); a commit is returned staged and changes nothing until
    /// merged. On any error the state is unchanged.
    pub fn process<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        message: &MlsMessage,
    ) -> Result<Received, GroupError> {
        if self.reinit.is_some() {
            return Err(GroupError::GroupClosed);
        }
        let context = self.context_bytes()?;
        let mut secret_tree = self.secret_tree.clone();
        // A PublicMessage is processed where it lies, its FramedContentTBS
        // encoded once for the membership tag, the signature and the
        // transcript hash; a PrivateMessage's content is what decrypts.
        let decrypted: AuthenticatedContent;
        let tbs: Vec<u8>;
        let content = match &message.body {
            MlsMessageBody::PublicMessage(m) => {
                self.check_group_epoch(m.content.group_id.as_slice(), m.content.epoch)?;
                tbs = framed_content_tbs(WIRE_FORMAT_PUBLIC_MESSAGE, &m.content, &context)?;
                m.verify_membership_tag_tbs(
                    p,
                    self.cs,
                    self.secrets.membership_key.as_bytes(),
                    &tbs,
                )?;
                AuthenticatedContentRef {
                    framed: framed_in_tbs(&tbs, m.content.sender, &context),
                    ..m.view()
                }
            }
            MlsMessageBody::PrivateMessage(m) => {
                if m.group_id.as_slice() == self.group_id() && m.epoch < self.epoch() {
                    return self.process_past_application(p, m);
                }
                self.check_group_epoch(m.group_id.as_slice(), m.epoch)?;
                decrypted = m
                    .unprotect(
                        p,
                        self.cs,
                        &mut secret_tree,
                        self.secrets.sender_data_secret.as_bytes(),
                    )?
                    .content;
                tbs = framed_content_tbs(decrypted.wire_format, &decrypted.content, &context)?;
                decrypted.view()
            }
            _ => {
                return Err(GroupError::Unsupported(
                    "this wire format as a group message",
                ));
            }
        };
        if let (Sender::NewMemberCommit, Content::Commit(commit)) =
            (content.content.sender, &content.content.content)
        {
            let staged = self.stage_external_commit(p, content, commit, &context)?;
            return Ok(Received::Commit(Box::new(staged)));
        }
        if let Sender::External(_) | Sender::NewMemberProposal = content.content.sender {
            return self.receive_external_proposal(p, content.to_owned_content(), &context);
        }
        let sender_leaf = match content.content.sender {
            Sender::Member(leaf) => leaf,
            Sender::External(_) | Sender::NewMemberProposal => {
                return Err(SenderError::External.into());
            }
            Sender::NewMemberCommit => {
                return Err(ProposalError::NewMemberCommitNotCommit.into());
            }
        };
        let key = self
            .tree
            .leaf(sender_leaf)
            .map(|l| SignaturePublicKey(l.signature_key.0.clone()))
            .ok_or(SenderError::Leaf(sender_leaf))?;
        verify_content_tbs(p, self.cs, &tbs, content.auth.signature.as_slice(), &key)?;
        if content.content.content.content_type() != CONTENT_TYPE_APPLICATION {
            let private = content.wire_format == WIRE_FORMAT_PRIVATE_MESSAGE;
            let refused = match self.config.incoming_handshake {
                IncomingHandshake::Mixed => None,
                IncomingHandshake::PlaintextOnly => {
                    private.then_some(PolicyError::HandshakeAsPrivate)
                }
                IncomingHandshake::CiphertextOnly => {
                    (!private).then_some(PolicyError::HandshakeAsPublic)
                }
            };
            if let Some(refused) = refused {
                return Err(refused.into());
            }
        }
        // §6.2: application data only as PrivateMessage.
        if content.content.content.content_type() == CONTENT_TYPE_APPLICATION
            && content.wire_format != WIRE_FORMAT_PRIVATE_MESSAGE
        {
            return Err(crate::framing::FramingError::ApplicationAsPublic.into());
        }
        match &content.content.content {
            Content::Application(data) => {
                self.secret_tree = secret_tree;
                Ok(Received::Application {
                    sender: sender_leaf,
                    data: data.0.clone(),
                    authenticated_data: content.content.authenticated_data.0.clone(),
                })
            }
            Content::Proposal(proposal) => {
                let received = self.keep_proposal(p, content, proposal)?;
                self.secret_tree = secret_tree;
                Ok(received)
            }
            Content::Commit(commit) => {
                let staged = self.stage_commit(p, content, commit, sender_leaf)?;
                Ok(Received::Commit(Box::new(staged)))
            }
        }
    }

    /// Keeps a verified proposal until a commit references it (§12.1).
    pub(super) fn keep_proposal<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        content: AuthenticatedContentRef<'_>,
        proposal: &Proposal,
    ) -> Result<Received, GroupError> {
        let reference = make_proposal_ref(p, self.cs, &content.to_bytes()?)?;
        self.pending.push(PendingProposal {
            reference: reference.clone(),
            proposal: SentProposal {
                proposal: proposal.clone(),
                sender: content.content.sender,
            },
        });
        Ok(Received::Proposal {
            sender: content.content.sender,
            reference,
            proposal: Box::new(proposal.clone()),
        })
    }

    pub(super) fn check_group_epoch(&self, group_id: &[u8], epoch: u64) -> Result<(), GroupError> {
        if group_id != self.group_id() {
            return Err(GroupError::WrongGroup {
                expected: self.group_id().to_vec(),
                got: group_id.to_vec(),
            });
        }
        if epoch != self.epoch() {
            return Err(GroupError::WrongEpoch {
                expected: self.epoch(),
                got: epoch,
            });
        }
        Ok(())
    }

    /// Processes a verified commit from member `committer` into a staged
    /// next epoch (§12.4.2).
    pub(super) fn stage_commit<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        content: AuthenticatedContentRef<'_>,
        commit: &Commit,
        committer: u32,
    ) -> Result<StagedCommit, GroupError> {
        let cs = self.cs;
        let tag = content
            .auth
            .confirmation_tag
            .as_ref()
            .ok_or(crate::framing::FramingError::MissingConfirmationTag)?;
        let mut list = Vec::with_capacity(commit.proposals.len());
        for item in &commit.proposals {
            match item {
                ProposalOrRef::Proposal(proposal) => list.push(SentProposal {
                    proposal: (**proposal).clone(),
                    sender: Sender::Member(committer),
                }),
                ProposalOrRef::Reference(r) => {
                    let found = self
                        .pending
                        .iter()
                        .find(|q| q.reference == r.0)
                        .ok_or_else(|| GroupError::UnknownProposalRef(r.0.clone()))?;
                    list.push(found.proposal.clone());
                }
            }
        }
        let (mut tree, applied) = proposals::apply(
            p,
            cs,
            &self.tree,
            self.group_id(),
            &self.context.extensions,
            committer,
            &list,
            None,
            self.config.identity.as_ref(),
        )?;
        let new_epoch = self
            .epoch()
            .checked_add(1)
            .ok_or(GroupError::Unsupported("epoch overflow"))?;
        let new_leaves: Vec<u32> = applied.added.iter().map(|(l, _)| *l).collect();
        let me = self.own_leaf();
        let self_removed = applied.removed.iter().any(|(l, _)| *l == me);

        let mut provisional = GroupContext {
            epoch: new_epoch,
            extensions: applied.extensions.clone(),
            ..self.context.clone()
        };
        let mut private = self.private.clone();
        if applied.updated.iter().any(|(l, _)| *l == me) {
            // Our own Update was committed: our leaf now holds its key.
            let new_key = tree
                .leaf(me)
                .map(|l| l.encryption_key.0.clone())
                .unwrap_or_default();
            let key = self
                .update_keys
                .iter()
                .find(|(public, _)| *public == new_key)
                .map(|(_, k)| k.clone())
                .ok_or(ProposalError::UpdateNotOurs)?;
            if let Some(node) = math::leaf_to_node(me) {
                private.insert(node, key);
            }
        }
        let commit_secret = match &commit.path {
            None => {
                if applied.path_required {
                    return Err(GroupError::PathRequired);
                }
                private.retain_valid(&tree);
                Secret::new(vec![0; cs.hash_len()])
            }
            Some(path) => {
                let current = tree.leaf(committer).ok_or(SenderError::Leaf(committer))?;
                self.validate_update_path(
                    &tree,
                    path,
                    Some((committer, current)),
                    &applied.extensions,
                )?;
                tree.merge_update_path_in_place(p, committer, path, self.group_id(), &new_leaves)?;
                provisional.tree_hash = VlBytes(tree.root_hash(p)?);
                if self_removed {
                    Secret::new(vec![0; cs.hash_len()])
                } else {
                    let context = provisional.to_bytes()?;
                    let (_, commit_secret) = tree.decrypt_update_path(
                        p,
                        &mut private,
                        committer,
                        path,
                        &new_leaves,
                        &context,
                    )?;
                    commit_secret
                }
            }
        };
        provisional.tree_hash = VlBytes(tree.root_hash(p)?);
        let new_tree = NewTree {
            tree,
            private,
            commit_secret,
        };
        let (mut next, _) =
            self.next_epoch(p, content, provisional, new_tree, &applied.psks, None)?;
        next.confirm(p, tag.as_slice(), !self_removed)?;
        Ok(StagedCommit::new(
            next,
            committer,
            applied.into(),
            commit.path.is_some(),
            self_removed,
        ))
    }
}
