//! The ratchet tree of RFC 9420 §4 and §7: tree math, the tree itself with
//! cached tree hashes, parent hashes, and the integrity checks of a joiner.

mod error;
pub mod math;
mod parent_hash;
mod ratchet_tree;
mod treekem;
mod validate;

pub use error::{LeafError, ParentHashError, TreeError};
pub use parent_hash::parent_hash;
pub use ratchet_tree::Tree;
pub use treekem::{TreeKemPrivate, UpdatePathOutput, next_path_secret, node_key_pair};
pub use validate::{leaf_node_tbs, verify_leaf_signature};
