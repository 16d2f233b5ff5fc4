//! `group add`, `group remove`, `group update`: commits that change the
//! membership or this member's keys, staged by [`super::commits::run_commit`].

use super::args::{AddArgs, RemoveArgs, UpdateArgs};
use super::commits::{read_key_packages, resolve_leaves, run_commit};
use crate::cli::common::{Done, Failure, WorkspaceOpts};
use crate::workspace::CommitRequest;

pub(super) fn add(opts: &WorkspaceOpts, args: &AddArgs) -> Result<Done, Failure> {
    let kps = read_key_packages(&args.key_packages)?;
    run_commit(opts, &args.group, &args.out, |_, _| {
        Ok(CommitRequest {
            add: kps,
            ..CommitRequest::default()
        })
    })
}

pub(super) fn remove(opts: &WorkspaceOpts, args: &RemoveArgs) -> Result<Done, Failure> {
    run_commit(opts, &args.group, &args.out, |ws, key| {
        Ok(CommitRequest {
            remove: resolve_leaves(ws, key, &args.leaves)?,
            ..CommitRequest::default()
        })
    })
}

pub(super) fn update(opts: &WorkspaceOpts, args: &UpdateArgs) -> Result<Done, Failure> {
    run_commit(opts, &args.group, &args.out, |_, _| {
        Ok(CommitRequest {
            force_path: true,
            ..CommitRequest::default()
        })
    })
}
