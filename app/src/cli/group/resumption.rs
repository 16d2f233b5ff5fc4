//! `group reinit` (stage a ReInit commit, RFC 9420 §11.2), `group
//! reinit-create` (the successor of a closed group) and `group branch`
//! (§11.3). Their Welcomes are joined by `group join`.

use std::fmt::Write as _;

use serde::Serialize;

use super::args::{BranchArgs, ReinitArgs, ReinitCreateArgs, ReinitParams, ResumedOutputs};
use super::commits::{read_key_packages, run_staged};
use crate::cli::common::{Done, Failure, Target, WorkspaceOpts, check_targets, emit, hex_arg};
use crate::cli::view::{GroupRowJson, row_text};
use crate::workspace::{ReInitRequest, Resumed, Workspace};

/// The ReInit parameters of `group reinit` and `group propose … reinit`.
pub(super) fn reinit_request(params: &ReinitParams) -> Result<ReInitRequest, Failure> {
    Ok(ReInitRequest {
        group_id: params
            .group_id
            .as_deref()
            .map(|h| hex_arg(h, "--group-id"))
            .transpose()?,
        cipher_suite: params
            .suite
            .as_deref()
            .map(crate::cli::identity::parse_suite)
            .transpose()?
            .map(|cs| cs.id()),
        version: params.version,
    })
}

pub(super) fn reinit(opts: &WorkspaceOpts, args: &ReinitArgs) -> Result<Done, Failure> {
    let request = reinit_request(&args.params)?;
    run_staged(opts, &args.group, &args.out, |ws, key| {
        Ok(ws.group_reinit(key, &request)?)
    })
}

#[derive(Serialize)]
struct ResumedJson {
    group: GroupRowJson,
    commit: String,
    welcome: Option<String>,
    commit_out: Option<String>,
    welcome_out: Option<String>,
    epoch_authenticator: String,
}

/// Runs `make` (re-init or branch), writes the new group's messages and
/// reports.
fn run_resumed(
    opts: &WorkspaceOpts,
    group: &str,
    identity: &str,
    out: &ResumedOutputs,
    files: &[std::path::PathBuf],
    make: impl FnOnce(
        &Workspace,
        crate::workspace::GroupKey,
        crate::workspace::IdentityKey,
        &[Vec<u8>],
    ) -> Result<Resumed, Failure>,
) -> Result<Done, Failure> {
    let welcome_t = Target::of(out.welcome_out.as_ref(), Target::Shown);
    let commit_t = Target::of(out.commit_out.as_ref(), Target::Shown);
    check_targets(&[&welcome_t, &commit_t], opts.json)?;
    let key_packages = read_key_packages(files)?;
    let (ws, row) = opts.open_group(group)?;
    let identity = ws.identity_find(identity)?;
    let resumed = make(&ws, row.key, identity.key, &key_packages)?;
    let mut new_row = resumed.row.clone();
    if let Some(name) = &out.name {
        ws.group_rename(new_row.key, name)?;
        new_row = ws.group_row(new_row.key)?;
    }
    let authenticator = ws.group_show(new_row.key)?.epoch_authenticator_hex;
    let mut text = format!("created {}", row_text(&new_row));
    let mut raw = None;
    if let Some(w) = &resumed.welcome {
        emit(
            &mut text,
            &mut raw,
            "welcome",
            w,
            &welcome_t,
            out.format.format,
        )?;
    }
    emit(
        &mut text,
        &mut raw,
        "commit",
        &resumed.commit,
        &commit_t,
        out.format.format,
    )?;
    let _ = writeln!(
        text,
        "send the Welcome to the members: they `group join` it (checked against their copy of group {})",
        row.key
    );
    Done::with_raw(
        text,
        &ResumedJson {
            group: GroupRowJson::new(&new_row),
            commit: hex::encode(&resumed.commit),
            welcome: resumed.welcome.as_deref().map(hex::encode),
            commit_out: commit_t.file(),
            welcome_out: resumed.welcome.as_ref().and(welcome_t.file()),
            epoch_authenticator: authenticator,
        },
        raw,
    )
}

pub(super) fn reinit_create(
    opts: &WorkspaceOpts,
    args: &ReinitCreateArgs,
) -> Result<Done, Failure> {
    run_resumed(
        opts,
        &args.group,
        &args.identity,
        &args.out,
        &args.key_packages,
        |ws, old, identity, kps| Ok(ws.reinit_create(old, identity, kps)?),
    )
}

pub(super) fn branch(opts: &WorkspaceOpts, args: &BranchArgs) -> Result<Done, Failure> {
    let group_id = args
        .group_id
        .as_deref()
        .map(|h| hex_arg(h, "--group-id"))
        .transpose()?;
    run_resumed(
        opts,
        &args.group,
        &args.identity,
        &args.out,
        &args.key_packages,
        |ws, parent, identity, kps| Ok(ws.branch(parent, identity, kps, group_id)?),
    )
}
