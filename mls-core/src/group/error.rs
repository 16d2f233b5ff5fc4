//! Why a group operation failed. Every rejection leaves the group as it was.

use crate::codec::{DecodeError, EncodeError};
use crate::crypto::CryptoError;
use crate::framing::FramingError;
use crate::schedule::ScheduleError;
use crate::tree::TreeError;

use super::welcome::WelcomeError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error("cipher suite {0} is not supported")]
    UnsupportedCipherSuite(u16),
    #[error("invalid key package: {0}")]
    InvalidKeyPackage(String),
    #[error("the message is for group {got}, this is group {expected}")]
    WrongGroup { expected: String, got: String },
    #[error("the message is for epoch {got}, the group is at epoch {expected}")]
    WrongEpoch { expected: u64, got: u64 },
    #[error("sender {0} is not a member")]
    UnknownSender(String),
    #[error("invalid proposal list: {0}")]
    InvalidProposals(String),
    #[error("proposal reference {0} is unknown")]
    UnknownProposalRef(String),
    #[error(
        "the commit needs an UpdatePath (it is empty or holds update, remove, external_init or group_context_extensions proposals)"
    )]
    PathRequired,
    #[error("invalid UpdatePath: {0}")]
    InvalidPath(String),
    #[error("PSK {0} is not available")]
    MissingPsk(String),
    #[error("wire format policy: {0}")]
    WireFormatPolicy(String),
    #[error("confirmation tag does not verify")]
    BadConfirmationTag,
    #[error("this member was removed from the group")]
    Removed,
    #[error("{0} is not supported yet")]
    Unsupported(&'static str),
    #[error("the group was re-initialised (ReInit): it accepts no more messages")]
    GroupClosed,
    #[error("joining failed: {0}")]
    Join(String),
    #[error("malformed {what}: {error}")]
    Malformed {
        what: &'static str,
        error: DecodeError,
    },
    #[error("credential: {0}")]
    Credential(#[from] crate::credential::CredentialError),
    #[error(transparent)]
    Welcome(#[from] WelcomeError),
    #[error(transparent)]
    Framing(#[from] FramingError),
    #[error(transparent)]
    Tree(#[from] TreeError),
    #[error(transparent)]
    Schedule(#[from] ScheduleError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
}
