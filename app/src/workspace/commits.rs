//! Local commits: staging one as the group's pending commit, then
//! applying or discarding the pending commit (ours or received).

use mls_core::group::{Group, now};
use mls_core::messages::Proposal;

use super::snapshot::{changed_nodes, epoch_record, outgoing_commit, snapshot};
use super::store::{NewPending, PendingRecord, ReInitMark};
use super::{
    CommitRequest, EpochCause, EpochRow, GroupKey, Loaded, LocalCommit, Origin, P, Preview, Result,
    Summary, Workspace, WorkspaceError, encode, parse_key_package,
};

impl Workspace {
    /// A commit adding the given key packages (`MLSMessage` or bare bytes).
    pub fn commit_add(&self, key: GroupKey, key_packages: &[Vec<u8>]) -> Result<LocalCommit> {
        self.commit_with(
            key,
            &CommitRequest {
                add: key_packages.to_vec(),
                ..CommitRequest::default()
            },
        )
    }

    /// A commit removing the members at `leaves`.
    pub fn commit_remove(&self, key: GroupKey, leaves: &[u32]) -> Result<LocalCommit> {
        self.commit_with(
            key,
            &CommitRequest {
                remove: leaves.to_vec(),
                ..CommitRequest::default()
            },
        )
    }

    /// A commit with an UpdatePath that refreshes this member's keys.
    pub fn commit_update(&self, key: GroupKey) -> Result<LocalCommit> {
        self.commit_with(
            key,
            &CommitRequest {
                force_path: true,
                ..CommitRequest::default()
            },
        )
    }

    /// A commit of the proposals received this epoch (an empty commit,
    /// with a path, if there are none).
    pub fn commit(&self, key: GroupKey) -> Result<LocalCommit> {
        self.commit_with(key, &CommitRequest::default())
    }

    /// A commit with the given proposals (plus every proposal received
    /// this epoch), staged as the group's pending commit. Send the returned
    /// messages, then [`Workspace::apply`] (or [`Workspace::discard`]).
    pub fn commit_with(&self, key: GroupKey, request: &CommitRequest) -> Result<LocalCommit> {
        self.retrying(|| self.commit_once(key, request))
    }

    fn commit_once(&self, key: GroupKey, request: &CommitRequest) -> Result<LocalCommit> {
        let Loaded {
            group,
            revision,
            record,
        } = self.load_open(key)?;
        // A received commit is staged: ours competes with it (the
        // orchestrator chooses); a second commit of our own is refused.
        let competing = if record.has_pending {
            Some(self.pending_to_compete(key)?)
        } else {
            None
        };
        let mut proposals = Vec::new();
        for bytes in &request.add {
            proposals.push(Proposal::Add {
                key_package: parse_key_package(bytes)?,
            });
        }
        for leaf in &request.remove {
            proposals.push(Proposal::Remove { removed: *leaf });
        }
        for id in &request.psks {
            proposals.push(group.external_psk_proposal(&P, id)?);
        }
        if let Some(extensions) = &request.extensions {
            proposals.push(Proposal::GroupContextExtensions {
                extensions: extensions.clone(),
            });
        }
        self.stage_commit(
            key,
            group,
            revision,
            proposals,
            request.force_path,
            competing,
        )
    }

    /// Commits `proposals` by value (plus every proposal kept this epoch,
    /// by reference) on `group`, loaded at `revision`, and stages it; with
    /// `competing` (the received commit staged now), the two compete and
    /// the group's `conflict` strategy chooses.
    pub(super) fn stage_commit(
        &self,
        key: GroupKey,
        mut group: Group,
        revision: i64,
        proposals: Vec<Proposal>,
        force_path: bool,
        competing: Option<PendingRecord>,
    ) -> Result<LocalCommit> {
        let out = group.commit(&P, proposals, force_path)?;
        let next = out.staged.next_state();
        let summary = Summary::from_commit(&out.staged.summary, EpochCause::Commit);
        let next_epoch = epoch_record(next, summary, now())?;
        let commit = encode(&out.commit)?;
        let welcome = out.welcome.as_ref().map(encode).transpose()?;
        let group_info = out.group_info.as_ref().map(encode).transpose()?;
        let pending = NewPending {
            origin: Origin::Local,
            base_epoch: group.epoch(),
            message: commit.clone(),
            welcome: welcome.clone(),
            group_info: group_info.clone(),
            next_state: snapshot(next)?,
            changed_nodes: changed_nodes(group.tree(), next.tree()),
            next_epoch,
            self_removed: false,
            current_state: Some(snapshot(&group)?),
        };
        let messages = outgoing_commit(
            group.own_leaf(),
            group.epoch(),
            next.epoch(),
            &commit,
            welcome.as_ref(),
            group_info.as_ref(),
        );
        match &competing {
            Some(staged) => {
                self.compete_own(key, revision, &group, staged, &pending, messages)?;
            }
            None => self.store.stage(key, revision, &pending, &messages)?,
        }
        let preview = Preview::of_staged(key, &pending);
        Ok(LocalCommit {
            group: key,
            commit,
            welcome,
            group_info,
            preview,
        })
    }

    /// The group's pending commit, if any.
    pub fn pending(&self, key: GroupKey) -> Result<Option<Preview>> {
        Ok(self.store.pending(key)?.map(|p| Preview::of_record(key, p)))
    }

    /// Applies the group's pending commit: the next epoch's state replaces
    /// the current one, the history row is appended and the pending row
    /// deleted, in one transaction. If the commit removed this member, the
    /// state is deleted instead and the group marked removed.
    pub fn apply(&self, key: GroupKey) -> Result<EpochRow> {
        let Some(pending) = self.store.pending(key)? else {
            return Err(WorkspaceError::NoPending(key));
        };
        let mut closed = None;
        if !pending.self_removed {
            // Never swap in a state that would not load.
            let next = self
                .store
                .pending_state(key)?
                .ok_or(WorkspaceError::NoPending(key))?;
            let next = Group::from_bytes(&P, next.as_bytes())?;
            // A merged ReInit closes the group (§11.2): marked with the swap.
            closed = next.reinit().map(|r| ReInitMark {
                new_group_id: r.group_id.0.clone(),
                cipher_suite: r.cipher_suite,
                version: r.version,
            });
        }
        Ok(EpochRow::new(
            key,
            self.store.apply_pending_closing(key, closed.as_ref())?,
        ))
    }

    /// Drops the group's pending commit; the group stays in its epoch.
    /// Returns whether there was one.
    pub fn discard(&self, key: GroupKey) -> Result<bool> {
        Ok(self.store.discard_pending_and_candidates(key)?)
    }
}
