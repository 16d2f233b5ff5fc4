//! The `trust_roots` table: the CA certificates X.509 credentials are
//! validated against.

use rusqlite::{Row, params};

use super::{NewTrustRoot, Result, Store, TrustRootRecord, get_u64, now, refuse_existing};

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

impl Store {
    /// Stores trust roots, all or none. Returns their numbers.
    pub fn insert_trust_roots(&self, roots: &[NewTrustRoot]) -> Result<Vec<i64>> {
        let tx = self.tx()?;
        let mut ids = Vec::with_capacity(roots.len());
        let time = now();
        for root in roots {
            refuse_existing(
                &tx,
                "SELECT EXISTS (SELECT 1 FROM trust_roots WHERE der = ?1)",
                [&root.der],
                || {
                    format!(
                        "trust root {} (SHA-256 {}) is already stored",
                        root.subject, root.fingerprint
                    )
                },
            )?;
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
        self.query_all(
            &format!("SELECT {TRUST_ROOT_COLUMNS} FROM trust_roots ORDER BY id"),
            [],
            trust_root_from_row,
        )
    }

    /// Removes a trust root.
    pub fn remove_trust_root(&self, id: i64) -> Result<()> {
        self.change_one(
            "DELETE FROM trust_roots WHERE id = ?1",
            [id],
            "trust root",
            || format!("#{id}"),
        )
    }
}
