//! Why a commit's UpdatePath is invalid (RFC 9420 §12.4.2, §7.3).

use super::capability::CapabilityError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathError {
    /// §12.4.2: the committer's new leaf has a new encryption key.
    #[error("the new leaf keeps the committer's encryption key")]
    EncryptionKeyUnchanged,
    /// §12.4.2: the UpdatePath's leaf has source `commit`.
    #[error("the leaf's source is not commit")]
    LeafSourceNotCommit,
    /// §7.3: the leaf's capabilities list its credential type and
    /// extensions, and cover the group's required capabilities and context
    /// extensions.
    #[error("{0}")]
    Capabilities(#[from] CapabilityError),
    /// §12.4.2: every public key of the path is new to the tree.
    #[error("a public key of the UpdatePath already appears at node {node}")]
    KeyNotFresh { node: u32 },
    /// §7.3: signature keys are unique among the members.
    #[error("the new leaf's signature key is already used by leaf {leaf}")]
    SignatureKeyInUse { leaf: u32 },
}
