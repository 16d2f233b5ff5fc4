//! `mls-inspector group …`: the group manager on the command line, over
//! the persistent workspace ([`crate::workspace::Workspace`]).
//!
//! A group is named by its number (`#N` or `N`, from `group list`), its
//! local name, or its group id in hex (or a unique prefix of at least 4
//! digits). Commits are two-step: a commit command (`add`, `remove`,
//! `update`, `commit`) or `receive` stages a commit and prints its
//! preview; `apply` moves to the next epoch, `discard` drops it (`--apply`
//! does both steps at once).
//!
//! Messages are read from files or stdin (`-`) as hex, base64 or binary
//! (detected); they are written to files (`--commit-out FILE`, binary
//! unless `--format` says otherwise), to stdout (`-`, hex unless
//! `--format`), or, without an `--…-out`, printed as hex in the output.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::common::{
    Done, Failure, FormatOpt, Target, WorkspaceOpts, check_targets, emit, finish, hex_arg,
    read_message,
};
use super::view::{
    DetailsJson, EpochJson, GroupRowJson, PreviewJson, details_text, epoch_text, group_table,
    preview_text, row_text, time_text,
};
use crate::workspace::{
    CommitRequest, Direction, EpochRow, GroupKey, GroupOptions, GroupRow, LocalCommit, Preview,
    Receipt, Workspace, WorkspaceError,
};

/// `mls-inspector group [--db PATH] [--json] …`
#[derive(Debug, Args)]
pub struct GroupArgs {
    #[command(flatten)]
    pub ws: WorkspaceOpts,

    #[command(subcommand)]
    pub command: GroupCommand,
}

/// The group commands.
#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group with one member (epoch 0).
    Create(CreateArgs),
    /// List the groups of the workspace (one row per local member).
    List,
    /// Show a group's current epoch: members (leaf, credential), extensions,
    /// suite, tree hash, epoch authenticator, own leaf, pending commit.
    Show(GroupArg),
    /// Commit adding members from their key packages; writes the commit and
    /// the Welcome (and the new epoch's GroupInfo) and stages the commit.
    Add(AddArgs),
    /// Commit removing members by leaf index (or identity); stages it.
    Remove(RemoveArgs),
    /// Commit refreshing this member's keys (an UpdatePath); stages it.
    Update(UpdateArgs),
    /// Commit the proposals received this epoch, plus any given here
    /// (--add, --remove, --psk); stages it.
    Commit(CommitArgs),
    /// Encrypt an application message for the group.
    Send(SendArgs),
    /// Process an incoming message: a commit is staged and its preview
    /// printed (committer, epochs, added/removed/updated members, PSKs,
    /// extension changes, changed tree nodes); an application message is
    /// decrypted and printed; a proposal is kept for the next commit; a
    /// Welcome is joined.
    Receive(ReceiveArgs),
    /// Apply the pending commit: move to the next epoch.
    Apply(GroupArg),
    /// Drop the pending commit; the group stays in its epoch.
    Discard(GroupArg),
    /// Show the pending commit's preview (and write its messages again
    /// with --commit-out, --welcome-out, --group-info-out).
    Pending(PendingArgs),
    /// Write this epoch's signed GroupInfo (with the ratchet tree and the
    /// external public key), for `group join-external`.
    ExportGroupInfo(ExportArgs),
    /// Join a group from a Welcome made for one of this workspace's key
    /// packages.
    Join(JoinArgs),
    /// Join a group by external commit from its GroupInfo; writes the
    /// commit for the members.
    JoinExternal(JoinExternalArgs),
    /// The group's epochs as this member saw them (cause, committer,
    /// changes, epoch authenticator, tree hash, members).
    History(GroupArg),
    /// The messages recorded for the group (in and out).
    Messages(GroupArg),
    /// Delete the group's state, history, pending commit and messages from
    /// the workspace (the other members are not told).
    Delete(GroupArg),
}

/// `… GROUP`
#[derive(Debug, Args)]
pub struct GroupArg {
    /// The group: `#N` (number from `group list`), name, or hex group id
    /// (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,
}

/// `group create --identity ID [--name N] [--group-id HEX] [--suite S] [--encrypt-handshake]`
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// The member identity: name or `#N`.
    #[arg(long, value_name = "ID")]
    pub identity: String,

    /// A local name for the group (default: the start of its id).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// The group id in hex (default: 16 random bytes).
    #[arg(long, value_name = "HEX")]
    pub group_id: Option<String>,

    /// Cipher suite: number or registry name (default: the identity's; it
    /// must use the same signature scheme).
    #[arg(long, value_name = "N|NAME")]
    pub suite: Option<String>,

    /// Send commits and proposals as PrivateMessage (default:
    /// PublicMessage, which other tools can inspect).
    #[arg(long)]
    pub encrypt_handshake: bool,
}

/// Where a commit's messages go, and whether to apply it at once.
#[derive(Debug, Args)]
pub struct CommitOutputs {
    /// Write the commit to FILE (`-`: stdout) instead of printing it as hex.
    #[arg(long, value_name = "FILE")]
    pub commit_out: Option<PathBuf>,

    /// Write the Welcome for added members to FILE (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub welcome_out: Option<PathBuf>,

    /// Write the new epoch's GroupInfo (made when members are added) to
    /// FILE (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub group_info_out: Option<PathBuf>,

    /// Apply the commit right after writing its messages (default: it stays
    /// pending until `group apply`, so it can still be discarded).
    #[arg(long)]
    pub apply: bool,

    #[command(flatten)]
    pub format: FormatOpt,
}

/// `group add GROUP KEYPACKAGE_FILE...`
#[derive(Debug, Args)]
pub struct AddArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    /// Key packages (MLSMessage or bare; hex, base64 or binary; `-`: stdin).
    #[arg(value_name = "KEYPACKAGE_FILE", required = true)]
    pub key_packages: Vec<PathBuf>,

    #[command(flatten)]
    pub out: CommitOutputs,
}

/// `group remove GROUP LEAF...`
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    /// Leaf indices (from `group show`), or members' identities.
    #[arg(value_name = "LEAF", required = true)]
    pub leaves: Vec<String>,

    #[command(flatten)]
    pub out: CommitOutputs,
}

/// `group update GROUP`
#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    #[command(flatten)]
    pub out: CommitOutputs,
}

/// `group commit GROUP [--add FILE]... [--remove LEAF]... [--psk ID]... [--path]`
#[derive(Debug, Args)]
pub struct CommitArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    /// Also add the member of this key package file.
    #[arg(long = "add", value_name = "KEYPACKAGE_FILE")]
    pub add: Vec<PathBuf>,

    /// Also remove this leaf (or member identity).
    #[arg(long = "remove", value_name = "LEAF")]
    pub remove: Vec<String>,

    /// Inject this external PSK (hex id; stored with `psk add`).
    #[arg(long = "psk", value_name = "ID_HEX")]
    pub psks: Vec<String>,

    /// Include an UpdatePath even when no proposal needs one.
    #[arg(long)]
    pub path: bool,

    #[command(flatten)]
    pub out: CommitOutputs,
}

/// `group send GROUP TEXT [--out FILE]`
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    /// The text to encrypt (UTF-8).
    #[arg(value_name = "TEXT")]
    pub text: String,

    /// Write the message to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub format: FormatOpt,
}

/// `group receive [GROUP] MESSAGE_FILE|-`
#[derive(Debug, Args)]
#[command(override_usage = "mls-inspector group receive [OPTIONS] [GROUP] <MESSAGE_FILE|->")]
pub struct ReceiveArgs {
    /// `[GROUP] MESSAGE_FILE`: the group (`#N`, name, hex id; default: the
    /// one the message's header names, if only one local member fits) and
    /// the message (hex, base64 or binary; `-`: stdin).
    #[arg(
        value_name = "GROUP|MESSAGE_FILE",
        num_args = 1..=2,
        required = true
    )]
    pub args: Vec<String>,

    /// Apply a received commit right away (default: it stays pending for
    /// `group apply` / `group discard` after you read the preview).
    #[arg(long)]
    pub apply: bool,
}

/// `group pending GROUP [--commit-out F] [--welcome-out F] [--group-info-out F]`
#[derive(Debug, Args)]
pub struct PendingArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    /// Write the pending commit to FILE (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub commit_out: Option<PathBuf>,

    /// Write the pending commit's Welcome to FILE (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub welcome_out: Option<PathBuf>,

    /// Write the pending commit's GroupInfo to FILE (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub group_info_out: Option<PathBuf>,

    #[command(flatten)]
    pub format: FormatOpt,
}

/// `group export-group-info GROUP [--out FILE]`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    /// Write the GroupInfo to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub format: FormatOpt,
}

/// `group join WELCOME_FILE [--ratchet-tree FILE] [--name N]`
#[derive(Debug, Args)]
pub struct JoinArgs {
    /// The Welcome (hex, base64 or binary; `-`: stdin).
    #[arg(value_name = "WELCOME_FILE")]
    pub welcome: PathBuf,

    /// The ratchet tree (TLS-encoded `ratchet_tree`), when the Welcome's
    /// GroupInfo does not carry it.
    #[arg(long, value_name = "FILE")]
    pub ratchet_tree: Option<PathBuf>,

    /// A local name for the group.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
}

/// `group join-external --identity ID GROUP_INFO_FILE [--commit-out F]`
#[derive(Debug, Args)]
pub struct JoinExternalArgs {
    /// The identity that joins: name or `#N`.
    #[arg(long, value_name = "ID")]
    pub identity: String,

    /// The GroupInfo (from `group export-group-info`; hex, base64 or
    /// binary; `-`: stdin).
    #[arg(value_name = "GROUP_INFO_FILE")]
    pub group_info: PathBuf,

    /// Write the external commit to FILE (`-`: stdout) instead of printing
    /// it as hex.
    #[arg(long, value_name = "FILE")]
    pub commit_out: Option<PathBuf>,

    /// A local name for the group.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    #[command(flatten)]
    pub format: FormatOpt,
}

/// Runs a group command; returns the exit status.
pub fn run(args: GroupArgs) -> u8 {
    let ws = &args.ws;
    let (name, result) = match &args.command {
        GroupCommand::Create(a) => ("group create", create(ws, a)),
        GroupCommand::List => ("group list", list(ws)),
        GroupCommand::Show(a) => ("group show", show(ws, a)),
        GroupCommand::Add(a) => ("group add", add(ws, a)),
        GroupCommand::Remove(a) => ("group remove", remove(ws, a)),
        GroupCommand::Update(a) => ("group update", update(ws, a)),
        GroupCommand::Commit(a) => ("group commit", commit(ws, a)),
        GroupCommand::Send(a) => ("group send", send(ws, a)),
        GroupCommand::Receive(a) => ("group receive", receive(ws, a)),
        GroupCommand::Apply(a) => ("group apply", apply(ws, a)),
        GroupCommand::Discard(a) => ("group discard", discard(ws, a)),
        GroupCommand::Pending(a) => ("group pending", pending(ws, a)),
        GroupCommand::ExportGroupInfo(a) => ("group export-group-info", export_group_info(ws, a)),
        GroupCommand::Join(a) => ("group join", join(ws, a)),
        GroupCommand::JoinExternal(a) => ("group join-external", join_external(ws, a)),
        GroupCommand::History(a) => ("group history", history(ws, a)),
        GroupCommand::Messages(a) => ("group messages", messages(ws, a)),
        GroupCommand::Delete(a) => ("group delete", delete(ws, a)),
    };
    finish(name, ws.json, result)
}

// ---------------------------------------------------------------------------
// Groups.

fn create(opts: &WorkspaceOpts, args: &CreateArgs) -> Result<Done, Failure> {
    let group_id = args
        .group_id
        .as_deref()
        .map(|h| hex_arg(h, "--group-id"))
        .transpose()?;
    let cipher_suite = args
        .suite
        .as_deref()
        .map(super::identity::parse_suite)
        .transpose()?
        .map(|cs| cs.id());
    let ws = opts.open()?;
    let identity = ws.identity_find(&args.identity)?;
    let row = ws.group_create(
        identity.key,
        &GroupOptions {
            name: args.name.clone(),
            group_id,
            cipher_suite,
            encrypt_handshake: args.encrypt_handshake,
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
struct ListJson {
    groups: Vec<GroupRowJson>,
}

fn list(opts: &WorkspaceOpts) -> Result<Done, Failure> {
    let rows = opts.open()?.groups()?;
    Done::new(
        group_table(&rows),
        &ListJson {
            groups: rows.iter().map(GroupRowJson::new).collect(),
        },
    )
}

#[derive(Serialize)]
struct RemovedGroupJson {
    #[serde(flatten)]
    row: GroupRowJson,
    last_epoch: Option<EpochJson>,
}

fn show(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let ws = opts.open()?;
    let row = ws.group_find(&args.group)?;
    match ws.group_show(row.key) {
        Ok(details) => Done::new(details_text(&details), &DetailsJson::new(&details)),
        Err(WorkspaceError::Removed(_)) => {
            let last = ws.history(row.key)?.pop();
            let mut text = row_text(&row);
            if let Some(e) = &last {
                text.push_str("last epoch:\n");
                text.push_str(&epoch_text(e));
            }
            Done::new(
                text,
                &RemovedGroupJson {
                    row: GroupRowJson::new(&row),
                    last_epoch: last.as_ref().map(EpochJson::new),
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct DeletedJson {
    group: i64,
    deleted: bool,
}

fn delete(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let ws = opts.open()?;
    let row = ws.group_find(&args.group)?;
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

// ---------------------------------------------------------------------------
// Commits.

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
}

/// The members' leaves named by `names`: numbers, or identities of current
/// members.
fn resolve_leaves(ws: &Workspace, key: GroupKey, names: &[String]) -> Result<Vec<u32>, Failure> {
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

fn read_key_packages(files: &[PathBuf]) -> Result<Vec<Vec<u8>>, Failure> {
    files
        .iter()
        .map(|f| read_message(f, "key package"))
        .collect()
}

/// Stages a commit with `request`, writes its messages, applies it with
/// `--apply`, and reports.
fn run_commit(
    opts: &WorkspaceOpts,
    group: &str,
    out: &CommitOutputs,
    request: impl FnOnce(&Workspace, GroupKey) -> Result<CommitRequest, Failure>,
) -> Result<Done, Failure> {
    let targets = [
        Target::of(out.commit_out.as_ref(), Target::Shown),
        Target::of(out.welcome_out.as_ref(), Target::Shown),
        Target::of(out.group_info_out.as_ref(), Target::Shown),
    ];
    check_targets(&targets.iter().collect::<Vec<_>>(), opts.json)?;
    let [commit_t, welcome_t, info_t] = targets;
    let ws = opts.open()?;
    let row = ws.group_find(group)?;
    let request = request(&ws, row.key)?;
    let local = ws.commit_with(row.key, &request)?;
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
    let mut epoch = row.epoch;
    let mut authenticator = None;
    if out.apply {
        let applied = ws.apply(key)?;
        epoch = applied.epoch;
        let _ = writeln!(text, "{}", applied_text(key, &applied));
        authenticator = Some(applied.epoch_authenticator_hex);
    } else {
        let _ = writeln!(
            text,
            "pending: send the commit (and Welcome) to the members, then `group apply {key}` (or `group discard {key}`)"
        );
    }
    let mut done = Done::new(
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
        },
    )?;
    done.raw = raw;
    Ok(done)
}

fn add(opts: &WorkspaceOpts, args: &AddArgs) -> Result<Done, Failure> {
    let kps = read_key_packages(&args.key_packages)?;
    run_commit(opts, &args.group, &args.out, |_, _| {
        Ok(CommitRequest {
            add: kps,
            ..CommitRequest::default()
        })
    })
}

fn remove(opts: &WorkspaceOpts, args: &RemoveArgs) -> Result<Done, Failure> {
    run_commit(opts, &args.group, &args.out, |ws, key| {
        Ok(CommitRequest {
            remove: resolve_leaves(ws, key, &args.leaves)?,
            ..CommitRequest::default()
        })
    })
}

fn update(opts: &WorkspaceOpts, args: &UpdateArgs) -> Result<Done, Failure> {
    run_commit(opts, &args.group, &args.out, |_, _| {
        Ok(CommitRequest {
            force_path: true,
            ..CommitRequest::default()
        })
    })
}

fn commit(opts: &WorkspaceOpts, args: &CommitArgs) -> Result<Done, Failure> {
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
        })
    })
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
    epoch_authenticator: String,
    tree_hash: String,
    text: String,
    /// The commit removed this member.
    removed: bool,
}

fn apply(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let ws = opts.open()?;
    let row = ws.group_find(&args.group)?;
    let e = ws.apply(row.key)?;
    Done::new(
        format!("{}\n  {}\n", applied_text(row.key, &e), e.text),
        &ApplyJson {
            group: row.key.0,
            epoch: e.epoch,
            epoch_authenticator: e.epoch_authenticator_hex,
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

fn discard(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let ws = opts.open()?;
    let row = ws.group_find(&args.group)?;
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
}

fn pending(opts: &WorkspaceOpts, args: &PendingArgs) -> Result<Done, Failure> {
    let targets = [
        args.commit_out
            .as_ref()
            .map(|p| Target::of(Some(p), Target::Shown)),
        args.welcome_out
            .as_ref()
            .map(|p| Target::of(Some(p), Target::Shown)),
        args.group_info_out
            .as_ref()
            .map(|p| Target::of(Some(p), Target::Shown)),
    ];
    check_targets(&targets.iter().flatten().collect::<Vec<_>>(), opts.json)?;
    let ws = opts.open()?;
    let row = ws.group_find(&args.group)?;
    let preview = ws.pending(row.key)?;
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
    let mut done = Done::new(
        text,
        &PendingJson {
            group: row.key.0,
            epoch: row.epoch,
            pending: preview.as_ref().map(PreviewJson::new),
        },
    )?;
    done.raw = raw;
    Ok(done)
}

// ---------------------------------------------------------------------------
// Messages.

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

fn send(opts: &WorkspaceOpts, args: &SendArgs) -> Result<Done, Failure> {
    let target = pure_output(opts, args.out.as_ref())?;
    let ws = opts.open()?;
    let row = ws.group_find(&args.group)?;
    let bytes = ws.send(row.key, args.text.as_bytes())?;
    let mut text = String::new();
    let mut raw = None;
    emit(
        &mut text,
        &mut raw,
        "application message",
        &bytes,
        &target,
        args.format.format,
    )?;
    let mut done = Done::new(
        text,
        &SentJson {
            group: row.key.0,
            epoch: row.epoch,
            message: hex::encode(&bytes),
            out: target.file(),
        },
    )?;
    done.raw = raw;
    Ok(done)
}

fn export_group_info(opts: &WorkspaceOpts, args: &ExportArgs) -> Result<Done, Failure> {
    let target = pure_output(opts, args.out.as_ref())?;
    let ws = opts.open()?;
    let row = ws.group_find(&args.group)?;
    let bytes = ws.export_group_info(row.key)?;
    let mut text = String::new();
    let mut raw = None;
    emit(
        &mut text,
        &mut raw,
        "group info",
        &bytes,
        &target,
        args.format.format,
    )?;
    let mut done = Done::new(
        text,
        &SentJson {
            group: row.key.0,
            epoch: row.epoch,
            message: hex::encode(&bytes),
            out: target.file(),
        },
    )?;
    done.raw = raw;
    Ok(done)
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

fn receive(opts: &WorkspaceOpts, args: &ReceiveArgs) -> Result<Done, Failure> {
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
                "application message in group {group}, epoch {epoch}, from {sender_name} (leaf {sender}):\n{plain}\n"
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
    }
}

fn received_commit(ws: &Workspace, preview: &Preview, apply: bool) -> Result<Done, Failure> {
    let key = preview.group;
    let mut text = format!("group {key}: ");
    text.push_str(&preview_text(preview));
    let mut epoch = preview.current_epoch;
    let mut authenticator = None;
    if apply {
        let e = ws.apply(key)?;
        epoch = e.epoch;
        let _ = writeln!(text, "{}", applied_text(key, &e));
        authenticator = Some(e.epoch_authenticator_hex);
    } else {
        let _ = writeln!(
            text,
            "staged: `group apply {key}` moves to epoch {}, `group discard {key}` drops it",
            preview.new_epoch
        );
    }
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

fn joined(row: &GroupRow) -> Result<Done, Failure> {
    Done::new(
        format!("joined {}", row_text(row)),
        &ReceiveJson::Welcome {
            joined: GroupRowJson::new(row),
        },
    )
}

fn join(opts: &WorkspaceOpts, args: &JoinArgs) -> Result<Done, Failure> {
    let welcome = read_message(&args.welcome, "Welcome")?;
    let tree = args
        .ratchet_tree
        .as_ref()
        .map(|f| read_message(f, "ratchet tree"))
        .transpose()?;
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

fn join_external(opts: &WorkspaceOpts, args: &JoinExternalArgs) -> Result<Done, Failure> {
    let target = Target::of(args.commit_out.as_ref(), Target::Shown);
    check_targets(&[&target], opts.json)?;
    let info = read_message(&args.group_info, "GroupInfo")?;
    let ws = opts.open()?;
    let identity = ws.identity_find(&args.identity)?;
    let (row, commit) = ws.join_external(identity.key, &info)?;
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
    let mut done = Done::new(
        text,
        &JoinExternalJson {
            group: GroupRowJson::new(&row),
            commit: hex::encode(&commit),
            commit_out: target.file(),
        },
    )?;
    done.raw = raw;
    Ok(done)
}

// ---------------------------------------------------------------------------
// History.

#[derive(Serialize)]
struct HistoryJson {
    group: i64,
    epochs: Vec<EpochJson>,
}

fn history(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let ws = opts.open()?;
    let row = ws.group_find(&args.group)?;
    let epochs = ws.history(row.key)?;
    let mut text = format!(
        "group {} {:?} (as {}): {} epoch(s)\n",
        row.key,
        row.name,
        row.identity_name,
        epochs.len()
    );
    for e in &epochs {
        text.push_str(&epoch_text(e));
    }
    Done::new(
        text,
        &HistoryJson {
            group: row.key.0,
            epochs: epochs.iter().map(EpochJson::new).collect(),
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

fn messages(opts: &WorkspaceOpts, args: &GroupArg) -> Result<Done, Failure> {
    let ws = opts.open()?;
    let row = ws.group_find(&args.group)?;
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
