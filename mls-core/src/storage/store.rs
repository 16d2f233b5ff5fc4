//! [`Store`]: the workspace file and its rows.

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::types::Type;
use rusqlite::{Connection, OptionalExtension as _, Row, Transaction, TransactionBehavior, params};

use crate::crypto::Secret;

use super::schema_sql::{APPLICATION_ID, LATEST, MIGRATIONS};
use super::summary::{members_from_bytes, members_to_bytes, nodes_from_bytes, nodes_to_bytes};
use super::{
    Direction, EpochRecord, GroupKey, GroupRecord, GroupState, GroupStatus, IdentityKey,
    IdentityRecord, KeyPackageRecord, KeyPackageSecrets, MessageKind, MessageRecord, NewGroup,
    NewIdentity, NewKeyPackage, NewMessage, NewPending, NewTrustRoot, Origin, PendingRecord,
    PskRecord, StorageError, Summary, TrustRootRecord,
};

type Result<T> = std::result::Result<T, StorageError>;

/// How long a write waits for another connection's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The workspace file: an open SQLite connection with the schema migrated.
///
/// Methods take `&self`; every method that writes more than one row does so
/// in one `BEGIN IMMEDIATE` transaction, which is rolled back when the
/// method fails. Not `Sync`: use one `Store` per thread.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
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

fn get_u64(row: &Row<'_>, idx: usize) -> rusqlite::Result<u64> {
    let v: i64 = row.get(idx)?;
    u64::try_from(v).map_err(|_| bad(idx, Type::Integer, format!("negative value {v}")))
}

fn get_opt_u64(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<u64>> {
    let v: Option<i64> = row.get(idx)?;
    v.map(|v| u64::try_from(v).map_err(|_| bad(idx, Type::Integer, format!("negative value {v}"))))
        .transpose()
}

fn get_secret(row: &Row<'_>, idx: usize) -> rusqlite::Result<Secret> {
    let v = row.get_ref(idx)?;
    let bytes = v
        .as_blob()
        .map_err(|_| bad(idx, v.data_type(), "expected a blob"))?;
    Ok(Secret::new(bytes.to_vec()))
}

fn get_parsed<T>(
    row: &Row<'_>,
    idx: usize,
    parse: impl FnOnce(&str) -> Option<T>,
) -> rusqlite::Result<T> {
    let s: String = row.get(idx)?;
    parse(&s).ok_or_else(|| bad(idx, Type::Text, format!("unknown value {s:?}")))
}

/// `u64` → SQLite integer.
fn int(v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| StorageError::OutOfRange(v.to_string()))
}

fn now() -> i64 {
    i64::try_from(crate::group::now()).unwrap_or(i64::MAX)
}

fn encode_failed(what: &'static str) -> impl FnOnce(crate::codec::EncodeError) -> StorageError {
    move |e| StorageError::Corrupt {
        what,
        why: e.to_string(),
    }
}

/// The columns of an epoch record, in [`epoch_from_row`] order.
const EPOCH_COLUMNS: &str =
    "epoch, time, committer, summary, epoch_authenticator, tree_hash, members, ratchet_tree";

fn epoch_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<EpochRecord> {
    let summary: Vec<u8> = row.get(at + 3)?;
    let members: Vec<u8> = row.get(at + 6)?;
    Ok(EpochRecord {
        epoch: get_u64(row, at)?,
        time: get_u64(row, at + 1)?,
        committer: row.get(at + 2)?,
        summary: Summary::from_bytes(&summary)
            .map_err(|e| bad(at + 3, Type::Blob, format!("summary: {e}")))?,
        epoch_authenticator: row.get(at + 4)?,
        tree_hash: row.get(at + 5)?,
        members: members_from_bytes(&members)
            .map_err(|e| bad(at + 6, Type::Blob, format!("members: {e}")))?,
        ratchet_tree: row.get(at + 7)?,
    })
}

/// The encoded columns of an epoch record.
struct EpochColumns {
    epoch: i64,
    time: i64,
    summary: Vec<u8>,
    summary_text: String,
    members: Vec<u8>,
}

fn epoch_columns(e: &EpochRecord) -> Result<EpochColumns> {
    Ok(EpochColumns {
        epoch: int(e.epoch)?,
        time: int(e.time)?,
        summary: e.summary.to_bytes().map_err(encode_failed("summary"))?,
        summary_text: e.summary.to_string(),
        members: members_to_bytes(&e.members).map_err(encode_failed("member list"))?,
    })
}

const IDENTITY_COLUMNS: &str = "id, name, cipher_suite, signature_public, credential, created";

fn identity_from_row(row: &Row<'_>) -> rusqlite::Result<IdentityRecord> {
    Ok(IdentityRecord {
        key: IdentityKey(row.get(0)?),
        name: row.get(1)?,
        cipher_suite: row.get(2)?,
        signature_public: row.get(3)?,
        credential: row.get(4)?,
        created: get_u64(row, 5)?,
    })
}

const KEY_PACKAGE_COLUMNS: &str =
    "reference, identity_id, cipher_suite, message, used, not_after, created";

fn key_package_from_row(row: &Row<'_>) -> rusqlite::Result<KeyPackageRecord> {
    Ok(KeyPackageRecord {
        reference: row.get(0)?,
        identity: IdentityKey(row.get(1)?),
        cipher_suite: row.get(2)?,
        message: row.get(3)?,
        used: row.get(4)?,
        not_after: get_u64(row, 5)?,
        created: get_u64(row, 6)?,
    })
}

const GROUP_COLUMNS: &str = "g.id, g.group_id, g.name, g.identity_id, g.cipher_suite, g.status, \
     g.epoch, g.own_leaf, g.member_count, g.revision, \
     EXISTS (SELECT 1 FROM pending_commits p WHERE p.group_ref = g.id), g.created, g.updated";

fn group_from_row(row: &Row<'_>) -> rusqlite::Result<GroupRecord> {
    Ok(GroupRecord {
        key: GroupKey(row.get(0)?),
        group_id: row.get(1)?,
        name: row.get(2)?,
        identity: IdentityKey(row.get(3)?),
        cipher_suite: row.get(4)?,
        status: get_parsed(row, 5, GroupStatus::parse)?,
        epoch: get_u64(row, 6)?,
        own_leaf: row.get(7)?,
        member_count: row.get(8)?,
        revision: row.get(9)?,
        has_pending: row.get(10)?,
        created: get_u64(row, 11)?,
        updated: get_u64(row, 12)?,
    })
}

const MESSAGE_COLUMNS: &str = "id, group_ref, direction, kind, epoch, sender, bytes, content, time";

fn message_from_row(row: &Row<'_>) -> rusqlite::Result<MessageRecord> {
    Ok(MessageRecord {
        id: row.get(0)?,
        group: row.get::<_, Option<i64>>(1)?.map(GroupKey),
        direction: get_parsed(row, 2, Direction::parse)?,
        kind: get_parsed(row, 3, MessageKind::parse)?,
        epoch: get_opt_u64(row, 4)?,
        sender: row.get(5)?,
        bytes: row.get(6)?,
        content: row.get(7)?,
        time: get_u64(row, 8)?,
    })
}

const TRUST_ROOT_COLUMNS: &str =
    "id, der, subject, issuer, not_before, not_after, fingerprint, added";

fn trust_root_from_row(row: &Row<'_>) -> rusqlite::Result<TrustRootRecord> {
    Ok(TrustRootRecord {
        id: row.get(0)?,
        der: row.get(1)?,
        subject: row.get(2)?,
        issuer: row.get(3)?,
        not_before: row.get(4)?,
        not_after: row.get(5)?,
        fingerprint: row.get(6)?,
        added: get_u64(row, 7)?,
    })
}

fn insert_messages(
    tx: &Transaction<'_>,
    group: Option<GroupKey>,
    messages: &[NewMessage],
) -> Result<()> {
    let mut stmt = tx.prepare(
        "INSERT INTO messages (group_ref, direction, kind, epoch, sender, bytes, content, time) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let time = now();
    for m in messages {
        let epoch = m.epoch.map(int).transpose()?;
        stmt.execute(params![
            group.map(|g| g.0),
            m.direction.as_str(),
            m.kind.as_str(),
            epoch,
            m.sender,
            m.bytes,
            m.content,
            time
        ])?;
    }
    Ok(())
}

fn insert_epoch(tx: &Transaction<'_>, group: GroupKey, e: &EpochRecord) -> Result<()> {
    let c = epoch_columns(e)?;
    tx.execute(
        "INSERT INTO epochs (group_ref, epoch, time, committer, summary, summary_text, \
         epoch_authenticator, tree_hash, members, ratchet_tree) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            group.0,
            c.epoch,
            c.time,
            e.committer,
            c.summary,
            c.summary_text,
            e.epoch_authenticator,
            e.tree_hash,
            c.members,
            e.ratchet_tree
        ],
    )?;
    Ok(())
}

fn is_not_a_database(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::NotADatabase
    )
}

/// Creates the directory (0700) and the file (0600) if missing, and takes
/// group and other permissions away from an existing file.
fn prepare_file(path: &Path) -> Result<()> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| StorageError::Io { path: p, source }
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && !dir.exists()
    {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir).map_err(io(dir))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path).map_err(io(path))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let meta = file.metadata().map_err(io(path))?;
        if meta.permissions().mode() & 0o077 != 0 {
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(io(path))?;
        }
    }
    drop(file);
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the workspace file at `path` and migrates
    /// its schema to [`super::schema::LATEST`].
    ///
    /// Fails with [`StorageError::TooNew`] for a file of a newer schema and
    /// [`StorageError::NotAWorkspace`] for any other file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_at(path.as_ref(), LATEST)
    }

    fn open_at(path: &Path, target: i64) -> Result<Self> {
        prepare_file(path)?;
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
        };
        store.check_identity().map_err(|e| match e {
            StorageError::Sqlite(ref s) if is_not_a_database(s) => StorageError::NotAWorkspace {
                path: path.to_path_buf(),
                why: String::from("not an SQLite database"),
            },
            other => other,
        })?;
        let mode: String =
            store
                .conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StorageError::Corrupt {
                what: "journal mode",
                why: format!("SQLite kept journal_mode {mode} instead of WAL"),
            });
        }
        store.conn.pragma_update(None, "synchronous", "FULL")?;
        store.conn.pragma_update(None, "foreign_keys", "ON")?;
        store.conn.pragma_update(None, "secure_delete", "ON")?;
        store.migrate(target)?;
        Ok(store)
    }

    /// Creates a workspace file at an older schema `version` (only the
    /// first `version` migration steps), or at a `version` newer than this
    /// program's with the current schema. For migration tests.
    #[doc(hidden)]
    pub fn create_at_version(path: impl AsRef<Path>, version: i64) -> Result<()> {
        let store = Self::open_at(path.as_ref(), version.min(LATEST))?;
        if version > LATEST {
            store.conn.pragma_update(None, "user_version", version)?;
        }
        Ok(())
    }

    /// Refuses SQLite files that are not workspaces.
    fn check_identity(&self) -> Result<()> {
        let app: i64 = self
            .conn
            .pragma_query_value(None, "application_id", |r| r.get(0))?;
        if app == APPLICATION_ID {
            return Ok(());
        }
        if app != 0 {
            return Err(StorageError::NotAWorkspace {
                path: self.path.clone(),
                why: format!("application_id {app:#x}"),
            });
        }
        let tables: i64 = self.conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table'",
            [],
            |r| r.get(0),
        )?;
        if tables > 0 {
            return Err(StorageError::NotAWorkspace {
                path: self.path.clone(),
                why: format!("it holds {tables} other table(s)"),
            });
        }
        Ok(())
    }

    fn version(conn: &Connection) -> Result<i64> {
        Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    fn too_new(&self, found: i64) -> StorageError {
        StorageError::TooNew {
            path: self.path.clone(),
            found,
            supported: LATEST,
        }
    }

    /// Applies the missing migration steps up to `target`, each in its own
    /// transaction.
    fn migrate(&self, target: i64) -> Result<()> {
        let current = Self::version(&self.conn)?;
        if current > LATEST {
            return Err(self.too_new(current));
        }
        for step in MIGRATIONS
            .iter()
            .filter(|m| m.version > current && m.version <= target)
        {
            let tx = self.tx()?;
            // Another program may have migrated meanwhile.
            let now_at = Self::version(&tx)?;
            if now_at > LATEST {
                return Err(self.too_new(now_at));
            }
            if now_at >= step.version {
                continue;
            }
            let failed = |source| StorageError::Migration {
                version: step.version,
                source,
            };
            tx.execute_batch(step.sql).map_err(failed)?;
            tx.pragma_update(None, "user_version", step.version)
                .map_err(failed)?;
            if step.version == 1 {
                tx.pragma_update(None, "application_id", APPLICATION_ID)
                    .map_err(failed)?;
            }
            tx.commit().map_err(failed)?;
        }
        Ok(())
    }

    fn tx(&self) -> Result<Transaction<'_>> {
        Ok(Transaction::new_unchecked(
            &self.conn,
            TransactionBehavior::Immediate,
        )?)
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Self::version(&self.conn)
    }

    // ---- identities ----

    /// Stores a new identity; its name must be unused.
    pub fn insert_identity(&self, identity: &NewIdentity) -> Result<IdentityKey> {
        let tx = self.tx()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM identities WHERE name = ?1)",
            [&identity.name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(StorageError::Duplicate(format!(
                "an identity named {:?} already exists",
                identity.name
            )));
        }
        tx.execute(
            "INSERT INTO identities (name, cipher_suite, signature_private, signature_public, \
             credential, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                identity.name,
                identity.cipher_suite,
                identity.signature_private.as_bytes(),
                identity.signature_public,
                identity.credential,
                now()
            ],
        )?;
        let key = IdentityKey(tx.last_insert_rowid());
        tx.commit()?;
        Ok(key)
    }

    /// Every identity, oldest first.
    pub fn identities(&self) -> Result<Vec<IdentityRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {IDENTITY_COLUMNS} FROM identities ORDER BY id"
        ))?;
        let rows = stmt.query_map([], identity_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One identity.
    pub fn identity(&self, key: IdentityKey) -> Result<IdentityRecord> {
        self.conn
            .query_row(
                &format!("SELECT {IDENTITY_COLUMNS} FROM identities WHERE id = ?1"),
                [key.0],
                identity_from_row,
            )
            .optional()?
            .ok_or_else(|| StorageError::NotFound {
                what: "identity",
                id: key.to_string(),
            })
    }

    /// The identity with this name, if any.
    pub fn identity_by_name(&self, name: &str) -> Result<Option<IdentityRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {IDENTITY_COLUMNS} FROM identities WHERE name = ?1"),
                [name],
                identity_from_row,
            )
            .optional()?)
    }

    /// An identity's signature private key.
    pub fn identity_private(&self, key: IdentityKey) -> Result<Secret> {
        self.conn
            .query_row(
                "SELECT signature_private FROM identities WHERE id = ?1",
                [key.0],
                |r| get_secret(r, 0),
            )
            .optional()?
            .ok_or_else(|| StorageError::NotFound {
                what: "identity",
                id: key.to_string(),
            })
    }

    // ---- key packages ----

    /// Stores one of our key packages with its private keys.
    pub fn insert_key_package(&self, kp: &NewKeyPackage) -> Result<()> {
        let tx = self.tx()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM key_packages WHERE reference = ?1)",
            [&kp.reference],
            |r| r.get(0),
        )?;
        if exists {
            return Err(StorageError::Duplicate(format!(
                "key package {} is already stored",
                hex::encode(&kp.reference)
            )));
        }
        tx.execute(
            "INSERT INTO key_packages (reference, identity_id, cipher_suite, message, \
             init_private, encryption_private, used, not_after, created) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)",
            params![
                kp.reference,
                kp.identity.0,
                kp.cipher_suite,
                kp.message,
                kp.secrets.init_private.as_bytes(),
                kp.secrets.encryption_private.as_bytes(),
                int(kp.not_after)?,
                now()
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every stored key package, oldest first.
    pub fn key_packages(&self) -> Result<Vec<KeyPackageRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {KEY_PACKAGE_COLUMNS} FROM key_packages ORDER BY created, rowid"
        ))?;
        let rows = stmt.query_map([], key_package_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The key package with this reference, if stored.
    pub fn key_package(&self, reference: &[u8]) -> Result<Option<KeyPackageRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {KEY_PACKAGE_COLUMNS} FROM key_packages WHERE reference = ?1"),
                [reference],
                key_package_from_row,
            )
            .optional()?)
    }

    /// The private keys of an unused key package (`None` if it is unknown
    /// or was used).
    pub fn key_package_secrets(&self, reference: &[u8]) -> Result<Option<KeyPackageSecrets>> {
        Ok(self
            .conn
            .query_row(
                "SELECT init_private, encryption_private FROM key_packages \
                 WHERE reference = ?1 AND used = 0 AND init_private IS NOT NULL \
                 AND encryption_private IS NOT NULL",
                [reference],
                |r| {
                    Ok(KeyPackageSecrets {
                        init_private: get_secret(r, 0)?,
                        encryption_private: get_secret(r, 1)?,
                    })
                },
            )
            .optional()?)
    }

    /// Deletes a key package and its private keys. Returns whether it existed.
    pub fn delete_key_package(&self, reference: &[u8]) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM key_packages WHERE reference = ?1", [reference])?
            > 0)
    }

    // ---- groups ----

    /// Stores a new group (created or joined) with its first history row
    /// and messages, in one transaction. `consumed_key_package` (a join by
    /// Welcome) loses its private keys and is marked used in the same
    /// transaction; it must still be unused.
    pub fn insert_group(
        &self,
        group: &NewGroup,
        first_epoch: &EpochRecord,
        consumed_key_package: Option<&[u8]>,
        messages: &[NewMessage],
    ) -> Result<GroupKey> {
        if first_epoch.epoch != group.state.epoch {
            return Err(StorageError::Conflict(format!(
                "the history row is for epoch {}, the state is at epoch {}",
                first_epoch.epoch, group.state.epoch
            )));
        }
        let tx = self.tx()?;
        if let Some(reference) = consumed_key_package {
            let changed = tx.execute(
                "UPDATE key_packages SET init_private = NULL, encryption_private = NULL, used = 1 \
                 WHERE reference = ?1 AND used = 0",
                [reference],
            )?;
            if changed != 1 {
                return Err(StorageError::Conflict(format!(
                    "key package {} is unknown or already used",
                    hex::encode(reference)
                )));
            }
        }
        let time = now();
        let s = &group.state;
        tx.execute(
            "INSERT INTO groups (group_id, name, identity_id, cipher_suite, status, state, epoch, \
             own_leaf, member_count, revision, created, updated) \
             VALUES (?1, ?2, ?3, ?4, 'active', ?5, ?6, ?7, ?8, 1, ?9, ?9)",
            params![
                group.group_id,
                group.name,
                group.identity.0,
                group.cipher_suite,
                s.state.as_bytes(),
                int(s.epoch)?,
                s.own_leaf,
                s.member_count,
                time
            ],
        )?;
        let key = GroupKey(tx.last_insert_rowid());
        insert_epoch(&tx, key, first_epoch)?;
        insert_messages(&tx, Some(key), messages)?;
        tx.commit()?;
        Ok(key)
    }

    /// Every group row, in creation order.
    pub fn groups(&self) -> Result<Vec<GroupRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {GROUP_COLUMNS} FROM groups g ORDER BY g.id"
        ))?;
        let rows = stmt.query_map([], group_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One group row.
    pub fn group(&self, key: GroupKey) -> Result<GroupRecord> {
        self.conn
            .query_row(
                &format!("SELECT {GROUP_COLUMNS} FROM groups g WHERE g.id = ?1"),
                [key.0],
                group_from_row,
            )
            .optional()?
            .ok_or_else(|| StorageError::NotFound {
                what: "group",
                id: key.to_string(),
            })
    }

    /// The rows of every local member of the MLS group `group_id`.
    pub fn groups_by_group_id(&self, group_id: &[u8]) -> Result<Vec<GroupRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {GROUP_COLUMNS} FROM groups g WHERE g.group_id = ?1 ORDER BY g.id"
        ))?;
        let rows = stmt.query_map([group_id], group_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A group's current state and its revision (for
    /// [`Store::update_group_state`] and [`Store::stage`]).
    pub fn group_state(&self, key: GroupKey) -> Result<(Secret, i64)> {
        self.conn
            .query_row(
                "SELECT state, revision FROM groups WHERE id = ?1 AND state IS NOT NULL",
                [key.0],
                |r| Ok((get_secret(r, 0)?, r.get(1)?)),
            )
            .optional()?
            .ok_or_else(|| StorageError::NotFound {
                what: "group state",
                id: key.to_string(),
            })
    }

    /// Replaces a group's state within its epoch (after sending or receiving
    /// application data or proposals), with the messages that go with it,
    /// in one transaction. Fails with [`StorageError::Conflict`] if the
    /// state changed since `expected_revision` was read or the epoch
    /// differs (epochs change only through [`Store::apply_pending`]).
    /// Returns the new revision.
    pub fn update_group_state(
        &self,
        key: GroupKey,
        expected_revision: i64,
        state: &GroupState,
        messages: &[NewMessage],
    ) -> Result<i64> {
        let tx = self.tx()?;
        let changed = tx.execute(
            "UPDATE groups SET state = ?1, own_leaf = ?2, member_count = ?3, \
             revision = revision + 1, updated = ?4 \
             WHERE id = ?5 AND revision = ?6 AND epoch = ?7 AND status = 'active'",
            params![
                state.state.as_bytes(),
                state.own_leaf,
                state.member_count,
                now(),
                key.0,
                expected_revision,
                int(state.epoch)?
            ],
        )?;
        if changed != 1 {
            return Err(self.conflict(&tx, key)?);
        }
        insert_messages(&tx, Some(key), messages)?;
        tx.commit()?;
        Ok(expected_revision + 1)
    }

    /// Why a guarded update changed nothing.
    fn conflict(&self, tx: &Transaction<'_>, key: GroupKey) -> Result<StorageError> {
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM groups WHERE id = ?1)",
            [key.0],
            |r| r.get(0),
        )?;
        Ok(if exists {
            StorageError::Conflict(format!(
                "group {key} changed since it was loaded (another window or program wrote it); reload and try again"
            ))
        } else {
            StorageError::NotFound {
                what: "group",
                id: key.to_string(),
            }
        })
    }

    /// Renames a group row.
    pub fn rename_group(&self, key: GroupKey, name: &str) -> Result<()> {
        let changed = self.conn.execute(
            "UPDATE groups SET name = ?1 WHERE id = ?2",
            params![name, key.0],
        )?;
        if changed == 0 {
            return Err(StorageError::NotFound {
                what: "group",
                id: key.to_string(),
            });
        }
        Ok(())
    }

    /// Deletes a group with its state, history, pending commit and messages.
    pub fn delete_group(&self, key: GroupKey) -> Result<()> {
        let changed = self
            .conn
            .execute("DELETE FROM groups WHERE id = ?1", [key.0])?;
        if changed == 0 {
            return Err(StorageError::NotFound {
                what: "group",
                id: key.to_string(),
            });
        }
        Ok(())
    }

    // ---- pending commits ----

    /// Stores a staged commit for a group, with its messages, in one
    /// transaction. The group must be unchanged since `expected_revision`,
    /// at the commit's base epoch, and have no pending commit.
    pub fn stage(
        &self,
        key: GroupKey,
        expected_revision: i64,
        pending: &NewPending,
        messages: &[NewMessage],
    ) -> Result<()> {
        let next_epoch = pending
            .base_epoch
            .checked_add(1)
            .ok_or_else(|| StorageError::OutOfRange(String::from("epoch")))?;
        if pending.next_state.epoch != next_epoch || pending.next_epoch.epoch != next_epoch {
            return Err(StorageError::Conflict(format!(
                "a commit staged from epoch {} must lead to epoch {next_epoch}",
                pending.base_epoch
            )));
        }
        let tx = self.tx()?;
        let current: Option<(i64, i64, String, bool)> = tx
            .query_row(
                "SELECT revision, epoch, status, \
                 EXISTS (SELECT 1 FROM pending_commits WHERE group_ref = ?1) \
                 FROM groups WHERE id = ?1",
                [key.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((revision, epoch, status, has_pending)) = current else {
            return Err(StorageError::NotFound {
                what: "group",
                id: key.to_string(),
            });
        };
        if has_pending {
            return Err(StorageError::Conflict(format!(
                "group {key} already has a pending commit: apply or discard it first"
            )));
        }
        if status != GroupStatus::Active.as_str()
            || revision != expected_revision
            || epoch != int(pending.base_epoch)?
        {
            return Err(self.conflict(&tx, key)?);
        }
        if let Some(state) = &pending.current_state {
            if state.epoch != pending.base_epoch {
                return Err(StorageError::Conflict(format!(
                    "the current state given with a commit staged from epoch {} is at epoch {}",
                    pending.base_epoch, state.epoch
                )));
            }
            tx.execute(
                "UPDATE groups SET state = ?1, revision = revision + 1, updated = ?2 \
                 WHERE id = ?3",
                params![state.state.as_bytes(), now(), key.0],
            )?;
        }
        let e = &pending.next_epoch;
        let c = epoch_columns(e)?;
        let changed_nodes =
            nodes_to_bytes(&pending.changed_nodes).map_err(encode_failed("changed nodes"))?;
        tx.execute(
            "INSERT INTO pending_commits (group_ref, origin, base_epoch, message, welcome, \
             group_info, next_state, next_epoch, next_own_leaf, next_member_count, committer, \
             summary, summary_text, epoch_authenticator, tree_hash, members, ratchet_tree, \
             changed_nodes, self_removed, created) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, \
             ?17, ?18, ?19, ?20)",
            params![
                key.0,
                pending.origin.as_str(),
                int(pending.base_epoch)?,
                pending.message,
                pending.welcome,
                pending.group_info,
                pending.next_state.state.as_bytes(),
                c.epoch,
                pending.next_state.own_leaf,
                pending.next_state.member_count,
                e.committer,
                c.summary,
                c.summary_text,
                e.epoch_authenticator,
                e.tree_hash,
                c.members,
                e.ratchet_tree,
                changed_nodes,
                pending.self_removed,
                now()
            ],
        )?;
        insert_messages(&tx, Some(key), messages)?;
        tx.commit()?;
        Ok(())
    }

    /// A group's pending commit, without the next state.
    pub fn pending(&self, key: GroupKey) -> Result<Option<PendingRecord>> {
        Ok(self
            .conn
            .query_row(
                "SELECT origin, base_epoch, message, welcome, group_info, changed_nodes, \
                 self_removed, created, next_epoch, created, committer, summary, \
                 epoch_authenticator, tree_hash, members, ratchet_tree \
                 FROM pending_commits WHERE group_ref = ?1",
                [key.0],
                |r| {
                    let nodes: Vec<u8> = r.get(5)?;
                    Ok(PendingRecord {
                        origin: get_parsed(r, 0, Origin::parse)?,
                        base_epoch: get_u64(r, 1)?,
                        message: r.get(2)?,
                        welcome: r.get(3)?,
                        group_info: r.get(4)?,
                        changed_nodes: nodes_from_bytes(&nodes)
                            .map_err(|e| bad(5, Type::Blob, format!("changed nodes: {e}")))?,
                        self_removed: r.get(6)?,
                        created: get_u64(r, 7)?,
                        next_epoch: epoch_from_row(r, 8)?,
                    })
                },
            )
            .optional()?)
    }

    /// The next state of a group's pending commit.
    pub fn pending_state(&self, key: GroupKey) -> Result<Option<Secret>> {
        Ok(self
            .conn
            .query_row(
                "SELECT next_state FROM pending_commits WHERE group_ref = ?1",
                [key.0],
                |r| get_secret(r, 0),
            )
            .optional()?)
    }

    /// Applies a group's pending commit in one transaction: the next state
    /// replaces the current one (or, if the commit removed this member, the
    /// state is deleted and the group marked removed), the history row is
    /// appended and the pending row deleted. Returns the new history row.
    pub fn apply_pending(&self, key: GroupKey) -> Result<EpochRecord> {
        let tx = self.tx()?;
        let row: Option<(i64, i64, i64, String)> = tx
            .query_row(
                "SELECT p.base_epoch, p.next_epoch, g.epoch, g.status FROM pending_commits p \
                 JOIN groups g ON g.id = p.group_ref WHERE p.group_ref = ?1",
                [key.0],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .optional()?;
        let Some((base_epoch, next_epoch, epoch, status)) = row else {
            return Err(StorageError::NotFound {
                what: "pending commit of group",
                id: key.to_string(),
            });
        };
        if base_epoch != epoch || status != GroupStatus::Active.as_str() {
            return Err(StorageError::Conflict(format!(
                "the pending commit of group {key} was staged at epoch {base_epoch}, the group is {status} at epoch {epoch}: discard it"
            )));
        }
        let time = now();
        tx.execute(
            "INSERT INTO epochs (group_ref, epoch, time, committer, summary, summary_text, \
             epoch_authenticator, tree_hash, members, ratchet_tree) \
             SELECT group_ref, next_epoch, ?2, committer, summary, summary_text, \
             epoch_authenticator, tree_hash, members, ratchet_tree \
             FROM pending_commits WHERE group_ref = ?1",
            params![key.0, time],
        )?;
        tx.execute(
            "UPDATE groups SET (state, status, epoch, own_leaf, member_count) = \
             (SELECT CASE WHEN self_removed THEN NULL ELSE next_state END, \
                     CASE WHEN self_removed THEN 'removed' ELSE 'active' END, \
                     next_epoch, next_own_leaf, next_member_count \
              FROM pending_commits WHERE group_ref = ?1), \
             revision = revision + 1, updated = ?2 WHERE id = ?1",
            params![key.0, time],
        )?;
        tx.execute("DELETE FROM pending_commits WHERE group_ref = ?1", [key.0])?;
        let record = tx.query_row(
            &format!("SELECT {EPOCH_COLUMNS} FROM epochs WHERE group_ref = ?1 AND epoch = ?2"),
            params![key.0, next_epoch],
            |r| epoch_from_row(r, 0),
        )?;
        tx.commit()?;
        Ok(record)
    }

    /// Deletes a group's pending commit. Returns whether there was one.
    pub fn discard_pending(&self, key: GroupKey) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM pending_commits WHERE group_ref = ?1", [key.0])?
            > 0)
    }

    // ---- history ----

    /// A group's history, oldest epoch first.
    pub fn history(&self, key: GroupKey) -> Result<Vec<EpochRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {EPOCH_COLUMNS} FROM epochs WHERE group_ref = ?1 ORDER BY epoch"
        ))?;
        let rows = stmt.query_map([key.0], |r| epoch_from_row(r, 0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One epoch of a group's history.
    pub fn epoch(&self, key: GroupKey, epoch: u64) -> Result<Option<EpochRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!("SELECT {EPOCH_COLUMNS} FROM epochs WHERE group_ref = ?1 AND epoch = ?2"),
                params![key.0, int(epoch)?],
                |r| epoch_from_row(r, 0),
            )
            .optional()?)
    }

    /// The newest epoch of a group's history.
    pub fn latest_epoch(&self, key: GroupKey) -> Result<Option<EpochRecord>> {
        Ok(self
            .conn
            .query_row(
                &format!(
                    "SELECT {EPOCH_COLUMNS} FROM epochs WHERE group_ref = ?1 \
                     ORDER BY epoch DESC LIMIT 1"
                ),
                [key.0],
                |r| epoch_from_row(r, 0),
            )
            .optional()?)
    }

    // ---- messages ----

    /// Records a message (e.g. one imported for inspection), optionally
    /// tied to a group. Returns its number.
    pub fn insert_message(&self, group: Option<GroupKey>, message: &NewMessage) -> Result<i64> {
        let tx = self.tx()?;
        insert_messages(&tx, group, std::slice::from_ref(message))?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// The messages of a group (or, with `None`, all messages), in the order
    /// they were recorded.
    pub fn messages(&self, group: Option<GroupKey>) -> Result<Vec<MessageRecord>> {
        let mut out = Vec::new();
        match group {
            Some(g) => {
                let mut stmt = self.conn.prepare(&format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages WHERE group_ref = ?1 ORDER BY id"
                ))?;
                for row in stmt.query_map([g.0], message_from_row)? {
                    out.push(row?);
                }
            }
            None => {
                let mut stmt = self.conn.prepare(&format!(
                    "SELECT {MESSAGE_COLUMNS} FROM messages ORDER BY id"
                ))?;
                for row in stmt.query_map([], message_from_row)? {
                    out.push(row?);
                }
            }
        }
        Ok(out)
    }

    // ---- trust roots ----

    /// Stores trust roots, all or none. Returns their numbers.
    pub fn insert_trust_roots(&self, roots: &[NewTrustRoot]) -> Result<Vec<i64>> {
        let tx = self.tx()?;
        let mut ids = Vec::with_capacity(roots.len());
        let time = now();
        for root in roots {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM trust_roots WHERE der = ?1)",
                [&root.der],
                |r| r.get(0),
            )?;
            if exists {
                return Err(StorageError::Duplicate(format!(
                    "trust root {} (SHA-256 {}) is already stored",
                    root.subject, root.fingerprint
                )));
            }
            tx.execute(
                "INSERT INTO trust_roots (der, subject, issuer, not_before, not_after, \
                 fingerprint, added) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![
                    root.der,
                    root.subject,
                    root.issuer,
                    root.not_before,
                    root.not_after,
                    root.fingerprint,
                    time
                ],
            )?;
            ids.push(tx.last_insert_rowid());
        }
        tx.commit()?;
        Ok(ids)
    }

    /// Every trust root, in import order.
    pub fn trust_roots(&self) -> Result<Vec<TrustRootRecord>> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {TRUST_ROOT_COLUMNS} FROM trust_roots ORDER BY id"
        ))?;
        let rows = stmt.query_map([], trust_root_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Removes a trust root.
    pub fn remove_trust_root(&self, id: i64) -> Result<()> {
        let changed = self
            .conn
            .execute("DELETE FROM trust_roots WHERE id = ?1", [id])?;
        if changed == 0 {
            return Err(StorageError::NotFound {
                what: "trust root",
                id: format!("#{id}"),
            });
        }
        Ok(())
    }

    // ---- PSKs ----

    /// Stores an external PSK; its id must be new.
    pub fn insert_psk(&self, psk_id: &[u8], secret: &Secret) -> Result<()> {
        let tx = self.tx()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM psks WHERE psk_id = ?1)",
            [psk_id],
            |r| r.get(0),
        )?;
        if exists {
            return Err(StorageError::Duplicate(format!(
                "PSK {} already exists",
                hex::encode(psk_id)
            )));
        }
        tx.execute(
            "INSERT INTO psks (psk_id, secret, added) VALUES (?1, ?2, ?3)",
            params![psk_id, secret.as_bytes(), now()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every external PSK id, in insertion order.
    pub fn psks(&self) -> Result<Vec<PskRecord>> {
        let mut stmt = self
            .conn
            .prepare("SELECT psk_id, added FROM psks ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| {
            Ok(PskRecord {
                psk_id: r.get(0)?,
                added: get_u64(r, 1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Every external PSK with its secret.
    pub fn psk_secrets(&self) -> Result<Vec<(Vec<u8>, Secret)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT psk_id, secret FROM psks ORDER BY rowid")?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, get_secret(r, 1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes an external PSK. Returns whether it existed.
    pub fn remove_psk(&self, psk_id: &[u8]) -> Result<bool> {
        Ok(self
            .conn
            .execute("DELETE FROM psks WHERE psk_id = ?1", [psk_id])?
            > 0)
    }

    // ---- settings ----

    /// A workspace setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    }

    /// Sets (or, with `None`, deletes) a workspace setting.
    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<()> {
        match value {
            Some(v) => self.conn.execute(
                "INSERT INTO settings (key, value) VALUES (?1, ?2) \
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [key, v],
            )?,
            None => self
                .conn
                .execute("DELETE FROM settings WHERE key = ?1", [key])?,
        };
        Ok(())
    }
}
