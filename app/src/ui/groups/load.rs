//! Reading a group with its trees (runs in background jobs).

use mls_core::crypto::RustCrypto;
use mls_core::tree::Tree;

use super::state::{GroupSnapshot, Loaded};
use crate::ui::tree_view::TreeViewModel;
use crate::workspace::{GroupKey, GroupStatus, Workspace, WorkspaceError};

pub(super) fn model_of(mut tree: Tree, own_leaf: Option<u32>) -> TreeViewModel {
    // Fills the hash cache so the node details show tree hashes; a tree
    // that cannot be hashed is still drawn.
    let _ = tree.root_hash(&RustCrypto);
    TreeViewModel::from_tree(&tree, own_leaf)
}

pub(super) fn load_group(ws: &Workspace, key: GroupKey) -> Result<Loaded, WorkspaceError> {
    // The details, proposals, candidates and tree from one decode of the
    // group's state (its tree hashes computed by that decode).
    let opened = ws.group_open(key)?;
    let row = opened.row;
    let active = row.status == GroupStatus::Active;
    let details = opened.details;
    let proposals = opened.proposals;
    let candidates = opened.candidates;
    let stored_psks = ws.psks()?.into_iter().map(|p| p.psk_id).collect();
    let history = ws.history(key)?;
    let messages = ws.messages(Some(key))?;
    let own = active.then_some(row.own_leaf);
    let tree = model_of(opened.tree, own);
    let pending_tree = match details.as_ref().and_then(|d| d.pending.as_ref()) {
        Some(preview) => ws.pending_tree(key)?.map(|t| {
            let own = (!preview.self_removed).then_some(row.own_leaf);
            let mut model = model_of(t, own);
            model.set_changed(preview.changed_nodes.iter().copied());
            model
        }),
        None => None,
    };
    Ok(Loaded {
        snapshot: GroupSnapshot {
            row,
            details,
            history,
            messages,
            proposals,
            candidates,
            stored_psks,
        },
        tree,
        pending_tree,
    })
}

/// The tree of `epoch`, with the nodes that differ from the epoch before
/// marked changed.
pub(super) fn load_epoch_tree(
    ws: &Workspace,
    key: GroupKey,
    epoch: u64,
    own_leaf: Option<u32>,
) -> Result<TreeViewModel, WorkspaceError> {
    let mut model = model_of(ws.epoch_tree(key, epoch)?, own_leaf);
    if let Some(before) = epoch
        .checked_sub(1)
        .and_then(|e| ws.epoch_tree(key, e).ok())
    {
        let changed = model.diff(&TreeViewModel::from_tree(&before, None));
        model.set_changed(changed);
    }
    Ok(model)
}
