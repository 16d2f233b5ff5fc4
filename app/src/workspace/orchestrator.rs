//! The orchestrator for competing commits: when a commit for the group's
//! epoch arrives (or this member commits) while another commit is staged,
//! every commit of the epoch is kept as a candidate, the group's
//! `conflict` setting picks one ([`mls_core::policy::Strategy`]), and that
//! one is the staged commit. A later winner replaces the staged loser in
//! the same transaction; this member's own commit, when it loses, is
//! discarded. After the epoch was applied, a late candidate is reported
//! as superseded and changes nothing.

use mls_core::framing::{MlsMessage, MlsMessageBody, Sender};
use mls_core::group::{Group, Received, now};
use mls_core::policy::{Contender, Strategy, commit_hash};

use super::candidate_types::{CandidateInfo, CandidateStatus, Candidates, Superseded};
use super::snapshot::incoming_pending;
use super::store::{
    CandidateRecord, CandidateVerdict, CandidateWrite, GroupState, MessageKind, NewMessage,
    NewPending, Origin, PendingRecord,
};
use super::summary::credential_text;
use super::{
    Direction, Framed, GroupKey, GroupStatus, P, Receipt, Result, Workspace, WorkspaceError,
};

/// A new candidate: a received commit, or this member's own.
struct Entry {
    origin: Origin,
    message: Vec<u8>,
    /// The committer and the staged commit, or why it is invalid.
    staged: std::result::Result<(u32, NewPending), String>,
    /// The committer named by the framing (for an invalid commit).
    sender_hint: Option<u32>,
    /// Messages recorded with it.
    messages: Vec<NewMessage>,
}

/// The first hex digits of a hash.
fn short(hash: &[u8]) -> String {
    let h = hex::encode(hash);
    h.get(..12).map_or(h.clone(), |s| format!("{s}…"))
}

fn chosen_reason(strategy: Strategy, c: &CandidateRecord) -> String {
    match strategy {
        Strategy::FirstSeen => format!("first seen: the earliest valid commit (#{})", c.arrival),
        Strategy::LowestSenderLeaf => format!(
            "lowest committer leaf: leaf {}",
            c.sender
                .map_or_else(|| String::from("?"), |l| l.to_string())
        ),
        Strategy::LowestHash => format!("lowest commit hash: {}", short(&c.hash)),
    }
}

fn lost_reason(strategy: Strategy, c: &CandidateRecord, winner: &CandidateRecord) -> String {
    let leaf = |r: &CandidateRecord| {
        r.sender
            .map_or_else(|| String::from("?"), |l| l.to_string())
    };
    let mut why = match strategy {
        Strategy::FirstSeen => format!("lost to #{}, seen first", winner.arrival),
        Strategy::LowestSenderLeaf => format!(
            "lost to #{}: leaf {} is lower than leaf {}",
            winner.arrival,
            leaf(winner),
            leaf(c)
        ),
        Strategy::LowestHash => format!(
            "lost to #{}: hash {} is lower than {}",
            winner.arrival,
            short(&winner.hash),
            short(&c.hash)
        ),
    };
    if c.origin == Origin::Local {
        why.push_str("; this member's commit, discarded");
    }
    why
}

/// The committer leaf a PublicMessage names.
fn framed_sender(message: &MlsMessage) -> Option<u32> {
    match &message.body {
        MlsMessageBody::PublicMessage(m) => match m.content.sender {
            Sender::Member(leaf) => Some(leaf),
            _ => None,
        },
        _ => None,
    }
}

fn info(group: Option<&Group>, c: &CandidateRecord, status: CandidateStatus) -> CandidateInfo {
    CandidateInfo {
        arrival: c.arrival,
        origin: c.origin,
        sender: c.sender,
        sender_name: c
            .sender
            .and_then(|l| group.and_then(|g| g.member_credential(l)))
            .map(credential_text),
        hash_hex: hex::encode(&c.hash),
        status,
        reason: c.reason.clone(),
        message: c.message.clone(),
    }
}

fn current_status(v: CandidateVerdict) -> CandidateStatus {
    match v {
        CandidateVerdict::Chosen => CandidateStatus::Chosen,
        CandidateVerdict::Lost => CandidateStatus::Lost,
        CandidateVerdict::Invalid => CandidateStatus::Invalid,
    }
}

fn past_status(v: CandidateVerdict) -> CandidateStatus {
    match v {
        CandidateVerdict::Chosen => CandidateStatus::Applied,
        CandidateVerdict::Lost => CandidateStatus::Superseded,
        CandidateVerdict::Invalid => CandidateStatus::Invalid,
    }
}

impl Workspace {
    /// The candidate commits of the group's epoch with the orchestrator's
    /// verdicts: those kept while commits competed, else the pending
    /// commit alone, else (after an epoch with competing commits was
    /// applied) that epoch's candidates as applied and superseded. Empty
    /// when the epoch has no commit yet.
    pub fn commit_candidates(&self, key: GroupKey) -> Result<Candidates> {
        let record = self.store.group(key)?;
        let loaded = if record.status == GroupStatus::Active {
            Some(self.load(key)?.group)
        } else {
            None
        };
        self.candidates_of(key, record.epoch, loaded.as_ref())
    }

    /// [`Workspace::commit_candidates`] at the group's `epoch`, with its
    /// state `group` already loaded (`None` for a group this member left).
    pub(super) fn candidates_of(
        &self,
        key: GroupKey,
        epoch: u64,
        group: Option<&Group>,
    ) -> Result<Candidates> {
        let strategy = self.group_settings(key)?.conflict;
        let rows = self.store.candidates(key)?;
        let pending = self.store.pending(key)?;
        let current: Vec<&CandidateRecord> =
            rows.iter().filter(|c| c.base_epoch == epoch).collect();
        let mut list = Candidates {
            group: key,
            epoch,
            strategy,
            candidates: Vec::new(),
            latest: None,
            duplicate: false,
            own_discarded: false,
            replaced: false,
        };
        if let (Some(p), Some(g), true) = (&pending, group, current.is_empty()) {
            let seed = Self::seed(g, p);
            let mut only = info(group, &seed, CandidateStatus::Chosen);
            only.reason = String::from("the only commit of the epoch so far");
            list.candidates.push(only);
            return Ok(list);
        }
        if !current.is_empty() {
            list.candidates = current
                .iter()
                .map(|c| info(group, c, current_status(c.verdict)))
                .collect();
            return Ok(list);
        }
        if let Some(before) = epoch.checked_sub(1) {
            let past: Vec<&CandidateRecord> =
                rows.iter().filter(|c| c.base_epoch == before).collect();
            if !past.is_empty() {
                list.epoch = before;
                list.candidates = past
                    .iter()
                    .map(|c| info(group, c, past_status(c.verdict)))
                    .collect();
            }
        }
        Ok(list)
    }

    /// The pending commit as the epoch's first candidate.
    fn seed(group: &Group, pending: &PendingRecord) -> CandidateRecord {
        CandidateRecord {
            base_epoch: pending.base_epoch,
            arrival: 1,
            origin: pending.origin,
            message: pending.message.clone(),
            sender: pending.next_epoch.committer,
            hash: commit_hash(&P, group.cipher_suite(), &pending.message),
            verdict: CandidateVerdict::Chosen,
            reason: String::new(),
            created: pending.created,
        }
    }

    /// The stored candidates of the epoch, or the pending commit alone if
    /// none are stored (or they no longer match the pending commit).
    fn candidates_with(
        &self,
        key: GroupKey,
        group: &Group,
        pending: &PendingRecord,
    ) -> Result<Vec<CandidateRecord>> {
        let rows: Vec<CandidateRecord> = self
            .store
            .candidates(key)?
            .into_iter()
            .filter(|c| c.base_epoch == group.epoch())
            .collect();
        let consistent = rows
            .iter()
            .any(|c| c.verdict == CandidateVerdict::Chosen && c.message == pending.message);
        Ok(if consistent {
            rows
        } else {
            vec![Self::seed(group, pending)]
        })
    }

    /// The pending commit a new commit of ours competes with: only a
    /// received one (a second commit of our own is refused).
    pub(super) fn pending_to_compete(&self, key: GroupKey) -> Result<PendingRecord> {
        let pending = self
            .store
            .pending(key)?
            .ok_or(WorkspaceError::NoPending(key))?;
        if pending.origin == Origin::Local {
            return Err(WorkspaceError::AlreadyPending(key));
        }
        Ok(pending)
    }

    /// Adds `entry` to the epoch's candidates, lets the group's strategy
    /// choose, and writes the verdicts (replacing the pending commit with
    /// a new winner) in one transaction.
    fn settle(
        &self,
        key: GroupKey,
        revision: i64,
        group: &Group,
        pending: &PendingRecord,
        entry: Entry,
        own_state: Option<&GroupState>,
    ) -> Result<Candidates> {
        let conflict = self.group_settings(key)?.conflict;
        let strategy = conflict.strategy();
        let epoch = group.epoch();
        let mut rows = self.candidates_with(key, group, pending)?;
        let hash = commit_hash(&P, group.cipher_suite(), &entry.message);
        let mut report = Candidates {
            group: key,
            epoch,
            strategy: conflict,
            candidates: Vec::new(),
            latest: None,
            duplicate: false,
            own_discarded: false,
            replaced: false,
        };
        if let Some(found) = rows.iter().find(|c| c.hash == hash) {
            report.latest = Some(found.arrival);
            report.duplicate = true;
            report.candidates = rows
                .iter()
                .map(|c| info(Some(group), c, current_status(c.verdict)))
                .collect();
            return Ok(report);
        }
        let arrival = rows.iter().map(|c| c.arrival).max().unwrap_or(0) + 1;
        let (sender, verdict, reason, new_pending) = match entry.staged {
            Ok((sender, p)) => (Some(sender), CandidateVerdict::Lost, String::new(), Some(p)),
            Err(why) => (entry.sender_hint, CandidateVerdict::Invalid, why, None),
        };
        rows.push(CandidateRecord {
            base_epoch: epoch,
            arrival,
            origin: entry.origin,
            message: entry.message,
            sender,
            hash,
            verdict,
            reason,
            created: now(),
        });
        let previous = rows
            .iter()
            .position(|c| c.verdict == CandidateVerdict::Chosen);
        let contenders: Vec<Contender<'_>> = rows
            .iter()
            .map(|c| Contender {
                valid: c.verdict != CandidateVerdict::Invalid,
                sender: c.sender.unwrap_or(u32::MAX),
                hash: &c.hash,
            })
            .collect();
        let winner = strategy.choose(&contenders);
        let winning = winner.and_then(|w| rows.get(w)).cloned();
        for (i, c) in rows.iter_mut().enumerate() {
            if c.verdict == CandidateVerdict::Invalid {
                continue;
            }
            if Some(i) == winner {
                c.verdict = CandidateVerdict::Chosen;
                c.reason = chosen_reason(strategy, c);
            } else if let Some(w) = &winning {
                c.verdict = CandidateVerdict::Lost;
                c.reason = lost_reason(strategy, c, w);
            }
        }
        let newest = rows.len() - 1;
        let replaced = winner == Some(newest);
        let previous_origin = previous.and_then(|p| rows.get(p)).map(|c| c.origin);
        report.replaced = replaced;
        report.own_discarded = if replaced {
            previous_origin == Some(Origin::Local)
        } else {
            entry.origin == Origin::Local
        };
        let replace_pending = if replaced { new_pending.as_ref() } else { None };
        self.store.write_candidates(&CandidateWrite {
            key,
            expected_revision: revision,
            epoch,
            expected_pending: &pending.message,
            candidates: &rows,
            replace_pending,
            current_state: if replaced { None } else { own_state },
            messages: &entry.messages,
        })?;
        report.latest = Some(arrival);
        report.candidates = rows
            .iter()
            .map(|c| info(Some(group), c, current_status(c.verdict)))
            .collect();
        Ok(report)
    }

    /// A received commit for the epoch while another is staged.
    pub(super) fn compete_incoming(
        &self,
        key: GroupKey,
        revision: i64,
        mut group: Group,
        message: &MlsMessage,
        bytes: &[u8],
        f: &Framed,
    ) -> Result<Receipt> {
        let pending = self
            .store
            .pending(key)?
            .ok_or(WorkspaceError::NoPending(key))?;
        let base = group.clone();
        let hint = framed_sender(message);
        let staged = match group.process(&P, message) {
            Ok(Received::Commit(staged)) => Ok((
                staged.summary.committer,
                incoming_pending(&base, &staged, f.external_commit, bytes)?,
            )),
            Ok(_) => {
                return Err(WorkspaceError::WrongMessage {
                    expected: "a commit",
                    got: "another handshake message",
                });
            }
            Err(e) => Err(format!("invalid: {e}")),
        };
        // A valid candidate is recorded in the message log like any
        // received commit; an invalid one only as a candidate.
        let messages = match &staged {
            Ok((sender, _)) => vec![NewMessage::handshake(
                Direction::In,
                MessageKind::Commit,
                Some(f.epoch),
                Some(*sender),
                bytes.to_vec(),
            )],
            Err(_) => Vec::new(),
        };
        let entry = Entry {
            origin: Origin::Incoming,
            message: bytes.to_vec(),
            staged,
            sender_hint: hint,
            messages,
        };
        let candidates = self.settle(key, revision, &base, &pending, entry, None)?;
        let staged = self.pending(key)?.ok_or(WorkspaceError::NoPending(key))?;
        Ok(Receipt::Competing {
            candidates: Box::new(candidates),
            staged: Box::new(staged),
        })
    }

    /// This member's commit (`pending_own`, with its messages) while a
    /// received one is staged: it competes like a received commit; when
    /// it loses it is discarded at once (its PrivateMessage generation
    /// stays consumed).
    pub(super) fn compete_own(
        &self,
        key: GroupKey,
        revision: i64,
        group: &Group,
        staged: &PendingRecord,
        own: &NewPending,
        messages: Vec<NewMessage>,
    ) -> Result<Candidates> {
        let entry = Entry {
            origin: Origin::Local,
            message: own.message.clone(),
            staged: Ok((group.own_leaf(), own.clone())),
            sender_hint: Some(group.own_leaf()),
            messages,
        };
        self.settle(
            key,
            revision,
            group,
            staged,
            entry,
            own.current_state.as_ref(),
        )
    }

    /// A commit for the epoch before the group's: reported as superseded,
    /// nothing changed. `None` for the commit that was applied (a replay,
    /// refused as a message of a past epoch).
    pub(super) fn superseded(
        &self,
        key: GroupKey,
        group: &Group,
        message: &MlsMessage,
        bytes: &[u8],
        f: &Framed,
    ) -> Result<Option<Receipt>> {
        let hash = commit_hash(&P, group.cipher_suite(), bytes);
        let of_epoch: Vec<CandidateRecord> = self
            .store
            .candidates(key)?
            .into_iter()
            .filter(|c| c.base_epoch == f.epoch)
            .collect();
        // The applied commit: the chosen candidate, or (without
        // competition) the commit of that epoch in the message log.
        let applied = if of_epoch.is_empty() {
            self.store.messages(Some(key))?.iter().any(|m| {
                m.kind == MessageKind::Commit && m.epoch == Some(f.epoch) && m.bytes == bytes
            })
        } else {
            of_epoch
                .iter()
                .any(|c| c.verdict == CandidateVerdict::Chosen && c.hash == hash)
        };
        if applied {
            return Ok(None);
        }
        Ok(Some(Receipt::Superseded(Box::new(Superseded {
            group: key,
            message_epoch: f.epoch,
            group_epoch: group.epoch(),
            sender: framed_sender(message),
            hash_hex: hex::encode(hash),
        }))))
    }
}
