//! The `commit_candidates` table: every commit this member saw for a
//! group's epoch while one was staged (its own and received ones), with
//! the orchestrator's verdict. The staged winner is the group's pending
//! row; a later winner replaces it in the same transaction as the
//! verdicts are written.

use rusqlite::{OptionalExtension as _, params};

use super::messages::insert_messages;
use super::{
    GroupKey, GroupState, GroupStatus, NewMessage, NewPending, Origin, Result, StorageError, Store,
    bad, get_opt_u64, get_parsed, get_u64, int, not_found, now,
};

/// The orchestrator's verdict on a candidate, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateVerdict {
    /// The winner: it is (or was) the staged commit.
    Chosen,
    /// A valid commit another one beat.
    Lost,
    /// A commit that failed a check.
    Invalid,
}

impl CandidateVerdict {
    /// The name stored in the file.
    pub fn as_str(self) -> &'static str {
        match self {
            CandidateVerdict::Chosen => "chosen",
            CandidateVerdict::Lost => "lost",
            CandidateVerdict::Invalid => "invalid",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        match s {
            "chosen" => Some(CandidateVerdict::Chosen),
            "lost" => Some(CandidateVerdict::Lost),
            "invalid" => Some(CandidateVerdict::Invalid),
            _ => None,
        }
    }
}

/// One candidate commit of an epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateRecord {
    /// The epoch it was made in.
    pub base_epoch: u64,
    /// 1, 2, … in the order this member saw them (its own commit counts
    /// when it was staged).
    pub arrival: u32,
    /// This member's commit, or a received one.
    pub origin: Origin,
    /// The commit `MLSMessage`.
    pub message: Vec<u8>,
    /// The committer's leaf (unknown for an invalid encrypted commit).
    pub sender: Option<u32>,
    /// The suite's hash of `message`.
    pub hash: Vec<u8>,
    pub verdict: CandidateVerdict,
    /// Why, as one line.
    pub reason: String,
    /// When it arrived (unix seconds).
    pub created: u64,
}

/// One change of an epoch's candidates, written in one transaction.
#[derive(Debug)]
pub struct CandidateWrite<'a> {
    pub key: GroupKey,
    /// The group row's revision when it was read.
    pub expected_revision: i64,
    /// The group's epoch (the candidates' base epoch).
    pub epoch: u64,
    /// The message of the pending row that must still be there.
    pub expected_pending: &'a [u8],
    /// Every candidate of the epoch, in arrival order (replaces the
    /// stored ones).
    pub candidates: &'a [CandidateRecord],
    /// The new winner, staged instead of the pending row.
    pub replace_pending: Option<&'a NewPending>,
    /// This member's state after making a commit that lost at once (its
    /// PrivateMessage consumed a ratchet generation).
    pub current_state: Option<&'a GroupState>,
    /// Messages to record (the received commit, or our own commit).
    pub messages: &'a [NewMessage],
}

impl Store {
    /// Every stored candidate of a group, oldest epoch first, in arrival
    /// order.
    pub fn candidates(&self, key: GroupKey) -> Result<Vec<CandidateRecord>> {
        self.query_all(
            "SELECT base_epoch, arrival, origin, message, sender, hash, status, reason, created \
             FROM commit_candidates WHERE group_ref = ?1 ORDER BY base_epoch, arrival",
            [key.0],
            |r| {
                let arrival: i64 = r.get(1)?;
                Ok(CandidateRecord {
                    base_epoch: get_u64(r, 0)?,
                    arrival: u32::try_from(arrival)
                        .map_err(|_| bad(1, rusqlite::types::Type::Integer, "arrival"))?,
                    origin: get_parsed(r, 2, Origin::parse)?,
                    message: r.get(3)?,
                    sender: get_opt_u64(r, 4)?
                        .map(|s| {
                            u32::try_from(s)
                                .map_err(|_| bad(4, rusqlite::types::Type::Integer, "leaf"))
                        })
                        .transpose()?,
                    hash: r.get(5)?,
                    verdict: get_parsed(r, 6, CandidateVerdict::parse)?,
                    reason: r.get(7)?,
                    created: get_u64(r, 8)?,
                })
            },
        )
    }

    /// Writes an epoch's candidates (and, for a new winner, replaces the
    /// pending commit) in one transaction. The group must be unchanged
    /// since it was read: same revision, epoch and pending commit. Rows of
    /// epochs before the previous one are dropped.
    pub fn write_candidates(&self, w: &CandidateWrite<'_>) -> Result<()> {
        let tx = self.tx()?;
        let sealer = self.sealer(&tx)?;
        let current: Option<(i64, i64, String, Option<Vec<u8>>)> = tx
            .query_row(
                "SELECT revision, epoch, status, \
                 (SELECT message FROM pending_commits WHERE group_ref = ?1) \
                 FROM groups WHERE id = ?1",
                [w.key.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((revision, epoch, status, pending)) = current else {
            return Err(not_found("group", w.key.to_string()));
        };
        let epoch_int = int(w.epoch)?;
        if revision != w.expected_revision
            || epoch != epoch_int
            || status != GroupStatus::Active.as_str()
            || pending.as_deref() != Some(w.expected_pending)
        {
            return Err(Self::conflict(&tx, w.key)?);
        }
        tx.execute(
            "DELETE FROM commit_candidates WHERE group_ref = ?1 \
             AND (base_epoch = ?2 OR base_epoch < ?2 - 1)",
            params![w.key.0, epoch_int],
        )?;
        let created = now();
        for c in w.candidates {
            if c.base_epoch != w.epoch {
                return Err(StorageError::Conflict(format!(
                    "a candidate of epoch {} written with epoch {}",
                    c.base_epoch, w.epoch
                )));
            }
            tx.execute(
                "INSERT INTO commit_candidates (group_ref, base_epoch, arrival, origin, message, \
                 sender, hash, status, reason, created) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                params![
                    w.key.0,
                    epoch_int,
                    c.arrival,
                    c.origin.as_str(),
                    c.message,
                    c.sender,
                    c.hash,
                    c.verdict.as_str(),
                    c.reason,
                    if c.created == 0 {
                        created
                    } else {
                        int(c.created)?
                    },
                ],
            )?;
        }
        if let Some(state) = w.current_state {
            Self::write_current_state(
                &tx,
                &sealer,
                w.key,
                w.epoch,
                state,
                created,
                "a candidate of epoch",
            )?;
        }
        match w.replace_pending {
            Some(pending) => {
                tx.execute(
                    "DELETE FROM pending_commits WHERE group_ref = ?1",
                    [w.key.0],
                )?;
                Self::stage_in(
                    &tx,
                    &sealer,
                    w.key,
                    w.expected_revision,
                    pending,
                    w.messages,
                )?;
            }
            None => insert_messages(&tx, &sealer, Some(w.key), w.messages)?,
        }
        tx.commit()?;
        Ok(())
    }

    /// Deletes a group's pending commit and the candidates of its epoch
    /// (they competed with it), in one transaction. Returns whether there
    /// was a pending commit.
    pub fn discard_pending_and_candidates(&self, key: GroupKey) -> Result<bool> {
        let tx = self.tx()?;
        let deleted = tx.execute("DELETE FROM pending_commits WHERE group_ref = ?1", [key.0])?;
        tx.execute(
            "DELETE FROM commit_candidates WHERE group_ref = ?1 \
             AND base_epoch = (SELECT epoch FROM groups WHERE id = ?1)",
            [key.0],
        )?;
        tx.commit()?;
        Ok(deleted > 0)
    }
}
