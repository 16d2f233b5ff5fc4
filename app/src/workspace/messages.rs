//! Application messages out, and the message log (imported messages
//! included).

use mls_core::framing::MlsMessageBody;

use super::snapshot::snapshot;
use super::store::NewMessage;
use super::{
    Direction, GroupKey, Loaded, MessageKind, MessageRow, P, Result, Workspace, decode_message,
    encode,
};

impl Workspace {
    /// Encrypts application data for the group. The advanced secret-tree
    /// state and the outgoing message are saved in one transaction before
    /// the message is returned.
    /// Another writer in between makes it encrypt again from the new state.
    pub fn send(&self, key: GroupKey, plaintext: &[u8]) -> Result<Vec<u8>> {
        self.retrying(|| self.send_once(key, plaintext))
    }

    fn send_once(&self, key: GroupKey, plaintext: &[u8]) -> Result<Vec<u8>> {
        let Loaded {
            mut group,
            revision,
            ..
        } = self.load_open(key)?;
        let keep = self.group_settings(key)?.keep_plaintext;
        let message = group.send_application(&P, plaintext, b"")?;
        let bytes = encode(&message)?;
        self.store.update_group_state(
            key,
            revision,
            &snapshot(&group)?,
            &[NewMessage {
                direction: Direction::Out,
                kind: MessageKind::Application,
                epoch: Some(group.epoch()),
                sender: Some(group.own_leaf()),
                bytes: bytes.clone(),
                content: keep.then(|| plaintext.to_vec()),
            }],
        )?;
        Ok(bytes)
    }

    /// Records a message without processing it (e.g. one imported for
    /// inspection), optionally tied to a group. Returns its number.
    pub fn message_import(&self, group: Option<GroupKey>, bytes: &[u8]) -> Result<i64> {
        let message = decode_message(bytes)?;
        let (kind, epoch) = match &message.body {
            MlsMessageBody::PublicMessage(m) => (
                framed_kind(m.content.content.content_type()),
                Some(m.content.epoch),
            ),
            MlsMessageBody::PrivateMessage(m) => (framed_kind(m.content_type), Some(m.epoch)),
            MlsMessageBody::Welcome(_) => (MessageKind::Welcome, None),
            MlsMessageBody::GroupInfo(g) => (MessageKind::GroupInfo, Some(g.group_context.epoch)),
            MlsMessageBody::KeyPackage(_) => (MessageKind::KeyPackage, None),
        };
        Ok(self.store.insert_message(
            group,
            &NewMessage::handshake(Direction::In, kind, epoch, None, bytes.to_vec()),
        )?)
    }

    /// The messages of a group (or, with `None`, all), in recorded order.
    pub fn messages(&self, group: Option<GroupKey>) -> Result<Vec<MessageRow>> {
        Ok(self.store.messages(group)?)
    }

    /// Deletes the stored plaintext of a group's messages (the rows stay,
    /// with their size, sender and time). Returns how many had one.
    pub fn purge_messages(&self, key: GroupKey) -> Result<usize> {
        self.store.group(key)?;
        Ok(self.store.purge_message_content(key)?)
    }
}

/// The kind of a PublicMessage or PrivateMessage by its `ContentType`.
fn framed_kind(content_type: u8) -> MessageKind {
    match content_type {
        1 => MessageKind::Application,
        2 => MessageKind::Proposal,
        _ => MessageKind::Commit,
    }
}
