//! Interop with OpenMLS (0.9.2) as a peer, on cipher suites 1, 2 and 3.
//!
//! Two groups per suite: one created by our client with an OpenMLS member
//! joining from our Welcome, one created by an OpenMLS client with ours
//! joining from its Welcome. In each, over sixteen epochs, both sides send
//! application messages, make self-update commits, add a third member (one
//! of either library, joining from the other side's Welcome) and remove it
//! again. Every message crosses as TLS bytes; after every step all members
//! must agree on the epoch, the epoch authenticator and the roster.
//!
//! Each scenario runs twice: handshake messages as PublicMessage (OpenMLS
//! `MIXED_PLAINTEXT` policy, our default) and as PrivateMessage (OpenMLS
//! `PURE_CIPHERTEXT`, our `encrypt_handshake`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;

use mls_core::codec::{Decode, Encode, VlBytes};
use mls_core::crypto::{CipherSuite, CryptoProvider, RustCrypto};
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{Group, GroupConfig, KeyPackageBundle, Received};
use mls_core::messages::{Credential, Proposal};
use openmls::prelude as om;
use openmls::prelude::tls_codec::Deserialize as _;
use openmls_basic_credential::SignatureKeyPair;
use openmls_rust_crypto::OpenMlsRustCrypto;
use openmls_traits::OpenMlsProvider as _;

const P: RustCrypto = RustCrypto;

/// Suite and handshake framing shared by every member of one scenario.
#[derive(Debug, Clone, Copy)]
struct Setup {
    cs: CipherSuite,
    om_cs: om::Ciphersuite,
    encrypt_handshake: bool,
}

impl Setup {
    fn our_config(&self) -> GroupConfig {
        GroupConfig {
            encrypt_handshake: self.encrypt_handshake,
            ..GroupConfig::default()
        }
    }

    fn policy(&self) -> om::WireFormatPolicy {
        if self.encrypt_handshake {
            om::PURE_CIPHERTEXT_WIRE_FORMAT_POLICY
        } else {
            om::MIXED_PLAINTEXT_WIRE_FORMAT_POLICY
        }
    }

    fn om_create_config(&self) -> om::MlsGroupCreateConfig {
        om::MlsGroupCreateConfig::builder()
            .ciphersuite(self.om_cs)
            .use_ratchet_tree_extension(true)
            .wire_format_policy(self.policy())
            .build()
    }

    fn om_join_config(&self) -> om::MlsGroupJoinConfig {
        om::MlsGroupJoinConfig::builder()
            .use_ratchet_tree_extension(true)
            .wire_format_policy(self.policy())
            .build()
    }
}

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

/// What a member commits.
enum Action {
    /// Empty commit with an update path (a self-update).
    Update,
    /// Adds the member whose KeyPackage (as MLSMessage bytes) is given.
    Add { key_package: Vec<u8>, path: bool },
    /// Removes the member at this leaf.
    Remove(u32),
}

/// One client of either library; everything in and out is wire bytes.
trait Peer {
    fn name(&self) -> &str;
    fn library(&self) -> &'static str;
    /// A fresh KeyPackage as MLSMessage bytes.
    fn key_package(&mut self) -> Vec<u8>;
    /// Creates a one-member group.
    fn create(&mut self);
    /// Joins from Welcome (MLSMessage) bytes.
    fn join(&mut self, welcome: &[u8]);
    /// Commits and merges; returns the commit and, for adds, the Welcome.
    fn commit(&mut self, action: &Action) -> (Vec<u8>, Option<Vec<u8>>);
    /// Processes another member's commit; merges it unless it removes this
    /// member, which it reports by returning `true`.
    fn process_commit(&mut self, commit: &[u8]) -> bool;
    fn send(&mut self, data: &[u8]) -> Vec<u8>;
    /// Decrypts an application message: (sender leaf, data).
    fn receive(&mut self, message: &[u8]) -> (u32, Vec<u8>);
    fn epoch(&self) -> u64;
    fn epoch_authenticator(&self) -> Vec<u8>;
    fn leaf(&self) -> u32;
    /// MLS-Exporter("interop", "context", 32) of the current epoch.
    fn exported(&self) -> Vec<u8>;
    /// Every member as (leaf index, basic credential identity).
    fn roster(&self) -> Vec<(u32, Vec<u8>)>;
}

// ---- our client ----

struct Ours {
    name: String,
    setup: Setup,
    bundle: KeyPackageBundle,
    group: Option<Group>,
}

impl Ours {
    fn new(setup: Setup, name: &str) -> Self {
        let bundle = Self::bundle(setup.cs, name);
        Ours {
            name: name.to_owned(),
            setup,
            bundle,
            group: None,
        }
    }

    fn bundle(cs: CipherSuite, name: &str) -> KeyPackageBundle {
        let (sk, _) = P.signature_key_pair(cs).unwrap();
        let credential = Credential::Basic {
            identity: VlBytes(name.as_bytes().to_vec()),
        };
        KeyPackageBundle::generate(&P, cs, credential, sk, 86_400, Vec::new()).unwrap()
    }

    fn group(&self) -> &Group {
        self.group.as_ref().expect("not in a group")
    }

    fn group_mut(&mut self) -> &mut Group {
        self.group.as_mut().expect("not in a group")
    }

    fn decode(bytes: &[u8]) -> MlsMessage {
        MlsMessage::decode_exact(bytes).unwrap()
    }
}

impl Peer for Ours {
    fn name(&self) -> &str {
        &self.name
    }

    fn library(&self) -> &'static str {
        "mls-core"
    }

    fn key_package(&mut self) -> Vec<u8> {
        let kp = self.bundle.key_package.clone();
        MlsMessage::new(MlsMessageBody::KeyPackage(kp))
            .to_bytes()
            .unwrap()
    }

    fn create(&mut self) {
        let group_id = format!("interop {} {}", self.name, self.setup.cs).into_bytes();
        let group = Group::create(
            &P,
            &self.bundle,
            group_id,
            Vec::new(),
            self.setup.our_config(),
        )
        .unwrap();
        self.group = Some(group);
    }

    fn join(&mut self, welcome: &[u8]) {
        let MlsMessageBody::Welcome(welcome) = Self::decode(welcome).body else {
            panic!("{}: not a Welcome", self.name)
        };
        let group = Group::join(
            &P,
            &welcome,
            &self.bundle,
            None,
            BTreeMap::new(),
            self.setup.our_config(),
        )
        .unwrap_or_else(|e| panic!("{} rejects the Welcome: {e:?}", self.name));
        self.group = Some(group);
    }

    fn commit(&mut self, action: &Action) -> (Vec<u8>, Option<Vec<u8>>) {
        let (proposals, force_path) = match action {
            Action::Update => (Vec::new(), true),
            Action::Add { key_package, path } => {
                let MlsMessageBody::KeyPackage(key_package) = Self::decode(key_package).body else {
                    panic!("not a KeyPackage")
                };
                (vec![Proposal::Add { key_package }], *path)
            }
            Action::Remove(removed) => (vec![Proposal::Remove { removed: *removed }], false),
        };
        let group = self.group_mut();
        let out = group.commit(&P, proposals, force_path).unwrap();
        let commit = out.commit.to_bytes().unwrap();
        let welcome = out.welcome.as_ref().map(|w| w.to_bytes().unwrap());
        group.merge(out.staged).unwrap();
        (commit, welcome)
    }

    fn process_commit(&mut self, commit: &[u8]) -> bool {
        let name = self.name.clone();
        let group = self.group_mut();
        let staged = match group.process(&P, &Self::decode(commit)) {
            Ok(Received::Commit(staged)) => staged,
            Ok(other) => panic!("{name}: expected a commit, got {other:?}"),
            Err(e) => panic!("{name} rejects the commit: {e:?}"),
        };
        if staged.summary.self_removed {
            self.group = None;
            return true;
        }
        group.merge(*staged).unwrap();
        false
    }

    fn send(&mut self, data: &[u8]) -> Vec<u8> {
        let group = self.group_mut();
        let message = group.send_application(&P, data, b"").unwrap();
        assert!(matches!(message.body, MlsMessageBody::PrivateMessage(_)));
        message.to_bytes().unwrap()
    }

    fn receive(&mut self, message: &[u8]) -> (u32, Vec<u8>) {
        let name = self.name.clone();
        match self.group_mut().process(&P, &Self::decode(message)) {
            Ok(Received::Application { sender, data, .. }) => (sender, data),
            Ok(other) => panic!("{name}: expected application data, got {other:?}"),
            Err(e) => panic!("{name} rejects the application message: {e:?}"),
        }
    }

    fn epoch(&self) -> u64 {
        self.group().epoch()
    }

    fn epoch_authenticator(&self) -> Vec<u8> {
        self.group().epoch_authenticator().to_vec()
    }

    fn leaf(&self) -> u32 {
        self.group().own_leaf()
    }

    fn exported(&self) -> Vec<u8> {
        let secret = self.group().export_secret(&P, b"interop", b"context", 32);
        secret.unwrap().as_bytes().to_vec()
    }

    fn roster(&self) -> Vec<(u32, Vec<u8>)> {
        self.group()
            .tree()
            .members()
            .map(|(i, leaf)| match &leaf.credential {
                Credential::Basic { identity } => (i, identity.0.clone()),
                other => panic!("unexpected credential {other:?}"),
            })
            .collect()
    }
}

// ---- OpenMLS client ----

struct Theirs {
    name: String,
    setup: Setup,
    provider: OpenMlsRustCrypto,
    signer: SignatureKeyPair,
    credential: om::CredentialWithKey,
    group: Option<om::MlsGroup>,
}

impl Theirs {
    fn new(setup: Setup, name: &str) -> Self {
        let signer = SignatureKeyPair::new(setup.om_cs.signature_algorithm()).unwrap();
        let credential = om::CredentialWithKey {
            credential: om::BasicCredential::new(name.as_bytes().to_vec()).into(),
            signature_key: signer.to_public_vec().into(),
        };
        Theirs {
            name: name.to_owned(),
            setup,
            provider: OpenMlsRustCrypto::default(),
            signer,
            credential,
            group: None,
        }
    }

    fn group(&self) -> &om::MlsGroup {
        self.group.as_ref().expect("not in a group")
    }

    fn decode(bytes: &[u8]) -> om::MlsMessageBodyIn {
        om::MlsMessageIn::tls_deserialize_exact(bytes)
            .unwrap()
            .extract()
    }

    /// Parses a protocol message and processes it.
    fn process(&mut self, bytes: &[u8]) -> om::ProcessedMessage {
        let message = om::MlsMessageIn::tls_deserialize_exact(bytes)
            .unwrap()
            .try_into_protocol_message()
            .unwrap();
        let group = self.group.as_mut().expect("not in a group");
        group
            .process_message(&self.provider, message)
            .unwrap_or_else(|e| panic!("OpenMLS {} rejects the message: {e:?}", self.name))
    }
}

impl Peer for Theirs {
    fn name(&self) -> &str {
        &self.name
    }

    fn library(&self) -> &'static str {
        "OpenMLS"
    }

    fn key_package(&mut self) -> Vec<u8> {
        let bundle = om::KeyPackage::builder()
            .build(
                self.setup.om_cs,
                &self.provider,
                &self.signer,
                self.credential.clone(),
            )
            .unwrap();
        om::MlsMessageOut::from(bundle.key_package().clone())
            .to_bytes()
            .unwrap()
    }

    fn create(&mut self) {
        let group = om::MlsGroup::new(
            &self.provider,
            &self.signer,
            &self.setup.om_create_config(),
            self.credential.clone(),
        )
        .unwrap();
        self.group = Some(group);
    }

    fn join(&mut self, welcome: &[u8]) {
        let om::MlsMessageBodyIn::Welcome(welcome) = Self::decode(welcome) else {
            panic!("{}: not a Welcome", self.name)
        };
        let group = om::StagedWelcome::new_from_welcome(
            &self.provider,
            &self.setup.om_join_config(),
            welcome,
            None,
        )
        .and_then(|staged| staged.into_group(&self.provider))
        .unwrap_or_else(|e| panic!("OpenMLS {} rejects the Welcome: {e:?}", self.name));
        self.group = Some(group);
    }

    fn commit(&mut self, action: &Action) -> (Vec<u8>, Option<Vec<u8>>) {
        let provider = &self.provider;
        let group = self.group.as_mut().expect("not in a group");
        let builder = group.commit_builder();
        let builder = match action {
            Action::Update => builder.force_self_update(true),
            Action::Add { key_package, path } => {
                let om::MlsMessageBodyIn::KeyPackage(kp) = Self::decode(key_package) else {
                    panic!("not a KeyPackage")
                };
                let kp = kp
                    .validate(provider.crypto(), om::ProtocolVersion::Mls10)
                    .unwrap_or_else(|e| panic!("OpenMLS rejects the KeyPackage: {e:?}"));
                builder.propose_adds([kp]).force_self_update(*path)
            }
            Action::Remove(leaf) => builder.propose_removals([om::LeafNodeIndex::new(*leaf)]),
        };
        let bundle = builder
            .load_psks(provider.storage())
            .unwrap()
            .create_group_info(false)
            .build(provider.rand(), provider.crypto(), &self.signer, |_| true)
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

    fn process_commit(&mut self, commit: &[u8]) -> bool {
        let processed = self.process(commit);
        let om::ProcessedMessageContent::StagedCommitMessage(staged) = processed.into_content()
        else {
            panic!("{}: expected a commit", self.name)
        };
        let removed = staged.self_removed();
        let group = self.group.as_mut().expect("not in a group");
        group.merge_staged_commit(&self.provider, *staged).unwrap();
        if removed {
            assert!(!group.is_active());
            self.group = None;
        }
        removed
    }

    fn send(&mut self, data: &[u8]) -> Vec<u8> {
        let group = self.group.as_mut().expect("not in a group");
        group
            .create_message(&self.provider, &self.signer, data)
            .unwrap()
            .to_bytes()
            .unwrap()
    }

    fn receive(&mut self, message: &[u8]) -> (u32, Vec<u8>) {
        let processed = self.process(message);
        let sender = match processed.sender() {
            om::Sender::Member(leaf) => leaf.u32(),
            other => panic!("unexpected sender {other:?}"),
        };
        let om::ProcessedMessageContent::ApplicationMessage(data) = processed.into_content() else {
            panic!("{}: expected application data", self.name)
        };
        (sender, data.into_bytes())
    }

    fn epoch(&self) -> u64 {
        self.group().epoch().as_u64()
    }

    fn epoch_authenticator(&self) -> Vec<u8> {
        self.group().epoch_authenticator().as_slice().to_vec()
    }

    fn leaf(&self) -> u32 {
        self.group().own_leaf_index().u32()
    }

    fn exported(&self) -> Vec<u8> {
        let crypto = self.provider.crypto();
        let secret = self
            .group()
            .export_secret(crypto, "interop", b"context", 32);
        secret.unwrap()
    }

    fn roster(&self) -> Vec<(u32, Vec<u8>)> {
        let mut roster: Vec<_> = self
            .group()
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

// ---- a group of mixed members ----

struct Session {
    label: String,
    encrypt_handshake: bool,
    members: Vec<Box<dyn Peer>>,
    steps: usize,
}

impl Session {
    fn index(&self, name: &str) -> usize {
        self.members
            .iter()
            .position(|m| m.name() == name)
            .unwrap_or_else(|| panic!("{name} is not a member"))
    }

    fn leaf(&self, name: &str) -> u32 {
        self.members[self.index(name)].leaf()
    }

    /// Everyone agrees on the epoch, the epoch authenticator and the roster
    /// (of `size` members: an added one joins only after the commit).
    fn check(&mut self, what: &str, size: usize) {
        self.steps += 1;
        let first = &self.members[0];
        let (epoch, auth, roster) = (first.epoch(), first.epoch_authenticator(), first.roster());
        assert_eq!(roster.len(), size, "{}: {what}", self.label);
        for m in &self.members[1..] {
            let ctx = format!(
                "{} step {} ({what}): {} ({}) vs {} ({})",
                self.label,
                self.steps,
                m.name(),
                m.library(),
                first.name(),
                first.library()
            );
            assert_eq!(m.epoch(), epoch, "epoch, {ctx}");
            assert_eq!(m.epoch_authenticator(), auth, "epoch_authenticator, {ctx}");
            assert_eq!(m.roster(), roster, "roster, {ctx}");
            assert_eq!(m.exported(), first.exported(), "exporter, {ctx}");
        }
    }

    /// `by` commits; every other member processes the commit bytes. A
    /// removed member must see its removal and leaves the session.
    fn commit(&mut self, by: &str, action: Action) -> Option<Vec<u8>> {
        let what = match &action {
            Action::Update => format!("{by} self-updates"),
            Action::Add { path, .. } => format!("{by} adds (path: {path})"),
            Action::Remove(leaf) => format!("{by} removes leaf {leaf}"),
        };
        let committer = self.index(by);
        let victim = match action {
            Action::Remove(leaf) => self
                .members
                .iter()
                .find(|m| m.leaf() == leaf)
                .map(|m| m.name().to_owned()),
            _ => None,
        };
        let epoch = self.members[committer].epoch();
        let (commit, welcome) = self.members[committer].commit(&action);
        let body = MlsMessage::decode_exact(&commit).unwrap().body;
        match body {
            MlsMessageBody::PublicMessage(_) if !self.encrypt_handshake => {}
            MlsMessageBody::PrivateMessage(_) if self.encrypt_handshake => {}
            _ => panic!("{}: {what} sent with the wrong wire format", self.label),
        }
        let mut removed = Vec::new();
        for (i, m) in self.members.iter_mut().enumerate() {
            if i != committer && m.process_commit(&commit) {
                removed.push(m.name().to_owned());
            }
        }
        assert_eq!(
            removed,
            victim.into_iter().collect::<Vec<_>>(),
            "{}: {what}",
            self.label
        );
        self.members
            .retain(|m| !removed.iter().any(|r| r == m.name()));
        let size = self.members.len() + usize::from(welcome.is_some());
        self.check(&what, size);
        assert_eq!(self.members[0].epoch(), epoch + 1);
        welcome
    }

    fn join(&mut self, mut joiner: Box<dyn Peer>, welcome: &[u8]) {
        joiner.join(welcome);
        let what = format!("{} joins", joiner.name());
        self.members.push(joiner);
        self.check(&what, self.members.len());
    }

    /// `from` sends; everyone else decrypts the same bytes.
    fn talk(&mut self, from: &str) {
        let sender = self.index(from);
        let leaf = self.members[sender].leaf();
        let text = format!(
            "{} from {from} at epoch {}",
            self.label,
            self.members[sender].epoch()
        );
        let message = self.members[sender].send(text.as_bytes());
        for (i, m) in self.members.iter_mut().enumerate() {
            if i != sender {
                let (got_leaf, data) = m.receive(&message);
                assert_eq!(data, text.as_bytes(), "{} at {}", self.label, m.name());
                assert_eq!(got_leaf, leaf, "{} at {}", self.label, m.name());
            }
        }
    }

    fn talk_all(&mut self) {
        let names: Vec<String> = self.members.iter().map(|m| m.name().to_owned()).collect();
        for name in names {
            self.talk(&name);
            self.talk(&name);
        }
    }
}

fn client(setup: Setup, ours: bool, name: &str) -> Box<dyn Peer> {
    if ours {
        Box::new(Ours::new(setup, name))
    } else {
        Box::new(Theirs::new(setup, name))
    }
}

/// Alice (ours if `creator_ours`, else OpenMLS) creates the group and adds
/// Bob (the other library); then sixteen epochs of traffic.
fn scenario(setup: Setup, creator_ours: bool) {
    let label = format!(
        "suite {} {} created by {}",
        setup.cs.id(),
        if setup.encrypt_handshake {
            "ciphertext handshake"
        } else {
            "plaintext handshake"
        },
        if creator_ours { "mls-core" } else { "OpenMLS" }
    );
    let mut alice = client(setup, creator_ours, "alice");
    alice.create();
    let mut s = Session {
        label,
        encrypt_handshake: setup.encrypt_handshake,
        members: vec![alice],
        steps: 0,
    };

    // Epoch 1: Bob (the other library) joins from Alice's Welcome.
    let mut bob = client(setup, !creator_ours, "bob");
    let key_package = bob.key_package();
    let welcome = s.commit(
        "alice",
        Action::Add {
            key_package,
            path: false,
        },
    );
    s.join(bob, &welcome.expect("Welcome"));
    s.talk_all();

    // Epochs 2-3: self-updates from both sides.
    s.commit("alice", Action::Update);
    s.talk_all();
    s.commit("bob", Action::Update);
    s.talk_all();

    // Epochs 4-7: Bob adds Carol (Alice's library) with a path; Carol joins
    // from Bob's Welcome and updates; Bob removes her again (so Carol sees
    // her removal in a commit of the other library).
    let mut carol = client(setup, creator_ours, "carol");
    let key_package = carol.key_package();
    let welcome = s.commit(
        "bob",
        Action::Add {
            key_package,
            path: true,
        },
    );
    s.join(carol, &welcome.expect("Welcome"));
    s.talk_all();
    s.commit("carol", Action::Update);
    s.talk_all();
    s.commit("alice", Action::Update);
    let carol_leaf = s.leaf("carol");
    s.commit("bob", Action::Remove(carol_leaf));
    s.talk_all();

    // Epochs 8-10: Alice adds Dave (Bob's library) without a path into
    // Carol's blank leaf; Dave updates; Alice removes him.
    let mut dave = client(setup, !creator_ours, "dave");
    let key_package = dave.key_package();
    let welcome = s.commit(
        "alice",
        Action::Add {
            key_package,
            path: false,
        },
    );
    s.join(dave, &welcome.expect("Welcome"));
    assert_eq!(s.leaf("dave"), carol_leaf, "{}", s.label);
    s.talk_all();
    s.commit("dave", Action::Update);
    s.talk_all();
    let dave_leaf = s.leaf("dave");
    s.commit("alice", Action::Remove(dave_leaf));
    s.talk_all();

    // Epochs 11-16: alternating self-updates.
    for _ in 0..3 {
        s.commit("bob", Action::Update);
        s.talk("alice");
        s.commit("alice", Action::Update);
        s.talk("bob");
    }
    assert_eq!(s.members.len(), 2);
    assert_eq!(s.members[0].epoch(), 16, "{}", s.label);
}

fn run_all(encrypt_handshake: bool) {
    for (cs, om_cs) in suites() {
        assert_eq!(cs.id(), u16::from(om_cs));
        let setup = Setup {
            cs,
            om_cs,
            encrypt_handshake,
        };
        scenario(setup, true);
        scenario(setup, false);
    }
}

#[test]
fn openmls_interop_plaintext_handshake() {
    run_all(false);
}

#[test]
fn openmls_interop_ciphertext_handshake() {
    run_all(true);
}
