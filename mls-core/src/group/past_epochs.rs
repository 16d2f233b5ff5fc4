//! Past epochs kept for late application messages (RFC 9420 §6.3, §15.1):
//! a PrivateMessage sent just before a commit may arrive after it. Like
//! OpenMLS's `max_past_epochs`, a member keeps the last N epochs' sender
//! data secret, secret tree (with its consumed-key state), group context
//! and members' signature keys, and decrypts only *application* messages
//! of those epochs; handshake messages of a past epoch stay refused.

use crate::codec::{DecodeError, Encode, EncodeError, Reader, Writer};
use crate::crypto::{CryptoProvider, Secret, SignaturePublicKey};
use crate::framing::{CONTENT_TYPE_APPLICATION, Content, PrivateMessage, Sender, verify_content};
use crate::messages::GroupContext;
use crate::schedule::SecretTree;
use crate::tree::Tree;

use super::error::{GroupError, SenderError};
use super::group::Group;
use super::process::Received;

/// What is needed to decrypt and verify an application message of one
/// past epoch. Secrets zeroize on drop.
#[derive(Debug, Clone)]
pub(super) struct PastEpoch {
    /// The epoch's group context (its epoch number and the bytes
    /// signatures of that epoch cover).
    pub(super) context: GroupContext,
    pub(super) sender_data_secret: Secret,
    pub(super) secret_tree: SecretTree,
    /// Members' signature keys in that epoch, by leaf index.
    pub(super) signature_keys: PastKeys,
}

/// The members' signature keys of a past epoch: that epoch's tree while the
/// group runs (its nodes are shared with the trees after it, so keeping it
/// copies no leaf), or the list read back from storage.
#[derive(Debug, Clone)]
pub(super) enum PastKeys {
    Tree(Tree),
    Listed(Vec<(u32, Vec<u8>)>),
}

impl PastKeys {
    /// The signature key of the member at `leaf` in that epoch.
    pub(super) fn get(&self, leaf: u32) -> Option<&[u8]> {
        match self {
            PastKeys::Tree(tree) => tree.leaf(leaf).map(|l| l.signature_key.as_slice()),
            PastKeys::Listed(keys) => keys
                .iter()
                .find(|(l, _)| *l == leaf)
                .map(|(_, key)| key.as_slice()),
        }
    }

    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        w.vl_nested(|w| match self {
            PastKeys::Tree(tree) => {
                for (leaf, node) in tree.members() {
                    w.u32(leaf);
                    w.vl_bytes(node.signature_key.as_slice())?;
                }
                Ok(())
            }
            PastKeys::Listed(keys) => {
                for (leaf, key) in keys {
                    w.u32(*leaf);
                    w.vl_bytes(key)?;
                }
                Ok(())
            }
        })
    }
}

impl PastEpoch {
    pub(super) fn epoch(&self) -> u64 {
        self.context.epoch
    }

    pub(super) fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.context.encode(w)?;
        w.vl_bytes(self.sender_data_secret.as_bytes())?;
        self.secret_tree.encode(w)?;
        self.signature_keys.encode(w)
    }

    pub(super) fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        use crate::codec::Decode;
        Ok(PastEpoch {
            context: r.field("context", GroupContext::decode)?,
            sender_data_secret: Secret::new(r.vl_bytes_owned()?),
            secret_tree: r.field("secret_tree", SecretTree::decode)?,
            signature_keys: PastKeys::Listed(r.field("signature_keys", |r| {
                r.vl_vec(|r| Ok((r.u32()?, r.vl_bytes_owned()?)))
            })?),
        })
    }
}

impl Group {
    /// This epoch's decryption state, to be kept by the next epoch.
    pub(super) fn as_past_epoch(&self) -> PastEpoch {
        PastEpoch {
            context: self.context.clone(),
            sender_data_secret: self.secrets.sender_data_secret.clone(),
            secret_tree: self.secret_tree.clone(),
            signature_keys: PastKeys::Tree(self.tree.clone()),
        }
    }

    /// The past epochs the next epoch keeps: this one and the most recent
    /// kept ones, at most `max_past_epochs` in all (oldest first).
    pub(super) fn past_epochs_after(&self) -> Vec<PastEpoch> {
        let keep = self.config.max_past_epochs;
        if keep == 0 {
            return Vec::new();
        }
        // Copy only the kept epochs that stay kept.
        let older = self.past_epochs.len().saturating_sub(keep - 1);
        let mut kept: Vec<PastEpoch> = self.past_epochs.iter().skip(older).cloned().collect();
        kept.push(self.as_past_epoch());
        kept
    }

    /// Epochs whose application messages still decrypt, oldest first.
    pub fn kept_past_epochs(&self) -> Vec<u64> {
        self.past_epochs.iter().map(PastEpoch::epoch).collect()
    }

    /// Decrypts an application message of a kept past epoch (§6.3). A
    /// handshake message of a past epoch, or one of an epoch not kept, is
    /// refused with [`GroupError::WrongEpoch`]. On error nothing changes.
    pub(super) fn process_past_application<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        m: &PrivateMessage,
    ) -> Result<Received, GroupError> {
        let wrong_epoch = GroupError::WrongEpoch {
            expected: self.epoch(),
            got: m.epoch,
        };
        if m.content_type != CONTENT_TYPE_APPLICATION || self.config.max_past_epochs == 0 {
            return Err(wrong_epoch);
        }
        let Some(index) = self.past_epochs.iter().position(|e| e.epoch() == m.epoch) else {
            return Err(wrong_epoch);
        };
        let past = self.past_epochs.get(index).ok_or(GroupError::WrongEpoch {
            expected: self.epoch(),
            got: m.epoch,
        })?;
        let mut secret_tree = past.secret_tree.clone();
        let content = m
            .unprotect(
                p,
                self.cs,
                &mut secret_tree,
                past.sender_data_secret.as_bytes(),
            )?
            .content;
        let Sender::Member(sender) = content.content.sender else {
            return Err(SenderError::External.into());
        };
        let key = past
            .signature_keys
            .get(sender)
            .map(|key| SignaturePublicKey(key.to_vec()))
            .ok_or(SenderError::Leaf(sender))?;
        let context = past.context.to_bytes()?;
        verify_content(p, self.cs, &content, &context, &key)?;
        let Content::Application(data) = &content.content.content else {
            return Err(GroupError::WrongEpoch {
                expected: self.epoch(),
                got: m.epoch,
            });
        };
        let received = Received::Application {
            sender,
            data: data.0.clone(),
            authenticated_data: content.content.authenticated_data.0.clone(),
        };
        if let Some(past) = self.past_epochs.get_mut(index) {
            past.secret_tree = secret_tree;
        }
        Ok(received)
    }
}
