//! `mls-inspector trust-root import|list|remove` (X.509 roots that
//! credentials are validated against) and `mls-inspector psk add|list`
//! (external pre-shared keys every group of the workspace can use).

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use mls_core::crypto::Secret;
use serde::Serialize;

use super::common::{Done, Failure, WorkspaceOpts, finish, hex_arg, list_text, read_raw};
use super::view::time_text;
use crate::workspace::{PskRow, TrustRootRow};

/// `mls-inspector trust-root [--db PATH] [--json] …`
#[derive(Debug, Args)]
pub struct TrustRootArgs {
    #[command(flatten)]
    pub ws: WorkspaceOpts,

    #[command(subcommand)]
    pub command: TrustRootCommand,
}

/// The trust-root commands.
#[derive(Debug, Subcommand)]
pub enum TrustRootCommand {
    /// Import CA certificates: each FILE is a PEM bundle (one or more
    /// certificates) or one DER certificate, imported all or nothing. Once
    /// a root is stored, X.509 credentials must chain to one (basic
    /// credentials are still accepted).
    Import(ImportArgs),
    /// List the trust roots (number, subject, validity, fingerprint).
    List,
    /// Remove a trust root by number.
    Remove(RemoveArgs),
}

/// `trust-root import FILE...`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// PEM or DER files (`-`: stdin).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<PathBuf>,
}

/// `trust-root remove ID`
#[derive(Debug, Args)]
pub struct RemoveArgs {
    /// The root's number (from `trust-root list`).
    #[arg(value_name = "ID")]
    pub id: String,
}

/// `mls-inspector psk [--db PATH] [--json] …`
#[derive(Debug, Args)]
pub struct PskArgs {
    #[command(flatten)]
    pub ws: WorkspaceOpts,

    #[command(subcommand)]
    pub command: PskCommand,
}

/// The PSK commands.
#[derive(Debug, Subcommand)]
pub enum PskCommand {
    /// Store an external PSK. Every group of the workspace can inject it
    /// (`group commit --psk ID_HEX`) and Welcomes naming it can be joined.
    Add(PskAddArgs),
    /// List the stored PSK ids (never the secrets).
    List,
}

/// `psk add ID_HEX (SECRET_HEX | --secret-file FILE|-)`: exactly one of
/// the two (checked by [`psk_secret`], for a one-line error).
#[derive(Debug, Args)]
pub struct PskAddArgs {
    /// The PSK id, hex.
    #[arg(value_name = "ID_HEX")]
    pub id: String,

    /// The secret, hex (visible to other local users in the process list:
    /// prefer --secret-file).
    #[arg(value_name = "SECRET_HEX")]
    pub secret: Option<String>,

    /// Read the secret from FILE (`-`: stdin): hex text (surrounding
    /// whitespace ignored), else the file's raw bytes.
    #[arg(long, value_name = "FILE|-")]
    pub secret_file: Option<PathBuf>,
}

/// The secret of `psk add`: the argument (hex) or the file (hex text, else
/// raw bytes).
fn psk_secret(args: &PskAddArgs) -> Result<Secret, Failure> {
    match (&args.secret, &args.secret_file) {
        (Some(hex), None) => Ok(Secret::new(hex_arg(hex, "PSK secret")?)),
        (None, Some(file)) => {
            let raw = read_raw(file)?;
            let trimmed = raw.trim_ascii();
            let text = std::str::from_utf8(trimmed).ok().filter(|t| {
                !t.is_empty() && t.len() % 2 == 0 && t.bytes().all(|b| b.is_ascii_hexdigit())
            });
            if trimmed.is_empty() {
                return Err(Failure::usage(format!(
                    "the PSK secret file {} is empty",
                    file.display()
                )));
            }
            let bytes = match text.map(hex::decode) {
                Some(Ok(decoded)) => decoded,
                _ => raw,
            };
            Ok(Secret::new(bytes))
        }
        (Some(_), Some(_)) => Err(Failure::usage(
            "give the PSK secret either as SECRET_HEX or with --secret-file, not both",
        )),
        (None, None) => Err(Failure::usage(
            "give the PSK secret as SECRET_HEX or with --secret-file FILE|- (`-`: stdin)",
        )),
    }
}

/// Runs a trust-root command; returns the exit status.
pub fn run_trust_root(args: TrustRootArgs) -> u8 {
    let (name, result) = match &args.command {
        TrustRootCommand::Import(a) => ("trust-root import", import(&args.ws, a)),
        TrustRootCommand::List => ("trust-root list", list(&args.ws)),
        TrustRootCommand::Remove(a) => ("trust-root remove", remove(&args.ws, a)),
    };
    finish(name, args.ws.json, result)
}

/// Runs a PSK command; returns the exit status.
pub fn run_psk(args: PskArgs) -> u8 {
    let (name, result) = match &args.command {
        PskCommand::Add(a) => ("psk add", psk_add(&args.ws, a)),
        PskCommand::List => ("psk list", psk_list(&args.ws)),
    };
    finish(name, args.ws.json, result)
}

#[derive(Serialize)]
struct RootJson {
    id: i64,
    subject: String,
    issuer: String,
    not_before: i64,
    not_after: i64,
    fingerprint_sha256: String,
    added: u64,
}

impl RootJson {
    fn new(r: &TrustRootRow) -> Self {
        RootJson {
            id: r.id,
            subject: r.subject.clone(),
            issuer: r.issuer.clone(),
            not_before: r.not_before,
            not_after: r.not_after,
            fingerprint_sha256: r.fingerprint.clone(),
            added: r.added,
        }
    }
}

#[derive(Serialize)]
struct RootsJson {
    trust_roots: Vec<RootJson>,
}

/// The text and `{"trust_roots": [...]}` of a list of roots.
fn roots_done(text: String, roots: &[TrustRootRow]) -> Result<Done, Failure> {
    Done::new(
        text,
        &RootsJson {
            trust_roots: roots.iter().map(RootJson::new).collect(),
        },
    )
}

fn signed_time(t: i64) -> String {
    u64::try_from(t).map_or_else(|_| format!("{t} (before 1970)"), time_text)
}

fn root_text(out: &mut String, r: &TrustRootRow) {
    let _ = writeln!(out, "#{} {}", r.id, r.subject);
    let _ = writeln!(out, "  issuer:      {}", r.issuer);
    let _ = writeln!(
        out,
        "  valid:       {} … {}",
        signed_time(r.not_before),
        signed_time(r.not_after)
    );
    let _ = writeln!(out, "  SHA-256:     {}", r.fingerprint);
}

fn import(ws: &WorkspaceOpts, args: &ImportArgs) -> Result<Done, Failure> {
    let ws = ws.open()?;
    let mut imported = Vec::new();
    for file in &args.files {
        let bytes = read_raw(file)?;
        let rows = ws.trust_root_import(&bytes).map_err(|e| {
            let done = if imported.is_empty() {
                String::new()
            } else {
                format!(" (the {} before it were imported)", imported.len())
            };
            Failure::from(e).context(format!("{}{done}", file.display()))
        })?;
        imported.extend(rows);
    }
    let mut text = format!("imported {} trust root(s)\n", imported.len());
    for r in &imported {
        root_text(&mut text, r);
    }
    roots_done(text, &imported)
}

fn list(ws: &WorkspaceOpts) -> Result<Done, Failure> {
    let roots = ws.open()?.trust_roots()?;
    let text = list_text(
        &roots,
        "No trust roots: only basic credentials are accepted.\n",
        root_text,
    );
    roots_done(text, &roots)
}

#[derive(Serialize)]
struct RemovedJson {
    removed: i64,
}

fn remove(ws: &WorkspaceOpts, args: &RemoveArgs) -> Result<Done, Failure> {
    let id: i64 = args
        .id
        .trim_start_matches('#')
        .parse()
        .map_err(|_| Failure::usage(format!("{:?} is not a trust root number", args.id)))?;
    ws.open()?.trust_root_remove(id)?;
    Done::new(
        format!("removed trust root #{id}\n"),
        &RemovedJson { removed: id },
    )
}

#[derive(Serialize)]
struct PskJson {
    psk_id: String,
    added: u64,
}

impl PskJson {
    fn new(p: &PskRow) -> Self {
        PskJson {
            psk_id: hex::encode(&p.psk_id),
            added: p.added,
        }
    }
}

#[derive(Serialize)]
struct PsksJson {
    psks: Vec<PskJson>,
}

fn psk_add(ws: &WorkspaceOpts, args: &PskAddArgs) -> Result<Done, Failure> {
    let id = hex_arg(&args.id, "PSK id")?;
    let secret = psk_secret(args)?;
    let ws = ws.open()?;
    ws.psk_add(&id, secret)?;
    let stored = ws
        .psks()?
        .into_iter()
        .find(|p| p.psk_id == id)
        .ok_or_else(|| Failure::failed("the PSK was not stored"))?;
    Done::new(
        format!("stored external PSK {}\n", hex::encode(&id)),
        &PskJson::new(&stored),
    )
}

fn psk_list(ws: &WorkspaceOpts) -> Result<Done, Failure> {
    let psks = ws.open()?.psks()?;
    let text = list_text(
        &psks,
        "No external PSKs. `psk add ID_HEX SECRET_HEX` stores one.\n",
        |t, p| {
            let _ = writeln!(
                t,
                "{}  added {}",
                hex::encode(&p.psk_id),
                time_text(p.added)
            );
        },
    );
    Done::new(
        text,
        &PsksJson {
            psks: psks.iter().map(PskJson::new).collect(),
        },
    )
}
