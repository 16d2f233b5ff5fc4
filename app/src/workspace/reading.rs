//! Reading a message with a group of the workspace, read-only: the
//! Decoder's "Group" selector and `decode --group`. The group's state is
//! loaded and nothing is saved (`Group::read_message` works on a copy of
//! the secret tree).

use mls_core::framing::{MlsMessageBody, Sender};
use mls_core::group::{Check, GroupError, MessageReading};
use mls_core::inspect::{
    Decrypted, DissectError, DissectLimits, Field, SignatureCheck, SignatureOutcome,
    decrypted_fields,
};
use zeroize::Zeroizing;

use super::summary::credential_text;
use super::{GroupKey, P, Result, Workspace, WorkspaceError, decode_message, framed};

/// A decrypted plaintext and its field tree (byte ranges are offsets into
/// `bytes`).
#[derive(Debug, Clone)]
pub struct DecryptedPart {
    /// `SenderData` or `PrivateMessageContent`.
    pub name: &'static str,
    /// The plaintext; zeroized when dropped.
    pub bytes: Zeroizing<Vec<u8>>,
    pub fields: Vec<Field>,
    /// Where it stopped being well-formed.
    pub error: Option<DissectError>,
}

/// What a group of the workspace makes of a message.
#[derive(Debug, Clone)]
pub struct GroupReading {
    /// `#N name`.
    pub group: String,
    /// The epoch whose keys were used, and whether it is the current one.
    pub epoch: u64,
    pub current_epoch: bool,
    /// The epochs whose keys the group keeps (its past ones, setting
    /// `past_epochs`, then the current one): the messages it can read.
    /// Older epochs' secrets and group contexts are gone (forward secrecy).
    pub readable_epochs: Vec<u64>,
    /// The sender, named from the group's tree where it can be.
    pub sender: Option<String>,
    /// Membership tag and signature, three states each.
    pub checks: Vec<SignatureCheck>,
    pub sender_data: Option<DecryptedPart>,
    pub content: Option<DecryptedPart>,
    /// Why the message could not be decrypted.
    pub decrypt_error: Option<String>,
}

fn outcome(check: &Check) -> SignatureOutcome {
    match check {
        Check::Verified => SignatureOutcome::Verified,
        Check::Failed(why) => SignatureOutcome::Failed(why.clone()),
        Check::NotCheckable(why) => SignatureOutcome::NotCheckable(why.clone()),
    }
}

fn part(name: &'static str, bytes: Vec<u8>, what: Decrypted) -> DecryptedPart {
    let bytes = Zeroizing::new(bytes);
    let (fields, error) = decrypted_fields(&bytes, what, DissectLimits::DEFAULT_MAX_FIELDS);
    DecryptedPart {
        name,
        bytes,
        fields,
        error,
    }
}

impl Workspace {
    /// Reads `bytes` (an MLSMessage holding a PublicMessage or
    /// PrivateMessage) with group `key`, saving nothing: membership tag and
    /// signature checked, a PrivateMessage's sender data and content
    /// decrypted with the keys of the message's epoch (current or kept).
    /// A message of another group is refused naming the group it is for.
    pub fn read_with_group(&self, key: GroupKey, bytes: &[u8]) -> Result<GroupReading> {
        let message = decode_message(bytes)?;
        let f = framed(&message).ok_or(WorkspaceError::WrongMessage {
            expected: "a PublicMessage or PrivateMessage",
            got: super::body_name(&message.body),
        })?;
        self.check_belongs(key, &f)?;
        let loaded = self.load(key)?;
        let group = &loaded.group;
        let readable_epochs: Vec<u64> = group
            .kept_past_epochs()
            .into_iter()
            .chain([group.epoch()])
            .collect();
        let reading: MessageReading = match group.read_message(&P, &message) {
            Err(GroupError::WrongEpoch { got, .. }) => {
                return Err(WorkspaceError::EpochNotKept {
                    epoch: got,
                    kept: readable_epochs
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
            other => other?,
        };
        let sender = reading.sender.map(|sender| match sender {
            Sender::Member(leaf) => match group.member_credential(leaf) {
                Some(c) if reading.current_epoch => {
                    format!("leaf {leaf} ({})", credential_text(c))
                }
                _ => format!("leaf {leaf}"),
            },
            Sender::External(i) => format!("external sender #{i}"),
            Sender::NewMemberProposal => "a new member (proposal)".into(),
            Sender::NewMemberCommit => "a new member (external commit)".into(),
        });
        let wire = match &message.body {
            MlsMessageBody::PublicMessage(_) => "PublicMessage",
            _ => "PrivateMessage",
        };
        let mut checks = Vec::new();
        if let Some(tag) = &reading.membership_tag {
            checks.push(SignatureCheck {
                what: "membership tag (with the group's membership key)".into(),
                outcome: outcome(tag),
            });
        }
        checks.push(SignatureCheck {
            what: format!("{wire} signature (FramedContentTBS, with the group context)"),
            outcome: outcome(&reading.signature),
        });
        Ok(GroupReading {
            group: format!("{} {}", loaded.record.key, loaded.record.name),
            epoch: reading.epoch,
            current_epoch: reading.current_epoch,
            readable_epochs,
            sender,
            checks,
            sender_data: reading
                .sender_data
                .map(|(_, b)| part("SenderData", b, Decrypted::SenderData)),
            content: reading.content.map(|(ct, plain)| {
                part(
                    "PrivateMessageContent",
                    plain.as_bytes().to_vec(),
                    Decrypted::Content(ct),
                )
            }),
            decrypt_error: reading.decrypt_error,
        })
    }
}
