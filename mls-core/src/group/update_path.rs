//! Checks of a received UpdatePath (RFC 9420 §12.4.2, §7.3), one set for
//! every commit that carries one: a member's and a new member's external
//! commit.

use crate::codec::VlBytes;
use crate::messages::{Extension, LeafNode, LeafNodeSource, UpdatePath};
use crate::tree::Tree;

use super::error::{GroupError, PathError};
use super::group::Group;
use super::key_package::{now, validate_leaf_capabilities};
use super::proposals::{leaf_supports, required_capabilities};

impl Group {
    /// Validates a commit's UpdatePath before it is merged (§12.4.2): its
    /// leaf node as §7.3 requires (source `commit`, capabilities listing
    /// the credential type and the leaf's extensions, credential accepted by
    /// the identity provider, the group's required capabilities and context
    /// extensions of `extensions` — those of the new epoch — supported, the
    /// signature key unique among the other members), and every public key
    /// it introduces new to `tree` (the tree with the commit's proposals
    /// applied). For a member's commit, `committer` is its leaf index and
    /// current leaf: the new leaf must change the encryption key and be an
    /// acceptable successor of the credential. The leaf signature and the
    /// parent hashes are checked when the path is merged into the tree.
    pub(super) fn validate_update_path(
        &self,
        tree: &Tree,
        path: &UpdatePath,
        committer: Option<(u32, &LeafNode)>,
        extensions: &[Extension],
    ) -> Result<(), GroupError> {
        let leaf = &path.leaf_node;
        if let Some((_, current)) = committer
            && leaf.encryption_key == current.encryption_key
        {
            return Err(PathError::EncryptionKeyUnchanged.into());
        }
        if !matches!(leaf.leaf_node_source, LeafNodeSource::Commit { .. }) {
            return Err(PathError::LeafSourceNotCommit.into());
        }
        validate_leaf_capabilities(leaf).map_err(PathError::from)?;
        let identity = self.config.identity.as_ref();
        identity.validate(
            self.cs,
            &leaf.credential,
            leaf.signature_key.as_slice(),
            now(),
        )?;
        if let Some((_, current)) = committer {
            identity.valid_successor(&current.credential, &leaf.credential)?;
        }
        let required = required_capabilities(extensions)?;
        leaf_supports(leaf, &required, extensions).map_err(PathError::from)?;
        let mut keys: Vec<&VlBytes> = path.nodes.iter().map(|n| &n.encryption_key).collect();
        keys.push(&leaf.encryption_key);
        check_path_keys_fresh(tree, &keys)?;
        let me = committer.map(|(index, _)| index);
        let new_key = KeyPrefix::of(leaf.signature_key.as_slice());
        if let Some((other, _)) = tree
            .members()
            .find(|(i, l)| Some(*i) != me && new_key.matches(l.signature_key.as_slice()))
        {
            return Err(PathError::SignatureKeyInUse { leaf: other }.into());
        }
        Ok(())
    }
}

/// The public keys an UpdatePath introduces must be new to the tree (§12.4.2).
/// Every node's key is compared with the path's (a dozen or two) keys: by
/// their first 8 bytes, then in full where those match.
fn check_path_keys_fresh(tree: &Tree, keys: &[&VlBytes]) -> Result<(), GroupError> {
    let keys: Vec<KeyPrefix<'_>> = keys.iter().map(|k| KeyPrefix::of(k.as_slice())).collect();
    for node in 0..tree.size().nodes() {
        let existing = match tree.node(node) {
            Some(crate::messages::Node::Leaf(l)) => &l.encryption_key,
            Some(crate::messages::Node::Parent(p)) => &p.encryption_key,
            None => continue,
        };
        if keys.iter().any(|k| k.matches(existing.as_slice())) {
            return Err(PathError::KeyNotFresh { node }.into());
        }
    }
    Ok(())
}

/// A key and its first 8 bytes as a number: comparing a tree's worth of
/// keys with it costs one integer comparison per key that differs there.
struct KeyPrefix<'a> {
    prefix: u64,
    key: &'a [u8],
}

impl<'a> KeyPrefix<'a> {
    fn of(key: &'a [u8]) -> Self {
        KeyPrefix {
            prefix: prefix(key),
            key,
        }
    }

    fn matches(&self, other: &[u8]) -> bool {
        prefix(other) == self.prefix && other == self.key
    }
}

fn prefix(key: &[u8]) -> u64 {
    let mut head = [0u8; 8];
    for (h, k) in head.iter_mut().zip(key) {
        *h = *k;
    }
    u64::from_le_bytes(head)
}
