//! `mls-inspector workspace status|protect|unprotect|change-passphrase`:
//! the workspace file itself and its passphrase.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::common::{Done, Failure, WorkspaceOpts, finish};
use super::passphrase;
use crate::ui::lock::{DEFAULT_LOCK_AFTER, LOCK_AFTER_KEY};
use crate::workspace::store::StorageError;
use crate::workspace::{KdfParams, ProtectionInfo, Workspace, WorkspaceError};

/// `mls-inspector workspace COMMAND [--db PATH] [--json]`
#[derive(Debug, Args)]
pub struct WorkspaceArgs {
    #[command(flatten)]
    pub ws: WorkspaceOpts,

    #[command(subcommand)]
    pub command: WorkspaceCommand,
}

/// The workspace commands.
#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// The file, its schema version, and whether a passphrase protects it
    /// (asks for none).
    Status,
    /// Protect the workspace with a passphrase: every secret (identity
    /// and key-package private keys, group states, PSK secrets, stored
    /// message plaintext) is sealed under a random workspace key, which
    /// is wrapped under a key derived from the passphrase with Argon2id.
    /// The passphrase is the first line of $MLS_INSPECTOR_PASSPHRASE_FILE,
    /// else typed twice on the terminal. Every command then needs it.
    Protect,
    /// Remove the passphrase: secrets are stored in clear again (the file
    /// stays mode 0600).
    Unprotect,
    /// Replace the passphrase (and the workspace key; every secret is
    /// sealed again). The old one as for any command, the new one from
    /// $MLS_INSPECTOR_NEW_PASSPHRASE_FILE or typed twice.
    ChangePassphrase,
    /// How long the window waits without input before it locks a
    /// protected workspace again (seconds; 0: never; default 600).
    LockAfter(LockAfterArgs),
}

/// `workspace lock-after SECONDS`
#[derive(Debug, Args)]
pub struct LockAfterArgs {
    /// Seconds without input (0: never lock).
    #[arg(value_name = "SECONDS")]
    pub seconds: u64,
}

/// Runs a `workspace` command; returns the exit status.
pub fn run(args: WorkspaceArgs) -> u8 {
    let (name, result) = match &args.command {
        WorkspaceCommand::Status => ("workspace status", status(&args.ws)),
        WorkspaceCommand::Protect => ("workspace protect", protect(&args.ws)),
        WorkspaceCommand::Unprotect => ("workspace unprotect", unprotect(&args.ws)),
        WorkspaceCommand::ChangePassphrase => {
            ("workspace change-passphrase", change_passphrase(&args.ws))
        }
        WorkspaceCommand::LockAfter(a) => ("workspace lock-after", lock_after(&args.ws, a)),
    };
    finish(name, args.ws.json, result)
}

#[derive(Serialize)]
struct KdfJson {
    algorithm: &'static str,
    memory_kib: u32,
    iterations: u32,
    parallelism: u32,
}

impl KdfJson {
    fn new(k: &KdfParams) -> Self {
        KdfJson {
            algorithm: "argon2id",
            memory_kib: k.memory_kib,
            iterations: k.iterations,
            parallelism: k.parallelism,
        }
    }
}

#[derive(Serialize)]
struct StatusJson {
    path: String,
    schema_version: i64,
    read_only: bool,
    protected: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    kdf: Option<KdfJson>,
    #[serde(skip_serializing_if = "Option::is_none")]
    protected_since: Option<String>,
    /// Seconds without input before the window locks it (0: never).
    lock_after_seconds: u64,
}

fn kdf_text(k: &KdfParams) -> String {
    format!(
        "Argon2id, {} KiB, {} pass(es), {} lane(s)",
        k.memory_kib, k.iterations, k.parallelism
    )
}

/// The window's idle time before it locks (the workspace setting).
fn lock_after_of(ws: &Workspace) -> Result<u64, Failure> {
    Ok(ws
        .setting(LOCK_AFTER_KEY)?
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(DEFAULT_LOCK_AFTER.as_secs()))
}

fn status_of(ws: &Workspace) -> Result<Done, Failure> {
    let info = ws.protection()?;
    let lock_after_seconds = lock_after_of(ws)?;
    let json = StatusJson {
        path: ws.path().display().to_string(),
        schema_version: ws.schema_version()?,
        read_only: ws.is_read_only(),
        protected: info.is_some(),
        kdf: info.as_ref().map(|i| KdfJson::new(&i.kdf)),
        protected_since: info.as_ref().map(|i| mls_core::time::format_utc_u(i.since)),
        lock_after_seconds,
    };
    let mut text = format!(
        "workspace {}\nschema version {}{}\n",
        json.path,
        json.schema_version,
        if json.read_only { " (read-only)" } else { "" }
    );
    match &info {
        None => text.push_str("unprotected: secrets are stored in clear in the file (mode 0600)\n"),
        Some(i) => text.push_str(&format!(
            "protected by a passphrase since {} ({}); secrets sealed with ChaCha20-Poly1305\n",
            mls_core::time::format_utc_u(i.since),
            kdf_text(&i.kdf)
        )),
    }
    if info.is_some() {
        text.push_str(&match lock_after_seconds {
            0 => String::from("the window never locks it by itself\n"),
            n => format!("the window locks it after {n} s without input\n"),
        });
    }
    Done::new(text, &json)
}

fn status(opts: &WorkspaceOpts) -> Result<Done, Failure> {
    status_of(&opts.open_locked()?)
}

fn protected(info: &ProtectionInfo, what: &str) -> String {
    format!(
        "{what}; the key is derived with {}; every secret is sealed with ChaCha20-Poly1305\n",
        kdf_text(&info.kdf)
    )
}

fn protect(opts: &WorkspaceOpts) -> Result<Done, Failure> {
    let ws = opts.open_locked()?;
    if ws.protection()?.is_some() {
        return Err(WorkspaceError::from(StorageError::AlreadyProtected).into());
    }
    let pass = passphrase::protect_passphrase(ws.path())?;
    let info = ws.protect(pass.as_str())?;
    let done = status_of(&ws)?;
    Ok(Done {
        text: protected(&info, "protected"),
        ..done
    })
}

fn unprotect(opts: &WorkspaceOpts) -> Result<Done, Failure> {
    let ws = opts.open_locked()?;
    if ws.protection()?.is_none() {
        return Err(WorkspaceError::from(StorageError::NotProtected).into());
    }
    let pass = passphrase::passphrase(ws.path())?;
    ws.unprotect(pass.as_str())?;
    let done = status_of(&ws)?;
    Ok(Done {
        text: String::from("unprotected: secrets are stored in clear in the file (mode 0600)\n"),
        ..done
    })
}

fn change_passphrase(opts: &WorkspaceOpts) -> Result<Done, Failure> {
    let ws = opts.open_locked()?;
    if ws.protection()?.is_none() {
        return Err(WorkspaceError::from(StorageError::NotProtected).into());
    }
    let old = passphrase::passphrase(ws.path())?;
    ws.unlock(old.as_str())?;
    let new = passphrase::new_passphrase(ws.path())?;
    let info = ws.change_passphrase(old.as_str(), new.as_str())?;
    let done = status_of(&ws)?;
    Ok(Done {
        text: protected(&info, "passphrase changed, with a new workspace key"),
        ..done
    })
}

fn lock_after(opts: &WorkspaceOpts, args: &LockAfterArgs) -> Result<Done, Failure> {
    let ws = opts.open_locked()?;
    let value = args.seconds.to_string();
    ws.set_setting(LOCK_AFTER_KEY, Some(&value))?;
    status_of(&ws)
}
