//! Parent hashes (RFC 9420 §7.9) and their verification (§7.9.2).

use crate::codec::Writer;
use crate::crypto::{CipherSuite, CryptoProvider};
use crate::messages::{LeafNodeSource, Node};

use super::error::ParentHashError;
use super::math;
use super::{Tree, TreeError};

/// `Hash(ParentHashInput)` with
/// `ParentHashInput = { encryption_key<V>, parent_hash<V>, original_sibling_tree_hash<V> }`.
pub fn parent_hash<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    encryption_key: &[u8],
    parent_hash: &[u8],
    original_sibling_tree_hash: &[u8],
) -> Result<Vec<u8>, TreeError> {
    let mut w = Writer::new();
    w.vl_bytes(encryption_key)?;
    w.vl_bytes(parent_hash)?;
    w.vl_bytes(original_sibling_tree_hash)?;
    Ok(p.hash(cs, w.as_bytes()))
}

impl Tree {
    /// The `parent_hash` a node carries: a parent's field, or a leaf's when
    /// its source is `commit`; `None` for blanks and other leaves.
    pub fn parent_hash_field(&self, node: u32) -> Option<&[u8]> {
        match self.node(node)? {
            Node::Parent(p) => Some(p.parent_hash.as_slice()),
            Node::Leaf(l) => match &l.leaf_node_source {
                LeafNodeSource::Commit { parent_hash } => Some(parent_hash.as_slice()),
                _ => None,
            },
        }
    }

    /// The parent hash of parent node `parent` with copath child `sibling`:
    /// uses the original sibling tree hash, i.e. the sibling's subtree with
    /// the parent's unmerged leaves taken out.
    pub fn parent_hash_of<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        parent: u32,
        sibling: u32,
    ) -> Result<Vec<u8>, TreeError> {
        let (key, ph, unmerged) = match self.parent(parent) {
            Some(n) => (
                n.encryption_key.0.clone(),
                n.parent_hash.0.clone(),
                n.unmerged_leaves.clone(),
            ),
            None => {
                return Err(TreeError::ParentHash {
                    node: parent,
                    why: ParentHashError::BlankNode,
                });
            }
        };
        let sibling_hash = self.tree_hash_excluding(p, sibling, &unmerged)?;
        parent_hash(p, self.cipher_suite(), &key, &ph, &sibling_hash)
    }

    /// Checks that every non-blank parent node is parent-hash valid (§7.9.2,
    /// "top down"): exactly one descendant D's `parent_hash` matches the
    /// parent's hash with the other child as copath child, where D is in the
    /// resolution of its side's child C and the parent's unmerged leaves
    /// under C are exactly the rest of that resolution.
    pub fn verify_parent_hashes<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
    ) -> Result<(), TreeError> {
        let size = self.size();
        for node in (0..size.nodes()).filter(|n| !math::is_leaf(*n)) {
            let Some(parent) = self.parent(node) else {
                continue;
            };
            let unmerged: Vec<u32> = parent.unmerged_leaves.clone();
            let (Some(left), Some(right)) = (math::left(node), math::right(node)) else {
                continue;
            };
            let mut matches = 0usize;
            for (child, sibling) in [(left, right), (right, left)] {
                let expected = self.parent_hash_of(p, node, sibling)?;
                let resolution = self.resolution(child);
                let unmerged_under: Vec<u32> = unmerged
                    .iter()
                    .filter_map(|l| math::leaf_to_node(*l))
                    .filter(|n| math::is_in_subtree(*n, child))
                    .collect();
                for d in &resolution {
                    if self.parent_hash_field(*d) != Some(expected.as_slice()) {
                        continue;
                    }
                    let mut rest: Vec<u32> =
                        resolution.iter().copied().filter(|n| n != d).collect();
                    let mut under = unmerged_under.clone();
                    rest.sort_unstable();
                    under.sort_unstable();
                    if rest == under {
                        matches += 1;
                    }
                }
            }
            if matches != 1 {
                return Err(TreeError::ParentHash {
                    node,
                    why: if matches == 0 {
                        ParentHashError::NoLink
                    } else {
                        ParentHashError::ManyLinks { count: matches }
                    },
                });
            }
        }
        Ok(())
    }
}
