//! TreeKEM (RFC 9420 §7.4–§7.6): creating an UpdatePath, merging one into
//! the tree, and decrypting the path secret as any member.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::codec::VlBytes;
use crate::crypto::{
    CipherSuite, CryptoProvider, HpkeCiphertext, HpkePrivateKey, HpkePublicKey, Secret,
    SignaturePrivateKey, decrypt_with_label, derive_secret, encrypt_many_with_prepared,
    prepare_encrypt_context, sign_with_label,
};
use crate::messages::{
    HpkeCiphertextWire, LeafNode, LeafNodeSource, Node, ParentNode, UpdatePath, UpdatePathNode,
};

use super::error::{LeafError, ParentHashError};
use super::math;
use super::{Tree, TreeError, leaf_node_tbs, parent_hash, verify_leaf_signature};

/// `path_secret[n] = DeriveSecret(path_secret[n-1], "path")`.
pub fn next_path_secret<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    path_secret: &Secret,
) -> Result<Secret, TreeError> {
    Ok(derive_secret(p, cs, path_secret.as_bytes(), b"path")?)
}

/// `node_priv, node_pub = KEM.DeriveKeyPair(DeriveSecret(path_secret, "node"))`.
pub fn node_key_pair<P: CryptoProvider + ?Sized>(
    p: &P,
    cs: CipherSuite,
    path_secret: &Secret,
) -> Result<(HpkePrivateKey, HpkePublicKey), TreeError> {
    let node_secret = derive_secret(p, cs, path_secret.as_bytes(), b"node")?;
    Ok(p.hpke_derive_key_pair(cs, node_secret.as_bytes())?)
}

/// A member's private view of the tree: its leaf's HPKE private key and
/// the private keys of the parent nodes it knows.
#[derive(Debug, Clone)]
pub struct TreeKemPrivate {
    pub leaf: u32,
    keys: BTreeMap<u32, HpkePrivateKey>,
}

impl TreeKemPrivate {
    pub fn new(leaf: u32, leaf_key: HpkePrivateKey) -> Self {
        let mut keys = BTreeMap::new();
        if let Some(node) = math::leaf_to_node(leaf) {
            keys.insert(node, leaf_key);
        }
        TreeKemPrivate { leaf, keys }
    }

    pub fn key(&self, node: u32) -> Option<&HpkePrivateKey> {
        self.keys.get(&node)
    }

    pub fn insert(&mut self, node: u32, key: HpkePrivateKey) {
        self.keys.insert(node, key);
    }

    /// Nodes this member holds private keys for.
    pub fn nodes(&self) -> impl Iterator<Item = u32> + '_ {
        self.keys.keys().copied()
    }

    /// Stores the key pair derived from `path_secret` at `node`.
    pub fn set_path_secret<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        cs: CipherSuite,
        node: u32,
        path_secret: &Secret,
    ) -> Result<(), TreeError> {
        let (sk, _) = node_key_pair(p, cs, path_secret)?;
        self.keys.insert(node, sk);
        Ok(())
    }

    /// Drops keys of nodes that are no longer on this member's direct path
    /// or were blanked.
    pub fn retain_valid(&mut self, tree: &Tree) {
        self.keys.retain(|node, _| tree.node(*node).is_some());
    }

    /// Every private key matches a non-blank node's public key.
    pub fn check_consistency<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        tree: &Tree,
    ) -> Result<(), TreeError> {
        for (node, sk) in &self.keys {
            let public = match tree.node(*node) {
                Some(Node::Leaf(l)) => &l.encryption_key,
                Some(Node::Parent(n)) => &n.encryption_key,
                None => {
                    return Err(TreeError::InvalidLeaf {
                        leaf: self.leaf,
                        why: LeafError::PrivateKeyForBlankNode { node: *node },
                    });
                }
            };
            let derived = p.hpke_public_key(tree.cipher_suite(), sk)?;
            if derived.0 != public.0 {
                return Err(TreeError::InvalidLeaf {
                    leaf: self.leaf,
                    why: LeafError::PrivateKeyMismatch { node: *node },
                });
            }
        }
        Ok(())
    }
}

/// What creating an UpdatePath yields for the committer.
#[derive(Debug)]
pub struct UpdatePathOutput {
    pub update_path: UpdatePath,
    pub commit_secret: Secret,
    /// The committer's new private state (leaf key and path keys).
    pub private: TreeKemPrivate,
    /// The path secret of each node on the filtered direct path (for
    /// Welcome messages: new members get the one of their common ancestor).
    pub path_secrets: Vec<(u32, Secret)>,
}

fn node_public_key(tree: &Tree, node: u32) -> Option<&VlBytes> {
    match tree.node(node)? {
        Node::Leaf(l) => Some(&l.encryption_key),
        Node::Parent(p) => Some(&p.encryption_key),
    }
}

impl Tree {
    /// The copath resolution of a filtered-direct-path node, without the
    /// leaves added in the same commit (§7.6).
    fn resolution_excluding(&self, node: u32, excluded: &[u32]) -> Vec<u32> {
        self.resolution(node)
            .into_iter()
            .filter(|n| !(math::is_leaf(*n) && excluded.contains(&(n / 2))))
            .collect()
    }

    /// Blanks the sender's direct path, installs the new parent keys on its
    /// filtered direct path, and sets their parent hashes from the root
    /// down. Returns the parent hash the sender's leaf must carry.
    fn install_path_keys<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        sender: u32,
        fdp: &[(u32, u32)],
        keys: &[VlBytes],
    ) -> Result<Vec<u8>, TreeError> {
        self.blank_direct_path(sender)?;
        let mut above: Vec<u8> = Vec::new();
        for ((node, copath), key) in fdp.iter().zip(keys).rev() {
            self.set_parent(
                *node,
                ParentNode {
                    encryption_key: key.clone(),
                    parent_hash: VlBytes(above.clone()),
                    unmerged_leaves: Vec::new(),
                },
            );
            let sibling_hash = self.tree_hash(p, *copath)?;
            above = parent_hash(
                p,
                self.cipher_suite(),
                key.as_slice(),
                &above,
                &sibling_hash,
            )?;
        }
        Ok(above)
    }

    /// Creates an UpdatePath for `sender` (§7.5): fresh leaf key, path
    /// secrets for the filtered direct path, parent hashes, the re-signed
    /// leaf, and the path secrets encrypted to each copath resolution
    /// (without `new_leaves`). The tree is updated in place.
    /// `group_context_for` builds the provisional GroupContext from the new
    /// tree hash.
    #[allow(clippy::too_many_arguments)]
    pub fn create_update_path<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        sender: u32,
        leaf_template: &LeafNode,
        signature_key: &SignaturePrivateKey,
        group_id: &[u8],
        new_leaves: &[u32],
        group_context_for: impl FnOnce(&[u8]) -> Result<Vec<u8>, TreeError>,
    ) -> Result<UpdatePathOutput, TreeError> {
        let cs = self.cipher_suite();
        let fdp = self.filtered_direct_path_with_copath(sender)?;
        let (leaf_sk, leaf_pk) = p.hpke_generate_key_pair(cs)?;
        let mut private = TreeKemPrivate::new(sender, leaf_sk);

        let mut path_secret = Secret::new(p.random_bytes(cs.hash_len())?);
        let mut path_secrets = Vec::with_capacity(fdp.len());
        let mut public_keys = Vec::with_capacity(fdp.len());
        for (node, _) in &fdp {
            let (sk, pk) = node_key_pair(p, cs, &path_secret)?;
            private.insert(*node, sk);
            public_keys.push(VlBytes(pk.0));
            let next = next_path_secret(p, cs, &path_secret)?;
            path_secrets.push((*node, std::mem::replace(&mut path_secret, next)));
        }
        // After the loop `path_secret` is one step past the root's.
        let commit_secret = path_secret;

        let leaf_parent_hash = self.install_path_keys(p, sender, &fdp, &public_keys)?;
        let mut leaf = leaf_template.clone();
        leaf.encryption_key = VlBytes(leaf_pk.0);
        leaf.leaf_node_source = LeafNodeSource::Commit {
            parent_hash: VlBytes(leaf_parent_hash),
        };
        let tbs = leaf_node_tbs(&leaf, group_id, sender)?;
        leaf.signature = VlBytes(sign_with_label(p, cs, signature_key, b"LeafNodeTBS", &tbs)?);
        self.set_leaf(sender, leaf.clone())?;

        let tree_hash = self.root_hash(p)?;
        let context = group_context_for(&tree_hash)?;
        // One `info` for every copath encryption: prepare it once.
        let info = prepare_encrypt_context(p, cs, b"UpdatePathNode", &context)?;
        // Every copath encryption, (filtered-direct-path position, key),
        // in one list: the HPKE encryptions are independent, so they run in
        // parallel in batches that share their field inversions.
        let mut targets: Vec<(usize, HpkePublicKey, &[u8])> = Vec::new();
        for (i, ((_, copath), (_, secret))) in fdp.iter().zip(&path_secrets).enumerate() {
            for target in self.resolution_excluding(*copath, new_leaves) {
                let key = node_public_key(self, target).ok_or(TreeError::ParentHash {
                    node: target,
                    why: ParentHashError::BlankInResolution,
                })?;
                targets.push((i, HpkePublicKey(key.0.clone()), secret.as_bytes()));
            }
        }
        let batch = targets
            .len()
            .div_ceil(4 * rayon::current_num_threads().max(1))
            .max(8);
        let sealed: Vec<Vec<HpkeCiphertext>> = targets
            .par_chunks(batch)
            .map(|chunk| {
                let items: Vec<(&HpkePublicKey, &[u8])> =
                    chunk.iter().map(|(_, pk, secret)| (pk, *secret)).collect();
                Ok(encrypt_many_with_prepared(p, cs, &info, &items)?)
            })
            .collect::<Result<_, TreeError>>()?;
        let mut encrypted: Vec<Vec<HpkeCiphertextWire>> = vec![Vec::new(); fdp.len()];
        for ((i, _, _), ct) in targets.iter().zip(sealed.into_iter().flatten()) {
            if let Some(list) = encrypted.get_mut(*i) {
                list.push(HpkeCiphertextWire {
                    kem_output: VlBytes(ct.kem_output),
                    ciphertext: VlBytes(ct.ciphertext),
                });
            }
        }
        let nodes: Vec<UpdatePathNode> = public_keys
            .into_iter()
            .zip(encrypted)
            .map(|(key, encrypted)| UpdatePathNode {
                encryption_key: key,
                encrypted_path_secret: encrypted,
            })
            .collect();
        Ok(UpdatePathOutput {
            update_path: UpdatePath {
                leaf_node: leaf,
                nodes,
            },
            commit_secret,
            private,
            path_secrets,
        })
    }

    /// Merges a received UpdatePath into the tree (§7.5, recipient side):
    /// checks its shape against the sender's filtered direct path and the
    /// copath resolutions (without `new_leaves`), checks the new leaf's
    /// source and signature, installs the path keys, and verifies that the
    /// leaf's `parent_hash` matches the recomputed one. On error the tree
    /// is left unchanged.
    pub fn merge_update_path<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        sender: u32,
        path: &UpdatePath,
        group_id: &[u8],
        new_leaves: &[u32],
    ) -> Result<(), TreeError> {
        let mut updated = self.clone();
        updated.merge_update_path_in_place(p, sender, path, group_id, new_leaves)?;
        *self = updated;
        Ok(())
    }

    /// [`Tree::merge_update_path`] without the copy that keeps the tree
    /// unchanged on error: for callers that work on a copy already (a
    /// commit being staged) and drop it when this fails.
    pub(crate) fn merge_update_path_in_place<P: CryptoProvider + ?Sized>(
        &mut self,
        p: &P,
        sender: u32,
        path: &UpdatePath,
        group_id: &[u8],
        new_leaves: &[u32],
    ) -> Result<(), TreeError> {
        let cs = self.cipher_suite();
        let fdp = self.filtered_direct_path_with_copath(sender)?;
        let invalid = |why: LeafError| TreeError::InvalidLeaf { leaf: sender, why };
        if self.leaf(sender).is_none() {
            return Err(TreeError::BlankLeaf(sender));
        }
        if path.nodes.len() != fdp.len() {
            return Err(invalid(LeafError::PathLength {
                nodes: path.nodes.len(),
                expected: fdp.len(),
            }));
        }
        for (i, ((_, copath), node)) in fdp.iter().zip(&path.nodes).enumerate() {
            let expected = self.resolution_excluding(*copath, new_leaves).len();
            if node.encrypted_path_secret.len() != expected {
                return Err(invalid(LeafError::CiphertextCount {
                    index: i,
                    count: node.encrypted_path_secret.len(),
                    expected,
                }));
            }
        }
        let LeafNodeSource::Commit {
            parent_hash: claimed,
        } = &path.leaf_node.leaf_node_source
        else {
            return Err(invalid(LeafError::PathLeafSourceNotCommit));
        };
        verify_leaf_signature(p, cs, &path.leaf_node, group_id, sender)?;

        let keys: Vec<VlBytes> = path
            .nodes
            .iter()
            .map(|n| n.encryption_key.clone())
            .collect();
        let computed = self.install_path_keys(p, sender, &fdp, &keys)?;
        if computed != claimed.0 {
            return Err(TreeError::ParentHash {
                node: sender.saturating_mul(2),
                why: ParentHashError::LeafParentHash,
            });
        }
        self.set_leaf(sender, path.leaf_node.clone())?;
        Ok(())
    }

    /// Decrypts the path secret meant for `private`'s member from a merged
    /// UpdatePath (§7.5): finds the filtered-direct-path node whose copath
    /// child has the member below it, opens the ciphertext for the
    /// resolution node the member has a key for, derives the path secrets
    /// up to the root, checks them against the path's public keys, and
    /// stores the new private keys. Returns the decrypted path secret and
    /// the commit secret.
    pub fn decrypt_update_path<P: CryptoProvider + ?Sized>(
        &self,
        p: &P,
        private: &mut TreeKemPrivate,
        sender: u32,
        path: &UpdatePath,
        new_leaves: &[u32],
        group_context: &[u8],
    ) -> Result<(Secret, Secret), TreeError> {
        let cs = self.cipher_suite();
        let fdp = self.filtered_direct_path_with_copath(sender)?;
        let me = math::leaf_to_node(private.leaf).ok_or(TreeError::LeafOutOfRange {
            leaf: private.leaf,
            leaves: self.leaf_count(),
        })?;
        let not_found = |why: LeafError| TreeError::InvalidLeaf {
            leaf: private.leaf,
            why,
        };
        let k = fdp
            .iter()
            .position(|(_, copath)| math::is_in_subtree(me, *copath))
            .ok_or_else(|| not_found(LeafError::NotBelowCopath))?;
        let (_, copath) = fdp
            .get(k)
            .copied()
            .ok_or_else(|| not_found(LeafError::NotBelowCopath))?;
        let resolution = self.resolution_excluding(copath, new_leaves);
        let (slot, key) = resolution
            .iter()
            .enumerate()
            .find_map(|(i, n)| private.key(*n).map(|key| (i, key)))
            .ok_or_else(|| not_found(LeafError::NoKeyInResolution))?;
        let ct = path
            .nodes
            .get(k)
            .and_then(|n| n.encrypted_path_secret.get(slot))
            .ok_or_else(|| not_found(LeafError::MissingCiphertext))?;
        let opened = decrypt_with_label(
            p,
            cs,
            key,
            b"UpdatePathNode",
            group_context,
            &HpkeCiphertext {
                kem_output: ct.kem_output.0.clone(),
                ciphertext: ct.ciphertext.0.clone(),
            },
        )?;
        let decrypted = Secret::new(opened);
        let mut secret = decrypted.clone();
        let mut new_keys = Vec::new();
        for ((node, _), path_node) in fdp.iter().zip(&path.nodes).skip(k) {
            let (sk, pk) = node_key_pair(p, cs, &secret)?;
            if pk.0 != path_node.encryption_key.0 {
                return Err(TreeError::ParentHash {
                    node: *node,
                    why: ParentHashError::DerivedKeyMismatch,
                });
            }
            new_keys.push((*node, sk));
            secret = next_path_secret(p, cs, &secret)?;
        }
        for (node, sk) in new_keys {
            private.insert(node, sk);
        }
        private.retain_valid(self);
        Ok((decrypted, secret))
    }
}

impl crate::codec::Encode for TreeKemPrivate {
    fn encode(&self, w: &mut crate::codec::Writer) -> Result<(), crate::codec::EncodeError> {
        w.u32(self.leaf);
        w.vl_nested(|w| {
            for (node, key) in &self.keys {
                w.u32(*node);
                w.vl_bytes(key.0.as_bytes())?;
            }
            Ok(())
        })
    }
}

impl crate::codec::Decode for TreeKemPrivate {
    fn decode(r: &mut crate::codec::Reader<'_>) -> Result<Self, crate::codec::DecodeError> {
        let leaf = r.u32()?;
        let keys =
            r.vl_vec(|r| Ok((r.u32()?, HpkePrivateKey(Secret::new(r.vl_bytes_owned()?)))))?;
        Ok(TreeKemPrivate {
            leaf,
            keys: keys.into_iter().collect(),
        })
    }
}
