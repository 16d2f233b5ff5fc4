//! `mls-inspector identity import|ca-new` and `identity new --x509`:
//! X.509 identities from a PEM chain and PKCS#8 key, or issued by a local
//! CA that `identity ca-new` makes.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::Args;
use mls_core::crypto::CipherSuite;
use mls_core::time::format_utc;
use serde::Serialize;

use super::common::{Done, Failure, WorkspaceOpts, read_raw};
use super::view::{IdentityJson, identity_line};
use crate::workspace::{
    CertificateInfo, CredentialCheck, IdentityInfo, local_ca_new, parse_key_algorithm,
};

/// `identity import NAME --cert CHAIN.pem --key KEY.pem [--suite S]`
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The identity's name (unique in the workspace).
    #[arg(value_name = "NAME")]
    pub name: String,

    /// The certificate chain, PEM: the leaf first, then intermediates.
    #[arg(long, value_name = "CHAIN.pem")]
    pub cert: PathBuf,

    /// The leaf's private key, PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    #[arg(long, value_name = "KEY.pem")]
    pub key: PathBuf,

    /// The cipher suite (number or name); it must sign with the key's
    /// algorithm. Default: the first suite that does.
    #[arg(long, value_name = "N|NAME")]
    pub suite: Option<String>,
}

/// `identity ca-new NAME --out-cert F --out-key F [--algorithm A] [--days N]`
#[derive(Debug, Args)]
pub struct CaNewArgs {
    /// The CA's name: its certificate's subject is `CN=NAME`.
    #[arg(value_name = "NAME")]
    pub name: String,

    /// Where to write the CA certificate (PEM; must not exist).
    #[arg(long = "out-cert", value_name = "FILE")]
    pub out_cert: PathBuf,

    /// Where to write the CA's PKCS#8 private key (PEM, mode 0600; must not
    /// exist).
    #[arg(long = "out-key", value_name = "FILE")]
    pub out_key: PathBuf,

    /// The CA key's algorithm: p256, p384, p521, ed25519 or ed448.
    #[arg(long, value_name = "ALG", default_value = "p256")]
    pub algorithm: String,

    /// Days the CA certificate is valid.
    #[arg(long, value_name = "N", default_value = "3650")]
    pub days: u32,
}

/// An identity with its X.509 leaf.
#[derive(Serialize)]
struct X509IdentityJson {
    #[serde(flatten)]
    identity: IdentityJson,
    certificate: Option<CertificateJson>,
}

/// A leaf certificate's fields.
#[derive(Debug, Serialize)]
pub struct CertificateJson {
    pub subject: String,
    pub issuer: String,
    pub not_before: String,
    pub not_after: String,
    pub chain_length: usize,
}

impl CertificateJson {
    pub fn new(c: &CertificateInfo) -> Self {
        CertificateJson {
            subject: c.subject.clone(),
            issuer: c.issuer.clone(),
            not_before: format_utc(c.not_before),
            not_after: format_utc(c.not_after),
            chain_length: c.chain_length,
        }
    }
}

/// The lines `group show` prints under an X.509 member.
pub fn check_lines(c: &CredentialCheck) -> String {
    let mut out = String::new();
    if let Some(cert) = &c.certificate {
        out.push_str(&format!(
            "               subject {}  issuer {}  valid {} .. {}  ({} cert.)\n",
            cert.subject,
            cert.issuer,
            format_utc(cert.not_before),
            format_utc(cert.not_after),
            cert.chain_length
        ));
    }
    if c.validated.is_some() {
        out.push_str(&format!("               {}\n", c.status_text()));
    }
    out
}

fn identity_done(verb: &str, ws: &WorkspaceOpts, info: &IdentityInfo) -> Result<Done, Failure> {
    let workspace = ws.open()?;
    let check = workspace.identity_credential_check(info.key)?;
    let mut text = format!(
        "{verb} identity {}\n  signature key: {}\n",
        identity_line(info),
        info.signature_public_hex
    );
    if let Some(cert) = &check.certificate {
        text.push_str(&format!(
            "  certificate:   subject {}, issuer {}, valid {} .. {}, chain of {}\n",
            cert.subject,
            cert.issuer,
            format_utc(cert.not_before),
            format_utc(cert.not_after),
            cert.chain_length
        ));
    }
    Done::new(
        text,
        &X509IdentityJson {
            identity: IdentityJson::new(info),
            certificate: check.certificate.as_ref().map(CertificateJson::new),
        },
    )
}

/// `identity import`.
pub fn import(
    ws: &WorkspaceOpts,
    args: &ImportArgs,
    suite: Option<CipherSuite>,
) -> Result<Done, Failure> {
    let chain = read_raw(&args.cert)?;
    let key = read_raw(&args.key)?;
    let info = ws
        .open()?
        .identity_import(&args.name, &chain, &key, suite)?;
    identity_done("imported", ws, &info)
}

/// What `identity new NAME --x509` was given.
pub struct IssueArgs<'a> {
    pub name: &'a str,
    pub ca: Option<&'a Path>,
    pub ca_key: Option<&'a Path>,
    pub days: Option<u32>,
    pub suite: CipherSuite,
}

/// `identity new NAME --x509 --ca CA.pem --ca-key CA_KEY.pem`.
pub fn new_x509(ws: &WorkspaceOpts, args: &IssueArgs<'_>) -> Result<Done, Failure> {
    let (Some(ca), Some(ca_key)) = (args.ca, args.ca_key) else {
        return Err(Failure::usage("--x509 needs --ca and --ca-key"));
    };
    let ca = read_raw(ca)?;
    let ca_key = read_raw(ca_key)?;
    let days = args.days.unwrap_or(365);
    let info = ws
        .open()?
        .identity_issue(args.name, &ca, &ca_key, args.suite, days)?;
    identity_done("issued", ws, &info)
}

#[derive(Serialize)]
struct CaJson {
    subject: String,
    algorithm: String,
    not_before: String,
    not_after: String,
    cert_file: String,
    key_file: String,
}

/// `identity ca-new`.
pub fn ca_new(_ws: &WorkspaceOpts, args: &CaNewArgs) -> Result<Done, Failure> {
    let algorithm = parse_key_algorithm(&args.algorithm)?;
    for path in [&args.out_cert, &args.out_key] {
        if path.exists() {
            return Err(Failure::usage(format!(
                "{} exists; not overwriting it",
                path.display()
            )));
        }
    }
    let ca = local_ca_new(&args.name, algorithm, args.days)?;
    write_new(&args.out_key, ca.key_pem.as_bytes(), true)?;
    if let Err(e) = write_new(&args.out_cert, ca.cert_pem.as_bytes(), false) {
        let _ = std::fs::remove_file(&args.out_key);
        return Err(e);
    }
    let s = &ca.summary;
    let text = format!(
        "made local CA \"{}\" ({}), valid {} .. {}\n  certificate: {}\n  private key: {}\n",
        s.subject,
        s.algorithm,
        format_utc(s.not_before),
        format_utc(s.not_after),
        args.out_cert.display(),
        args.out_key.display()
    );
    Done::new(
        text,
        &CaJson {
            subject: s.subject.clone(),
            algorithm: s.algorithm.to_string(),
            not_before: format_utc(s.not_before),
            not_after: format_utc(s.not_after),
            cert_file: args.out_cert.display().to_string(),
            key_file: args.out_key.display().to_string(),
        },
    )
}

/// Writes a file that must not exist yet (mode 0600 if `private`).
fn write_new(path: &Path, bytes: &[u8], private: bool) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options
        .open(path)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", path.display())))?;
    file.write_all(bytes)
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))
}
