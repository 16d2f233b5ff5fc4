//! The rows a group state becomes in the file: its current state columns,
//! the history row of its epoch, the tree nodes a commit changes.

use mls_core::codec::Encode as _;
use mls_core::group::{Group, GroupError, StagedCommit, now};
use mls_core::tree::Tree;

use super::store::{
    Direction, EpochRecord, GroupState, MessageKind, NewMessage, NewPending, Origin,
};
use super::summary::{EpochCause, Summary, members_of};
use super::types::Result;

/// The indices of the nodes whose content differs between two trees
/// (a node present in only one of them counts as changed), ascending.
pub(crate) fn changed_nodes(old: &Tree, new: &Tree) -> Vec<u32> {
    let n = old.size().nodes().max(new.size().nodes());
    (0..n).filter(|&i| old.node(i) != new.node(i)).collect()
}

/// The row columns of a group's current state.
pub(crate) fn snapshot(group: &Group) -> Result<GroupState> {
    let member_count = u32::try_from(group.tree().members().count()).unwrap_or(u32::MAX);
    Ok(GroupState {
        state: group.to_bytes()?,
        epoch: group.epoch(),
        own_leaf: group.own_leaf(),
        member_count,
    })
}

/// The history row of a group's current epoch.
pub(crate) fn epoch_record(group: &Group, summary: Summary, time: u64) -> Result<EpochRecord> {
    Ok(EpochRecord {
        epoch: group.epoch(),
        time,
        committer: summary.committer,
        summary,
        epoch_authenticator: group.epoch_authenticator().to_vec(),
        tree_hash: group.context().tree_hash.0.clone(),
        members: members_of(group.tree()),
        ratchet_tree: group
            .tree()
            .to_wire()
            .to_bytes()
            .map_err(GroupError::Encode)?,
    })
}

/// The pending row an incoming commit's staged state becomes.
pub(super) fn incoming_pending(
    group: &Group,
    staged: &StagedCommit,
    external: bool,
    message: &[u8],
) -> Result<NewPending> {
    let cause = if external {
        EpochCause::ExternalCommit
    } else {
        EpochCause::Commit
    };
    let next = staged.next_state();
    let self_removed = staged.summary.self_removed;
    let summary = Summary::from_commit(&staged.summary, cause);
    let mut next_epoch = epoch_record(next, summary, now())?;
    if self_removed {
        // A removed member cannot derive the new epoch's secrets.
        next_epoch.epoch_authenticator.clear();
    }
    Ok(NewPending {
        origin: Origin::Incoming,
        base_epoch: group.epoch(),
        message: message.to_vec(),
        welcome: None,
        group_info: None,
        next_state: snapshot(next)?,
        changed_nodes: changed_nodes(group.tree(), next.tree()),
        next_epoch,
        self_removed,
        current_state: None,
    })
}

/// The message rows of a commit this member made: the commit (for
/// `commit_epoch`) and, when there are, its Welcome and GroupInfo (for the
/// epoch it leads to).
pub(super) fn outgoing_commit(
    own: u32,
    commit_epoch: u64,
    next_epoch: u64,
    commit: &[u8],
    welcome: Option<&Vec<u8>>,
    group_info: Option<&Vec<u8>>,
) -> Vec<NewMessage> {
    let mut messages = vec![NewMessage::handshake(
        Direction::Out,
        MessageKind::Commit,
        Some(commit_epoch),
        Some(own),
        commit.to_vec(),
    )];
    for (bytes, kind) in [
        (welcome, MessageKind::Welcome),
        (group_info, MessageKind::GroupInfo),
    ] {
        if let Some(bytes) = bytes {
            messages.push(NewMessage::handshake(
                Direction::Out,
                kind,
                Some(next_epoch),
                Some(own),
                bytes.clone(),
            ));
        }
    }
    messages
}
