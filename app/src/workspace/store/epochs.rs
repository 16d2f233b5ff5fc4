//! The `epochs` table: a group's history, one row per epoch this member
//! entered.

use rusqlite::types::ToSql;
use rusqlite::{Row, Transaction, params, params_from_iter};

use super::encoding::{members_from_bytes, members_to_bytes};
use super::{EpochRecord, GroupKey, Result, Store, encode_failed, get_decoded, get_u64, int};
use crate::workspace::summary::Summary;

/// The columns of an epoch record, in [`epoch_from_row`] order.
pub(super) const EPOCH_COLUMNS: &str =
    "epoch, time, committer, summary, epoch_authenticator, tree_hash, members, ratchet_tree";

/// [`EPOCH_COLUMNS`] with an empty blob for the ratchet tree: a history
/// read for display does not carry every epoch's tree (megabytes each in
/// a group of tens of thousands of members).
const EPOCH_COLUMNS_WITHOUT_TREE: &str =
    "epoch, time, committer, summary, epoch_authenticator, tree_hash, members, X''";

/// An epoch record from the [`EPOCH_COLUMNS`] starting at column `at`.
pub(super) fn epoch_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<EpochRecord> {
    Ok(EpochRecord {
        epoch: get_u64(row, at)?,
        time: get_u64(row, at + 1)?,
        committer: row.get(at + 2)?,
        summary: get_decoded(row, at + 3, "summary", Summary::from_bytes)?,
        epoch_authenticator: row.get(at + 4)?,
        tree_hash: row.get(at + 5)?,
        members: get_decoded(row, at + 6, "members", members_from_bytes)?,
        ratchet_tree: row.get(at + 7)?,
    })
}

/// The encoded columns of an epoch record.
pub(super) struct EpochColumns {
    pub(super) epoch: i64,
    pub(super) time: i64,
    pub(super) summary: Vec<u8>,
    pub(super) summary_text: String,
    pub(super) members: Vec<u8>,
}

/// The columns the `epochs` and `pending_commits` tables share, in
/// [`EpochColumns::shared`] order.
pub(super) const SHARED_COLUMNS: &str =
    "committer, summary, summary_text, epoch_authenticator, tree_hash, members, ratchet_tree";

impl EpochColumns {
    /// The values of [`SHARED_COLUMNS`] for `e` (whose encoded columns
    /// these are).
    pub(super) fn shared<'a>(&'a self, e: &'a EpochRecord) -> [&'a dyn ToSql; 7] {
        [
            &e.committer,
            &self.summary,
            &self.summary_text,
            &e.epoch_authenticator,
            &e.tree_hash,
            &self.members,
            &e.ratchet_tree,
        ]
    }
}

pub(super) fn epoch_columns(e: &EpochRecord) -> Result<EpochColumns> {
    Ok(EpochColumns {
        epoch: int(e.epoch)?,
        time: int(e.time)?,
        summary: e.summary.to_bytes().map_err(encode_failed("summary"))?,
        summary_text: e.summary.to_string(),
        members: members_to_bytes(&e.members).map_err(encode_failed("member list"))?,
    })
}

/// Appends a history row.
pub(super) fn insert_epoch(tx: &Transaction<'_>, group: GroupKey, e: &EpochRecord) -> Result<()> {
    let c = epoch_columns(e)?;
    let head: [&dyn ToSql; 3] = [&group.0, &c.epoch, &c.time];
    tx.execute(
        &format!(
            "INSERT INTO epochs (group_ref, epoch, time, {SHARED_COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)"
        ),
        params_from_iter(head.into_iter().chain(c.shared(e))),
    )?;
    Ok(())
}

/// The query of one epoch of a group (`?1` the group, `?2` the epoch).
pub(super) fn select_epoch() -> String {
    format!("SELECT {EPOCH_COLUMNS} FROM epochs WHERE group_ref = ?1 AND epoch = ?2")
}

impl Store {
    /// A group's history, oldest epoch first.
    pub fn history(&self, key: GroupKey) -> Result<Vec<EpochRecord>> {
        self.query_all(
            &format!("SELECT {EPOCH_COLUMNS} FROM epochs WHERE group_ref = ?1 ORDER BY epoch"),
            [key.0],
            |r| epoch_from_row(r, 0),
        )
    }

    /// A group's history, oldest epoch first, every record's
    /// `ratchet_tree` left empty (read one epoch's tree with
    /// [`Store::epoch`]).
    pub fn history_without_trees(&self, key: GroupKey) -> Result<Vec<EpochRecord>> {
        self.query_all(
            &format!(
                "SELECT {EPOCH_COLUMNS_WITHOUT_TREE} FROM epochs WHERE group_ref = ?1 ORDER BY epoch"
            ),
            [key.0],
            |r| epoch_from_row(r, 0),
        )
    }

    /// One epoch of a group's history.
    pub fn epoch(&self, key: GroupKey, epoch: u64) -> Result<Option<EpochRecord>> {
        self.query_opt(&select_epoch(), params![key.0, int(epoch)?], |r| {
            epoch_from_row(r, 0)
        })
    }

    /// The newest epoch of a group's history.
    pub fn latest_epoch(&self, key: GroupKey) -> Result<Option<EpochRecord>> {
        self.query_opt(
            &format!(
                "SELECT {EPOCH_COLUMNS} FROM epochs WHERE group_ref = ?1 \
                 ORDER BY epoch DESC LIMIT 1"
            ),
            [key.0],
            |r| epoch_from_row(r, 0),
        )
    }
}
