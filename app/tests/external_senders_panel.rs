#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! External senders in the window, driven headless with egui_kittest: the
//! Key packages tab exports a public identity, the identity file dropped on
//! a group stages a GroupContextExtensions commit listing it (the External
//! senders section shows it, Bob's copy agrees), the external sender's
//! proposal appears on the pending list with its sender and is committed,
//! "Remove sender #0" unlists it, and the Propose… menu proposes a group
//! context extension.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_inspector::ui::{InspectorApp, Tab};
use mls_inspector::workspace::{ExternalProposal, MessageKind, Workspace};

#[path = "support/gui.rs"]
mod gui;
use gui::{
    CS, TempDir, alice_and_bob, click, drop_file, harness, open_groups, settle, status_text,
    type_into,
};

/// The last commit group `key` of `ws` sent.
fn last_commit(ws: &Workspace, key: mls_inspector::workspace::GroupKey) -> Vec<u8> {
    ws.messages(Some(key))
        .unwrap()
        .into_iter()
        .rev()
        .find(|m| m.kind == MessageKind::Commit)
        .unwrap()
        .bytes
}

fn window_senders(h: &mut Harness<'static, InspectorApp>) -> Vec<(u32, String)> {
    h.state_mut()
        .groups()
        .snapshot()
        .unwrap()
        .details
        .as_ref()
        .unwrap()
        .external_senders
        .iter()
        .map(|s| (s.index, s.identity.clone()))
        .collect()
}

#[test]
fn external_senders_section_adds_lists_and_removes_a_sender() {
    let dir = TempDir::new("external-senders-panel");
    let (a_db, group_key, b, bg) = alice_and_bob(&dir);
    let a = Workspace::open(&a_db).unwrap();

    // The external sender's identity, exported from its own window.
    let ext_db = dir.file("ext.sqlite");
    let ext_ws = Workspace::open(&ext_db).unwrap();
    let ext = ext_ws.identity_new("ext", CS).unwrap();
    let mut app = InspectorApp::with_workspace(&ext_db);
    app.set_tab(Tab::KeyPackages);
    let mut kh = harness(app);
    settle(&mut kh);
    click(&mut kh, "Export public identity…");
    let file = kh
        .state_mut()
        .key_packages()
        .exported_identity()
        .expect("an exported identity")
        .bytes
        .clone();

    // Dropped on Alice's group: a commit listing it, staged, then applied.
    let mut h = open_groups(&a_db, Some(group_key));
    h.get_by_label("External senders");
    h.get_by_label("none (no external_senders extension)");
    drop_file(&mut h, "ext.identity", &file);
    assert!(
        a.pending(group_key).unwrap().is_some(),
        "{}",
        status_text(&mut h)
    );
    click(&mut h, "Apply");
    let listed = a.group_show(group_key).unwrap().external_senders;
    assert_eq!(listed.len(), 1, "{}", status_text(&mut h));
    // The key the group lists is the identity's, as its own workspace has it.
    assert_eq!(listed[0].signature_key_hex, ext.signature_public_hex);
    assert_eq!(window_senders(&mut h), vec![(0, String::from("ext"))]);
    h.get_by_label(&listed[0].fingerprint);

    // Bob applies the same commit and lists the same sender.
    b.receive(Some(bg), &last_commit(&a, group_key)).unwrap();
    b.apply(bg).unwrap();
    let bob_view = b.group_show(bg).unwrap();
    assert_eq!(bob_view.external_senders, listed);
    assert_eq!(
        bob_view.epoch_authenticator_hex,
        a.group_show(group_key).unwrap().epoch_authenticator_hex
    );

    // The external sender proposes removing Bob; dropped on the window, it
    // is on the pending list with its sender, and committed.
    let info = a.export_group_info(group_key).unwrap();
    let sent = ext_ws
        .external_propose(ext.key, &info, None, 0, &ExternalProposal::Remove(1))
        .unwrap();
    drop_file(&mut h, "remove-bob.mls", &sent.message);
    let proposals = h.state_mut().groups().snapshot().unwrap().proposals.clone();
    assert_eq!(proposals.len(), 1, "{}", status_text(&mut h));
    assert_eq!(proposals[0].sender, "external sender #0 (ext)");
    assert_eq!(proposals[0].kind, "remove");
    click(&mut h, "Commit: 1 proposal, path");
    let pending = a.pending(group_key).unwrap().expect("a staged commit");
    assert_eq!(pending.summary.removed.len(), 1);
    click(&mut h, "Apply");
    assert_eq!(a.group_row(group_key).unwrap().member_count, 1);

    // Unlisted again.
    click(&mut h, "Remove sender #0");
    assert!(
        a.pending(group_key).unwrap().is_some(),
        "{}",
        status_text(&mut h)
    );
    click(&mut h, "Apply");
    assert!(a.group_show(group_key).unwrap().external_senders.is_empty());
    assert!(window_senders(&mut h).is_empty());

    // The Propose… menu proposes a group context extension
    // (application_id, type 1, holding "abc").
    click(&mut h, "Propose…");
    h.get_by_label("Group context extensions:");
    type_into(&mut h, "Extension type:", "1");
    type_into(&mut h, "Extension data (hex):", "03616263");
    click(&mut h, "Propose setting the extension");
    let stored = a.proposals(group_key).unwrap();
    assert_eq!(stored.len(), 1, "{}", status_text(&mut h));
    assert_eq!(stored[0].kind, "group_context_extensions");
    click(&mut h, "Commit: 1 proposal, path");
    click(&mut h, "Apply");
    let extensions = a.group_show(group_key).unwrap().extensions;
    assert!(
        extensions
            .iter()
            .any(|e| e.extension_type == 1 && e.data_hex == "03616263"),
        "{extensions:?}"
    );
}
