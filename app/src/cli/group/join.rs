//! `group join` (by Welcome) and `group join-external` (by external commit
//! from a GroupInfo).

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use super::args::{JoinArgs, JoinExternalArgs};
use crate::cli::common::{Done, Failure, Target, WorkspaceOpts, check_targets, emit, read_message};
use crate::cli::view::{GroupRowJson, row_text};
use crate::workspace::{GroupRow, Workspace};

/// The row of a joined group, renamed to `name` if given.
fn joined_row(ws: &Workspace, row: GroupRow, name: Option<&str>) -> Result<GroupRow, Failure> {
    match name {
        Some(name) => {
            ws.group_rename(row.key, name)?;
            Ok(ws.group_row(row.key)?)
        }
        None => Ok(row),
    }
}

/// The `--ratchet-tree FILE` of a join, if given.
fn read_tree(file: Option<&PathBuf>) -> Result<Option<Vec<u8>>, Failure> {
    file.map(|f| read_message(f, "ratchet tree")).transpose()
}

pub(super) fn join(opts: &WorkspaceOpts, args: &JoinArgs) -> Result<Done, Failure> {
    let welcome = read_message(&args.welcome, "Welcome")?;
    let tree = read_tree(args.ratchet_tree.as_ref())?;
    let ws = opts.open()?;
    let row = ws.join(&welcome, tree.as_deref())?;
    let row = joined_row(&ws, row, args.name.as_deref())?;
    Done::new(
        format!("joined {}", row_text(&row)),
        &GroupRowJson::new(&row),
    )
}

#[derive(Serialize)]
struct JoinExternalJson {
    group: GroupRowJson,
    commit: String,
    commit_out: Option<String>,
}

pub(super) fn join_external(
    opts: &WorkspaceOpts,
    args: &JoinExternalArgs,
) -> Result<Done, Failure> {
    let target = Target::of(args.commit_out.as_ref(), Target::Shown);
    check_targets(&[&target], opts.json)?;
    let info = read_message(&args.group_info, "GroupInfo")?;
    let tree = read_tree(args.ratchet_tree.as_ref())?;
    let ws = opts.open()?;
    let identity = ws.identity_find(&args.identity)?;
    let (row, commit) = ws.join_external_with_tree(identity.key, &info, tree.as_deref())?;
    let row = joined_row(&ws, row, args.name.as_deref())?;
    let mut text = format!("joined by external commit: {}", row_text(&row));
    let mut raw = None;
    emit(
        &mut text,
        &mut raw,
        "commit",
        &commit,
        &target,
        args.format.format,
    )?;
    let _ = writeln!(
        text,
        "send the commit to the members: they `group receive` and `group apply` it"
    );
    Done::with_raw(
        text,
        &JoinExternalJson {
            group: GroupRowJson::new(&row),
            commit: hex::encode(&commit),
            commit_out: target.file(),
        },
        raw,
    )
}
