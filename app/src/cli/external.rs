//! `mls-inspector external …`: messages from outside a group (RFC 9420
//! §12.1.8). `external propose` signs a proposal as one of the group's
//! external senders (listed in its `external_senders` extension);
//! `external join-proposal` makes a new member's proposal to add itself
//! (sender type `new_member_proposal`) with a fresh key package kept in
//! the workspace, so `group join` takes the Welcome of the commit that
//! covers it. Both read the group's GroupInfo (`group export-group-info`).

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::common::{
    Done, Failure, MessageFormat, Target, WorkspaceOpts, check_targets, emit, finish, read_message,
};
use crate::workspace::{ExternalProposal, ExternalProposalSent};

/// `mls-inspector external [--db PATH] [--json] …`
#[derive(Debug, Args)]
pub struct ExternalArgs {
    #[command(flatten)]
    pub ws: WorkspaceOpts,

    #[command(subcommand)]
    pub command: ExternalCommand,
}

/// The external commands.
#[derive(Debug, Subcommand)]
pub enum ExternalCommand {
    /// Sign a proposal (remove a member, add a key package) as the external
    /// sender at --sender-index of the group's `external_senders`; the
    /// identity must be the one listed there. Writes a PublicMessage for
    /// the group's epoch in the GroupInfo.
    Propose(ProposeArgs),
    /// Make a new member's proposal to add itself: a fresh key package of
    /// the group's suite (kept, for `group join`) in an Add proposal signed
    /// with it.
    JoinProposal(JoinProposalArgs),
}

/// Where the proposal goes.
#[derive(Debug, Args)]
pub struct MessageOut {
    /// Write the proposal message to FILE (`-`: stdout; default: printed
    /// as hex).
    #[arg(long, value_name = "FILE", global = true)]
    pub out: Option<PathBuf>,

    /// How the message is written: default binary in files, hex on stdout.
    #[arg(long, value_enum, value_name = "FORMAT", global = true)]
    pub format: Option<MessageFormat>,
}

/// Who signs, and the group it is signed for: `--identity ID
/// --group-info FILE [--ratchet-tree FILE]`.
#[derive(Debug, Args)]
pub struct OutsideGroup {
    /// The identity that signs (the external sender, or the new member):
    /// name or `#N`.
    #[arg(long, value_name = "ID")]
    pub identity: String,

    /// The group's GroupInfo (from `group export-group-info`; hex, base64
    /// or binary; `-`: stdin).
    #[arg(long, value_name = "GROUP_INFO_FILE")]
    pub group_info: PathBuf,

    /// The ratchet tree (TLS-encoded `ratchet_tree`), when the GroupInfo
    /// has none (`group export-group-info --ratchet-tree-out`); it must
    /// hash to the GroupInfo's tree hash.
    #[arg(long, value_name = "FILE")]
    pub ratchet_tree: Option<PathBuf>,
}

impl OutsideGroup {
    /// The GroupInfo's bytes and the ratchet tree's, if one was given.
    fn read(&self) -> Result<(Vec<u8>, Option<Vec<u8>>), Failure> {
        let group_info = read_message(&self.group_info, "GroupInfo")?;
        let tree = self
            .ratchet_tree
            .as_ref()
            .map(|f| read_message(f, "ratchet tree"))
            .transpose()?;
        Ok((group_info, tree))
    }
}

/// `external propose --identity ID --group-info FILE --sender-index N (remove LEAF | add KEYPACKAGE_FILE) [--out F]`
#[derive(Debug, Args)]
pub struct ProposeArgs {
    #[command(flatten)]
    pub group: OutsideGroup,

    /// This identity's index in the group's `external_senders`.
    #[arg(long, value_name = "N")]
    pub sender_index: u32,

    #[command(subcommand)]
    pub what: ProposeWhat,

    #[command(flatten)]
    pub out: MessageOut,
}

/// What `external propose` proposes.
#[derive(Debug, Subcommand)]
pub enum ProposeWhat {
    /// Remove the member at LEAF (see the GroupInfo's tree, e.g. with
    /// `decode`, or the members' `group show`).
    Remove {
        /// The member's leaf index.
        #[arg(value_name = "LEAF")]
        leaf: u32,
    },
    /// Add the member of a key package.
    Add {
        /// The key package (MLSMessage or bare; hex, base64 or binary;
        /// `-`: stdin).
        #[arg(value_name = "KEYPACKAGE_FILE")]
        key_package: PathBuf,
    },
}

/// `external join-proposal --identity ID --group-info FILE [--out F]`
#[derive(Debug, Args)]
pub struct JoinProposalArgs {
    #[command(flatten)]
    pub group: OutsideGroup,

    #[command(flatten)]
    pub out: MessageOut,
}

/// Runs an external command; returns the exit status.
pub fn run(args: ExternalArgs) -> u8 {
    let (name, result) = match &args.command {
        ExternalCommand::Propose(a) => ("external propose", propose(&args.ws, a)),
        ExternalCommand::JoinProposal(a) => ("external join-proposal", join_proposal(&args.ws, a)),
    };
    finish(name, args.ws.json, result)
}

#[derive(Serialize)]
struct SentJson {
    group_id: String,
    epoch: u64,
    sender: String,
    what: String,
    /// A new member's key package (reference, hex), kept for `group join`.
    key_package: Option<String>,
    message: String,
    out: Option<String>,
}

fn target(opts: &WorkspaceOpts, out: &MessageOut) -> Result<Target, Failure> {
    let target = match Target::of(out.out.as_ref(), Target::Shown) {
        Target::Stdout if opts.json => Target::Shown,
        t => t,
    };
    check_targets(&[&target], opts.json)?;
    Ok(target)
}

fn report(sent: &ExternalProposalSent, target: &Target, out: &MessageOut) -> Result<Done, Failure> {
    let mut text = format!(
        "proposal for group {} epoch {}: {}\n  sender: {}\n",
        sent.group_id_hex, sent.epoch, sent.what, sent.sender
    );
    if let Some(kp) = &sent.key_package_hex {
        let _ = writeln!(
            text,
            "  key package: {kp} (kept: `group join WELCOME` joins once a member commits the proposal)"
        );
    }
    let mut raw = None;
    emit(
        &mut text,
        &mut raw,
        "proposal",
        &sent.message,
        target,
        out.format,
    )?;
    let _ = writeln!(
        text,
        "next: a member runs `group receive` with it, then `group commit` covers it by reference"
    );
    Done::with_raw(
        text,
        &SentJson {
            group_id: sent.group_id_hex.clone(),
            epoch: sent.epoch,
            sender: sent.sender.clone(),
            what: sent.what.clone(),
            key_package: sent.key_package_hex.clone(),
            message: hex::encode(&sent.message),
            out: target.file(),
        },
        raw,
    )
}

fn propose(opts: &WorkspaceOpts, args: &ProposeArgs) -> Result<Done, Failure> {
    let target = target(opts, &args.out)?;
    let (group_info, tree) = args.group.read()?;
    let proposal = match &args.what {
        ProposeWhat::Remove { leaf } => ExternalProposal::Remove(*leaf),
        ProposeWhat::Add { key_package } => {
            ExternalProposal::Add(read_message(key_package, "key package")?)
        }
    };
    let ws = opts.open()?;
    let identity = ws.identity_find(&args.group.identity)?;
    let sent = ws.external_propose(
        identity.key,
        &group_info,
        tree.as_deref(),
        args.sender_index,
        &proposal,
    )?;
    report(&sent, &target, &args.out)
}

fn join_proposal(opts: &WorkspaceOpts, args: &JoinProposalArgs) -> Result<Done, Failure> {
    let target = target(opts, &args.out)?;
    let (group_info, tree) = args.group.read()?;
    let ws = opts.open()?;
    let identity = ws.identity_find(&args.group.identity)?;
    let sent = ws.external_join_proposal(identity.key, &group_info, tree.as_deref())?;
    report(&sent, &target, &args.out)
}
