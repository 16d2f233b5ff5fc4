//! Ratchet tree nodes on the wire (RFC 9420 §7.8, §12.4.3.3).

use crate::codec::{Decode, DecodeError, Encode, EncodeError, Reader, VlBytes, Writer};

use super::LeafNode;

crate::wire_struct! {
    /// A parent node (§7.1).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ParentNode {
        pub encryption_key: VlBytes,
        pub parent_hash: VlBytes,
        pub unmerged_leaves: Vec<u32>,
    }
}

/// `Node`: a leaf or a parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Leaf(LeafNode),
    Parent(ParentNode),
}

impl Decode for Node {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let at = r.position();
        match r.field("node_type", u8::decode)? {
            1 => Ok(Node::Leaf(r.field("leaf_node", LeafNode::decode)?)),
            2 => Ok(Node::Parent(r.field("parent_node", ParentNode::decode)?)),
            other => Err(r.invalid_at(
                at,
                format!("node_type {other} is not 1 (leaf) or 2 (parent)"),
            )),
        }
    }
}

impl Encode for Node {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        match self {
            Node::Leaf(leaf) => {
                w.u8(1);
                leaf.encode(w)
            }
            Node::Parent(parent) => {
                w.u8(2);
                parent.encode(w)
            }
        }
    }
}

/// `optional<Node> ratchet_tree<V>`: the tree in array order, blanks as `None`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RatchetTree(pub Vec<Option<Node>>);

impl Decode for RatchetTree {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        Vec::decode(r).map(RatchetTree)
    }
}

impl Encode for RatchetTree {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.0.encode(w)
    }
}
