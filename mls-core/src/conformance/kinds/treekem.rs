//! `treekem.json`: merging and decrypting UpdatePaths as every member, and
//! creating new ones (RFC 9420 §7.4–§7.6).

use crate::codec::{Decode, Encode, VlBytes};
use crate::crypto::{CipherSuite, HpkePrivateKey, RustCrypto, Secret, SignaturePrivateKey};
use crate::messages::{GroupContext, PROTOCOL_VERSION_MLS10, RatchetTree, UpdatePath};
use crate::tree::{Tree, TreeError, TreeKemPrivate};

use crate::conformance::check::expect_eq;
use crate::conformance::json::Field;

struct Member {
    private: TreeKemPrivate,
    signature_key: SignaturePrivateKey,
}

pub fn run(case: &Field<'_>, cs: CipherSuite) -> Result<(), String> {
    let p = RustCrypto;
    let group_id = case.get("group_id")?.hex()?;
    let epoch = case.get("epoch")?.u64()?;
    let confirmed = case.get("confirmed_transcript_hash")?.hex()?;
    let wire = RatchetTree::decode_exact(&case.get("ratchet_tree")?.hex()?)
        .map_err(|e| format!("ratchet_tree does not decode: {e}"))?;
    let tree = Tree::from_wire(cs, &wire).map_err(|e| format!("ratchet_tree: {e}"))?;
    let context_for = |tree_hash: &[u8]| -> Result<Vec<u8>, TreeError> {
        Ok(GroupContext {
            version: PROTOCOL_VERSION_MLS10,
            cipher_suite: cs.id(),
            group_id: VlBytes(group_id.clone()),
            epoch,
            tree_hash: VlBytes(tree_hash.to_vec()),
            confirmed_transcript_hash: VlBytes(confirmed.clone()),
            extensions: Vec::new(),
        }
        .to_bytes()?)
    };

    let list = case.get("leaves_private")?;
    let mut members = std::collections::BTreeMap::new();
    for i in 0..list.array()?.len() {
        let entry = list.index(i)?;
        let leaf = entry.get("index")?.u32()?;
        let mut private = TreeKemPrivate::new(
            leaf,
            HpkePrivateKey(entry.get("encryption_priv")?.hex()?.into()),
        );
        let secrets = entry.get("path_secrets")?;
        for k in 0..secrets.array()?.len() {
            let s = secrets.index(k)?;
            let node = s.get("node")?.u32()?;
            private
                .set_path_secret(&p, cs, node, &Secret::new(s.get("path_secret")?.hex()?))
                .map_err(|e| format!("leaf {leaf}: path secret for node {node}: {e}"))?;
        }
        private
            .check_consistency(&p, &tree)
            .map_err(|e| format!("leaves_private[{i}]: {e}"))?;
        let signature_key = SignaturePrivateKey::new(entry.get("signature_priv")?.hex()?.into());
        members.insert(
            leaf,
            Member {
                private,
                signature_key,
            },
        );
    }

    let paths = case.get("update_paths")?;
    for u in 0..paths.array()?.len() {
        let entry = paths.index(u)?;
        let sender = entry.get("sender")?.u32()?;
        let at = |what: String| format!("update_paths[{u}] (sender {sender}): {what}");
        let path = UpdatePath::decode_exact(&entry.get("update_path")?.hex()?)
            .map_err(|e| at(format!("does not decode: {e}")))?;

        let mut merged = tree.clone();
        merged
            .merge_update_path(&p, sender, &path, &group_id, &[])
            .map_err(|e| at(format!("merging: {e}")))?;
        let tree_hash = merged.root_hash(&p).map_err(|e| at(e.to_string()))?;
        expect_eq(
            &at("tree_hash_after".into()),
            &entry.get("tree_hash_after")?.hex()?,
            &tree_hash,
        )?;
        let context = context_for(&tree_hash).map_err(|e| at(e.to_string()))?;

        let expected_secrets = entry.get("path_secrets")?;
        let commit_secret = entry.get("commit_secret")?.hex()?;
        for (leaf, member) in members.iter().filter(|(leaf, _)| **leaf != sender) {
            let mut private = member.private.clone();
            let (path_secret, commit) = merged
                .decrypt_update_path(&p, &mut private, sender, &path, &[], &context)
                .map_err(|e| at(format!("leaf {leaf} decrypting: {e}")))?;
            let expected = expected_secrets.index(*leaf as usize)?.hex()?;
            expect_eq(
                &at(format!("path secret for leaf {leaf}")),
                &expected,
                path_secret.as_bytes(),
            )?;
            expect_eq(
                &at(format!("commit secret at leaf {leaf}")),
                &commit_secret,
                commit.as_bytes(),
            )?;
        }

        // A fresh UpdatePath from the same sender, processed by everyone.
        let sender_member = members
            .get(&sender)
            .ok_or_else(|| at("no private state for the sender".into()))?;
        let template = tree
            .leaf(sender)
            .cloned()
            .ok_or_else(|| at("the sender's leaf is blank".into()))?;
        let mut ours = tree.clone();
        let out = ours
            .create_update_path(
                &p,
                sender,
                &template,
                &sender_member.signature_key,
                &group_id,
                &[],
                |h| context_for(h),
            )
            .map_err(|e| at(format!("creating a new UpdatePath: {e}")))?;
        let bytes = out.update_path.to_bytes().map_err(|e| at(e.to_string()))?;
        let reparsed = UpdatePath::decode_exact(&bytes).map_err(|e| at(e.to_string()))?;
        let mut theirs = tree.clone();
        theirs
            .merge_update_path(&p, sender, &reparsed, &group_id, &[])
            .map_err(|e| at(format!("merging our own UpdatePath: {e}")))?;
        let new_hash = theirs.root_hash(&p).map_err(|e| at(e.to_string()))?;
        let our_hash = ours.root_hash(&p).map_err(|e| at(e.to_string()))?;
        expect_eq(
            &at("tree hash after our UpdatePath".into()),
            &our_hash,
            &new_hash,
        )?;
        let context = context_for(&new_hash).map_err(|e| at(e.to_string()))?;
        for (leaf, member) in members.iter().filter(|(leaf, _)| **leaf != sender) {
            let mut private = member.private.clone();
            let (_, commit) = theirs
                .decrypt_update_path(&p, &mut private, sender, &reparsed, &[], &context)
                .map_err(|e| at(format!("leaf {leaf} decrypting our UpdatePath: {e}")))?;
            expect_eq(
                &at(format!("our commit secret at leaf {leaf}")),
                out.commit_secret.as_bytes(),
                commit.as_bytes(),
            )?;
        }
    }
    Ok(())
}
