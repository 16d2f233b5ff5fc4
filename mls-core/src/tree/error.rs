//! Errors of the ratchet tree.

use crate::codec::EncodeError;
use crate::crypto::CryptoError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TreeError {
    #[error("the ratchet tree is empty")]
    Empty,
    #[error(
        "the ratchet tree ends in a blank node (trailing blanks must be stripped, RFC 9420 §12.4.3.3)"
    )]
    TrailingBlank,
    #[error(
        "the ratchet tree has {0} nodes, more than the {max} of a tree of {leaves} leaves, the widest supported",
        max = crate::messages::MAX_TREE_NODES,
        leaves = crate::messages::MAX_TREE_LEAVES
    )]
    TooLarge(usize),
    #[error("node {node}: a {found} node at a {expected} position")]
    WrongNodeType {
        node: u32,
        expected: &'static str,
        found: &'static str,
    },
    #[error("leaf {leaf} is outside the tree of {leaves} leaves")]
    LeafOutOfRange { leaf: u32, leaves: u32 },
    #[error("leaf {0} is blank")]
    BlankLeaf(u32),
    #[error("parent node {node} is not parent-hash valid: {why}")]
    ParentHash { node: u32, why: ParentHashError },
    #[error("parent node {node}: unmerged leaf {leaf} {why}")]
    UnmergedLeaf {
        node: u32,
        leaf: u32,
        why: &'static str,
    },
    #[error("leaf {leaf}: {why}")]
    InvalidLeaf { leaf: u32, why: LeafError },
    #[error("encryption key of node {node} also appears at node {other}")]
    DuplicateEncryptionKey { node: u32, other: u32 },
    #[error("signature key of leaf {leaf} also appears at leaf {other}")]
    DuplicateSignatureKey { leaf: u32, other: u32 },
    #[error(
        "the tree is full: no more than {} leaves (members) are supported",
        crate::messages::MAX_TREE_LEAVES
    )]
    Full,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
}

/// Why a parent node (or the path to it) breaks the parent-hash chain
/// (RFC 9420 §7.9) or the keys an UpdatePath sets (§7.5).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParentHashError {
    /// §7.9.2: a parent hash is computed over a non-blank parent.
    #[error("the node is blank")]
    BlankNode,
    /// §7.9.2: every non-blank parent is linked to by exactly one
    /// descendant's parent_hash.
    #[error("no descendant's parent_hash links to it")]
    NoLink,
    /// §7.9.2: exactly one descendant links to each non-blank parent.
    #[error("{count} descendants link to it, exactly one must")]
    ManyLinks { count: usize },
    /// §4.1.1: a resolution names non-blank nodes only.
    #[error("resolution names a blank node")]
    BlankInResolution,
    /// §7.9: the UpdatePath leaf's parent_hash is the hash its path yields.
    #[error("the UpdatePath leaf's parent_hash does not match the path")]
    LeafParentHash,
    /// §7.5: the path secret of a node yields the public key the UpdatePath
    /// sets there.
    #[error("the public key derived from the path secret differs from the UpdatePath's")]
    DerivedKeyMismatch,
}

/// Why a leaf, an UpdatePath from it or a member's private keys for it are
/// invalid (RFC 9420 §7.3, §7.5, §12.4.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LeafError {
    /// §7.3: the leaf node signature verifies with its own key.
    #[error("signature does not verify ({0})")]
    Signature(CryptoError),
    /// A member holds private keys only for non-blank nodes.
    #[error("holds a private key for blank node {node}")]
    PrivateKeyForBlankNode { node: u32 },
    /// A member's private key matches the node's public key.
    #[error("private key for node {node} does not match its public key")]
    PrivateKeyMismatch { node: u32 },
    /// §7.6: one UpdatePath node per node of the filtered direct path.
    #[error("UpdatePath has {nodes} nodes, the filtered direct path {expected}")]
    PathLength { nodes: usize, expected: usize },
    /// §7.6: one encrypted path secret per node of the copath resolution.
    #[error(
        "UpdatePath node {index} has {count} encrypted path secrets, the copath resolution {expected}"
    )]
    CiphertextCount {
        index: usize,
        count: usize,
        expected: usize,
    },
    /// §12.4.2: the UpdatePath's leaf has source `commit`.
    #[error("the UpdatePath leaf's source is not commit")]
    PathLeafSourceNotCommit,
    /// §7.5: the receiver is below a copath node of the sender's path.
    #[error("is not below any copath node of the sender's path")]
    NotBelowCopath,
    /// §7.5: the receiver holds a private key in the copath resolution.
    #[error("holds no private key in the copath resolution")]
    NoKeyInResolution,
    /// §7.5: the UpdatePath has a ciphertext for the receiver.
    #[error("UpdatePath lacks the ciphertext for this member")]
    MissingCiphertext,
}
