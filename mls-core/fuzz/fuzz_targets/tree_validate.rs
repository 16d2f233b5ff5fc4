//! A ratchet tree from the wire, validated as a joiner does: decode, then
//! `Tree::from_wire`, tree hash, `verify_integrity` (parent hashes, leaf
//! signatures, unmerged leaves, unique keys) and each member's capabilities
//! and credential. Never panics; a tree that loads re-encodes to its input.
//!
//! Input: suite index byte (mod 7), group id length byte, group id, tree.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mls_core::codec::{Decode, Encode};
use mls_core::credential::{BasicIdentityProvider, IdentityProvider};
use mls_core::crypto::{CipherSuite, RustCrypto};
use mls_core::group::validate_leaf_capabilities;
use mls_core::messages::RatchetTree;
use mls_core::tree::Tree;
use mls_core_fuzz::{fixtures, write_seeds};

fuzz_target!(
    init: write_seeds("tree_validate", &fixtures::tree_seeds()),
    |data: &[u8]| {
        let [suite, gid_len, rest @ ..] = data else { return };
        let Some(cs) = CipherSuite::ALL.get(usize::from(*suite) % CipherSuite::ALL.len()).copied()
        else {
            return;
        };
        let Some((group_id, tree_bytes)) = rest.split_at_checked(usize::from(*gid_len)) else {
            return;
        };
        let Ok(wire) = RatchetTree::decode_exact(tree_bytes) else { return };
        let Ok(mut tree) = Tree::from_wire(cs, &wire) else { return };
        assert_eq!(
            tree.to_wire().to_bytes().unwrap_or_default(),
            tree_bytes,
            "a loaded tree re-encodes differently"
        );
        let p = RustCrypto;
        if tree.root_hash(&p).is_err() {
            return;
        }
        if tree.verify_integrity(&p, group_id).is_err() {
            return;
        }
        for (_, leaf) in tree.members() {
            if validate_leaf_capabilities(leaf).is_err() {
                return;
            }
            let _ = BasicIdentityProvider.validate(
                cs,
                &leaf.credential,
                leaf.signature_key.as_slice(),
                1_800_000_000,
            );
        }
    }
);
