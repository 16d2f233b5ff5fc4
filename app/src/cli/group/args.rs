//! The clap definitions of `mls-inspector group …`: every subcommand with
//! its arguments. The handlers are in the sibling modules.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::cli::common::MessageFormat;

use crate::cli::common::{FormatOpt, WorkspaceOpts};

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
    /// Derive a secret from the current epoch with the MLS exporter
    /// (RFC 9420 §8.5): `MLS-Exporter(label, context, length)`, printed as
    /// hex. Every member of the epoch gets the same value.
    ExportSecret(ExportSecretArgs),
    /// Show this member's settings for the group (the policy), or change
    /// them with --set KEY=VALUE…; they apply from the next message on.
    ///
    /// Keys: handshake=public|private, accept_handshake=any|public|private,
    /// padding=N, external_commits=allow|refuse,
    /// external_proposals=allow|refuse, credentials=any|basic|x509,
    /// window_size=N, max_generation_gap=N, aead_limit_bytes=N,
    /// past_epochs=N, conflict=first-seen|lowest-leaf|lowest-hash.
    Settings(GroupSettingsArgs),
    /// Make a proposal for this epoch (add, remove, update, PSK): writes the
    /// proposal message (framed as this group's commits are) and keeps it
    /// pending; `group commit` covers it by reference.
    Propose(ProposeArgs),
    /// List the epoch's pending proposals (made here or received):
    /// reference, sender, type, what.
    Proposals(GroupArg),
    /// Change the group's `external_senders` extension (RFC 9420
    /// §12.1.8.1) by a GroupContextExtensions commit; stages it. Other
    /// extensions are kept.
    Extensions(ExtensionsArgs),
    /// Re-initialise the group (RFC 9420 §11.2): stage a commit carrying a
    /// ReInit proposal (new group id, suite, version), or, without options,
    /// the ReInit proposal received this epoch. Once applied the group is
    /// closed; `group reinit-create` makes its successor.
    Reinit(ReinitArgs),
    /// Create the successor of a group closed by a ReInit: a new group with
    /// the ReInit's parameters, adding the members of the key packages
    /// (new ones, in the new suite) with a Welcome carrying the old group's
    /// last resumption PSK; members `group join` it.
    ReinitCreate(ReinitCreateArgs),
    /// Branch a subgroup (RFC 9420 §11.3): a new group in the same suite
    /// with some of the members (their new key packages), whose Welcome
    /// carries this epoch's resumption PSK; they `group join` it.
    Branch(BranchArgs),
    /// Delete the stored plaintext of a group's messages (kept only with
    /// the setting keep_plaintext=true); the message rows stay with their
    /// size, sender and time.
    PurgeMessages(GroupArg),
}

/// `group extensions GROUP [--add-external-sender FILE]... [--remove-external-sender INDEX]...`
#[derive(Debug, Args)]
pub struct ExtensionsArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    /// Append this identity file (from `identity export`) to the external
    /// senders.
    #[arg(
        long = "add-external-sender",
        value_name = "FILE",
        required_unless_present = "remove"
    )]
    pub add: Vec<PathBuf>,

    /// Remove the external sender at this index (as listed by `group show`
    /// before the change; later ones move down).
    #[arg(long = "remove-external-sender", value_name = "INDEX")]
    pub remove: Vec<u32>,

    #[command(flatten)]
    pub out: CommitOutputs,
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

    /// List this identity file (from `identity export`) in the group's
    /// `external_senders` extension; repeatable, indices in order from 0.
    #[arg(long = "external-sender", value_name = "FILE")]
    pub external_senders: Vec<PathBuf>,
}

/// Files for a commit's messages (`group commit`, `add`, … and `group
/// pending`).
#[derive(Debug, Args)]
pub struct MessageFiles {
    /// Write the commit to FILE (`-`: stdout; `group commit` prints it as
    /// hex otherwise).
    #[arg(long, value_name = "FILE")]
    pub commit_out: Option<PathBuf>,

    /// Write the Welcome for added members to FILE (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub welcome_out: Option<PathBuf>,

    /// Write the new epoch's GroupInfo (made when members are added) to
    /// FILE (`-`: stdout).
    #[arg(long, value_name = "FILE")]
    pub group_info_out: Option<PathBuf>,
}

/// Where a commit's messages go, and whether to apply it at once.
#[derive(Debug, Args)]
pub struct CommitOutputs {
    #[command(flatten)]
    pub files: MessageFiles,

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

    #[command(flatten)]
    pub files: MessageFiles,

    #[command(flatten)]
    pub format: FormatOpt,
}

/// `group export-group-info GROUP [--out FILE] [--ratchet-tree-out FILE]`
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

    /// Leave the ratchet tree out of the GroupInfo and write it (TLS-encoded
    /// `ratchet_tree`) to FILE instead, for `join-external --ratchet-tree`.
    #[arg(long, value_name = "FILE")]
    pub ratchet_tree_out: Option<PathBuf>,
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

/// `group join-external --identity ID GROUP_INFO_FILE [--commit-out F] [--ratchet-tree FILE]`
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

    /// The ratchet tree (TLS-encoded `ratchet_tree`), when the GroupInfo
    /// does not carry it; it must match the GroupInfo's tree hash.
    #[arg(long, value_name = "FILE")]
    pub ratchet_tree: Option<PathBuf>,
}

/// `group export-secret GROUP --label TEXT [--context HEX] [--length N]`
#[derive(Debug, Args)]
pub struct ExportSecretArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    /// The exporter label (UTF-8 text, used as its bytes).
    #[arg(long, value_name = "TEXT")]
    pub label: String,

    /// The exporter context in hex (default: empty).
    #[arg(long, value_name = "HEX", default_value = "")]
    pub context: String,

    /// Output length in bytes, 1 to 255 × the suite's hash length
    /// (default: the hash length).
    #[arg(long, value_name = "N")]
    pub length: Option<usize>,
}

/// `group settings GROUP [--set KEY=VALUE…]`
#[derive(Debug, Args)]
pub struct GroupSettingsArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    /// Change settings: KEY=VALUE, repeatable and several per --set; all or
    /// nothing.
    #[arg(long = "set", value_name = "KEY=VALUE", num_args = 1..)]
    pub set: Vec<String>,
}

/// `group propose GROUP (add KEYPACKAGE_FILE | remove LEAF_OR_IDENTITY |
/// update | psk external PSK_ID_HEX | psk resumption EPOCH) [--out FILE]`
#[derive(Debug, Args)]
pub struct ProposeArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    #[command(subcommand)]
    pub what: ProposeWhat,

    /// Write the proposal message to FILE (`-`: stdout; default: printed
    /// as hex).
    #[arg(long, value_name = "FILE", global = true)]
    pub out: Option<PathBuf>,

    /// How the message is written: default binary in files, hex on stdout.
    #[arg(long, value_enum, value_name = "FORMAT", global = true)]
    pub format: Option<MessageFormat>,
}

/// What `group propose` proposes.
#[derive(Debug, Subcommand)]
pub enum ProposeWhat {
    /// Add the member of a key package.
    Add {
        /// The key package (MLSMessage or bare; hex, base64 or binary;
        /// `-`: stdin).
        #[arg(value_name = "KEYPACKAGE_FILE")]
        key_package: PathBuf,
    },
    /// Remove a member.
    Remove {
        /// The member's leaf index (from `group show`) or identity.
        #[arg(value_name = "LEAF_OR_IDENTITY")]
        member: String,
    },
    /// Update this member's leaf with a fresh encryption key.
    Update,
    /// Inject a pre-shared key into the next epoch's key schedule.
    #[command(subcommand)]
    Psk(ProposePsk),
    /// Change the group context extensions (GroupContextExtensions): the
    /// current ones with --set added or replaced and --unset removed.
    Extensions {
        /// Add or replace an extension: its type (number) and data (hex,
        /// the `extension_data` bytes).
        #[arg(long = "set", value_name = "TYPE=HEX")]
        set: Vec<String>,
        /// Remove the extension of this type.
        #[arg(long = "unset", value_name = "TYPE")]
        unset: Vec<u16>,
    },
    /// Re-initialise the group (ReInit): a commit covering it closes the
    /// group.
    Reinit(ReinitParams),
}

/// `group propose GROUP psk …`
#[derive(Debug, Subcommand)]
pub enum ProposePsk {
    /// An external PSK stored with `psk add` (every member needs it).
    External {
        /// The PSK id, hex.
        #[arg(value_name = "PSK_ID_HEX")]
        id: String,
    },
    /// This group's resumption PSK of an epoch (the current one or a kept
    /// earlier one).
    Resumption {
        /// The epoch.
        #[arg(value_name = "EPOCH")]
        epoch: u64,
    },
}

/// The parameters of a ReInit proposal.
#[derive(Debug, Args)]
pub struct ReinitParams {
    /// The new group id in hex (default: 16 random bytes).
    #[arg(long, value_name = "HEX")]
    pub group_id: Option<String>,

    /// The new cipher suite: number or registry name (default: the
    /// group's).
    #[arg(long, value_name = "N|NAME")]
    pub suite: Option<String>,

    /// The protocol version (only 1, mls10).
    #[arg(long, value_name = "N")]
    pub version: Option<u16>,
}

/// `group reinit GROUP [--group-id HEX] [--suite S] [--version 1]`
#[derive(Debug, Args)]
pub struct ReinitArgs {
    /// The group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    #[command(flatten)]
    pub params: ReinitParams,

    #[command(flatten)]
    pub out: CommitOutputs,
}

/// Where a resumed group's first messages go.
#[derive(Debug, Args)]
pub struct ResumedOutputs {
    /// Write the Welcome for the members to FILE (`-`: stdout; default:
    /// printed as hex).
    #[arg(long, value_name = "FILE")]
    pub welcome_out: Option<PathBuf>,

    /// Write the new group's first commit to FILE (`-`: stdout; default:
    /// printed as hex). The members need only the Welcome.
    #[arg(long, value_name = "FILE")]
    pub commit_out: Option<PathBuf>,

    /// A local name for the new group (default: the old one's with
    /// `-reinit` or `-branch`).
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    #[command(flatten)]
    pub format: FormatOpt,
}

/// `group reinit-create OLD_GROUP --identity ID KEYPACKAGE_FILE...`
#[derive(Debug, Args)]
pub struct ReinitCreateArgs {
    /// The closed group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "OLD_GROUP")]
    pub group: String,

    /// The creator: an identity whose signature key fits the new suite
    /// (name or `#N`).
    #[arg(long, value_name = "ID")]
    pub identity: String,

    /// The other members' new key packages, in the new suite (MLSMessage or
    /// bare; hex, base64 or binary; `-`: stdin).
    #[arg(value_name = "KEYPACKAGE_FILE", required = true)]
    pub key_packages: Vec<PathBuf>,

    #[command(flatten)]
    pub out: ResumedOutputs,
}

/// `group branch GROUP --identity ID KEYPACKAGE_FILE... [--group-id HEX]`
#[derive(Debug, Args)]
pub struct BranchArgs {
    /// The parent group: `#N`, name, or hex group id (prefix).
    #[arg(value_name = "GROUP")]
    pub group: String,

    /// The creator: this member's identity in the group (name or `#N`).
    #[arg(long, value_name = "ID")]
    pub identity: String,

    /// New key packages of the other members to take along (MLSMessage or
    /// bare; hex, base64 or binary; `-`: stdin).
    #[arg(value_name = "KEYPACKAGE_FILE", required = true)]
    pub key_packages: Vec<PathBuf>,

    /// The subgroup's id in hex (default: 16 random bytes).
    #[arg(long, value_name = "HEX")]
    pub group_id: Option<String>,

    #[command(flatten)]
    pub out: ResumedOutputs,
}
