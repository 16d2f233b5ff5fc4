//! Opening the workspace file: its mode, the connection's pragmas, the
//! check that it is a workspace, and the schema migrations.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

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

/// What was found at the workspace path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// Nothing: a new file (0600) was created, in a directory made 0700.
    New,
    /// An existing file: whether this process may write it, and whether it
    /// is empty.
    Existing { writable: bool, empty: bool },
}

/// Creates the directory (0700) and the file (0600) if missing; for an
/// existing file only looks (its mode is fixed once it proved to be a
/// workspace: a refused file is left exactly as it was).
fn prepare_file(path: &Path) -> Result<Found> {
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| StorageError::Io { path: p, source }
    };
    match std::fs::metadata(path) {
        Ok(meta) => {
            let writable = match std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(path)
            {
                Ok(_) => true,
                Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => false,
                Err(e) => return Err(io(path)(e)),
            };
            return Ok(Found::Existing {
                writable,
                empty: meta.len() == 0,
            });
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(path)(e)),
    }
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
    options.open(path).map_err(io(path))?;
    Ok(Found::New)
}

/// Takes group and other permissions away from the workspace file.
fn restrict_mode(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let io = |source| StorageError::Io {
            path: path.to_path_buf(),
            source,
        };
        let meta = std::fs::metadata(path).map_err(io)?;
        if meta.permissions().mode() & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io)?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the workspace file at `path` and migrates
    /// its schema to [`super::schema::LATEST`].
    ///
    /// Fails with [`StorageError::TooNew`] for a file of a newer schema and
    /// [`StorageError::NotAWorkspace`] for any other file.
    ///
    /// An existing empty file is refused ([`StorageError::EmptyFile`]; it
    /// may be something else truncated) unless `adopt_empty`. A file this
    /// process may not write is opened read-only: reading works, every
    /// write is refused with [`StorageError::ReadOnly`].
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_at(path.as_ref(), LATEST, false)
    }

    /// [`Store::open`], making a workspace of an existing empty file too.
    pub fn open_adopting_empty(path: impl AsRef<Path>) -> Result<Self> {
        Self::open_at(path.as_ref(), LATEST, true)
    }

    /// Opens an existing workspace for reading only, even if the file is
    /// writable: nothing is created, migrated or written.
    pub fn open_read_only(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let meta = std::fs::metadata(path).map_err(|source| StorageError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        let found = Found::Existing {
            writable: false,
            empty: meta.len() == 0,
        };
        Self::open_found(path, LATEST, false, found)
    }

    fn open_at(path: &Path, target: i64, adopt_empty: bool) -> Result<Self> {
        let found = prepare_file(path)?;
        Self::open_found(path, target, adopt_empty, found)
    }

    fn open_found(path: &Path, target: i64, adopt_empty: bool, found: Found) -> Result<Self> {
        if found
            == (Found::Existing {
                writable: true,
                empty: true,
            })
            && !adopt_empty
        {
            return Err(StorageError::EmptyFile {
                path: path.to_path_buf(),
            });
        }
        let read_only = matches!(
            found,
            Found::Existing {
                writable: false,
                ..
            }
        );
        let conn = if read_only {
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?
        } else {
            Connection::open(path)?
        };
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let store = Store {
            conn,
            path: path.to_path_buf(),
            read_only,
            unlocked: std::cell::RefCell::new(None),
        };
        store.check_identity().map_err(|e| match e {
            StorageError::Sqlite(ref s) if is_not_a_database(s) => StorageError::NotAWorkspace {
                path: path.to_path_buf(),
                why: String::from("not an SQLite database"),
            },
            other => other,
        })?;
        if read_only {
            let version = Self::version(&store.conn)?;
            if version != LATEST {
                return Err(StorageError::ReadOnly {
                    path: path.to_path_buf(),
                    why: format!(
                        "it is at schema version {version}, this program needs {LATEST}: open it writable once to migrate it"
                    ),
                });
            }
            store.conn.pragma_update(None, "foreign_keys", "ON")?;
            return Ok(store);
        }
        // A workspace (or a new file): now its mode may be fixed.
        restrict_mode(path)?;
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
        let store = Self::open_at(path.as_ref(), version.min(LATEST), false)?;
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
