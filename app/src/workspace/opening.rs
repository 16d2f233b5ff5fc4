//! Opening a group in the window: what the Groups panel shows of it (the
//! current epoch in detail, the pending proposals, the candidate commits
//! and the ratchet tree), read with one decode of the stored state.
//!
//! [`Workspace::group_show`], [`Workspace::proposals`],
//! [`Workspace::commit_candidates`] and [`Workspace::epoch_tree`] each
//! decode the group's state (or its stored tree) and hash its tree again:
//! for a 30,000-member group that is most of the time an opening takes.

use mls_core::tree::Tree;

use super::proposals::rows;
use super::{
    Candidates, GroupDetails, GroupKey, GroupRow, GroupStatus, ProposalRow, Result, Workspace,
};

/// A group as the window opens it ([`Workspace::group_open`]).
#[derive(Debug, Clone)]
pub struct OpenedGroup {
    /// The list row.
    pub row: GroupRow,
    /// The current epoch in detail ([`Workspace::group_show`]; `None` once
    /// this member was removed).
    pub details: Option<GroupDetails>,
    /// The epoch's pending proposals ([`Workspace::proposals`]; none once
    /// removed).
    pub proposals: Vec<ProposalRow>,
    /// The candidate commits ([`Workspace::commit_candidates`]; `None` once
    /// removed).
    pub candidates: Option<Candidates>,
    /// The current epoch's ratchet tree, its tree hashes computed (for a
    /// removed member: the tree of the last epoch stored).
    pub tree: Tree,
}

impl Workspace {
    /// Everything the Groups panel shows of a group when it is opened, the
    /// same values as [`Workspace::group_show`], [`Workspace::proposals`],
    /// [`Workspace::commit_candidates`] and [`Workspace::epoch_tree`] of
    /// the row's epoch, with the group's state decoded (and its tree
    /// hashed) once.
    pub fn group_open(&self, key: GroupKey) -> Result<OpenedGroup> {
        let row = self.group_row(key)?;
        if row.status != GroupStatus::Active {
            let tree = self.epoch_tree(key, row.epoch)?;
            return Ok(OpenedGroup {
                row,
                details: None,
                proposals: Vec::new(),
                candidates: None,
                tree,
            });
        }
        let loaded = self.load(key)?;
        let group = &loaded.group;
        let details = self.details_of(key, group)?;
        let proposals = rows(group);
        let candidates = self.candidates_of(key, loaded.record.epoch, Some(group))?;
        // Decoding the state computed every tree hash (checked against the
        // context): the clone keeps them.
        let tree = group.tree().clone();
        Ok(OpenedGroup {
            row,
            details: Some(details),
            proposals,
            candidates: Some(candidates),
            tree,
        })
    }
}
