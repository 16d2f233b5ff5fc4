//! The command-line interface: `mls-inspector <COMMAND> …`.
//!
//! Every command is a variant of [`Command`] (nested subcommands get their
//! own enum, like [`VectorsCommand`]) and is dispatched by [`run`] to a
//! function returning the process exit status. The workspace commands
//! (`identity`, `keypackage`, `group`, `trust-root`, `psk`) live in their
//! own modules and share [`common`] (options, input, output, errors) and
//! [`view`] (JSON and text forms of the workspace's values).
//!
//! Exit status: [`EXIT_OK`] on success, [`EXIT_FAILED`] when a check failed
//! or an input could not be processed (for `decode`: the message is
//! malformed), and [`EXIT_UNUSABLE`] (2) for usage errors (clap's default)
//! and for inputs there is nothing to decode in (unreadable file, text that
//! is not hex/base64; every error of the wire helpers).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

pub mod common;
pub mod debug;
pub mod decode;
pub mod external;
pub mod group;
pub mod identity;
pub mod identity_x509;
pub mod keypackage;
pub mod passphrase;
pub mod settings;
pub mod trust;
pub mod vectors;
pub mod view;
pub mod wire;
pub mod workspace_cmd;

pub use common::{EXIT_FAILED, EXIT_OK, EXIT_UNUSABLE};
pub use decode::DecodeArgs;
pub use vectors::{CheckArgs, VectorsCommand, check_paths, render_text, vectors_check};
pub use wire::{CiphertextCommand, Framing, PlaintextCommand, WireCommand};

/// Top-level arguments.
#[derive(Debug, Parser)]
#[command(
    name = "mls-inspector",
    version,
    about = "Desktop inspector for Messaging Layer Security (RFC 9420)",
    long_about = "Desktop inspector for Messaging Layer Security (RFC 9420).\n\n\
                  Without a command, the graphical interface starts. \
                  With a command, it runs on the command line and needs no display."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Work with the official MLS test vectors (github.com/mlswg/mls-implementations).
    #[command(subcommand)]
    Vectors(VectorsCommand),

    /// Dissect an MLS message into its fields, with byte ranges.
    ///
    /// INPUT is hex or base64 text, `@FILE` (binary, or text holding hex or
    /// base64) or `-` for stdin. Prints the input format chosen and why,
    /// what the bytes were detected as, a summary, the signatures that can
    /// be checked from the message alone, then the field tree. Exits with 0
    /// when the message decoded completely, 1 when it is malformed (the
    /// fields up to the failure are still printed), 2 when the input is
    /// unusable.
    Decode(DecodeArgs),

    /// PublicMessage bodies (interop helper).
    #[command(subcommand)]
    Plaintext(PlaintextCommand),

    /// PrivateMessage bodies (interop helper).
    #[command(subcommand)]
    Ciphertext(CiphertextCommand),

    /// Wrap message bodies into MLSMessages and back (interop helpers).
    ///
    /// Handshake messages are PublicMessages, application messages
    /// PrivateMessages. Round trips are byte-exact; errors exit with 2.
    #[command(subcommand)]
    Wire(WireCommand),

    /// Open the window (the default without a command), optionally with a
    /// message file loaded into the Decoder.
    Gui(GuiArgs),

    /// Identities of the workspace: a name, a signature key pair and a
    /// basic credential.
    ///
    /// The workspace commands (identity, keypackage, group, trust-root,
    /// psk) share one SQLite file: --db PATH, else $MLS_INSPECTOR_DB, else
    /// $XDG_DATA_HOME/mls-inspector/workspace.sqlite (also what the GUI
    /// uses). --json prints exactly one JSON object. Errors exit with 1
    /// (refused: unknown group, malformed message, wrong epoch, nothing
    /// pending, …) or 2 (unusable argument or unreadable file).
    Identity(identity::IdentityArgs),

    /// Key packages: make them for your identities, export them for whoever
    /// adds you, validate other people's.
    #[command(name = "keypackage")]
    KeyPackage(keypackage::KeyPackageArgs),

    /// Groups: create, add/remove/update by commit, preview and apply
    /// incoming commits, send and receive messages, join by Welcome or
    /// external commit, history.
    ///
    /// Commits are staged first: the commit commands and `receive` print a
    /// preview (committer, epochs, added/removed/updated members, PSKs,
    /// extension changes, changed tree nodes); `apply` moves to the next
    /// epoch and `discard` drops it. Messages are read from files or stdin
    /// (`-`) as hex, base64 or binary (detected) and written to files
    /// (binary unless --format) or stdout (hex unless --format); without an
    /// --…-out option they are printed as hex.
    Group(group::GroupArgs),

    /// X.509 trust roots that credentials are validated against.
    #[command(name = "trust-root")]
    TrustRoot(trust::TrustRootArgs),

    /// External pre-shared keys available to every group of the workspace.
    Psk(trust::PskArgs),

    /// Test helpers (hidden).
    #[command(subcommand, hide = true)]
    Debug(debug::DebugCommand),

    /// The workspace default of group settings, applied to groups created
    /// or joined after it is set: show it, or change it with
    /// --set KEY=VALUE… (the keys of `group settings`).
    Settings(settings::SettingsArgs),

    /// Messages from outside a group (RFC 9420 §12.1.8): proposals signed
    /// as one of the group's external senders, and a new member's proposal
    /// to add itself. Both work from the group's GroupInfo (`group
    /// export-group-info`) and write a PublicMessage for the members, who
    /// `group receive` it and commit it by reference.
    External(external::ExternalArgs),

    /// The workspace file itself: `status`, and a passphrase protecting
    /// its secrets (`protect`, `unprotect`, `change-passphrase`). Every
    /// command on a protected workspace reads the passphrase from the
    /// first line of $MLS_INSPECTOR_PASSPHRASE_FILE, else asks on the
    /// terminal.
    Workspace(workspace_cmd::WorkspaceArgs),
}

/// `mls-inspector gui [--open FILE] [--select PATH] [--db PATH]`
#[derive(Debug, Args)]
pub struct GuiArgs {
    /// A message file (binary, or text holding hex or base64) to decode on startup.
    #[arg(long, value_name = "FILE")]
    pub open: Option<PathBuf>,

    /// With --open: the field to select, by path (e.g. `welcome.cipher_suite`).
    #[arg(long, value_name = "PATH", requires = "open")]
    pub select: Option<String>,

    /// The workspace file of the group manager tabs (SQLite; created if
    /// missing). Default: $MLS_INSPECTOR_DB, else
    /// $XDG_DATA_HOME/mls-inspector/workspace.sqlite.
    #[arg(long, value_name = "PATH")]
    pub db: Option<PathBuf>,
}

/// Runs one command; returns the process exit status.
pub fn run(command: Command) -> ExitCode {
    let status = match command {
        Command::Vectors(VectorsCommand::Check(args)) => vectors_check(&args),
        Command::Decode(args) => decode::decode(&args),
        Command::Plaintext(PlaintextCommand::Decode(args)) => {
            wire::decode_body(&args, Framing::Public)
        }
        Command::Ciphertext(CiphertextCommand::Decode(args)) => {
            wire::decode_body(&args, Framing::Private)
        }
        Command::Wire(WireCommand::EncodeHandshake(args)) => wire::encode(&args, Framing::Public),
        Command::Wire(WireCommand::DecodeHandshake(args)) => wire::decode(&args, Framing::Public),
        Command::Wire(WireCommand::EncodeApplication(args)) => {
            wire::encode(&args, Framing::Private)
        }
        Command::Wire(WireCommand::DecodeApplication(args)) => {
            wire::decode(&args, Framing::Private)
        }
        Command::Debug(command) => debug::run(command),
        Command::Identity(args) => identity::run(args),
        Command::KeyPackage(args) => keypackage::run(args),
        Command::Group(args) => group::run(args),
        Command::TrustRoot(args) => trust::run_trust_root(args),
        Command::Psk(args) => trust::run_psk(args),
        Command::Settings(args) => settings::run(args),
        Command::External(args) => external::run(args),
        Command::Workspace(args) => workspace_cmd::run(args),
        Command::Gui(args) => {
            return crate::gui::run_with_workspace(
                crate::gui::Startup {
                    open: args.open,
                    select: args.select,
                },
                args.db,
            );
        }
    };
    ExitCode::from(status)
}
