//! The `pending_commits` table: a group's one staged commit, with
//! everything applying it needs, so that applying is one transaction
//! without cryptography.

use mls_core::crypto::Secret;
use rusqlite::types::ToSql;
use rusqlite::{OptionalExtension as _, Transaction, params, params_from_iter};

use super::encoding::{nodes_from_bytes, nodes_to_bytes};
use super::epochs::{SHARED_COLUMNS, epoch_columns, epoch_from_row, select_epoch};
use super::messages::insert_messages;
use super::seal::{Column, Sealer, row_int};
use super::{
    EpochRecord, GroupKey, GroupStatus, NewMessage, NewPending, Origin, PendingRecord, ReInitMark,
    Result, StorageError, Store, encode_failed, get_decoded, get_parsed, get_u64, insert_reinit,
    int, not_found, now,
};

impl Store {
    /// Stores a staged commit for a group, with its messages, in one
    /// transaction. The group must be unchanged since `expected_revision`,
    /// at the commit's base epoch, and have no pending commit.
    pub fn stage(
        &self,
        key: GroupKey,
        expected_revision: i64,
        pending: &NewPending,
        messages: &[NewMessage],
    ) -> Result<()> {
        let tx = self.tx()?;
        let sealer = self.sealer(&tx)?;
        Self::stage_in(&tx, &sealer, key, expected_revision, pending, messages)?;
        tx.commit()?;
        Ok(())
    }

    /// [`Store::stage`] inside a caller's transaction (the orchestrator
    /// replaces a staged commit in one transaction).
    pub(super) fn stage_in(
        tx: &Transaction<'_>,
        sealer: &Sealer,
        key: GroupKey,
        expected_revision: i64,
        pending: &NewPending,
        messages: &[NewMessage],
    ) -> Result<()> {
        let next_epoch = pending
            .base_epoch
            .checked_add(1)
            .ok_or_else(|| StorageError::OutOfRange(String::from("epoch")))?;
        if pending.next_state.epoch != next_epoch || pending.next_epoch.epoch != next_epoch {
            return Err(StorageError::Conflict(format!(
                "a commit staged from epoch {} must lead to epoch {next_epoch}",
                pending.base_epoch
            )));
        }
        let current: Option<(i64, i64, String, bool)> = tx
            .query_row(
                "SELECT revision, epoch, status, \
                 EXISTS (SELECT 1 FROM pending_commits WHERE group_ref = ?1) \
                 FROM groups WHERE id = ?1",
                [key.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((revision, epoch, status, has_pending)) = current else {
            return Err(not_found("group", key.to_string()));
        };
        if has_pending {
            return Err(StorageError::Conflict(format!(
                "group {key} already has a pending commit: apply or discard it first"
            )));
        }
        if status != GroupStatus::Active.as_str()
            || revision != expected_revision
            || epoch != int(pending.base_epoch)?
        {
            return Err(Self::conflict(tx, key)?);
        }
        if let Some(state) = &pending.current_state {
            Self::write_current_state(
                tx,
                sealer,
                key,
                pending.base_epoch,
                state,
                now(),
                "a commit staged from epoch",
            )?;
        }
        let e = &pending.next_epoch;
        let c = epoch_columns(e)?;
        let changed_nodes =
            nodes_to_bytes(&pending.changed_nodes).map_err(encode_failed("changed nodes"))?;
        let base_epoch = int(pending.base_epoch)?;
        let next_state = sealer.seal(
            Column::PendingNextState,
            &row_int(key.0),
            pending.next_state.state.as_bytes(),
        )?;
        let head: [&dyn ToSql; 10] = [
            &key.0,
            &pending.origin.as_str(),
            &base_epoch,
            &pending.message,
            &pending.welcome,
            &pending.group_info,
            &next_state,
            &c.epoch,
            &pending.next_state.own_leaf,
            &pending.next_state.member_count,
        ];
        let tail: [&dyn ToSql; 3] = [&changed_nodes, &pending.self_removed, &now()];
        tx.execute(
            &format!(
                "INSERT INTO pending_commits (group_ref, origin, base_epoch, message, welcome, \
                 group_info, next_state, next_epoch, next_own_leaf, next_member_count, \
                 {SHARED_COLUMNS}, changed_nodes, self_removed, created) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
                 ?17, ?18, ?19, ?20)"
            ),
            params_from_iter(head.into_iter().chain(c.shared(e)).chain(tail)),
        )?;
        insert_messages(tx, sealer, Some(key), messages)?;
        Ok(())
    }

    /// A group's pending commit, without the next state.
    pub fn pending(&self, key: GroupKey) -> Result<Option<PendingRecord>> {
        self.query_opt(
            "SELECT origin, base_epoch, message, welcome, group_info, changed_nodes, \
             self_removed, created, next_epoch, created, committer, summary, \
             epoch_authenticator, tree_hash, members, ratchet_tree \
             FROM pending_commits WHERE group_ref = ?1",
            [key.0],
            |r| {
                Ok(PendingRecord {
                    origin: get_parsed(r, 0, Origin::parse)?,
                    base_epoch: get_u64(r, 1)?,
                    message: r.get(2)?,
                    welcome: r.get(3)?,
                    group_info: r.get(4)?,
                    changed_nodes: get_decoded(r, 5, "changed nodes", nodes_from_bytes)?,
                    self_removed: r.get(6)?,
                    created: get_u64(r, 7)?,
                    next_epoch: epoch_from_row(r, 8)?,
                })
            },
        )
    }

    /// The next state of a group's pending commit.
    pub fn pending_state(&self, key: GroupKey) -> Result<Option<Secret>> {
        let read = self.read_tx()?;
        let sealer = self.sealer(&read)?;
        let stored: Option<Vec<u8>> = self.query_opt(
            "SELECT next_state FROM pending_commits WHERE group_ref = ?1",
            [key.0],
            |r| r.get(0),
        )?;
        sealer.open_opt(Column::PendingNextState, &row_int(key.0), stored.as_deref())
    }

    /// Applies a group's pending commit in one transaction: the next state
    /// replaces the current one (or, if the commit removed this member, the
    /// state is deleted and the group marked removed), the history row is
    /// appended and the pending row deleted. Returns the new history row.
    pub fn apply_pending(&self, key: GroupKey) -> Result<EpochRecord> {
        self.apply_pending_closing(key, None)
    }

    /// [`Store::apply_pending`] for a commit that may close the group
    /// (a ReInit, §11.2): `closed` is recorded in the same transaction.
    pub fn apply_pending_closing(
        &self,
        key: GroupKey,
        closed: Option<&ReInitMark>,
    ) -> Result<EpochRecord> {
        let tx = self.tx()?;
        let row: Option<(i64, i64, i64, String)> = tx
            .query_row(
                "SELECT p.base_epoch, p.next_epoch, g.epoch, g.status FROM pending_commits p \
                 JOIN groups g ON g.id = p.group_ref WHERE p.group_ref = ?1",
                [key.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((base_epoch, next_epoch, epoch, status)) = row else {
            return Err(not_found("pending commit of group", key.to_string()));
        };
        if base_epoch != epoch || status != GroupStatus::Active.as_str() {
            return Err(StorageError::Conflict(format!(
                "the pending commit of group {key} was staged at epoch {base_epoch}, the group is {status} at epoch {epoch}: discard it"
            )));
        }
        // The next state moves from the pending row to the group row: it
        // is sealed again for its new place.
        let sealer = self.sealer(&tx)?;
        let next_state: Vec<u8> = tx.query_row(
            "SELECT next_state FROM pending_commits WHERE group_ref = ?1",
            [key.0],
            |r| r.get(0),
        )?;
        let row = row_int(key.0);
        let next_state = sealer.open(Column::PendingNextState, &row, &next_state)?;
        let next_state = sealer.seal(Column::GroupState, &row, next_state.as_bytes())?;
        let time = now();
        tx.execute(
            &format!(
                "INSERT INTO epochs (group_ref, epoch, time, {SHARED_COLUMNS}) \
                 SELECT group_ref, next_epoch, ?2, {SHARED_COLUMNS} \
                 FROM pending_commits WHERE group_ref = ?1"
            ),
            params![key.0, time],
        )?;
        tx.execute(
            "UPDATE groups SET (state, status, epoch, own_leaf, member_count) = \
             (SELECT CASE WHEN self_removed THEN NULL ELSE ?3 END, \
                     CASE WHEN self_removed THEN 'removed' ELSE 'active' END, \
                     next_epoch, next_own_leaf, next_member_count \
              FROM pending_commits WHERE group_ref = ?1), \
             revision = revision + 1, updated = ?2 WHERE id = ?1",
            params![key.0, time, next_state],
        )?;
        tx.execute("DELETE FROM pending_commits WHERE group_ref = ?1", [key.0])?;
        if let Some(mark) = closed {
            insert_reinit(&tx, key, mark)?;
        }
        let record = tx.query_row(&select_epoch(), params![key.0, next_epoch], |r| {
            epoch_from_row(r, 0)
        })?;
        tx.commit()?;
        Ok(record)
    }

    /// Deletes a group's pending commit. Returns whether there was one.
    pub fn discard_pending(&self, key: GroupKey) -> Result<bool> {
        self.delete("DELETE FROM pending_commits WHERE group_ref = ?1", [key.0])
    }
}
