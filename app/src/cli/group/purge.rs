//! `group purge-messages GROUP`: deleting the stored plaintext of a
//! group's messages.

use serde::Serialize;

use super::args::GroupArg;
use crate::cli::common::{Done, Failure, WorkspaceOpts};

#[derive(Serialize)]
struct PurgedJson {
    group: i64,
    purged: usize,
}

pub(super) fn purge_messages(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let (ws, row) = opts.open_group(&args.group)?;
    let purged = ws.purge_messages(row.key)?;
    let text = format!(
        "group {}: deleted the stored plaintext of {}\n",
        row.key,
        crate::text::plural(purged, "message")
    );
    Done::new(
        text,
        &PurgedJson {
            group: row.key.0,
            purged,
        },
    )
}
