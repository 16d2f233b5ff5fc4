//! The orchestrator's reports on the command line: the candidate commits
//! of an epoch (`group receive` when commits compete, `group pending`,
//! a commit command whose commit competes) and a late commit reported as
//! superseded. Views only: the handlers call them.

use std::fmt::Write as _;

use serde::Serialize;

use crate::cli::common::{Done, Failure};
use crate::cli::view::{PreviewJson, origin_name, preview_text};
use crate::workspace::{Candidates, Preview, Superseded};

/// One candidate commit.
#[derive(Serialize)]
pub(super) struct CandidateJson {
    /// 1, 2, … in the order this member saw them.
    arrival: u32,
    /// `local` (this member's) or `incoming`.
    origin: &'static str,
    sender: Option<u32>,
    sender_name: Option<String>,
    /// The suite's hash of the commit's MLSMessage, hex.
    hash: String,
    /// `chosen`, `lost`, `invalid`, `applied` or `superseded`.
    status: &'static str,
    reason: String,
}

/// The candidates of an epoch.
#[derive(Serialize)]
pub(super) struct CandidatesJson {
    /// The epoch the commits were made in.
    epoch: u64,
    /// The group's `conflict` setting.
    strategy: &'static str,
    /// The chosen (or applied) candidate's arrival number.
    chosen: Option<u32>,
    /// The candidate just added (or found again).
    latest: Option<u32>,
    /// The received commit was already a candidate: nothing changed.
    duplicate: bool,
    /// This member's own commit lost just now and was discarded.
    own_discarded: bool,
    /// The staged commit changed to another candidate just now.
    replaced: bool,
    candidates: Vec<CandidateJson>,
}

impl CandidatesJson {
    pub(super) fn new(c: &Candidates) -> Self {
        CandidatesJson {
            epoch: c.epoch,
            strategy: c.strategy.as_str(),
            chosen: c.chosen().map(|x| x.arrival),
            latest: c.latest,
            duplicate: c.duplicate,
            own_discarded: c.own_discarded,
            replaced: c.replaced,
            candidates: c
                .candidates
                .iter()
                .map(|x| CandidateJson {
                    arrival: x.arrival,
                    origin: origin_name(x.origin),
                    sender: x.sender,
                    sender_name: x.sender_name.clone(),
                    hash: x.hash_hex.clone(),
                    status: x.status.as_str(),
                    reason: x.reason.clone(),
                })
                .collect(),
        }
    }
}

/// The candidates as a table: number, sender, hash prefix, status, why.
pub(super) fn candidates_table(c: &Candidates) -> String {
    let mut text = String::new();
    let senders: Vec<String> = c
        .candidates
        .iter()
        .map(|x| {
            let mut s = x.sender_text();
            if x.origin == crate::workspace::Origin::Local {
                s.push_str(" [ours]");
            }
            s
        })
        .collect();
    let width = senders
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0)
        .max(6);
    let _ = writeln!(
        text,
        "  {:<3} {:<width$}  {:<12}  {:<10}  why",
        "#", "sender", "hash", "status"
    );
    for (x, sender) in c.candidates.iter().zip(&senders) {
        let hash: String = x.hash_hex.chars().take(12).collect();
        let _ = writeln!(
            text,
            "  {:<3} {:<width$}  {:<12}  {:<10}  {}",
            x.arrival,
            sender,
            hash,
            x.status.as_str(),
            x.reason
        );
    }
    text
}

/// The report of a competition: headline and table.
pub(super) fn candidates_text(c: &Candidates) -> String {
    format!("{}\n{}", c.headline(), candidates_table(c))
}

/// `group receive` of a competing commit.
#[derive(Serialize)]
struct CompetingJson {
    /// `competing`.
    kind: &'static str,
    group: i64,
    candidates: CandidatesJson,
    /// The staged (chosen) commit.
    preview: Box<PreviewJson>,
    /// The chosen commit was applied (`--apply`).
    applied: bool,
    /// The group's epoch now.
    epoch: u64,
    /// The new epoch's authenticator, if applied.
    epoch_authenticator: Option<String>,
}

/// What `group receive` prints for a competing commit; `applied` is the
/// new epoch and its authenticator when `--apply` applied the winner,
/// with the text that says so.
pub(super) fn competing_done(
    candidates: &Candidates,
    staged: &Preview,
    applied: Option<(u64, Option<String>, String)>,
) -> Result<Done, Failure> {
    let key = staged.group;
    let mut text = format!("group {key}: {}", candidates_text(candidates));
    let _ = write!(
        text,
        "staged (#{}): ",
        candidates.chosen().map_or(0, |c| c.arrival)
    );
    text.push_str(&preview_text(staged));
    let (epoch, authenticator, was_applied) = match applied {
        Some((epoch, auth, applied_text)) => {
            text.push_str(&applied_text);
            (epoch, auth, true)
        }
        None => {
            let _ = writeln!(
                text,
                "`group apply {key}` applies the chosen commit (epoch {}), `group pending {key}` lists the candidates",
                staged.new_epoch
            );
            (staged.current_epoch, None, false)
        }
    };
    Done::new(
        text,
        &CompetingJson {
            kind: "competing",
            group: key.0,
            candidates: CandidatesJson::new(candidates),
            preview: Box::new(PreviewJson::new(staged)),
            applied: was_applied,
            epoch,
            epoch_authenticator: authenticator,
        },
    )
}

/// `group receive` of a late commit.
#[derive(Serialize)]
struct SupersededJson {
    /// `superseded`.
    kind: &'static str,
    group: i64,
    /// The commit's epoch.
    message_epoch: u64,
    /// The group's epoch (unchanged).
    epoch: u64,
    sender: Option<u32>,
    hash: String,
    text: String,
}

/// What `group receive` prints for a commit of the epoch already left.
pub(super) fn superseded_done(s: &Superseded) -> Result<Done, Failure> {
    let text = s.text();
    Done::new(
        format!("{text}\n"),
        &SupersededJson {
            kind: "superseded",
            group: s.group.0,
            message_epoch: s.message_epoch,
            epoch: s.group_epoch,
            sender: s.sender,
            hash: s.hash_hex.clone(),
            text,
        },
    )
}
