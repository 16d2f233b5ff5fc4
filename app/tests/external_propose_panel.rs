#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! External proposals from the window, driven headless with egui_kittest:
//! in the Key packages tab's "Propose from outside the group" section, an
//! external sender of Alice's group drops the group's GroupInfo (the
//! section shows the group, epoch, suite, members and external senders
//! as Alice's workspace has them), is refused for a wrong sender index
//! (the workspace's error line, nothing produced), then proposes removing
//! Bob as sender #0; Dave pastes the GroupInfo as hex and asks to join.
//! Alice's workspace receives both, lists them with the senders the
//! window named, commits them, and Dave joins with the Welcome at Alice's
//! epoch authenticator.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_inspector::ui::external_form::TreeSource;
use mls_inspector::ui::{InspectorApp, Tab};
use mls_inspector::workspace::{ExternalProposal, GroupOptions, ProposalRow, Workspace};

#[path = "support/gui.rs"]
mod gui;
use gui::{CS, TempDir, click, drop_file, harness_sized, settle, type_into};

/// The app on `db`, on the Key packages tab with the section open (a tall
/// window: the section is at the bottom of a scrolling column).
fn propose_window(db: &std::path::Path) -> Harness<'static, InspectorApp> {
    let mut app = InspectorApp::with_workspace(db);
    app.set_tab(Tab::KeyPackages);
    let mut h = harness_sized(app, [1300.0, 2400.0]);
    settle(&mut h);
    click(&mut h, "Propose from outside the group");
    h
}

/// The Key packages panel's status line: text and whether it is an error.
fn status(h: &mut Harness<'static, InspectorApp>) -> (String, bool) {
    h.state_mut()
        .key_packages()
        .status()
        .map(|s| (s.text.clone(), s.error))
        .unwrap_or_default()
}

/// The bytes of the proposal the section produced last.
fn produced(h: &mut Harness<'static, InspectorApp>) -> Option<Vec<u8>> {
    h.state_mut()
        .key_packages()
        .external_form()
        .produced()
        .map(|o| o.bytes.clone())
}

/// The proposal of Alice's pending list not sent by a member, of `kind`.
fn external_row(rows: &[ProposalRow], kind: &str) -> ProposalRow {
    rows.iter()
        .find(|r| r.sender_leaf.is_none() && r.kind == kind)
        .unwrap_or_else(|| panic!("no external {kind} proposal in {rows:?}"))
        .clone()
}

#[test]
fn external_sender_and_new_member_propose_from_the_key_packages_tab() {
    let dir = TempDir::new("external-propose-panel");

    // The external sender's identity, exported from its own workspace.
    let x_db = dir.file("ext.sqlite");
    let x = Workspace::open(&x_db).unwrap();
    let ext = x.identity_new("ext", CS).unwrap();
    let ext_file = x.identity_export(ext.key).unwrap();

    // Alice's group lists it; Bob is added and joins.
    let a = Workspace::open(dir.file("alice.sqlite")).unwrap();
    let alice = a.identity_new("alice", CS).unwrap();
    let group = a
        .group_create(
            alice.key,
            &GroupOptions {
                name: Some(String::from("team")),
                external_senders: vec![ext_file],
                ..GroupOptions::default()
            },
        )
        .unwrap()
        .key;
    let b = Workspace::open(dir.file("bob.sqlite")).unwrap();
    let bob = b.identity_new("bob", CS).unwrap();
    let kp = b.key_package_new(bob.key).unwrap();
    let added = a.commit_add(group, &[kp.bytes]).unwrap();
    a.apply(group).unwrap();
    b.join(&added.welcome.unwrap(), None).unwrap();
    let info = a.export_group_info(group).unwrap();
    let details = a.group_show(group).unwrap();
    let bob_leaf = details
        .members
        .iter()
        .find(|m| m.identity == "bob")
        .unwrap()
        .leaf;

    // A GroupInfo exported without its ratchet tree: the section says the
    // tree is missing, and asking to join with it is the workspace's
    // refusal (the signature cannot be checked); nothing is produced or
    // stored.
    let mut h = propose_window(&x_db);
    let (bare, _tree) = a.export_group_info_without_tree(group).unwrap();
    drop_file(&mut h, "bare.groupinfo", &bare);
    let bare_view = h
        .state_mut()
        .key_packages()
        .external_form()
        .loaded()
        .expect("a loaded GroupInfo")
        .view
        .clone()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bare_view.tree, TreeSource::Missing);
    assert_eq!(bare_view.group_id_hex, details.row.group_id_hex);
    assert!(bare_view.members.is_empty());
    click(&mut h, "Make the proposal");
    let refusal = x
        .external_join_proposal(ext.key, &bare, None)
        .unwrap_err()
        .to_string();
    assert_eq!(status(&mut h), (refusal, true));
    assert_eq!(produced(&mut h), None);
    assert!(x.key_packages().unwrap().is_empty());

    // The external sender's window reads the dropped GroupInfo as Alice's
    // workspace describes the group.
    drop_file(&mut h, "team.groupinfo", &info);
    let view = h
        .state_mut()
        .key_packages()
        .external_form()
        .loaded()
        .expect("a loaded GroupInfo")
        .view
        .clone()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(view.group_id_hex, details.row.group_id_hex);
    assert_eq!(view.epoch, details.row.epoch);
    assert_eq!(view.cipher_suite, details.row.cipher_suite);
    assert_eq!(view.senders, details.external_senders);
    assert_eq!(view.senders.len(), 1);
    assert_eq!(view.tree, TreeSource::Embedded);
    assert_eq!(
        view.members,
        details
            .members
            .iter()
            .map(|m| (m.leaf, m.identity.clone()))
            .collect::<Vec<_>>()
    );
    h.get_by_label(&details.row.group_id_hex);
    h.get_by_label(&details.external_senders[0].fingerprint);

    // A wrong sender index: the workspace's refusal, nothing produced,
    // nothing for Alice to receive.
    click(&mut h, "As external sender");
    type_into(&mut h, "Sender index:", "1");
    type_into(&mut h, "Leaf:", &bob_leaf.to_string());
    click(&mut h, "Make the proposal");
    let refusal = x
        .external_propose(ext.key, &info, None, 1, &ExternalProposal::Remove(bob_leaf))
        .unwrap_err()
        .to_string();
    assert_eq!(status(&mut h), (refusal, true));
    assert_eq!(produced(&mut h), None);

    // As sender #0 (the listed sender's button): removing Bob.
    click(&mut h, "Use sender #0");
    assert_eq!(
        h.state_mut().key_packages().external_form().sender_index,
        "0"
    );
    click(&mut h, "Make the proposal");
    let (said, error) = status(&mut h);
    assert!(!error, "{said}");
    let remove = produced(&mut h).expect("a proposal");
    assert!(a.proposals(group).unwrap().is_empty());
    a.receive(Some(group), &remove).unwrap();
    let rows = a.proposals(group).unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = external_row(&rows, "remove");
    // Alice names the sender and what it proposes as the window did.
    assert!(said.contains(&row.sender), "{said} / {row:?}");
    assert!(row.sender.contains("ext"), "{row:?}");
    assert!(row.what.contains(&format!("leaf {bob_leaf}")), "{row:?}");
    assert!(row.what.contains("bob"), "{row:?}");
    assert!(said.contains(&details.row.group_id_hex), "{said}");
    assert!(
        said.contains(&format!("epoch {}", details.row.epoch)),
        "{said}"
    );

    // "Decode" opens the proposal in the Decoder.
    click(&mut h, "Decode");
    assert_eq!(h.state().tab(), Tab::Decoder);
    assert!(h.state_mut().decoder().dissection().is_some());

    // Dave pastes the GroupInfo as hex and asks to join.
    let d_db = dir.file("dave.sqlite");
    let d = Workspace::open(&d_db).unwrap();
    d.identity_new("dave", CS).unwrap();
    let mut hd = propose_window(&d_db);
    type_into(&mut hd, "GroupInfo:", &hex::encode(&info));
    click(&mut hd, "Load");
    let dave_view = hd
        .state_mut()
        .key_packages()
        .external_form()
        .loaded()
        .expect("a loaded GroupInfo")
        .view
        .clone()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(dave_view, view);
    click(&mut hd, "Ask to join (new member proposal)");
    click(&mut hd, "Make the proposal");
    let (said, error) = status(&mut hd);
    assert!(!error, "{said}");
    let join = produced(&mut hd).expect("a proposal");
    // The key package made for it is kept, and the tab lists it.
    let kept = d.key_packages().unwrap();
    assert_eq!(kept.len(), 1);
    assert_eq!(
        hd.state_mut()
            .key_packages()
            .key_packages()
            .iter()
            .map(|k| k.reference_hex.clone())
            .collect::<Vec<_>>(),
        vec![kept[0].reference_hex.clone()]
    );
    a.receive(Some(group), &join).unwrap();
    let rows = a.proposals(group).unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let row = external_row(&rows, "add");
    assert!(said.contains(&row.sender), "{said} / {row:?}");
    assert!(row.what.contains("dave"), "{row:?}");

    // Alice commits both; Dave joins with the Welcome, at her epoch.
    let commit = a.commit(group).unwrap();
    assert_eq!(commit.preview.summary.removed.len(), 1);
    a.apply(group).unwrap();
    let joined = d.join(&commit.welcome.expect("a Welcome"), None).unwrap();
    let alice_now = a.group_show(group).unwrap();
    let dave_now = d.group_show(joined.key).unwrap();
    assert_eq!(dave_now.row.epoch, alice_now.row.epoch);
    assert_eq!(
        dave_now.epoch_authenticator_hex,
        alice_now.epoch_authenticator_hex
    );
    let mut names: Vec<_> = alice_now
        .members
        .iter()
        .map(|m| m.identity.clone())
        .collect();
    names.sort();
    assert_eq!(names, ["alice", "dave"]);
}
