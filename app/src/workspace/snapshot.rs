//! The rows a group state becomes in the file: its current state columns,
//! the history row of its epoch, the tree nodes a commit changes.

use mls_core::codec::Encode as _;
use mls_core::group::{Group, GroupError};
use mls_core::tree::Tree;

use super::store::{EpochRecord, GroupState};
use super::summary::{Summary, members_of};
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
