//! The `messages` table: every message in and out, in recorded order.

use rusqlite::{Row, Transaction, params};

use super::seal::{Column, Sealer, row_int};
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

/// Records messages inside a transaction that changes their group (their
/// content sealed by `sealer`).
pub(super) fn insert_messages(
    tx: &Transaction<'_>,
    sealer: &Sealer,
    group: Option<GroupKey>,
    messages: &[NewMessage],
) -> Result<()> {
    let mut stmt = tx.prepare(
        "INSERT INTO messages (group_ref, direction, kind, epoch, sender, bytes, content, time) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL, ?7)",
    )?;
    let mut content = tx.prepare("UPDATE messages SET content = ?1 WHERE id = ?2")?;
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
            time
        ])?;
        if let Some(plaintext) = &m.content {
            let id = tx.last_insert_rowid();
            let sealed = sealer.seal(Column::MessageContent, &row_int(id), plaintext)?;
            content.execute(params![sealed, id])?;
        }
    }
    Ok(())
}

impl Store {
    /// Records a message (e.g. one imported for inspection), optionally
    /// tied to a group. Returns its number.
    pub fn insert_message(&self, group: Option<GroupKey>, message: &NewMessage) -> Result<i64> {
        let tx = self.tx()?;
        let sealer = self.sealer(&tx)?;
        insert_messages(&tx, &sealer, group, std::slice::from_ref(message))?;
        let id = tx.last_insert_rowid();
        tx.commit()?;
        Ok(id)
    }

    /// The messages of a group (or, with `None`, all messages), in the order
    /// they were recorded.
    pub fn messages(&self, group: Option<GroupKey>) -> Result<Vec<MessageRecord>> {
        let read = self.read_tx()?;
        let sealer = self.sealer(&read)?;
        let mut rows = match group {
            Some(g) => self.query_all(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages WHERE group_ref = ?1 ORDER BY id"),
                [g.0],
                message_from_row,
            )?,
            None => self.query_all(
                &format!("SELECT {MESSAGE_COLUMNS} FROM messages ORDER BY id"),
                [],
                message_from_row,
            )?,
        };
        for row in &mut rows {
            if let Some(stored) = row.content.take() {
                let plaintext = sealer.open(Column::MessageContent, &row_int(row.id), &stored)?;
                row.content = Some(plaintext.as_bytes().to_vec());
            }
        }
        Ok(rows)
    }

    /// Deletes the stored plaintext of a group's messages, and empties the
    /// write-ahead log so no copy stays there (`secure_delete` zeroes the
    /// freed space in the file). Returns how many messages had one.
    pub fn purge_message_content(&self, group: GroupKey) -> Result<usize> {
        self.writable()?;
        let n = self.conn.execute(
            "UPDATE messages SET content = NULL WHERE group_ref = ?1 AND content IS NOT NULL",
            [group.0],
        )?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(n)
    }
}
