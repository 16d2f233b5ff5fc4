#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Layout from 800×600 up (issue 14, item 5): at 800×600 every action
//! button of the Decoder and of a group's overview is inside the window,
//! whole, and clickable, and no two of the Decoder's controls overlap; a
//! status line or the staged-commit banner appearing does not move the
//! group view's tabs (statuses have a fixed place: the status bar); on a
//! wide window (1920×1080, 4K) the Decoder's field tree takes the room.

#[path = "support/gui.rs"]
mod gui;

use egui::Rect;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use gui::{TempDir, alice_and_bob, click, harness_sized, open_groups_sized, settle, status_text};
use mls_inspector::ui::{InspectorApp, Tab};

const EXAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../assets/examples/commit-public.bin"
);

fn window(size: [f32; 2]) -> Rect {
    Rect::from_min_size(egui::Pos2::ZERO, size.into())
}

/// The rect of the widget labelled `label`, checked to lie whole inside
/// `window`.
fn inside(h: &Harness<'static, InspectorApp>, label: &str, window: Rect) -> Rect {
    let rect = h.get_by_label(label).rect();
    assert!(
        window.contains_rect(rect) && rect.width() > 4.0 && rect.height() > 4.0,
        "{label:?} at {rect:?} is not whole inside {window:?}"
    );
    rect
}

#[test]
fn the_decoder_controls_fit_800x600_without_overlapping() {
    let dir = TempDir::new("layout-decoder");
    let (a_db, _a_key, _b, _b_key) = alice_and_bob(&dir);
    let size = [800.0, 600.0];
    let mut app = InspectorApp::with_workspace(&a_db);
    app.set_tab(Tab::Decoder);
    let mut h = harness_sized(app, size);
    settle(&mut h);
    h.state_mut()
        .decoder()
        .load_path(std::path::Path::new(EXAMPLE));
    settle(&mut h);
    let w = window(size);
    let labels = [
        "Open file…",
        "Load example",
        "Recent",
        "Decode",
        "Clear",
        "Format",
        "As",
        "Group:",
    ];
    let rects: Vec<(&str, Rect)> = labels.iter().map(|l| (*l, inside(&h, l, w))).collect();
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in &rects[i + 1..] {
            let overlap = ra.intersect(*rb);
            assert!(
                overlap.width() <= 0.5 || overlap.height() <= 0.5,
                "{a:?} {ra:?} overlaps {b:?} {rb:?}"
            );
        }
    }
    // And they work: Clear empties the Decoder.
    click(&mut h, "Clear");
    assert!(h.state_mut().decoder().dissection().is_none());
}

#[test]
fn a_group_overviews_actions_are_reachable_at_800x600() {
    let dir = TempDir::new("layout-groups");
    let (a_db, a_key, _b, _b_key) = alice_and_bob(&dir);
    let size = [800.0, 600.0];
    let mut h = open_groups_sized(&a_db, Some(a_key), size);
    let w = window(size);
    // Too narrow for two columns: the actions are one tab away.
    click(&mut h, "Actions");
    inside(&h, "Update", w);
    let commit = h.get_by_label_contains("Commit: ").rect();
    assert!(w.contains_rect(commit), "Commit at {commit:?}");
    click(&mut h, "Update");
    h.get_by_label("Local commit (staged)");
    assert_eq!(
        h.state_mut()
            .groups()
            .snapshot()
            .and_then(|s| s.pending())
            .map(|p| p.new_epoch),
        Some(2),
        "{}",
        status_text(&mut h)
    );
}

#[test]
fn a_status_or_banner_appearing_does_not_move_the_tabs() {
    let dir = TempDir::new("layout-banner");
    let (a_db, a_key, _b, _b_key) = alice_and_bob(&dir);
    let mut h = open_groups_sized(&a_db, Some(a_key), [1200.0, 800.0]);
    let tabs = ["Overview", "Ratchet tree", "Messages"];
    let before: Vec<Rect> = tabs.iter().map(|t| h.get_by_label(t).rect()).collect();
    assert!(status_text(&mut h).is_empty());
    // A staged commit: a status line and (outside the Staged view) the
    // banner appear.
    click(&mut h, "Update");
    click(&mut h, "Overview");
    settle(&mut h);
    assert!(!status_text(&mut h).is_empty());
    h.get_by_label("Review");
    let after: Vec<Rect> = tabs.iter().map(|t| h.get_by_label(t).rect()).collect();
    assert_eq!(before, after, "the tabs moved");
    // The status is in the status bar, at the bottom of the window.
    let status = status_text(&mut h);
    let line = h.get_by_label(&status).rect();
    assert!(line.top() > 800.0 - 30.0, "status at {line:?}");
}

#[test]
fn the_decoders_tree_takes_the_room_of_a_wide_window() {
    let mut app = InspectorApp::default();
    app.set_tab(Tab::Decoder);
    let mut h = harness_sized(app, [1200.0, 800.0]);
    h.state_mut()
        .decoder()
        .load_path(std::path::Path::new(EXAMPLE));
    settle(&mut h);
    let mut widths = Vec::new();
    for size in [[1200.0, 800.0], [1920.0, 1080.0], [3840.0, 2160.0]] {
        // The same window, made larger: the split follows.
        h.set_size(size.into());
        settle(&mut h);
        h.run();
        // The hex dump starts where the tree column ends.
        let hex = h.get_by_label_contains("click a byte").rect();
        assert!(window(size).contains_rect(hex));
        widths.push(hex.left());
    }
    assert!(
        widths[1] > widths[0] + 300.0 && widths[2] > widths[1] + 600.0,
        "the tree column stays at {widths:?} when the window grows (to 4K)"
    );
}
