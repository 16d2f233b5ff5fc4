//! Hidden `debug` commands for tests of the workspace file.
//!
//! `debug apply-loop --db PATH --group GROUP` commits and applies in a group
//! for ever (or `--rounds N` times): every local member of the group takes
//! its turn to commit, the others receive the commit, and all apply. The
//! crash test kills it at random moments and checks that the file always
//! reopens at a consistent epoch.

use std::io::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::common::{EXIT_FAILED, EXIT_OK};
use crate::workspace::{
    GroupKey, GroupRow, GroupStatus, OpenMode, Receipt, Workspace, WorkspaceError,
};

/// `mls-inspector debug …` (hidden).
#[derive(Debug, Subcommand)]
pub enum DebugCommand {
    /// Commit and apply in a loop (for crash tests).
    ApplyLoop(ApplyLoopArgs),
    /// Protect and unprotect in a loop (for crash tests), with the
    /// passphrase of $MLS_INSPECTOR_PASSPHRASE_FILE.
    ProtectLoop(ProtectLoopArgs),
}

/// `mls-inspector debug protect-loop --db PATH [--rounds N]`
#[derive(Debug, Args)]
pub struct ProtectLoopArgs {
    /// The workspace file.
    #[arg(long, value_name = "PATH")]
    pub db: PathBuf,

    /// Stop after this many protect-unprotect rounds (default: never).
    #[arg(long, value_name = "N")]
    pub rounds: Option<u64>,
}

/// `mls-inspector debug apply-loop --db PATH --group GROUP [--rounds N]`
#[derive(Debug, Args)]
pub struct ApplyLoopArgs {
    /// The workspace file.
    #[arg(long, value_name = "PATH")]
    pub db: PathBuf,

    /// The group (number, name or hex group id); every local member of its
    /// MLS group takes part.
    #[arg(long, value_name = "GROUP")]
    pub group: String,

    /// Stop after this many rounds (default: never).
    #[arg(long, value_name = "N")]
    pub rounds: Option<u64>,
}

/// Runs a debug command; returns the exit status.
pub fn run(command: DebugCommand) -> u8 {
    match command {
        DebugCommand::ApplyLoop(args) => match apply_loop(&args) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("mls-inspector: debug apply-loop: {e}");
                EXIT_FAILED
            }
        },
        DebugCommand::ProtectLoop(args) => match protect_loop(&args) {
            Ok(()) => EXIT_OK,
            Err(e) => {
                eprintln!("mls-inspector: debug protect-loop: {e}");
                EXIT_FAILED
            }
        },
    }
}

/// Protects and unprotects the workspace in turns, starting from the form
/// it is in.
fn protect_loop(args: &ProtectLoopArgs) -> Result<(), String> {
    let ws = Workspace::open_locked(&args.db, OpenMode::Existing).map_err(|e| e.to_string())?;
    let pass = super::passphrase::passphrase(&args.db).map_err(|f| f.message)?;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    drop(out);
    let mut done = 0u64;
    while args.rounds.is_none_or(|n| done < n) {
        if ws.protection().map_err(|e| e.to_string())?.is_some() {
            ws.unprotect(pass.as_str()).map_err(|e| e.to_string())?;
        } else {
            ws.protect(pass.as_str()).map_err(|e| e.to_string())?;
        }
        done += 1;
    }
    Ok(())
}

fn apply_loop(args: &ApplyLoopArgs) -> Result<(), WorkspaceError> {
    let ws = Workspace::open(&args.db)?;
    // A hex group id names every local member at once: that is fine here.
    let group_id = match ws.group_find(&args.group) {
        Ok(row) => row.group_id,
        Err(e) => match hex::decode(args.group.trim()) {
            Ok(id) if !members(&ws, &id)?.is_empty() => id,
            _ => return Err(e),
        },
    };
    // The crash test starts its clock when the loop is about to run.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    drop(out);
    let mut done = 0u64;
    while args.rounds.is_none_or(|n| done < n) {
        round(&ws, &group_id)?;
        done += 1;
    }
    Ok(())
}

/// The active local members of the MLS group `group_id`, by number.
fn members(ws: &Workspace, group_id: &[u8]) -> Result<Vec<GroupRow>, WorkspaceError> {
    Ok(ws
        .groups()?
        .into_iter()
        .filter(|g| g.group_id == group_id && g.status == GroupStatus::Active)
        .collect())
}

fn fail(why: String) -> WorkspaceError {
    WorkspaceError::Invalid(why)
}

/// One round of the loop, resuming whatever an interrupted round left:
///
/// 1. members one epoch behind apply their pending commit;
/// 2. the member whose turn it is (epoch mod member count) commits unless
///    it already has a pending commit;
/// 3. the other members receive that commit (unless already pending);
/// 4. the committer applies, then the others.
///
/// Returns the new epoch. Every member ends at it with the same epoch
/// authenticator, or the round fails.
pub fn round(ws: &Workspace, group_id: &[u8]) -> Result<u64, WorkspaceError> {
    let rows = members(ws, group_id)?;
    let newest = rows.iter().map(|r| r.epoch).max().ok_or_else(|| {
        fail(format!(
            "no active member of group {}",
            hex::encode(group_id)
        ))
    })?;
    for row in rows.iter().filter(|r| r.epoch < newest) {
        if row.epoch + 1 != newest || !row.pending {
            return Err(fail(format!(
                "member {} is at epoch {} without the commit to epoch {newest}",
                row.key, row.epoch
            )));
        }
        ws.apply(row.key)?;
    }

    let rows = members(ws, group_id)?;
    let n = u64::try_from(rows.len()).unwrap_or(1).max(1);
    let turn = usize::try_from(newest % n).unwrap_or(0);
    let committer = rows
        .get(turn)
        .ok_or_else(|| fail(String::from("no member to commit")))?
        .clone();
    let commit = match ws.pending(committer.key)? {
        Some(p) => p.message,
        None => {
            // Without the committer's pending commit, nobody else can hold
            // it: their pending rows (if any) are stale.
            for other in rows.iter().filter(|r| r.key != committer.key && r.pending) {
                ws.discard(other.key)?;
            }
            ws.commit(committer.key)?.commit
        }
    };
    let others: Vec<GroupKey> = rows
        .iter()
        .map(|r| r.key)
        .filter(|k| *k != committer.key)
        .collect();
    for &other in &others {
        if ws.pending(other)?.is_none() {
            match ws.receive(Some(other), &commit)? {
                Receipt::CommitStaged(_) => {}
                r => {
                    return Err(fail(format!(
                        "member {other} did not stage the commit: {r:?}"
                    )));
                }
            }
        }
    }
    let applied = ws.apply(committer.key)?;
    for &other in &others {
        let row = ws.apply(other)?;
        if row.epoch_authenticator_hex != applied.epoch_authenticator_hex {
            return Err(fail(format!(
                "member {other} disagrees at epoch {}",
                row.epoch
            )));
        }
    }
    Ok(applied.epoch)
}
