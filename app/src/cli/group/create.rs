//! `group create` and `group delete`: a group's lifetime in the workspace.

use std::fmt::Write as _;

use serde::Serialize;

use super::args::{CreateArgs, GroupArg};
use crate::cli::common::{Done, Failure, WorkspaceOpts, hex_arg, read_message};
use crate::cli::view::{GroupRowJson, row_text};
use crate::workspace::GroupOptions;

pub(super) fn create(opts: &WorkspaceOpts, args: &CreateArgs) -> Result<Done, Failure> {
    let group_id = args
        .group_id
        .as_deref()
        .map(|h| hex_arg(h, "--group-id"))
        .transpose()?;
    let cipher_suite = args
        .suite
        .as_deref()
        .map(crate::cli::identity::parse_suite)
        .transpose()?
        .map(|cs| cs.id());
    let external_senders = args
        .external_senders
        .iter()
        .map(|f| read_message(f, "identity file"))
        .collect::<Result<Vec<_>, _>>()?;
    let ws = opts.open()?;
    let identity = ws.identity_find(&args.identity)?;
    let row = ws.group_create(
        identity.key,
        &GroupOptions {
            name: args.name.clone(),
            group_id,
            cipher_suite,
            encrypt_handshake: args.encrypt_handshake,
            external_senders,
        },
    )?;
    let mut text = format!("created {}", row_text(&row));
    let _ = writeln!(
        text,
        "next: `group add {} KEYPACKAGE_FILE` adds members",
        row.key
    );
    Done::new(text, &GroupRowJson::new(&row))
}

#[derive(Serialize)]
struct DeletedJson {
    group: i64,
    deleted: bool,
}

pub(super) fn delete(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let (ws, row) = opts.open_group(&args.group)?;
    ws.group_delete(row.key)?;
    Done::new(
        format!(
            "deleted group {} {:?} (as {}) with its history and messages\n",
            row.key, row.name, row.identity_name
        ),
        &DeletedJson {
            group: row.key.0,
            deleted: true,
        },
    )
}
