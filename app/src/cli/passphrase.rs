//! Reading a workspace passphrase: the first line of the file named by
//! `$MLS_INSPECTOR_PASSPHRASE_FILE`, else a prompt on the terminal with
//! echo off.

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::Path;

use mls_core::crypto::Secret;

use super::common::Failure;

/// The file whose first line is the passphrase.
pub const PASSPHRASE_FILE_ENV: &str = "MLS_INSPECTOR_PASSPHRASE_FILE";
/// The file whose first line is the new passphrase of
/// `workspace change-passphrase`.
pub const NEW_PASSPHRASE_FILE_ENV: &str = "MLS_INSPECTOR_NEW_PASSPHRASE_FILE";

/// A passphrase read from a file or the terminal, zeroized when dropped.
pub struct Passphrase(Secret);

impl Passphrase {
    fn new(text: String) -> Self {
        Passphrase(Secret::new(text.into_bytes()))
    }

    /// The passphrase (UTF-8: it was made from a `String`).
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.0.as_bytes()).unwrap_or_default()
    }
}

/// The first line of `path`, without its line break.
fn first_line(path: &Path) -> Result<Passphrase, Failure> {
    let text = Secret::new(
        std::fs::read(path).map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?,
    );
    let line = text
        .as_bytes()
        .split(|b| *b == b'\n')
        .next()
        .unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line = Passphrase::new(String::from_utf8(line.to_vec()).map_err(|_| {
        Failure::usage(format!(
            "{}: the passphrase is not UTF-8 text",
            path.display()
        ))
    })?);
    if line.as_str().is_empty() {
        return Err(Failure::usage(format!(
            "{}: the first line (the passphrase) is empty",
            path.display()
        )));
    }
    Ok(line)
}

/// Runs `stty ARG` on the terminal.
fn stty(arg: &str) -> bool {
    std::fs::File::open("/dev/tty")
        .and_then(|tty| {
            std::process::Command::new("stty")
                .arg(arg)
                .stdin(tty)
                .status()
        })
        .is_ok_and(|s| s.success())
}

/// Asks for a line on the terminal without echoing it.
fn prompt(text: &str, env: &str) -> Result<Passphrase, Failure> {
    let no_terminal = || {
        Failure::usage(format!(
            "the workspace needs a passphrase: set {env} to a file holding it, or run on a terminal"
        ))
    };
    if !std::io::stdin().is_terminal() {
        return Err(no_terminal());
    }
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .map_err(|_| no_terminal())?;
    let _ = write!(tty, "{text}");
    let _ = tty.flush();
    let silenced = stty("-echo");
    let mut typed = String::new();
    let read = std::io::BufReader::new(&tty).read_line(&mut typed);
    let typed = Passphrase::new(typed);
    if silenced {
        stty("echo");
    }
    let _ = writeln!(tty);
    read.map_err(|e| Failure::usage(format!("reading the passphrase: {e}")))?;
    let line = Passphrase::new(typed.as_str().trim_end_matches(['\n', '\r']).to_owned());
    if line.as_str().is_empty() {
        return Err(Failure::usage("the passphrase is empty"));
    }
    Ok(line)
}

/// The passphrase from `env`'s file, else asked for on the terminal.
fn from(env: &str, text: &str) -> Result<Passphrase, Failure> {
    match std::env::var_os(env).filter(|p| !p.is_empty()) {
        Some(path) => first_line(Path::new(&path)),
        None => prompt(text, env),
    }
}

/// The workspace's passphrase.
pub fn passphrase(path: &Path) -> Result<Passphrase, Failure> {
    from(
        PASSPHRASE_FILE_ENV,
        &format!("Passphrase of {}: ", path.display()),
    )
}

/// A passphrase to set: from `env`'s file, or typed twice on the
/// terminal.
fn new_from(env: &str, path: &Path) -> Result<Passphrase, Failure> {
    if std::env::var_os(env).is_some_and(|p| !p.is_empty()) {
        return from(env, "");
    }
    let first = prompt(&format!("New passphrase of {}: ", path.display()), env)?;
    let again = prompt("The same again: ", env)?;
    if first.as_str() != again.as_str() {
        return Err(Failure::usage(
            "the two passphrases differ: nothing was changed",
        ));
    }
    Ok(first)
}

/// The passphrase `workspace protect` sets.
pub fn protect_passphrase(path: &Path) -> Result<Passphrase, Failure> {
    new_from(PASSPHRASE_FILE_ENV, path)
}

/// The new passphrase of `workspace change-passphrase`.
pub fn new_passphrase(path: &Path) -> Result<Passphrase, Failure> {
    new_from(NEW_PASSPHRASE_FILE_ENV, path)
}
