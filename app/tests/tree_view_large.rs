#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The Groups panel's ratchet tree of a 300-member group (a real group in
//! a workspace): after "Find member" zooms in, the members' labels drawn
//! are their identities as the workspace lists them, and a click on a
//! member found by its label selects that member.

use egui::{Event, Modifiers, PointerButton, Pos2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_core::codec::{Encode, VlBytes};
use mls_core::crypto::{CryptoProvider, RustCrypto};
use mls_core::group::KeyPackageBundle;
use mls_core::messages::Credential;
use mls_core::tree::math;
use mls_inspector::ui::tree_view::LabelKind;
use mls_inspector::ui::{GroupView, InspectorApp};
use mls_inspector::workspace::Workspace;

#[path = "support/gui.rs"]
mod gui;
use gui::{CS, TempDir, alice_team, open_groups, settle};

const MEMBERS: u32 = 300;

fn key_package(i: u32) -> Vec<u8> {
    let (sk, _) = RustCrypto.signature_key_pair(CS).unwrap();
    let credential = Credential::Basic {
        identity: VlBytes(format!("member-{i:03}").into_bytes()),
    };
    KeyPackageBundle::generate(&RustCrypto, CS, credential, sk, 86_400, Vec::new())
        .unwrap()
        .key_package
        .to_bytes()
        .unwrap()
}

fn click_at(h: &mut Harness<'static, InspectorApp>, pos: Pos2) {
    h.hover_at(pos);
    h.run();
    for pressed in [true, false] {
        h.event(Event::PointerButton {
            pos,
            button: PointerButton::Primary,
            pressed,
            modifiers: Modifiers::NONE,
        });
        h.step();
    }
    h.run();
}

#[test]
fn three_hundred_members_are_labelled_and_selected_by_click() {
    let dir = TempDir::new("tree-large");
    let db = dir.file("ws.sqlite");
    let ws = Workspace::open(&db).unwrap();
    let group = alice_team(&ws);
    let kps: Vec<Vec<u8>> = (1..MEMBERS).map(key_package).collect();
    ws.commit_add(group, &kps).unwrap();
    ws.apply(group).unwrap();
    // The other side: who the workspace says sits at each leaf.
    let members = ws.group_show(group).unwrap().members;
    assert_eq!(members.len(), MEMBERS as usize);
    let identity_of = |leaf: u32| -> String {
        members
            .iter()
            .find(|m| m.leaf == leaf)
            .map(|m| m.identity.clone())
            .unwrap()
    };

    let mut h = open_groups(&db, Some(group));
    h.state_mut().groups().set_view(GroupView::Tree);
    settle(&mut h);
    assert_eq!(
        h.state_mut().groups().tree_view().model().member_count(),
        MEMBERS
    );
    // Fitted, 300 leaves are too close for identities.
    assert!(
        h.state_mut()
            .groups()
            .tree_view()
            .visible_labels()
            .iter()
            .all(|l| l.kind != LabelKind::Identity),
        "identity labels drawn while fitted"
    );

    // "Find member" zooms to where identities fit, centred on member-150.
    h.get_by_label("Find member").focus();
    h.run();
    h.get_by_label("Find member").type_text("member-150");
    settle(&mut h);
    let view = h.state_mut().groups().tree_view().clone();
    let found = view.selected_node().unwrap();
    assert_eq!(
        identity_of(math::node_to_leaf(found).unwrap()),
        "member-150"
    );

    // Every identity drawn is the workspace's identity of that leaf, and
    // only what is on the canvas is drawn.
    let canvas = view.canvas_rect().unwrap();
    let identities: Vec<_> = view
        .visible_labels()
        .iter()
        .filter(|l| l.kind == LabelKind::Identity)
        .cloned()
        .collect();
    assert!(
        identities.len() >= 3,
        "only {} identities drawn",
        identities.len()
    );
    assert!(
        identities.len() < MEMBERS as usize / 4,
        "{} identities drawn: not culled",
        identities.len()
    );
    for label in &identities {
        let leaf = math::node_to_leaf(label.node).unwrap();
        assert_eq!(label.text, identity_of(leaf), "label of leaf {leaf}");
        assert!(label.rect.intersects(canvas));
    }

    // Click the member labelled with another identity: it is selected.
    let target = identities
        .iter()
        .find(|l| l.node != found && l.text != "member-150")
        .unwrap();
    let pos = view.node_pos(target.node).unwrap();
    assert!(canvas.contains(pos));
    click_at(&mut h, pos);
    let selected = h.state_mut().groups().tree_view().selected_node();
    assert_eq!(selected, Some(target.node));
    let leaf = math::node_to_leaf(target.node).unwrap();
    assert_eq!(identity_of(leaf), target.text);
    // The detail box (and the tooltip) name the same node.
    let title = format!("Node {} · leaf {leaf} · leaf", target.node);
    assert!(
        h.query_all_by_label_contains(&title).next().is_some(),
        "no \"{title}\" shown"
    );
}
