//! A workspace protected by a passphrase: opening and unlocking it,
//! protecting, unprotecting and changing the passphrase (the sealing
//! itself is the store's: `store/seal.rs`, `store/protection.rs`).

use std::path::Path;

use super::store::{KdfParams, ProtectionInfo, StorageError, Store};
use super::{Result, Workspace};

/// How a workspace file is opened (see [`Workspace::open_locked`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// [`Workspace::open`]: created if missing; an existing empty file is
    /// refused.
    Existing,
    /// [`Workspace::open_creating`]: an existing empty file is made a
    /// workspace too.
    Creating,
    /// [`Workspace::open_read_only`].
    ReadOnly,
}

impl Workspace {
    /// Opens the workspace file like `mode` says, without refusing a
    /// protected one: until [`Workspace::unlock`], everything that reads
    /// or writes a secret fails with [`StorageError::Locked`] (listing
    /// and showing rows without secrets works). For callers that ask for
    /// the passphrase only when it is needed (the CLI).
    pub fn open_locked(path: impl AsRef<Path>, mode: OpenMode) -> Result<Self> {
        let store = match mode {
            OpenMode::Existing => Store::open(path)?,
            OpenMode::Creating => Store::open_adopting_empty(path)?,
            OpenMode::ReadOnly => Store::open_read_only(path)?,
        };
        Ok(Workspace { store })
    }

    /// [`Workspace::open_locked`], refusing a protected workspace with
    /// [`StorageError::Locked`].
    pub(super) fn open_unprotected(path: impl AsRef<Path>, mode: OpenMode) -> Result<Self> {
        let ws = Self::open_locked(path, mode)?;
        if ws.store.is_locked()? && !ws.store.unlock_from_session()? {
            return Err(StorageError::Locked {
                path: ws.path().to_path_buf(),
            }
            .into());
        }
        Ok(ws)
    }

    /// Opens a workspace (like [`Workspace::open`]) and unlocks it with
    /// `passphrase` if it is protected. A wrong passphrase is
    /// [`StorageError::WrongPassphrase`] and changes nothing.
    pub fn open_with_passphrase(path: impl AsRef<Path>, passphrase: &str) -> Result<Self> {
        let ws = Self::open_locked(path, OpenMode::Existing)?;
        if ws.store.is_locked()? {
            ws.unlock(passphrase)?;
        }
        Ok(ws)
    }

    /// Unlocks the protected workspace at `path` for this process: later
    /// [`Workspace::open`]s of the file (the window's background jobs)
    /// take the key without asking, until [`Workspace::lock_session`]. A
    /// wrong passphrase is [`StorageError::WrongPassphrase`]; nothing is
    /// written.
    pub fn unlock_session(path: impl AsRef<Path>, passphrase: &str) -> Result<()> {
        let ws = Self::open_locked(path, OpenMode::Existing)?;
        ws.unlock(passphrase)?;
        ws.store.remember_in_session();
        Ok(())
    }

    /// Forgets the key [`Workspace::unlock_session`] kept for the file at
    /// `path`: opening it needs the passphrase again.
    pub fn lock_session(path: impl AsRef<Path>) {
        Store::forget_session(path.as_ref());
    }

    /// How the workspace is protected (`None`: it is not).
    pub fn protection(&self) -> Result<Option<ProtectionInfo>> {
        Ok(self.store.protection()?)
    }

    /// Whether the workspace is protected and not unlocked yet.
    pub fn is_locked(&self) -> Result<bool> {
        Ok(self.store.is_locked()?)
    }

    /// Unlocks a protected workspace. A wrong passphrase is
    /// [`StorageError::WrongPassphrase`]; nothing is written.
    pub fn unlock(&self, passphrase: &str) -> Result<()> {
        Ok(self.store.unlock(passphrase.as_bytes())?)
    }

    /// Protects the workspace with `passphrase`: a key derived with
    /// Argon2id ([`KdfParams::for_new_passphrase`]) wraps a random
    /// workspace key, under which every secret column is sealed, in one
    /// transaction. Refused if it is already protected or the passphrase
    /// is empty.
    pub fn protect(&self, passphrase: &str) -> Result<ProtectionInfo> {
        self.store
            .protect(passphrase.as_bytes(), KdfParams::for_new_passphrase())?;
        self.protected_info()
    }

    /// Removes the passphrase: every secret column is stored in clear, in
    /// one transaction. A wrong passphrase changes nothing.
    pub fn unprotect(&self, passphrase: &str) -> Result<()> {
        Ok(self.store.unprotect(passphrase.as_bytes())?)
    }

    /// Replaces the passphrase (and the workspace key), re-sealing every
    /// secret column in one transaction. A wrong `old` changes nothing.
    pub fn change_passphrase(&self, old: &str, new: &str) -> Result<ProtectionInfo> {
        self.store.change_passphrase(
            old.as_bytes(),
            new.as_bytes(),
            KdfParams::for_new_passphrase(),
        )?;
        self.protected_info()
    }

    fn protected_info(&self) -> Result<ProtectionInfo> {
        Ok(self.store.protection()?.ok_or(StorageError::NotProtected)?)
    }
}
