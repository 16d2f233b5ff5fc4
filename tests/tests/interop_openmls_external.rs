//! Interop with OpenMLS (0.9.2) for external commits and external proposals
//! (RFC 9420 §12.4.3.2, §12.1.8), on cipher suites 1, 2 and 3.
//!
//! Every group mixes members of both libraries; every message crosses as TLS
//! bytes; after every commit all members must agree on the epoch, the epoch
//! authenticator and the roster, and exchange application messages.
//!
//! 1. An OpenMLS client joins our group (with an OpenMLS member) by external
//!    commit, then commits once more; then the OpenMLS member resyncs by
//!    external commit (OpenMLS removes its old leaf in the same commit).
//! 2. Our client joins an OpenMLS group (with our member) by external commit,
//!    then commits once more; then our member resyncs by external commit.
//! 3. A group of ours (with an OpenMLS member) lists two external senders,
//!    one signing with OpenMLS and one with mls-core: the OpenMLS sender's
//!    Add is committed by the OpenMLS member, our sender's Remove by ours.
//! 4. The same with an OpenMLS-created group: our sender's Add and the
//!    OpenMLS sender's Remove.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use mls_core::codec::{Decode, Encode, VlBytes};
use mls_core::crypto::{CipherSuite, CryptoProvider, RustCrypto, SignaturePrivateKey};
use mls_core::framing::{MlsMessage, MlsMessageBody, Sender};
use mls_core::group::{Group, GroupConfig, KeyPackageBundle, Received, external_proposal};
use mls_core::messages::{Credential, EXT_EXTERNAL_SENDERS, Extension, ExternalSender, Proposal};
use openmls::prelude as om;
use openmls::prelude::tls_codec::Deserialize as _;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::OpenMlsProvider as _;

const P: RustCrypto = RustCrypto;

fn suites() -> [(CipherSuite, om::Ciphersuite); 3] {
    [
        (
            CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519,
            om::Ciphersuite::MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519,
        ),
        (
            CipherSuite::Mls128Dhkemp256Aes128gcmSha256P256,
            om::Ciphersuite::MLS_128_DHKEMP256_AES128GCM_SHA256_P256,
        ),
        (
            CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519,
            om::Ciphersuite::MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519,
        ),
    ]
}

fn credential(name: &str) -> Credential {
    Credential::Basic {
        identity: VlBytes(name.as_bytes().to_vec()),
    }
}

fn bundle(cs: CipherSuite, name: &str) -> KeyPackageBundle {
    let (sk, _) = P.signature_key_pair(cs).unwrap();
    KeyPackageBundle::generate(&P, cs, credential(name), sk, 86_400, Vec::new()).unwrap()
}

fn decode(bytes: &[u8]) -> MlsMessage {
    MlsMessage::decode_exact(bytes).unwrap()
}

fn key_package_bytes(b: &KeyPackageBundle) -> Vec<u8> {
    MlsMessage::new(MlsMessageBody::KeyPackage(b.key_package.clone()))
        .to_bytes()
        .unwrap()
}

// ---- a member of either library ----

enum Member {
    Ours {
        name: String,
        group: Box<Group>,
    },
    Theirs {
        name: String,
        client: Box<Client>,
        group: Box<om::MlsGroup>,
    },
}

/// An OpenMLS client before (or outside) a group.
struct Client {
    om_cs: om::Ciphersuite,
    provider: OpenMlsRustCrypto,
    signer: SignatureKeyPair,
    credential: om::CredentialWithKey,
}

impl Client {
    fn new(om_cs: om::Ciphersuite, name: &str) -> Self {
        let signer = SignatureKeyPair::new(om_cs.signature_algorithm()).unwrap();
        let credential = om::CredentialWithKey {
            credential: om::BasicCredential::new(name.as_bytes().to_vec()).into(),
            signature_key: signer.to_public_vec().into(),
        };
        Client {
            om_cs,
            provider: OpenMlsRustCrypto::default(),
            signer,
            credential,
        }
    }

    fn key_package(&self) -> Vec<u8> {
        let bundle = om::KeyPackage::builder()
            .build(
                self.om_cs,
                &self.provider,
                &self.signer,
                self.credential.clone(),
            )
            .unwrap();
        om::MlsMessageOut::from(bundle.key_package().clone())
            .to_bytes()
            .unwrap()
    }

    fn join_config() -> om::MlsGroupJoinConfig {
        om::MlsGroupJoinConfig::builder()
            .use_ratchet_tree_extension(true)
            .wire_format_policy(om::MIXED_PLAINTEXT_WIRE_FORMAT_POLICY)
            .build()
    }

    fn join(self: Box<Self>, name: &str, welcome: &[u8]) -> Member {
        let om::MlsMessageBodyIn::Welcome(welcome) =
            om::MlsMessageIn::tls_deserialize_exact(welcome)
                .unwrap()
                .extract()
        else {
            panic!("not a Welcome")
        };
        let group = om::StagedWelcome::new_from_welcome(
            &self.provider,
            &Self::join_config(),
            welcome,
            None,
        )
        .and_then(|staged| staged.into_group(&self.provider))
        .unwrap_or_else(|e| panic!("OpenMLS {name} rejects the Welcome: {e:?}"));
        Member::Theirs {
            name: name.to_owned(),
            client: self,
            group: Box::new(group),
        }
    }
}

fn ours_join(name: &str, b: &KeyPackageBundle, welcome: &[u8]) -> Member {
    let MlsMessageBody::Welcome(welcome) = decode(welcome).body else {
        panic!("not a Welcome")
    };
    let group = Group::join(
        &P,
        &welcome,
        b,
        None,
        BTreeMap::new(),
        GroupConfig::default(),
    )
    .unwrap_or_else(|e| panic!("{name} rejects the Welcome: {e:?}"));
    Member::Ours {
        name: name.to_owned(),
        group: Box::new(group),
    }
}

impl Member {
    fn name(&self) -> &str {
        match self {
            Member::Ours { name, .. } | Member::Theirs { name, .. } => name,
        }
    }

    fn epoch(&self) -> u64 {
        match self {
            Member::Ours { group, .. } => group.epoch(),
            Member::Theirs { group, .. } => group.epoch().as_u64(),
        }
    }

    fn epoch_authenticator(&self) -> Vec<u8> {
        match self {
            Member::Ours { group, .. } => group.epoch_authenticator().to_vec(),
            Member::Theirs { group, .. } => group.epoch_authenticator().as_slice().to_vec(),
        }
    }

    fn leaf(&self) -> u32 {
        match self {
            Member::Ours { group, .. } => group.own_leaf(),
            Member::Theirs { group, .. } => group.own_leaf_index().u32(),
        }
    }

    fn roster(&self) -> Vec<(u32, Vec<u8>)> {
        match self {
            Member::Ours { group, .. } => group
                .tree()
                .members()
                .map(|(i, leaf)| match &leaf.credential {
                    Credential::Basic { identity } => (i, identity.0.clone()),
                    other => panic!("unexpected credential {other:?}"),
                })
                .collect(),
            Member::Theirs { group, .. } => {
                let mut roster: Vec<_> = group
                    .members()
                    .map(|m| {
                        let basic = om::BasicCredential::try_from(m.credential).unwrap();
                        (m.index.u32(), basic.identity().to_vec())
                    })
                    .collect();
                roster.sort();
                roster
            }
        }
    }

    /// The group's context as our struct (from either library).
    fn group_id_epoch(&self) -> (Vec<u8>, u64) {
        match self {
            Member::Ours { group, .. } => (group.group_id().to_vec(), group.epoch()),
            Member::Theirs { group, .. } => {
                (group.group_id().as_slice().to_vec(), group.epoch().as_u64())
            }
        }
    }

    /// Exports a GroupInfo with the ratchet_tree and external_pub extensions.
    fn group_info(&self) -> Vec<u8> {
        match self {
            Member::Ours { group, .. } => group.export_group_info(&P).unwrap().to_bytes().unwrap(),
            Member::Theirs { client, group, .. } => group
                .export_group_info(client.provider.crypto(), &client.signer, true)
                .unwrap()
                .to_bytes()
                .unwrap(),
        }
    }

    fn process_om(&mut self, bytes: &[u8]) -> om::ProcessedMessage {
        let Member::Theirs {
            name,
            client,
            group,
        } = self
        else {
            panic!("{}: not an OpenMLS member", self.name())
        };
        let message = om::MlsMessageIn::tls_deserialize_exact(bytes)
            .unwrap()
            .try_into_protocol_message()
            .unwrap();
        group
            .process_message(&client.provider, message)
            .unwrap_or_else(|e| panic!("OpenMLS {name} rejects the message: {e:?}"))
    }

    /// Processes and merges another member's commit.
    fn process_commit(&mut self, commit: &[u8]) {
        match self {
            Member::Ours { name, group } => {
                let staged = match group.process(&P, &decode(commit)) {
                    Ok(Received::Commit(staged)) => staged,
                    Ok(other) => panic!("{name}: expected a commit, got {other:?}"),
                    Err(e) => panic!("{name} rejects the commit: {e:?}"),
                };
                assert!(!staged.summary.self_removed, "{name} removed");
                group.merge(*staged).unwrap();
            }
            Member::Theirs { .. } => {
                let processed = self.process_om(commit);
                let om::ProcessedMessageContent::StagedCommitMessage(staged) =
                    processed.into_content()
                else {
                    panic!("{}: expected a commit", self.name())
                };
                let Member::Theirs { client, group, .. } = self else {
                    panic!("not an OpenMLS member")
                };
                group
                    .merge_staged_commit(&client.provider, *staged)
                    .unwrap();
            }
        }
    }

    /// Processes a removal of this member; returns whether it saw itself
    /// removed.
    fn process_own_removal(&mut self, commit: &[u8]) -> bool {
        match self {
            Member::Ours { name, group } => {
                let Ok(Received::Commit(staged)) = group.process(&P, &decode(commit)) else {
                    panic!("{name} rejects its removal")
                };
                staged.summary.self_removed
            }
            Member::Theirs { .. } => {
                let processed = self.process_om(commit);
                let om::ProcessedMessageContent::StagedCommitMessage(staged) =
                    processed.into_content()
                else {
                    panic!("expected a commit")
                };
                staged.self_removed()
            }
        }
    }

    /// Receives an external proposal (kept for the next commit); returns
    /// whether it was an Add (else a Remove of `removed`).
    fn receive_proposal(&mut self, bytes: &[u8], sender_index: u32) -> Option<u32> {
        match self {
            Member::Ours { name, group } => match group.process(&P, &decode(bytes)) {
                Ok(Received::Proposal {
                    sender, proposal, ..
                }) => {
                    assert_eq!(sender, Sender::External(sender_index), "{name}");
                    match *proposal {
                        Proposal::Add { .. } => None,
                        Proposal::Remove { removed } => Some(removed),
                        other => panic!("{name}: unexpected proposal {other:?}"),
                    }
                }
                Ok(other) => panic!("{name}: expected a proposal, got {other:?}"),
                Err(e) => panic!("{name} rejects the external proposal: {e:?}"),
            },
            Member::Theirs { .. } => {
                let processed = self.process_om(bytes);
                assert_eq!(
                    processed.sender(),
                    &om::Sender::External(om::SenderExtensionIndex::new(sender_index))
                );
                let om::ProcessedMessageContent::ProposalMessage(queued) = processed.into_content()
                else {
                    panic!("{}: expected a proposal", self.name())
                };
                let removed = match queued.proposal() {
                    om::Proposal::Add(_) => None,
                    om::Proposal::Remove(r) => Some(r.removed().u32()),
                    other => panic!("unexpected proposal {other:?}"),
                };
                let Member::Theirs { client, group, .. } = self else {
                    panic!("not an OpenMLS member")
                };
                group
                    .store_pending_proposal(client.provider.storage(), *queued)
                    .unwrap();
                removed
            }
        }
    }

    /// Commits the pending proposals (with a path); merges; returns the
    /// commit and an optional Welcome.
    fn commit_pending(&mut self) -> (Vec<u8>, Option<Vec<u8>>) {
        match self {
            Member::Ours { group, .. } => {
                let out = group.commit(&P, Vec::new(), true).unwrap();
                let commit = out.commit.to_bytes().unwrap();
                let welcome = out.welcome.as_ref().map(|w| w.to_bytes().unwrap());
                group.merge(out.staged).unwrap();
                (commit, welcome)
            }
            Member::Theirs { client, group, .. } => {
                let provider = &client.provider;
                let bundle = group
                    .commit_builder()
                    .force_self_update(true)
                    .load_psks(provider.storage())
                    .unwrap()
                    .build(provider.rand(), provider.crypto(), &client.signer, |_| true)
                    .unwrap_or_else(|e| panic!("OpenMLS cannot build the commit: {e:?}"))
                    .stage_commit(provider)
                    .unwrap();
                let (commit, welcome, _) = bundle.into_messages();
                group.merge_pending_commit(provider).unwrap();
                (
                    commit.to_bytes().unwrap(),
                    welcome.map(|w| w.to_bytes().unwrap()),
                )
            }
        }
    }

    fn send(&mut self, data: &[u8]) -> Vec<u8> {
        match self {
            Member::Ours { group, .. } => group
                .send_application(&P, data, b"")
                .unwrap()
                .to_bytes()
                .unwrap(),
            Member::Theirs { client, group, .. } => group
                .create_message(&client.provider, &client.signer, data)
                .unwrap()
                .to_bytes()
                .unwrap(),
        }
    }

    fn receive(&mut self, message: &[u8]) -> (u32, Vec<u8>) {
        match self {
            Member::Ours { name, group } => match group.process(&P, &decode(message)) {
                Ok(Received::Application { sender, data, .. }) => (sender, data),
                Ok(other) => panic!("{name}: expected application data, got {other:?}"),
                Err(e) => panic!("{name} rejects the application message: {e:?}"),
            },
            Member::Theirs { .. } => {
                let processed = self.process_om(message);
                let sender = match processed.sender() {
                    om::Sender::Member(leaf) => leaf.u32(),
                    other => panic!("unexpected sender {other:?}"),
                };
                let om::ProcessedMessageContent::ApplicationMessage(data) =
                    processed.into_content()
                else {
                    panic!("expected application data")
                };
                (sender, data.into_bytes())
            }
        }
    }
}

/// All members agree on epoch, epoch authenticator and roster; then each
/// sends an application message that all others decrypt.
fn check(label: &str, members: &mut [Member], epoch: u64, size: usize) {
    let (auth, roster) = (members[0].epoch_authenticator(), members[0].roster());
    assert_eq!(roster.len(), size, "{label}: roster {roster:?}");
    for m in members.iter() {
        assert_eq!(m.epoch(), epoch, "{label}: epoch of {}", m.name());
        assert_eq!(
            m.epoch_authenticator(),
            auth,
            "{label}: epoch_authenticator of {} vs {}",
            m.name(),
            members[0].name()
        );
        assert_eq!(m.roster(), roster, "{label}: roster of {}", m.name());
    }
    for from in 0..members.len() {
        let leaf = members[from].leaf();
        let text = format!("{label}: from {} at epoch {epoch}", members[from].name());
        let message = members[from].send(text.as_bytes());
        for (i, m) in members.iter_mut().enumerate() {
            if i != from {
                let (got_leaf, data) = m.receive(&message);
                assert_eq!(data, text.as_bytes(), "{label} at {}", m.name());
                assert_eq!(got_leaf, leaf, "{label} at {}", m.name());
            }
        }
    }
}

/// Our Alice creates a group (with `extensions`) and adds OpenMLS Bob.
fn ours_with_openmls(
    cs: CipherSuite,
    om_cs: om::Ciphersuite,
    extensions: Vec<Extension>,
) -> Vec<Member> {
    let a = bundle(cs, "alice");
    let mut alice = Group::create(
        &P,
        &a,
        format!("ours {cs}").into_bytes(),
        extensions,
        GroupConfig::default(),
    )
    .unwrap();
    let bob = Box::new(Client::new(om_cs, "bob"));
    let MlsMessageBody::KeyPackage(key_package) = decode(&bob.key_package()).body else {
        panic!()
    };
    let out = alice
        .commit(&P, vec![Proposal::Add { key_package }], false)
        .unwrap();
    alice.merge(out.staged).unwrap();
    let bob = bob.join("bob", &out.welcome.unwrap().to_bytes().unwrap());
    vec![
        Member::Ours {
            name: "alice".to_owned(),
            group: Box::new(alice),
        },
        bob,
    ]
}

/// OpenMLS Alice creates a group (with group context `extensions`) and adds
/// our Bob.
fn openmls_with_ours(
    cs: CipherSuite,
    om_cs: om::Ciphersuite,
    extensions: Vec<om::Extension>,
) -> Vec<Member> {
    let alice = Box::new(Client::new(om_cs, "alice"));
    let config = om::MlsGroupCreateConfig::builder()
        .ciphersuite(om_cs)
        .use_ratchet_tree_extension(true)
        .wire_format_policy(om::MIXED_PLAINTEXT_WIRE_FORMAT_POLICY)
        .with_group_context_extensions(om::Extensions::from_vec(extensions).unwrap())
        .build();
    let mut group = om::MlsGroup::new(
        &alice.provider,
        &alice.signer,
        &config,
        alice.credential.clone(),
    )
    .unwrap();
    let b = bundle(cs, "bob");
    let om::MlsMessageBodyIn::KeyPackage(kp) =
        om::MlsMessageIn::tls_deserialize_exact(key_package_bytes(&b))
            .unwrap()
            .extract()
    else {
        panic!()
    };
    let kp = kp
        .validate(alice.provider.crypto(), om::ProtocolVersion::Mls10)
        .unwrap();
    let (_, welcome, _) = group
        .add_members(&alice.provider, &alice.signer, &[kp])
        .unwrap();
    group.merge_pending_commit(&alice.provider).unwrap();
    let bob = ours_join("bob", &b, &welcome.to_bytes().unwrap());
    vec![
        Member::Theirs {
            name: "alice".to_owned(),
            client: alice,
            group: Box::new(group),
        },
        bob,
    ]
}

/// An OpenMLS client joins by external commit from GroupInfo bytes; returns
/// the member and the commit bytes (a PublicMessage).
fn om_join_external(
    label: &str,
    client: Box<Client>,
    name: &str,
    info: &[u8],
) -> (Member, Vec<u8>) {
    let om::MlsMessageBodyIn::GroupInfo(info) = om::MlsMessageIn::tls_deserialize_exact(info)
        .unwrap()
        .extract()
    else {
        panic!("not a GroupInfo")
    };
    let provider = &client.provider;
    let (group, bundle) = om::MlsGroup::external_commit_builder()
        .with_config(Client::join_config())
        .build_group(provider, info, client.credential.clone())
        .unwrap_or_else(|e| panic!("{label}: OpenMLS rejects our GroupInfo: {e:?}"))
        .load_psks(provider.storage())
        .unwrap()
        .build(provider.rand(), provider.crypto(), &client.signer, |_| true)
        .unwrap()
        .finalize(provider)
        .unwrap();
    let (commit, _, _) = bundle.into_messages();
    let commit = commit.to_bytes().unwrap();
    assert!(matches!(
        decode(&commit).body,
        MlsMessageBody::PublicMessage(_)
    ));
    let member = Member::Theirs {
        name: name.to_owned(),
        client,
        group: Box::new(group),
    };
    (member, commit)
}

/// Scenario 1: OpenMLS Carol joins our Alice's group (with OpenMLS Bob) by
/// external commit.
fn openmls_joins_ours(cs: CipherSuite, om_cs: om::Ciphersuite) {
    let label = format!("suite {}: OpenMLS joins ours externally", cs.id());
    let mut members = ours_with_openmls(cs, om_cs, Vec::new());
    check(&label, &mut members, 1, 2);

    let info = members[0].group_info();
    let carol = Box::new(Client::new(om_cs, "carol"));
    let (carol, commit) = om_join_external(&label, carol, "carol", &info);
    for m in &mut members {
        m.process_commit(&commit);
    }
    members.push(carol);
    check(&label, &mut members, 2, 3);

    // Carol commits once more (an ordinary member now); everyone follows.
    let (commit, _) = members[2].commit_pending();
    for m in &mut members[..2] {
        m.process_commit(&commit);
    }
    check(&label, &mut members, 3, 3);

    // Resync: OpenMLS Bob rejoins by external commit with the same signature
    // key; OpenMLS then removes his old leaf in the same commit.
    let old_leaf = members[1].leaf();
    let Member::Theirs { client, .. } = members.remove(1) else {
        panic!()
    };
    let info = members[0].group_info();
    let (bob, commit) = om_join_external(&label, client, "bob", &info);
    for m in &mut members {
        m.process_commit(&commit);
    }
    assert_eq!(bob.leaf(), old_leaf, "{label}");
    members.push(bob);
    check(&label, &mut members, 4, 3);
}

/// Scenario 2: our Carol joins OpenMLS Alice's group (with our Bob) by
/// external commit.
fn ours_joins_openmls(cs: CipherSuite, om_cs: om::Ciphersuite) {
    let label = format!("suite {}: ours joins OpenMLS externally", cs.id());
    let mut members = openmls_with_ours(cs, om_cs, Vec::new());
    check(&label, &mut members, 1, 2);

    let MlsMessageBody::GroupInfo(info) = decode(&members[0].group_info()).body else {
        panic!("not a GroupInfo")
    };
    let (sk, _) = P.signature_key_pair(cs).unwrap();
    let (carol, commit) = Group::join_external(
        &P,
        &info,
        None,
        sk,
        credential("carol"),
        None,
        GroupConfig::default(),
    )
    .unwrap_or_else(|e| panic!("{label}: we reject OpenMLS's GroupInfo: {e:?}"));
    let commit = commit.to_bytes().unwrap();
    for m in &mut members {
        m.process_commit(&commit);
    }
    members.push(Member::Ours {
        name: "carol".to_owned(),
        group: Box::new(carol),
    });
    check(&label, &mut members, 2, 3);

    let (commit, _) = members[2].commit_pending();
    for m in &mut members[..2] {
        m.process_commit(&commit);
    }
    check(&label, &mut members, 3, 3);

    // Resync: our Bob rejoins by external commit (a fresh signature key, the
    // same identity), removing his old leaf.
    let old_leaf = members[1].leaf();
    members.remove(1);
    let MlsMessageBody::GroupInfo(info) = decode(&members[0].group_info()).body else {
        panic!("not a GroupInfo")
    };
    let (sk, _) = P.signature_key_pair(cs).unwrap();
    let (bob, commit) = Group::join_external(
        &P,
        &info,
        None,
        sk,
        credential("bob"),
        Some(old_leaf),
        GroupConfig::default(),
    )
    .unwrap();
    let commit = commit.to_bytes().unwrap();
    for m in &mut members {
        m.process_commit(&commit);
    }
    assert_eq!(bob.own_leaf(), old_leaf, "{label}");
    members.push(Member::Ours {
        name: "bob".to_owned(),
        group: Box::new(bob),
    });
    check(&label, &mut members, 4, 3);
}

/// Two external senders: index 0 signs with OpenMLS, index 1 with mls-core.
struct Senders {
    om_signer: SignatureKeyPair,
    our_signer: SignaturePrivateKey,
    ours: Vec<ExternalSender>,
    theirs: Vec<om::ExternalSender>,
}

impl Senders {
    fn new(cs: CipherSuite, om_cs: om::Ciphersuite) -> Self {
        let om_signer = SignatureKeyPair::new(om_cs.signature_algorithm()).unwrap();
        let (our_signer, our_pk) = P.signature_key_pair(cs).unwrap();
        let keys = [
            ("ds-openmls", om_signer.to_public_vec()),
            ("ds-ours", our_pk.0),
        ];
        let ours = keys
            .iter()
            .map(|(name, key)| ExternalSender {
                signature_key: VlBytes(key.clone()),
                credential: credential(name),
            })
            .collect();
        let theirs = keys
            .iter()
            .map(|(name, key)| {
                om::ExternalSender::new(
                    key.clone().into(),
                    om::BasicCredential::new(name.as_bytes().to_vec()).into(),
                )
            })
            .collect();
        Senders {
            om_signer,
            our_signer,
            ours,
            theirs,
        }
    }

    /// OpenMLS sender (index 0) proposes to add the KeyPackage.
    fn om_add(&self, group: (Vec<u8>, u64), key_package: &[u8]) -> Vec<u8> {
        let provider = OpenMlsRustCrypto::default();
        let om::MlsMessageBodyIn::KeyPackage(kp) =
            om::MlsMessageIn::tls_deserialize_exact(key_package)
                .unwrap()
                .extract()
        else {
            panic!()
        };
        let kp = kp
            .validate(provider.crypto(), om::ProtocolVersion::Mls10)
            .unwrap();
        om::ExternalProposal::new_add::<OpenMlsRustCrypto>(
            kp,
            om::GroupId::from_slice(&group.0),
            om::GroupEpoch::from(group.1),
            &self.om_signer,
            om::SenderExtensionIndex::new(0),
        )
        .unwrap()
        .to_bytes()
        .unwrap()
    }

    /// OpenMLS sender (index 0) proposes to remove the leaf.
    fn om_remove(&self, group: (Vec<u8>, u64), leaf: u32) -> Vec<u8> {
        om::ExternalProposal::new_remove::<OpenMlsRustCrypto>(
            om::LeafNodeIndex::new(leaf),
            om::GroupId::from_slice(&group.0),
            om::GroupEpoch::from(group.1),
            &self.om_signer,
            om::SenderExtensionIndex::new(0),
        )
        .unwrap()
        .to_bytes()
        .unwrap()
    }

    /// Our sender (index 1) proposes, from the context of our member.
    fn ours(&self, member: &Member, proposal: Proposal) -> Vec<u8> {
        let Member::Ours { group, .. } = member else {
            panic!("needs our member's context")
        };
        external_proposal(&P, group.context(), 1, &self.our_signer, proposal)
            .unwrap()
            .to_bytes()
            .unwrap()
    }
}

/// Delivers an external proposal to every member, then `committer` commits
/// it and everyone else processes the commit.
fn propose_and_commit(
    members: &mut Vec<Member>,
    proposal: &[u8],
    sender_index: u32,
    committer: usize,
) -> Option<Vec<u8>> {
    let mut removed = None;
    for m in members.iter_mut() {
        removed = m.receive_proposal(proposal, sender_index);
    }
    let (commit, welcome) = members[committer].commit_pending();
    let mut gone = None;
    for (i, m) in members.iter_mut().enumerate() {
        if i == committer {
            continue;
        }
        if Some(m.leaf()) == removed {
            assert!(
                m.process_own_removal(&commit),
                "{} sees its removal",
                m.name()
            );
            gone = Some(i);
        } else {
            m.process_commit(&commit);
        }
    }
    if let Some(i) = gone {
        members.remove(i);
    }
    assert_eq!(welcome.is_some(), removed.is_none());
    welcome
}

/// Scenario 3: our group with OpenMLS Bob. The OpenMLS sender proposes to
/// add our Carol, Bob (OpenMLS) commits; our sender proposes to remove Carol,
/// Alice (ours) commits.
fn external_senders_in_our_group(cs: CipherSuite, om_cs: om::Ciphersuite) {
    let label = format!("suite {}: external proposals, our group", cs.id());
    let senders = Senders::new(cs, om_cs);
    let ext = Extension::new(EXT_EXTERNAL_SENDERS, &senders.ours).unwrap();
    let mut members = ours_with_openmls(cs, om_cs, vec![ext]);
    check(&label, &mut members, 1, 2);

    let c = bundle(cs, "carol");
    let proposal = senders.om_add(members[0].group_id_epoch(), &key_package_bytes(&c));
    let welcome = propose_and_commit(&mut members, &proposal, 0, 1).expect("a Welcome");
    members.push(ours_join("carol", &c, &welcome));
    check(&label, &mut members, 2, 3);

    let carol_leaf = members[2].leaf();
    let proposal = senders.ours(
        &members[0],
        Proposal::Remove {
            removed: carol_leaf,
        },
    );
    propose_and_commit(&mut members, &proposal, 1, 0);
    check(&label, &mut members, 3, 2);
}

/// Scenario 4: OpenMLS group with our Bob. Our sender proposes to add
/// OpenMLS Carol, Alice (OpenMLS) commits; the OpenMLS sender proposes to
/// remove Carol, Bob (ours) commits.
fn external_senders_in_openmls_group(cs: CipherSuite, om_cs: om::Ciphersuite) {
    let label = format!("suite {}: external proposals, OpenMLS group", cs.id());
    let senders = Senders::new(cs, om_cs);
    let ext = om::Extension::ExternalSenders(senders.theirs.clone());
    let mut members = openmls_with_ours(cs, om_cs, vec![ext]);
    check(&label, &mut members, 1, 2);

    let carol = Box::new(Client::new(om_cs, "carol"));
    let MlsMessageBody::KeyPackage(key_package) = decode(&carol.key_package()).body else {
        panic!()
    };
    let proposal = senders.ours(&members[1], Proposal::Add { key_package });
    let welcome = propose_and_commit(&mut members, &proposal, 1, 0).expect("a Welcome");
    members.push(carol.join("carol", &welcome));
    check(&label, &mut members, 2, 3);

    let carol_leaf = members[2].leaf();
    let proposal = senders.om_remove(members[0].group_id_epoch(), carol_leaf);
    propose_and_commit(&mut members, &proposal, 0, 1);
    check(&label, &mut members, 3, 2);
}

#[test]
fn openmls_joins_our_group_by_external_commit() {
    for (cs, om_cs) in suites() {
        openmls_joins_ours(cs, om_cs);
    }
}

#[test]
fn we_join_an_openmls_group_by_external_commit() {
    for (cs, om_cs) in suites() {
        ours_joins_openmls(cs, om_cs);
    }
}

#[test]
fn external_proposals_in_our_group_with_an_openmls_member() {
    for (cs, om_cs) in suites() {
        external_senders_in_our_group(cs, om_cs);
    }
}

#[test]
fn external_proposals_in_an_openmls_group_with_our_member() {
    for (cs, om_cs) in suites() {
        external_senders_in_openmls_group(cs, om_cs);
    }
}
