//! Read-only helpers the GUI needs beyond the rest of the API: what a
//! message file is (to route a dropped file to the right action), the tree
//! of a staged commit's next epoch (for the preview), and a cheap stamp
//! that changes whenever another writer (the CLI, a second window) changes
//! the file.

use std::hash::{DefaultHasher, Hash as _, Hasher as _};

use mls_core::codec::Decode as _;
use mls_core::framing::MlsMessageBody;
use mls_core::messages::{GroupInfo, KeyPackage, RatchetTree};
use mls_core::tree::Tree;

use super::{
    GroupKey, GroupStatus, Result, Workspace, WorkspaceError, decode_message, framed, suite,
};

/// What a message holds, read from its header only (nothing is processed
/// or stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageClass {
    /// A key package (`MLSMessage` or bare): someone to add.
    KeyPackage,
    /// A Welcome: a group to join.
    Welcome,
    /// A GroupInfo (`MLSMessage` or bare): a group to join by external
    /// commit.
    GroupInfo {
        /// The group id.
        group_id: Vec<u8>,
        /// Its epoch.
        epoch: u64,
    },
    /// A PublicMessage or PrivateMessage: something to receive.
    Framed {
        /// The group id from the header.
        group_id: Vec<u8>,
        /// The epoch from the header.
        epoch: u64,
        /// Its content type is commit.
        commit: bool,
    },
}

impl MessageClass {
    /// The kind as text, e.g. "a KeyPackage".
    pub fn name(&self) -> &'static str {
        match self {
            MessageClass::KeyPackage => "a KeyPackage",
            MessageClass::Welcome => "a Welcome",
            MessageClass::GroupInfo { .. } => "a GroupInfo",
            MessageClass::Framed { commit: true, .. } => "a commit",
            MessageClass::Framed { commit: false, .. } => "a handshake or application message",
        }
    }
}

impl Workspace {
    /// What `bytes` are: an `MLSMessage` of any kind, or a bare
    /// `KeyPackage` or `GroupInfo`. Fails with the `MLSMessage` decoding
    /// error when they are none of these.
    pub fn classify_message(bytes: &[u8]) -> Result<MessageClass> {
        let message = match decode_message(bytes) {
            Ok(message) => message,
            Err(error) => {
                if KeyPackage::decode_exact(bytes).is_ok() {
                    return Ok(MessageClass::KeyPackage);
                }
                if let Ok(info) = GroupInfo::decode_exact(bytes) {
                    return Ok(MessageClass::GroupInfo {
                        group_id: info.group_context.group_id.0.clone(),
                        epoch: info.group_context.epoch,
                    });
                }
                return Err(error);
            }
        };
        Ok(match &message.body {
            MlsMessageBody::KeyPackage(_) => MessageClass::KeyPackage,
            MlsMessageBody::Welcome(_) => MessageClass::Welcome,
            MlsMessageBody::GroupInfo(info) => MessageClass::GroupInfo {
                group_id: info.group_context.group_id.0.clone(),
                epoch: info.group_context.epoch,
            },
            MlsMessageBody::PublicMessage(_) | MlsMessageBody::PrivateMessage(_) => {
                match framed(&message) {
                    Some(f) => MessageClass::Framed {
                        group_id: f.group_id,
                        epoch: f.epoch,
                        commit: f.is_commit,
                    },
                    None => {
                        return Err(WorkspaceError::Invalid(String::from(
                            "a framed message without a header",
                        )));
                    }
                }
            }
        })
    }

    /// The ratchet tree of the epoch the group's pending commit leads to
    /// (`None` without a pending commit).
    pub fn pending_tree(&self, key: GroupKey) -> Result<Option<Tree>> {
        let Some(pending) = self.store.pending(key)? else {
            return Ok(None);
        };
        let cs = suite(self.store.group(key)?.cipher_suite)?;
        let wire = RatchetTree::decode_exact(&pending.next_epoch.ratchet_tree)
            .map_err(|error| WorkspaceError::malformed("staged ratchet_tree", error))?;
        Ok(Some(
            Tree::from_wire(cs, &wire).map_err(mls_core::group::GroupError::from)?,
        ))
    }

    /// A number that changes when identities, key packages, groups (any
    /// state write, pending commit, rename, deletion) or trust roots
    /// change, so a window can notice what another writer did. Reads only
    /// the list columns, never a group state.
    pub fn change_stamp(&self) -> Result<u64> {
        let mut h = DefaultHasher::new();
        for i in self.store.identities()? {
            i.key.hash(&mut h);
            i.name.hash(&mut h);
        }
        for k in self.store.key_packages()? {
            k.reference.hash(&mut h);
            k.used.hash(&mut h);
        }
        for g in self.store.groups()? {
            g.key.hash(&mut h);
            g.revision.hash(&mut h);
            g.epoch.hash(&mut h);
            g.has_pending.hash(&mut h);
            (g.status == GroupStatus::Active).hash(&mut h);
            g.name.hash(&mut h);
        }
        for r in self.store.trust_roots()? {
            r.id.hash(&mut h);
        }
        self.store.psks()?.len().hash(&mut h);
        Ok(h.finish())
    }
}
