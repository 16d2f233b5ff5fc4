//! Reading a message with a member's state, read-only: what the
//! inspector shows when a message is decoded "with a group". Nothing here
//! changes the group — the secret tree is cloned, so a key that decrypts
//! here is still there for `process` (and a key already used and deleted
//! for forward secrecy, §9.2, cannot decrypt here either).

use crate::codec::Encode;
use crate::crypto::{CryptoProvider, Secret, SignaturePublicKey};
use crate::framing::{
    AuthenticatedContent, Content, MlsMessage, MlsMessageBody, PrivateMessage, PublicMessage,
    Sender, SenderData, verify_content,
};
use crate::messages::{ExtensionValue, GroupContext, Proposal};

use super::error::GroupError;
use super::group::Group;

/// One check a member can make on a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// It holds.
    Verified,
    /// It was made and does not hold: why.
    Failed(String),
    /// It cannot be made with this state: why.
    NotCheckable(String),
}

impl Check {
    fn of<E: std::fmt::Display>(result: Result<(), E>) -> Self {
        match result {
            Ok(()) => Check::Verified,
            Err(e) => Check::Failed(e.to_string()),
        }
    }
}

/// What a member's state says about a PublicMessage or PrivateMessage.
#[derive(Debug, Clone)]
pub struct MessageReading {
    /// The epoch whose keys were used.
    pub epoch: u64,
    /// Whether that is the group's current epoch (else a kept past one).
    pub current_epoch: bool,
    /// The sender, as the message says (for a PrivateMessage, from the
    /// decrypted sender data).
    pub sender: Option<Sender>,
    /// PublicMessage from a member: the membership tag (§6.2).
    pub membership_tag: Option<Check>,
    /// The signature over the content (§6.1).
    pub signature: Check,
    /// PrivateMessage: the decrypted sender data (§6.3.2) and its bytes.
    pub sender_data: Option<(SenderData, Vec<u8>)>,
    /// PrivateMessage: the decrypted `PrivateMessageContent` bytes (§6.3.1)
    /// and its content type; zeroized when dropped.
    pub content: Option<(u8, Secret)>,
    /// Why the message could not be decrypted (the other fields say how
    /// far it got).
    pub decrypt_error: Option<String>,
}

/// The keys of one epoch a reading needs.
struct EpochKeys<'a> {
    epoch: u64,
    current: bool,
    context: &'a GroupContext,
    sender_data_secret: &'a Secret,
    secret_tree: &'a crate::schedule::SecretTree,
    /// The membership key (only the current epoch's is kept).
    membership_key: Option<&'a Secret>,
}

impl Group {
    /// Reads `message` with this member's state, changing nothing: the
    /// membership tag and signature of a PublicMessage are checked; a
    /// PrivateMessage's sender data and content are decrypted (with a
    /// copy of the secret tree) and its signature checked. The keys are
    /// those of the message's epoch: the current one or a kept past one.
    /// An error means the message is not one this group can read at all
    /// (another group, an epoch whose keys are gone, another wire format).
    pub fn read_message<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        message: &MlsMessage,
    ) -> Result<MessageReading, GroupError> {
        let (group_id, epoch) = match &message.body {
            MlsMessageBody::PublicMessage(m) => (m.content.group_id.as_slice(), m.content.epoch),
            MlsMessageBody::PrivateMessage(m) => (m.group_id.as_slice(), m.epoch),
            _ => {
                return Err(GroupError::Unsupported(
                    "this wire format as a group message",
                ));
            }
        };
        if group_id != self.group_id() {
            return Err(GroupError::WrongGroup {
                expected: self.group_id().to_vec(),
                got: group_id.to_vec(),
            });
        }
        let keys = self.epoch_keys(epoch)?;
        match &message.body {
            MlsMessageBody::PublicMessage(m) => self.read_public(p, m, &keys),
            MlsMessageBody::PrivateMessage(m) => Ok(self.read_private(p, m, &keys)),
            _ => Err(GroupError::Unsupported(
                "this wire format as a group message",
            )),
        }
    }

    fn epoch_keys(&self, epoch: u64) -> Result<EpochKeys<'_>, GroupError> {
        if epoch == self.epoch() {
            return Ok(EpochKeys {
                epoch,
                current: true,
                context: &self.context,
                sender_data_secret: &self.secrets.sender_data_secret,
                secret_tree: &self.secret_tree,
                membership_key: Some(&self.secrets.membership_key),
            });
        }
        let past =
            self.past_epochs
                .iter()
                .find(|e| e.epoch() == epoch)
                .ok_or(GroupError::WrongEpoch {
                    expected: self.epoch(),
                    got: epoch,
                })?;
        Ok(EpochKeys {
            epoch,
            current: false,
            context: &past.context,
            sender_data_secret: &past.sender_data_secret,
            secret_tree: &past.secret_tree,
            membership_key: None,
        })
    }

    /// The key that signed `content` in the epoch of `keys`, or why it is
    /// not known.
    fn signer_key(
        &self,
        content: &AuthenticatedContent,
        keys: &EpochKeys<'_>,
    ) -> Result<SignaturePublicKey, String> {
        match content.content.sender {
            Sender::Member(leaf) => {
                let key = if keys.current {
                    self.tree.leaf(leaf).map(|l| l.signature_key.0.clone())
                } else {
                    self.past_epochs
                        .iter()
                        .find(|e| e.epoch() == keys.epoch)
                        .and_then(|e| e.signature_keys.get(leaf))
                        .map(<[u8]>::to_vec)
                };
                key.map(SignaturePublicKey)
                    .ok_or_else(|| format!("leaf {leaf} is not a member in epoch {}", keys.epoch))
            }
            Sender::External(index) => keys
                .context
                .extensions
                .iter()
                .find_map(|e| match e.value() {
                    Ok(ExtensionValue::ExternalSenders(list)) => {
                        list.get(index as usize).map(|s| s.signature_key.0.clone())
                    }
                    _ => None,
                })
                .map(SignaturePublicKey)
                .ok_or_else(|| format!("external sender {index} is not listed in the group")),
            // §12.1.8: a new member's proposal is an Add of its own key
            // package; an external commit is signed by the joiner's new
            // leaf (in its path).
            Sender::NewMemberProposal => match &content.content.content {
                Content::Proposal(Proposal::Add { key_package }) => Ok(SignaturePublicKey(
                    key_package.leaf_node.signature_key.0.clone(),
                )),
                _ => Err("a new member's proposal that is not an Add".into()),
            },
            Sender::NewMemberCommit => match &content.content.content {
                Content::Commit(commit) => commit
                    .path
                    .as_ref()
                    .map(|path| SignaturePublicKey(path.leaf_node.signature_key.0.clone()))
                    .ok_or_else(|| "an external commit without a path".into()),
                _ => Err("a new member's commit that is not a Commit".into()),
            },
        }
    }

    fn signature_check<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        content: &AuthenticatedContent,
        keys: &EpochKeys<'_>,
    ) -> Check {
        let key = match self.signer_key(content, keys) {
            Ok(key) => key,
            Err(why) => return Check::NotCheckable(why),
        };
        let context = match keys.context.to_bytes() {
            Ok(c) => c,
            Err(e) => return Check::NotCheckable(e.to_string()),
        };
        Check::of(verify_content(p, self.cs, content, &context, &key))
    }

    fn read_public<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        m: &PublicMessage,
        keys: &EpochKeys<'_>,
    ) -> Result<MessageReading, GroupError> {
        let context = keys.context.to_bytes()?;
        let membership_tag = match (m.content.sender, keys.membership_key) {
            (Sender::Member(_), Some(key)) => Some(Check::of(m.verify_membership_tag(
                p,
                self.cs,
                key.as_bytes(),
                &context,
            ))),
            (Sender::Member(_), None) => Some(Check::NotCheckable(format!(
                "the membership key of past epoch {} is not kept",
                keys.epoch
            ))),
            // §6.2: only messages from members carry a membership tag.
            _ => None,
        };
        let content = m.authenticated_content();
        Ok(MessageReading {
            epoch: keys.epoch,
            current_epoch: keys.current,
            sender: Some(m.content.sender),
            membership_tag,
            signature: self.signature_check(p, &content, keys),
            sender_data: None,
            content: None,
            decrypt_error: None,
        })
    }

    fn read_private<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        m: &PrivateMessage,
        keys: &EpochKeys<'_>,
    ) -> MessageReading {
        let mut reading = MessageReading {
            epoch: keys.epoch,
            current_epoch: keys.current,
            sender: None,
            membership_tag: None,
            signature: Check::NotCheckable("the content was not decrypted".into()),
            sender_data: None,
            content: None,
            decrypt_error: None,
        };
        match m.sender_data(p, self.cs, keys.sender_data_secret.as_bytes()) {
            Ok(sd) => {
                reading.sender = Some(Sender::Member(sd.leaf_index));
                let bytes = sd.to_bytes().unwrap_or_default();
                reading.sender_data = Some((sd, bytes));
            }
            Err(e) => {
                reading.decrypt_error = Some(e.to_string());
                return reading;
            }
        }
        // A copy: keys this decryption derives or deletes stay as they were.
        let mut secret_tree = keys.secret_tree.clone();
        match m.unprotect(
            p,
            self.cs,
            &mut secret_tree,
            keys.sender_data_secret.as_bytes(),
        ) {
            Ok(u) => {
                reading.signature = self.signature_check(p, &u.content, keys);
                reading.content = Some((m.content_type, u.plaintext));
            }
            Err(e) => reading.decrypt_error = Some(e.to_string()),
        }
        reading
    }
}
