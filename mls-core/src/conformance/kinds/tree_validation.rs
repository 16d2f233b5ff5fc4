//! `tree-validation.json`: resolutions and tree hashes of every node, parent
//! hashes and leaf signatures (RFC 9420 §4.1.1, §7.8, §7.9.2, §7.2).

use crate::codec::Decode;
use crate::crypto::{CipherSuite, RustCrypto};
use crate::messages::RatchetTree;
use crate::tree::Tree;

use crate::conformance::check::expect_eq;
use crate::conformance::json::Field;

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let p = RustCrypto;
    let wire = RatchetTree::decode_exact(&case.get("tree")?.hex()?)
        .map_err(|e| format!("tree does not decode: {e}"))?;
    let mut tree = Tree::from_wire(cs, &wire).map_err(|e| format!("tree: {e}"))?;

    let resolutions = case.get("resolutions")?;
    let hashes = case.get("tree_hashes")?;
    let n = tree.size().nodes() as usize;
    for (name, field) in [("resolutions", &resolutions), ("tree_hashes", &hashes)] {
        if field.array()?.len() != n {
            return Err(format!(
                "{name}: {} entries for a tree of {n} nodes",
                field.array()?.len()
            ));
        }
    }
    for i in 0..tree.size().nodes() {
        let list = resolutions.index(i as usize)?;
        let expected = (0..list.array()?.len())
            .map(|j| list.index(j).and_then(|f| f.u32()))
            .collect::<Result<Vec<u32>, String>>()?;
        let computed = tree.resolution(i);
        if expected != computed {
            return Err(format!(
                "resolution of node {i}: expected {expected:?}, computed {computed:?}"
            ));
        }
        let hash = tree
            .tree_hash(&p, i)
            .map_err(|e| format!("tree hash of node {i}: {e}"))?;
        expect_eq(
            &format!("tree hash of node {i}"),
            &hashes.index(i as usize)?.hex()?,
            &hash,
        )?;
    }
    tree.verify_parent_hashes(&p)
        .map_err(|e| format!("parent hashes: {e}"))?;
    tree.verify_leaf_signatures(&p, &case.get("group_id")?.hex()?)
        .map_err(|e| format!("leaf signatures: {e}"))?;
    tree.verify_unmerged_leaves()
        .map_err(|e| format!("unmerged leaves: {e}"))?;
    tree.verify_unique_keys()
        .map_err(|e| format!("key uniqueness: {e}"))
}
