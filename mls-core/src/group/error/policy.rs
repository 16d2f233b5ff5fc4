//! A message this group's configuration refuses (RFC 9420 §6, §12.1.8,
//! §12.4.3.2 leave these to the application).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    /// `IncomingHandshake::PlaintextOnly`.
    #[error("a handshake message sent as PrivateMessage (only PublicMessage accepted)")]
    HandshakeAsPrivate,
    /// `IncomingHandshake::CiphertextOnly`.
    #[error("a handshake message sent as PublicMessage (only PrivateMessage accepted)")]
    HandshakeAsPublic,
    /// `GroupConfig::accept_external_proposals` is off.
    #[error("this group does not accept external proposals")]
    ExternalProposals,
    /// `GroupConfig::accept_external_commits` is off.
    #[error("this group does not accept external commits")]
    ExternalCommits,
}
