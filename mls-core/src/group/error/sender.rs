//! A sender that is not a member (RFC 9420 §6, §12.1.8).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SenderError {
    /// §6: a member sender names a non-blank leaf.
    #[error("sender leaf {0} is not a member")]
    Leaf(u32),
    /// §6: an external sender on a message a member must send.
    #[error("sender external is not a member")]
    External,
    /// §12.1.8: an external sender is listed in `external_senders`.
    #[error("external sender {0} is not listed in the group's external_senders")]
    NotListed(u32),
}
