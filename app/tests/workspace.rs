#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The persistent workspace: two workspace files playing two members of a
//! group, file permissions, migrations, trust roots, rejected commits.

use std::path::{Path, PathBuf};

use mls_core::crypto::{CipherSuite, Secret};
use mls_inspector::workspace::store::{Store, schema::LATEST};
use mls_inspector::workspace::{
    CommitRequest, Direction, GroupKey, GroupOptions, GroupStatus, MessageKind, Origin, Receipt,
    Workspace, WorkspaceError,
};

const CS: CipherSuite = CipherSuite::ALL[0];

#[path = "support/temp.rs"]
mod temp;
use temp::TempDir;

/// Everything in a workspace that a rejected message must not change.
fn fingerprint(ws: &Workspace, key: GroupKey) -> (Vec<u8>, i64, usize, usize, bool) {
    let (state, revision) = ws.store().group_state(key).unwrap();
    (
        state.as_bytes().to_vec(),
        revision,
        ws.history(key).unwrap().len(),
        ws.messages(None).unwrap().len(),
        ws.pending(key).unwrap().is_some(),
    )
}

/// Alice (in `a`) creates a group and adds Bob (in `b`); both at epoch 1.
fn two_members(a: &Workspace, b: &Workspace) -> (GroupKey, GroupKey) {
    let alice = a.identity_new("alice", CS).unwrap();
    let bob = b.identity_new("bob", CS).unwrap();
    let ga = a
        .group_create(
            alice.key,
            &GroupOptions {
                name: Some(String::from("team")),
                ..GroupOptions::default()
            },
        )
        .unwrap();
    let kp = b.key_package_new(bob.key).unwrap();
    let out = a.commit_add(ga.key, &[kp.bytes]).unwrap();
    a.apply(ga.key).unwrap();
    let gb = b.join(out.welcome.as_ref().unwrap(), None).unwrap();
    (ga.key, gb.key)
}

fn authenticator(ws: &Workspace, key: GroupKey) -> String {
    ws.group_show(key).unwrap().epoch_authenticator_hex
}

#[test]
fn two_workspaces_play_a_group() {
    let dir = TempDir::new("flow");
    let a = Workspace::open(dir.file("alice.sqlite")).unwrap();
    let b = Workspace::open(dir.file("bob.sqlite")).unwrap();

    let alice = a.identity_new("alice", CS).unwrap();
    assert_eq!(alice.credential, "alice");
    let bob = b.identity_new("bob", CS).unwrap();
    assert!(matches!(
        b.identity_new("bob", CS).unwrap_err(),
        WorkspaceError::Storage(_)
    ));
    let ga = a
        .group_create(
            alice.key,
            &GroupOptions {
                name: Some(String::from("team")),
                ..GroupOptions::default()
            },
        )
        .unwrap();
    assert_eq!((ga.epoch, ga.member_count, ga.own_leaf), (0, 1, 0));
    assert_eq!(a.group_find("team").unwrap().key, ga.key);
    assert_eq!(a.group_find(&ga.group_id_hex[..6]).unwrap().key, ga.key);
    assert_eq!(a.group_find(&format!("#{}", ga.key.0)).unwrap().key, ga.key);

    // Bob's key package, validated by Alice as a foreign one.
    let kp = b.key_package_new(bob.key).unwrap();
    assert!(!kp.used);
    assert_eq!(
        b.key_package_export(&kp.reference_hex[..10]).unwrap(),
        kp.bytes
    );
    let foreign = a.key_package_validate_foreign(&kp.bytes).unwrap();
    assert_eq!(foreign.reference_hex, kp.reference_hex);
    assert_eq!(foreign.credential, "bob");
    assert_eq!(foreign.identity, None);
    let mut broken = kp.bytes.clone();
    let last = broken.len() - 1;
    broken[last] ^= 1;
    assert!(a.key_package_validate_foreign(&broken).is_err());

    // Alice adds Bob: staged, previewed, applied.
    let out = a
        .commit_add(ga.key, std::slice::from_ref(&kp.bytes))
        .unwrap();
    let welcome = out.welcome.clone().unwrap();
    assert!(out.group_info.is_some());
    let p = &out.preview;
    assert_eq!((p.current_epoch, p.new_epoch), (0, 1));
    assert_eq!(p.origin, Origin::Local);
    assert_eq!(p.committer, Some(0));
    assert_eq!(p.committer_name.as_deref(), Some("alice"));
    assert_eq!(p.summary.added.len(), 1);
    assert_eq!(p.summary.added[0].identity, "bob");
    assert!(p.text.contains("added bob (leaf 1)"), "{}", p.text);
    // Leaf 1 (node 2) appears; the root (node 1) gets a key.
    assert!(p.changed_nodes.contains(&2), "{:?}", p.changed_nodes);
    assert!(a.groups().unwrap()[0].pending);
    assert_eq!(a.pending(ga.key).unwrap().as_ref(), Some(p));
    assert!(matches!(
        a.commit(ga.key).unwrap_err(),
        WorkspaceError::AlreadyPending(_)
    ));
    let row = a.apply(ga.key).unwrap();
    assert_eq!(row.epoch, 1);
    assert!(a.pending(ga.key).unwrap().is_none());

    // Bob joins; his key package's private keys are gone.
    let gb = b.join(&welcome, None).unwrap();
    // Alice's log keeps the plaintext (checked below).
    a.set_group_settings(ga.key, &["keep_plaintext=true"])
        .unwrap();
    assert_eq!((gb.epoch, gb.own_leaf, gb.member_count), (1, 1, 2));
    assert!(b.key_packages().unwrap()[0].used);
    let reference = hex::decode(&kp.reference_hex).unwrap();
    assert!(b.store().key_package_secrets(&reference).unwrap().is_none());
    assert!(matches!(
        b.join(&welcome, None).unwrap_err(),
        WorkspaceError::NoKeyPackage
    ));
    assert_eq!(authenticator(&a, ga.key), authenticator(&b, gb.key));
    assert_eq!(row.epoch_authenticator_hex, authenticator(&b, gb.key));

    // Messages both ways, routed by their header.
    let m = a.send(ga.key, b"hello bob").unwrap();
    match b.receive(None, &m).unwrap() {
        Receipt::Application {
            group,
            sender,
            sender_name,
            data,
            ..
        } => {
            assert_eq!((group, sender), (gb.key, 0));
            assert_eq!(sender_name, "alice");
            assert_eq!(data, b"hello bob");
        }
        other => panic!("{other:?}"),
    }
    // A replay is rejected (the key was consumed and saved).
    assert!(b.receive(None, &m).is_err());
    let m = b.send(gb.key, b"hi alice").unwrap();
    match a.receive(Some(ga.key), &m).unwrap() {
        Receipt::Application { data, .. } => assert_eq!(data, b"hi alice"),
        other => panic!("{other:?}"),
    }
    let texts: Vec<_> = a
        .messages(Some(ga.key))
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::Application)
        .map(|m| (m.direction, m.content.unwrap()))
        .collect();
    assert_eq!(
        texts,
        vec![
            (Direction::Out, b"hello bob".to_vec()),
            (Direction::In, b"hi alice".to_vec())
        ]
    );

    // Alice updates; Bob previews, discards (epoch unchanged), then applies.
    let out = a.commit_update(ga.key).unwrap();
    a.apply(ga.key).unwrap();
    let before = fingerprint(&b, gb.key);
    let Receipt::CommitStaged(preview) = b.receive(None, &out.commit).unwrap() else {
        panic!("not staged")
    };
    assert_eq!(preview.origin, Origin::Incoming);
    assert_eq!((preview.current_epoch, preview.new_epoch), (1, 2));
    assert_eq!(preview.committer_name.as_deref(), Some("alice"));
    assert!(preview.summary.has_path);
    assert_eq!(b.group_row(gb.key).unwrap().epoch, 1);
    assert!(b.discard(gb.key).unwrap());
    assert_eq!(b.group_row(gb.key).unwrap().epoch, 1);
    assert_eq!(fingerprint(&b, gb.key).0, before.0);
    let Receipt::CommitStaged(_) = b.receive(Some(gb.key), &out.commit).unwrap() else {
        panic!("not staged")
    };
    let row = b.apply(gb.key).unwrap();
    assert_eq!(row.epoch, 2);
    assert_eq!(authenticator(&a, ga.key), authenticator(&b, gb.key));

    // History, with the tree of every epoch.
    let history = a.history(ga.key).unwrap();
    assert_eq!(
        history.iter().map(|e| e.epoch).collect::<Vec<_>>(),
        vec![0, 1, 2]
    );
    assert_eq!(history[0].text, "group created");
    assert_eq!(history[2].committer, Some(0));
    assert_eq!(a.epoch_tree(ga.key, 0).unwrap().members().count(), 1);
    assert_eq!(a.epoch_tree(ga.key, 2).unwrap().members().count(), 2);
    let bh = b.history(gb.key).unwrap();
    assert_eq!(bh.iter().map(|e| e.epoch).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(
        bh[1].epoch_authenticator_hex,
        history[2].epoch_authenticator_hex
    );
    assert_eq!(bh[1].tree_hash_hex, history[2].tree_hash_hex);

    // Details of the current epoch.
    let details = b.group_show(gb.key).unwrap();
    assert_eq!(details.members.len(), 2);
    assert!(details.members[1].is_self);
    assert_eq!(details.members[0].identity, "alice");
    assert_eq!(details.row.epoch, 2);

    // Everything survives reopening.
    drop(a);
    let a = Workspace::open(dir.file("alice.sqlite")).unwrap();
    assert_eq!(authenticator(&a, ga.key), authenticator(&b, gb.key));

    // Bob removes Alice: her commit preview says so, and applying deletes
    // her state.
    let out = b.commit_remove(gb.key, &[0]).unwrap();
    b.apply(gb.key).unwrap();
    let Receipt::CommitStaged(preview) = a.receive(None, &out.commit).unwrap() else {
        panic!("not staged")
    };
    assert!(preview.self_removed);
    assert!(preview.changed_nodes.contains(&0));
    let row = a.apply(ga.key).unwrap();
    assert_eq!(row.epoch, 3);
    assert_eq!(a.group_row(ga.key).unwrap().status, GroupStatus::Removed);
    assert!(matches!(
        a.group_load(ga.key).unwrap_err(),
        WorkspaceError::Removed(_)
    ));
    assert_eq!(a.history(ga.key).unwrap().len(), 4);

    a.group_delete(ga.key).unwrap();
    assert!(a.groups().unwrap().is_empty());
    assert!(a.messages(Some(ga.key)).unwrap().is_empty());
}

#[test]
fn external_join_and_psks() {
    let dir = TempDir::new("external");
    let a = Workspace::open(dir.file("a.sqlite")).unwrap();
    let b = Workspace::open(dir.file("b.sqlite")).unwrap();
    let (ga, gb) = two_members(&a, &b);

    // A PSK both hold.
    let secret = Secret::new(vec![0x42; 32]);
    a.psk_add(b"shared", secret.clone()).unwrap();
    b.psk_add(b"shared", secret).unwrap();
    assert_eq!(a.psks().unwrap()[0].psk_id, b"shared");
    let out = a
        .commit_with(
            ga,
            &CommitRequest {
                psks: vec![b"shared".to_vec()],
                ..CommitRequest::default()
            },
        )
        .unwrap();
    assert_eq!(out.preview.summary.psks.len(), 1);
    a.apply(ga).unwrap();
    b.receive(Some(gb), &out.commit).unwrap();
    b.apply(gb).unwrap();
    assert_eq!(authenticator(&a, ga), authenticator(&b, gb));

    // Carol joins by external commit from Alice's GroupInfo.
    let c = Workspace::open(dir.file("c.sqlite")).unwrap();
    let carol = c.identity_new("carol", CS).unwrap();
    let info = a.export_group_info(ga).unwrap();
    let (gc, commit) = c.join_external(carol.key, &info).unwrap();
    assert_eq!(gc.epoch, 3);
    assert_eq!(
        c.history(gc.key).unwrap()[0].text,
        "joined by external commit"
    );
    for (ws, key) in [(&a, ga), (&b, gb)] {
        let Receipt::CommitStaged(p) = ws.receive(None, &commit).unwrap() else {
            panic!("not staged")
        };
        assert!(p.text.starts_with("external commit"), "{}", p.text);
        ws.apply(key).unwrap();
    }
    assert_eq!(authenticator(&a, ga), authenticator(&c, gc.key));
    assert_eq!(authenticator(&b, gb), authenticator(&c, gc.key));
}

#[test]
fn rejected_commits_leave_the_file_unchanged() {
    let dir = TempDir::new("reject");
    let a = Workspace::open(dir.file("a.sqlite")).unwrap();
    let b = Workspace::open(dir.file("b.sqlite")).unwrap();
    let (ga, gb) = two_members(&a, &b);
    let out = a.commit_update(ga).unwrap();
    let before = fingerprint(&b, gb);

    // A corrupted signature / membership tag.
    let mut tampered = out.commit.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x01;
    assert!(b.receive(Some(gb), &tampered).is_err());
    assert_eq!(fingerprint(&b, gb), before);
    // Garbage and a message of the wrong kind.
    assert!(matches!(
        b.receive(Some(gb), &[0, 1, 2]).unwrap_err(),
        WorkspaceError::Malformed { .. }
    ));
    let kp = b.identities().unwrap()[0].key;
    let kp = b.key_package_new(kp).unwrap();
    let before = fingerprint(&b, gb);
    assert!(matches!(
        b.receive(Some(gb), &kp.bytes).unwrap_err(),
        WorkspaceError::WrongMessage { .. }
    ));
    assert_eq!(fingerprint(&b, gb), before);

    // The real commit goes through; replaying it a epoch later is rejected.
    b.receive(Some(gb), &out.commit).unwrap();
    b.apply(gb).unwrap();
    a.apply(ga).unwrap();
    let before = fingerprint(&b, gb);
    assert!(b.receive(Some(gb), &out.commit).is_err());
    assert_eq!(fingerprint(&b, gb), before);
    assert_eq!(authenticator(&a, ga), authenticator(&b, gb));
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn files_are_private() {
    let dir = TempDir::new("mode");
    let path = dir.file("new/dir/ws.sqlite");
    let ws = Workspace::open(&path).unwrap();
    let id = ws.identity_new("alice", CS).unwrap();
    ws.group_create(id.key, &GroupOptions::default()).unwrap();
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(path.parent().unwrap()), 0o700);
    for suffix in ["-wal", "-shm"] {
        let side = PathBuf::from(format!("{}{suffix}", path.display()));
        assert_eq!(mode(&side), 0o600, "{}", side.display());
    }
    assert_eq!(ws.path(), path);
    assert!(
        Workspace::default_path()
            .map(|p| p.ends_with("mls-inspector/workspace.sqlite"))
            .unwrap_or(true)
    );
}

#[test]
fn old_files_migrate_and_newer_ones_are_refused() {
    let dir = TempDir::new("migrate");
    let old = dir.file("v1.sqlite");
    Store::create_at_version(&old, 1).unwrap();
    let ws = Workspace::open(&old).unwrap();
    assert_eq!(ws.schema_version().unwrap(), LATEST);
    let id = ws.identity_new("alice", CS).unwrap();
    let g = ws.group_create(id.key, &GroupOptions::default()).unwrap();
    ws.commit(g.key).unwrap();
    ws.apply(g.key).unwrap();
    ws.set_setting("last_group", Some("1")).unwrap();
    assert_eq!(ws.setting("last_group").unwrap().as_deref(), Some("1"));

    let newer = dir.file("newer.sqlite");
    Store::create_at_version(&newer, LATEST + 1).unwrap();
    let err = Workspace::open(&newer).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains(&format!("schema version {}", LATEST + 1)) && text.contains("newer"),
        "{text}"
    );
}

#[path = "support/cert.rs"]
mod cert;

#[test]
fn trust_roots_import_and_apply() {
    let dir = TempDir::new("roots");
    let ws = Workspace::open(dir.file("ws.sqlite")).unwrap();
    let root1 = cert::self_signed_ca("CN=Test Root One,O=Example", 1);
    let root2 = cert::self_signed_ca("CN=Test Root Two", 2);
    let bundle = format!("{}{}", cert::pem(&root1), cert::pem(&root2));
    let imported = ws.trust_root_import(bundle.as_bytes()).unwrap();
    assert_eq!(imported.len(), 2);
    assert!(
        imported[0].subject.contains("Test Root One"),
        "{:?}",
        imported[0]
    );
    assert_eq!(imported[0].subject, imported[0].issuer);
    assert!(imported[0].not_before < imported[0].not_after);
    assert_eq!(imported[0].der, root1);
    // Importing again is refused as a whole; nothing is added.
    assert!(ws.trust_root_import(bundle.as_bytes()).is_err());
    assert_eq!(ws.trust_roots().unwrap().len(), 2);
    // Not a certificate.
    assert!(ws.trust_root_import(b"not a certificate").is_err());

    // Groups now validate with the X.509 provider, which still takes basic
    // credentials.
    assert!(format!("{:?}", ws.identity_provider().unwrap()).contains("X509"));
    let id = ws.identity_new("alice", CS).unwrap();
    let g = ws.group_create(id.key, &GroupOptions::default()).unwrap();
    let id2 = ws.identity_new("bob", CS).unwrap();
    let kp = ws.key_package_new(id2.key).unwrap();
    ws.commit_add(g.key, &[kp.bytes]).unwrap();
    ws.apply(g.key).unwrap();

    ws.trust_root_remove(imported[0].id).unwrap();
    assert_eq!(ws.trust_roots().unwrap().len(), 1);
    // A DER root alone.
    ws.trust_root_remove(imported[1].id).unwrap();
    let again = ws.trust_root_import(&root2).unwrap();
    assert_eq!(again.len(), 1);
    assert!(again[0].subject.contains("Test Root Two"));
}

#[test]
fn debug_output_hides_secrets() {
    let dir = TempDir::new("debug");
    let ws = Workspace::open(dir.file("ws.sqlite")).unwrap();
    let id = ws.identity_new("alice", CS).unwrap();
    let g = ws.group_create(id.key, &GroupOptions::default()).unwrap();
    let private = ws.store().identity_private(id.key).unwrap();
    let group = ws.group_load(g.key).unwrap();
    let text = format!(
        "{ws:?} {id:?} {:?} {group:?}",
        ws.group_show(g.key).unwrap()
    );
    assert!(!text.contains(&hex::encode(private.as_bytes())));
    let bytes: Vec<String> = private.as_bytes().iter().map(u8::to_string).collect();
    assert!(!text.contains(&bytes.join(", ")));
}

/// With encrypted handshakes, a discarded commit's ratchet generation stays
/// consumed in the stored state (no key/nonce reuse by the next commit),
/// and the commit sent afterwards is accepted by the other member.
#[test]
fn discarded_encrypted_commit_is_not_reused() {
    let dir = TempDir::new("discard-private");
    let a = Workspace::open(dir.file("a.sqlite")).unwrap();
    let b = Workspace::open(dir.file("b.sqlite")).unwrap();
    let alice = a.identity_new("alice", CS).unwrap();
    let bob = b.identity_new("bob", CS).unwrap();
    let ga = a
        .group_create(
            alice.key,
            &GroupOptions {
                encrypt_handshake: true,
                ..GroupOptions::default()
            },
        )
        .unwrap();
    let kp = b.key_package_new(bob.key).unwrap();
    let out = a.commit_add(ga.key, &[kp.bytes]).unwrap();
    a.apply(ga.key).unwrap();
    let gb = b.join(out.welcome.as_ref().unwrap(), None).unwrap();

    let (state_before, _) = a.store().group_state(ga.key).unwrap();
    let first = a.commit_update(ga.key).unwrap();
    assert!(a.discard(ga.key).unwrap());
    let (state_after, _) = a.store().group_state(ga.key).unwrap();
    assert_ne!(
        state_before.as_bytes(),
        state_after.as_bytes(),
        "the discarded commit's generation must stay consumed"
    );
    let second = a.commit_update(ga.key).unwrap();
    assert_ne!(first.commit, second.commit);
    match b.receive(Some(gb.key), &second.commit).unwrap() {
        Receipt::CommitStaged(_) => {}
        other => panic!("expected a staged commit, got {other:?}"),
    }
    a.apply(ga.key).unwrap();
    b.apply(gb.key).unwrap();
    assert_eq!(authenticator(&a, ga.key), authenticator(&b, gb.key));
}

/// `peek` decrypts and previews with the current state and saves nothing:
/// the same message can then be received for real.
#[test]
fn peek_decrypts_without_changing_the_file() {
    let dir = TempDir::new("peek");
    let a = Workspace::open(dir.file("a.sqlite")).unwrap();
    let b = Workspace::open(dir.file("b.sqlite")).unwrap();
    let (ga, gb) = two_members(&a, &b);

    let message = a.send(ga, b"hello, inspector").unwrap();
    let before = fingerprint(&b, gb);
    for _ in 0..2 {
        match b.peek(Some(gb), &message).unwrap() {
            Receipt::Application { data, .. } => assert_eq!(data, b"hello, inspector"),
            other => panic!("expected application data, got {other:?}"),
        }
        assert_eq!(fingerprint(&b, gb), before);
    }
    match b.receive(Some(gb), &message).unwrap() {
        Receipt::Application { data, .. } => assert_eq!(data, b"hello, inspector"),
        other => panic!("expected application data, got {other:?}"),
    }
    assert_ne!(fingerprint(&b, gb), before);

    let commit = a.commit_update(ga).unwrap();
    let before = fingerprint(&b, gb);
    match b.peek(None, &commit.commit).unwrap() {
        Receipt::CommitStaged(preview) => assert_eq!(preview.new_epoch, 2),
        other => panic!("expected a commit preview, got {other:?}"),
    }
    assert_eq!(fingerprint(&b, gb), before);
    assert!(b.pending(gb).unwrap().is_none());
    // A Welcome is not previewed.
    a.discard(ga).unwrap();
    let c = Workspace::open(dir.file("c.sqlite")).unwrap();
    let carol = c.identity_new("carol", CS).unwrap();
    let kp = c.key_package_new(carol.key).unwrap();
    let added = a.commit_add(ga, &[kp.bytes]).unwrap();
    let welcome = added.welcome.unwrap();
    assert!(matches!(
        c.peek(None, &welcome).unwrap_err(),
        WorkspaceError::WrongMessage { .. }
    ));
}
