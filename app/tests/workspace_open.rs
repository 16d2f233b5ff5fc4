#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! `Workspace::group_open` (what the Groups panel reads when a group is
//! opened, with one decode of its state) agrees with the reads it
//! replaces: `group_show`, `proposals`, `commit_candidates` and the
//! stored tree of the row's epoch (`epoch_tree`), for a group with a
//! pending proposal, with a staged commit, and for a member removed.

use mls_inspector::workspace::{GroupKey, GroupStatus, ProposalRequest, Receipt, Workspace};

#[path = "support/gui.rs"]
mod gui;
use gui::{TempDir, alice_and_bob};

/// `group_open` of `key` against the separate reads.
fn assert_agrees(ws: &Workspace, key: GroupKey) {
    let opened = ws.group_open(key).unwrap();
    let row = ws.group_row(key).unwrap();
    assert_eq!(opened.row, row);
    let mut stored = ws.epoch_tree(key, row.epoch).unwrap();
    assert_eq!(opened.tree, stored);
    if row.status == GroupStatus::Active {
        assert_eq!(opened.details.as_ref(), Some(&ws.group_show(key).unwrap()));
        assert_eq!(opened.proposals, ws.proposals(key).unwrap());
        assert_eq!(
            opened.candidates.as_ref(),
            Some(&ws.commit_candidates(key).unwrap())
        );
        // The tree comes with its hashes: the root's is the context's.
        let root = stored.size().root();
        let hash = stored.root_hash(&mls_core::crypto::RustCrypto).unwrap();
        assert_eq!(opened.tree.cached_tree_hash(root), Some(hash.as_slice()));
        assert_eq!(
            hex::encode(&hash),
            opened.details.as_ref().unwrap().tree_hash_hex
        );
    } else {
        assert_eq!(opened.details, None);
        assert!(opened.proposals.is_empty());
        assert_eq!(opened.candidates, None);
    }
}

#[test]
fn group_open_agrees_with_the_reads_it_replaces() {
    let dir = TempDir::new("group-open");
    let (a_db, ga, b, gb) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    assert_agrees(&a, ga);
    assert_agrees(&b, gb);

    // A pending proposal, then a staged commit covering it.
    a.propose(ga, &ProposalRequest::Update).unwrap();
    assert_eq!(a.proposals(ga).unwrap().len(), 1);
    assert_agrees(&a, ga);
    let out = a.commit(ga).unwrap();
    assert!(a.group_open(ga).unwrap().details.unwrap().pending.is_some());
    assert_agrees(&a, ga);
    a.apply(ga).unwrap();
    assert_agrees(&a, ga);

    // Alice removes Bob: his row keeps its history, not its state.
    let Receipt::CommitStaged(_) = b.receive(None, &out.commit).unwrap() else {
        panic!("not staged")
    };
    b.apply(gb).unwrap();
    let out = a.commit_remove(ga, &[1]).unwrap();
    a.apply(ga).unwrap();
    let Receipt::CommitStaged(preview) = b.receive(None, &out.commit).unwrap() else {
        panic!("not staged")
    };
    assert!(preview.self_removed);
    b.apply(gb).unwrap();
    assert_eq!(b.group_row(gb).unwrap().status, GroupStatus::Removed);
    assert_agrees(&b, gb);
    assert_agrees(&a, ga);
}
