//! The `key_packages` table: our key packages with their private keys
//! (deleted when a Welcome consumes one).

use rusqlite::{Row, params};

use super::seal::Column;
use super::{
    IdentityKey, KeyPackageRecord, KeyPackageSecrets, NewKeyPackage, Result, Store, get_u64, int,
    now, refuse_existing,
};

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

impl Store {
    /// Stores one of our key packages with its private keys.
    pub fn insert_key_package(&self, kp: &NewKeyPackage) -> Result<()> {
        let tx = self.tx()?;
        let sealer = self.sealer(&tx)?;
        let init_private = sealer.seal(
            Column::KeyPackageInit,
            &kp.reference,
            kp.secrets.init_private.as_bytes(),
        )?;
        let encryption_private = sealer.seal(
            Column::KeyPackageEncryption,
            &kp.reference,
            kp.secrets.encryption_private.as_bytes(),
        )?;
        refuse_existing(
            &tx,
            "SELECT EXISTS (SELECT 1 FROM key_packages WHERE reference = ?1)",
            [&kp.reference],
            || {
                format!(
                    "key package {} is already stored",
                    hex::encode(&kp.reference)
                )
            },
        )?;
        tx.execute(
            "INSERT INTO key_packages (reference, identity_id, cipher_suite, message, \
             init_private, encryption_private, used, not_after, created) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)",
            params![
                kp.reference,
                kp.identity.0,
                kp.cipher_suite,
                kp.message,
                init_private,
                encryption_private,
                int(kp.not_after)?,
                now()
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every stored key package, oldest first.
    pub fn key_packages(&self) -> Result<Vec<KeyPackageRecord>> {
        self.query_all(
            &format!("SELECT {KEY_PACKAGE_COLUMNS} FROM key_packages ORDER BY created, rowid"),
            [],
            key_package_from_row,
        )
    }

    /// The key package with this reference, if stored.
    pub fn key_package(&self, reference: &[u8]) -> Result<Option<KeyPackageRecord>> {
        self.query_opt(
            &format!("SELECT {KEY_PACKAGE_COLUMNS} FROM key_packages WHERE reference = ?1"),
            [reference],
            key_package_from_row,
        )
    }

    /// The private keys of an unused key package (`None` if it is unknown
    /// or was used).
    pub fn key_package_secrets(&self, reference: &[u8]) -> Result<Option<KeyPackageSecrets>> {
        let read = self.read_tx()?;
        let sealer = self.sealer(&read)?;
        let stored: Option<(Vec<u8>, Vec<u8>)> = self.query_opt(
            "SELECT init_private, encryption_private FROM key_packages \
             WHERE reference = ?1 AND used = 0 AND init_private IS NOT NULL \
             AND encryption_private IS NOT NULL",
            [reference],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        stored
            .map(|(init, encryption)| {
                Ok(KeyPackageSecrets {
                    init_private: sealer.open(Column::KeyPackageInit, reference, &init)?,
                    encryption_private: sealer.open(
                        Column::KeyPackageEncryption,
                        reference,
                        &encryption,
                    )?,
                })
            })
            .transpose()
    }

    /// Deletes a key package and its private keys. Returns whether it existed.
    pub fn delete_key_package(&self, reference: &[u8]) -> Result<bool> {
        self.delete("DELETE FROM key_packages WHERE reference = ?1", [reference])
    }
}
