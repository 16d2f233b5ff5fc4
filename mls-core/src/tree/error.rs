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
    #[error("the ratchet tree has {0} nodes, more than 2^32 - 1")]
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
    ParentHash { node: u32, why: String },
    #[error("parent node {node}: unmerged leaf {leaf} {why}")]
    UnmergedLeaf {
        node: u32,
        leaf: u32,
        why: &'static str,
    },
    #[error("leaf {leaf}: {why}")]
    InvalidLeaf { leaf: u32, why: String },
    #[error("encryption key of node {node} also appears at node {other}")]
    DuplicateEncryptionKey { node: u32, other: u32 },
    #[error("signature key of leaf {leaf} also appears at leaf {other}")]
    DuplicateSignatureKey { leaf: u32, other: u32 },
    #[error("the tree is full: no more than 2^31 leaves")]
    Full,
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
}
