//! Whole-tree checks a joiner makes (RFC 9420 §12.4.3.1 "Verify the
//! integrity of the ratchet tree") and leaf node signatures (§7.2).

use std::collections::HashMap;

use rayon::prelude::*;

use crate::codec::Writer;
use crate::crypto::{
    CipherSuite, CryptoProvider, SignaturePublicKey, verify_all_with_label, verify_with_label,
};
use crate::messages::{LeafNode, LeafNodeSource, Node};

use super::error::LeafError;
use super::math;
use super::{Tree, TreeError};

/// The bytes `LeafNodeTBS` signs: the leaf's fields, plus the group id and
/// leaf index for the `update` and `commit` sources.
pub fn leaf_node_tbs(
    leaf: &LeafNode,
    group_id: &[u8],
    leaf_index: u32,
) -> Result<Vec<u8>, TreeError> {
    let mut w = Writer::new();
    leaf.encode_tbs_fields(&mut w)?;
    match leaf.leaf_node_source {
        LeafNodeSource::KeyPackage(_) => {}
        LeafNodeSource::Update | LeafNodeSource::Commit { .. } => {
            w.vl_bytes(group_id)?;
            w.u32(leaf_index);
        }
    }
    Ok(w.into_bytes())
}

/// Verifies a leaf node's signature with its own signature key.
pub fn verify_leaf_signature<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    leaf: &LeafNode,
    group_id: &[u8],
    leaf_index: u32,
) -> Result<(), TreeError> {
    let tbs = leaf_node_tbs(leaf, group_id, leaf_index)?;
    let key = SignaturePublicKey(leaf.signature_key.0.clone());
    verify_with_label(p, cs, &key, b"LeafNodeTBS", &tbs, leaf.signature.as_slice()).map_err(|e| {
        TreeError::InvalidLeaf {
            leaf: leaf_index,
            why: LeafError::Signature(e),
        }
    })
}

impl Tree {
    /// Verifies the signature of every non-blank leaf: in batches, one per
    /// thread, where the provider batches (Ed25519); if a batch fails, one
    /// by one to name the leaf.
    pub fn verify_leaf_signatures<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        group_id: &[u8],
    ) -> Result<(), TreeError> {
        let cs = self.cipher_suite();
        let members: Vec<(u32, &LeafNode)> = self.members().collect();
        let chunk = members
            .len()
            .div_ceil(rayon::current_num_threads().max(1))
            .max(32);
        let batches_pass = members
            .par_chunks(chunk)
            .map(|chunk| {
                let tbs = chunk
                    .iter()
                    .map(|(i, leaf)| leaf_node_tbs(leaf, group_id, *i))
                    .collect::<Result<Vec<_>, _>>()?;
                let items: Vec<(&[u8], &[u8], &[u8])> = chunk
                    .iter()
                    .zip(&tbs)
                    .map(|((_, leaf), tbs)| {
                        (
                            leaf.signature_key.as_slice(),
                            tbs.as_slice(),
                            leaf.signature.as_slice(),
                        )
                    })
                    .collect();
                Ok(verify_all_with_label(p, cs, b"LeafNodeTBS", &items)?)
            })
            .try_reduce(|| true, |a, b| Ok::<bool, TreeError>(a && b))?;
        if batches_pass {
            return Ok(());
        }
        members
            .par_iter()
            .try_for_each(|(i, leaf)| verify_leaf_signature(p, cs, leaf, group_id, *i))
    }

    /// Unmerged leaves (§12.4.3.1): each names a non-blank leaf below the
    /// parent, every non-blank parent between them lists it too, and the
    /// list is sorted (§7.1).
    pub fn verify_unmerged_leaves(&self) -> Result<(), TreeError> {
        let size = self.size();
        for node in (0..size.nodes()).filter(|n| !math::is_leaf(*n)) {
            let Some(parent) = self.parent(node) else {
                continue;
            };
            if parent
                .unmerged_leaves
                .windows(2)
                .any(|w| matches!(w, [a, b] if a >= b))
            {
                return Err(TreeError::UnmergedLeaf {
                    node,
                    leaf: parent.unmerged_leaves.first().copied().unwrap_or_default(),
                    why: "list is not sorted in increasing order without repeats",
                });
            }
            for &leaf in &parent.unmerged_leaves {
                let err = |why| TreeError::UnmergedLeaf { node, leaf, why };
                let leaf_node = math::leaf_to_node(leaf).ok_or(err("is out of range"))?;
                if !size.contains(leaf_node) || !math::is_in_subtree(leaf_node, node) {
                    return Err(err("is not a descendant"));
                }
                if self.leaf(leaf).is_none() {
                    return Err(err("is blank"));
                }
                for between in math::direct_path(leaf_node, size).unwrap_or_default() {
                    if between == node {
                        break;
                    }
                    if let Some(mid) = self.parent(between)
                        && !mid.unmerged_leaves.contains(&leaf)
                    {
                        return Err(err("is missing from a non-blank parent between them"));
                    }
                }
            }
        }
        Ok(())
    }

    /// Encryption keys are unique across all nodes and signature keys
    /// across all leaves (§7.3, §12.4.3.1).
    pub fn verify_unique_keys(&self) -> Result<(), TreeError> {
        let nodes = usize::try_from(self.size().nodes()).unwrap_or(0);
        let mut encryption: HashMap<&[u8], u32> = HashMap::with_capacity(nodes);
        let mut signature: HashMap<&[u8], u32> = HashMap::with_capacity(nodes / 2 + 1);
        for node in 0..self.size().nodes() {
            let key = match self.node(node) {
                Some(Node::Leaf(l)) => {
                    if let Some(other) = signature.insert(l.signature_key.as_slice(), node / 2) {
                        return Err(TreeError::DuplicateSignatureKey {
                            leaf: node / 2,
                            other,
                        });
                    }
                    l.encryption_key.as_slice()
                }
                Some(Node::Parent(p)) => p.encryption_key.as_slice(),
                None => continue,
            };
            if let Some(other) = encryption.insert(key, node) {
                return Err(TreeError::DuplicateEncryptionKey { node, other });
            }
        }
        Ok(())
    }

    /// Everything a joiner checks of a received tree that does not depend on
    /// the group context: parent hashes, unmerged leaves, key uniqueness and
    /// leaf signatures.
    pub fn verify_integrity<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        group_id: &[u8],
    ) -> Result<(), TreeError> {
        self.verify_unmerged_leaves()?;
        self.verify_unique_keys()?;
        self.verify_parent_hashes(p)?;
        self.verify_leaf_signatures(p, group_id)
    }
}
