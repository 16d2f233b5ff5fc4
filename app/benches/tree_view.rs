#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Frame time of the ratchet tree view with 10,000 members: one full egui
//! frame (layout, painting, tessellation) on a 1200×800 screen, fitted,
//! at the zoom where leaves are drawn one by one, and zoomed in; plus
//! building the model. `cargo bench -p mls-inspector --bench tree_view`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use egui::{Event, Pos2, Rect, vec2};
use mls_inspector::ui::tree_view::{NodeView, TreeView, TreeViewModel};

const MEMBERS: u32 = 10_000;

/// A 10,000-member tree: every leaf filled, six of seven parents filled,
/// some with an unmerged leaf.
fn nodes(members: u32) -> Vec<NodeView> {
    let bytes = |seed: u32, len: usize| -> Vec<u8> {
        (0..len)
            .map(|i| (seed as usize * 31 + i * 7) as u8)
            .collect()
    };
    (0..2 * members - 1)
        .map(|i| {
            if i % 2 == 0 {
                NodeView {
                    filled: true,
                    label: format!("member-{:05}@example.org", i / 2),
                    encryption_key: bytes(i, 32),
                    parent_hash: bytes(i + 1, 32),
                    tree_hash: Some(bytes(i + 2, 32)),
                    unmerged_leaves: Vec::new(),
                }
            } else if (i / 2) % 7 == 3 {
                NodeView::blank()
            } else {
                let level = i.trailing_ones();
                let unmerged_leaves = if (i / 2) % 13 == 0 {
                    vec![(i - ((1 << level) - 1)) / 2]
                } else {
                    Vec::new()
                };
                NodeView {
                    filled: true,
                    label: String::new(),
                    encryption_key: bytes(i, 32),
                    parent_hash: bytes(i + 1, 32),
                    tree_hash: Some(bytes(i + 2, 32)),
                    unmerged_leaves,
                }
            }
        })
        .collect()
}

struct Frames {
    ctx: egui::Context,
    view: TreeView,
    frame: u64,
}

impl Frames {
    fn new(zoom: Option<f32>, focus: u32) -> Self {
        let mut model = TreeViewModel::from_nodes(nodes(MEMBERS));
        model.set_own_leaf(Some(4321));
        let mut view = TreeView::new(model);
        if let Some(z) = zoom {
            view.set_zoom(z);
            view.focus_node(focus);
        }
        let mut frames = Frames {
            ctx: egui::Context::default(),
            view,
            frame: 0,
        };
        for _ in 0..3 {
            frames.run(None);
        }
        let hover = frames.view.canvas_rect().map(|r| r.center());
        frames.run(hover);
        frames
    }

    fn run(&mut self, pointer: Option<Pos2>) -> usize {
        self.frame += 1;
        let mut input = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1200.0, 800.0))),
            time: Some(self.frame as f64 / 60.0),
            ..Default::default()
        };
        if let Some(p) = pointer {
            input.events.push(Event::PointerMoved(p));
        }
        let view = &mut self.view;
        let mut out = self.ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| {
                view.ui(ui);
            });
        });
        let shapes = std::mem::take(&mut out.shapes);
        let primitives = self.ctx.tessellate(shapes, out.pixels_per_point);
        out.textures_delta.clear();
        primitives.len()
    }
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("tree_view_10k");
    group.bench_function("model_from_nodes", |b| {
        b.iter_batched(
            || nodes(MEMBERS),
            |n| black_box(TreeViewModel::from_nodes(n)),
            criterion::BatchSize::LargeInput,
        )
    });
    for (name, zoom) in [
        ("frame_fit", None),
        ("frame_leaves_4pt", Some(2.0)),
        ("frame_zoomed_in", Some(30.0)),
    ] {
        let mut frames = Frames::new(zoom, 10_000);
        group.bench_function(name, |b| b.iter(|| black_box(frames.run(None))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
