//! `mls-inspector identity new|list`: the workspace's identities (a name,
//! a signature key pair and a basic credential holding the name).

use std::fmt::Write as _;

use clap::{Args, Subcommand};
use mls_core::crypto::CipherSuite;
use serde::Serialize;

use super::common::{Done, Failure, Target, WorkspaceOpts, check_targets, emit, finish, list_text};
use super::view::{IdentityJson, identity_line};

/// `mls-inspector identity [--db PATH] [--json] …`
#[derive(Debug, Args)]
pub struct IdentityArgs {
    #[command(flatten)]
    pub ws: WorkspaceOpts,

    #[command(subcommand)]
    pub command: IdentityCommand,
}

/// The identity commands.
#[derive(Debug, Subcommand)]
pub enum IdentityCommand {
    /// Create an identity: a fresh signature key pair and a basic
    /// credential holding NAME. Names are unique in a workspace.
    New(NewArgs),
    /// List the identities (number, name, suite, credential).
    List,
    /// Write an identity's public part (signature key and credential) as
    /// a file: the TLS-encoded `ExternalSender` struct of RFC 9420
    /// §12.1.8.1, for `group create --external-sender` and `group
    /// extensions --add-external-sender`.
    Export(ExportArgs),
    /// Import an X.509 identity: a PEM certificate chain (leaf first, then
    /// intermediates) and the leaf's PKCS#8 private key (PEM). The suite
    /// is the first that signs with the key's algorithm (Ed25519 → 1,
    /// P-256 → 2, Ed448 → 4, P-521 → 5, P-384 → 7) unless --suite says.
    Import(super::identity_x509::ImportArgs),
    /// Make a local CA for trying X.509 identities: a self-signed CA
    /// certificate and its PKCS#8 private key, written as PEM files (no
    /// workspace change). Import the certificate with `trust-root import` and
    /// issue identities with `identity new NAME --x509 --ca … --ca-key …`.
    CaNew(super::identity_x509::CaNewArgs),
}

/// `identity export ID [--out FILE] [--format F]`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The identity: name or `#N`.
    #[arg(value_name = "ID")]
    pub id: String,

    /// Write the file to FILE (`-`: stdout; default: printed as hex).
    #[arg(long, value_name = "FILE")]
    pub out: Option<std::path::PathBuf>,

    #[command(flatten)]
    pub format: super::common::FormatOpt,
}

/// `identity new NAME [--suite S]`
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The name (also the basic credential's identity).
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Cipher suite of the signature key: its number (1–7) or registry
    /// name (e.g. MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519).
    #[arg(long, value_name = "N|NAME", default_value = "1")]
    pub suite: String,

    /// Issue an X.509 certificate (`CN=NAME`) from a local CA instead of
    /// a basic credential; needs --ca and --ca-key. The credential's chain
    /// is [leaf, CA].
    #[arg(long, requires_all = ["ca", "ca_key"])]
    pub x509: bool,

    /// With --x509: the CA certificate (PEM or DER).
    #[arg(long, value_name = "CA.pem", requires = "x509")]
    pub ca: Option<std::path::PathBuf>,

    /// With --x509: the CA's PKCS#8 private key (PEM). The CA's algorithm
    /// may differ from the suite's.
    #[arg(long = "ca-key", value_name = "CA_KEY.pem", requires = "x509")]
    pub ca_key: Option<std::path::PathBuf>,

    /// With --x509: days the certificate is valid (default 365).
    #[arg(long, value_name = "N", requires = "x509")]
    pub days: Option<u32>,
}

/// A cipher suite given by number or registry name.
pub fn parse_suite(text: &str) -> Result<CipherSuite, Failure> {
    let text = text.trim();
    let found = match text.strip_prefix("0x").map(|h| u16::from_str_radix(h, 16)) {
        Some(Ok(n)) => CipherSuite::from_u16(n),
        _ => match text.parse::<u16>() {
            Ok(n) => CipherSuite::from_u16(n),
            Err(_) => CipherSuite::ALL
                .into_iter()
                .find(|cs| cs.name().eq_ignore_ascii_case(text)),
        },
    };
    found.ok_or_else(|| {
        let known: Vec<String> = CipherSuite::ALL
            .iter()
            .map(|cs| format!("{} {}", cs.id(), cs.name()))
            .collect();
        Failure::usage(format!(
            "unknown cipher suite {text:?}; known: {}",
            known.join(", ")
        ))
    })
}

/// Runs an identity command; returns the exit status.
pub fn run(args: IdentityArgs) -> u8 {
    let (name, result) = match &args.command {
        IdentityCommand::New(a) => ("identity new", new(&args.ws, a)),
        IdentityCommand::List => ("identity list", list(&args.ws)),
        IdentityCommand::Export(a) => ("identity export", export(&args.ws, a)),
        IdentityCommand::Import(a) => ("identity import", import(&args.ws, a)),
        IdentityCommand::CaNew(a) => ("identity ca-new", super::identity_x509::ca_new(&args.ws, a)),
    };
    finish(name, args.ws.json, result)
}

fn import(ws: &WorkspaceOpts, args: &super::identity_x509::ImportArgs) -> Result<Done, Failure> {
    let suite = args.suite.as_deref().map(parse_suite).transpose()?;
    super::identity_x509::import(ws, args, suite)
}

fn new(ws: &WorkspaceOpts, args: &NewArgs) -> Result<Done, Failure> {
    let suite = parse_suite(&args.suite)?;
    if args.x509 {
        return super::identity_x509::new_x509(
            ws,
            &super::identity_x509::IssueArgs {
                name: &args.name,
                ca: args.ca.as_deref(),
                ca_key: args.ca_key.as_deref(),
                days: args.days,
                suite,
            },
        );
    }
    let info = ws.open()?.identity_new(&args.name, suite)?;
    let text = format!(
        "created identity {}\n  signature key: {}\n",
        identity_line(&info),
        info.signature_public_hex
    );
    Done::new(text, &IdentityJson::new(&info))
}

#[derive(Serialize)]
struct ListJson {
    identities: Vec<IdentityJson>,
}

fn list(ws: &WorkspaceOpts) -> Result<Done, Failure> {
    let all = ws.open()?.identities()?;
    let text = list_text(
        &all,
        "No identities. `identity new NAME` makes one.\n",
        |t, i| {
            let _ = writeln!(t, "{}", identity_line(i));
        },
    );
    Done::new(
        text,
        &ListJson {
            identities: all.iter().map(IdentityJson::new).collect(),
        },
    )
}

#[derive(Serialize)]
struct ExportedJson {
    identity: IdentityJson,
    /// The file's bytes (TLS-encoded `ExternalSender`), hex.
    external_sender: String,
    out: Option<String>,
}

fn export(opts: &WorkspaceOpts, args: &ExportArgs) -> Result<Done, Failure> {
    let target = match Target::of(args.out.as_ref(), Target::Shown) {
        Target::Stdout if opts.json => Target::Shown,
        t => t,
    };
    check_targets(&[&target], opts.json)?;
    let ws = opts.open()?;
    let info = ws.identity_find(&args.id)?;
    let bytes = ws.identity_export(info.key)?;
    let mut text = format!(
        "public part of identity {} (ExternalSender: signature key + credential)\n",
        identity_line(&info)
    );
    let mut raw = None;
    emit(
        &mut text,
        &mut raw,
        "identity",
        &bytes,
        &target,
        args.format.format,
    )?;
    Done::with_raw(
        text,
        &ExportedJson {
            identity: IdentityJson::new(&info),
            external_sender: hex::encode(&bytes),
            out: target.file(),
        },
        raw,
    )
}
