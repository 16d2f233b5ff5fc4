//! External senders and external proposals (RFC 9420 §12.1.8,
//! §12.1.8.1): an identity's public part as a file, the group's
//! `external_senders` extension (at create, and changed by a
//! GroupContextExtensions commit), proposals signed as a listed external
//! sender, and a new member's proposal to add itself.
//!
//! # The identity file
//!
//! [`Workspace::identity_export`] writes the RFC's own `ExternalSender`
//! struct, TLS-encoded, with nothing around it:
//!
//! ```text
//! struct {
//!     SignaturePublicKey signature_key;   // opaque<V>
//!     Credential credential;
//! } ExternalSender;
//! ```
//!
//! That is exactly one entry of `external_senders`, so a group adds the
//! file's bytes as they are.
//!
//! Receiving such proposals is [`Workspace::receive`]'s business (checked
//! by `mls_core` against the group's `external_senders` and the
//! `external_proposals` setting); they are committed by reference like
//! members' proposals.

use mls_core::codec::{Decode as _, VlBytes};
use mls_core::crypto::{CipherSuite, CryptoError, CryptoProvider as _, SignaturePublicKey};
use mls_core::framing::{MlsMessage, MlsMessageBody, Sender};
use mls_core::group::{
    Group, KeyPackageBundle, external_proposal, new_member_proposal, now, validate_key_package,
    verify_group_info,
};
use mls_core::messages::{
    EXT_EXTERNAL_SENDERS, EXT_RATCHET_TREE, Extension, ExtensionValue, ExternalSender, GroupInfo,
    Node, Proposal, RatchetTree,
};
use mls_core::tree::Tree;

use super::store::{KeyPackageSecrets, NewKeyPackage};
use super::summary::{credential_text, describe_sender};
use super::{
    CommitRequest, GroupKey, IdentityKey, KEY_PACKAGE_LIFETIME, LocalCommit, P, Result, Workspace,
    WorkspaceError, check_signature_suite, encode, lifetime, parse_group_info, parse_key_package,
    suite, suite_name,
};

/// What an external sender proposes ([`Workspace::external_propose`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalProposal {
    /// Remove the member at this leaf.
    Remove(u32),
    /// Add the member of this key package (`MLSMessage` or bare bytes).
    Add(Vec<u8>),
}

/// One entry of a group's `external_senders` extension, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalSenderRow {
    /// Its index: what proposals name it by (`Sender::External(index)`).
    pub index: u32,
    /// The credential as text (the identity of a basic credential).
    pub identity: String,
    /// The signature public key, hex.
    pub signature_key_hex: String,
    /// The first 8 bytes of the group suite's hash of the signature key,
    /// hex: short enough to compare by eye.
    pub fingerprint: String,
}

/// A proposal made as an external sender or a new member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalProposalSent {
    /// The `MLSMessage` (a PublicMessage): send it to the members.
    pub message: Vec<u8>,
    /// The group id, hex.
    pub group_id_hex: String,
    /// The epoch it is for.
    pub epoch: u64,
    /// The sender as the members will list it.
    pub sender: String,
    /// What it proposes.
    pub what: String,
    /// For a new member's proposal: the key package made for it (stored
    /// with its private keys, so `join` takes the Welcome), hex reference.
    pub key_package_hex: Option<String>,
}

/// An identity file ([`Workspace::identity_export`]) as an
/// `ExternalSender`.
pub fn parse_external_sender(bytes: &[u8]) -> Result<ExternalSender> {
    let sender = ExternalSender::decode_exact(bytes)
        .map_err(|error| WorkspaceError::malformed("identity file (ExternalSender)", error))?;
    if sender.signature_key.as_slice().is_empty() {
        return Err(WorkspaceError::Invalid(String::from(
            "the identity file has an empty signature key",
        )));
    }
    Ok(sender)
}

/// The `external_senders` list of an extension list (empty if absent).
fn senders_of(extensions: &[Extension]) -> Result<Vec<ExternalSender>> {
    match extensions
        .iter()
        .find(|e| e.extension_type == EXT_EXTERNAL_SENDERS)
    {
        None => Ok(Vec::new()),
        Some(e) => match e.value() {
            Ok(ExtensionValue::ExternalSenders(list)) => Ok(list),
            Ok(_) => Ok(Vec::new()),
            Err(error) => Err(WorkspaceError::malformed(
                "external_senders extension",
                error,
            )),
        },
    }
}

/// The rows of the `external_senders` extension in `extensions`.
pub(super) fn sender_rows(cs: CipherSuite, extensions: &[Extension]) -> Vec<ExternalSenderRow> {
    senders_of(extensions)
        .unwrap_or_default()
        .iter()
        .zip(0u32..)
        .map(|(s, index)| ExternalSenderRow {
            index,
            identity: credential_text(&s.credential),
            signature_key_hex: hex::encode(s.signature_key.as_slice()),
            fingerprint: hex::encode(
                P.hash(cs, s.signature_key.as_slice())
                    .get(..8)
                    .unwrap_or_default(),
            ),
        })
        .collect()
}

/// The rows of the `external_senders` extension in `extensions`, for a
/// group this workspace may not be in (the window's view of a GroupInfo).
pub fn external_sender_rows(cs: CipherSuite, extensions: &[Extension]) -> Vec<ExternalSenderRow> {
    sender_rows(cs, extensions)
}

/// A non-member sender as text, with the names the group knows:
/// `external sender #N (<identity>)`, `new member`.
pub(super) fn sender_text(group: &Group, sender: Sender) -> String {
    match sender {
        Sender::External(index) => {
            let name = senders_of(&group.context().extensions)
                .ok()
                .and_then(|list| {
                    list.get(index as usize)
                        .map(|s| credential_text(&s.credential))
                });
            match name {
                Some(name) => format!("external sender #{index} ({name})"),
                None => format!("external sender #{index} (not listed)"),
            }
        }
        Sender::NewMemberProposal => String::from("new member"),
        other => describe_sender(other),
    }
}

/// `extensions` with the `external_senders` entry replaced by `senders`
/// (in place), added at the end, or removed when `senders` is empty.
fn with_senders(extensions: &[Extension], senders: &[ExternalSender]) -> Result<Vec<Extension>> {
    let mut out: Vec<Extension> = Vec::with_capacity(extensions.len().saturating_add(1));
    let new = if senders.is_empty() {
        None
    } else {
        Some(
            Extension::new(EXT_EXTERNAL_SENDERS, &senders.to_vec())
                .map_err(|e| WorkspaceError::from(mls_core::group::GroupError::Encode(e)))?,
        )
    };
    let mut placed = false;
    for e in extensions {
        if e.extension_type == EXT_EXTERNAL_SENDERS {
            if let Some(n) = &new {
                out.push(n.clone());
            }
            placed = true;
        } else {
            out.push(e.clone());
        }
    }
    if !placed && let Some(n) = new {
        out.push(n);
    }
    Ok(out)
}

/// Refuses a sender listed twice (same signature key).
fn check_unique(senders: &[ExternalSender]) -> Result<()> {
    for (i, s) in senders.iter().enumerate() {
        if let Some(j) = senders
            .iter()
            .take(i)
            .position(|o| o.signature_key == s.signature_key)
        {
            return Err(WorkspaceError::Invalid(format!(
                "{} is already external sender #{j}",
                credential_text(&s.credential)
            )));
        }
    }
    Ok(())
}

/// Checks the GroupInfo's signature with its signer's key from the ratchet
/// tree: the GroupInfo's own `ratchet_tree` extension, or else `supplied`
/// (a tree sent out of band, which must hash to the GroupInfo's
/// `tree_hash`). Refuses a GroupInfo without either: its signature could
/// not be checked.
fn check_group_info(
    cs: CipherSuite,
    info: &GroupInfo,
    supplied: Option<&[u8]>,
) -> Result<Option<RatchetTree>> {
    let embedded = info
        .extensions
        .iter()
        .find(|e| e.extension_type == EXT_RATCHET_TREE);
    let tree = match (embedded, supplied) {
        (Some(ext), _) => RatchetTree::decode_exact(ext.extension_data.as_slice())
            .map_err(|error| WorkspaceError::malformed("GroupInfo ratchet_tree", error))?,
        (None, Some(bytes)) => {
            let tree = RatchetTree::decode_exact(bytes)
                .map_err(|error| WorkspaceError::malformed("ratchet tree", error))?;
            let hash = Tree::from_wire(cs, &tree)
                .and_then(|mut t| t.root_hash(&P))
                .map_err(mls_core::group::GroupError::from)?;
            if hash != info.group_context.tree_hash.as_slice() {
                return Err(WorkspaceError::Invalid(String::from(
                    "the ratchet tree given is not the GroupInfo's: its tree hash differs from the GroupInfo's tree_hash",
                )));
            }
            tree
        }
        (None, None) => {
            return Err(WorkspaceError::Invalid(String::from(
                "the GroupInfo carries no ratchet_tree extension, so its signer's key and signature cannot be checked: give the tree with --ratchet-tree (or export the GroupInfo without --ratchet-tree-out)",
            )));
        }
    };
    let signer = info.signer;
    let key = match tree.0.get((signer as usize).saturating_mul(2)) {
        Some(Some(Node::Leaf(leaf))) => SignaturePublicKey(leaf.signature_key.0.clone()),
        _ => {
            return Err(WorkspaceError::Invalid(format!(
                "the GroupInfo's signer (leaf {signer}) is not in its ratchet tree"
            )));
        }
    };
    verify_group_info(&P, cs, info, &key).map_err(mls_core::group::GroupError::from)?;
    Ok(Some(tree))
}

/// The member's credential at `leaf` in a wire tree.
fn leaf_credential(tree: &RatchetTree, leaf: u32) -> Option<String> {
    match tree.0.get((leaf as usize).saturating_mul(2)) {
        Some(Some(Node::Leaf(l))) => Some(credential_text(&l.credential)),
        _ => None,
    }
}

impl Workspace {
    /// The public part of an identity as a file: the TLS-encoded
    /// `ExternalSender { signature_key, credential }` (§12.1.8.1), what a
    /// group lists in `external_senders`.
    pub fn identity_export(&self, identity: IdentityKey) -> Result<Vec<u8>> {
        let (record, _, credential) = self.signer(identity)?;
        encode(&ExternalSender {
            signature_key: VlBytes(record.signature_public),
            credential,
        })
    }

    /// The group context extensions of `key` with its `external_senders`
    /// changed: the entries at `remove` (indices before the change) taken
    /// out, then the identity files `add` appended. Other extensions are
    /// kept as they are. Refuses an unknown index, a sender listed twice
    /// and a signature key of another suite's scheme.
    pub fn external_senders_changed(
        &self,
        key: GroupKey,
        add: &[Vec<u8>],
        remove: &[u32],
    ) -> Result<Vec<Extension>> {
        if add.is_empty() && remove.is_empty() {
            return Err(WorkspaceError::Invalid(String::from(
                "give an external sender to add or the index of one to remove",
            )));
        }
        let group = self.load(key)?.group;
        let current = senders_of(&group.context().extensions)?;
        for index in remove {
            if *index as usize >= current.len() {
                return Err(WorkspaceError::Invalid(format!(
                    "group {key} has no external sender #{index} ({} listed)",
                    current.len()
                )));
            }
        }
        let mut senders: Vec<ExternalSender> = current
            .into_iter()
            .zip(0u32..)
            .filter(|(_, i)| !remove.contains(i))
            .map(|(s, _)| s)
            .collect();
        for bytes in add {
            let sender = parse_external_sender(bytes)?;
            check_sender_key(group.cipher_suite(), &sender)?;
            senders.push(sender);
        }
        check_unique(&senders)?;
        with_senders(&group.context().extensions, &senders)
    }

    /// Stages a GroupContextExtensions commit changing the group's
    /// `external_senders` ([`Workspace::external_senders_changed`]); apply
    /// or discard it as any commit.
    pub fn group_extensions(
        &self,
        key: GroupKey,
        add: &[Vec<u8>],
        remove: &[u32],
    ) -> Result<LocalCommit> {
        let extensions = self.external_senders_changed(key, add, remove)?;
        self.commit_with(
            key,
            &CommitRequest {
                extensions: Some(extensions),
                ..CommitRequest::default()
            },
        )
    }

    /// The `external_senders` extension given at create, from identity
    /// files; `None` for none.
    pub(super) fn external_senders_extension(
        cs: CipherSuite,
        files: &[Vec<u8>],
    ) -> Result<Option<Extension>> {
        if files.is_empty() {
            return Ok(None);
        }
        let senders = files
            .iter()
            .map(|b| {
                let s = parse_external_sender(b)?;
                check_sender_key(cs, &s)?;
                Ok(s)
            })
            .collect::<Result<Vec<_>>>()?;
        check_unique(&senders)?;
        Ok(with_senders(&[], &senders)?.into_iter().next())
    }

    /// Signs `proposal` as external sender `sender_index` of the group the
    /// GroupInfo (`MLSMessage` or bare) describes, for its epoch. The
    /// GroupInfo's signature is checked with its signer's key from its
    /// ratchet tree (its extension, or `ratchet_tree` given out of band);
    /// `identity` must be the sender listed at that index.
    pub fn external_propose(
        &self,
        identity: IdentityKey,
        group_info: &[u8],
        ratchet_tree: Option<&[u8]>,
        sender_index: u32,
        proposal: &ExternalProposal,
    ) -> Result<ExternalProposalSent> {
        let info = parse_group_info(group_info)?;
        let (record, sk, credential) = self.signer(identity)?;
        let cs = suite(info.group_context.cipher_suite)?;
        check_signature_suite(&record, suite(record.cipher_suite)?, cs)?;
        let tree = check_group_info(cs, &info, ratchet_tree)?;
        let senders = senders_of(&info.group_context.extensions)?;
        let group_id_hex = hex::encode(info.group_context.group_id.as_slice());
        let listed = senders.get(sender_index as usize).ok_or_else(|| {
            WorkspaceError::Invalid(format!(
                "group {group_id_hex} has no external sender #{sender_index} ({} listed)",
                senders.len()
            ))
        })?;
        if listed.signature_key.as_slice() != record.signature_public.as_slice()
            || listed.credential != credential
        {
            return Err(WorkspaceError::Invalid(format!(
                "identity {} is not external sender #{sender_index} of group {group_id_hex} (that is {})",
                record.name,
                credential_text(&listed.credential)
            )));
        }
        let (proposal, what) = match proposal {
            ExternalProposal::Remove(leaf) => {
                let name = tree.as_ref().and_then(|t| leaf_credential(t, *leaf));
                let Some(name) = name else {
                    return Err(WorkspaceError::Invalid(format!(
                        "group {group_id_hex} has no member at leaf {leaf}"
                    )));
                };
                (
                    Proposal::Remove { removed: *leaf },
                    format!("remove leaf {leaf} ({name})"),
                )
            }
            ExternalProposal::Add(bytes) => {
                let key_package = parse_key_package(bytes)?;
                check_key_package(cs, &key_package)?;
                let identity = self.identity_provider()?;
                validate_key_package(&P, cs, &key_package, Some(now()), identity.as_ref())?;
                let what = format!("add {}", credential_text(&key_package.leaf_node.credential));
                (Proposal::Add { key_package }, what)
            }
        };
        let message = external_proposal(&P, &info.group_context, sender_index, &sk, proposal)?;
        Ok(ExternalProposalSent {
            message: encode(&message)?,
            group_id_hex,
            epoch: info.group_context.epoch,
            sender: format!(
                "external sender #{sender_index} ({})",
                credential_text(&listed.credential)
            ),
            what,
            key_package_hex: None,
        })
    }

    /// A new member's proposal to add itself (sender
    /// `new_member_proposal`) to the group the GroupInfo describes: a fresh
    /// key package of the group's suite for `identity`, stored with its
    /// private keys (so [`Workspace::join`] takes the Welcome of the commit
    /// that covers the proposal), and the proposal signed with it.
    pub fn external_join_proposal(
        &self,
        identity: IdentityKey,
        group_info: &[u8],
        ratchet_tree: Option<&[u8]>,
    ) -> Result<ExternalProposalSent> {
        let info = parse_group_info(group_info)?;
        let (record, sk, credential) = self.signer(identity)?;
        let cs = suite(info.group_context.cipher_suite)?;
        check_signature_suite(&record, suite(record.cipher_suite)?, cs)?;
        check_group_info(cs, &info, ratchet_tree)?;
        self.check_not_member(info.group_context.group_id.as_slice(), &record)?;
        let bundle = KeyPackageBundle::generate(
            &P,
            cs,
            credential,
            sk.clone(),
            KEY_PACKAGE_LIFETIME,
            Vec::new(),
        )?;
        let reference = bundle.reference(&P)?;
        let what = format!(
            "add {}",
            credential_text(&bundle.key_package.leaf_node.credential)
        );
        let message =
            new_member_proposal(&P, &info.group_context, bundle.key_package.clone(), &sk)?;
        let message = encode(&message)?;
        let (_, not_after) = lifetime(&bundle.key_package);
        self.store.insert_key_package(&NewKeyPackage {
            reference: reference.clone(),
            identity,
            cipher_suite: cs.id(),
            message: encode(&MlsMessage::new(MlsMessageBody::KeyPackage(
                bundle.key_package.clone(),
            )))?,
            secrets: KeyPackageSecrets {
                init_private: bundle.init_private.0.clone(),
                encryption_private: bundle.encryption_private.0.clone(),
            },
            not_after,
        })?;
        Ok(ExternalProposalSent {
            message,
            group_id_hex: hex::encode(info.group_context.group_id.as_slice()),
            epoch: info.group_context.epoch,
            sender: String::from("new member"),
            what,
            key_package_hex: Some(hex::encode(&reference)),
        })
    }
}

/// Refuses a key package of another suite than the group's.
fn check_key_package(cs: CipherSuite, kp: &mls_core::messages::KeyPackage) -> Result<()> {
    if kp.cipher_suite != cs.id() {
        return Err(WorkspaceError::Invalid(format!(
            "the key package is for suite {} ({}), the group uses suite {} ({})",
            kp.cipher_suite,
            suite_name(kp.cipher_suite),
            cs.id(),
            suite_name(cs.id())
        )));
    }
    Ok(())
}

/// Refuses an external sender whose signature key is not a key of the
/// group suite's signature scheme (the key is parsed by verifying an
/// empty signature with it: a malformed key fails differently from a
/// wrong signature).
fn check_sender_key(cs: CipherSuite, sender: &ExternalSender) -> Result<()> {
    let key = SignaturePublicKey(sender.signature_key.0.clone());
    match P.verify(cs, &key, b"", &[]) {
        Err(e @ CryptoError::MalformedSignatureKey { .. }) => {
            Err(WorkspaceError::Invalid(format!(
                "external sender {} cannot sign in suite {} ({}): {e}",
                credential_text(&sender.credential),
                cs.id(),
                cs.name()
            )))
        }
        _ => Ok(()),
    }
}
