//! The `group_settings` table: one member's settings for one group, as
//! `key=value` lines (see `workspace::group_settings`).

use super::{GroupKey, Result, Store};

impl Store {
    /// A group's stored settings text, if any.
    pub fn group_settings(&self, group: GroupKey) -> Result<Option<String>> {
        self.query_opt(
            "SELECT settings FROM group_settings WHERE group_ref = ?1",
            [group.0],
            |r| r.get(0),
        )
    }

    /// Stores a group's settings text.
    pub fn set_group_settings(&self, group: GroupKey, settings: &str) -> Result<()> {
        self.writable()?;
        put_group_settings(&self.conn, group, settings)
    }
}

/// Stores a group's settings text on `conn` (a transaction, or the file).
pub(super) fn put_group_settings(
    conn: &rusqlite::Connection,
    group: GroupKey,
    settings: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO group_settings (group_ref, settings) VALUES (?1, ?2) \
         ON CONFLICT (group_ref) DO UPDATE SET settings = excluded.settings",
        rusqlite::params![group.0, settings],
    )?;
    Ok(())
}
