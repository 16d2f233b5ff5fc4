//! What the orchestrator reports: the candidate commits of an epoch with
//! their status and why, and a late commit of an epoch already left.

use super::group_settings::Conflict;
use super::store::{GroupKey, Origin};

/// A candidate's status as shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CandidateStatus {
    /// The winner: the staged commit.
    Chosen,
    /// A valid commit the winner beat (this member's own is discarded).
    Lost,
    /// It failed a check.
    Invalid,
    /// The winner of an epoch that was applied.
    Applied,
    /// A loser of an epoch that was applied: it can never apply.
    Superseded,
}

impl CandidateStatus {
    /// Its name in the CLI's text and JSON and in the window.
    pub fn as_str(self) -> &'static str {
        match self {
            CandidateStatus::Chosen => "chosen",
            CandidateStatus::Lost => "lost",
            CandidateStatus::Invalid => "invalid",
            CandidateStatus::Applied => "applied",
            CandidateStatus::Superseded => "superseded",
        }
    }
}

/// One candidate commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateInfo {
    /// 1, 2, … in the order this member saw them (its own commit counts
    /// when it was staged).
    pub arrival: u32,
    /// This member's commit, or a received one.
    pub origin: Origin,
    /// The committer's leaf, if known.
    pub sender: Option<u32>,
    /// The committer's identity as text, if known.
    pub sender_name: Option<String>,
    /// The suite's hash of the commit's `MLSMessage`, hex.
    pub hash_hex: String,
    pub status: CandidateStatus,
    /// Why, as one line.
    pub reason: String,
    /// The commit `MLSMessage`.
    pub message: Vec<u8>,
}

impl CandidateInfo {
    /// "leaf N (name)", or "unknown sender".
    pub fn sender_text(&self) -> String {
        match (self.sender, &self.sender_name) {
            (Some(leaf), Some(name)) => format!("{name} (leaf {leaf})"),
            (Some(leaf), None) => format!("leaf {leaf}"),
            _ => String::from("unknown sender"),
        }
    }
}

/// The candidate commits of one epoch and the orchestrator's choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    /// The group row.
    pub group: GroupKey,
    /// The epoch the commits were made in.
    pub epoch: u64,
    /// The group's `conflict` setting that chose.
    pub strategy: Conflict,
    /// In arrival order.
    pub candidates: Vec<CandidateInfo>,
    /// The candidate a receive or commit just added (or found again).
    pub latest: Option<u32>,
    /// The latest one was already a candidate (nothing changed).
    pub duplicate: bool,
    /// This member's own commit lost just now and was discarded.
    pub own_discarded: bool,
    /// The staged commit changed to another candidate just now.
    pub replaced: bool,
}

impl Candidates {
    /// The chosen (or applied) candidate.
    pub fn chosen(&self) -> Option<&CandidateInfo> {
        self.candidates
            .iter()
            .find(|c| matches!(c.status, CandidateStatus::Chosen | CandidateStatus::Applied))
    }

    /// Marks the candidate whose message is `message` as the one just
    /// added (this member's own commit, read back after committing): lost
    /// means it was discarded, chosen that it replaced the staged commit.
    pub fn mark_latest(&mut self, message: &[u8]) {
        let Some(own) = self.candidates.iter().find(|c| c.message == message) else {
            return;
        };
        self.latest = Some(own.arrival);
        self.own_discarded = own.status == CandidateStatus::Lost;
        self.replaced = own.status == CandidateStatus::Chosen && self.candidates.len() > 1;
    }

    /// What just happened, as one line.
    pub fn headline(&self) -> String {
        let n = self.candidates.len();
        let chosen = self.chosen().map_or_else(
            || String::from("none is valid"),
            |c| format!("#{} by {} is chosen", c.arrival, c.sender_text()),
        );
        let mut line = format!(
            "{n} competing commits for epoch {} (conflict={}): {chosen}",
            self.epoch,
            self.strategy.as_str()
        );
        if self.duplicate {
            line.push_str("; the received commit was already a candidate, nothing changed");
        } else if self.own_discarded {
            line.push_str("; this member's own commit lost and was discarded");
        } else if self.replaced {
            line.push_str("; it replaces the commit staged before");
        }
        line
    }
}

/// A commit for the epoch before the group's: the epoch was settled and
/// applied, so it can never apply. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Superseded {
    /// The group row.
    pub group: GroupKey,
    /// The commit's epoch.
    pub message_epoch: u64,
    /// The group's epoch now.
    pub group_epoch: u64,
    /// The committer's leaf, if the framing shows it.
    pub sender: Option<u32>,
    /// The suite's hash of the commit's `MLSMessage`, hex.
    pub hash_hex: String,
}

impl Superseded {
    /// One line saying so.
    pub fn text(&self) -> String {
        let who = self
            .sender
            .map_or_else(String::new, |l| format!(" from leaf {l}"));
        format!(
            "superseded: the commit{who} for epoch {} arrived after group {} applied another commit of that epoch (it is at epoch {}); nothing changed",
            self.message_epoch, self.group, self.group_epoch
        )
    }
}
