//! Why a commit's proposal list is invalid (RFC 9420 §12.1, §12.2).

use super::capability::CapabilityError;
use super::external_commit::ExternalCommitError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProposalError {
    /// §12.2: at most one GroupContextExtensions proposal.
    #[error("more than one GroupContextExtensions proposal")]
    MultipleGroupContextExtensions,
    /// §13.4: an extension list holds each type once.
    #[error("GroupContextExtensions lists extension {extension_type} twice")]
    DuplicateExtension { extension_type: u16 },
    /// §12.1.2: an Update comes from a member.
    #[error("an Update from a non-member")]
    UpdateFromNonMember,
    /// §12.2: the committer does not commit an Update of its own leaf.
    #[error("an Update from the committer (§12.2)")]
    UpdateFromCommitter,
    /// §12.2: the committer does not remove itself.
    #[error("a Remove of the committer (§12.2)")]
    RemoveOfCommitter,
    /// §12.1.3: a Remove names a member's leaf.
    #[error("a Remove of blank or absent leaf {leaf}")]
    RemoveOfBlankLeaf { leaf: u32 },
    /// §11.2, §11.3: reinit and branch PSKs only in the first commit of the
    /// group they set up.
    #[error("a resumption PSK of usage {usage} (reinit or branch) outside the group it sets up")]
    ResumptionPskOutsideNewGroup { usage: u8 },
    /// §12.2: each PSK is proposed at most once.
    #[error("two PreSharedKey proposals for the same PSK")]
    DuplicatePsk,
    /// §8.4: the psk_nonce has the length of the suite's hash.
    #[error("psk_nonce of {len} bytes, the suite's hash length is {expected}")]
    PskNonceLength { len: usize, expected: usize },
    /// §12.2: a ReInit is the only proposal of its commit.
    #[error("a ReInit together with other proposals")]
    ReInitNotAlone,
    /// §12.2: ExternalInit only in external commits.
    #[error("an ExternalInit in a member's commit")]
    ExternalInitInMemberCommit,
    /// §12.2: a proposal of a non-default type is supported by every member.
    #[error("proposal type {proposal_type} is not supported by every member")]
    UnsupportedProposalType { proposal_type: u16 },
    /// §12.2: at most one Update or Remove per leaf.
    #[error("more than one Update or Remove for the same leaf ({leaf})")]
    LeafChangedTwice { leaf: u32 },
    /// §12.1.2: an Update comes from a member's leaf.
    #[error("an Update from blank leaf {leaf}")]
    UpdateFromBlankLeaf { leaf: u32 },
    /// §7.3: an Update's leaf has source `update`.
    #[error("the Update of leaf {leaf} has a leaf source other than update")]
    UpdateSourceNotUpdate { leaf: u32 },
    /// §12.1.2: an Update changes the leaf's encryption key.
    #[error("the Update of leaf {leaf} keeps its encryption key")]
    UpdateKeepsEncryptionKey { leaf: u32 },
    /// §7.3: an Update's leaf lists its credential type and extensions in
    /// its capabilities, and supports the group's required capabilities.
    #[error("the Update of leaf {leaf}: {error}")]
    UpdateCapabilities { leaf: u32, error: CapabilityError },
    /// §12.2: one Add per client (signature key).
    #[error("two Adds of the same client (same signature key)")]
    DuplicateAdd,
    /// §12.2: an Add does not name a client already in the group.
    #[error("an Add of a client already in the group (same signature key as leaf {leaf})")]
    AddOfMember { leaf: u32 },
    /// §12.1.1: the new member supports the group's required capabilities.
    #[error("an Add: {0}")]
    AddCapabilities(CapabilityError),
    /// §12.1.7: the new group context extensions suit every member.
    #[error("GroupContextExtensions: member {leaf} {error}")]
    GroupContextExtensionsUnsupported { leaf: u32, error: CapabilityError },
    /// §6: a new_member_commit sender only on a commit.
    #[error("a new_member_commit sender on a message that is not a commit")]
    NewMemberCommitNotCommit,
    /// §12.4.2: a committed Update of this member's leaf must be one it made.
    #[error("an Update of our leaf that we did not make")]
    UpdateNotOurs,
    /// §12.1.8: external proposals are PublicMessages.
    #[error("an external proposal must be a PublicMessage")]
    ExternalProposalNotPublic,
    /// §12.1.8: an external sender sends proposals only.
    #[error("an external sender may only send proposals")]
    ExternalSenderNotProposal,
    /// §12.1.8: the proposal types an external sender may send.
    #[error("proposal type {proposal_type} may not come from an external sender")]
    ExternalProposalType { proposal_type: u16 },
    /// §12.1.8: a new_member_proposal sender only adds itself.
    #[error("a new member may only propose to add itself")]
    NewMemberNotAdd,
    /// §12.4.3.2: the proposal list of an external commit.
    #[error("external commit: {0}")]
    ExternalCommit(#[from] ExternalCommitError),
}
