//! What the tree view paints: [`NodeView`]s of a complete tree with the
//! own leaf, its direct path and the "changed" nodes marked.

use mls_core::messages::{Credential, LeafNodeSource, Node};
use mls_core::tree::Tree;
use mls_core::tree::math::{self, TreeSize};

/// Characters of a leaf label kept in the model (the view cuts it further
/// to what fits; "Find member" searches all of it).
pub(super) const LABEL_CHARS: usize = 64;

/// Per-node flag bits of the model (kept apart from [`NodeView`] so
/// painting reads one byte per node).
pub(super) const FILLED: u8 = 1;
/// A leaf listed in some parent's unmerged leaves, or a parent that lists some.
pub(super) const UNMERGED: u8 = 2;
/// The own leaf or a node on its direct path.
pub(super) const OWN: u8 = 4;
pub(super) const CHANGED: u8 = 8;

/// One node as the view shows it. The node index is its position in the
/// model; leaves are at even indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeView {
    /// Not blank.
    pub filled: bool,
    /// A short label: a leaf's credential identity (empty for parents and
    /// blank nodes).
    pub label: String,
    /// The HPKE public key (`encryption_key`).
    pub encryption_key: Vec<u8>,
    /// A parent's `parent_hash`, or a leaf's when its source is a commit
    /// (empty otherwise).
    pub parent_hash: Vec<u8>,
    /// The tree hash, when the tree had it cached.
    pub tree_hash: Option<Vec<u8>>,
    /// A parent's unmerged leaves (leaf indices).
    pub unmerged_leaves: Vec<u32>,
}

impl NodeView {
    /// A blank node.
    pub fn blank() -> Self {
        NodeView::default()
    }

    /// Whether two views show the same node content (the tree hash aside:
    /// it changes along the whole path above any change).
    pub(super) fn same_content(&self, other: &NodeView) -> bool {
        self.filled == other.filled
            && self.label == other.label
            && self.encryption_key == other.encryption_key
            && self.parent_hash == other.parent_hash
            && self.unmerged_leaves == other.unmerged_leaves
    }
}

/// What the view paints: every node of a complete tree, with the own leaf
/// and the "changed" nodes marked. Built once; painting reads it only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeViewModel {
    pub(super) size: TreeSize,
    pub(super) nodes: Vec<NodeView>,
    pub(super) flags: Vec<u8>,
    pub(super) own_leaf: Option<u32>,
    pub(super) members: u32,
}

impl Default for TreeViewModel {
    fn default() -> Self {
        TreeViewModel::from_nodes(Vec::new())
    }
}

impl TreeViewModel {
    /// The model of `tree`. Tree hashes are taken from the tree's cache
    /// ([`Tree::cached_tree_hash`]); a tree whose hashes were never computed
    /// (e.g. fresh from [`Tree::from_wire`]) shows none — call
    /// [`Tree::root_hash`] first to fill the cache.
    pub fn from_tree(tree: &Tree, own_leaf: Option<u32>) -> Self {
        let nodes = (0..tree.size().nodes())
            .map(|i| {
                let tree_hash = tree.cached_tree_hash(i).map(<[u8]>::to_vec);
                match tree.node(i) {
                    None => NodeView {
                        tree_hash,
                        ..NodeView::blank()
                    },
                    Some(Node::Leaf(leaf)) => NodeView {
                        filled: true,
                        label: credential_label(&leaf.credential),
                        encryption_key: leaf.encryption_key.0.clone(),
                        parent_hash: match &leaf.leaf_node_source {
                            LeafNodeSource::Commit { parent_hash } => parent_hash.0.clone(),
                            _ => Vec::new(),
                        },
                        tree_hash,
                        unmerged_leaves: Vec::new(),
                    },
                    Some(Node::Parent(parent)) => NodeView {
                        filled: true,
                        label: String::new(),
                        encryption_key: parent.encryption_key.0.clone(),
                        parent_hash: parent.parent_hash.0.clone(),
                        tree_hash,
                        unmerged_leaves: parent.unmerged_leaves.clone(),
                    },
                }
            })
            .collect();
        let mut model = TreeViewModel::from_nodes(nodes);
        model.set_own_leaf(own_leaf);
        model
    }

    /// A model of nodes given in array order (node index = position). The
    /// list is padded with blank nodes to a complete tree; a node's kind
    /// (leaf or parent) follows from its index.
    pub fn from_nodes(mut nodes: Vec<NodeView>) -> Self {
        let len = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
        let size = TreeSize::covering(len / 2 + 1).unwrap_or(TreeSize::ONE);
        nodes.resize_with(size.nodes() as usize, NodeView::blank);
        let mut flags: Vec<u8> = nodes
            .iter()
            .map(|n| if n.filled { FILLED } else { 0 })
            .collect();
        let mut members = 0;
        for (i, node) in (0u32..).zip(&nodes) {
            if math::is_leaf(i) && node.filled {
                members += 1;
            }
            if node.unmerged_leaves.is_empty() {
                continue;
            }
            if let Some(f) = flags.get_mut(i as usize) {
                *f |= UNMERGED;
            }
            for leaf in &node.unmerged_leaves {
                if let Some(f) = math::leaf_to_node(*leaf).and_then(|n| flags.get_mut(n as usize)) {
                    *f |= UNMERGED;
                }
            }
        }
        TreeViewModel {
            size,
            nodes,
            flags,
            own_leaf: None,
            members,
        }
    }

    /// The tree's size (leaf slots, a power of two).
    pub fn size(&self) -> TreeSize {
        self.size
    }

    /// Number of nodes, blank or not.
    pub fn node_count(&self) -> u32 {
        self.size.nodes()
    }

    /// Number of leaf slots, blank or not.
    pub fn leaf_count(&self) -> u32 {
        self.size.leaves()
    }

    /// Number of filled leaves.
    pub fn member_count(&self) -> u32 {
        self.members
    }

    pub fn node(&self, node: u32) -> Option<&NodeView> {
        self.nodes.get(node as usize)
    }

    pub fn own_leaf(&self) -> Option<u32> {
        self.own_leaf
    }

    /// Marks the own leaf (highlighted with its direct path); `None` or a
    /// leaf outside the tree clears the mark.
    pub fn set_own_leaf(&mut self, leaf: Option<u32>) {
        for f in &mut self.flags {
            *f &= !OWN;
        }
        self.own_leaf = None;
        let Some(leaf) = leaf else {
            return;
        };
        let Some(node) = math::leaf_to_node(leaf).filter(|n| self.size.contains(*n)) else {
            return;
        };
        self.own_leaf = Some(leaf);
        let path = math::direct_path(node, self.size).unwrap_or_default();
        for n in std::iter::once(node).chain(path) {
            if let Some(f) = self.flags.get_mut(n as usize) {
                *f |= OWN;
            }
        }
    }

    /// Replaces the set of "changed" nodes (highlighted, e.g. by a staged
    /// commit's preview); indices outside the tree are ignored.
    pub fn set_changed(&mut self, nodes: impl IntoIterator<Item = u32>) {
        for f in &mut self.flags {
            *f &= !CHANGED;
        }
        for n in nodes {
            if let Some(f) = self.flags.get_mut(n as usize) {
                *f |= CHANGED;
            }
        }
    }

    /// The nodes marked changed, in index order.
    pub fn changed_nodes(&self) -> impl Iterator<Item = u32> + '_ {
        (0u32..)
            .zip(&self.flags)
            .filter(|(_, f)| *f & CHANGED != 0)
            .map(|(i, _)| i)
    }

    /// The nodes whose content differs from `before` (another model of the
    /// same group, e.g. the current epoch when `self` is a staged commit's
    /// next state): blanked, filled, new keys, parent hashes or unmerged
    /// leaves. Tree hashes are not compared. Nodes beyond the smaller tree
    /// count as changed when they are filled on either side.
    pub fn diff(&self, before: &TreeViewModel) -> Vec<u32> {
        let blank = NodeView::blank();
        let len = self.nodes.len().max(before.nodes.len());
        (0..len)
            .filter(|i| {
                let a = self.nodes.get(*i).unwrap_or(&blank);
                let b = before.nodes.get(*i).unwrap_or(&blank);
                !a.same_content(b)
            })
            .filter_map(|i| u32::try_from(i).ok())
            .collect()
    }

    pub fn is_filled(&self, node: u32) -> bool {
        self.flag(node, FILLED)
    }

    /// The own leaf, or a node on its direct path.
    pub fn is_on_own_path(&self, node: u32) -> bool {
        self.flag(node, OWN)
    }

    pub fn is_changed(&self, node: u32) -> bool {
        self.flag(node, CHANGED)
    }

    /// A leaf listed as unmerged by some parent, or a parent listing some.
    pub fn is_unmerged(&self, node: u32) -> bool {
        self.flag(node, UNMERGED)
    }

    pub(super) fn flag(&self, node: u32, bit: u8) -> bool {
        self.flags.get(node as usize).is_some_and(|f| f & bit != 0)
    }

    pub(super) fn flags_of(&self, node: u32) -> u8 {
        self.flags.get(node as usize).copied().unwrap_or(0)
    }

    /// The parents listing `leaf` as unmerged (for a leaf's tooltip).
    pub(super) fn parents_listing(&self, leaf: u32) -> Vec<u32> {
        let Some(node) = math::leaf_to_node(leaf) else {
            return Vec::new();
        };
        math::direct_path(node, self.size)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                self.node(*p)
                    .is_some_and(|v| v.unmerged_leaves.contains(&leaf))
            })
            .collect()
    }
}

/// A short label for a credential: the identity of a basic credential.
pub(super) fn credential_label(credential: &Credential) -> String {
    match credential {
        Credential::Basic { identity } => short_text(&identity.0),
        Credential::X509 { certificates } => format!("X.509 ({} cert.)", certificates.len()),
        Credential::Other {
            credential_type, ..
        } => format!("credential 0x{credential_type:04x}"),
    }
}

/// UTF-8 text cut to [`LABEL_CHARS`], or the first bytes in hex.
pub(super) fn short_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.is_empty() && !s.chars().any(char::is_control) => {
            truncate_chars(s, LABEL_CHARS)
        }
        Ok("") => String::new(),
        _ => format!("0x{}", hex_prefix(bytes, 16)),
    }
}

pub(super) fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", s.get(..at).unwrap_or(s)),
        None => s.to_owned(),
    }
}

/// Hex of `bytes`, cut to `max_digits` with an ellipsis.
pub(super) fn hex_prefix(bytes: &[u8], max_digits: usize) -> String {
    if bytes.len() * 2 <= max_digits {
        return hex::encode(bytes);
    }
    let head = bytes.get(..max_digits / 2).unwrap_or(bytes);
    format!("{}… ({} bytes)", hex::encode(head), bytes.len())
}
#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn leaf(name: &str) -> NodeView {
        NodeView {
            filled: true,
            label: name.to_owned(),
            encryption_key: vec![1; 32],
            ..NodeView::default()
        }
    }

    #[test]
    fn model_pads_to_a_complete_tree_and_marks_flags() {
        let parent = NodeView {
            filled: true,
            unmerged_leaves: vec![1],
            ..NodeView::default()
        };
        let mut m = TreeViewModel::from_nodes(vec![
            leaf("a"),
            parent,
            leaf("b"),
            NodeView::blank(),
            leaf("c"),
        ]);
        assert_eq!(m.node_count(), 7);
        assert_eq!(m.member_count(), 3);
        assert!(m.is_unmerged(1) && m.is_unmerged(2) && !m.is_unmerged(0) && !m.is_unmerged(4));
        m.set_own_leaf(Some(1));
        assert!(m.is_on_own_path(2) && m.is_on_own_path(1) && m.is_on_own_path(3));
        assert!(!m.is_on_own_path(0) && !m.is_on_own_path(5));
        m.set_own_leaf(Some(9));
        assert_eq!(m.own_leaf(), None);
        assert!(!m.is_on_own_path(3));
        m.set_changed([5, 6, 100]);
        assert_eq!(m.changed_nodes().collect::<Vec<_>>(), vec![5, 6]);
        assert_eq!(m.parents_listing(1), vec![1]);
        assert!(m.parents_listing(2).is_empty());
    }

    #[test]
    fn diff_ignores_tree_hashes() {
        let a = TreeViewModel::from_nodes(vec![leaf("a"), NodeView::blank(), leaf("b")]);
        let mut nodes = vec![leaf("a"), NodeView::blank(), leaf("b")];
        nodes[0].tree_hash = Some(vec![9]);
        nodes[2].encryption_key = vec![2; 32];
        let b = TreeViewModel::from_nodes(nodes);
        assert_eq!(b.diff(&a), vec![2]);
    }

    #[test]
    fn labels_are_cut() {
        assert_eq!(short_text(b"alice"), "alice");
        assert_eq!(short_text(&[0xff, 0x00]), "0xff00");
        assert_eq!(truncate_chars("abcdef", 3), "abc…");
        assert_eq!(hex_prefix(&[0xab; 40], 8), "abababab… (40 bytes)");
    }
}
