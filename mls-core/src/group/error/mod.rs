//! Why a group operation failed. Every rejection leaves the group as it was.
//!
//! Each protocol check has its own variant, in an enum per area (one file
//! each); the variant's doc comment names the RFC 9420 section it enforces.

mod capability;
mod external_commit;
mod join;
mod key_package;
mod path;
mod policy;
mod proposal;
mod psk;
mod sender;

pub use capability::CapabilityError;
pub use external_commit::ExternalCommitError;
pub use join::JoinError;
pub use key_package::KeyPackageError;
pub use path::PathError;
pub use policy::PolicyError;
pub use proposal::ProposalError;
pub use psk::MissingPsk;
pub use sender::SenderError;

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
    InvalidKeyPackage(#[from] KeyPackageError),
    #[error(
        "the message is for group {}, this is group {}",
        hex::encode(.got),
        hex::encode(.expected)
    )]
    WrongGroup { expected: Vec<u8>, got: Vec<u8> },
    #[error("the message is for epoch {got}, the group is at epoch {expected}")]
    WrongEpoch { expected: u64, got: u64 },
    #[error(transparent)]
    UnknownSender(#[from] SenderError),
    #[error("invalid proposal list: {0}")]
    InvalidProposals(#[from] ProposalError),
    #[error("proposal reference {} is unknown", hex::encode(.0))]
    UnknownProposalRef(Vec<u8>),
    #[error(
        "the commit needs an UpdatePath (it is empty or holds update, remove, external_init or group_context_extensions proposals)"
    )]
    PathRequired,
    #[error("invalid UpdatePath: {0}")]
    InvalidPath(#[from] PathError),
    #[error("PSK {0} is not available")]
    MissingPsk(#[from] MissingPsk),
    /// Refused by the group's configuration (framing, external commits
    /// or proposals); the message says which rule.
    #[error("refused by the group's policy: {0}")]
    WireFormatPolicy(#[from] PolicyError),
    #[error("confirmation tag does not verify")]
    BadConfirmationTag,
    #[error("this member was removed from the group")]
    Removed,
    #[error("{0} is not supported yet")]
    Unsupported(&'static str),
    #[error("the group was re-initialised (ReInit): it accepts no more messages")]
    GroupClosed,
    #[error("joining failed: {0}")]
    Join(#[from] JoinError),
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

impl From<ExternalCommitError> for GroupError {
    fn from(e: ExternalCommitError) -> Self {
        GroupError::InvalidProposals(e.into())
    }
}
