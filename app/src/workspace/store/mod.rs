//! The persistent workspace: one SQLite file holding identities, key
//! packages with their private keys, groups with their state and epoch
//! history, a pending commit per group, messages, trust roots and external
//! PSKs.
//!
//! This module is the storage layer only: typed rows in, typed rows out,
//! every multi-row change in one transaction. The MLS operations that
//! produce those rows are [`super::Workspace`]'s; the GUI and the CLI go
//! through it, never around it to the store.
//!
//! One file per table (or group of tables), each an `impl Store` block:
//! `open.rs` (file mode, pragmas, migrations), `identities.rs`,
//! `key_packages.rs`, `groups.rs`, `pending.rs` (pending commits),
//! `epochs.rs` (history), `links.rs` (re-initialised groups, resumed
//! groups' parents), `messages.rs`, `trust.rs`, `psks.rs`,
//! `settings.rs`. The row types are in `records.rs`, the schema in
//! `migrations.rs`, the encoding of stored summaries in `encoding.rs`.
//!
//! # File
//!
//! * The file is created with mode 0600 (and directories it needs with
//!   0700) before SQLite opens it; an existing file with group or other
//!   permission bits is tightened to 0600. SQLite gives its `-wal` and
//!   `-shm` files the database file's permissions, so they are 0600 too.
//! * Write-ahead log with `synchronous=FULL`: a transaction is durable when
//!   it returns, and a crash at any point leaves the state of the last
//!   committed transaction. `secure_delete` overwrites deleted content
//!   (old private keys, old group states) in the database pages.
//! * Versioned schema: `PRAGMA user_version` counts the applied
//!   [`schema::MIGRATIONS`], each applied in its own transaction. A file of
//!   a newer version is refused ([`StorageError::TooNew`]).
//!
//! # Forward secrecy
//!
//! [`Store::apply_pending`] swaps in the next epoch's state, appends the
//! history row and deletes the pending row in one transaction;
//! [`Store::insert_group`] deletes a consumed key package's private keys in
//! the same transaction as the joined group is written. Secrets are held in
//! [`mls_core::crypto::Secret`] (zeroized on drop, redacted in `Debug`); no record type
//! prints one.
//!
//! # Protection
//!
//! A workspace protected by a passphrase (`protection.rs`) stores every
//! secret column sealed under its workspace key (`seal.rs`): identity
//! private keys, group states and pending next states, key-package
//! private keys, PSK secrets and message plaintext. Every read and write
//! of those columns goes through [`seal::Sealer`]; reading one of a
//! protected workspace this connection has not unlocked fails with
//! [`StorageError::Locked`].

mod candidates;
mod encoding;
mod epochs;
mod group_settings;
mod groups;
mod identities;
mod key_packages;
mod links;
mod messages;
mod migrations;
mod open;
mod pending;
mod protection;
mod psks;
mod records;
mod seal;
mod settings;
mod trust;

#[cfg(test)]
mod tests;

use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::types::Type;
use rusqlite::{Connection, Params, Row, Transaction, TransactionBehavior};

pub use candidates::{CandidateRecord, CandidateVerdict, CandidateWrite};
pub use groups::NewGroupExtras;
use links::insert_reinit;
pub use links::{GroupLink, LinkKind, ReInitMark};
pub use protection::ProtectionInfo;
pub use records::{
    Direction, EpochRecord, GroupKey, GroupRecord, GroupState, GroupStatus, IdentityKey,
    IdentityRecord, KeyPackageRecord, KeyPackageSecrets, MessageKind, MessageRecord, NewGroup,
    NewIdentity, NewKeyPackage, NewMessage, NewPending, NewTrustRoot, Origin, PendingRecord,
    PskRecord, TrustRootRecord,
};
pub use seal::{KdfParams, TEST_KDF_ENV};

/// The schema versions and their migration steps.
pub mod schema {
    pub use super::migrations::{LATEST, MIGRATIONS, Migration};
}

/// Why a storage operation failed. Every failed operation leaves the file
/// as it was (its transaction is rolled back).
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A file system operation on the workspace file or its directory.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// An SQLite error (busy, disk full, corrupt file, …).
    #[error("SQLite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The file was written by a newer version of the program.
    #[error(
        "{}: the workspace has schema version {found}, this program knows versions up to {supported}; use a newer mls-inspector",
        path.display()
    )]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its `user_version`.
        found: i64,
        /// [`schema::LATEST`].
        supported: i64,
    },
    /// An existing empty file given as the workspace: it may be something
    /// else that was truncated, so it is not taken without asking.
    #[error(
        "{}: the file is empty; give --create to make it a workspace",
        path.display()
    )]
    EmptyFile {
        /// The file.
        path: PathBuf,
    },
    /// The file is not writable by this process: it was opened for
    /// reading only.
    #[error("{}: the workspace file is read-only: {why}", path.display())]
    ReadOnly {
        /// The file.
        path: PathBuf,
        /// What was refused.
        why: String,
    },
    /// The file is an SQLite database, but not a workspace.
    #[error("{}: not an MLS Inspector workspace ({why})", path.display())]
    NotAWorkspace {
        /// The file.
        path: PathBuf,
        /// What gave it away.
        why: String,
    },
    /// A migration step failed; the file stays at the previous version.
    #[error("migrating the workspace to schema version {version} failed: {source}")]
    Migration {
        /// The version the step would have reached.
        version: i64,
        /// The SQLite error.
        #[source]
        source: rusqlite::Error,
    },
    /// A row that was asked for does not exist.
    #[error("{what} {id} does not exist")]
    NotFound {
        /// What kind of row (`group`, `identity`, …).
        what: &'static str,
        /// How it was named.
        id: String,
    },
    /// The row changed since it was read (another program, or another
    /// window, wrote the same group): reload and try again.
    #[error("{0}")]
    Conflict(String),
    /// The group changed since it was loaded (another program or window
    /// wrote it in between): an operation computed from the old state is
    /// not saved. Operations that can be recomputed retry on it.
    #[error(
        "group {0} changed since it was loaded (another window or program wrote it); reload and try again"
    )]
    Stale(GroupKey),
    /// A uniqueness rule was broken (a name or certificate already there).
    #[error("{0}")]
    Duplicate(String),
    /// A stored value cannot be read back.
    #[error("corrupt {what} in the workspace: {why}")]
    Corrupt {
        /// Which value.
        what: &'static str,
        /// Why it is unreadable.
        why: String,
    },
    /// A number does not fit the column (an epoch beyond 2^63).
    #[error("{0} is out of range for the workspace file")]
    OutOfRange(String),
    /// The workspace is protected by a passphrase that was not given.
    #[error(
        "{}: the workspace is protected by a passphrase; open it with the command line (which asks for it, or reads $MLS_INSPECTOR_PASSPHRASE_FILE), or remove it with `mls-inspector workspace unprotect`",
        path.display()
    )]
    Locked {
        /// The file.
        path: PathBuf,
    },
    /// The passphrase does not open the workspace key.
    #[error("wrong passphrase: the workspace is unchanged")]
    WrongPassphrase,
    /// `protect` on a workspace that already has a passphrase.
    #[error("the workspace is already protected (use change-passphrase)")]
    AlreadyProtected,
    /// `unprotect`, `change-passphrase` or unlocking an unprotected
    /// workspace.
    #[error("the workspace is not protected")]
    NotProtected,
    /// Another program changed or removed the passphrase since this one
    /// unlocked the workspace.
    #[error(
        "the workspace's passphrase was changed or removed by another program since it was opened; open it again"
    )]
    PassphraseChanged,
    /// Deriving or sealing failed, or the stored parameters are unusable.
    #[error("workspace protection: {0}")]
    Protection(String),
}

type Result<T> = std::result::Result<T, StorageError>;

/// The workspace file: an open SQLite connection with the schema migrated.
///
/// Methods take `&self`; every method that writes more than one row does so
/// in one `BEGIN IMMEDIATE` transaction, which is rolled back when the
/// method fails. Not `Sync`: use one `Store` per thread.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Opened read-only (the file is not writable by this process).
    read_only: bool,
    /// The workspace key of a protected workspace, once unlocked.
    unlocked: std::cell::RefCell<Option<protection::Unlocked>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

impl Store {
    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn tx(&self) -> Result<Transaction<'_>> {
        self.writable()?;
        Ok(Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Immediate,
        )?)
    }

    /// A deferred transaction for reads that must see one state of the
    /// file (a secret value and the protection it is sealed under).
    /// Dropping it ends it.
    fn read_tx(&self) -> Result<Transaction<'_>> {
        Ok(Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Deferred,
        )?)
    }

    /// Refuses every write to a file opened read-only.
    fn writable(&self) -> Result<()> {
        if self.read_only {
            return Err(StorageError::ReadOnly {
                path: self.path.clone(),
                why: String::from("this command would change it"),
            });
        }
        Ok(())
    }

    /// Whether the file was opened read-only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// Every row `sql` selects, mapped by `map`.
    fn query_all<T>(
        &self,
        sql: &str,
        params: impl Params,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt.query_map(params, map)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The first row `sql` selects, if any, mapped by `map` (for queries
    /// by a unique key).
    fn query_opt<T>(
        &self,
        sql: &str,
        params: impl Params,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>> {
        Ok(self.query_all(sql, params, map)?.into_iter().next())
    }

    /// Runs a `DELETE` or `UPDATE` of one named row; fails with
    /// [`StorageError::NotFound`] if it changed nothing.
    fn change_one(
        &self,
        sql: &str,
        params: impl Params,
        what: &'static str,
        id: impl FnOnce() -> String,
    ) -> Result<()> {
        self.writable()?;
        if self.conn.execute(sql, params)? == 0 {
            return Err(not_found(what, id()));
        }
        Ok(())
    }

    /// Runs a `DELETE`; returns whether it removed a row.
    fn delete(&self, sql: &str, params: impl Params) -> Result<bool> {
        self.writable()?;
        Ok(self.conn.execute(sql, params)? > 0)
    }
}

/// A [`StorageError::NotFound`].
fn not_found(what: &'static str, id: impl Into<String>) -> StorageError {
    StorageError::NotFound {
        what,
        id: id.into(),
    }
}

/// Fails with [`StorageError::Duplicate`] (saying `duplicate()`) if the
/// `SELECT EXISTS (…)` query `sql` finds a row.
fn refuse_existing(
    tx: &Transaction<'_>,
    sql: &str,
    params: impl Params,
    duplicate: impl FnOnce() -> String,
) -> Result<()> {
    let exists: bool = tx.query_row(sql, params, |r| r.get(0))?;
    if exists {
        return Err(StorageError::Duplicate(duplicate()));
    }
    Ok(())
}

/// A value read from the file that does not fit its Rust type.
#[derive(Debug)]
struct BadValue(String);

impl fmt::Display for BadValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadValue {}

fn bad(idx: usize, ty: Type, why: impl Into<String>) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, ty, Box::new(BadValue(why.into())))
}

fn non_negative(idx: usize, v: i64) -> rusqlite::Result<u64> {
    u64::try_from(v).map_err(|_| bad(idx, Type::Integer, format!("negative value {v}")))
}

fn get_u64(row: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    non_negative(idx, row.get(idx)?)
}

fn get_opt_u64(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<u64>> {
    let v: Option<i64> = row.get(idx)?;
    v.map(|v| non_negative(idx, v)).transpose()
}

fn get_parsed<T>(
    row: &Row<'_>,
    idx: usize,
    parse: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    parse(&s).ok_or_else(|| bad(idx, Type::Text, format!("unknown value {s:?}")))
}

/// A stored encoding read back with `decode`, or a conversion error
/// naming `what`.
fn get_decoded<T>(
    row: &Row<'_>,
    idx: usize,
    what: &str,
    decode: impl FnOnce(&[u8]) -> std::result::Result<T, mls_core::codec::DecodeError>,
) -> rusqlite::Result<T> {
    let bytes: Vec<u8> = row.get(idx)?;
    decode(&bytes).map_err(|e| bad(idx, Type::Blob, format!("{what}: {e}")))
}

/// `u64` → SQLite integer.
fn int(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| StorageError::OutOfRange(v.to_string()))
}

fn now() -> i64 {
    i64::try_from(mls_core::group::now()).unwrap_or(i64::MAX)
}

fn encode_failed(what: &'static str) -> impl FnOnce(mls_core::codec::EncodeError) -> StorageError {
    move |e| StorageError::Corrupt {
        what,
        why: e.to_string(),
    }
}
