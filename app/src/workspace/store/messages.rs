//! The `messages` table: every message in and out, in recorded order.

use rusqlite::{Row, Transaction, params};

use super::{
    Direction, GroupKey, MessageKind, MessageRecord, NewMessage, Result, Store, get_opt_u64,
    get_parsed, get_u64, int, now,
};

const MESSAGE_COLUMNS: &str = "id, group_ref, direction, kind, epoch, sender, bytes, content, time";

fn message_from_row(row: &Row<'_>) -> rusqlite::Result<MessageRecord> {
    Ok(MessageRecord {
        id: row.get(0)?,
        group: row.get::<_, Option<i64>>(1)?.map(GroupKey),
        direction: get_parsed(row, 2, Direction::parse)?,
        kind: get_parsed(row, 3, MessageKind::parse)?,
        epoch: get_opt_u64(row, 4)?,
        sender: row.get(5)?,
        bytes: row.get(6)?,
        content: row.get(7)?,
        time: get_u64(row, 8)?,
    })
}

/// Records messages inside a transaction that changes their group.
pub(super) fn insert_messages(
    tx: &Transaction<'_>,
    group: Option<GroupKey>,
    messages: &[NewMessage],
) -> Result<()> {
    let mut stmt = tx.prepare(
        "INSERT INTO messages (group_ref, direction, kind, epoch, sender, bytes, content, time) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let time = now();
    for m in messages {
        let epoch = m.epoch.map(int).transpose()?;
        stmt.execute(params![
            group.map(|g| g.0),
            m.direction.as_str(),
            m.kind.as_str(),
            epoch,
            m.sender,
            m.bytes,
            m.content,
            time
        ])?;
    }
    Ok(())
}

impl Store {
    /// Records a message (e.g. one imported for inspection), optionally
    /// tied to a group. Returns its number.
    pub fn insert_message(&self, group: Option<GroupKey>, message: &NewMessage) -> Result<i64> {
        let tx = self.tx()?;
        insert_messages(&tx, group, std::slice::from_ref(message))?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// The messages of a group (or, with `None`, all messages), in the order
    /// they were recorded.
    pub fn messages(&self, group: Option<GroupKey>) -> Result<Vec<MessageRecord>> {
        match group {
            Some(g) => self.query_all(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE group_ref = ?1 ORDER BY id"),
                [g.0],
                message_from_row,
            ),
            None => self.query_all(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages ORDER BY id"),
                [],
                message_from_row,
            ),
        }
    }
}
