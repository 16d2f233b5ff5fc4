//! Opening the workspace file: its mode, the connection's pragmas, the
//! check that it is a workspace, and the schema migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use super::migrations::{APPLICATION_ID, LATEST, MIGRATIONS};
use super::{Result, StorageError, Store};

/// How long a write waits for another connection's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

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

    /// The file's schema version (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Self::version(&self.conn)
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
}
