//! `group export-secret`: the MLS exporter (RFC 9420 §8.5).

use serde::Serialize;

use super::args::ExportSecretArgs;
use crate::cli::common::{Done, Failure, WorkspaceOpts, hex_arg};

#[derive(Serialize)]
struct ExportSecretJson {
    epoch: u64,
    label: String,
    /// Hex.
    context: String,
    length: usize,
    /// Hex.
    secret: String,
}

pub(super) fn export_secret(
    opts: &WorkspaceOpts,
    args: &ExportSecretArgs,
) -> Result<Done, Failure> {
    let context = hex_arg(&args.context, "--context")?;
    let (ws, row) = opts.open_group(&args.group)?;
    let exported = ws.export_secret(row.key, &args.label, &context, args.length)?;
    let secret = hex::encode(exported.secret.as_bytes());
    Done::new(
        format!("{secret}\n"),
        &ExportSecretJson {
            epoch: exported.epoch,
            label: exported.label,
            context: hex::encode(&exported.context),
            length: exported.length,
            secret,
        },
    )
}
