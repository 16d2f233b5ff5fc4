//! Messages: `group send`, `group export-group-info`, `group receive` (an
//! application message, a proposal, a commit to stage, or a Welcome) and
//! `group messages`.

use std::fmt::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use super::args::{ExportArgs, GroupArg, ReceiveArgs, SendArgs};
use super::candidates;
use super::commits::apply_staged;
use crate::cli::common::{
    Done, Failure, MessageFormat, Target, WorkspaceOpts, check_targets, emit, read_message,
};
use crate::cli::view::{GroupRowJson, PreviewJson, preview_text, row_text, time_text};
use crate::text::escape_controls;
use crate::workspace::{Direction, GroupRow, Preview, Receipt, Workspace};

#[derive(Serialize)]
struct SentJson {
    group: i64,
    epoch: u64,
    message: String,
    out: Option<String>,
}

/// A message written to `--out` or, without it, stdout (in JSON: shown).
fn pure_output(opts: &WorkspaceOpts, out: Option<&PathBuf>) -> Result<Target, Failure> {
    let target = match Target::of(out, Target::Stdout) {
        Target::Stdout if opts.json => Target::Shown,
        t => t,
    };
    check_targets(&[&target], opts.json)?;
    Ok(target)
}

pub(super) fn send(opts: &WorkspaceOpts, args: &SendArgs) -> Result<Done, Failure> {
    let target = pure_output(opts, args.out.as_ref())?;
    let (ws, row) = opts.open_group(&args.group)?;
    let bytes = ws.send(row.key, args.text.as_bytes())?;
    sent(
        &row,
        "application message",
        &bytes,
        &target,
        args.format.format,
    )
}

pub(super) fn export_group_info(opts: &WorkspaceOpts, args: &ExportArgs) -> Result<Done, Failure> {
    let target = pure_output(opts, args.out.as_ref())?;
    let tree_target = args
        .ratchet_tree_out
        .as_ref()
        .map(|p| Target::of(Some(p), Target::Shown));
    if let Some(t) = &tree_target {
        check_targets(&[&target, t], opts.json)?;
    }
    let (ws, row) = opts.open_group(&args.group)?;
    let Some(tree_target) = tree_target else {
        let bytes = ws.export_group_info(row.key)?;
        return sent(&row, "group info", &bytes, &target, args.format.format);
    };
    let (bytes, tree) = ws.export_group_info_without_tree(row.key)?;
    let mut text = String::new();
    let mut raw = None;
    emit(
        &mut text,
        &mut raw,
        "ratchet tree",
        &tree,
        &tree_target,
        args.format.format,
    )?;
    let done = sent(&row, "group info", &bytes, &target, args.format.format)?;
    Ok(Done {
        text: format!("{text}{}", done.text),
        raw: done.raw.or(raw),
        ..done
    })
}

/// A message of `row`'s group written to `target`, reported.
fn sent(
    row: &GroupRow,
    what: &str,
    bytes: &[u8],
    target: &Target,
    format: Option<MessageFormat>,
) -> Result<Done, Failure> {
    let mut text = String::new();
    let mut raw = None;
    emit(&mut text, &mut raw, what, bytes, target, format)?;
    Done::with_raw(
        text,
        &SentJson {
            group: row.key.0,
            epoch: row.epoch,
            message: hex::encode(bytes),
            out: target.file(),
        },
        raw,
    )
}

/// What `group receive` did.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ReceiveJson {
    /// A decrypted application message.
    Application {
        group: i64,
        epoch: u64,
        sender: u32,
        sender_name: String,
        /// The plaintext as UTF-8 (invalid sequences replaced).
        text: String,
        /// The plaintext, hex.
        data: String,
        authenticated_data: String,
    },
    /// A proposal, kept for the next commit.
    Proposal {
        group: i64,
        sender: String,
        reference: String,
        description: String,
    },
    /// A staged (or, with --apply, applied) commit.
    Commit {
        group: i64,
        preview: Box<PreviewJson>,
        applied: bool,
        epoch: u64,
        epoch_authenticator: Option<String>,
    },
    /// A Welcome: the group was joined.
    Welcome { joined: GroupRowJson },
}

pub(super) fn receive(opts: &WorkspaceOpts, args: &ReceiveArgs) -> Result<Done, Failure> {
    let (group, file) = match args.args.as_slice() {
        [file] => (None, file),
        [group, file] => (Some(group), file),
        _ => return Err(Failure::usage("give [GROUP] MESSAGE_FILE")),
    };
    let bytes = read_message(&PathBuf::from(file), "message")?;
    let ws = opts.open()?;
    let key = group.map(|g| ws.group_find(g)).transpose()?.map(|r| r.key);
    match ws.receive(key, &bytes)? {
        Receipt::Application {
            group,
            epoch,
            sender,
            sender_name,
            data,
            authenticated_data,
        } => {
            let plain = String::from_utf8_lossy(&data).into_owned();
            let text = format!(
                "application message in group {group}, epoch {epoch}, from {sender_name} (leaf {sender}):\n{}\n",
                escape_controls(&plain)
            );
            Done::new(
                text,
                &ReceiveJson::Application {
                    group: group.0,
                    epoch,
                    sender,
                    sender_name,
                    text: plain,
                    data: hex::encode(&data),
                    authenticated_data: hex::encode(&authenticated_data),
                },
            )
        }
        Receipt::Proposal {
            group,
            sender,
            reference_hex,
            description,
        } => Done::new(
            format!(
                "proposal in group {group} from {sender}: {description}\n  reference: {reference_hex}\n  kept for the next commit (`group commit {group}`)\n"
            ),
            &ReceiveJson::Proposal {
                group: group.0,
                sender,
                reference: reference_hex,
                description,
            },
        ),
        Receipt::CommitStaged(preview) => received_commit(&ws, &preview, args.apply),
        Receipt::Joined(row) => joined(&row),
        Receipt::Competing { candidates, staged } => {
            let applied = if args.apply {
                let mut text = String::new();
                let (epoch, authenticator) = apply_staged(&ws, staged.group, &mut text)?;
                Some((epoch, authenticator, text))
            } else {
                None
            };
            candidates::competing_done(&candidates, &staged, applied)
        }
        Receipt::Superseded(late) => candidates::superseded_done(&late),
    }
}

fn received_commit(ws: &Workspace, preview: &Preview, apply: bool) -> Result<Done, Failure> {
    let key = preview.group;
    let mut text = format!("group {key}: ");
    text.push_str(&preview_text(preview));
    let (epoch, authenticator) = if apply {
        apply_staged(ws, key, &mut text)?
    } else {
        let _ = writeln!(
            text,
            "staged: `group apply {key}` moves to epoch {}, `group discard {key}` drops it",
            preview.new_epoch
        );
        (preview.current_epoch, None)
    };
    Done::new(
        text,
        &ReceiveJson::Commit {
            group: key.0,
            preview: Box::new(PreviewJson::new(preview)),
            applied: apply,
            epoch,
            epoch_authenticator: authenticator,
        },
    )
}

fn joined(row: &GroupRow) -> Result<Done, Failure> {
    Done::new(
        format!("joined {}", row_text(row)),
        &ReceiveJson::Welcome {
            joined: GroupRowJson::new(row),
        },
    )
}

#[derive(Serialize)]
struct MessageJson {
    id: i64,
    direction: &'static str,
    kind: &'static str,
    epoch: Option<u64>,
    sender: Option<u32>,
    time: u64,
    /// Decrypted application data as UTF-8, if any.
    text: Option<String>,
    /// The `MLSMessage`, hex.
    message: String,
}

#[derive(Serialize)]
struct MessagesJson {
    group: i64,
    messages: Vec<MessageJson>,
}

pub(super) fn messages(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let (ws, row) = opts.open_group(&args.group)?;
    let list = ws.messages(Some(row.key))?;
    let mut text = String::new();
    let mut json = Vec::new();
    for m in &list {
        let direction = match m.direction {
            Direction::In => "in",
            Direction::Out => "out",
        };
        let content = m
            .content
            .as_deref()
            .map(|c| String::from_utf8_lossy(c).into_owned());
        let _ = writeln!(
            text,
            "#{:<4} {:<3} {:<11} epoch {:<4} {:<8} {} bytes  {}{}",
            m.id,
            direction,
            m.kind.as_str(),
            m.epoch.map_or_else(|| String::from("-"), |e| e.to_string()),
            m.sender.map_or_else(String::new, |s| format!("leaf {s}")),
            m.bytes.len(),
            time_text(m.time),
            content
                .as_ref()
                .map_or_else(String::new, |c| format!("  {c:?}"))
        );
        json.push(MessageJson {
            id: m.id,
            direction,
            kind: m.kind.as_str(),
            epoch: m.epoch,
            sender: m.sender,
            time: m.time,
            text: content,
            message: hex::encode(&m.bytes),
        });
    }
    if list.is_empty() {
        text.push_str("No messages recorded for this group.\n");
    }
    Done::new(
        text,
        &MessagesJson {
            group: row.key.0,
            messages: json,
        },
    )
}
