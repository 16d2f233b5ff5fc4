#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The group manager's Groups tab, driven headless with egui_kittest: the
//! tests click, type and drop files like a user, and read the outcome back
//! from the workspace file (through a second connection), so the GUI and
//! the CLI are held to the same state.

use std::time::{Duration, Instant};

use egui_kittest::kittest::Queryable as _;
use mls_inspector::ui::{GroupView, InspectorApp, Tab};
use mls_inspector::workspace::MessageKind;
use mls_inspector::workspace::{GroupOptions, Receipt, Workspace};

#[path = "support/gui.rs"]
mod gui;
use gui::{
    CS, MemStorage, TempDir, alice_and_bob, alice_team, click, drop_file, harness, open_groups,
    settle, status_text, type_into,
};

#[test]
fn create_group_with_a_new_identity() {
    let dir = TempDir::new("create");
    let db = dir.file("ws.sqlite");
    let mut h = harness(InspectorApp::with_workspace(&db));
    h.run();
    click(&mut h, "Groups");
    assert_eq!(h.state().tab(), Tab::Groups);
    h.get_by_label("No group selected");

    type_into(&mut h, "Identity name:", "alice");
    type_into(&mut h, "Group name:", "team");
    click(&mut h, "Create group");

    let ws = Workspace::open(&db).unwrap();
    let groups = ws.groups().unwrap();
    assert_eq!(groups.len(), 1, "{}", status_text(&mut h));
    let row = &groups[0];
    assert_eq!(row.name, "team");
    assert_eq!(row.identity_name, "alice");
    assert_eq!(row.epoch, 0);
    assert_eq!(row.member_count, 1);
    assert_eq!(row.cipher_suite, CS.id());
    assert_eq!(h.state_mut().groups().selected(), Some(row.key));
    h.get_by_label("Group team");
    h.get_by_label("alice (you)");
    assert!(status_text(&mut h).contains("Created group team"));

    // A second group for the same identity, chosen in the picker now.
    type_into(&mut h, "Group name:", "second");
    click(&mut h, "Create group");
    let groups = ws.groups().unwrap();
    assert_eq!(groups.len(), 2, "{}", status_text(&mut h));
    assert_eq!(groups[1].identity_name, "alice");
    assert_eq!(ws.identities().unwrap().len(), 1);

    // The filter box narrows the list.
    type_into(&mut h, "Filter:", "seco");
    assert!(h.query_by_label("team").is_none());
    h.get_by_label("second");
}

#[test]
fn add_members_from_dropped_and_typed_key_package_files() {
    let dir = TempDir::new("add");
    let db = dir.file("alice.sqlite");
    let a = Workspace::open(&db).unwrap();
    let alice = a.identity_new("alice", CS).unwrap();
    let group = a.group_create(alice.key, &GroupOptions::default()).unwrap();

    let b = Workspace::open(dir.file("others.sqlite")).unwrap();
    let bob = b.identity_new("bob", CS).unwrap();
    let carol = b.identity_new("carol", CS).unwrap();
    let bob_kp = b.key_package_new(bob.key).unwrap();
    let carol_kp = b.key_package_new(carol.key).unwrap();
    // Carol's as hex text in a file: the panel reads it like the Decoder.
    let carol_file = dir.file("carol.kp.hex");
    std::fs::write(&carol_file, hex::encode(&carol_kp.bytes)).unwrap();

    let mut h = open_groups(&db, Some(group.key));
    h.get_by_label(&format!("Group {}", group.name));

    // Bob's key package, dropped: queued, then committed.
    drop_file(&mut h, "bob.kp", &bob_kp.bytes);
    assert_eq!(h.state_mut().groups().add_queue().len(), 1);
    assert_eq!(h.state_mut().groups().add_queue()[0].credential, "bob");
    click(&mut h, "Commit: add 1");
    assert_eq!(h.state_mut().groups().view(), GroupView::Staged);
    h.get_by_label("Local commit (staged)");
    let pending = a.pending(group.key).unwrap().expect("a staged commit");
    assert_eq!(pending.summary.added.len(), 1);
    assert_eq!(a.group_row(group.key).unwrap().epoch, 0);
    assert!(h.state_mut().groups().add_queue().is_empty());

    click(&mut h, "Apply");
    let row = a.group_row(group.key).unwrap();
    assert_eq!(
        (row.epoch, row.member_count),
        (1, 2),
        "{}",
        status_text(&mut h)
    );
    assert!(a.pending(group.key).unwrap().is_none());
    assert_eq!(
        h.state_mut().groups().snapshot().unwrap().row.epoch,
        1,
        "the panel shows the new epoch"
    );
    // The Welcome it produced lets Bob join at the same epoch.
    let welcome = a
        .messages(Some(group.key))
        .unwrap()
        .into_iter()
        .find(|m| m.kind == MessageKind::Welcome)
        .expect("the Welcome was recorded");
    let joined = b.join(&welcome.bytes, None).unwrap();
    assert_eq!(joined.epoch, 1);

    // Carol's, by typing the file's path.
    type_into(&mut h, "Key package:", carol_file.to_str().unwrap());
    click(&mut h, "Add to list");
    assert_eq!(h.state_mut().groups().add_queue().len(), 1);
    click(&mut h, "Commit: add 1");
    click(&mut h, "Apply");
    let row = a.group_row(group.key).unwrap();
    assert_eq!(
        (row.epoch, row.member_count),
        (2, 3),
        "{}",
        status_text(&mut h)
    );
    let members: Vec<String> = a
        .group_show(group.key)
        .unwrap()
        .members
        .into_iter()
        .map(|m| m.identity)
        .collect();
    assert_eq!(members, ["alice", "bob", "carol"]);
    // The members table lists them.
    h.get_by_label("carol");
    assert_eq!(h.get_all_by_label("Remove").count(), 2);
}

#[test]
fn incoming_commit_is_previewed_then_applied() {
    let dir = TempDir::new("apply");
    let (a_db, a_key, b, b_key) = alice_and_bob(&dir);
    // Bob commits an update on his side.
    let commit = b.commit_update(b_key).unwrap();
    b.apply(b_key).unwrap();

    let mut h = open_groups(&a_db, Some(a_key));
    drop_file(&mut h, "bob-update.mls", &commit.commit);

    // The preview: who, which epochs, what changed, Apply and Discard.
    assert_eq!(h.state_mut().groups().view(), GroupView::Staged);
    h.get_by_label("Incoming commit (staged)");
    h.get_by_label("bob (leaf 1)");
    h.get_by_label("1 ➡ 2");
    h.get_by_label("Discard");
    let a = Workspace::open(&a_db).unwrap();
    let pending = a.pending(a_key).unwrap().expect("staged");
    assert!(!pending.changed_nodes.is_empty());
    let highlighted: Vec<u32> = h
        .state_mut()
        .groups()
        .preview_tree_view()
        .model()
        .changed_nodes()
        .collect();
    assert_eq!(highlighted, pending.changed_nodes);
    assert_eq!(a.group_row(a_key).unwrap().epoch, 1, "nothing applied yet");
    assert!(a.group_row(a_key).unwrap().pending);

    click(&mut h, "Apply");
    assert_eq!(
        a.group_row(a_key).unwrap().epoch,
        2,
        "{}",
        status_text(&mut h)
    );
    assert!(a.pending(a_key).unwrap().is_none());
    // Both sides agree on the new epoch.
    assert_eq!(
        a.group_show(a_key).unwrap().epoch_authenticator_hex,
        b.group_show(b_key).unwrap().epoch_authenticator_hex
    );
    assert!(status_text(&mut h).contains("epoch 2"));
    assert_eq!(h.state_mut().groups().snapshot().unwrap().history.len(), 3);
}

#[test]
fn discarded_preview_leaves_the_epoch() {
    let dir = TempDir::new("discard");
    let (a_db, a_key, b, b_key) = alice_and_bob(&dir);
    let commit = b.commit_update(b_key).unwrap();
    // As hex text, the way the CLI prints it.
    let text = format!("{}\n", hex::encode(&commit.commit));

    let mut h = open_groups(&a_db, Some(a_key));
    drop_file(&mut h, "bob-update.hex", text.as_bytes());
    h.get_by_label("Incoming commit (staged)");
    let a = Workspace::open(&a_db).unwrap();
    assert!(a.pending(a_key).unwrap().is_some());

    click(&mut h, "Discard");
    assert!(
        a.pending(a_key).unwrap().is_none(),
        "{}",
        status_text(&mut h)
    );
    let row = a.group_row(a_key).unwrap();
    assert_eq!(row.epoch, 1);
    assert!(!row.pending);
    assert_eq!(a.history(a_key).unwrap().len(), 2);
    assert!(status_text(&mut h).contains("stays in epoch 1"));
    h.get_by_label("No commit is staged");
}

#[test]
fn messages_are_sent_received_and_listed() {
    let dir = TempDir::new("messages");
    let (a_db, a_key, b, b_key) = alice_and_bob(&dir);
    // Alice's log keeps the plaintext (listed below).
    Workspace::open(&a_db)
        .unwrap()
        .set_group_settings(a_key, &["keep_plaintext=true"])
        .unwrap();
    let mut h = open_groups(&a_db, Some(a_key));

    type_into(&mut h, "Text to send:", "hello bob");
    click(&mut h, "Send");
    let sent = h.state_mut().groups().outputs().to_vec();
    assert_eq!(sent.len(), 1, "{}", status_text(&mut h));
    match b.receive(Some(b_key), &sent[0].bytes).unwrap() {
        Receipt::Application { data, .. } => assert_eq!(data, b"hello bob"),
        other => panic!("{other:?}"),
    }

    let reply = b.send(b_key, b"hi alice").unwrap();
    drop_file(&mut h, "reply.mls", &reply);
    assert_eq!(h.state_mut().groups().view(), GroupView::Messages);
    assert!(status_text(&mut h).contains("hi alice"));
    h.get_by_label("hello bob");
    h.get_by_label("hi alice");
    let a = Workspace::open(&a_db).unwrap();
    let texts: Vec<Vec<u8>> = a
        .messages(Some(a_key))
        .unwrap()
        .into_iter()
        .filter(|m| m.kind == MessageKind::Application)
        .filter_map(|m| m.content)
        .collect();
    assert_eq!(texts, [b"hello bob".to_vec(), b"hi alice".to_vec()]);
}

#[test]
fn remove_update_and_delete_from_the_overview() {
    let dir = TempDir::new("remove");
    let (a_db, a_key, _b, _b_key) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    let mut h = open_groups(&a_db, Some(a_key));

    // Tick Bob for removal: the one Commit removes him (with the path
    // the RFC requires).
    click(&mut h, "Remove");
    click(&mut h, "Commit: remove 1, path");
    h.get_by_label("Local commit (staged)");
    click(&mut h, "Apply");
    let row = a.group_row(a_key).unwrap();
    assert_eq!(
        (row.epoch, row.member_count),
        (2, 1),
        "{}",
        status_text(&mut h)
    );

    click(&mut h, "Update");
    click(&mut h, "Apply");
    assert_eq!(a.group_row(a_key).unwrap().epoch, 3);

    // A GroupInfo for external joins.
    click(&mut h, "Export GroupInfo");
    let outputs = h.state_mut().groups().outputs().to_vec();
    assert_eq!(outputs.len(), 1, "{}", status_text(&mut h));
    let other = Workspace::open(dir.file("dave.sqlite")).unwrap();
    let dave = other.identity_new("dave", CS).unwrap();
    let (joined, _commit) = other.join_external(dave.key, &outputs[0].bytes).unwrap();
    assert_eq!(joined.epoch, 4);

    // Deleting asks first.
    click(&mut h, "Delete group…");
    h.get_by_label("Delete this group?");
    click(&mut h, "Cancel");
    assert_eq!(a.groups().unwrap().len(), 1);
    click(&mut h, "Delete group…");
    click(&mut h, "Delete");
    assert!(a.groups().unwrap().is_empty(), "{}", status_text(&mut h));
    assert_eq!(h.state_mut().groups().selected(), None);
    h.get_by_label("No group selected");
}

#[test]
fn timeline_click_shows_that_epochs_tree() {
    let dir = TempDir::new("timeline");
    let (a_db, a_key, _b, _b_key) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();
    let history = a.history(a_key).unwrap();
    assert_eq!(history.len(), 2);

    let mut h = open_groups(&a_db, Some(a_key));
    // The current tree: two members, own leaf highlighted.
    let model = h.state_mut().groups().tree_view().model().clone();
    assert_eq!(model.member_count(), 2);
    assert_eq!(model.own_leaf(), Some(0));

    click(&mut h, "Epoch timeline");
    h.get_by_label("group created");
    // Epoch 0's row, by its (unique) authenticator cell.
    let auth0 = &history[0].epoch_authenticator_hex;
    let cell = format!("{}…", &auth0[..12]);
    click(&mut h, &cell);
    assert_eq!(h.state_mut().groups().timeline_epoch(), Some(0));
    let tree0 = h.state_mut().groups().epoch_tree_view().model().clone();
    assert_eq!(tree0.member_count(), 1, "epoch 0 had alice only");
    h.get_by_label_contains("Tree at epoch 0");

    // Epoch 1: Bob's leaf (node 2) is among the changed nodes.
    h.state_mut().groups().select_epoch(1);
    settle(&mut h);
    let tree1 = h.state_mut().groups().epoch_tree_view().model().clone();
    assert_eq!(tree1.member_count(), 2);
    assert!(tree1.is_changed(2));
}

#[test]
fn last_open_group_is_remembered() {
    let dir = TempDir::new("remember");
    let (a_db, a_key, _b, _b_key) = alice_and_bob(&dir);
    let mut storage = MemStorage::default();

    let mut app = InspectorApp::restore(None, Some(a_db.clone()));
    app.set_tab(Tab::Groups);
    app.groups().select(Some(a_key));
    assert!(app.wait_idle(Duration::from_secs(30)));
    eframe::App::save(&mut app, &mut storage);

    let mut app = InspectorApp::restore(Some(&storage), Some(a_db.clone()));
    assert_eq!(app.tab(), Tab::Groups);
    assert_eq!(app.groups().selected(), Some(a_key));
    assert!(app.wait_idle(Duration::from_secs(30)));
    assert_eq!(app.groups().snapshot().unwrap().row.name, "team");

    // Another workspace file does not get that selection.
    let other = dir.file("other.sqlite");
    let mut app = InspectorApp::restore(Some(&storage), Some(other));
    assert_eq!(app.groups().selected(), None);
}

#[test]
fn errors_show_in_the_panel_and_a_bad_workspace_in_a_banner() {
    let dir = TempDir::new("errors");
    let (a_db, a_key, _b, _b_key) = alice_and_bob(&dir);
    let mut h = open_groups(&a_db, Some(a_key));

    drop_file(&mut h, "garbage.bin", b"\x00\x01not an MLS message");
    let status = h.state_mut().groups().status().cloned().unwrap();
    assert!(status.error, "{status:?}");
    assert!(status.text.contains("garbage.bin"), "{status:?}");
    h.get_by_label(&status.text);

    // Typed bytes that are no message are refused; nothing changes.
    type_into(&mut h, "Incoming message:", "00010001");
    click(&mut h, "Receive");
    assert!(h.state_mut().groups().status().unwrap().error);
    let a = Workspace::open(&a_db).unwrap();
    assert_eq!(a.group_row(a_key).unwrap().epoch, 1);

    // A workspace that cannot be opened: a banner, the other tabs work.
    let blocker = dir.file("not-a-directory");
    std::fs::write(&blocker, b"x").unwrap();
    let mut h = harness(InspectorApp::with_workspace(blocker.join("ws.sqlite")));
    h.run();
    assert!(h.state().workspace_error().is_some());
    h.get_by_label_contains("Cannot open the workspace");
    click(&mut h, "Groups");
    h.get_by_label("No workspace is open");
    click(&mut h, "Decoder");
}

#[test]
fn background_operations_do_not_block_frames() {
    let dir = TempDir::new("busy");
    let (a_db, a_key, _b, _b_key) = alice_and_bob(&dir);
    let mut h = open_groups(&a_db, Some(a_key));
    h.get_by_label("Update").click();
    // Frames keep coming while the commit is made on another thread.
    let start = Instant::now();
    h.step();
    h.step();
    assert!(start.elapsed() < Duration::from_secs(5));
    assert!(h.state_mut().wait_idle(Duration::from_secs(30)));
    h.run();
    h.get_by_label("Local commit (staged)");
    assert!(
        Workspace::open(&a_db)
            .unwrap()
            .pending(a_key)
            .unwrap()
            .is_some()
    );

    // The synchronous mode (for tests that prefer it) gives the same result.
    h.state_mut().set_synchronous(true);
    h.get_by_label("Discard").click();
    h.run();
    h.run();
    assert!(
        Workspace::open(&a_db)
            .unwrap()
            .pending(a_key)
            .unwrap()
            .is_none()
    );
}

#[test]
fn join_by_welcome_drop_and_by_typed_group_info() {
    let dir = TempDir::new("join");
    // Alice's group, in a workspace the GUI does not show.
    let a = Workspace::open(dir.file("alice.sqlite")).unwrap();
    let group = alice_team(&a);

    // Bob's workspace, in the GUI, with a key package for Alice.
    let b_db = dir.file("bob.sqlite");
    let b = Workspace::open(&b_db).unwrap();
    let bob = b.identity_new("bob", CS).unwrap();
    let kp = b.key_package_new(bob.key).unwrap();
    let commit = a.commit_add(group, &[kp.bytes]).unwrap();
    a.apply(group).unwrap();

    let mut h = open_groups(&b_db, None);
    drop_file(&mut h, "welcome.mls", &commit.welcome.unwrap());
    let rows = b.groups().unwrap();
    assert_eq!(rows.len(), 1, "{}", status_text(&mut h));
    assert_eq!((rows[0].epoch, rows[0].member_count), (1, 2));
    assert_eq!(h.state_mut().groups().selected(), Some(rows[0].key));
    assert!(b.key_packages().unwrap()[0].used);
    h.get_by_label("bob (you)");

    // Carol joins by external commit from a GroupInfo file whose path is
    // typed, as the identity chosen under "Join a group".
    let info_file = dir.file("group-info.mls");
    std::fs::write(&info_file, a.export_group_info(group).unwrap()).unwrap();
    b.identity_new("carol", CS).unwrap();
    click(&mut h, "Reload");
    click(&mut h, "Join a group");
    h.get_by_label("Join externally as:").click();
    h.run();
    click(&mut h, "carol");
    type_into(&mut h, "Welcome / GroupInfo:", info_file.to_str().unwrap());
    click(&mut h, "Join");
    let rows = b.groups().unwrap();
    assert_eq!(rows.len(), 2, "{}", status_text(&mut h));
    assert_eq!(rows[1].identity_name, "carol");
    assert_eq!(rows[1].epoch, 2);
    // The external commit to send to the group is offered.
    let outputs = h.state_mut().groups().outputs().to_vec();
    assert_eq!(outputs.len(), 1);
    match a.receive(Some(group), &outputs[0].bytes).unwrap() {
        Receipt::CommitStaged(p) => assert_eq!(p.new_epoch, 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn produced_messages_open_in_the_decoder() {
    let dir = TempDir::new("decode");
    let (a_db, a_key, _b, _b_key) = alice_and_bob(&dir);
    let mut h = open_groups(&a_db, Some(a_key));
    click(&mut h, "Messages");
    // The Welcome Alice sent when adding Bob.
    click(&mut h, "welcome");
    click(&mut h, "Decode");
    assert_eq!(h.state().tab(), Tab::Decoder);
    let summary = h
        .state_mut()
        .decoder()
        .dissection()
        .map(|d| d.summary.clone())
        .unwrap();
    assert!(summary.to_lowercase().contains("welcome"), "{summary}");
}
