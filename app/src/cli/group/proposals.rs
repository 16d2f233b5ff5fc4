//! Proposals: `group propose` (make one for this epoch and write it) and
//! `group proposals` (the epoch's pending proposals). `group commit`
//! covers the pending ones by reference.

use std::fmt::Write as _;

use serde::Serialize;

use super::args::{GroupArg, ProposeArgs, ProposePsk, ProposeWhat};
use super::commits::resolve_leaves;
use crate::cli::common::{
    Done, Failure, Target, WorkspaceOpts, check_targets, emit, hex_arg, read_message,
};
use crate::workspace::{ProposalRequest, ProposalRow};

/// A pending proposal in JSON.
#[derive(Serialize)]
struct ProposalJson {
    reference: String,
    sender_leaf: Option<u32>,
    sender: String,
    own: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    what: String,
    /// This member's own Update: its commits leave it out (their path
    /// replaces it).
    left_out_by_own_commit: bool,
}

impl ProposalJson {
    fn new(row: &ProposalRow) -> Self {
        ProposalJson {
            reference: row.reference_hex.clone(),
            sender_leaf: row.sender_leaf,
            sender: row.sender.clone(),
            own: row.own,
            kind: row.kind,
            what: row.what.clone(),
            left_out_by_own_commit: row.left_out_by_own_commit,
        }
    }
}

/// One proposal as a line of text.
fn row_text(row: &ProposalRow) -> String {
    let what = if row.what == row.kind {
        ""
    } else {
        row.what.as_str()
    };
    let mut line = format!(
        "{}  {:<6} {what}  from {}",
        row.reference_hex, row.kind, row.sender
    );
    if row.left_out_by_own_commit {
        line.push_str("  (own update: a commit by this member leaves it out)");
    }
    line
}

/// `--set TYPE=HEX`.
fn extension_arg(text: &str) -> Result<(u16, Vec<u8>), Failure> {
    let (t, data) = text
        .split_once('=')
        .ok_or_else(|| Failure::usage(format!("--set {text:?}: expected TYPE=HEX")))?;
    let t = t
        .trim()
        .parse::<u16>()
        .map_err(|_| Failure::usage(format!("--set {text:?}: the type is not a number")))?;
    Ok((t, hex_arg(data, "extension data")?))
}

#[derive(Serialize)]
struct ProposedJson {
    group: i64,
    epoch: u64,
    proposal: ProposalJson,
    message: String,
    out: Option<String>,
}

pub(super) fn propose(opts: &WorkspaceOpts, args: &ProposeArgs) -> Result<Done, Failure> {
    let target = match Target::of(args.out.as_ref(), Target::Shown) {
        Target::Stdout if opts.json => Target::Shown,
        t => t,
    };
    check_targets(&[&target], opts.json)?;
    let (ws, row) = opts.open_group(&args.group)?;
    let request = match &args.what {
        ProposeWhat::Add { key_package } => {
            ProposalRequest::Add(read_message(key_package, "key package")?)
        }
        ProposeWhat::Remove { member } => {
            let leaves = resolve_leaves(&ws, row.key, std::slice::from_ref(member))?;
            match leaves.as_slice() {
                [leaf] => ProposalRequest::Remove(*leaf),
                _ => return Err(Failure::usage("give one leaf or identity")),
            }
        }
        ProposeWhat::Update => ProposalRequest::Update,
        ProposeWhat::Psk(ProposePsk::External { id }) => {
            ProposalRequest::ExternalPsk(hex_arg(id, "PSK id")?)
        }
        ProposeWhat::Psk(ProposePsk::Resumption { epoch }) => {
            ProposalRequest::ResumptionPsk(*epoch)
        }
        ProposeWhat::Reinit(params) => {
            ProposalRequest::ReInit(super::resumption::reinit_request(params)?)
        }
        ProposeWhat::Extensions { set, unset } => ProposalRequest::Extensions {
            set: set
                .iter()
                .map(|s| extension_arg(s))
                .collect::<Result<_, _>>()?,
            unset: unset.clone(),
        },
    };
    let sent = ws.propose(row.key, &request)?;
    let mut text = format!(
        "proposed in group {} epoch {}: {}\n  reference: {}\n",
        row.key, sent.epoch, sent.row.what, sent.row.reference_hex
    );
    let mut raw = None;
    emit(
        &mut text,
        &mut raw,
        "proposal",
        &sent.message,
        &target,
        args.format,
    )
    .map_err(|f| {
        f.context(format!(
            "the proposal is kept pending in group {} (`group proposals {}` lists it)",
            row.key, row.key
        ))
    })?;
    let _ = writeln!(
        text,
        "pending: send it to the members; `group commit {}` covers it by reference",
        row.key
    );
    Done::with_raw(
        text,
        &ProposedJson {
            group: row.key.0,
            epoch: sent.epoch,
            proposal: ProposalJson::new(&sent.row),
            message: hex::encode(&sent.message),
            out: target.file(),
        },
        raw,
    )
}

#[derive(Serialize)]
struct ProposalsJson {
    group: i64,
    epoch: u64,
    proposals: Vec<ProposalJson>,
}

pub(super) fn proposals(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let (ws, row) = opts.open_group(&args.group)?;
    let list = ws.proposals(row.key)?;
    let mut text = String::new();
    if list.is_empty() {
        let _ = writeln!(
            text,
            "group {} has no pending proposals (epoch {})",
            row.key, row.epoch
        );
    } else {
        let _ = writeln!(
            text,
            "group {} epoch {}: {} pending proposal{}",
            row.key,
            row.epoch,
            list.len(),
            if list.len() == 1 { "" } else { "s" }
        );
        for p in &list {
            let _ = writeln!(text, "  {}", row_text(p));
        }
        let _ = writeln!(text, "`group commit {}` commits them by reference", row.key);
    }
    Done::new(
        text,
        &ProposalsJson {
            group: row.key.0,
            epoch: row.epoch,
            proposals: list.iter().map(ProposalJson::new).collect(),
        },
    )
}
