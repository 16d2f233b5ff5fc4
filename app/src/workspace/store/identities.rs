//! The `identities` table: signature key pairs and their credentials.

use mls_core::crypto::Secret;
use rusqlite::{Row, params};

use super::seal::{Column, row_int};
use super::{
    IdentityKey, IdentityRecord, NewIdentity, Result, Store, get_u64, not_found, now,
    refuse_existing,
};

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

impl Store {
    /// Stores a new identity; its name must be unused.
    pub fn insert_identity(&self, identity: &NewIdentity) -> Result<IdentityKey> {
        let tx = self.tx()?;
        let sealer = self.sealer(&tx)?;
        refuse_existing(
            &tx,
            "SELECT EXISTS (SELECT 1 FROM identities WHERE name = ?1)",
            [&identity.name],
            || format!("an identity named {:?} already exists", identity.name),
        )?;
        tx.execute(
            "INSERT INTO identities (name, cipher_suite, signature_private, signature_public, \
             credential, created) VALUES (?1, ?2, x'', ?3, ?4, ?5)",
            params![
                identity.name,
                identity.cipher_suite,
                identity.signature_public,
                identity.credential,
                now()
            ],
        )?;
        let key = IdentityKey(tx.last_insert_rowid());
        let sealed = sealer.seal(
            Column::IdentitySignature,
            &row_int(key.0),
            identity.signature_private.as_bytes(),
        )?;
        tx.execute(
            "UPDATE identities SET signature_private = ?1 WHERE id = ?2",
            params![sealed, key.0],
        )?;
        tx.commit()?;
        Ok(key)
    }

    /// Every identity, oldest first.
    pub fn identities(&self) -> Result<Vec<IdentityRecord>> {
        self.query_all(
            &format!("SELECT {IDENTITY_COLUMNS} FROM identities ORDER BY id"),
            [],
            identity_from_row,
        )
    }

    /// One identity.
    pub fn identity(&self, key: IdentityKey) -> Result<IdentityRecord> {
        self.query_opt(
            &format!("SELECT {IDENTITY_COLUMNS} FROM identities WHERE id = ?1"),
            [key.0],
            identity_from_row,
        )?
        .ok_or_else(|| not_found("identity", key.to_string()))
    }

    /// The identity with this name, if any.
    pub fn identity_by_name(&self, name: &str) -> Result<Option<IdentityRecord>> {
        self.query_opt(
            &format!("SELECT {IDENTITY_COLUMNS} FROM identities WHERE name = ?1"),
            [name],
            identity_from_row,
        )
    }

    /// An identity's signature private key.
    pub fn identity_private(&self, key: IdentityKey) -> Result<Secret> {
        let read = self.read_tx()?;
        let sealer = self.sealer(&read)?;
        let stored: Vec<u8> = self
            .query_opt(
                "SELECT signature_private FROM identities WHERE id = ?1",
                [key.0],
                |r| r.get(0),
            )?
            .ok_or_else(|| not_found("identity", key.to_string()))?;
        sealer.open(Column::IdentitySignature, &row_int(key.0), &stored)
    }
}
