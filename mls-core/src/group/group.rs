//! A member's group state in one epoch (RFC 9420 §8, §12): the `Group`
//! type, its configuration, accessors, PSK resolution and the signed
//! GroupInfo of the epoch.
//!
//! The flows live beside it, one file each: `create`, `commit` (§12.4),
//! `process` (§12.4.2), `join` (§12.4.3.1), `external_commit` (§12.4.3.2),
//! `resumption` (§11.2, §11.3), `serialize`.

use std::collections::BTreeMap;

use crate::codec::{Encode, VlBytes};
use crate::credential::IdentityProvider;
use crate::crypto::{CipherSuite, CryptoProvider, Secret, SignaturePrivateKey};
use crate::framing::{
    AuthenticatedContent, Content, FramedContent, MlsMessage, MlsMessageBody, PrivateMessage,
    PublicMessage, Sender, WIRE_FORMAT_PRIVATE_MESSAGE, WIRE_FORMAT_PUBLIC_MESSAGE, sign_content,
};
use crate::messages::{
    Credential, EXT_RATCHET_TREE, Extension, GroupContext, GroupInfo, PreSharedKeyId, Psk,
};
use crate::schedule::{EpochSecrets, PskInput, RatchetConfig, SecretTree, psk_secret};
use crate::tree::{Tree, TreeKemPrivate};

use super::error::{GroupError, MissingPsk};
use super::proposals::SentProposal;
use super::transcript::confirmation_tag;
use super::welcome::sign_group_info;

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
    /// How many past epochs' secret trees to keep so late application
    /// messages of those epochs still decrypt (§6.3, OpenMLS's
    /// `max_past_epochs`); 0 refuses every message of a past epoch.
    pub max_past_epochs: usize,
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
            max_past_epochs: 1,
            ratchet: RatchetConfig::default(),
            accept_external_commits: true,
            accept_external_proposals: true,
            identity: std::sync::Arc::new(crate::credential::BasicIdentityProvider),
        }
    }
}

/// A proposal received this epoch, kept until a commit references it.
#[derive(Debug, Clone)]
pub(super) struct PendingProposal {
    pub(super) reference: Vec<u8>,
    pub(super) proposal: SentProposal,
}

/// A member's state in one epoch.
#[derive(Debug, Clone)]
pub struct Group {
    pub(super) cs: CipherSuite,
    pub(super) context: GroupContext,
    pub(super) tree: Tree,
    pub(super) private: TreeKemPrivate,
    pub(super) signer: SignaturePrivateKey,
    pub(super) interim_transcript_hash: Vec<u8>,
    pub(super) secrets: EpochSecrets,
    pub(super) secret_tree: SecretTree,
    pub(super) pending: Vec<PendingProposal>,
    /// Private keys of this member's own Update proposals this epoch, by
    /// the new leaf's public encryption key.
    pub(super) update_keys: Vec<(Vec<u8>, crate::crypto::HpkePrivateKey)>,
    pub(super) external_psks: BTreeMap<Vec<u8>, Secret>,
    pub(super) resumption_psks: BTreeMap<u64, Secret>,
    /// Resumption PSKs of other groups (for re-initialised and branched
    /// groups), by group id and epoch.
    pub(super) foreign_psks: BTreeMap<(Vec<u8>, u64), Secret>,
    /// Set once a commit with a ReInit was merged: the group accepts no
    /// more messages (§11.2).
    pub(super) reinit: Option<crate::messages::ReInit>,
    /// Kept past epochs for late application messages, oldest first.
    pub(super) past_epochs: Vec<super::past_epochs::PastEpoch>,
    pub(super) config: GroupConfig,
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

    pub(super) fn context_bytes(&self) -> Result<Vec<u8>, GroupError> {
        Ok(self.context.to_bytes()?)
    }

    // ---- PSKs ----

    pub(super) fn resolve_psks<P: CryptoProvider + ?Sized>(
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
            keys.push(key.ok_or_else(|| MissingPsk::from(id))?);
        }
        combine_psks(p, self.cs, ids, &keys)
    }

    /// A signed GroupInfo for this epoch with the given confirmation tag.
    pub(super) fn group_info<P: CryptoProvider + ?Sized>(
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

    /// This epoch's GroupInfo (signed now), e.g. for external joiners.
    pub fn export_group_info<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
    ) -> Result<MlsMessage, GroupError> {
        let tag = self.own_confirmation_tag(p);
        Ok(MlsMessage::new(MlsMessageBody::GroupInfo(
            self.group_info(p, tag)?,
        )))
    }

    /// This epoch's confirmation tag (§6.1): the MAC of the confirmed
    /// transcript hash under the confirmation key.
    pub(super) fn own_confirmation_tag<P: CryptoProvider + ?Sized>(&self, p: &P) -> Vec<u8> {
        confirmation_tag(
            p,
            self.cs,
            self.secrets.confirmation_key.as_bytes(),
            self.context.confirmed_transcript_hash.as_slice(),
        )
    }

    /// The wire format of this member's handshake messages (§6).
    pub(super) fn handshake_wire_format(&self) -> u16 {
        if self.config.encrypt_handshake {
            WIRE_FORMAT_PRIVATE_MESSAGE
        } else {
            WIRE_FORMAT_PUBLIC_MESSAGE
        }
    }

    /// This member's `content` for the current epoch, signed over the
    /// serialised group `context` (§6.1).
    pub(super) fn sign_own<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        wire_format: u16,
        content: Content,
        authenticated_data: &[u8],
        context: &[u8],
    ) -> Result<AuthenticatedContent, GroupError> {
        let framed = FramedContent {
            group_id: self.context.group_id.clone(),
            epoch: self.epoch(),
            sender: Sender::Member(self.own_leaf()),
            authenticated_data: VlBytes(authenticated_data.to_vec()),
            content,
        };
        Ok(sign_content(
            p,
            self.cs,
            wire_format,
            framed,
            context,
            &self.signer,
        )?)
    }

    /// Frames this member's signed handshake `content` with this epoch's
    /// keys: as a PrivateMessage (the ratchet generation it takes is never
    /// used again, even if the message is discarded, §9.1) or as a
    /// PublicMessage with the membership tag over `context`.
    pub(super) fn protect_handshake<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        content: AuthenticatedContent,
        context: &[u8],
    ) -> Result<MlsMessage, GroupError> {
        if !self.config.encrypt_handshake {
            return Ok(MlsMessage::new(MlsMessageBody::PublicMessage(
                PublicMessage::protect(
                    p,
                    self.cs,
                    content,
                    self.secrets.membership_key.as_bytes(),
                    context,
                )?,
            )));
        }
        let mut secret_tree = self.secret_tree.clone();
        let message = PrivateMessage::protect(
            p,
            self.cs,
            &content,
            &mut secret_tree,
            self.secrets.sender_data_secret.as_bytes(),
            self.config.padding,
        )?;
        self.secret_tree = secret_tree;
        Ok(MlsMessage::new(MlsMessageBody::PrivateMessage(message)))
    }

    /// Key package of a member, if the caller wants to inspect it later.
    pub fn member_credential(&self, leaf: u32) -> Option<&Credential> {
        self.tree.leaf(leaf).map(|l| &l.credential)
    }
}

/// The PSK secret (§8.4) of `ids` with their `keys`, in order.
pub(super) fn combine_psks<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    ids: &[PreSharedKeyId],
    keys: &[&Secret],
) -> Result<Secret, GroupError> {
    let inputs: Vec<PskInput<'_>> = ids
        .iter()
        .zip(keys)
        .map(|(id, k)| PskInput {
            id,
            psk: k.as_bytes(),
        })
        .collect();
    Ok(psk_secret(p, cs, &inputs)?)
}

#[cfg(test)]
impl Group {
    /// For tests that forge messages as this member.
    pub(crate) fn forge_keys(&self) -> (&SignaturePrivateKey, &[u8]) {
        (&self.signer, self.secrets.membership_key.as_bytes())
    }
}
