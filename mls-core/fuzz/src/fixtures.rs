//! The fixed states and their valid messages, one builder per target.

use mls_core::codec::{Decode, Encode};
use mls_core::crypto::{
    CipherSuite, CryptoProvider, HpkePrivateKey, RustCrypto, Secret, SignaturePrivateKey,
};
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{Group, GroupConfig, KeyPackageBundle};
use mls_core::messages::{GroupInfo, KeyPackage, Proposal};
use mls_core::test_utils::groups::{apply, credential, group_from, group_of, member, pair};

use crate::load_or_build;

/// The suite of every fixture group.
pub const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;

fn state(g: &Group) -> Vec<u8> {
    g.to_bytes().expect("state encodes").as_bytes().to_vec()
}

fn bytes(m: &MlsMessage) -> Vec<u8> {
    m.to_bytes().expect("message encodes")
}

/// Checks at build time that `message` is accepted by (a clone of) `g`,
/// so the fixture's seeds reach past the signature and decryption checks.
fn accepted(g: &Group, message: &[u8]) {
    let m = MlsMessage::decode_exact(message).expect("fixture message decodes");
    g.clone()
        .process(&RustCrypto, &m)
        .expect("the fixture's own message is accepted");
}

fn load(parts: &[Vec<u8>], i: usize) -> Option<Group> {
    Group::from_bytes(&RustCrypto, parts.get(i)?).ok()
}

fn seeds(names: &[&str], parts: &[Vec<u8>]) -> Vec<(String, Vec<u8>)> {
    names
        .iter()
        .zip(parts)
        .map(|(n, b)| ((*n).to_string(), b.clone()))
        .collect()
}

/// A receiving member and the valid messages for it (wire bytes).
pub struct Receiver {
    pub group: Group,
    pub seeds: Vec<(String, Vec<u8>)>,
}

/// Bob in a group of Alice, Bob and Carol (epoch 1, PublicMessage
/// handshakes), and commits and a proposal for that epoch from Alice and
/// Carol: an update path, a remove, an add, an update proposal.
pub fn commit_receiver() -> Receiver {
    const NAMES: [&str; 5] = [
        "commit-path",
        "commit-remove",
        "commit-add",
        "proposal-update",
        "commit-carol",
    ];
    load_or_build(
        "commit_process",
        || {
            let p = RustCrypto;
            let mut g = group_of(CS, b"fuzz-commit", &["alice", "bob", "carol"]);
            let carol = g.pop().expect("carol");
            let bob = g.pop().expect("bob");
            let alice = g.pop().expect("alice");
            let dave = member(CS, "dave");
            let commit = |from: &Group, proposals: Vec<Proposal>, path: bool| {
                bytes(
                    &from
                        .clone()
                        .commit(&p, proposals, path)
                        .expect("commit")
                        .commit,
                )
            };
            let parts = vec![
                state(&bob),
                commit(&alice, vec![], true),
                commit(&alice, vec![Proposal::Remove { removed: 2 }], false),
                commit(
                    &alice,
                    vec![Proposal::Add {
                        key_package: dave.key_package,
                    }],
                    false,
                ),
                bytes(&alice.clone().propose_update(&p).expect("proposal")),
                commit(&carol, vec![], true),
            ];
            for m in &parts[1..] {
                accepted(&bob, m);
            }
            parts
        },
        |parts| {
            Some(Receiver {
                group: load(parts, 0)?,
                seeds: seeds(&NAMES, parts.get(1..)?),
            })
        },
    )
}

/// Bob in a two-member group that encrypts handshakes, in epoch 2 (epoch 1
/// kept as a past epoch), and Alice's PrivateMessages: an application
/// message of epoch 1 Bob has not read, two of epoch 2, an encrypted commit
/// and proposal of epoch 2, and the (already merged) commit of epoch 1.
pub fn private_receiver() -> Receiver {
    const NAMES: [&str; 6] = [
        "app-past-epoch",
        "app-short",
        "app-long",
        "commit",
        "proposal",
        "commit-merged",
    ];
    load_or_build(
        "private_message",
        || {
            let p = RustCrypto;
            let config = |_| GroupConfig {
                encrypt_handshake: true,
                ..GroupConfig::default()
            };
            let bundles = [member(CS, "alice"), member(CS, "bob")];
            let mut g = group_from(b"fuzz-private", Vec::new(), &bundles, config);
            let mut bob = g.pop().expect("bob");
            let mut alice = g.pop().expect("alice");
            let past = alice.send_application(&p, b"hello", b"").expect("send");
            let out = alice.commit(&p, vec![], true).expect("commit");
            alice.merge(out.staged).expect("merge");
            apply(&mut bob, &out.commit);
            let short = alice.send_application(&p, b"second", b"ad").expect("send");
            let long = alice
                .send_application(&p, &[0x61; 300], &[0x62; 20])
                .expect("send");
            let commit = alice
                .clone()
                .commit(&p, vec![], true)
                .expect("commit")
                .commit;
            let proposal = alice.clone().propose_update(&p).expect("proposal");
            let parts = vec![
                state(&bob),
                bytes(&past),
                bytes(&short),
                bytes(&long),
                bytes(&commit),
                bytes(&proposal),
                bytes(&out.commit),
            ];
            // All but the last (already merged) are accepted.
            for m in &parts[1..6] {
                accepted(&bob, m);
            }
            parts
        },
        |parts| {
            Some(Receiver {
                group: load(parts, 0)?,
                seeds: seeds(&NAMES, parts.get(1..)?),
            })
        },
    )
}

/// Alice in a group with Bob that accepts external commits; its GroupInfo
/// (ratchet tree included); Charlie's external commit and Bob's resync
/// external commit made from it; a signer for joining from a GroupInfo.
pub struct ExternalFixture {
    pub group: Group,
    pub group_info: GroupInfo,
    pub signer: SignaturePrivateKey,
    pub seeds: Vec<(String, Vec<u8>)>,
}

pub fn external_fixture() -> ExternalFixture {
    const NAMES: [&str; 3] = ["group-info", "external-commit", "external-resync"];
    load_or_build(
        "external_commit",
        || {
            let p = RustCrypto;
            let (alice, _bob) = pair(CS, b"fuzz-external");
            let info_msg = alice.export_group_info(&p).expect("group info");
            let MlsMessageBody::GroupInfo(info) = &info_msg.body else {
                panic!("not a GroupInfo");
            };
            let join = |name: &str, resync| {
                let (sk, _) = p.signature_key_pair(CS).expect("key");
                let (_, commit) = Group::join_external(
                    &p,
                    info,
                    None,
                    sk,
                    credential(name),
                    resync,
                    GroupConfig::default(),
                )
                .expect("external join");
                bytes(&commit)
            };
            let (signer, _) = p.signature_key_pair(CS).expect("key");
            let parts = vec![
                state(&alice),
                signer.0.as_bytes().to_vec(),
                bytes(&info_msg),
                join("charlie", None),
                join("bob", Some(1)),
            ];
            for m in &parts[3..] {
                accepted(&alice, m);
            }
            parts
        },
        |parts| {
            let info = match MlsMessage::decode_exact(parts.get(2)?).ok()?.body {
                MlsMessageBody::GroupInfo(g) => g,
                _ => return None,
            };
            Some(ExternalFixture {
                group: load(parts, 0)?,
                signer: SignaturePrivateKey::new(Secret::new(parts.get(1)?.clone())),
                group_info: info,
                seeds: seeds(&NAMES, parts.get(2..)?),
            })
        },
    )
}

/// Bob's key package bundle and two Welcomes made for it (a two-member
/// and a three-member group, both with the ratchet tree extension).
pub struct WelcomeFixture {
    pub bundle: KeyPackageBundle,
    pub seeds: Vec<(String, Vec<u8>)>,
}

pub fn welcome_fixture() -> WelcomeFixture {
    const NAMES: [&str; 2] = ["welcome-two", "welcome-three"];
    load_or_build(
        "welcome_join",
        || {
            let p = RustCrypto;
            let bob = member(CS, "bob");
            let welcome = |gid: &[u8], others: &[&str]| {
                let alice = member(CS, "alice");
                let mut g =
                    Group::create(&p, &alice, gid.to_vec(), Vec::new(), GroupConfig::default())
                        .expect("create");
                let mut adds = vec![Proposal::Add {
                    key_package: bob.key_package.clone(),
                }];
                for n in others {
                    adds.push(Proposal::Add {
                        key_package: member(CS, n).key_package,
                    });
                }
                let out = g.commit(&p, adds, false).expect("commit");
                let w = out.welcome.expect("welcome");
                let MlsMessageBody::Welcome(body) = &w.body else {
                    panic!("not a Welcome");
                };
                // The seed is accepted by the bundle it was made for.
                Group::join(
                    &p,
                    body,
                    &bob,
                    None,
                    Default::default(),
                    GroupConfig::default(),
                )
                .expect("the fixture's Welcome is accepted");
                bytes(&w)
            };
            vec![
                bob.key_package.to_bytes().expect("encodes"),
                bob.init_private.0.as_bytes().to_vec(),
                bob.encryption_private.0.as_bytes().to_vec(),
                bob.signature_private.0.as_bytes().to_vec(),
                welcome(b"fuzz-welcome-2", &[]),
                welcome(b"fuzz-welcome-3", &["carol"]),
            ]
        },
        |parts| {
            let secret = |i: usize| Some(Secret::new(parts.get(i)?.clone()));
            Some(WelcomeFixture {
                bundle: KeyPackageBundle {
                    key_package: KeyPackage::decode_exact(parts.first()?).ok()?,
                    init_private: HpkePrivateKey(secret(1)?),
                    encryption_private: HpkePrivateKey(secret(2)?),
                    signature_private: SignaturePrivateKey::new(secret(3)?),
                },
                seeds: seeds(&NAMES, parts.get(4..)?),
            })
        },
    )
}

/// A fresh key package of each suite (bare KeyPackage bytes).
pub fn key_package_seeds() -> Vec<(String, Vec<u8>)> {
    CipherSuite::ALL
        .iter()
        .map(|&cs| {
            let kp = member(cs, "fuzz").key_package;
            (
                format!("suite-{}", cs.id()),
                kp.to_bytes().expect("encodes"),
            )
        })
        .collect()
}

/// The input layout of the `tree_validate` target: suite index byte, group
/// id length byte, group id, then the `ratchet_tree` bytes.
pub fn tree_input(suite_index: u8, group_id: &[u8], tree: &[u8]) -> Vec<u8> {
    let mut out = vec![suite_index, group_id.len() as u8];
    out.extend_from_slice(group_id);
    out.extend_from_slice(tree);
    out
}

/// Trees of a three-member group: after the joins, and after a commit
/// with a path (parent nodes set).
pub fn tree_seeds() -> Vec<(String, Vec<u8>)> {
    let p = RustCrypto;
    let gid = b"fuzz-tree";
    let mut g = group_of(CS, gid, &["alice", "bob", "carol"]);
    let mut out = Vec::new();
    let tree = |g: &Group| g.tree().to_wire().to_bytes().expect("encodes");
    out.push(("three".to_string(), tree_input(0, gid, &tree(&g[0]))));
    if let Some(alice) = g.first_mut() {
        let c = alice.commit(&p, vec![], true).expect("commit");
        alice.merge(c.staged).expect("merge");
        out.push(("three-path".to_string(), tree_input(0, gid, &tree(alice))));
    }
    out
}

/// Messages of a small group for the dissector: a key package, a Welcome,
/// a GroupInfo, a public commit and a private application message.
pub fn dissect_seeds() -> Vec<(String, Vec<u8>)> {
    let p = RustCrypto;
    let kp = member(CS, "dave").key_package;
    let mut g = group_of(CS, b"fuzz-dissect", &["alice", "bob"]);
    let mut out = vec![("key-package".to_string(), kp.to_bytes().expect("encodes"))];
    if let Some(alice) = g.first_mut() {
        let add = alice
            .clone()
            .commit(&p, vec![Proposal::Add { key_package: kp }], true)
            .expect("commit");
        out.push(("commit".to_string(), bytes(&add.commit)));
        if let Some(w) = &add.welcome {
            out.push(("welcome".to_string(), bytes(w)));
        }
        out.push((
            "group-info".to_string(),
            bytes(&alice.export_group_info(&p).expect("group info")),
        ));
        out.push((
            "application".to_string(),
            bytes(&alice.send_application(&p, b"hi", b"").expect("send")),
        ));
    }
    out
}
