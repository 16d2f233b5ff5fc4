//! Every MLS structure on the wire (RFC 9420 §5–§13), with strict decoding:
//! lengths past the input, trailing bytes and values the RFC forbids are
//! errors naming the field path and byte offset.

mod credential;
mod extension;
mod group;
mod key_package;
mod node;
mod proposal;

pub use credential::{CREDENTIAL_BASIC, CREDENTIAL_X509, Certificate, Credential};
pub use extension::{
    EXT_APPLICATION_ID, EXT_EXTERNAL_PUB, EXT_EXTERNAL_SENDERS, EXT_RATCHET_TREE,
    EXT_REQUIRED_CAPABILITIES, Extension, ExtensionValue, ExternalPub, ExternalSender,
    RequiredCapabilities, duplicate_extension_type, extension_type_name,
};
pub use group::{
    EncryptedGroupSecrets, GroupContext, GroupInfo, GroupSecrets, PathSecret, Welcome,
};
pub use key_package::{
    Capabilities, KeyPackage, LEAF_SOURCE_COMMIT, LEAF_SOURCE_KEY_PACKAGE, LEAF_SOURCE_UPDATE,
    LeafNode, LeafNodeSource, Lifetime,
};
pub use node::{MAX_TREE_LEAVES, MAX_TREE_NODES, Node, ParentNode, RatchetTree};
pub use proposal::{
    Commit, HpkeCiphertextWire, PROPOSAL_ADD, PROPOSAL_EXTERNAL_INIT,
    PROPOSAL_GROUP_CONTEXT_EXTENSIONS, PROPOSAL_PSK, PROPOSAL_REINIT, PROPOSAL_REMOVE,
    PROPOSAL_UPDATE, PSK_EXTERNAL, PSK_RESUMPTION, PreSharedKeyId, Proposal, ProposalOrRef, Psk,
    RESUMPTION_APPLICATION, RESUMPTION_BRANCH, RESUMPTION_REINIT, ReInit, UpdatePath,
    UpdatePathNode,
};

/// `ProtocolVersion mls10`.
pub const PROTOCOL_VERSION_MLS10: u16 = 1;
