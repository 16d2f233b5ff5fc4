//! `mls-inspector keypackage new|list|export|validate`: key packages of
//! the workspace's identities (stored with their private keys until a
//! Welcome uses them), and validation of someone else's.

use std::fmt::Write as _;
use std::path::PathBuf;

use clap::{Args, Subcommand};
use serde::Serialize;

use super::common::{
    Done, Failure, FormatOpt, Target, WorkspaceOpts, check_targets, emit, finish, read_message,
};
use super::view::{KeyPackageJson, key_package_text};

/// `mls-inspector keypackage [--db PATH] [--json] …`
#[derive(Debug, Args)]
pub struct KeyPackageArgs {
    #[command(flatten)]
    pub ws: WorkspaceOpts,

    #[command(subcommand)]
    pub command: KeyPackageCommand,
}

/// The key package commands.
#[derive(Debug, Subcommand)]
pub enum KeyPackageCommand {
    /// Make a key package for an identity (valid 90 days) and store its
    /// private keys; give the key package (an MLSMessage) to whoever adds
    /// you to a group.
    New(NewArgs),
    /// List the workspace's key packages (reference, owner, used or not).
    List,
    /// Write one of the workspace's key packages (an MLSMessage), by
    /// reference or a unique prefix of it.
    Export(ExportArgs),
    /// Validate someone else's key package as a group would before adding
    /// it (signatures, lifetime, capabilities, credential against the
    /// trust roots) and print it. Exits with 1 when it is invalid.
    Validate(ValidateArgs),
}

/// `keypackage new --identity ID [--out FILE] [--format F]`
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The identity: its name or number (`#N`).
    #[arg(long, value_name = "ID")]
    pub identity: String,

    /// Write the key package to FILE (`-`: stdout) instead of printing it
    /// as hex.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub format: FormatOpt,
}

/// `keypackage export REF [--out FILE] [--format F]`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The KeyPackageRef in hex, or a unique prefix of it.
    #[arg(value_name = "REF")]
    pub reference: String,

    /// Write it to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,

    #[command(flatten)]
    pub format: FormatOpt,
}

/// `keypackage validate FILE|-`
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The key package (MLSMessage or bare KeyPackage; hex, base64 or
    /// binary), or `-` for stdin.
    #[arg(value_name = "FILE|-")]
    pub input: PathBuf,
}

/// Runs a key package command; returns the exit status.
pub fn run(args: KeyPackageArgs) -> u8 {
    let json = args.ws.json;
    let (name, result) = match &args.command {
        KeyPackageCommand::New(a) => ("keypackage new", new(&args.ws, a)),
        KeyPackageCommand::List => ("keypackage list", list(&args.ws)),
        KeyPackageCommand::Export(a) => ("keypackage export", export(&args.ws, a)),
        KeyPackageCommand::Validate(a) => ("keypackage validate", validate(&args.ws, a)),
    };
    finish(name, json, result)
}

#[derive(Serialize)]
struct NewJson {
    #[serde(flatten)]
    key_package: KeyPackageJson,
    identity_name: String,
    out: Option<String>,
}

fn new(ws: &WorkspaceOpts, args: &NewArgs) -> Result<Done, Failure> {
    let target = Target::of(args.out.as_ref(), Target::Shown);
    check_targets(&[&target], ws.json)?;
    let ws = ws.open()?;
    let identity = ws.identity_find(&args.identity)?;
    let kp = ws.key_package_new(identity.key)?;
    let mut text = format!("key package of {} ({})\n", identity.name, identity.key);
    text.push_str(&key_package_text(&kp));
    let mut raw = None;
    emit(
        &mut text,
        &mut raw,
        "key package",
        &kp.bytes,
        &target,
        args.format.format,
    )?;
    Done::with_raw(
        text,
        &NewJson {
            key_package: KeyPackageJson::new(&kp),
            identity_name: identity.name,
            out: target.file(),
        },
        raw,
    )
}

#[derive(Serialize)]
struct ListJson {
    key_packages: Vec<KeyPackageJson>,
}

fn list(ws: &WorkspaceOpts) -> Result<Done, Failure> {
    let ws = ws.open()?;
    let all = ws.key_packages()?;
    let names: Vec<(i64, String)> = ws
        .identities()?
        .into_iter()
        .map(|i| (i.key.0, i.name))
        .collect();
    let mut text = String::new();
    if all.is_empty() {
        text.push_str("No key packages. `keypackage new --identity NAME` makes one.\n");
    }
    for k in &all {
        let owner = k
            .identity
            .and_then(|i| names.iter().find(|(n, _)| *n == i.0))
            .map_or("?", |(_, name)| name.as_str());
        let _ = writeln!(
            text,
            "{}  {owner}  suite {}  {}",
            k.reference_hex,
            k.cipher_suite,
            if k.used { "used" } else { "unused" }
        );
    }
    Done::new(
        text,
        &ListJson {
            key_packages: all.iter().map(KeyPackageJson::new).collect(),
        },
    )
}

#[derive(Serialize)]
struct ExportJson {
    message: String,
    out: Option<String>,
}

fn export(ws: &WorkspaceOpts, args: &ExportArgs) -> Result<Done, Failure> {
    let target = Target::of(args.out.as_ref(), Target::Stdout);
    let target = if ws.json && target == Target::Stdout {
        Target::Shown
    } else {
        target
    };
    check_targets(&[&target], ws.json)?;
    let bytes = ws.open()?.key_package_export(&args.reference)?;
    let mut text = String::new();
    let mut raw = None;
    emit(
        &mut text,
        &mut raw,
        "key package",
        &bytes,
        &target,
        args.format.format,
    )?;
    let mut done = Done::new(
        text,
        &ExportJson {
            message: hex::encode(&bytes),
            out: target.file(),
        },
    )?;
    if raw.is_some() {
        done.text.clear();
    }
    done.raw = raw;
    Ok(done)
}

#[derive(Serialize)]
struct ValidateJson {
    valid: bool,
    #[serde(flatten)]
    key_package: KeyPackageJson,
}

fn validate(ws: &WorkspaceOpts, args: &ValidateArgs) -> Result<Done, Failure> {
    let bytes = read_message(&args.input, "key package")?;
    let kp = ws.open()?.key_package_validate_foreign(&bytes)?;
    let mut text = String::from("valid key package\n");
    text.push_str(&key_package_text(&kp));
    if kp.identity.is_some() {
        text.push_str("  (one of this workspace's own key packages)\n");
    }
    Done::new(
        text,
        &ValidateJson {
            valid: true,
            key_package: KeyPackageJson::new(&kp),
        },
    )
}
