//! Why a leaf's capabilities do not fit (RFC 9420 §7.2, §7.3, §11.1).

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapabilityError {
    /// §7.3: the leaf lists its own credential type in its capabilities.
    #[error("credential type {credential_type} is not in the leaf's capabilities")]
    CredentialTypeNotListed { credential_type: u16 },
    /// §7.3: the leaf lists each of its non-default extensions.
    #[error("extension {extension_type} is not in the leaf's capabilities")]
    ExtensionNotListed { extension_type: u16 },
    /// §11.1, §12.1.7: the leaf supports every required and every group
    /// context extension.
    #[error("does not support extension {extension_type}")]
    ExtensionUnsupported { extension_type: u16 },
    /// §11.1: the leaf supports every required proposal type.
    #[error("does not support proposal type {proposal_type}")]
    ProposalUnsupported { proposal_type: u16 },
    /// §11.1: the leaf supports every required credential type.
    #[error("does not support credential type {credential_type}")]
    CredentialUnsupported { credential_type: u16 },
}
