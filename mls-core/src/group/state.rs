//! A member's group state (RFC 9420 §8, §11, §12): create, commit, process,
//! join by Welcome, and application messages.
//!
//! Processing a commit never mutates the group: it returns a
//! [`StagedCommit`] holding the next epoch's state, which the caller
//! inspects and then merges (or drops). A rejected commit therefore leaves
//! the group exactly as it was.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::codec::{Encode, VlBytes};
use crate::crypto::{
    CipherSuite, CryptoProvider, Secret, SignaturePrivateKey, SignaturePublicKey, make_proposal_ref,
};
use crate::framing::{
    AuthenticatedContent, CONTENT_TYPE_APPLICATION, Content, FramedContent, MlsMessage,
    MlsMessageBody, PrivateMessage, PublicMessage, Sender, WIRE_FORMAT_PRIVATE_MESSAGE,
    WIRE_FORMAT_PUBLIC_MESSAGE, sign_content, verify_content,
};
use crate::messages::{
    Commit, Credential, EXT_RATCHET_TREE, Extension, ExtensionValue, GroupContext, GroupInfo,
    GroupSecrets, KeyPackage, LeafNodeSource, PROTOCOL_VERSION_MLS10, PathSecret, PreSharedKeyId,
    Proposal, ProposalOrRef, Psk, RatchetTree, Welcome,
};
use crate::schedule::{
    EpochSecrets, JoinerSecrets, PskInput, RatchetConfig, SecretTree, confirmation_tag,
    confirmed_transcript_hash, interim_transcript_hash, psk_secret,
};
use crate::tree::{Tree, TreeKemPrivate, math, next_path_secret, node_key_pair};

use super::proposals::{self, SentProposal, check_path_keys_fresh};
use super::{
    GroupError, KeyPackageBundle, decrypt_group_info, decrypt_group_secrets, encrypt_group_info,
    encrypt_group_secrets, find_secrets, key_package_ref, prepare_group_secrets_info,
    sign_group_info, verify_group_info,
};
use crate::credential::IdentityProvider;

/// Which framings of incoming proposals and commits are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IncomingHandshake {
    /// PublicMessage and PrivateMessage alike.
    #[default]
    Mixed,
    /// Only PublicMessage.
    PlaintextOnly,
    /// Only PrivateMessage.
    CiphertextOnly,
}

/// How this member frames its own handshake messages, what it accepts,
/// and who vouches for members' credentials.
#[derive(Debug, Clone)]
pub struct GroupConfig {
    /// Send commits and proposals as PrivateMessage (else PublicMessage).
    pub encrypt_handshake: bool,
    /// Which framings of incoming handshake messages are accepted
    /// (application data is always PrivateMessage, §6.2).
    pub incoming_handshake: IncomingHandshake,
    /// Zero bytes appended to PrivateMessage content.
    pub padding: usize,
    /// Put the ratchet tree into GroupInfo (Welcome joiners need no tree
    /// out of band).
    pub ratchet_tree_extension: bool,
    /// How many past epochs' resumption PSKs to keep.
    pub resumption_epochs: usize,
    /// Out-of-order window, generation gap and AEAD limit of the secret tree.
    pub ratchet: RatchetConfig,
    /// Accept commits from new members joining externally (§12.4.3.2), and
    /// publish the external public key in exported GroupInfo.
    pub accept_external_commits: bool,
    /// Accept proposals from the group's external senders and new members'
    /// Add proposals (§12.1.8).
    pub accept_external_proposals: bool,
    /// Validates members' credentials (§5.3.1): on key packages, trees of
    /// joined groups, updates and commits. Not part of the stored state:
    /// re-attach it after loading.
    pub identity: std::sync::Arc<dyn IdentityProvider>,
}

impl Default for GroupConfig {
    fn default() -> Self {
        GroupConfig {
            encrypt_handshake: false,
            incoming_handshake: IncomingHandshake::Mixed,
            padding: 0,
            ratchet_tree_extension: true,
            resumption_epochs: 8,
            ratchet: RatchetConfig::default(),
            accept_external_commits: true,
            accept_external_proposals: true,
            identity: std::sync::Arc::new(crate::credential::BasicIdentityProvider),
        }
    }
}

/// A proposal received this epoch, kept until a commit references it.
#[derive(Debug, Clone)]
struct PendingProposal {
    reference: Vec<u8>,
    proposal: SentProposal,
}

/// A member's state in one epoch.
#[derive(Debug, Clone)]
pub struct Group {
    cs: CipherSuite,
    context: GroupContext,
    tree: Tree,
    private: TreeKemPrivate,
    signer: SignaturePrivateKey,
    interim_transcript_hash: Vec<u8>,
    secrets: EpochSecrets,
    secret_tree: SecretTree,
    pending: Vec<PendingProposal>,
    /// Private keys of this member's own Update proposals this epoch, by
    /// the new leaf's public encryption key.
    update_keys: Vec<(Vec<u8>, crate::crypto::HpkePrivateKey)>,
    external_psks: BTreeMap<Vec<u8>, Secret>,
    resumption_psks: BTreeMap<u64, Secret>,
    /// Resumption PSKs of other groups (for re-initialised and branched
    /// groups), by group id and epoch.
    foreign_psks: BTreeMap<(Vec<u8>, u64), Secret>,
    /// Set once a commit with a ReInit was merged: the group accepts no
    /// more messages (§11.2).
    reinit: Option<crate::messages::ReInit>,
    config: GroupConfig,
}

/// What a commit changes, for inspection before merging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitSummary {
    pub committer: u32,
    pub new_epoch: u64,
    pub added: Vec<(u32, Credential)>,
    pub removed: Vec<(u32, Credential)>,
    pub updated: Vec<(u32, Credential)>,
    pub psks: Vec<PreSharedKeyId>,
    /// The new group context extensions, if a proposal changed them.
    pub extensions: Option<Vec<Extension>>,
    pub has_path: bool,
    /// A ReInit the commit carries (the group then accepts no more messages).
    pub reinit: Option<crate::messages::ReInit>,
    pub tree_hash: Vec<u8>,
    /// This member is removed by the commit.
    pub self_removed: bool,
}

/// A processed (or created) commit: the next epoch's state, not yet merged.
#[derive(Debug, Clone)]
pub struct StagedCommit {
    next: Box<Group>,
    pub summary: CommitSummary,
}

impl StagedCommit {
    /// The state the group will have after merging.
    pub fn next_state(&self) -> &Group {
        &self.next
    }
}

/// What creating a commit produces.
#[derive(Debug, Clone)]
pub struct CommitOutput {
    pub commit: MlsMessage,
    pub welcome: Option<MlsMessage>,
    /// The new epoch's signed GroupInfo, made when the commit adds members
    /// (their Welcome carries it); see [`Group::export_group_info`] otherwise.
    pub group_info: Option<MlsMessage>,
    pub staged: StagedCommit,
}

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

fn hex_id(b: &[u8]) -> String {
    hex::encode(b)
}

impl Group {
    // ---- accessors ----

    pub fn cipher_suite(&self) -> CipherSuite {
        self.cs
    }

    pub fn context(&self) -> &GroupContext {
        &self.context
    }

    pub fn group_id(&self) -> &[u8] {
        self.context.group_id.as_slice()
    }

    pub fn epoch(&self) -> u64 {
        self.context.epoch
    }

    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    pub fn own_leaf(&self) -> u32 {
        self.private.leaf
    }

    /// The ReInit this group was closed by, if any (§11.2).
    pub fn reinit(&self) -> Option<&crate::messages::ReInit> {
        self.reinit.as_ref()
    }

    pub fn epoch_authenticator(&self) -> &[u8] {
        self.secrets.epoch_authenticator.as_bytes()
    }

    pub fn config(&self) -> &GroupConfig {
        &self.config
    }

    pub fn set_config(&mut self, config: GroupConfig) {
        self.config = config;
    }

    /// `MLS-Exporter(label, context, length)` for this epoch.
    pub fn export_secret<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        label: &[u8],
        context: &[u8],
        length: u16,
    ) -> Result<Secret, GroupError> {
        Ok(self.secrets.export(p, self.cs, label, context, length)?)
    }

    /// Makes an external PSK available to commits and Welcomes.
    pub fn add_external_psk(&mut self, id: Vec<u8>, psk: Secret) {
        self.external_psks.insert(id, psk);
    }

    fn context_bytes(&self) -> Result<Vec<u8>, GroupError> {
        Ok(self.context.to_bytes()?)
    }

    // ---- creation ----

    /// Creates a one-member group (§11) with the creator's key package
    /// bundle as its first leaf.
    pub fn create<P: CryptoProvider + ?Sized>(
        p: &P,
        bundle: &KeyPackageBundle,
        group_id: Vec<u8>,
        extensions: Vec<Extension>,
        config: GroupConfig,
    ) -> Result<Self, GroupError> {
        let cs = CipherSuite::from_u16(bundle.key_package.cipher_suite).ok_or(
            GroupError::UnsupportedCipherSuite(bundle.key_package.cipher_suite),
        )?;
        let mut tree = Tree::with_first_leaf(cs, bundle.key_package.leaf_node.clone());
        let context = GroupContext {
            version: PROTOCOL_VERSION_MLS10,
            cipher_suite: cs.id(),
            group_id: VlBytes(group_id),
            epoch: 0,
            tree_hash: VlBytes(tree.root_hash(p)?),
            confirmed_transcript_hash: VlBytes::default(),
            extensions,
        };
        let epoch_secret = Secret::new(p.random_bytes(cs.hash_len())?);
        let secrets = EpochSecrets::from_epoch_secret(p, cs, &epoch_secret)?;
        let tag = confirmation_tag(p, cs, secrets.confirmation_key.as_bytes(), &[]);
        let interim = interim_transcript_hash(p, cs, &[], &tag)?;
        let secret_tree =
            SecretTree::with_config(cs, secrets.encryption_secret.clone(), 1, config.ratchet)?;
        Ok(Group {
            cs,
            context,
            tree,
            private: TreeKemPrivate::new(0, bundle.encryption_private.clone()),
            signer: bundle.signature_private.clone(),
            interim_transcript_hash: interim,
            secrets,
            secret_tree,
            pending: Vec::new(),
            update_keys: Vec::new(),
            external_psks: BTreeMap::new(),
            resumption_psks: BTreeMap::new(),
            foreign_psks: BTreeMap::new(),
            reinit: None,
            config,
        })
    }

    // ---- PSKs ----

    fn resolve_psks<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        ids: &[PreSharedKeyId],
    ) -> Result<Secret, GroupError> {
        let mut keys = Vec::with_capacity(ids.len());
        for id in ids {
            let key = match &id.psk {
                Psk::External { psk_id } => self.external_psks.get(psk_id.as_slice()),
                Psk::Resumption {
                    psk_group_id,
                    psk_epoch,
                    ..
                } => {
                    if psk_group_id.as_slice() == self.group_id() {
                        if *psk_epoch == self.epoch() {
                            Some(&self.secrets.resumption_psk)
                        } else {
                            self.resumption_psks.get(psk_epoch)
                        }
                    } else {
                        self.foreign_psks.get(&(psk_group_id.0.clone(), *psk_epoch))
                    }
                }
            };
            keys.push(key.ok_or_else(|| GroupError::MissingPsk(describe_psk(id)))?);
        }
        let inputs: Vec<PskInput<'_>> = ids
            .iter()
            .zip(&keys)
            .map(|(id, k)| PskInput {
                id,
                psk: k.as_bytes(),
            })
            .collect();
        Ok(psk_secret(p, self.cs, &inputs)?)
    }

    // ---- committing ----

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

    fn commit_inner<P: CryptoProvider + ?Sized>(
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
                super::check_lifetime(key_package, super::now())?;
            }
            list.push(SentProposal {
                proposal: proposal.clone(),
                sender: Sender::Member(me),
            });
            refs.push(ProposalOrRef::Proposal(Box::new(proposal)));
        }
        let applied = proposals::apply(
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
        let mut tree = applied.tree;
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
        let wire_format = if self.config.encrypt_handshake {
            WIRE_FORMAT_PRIVATE_MESSAGE
        } else {
            WIRE_FORMAT_PUBLIC_MESSAGE
        };
        let framed = FramedContent {
            group_id: self.context.group_id.clone(),
            epoch: self.epoch(),
            sender: Sender::Member(me),
            authenticated_data: VlBytes::default(),
            content: Content::Commit(commit),
        };
        let old_context = self.context_bytes()?;
        let mut content = sign_content(p, cs, wire_format, framed, &old_context, &self.signer)?;

        let psk = self.resolve_psks(p, &applied.psks)?;
        let (next, joiner) = self.next_epoch(
            p,
            &content,
            provisional,
            tree,
            private,
            &commit_secret,
            &psk,
            None,
        )?;
        let tag = confirmation_tag(
            p,
            cs,
            next.secrets.confirmation_key.as_bytes(),
            next.context.confirmed_transcript_hash.as_slice(),
        );
        content.auth.confirmation_tag = Some(VlBytes(tag.clone()));
        let mut next = next;
        next.interim_transcript_hash = interim_transcript_hash(
            p,
            cs,
            next.context.confirmed_transcript_hash.as_slice(),
            &tag,
        )?;
        next.reinit = applied.reinit.clone();

        // Frame with the old epoch's keys.
        let mut sender_tree = self.secret_tree.clone();
        let commit_message = if self.config.encrypt_handshake {
            MlsMessage::new(MlsMessageBody::PrivateMessage(PrivateMessage::protect(
                p,
                cs,
                &content,
                &mut sender_tree,
                self.secrets.sender_data_secret.as_bytes(),
                self.config.padding,
            )?))
        } else {
            MlsMessage::new(MlsMessageBody::PublicMessage(PublicMessage::protect(
                p,
                cs,
                content,
                self.secrets.membership_key.as_bytes(),
                &old_context,
            )?))
        };
        // The generation just used must not be used again, even if this
        // commit is discarded and the epoch goes on (§9.1, §6.3.2).
        self.secret_tree = sender_tree;

        let mut group_info = None;
        let welcome = if applied.added.is_empty() {
            None
        } else {
            let info = next.group_info(p, tag)?;
            let encrypted_group_info = encrypt_group_info(p, cs, &joiner.welcome_secret, &info)?;
            group_info = Some(MlsMessage::new(MlsMessageBody::GroupInfo(info)));
            let secrets_info = prepare_group_secrets_info(p, cs, &encrypted_group_info)?;
            // One HPKE encryption per new member, independent: in parallel.
            let secrets = applied
                .added
                .par_iter()
                .map(|(leaf, kp)| {
                    let path_secret = ancestor_path_secret(me, *leaf, &path_secrets);
                    let gs = GroupSecrets {
                        joiner_secret: VlBytes(joiner.joiner_secret.as_bytes().to_vec()),
                        path_secret: path_secret.map(|s| PathSecret {
                            path_secret: VlBytes(s.as_bytes().to_vec()),
                        }),
                        psks: applied.psks.clone(),
                    };
                    encrypt_group_secrets(
                        p,
                        cs,
                        &crate::crypto::HpkePublicKey(kp.init_key.0.clone()),
                        key_package_ref(p, kp)?,
                        &gs,
                        &secrets_info,
                    )
                    .map_err(GroupError::from)
                })
                .collect::<Result<Vec<_>, GroupError>>()?;
            Some(MlsMessage::new(MlsMessageBody::Welcome(Welcome {
                cipher_suite: cs.id(),
                secrets,
                encrypted_group_info: VlBytes(encrypted_group_info),
            })))
        };

        let summary = CommitSummary {
            committer: me,
            new_epoch,
            added: applied
                .added
                .iter()
                .map(|(l, kp)| (*l, kp.leaf_node.credential.clone()))
                .collect(),
            removed: applied.removed,
            updated: applied.updated,
            psks: applied.psks,
            extensions: applied
                .extensions_changed
                .then(|| next.context.extensions.clone()),
            has_path: applied.path_required || force_path,
            reinit: applied.reinit,
            tree_hash: next.context.tree_hash.0.clone(),
            self_removed: false,
        };
        Ok(CommitOutput {
            commit: commit_message,
            welcome,
            group_info,
            staged: StagedCommit {
                next: Box::new(next),
                summary,
            },
        })
    }

    /// Builds the next epoch's state from the signed commit content: new
    /// context with the confirmed transcript hash, key schedule, secret tree.
    #[allow(clippy::too_many_arguments)]
    fn next_epoch<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        content: &AuthenticatedContent,
        provisional: GroupContext,
        tree: Tree,
        private: TreeKemPrivate,
        commit_secret: &Secret,
        psk: &Secret,
        init_secret: Option<&Secret>,
    ) -> Result<(Group, JoinerSecrets), GroupError> {
        let mut resumption_psks = self.resumption_psks.clone();
        resumption_psks.insert(self.epoch(), self.secrets.resumption_psk.clone());
        while resumption_psks.len() > self.config.resumption_epochs {
            let Some(first) = resumption_psks.keys().next().copied() else {
                break;
            };
            resumption_psks.remove(&first);
        }
        let carry = Carry {
            signer: self.signer.clone(),
            external_psks: self.external_psks.clone(),
            resumption_psks,
            foreign_psks: self.foreign_psks.clone(),
            config: self.config.clone(),
        };
        next_epoch_state(
            p,
            self.cs,
            &self.interim_transcript_hash,
            init_secret.unwrap_or(&self.secrets.init_secret),
            content,
            provisional,
            tree,
            private,
            commit_secret,
            psk,
            carry,
        )
    }

    /// A signed GroupInfo for this epoch with the given confirmation tag.
    fn group_info<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        tag: Vec<u8>,
    ) -> Result<GroupInfo, GroupError> {
        let mut extensions = Vec::new();
        if self.config.ratchet_tree_extension {
            extensions.push(Extension::new(EXT_RATCHET_TREE, &self.tree.to_wire())?);
        }
        if self.config.accept_external_commits {
            let external_pub = self.secrets.external_pub(p, self.cs)?;
            extensions.push(Extension::new(
                crate::messages::EXT_EXTERNAL_PUB,
                &crate::messages::ExternalPub {
                    external_pub: VlBytes(external_pub.0),
                },
            )?);
        }
        let mut info = GroupInfo {
            group_context: self.context.clone(),
            extensions,
            confirmation_tag: VlBytes(tag),
            signer: self.own_leaf(),
            signature: VlBytes::default(),
        };
        sign_group_info(p, self.cs, &mut info, &self.signer)?;
        Ok(info)
    }

    /// Replaces this state with a staged commit's next epoch.
    pub fn merge(&mut self, staged: StagedCommit) -> Result<(), GroupError> {
        if staged.summary.self_removed {
            return Err(GroupError::Removed);
        }
        *self = *staged.next;
        Ok(())
    }

    // ---- joining ----

    /// Joins from a Welcome (§12.4.3.1) with the key package bundle it was
    /// made for. The ratchet tree comes from the GroupInfo's extension or,
    /// if absent there, from `ratchet_tree`. External PSKs named by the
    /// Welcome must be in `external_psks`.
    pub fn join<P: CryptoProvider + ?Sized>(
        p: &P,
        welcome: &Welcome,
        bundle: &KeyPackageBundle,
        ratchet_tree: Option<&RatchetTree>,
        external_psks: BTreeMap<Vec<u8>, Secret>,
        config: GroupConfig,
    ) -> Result<Self, GroupError> {
        Self::join_inner(
            p,
            welcome,
            bundle,
            ratchet_tree,
            external_psks,
            None,
            config,
        )
    }

    fn join_inner<P: CryptoProvider + ?Sized>(
        p: &P,
        welcome: &Welcome,
        bundle: &KeyPackageBundle,
        ratchet_tree: Option<&RatchetTree>,
        external_psks: BTreeMap<Vec<u8>, Secret>,
        resumption: Option<&Resumed>,
        config: GroupConfig,
    ) -> Result<Self, GroupError> {
        let kp = &bundle.key_package;
        let cs = CipherSuite::from_u16(kp.cipher_suite)
            .ok_or(GroupError::UnsupportedCipherSuite(kp.cipher_suite))?;
        let entry = find_secrets(p, cs, welcome, kp)?;
        let secrets = decrypt_group_secrets(
            p,
            cs,
            &bundle.init_private,
            entry,
            welcome.encrypted_group_info.as_slice(),
        )?;

        // PSKs: only external ones can be known to a new member here.
        let mut keys = Vec::new();
        for id in &secrets.psks {
            match &id.psk {
                Psk::External { psk_id } => keys.push(
                    external_psks
                        .get(psk_id.as_slice())
                        .ok_or_else(|| GroupError::MissingPsk(describe_psk(id)))?,
                ),
                Psk::Resumption {
                    usage,
                    psk_group_id,
                    psk_epoch,
                } => match resumption {
                    Some(r)
                        if *usage == r.usage
                            && psk_group_id.as_slice() == r.group_id.as_slice()
                            && *psk_epoch == r.epoch =>
                    {
                        keys.push(&r.psk)
                    }
                    _ => return Err(GroupError::MissingPsk(describe_psk(id))),
                },
            }
        }
        if let Some(r) = resumption {
            let carried = secrets.psks.iter().any(|id| {
                matches!(&id.psk, Psk::Resumption { usage, psk_group_id, psk_epoch }
                    if *usage == r.usage && psk_group_id.as_slice() == r.group_id.as_slice() && *psk_epoch == r.epoch)
            });
            if !carried {
                return Err(GroupError::Join(format!(
                    "the Welcome carries no resumption PSK of usage {} for group {} epoch {}",
                    r.usage,
                    hex_id(&r.group_id),
                    r.epoch
                )));
            }
        }
        let inputs: Vec<PskInput<'_>> = secrets
            .psks
            .iter()
            .zip(&keys)
            .map(|(id, k)| PskInput {
                id,
                psk: k.as_bytes(),
            })
            .collect();
        let psk = psk_secret(p, cs, &inputs)?;
        let joiner = JoinerSecrets::from_joiner(
            p,
            cs,
            Secret::new(secrets.joiner_secret.0.clone()),
            Some(psk.as_bytes()),
        )?;
        let info = decrypt_group_info(
            p,
            cs,
            &joiner.welcome_secret,
            welcome.encrypted_group_info.as_slice(),
        )?;
        if info.group_context.cipher_suite != cs.id() {
            return Err(GroupError::Join(
                "the GroupInfo's cipher suite differs from the key package's".into(),
            ));
        }
        if info.group_context.version != PROTOCOL_VERSION_MLS10 {
            return Err(GroupError::Join(
                "the GroupInfo's version is not mls10".into(),
            ));
        }

        let tree = verified_tree(p, cs, &info, ratchet_tree, config.identity.as_ref())?;

        let me = tree
            .members()
            .find(|(_, l)| *l == &kp.leaf_node)
            .map(|(i, _)| i)
            .ok_or_else(|| GroupError::Join("our key package's leaf is not in the tree".into()))?;
        let mut private = TreeKemPrivate::new(me, bundle.encryption_private.clone());
        if let Some(ps) = &secrets.path_secret {
            let my_node = math::leaf_to_node(me).unwrap_or_default();
            let signer_node = math::leaf_to_node(info.signer).unwrap_or_default();
            let ancestor = math::common_ancestor(my_node, signer_node);
            let mut secret = Secret::new(ps.path_secret.0.clone());
            let mut nodes = vec![ancestor];
            nodes.extend(math::direct_path(ancestor, tree.size()).unwrap_or_default());
            for node in nodes {
                let Some(parent) = tree.parent(node) else {
                    continue;
                };
                let (sk, pk) = node_key_pair(p, cs, &secret)?;
                if pk.0 != parent.encryption_key.0 {
                    return Err(GroupError::Join(format!(
                        "the path secret does not yield node {node}'s public key"
                    )));
                }
                private.insert(node, sk);
                secret = next_path_secret(p, cs, &secret)?;
            }
        }
        private.check_consistency(p, &tree)?;

        let context_bytes = info.group_context.to_bytes()?;
        let epoch_secrets = joiner.epoch(p, cs, &context_bytes)?;
        let tag = confirmation_tag(
            p,
            cs,
            epoch_secrets.confirmation_key.as_bytes(),
            info.group_context.confirmed_transcript_hash.as_slice(),
        );
        if tag != info.confirmation_tag.0 {
            return Err(GroupError::BadConfirmationTag);
        }
        let interim = interim_transcript_hash(
            p,
            cs,
            info.group_context.confirmed_transcript_hash.as_slice(),
            &tag,
        )?;
        let secret_tree = SecretTree::with_config(
            cs,
            epoch_secrets.encryption_secret.clone(),
            tree.leaf_count(),
            config.ratchet,
        )?;
        Ok(Group {
            cs,
            context: info.group_context,
            tree,
            private,
            signer: bundle.signature_private.clone(),
            interim_transcript_hash: interim,
            secrets: epoch_secrets,
            secret_tree,
            pending: Vec::new(),
            update_keys: Vec::new(),
            external_psks,
            resumption_psks: BTreeMap::new(),
            foreign_psks: BTreeMap::new(),
            reinit: None,
            config,
        })
    }

    // ---- re-initialisation and branching (§11.2, §11.3) ----

    /// The resumption PSK of this epoch with its group id and epoch, to
    /// link a new group to this one.
    fn resumed(&self, usage: u8) -> Resumed {
        Resumed {
            usage,
            group_id: self.group_id().to_vec(),
            epoch: self.epoch(),
            psk: self.secrets.resumption_psk.clone(),
        }
    }

    /// Creates a group linked to this one by a resumption PSK of `usage`,
    /// adding `members`, whose Welcome carries that PSK.
    #[allow(clippy::too_many_arguments)]
    fn linked_group<P: CryptoProvider + ?Sized>(
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
        let reinit = self
            .reinit
            .clone()
            .ok_or_else(|| GroupError::Join("the group has no merged ReInit".into()))?;
        if creator.key_package.cipher_suite != reinit.cipher_suite {
            return Err(GroupError::InvalidKeyPackage(format!(
                "the creator's key package is for suite {}, the ReInit names {}",
                creator.key_package.cipher_suite, reinit.cipher_suite
            )));
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
                return Err(GroupError::InvalidKeyPackage(
                    "a branch may only hold members of the old group".into(),
                ));
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
        let reinit = old
            .reinit
            .as_ref()
            .ok_or_else(|| GroupError::Join("the old group has no merged ReInit".into()))?;
        let resumed = old.resumed(crate::messages::RESUMPTION_REINIT);
        let group = Self::join_inner(
            p,
            welcome,
            bundle,
            None,
            BTreeMap::new(),
            Some(&resumed),
            config,
        )?;
        let c = &group.context;
        if c.group_id != reinit.group_id
            || c.version != reinit.version
            || c.cipher_suite != reinit.cipher_suite
            || c.extensions != reinit.extensions
        {
            return Err(GroupError::Join(
                "the new group does not match the ReInit".into(),
            ));
        }
        if c.epoch != 1 {
            return Err(GroupError::Join(format!(
                "a re-initialised group starts at epoch 1, not {}",
                c.epoch
            )));
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
        let resumed = old.resumed(crate::messages::RESUMPTION_BRANCH);
        let group = Self::join_inner(
            p,
            welcome,
            bundle,
            None,
            BTreeMap::new(),
            Some(&resumed),
            config,
        )?;
        let c = &group.context;
        if c.version != old.context.version || c.cipher_suite != old.context.cipher_suite {
            return Err(GroupError::Join(
                "a branch keeps the old group's version and suite".into(),
            ));
        }
        if c.epoch != 1 {
            return Err(GroupError::Join(format!(
                "a branched group starts at epoch 1, not {}",
                c.epoch
            )));
        }
        for (leaf, node) in group.tree.members() {
            if !old
                .tree
                .members()
                .any(|(_, l)| l.credential == node.credential)
            {
                return Err(GroupError::Join(format!(
                    "leaf {leaf} of the branch is not a member of the old group"
                )));
            }
        }
        Ok(group)
    }

    // ---- sending ----

    /// Encrypts application data as a PrivateMessage (§6.3).
    pub fn send_application<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        data: &[u8],
        authenticated_data: &[u8],
    ) -> Result<MlsMessage, GroupError> {
        if self.reinit.is_some() {
            return Err(GroupError::GroupClosed);
        }
        let framed = FramedContent {
            group_id: self.context.group_id.clone(),
            epoch: self.epoch(),
            sender: Sender::Member(self.own_leaf()),
            authenticated_data: VlBytes(authenticated_data.to_vec()),
            content: Content::Application(VlBytes(data.to_vec())),
        };
        let context = self.context_bytes()?;
        let content = sign_content(
            p,
            self.cs,
            WIRE_FORMAT_PRIVATE_MESSAGE,
            framed,
            &context,
            &self.signer,
        )?;
        let message = PrivateMessage::protect(
            p,
            self.cs,
            &content,
            &mut self.secret_tree,
            self.secrets.sender_data_secret.as_bytes(),
            self.config.padding,
        )?;
        Ok(MlsMessage::new(MlsMessageBody::PrivateMessage(message)))
    }

    /// A signed Update proposal with a fresh encryption key, to be sent;
    /// returns the message (framed for this epoch).
    pub fn propose<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        proposal: Proposal,
    ) -> Result<MlsMessage, GroupError> {
        if self.reinit.is_some() {
            return Err(GroupError::GroupClosed);
        }
        let wire_format = if self.config.encrypt_handshake {
            WIRE_FORMAT_PRIVATE_MESSAGE
        } else {
            WIRE_FORMAT_PUBLIC_MESSAGE
        };
        let framed = FramedContent {
            group_id: self.context.group_id.clone(),
            epoch: self.epoch(),
            sender: Sender::Member(self.own_leaf()),
            authenticated_data: VlBytes::default(),
            content: Content::Proposal(proposal.clone()),
        };
        let context = self.context_bytes()?;
        let content = sign_content(p, self.cs, wire_format, framed, &context, &self.signer)?;
        let reference = make_proposal_ref(p, self.cs, &content.to_bytes()?)?;
        let message = if self.config.encrypt_handshake {
            MlsMessage::new(MlsMessageBody::PrivateMessage(PrivateMessage::protect(
                p,
                self.cs,
                &content,
                &mut self.secret_tree,
                self.secrets.sender_data_secret.as_bytes(),
                self.config.padding,
            )?))
        } else {
            MlsMessage::new(MlsMessageBody::PublicMessage(PublicMessage::protect(
                p,
                self.cs,
                content,
                self.secrets.membership_key.as_bytes(),
                &context,
            )?))
        };
        self.pending.push(PendingProposal {
            reference,
            proposal: SentProposal {
                proposal,
                sender: Sender::Member(self.own_leaf()),
            },
        });
        Ok(message)
    }

    /// Proposes to update this member's leaf with a fresh encryption key
    /// (§12.1.2). The new private key is kept until a commit applies it.
    pub fn propose_update<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
    ) -> Result<MlsMessage, GroupError> {
        let me = self.own_leaf();
        let mut leaf = self.tree.leaf(me).cloned().ok_or(GroupError::Removed)?;
        let (sk, pk) = p.hpke_generate_key_pair(self.cs)?;
        leaf.encryption_key = VlBytes(pk.0.clone());
        leaf.leaf_node_source = LeafNodeSource::Update;
        super::sign_leaf_node(p, self.cs, &mut leaf, &self.signer, self.group_id(), me)?;
        let message = self.propose(p, Proposal::Update { leaf_node: leaf })?;
        self.update_keys.push((pk.0, sk));
        Ok(message)
    }

    /// A PreSharedKey proposal for an external PSK this member holds.
    pub fn external_psk_proposal<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        psk_id: &[u8],
    ) -> Result<Proposal, GroupError> {
        if !self.external_psks.contains_key(psk_id) {
            return Err(GroupError::MissingPsk(format!(
                "external {}",
                hex_id(psk_id)
            )));
        }
        Ok(Proposal::PreSharedKey {
            psk: PreSharedKeyId {
                psk: Psk::External {
                    psk_id: VlBytes(psk_id.to_vec()),
                },
                psk_nonce: VlBytes(p.random_bytes(self.cs.hash_len())?),
            },
        })
    }

    /// A PreSharedKey proposal for this group's resumption PSK of `epoch`
    /// (the current one or a kept earlier one), usage `application`.
    pub fn resumption_psk_proposal<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        epoch: u64,
    ) -> Result<Proposal, GroupError> {
        let id = PreSharedKeyId {
            psk: Psk::Resumption {
                usage: crate::messages::RESUMPTION_APPLICATION,
                psk_group_id: self.context.group_id.clone(),
                psk_epoch: epoch,
            },
            psk_nonce: VlBytes(p.random_bytes(self.cs.hash_len())?),
        };
        self.resolve_psks(p, std::slice::from_ref(&id))?;
        Ok(Proposal::PreSharedKey { psk: id })
    }

    // ---- receiving ----

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
        let content = match &message.body {
            MlsMessageBody::PublicMessage(m) => {
                self.check_group_epoch(m.content.group_id.as_slice(), m.content.epoch)?;
                m.verify_membership_tag(
                    p,
                    self.cs,
                    self.secrets.membership_key.as_bytes(),
                    &context,
                )?;
                m.authenticated_content()
            }
            MlsMessageBody::PrivateMessage(m) => {
                self.check_group_epoch(m.group_id.as_slice(), m.epoch)?;
                m.unprotect(
                    p,
                    self.cs,
                    &mut secret_tree,
                    self.secrets.sender_data_secret.as_bytes(),
                )?
                .content
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
            let staged = self.stage_external_commit(p, &content, commit, &context)?;
            return Ok(Received::Commit(Box::new(staged)));
        }
        if let Sender::External(_) | Sender::NewMemberProposal = content.content.sender {
            return self.receive_external_proposal(p, content, &context);
        }
        let sender_leaf = match content.content.sender {
            Sender::Member(leaf) => leaf,
            Sender::External(_) | Sender::NewMemberProposal => {
                return Err(GroupError::UnknownSender("external".into()));
            }
            Sender::NewMemberCommit => {
                return Err(GroupError::InvalidProposals(
                    "a new_member_commit sender on a message that is not a commit".into(),
                ));
            }
        };
        let key = self
            .tree
            .leaf(sender_leaf)
            .map(|l| SignaturePublicKey(l.signature_key.0.clone()))
            .ok_or_else(|| GroupError::UnknownSender(format!("leaf {sender_leaf}")))?;
        verify_content(p, self.cs, &content, &context, &key)?;
        if content.content.content.content_type() != CONTENT_TYPE_APPLICATION {
            let private = content.wire_format == WIRE_FORMAT_PRIVATE_MESSAGE;
            let refused = match self.config.incoming_handshake {
                IncomingHandshake::Mixed => None,
                IncomingHandshake::PlaintextOnly => private.then_some("PrivateMessage"),
                IncomingHandshake::CiphertextOnly => (!private).then_some("PublicMessage"),
            };
            if let Some(framing) = refused {
                return Err(GroupError::WireFormatPolicy(format!(
                    "a handshake message as {framing}, which this group's policy refuses"
                )));
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
                let reference = make_proposal_ref(p, self.cs, &content.to_bytes()?)?;
                self.secret_tree = secret_tree;
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
            Content::Commit(commit) => {
                let staged = self.stage_commit(p, &content, commit, sender_leaf)?;
                Ok(Received::Commit(Box::new(staged)))
            }
        }
    }

    fn check_group_epoch(&self, group_id: &[u8], epoch: u64) -> Result<(), GroupError> {
        if group_id != self.group_id() {
            return Err(GroupError::WrongGroup {
                expected: hex_id(self.group_id()),
                got: hex_id(group_id),
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
    fn stage_commit<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        content: &AuthenticatedContent,
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
                        .ok_or_else(|| GroupError::UnknownProposalRef(hex_id(r.as_slice())))?;
                    list.push(found.proposal.clone());
                }
            }
        }
        let applied = proposals::apply(
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
        let mut tree = applied.tree;
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
                .ok_or_else(|| {
                    GroupError::InvalidProposals(
                        "an Update of our leaf that we did not make".into(),
                    )
                })?;
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
                let current = tree
                    .leaf(committer)
                    .ok_or(GroupError::UnknownSender(format!("leaf {committer}")))?;
                if path.leaf_node.encryption_key == current.encryption_key {
                    return Err(GroupError::InvalidPath(
                        "the new leaf keeps the committer's encryption key".into(),
                    ));
                }
                if !matches!(
                    path.leaf_node.leaf_node_source,
                    LeafNodeSource::Commit { .. }
                ) {
                    return Err(GroupError::InvalidPath(
                        "the leaf's source is not commit".into(),
                    ));
                }
                super::validate_leaf_capabilities(&path.leaf_node)
                    .map_err(GroupError::InvalidPath)?;
                self.config.identity.validate(
                    cs,
                    &path.leaf_node.credential,
                    path.leaf_node.signature_key.as_slice(),
                    super::now(),
                )?;
                self.config
                    .identity
                    .valid_successor(&current.credential, &path.leaf_node.credential)?;
                let mut keys: Vec<&VlBytes> =
                    path.nodes.iter().map(|n| &n.encryption_key).collect();
                keys.push(&path.leaf_node.encryption_key);
                check_path_keys_fresh(&tree, &keys)?;
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
        let psk = self.resolve_psks(p, &applied.psks)?;
        let (mut next, _) = self.next_epoch(
            p,
            content,
            provisional,
            tree,
            private,
            &commit_secret,
            &psk,
            None,
        )?;
        next.confirm(p, tag.as_slice(), !self_removed)?;
        next.reinit = applied.reinit.clone();
        let summary = CommitSummary {
            committer,
            new_epoch,
            added: applied
                .added
                .iter()
                .map(|(l, kp)| (*l, kp.leaf_node.credential.clone()))
                .collect(),
            removed: applied.removed,
            updated: applied.updated,
            psks: applied.psks,
            extensions: applied
                .extensions_changed
                .then(|| next.context.extensions.clone()),
            has_path: commit.path.is_some(),
            reinit: applied.reinit,
            tree_hash: next.context.tree_hash.0.clone(),
            self_removed,
        };
        Ok(StagedCommit {
            next: Box::new(next),
            summary,
        })
    }

    /// A proposal from an external sender listed in the group's
    /// `external_senders` extension, or a new member's own Add (§12.1.8):
    /// PublicMessage only, signed without the group context, and only of
    /// the types such senders may send.
    fn receive_external_proposal<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        content: AuthenticatedContent,
        context: &[u8],
    ) -> Result<Received, GroupError> {
        let refuse = |why: String| GroupError::InvalidProposals(why);
        if !self.config.accept_external_proposals {
            return Err(GroupError::WireFormatPolicy(
                "this group does not accept external proposals".into(),
            ));
        }
        if content.wire_format != WIRE_FORMAT_PUBLIC_MESSAGE {
            return Err(refuse(
                "an external proposal must be a PublicMessage".into(),
            ));
        }
        let Content::Proposal(proposal) = &content.content.content else {
            return Err(refuse("an external sender may only send proposals".into()));
        };
        let key = match content.content.sender {
            Sender::External(index) => {
                let senders = self
                    .context
                    .extensions
                    .iter()
                    .find_map(|e| match e.value() {
                        Ok(ExtensionValue::ExternalSenders(list)) => Some(list),
                        _ => None,
                    });
                let sender = senders
                    .as_ref()
                    .and_then(|list| list.get(index as usize))
                    .ok_or_else(|| {
                        GroupError::UnknownSender(format!(
                            "external sender {index} is not listed in the group's external_senders"
                        ))
                    })?;
                if !matches!(
                    proposal,
                    Proposal::Add { .. }
                        | Proposal::Remove { .. }
                        | Proposal::PreSharedKey { .. }
                        | Proposal::ReInit(_)
                        | Proposal::GroupContextExtensions { .. }
                ) {
                    return Err(refuse(format!(
                        "proposal type {} may not come from an external sender",
                        proposal.proposal_type()
                    )));
                }
                SignaturePublicKey(sender.signature_key.0.clone())
            }
            _ => {
                let Proposal::Add { key_package } = proposal else {
                    return Err(refuse("a new member may only propose to add itself".into()));
                };
                SignaturePublicKey(key_package.leaf_node.signature_key.0.clone())
            }
        };
        verify_content(p, self.cs, &content, context, &key)?;
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

    /// Processes an external commit (§12.4.3.2): exactly one ExternalInit,
    /// at most one Remove (the joiner's old leaf) and PSKs, all by value;
    /// the joiner takes the leftmost blank leaf; the init secret comes from
    /// the ExternalInit's KEM output and this epoch's external key pair.
    fn stage_external_commit<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        content: &AuthenticatedContent,
        commit: &Commit,
        context: &[u8],
    ) -> Result<StagedCommit, GroupError> {
        let cs = self.cs;
        let invalid = |why: &str| GroupError::InvalidProposals(format!("external commit: {why}"));
        if !self.config.accept_external_commits {
            return Err(GroupError::WireFormatPolicy(
                "this group does not accept external commits".into(),
            ));
        }
        if content.wire_format != WIRE_FORMAT_PUBLIC_MESSAGE {
            return Err(invalid("must be a PublicMessage"));
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
                return Err(invalid("proposals by reference are not allowed"));
            };
            match proposal.as_ref() {
                Proposal::ExternalInit { kem_output: k } => {
                    if kem_output.replace(k.clone()).is_some() {
                        return Err(invalid("more than one ExternalInit"));
                    }
                }
                Proposal::Remove { removed } => {
                    if removed_leaf.replace(*removed).is_some() {
                        return Err(invalid("more than one Remove"));
                    }
                }
                Proposal::PreSharedKey { psk } => psks.push(psk.clone()),
                other => {
                    return Err(invalid(&format!(
                        "proposal type {} is not allowed",
                        other.proposal_type()
                    )));
                }
            }
        }
        let kem_output = kem_output.ok_or_else(|| invalid("no ExternalInit"))?;

        let mut tree = self.tree.clone();
        let mut removed = Vec::new();
        if let Some(old) = removed_leaf {
            let old_leaf = tree
                .leaf(old)
                .ok_or_else(|| invalid(&format!("removes blank leaf {old}")))?;
            // §12.4.3.2: the new leaf must be an acceptable successor of
            // the removed one; with basic credentials, the same identity.
            self.config
                .identity
                .valid_successor(&old_leaf.credential, &path.leaf_node.credential)
                .map_err(|e| {
                    invalid(&format!(
                        "the removed leaf's credential is not the joiner's: {e}"
                    ))
                })?;
            removed.push((old, old_leaf.credential.clone()));
            tree.remove_leaf(old)?;
        }
        if !matches!(
            path.leaf_node.leaf_node_source,
            LeafNodeSource::Commit { .. }
        ) {
            return Err(GroupError::InvalidPath(
                "the leaf's source is not commit".into(),
            ));
        }
        super::validate_leaf_capabilities(&path.leaf_node).map_err(GroupError::InvalidPath)?;
        self.config.identity.validate(
            cs,
            &path.leaf_node.credential,
            path.leaf_node.signature_key.as_slice(),
            super::now(),
        )?;
        let required = proposals::required_capabilities(&self.context.extensions)?;
        proposals::leaf_supports(&path.leaf_node, &required, &self.context.extensions)
            .map_err(GroupError::InvalidPath)?;
        let mut keys: Vec<&VlBytes> = path.nodes.iter().map(|n| &n.encryption_key).collect();
        keys.push(&path.leaf_node.encryption_key);
        check_path_keys_fresh(&tree, &keys)?;
        if tree
            .members()
            .any(|(_, l)| l.signature_key == path.leaf_node.signature_key)
        {
            return Err(invalid(
                "the joiner's signature key is already in the group",
            ));
        }
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
        let psk = self.resolve_psks(p, &psks)?;
        let (mut next, _) = self.next_epoch(
            p,
            content,
            provisional,
            tree,
            private,
            &commit_secret,
            &psk,
            Some(&init_secret),
        )?;
        next.confirm(p, tag.as_slice(), !self_removed)?;
        let summary = CommitSummary {
            committer: joiner,
            new_epoch,
            added: vec![(joiner, path.leaf_node.credential.clone())],
            removed,
            updated: Vec::new(),
            psks,
            extensions: None,
            has_path: true,
            reinit: None,
            tree_hash: next.context.tree_hash.0.clone(),
            self_removed,
        };
        Ok(StagedCommit {
            next: Box::new(next),
            summary,
        })
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
        let external_pub = info
            .extensions
            .iter()
            .find_map(|e| match e.value() {
                Ok(ExtensionValue::ExternalPub(x)) => Some(x.external_pub),
                _ => None,
            })
            .ok_or_else(|| {
                GroupError::Join("the GroupInfo has no external_pub extension".into())
            })?;
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
                return Err(GroupError::Join(format!("resync: leaf {old} is blank")));
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
            capabilities: super::default_capabilities(),
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
            config,
        };
        let zero = Secret::new(vec![0; cs.hash_len()]);
        let (mut group, _) = next_epoch_state(
            p,
            cs,
            &interim_before,
            &init_secret,
            &content,
            provisional,
            tree,
            out.private,
            &out.commit_secret,
            &zero,
            carry,
        )?;
        let tag = confirmation_tag(
            p,
            cs,
            group.secrets.confirmation_key.as_bytes(),
            group.context.confirmed_transcript_hash.as_slice(),
        );
        content.auth.confirmation_tag = Some(VlBytes(tag.clone()));
        group.interim_transcript_hash = interim_transcript_hash(
            p,
            cs,
            group.context.confirmed_transcript_hash.as_slice(),
            &tag,
        )?;
        let message = MlsMessage::new(MlsMessageBody::PublicMessage(PublicMessage::protect(
            p,
            cs,
            content,
            &[],
            &[],
        )?));
        Ok((group, message))
    }

    /// Checks a received commit's confirmation tag against this (next)
    /// epoch's confirmation key — unless this member was removed and cannot
    /// derive it — and sets the interim transcript hash (§8.2).
    fn confirm<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        tag: &[u8],
        check: bool,
    ) -> Result<(), GroupError> {
        let confirmed = self.context.confirmed_transcript_hash.as_slice();
        if check {
            let expected = confirmation_tag(
                p,
                self.cs,
                self.secrets.confirmation_key.as_bytes(),
                confirmed,
            );
            if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_slice(), tag)) {
                return Err(GroupError::BadConfirmationTag);
            }
        }
        self.interim_transcript_hash = interim_transcript_hash(p, self.cs, confirmed, tag)?;
        Ok(())
    }

    /// This epoch's GroupInfo (signed now), e.g. for external joiners.
    pub fn export_group_info<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
    ) -> Result<MlsMessage, GroupError> {
        let tag = confirmation_tag(
            p,
            self.cs,
            self.secrets.confirmation_key.as_bytes(),
            self.context.confirmed_transcript_hash.as_slice(),
        );
        Ok(MlsMessage::new(MlsMessageBody::GroupInfo(
            self.group_info(p, tag)?,
        )))
    }

    /// Key package of a member, if the caller wants to inspect it later.
    pub fn member_credential(&self, leaf: u32) -> Option<&Credential> {
        self.tree.leaf(leaf).map(|l| &l.credential)
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

fn describe_psk(id: &PreSharedKeyId) -> String {
    match &id.psk {
        Psk::External { psk_id } => format!("external {}", hex_id(psk_id.as_slice())),
        Psk::Resumption {
            usage,
            psk_group_id,
            psk_epoch,
        } => format!(
            "resumption (usage {usage}) of group {} epoch {psk_epoch}",
            hex_id(psk_group_id.as_slice())
        ),
    }
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

// ---- persistence ----

/// Leading bytes of a serialised group state, and its format version.
const STATE_MAGIC: &[u8; 4] = b"MLSG";
const STATE_VERSION: u16 = 1;

fn write_secret(w: &mut crate::codec::Writer, s: &Secret) -> Result<(), crate::codec::EncodeError> {
    w.vl_bytes(s.as_bytes())
}

fn read_secret(r: &mut crate::codec::Reader<'_>) -> Result<Secret, crate::codec::DecodeError> {
    Ok(Secret::new(r.vl_bytes()?.to_vec()))
}

impl Group {
    /// The whole state as bytes (secrets included: store them as key
    /// material). Equal states give equal bytes.
    pub fn to_bytes(&self) -> Result<Secret, GroupError> {
        use crate::codec::Writer;
        let mut w = Writer::with_capacity(4096);
        w.raw(STATE_MAGIC);
        w.u16(STATE_VERSION);
        w.u16(self.cs.id());
        self.context.encode(&mut w)?;
        self.tree.to_wire().encode(&mut w)?;
        w.u32(self.tree.leaf_count());
        self.private.encode(&mut w)?;
        write_secret(&mut w, &self.signer.0)?;
        w.vl_bytes(&self.interim_transcript_hash)?;
        let s = &self.secrets;
        for secret in [
            &s.sender_data_secret,
            &s.encryption_secret,
            &s.exporter_secret,
            &s.external_secret,
            &s.confirmation_key,
            &s.membership_key,
            &s.resumption_psk,
            &s.epoch_authenticator,
            &s.init_secret,
        ] {
            write_secret(&mut w, secret)?;
        }
        self.secret_tree.encode(&mut w)?;
        w.vl_nested(|w| {
            for q in &self.pending {
                w.vl_bytes(&q.reference)?;
                q.proposal.proposal.encode(w)?;
                q.proposal.sender.encode(w)?;
            }
            Ok(())
        })?;
        w.vl_nested(|w| {
            for (public, key) in &self.update_keys {
                w.vl_bytes(public)?;
                write_secret(w, &key.0)?;
            }
            Ok(())
        })?;
        w.vl_nested(|w| {
            for (id, psk) in &self.external_psks {
                w.vl_bytes(id)?;
                write_secret(w, psk)?;
            }
            Ok(())
        })?;
        w.vl_nested(|w| {
            for (epoch, psk) in &self.resumption_psks {
                w.u64(*epoch);
                write_secret(w, psk)?;
            }
            Ok(())
        })?;
        w.vl_nested(|w| {
            for ((group_id, epoch), psk) in &self.foreign_psks {
                w.vl_bytes(group_id)?;
                w.u64(*epoch);
                write_secret(w, psk)?;
            }
            Ok(())
        })?;
        w.optional(self.reinit.as_ref(), |w, r| r.encode(w))?;
        let c = &self.config;
        w.u8(u8::from(c.encrypt_handshake));
        w.u8(match c.incoming_handshake {
            IncomingHandshake::Mixed => 0,
            IncomingHandshake::PlaintextOnly => 1,
            IncomingHandshake::CiphertextOnly => 2,
        });
        w.u32(u32::try_from(c.padding).unwrap_or(u32::MAX));
        w.u8(u8::from(c.ratchet_tree_extension));
        w.u32(u32::try_from(c.resumption_epochs).unwrap_or(u32::MAX));
        c.ratchet.encode(&mut w)?;
        w.u8(u8::from(c.accept_external_commits));
        w.u8(u8::from(c.accept_external_proposals));
        Ok(Secret::new(w.into_bytes()))
    }

    /// Reads a state written by [`Group::to_bytes`]. The tree is checked
    /// against the stored tree hash.
    pub fn from_bytes<P: CryptoProvider + ?Sized>(p: &P, bytes: &[u8]) -> Result<Self, GroupError> {
        use crate::codec::{Decode, Reader};
        use crate::schedule::RatchetConfig;
        let malformed = |error| GroupError::Malformed {
            what: "group state",
            error,
        };
        let mut r = Reader::new(bytes);
        let bool8 = |r: &mut Reader<'_>| -> Result<bool, crate::codec::DecodeError> {
            let at = r.position();
            match r.u8()? {
                0 => Ok(false),
                1 => Ok(true),
                v => Err(r.invalid_at(at, format!("boolean {v}"))),
            }
        };
        let state = (|| -> Result<Group, crate::codec::DecodeError> {
            let at = r.position();
            if r.bytes(4)? != STATE_MAGIC {
                return Err(r.invalid_at(at, "not an MLS Inspector group state"));
            }
            let at = r.position();
            let version = r.u16()?;
            if version != STATE_VERSION {
                return Err(r.invalid_at(at, format!("state format version {version}")));
            }
            let at = r.position();
            let suite = r.u16()?;
            let cs = CipherSuite::from_u16(suite)
                .ok_or_else(|| r.invalid_at(at, format!("cipher suite {suite}")))?;
            let context = r.field("context", GroupContext::decode)?;
            let wire = r.field("tree", RatchetTree::decode)?;
            let at = r.position();
            let leaves = r.u32()?;
            let mut tree =
                Tree::from_wire(cs, &wire).map_err(|e| r.invalid_at(at, e.to_string()))?;
            if tree.leaf_count() != leaves {
                return Err(r.invalid_at(
                    at,
                    format!("{leaves} leaves, the tree has {}", tree.leaf_count()),
                ));
            }
            let tree_hash = tree
                .root_hash(p)
                .map_err(|e| r.invalid_at(at, e.to_string()))?;
            if tree_hash != context.tree_hash.0 {
                return Err(r.invalid_at(at, "the tree does not match the context's tree hash"));
            }
            let private = r.field("private", TreeKemPrivate::decode)?;
            let signer = SignaturePrivateKey::new(read_secret(&mut r)?);
            let interim_transcript_hash = r.vl_bytes()?.to_vec();
            let secrets = EpochSecrets {
                sender_data_secret: read_secret(&mut r)?,
                encryption_secret: read_secret(&mut r)?,
                exporter_secret: read_secret(&mut r)?,
                external_secret: read_secret(&mut r)?,
                confirmation_key: read_secret(&mut r)?,
                membership_key: read_secret(&mut r)?,
                resumption_psk: read_secret(&mut r)?,
                epoch_authenticator: read_secret(&mut r)?,
                init_secret: read_secret(&mut r)?,
            };
            let secret_tree = r.field("secret_tree", SecretTree::decode)?;
            let pending = r.field("pending", |r| {
                r.vl_vec(|r| {
                    Ok(PendingProposal {
                        reference: r.vl_bytes()?.to_vec(),
                        proposal: SentProposal {
                            proposal: Proposal::decode(r)?,
                            sender: Sender::decode(r)?,
                        },
                    })
                })
            })?;
            let update_keys = r.vl_vec(|r| {
                Ok((
                    r.vl_bytes()?.to_vec(),
                    crate::crypto::HpkePrivateKey(read_secret(r)?),
                ))
            })?;
            let external_psks = r.vl_vec(|r| Ok((r.vl_bytes()?.to_vec(), read_secret(r)?)))?;
            let resumption_psks = r.vl_vec(|r| Ok((r.u64()?, read_secret(r)?)))?;
            let foreign_psks =
                r.vl_vec(|r| Ok(((r.vl_bytes()?.to_vec(), r.u64()?), read_secret(r)?)))?;
            let reinit = r.optional(crate::messages::ReInit::decode)?;
            let config = GroupConfig {
                encrypt_handshake: bool8(&mut r)?,
                incoming_handshake: {
                    let at = r.position();
                    match r.u8()? {
                        0 => IncomingHandshake::Mixed,
                        1 => IncomingHandshake::PlaintextOnly,
                        2 => IncomingHandshake::CiphertextOnly,
                        v => return Err(r.invalid_at(at, format!("handshake policy {v}"))),
                    }
                },
                padding: r.u32()? as usize,
                ratchet_tree_extension: bool8(&mut r)?,
                resumption_epochs: r.u32()? as usize,
                ratchet: RatchetConfig::decode(&mut r)?,
                accept_external_commits: bool8(&mut r)?,
                accept_external_proposals: bool8(&mut r)?,
                ..GroupConfig::default()
            };
            r.finish()?;
            Ok(Group {
                cs,
                context,
                tree,
                private,
                signer,
                interim_transcript_hash,
                secrets,
                secret_tree,
                pending,
                update_keys,
                external_psks: external_psks.into_iter().collect(),
                resumption_psks: resumption_psks.into_iter().collect(),
                foreign_psks: foreign_psks.into_iter().collect(),
                reinit,
                config,
            })
        })()
        .map_err(malformed)?;
        Ok(state)
    }
}

#[cfg(test)]
impl Group {
    /// For tests that forge messages as this member.
    pub(crate) fn forge_keys(&self) -> (&SignaturePrivateKey, &[u8]) {
        (&self.signer, self.secrets.membership_key.as_bytes())
    }
}

/// What carries over from one epoch's state to the next.
struct Carry {
    signer: SignaturePrivateKey,
    external_psks: BTreeMap<Vec<u8>, Secret>,
    resumption_psks: BTreeMap<u64, Secret>,
    foreign_psks: BTreeMap<(Vec<u8>, u64), Secret>,
    config: GroupConfig,
}

/// The next epoch from explicit inputs (§12.4.2): confirmed transcript
/// hash over the commit, key schedule from `init_secret`, commit secret and
/// PSK secret, and a fresh secret tree. The interim transcript hash is set
/// by the caller once the confirmation tag is known.
#[allow(clippy::too_many_arguments)]
fn next_epoch_state<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    interim_before: &[u8],
    init_secret: &Secret,
    content: &AuthenticatedContent,
    provisional: GroupContext,
    tree: Tree,
    private: TreeKemPrivate,
    commit_secret: &Secret,
    psk: &Secret,
    carry: Carry,
) -> Result<(Group, JoinerSecrets), GroupError> {
    let confirmed = confirmed_transcript_hash(p, cs, interim_before, content)?;
    let context = GroupContext {
        confirmed_transcript_hash: VlBytes(confirmed),
        ..provisional
    };
    let context_bytes = context.to_bytes()?;
    let joiner = JoinerSecrets::from_init(
        p,
        cs,
        init_secret.as_bytes(),
        Some(commit_secret.as_bytes()),
        &context_bytes,
        Some(psk.as_bytes()),
    )?;
    let secrets = joiner.epoch(p, cs, &context_bytes)?;
    let secret_tree = SecretTree::with_config(
        cs,
        secrets.encryption_secret.clone(),
        tree.leaf_count(),
        carry.config.ratchet,
    )?;
    Ok((
        Group {
            cs,
            context,
            tree,
            private,
            signer: carry.signer,
            interim_transcript_hash: Vec::new(),
            secrets,
            secret_tree,
            pending: Vec::new(),
            update_keys: Vec::new(),
            external_psks: carry.external_psks,
            resumption_psks: carry.resumption_psks,
            foreign_psks: carry.foreign_psks,
            reinit: None,
            config: carry.config,
        },
        joiner,
    ))
}

/// The ratchet tree of a GroupInfo (its extension, else `supplied`),
/// checked as a joiner must (§12.4.3.1): the GroupInfo signature by the
/// signer's leaf, the tree hash, and the tree's integrity.
fn verified_tree<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    info: &GroupInfo,
    supplied: Option<&RatchetTree>,
    identity: &dyn IdentityProvider,
) -> Result<Tree, GroupError> {
    let from_extension = info.extensions.iter().find_map(|e| match e.value() {
        Ok(ExtensionValue::RatchetTree(t)) => Some(t),
        _ => None,
    });
    let wire = from_extension
        .or_else(|| supplied.cloned())
        .ok_or_else(|| {
            GroupError::Join("no ratchet tree: not in the GroupInfo and none supplied".into())
        })?;
    let mut tree = Tree::from_wire(cs, &wire)?;
    let signer_leaf = tree.leaf(info.signer).ok_or_else(|| {
        GroupError::Join(format!("GroupInfo signer leaf {} is blank", info.signer))
    })?;
    verify_group_info(
        p,
        cs,
        info,
        &SignaturePublicKey(signer_leaf.signature_key.0.clone()),
    )?;
    if tree.root_hash(p)? != info.group_context.tree_hash.0 {
        return Err(GroupError::Join(
            "the ratchet tree's hash differs from the GroupInfo's tree_hash".into(),
        ));
    }
    let group_id = info.group_context.group_id.0.clone();
    tree.verify_integrity(p, &group_id)?;
    let now = super::now();
    for (leaf, node) in tree.members() {
        super::validate_leaf_capabilities(node)
            .map_err(|why| GroupError::Join(format!("leaf {leaf}: {why}")))?;
        identity
            .validate(cs, &node.credential, node.signature_key.as_slice(), now)
            .map_err(|e| GroupError::Join(format!("leaf {leaf}: credential: {e}")))?;
    }
    Ok(tree)
}

/// A resumption PSK that links a new group to an old one.
#[derive(Debug, Clone)]
struct Resumed {
    usage: u8,
    group_id: Vec<u8>,
    epoch: u64,
    psk: Secret,
}
