#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The ratchet tree view: its model from a real group's tree, hovering,
//! selecting, zooming and panning driven headless with egui_kittest, and
//! the frame time of a 10,000-member tree (asserted under 16 ms in release
//! builds, printed always).

use std::time::{Duration, Instant};

use egui::{
    Event, Modifiers, MouseWheelSource, MouseWheelUnit, PointerButton, Pos2, Rect, TouchPhase, vec2,
};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_core::codec::VlBytes;
use mls_core::crypto::{CipherSuite, CryptoProvider, RustCrypto};
use mls_core::group::{Group, GroupConfig, KeyPackageBundle};
use mls_core::messages::{
    Capabilities, Credential, LeafNode, LeafNodeSource, Lifetime, Node, ParentNode, Proposal,
    RatchetTree,
};
use mls_core::tree::Tree;
use mls_inspector::ui::tree_view::{TreeView, TreeViewModel, ZOOM_STEP};

const P: RustCrypto = RustCrypto;
const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;

fn bundle(name: &str) -> KeyPackageBundle {
    let (sk, _) = P.signature_key_pair(CS).unwrap();
    let credential = Credential::Basic {
        identity: VlBytes(name.as_bytes().to_vec()),
    };
    KeyPackageBundle::generate(&P, CS, credential, sk, 86_400, Vec::new()).unwrap()
}

fn add(kp: &KeyPackageBundle) -> Proposal {
    Proposal::Add {
        key_package: kp.key_package.clone(),
    }
}

/// Alice adds Bob and Carol with a path (filling her direct path, nodes 1
/// and 3), then Dave without one: Dave (leaf 3, node 6) becomes an unmerged
/// leaf of the root. Returns Alice's group before the second commit and
/// her staged second commit.
fn small_group() -> (Group, mls_core::group::StagedCommit) {
    let (a, b, c, d) = (
        bundle("alice"),
        bundle("bob"),
        bundle("carol"),
        bundle("dave"),
    );
    let mut alice = Group::create(
        &P,
        &a,
        b"tree-view".to_vec(),
        Vec::new(),
        GroupConfig::default(),
    )
    .unwrap();
    let out = alice.commit(&P, vec![add(&b), add(&c)], true).unwrap();
    alice.merge(out.staged).unwrap();
    let out = alice.commit(&P, vec![add(&d)], false).unwrap();
    (alice, out.staged)
}

fn four_member_model() -> TreeViewModel {
    let (mut alice, staged) = small_group();
    alice.merge(staged).unwrap();
    TreeViewModel::from_tree(alice.tree(), Some(alice.own_leaf()))
}

#[test]
fn model_of_a_real_group() {
    let (mut alice, staged) = small_group();
    let before = TreeViewModel::from_tree(alice.tree(), Some(alice.own_leaf()));
    let mut preview = TreeViewModel::from_tree(staged.next_state().tree(), Some(0));
    let changed = preview.diff(&before);
    assert_eq!(
        changed,
        vec![3, 6],
        "Dave's leaf and the root's unmerged list"
    );
    preview.set_changed(changed);
    assert!(preview.is_changed(6) && preview.is_changed(3) && !preview.is_changed(1));

    alice.merge(staged).unwrap();
    let model = TreeViewModel::from_tree(alice.tree(), Some(alice.own_leaf()));
    assert_eq!(model.node_count(), 7);
    assert_eq!(model.member_count(), 4);
    let labels: Vec<_> = (0..4)
        .map(|l| model.node(2 * l).unwrap().label.clone())
        .collect();
    assert_eq!(labels, ["alice", "bob", "carol", "dave"]);
    // Alice's direct path was filled by the first commit; node 5 stayed blank.
    assert!(model.is_filled(1) && model.is_filled(3) && !model.is_filled(5));
    assert!(model.is_on_own_path(0) && model.is_on_own_path(1) && model.is_on_own_path(3));
    assert!(!model.is_on_own_path(2) && !model.is_on_own_path(5));
    // Dave is unmerged at the root.
    assert_eq!(model.node(3).unwrap().unmerged_leaves, vec![3]);
    assert!(model.is_unmerged(6) && model.is_unmerged(3) && !model.is_unmerged(4));
    // Keys and hashes are the tree's.
    let tree = alice.tree();
    assert_eq!(
        model.node(0).unwrap().encryption_key,
        tree.leaf(0).unwrap().encryption_key.0
    );
    assert_eq!(
        model.node(1).unwrap().parent_hash,
        tree.parent(1).unwrap().parent_hash.0
    );
    assert!(!model.node(1).unwrap().parent_hash.is_empty());
    let mut recomputed = tree.clone();
    let root = model.node(3).unwrap().tree_hash.clone();
    assert!(root.is_some(), "the group computed its root tree hash");
    for n in 0..7 {
        if let Some(h) = &model.node(n).unwrap().tree_hash {
            assert_eq!(h, &recomputed.tree_hash(&P, n).unwrap(), "node {n}");
        }
    }
}

fn harness(model: TreeViewModel) -> Harness<'static, TreeView> {
    let mut h = Harness::builder()
        .with_size([1024.0, 768.0])
        .build_ui_state(
            |ui, view: &mut TreeView| {
                view.ui(ui);
            },
            TreeView::new(model),
        );
    h.run();
    h
}

fn press(h: &Harness<'_, TreeView>, pos: Pos2, pressed: bool) {
    h.event(Event::PointerButton {
        pos,
        button: PointerButton::Primary,
        pressed,
        modifiers: Modifiers::NONE,
    });
}

fn click_at(h: &mut Harness<'_, TreeView>, pos: Pos2) {
    h.hover_at(pos);
    h.run();
    press(h, pos, true);
    h.step();
    press(h, pos, false);
    h.run();
}

#[test]
fn hover_and_click_select_nodes() {
    let mut h = harness(four_member_model());
    let root = h.state().node_pos(3).unwrap();
    h.hover_at(root);
    h.run();
    assert_eq!(h.state().hovered_node(), Some(3));
    click_at(&mut h, root);
    assert_eq!(h.state().selected_node(), Some(3));

    let dave = h.state().node_pos(6).unwrap();
    click_at(&mut h, dave);
    assert_eq!(h.state().selected_node(), Some(6));
    h.remove_cursor();
    h.run();
    // The detail box shows the selected node.
    h.get_by_label_contains("Node 6 · leaf 3 · leaf");
    h.get_by_label("dave");
    h.get_by_label("node 3");

    // A click on empty canvas clears the selection.
    let empty = h.state().node_pos(1).unwrap() + vec2(0.0, 40.0);
    assert!(h.state().canvas_rect().unwrap().contains(empty));
    click_at(&mut h, empty);
    assert_eq!(h.state().selected_node(), None);
    h.get_by_label("Click a node to see its keys and hashes.");
}

#[test]
fn zoom_buttons_wheel_and_drag() {
    let mut h = harness(four_member_model());
    let fit = h.state().zoom();
    assert!(fit > 0.0);
    h.get_by_label("Zoom in").click();
    h.run();
    let zoomed = h.state().zoom();
    assert!((zoomed / fit - ZOOM_STEP).abs() < 1e-3, "{fit} -> {zoomed}");
    h.get_by_label("Zoom out").click();
    h.run();
    assert!((h.state().zoom() - fit).abs() < 1e-3);
    h.get_by_label("Zoom out").click();
    h.run();
    assert!(h.state().zoom() < fit);
    h.get_by_label("Fit").click();
    h.run();
    assert!((h.state().zoom() - fit).abs() < 1e-3);

    // Ctrl + wheel zooms around the pointer.
    let canvas = h.state().canvas_rect().unwrap();
    let at = canvas.center();
    h.hover_at(at);
    h.run();
    h.event(Event::MouseWheel {
        unit: MouseWheelUnit::Point,
        delta: vec2(0.0, 120.0),
        phase: TouchPhase::Move,
        source: MouseWheelSource::Unknown,
        modifiers: Modifiers::COMMAND,
    });
    h.run();
    assert!(
        h.state().zoom() > fit * 1.05,
        "{} vs {fit}",
        h.state().zoom()
    );

    // Dragging pans.
    let before = h.state().node_pos(0).unwrap();
    let start = canvas.center() + vec2(0.0, 30.0);
    h.hover_at(start);
    h.run();
    press(&h, start, true);
    h.step();
    for i in 1..=6 {
        h.hover_at(start + vec2(10.0 * i as f32, 0.0));
        h.step();
    }
    press(&h, start + vec2(60.0, 0.0), false);
    h.run();
    let after = h.state().node_pos(0).unwrap();
    assert!(after.x > before.x + 20.0, "{before:?} -> {after:?}");
    assert_eq!(after.y, before.y);
}

// ---- 10,000 members ----

/// A 10,000-member tree as a group would have it: every leaf filled (basic
/// credentials, 32-byte keys), most parents filled, some with unmerged
/// leaves; read through `Tree::from_wire` and with all tree hashes cached.
fn big_tree(members: u32) -> Tree {
    let bytes = |seed: u32, len: usize| -> VlBytes {
        VlBytes(
            (0..len)
                .map(|i| (seed as usize * 31 + i * 7) as u8)
                .collect(),
        )
    };
    let node_count = 2 * members - 1;
    let nodes = (0..node_count)
        .map(|i| {
            if i % 2 == 0 {
                let l = i / 2;
                let source = if l % 3 == 0 {
                    LeafNodeSource::Commit {
                        parent_hash: bytes(l + 7, 32),
                    }
                } else {
                    LeafNodeSource::KeyPackage(Lifetime {
                        not_before: 0,
                        not_after: u64::MAX,
                    })
                };
                Some(Node::leaf(LeafNode {
                    encryption_key: bytes(i, 32),
                    signature_key: bytes(i + 1, 32),
                    credential: Credential::Basic {
                        identity: VlBytes(format!("member-{l:05}@example.org").into_bytes()),
                    },
                    capabilities: Capabilities::default(),
                    leaf_node_source: source,
                    extensions: Vec::new(),
                    signature: bytes(i + 2, 64),
                }))
            } else if (i / 2) % 7 == 3 {
                None
            } else {
                let level = i.trailing_ones();
                let leftmost_leaf = (i - ((1 << level) - 1)) / 2;
                let unmerged_leaves = if (i / 2) % 13 == 0 {
                    vec![leftmost_leaf]
                } else {
                    Vec::new()
                };
                Some(Node::parent(ParentNode {
                    encryption_key: bytes(i, 32),
                    parent_hash: bytes(i + 3, 32),
                    unmerged_leaves,
                }))
            }
        })
        .collect();
    let mut tree = Tree::from_wire(CS, &RatchetTree(nodes)).unwrap();
    tree.root_hash(&P).unwrap();
    tree
}

/// Runs full egui frames (layout, painting, tessellation) of `view` on a
/// 1200×800 screen with the pointer over `hover`; returns the times of
/// `frames` frames after a few warm-up frames, and the number of
/// vertices tessellated for the last one.
fn frame_times(
    view: &mut TreeView,
    frames: usize,
    hover: impl Fn(&TreeView) -> Option<Pos2>,
) -> (Vec<Duration>, usize) {
    let ctx = egui::Context::default();
    let screen = Rect::from_min_size(Pos2::ZERO, vec2(1200.0, 800.0));
    let mut times = Vec::new();
    let mut vertices = 0;
    let warm_up = 5;
    for i in 0..frames + warm_up {
        let mut input = egui::RawInput {
            screen_rect: Some(screen),
            time: Some(i as f64 / 60.0),
            ..Default::default()
        };
        if i == 2
            && let Some(p) = hover(view)
        {
            input.events.push(Event::PointerMoved(p));
        }
        let start = Instant::now();
        let mut out = ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                view.ui(ui);
            });
        });
        let shapes = std::mem::take(&mut out.shapes);
        let primitives = ctx.tessellate(shapes, out.pixels_per_point);
        let elapsed = start.elapsed();
        assert!(!primitives.is_empty());
        vertices = primitives
            .iter()
            .map(|p| match &p.primitive {
                egui::epaint::Primitive::Mesh(m) => m.vertices.len(),
                egui::epaint::Primitive::Callback(_) => 0,
            })
            .sum();
        out.textures_delta.clear();
        if i >= warm_up {
            times.push(elapsed);
        }
    }
    (times, vertices)
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[test]
fn ten_thousand_members_render_within_a_frame_budget() {
    let start = Instant::now();
    let tree = big_tree(10_000);
    let built_tree = start.elapsed();
    let start = Instant::now();
    let model = TreeViewModel::from_tree(&tree, Some(4321));
    let built_model = start.elapsed();
    assert_eq!(model.member_count(), 10_000);
    assert_eq!(model.leaf_count(), 16_384);
    assert!(model.node(2 * 4321).unwrap().tree_hash.is_some());
    println!(
        "10,000 members: tree (from_wire + tree hashes) {built_tree:?}, TreeViewModel::from_tree {built_model:?}"
    );

    let mut view = TreeView::new(model);
    let mut results = Vec::new();
    // (name, zoom in points per node index or None for fit, node to centre)
    let scenarios: [(&str, Option<f32>, u32); 4] = [
        ("fit (whole tree)", None, 0),
        ("leaves 4 pt apart", Some(2.0), 10_000),
        ("leaves 7 pt apart", Some(3.5), 10_000),
        ("zoomed in (labels)", Some(30.0), 2 * 4321),
    ];
    for (name, zoom, focus) in scenarios {
        view.fit();
        if let Some(z) = zoom {
            view.set_zoom(z);
            view.focus_node(focus);
        }
        // Hover the own leaf's parent when on screen, else the canvas centre.
        let (times, vertices) = frame_times(&mut view, 50, |v| {
            let canvas = v.canvas_rect()?;
            Some(
                v.node_pos(2 * 4321 + 1)
                    .filter(|p| canvas.contains(*p))
                    .unwrap_or(canvas.center()),
            )
        });
        let stats = view.last_frame_stats();
        let m = median(times.clone());
        let worst = times.iter().max().copied().unwrap_or_default();
        println!(
            "tree view, 10,000 members, {name}: median {:.2} ms, max {:.2} ms over {} frames; \
             {vertices} vertices; {stats:?}",
            m.as_secs_f64() * 1e3,
            worst.as_secs_f64() * 1e3,
            times.len()
        );
        // Culling: what is drawn is bounded by the canvas, not the tree.
        assert!(stats.nodes_drawn <= 1_200, "{name}: {stats:?}");
        assert!(stats.band_segments <= 4 * 1_200 * 15, "{name}: {stats:?}");
        if zoom.is_none() {
            assert!(stats.aggregated_rows >= 5, "{name}: {stats:?}");
        }
        if zoom == Some(30.0) {
            assert_eq!(stats.aggregated_rows, 0);
            assert!(stats.nodes_drawn < 100, "{name}: {stats:?}");
        }
        results.push((name, m));
    }
    if cfg!(not(debug_assertions)) {
        for (name, m) in results {
            assert!(
                m < Duration::from_millis(16),
                "{name}: median frame {m:?} is over 16 ms"
            );
        }
    }
}
