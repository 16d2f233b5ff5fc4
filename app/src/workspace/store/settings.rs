//! The `settings` table: free-form key/value text (GUI preferences).

use super::{Result, Store};

impl Store {
    /// A workspace setting.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        self.query_opt("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
    }

    /// Sets (or, with `None`, deletes) a workspace setting.
    pub fn set_setting(&self, key: &str, value: Option<&str>) -> Result<()> {
        self.writable()?;
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
