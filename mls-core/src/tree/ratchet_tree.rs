//! The ratchet tree (RFC 9420 §7): nodes in array order, resolutions,
//! filtered direct paths, tree hashes (cached per node, so a change to one
//! leaf rehashes only its direct path), and the add/update/remove
//! operations of §12.1 with extending and truncating (§7.7).

use rayon::prelude::*;

use crate::codec::{Encode, Writer};
use crate::crypto::{CipherSuite, CryptoProvider};
use crate::messages::{LeafNode, MAX_TREE_LEAVES, MAX_TREE_NODES, Node, ParentNode, RatchetTree};

use super::TreeError;
use super::math::{self, TreeSize};

/// A ratchet tree in memory: `size.nodes()` slots, blanks as `None`.
/// Equality compares the nodes, not what the hash cache holds.
#[derive(Debug, Clone)]
pub struct Tree {
    cs: CipherSuite,
    size: TreeSize,
    nodes: Vec<Option<Node>>,
    /// Cached tree hashes, `Nh` bytes per node in one block (a tree copy
    /// copies one buffer, not one allocation per node).
    hashes: Vec<u8>,
    /// Which entries of `hashes` are valid: false where no hash was computed
    /// yet or a change invalidated it.
    hashed: Vec<bool>,
}

impl PartialEq for Tree {
    fn eq(&self, other: &Self) -> bool {
        self.cs == other.cs && self.size == other.size && self.nodes == other.nodes
    }
}

impl Eq for Tree {}

fn node_kind(node: &Node) -> &'static str {
    match node {
        Node::Leaf(_) => "leaf",
        Node::Parent(_) => "parent",
    }
}

impl Tree {
    /// A one-member tree.
    pub fn with_first_leaf(cs: CipherSuite, leaf: LeafNode) -> Self {
        Tree {
            cs,
            size: TreeSize::ONE,
            nodes: vec![Some(Node::leaf(leaf))],
            hashes: vec![0; cs.hash_len()],
            hashed: vec![false],
        }
    }

    /// Reads the `ratchet_tree` form (§12.4.3.3): trailing blanks stripped,
    /// padded here to a complete tree. Node types must match their positions
    /// (leaves at even indices, parents at odd).
    pub fn from_wire(cs: CipherSuite, wire: &RatchetTree) -> Result<Self, TreeError> {
        let nodes = &wire.0;
        match nodes.last() {
            None => return Err(TreeError::Empty),
            Some(None) => return Err(TreeError::TrailingBlank),
            Some(Some(_)) => {}
        }
        let too_large = || TreeError::TooLarge(nodes.len());
        if nodes.len() > MAX_TREE_NODES {
            return Err(too_large());
        }
        let len = u32::try_from(nodes.len()).map_err(|_| too_large())?;
        let size = TreeSize::covering(len / 2 + 1).ok_or_else(too_large)?;
        for (i, node) in (0u32..).zip(nodes) {
            let expected = if math::is_leaf(i) { "leaf" } else { "parent" };
            if let Some(node) = node
                && node_kind(node) != expected
            {
                return Err(TreeError::WrongNodeType {
                    node: i,
                    expected,
                    found: node_kind(node),
                });
            }
        }
        let mut all = nodes.clone();
        all.resize(size.nodes() as usize, None);
        Ok(Tree {
            cs,
            size,
            hashes: vec![0; all.len() * cs.hash_len()],
            hashed: vec![false; all.len()],
            nodes: all,
        })
    }

    /// The `ratchet_tree` form: the array with trailing blanks removed.
    pub fn to_wire(&self) -> RatchetTree {
        let end = self
            .nodes
            .iter()
            .rposition(Option::is_some)
            .map_or(0, |i| i + 1);
        RatchetTree(self.nodes.iter().take(end).cloned().collect())
    }

    pub fn cipher_suite(&self) -> CipherSuite {
        self.cs
    }

    pub fn size(&self) -> TreeSize {
        self.size
    }

    /// Number of leaf slots (a power of two), blank or not.
    pub fn leaf_count(&self) -> u32 {
        self.size.leaves()
    }

    pub fn node(&self, node: u32) -> Option<&Node> {
        self.nodes.get(node as usize).and_then(Option::as_ref)
    }

    pub fn leaf(&self, leaf: u32) -> Option<&LeafNode> {
        match self.node(math::leaf_to_node(leaf)?) {
            Some(Node::Leaf(l)) => Some(l.as_ref()),
            _ => None,
        }
    }

    pub fn parent(&self, node: u32) -> Option<&ParentNode> {
        match self.node(node) {
            Some(Node::Parent(p)) => Some(p.as_ref()),
            _ => None,
        }
    }

    /// Leaf indices and leaf nodes of every member.
    pub fn members(&self) -> impl Iterator<Item = (u32, &LeafNode)> {
        (0..self.leaf_count()).filter_map(|i| self.leaf(i).map(|l| (i, l)))
    }

    /// Replaces a node and invalidates the cached hashes on its path.
    fn set(&mut self, node: u32, value: Option<Node>) {
        if let Some(slot) = self.nodes.get_mut(node as usize) {
            *slot = value;
        }
        self.invalidate(node);
    }

    fn invalidate(&mut self, node: u32) {
        if let Some(h) = self.hashed.get_mut(node as usize) {
            *h = false;
        }
        for p in math::direct_path(node, self.size).unwrap_or_default() {
            if let Some(h) = self.hashed.get_mut(p as usize) {
                *h = false;
            }
        }
    }

    /// Sets the node count of both hash caches (new entries invalid).
    fn resize_hash_cache(&mut self, nodes: usize) {
        self.hashes.resize(nodes * self.cs.hash_len(), 0);
        self.hashed.resize(nodes, false);
    }

    /// The resolution of a node (§4.1.1): the node itself (and, for a
    /// parent, its unmerged leaves) if non-blank; nothing for a blank leaf;
    /// the resolutions of both children for a blank parent.
    pub fn resolution(&self, node: u32) -> Vec<u32> {
        let mut out = Vec::new();
        self.resolve_into(node, &mut out);
        out
    }

    fn resolve_into(&self, node: u32, out: &mut Vec<u32>) {
        match self.node(node) {
            Some(Node::Leaf(_)) => out.push(node),
            Some(Node::Parent(p)) => {
                out.push(node);
                out.extend(
                    p.unmerged_leaves
                        .iter()
                        .filter_map(|l| math::leaf_to_node(*l)),
                );
            }
            None => {
                if let (Some(l), Some(r)) = (math::left(node), math::right(node)) {
                    self.resolve_into(l, out);
                    self.resolve_into(r, out);
                }
            }
        }
    }

    /// Whether the resolution of `node` is empty: stops at the first
    /// non-blank node instead of collecting a blank subtree's leaves.
    pub fn resolution_is_empty(&self, node: u32) -> bool {
        match self.node(node) {
            Some(_) => false,
            None => match (math::left(node), math::right(node)) {
                (Some(l), Some(r)) => self.resolution_is_empty(l) && self.resolution_is_empty(r),
                _ => true,
            },
        }
    }

    /// The filtered direct path of a leaf (§4.1.2): the direct path without
    /// the nodes whose child on the copath has an empty resolution.
    pub fn filtered_direct_path(&self, leaf: u32) -> Result<Vec<u32>, TreeError> {
        let node = self.leaf_node_index(leaf)?;
        let path = math::direct_path(node, self.size).unwrap_or_default();
        let copath = math::copath(node, self.size).unwrap_or_default();
        Ok(path
            .into_iter()
            .zip(copath)
            .filter(|(_, sibling)| !self.resolution_is_empty(*sibling))
            .map(|(p, _)| p)
            .collect())
    }

    /// The copath nodes matching the filtered direct path, pairwise.
    pub fn filtered_direct_path_with_copath(
        &self,
        leaf: u32,
    ) -> Result<Vec<(u32, u32)>, TreeError> {
        let node = self.leaf_node_index(leaf)?;
        let path = math::direct_path(node, self.size).unwrap_or_default();
        let copath = math::copath(node, self.size).unwrap_or_default();
        Ok(path
            .into_iter()
            .zip(copath)
            .filter(|(_, sibling)| !self.resolution_is_empty(*sibling))
            .collect())
    }

    fn leaf_node_index(&self, leaf: u32) -> Result<u32, TreeError> {
        math::leaf_to_node(leaf)
            .filter(|n| self.size.contains(*n))
            .ok_or(TreeError::LeafOutOfRange {
                leaf,
                leaves: self.leaf_count(),
            })
    }

    // ---- tree hashes (§7.8) ----

    /// The tree hash of `node`, from the cache where valid.
    pub fn tree_hash<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        node: u32,
    ) -> Result<Vec<u8>, TreeError> {
        if let Some(h) = self.cached_tree_hash(node) {
            return Ok(h.to_vec());
        }
        let hash = match (math::left(node), math::right(node)) {
            (Some(l), Some(r)) => {
                let left = self.tree_hash(p, l)?;
                let right = self.tree_hash(p, r)?;
                self.parent_hash_input(p, node, &left, &right, &[])?
            }
            _ => self.leaf_hash_input(p, node, &[])?,
        };
        self.store_hash(node, &hash);
        Ok(hash)
    }

    /// Computes every tree hash not cached yet, one level at a time from
    /// the leaves up, the nodes of a wide level in parallel: what a joiner
    /// (or a tree read back from storage) needs once for the whole tree.
    pub fn fill_hashes<P: CryptoProvider + ?Sized>(&mut self, p: &P) -> Result<(), TreeError> {
        const PARALLEL_FROM: usize = 64;
        let nodes = self.size.nodes();
        let root_level = math::level(self.size.root());
        for level in 0..=root_level {
            let first = (1u32 << level) - 1;
            let step = 1usize << (level + 1);
            let missing: Vec<u32> = (first..nodes)
                .step_by(step)
                .filter(|n| self.cached_tree_hash(*n).is_none())
                .collect();
            let this = &*self;
            // The level below is complete, so both children are cached.
            let hash_one = |node: &u32| -> Result<Option<(u32, Vec<u8>)>, TreeError> {
                let node = *node;
                let hash = match (math::left(node), math::right(node)) {
                    (Some(l), Some(r)) => {
                        match (this.cached_tree_hash(l), this.cached_tree_hash(r)) {
                            (Some(left), Some(right)) => {
                                this.parent_hash_input(p, node, left, right, &[])?
                            }
                            _ => return Ok(None),
                        }
                    }
                    _ => this.leaf_hash_input(p, node, &[])?,
                };
                Ok(Some((node, hash)))
            };
            let computed: Vec<Option<(u32, Vec<u8>)>> = if missing.len() >= PARALLEL_FROM {
                missing.par_iter().map(hash_one).collect::<Result<_, _>>()?
            } else {
                missing.iter().map(hash_one).collect::<Result<_, _>>()?
            };
            for (node, hash) in computed.into_iter().flatten() {
                self.store_hash(node, &hash);
            }
        }
        self.root_hash(p).map(drop)
    }

    fn store_hash(&mut self, node: u32, hash: &[u8]) {
        let nh = self.cs.hash_len();
        let at = node as usize * nh;
        if hash.len() == nh
            && let (Some(slot), Some(valid)) = (
                self.hashes.get_mut(at..at + nh),
                self.hashed.get_mut(node as usize),
            )
        {
            slot.copy_from_slice(hash);
            *valid = true;
        }
    }

    /// The cached tree hash of `node`, without computing anything: `None`
    /// where no hash was computed yet or a change invalidated it (read-only
    /// views use this; [`Tree::tree_hash`] fills the cache).
    pub fn cached_tree_hash(&self, node: u32) -> Option<&[u8]> {
        if !*self.hashed.get(node as usize)? {
            return None;
        }
        let nh = self.cs.hash_len();
        let at = node as usize * nh;
        self.hashes.get(at..at + nh)
    }

    /// The tree hash of the root: what the GroupContext carries.
    pub fn root_hash<P: CryptoProvider + ?Sized>(&mut self, p: &P) -> Result<Vec<u8>, TreeError> {
        let root = self.size.root();
        self.tree_hash(p, root)
    }

    /// The tree hash of `node` in the tree with the leaves `excluded`
    /// blanked and removed from every unmerged-leaves list (§7.9,
    /// `original_sibling_tree_hash`). Uncached where an excluded leaf is
    /// below `node`; the cached hash otherwise.
    pub fn tree_hash_excluding<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        node: u32,
        excluded: &[u32],
    ) -> Result<Vec<u8>, TreeError> {
        let below = excluded
            .iter()
            .filter_map(|l| math::leaf_to_node(*l))
            .any(|l| math::is_in_subtree(l, node));
        if !below {
            return self.tree_hash(p, node);
        }
        match (math::left(node), math::right(node)) {
            (Some(l), Some(r)) => {
                let left = self.tree_hash_excluding(p, l, excluded)?;
                let right = self.tree_hash_excluding(p, r, excluded)?;
                self.parent_hash_input(p, node, &left, &right, excluded)
            }
            _ => self.leaf_hash_input(p, node, excluded),
        }
    }

    /// `Hash(TreeHashInput)` for a leaf: `{ leaf(1), uint32 leaf_index, optional<LeafNode> }`.
    fn leaf_hash_input<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        node: u32,
        excluded: &[u32],
    ) -> Result<Vec<u8>, TreeError> {
        let leaf_index = node / 2;
        let leaf = if excluded.contains(&leaf_index) {
            None
        } else {
            self.leaf(leaf_index)
        };
        let mut w = Writer::new();
        w.u8(1);
        w.u32(leaf_index);
        w.optional(leaf, |w, l| l.encode(w))?;
        Ok(p.hash(self.cs, w.as_bytes()))
    }

    /// `Hash(TreeHashInput)` for a parent:
    /// `{ parent(2), optional<ParentNode>, opaque left_hash<V>, opaque right_hash<V> }`.
    fn parent_hash_input<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        node: u32,
        left: &[u8],
        right: &[u8],
        excluded: &[u32],
    ) -> Result<Vec<u8>, TreeError> {
        let mut w = Writer::new();
        w.u8(2);
        match self.parent(node) {
            None => w.u8(0),
            Some(parent) if excluded.is_empty() => {
                w.u8(1);
                parent.encode(&mut w)?;
            }
            Some(parent) => {
                let filtered = ParentNode {
                    encryption_key: parent.encryption_key.clone(),
                    parent_hash: parent.parent_hash.clone(),
                    unmerged_leaves: parent
                        .unmerged_leaves
                        .iter()
                        .copied()
                        .filter(|l| !excluded.contains(l))
                        .collect(),
                };
                w.u8(1);
                filtered.encode(&mut w)?;
            }
        }
        w.vl_bytes(left)?;
        w.vl_bytes(right)?;
        Ok(p.hash(self.cs, w.as_bytes()))
    }

    // ---- tree modification (§12.1, §7.7) ----

    /// Doubles the tree: the old tree becomes the left subtree of a new blank root.
    fn extend(&mut self) -> Result<(), TreeError> {
        let leaves = self.leaf_count().checked_mul(2).ok_or(TreeError::Full)?;
        if leaves > MAX_TREE_LEAVES {
            // Others could not read the tree back (see MAX_TREE_LEAVES).
            return Err(TreeError::Full);
        }
        let size = TreeSize::new(leaves).ok_or(TreeError::Full)?;
        self.size = size;
        self.nodes.resize(size.nodes() as usize, None);
        self.resize_hash_cache(size.nodes() as usize);
        // The old root is no longer the root: its cached hash stays valid,
        // the new root's is computed on demand.
        Ok(())
    }

    /// Halves the tree while its right half is all blank (§12.1.3).
    pub fn truncate(&mut self) {
        while self.leaf_count() > 1 {
            let half = self.leaf_count() / 2;
            let right_blank = (half..self.leaf_count()).all(|l| self.leaf(l).is_none());
            if !right_blank {
                break;
            }
            let Some(size) = TreeSize::new(half) else {
                break;
            };
            self.size = size;
            self.nodes.truncate(size.nodes() as usize);
            self.resize_hash_cache(size.nodes() as usize);
        }
    }

    /// Blanks every parent node on the direct path of `leaf`.
    pub fn blank_direct_path(&mut self, leaf: u32) -> Result<(), TreeError> {
        let node = self.leaf_node_index(leaf)?;
        for p in math::direct_path(node, self.size).unwrap_or_default() {
            if self.node(p).is_some() {
                self.set(p, None);
            }
        }
        Ok(())
    }

    /// Adds a member (§12.1.1): at the leftmost blank leaf, extending the
    /// tree if there is none; adds it to the unmerged leaves of every
    /// non-blank parent above it. Returns its leaf index.
    pub fn add_leaf(&mut self, leaf_node: LeafNode) -> Result<u32, TreeError> {
        let leaf = match (0..self.leaf_count()).find(|l| self.leaf(*l).is_none()) {
            Some(l) => l,
            None => {
                let first_new = self.leaf_count();
                self.extend()?;
                first_new
            }
        };
        let node = self.leaf_node_index(leaf)?;
        for p in math::direct_path(node, self.size).unwrap_or_default() {
            if let Some(Some(Node::Parent(parent))) = self.nodes.get_mut(p as usize) {
                let parent = std::sync::Arc::make_mut(parent);
                let at = parent.unmerged_leaves.partition_point(|u| *u < leaf);
                if parent.unmerged_leaves.get(at) != Some(&leaf) {
                    parent.unmerged_leaves.insert(at, leaf);
                }
            }
        }
        self.set(node, Some(Node::leaf(leaf_node)));
        Ok(leaf)
    }

    /// Replaces a member's leaf (§12.1.2 Update) and blanks its direct path.
    pub fn update_leaf(&mut self, leaf: u32, leaf_node: LeafNode) -> Result<(), TreeError> {
        let node = self.leaf_node_index(leaf)?;
        if self.leaf(leaf).is_none() {
            return Err(TreeError::BlankLeaf(leaf));
        }
        self.set(node, Some(Node::leaf(leaf_node)));
        self.blank_direct_path(leaf)
    }

    /// Removes a member (§12.1.3): blanks its leaf and direct path, then
    /// truncates the tree.
    pub fn remove_leaf(&mut self, leaf: u32) -> Result<(), TreeError> {
        let node = self.leaf_node_index(leaf)?;
        if self.leaf(leaf).is_none() {
            return Err(TreeError::BlankLeaf(leaf));
        }
        self.set(node, None);
        self.blank_direct_path(leaf)?;
        self.truncate();
        Ok(())
    }

    /// Sets a parent node (used when merging an UpdatePath).
    pub fn set_parent(&mut self, node: u32, parent: ParentNode) {
        if !math::is_leaf(node) && self.size.contains(node) {
            self.set(node, Some(Node::parent(parent)));
        }
    }

    /// Sets a leaf node in place, without touching its path.
    pub fn set_leaf(&mut self, leaf: u32, leaf_node: LeafNode) -> Result<(), TreeError> {
        let node = self.leaf_node_index(leaf)?;
        self.set(node, Some(Node::leaf(leaf_node)));
        Ok(())
    }
}
