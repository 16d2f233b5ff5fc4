//! The `groups` table: one member's view of a group per row, its state,
//! and the revision every write checks.

use mls_core::crypto::Secret;
use rusqlite::{Row, Transaction, params};

use super::epochs::insert_epoch;
use super::group_settings::put_group_settings;
use super::links::{GroupLink, put_link};
use super::messages::insert_messages;
use super::seal::{Column, Sealer, row_int};
use super::{
    EpochRecord, GroupKey, GroupRecord, GroupState, GroupStatus, IdentityKey, NewGroup, NewMessage,
    Result, StorageError, Store, get_parsed, get_u64, int, not_found, now,
};

const GROUP_COLUMNS: &str = "g.id, g.group_id, g.name, g.identity_id, g.cipher_suite, g.status, \
     g.epoch, g.own_leaf, g.member_count, g.revision, \
     EXISTS (SELECT 1 FROM pending_commits p WHERE p.group_ref = g.id), g.created, g.updated";

fn group_from_row(row: &Row<'_>) -> rusqlite::Result<GroupRecord> {
    Ok(GroupRecord {
        key: GroupKey(row.get(0)?),
        group_id: row.get(1)?,
        name: row.get(2)?,
        identity: IdentityKey(row.get(3)?),
        cipher_suite: row.get(4)?,
        status: get_parsed(row, 5, GroupStatus::parse)?,
        epoch: get_u64(row, 6)?,
        own_leaf: row.get(7)?,
        member_count: row.get(8)?,
        revision: row.get(9)?,
        has_pending: row.get(10)?,
        created: get_u64(row, 11)?,
        updated: get_u64(row, 12)?,
    })
}

/// What is stored with a new group, in the same transaction.
#[derive(Debug, Clone, Copy, Default)]
pub struct NewGroupExtras<'a> {
    /// The group's settings text (`workspace::GroupSettings`).
    pub settings: Option<&'a str>,
    /// The group it re-initialises or was branched from.
    pub link: Option<&'a GroupLink>,
}

impl Store {
    /// Stores a new group (created or joined) with its first history row,
    /// messages, settings and (for a re-initialised or branched group) the
    /// link to its parent, in one transaction. `consumed_key_package` (a
    /// join by Welcome) loses its private keys and is marked used in the
    /// same transaction; it must still be unused.
    pub fn insert_group(
        &self,
        group: &NewGroup,
        first_epoch: &EpochRecord,
        consumed_key_package: Option<&[u8]>,
        messages: &[NewMessage],
        extras: &NewGroupExtras<'_>,
    ) -> Result<GroupKey> {
        if first_epoch.epoch != group.state.epoch {
            return Err(StorageError::Conflict(format!(
                "the history row is for epoch {}, the state is at epoch {}",
                first_epoch.epoch, group.state.epoch
            )));
        }
        let tx = self.tx()?;
        let sealer = self.sealer(&tx)?;
        if let Some(reference) = consumed_key_package {
            let changed = tx.execute(
                "UPDATE key_packages SET init_private = NULL, encryption_private = NULL, used = 1 \
                 WHERE reference = ?1 AND used = 0",
                [reference],
            )?;
            if changed != 1 {
                return Err(StorageError::Conflict(format!(
                    "key package {} is unknown or already used",
                    hex::encode(reference)
                )));
            }
        }
        let time = now();
        let s = &group.state;
        tx.execute(
            "INSERT INTO groups (group_id, name, identity_id, cipher_suite, status, state, epoch, \
             own_leaf, member_count, revision, created, updated) \
             VALUES (?1, ?2, ?3, ?4, 'active', x'', ?5, ?6, ?7, 1, ?8, ?8)",
            params![
                group.group_id,
                group.name,
                group.identity.0,
                group.cipher_suite,
                int(s.epoch)?,
                s.own_leaf,
                s.member_count,
                time
            ],
        )?;
        let key = GroupKey(tx.last_insert_rowid());
        let state = sealer.seal(Column::GroupState, &row_int(key.0), s.state.as_bytes())?;
        tx.execute(
            "UPDATE groups SET state = ?1 WHERE id = ?2",
            params![state, key.0],
        )?;
        insert_epoch(&tx, key, first_epoch)?;
        insert_messages(&tx, &sealer, Some(key), messages)?;
        if let Some(settings) = extras.settings {
            put_group_settings(&tx, key, settings)?;
        }
        if let Some(link) = extras.link {
            put_link(&tx, key, link)?;
        }
        tx.commit()?;
        Ok(key)
    }

    /// Every group row, in creation order.
    pub fn groups(&self) -> Result<Vec<GroupRecord>> {
        self.query_all(
            &format!("SELECT {GROUP_COLUMNS} FROM groups g ORDER BY g.id"),
            [],
            group_from_row,
        )
    }

    /// One group row.
    pub fn group(&self, key: GroupKey) -> Result<GroupRecord> {
        self.query_opt(
            &format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.id = ?1"),
            [key.0],
            group_from_row,
        )?
        .ok_or_else(|| not_found("group", key.to_string()))
    }

    /// The rows of every local member of the MLS group `group_id`.
    pub fn groups_by_group_id(&self, group_id: &[u8]) -> Result<Vec<GroupRecord>> {
        self.query_all(
            &format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.group_id = ?1 ORDER BY g.id"),
            [group_id],
            group_from_row,
        )
    }

    /// A group's current state and its revision (for
    /// [`Store::update_group_state`] and [`Store::stage`]).
    pub fn group_state(&self, key: GroupKey) -> Result<(Secret, i64)> {
        let read = self.read_tx()?;
        let sealer = self.sealer(&read)?;
        let (stored, revision): (Vec<u8>, i64) = self
            .query_opt(
                "SELECT state, revision FROM groups WHERE id = ?1 AND state IS NOT NULL",
                [key.0],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?
            .ok_or_else(|| not_found("group state", key.to_string()))?;
        let state = sealer.open(Column::GroupState, &row_int(key.0), &stored)?;
        Ok((state, revision))
    }

    /// Replaces a group's state within its epoch (after sending or receiving
    /// application data or proposals), with the messages that go with it,
    /// in one transaction. Fails with [`StorageError::Conflict`] if the
    /// state changed since `expected_revision` was read or the epoch
    /// differs (epochs change only through [`Store::apply_pending`]).
    /// Returns the new revision.
    pub fn update_group_state(
        &self,
        key: GroupKey,
        expected_revision: i64,
        state: &GroupState,
        messages: &[NewMessage],
    ) -> Result<i64> {
        let tx = self.tx()?;
        let sealer = self.sealer(&tx)?;
        let sealed = sealer.seal(Column::GroupState, &row_int(key.0), state.state.as_bytes())?;
        let changed = tx.execute(
            "UPDATE groups SET state = ?1, own_leaf = ?2, member_count = ?3, \
             revision = revision + 1, updated = ?4 \
             WHERE id = ?5 AND revision = ?6 AND epoch = ?7 AND status = 'active'",
            params![
                sealed,
                state.own_leaf,
                state.member_count,
                now(),
                key.0,
                expected_revision,
                int(state.epoch)?
            ],
        )?;
        if changed != 1 {
            return Err(Self::conflict(&tx, key)?);
        }
        insert_messages(&tx, &sealer, Some(key), messages)?;
        tx.commit()?;
        Ok(expected_revision + 1)
    }

    /// Writes the group's current state (sealed) inside `tx`, bumping its
    /// revision: the state a staged or competing commit was computed from
    /// (our own commit advances the secret tree). `state` must be at
    /// `base_epoch`; `what` names the caller in the refusal.
    pub(super) fn write_current_state(
        tx: &Transaction<'_>,
        sealer: &Sealer,
        key: GroupKey,
        base_epoch: u64,
        state: &GroupState,
        time: i64,
        what: &str,
    ) -> Result<()> {
        if state.epoch != base_epoch {
            return Err(StorageError::Conflict(format!(
                "the current state given with {what} {base_epoch} is at epoch {}",
                state.epoch
            )));
        }
        tx.execute(
            "UPDATE groups SET state = ?1, revision = revision + 1, updated = ?2 WHERE id = ?3",
            params![
                sealer.seal(Column::GroupState, &row_int(key.0), state.state.as_bytes())?,
                time,
                key.0
            ],
        )?;
        Ok(())
    }

    /// Why a guarded update of a group changed nothing.
    pub(super) fn conflict(tx: &Transaction<'_>, key: GroupKey) -> Result<StorageError> {
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM groups WHERE id = ?1)",
            [key.0],
            |r| r.get(0),
        )?;
        Ok(if exists {
            StorageError::Stale(key)
        } else {
            not_found("group", key.to_string())
        })
    }

    /// Renames a group row.
    pub fn rename_group(&self, key: GroupKey, name: &str) -> Result<()> {
        self.change_one(
            "UPDATE groups SET name = ?1 WHERE id = ?2",
            params![name, key.0],
            "group",
            || key.to_string(),
        )
    }

    /// Deletes a group with its state, history, pending commit and messages.
    pub fn delete_group(&self, key: GroupKey) -> Result<()> {
        self.change_one("DELETE FROM groups WHERE id = ?1", [key.0], "group", || {
            key.to_string()
        })
    }
}
