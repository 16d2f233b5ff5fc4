//! The one Commit action of the Overview: what it will contain (queued key
//! packages to add, members chosen for removal, the pending proposals by
//! reference, stored PSKs, a path or not), and its button text.

use crate::workspace::{KeyPackageInfo, ProposalRow};

/// The user's choices for the next commit (kept across frames).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct CommitChoice {
    /// Leaves ticked for removal in the members table.
    pub(super) remove: std::collections::BTreeSet<u32>,
    /// "with update path" (when the RFC does not require one anyway).
    pub(super) path: bool,
    /// "include PSKs": inject every external PSK stored in the workspace.
    pub(super) psks: bool,
}

/// What the Commit button will stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct CommitPlan {
    /// Key packages to add, by value.
    pub(super) add: Vec<Vec<u8>>,
    /// Leaves to remove, by value.
    pub(super) remove: Vec<u32>,
    /// External PSK ids to inject, by value.
    pub(super) psks: Vec<Vec<u8>>,
    /// Pending proposals the commit covers by reference.
    pub(super) by_reference: usize,
    /// Whether the commit carries an UpdatePath.
    pub(super) path: bool,
    /// Why the RFC requires the path (the checkbox is then forced on).
    pub(super) path_required: Option<String>,
}

/// Why RFC 9420 §12.4 requires a path for a commit with these proposals
/// (`None`: it is optional). Pending proposals this member's commit leaves
/// out (its own Updates) do not count.
fn path_reason(
    adds: usize,
    removes: usize,
    psks: usize,
    pending: &[&ProposalRow],
) -> Option<String> {
    if removes > 0 {
        return Some(String::from(
            "required: the commit removes members (RFC 9420 §12.4)",
        ));
    }
    if let Some(p) = pending.iter().find(|p| {
        matches!(
            p.kind,
            "update" | "remove" | "group_context_extensions" | "external_init"
        )
    }) {
        return Some(format!(
            "required: it covers a pending {} proposal (RFC 9420 §12.4)",
            p.kind
        ));
    }
    if adds == 0 && psks == 0 && pending.is_empty() {
        return Some(String::from(
            "required: a commit without proposals carries a path (RFC 9420 §12.4)",
        ));
    }
    None
}

impl CommitPlan {
    /// The commit `choice` makes with the key packages `queue`, the
    /// epoch's pending `proposals`, the `members`' leaves (choices for
    /// leaves no longer in the group are dropped) and the workspace's
    /// stored PSK ids.
    pub(super) fn new(
        choice: &CommitChoice,
        queue: &[KeyPackageInfo],
        proposals: &[ProposalRow],
        members: &[u32],
        stored_psks: &[Vec<u8>],
    ) -> Self {
        let pending: Vec<&ProposalRow> = proposals
            .iter()
            .filter(|p| !p.left_out_by_own_commit)
            .collect();
        let add: Vec<Vec<u8>> = queue.iter().map(|k| k.bytes.clone()).collect();
        let remove: Vec<u32> = choice
            .remove
            .iter()
            .copied()
            .filter(|l| members.contains(l))
            .collect();
        let psks = if choice.psks {
            stored_psks.to_vec()
        } else {
            Vec::new()
        };
        let path_required = path_reason(add.len(), remove.len(), psks.len(), &pending);
        CommitPlan {
            path: choice.path || path_required.is_some(),
            add,
            remove,
            psks,
            by_reference: pending.len(),
            path_required,
        }
    }

    /// The button text, e.g. `Commit: add 2, remove 1, path`.
    pub(super) fn label(&self) -> String {
        let mut parts = Vec::new();
        if !self.add.is_empty() {
            parts.push(format!("add {}", self.add.len()));
        }
        if !self.remove.is_empty() {
            parts.push(format!("remove {}", self.remove.len()));
        }
        if !self.psks.is_empty() {
            parts.push(format!("psk {}", self.psks.len()));
        }
        if self.by_reference > 0 {
            parts.push(crate::text::plural(self.by_reference, "proposal"));
        }
        if self.path {
            parts.push(String::from("path"));
        }
        if parts.is_empty() {
            String::from("Commit")
        } else {
            format!("Commit: {}", parts.join(", "))
        }
    }
}
