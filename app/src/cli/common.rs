//! What the workspace commands (`identity`, `keypackage`, `group`,
//! `trust-root`, `psk`) share: the `--db`/`--json` options, reading
//! messages from files or stdin, writing them to files or stdout, and
//! turning a command's result or error into output and an exit status.
//!
//! Every command returns `Result<Done, Failure>`; [`finish`] prints it:
//!
//! * human text on stdout, or with `--json` exactly one JSON object;
//! * a message written to stdout (`--out -`, or `send`/`export` without
//!   `--out`) replaces the text, which then goes to stderr;
//! * a failure prints one line `mls-inspector: <command>: <why>` on stderr
//!   (with `--json` also `{"error": …, "exit": …}` on stdout) and exits
//!   with [`EXIT_FAILED`] (the workspace refused: unknown group, malformed
//!   message, wrong epoch, nothing pending, …) or [`EXIT_UNUSABLE`] (an
//!   unreadable file or an unusable argument).

use std::fmt::Write as _;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use clap::{Args, ValueEnum};
use mls_core::inspect::{self, InputFormat};
use serde::Serialize;

use crate::workspace::{GroupRow, OpenMode, Workspace, WorkspaceError};

/// Everything went well.
pub const EXIT_OK: u8 = 0;
/// A check failed, or an input could not be read or processed.
pub const EXIT_FAILED: u8 = 1;
/// Usage error, or an input with nothing to decode in it.
pub const EXIT_UNUSABLE: u8 = 2;

/// The environment variable naming the workspace file when `--db` is not
/// given.
pub const DB_ENV: &str = "MLS_INSPECTOR_DB";

/// `--db PATH --json`: accepted anywhere after the command name.
#[derive(Debug, Clone, Default, Args)]
pub struct WorkspaceOpts {
    /// The workspace file (SQLite; created if missing). Default:
    /// $MLS_INSPECTOR_DB, else $XDG_DATA_HOME/mls-inspector/workspace.sqlite
    /// (~/.local/share/… without XDG_DATA_HOME).
    #[arg(long, value_name = "PATH", global = true)]
    pub db: Option<PathBuf>,

    /// Print exactly one JSON object on stdout instead of text (messages as
    /// hex fields). Errors are `{"error": "…", "exit": N}`.
    #[arg(long, global = true)]
    pub json: bool,

    /// Make a workspace of the file given with --db (or
    /// $MLS_INSPECTOR_DB) even if it exists and is empty (an existing
    /// empty file is otherwise refused: it may be something else that was
    /// truncated).
    #[arg(long, global = true)]
    pub create: bool,

    /// Open the workspace for reading only: showing and listing work,
    /// anything that would change the file is refused. (A file this
    /// process may not write is always opened so.)
    #[arg(long, global = true, conflicts_with = "create")]
    pub read_only: bool,
}

impl WorkspaceOpts {
    /// The file `--db`, `$MLS_INSPECTOR_DB` or the default names.
    pub fn path(&self) -> Result<PathBuf, Failure> {
        if let Some(path) = &self.db {
            return Ok(path.clone());
        }
        if let Some(path) = std::env::var_os(DB_ENV).filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(path));
        }
        Ok(Workspace::default_path()?)
    }

    /// Opens (creating if needed) the workspace file; a protected one is
    /// unlocked with its passphrase (`super::passphrase`).
    pub fn open(&self) -> Result<Workspace, Failure> {
        let ws = self.open_locked()?;
        if ws.is_locked()? {
            let pass = super::passphrase::passphrase(ws.path())?;
            ws.unlock(pass.as_str())?;
        }
        Ok(ws)
    }

    /// Opens (creating if needed) the workspace file without unlocking a
    /// protected one.
    pub fn open_locked(&self) -> Result<Workspace, Failure> {
        let named = self.db.is_some() || std::env::var_os(DB_ENV).is_some_and(|p| !p.is_empty());
        let path = self.path()?;
        let mode = if self.read_only {
            OpenMode::ReadOnly
        } else if self.create || !named {
            OpenMode::Creating
        } else {
            OpenMode::Existing
        };
        Ok(Workspace::open_locked(path, mode)?)
    }

    /// Opens the workspace file and finds `group` in it (`#N`, name or id).
    pub fn open_group(&self, group: &str) -> Result<(Workspace, GroupRow), Failure> {
        let ws = self.open()?;
        let row = ws.group_find(group)?;
        Ok((ws, row))
    }
}

/// `--format`: how messages are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MessageFormat {
    /// Lower-case hex, one line.
    Hex,
    /// Standard base64, one line.
    Base64,
    /// The raw bytes.
    Binary,
}

impl MessageFormat {
    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            MessageFormat::Hex => "hex",
            MessageFormat::Base64 => "base64",
            MessageFormat::Binary => "binary",
        }
    }

    /// `bytes` in this format (text formats end with a line break).
    pub fn encode(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            MessageFormat::Hex => format!("{}\n", hex::encode(bytes)).into_bytes(),
            MessageFormat::Base64 => format!(
                "{}\n",
                base64::engine::general_purpose::STANDARD.encode(bytes)
            )
            .into_bytes(),
            MessageFormat::Binary => bytes.to_vec(),
        }
    }

    /// `bytes` as one line of text: base64 when chosen, else hex (binary
    /// cannot be shown in text).
    pub fn text(format: Option<Self>, bytes: &[u8]) -> String {
        match format {
            Some(MessageFormat::Base64) => base64::engine::general_purpose::STANDARD.encode(bytes),
            _ => hex::encode(bytes),
        }
    }
}

/// `--format` for commands that write messages.
#[derive(Debug, Clone, Copy, Default, Args)]
pub struct FormatOpt {
    /// How messages are written: default binary in files, hex on stdout.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<MessageFormat>,
}

/// A failed command: what to print and the exit status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// One line saying what was wrong.
    pub message: String,
    /// [`EXIT_FAILED`] or [`EXIT_UNUSABLE`].
    pub code: u8,
}

impl Failure {
    /// An unusable argument or unreadable input ([`EXIT_UNUSABLE`]).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: EXIT_UNUSABLE,
        }
    }

    /// A refused operation ([`EXIT_FAILED`]).
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: EXIT_FAILED,
        }
    }

    /// The same failure with `context: ` in front.
    pub fn context(self, context: impl std::fmt::Display) -> Self {
        Failure {
            message: format!("{context}: {}", self.message),
            code: self.code,
        }
    }
}

impl From<WorkspaceError> for Failure {
    fn from(e: WorkspaceError) -> Self {
        let hint = match &e {
            WorkspaceError::NotFound { what: "group", .. } => " (`group list` shows the groups)",
            WorkspaceError::NotFound {
                what: "identity", ..
            } => " (`identity list` shows the identities)",
            WorkspaceError::NotFound {
                what: "key package",
                ..
            } => " (`keypackage list` shows the key packages)",
            WorkspaceError::NoPending(_) => " (`group receive` or a commit command stages one)",
            _ => "",
        };
        Failure::failed(format!("{e}{hint}"))
    }
}

/// A successful command's output.
#[derive(Debug, Default)]
pub struct Done {
    /// Human output.
    pub text: String,
    /// The `--json` object, pretty-printed (fields in declaration order).
    pub json: String,
    /// A message for stdout (in its format); the text then goes to stderr.
    pub raw: Option<Vec<u8>>,
}

impl Done {
    /// Text and the JSON form of `json`.
    pub fn new(text: String, json: &impl Serialize) -> Result<Self, Failure> {
        Ok(Done {
            text,
            json: to_json(json)?,
            raw: None,
        })
    }

    /// Text, the JSON form of `json`, and a message for stdout if any.
    pub fn with_raw(
        text: String,
        json: &impl Serialize,
        raw: Option<Vec<u8>>,
    ) -> Result<Self, Failure> {
        Ok(Done {
            raw,
            ..Done::new(text, json)?
        })
    }
}

/// A value as pretty-printed JSON.
pub fn to_json(value: &impl Serialize) -> Result<String, Failure> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Failure::failed(format!("cannot serialise the result: {e}")))
}

#[derive(Serialize)]
struct ErrorJson<'a> {
    error: &'a str,
    exit: u8,
}

/// Prints a command's result (see the module docs) and returns the exit
/// status. `command` names the command in error messages
/// (`group add`).
pub fn finish(command: &str, json: bool, result: Result<Done, Failure>) -> u8 {
    let done = match result {
        Ok(done) => done,
        Err(failure) => {
            // One line, and nothing from a message or certificate can
            // drive the terminal.
            let message = crate::text::escape_controls(&failure.message.replace('\n', " "));
            eprintln!("mls-inspector: {command}: {message}");
            if json
                && let Ok(text) = serde_json::to_string(&ErrorJson {
                    error: &message,
                    exit: failure.code,
                })
            {
                let _ = write_all_stdout(format!("{text}\n").as_bytes());
            }
            return failure.code;
        }
    };
    let written = if json {
        write_all_stdout(format!("{}\n", done.json).as_bytes())
    } else if let Some(raw) = &done.raw {
        if !done.text.is_empty() {
            eprint!("{}", done.text);
        }
        write_all_stdout(raw)
    } else {
        write_all_stdout(done.text.as_bytes())
    };
    match written {
        Ok(()) => EXIT_OK,
        Err(e) => {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                eprintln!("mls-inspector: {command}: cannot write the output: {e}");
            }
            EXIT_FAILED
        }
    }
}

fn write_all_stdout(bytes: &[u8]) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(bytes)?;
    stdout.flush()
}

// ---------------------------------------------------------------------------
// Input.

/// Reads a file (or stdin for `-`) as it is.
pub fn read_raw(arg: &Path) -> Result<Vec<u8>, Failure> {
    if arg == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .map_err(|e| Failure::usage(format!("cannot read stdin: {e}")))?;
        return Ok(bytes);
    }
    std::fs::read(arg).map_err(|e| Failure::usage(format!("cannot read {}: {e}", arg.display())))
}

/// Reads `what` (e.g. `message`) from a file or stdin (`-`): hex, base64
/// or binary, detected by [`inspect::parse_input`].
pub fn read_message(arg: &Path, what: &str) -> Result<Vec<u8>, Failure> {
    let raw = read_raw(arg)?;
    let name = if arg == Path::new("-") {
        String::from("stdin")
    } else {
        arg.display().to_string()
    };
    if raw.trim_ascii().is_empty() {
        return Err(Failure::usage(format!("{what} {name} is empty")));
    }
    let parsed = inspect::parse_input(&raw);
    if parsed.bytes.is_empty() {
        return Err(Failure::usage(format!("{what} {name} holds no bytes")));
    }
    let is_text = raw
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if parsed.format == InputFormat::Binary && is_text {
        // Text that is neither hex nor base64 is almost surely not a
        // message; say so instead of "malformed at byte 0".
        let why = parsed
            .reason
            .trim_end_matches(", so read as raw binary")
            .trim_start_matches("text that is ");
        return Err(Failure::failed(format!(
            "{what} {name} is text, but {why}: expected an MLS message in hex, base64 or binary"
        )));
    }
    Ok(parsed.bytes)
}

/// Decodes a hex argument.
pub fn hex_arg(text: &str, what: &str) -> Result<Vec<u8>, Failure> {
    let digits: String = text
        .trim()
        .trim_start_matches("0x")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    hex::decode(&digits).map_err(|e| Failure::usage(format!("{what} {text:?} is not hex: {e}")))
}

// ---------------------------------------------------------------------------
// Output.

/// Where a produced message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Shown in the output (hex, or base64 if chosen).
    Shown,
    /// Written to stdout in the format (default hex).
    Stdout,
    /// Written to a file in the format (default binary).
    File(PathBuf),
}

impl Target {
    /// `--x-out`: absent → `fallback`, `-` → stdout, else the file.
    pub fn of(out: Option<&PathBuf>, fallback: Target) -> Target {
        match out {
            None => fallback,
            Some(p) if p.as_os_str() == "-" => Target::Stdout,
            Some(p) => Target::File(p.clone()),
        }
    }

    /// The file, for the JSON `…_out` fields.
    pub fn file(&self) -> Option<String> {
        match self {
            Target::File(p) => Some(p.display().to_string()),
            Target::Stdout => Some(String::from("-")),
            Target::Shown => None,
        }
    }
}

/// Refuses a combination that would put two things on stdout: more than
/// one message, or a message and the JSON object.
pub fn check_targets(targets: &[&Target], json: bool) -> Result<(), Failure> {
    let stdout = targets.iter().filter(|t| ***t == Target::Stdout).count();
    if stdout > 1 {
        return Err(Failure::usage(
            "only one message can go to stdout (-); write the others to files",
        ));
    }
    if stdout == 1 && json {
        return Err(Failure::usage(
            "--json and a message on stdout (-) cannot be combined; write it to a file (the JSON holds it as hex anyway)",
        ));
    }
    Ok(())
}

/// Writes `bytes` (a `what`, e.g. `commit`) to its target: files are
/// written now, stdout is stored in `raw`. Adds a line to `text`.
pub fn emit(
    text: &mut String,
    raw: &mut Option<Vec<u8>>,
    what: &str,
    bytes: &[u8],
    target: &Target,
    format: Option<MessageFormat>,
) -> Result<(), Failure> {
    match target {
        Target::Shown => {
            let _ = writeln!(text, "{what}: {}", MessageFormat::text(format, bytes));
        }
        Target::Stdout => {
            *raw = Some(format.unwrap_or(MessageFormat::Hex).encode(bytes));
        }
        Target::File(path) => {
            let format = format.unwrap_or(MessageFormat::Binary);
            std::fs::write(path, format.encode(bytes)).map_err(|e| {
                Failure::failed(format!(
                    "cannot write the {what} to {}: {e}",
                    path.display()
                ))
            })?;
            let _ = writeln!(
                text,
                "{what}: written to {} ({} bytes, {})",
                path.display(),
                bytes.len(),
                format.name()
            );
        }
    }
    Ok(())
}

/// Writes `text` to stdout and flushes it.
pub fn write_stdout(text: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(text.as_bytes())?;
    stdout.flush()
}

/// The text of a listing: `empty` when there is nothing, else one or more
/// lines per item written by `line`.
pub fn list_text<T>(items: &[T], empty: &str, mut line: impl FnMut(&mut String, &T)) -> String {
    let mut text = String::new();
    if items.is_empty() {
        text.push_str(empty);
    }
    for item in items {
        line(&mut text, item);
    }
    text
}
