//! Why joining a group failed (RFC 9420 §11.2, §11.3, §12.4.3).

use crate::codec::DecodeError;
use crate::credential::CredentialError;

use super::capability::CapabilityError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinError {
    /// §11.2, §11.3: the Welcome of a re-initialised or branched group
    /// carries the old group's resumption PSK.
    #[error(
        "the Welcome carries no resumption PSK of usage {usage} for group {} epoch {epoch}",
        hex::encode(.group_id)
    )]
    NoResumptionPsk {
        usage: u8,
        group_id: Vec<u8>,
        epoch: u64,
    },
    /// §12.4.3.1: the GroupInfo's suite is the key package's.
    #[error("the GroupInfo's cipher suite differs from the key package's")]
    CipherSuite { group_info: u16, key_package: u16 },
    /// §12.4.3.1: the GroupInfo's version is mls10.
    #[error("the GroupInfo's version is not mls10")]
    Version { version: u16 },
    /// §12.4.3.1: the joiner's leaf is in the tree.
    #[error("our key package's leaf is not in the tree")]
    LeafNotInTree,
    /// §12.4.3.1: the path secret yields the public keys of the common
    /// ancestor and above.
    #[error("the path secret does not yield node {node}'s public key")]
    PathSecretMismatch { node: u32 },
    /// §11.2: re-creating a group needs a merged ReInit.
    #[error("the group has no merged ReInit")]
    NoReInit,
    /// §11.2: joining a re-initialised group needs the old group's merged ReInit.
    #[error("the old group has no merged ReInit")]
    OldGroupNoReInit,
    /// §11.2: the new group has the group id, version, suite and extensions
    /// of the ReInit.
    #[error("the new group does not match the ReInit")]
    ReInitMismatch,
    /// §11.2: a re-initialised group starts at epoch 1.
    #[error("a re-initialised group starts at epoch 1, not {epoch}")]
    ReInitEpoch { epoch: u64 },
    /// §11.3: a branch keeps the old group's version and suite.
    #[error("a branch keeps the old group's version and suite")]
    BranchVersionOrSuite,
    /// §11.3: a branched group starts at epoch 1.
    #[error("a branched group starts at epoch 1, not {epoch}")]
    BranchEpoch { epoch: u64 },
    /// §11.3: every member of a branch is a member of the old group.
    #[error("leaf {leaf} of the branch is not a member of the old group")]
    BranchStranger { leaf: u32 },
    /// §12.4.3.1: the ratchet tree comes in the GroupInfo or out of band.
    #[error("no ratchet tree: not in the GroupInfo and none supplied")]
    NoRatchetTree,
    /// §12.4.3.1: the GroupInfo's signer is a member.
    #[error("GroupInfo signer leaf {leaf} is blank")]
    SignerBlank { leaf: u32 },
    /// §12.4.3.1: the tree hash matches the GroupInfo's.
    #[error("the ratchet tree's hash differs from the GroupInfo's tree_hash")]
    TreeHashMismatch,
    /// §7.3: every leaf's capabilities list its credential type and extensions.
    #[error("leaf {leaf}: {error}")]
    LeafCapabilities { leaf: u32, error: CapabilityError },
    /// §5.3.1: every member's credential is accepted.
    #[error("leaf {leaf}: credential: {error}")]
    Credential { leaf: u32, error: CredentialError },
    /// §12.4.3.2: an external join needs the external_pub extension.
    #[error("the GroupInfo has no external_pub extension")]
    NoExternalPub,
    /// §12.4.3.2: the joiner encrypts to the `external_pub` extension's
    /// HPKE public key; an extension whose data is not an `ExternalPub`
    /// is malformed, not absent.
    #[error("the GroupInfo's external_pub extension is malformed: {error}")]
    MalformedExternalPub { error: DecodeError },
    /// §12.4.3.2: a resync removes the joiner's own (non-blank) old leaf.
    #[error("resync: leaf {leaf} is blank")]
    ResyncBlankLeaf { leaf: u32 },
}
