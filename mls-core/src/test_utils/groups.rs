//! Test groups: members with basic credentials, groups built by one commit
//! and a Welcome, and messages passed through their wire bytes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use crate::codec::{Decode, Encode, VlBytes};
use crate::crypto::{CipherSuite, CryptoProvider, RustCrypto};
use crate::framing::{MlsMessage, MlsMessageBody};
use crate::group::{CommitSummary, Group, GroupConfig, KeyPackageBundle, Received, StagedCommit};
use crate::messages::{Credential, Extension, GroupInfo, Proposal, Welcome};

/// A basic credential with `name` as its identity.
pub fn credential(name: &str) -> Credential {
    Credential::Basic {
        identity: VlBytes(name.as_bytes().to_vec()),
    }
}

/// A key package of `name` (basic credential, fresh signature key), valid
/// for a day.
pub fn member(cs: CipherSuite, name: &str) -> KeyPackageBundle {
    let (sk, _) = RustCrypto.signature_key_pair(cs).unwrap();
    KeyPackageBundle::generate(&RustCrypto, cs, credential(name), sk, 86_400, Vec::new()).unwrap()
}

/// A message as the receiver sees it: encoded and decoded again.
pub fn wire(m: &MlsMessage) -> MlsMessage {
    MlsMessage::decode_exact(&m.to_bytes().unwrap()).unwrap()
}

/// The Welcome in `m`, through the wire.
pub fn welcome(m: &MlsMessage) -> Welcome {
    match wire(m).body {
        MlsMessageBody::Welcome(w) => w,
        _ => panic!("not a Welcome"),
    }
}

/// The GroupInfo in `m`, through the wire.
pub fn group_info(m: &MlsMessage) -> GroupInfo {
    match wire(m).body {
        MlsMessageBody::GroupInfo(g) => g,
        _ => panic!("not a GroupInfo"),
    }
}

/// The staged commit of a processed message.
pub fn staged(r: Received) -> StagedCommit {
    match r {
        Received::Commit(s) => *s,
        other => panic!("expected a commit, got {other:?}"),
    }
}

/// Processes `commit` (through the wire) and merges it; returns its summary.
pub fn apply(g: &mut Group, commit: &MlsMessage) -> CommitSummary {
    let staged = staged(g.process(&RustCrypto, &wire(commit)).unwrap());
    let summary = staged.summary.clone();
    g.merge(staged).unwrap();
    summary
}

/// A group of `bundles`: the first creates it (id `group_id`, context
/// `extensions`) and adds the others in one commit; they join by its
/// Welcome. Member `i` runs with `config(i)`.
pub fn group_from(
    group_id: &[u8],
    extensions: Vec<Extension>,
    bundles: &[KeyPackageBundle],
    config: impl Fn(usize) -> GroupConfig,
) -> Vec<Group> {
    let p = RustCrypto;
    let mut first =
        Group::create(&p, &bundles[0], group_id.to_vec(), extensions, config(0)).unwrap();
    let adds = bundles[1..]
        .iter()
        .map(|b| Proposal::Add {
            key_package: b.key_package.clone(),
        })
        .collect();
    let out = first.commit(&p, adds, false).unwrap();
    first.merge(out.staged).unwrap();
    let mut all = vec![first];
    if let Some(w) = &out.welcome {
        let w = welcome(w);
        for (i, b) in bundles.iter().enumerate().skip(1) {
            all.push(Group::join(&p, &w, b, None, BTreeMap::new(), config(i)).unwrap());
        }
    }
    all
}

/// Members named `names` (fresh key packages, default configuration) in
/// group `group_id`.
pub fn group_of(cs: CipherSuite, group_id: &[u8], names: &[&str]) -> Vec<Group> {
    let bundles: Vec<_> = names.iter().map(|n| member(cs, n)).collect();
    group_from(group_id, Vec::new(), &bundles, |_| GroupConfig::default())
}

/// Alice and Bob (default configuration) in group `group_id`.
pub fn pair(cs: CipherSuite, group_id: &[u8]) -> (Group, Group) {
    two(group_of(cs, group_id, &["alice", "bob"]))
}

/// The two members of a two-member group.
pub fn two(mut members: Vec<Group>) -> (Group, Group) {
    let bob = members.pop().unwrap();
    let alice = members.pop().unwrap();
    (alice, bob)
}
