//! Commits: staging one (`group commit`, and the member commands of
//! [`super::members`] through [`run_commit`]), then `group pending`,
//! `group apply` and `group discard`.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use super::args::{CommitArgs, CommitOutputs, GroupArg, PendingArgs};
use super::candidates::{CandidatesJson, candidates_table, candidates_text};
use crate::cli::common::{
    Done, Failure, Target, WorkspaceOpts, check_targets, emit, hex_arg, read_message,
};
use crate::cli::view::{PreviewJson, preview_text};
use crate::workspace::{CommitRequest, EpochRow, GroupKey, LocalCommit, Workspace, WorkspaceError};

#[derive(Serialize)]
struct CommitJson {
    group: i64,
    commit: String,
    welcome: Option<String>,
    group_info: Option<String>,
    commit_out: Option<String>,
    welcome_out: Option<String>,
    group_info_out: Option<String>,
    preview: PreviewJson,
    /// The commit was applied (`--apply`).
    applied: bool,
    /// The group's epoch now (the new one if applied).
    epoch: u64,
    /// The epoch authenticator of the new epoch, if applied.
    epoch_authenticator: Option<String>,
    /// The epoch's candidates, when the commit competed with a received
    /// one (the orchestrator's choice).
    competition: Option<CandidatesJson>,
}

/// The members' leaves named by `names`: numbers, or identities of current
/// members.
pub(super) fn resolve_leaves(
    ws: &Workspace,
    key: GroupKey,
    names: &[String],
) -> Result<Vec<u32>, Failure> {
    if names.iter().all(|n| n.parse::<u32>().is_ok()) {
        return Ok(names.iter().filter_map(|n| n.parse().ok()).collect());
    }
    let members = ws.group_show(key)?.members;
    names
        .iter()
        .map(|name| {
            if let Ok(leaf) = name.parse::<u32>() {
                return Ok(leaf);
            }
            let found: Vec<u32> = members
                .iter()
                .filter(|m| m.identity == *name)
                .map(|m| m.leaf)
                .collect();
            match found.as_slice() {
                [leaf] => Ok(*leaf),
                [] => Err(Failure::failed(format!(
                    "no member {name:?} in group {key} (give a leaf index; `group show {key}` lists them)"
                ))),
                _ => Err(Failure::failed(format!(
                    "several members are {name:?} in group {key}: give a leaf index"
                ))),
            }
        })
        .collect()
}

pub(super) fn read_key_packages(files: &[PathBuf]) -> Result<Vec<Vec<u8>>, Failure> {
    files
        .iter()
        .map(|f| read_message(f, "key package"))
        .collect()
}

/// Stages a commit with `request`, writes its messages, applies it with
/// `--apply`, and reports.
pub(super) fn run_commit(
    opts: &WorkspaceOpts,
    group: &str,
    out: &CommitOutputs,
    request: impl FnOnce(&Workspace, GroupKey) -> Result<CommitRequest, Failure>,
) -> Result<Done, Failure> {
    run_staged(opts, group, out, |ws, key| {
        let request = request(ws, key)?;
        Ok(ws.commit_with(key, &request)?)
    })
}

/// Stages a commit with `stage`, writes its messages, applies it with
/// `--apply`, and reports.
pub(super) fn run_staged(
    opts: &WorkspaceOpts,
    group: &str,
    out: &CommitOutputs,
    stage: impl FnOnce(&Workspace, GroupKey) -> Result<LocalCommit, Failure>,
) -> Result<Done, Failure> {
    let targets = [
        Target::of(out.files.commit_out.as_ref(), Target::Shown),
        Target::of(out.files.welcome_out.as_ref(), Target::Shown),
        Target::of(out.files.group_info_out.as_ref(), Target::Shown),
    ];
    check_targets(&targets.iter().collect::<Vec<_>>(), opts.json)?;
    let [commit_t, welcome_t, info_t] = targets;
    let (ws, row) = opts.open_group(group)?;
    let local = stage(&ws, row.key)?;
    let mut competition = ws.commit_candidates(row.key)?;
    competition.mark_latest(&local.commit);
    let competition =
        (competition.candidates.len() > 1 && competition.epoch == row.epoch).then_some(competition);
    let LocalCommit {
        commit,
        welcome,
        group_info,
        preview,
        ..
    } = local;
    let mut text = preview_text(&preview);
    let mut raw = None;
    let key = row.key;
    let written = (|| {
        emit(
            &mut text,
            &mut raw,
            "commit",
            &commit,
            &commit_t,
            out.format.format,
        )?;
        if let Some(w) = &welcome {
            emit(
                &mut text,
                &mut raw,
                "welcome",
                w,
                &welcome_t,
                out.format.format,
            )?;
        }
        if let Some(g) = &group_info {
            emit(
                &mut text,
                &mut raw,
                "group info",
                g,
                &info_t,
                out.format.format,
            )?;
        }
        Ok::<(), Failure>(())
    })();
    written.map_err(|f| {
        f.context(format!(
            "the commit is staged but not applied (`group pending {key} --commit-out FILE` writes it again, `group discard {key}` drops it)"
        ))
    })?;
    if let Some(c) = &competition {
        text.push_str(&format!("group {key}: {}", candidates_text(c)));
    }
    let (epoch, authenticator) = if out.apply {
        apply_staged(&ws, key, &mut text)?
    } else if competition.as_ref().is_some_and(|c| c.own_discarded) {
        let _ = writeln!(
            text,
            "this commit lost and was discarded; `group apply {key}` applies the chosen one"
        );
        (row.epoch, None)
    } else {
        let _ = writeln!(
            text,
            "pending: send the commit (and Welcome) to the members, then `group apply {key}` (or `group discard {key}`)"
        );
        (row.epoch, None)
    };
    Done::with_raw(
        text,
        &CommitJson {
            group: key.0,
            commit: hex::encode(&commit),
            welcome: welcome.as_deref().map(hex::encode),
            group_info: group_info.as_deref().map(hex::encode),
            commit_out: commit_t.file(),
            welcome_out: welcome.as_ref().and(welcome_t.file()),
            group_info_out: group_info.as_ref().and(info_t.file()),
            preview: PreviewJson::new(&preview),
            applied: out.apply,
            epoch,
            epoch_authenticator: authenticator,
            competition: competition.as_ref().map(CandidatesJson::new),
        },
        raw,
    )
}

pub(super) fn commit(opts: &WorkspaceOpts, args: &CommitArgs) -> Result<Done, Failure> {
    let add = read_key_packages(&args.add)?;
    let psks = args
        .psks
        .iter()
        .map(|p| hex_arg(p, "--psk"))
        .collect::<Result<Vec<_>, _>>()?;
    run_commit(opts, &args.group, &args.out, |ws, key| {
        Ok(CommitRequest {
            add,
            remove: resolve_leaves(ws, key, &args.remove)?,
            psks,
            force_path: args.path,
            ..CommitRequest::default()
        })
    })
}

/// Applies the staged commit of group `key` at once (`--apply`), adds what
/// happened to `text`, and returns the new epoch and its authenticator.
pub(super) fn apply_staged(
    ws: &Workspace,
    key: GroupKey,
    text: &mut String,
) -> Result<(u64, Option<String>), Failure> {
    let applied = ws.apply(key)?;
    let _ = writeln!(text, "{}", applied_text(key, &applied));
    let authenticator = authenticator(&applied);
    Ok((applied.epoch, authenticator))
}

/// The epoch authenticator of an applied epoch, hex; `None` when this
/// member was removed by the commit (it cannot derive the new epoch).
fn authenticator(e: &EpochRow) -> Option<String> {
    (!e.summary.self_removed && !e.epoch_authenticator_hex.is_empty())
        .then(|| e.epoch_authenticator_hex.clone())
}

fn applied_text(key: GroupKey, e: &EpochRow) -> String {
    if e.summary.self_removed {
        format!(
            "applied: this member was removed from group {key}; its state is deleted, the history kept"
        )
    } else {
        format!(
            "applied: group {key} is at epoch {}\n  epoch authenticator: {}",
            e.epoch, e.epoch_authenticator_hex
        )
    }
}

#[derive(Serialize)]
struct ApplyJson {
    group: i64,
    epoch: u64,
    /// `null` when the commit removed this member.
    epoch_authenticator: Option<String>,
    tree_hash: String,
    text: String,
    /// The commit removed this member.
    removed: bool,
}

pub(super) fn apply(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let (ws, row) = opts.open_group(&args.group)?;
    let e = ws.apply(row.key)?;
    Done::new(
        format!("{}\n  {}\n", applied_text(row.key, &e), e.text),
        &ApplyJson {
            group: row.key.0,
            epoch: e.epoch,
            epoch_authenticator: authenticator(&e),
            tree_hash: e.tree_hash_hex,
            text: e.text,
            removed: e.summary.self_removed,
        },
    )
}

#[derive(Serialize)]
struct DiscardJson {
    group: i64,
    discarded: bool,
    epoch: u64,
}

pub(super) fn discard(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let (ws, row) = opts.open_group(&args.group)?;
    if !ws.discard(row.key)? {
        return Err(WorkspaceError::NoPending(row.key).into());
    }
    Done::new(
        format!(
            "discarded the pending commit of group {}; it stays at epoch {}\n",
            row.key, row.epoch
        ),
        &DiscardJson {
            group: row.key.0,
            discarded: true,
            epoch: row.epoch,
        },
    )
}

#[derive(Serialize)]
struct PendingJson {
    group: i64,
    epoch: u64,
    pending: Option<PreviewJson>,
    /// Every candidate commit of the epoch (the orchestrator's verdicts;
    /// after an apply, the last settled epoch's).
    candidates: CandidatesJson,
}

pub(super) fn pending(opts: &WorkspaceOpts, args: &PendingArgs) -> Result<Done, Failure> {
    let targets = [
        args.files
            .commit_out
            .as_ref()
            .map(|p| Target::of(Some(p), Target::Shown)),
        args.files
            .welcome_out
            .as_ref()
            .map(|p| Target::of(Some(p), Target::Shown)),
        args.files
            .group_info_out
            .as_ref()
            .map(|p| Target::of(Some(p), Target::Shown)),
    ];
    check_targets(&targets.iter().flatten().collect::<Vec<_>>(), opts.json)?;
    let (ws, row) = opts.open_group(&args.group)?;
    let preview = ws.pending(row.key)?;
    let candidates = ws.commit_candidates(row.key)?;
    let mut text = String::new();
    let mut raw = None;
    match &preview {
        None => {
            let _ = writeln!(
                text,
                "group {} has no pending commit (epoch {})",
                row.key, row.epoch
            );
            if targets.iter().any(Option::is_some) {
                return Err(WorkspaceError::NoPending(row.key).into());
            }
        }
        Some(p) => {
            text.push_str(&preview_text(p));
            let [commit_t, welcome_t, info_t] = &targets;
            let format = args.format.format;
            if let Some(t) = commit_t {
                emit(&mut text, &mut raw, "commit", &p.message, t, format)?;
            }
            for (what, bytes, target) in [
                ("welcome", &p.welcome, welcome_t),
                ("group info", &p.group_info, info_t),
            ] {
                if let Some(t) = target {
                    let bytes = bytes.as_ref().ok_or_else(|| {
                        Failure::failed(format!("the pending commit made no {what}"))
                    })?;
                    emit(&mut text, &mut raw, what, bytes, t, format)?;
                }
            }
            let _ = writeln!(
                text,
                "`group apply {0}` moves to epoch {1}, `group discard {0}` drops it",
                row.key, p.new_epoch
            );
        }
    }
    // The table when commits competed (or after an epoch they competed
    // in); a lone pending commit is the preview above.
    if candidates.candidates.len() > 1 || candidates.epoch != row.epoch {
        let _ = writeln!(
            text,
            "candidates for epoch {} (conflict={}):",
            candidates.epoch,
            candidates.strategy.as_str()
        );
        text.push_str(&candidates_table(&candidates));
    }
    Done::with_raw(
        text,
        &PendingJson {
            group: row.key.0,
            epoch: row.epoch,
            pending: preview.as_ref().map(PreviewJson::new),
            candidates: CandidatesJson::new(&candidates),
        },
        raw,
    )
}
