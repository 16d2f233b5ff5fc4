//! Proposals (RFC 9420 §12.1): making one for the current epoch, and
//! listing the epoch's pending proposals (made here or received), which
//! the next commit of this member covers by reference.
//!
//! No table of their own: the group's stored state keeps them
//! (`mls_core::group::Group::pending_proposals`), so they live and die
//! with the epoch.

use mls_core::codec::VlBytes;
use mls_core::framing::Sender;
use mls_core::group::{Group, now, validate_key_package};
use mls_core::messages::{Extension, PreSharedKeyId, Proposal, Psk};

use super::resumption::{ReInitRequest, reinit_proposal};
use super::snapshot::snapshot;
use super::store::NewMessage;
use super::summary::{credential_text, extension_name};
use super::{
    Direction, GroupKey, Loaded, MessageKind, P, Result, Workspace, WorkspaceError, encode,
    parse_key_package, suite_name,
};

/// What to propose ([`Workspace::propose`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProposalRequest {
    /// Add the member of this key package (`MLSMessage` or bare bytes).
    Add(Vec<u8>),
    /// Remove the member at this leaf.
    Remove(u32),
    /// Update this member's leaf with a fresh encryption key.
    Update,
    /// Inject the external PSK with this id (stored with `psk add`).
    ExternalPsk(Vec<u8>),
    /// Inject this group's resumption PSK of an epoch (the current one or
    /// a kept earlier one).
    ResumptionPsk(u64),
    /// Change the group context extensions (GroupContextExtensions, §12.1.7):
    /// the current list with `set` added or replaced (type, data) and
    /// `unset` removed.
    Extensions {
        /// Extensions to add or replace, by type.
        set: Vec<(u16, Vec<u8>)>,
        /// Extension types to remove.
        unset: Vec<u16>,
    },
    /// Re-initialise the group (ReInit, §11.2): a commit covering it
    /// closes the group.
    ReInit(ReInitRequest),
}

/// A pending proposal of the current epoch, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalRow {
    /// The `ProposalRef`, hex: what a commit names it by.
    pub reference_hex: String,
    /// The proposing member's leaf (none for external senders).
    pub sender_leaf: Option<u32>,
    /// The sender as text: identity and leaf, or the external sender.
    pub sender: String,
    /// Whether this member made it.
    pub own: bool,
    /// The proposal type: `add`, `update`, `remove`, `psk`, `reinit`,
    /// `external_init`, `group_context_extensions`.
    pub kind: &'static str,
    /// What it does, e.g. `add bob (suite 1)`, `remove leaf 2 (carol)`.
    pub what: String,
    /// A commit by this member leaves it out (its own Update: the commit's
    /// path replaces it, §12.2).
    pub left_out_by_own_commit: bool,
}

/// A proposal made by [`Workspace::propose`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalSent {
    /// The group row.
    pub group: GroupKey,
    /// The epoch it is for.
    pub epoch: u64,
    /// The proposal message (`MLSMessage` bytes): send it to the members.
    pub message: Vec<u8>,
    /// The proposal as listed by [`Workspace::proposals`].
    pub row: ProposalRow,
}

fn kind_name(proposal: &Proposal) -> &'static str {
    match proposal {
        Proposal::Add { .. } => "add",
        Proposal::Update { .. } => "update",
        Proposal::Remove { .. } => "remove",
        Proposal::PreSharedKey { .. } => "psk",
        Proposal::ReInit(_) => "reinit",
        Proposal::ExternalInit { .. } => "external_init",
        Proposal::GroupContextExtensions { .. } => "group_context_extensions",
        Proposal::Unknown { .. } => "unknown",
    }
}

/// What a proposal does, with the names the group knows.
fn what_text(group: &Group, proposal: &Proposal) -> String {
    match proposal {
        Proposal::Add { key_package } => format!(
            "add {} (suite {})",
            credential_text(&key_package.leaf_node.credential),
            key_package.cipher_suite
        ),
        Proposal::Remove { removed } => match group.member_credential(*removed) {
            Some(c) => format!("remove leaf {removed} ({})", credential_text(c)),
            None => format!("remove leaf {removed} (no member there)"),
        },
        Proposal::Update { .. } => String::from("update"),
        Proposal::PreSharedKey { psk } => match &psk.psk {
            Psk::External { psk_id } => {
                format!("psk external {}", hex::encode(psk_id.as_slice()))
            }
            Psk::Resumption {
                psk_group_id,
                psk_epoch,
                ..
            } if psk_group_id.as_slice() == group.group_id() => {
                format!("psk resumption epoch {psk_epoch}")
            }
            Psk::Resumption {
                psk_group_id,
                psk_epoch,
                ..
            } => format!(
                "psk resumption of group {} epoch {psk_epoch}",
                hex::encode(psk_group_id.as_slice())
            ),
        },
        Proposal::GroupContextExtensions { extensions } => format!(
            "extensions [{}]",
            extensions
                .iter()
                .map(|e| format!(
                    "{} ({} bytes)",
                    extension_name(e.extension_type),
                    e.extension_data.as_slice().len()
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => super::describe_proposal(other),
    }
}

fn sender_text(group: &Group, sender: Sender) -> String {
    match sender {
        Sender::Member(leaf) => match group.member_credential(leaf) {
            Some(c) => format!("{} (leaf {leaf})", credential_text(c)),
            None => format!("leaf {leaf}"),
        },
        other => super::external::sender_text(group, other),
    }
}

/// The pending proposals of `group`, for display.
pub(super) fn rows(group: &Group) -> Vec<ProposalRow> {
    let own = group.own_leaf();
    group
        .pending_proposals()
        .map(|view| {
            let sender = view.proposal.sender;
            let is_own = sender == Sender::Member(own);
            let proposal = &view.proposal.proposal;
            ProposalRow {
                reference_hex: hex::encode(view.reference),
                sender_leaf: match sender {
                    Sender::Member(leaf) => Some(leaf),
                    _ => None,
                },
                sender: sender_text(group, sender),
                own: is_own,
                kind: kind_name(proposal),
                what: what_text(group, proposal),
                left_out_by_own_commit: is_own && matches!(proposal, Proposal::Update { .. }),
            }
        })
        .collect()
}

/// The PSK a proposal injects, if any.
fn psk_of(proposal: &Proposal) -> Option<&PreSharedKeyId> {
    match proposal {
        Proposal::PreSharedKey { psk } => Some(psk),
        _ => None,
    }
}

/// The proposal `request` asks for, checked before it is signed; `None`
/// for an Update (made by `Group::propose_update`, which keeps its key).
fn build(
    ws: &Workspace,
    key: GroupKey,
    group: &Group,
    request: &ProposalRequest,
) -> Result<Option<Proposal>> {
    Ok(Some(match request {
        ProposalRequest::Update => return Ok(None),
        ProposalRequest::Add(bytes) => {
            let key_package = parse_key_package(bytes)?;
            let cs = group.cipher_suite();
            if key_package.cipher_suite != cs.id() {
                return Err(WorkspaceError::Invalid(format!(
                    "the key package is for suite {} ({}), group {key} uses suite {} ({})",
                    key_package.cipher_suite,
                    suite_name(key_package.cipher_suite),
                    cs.id(),
                    suite_name(cs.id())
                )));
            }
            let identity = ws.identity_provider()?;
            validate_key_package(&P, cs, &key_package, Some(now()), identity.as_ref())?;
            Proposal::Add { key_package }
        }
        ProposalRequest::Remove(leaf) => {
            if group.member_credential(*leaf).is_none() {
                return Err(WorkspaceError::Invalid(format!(
                    "group {key} has no member at leaf {leaf}"
                )));
            }
            Proposal::Remove { removed: *leaf }
        }
        ProposalRequest::ExternalPsk(id) => group.external_psk_proposal(&P, id)?,
        ProposalRequest::ResumptionPsk(epoch) => group.resumption_psk_proposal(&P, *epoch)?,
        ProposalRequest::ReInit(request) => reinit_proposal(group, request)?,
        ProposalRequest::Extensions { set, unset } => {
            let proposal = extensions_proposal(key, group, set, unset)?;
            // The members must support the new list (§12.1.7, checked when a
            // commit covers it): refuse now, on a copy, rather than leave a
            // proposal no commit can cover.
            group.clone().commit(&P, vec![proposal.clone()], false)?;
            proposal
        }
    }))
}

/// A GroupContextExtensions proposal: the group's extensions with `set`
/// added or replaced and `unset` removed.
fn extensions_proposal(
    key: GroupKey,
    group: &Group,
    set: &[(u16, Vec<u8>)],
    unset: &[u16],
) -> Result<Proposal> {
    if set.is_empty() && unset.is_empty() {
        return Err(WorkspaceError::Invalid(String::from(
            "give the extensions to set or to unset",
        )));
    }
    let mut extensions = group.context().extensions.clone();
    for t in unset {
        let before = extensions.len();
        extensions.retain(|e| e.extension_type != *t);
        if extensions.len() == before {
            return Err(WorkspaceError::Invalid(format!(
                "group {key} has no group context extension of type {t}"
            )));
        }
    }
    for (t, data) in set {
        if set.iter().filter(|(other, _)| other == t).count() > 1 {
            return Err(WorkspaceError::Invalid(format!(
                "extension type {t} is set more than once"
            )));
        }
        let new = Extension {
            extension_type: *t,
            extension_data: VlBytes(data.clone()),
        };
        match extensions.iter_mut().find(|e| e.extension_type == *t) {
            Some(existing) => *existing = new,
            None => extensions.push(new),
        }
    }
    Ok(Proposal::GroupContextExtensions { extensions })
}

impl Workspace {
    /// Makes a proposal for the group's current epoch, framed as the
    /// group's commits are (PublicMessage, or PrivateMessage with an
    /// encrypted handshake), and keeps it as pending: the next commit of
    /// this member covers it by reference. Refused while a commit is
    /// pending, and for a PSK whose secret the workspace lacks (naming it);
    /// a refusal changes nothing.
    pub fn propose(&self, key: GroupKey, request: &ProposalRequest) -> Result<ProposalSent> {
        self.retrying(|| self.propose_once(key, request))
    }

    fn propose_once(&self, key: GroupKey, request: &ProposalRequest) -> Result<ProposalSent> {
        let Loaded {
            mut group,
            revision,
            ..
        } = self.load_unstaged(key)?;
        let before = group.pending_proposals().count();
        let message = match build(self, key, &group, request)? {
            None => group.propose_update(&P)?,
            Some(proposal) => group.propose(&P, proposal)?,
        };
        let bytes = encode(&message)?;
        self.store.update_group_state(
            key,
            revision,
            &snapshot(&group)?,
            &[NewMessage::handshake(
                Direction::Out,
                MessageKind::Proposal,
                Some(group.epoch()),
                Some(group.own_leaf()),
                bytes.clone(),
            )],
        )?;
        let row = rows(&group)
            .into_iter()
            .nth(before)
            .ok_or_else(|| WorkspaceError::Invalid(String::from("the proposal was not kept")))?;
        Ok(ProposalSent {
            group: key,
            epoch: group.epoch(),
            message: bytes,
            row,
        })
    }

    /// The group's pending proposals of the current epoch (made here or
    /// received), in the order they came.
    pub fn proposals(&self, key: GroupKey) -> Result<Vec<ProposalRow>> {
        Ok(rows(&self.load(key)?.group))
    }

    /// Fails with the PSK named unless the group can resolve the PSK a
    /// received `proposal` injects (used by `receive` before keeping it).
    pub(super) fn check_proposal_psk(group: &Group, proposal: &Proposal) -> Result<()> {
        if let Some(id) = psk_of(proposal) {
            group.check_psks(&P, std::slice::from_ref(id))?;
        }
        Ok(())
    }
}
