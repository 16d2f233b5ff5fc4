//! The `protection` table (one row in a protected workspace: the Argon2id
//! parameters, the salt and the wrapped workspace key), unlocking, and
//! protecting, unprotecting and changing the passphrase, each re-sealing
//! every secret column in one transaction.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use mls_core::crypto::Secret;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension as _, Transaction, params};

use super::seal::{self, Column, KdfParams, Sealer, row_int};
use super::{Result, StorageError, Store, get_u64, now};

/// What a protected workspace stores about its passphrase (no secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtectionInfo {
    /// The Argon2id cost.
    pub kdf: KdfParams,
    /// When the passphrase was set (unix seconds).
    pub since: u64,
}

/// The stored row.
struct Row {
    kdf: KdfParams,
    salt: Vec<u8>,
    wrapped: Vec<u8>,
    since: u64,
}

/// The workspace key this connection unlocked, with the wrapped form it
/// came from (a change by another program is noticed).
pub(super) struct Unlocked {
    key: Secret,
    wrapped: Vec<u8>,
}

/// A workspace key unlocked in this process, for the file at `path`.
struct Remembered {
    path: PathBuf,
    key: Secret,
    wrapped: Vec<u8>,
}

/// The workspace keys this process unlocked for a session (the window:
/// each background job opens its own connection, which takes the key from
/// here instead of asking again). Emptied by [`Store::forget_session`].
static SESSION: Mutex<Vec<Remembered>> = Mutex::new(Vec::new());

fn session() -> std::sync::MutexGuard<'static, Vec<Remembered>> {
    SESSION
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The name a file has in [`SESSION`].
fn session_path(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Every secret column: table, primary key, column, and whether the
/// primary key is an integer.
const COLUMNS: &[(&str, &str, &str, Column)] = &[
    (
        "identities",
        "id",
        "signature_private",
        Column::IdentitySignature,
    ),
    (
        "key_packages",
        "reference",
        "init_private",
        Column::KeyPackageInit,
    ),
    (
        "key_packages",
        "reference",
        "encryption_private",
        Column::KeyPackageEncryption,
    ),
    ("groups", "id", "state", Column::GroupState),
    (
        "pending_commits",
        "group_ref",
        "next_state",
        Column::PendingNextState,
    ),
    ("psks", "psk_id", "secret", Column::Psk),
    ("messages", "id", "content", Column::MessageContent),
];

fn u32_of(v: u64) -> rusqlite::Result<u32> {
    u32::try_from(v).map_err(|_| super::bad(0, rusqlite::types::Type::Integer, "out of range"))
}

fn read_row(conn: &Connection) -> Result<Option<Row>> {
    Ok(conn
        .query_row(
            "SELECT memory_kib, iterations, parallelism, salt, wrapped_key, created \
             FROM protection WHERE id = 1",
            [],
            |r| {
                Ok(Row {
                    kdf: KdfParams {
                        memory_kib: u32_of(get_u64(r, 0)?)?,
                        iterations: u32_of(get_u64(r, 1)?)?,
                        parallelism: u32_of(get_u64(r, 2)?)?,
                    },
                    salt: r.get(3)?,
                    wrapped: r.get(4)?,
                    since: get_u64(r, 5)?,
                })
            },
        )
        .optional()?)
}

fn write_row(tx: &Transaction<'_>, row: &Row) -> Result<()> {
    tx.execute("DELETE FROM protection", [])?;
    tx.execute(
        "INSERT INTO protection (id, kdf, memory_kib, iterations, parallelism, salt, \
         wrapped_key, created) VALUES (1, 'argon2id-v19', ?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            row.kdf.memory_kib,
            row.kdf.iterations,
            row.kdf.parallelism,
            row.salt,
            row.wrapped,
            now()
        ],
    )?;
    Ok(())
}

/// The row identity of a primary-key value.
fn row_identity(id: &Value) -> Result<Vec<u8>> {
    match id {
        Value::Integer(i) => Ok(row_int(*i).to_vec()),
        Value::Blob(b) => Ok(b.clone()),
        other => Err(StorageError::Corrupt {
            what: "primary key",
            why: format!("unexpected {:?}", other.data_type()),
        }),
    }
}

/// Opens every secret value with `from` and stores it sealed with `to`.
fn reseal_all(tx: &Transaction<'_>, from: &Sealer, to: &Sealer) -> Result<()> {
    for (table, key, column, which) in COLUMNS {
        let rows: Vec<(Value, Vec<u8>)> = {
            let mut stmt = tx.prepare(&format!(
                "SELECT {key}, {column} FROM {table} WHERE {column} IS NOT NULL"
            ))?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut update = tx.prepare(&format!(
            "UPDATE {table} SET {column} = ?1 WHERE {key} = ?2"
        ))?;
        for (id, stored) in rows {
            let row = row_identity(&id)?;
            let value = from.open(*which, &row, &stored)?;
            let sealed = to.seal(*which, &row, value.as_bytes())?;
            update.execute(params![sealed, id])?;
        }
    }
    Ok(())
}

/// A new passphrase's row and workspace key.
fn new_row(passphrase: &[u8], kdf: KdfParams) -> Result<(Row, Secret)> {
    if passphrase.is_empty() {
        return Err(StorageError::Protection(String::from(
            "the passphrase is empty",
        )));
    }
    let salt = seal::new_salt()?;
    let passphrase_key = kdf.derive(passphrase, &salt)?;
    let key = seal::new_workspace_key()?;
    let wrapped = seal::wrap(&passphrase_key, &kdf, &salt, &key)?;
    Ok((
        Row {
            kdf,
            salt,
            wrapped,
            since: 0,
        },
        key,
    ))
}

impl Store {
    /// The sealer for the secret columns as the file is now (`conn`: the
    /// connection or the transaction the values are read or written in).
    /// A protected workspace this connection has not unlocked is
    /// [`StorageError::Locked`].
    pub(super) fn sealer(&self, conn: &Connection) -> Result<Sealer> {
        let wrapped: Option<Vec<u8>> = conn
            .query_row("SELECT wrapped_key FROM protection WHERE id = 1", [], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(wrapped) = wrapped else {
            return Ok(Sealer::clear());
        };
        match &*self.unlocked.borrow() {
            Some(u) if u.wrapped == wrapped => Ok(Sealer::with_key(&u.key)),
            Some(_) => Err(StorageError::PassphraseChanged),
            None => Err(StorageError::Locked {
                path: self.path.clone(),
            }),
        }
    }

    /// Whether the workspace is protected by a passphrase, and how.
    pub fn protection(&self) -> Result<Option<ProtectionInfo>> {
        Ok(read_row(&self.conn)?.map(|r| ProtectionInfo {
            kdf: r.kdf,
            since: r.since,
        }))
    }

    /// Whether the workspace is protected and this connection has not
    /// unlocked it (reading or writing a secret would fail).
    pub fn is_locked(&self) -> Result<bool> {
        match read_row(&self.conn)? {
            None => Ok(false),
            Some(row) => Ok(self
                .unlocked
                .borrow()
                .as_ref()
                .is_none_or(|u| u.wrapped != row.wrapped)),
        }
    }

    /// The workspace key of `row` if `passphrase` is right.
    fn open_row(row: &Row, passphrase: &[u8]) -> Result<Secret> {
        let passphrase_key = row.kdf.derive(passphrase, &row.salt)?;
        seal::unwrap(&passphrase_key, &row.kdf, &row.salt, &row.wrapped)
            .ok_or(StorageError::WrongPassphrase)
    }

    /// Unlocks a protected workspace for this connection. A wrong
    /// passphrase is [`StorageError::WrongPassphrase`]; an unprotected
    /// workspace is [`StorageError::NotProtected`]. Writes nothing.
    pub fn unlock(&self, passphrase: &[u8]) -> Result<()> {
        let row = read_row(&self.conn)?.ok_or(StorageError::NotProtected)?;
        let key = Self::open_row(&row, passphrase)?;
        *self.unlocked.borrow_mut() = Some(Unlocked {
            key,
            wrapped: row.wrapped,
        });
        Ok(())
    }

    /// Keeps this connection's workspace key for later connections of this
    /// process to the same file ([`Store::unlock_from_session`]).
    pub fn remember_in_session(&self) {
        let unlocked = self.unlocked.borrow();
        let Some(u) = unlocked.as_ref() else {
            return;
        };
        let path = session_path(&self.path);
        let mut session = session();
        session.retain(|r| r.path != path);
        session.push(Remembered {
            path,
            key: Secret::new(u.key.as_bytes().to_vec()),
            wrapped: u.wrapped.clone(),
        });
    }

    /// Unlocks a protected workspace with the key this process remembered
    /// for it, if any (and if the passphrase did not change since).
    /// Returns whether it is unlocked now.
    pub fn unlock_from_session(&self) -> Result<bool> {
        let Some(row) = read_row(&self.conn)? else {
            return Ok(true);
        };
        let path = session_path(&self.path);
        let session = session();
        let Some(r) = session
            .iter()
            .find(|r| r.path == path && r.wrapped == row.wrapped)
        else {
            return Ok(false);
        };
        *self.unlocked.borrow_mut() = Some(Unlocked {
            key: Secret::new(r.key.as_bytes().to_vec()),
            wrapped: row.wrapped,
        });
        Ok(true)
    }

    /// Forgets the key this process remembered for the file at `path`
    /// (connections already open keep theirs).
    pub fn forget_session(path: &Path) {
        let path = session_path(path);
        session().retain(|r| r.path != path);
    }

    /// Protects an unprotected workspace with `passphrase` (Argon2id cost
    /// `kdf`): a new workspace key, every secret column sealed under it,
    /// in one transaction; then the file is compacted so no clear copy of
    /// a secret stays in its free pages or its write-ahead log.
    pub fn protect(&self, passphrase: &[u8], kdf: KdfParams) -> Result<()> {
        self.writable()?;
        let (row, key) = new_row(passphrase, kdf)?;
        let tx = self.tx()?;
        if read_row(&tx)?.is_some() {
            return Err(StorageError::AlreadyProtected);
        }
        reseal_all(&tx, &Sealer::clear(), &Sealer::with_key(&key))?;
        write_row(&tx, &row)?;
        tx.commit()?;
        *self.unlocked.borrow_mut() = Some(Unlocked {
            key,
            wrapped: row.wrapped,
        });
        self.compact()
    }

    /// Removes the passphrase: every secret column is stored in clear
    /// again, in one transaction. A wrong passphrase changes nothing.
    pub fn unprotect(&self, passphrase: &[u8]) -> Result<()> {
        self.writable()?;
        let row = read_row(&self.conn)?.ok_or(StorageError::NotProtected)?;
        let key = Self::open_row(&row, passphrase)?;
        let tx = self.tx()?;
        if read_row(&tx)?.is_none_or(|now| now.wrapped != row.wrapped) {
            return Err(StorageError::PassphraseChanged);
        }
        reseal_all(&tx, &Sealer::with_key(&key), &Sealer::clear())?;
        tx.execute("DELETE FROM protection", [])?;
        tx.commit()?;
        *self.unlocked.borrow_mut() = None;
        self.compact()
    }

    /// Replaces the passphrase: a new workspace key (so a copy of the old
    /// passphrase and file opens nothing written later), every secret
    /// column re-sealed under it, in one transaction. A wrong `old`
    /// changes nothing.
    pub fn change_passphrase(&self, old: &[u8], new: &[u8], kdf: KdfParams) -> Result<()> {
        self.writable()?;
        let row = read_row(&self.conn)?.ok_or(StorageError::NotProtected)?;
        let old_key = Self::open_row(&row, old)?;
        let (new_row, new_key) = new_row(new, kdf)?;
        let tx = self.tx()?;
        if read_row(&tx)?.is_none_or(|now| now.wrapped != row.wrapped) {
            return Err(StorageError::PassphraseChanged);
        }
        reseal_all(
            &tx,
            &Sealer::with_key(&old_key),
            &Sealer::with_key(&new_key),
        )?;
        write_row(&tx, &new_row)?;
        tx.commit()?;
        *self.unlocked.borrow_mut() = Some(Unlocked {
            key: new_key,
            wrapped: new_row.wrapped,
        });
        self.compact()
    }

    /// Rewrites the file without free pages and empties the write-ahead
    /// log (after the secret columns changed form).
    fn compact(&self) -> Result<()> {
        self.conn.execute_batch("VACUUM")?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }
}
