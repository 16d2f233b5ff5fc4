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

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use mls_core::conformance::{FileReport, RunReport};

pub mod common;
pub mod debug;
pub mod decode;
pub mod group;
pub mod identity;
pub mod keypackage;
pub mod trust;
pub mod view;
pub mod wire;

pub use decode::DecodeArgs;
pub use wire::{CiphertextCommand, Framing, PlaintextCommand, WireCommand};

/// Everything went well.
pub const EXIT_OK: u8 = 0;
/// A check failed, or an input could not be read or processed.
pub const EXIT_FAILED: u8 = 1;
/// Usage error, or an input with nothing to decode in it.
pub const EXIT_UNUSABLE: u8 = 2;

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

/// `mls-inspector vectors …`
#[derive(Debug, Subcommand)]
pub enum VectorsCommand {
    /// Check test-vector files against this implementation.
    ///
    /// Each file's kind (crypto-basics, tree-math, deserialization, …) is
    /// detected from its content. Exits with 0 when every file passed,
    /// 1 when anything failed or could not be checked.
    Check(CheckArgs),
}

/// `mls-inspector vectors check [--json] [FILE|DIR]...`
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print exactly one JSON object `{"files":[…]}` on stdout instead of tables.
    #[arg(long)]
    pub json: bool,

    /// In text output, list at most this many failures per file (0: all).
    /// JSON output always lists all of them.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub max_failures: usize,

    /// Vector files, or directories whose `*.json` files are checked.
    /// Default: the official vectors directory ($MLS_TEST_VECTORS, else
    /// ../shared/test-vectors next to the workspace).
    #[arg(value_name = "FILE|DIR")]
    pub paths: Vec<PathBuf>,
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

/// `vectors check`: checks every file, prints the report, exit status by
/// [`RunReport::ok`].
pub fn vectors_check(args: &CheckArgs) -> u8 {
    let paths = if args.paths.is_empty() {
        vec![mls_core::conformance::vectors_dir()]
    } else {
        args.paths.clone()
    };
    let report = check_paths(&paths);
    let out = if args.json {
        match serde_json::to_string_pretty(&report) {
            Ok(json) => json + "\n",
            Err(e) => {
                eprintln!("mls-inspector: cannot serialise the report: {e}");
                return EXIT_FAILED;
            }
        }
    } else {
        render_text(&report, args.max_failures)
    };
    if let Err(e) = write_stdout(&out) {
        // A closed pipe (`| head`) is not worth a message, but still a failure.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("mls-inspector: cannot write the report: {e}");
        }
        return EXIT_FAILED;
    }
    if report.ok() { EXIT_OK } else { EXIT_FAILED }
}

/// Checks files and directories (their `*.json` files, sorted), in order.
///
/// A directory that cannot be listed becomes a file-level error in the
/// report; an empty directory is reported on stderr (and, with nothing
/// checked, the run does not pass).
pub fn check_paths(paths: &[PathBuf]) -> RunReport {
    let mut report = RunReport::default();
    for path in paths {
        if path.is_dir() {
            match mls_core::conformance::collect_files(std::slice::from_ref(path)) {
                Ok(files) if files.is_empty() => {
                    eprintln!("mls-inspector: no *.json files in {}", path.display());
                }
                Ok(files) => report
                    .files
                    .extend(files.iter().map(|f| mls_core::conformance::check_path(f))),
                Err(e) => report.files.push(FileReport::invalid(
                    &display_name(path),
                    format!("{}: cannot list directory: {e}", path.display()),
                )),
            }
        } else {
            report.files.push(mls_core::conformance::check_path(path));
        }
    }
    report
}

/// The text report: one table row per file, then each file's failures.
pub fn render_text(report: &RunReport, max_failures: usize) -> String {
    let mut out = String::new();
    if report.files.is_empty() {
        out.push_str("No vector files checked.\n");
        return out;
    }
    let kinds: Vec<String> = report.files.iter().map(kind_label).collect();
    let total = format!("TOTAL ({})", plural(report.files.len(), "file"));
    let file_w = report
        .files
        .iter()
        .map(|f| f.file.chars().count())
        .chain([total.chars().count()])
        .max()
        .unwrap_or(4);
    let kind_w = kinds
        .iter()
        .map(|k| k.chars().count())
        .chain([4])
        .max()
        .unwrap_or(4);

    // `let _ =`: writing into a String cannot fail.
    let _ = writeln!(
        out,
        "{:<file_w$}  {:<kind_w$}  {:>6}  {:>6}  {:>6}  RESULT",
        "FILE", "KIND", "CASES", "PASSED", "FAILED"
    );
    for (file, kind) in report.files.iter().zip(&kinds) {
        let result = if file.ok() { "ok" } else { "FAILED" };
        let _ = writeln!(
            out,
            "{:<file_w$}  {:<kind_w$}  {:>6}  {:>6}  {:>6}  {result}",
            file.file, kind, file.cases, file.passed, file.failed
        );
    }
    let count = |f: fn(&FileReport) -> usize| report.files.iter().map(f).sum::<usize>();
    let _ = writeln!(
        out,
        "{:<file_w$}  {:<kind_w$}  {:>6}  {:>6}  {:>6}",
        total,
        "",
        count(|f| f.cases),
        count(|f| f.passed),
        count(|f| f.failed)
    );

    for file in report
        .files
        .iter()
        .filter(|f| !f.failures.is_empty() || f.error.is_some())
    {
        let _ = writeln!(out, "\n{}:", file.file);
        if let Some(error) = &file.error {
            let _ = writeln!(out, "  error: {error}");
        }
        // An unreadable file repeats its error as case 0's failure: list it once.
        let failures: Vec<_> = file
            .failures
            .iter()
            .filter(|f| file.error.as_deref() != Some(f.what.as_str()))
            .collect();
        let shown = if max_failures == 0 {
            failures.len()
        } else {
            max_failures
        };
        for failure in failures.iter().take(shown) {
            let _ = match failure.cipher_suite {
                Some(suite) => writeln!(
                    out,
                    "  case {} (suite {suite}): {}",
                    failure.case, failure.what
                ),
                None => writeln!(out, "  case {}: {}", failure.case, failure.what),
            };
        }
        if failures.len() > shown {
            let _ = writeln!(
                out,
                "  … and {} more (--max-failures 0 or --json lists all)",
                failures.len() - shown
            );
        }
    }

    let failed = report.files.iter().filter(|f| !f.ok()).count();
    let _ = if failed == 0 {
        writeln!(out, "\nOK: {} passed.", plural(report.files.len(), "file"))
    } else {
        writeln!(
            out,
            "\nFAILED: {failed} of {} did not pass.",
            plural(report.files.len(), "file")
        )
    };
    out
}

/// The kind column: `unsupported (welcome)` when the runner recognised but
/// cannot check a kind.
fn kind_label(file: &FileReport) -> String {
    match &file.detected {
        Some(detected) => format!("{} ({detected})", file.kind),
        None => file.kind.clone(),
    }
}

/// A path's last component, for naming it in a report.
fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// `1 file`, `2 files`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}
