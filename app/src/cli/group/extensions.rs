//! `group extensions`: the group's `external_senders` extension changed by
//! a GroupContextExtensions commit, staged (and written) like every
//! commit through [`super::commits::run_commit`].

use super::args::ExtensionsArgs;
use super::commits::run_commit;
use crate::cli::common::{Done, Failure, WorkspaceOpts, read_message};
use crate::workspace::CommitRequest;

pub(super) fn extensions(opts: &WorkspaceOpts, args: &ExtensionsArgs) -> Result<Done, Failure> {
    let add = args
        .add
        .iter()
        .map(|f| read_message(f, "identity file"))
        .collect::<Result<Vec<_>, _>>()?;
    run_commit(opts, &args.group, &args.out, |ws, key| {
        Ok(CommitRequest {
            extensions: Some(ws.external_senders_changed(key, &add, &args.remove)?),
            ..CommitRequest::default()
        })
    })
}
