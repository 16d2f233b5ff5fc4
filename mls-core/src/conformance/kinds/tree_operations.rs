//! `tree-operations.json`: applying an add, update or remove proposal to a
//! tree (RFC 9420 §12.1, §7.7) and the tree hashes before and after.

use crate::codec::{Decode, Encode};
use crate::crypto::{CipherSuite, RustCrypto};
use crate::messages::{Proposal, RatchetTree};
use crate::tree::Tree;

use crate::conformance::check::{expect_eq, expect_field};
use crate::conformance::json::Field;

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let p = RustCrypto;
    let before = RatchetTree::decode_exact(&case.get("tree_before")?.hex()?)
        .map_err(|e| format!("tree_before does not decode: {e}"))?;
    let mut tree = Tree::from_wire(cs, &before).map_err(|e| format!("tree_before: {e}"))?;
    let hash = tree.root_hash(&p).map_err(|e| e.to_string())?;
    expect_field(case, "tree_hash_before", "tree_hash_before", &hash)?;

    let proposal = Proposal::decode_exact(&case.get("proposal")?.hex()?)
        .map_err(|e| format!("proposal does not decode: {e}"))?;
    let sender = case.get("proposal_sender")?.u32()?;
    match proposal {
        Proposal::Add { key_package } => tree.add_leaf(key_package.leaf_node).map(|_| ()),
        Proposal::Update { leaf_node } => tree.update_leaf(sender, leaf_node),
        Proposal::Remove { removed } => tree.remove_leaf(removed),
        other => {
            return Err(format!(
                "proposal type {} is not add, update or remove",
                other.proposal_type()
            ));
        }
    }
    .map_err(|e| format!("applying the proposal: {e}"))?;

    let after = tree.to_wire().to_bytes().map_err(|e| e.to_string())?;
    expect_field(case, "tree_after", "tree_after", &after)?;
    let hash = tree.root_hash(&p).map_err(|e| e.to_string())?;
    expect_eq(
        "tree_hash_after",
        &case.get("tree_hash_after")?.hex()?,
        &hash,
    )
}
