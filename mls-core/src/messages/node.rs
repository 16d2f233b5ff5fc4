//! Ratchet tree nodes on the wire (RFC 9420 §7.8, §12.4.3.3).

use std::sync::Arc;

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

/// The widest ratchet tree this implementation reads or grows to: 2^18
/// leaves (262,144 members). The RFC sets no limit; without one a hostile
/// tree of one-byte blanks makes the receiver materialise millions of
/// slots before any signature is checked, so the width is checked while
/// decoding, before nodes pile up.
pub const MAX_TREE_LEAVES: u32 = 1 << 18;

/// The most nodes a `ratchet_tree` of at most [`MAX_TREE_LEAVES`] leaves
/// holds: `2 * MAX_TREE_LEAVES - 1`.
pub const MAX_TREE_NODES: usize = 2 * MAX_TREE_LEAVES as usize - 1;

/// `Node`: a leaf or a parent, behind a reference count so that a tree slot
/// (an `Option<Node>`) takes 16 bytes, blank or not (trees are mostly
/// blanks), and copying a tree (every staged commit starts from a copy of
/// the current one, every kept past epoch holds one) shares the unchanged
/// nodes instead of duplicating them. Change a node with `Arc::make_mut`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Leaf(Arc<LeafNode>),
    Parent(Arc<ParentNode>),
}

impl Node {
    pub fn leaf(leaf: LeafNode) -> Self {
        Node::Leaf(Arc::new(leaf))
    }

    pub fn parent(parent: ParentNode) -> Self {
        Node::Parent(Arc::new(parent))
    }
}

impl Decode for Node {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let at = r.position();
        match r.field("node_type", u8::decode)? {
            1 => {
                let leaf = r.field("leaf_node", LeafNode::decode)?;
                r.charge(std::mem::size_of::<LeafNode>())?;
                Ok(Node::leaf(leaf))
            }
            2 => {
                let parent = r.field("parent_node", ParentNode::decode)?;
                r.charge(std::mem::size_of::<ParentNode>())?;
                Ok(Node::parent(parent))
            }
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
    /// Refuses a tree of more than [`MAX_TREE_NODES`] nodes as soon as the
    /// next one starts, so a hostile tree costs at most that many slots.
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        let mut count = 0usize;
        r.vl_vec(|r| {
            count += 1;
            if count > MAX_TREE_NODES {
                return Err(r.invalid_at(
                    r.position(),
                    format!(
                        "the ratchet tree has more than {MAX_TREE_NODES} nodes \
                         ({MAX_TREE_LEAVES} leaves), the widest tree this implementation supports"
                    ),
                ));
            }
            Option::<Node>::decode(r)
        })
        .map(RatchetTree)
    }
}

impl Encode for RatchetTree {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError> {
        self.0.encode(w)
    }
}
