//! Storage tests: file permissions, migrations, transactions, encodings.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};

use mls_core::codec::{Encode, VlBytes};
use mls_core::crypto::{CipherSuite, CryptoProvider, RustCrypto, Secret};
use mls_core::group::{Group, GroupConfig, KeyPackageBundle};
use mls_core::messages::Credential;

use super::schema::LATEST;
use super::*;
use crate::workspace::snapshot::{changed_nodes, epoch_record, snapshot};
use crate::workspace::summary::{EpochCause, MemberEntry, Summary};

const P: RustCrypto = RustCrypto;
const CS: CipherSuite = CipherSuite::ALL[0];

// The one TempDir of the app's tests.
#[path = "../../../tests/support/temp.rs"]
mod temp;
use temp::TempDir;

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn new_identity(store: &Store, name: &str) -> (IdentityKey, Secret) {
    let (sk, pk) = P.signature_key_pair(CS).unwrap();
    let credential = Credential::Basic {
        identity: VlBytes(name.as_bytes().to_vec()),
    };
    let key = store
        .insert_identity(&NewIdentity {
            name: name.to_owned(),
            cipher_suite: CS.id(),
            signature_private: sk.0.clone(),
            signature_public: pk.0,
            credential: credential.to_bytes().unwrap(),
        })
        .unwrap();
    (key, sk.0)
}

fn bundle(name: &str) -> KeyPackageBundle {
    let (sk, _) = P.signature_key_pair(CS).unwrap();
    let credential = Credential::Basic {
        identity: VlBytes(name.as_bytes().to_vec()),
    };
    KeyPackageBundle::generate(&P, CS, credential, sk, 86_400, Vec::new()).unwrap()
}

/// A one-member group stored in `store`.
fn new_group(store: &Store, name: &str) -> (GroupKey, Group) {
    let (identity, _) = new_identity(store, name);
    let group = Group::create(
        &P,
        &bundle(name),
        format!("group of {name}").into_bytes(),
        Vec::new(),
        GroupConfig::default(),
    )
    .unwrap();
    let record = epoch_record(&group, Summary::of(EpochCause::Created), 1).unwrap();
    let key = store
        .insert_group(
            &NewGroup {
                group_id: group.group_id().to_vec(),
                name: name.to_owned(),
                identity,
                cipher_suite: CS.id(),
                state: snapshot(&group).unwrap(),
            },
            &record,
            None,
            &[],
            &Default::default(),
        )
        .unwrap();
    (key, group)
}

/// Stages an empty commit of `group` in the store; returns the next state.
fn stage_commit(store: &Store, key: GroupKey, group: &mut Group) -> Group {
    let out = group.commit(&P, Vec::new(), false).unwrap();
    let next = out.staged.next_state().clone();
    let (_, revision) = store.group_state(key).unwrap();
    let pending = NewPending {
        origin: Origin::Local,
        base_epoch: group.epoch(),
        message: out.commit.to_bytes().unwrap(),
        welcome: None,
        group_info: None,
        next_state: snapshot(&next).unwrap(),
        next_epoch: epoch_record(
            &next,
            Summary::from_commit(&out.staged.summary, EpochCause::Commit),
            0,
        )
        .unwrap(),
        changed_nodes: changed_nodes(group.tree(), next.tree()),
        self_removed: false,
        current_state: None,
    };
    store.stage(key, revision, &pending, &[]).unwrap();
    next
}

fn state_bytes(store: &Store, key: GroupKey) -> Vec<u8> {
    store.group_state(key).unwrap().0.as_bytes().to_vec()
}

#[cfg(unix)]
#[test]
fn file_and_wal_are_private() {
    let dir = TempDir::new("perm");
    let path = dir.file("sub/dir/ws.sqlite");
    let store = Store::open(&path).unwrap();
    new_group(&store, "alice");
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    let shm = PathBuf::from(format!("{}-shm", path.display()));
    assert!(wal.exists(), "WAL mode keeps a -wal file while open");
    assert_eq!(mode(&wal), 0o600);
    assert_eq!(mode(&shm), 0o600);
    drop(store);

    // A file made readable by others is tightened on open.
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = Store::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(store.schema_version().unwrap(), LATEST);
}

#[test]
fn migrates_a_version_1_file() {
    let dir = TempDir::new("migrate");
    let path = dir.file("v1.sqlite");
    Store::create_at_version(&path, 1).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let v: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(v, 1);
        let settings: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'settings'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(settings, 0, "a v1 file has no settings table");
        conn.execute(
            "INSERT INTO identities (name, cipher_suite, signature_private, signature_public, \
             credential, created) VALUES ('old', 1, x'01', x'02', x'03', 5)",
            [],
        )
        .unwrap();
    }
    let store = Store::open(&path).unwrap();
    assert_eq!(store.schema_version().unwrap(), LATEST);
    let ids = store.identities().unwrap();
    assert_eq!(ids.len(), 1);
    assert_eq!(ids[0].name, "old");
    store.set_setting("theme", Some("dark")).unwrap();
    assert_eq!(store.setting("theme").unwrap().as_deref(), Some("dark"));
    store.set_setting("theme", None).unwrap();
    assert_eq!(store.setting("theme").unwrap(), None);
}

#[test]
fn refuses_newer_and_foreign_files() {
    let dir = TempDir::new("refuse");
    let newer = dir.file("newer.sqlite");
    Store::create_at_version(&newer, LATEST + 1).unwrap();
    let err = Store::open(&newer).unwrap_err();
    assert!(
        matches!(err, StorageError::TooNew { found, supported, .. } if found == LATEST + 1 && supported == LATEST),
        "{err}"
    );
    assert!(err.to_string().contains("newer mls-inspector"), "{err}");

    let garbage = dir.file("garbage.sqlite");
    std::fs::write(&garbage, vec![0x42; 4096]).unwrap();
    let err = Store::open(&garbage).unwrap_err();
    assert!(matches!(err, StorageError::NotAWorkspace { .. }), "{err}");

    let other = dir.file("other.sqlite");
    rusqlite::Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let err = Store::open(&other).unwrap_err();
    assert!(matches!(err, StorageError::NotAWorkspace { .. }), "{err}");
}

#[test]
fn stage_apply_and_discard() {
    let dir = TempDir::new("apply");
    let store = Store::open(dir.file("ws.sqlite")).unwrap();
    let (key, mut group) = new_group(&store, "alice");
    assert_eq!(store.history(key).unwrap().len(), 1);

    let next = stage_commit(&store, key, &mut group);
    assert!(store.group(key).unwrap().has_pending);
    let pending = store.pending(key).unwrap().unwrap();
    assert_eq!(pending.base_epoch, 0);
    assert_eq!(pending.next_epoch.epoch, 1);
    assert!(!pending.changed_nodes.is_empty(), "the path changes leaf 0");
    assert_eq!(
        store.pending_state(key).unwrap().unwrap().as_bytes(),
        next.to_bytes().unwrap().as_bytes()
    );

    // Discarding leaves the epoch alone.
    assert!(store.discard_pending(key).unwrap());
    assert!(store.pending(key).unwrap().is_none());
    assert_eq!(store.group(key).unwrap().epoch, 0);

    let next = stage_commit(&store, key, &mut group);
    // A second stage is refused while one is pending.
    let err = {
        let (_, revision) = store.group_state(key).unwrap();
        let out = group.commit(&P, Vec::new(), false).unwrap();
        let n = out.staged.next_state();
        store
            .stage(
                key,
                revision,
                &NewPending {
                    origin: Origin::Local,
                    base_epoch: 0,
                    message: Vec::new(),
                    welcome: None,
                    group_info: None,
                    next_state: snapshot(n).unwrap(),
                    next_epoch: epoch_record(n, Summary::of(EpochCause::Commit), 0).unwrap(),
                    changed_nodes: Vec::new(),
                    self_removed: false,
                    current_state: None,
                },
                &[],
            )
            .unwrap_err()
    };
    assert!(matches!(err, StorageError::Conflict(_)), "{err}");

    let row = store.apply_pending(key).unwrap();
    assert_eq!(row.epoch, 1);
    assert_eq!(row.epoch_authenticator, next.epoch_authenticator());
    assert!(store.pending(key).unwrap().is_none());
    let g = store.group(key).unwrap();
    assert_eq!((g.epoch, g.has_pending), (1, false));
    assert_eq!(
        state_bytes(&store, key),
        next.to_bytes().unwrap().as_bytes()
    );
    let history = store.history(key).unwrap();
    assert_eq!(
        history.iter().map(|e| e.epoch).collect::<Vec<_>>(),
        vec![0, 1]
    );
    assert_eq!(history[1].summary.cause, EpochCause::Commit);
    // The display read leaves the trees out, and nothing else.
    let without = store.history_without_trees(key).unwrap();
    assert!(history.iter().all(|e| !e.ratchet_tree.is_empty()));
    let cleared: Vec<EpochRecord> = history
        .iter()
        .cloned()
        .map(|e| EpochRecord {
            ratchet_tree: Vec::new(),
            ..e
        })
        .collect();
    assert_eq!(without, cleared);
    assert_eq!(store.latest_epoch(key).unwrap().unwrap(), row);
    assert!(matches!(
        store.apply_pending(key).unwrap_err(),
        StorageError::NotFound { .. }
    ));
}

#[test]
fn a_failing_apply_changes_nothing() {
    let dir = TempDir::new("rollback");
    let path = dir.file("ws.sqlite");
    let store = Store::open(&path).unwrap();
    let (key, mut group) = new_group(&store, "alice");
    stage_commit(&store, key, &mut group);
    let before = state_bytes(&store, key);
    // Make the history insert fail half-way through the transaction: an
    // epoch-1 row already exists.
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "INSERT INTO epochs SELECT group_ref, 1, time, committer, summary, summary_text, \
             epoch_authenticator, tree_hash, members, ratchet_tree FROM epochs WHERE epoch = 0",
            [],
        )
        .unwrap();
    assert!(store.apply_pending(key).is_err());
    assert_eq!(state_bytes(&store, key), before);
    assert_eq!(store.group(key).unwrap().epoch, 0);
    assert!(store.pending(key).unwrap().is_some());
}

#[test]
fn stale_writes_are_refused() {
    let dir = TempDir::new("stale");
    let store = Store::open(dir.file("ws.sqlite")).unwrap();
    let (key, mut group) = new_group(&store, "alice");
    let (_, revision) = store.group_state(key).unwrap();
    group.send_application(&P, b"x", b"").unwrap();
    let state = snapshot(&group).unwrap();
    let message = NewMessage {
        direction: Direction::Out,
        kind: MessageKind::Application,
        epoch: Some(0),
        sender: Some(0),
        bytes: vec![1, 2, 3],
        content: Some(b"x".to_vec()),
    };
    let r2 = store
        .update_group_state(key, revision, &state, std::slice::from_ref(&message))
        .unwrap();
    assert_eq!(r2, revision + 1);
    // The same revision again: someone else wrote in between.
    let err = store
        .update_group_state(key, revision, &state, std::slice::from_ref(&message))
        .unwrap_err();
    assert!(matches!(err, StorageError::Stale(_)), "{err}");
    assert_eq!(store.messages(Some(key)).unwrap().len(), 1);
    let m = &store.messages(None).unwrap()[0];
    assert_eq!(
        (m.direction, m.kind, m.epoch, m.content.as_deref()),
        (
            Direction::Out,
            MessageKind::Application,
            Some(0),
            Some(&b"x"[..])
        )
    );
    // An epoch change through update_group_state is refused.
    let mut other = state.clone();
    other.epoch = 5;
    assert!(store.update_group_state(key, r2, &other, &[]).is_err());
}

#[test]
fn join_consumes_the_key_package_once() {
    let dir = TempDir::new("kp");
    let store = Store::open(dir.file("ws.sqlite")).unwrap();
    let (identity, _) = new_identity(&store, "bob");
    let b = bundle("bob");
    let reference = b.reference(&P).unwrap();
    store
        .insert_key_package(&NewKeyPackage {
            reference: reference.clone(),
            identity,
            cipher_suite: CS.id(),
            message: b.key_package.to_bytes().unwrap(),
            secrets: KeyPackageSecrets {
                init_private: b.init_private.0.clone(),
                encryption_private: b.encryption_private.0.clone(),
            },
            not_after: 10,
        })
        .unwrap();
    assert!(store.key_package_secrets(&reference).unwrap().is_some());
    let group = Group::create(&P, &b, b"g".to_vec(), Vec::new(), GroupConfig::default()).unwrap();
    let new_group = NewGroup {
        group_id: b"g".to_vec(),
        name: String::from("g"),
        identity,
        cipher_suite: CS.id(),
        state: snapshot(&group).unwrap(),
    };
    let record = epoch_record(&group, Summary::of(EpochCause::Welcome), 0).unwrap();
    store
        .insert_group(
            &new_group,
            &record,
            Some(&reference),
            &[],
            &Default::default(),
        )
        .unwrap();
    assert!(store.key_package_secrets(&reference).unwrap().is_none());
    assert!(store.key_package(&reference).unwrap().unwrap().used);
    // A second join with the same key package fails and stores nothing.
    let err = store
        .insert_group(
            &new_group,
            &record,
            Some(&reference),
            &[],
            &Default::default(),
        )
        .unwrap_err();
    assert!(matches!(err, StorageError::Conflict(_)), "{err}");
    assert_eq!(store.groups().unwrap().len(), 1);
}

#[test]
fn identities_roots_psks() {
    let dir = TempDir::new("misc");
    let store = Store::open(dir.file("ws.sqlite")).unwrap();
    let (key, sk) = new_identity(&store, "carol");
    assert_eq!(store.identity_private(key).unwrap(), sk);
    assert_eq!(store.identity_by_name("carol").unwrap().unwrap().key, key);
    let err = store
        .insert_identity(&NewIdentity {
            name: String::from("carol"),
            cipher_suite: 1,
            signature_private: Secret::new(vec![1]),
            signature_public: vec![2],
            credential: vec![3],
        })
        .unwrap_err();
    assert!(matches!(err, StorageError::Duplicate(_)), "{err}");

    let root = NewTrustRoot {
        der: vec![0x30, 0x00],
        subject: String::from("CN=Root"),
        issuer: String::from("CN=Root"),
        not_before: 1,
        not_after: 2,
        fingerprint: String::from("ab"),
    };
    let ids = store
        .insert_trust_roots(std::slice::from_ref(&root))
        .unwrap();
    assert_eq!(store.trust_roots().unwrap().len(), 1);
    assert!(store.insert_trust_roots(&[root]).is_err());
    store.remove_trust_root(ids[0]).unwrap();
    assert!(store.trust_roots().unwrap().is_empty());

    store.insert_psk(b"psk", &Secret::new(vec![7; 32])).unwrap();
    assert!(store.insert_psk(b"psk", &Secret::new(vec![8; 32])).is_err());
    assert_eq!(store.psks().unwrap()[0].psk_id, b"psk");
    assert_eq!(store.psk_secrets().unwrap()[0].1, Secret::new(vec![7; 32]));
    assert!(store.remove_psk(b"psk").unwrap());
}

#[test]
fn debug_output_has_no_secrets() {
    let secret = Secret::new(vec![0xAB; 16]);
    let identity = NewIdentity {
        name: String::from("x"),
        cipher_suite: 1,
        signature_private: secret.clone(),
        signature_public: Vec::new(),
        credential: Vec::new(),
    };
    let state = GroupState {
        state: secret.clone(),
        epoch: 0,
        own_leaf: 0,
        member_count: 1,
    };
    let kp = KeyPackageSecrets {
        init_private: secret.clone(),
        encryption_private: secret,
    };
    for text in [
        format!("{identity:?}"),
        format!("{state:?}"),
        format!("{kp:?}"),
    ] {
        assert!(text.contains("<redacted>"), "{text}");
        assert!(!text.contains("171"), "{text}");
        assert!(!text.to_lowercase().contains("abab"), "{text}");
    }
}

#[test]
fn summary_round_trip_and_text() {
    let s = Summary {
        cause: EpochCause::Commit,
        committer: Some(0),
        added: vec![MemberEntry {
            leaf: 1,
            credential_type: 1,
            identity: String::from("bob"),
        }],
        removed: Vec::new(),
        updated: Vec::new(),
        psks: vec![String::from("external 00")],
        extensions: Some(vec![2, 0x0a0a]),
        has_path: true,
        reinit: None,
        self_removed: false,
    };
    assert_eq!(Summary::from_bytes(&s.to_bytes().unwrap()).unwrap(), s);
    let text = s.to_string();
    assert!(
        text.starts_with("commit by leaf 0: added bob (leaf 1)"),
        "{text}"
    );
    assert!(text.contains("with path"), "{text}");
    assert_eq!(
        Summary::of(EpochCause::Created).to_string(),
        "group created"
    );
    assert!(Summary::from_bytes(&[2]).is_err());
}
