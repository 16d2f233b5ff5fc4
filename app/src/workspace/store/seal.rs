//! Sealing the secret-bearing columns of a protected workspace.
//!
//! A protected workspace holds a random 32-byte *workspace key*, stored
//! only wrapped (ChaCha20-Poly1305) under a key derived from the
//! passphrase with Argon2id (parameters and salt stored next to it, in the
//! `protection` table). Every secret-bearing column is then stored as
//!
//! ```text
//! 0x01 || nonce (12 random bytes) || ChaCha20-Poly1305(workspace key, nonce, ad, value)
//! ```
//!
//! with the associated data `ad` naming the column and the row
//! ([`Column`], the row's primary key), so a sealed value moved to another
//! row or column does not open. An unprotected workspace stores the
//! values as they are: [`Sealer::clear`] passes them through.
//!
//! Every read and write of a secret column in `store/` goes through a
//! [`Sealer`] obtained from [`super::Store::sealer`]; no other code sees
//! ciphertext.

use argon2::{Algorithm, Argon2, Params, Version};
use mls_core::crypto::{CipherSuite, CryptoProvider as _, RustCrypto, Secret};

use super::{Result, StorageError};

/// The AEAD (through the protocol crate's provider): ChaCha20-Poly1305.
const SUITE: CipherSuite = CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519;
/// The workspace key's length, and the passphrase key's.
pub(super) const KEY_LEN: usize = 32;
/// The random nonce in front of every sealed value.
const NONCE_LEN: usize = 12;
/// The first byte of a sealed value (its format).
const FORMAT: u8 = 1;
/// The salt's length.
pub(super) const SALT_LEN: usize = 16;
/// The first part of every associated data.
const AD_LABEL: &[u8] = b"mls-inspector sealed v1\0";

/// A secret-bearing column: its name is part of the associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// `identities.signature_private` (row: `id`).
    IdentitySignature,
    /// `key_packages.init_private` (row: `reference`).
    KeyPackageInit,
    /// `key_packages.encryption_private` (row: `reference`).
    KeyPackageEncryption,
    /// `groups.state` (row: `id`).
    GroupState,
    /// `pending_commits.next_state` (row: `group_ref`).
    PendingNextState,
    /// `psks.secret` (row: `psk_id`).
    Psk,
    /// `messages.content` (row: `id`).
    MessageContent,
}

impl Column {
    /// `table.column`.
    pub fn name(self) -> &'static str {
        match self {
            Column::IdentitySignature => "identities.signature_private",
            Column::KeyPackageInit => "key_packages.init_private",
            Column::KeyPackageEncryption => "key_packages.encryption_private",
            Column::GroupState => "groups.state",
            Column::PendingNextState => "pending_commits.next_state",
            Column::Psk => "psks.secret",
            Column::MessageContent => "messages.content",
        }
    }
}

/// The row identity of an integer primary key, for the associated data.
pub(super) fn row_int(id: i64) -> [u8; 8] {
    id.to_be_bytes()
}

fn aad(column: Column, row: &[u8]) -> Vec<u8> {
    let mut ad = Vec::with_capacity(AD_LABEL.len() + 40 + row.len());
    ad.extend_from_slice(AD_LABEL);
    ad.extend_from_slice(column.name().as_bytes());
    ad.push(0);
    ad.extend_from_slice(row);
    ad
}

fn random(len: usize) -> Result<Vec<u8>> {
    RustCrypto
        .random_bytes(len)
        .map_err(|e| StorageError::Protection(format!("no randomness: {e}")))
}

/// `FORMAT || nonce || AEAD(key, nonce, ad, plaintext)`.
fn seal_with(key: &[u8], ad: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    let nonce = random(NONCE_LEN)?;
    let sealed = RustCrypto
        .aead_seal(SUITE, key, &nonce, ad, plaintext)
        .map_err(|e| StorageError::Protection(format!("sealing failed: {e}")))?;
    let mut out = Vec::with_capacity(1 + NONCE_LEN + sealed.len());
    out.push(FORMAT);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// The inverse of [`seal_with`]; `None` if it does not open.
fn open_with(key: &[u8], ad: &[u8], stored: &[u8]) -> Option<Secret> {
    let (format, rest) = stored.split_first()?;
    if *format != FORMAT || rest.len() < NONCE_LEN {
        return None;
    }
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    RustCrypto
        .aead_open(SUITE, key, nonce, ad, ciphertext)
        .ok()
        .map(Secret::new)
}

/// Seals and opens the values of secret columns: under the workspace key
/// of a protected workspace, or as they are in an unprotected one.
pub struct Sealer {
    key: Option<Secret>,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer")
            .field("protected", &self.key.is_some())
            .finish()
    }
}

impl Sealer {
    /// An unprotected workspace's: values are stored as they are.
    pub(super) fn clear() -> Self {
        Sealer { key: None }
    }

    /// A protected workspace's, with its workspace key.
    pub(super) fn with_key(key: &Secret) -> Self {
        Sealer {
            key: Some(Secret::new(key.as_bytes().to_vec())),
        }
    }

    /// What to store for `value` in `column` of the row `row`.
    pub(super) fn seal(&self, column: Column, row: &[u8], value: &[u8]) -> Result<Vec<u8>> {
        match &self.key {
            None => Ok(value.to_vec()),
            Some(key) => seal_with(key.as_bytes(), &aad(column, row), value),
        }
    }

    /// The value stored as `stored` in `column` of the row `row`. A sealed
    /// value that does not open (altered, or moved from another row) is
    /// [`StorageError::Corrupt`].
    pub(super) fn open(&self, column: Column, row: &[u8], stored: &[u8]) -> Result<Secret> {
        match &self.key {
            None => Ok(Secret::new(stored.to_vec())),
            Some(key) => open_with(key.as_bytes(), &aad(column, row), stored).ok_or_else(|| {
                StorageError::Corrupt {
                    what: column.name(),
                    why: String::from(
                        "the sealed value does not open under the workspace key (altered, or moved from another row)",
                    ),
                }
            }),
        }
    }

    /// [`Sealer::open`] of an optional value.
    pub(super) fn open_opt(
        &self,
        column: Column,
        row: &[u8],
        stored: Option<&[u8]>,
    ) -> Result<Option<Secret>> {
        stored.map(|s| self.open(column, row, s)).transpose()
    }
}

/// The Argon2id cost of deriving the passphrase key, stored in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KdfParams {
    /// Memory in KiB.
    pub memory_kib: u32,
    /// Passes over the memory.
    pub iterations: u32,
    /// Lanes.
    pub parallelism: u32,
}

/// The environment variable that, set to `1`, makes new passphrases use
/// the smallest Argon2id cost (for tests only: the stored parameters say
/// what was used).
pub const TEST_KDF_ENV: &str = "MLS_INSPECTOR_INSECURE_TEST_KDF";

impl KdfParams {
    /// The cost of new passphrases: 64 MiB, 10 passes, 1 lane (measured:
    /// ≈0.4 s of CPU, ≈0.5 s wall on the shared 2-core development
    /// machine; `argon2` and `blake2` are optimised in every profile).
    pub const DEFAULT: KdfParams = KdfParams {
        memory_kib: 64 * 1024,
        iterations: 10,
        parallelism: 1,
    };

    /// The smallest cost ([`TEST_KDF_ENV`]).
    pub const TEST: KdfParams = KdfParams {
        memory_kib: 8,
        iterations: 1,
        parallelism: 1,
    };

    /// The most a file may ask for (4 GiB, 64 passes, 16 lanes): a
    /// hostile file does not get to exhaust the machine.
    const MAX: KdfParams = KdfParams {
        memory_kib: 4 * 1024 * 1024,
        iterations: 64,
        parallelism: 16,
    };

    /// The cost for a new passphrase: [`KdfParams::DEFAULT`], or
    /// [`KdfParams::TEST`] when [`TEST_KDF_ENV`] is `1`.
    pub fn for_new_passphrase() -> Self {
        if std::env::var(TEST_KDF_ENV).is_ok_and(|v| v == "1") {
            Self::TEST
        } else {
            Self::DEFAULT
        }
    }

    fn argon2(&self) -> Result<Argon2<'static>> {
        if self.memory_kib > Self::MAX.memory_kib
            || self.iterations > Self::MAX.iterations
            || self.parallelism > Self::MAX.parallelism
        {
            return Err(StorageError::Protection(format!(
                "the stored Argon2id cost (m={} KiB, t={}, p={}) is beyond what this program accepts",
                self.memory_kib, self.iterations, self.parallelism
            )));
        }
        let params = Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(KEY_LEN),
        )
        .map_err(|e| StorageError::Protection(format!("Argon2id parameters: {e}")))?;
        Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
    }

    /// The passphrase key: Argon2id of `passphrase` with `salt`.
    pub(super) fn derive(&self, passphrase: &[u8], salt: &[u8]) -> Result<Secret> {
        let mut out = vec![0u8; KEY_LEN];
        self.argon2()?
            .hash_password_into(passphrase, salt, &mut out)
            .map_err(|e| StorageError::Protection(format!("Argon2id: {e}")))?;
        Ok(Secret::new(out))
    }
}

/// A fresh random salt.
pub(super) fn new_salt() -> Result<Vec<u8>> {
    random(SALT_LEN)
}

/// A fresh random workspace key.
pub(super) fn new_workspace_key() -> Result<Secret> {
    Ok(Secret::new(random(KEY_LEN)?))
}

/// The associated data of the wrapped workspace key: the parameters and
/// salt it was derived with.
fn wrap_ad(params: &KdfParams, salt: &[u8]) -> Vec<u8> {
    let mut ad = b"mls-inspector workspace key v1\0argon2id\0".to_vec();
    for v in [params.memory_kib, params.iterations, params.parallelism] {
        ad.extend_from_slice(&v.to_be_bytes());
    }
    ad.extend_from_slice(salt);
    ad
}

/// The workspace key sealed under the passphrase key.
pub(super) fn wrap(
    passphrase_key: &Secret,
    params: &KdfParams,
    salt: &[u8],
    workspace_key: &Secret,
) -> Result<Vec<u8>> {
    seal_with(
        passphrase_key.as_bytes(),
        &wrap_ad(params, salt),
        workspace_key.as_bytes(),
    )
}

/// The workspace key, if `passphrase_key` opens `wrapped`.
pub(super) fn unwrap(
    passphrase_key: &Secret,
    params: &KdfParams,
    salt: &[u8],
    wrapped: &[u8],
) -> Option<Secret> {
    open_with(passphrase_key.as_bytes(), &wrap_ad(params, salt), wrapped)
        .filter(|k| k.len() == KEY_LEN)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sealed_values_open_only_in_their_row_and_column() {
        let key = new_workspace_key().unwrap();
        let sealer = Sealer::with_key(&key);
        let sealed = sealer
            .seal(Column::GroupState, &row_int(3), b"MLSG state")
            .unwrap();
        assert!(!sealed.windows(4).any(|w| w == b"MLSG"));
        assert_eq!(
            sealer
                .open(Column::GroupState, &row_int(3), &sealed)
                .unwrap()
                .as_bytes(),
            b"MLSG state"
        );
        assert!(
            sealer
                .open(Column::GroupState, &row_int(4), &sealed)
                .is_err()
        );
        assert!(
            sealer
                .open(Column::PendingNextState, &row_int(3), &sealed)
                .is_err()
        );
        let other = Sealer::with_key(&new_workspace_key().unwrap());
        assert!(
            other
                .open(Column::GroupState, &row_int(3), &sealed)
                .is_err()
        );
    }

    #[test]
    fn a_wrapped_key_opens_only_with_its_passphrase_and_parameters() {
        let params = KdfParams::TEST;
        let salt = new_salt().unwrap();
        let key = new_workspace_key().unwrap();
        let good = params.derive(b"correct horse", &salt).unwrap();
        let wrapped = wrap(&good, &params, &salt, &key).unwrap();
        assert_eq!(unwrap(&good, &params, &salt, &wrapped), Some(key));
        let bad = params.derive(b"correct horsf", &salt).unwrap();
        assert_eq!(unwrap(&bad, &params, &salt, &wrapped), None);
        let other = KdfParams {
            iterations: 2,
            ..params
        };
        assert_eq!(unwrap(&good, &other, &salt, &wrapped), None);
    }
}
