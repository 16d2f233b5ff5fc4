//! Incoming messages: routing one to its group row, then receiving it
//! (decrypting application data, keeping a proposal, staging a commit,
//! joining from a Welcome) or only peeking at it.

use mls_core::framing::{MlsMessageBody, Sender};
use mls_core::group::Received;

use super::snapshot::{incoming_pending, snapshot};
use super::store::{GroupRecord, NewMessage};
use super::summary::{credential_text, describe_proposal, describe_sender};
use super::{
    Direction, Framed, GroupKey, GroupStatus, Loaded, MessageKind, P, Preview, Receipt, Result,
    Workspace, WorkspaceError, body_name, decode_message, framed,
};

impl Workspace {
    /// Finds the group row an incoming handshake or application message is
    /// for: the active rows of its group id, preferring those at its epoch.
    fn route(&self, f: &Framed) -> Result<GroupKey> {
        let rows: Vec<GroupRecord> = self
            .store
            .groups_by_group_id(&f.group_id)?
            .into_iter()
            .filter(|g| g.status == GroupStatus::Active)
            .collect();
        let at_epoch: Vec<&GroupRecord> = rows.iter().filter(|g| g.epoch == f.epoch).collect();
        let candidates: Vec<&GroupRecord> = if at_epoch.is_empty() {
            rows.iter().collect()
        } else {
            at_epoch
        };
        match candidates.as_slice() {
            [one] => Ok(one.key),
            [] => Err(WorkspaceError::NotFound {
                what: "group",
                text: hex::encode(&f.group_id),
            }),
            many => Err(WorkspaceError::Ambiguous {
                what: "group",
                text: hex::encode(&f.group_id),
                candidates: many
                    .iter()
                    .map(|g| format!("{} {}", g.key, g.name))
                    .collect(),
            }),
        }
    }

    /// Processes an incoming `MLSMessage` for `group` (or, with `None`, the
    /// group its header names, if only one local member fits):
    ///
    /// * application data is decrypted ([`Receipt::Application`]);
    /// * a proposal is kept for the next commit ([`Receipt::Proposal`]);
    /// * a commit is staged as the pending commit
    ///   ([`Receipt::CommitStaged`]): apply or discard it;
    /// * a Welcome is joined ([`Receipt::Joined`], as [`Workspace::join`]
    ///   without a ratchet tree).
    ///
    /// A rejected message changes nothing.
    pub fn receive(&self, group: Option<GroupKey>, bytes: &[u8]) -> Result<Receipt> {
        self.retrying(|| self.process_incoming(group, bytes, true))
    }

    /// Processes an incoming message like [`Workspace::receive`] but saves
    /// nothing: decrypts a PrivateMessage, or previews a commit, with the
    /// group's current state and leaves the file exactly as it was (so the
    /// message can still be received later). For inspecting messages.
    /// Welcomes are refused (joining is not a dry run).
    pub fn peek(&self, group: Option<GroupKey>, bytes: &[u8]) -> Result<Receipt> {
        self.process_incoming(group, bytes, false)
    }

    /// Refuses a message given for group `key` that belongs to another
    /// group, naming the group it is for (§6: the group id must match).
    pub(super) fn check_belongs(&self, key: GroupKey, f: &Framed) -> Result<()> {
        let record = self.store.group(key)?;
        if record.group_id == f.group_id {
            return Ok(());
        }
        let belongs = match self.route(f) {
            Ok(other) => {
                let other = self.store.group(other)?;
                format!("{} {}", other.key, other.name)
            }
            Err(_) => format!("{} (not in this workspace)", hex::encode(&f.group_id)),
        };
        Err(WorkspaceError::OtherGroup {
            what: f.what,
            belongs,
            selected: format!("{} {}", record.key, record.name),
        })
    }

    fn process_incoming(
        &self,
        group: Option<GroupKey>,
        bytes: &[u8],
        save: bool,
    ) -> Result<Receipt> {
        let message = decode_message(bytes)?;
        let f = match &message.body {
            MlsMessageBody::Welcome(_) if !save => {
                return Err(WorkspaceError::WrongMessage {
                    expected: "a PublicMessage or PrivateMessage (a Welcome is joined, not previewed)",
                    got: "Welcome",
                });
            }
            MlsMessageBody::Welcome(_) => return Ok(Receipt::Joined(self.join(bytes, None)?)),
            body => framed(&message).ok_or(WorkspaceError::WrongMessage {
                expected: "a PublicMessage, PrivateMessage or Welcome",
                got: body_name(body),
            })?,
        };
        let key = match group {
            Some(key) => {
                self.check_belongs(key, &f)?;
                key
            }
            None => self.route(&f)?,
        };
        let Loaded {
            record,
            mut group,
            revision,
        } = self.load_open(key)?;
        if f.is_commit && f.epoch.checked_add(1) == Some(group.epoch()) {
            // The epoch was settled and applied: a late candidate (the
            // applied commit itself, replayed, is refused below).
            if let Some(late) = self.superseded(key, &group, &message, bytes, &f)? {
                return Ok(late);
            }
        }
        if save && f.is_commit && record.has_pending {
            if f.epoch == group.epoch() {
                // Competing commits: the orchestrator chooses.
                return self.compete_incoming(key, revision, group, &message, bytes, &f);
            }
            return Err(WorkspaceError::AlreadyPending(key));
        }
        let incoming = |kind, sender, content| NewMessage {
            direction: Direction::In,
            kind,
            epoch: Some(f.epoch),
            sender,
            bytes: bytes.to_vec(),
            content,
        };
        match group.process(&P, &message)? {
            Received::Application {
                sender,
                data,
                authenticated_data,
            } => {
                if save {
                    let keep = self.group_settings(key)?.keep_plaintext;
                    self.store.update_group_state(
                        key,
                        revision,
                        &snapshot(&group)?,
                        &[incoming(
                            MessageKind::Application,
                            Some(sender),
                            keep.then(|| data.clone()),
                        )],
                    )?;
                }
                let sender_name = group
                    .member_credential(sender)
                    .map_or_else(String::new, credential_text);
                Ok(Receipt::Application {
                    group: key,
                    // The message's epoch: a past one for a late message.
                    epoch: f.epoch,
                    sender,
                    sender_name,
                    data,
                    authenticated_data,
                })
            }
            Received::Proposal {
                sender,
                reference,
                proposal,
            } => {
                let leaf = match sender {
                    Sender::Member(l) => Some(l),
                    _ => None,
                };
                // A PSK this workspace lacks would make the commit that
                // covers it fail: refuse the proposal now, naming the PSK.
                Self::check_proposal_psk(&group, &proposal)?;
                if save {
                    self.store.update_group_state(
                        key,
                        revision,
                        &snapshot(&group)?,
                        &[incoming(MessageKind::Proposal, leaf, None)],
                    )?;
                }
                let who = match leaf.and_then(|l| group.member_credential(l)) {
                    Some(c) => format!("{} ({})", credential_text(c), describe_sender(sender)),
                    None => super::external::sender_text(&group, sender),
                };
                Ok(Receipt::Proposal {
                    group: key,
                    sender: who,
                    reference_hex: hex::encode(&reference),
                    description: describe_proposal(&proposal),
                })
            }
            Received::Commit(staged) => {
                let pending = incoming_pending(&group, &staged, f.external_commit, bytes)?;
                if save {
                    self.store.stage(
                        key,
                        revision,
                        &pending,
                        &[incoming(
                            MessageKind::Commit,
                            Some(staged.summary.committer),
                            None,
                        )],
                    )?;
                }
                Ok(Receipt::CommitStaged(Box::new(Preview::of_staged(
                    key, &pending,
                ))))
            }
        }
    }
}
