#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The ratchet tree view's labels, "Find member" box, unmerged marks,
//! legend layout and "Fit" on resize, driven headless with egui_kittest.

use egui::{Pos2, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, Queryable as _};
use mls_core::tree::math;
use mls_inspector::ui::GroupView;
use mls_inspector::ui::tree_view::{
    FindOutcome, LABEL_PAD, LabelKind, MAX_ZOOM, NodeView, TreeView, TreeViewModel, ZOOM_STEP,
};
use mls_inspector::workspace::Workspace;

#[path = "support/gui.rs"]
mod gui;
use gui::{TempDir, alice_team, open_groups_sized, settle};

/// The words of the legend, in order.
const LEGEND: [&str; 7] = [
    "leaf (leaf index)",
    "parent (node index)",
    "blank",
    "own leaf / direct path",
    "changed",
    "unmerged",
    "selected",
];

/// The Groups panel's ratchet tree page of a one-member group, in a
/// window of `size`; returns the rects of each legend symbol and word, and
/// asserts the "Find member" label and its box are on one row.
fn legend_rects(size: [f32; 2]) -> Vec<(Rect, Rect)> {
    let dir = TempDir::new("tree-legend");
    let db = dir.file("ws.sqlite");
    let group = alice_team(&Workspace::open(&db).unwrap());
    let mut h = open_groups_sized(&db, Some(group), size);
    h.state_mut().groups().set_view(GroupView::Tree);
    settle(&mut h);
    let find_box = h.get_by_label("Find member").rect();
    let find_label = h
        .get(
            By::new()
                .role(egui::accesskit::Role::Label)
                .label("Find member")
                .include_labels(),
        )
        .rect();
    assert!(
        (find_box.center().y - find_label.center().y).abs() < 2.0
            && find_label.right() <= find_box.left(),
        "at {size:?}, \"Find member\" {find_label:?} and its box {find_box:?} are apart"
    );
    LEGEND
        .iter()
        .map(|word| {
            let text = h.get_by_label(word).rect();
            let symbol = h.get_by_label(&format!("{word} symbol")).rect();
            (symbol, text)
        })
        .collect()
}

#[test]
fn legend_is_one_row_at_1200_and_toolbar_items_wrap_whole() {
    let wide = legend_rects([1200.0, 800.0]);
    let row = wide[0].1.center().y;
    for ((symbol, text), word) in wide.iter().zip(LEGEND) {
        assert!(
            (text.center().y - row).abs() < 2.0 && (symbol.center().y - row).abs() < 2.0,
            "at 1200 px, {word:?} is not on the legend's row: {text:?} vs y {row}"
        );
    }
    for pair in wide.windows(2) {
        assert!(pair[0].1.right() <= pair[1].0.left(), "{pair:?}");
    }
    for size in [[800.0, 600.0], [640.0, 600.0]] {
        for ((symbol, text), word) in legend_rects(size).iter().zip(LEGEND) {
            assert!(
                (symbol.center().y - text.center().y).abs() < 2.0,
                "at {size:?}, {word:?} is on another row than its symbol: {symbol:?} {text:?}"
            );
            assert!(
                symbol.right() <= text.left() && text.left() - symbol.right() < 12.0,
                "at {size:?}, {word:?} does not follow its symbol: {symbol:?} {text:?}"
            );
        }
    }
}

// ---- a tree of a few hundred members ----

const MEMBERS: u32 = 300;

fn identity(leaf: u32) -> String {
    format!("member-{leaf}@example.org")
}

/// Leaves listed as unmerged (by their level-1 parent).
fn is_unmerged(leaf: u32) -> bool {
    leaf % 37 == 5
}

/// `MEMBERS` filled leaves with basic identities, every parent filled,
/// and the leaves of `is_unmerged` listed by their level-1 parents.
fn model() -> TreeViewModel {
    let nodes = (0..2 * MEMBERS - 1)
        .map(|i| {
            if i % 2 == 0 {
                NodeView {
                    filled: true,
                    label: identity(i / 2),
                    encryption_key: vec![i as u8; 32],
                    ..NodeView::default()
                }
            } else {
                let unmerged_leaves = if math::level(i) == 1 {
                    [i / 2, i / 2 + 1]
                        .into_iter()
                        .filter(|l| *l < MEMBERS && is_unmerged(*l))
                        .collect()
                } else {
                    Vec::new()
                };
                NodeView {
                    filled: true,
                    encryption_key: vec![i as u8; 32],
                    unmerged_leaves,
                    ..NodeView::default()
                }
            }
        })
        .collect();
    TreeViewModel::from_nodes(nodes)
}

fn view_harness(size: [f32; 2]) -> Harness<'static, TreeView> {
    let mut h = Harness::builder().with_size(size).build_ui_state(
        |ui, view: &mut TreeView| {
            view.ui(ui);
        },
        TreeView::new(model()),
    );
    h.run();
    h
}

/// The text a node's index label should show: the leaf index of a leaf,
/// the node index of a parent.
fn index_text(node: u32) -> String {
    math::node_to_leaf(node).unwrap_or(node).to_string()
}

#[test]
fn labels_are_drawn_where_they_fit() {
    let mut h = view_harness([1600.0, 900.0]);
    let canvas = h.state().canvas_rect().unwrap();
    let labels = h.state().visible_labels().to_vec();
    assert!(
        !labels.is_empty(),
        "at Fit on a wide canvas some labels fit"
    );
    for label in &labels {
        let pos = h.state().node_pos(label.node).unwrap();
        assert_eq!(label.kind, LabelKind::Index, "{label:?}");
        assert_eq!(label.text, index_text(label.node));
        // Centred on its node, and no wider than the room to its neighbour
        // on the row (measured from where the neighbours were drawn).
        assert!((label.rect.center().x - pos.x).abs() < 1.0, "{label:?}");
        let step = 1u32 << (math::level(label.node) + 1);
        let neighbour = if label.node >= step {
            label.node - step
        } else {
            label.node + step
        };
        if let Some(other) = h.state().node_pos(neighbour) {
            let room = (other.x - pos.x).abs();
            assert!(
                label.rect.width() + LABEL_PAD <= room,
                "{label:?} in {room}"
            );
        }
    }
    // No two labels overlap.
    for (i, a) in labels.iter().enumerate() {
        for b in &labels[i + 1..] {
            assert!(!a.rect.intersects(b.rect), "{a:?} overlaps {b:?}");
        }
    }
    // Labels appear as soon as they fit: on a row with a label, every
    // node well inside the canvas whose index is no longer than the
    // shortest label drawn on that row has one too.
    let mut shortest = std::collections::BTreeMap::<u32, usize>::new();
    for l in &labels {
        let e = shortest.entry(math::level(l.node)).or_insert(usize::MAX);
        *e = (*e).min(l.text.len());
    }
    assert!(!shortest.contains_key(&0), "leaves are too close at Fit");
    assert!(shortest.len() >= 3, "{shortest:?}");
    for (level, len) in shortest {
        let first = (1u32 << level) - 1;
        for node in (first..2 * MEMBERS - 1).step_by(1 << (level + 1)) {
            let pos = h.state().node_pos(node).unwrap();
            if index_text(node).len() <= len
                && pos.x > canvas.left() + 40.0
                && pos.x < canvas.right() - 40.0
            {
                assert!(
                    labels.iter().any(|l| l.node == node),
                    "node {node} on labelled level {level} has no label"
                );
            }
        }
    }

    // Zoomed in on member 137: its leaf index and its whole identity.
    let node = 2 * 137;
    h.state_mut().set_zoom(MAX_ZOOM);
    h.state_mut().focus_node(node);
    h.run();
    let labels = h.state().visible_labels();
    let of = |kind: LabelKind| labels.iter().find(|l| l.node == node && l.kind == kind);
    assert_eq!(of(LabelKind::Index).unwrap().text, "137");
    let full = of(LabelKind::Identity).unwrap();
    assert_eq!(full.text, identity(137));
    // The identity is below the leaf, its index between them.
    let pos = h.state().node_pos(node).unwrap();
    assert!(full.rect.top() > pos.y);
    let spacing = h.state().node_pos(node + 2).unwrap().x - pos.x;
    assert!(full.rect.width() + LABEL_PAD <= spacing);

    // Where the whole identity does not fit, a cut one does.
    let zoom = (full.rect.width() + LABEL_PAD) / 2.0 * 0.7;
    h.state_mut().set_zoom(zoom);
    h.state_mut().focus_node(node);
    h.run();
    let labels = h.state().visible_labels();
    let cut = labels
        .iter()
        .find(|l| l.node == node && l.kind == LabelKind::Identity)
        .unwrap();
    let shown = cut.text.strip_suffix('…').unwrap();
    assert!(
        identity(137).starts_with(shown) && shown.len() >= 3,
        "{cut:?}"
    );
    let spacing = h.state().node_pos(node + 2).unwrap().x - h.state().node_pos(node).unwrap().x;
    assert!(
        cut.rect.width() + LABEL_PAD <= spacing,
        "{cut:?} in {spacing}"
    );
}

fn find(h: &mut Harness<'static, TreeView>, text: &str) {
    h.get_by_label("Find member").focus();
    h.run();
    h.get_by_label("Find member").type_text(text);
    h.run();
}

/// Asserts `node` is selected and drawn at the canvas centre.
fn assert_centred(h: &Harness<'static, TreeView>, node: u32) {
    assert_eq!(h.state().selected_node(), Some(node));
    let canvas = h.state().canvas_rect().unwrap();
    let pos = h.state().node_pos(node).unwrap();
    assert!(
        (pos.x - canvas.center().x).abs() < 1.0,
        "node {node} at {pos:?}, canvas {canvas:?}"
    );
    assert!(canvas.contains(pos));
}

#[test]
fn find_member_centres_a_member_by_identity_or_leaf_index() {
    // By identity (ignoring case, a prefix is enough).
    let mut h = view_harness([1200.0, 800.0]);
    find(&mut h, "MEMBER-137@");
    assert_eq!(h.state().find_outcome(), Some(FindOutcome::Found(137)));
    assert_centred(&h, 2 * 137);
    h.get_by_label("leaf 137");
    // Zoomed in so that its identity is readable.
    assert!(
        h.state()
            .visible_labels()
            .iter()
            .any(|l| l.node == 2 * 137 && l.text == identity(137)),
        "{:?}",
        h.state().visible_labels()
    );

    // By leaf index.
    let mut h = view_harness([1200.0, 800.0]);
    find(&mut h, "42");
    assert_eq!(h.state().find_outcome(), Some(FindOutcome::Found(42)));
    assert_centred(&h, 84);

    // A miss says so and leaves the view alone.
    let mut h = view_harness([1200.0, 800.0]);
    let zoom = h.state().zoom();
    find(&mut h, "nobody@example.org");
    h.get_by_label("no member matches");
    assert_eq!(h.state().find_outcome(), Some(FindOutcome::NoMatch));
    assert_eq!(h.state().selected_node(), None);
    assert_eq!(h.state().zoom(), zoom);
}

/// Where the leaf of each unmerged member was drawn (inside the canvas).
fn unmerged_leaf_positions(h: &Harness<'static, TreeView>) -> Vec<(u32, Pos2)> {
    let canvas = h.state().canvas_rect().unwrap();
    (0..MEMBERS)
        .filter(|l| is_unmerged(*l))
        .filter_map(|l| Some((l, h.state().node_pos(2 * l)?)))
        .filter(|(_, p)| p.x > canvas.left() + 4.0 && p.x < canvas.right() - 4.0)
        .collect()
}

#[test]
fn unmerged_marks_are_readable_at_every_zoom() {
    let mut h = view_harness([1200.0, 800.0]);
    let fit = h.state().zoom();
    let mut zooms = vec![fit * 0.5, fit];
    let mut z = fit;
    while z < MAX_ZOOM {
        z *= ZOOM_STEP * ZOOM_STEP;
        zooms.push(z.min(MAX_ZOOM));
    }
    for zoom in zooms {
        h.state_mut().set_zoom(zoom);
        h.state_mut().focus_node(2 * 153);
        h.run();
        let marks = h.state().unmerged_marks().to_vec();
        let leaves = unmerged_leaf_positions(&h);
        assert!(!leaves.is_empty(), "zoom {zoom}");
        for mark in &marks {
            assert!(
                mark.radius >= 2.5,
                "zoom {zoom}: a mark of radius {} is not readable",
                mark.radius
            );
        }
        // Every unmerged leaf in view has a mark beside it, below-right of
        // its centre on the leaf row.
        for (leaf, pos) in leaves {
            assert!(
                marks.iter().any(|m| {
                    let dx = m.center.x - pos.x;
                    let dy = m.center.y - pos.y;
                    (-1.5..=16.0).contains(&dx) && (0.0..=20.0).contains(&dy)
                }),
                "zoom {zoom}: leaf {leaf} at {pos:?} has no mark: {marks:?}"
            );
        }
    }
}

/// Asserts the whole tree is drawn within the canvas and spans most of it.
fn assert_fitted(h: &Harness<'static, TreeView>) {
    let canvas = h.state().canvas_rect().unwrap();
    let first = h.state().node_pos(0).unwrap();
    let last = h
        .state()
        .node_pos(h.state().model().node_count() - 1)
        .unwrap();
    assert!(
        first.x > canvas.left() && last.x < canvas.right(),
        "tree {first:?}..{last:?} outside the canvas {canvas:?}"
    );
    assert!(
        last.x - first.x > 0.8 * canvas.width(),
        "tree {first:?}..{last:?} does not fill the canvas {canvas:?}"
    );
    // The root's row and the leaves' row are both inside.
    let root = h.state().node_pos(h.state().model().size().root()).unwrap();
    assert!(canvas.contains(root) && canvas.contains(first));
}

#[test]
fn fit_follows_the_window_size_until_the_user_zooms() {
    let mut h = view_harness([1200.0, 800.0]);
    h.get_by_label("Zoom in").click();
    h.run();
    assert!(!h.state().is_fitted());
    h.get_by_label("Fit").click();
    h.run();
    assert!(h.state().is_fitted());
    assert_fitted(&h);
    for size in [[700.0, 600.0], [1600.0, 900.0], [900.0, 700.0]] {
        h.set_size(egui::vec2(size[0], size[1]));
        h.run();
        assert_eq!(
            h.state().canvas_rect().unwrap().width().round(),
            (size[0] - 16.0).round(),
            "the canvas follows the window"
        );
        assert_fitted(&h);
    }

    // Zoomed by the user: a resize keeps the zoom.
    h.get_by_label("Zoom in").click();
    h.run();
    let zoom = h.state().zoom();
    h.set_size(egui::vec2(1300.0, 800.0));
    h.run();
    assert!(!h.state().is_fitted());
    assert_eq!(h.state().zoom(), zoom);
}
