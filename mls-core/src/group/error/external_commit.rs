//! Why an external commit's proposals are invalid (RFC 9420 §12.4.3.2).

use crate::credential::CredentialError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExternalCommitError {
    /// §12.4.3.2: an external commit is a PublicMessage.
    #[error("must be a PublicMessage")]
    NotPublic,
    /// §12.4.3.2: every proposal is included by value.
    #[error("proposals by reference are not allowed")]
    ByReference,
    /// §12.4.3.2: exactly one ExternalInit.
    #[error("more than one ExternalInit")]
    MultipleExternalInit,
    /// §12.4.3.2: at most one Remove (the joiner's old leaf).
    #[error("more than one Remove")]
    MultipleRemove,
    /// §12.4.3.2: only ExternalInit, Remove and PreSharedKey.
    #[error("proposal type {proposal_type} is not allowed")]
    ProposalType { proposal_type: u16 },
    /// §12.4.3.2: exactly one ExternalInit.
    #[error("no ExternalInit")]
    NoExternalInit,
    /// §12.4.3.2: the Remove names a member's leaf.
    #[error("removes blank leaf {leaf}")]
    RemovesBlankLeaf { leaf: u32 },
    /// §12.4.3.2: the removed leaf is the joiner's own old leaf (its
    /// credential has the joiner's new one as a valid successor).
    #[error("the removed leaf's credential is not the joiner's: {error}")]
    RemovedLeafNotJoiner { leaf: u32, error: CredentialError },
}
