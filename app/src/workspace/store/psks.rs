//! The `psks` table: external pre-shared keys every group of the
//! workspace can use.

use mls_core::crypto::Secret;
use rusqlite::params;

use super::seal::Column;
use super::{PskRecord, Result, Store, get_u64, now, refuse_existing};

impl Store {
    /// Stores an external PSK; its id must be new.
    pub fn insert_psk(&self, psk_id: &[u8], secret: &Secret) -> Result<()> {
        let tx = self.tx()?;
        let sealed = self
            .sealer(&tx)?
            .seal(Column::Psk, psk_id, secret.as_bytes())?;
        refuse_existing(
            &tx,
            "SELECT EXISTS (SELECT 1 FROM psks WHERE psk_id = ?1)",
            [psk_id],
            || format!("PSK {} already exists", hex::encode(psk_id)),
        )?;
        tx.execute(
            "INSERT INTO psks (psk_id, secret, added) VALUES (?1, ?2, ?3)",
            params![psk_id, sealed, now()],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Every external PSK id, in insertion order.
    pub fn psks(&self) -> Result<Vec<PskRecord>> {
        self.query_all("SELECT psk_id, added FROM psks ORDER BY rowid", [], |r| {
            Ok(PskRecord {
                psk_id: r.get(0)?,
                added: get_u64(r, 1)?,
            })
        })
    }

    /// Every external PSK with its secret.
    pub fn psk_secrets(&self) -> Result<Vec<(Vec<u8>, Secret)>> {
        let read = self.read_tx()?;
        let sealer = self.sealer(&read)?;
        let stored: Vec<(Vec<u8>, Vec<u8>)> =
            self.query_all("SELECT psk_id, secret FROM psks ORDER BY rowid", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?;
        stored
            .into_iter()
            .map(|(id, s)| {
                let secret = sealer.open(Column::Psk, &id, &s)?;
                Ok((id, secret))
            })
            .collect()
    }

    /// Deletes an external PSK. Returns whether it existed.
    pub fn remove_psk(&self, psk_id: &[u8]) -> Result<bool> {
        self.delete("DELETE FROM psks WHERE psk_id = ?1", [psk_id])
    }
}
