//! From one epoch to the next (RFC 9420 §8, §12.4.2): the staged commit
//! and its summary, the next epoch's key schedule and transcript hashes,
//! confirmation, merge.

use std::collections::BTreeMap;

use crate::codec::{Encode, VlBytes};
use crate::crypto::{CipherSuite, CryptoProvider, Secret, SignaturePrivateKey};
use crate::framing::{AuthenticatedContentRef, MlsMessage};
use crate::messages::{Credential, Extension, GroupContext, PreSharedKeyId, ReInit};
use crate::schedule::{JoinerSecrets, SecretTree};
use crate::tree::{Tree, TreeKemPrivate};

use super::error::GroupError;
use super::group::{Group, GroupConfig};
use super::proposals::Applied;
use super::transcript::{confirmed_transcript_hash, interim_transcript_hash};

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

/// What a commit's proposals changed, as its summary reports it.
#[derive(Debug, Clone, Default)]
pub(super) struct Changes {
    pub(super) added: Vec<(u32, Credential)>,
    pub(super) removed: Vec<(u32, Credential)>,
    pub(super) updated: Vec<(u32, Credential)>,
    pub(super) psks: Vec<PreSharedKeyId>,
    pub(super) extensions_changed: bool,
    pub(super) reinit: Option<ReInit>,
}

impl From<Applied> for Changes {
    fn from(applied: Applied) -> Self {
        Changes {
            added: applied
                .added
                .into_iter()
                .map(|(leaf, kp)| (leaf, kp.leaf_node.credential))
                .collect(),
            removed: applied.removed,
            updated: applied.updated,
            psks: applied.psks,
            extensions_changed: applied.extensions_changed,
            reinit: applied.reinit,
        }
    }
}

/// A processed (or created) commit: the next epoch's state, not yet merged.
#[derive(Debug, Clone)]
pub struct StagedCommit {
    pub(super) next: Box<Group>,
    pub summary: CommitSummary,
}

impl StagedCommit {
    /// Stages `next` (the epoch after the commit) with its summary: the one
    /// place a [`CommitSummary`] is made. The new epoch, tree hash and
    /// changed extensions are read from `next`; a ReInit closes it.
    pub(super) fn new(
        mut next: Group,
        committer: u32,
        changes: Changes,
        has_path: bool,
        self_removed: bool,
    ) -> Self {
        next.reinit.clone_from(&changes.reinit);
        let summary = CommitSummary {
            committer,
            new_epoch: next.context.epoch,
            added: changes.added,
            removed: changes.removed,
            updated: changes.updated,
            psks: changes.psks,
            extensions: changes
                .extensions_changed
                .then(|| next.context.extensions.clone()),
            has_path,
            reinit: changes.reinit,
            tree_hash: next.context.tree_hash.0.clone(),
            self_removed,
        };
        StagedCommit {
            next: Box::new(next),
            summary,
        }
    }

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

impl Group {
    /// Builds the next epoch's state from the signed commit content: new
    /// context with the confirmed transcript hash, key schedule, secret tree.
    /// `psks` are the commit's PSKs, resolved here (§8.4).
    pub(super) fn next_epoch<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        content: AuthenticatedContentRef<'_>,
        provisional: GroupContext,
        new_tree: NewTree,
        psks: &[PreSharedKeyId],
        init_secret: Option<&Secret>,
    ) -> Result<(Group, JoinerSecrets), GroupError> {
        let psk = self.resolve_psks(p, psks)?;
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
            past_epochs: self.past_epochs_after(),
            config: self.config.clone(),
        };
        next_epoch_state(
            p,
            self.cs,
            &self.interim_transcript_hash,
            init_secret.unwrap_or(&self.secrets.init_secret),
            content,
            provisional,
            new_tree,
            &psk,
            carry,
        )
    }

    /// Replaces this state with a staged commit's next epoch.
    pub fn merge(&mut self, staged: StagedCommit) -> Result<(), GroupError> {
        if staged.summary.self_removed {
            return Err(GroupError::Removed);
        }
        let old_epoch = self.epoch();
        let old_tree = self.secret_tree.clone();
        *self = *staged.next;
        // Keys consumed in the old epoch after the commit was staged stay
        // consumed in the kept copy of that epoch.
        if let Some(past) = self
            .past_epochs
            .iter_mut()
            .find(|e| e.context.epoch == old_epoch)
        {
            past.secret_tree = old_tree;
        }
        Ok(())
    }

    /// Checks a received commit's confirmation tag against this (next)
    /// epoch's confirmation key — unless this member was removed and cannot
    /// derive it — and sets the interim transcript hash (§8.2).
    pub(super) fn confirm<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        tag: &[u8],
        check: bool,
    ) -> Result<(), GroupError> {
        if check {
            let expected = self.own_confirmation_tag(p);
            if !bool::from(subtle::ConstantTimeEq::ct_eq(expected.as_slice(), tag)) {
                return Err(GroupError::BadConfirmationTag);
            }
        }
        let confirmed = self.context.confirmed_transcript_hash.as_slice();
        self.interim_transcript_hash = interim_transcript_hash(p, self.cs, confirmed, tag)?;
        Ok(())
    }

    /// Completes an epoch this member made by its own commit: the
    /// confirmation tag, and the interim transcript hash from it (§8.2).
    /// Returns the tag, for the commit.
    pub(super) fn seal<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
    ) -> Result<Vec<u8>, GroupError> {
        let tag = self.own_confirmation_tag(p);
        self.confirm(p, &tag, false)?;
        Ok(tag)
    }
}

/// The next epoch's tree with this member's private keys in it, and the
/// commit secret its commit's path (or the lack of one) yields (§12.4.2).
pub(super) struct NewTree {
    pub(super) tree: Tree,
    pub(super) private: TreeKemPrivate,
    pub(super) commit_secret: Secret,
}

/// What carries over from one epoch's state to the next.
pub(super) struct Carry {
    pub(super) signer: SignaturePrivateKey,
    pub(super) external_psks: BTreeMap<Vec<u8>, Secret>,
    pub(super) resumption_psks: BTreeMap<u64, Secret>,
    pub(super) foreign_psks: BTreeMap<(Vec<u8>, u64), Secret>,
    pub(super) past_epochs: Vec<super::past_epochs::PastEpoch>,
    pub(super) config: GroupConfig,
}

/// The next epoch from explicit inputs (§12.4.2): confirmed transcript
/// hash over the commit, key schedule from `init_secret`, commit secret and
/// PSK secret, and a fresh secret tree. The interim transcript hash is set
/// by the caller once the confirmation tag is known.
#[allow(clippy::too_many_arguments)]
pub(super) fn next_epoch_state<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    interim_before: &[u8],
    init_secret: &Secret,
    content: AuthenticatedContentRef<'_>,
    provisional: GroupContext,
    new_tree: NewTree,
    psk: &Secret,
    carry: Carry,
) -> Result<(Group, JoinerSecrets), GroupError> {
    let NewTree {
        tree,
        private,
        commit_secret,
    } = new_tree;
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
            past_epochs: carry.past_epochs,
            config: carry.config,
        },
        joiner,
    ))
}
