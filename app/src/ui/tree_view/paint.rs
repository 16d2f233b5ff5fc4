//! Painting the tree: node by node where they are far enough apart, as
//! pixel-column bands where they are not.

use std::ops::Range;

use super::details::{
    BLANK_COLOR, CHANGED_COLOR, LEAF_COLOR, OWN_COLOR, PARENT_COLOR, UNMERGED_COLOR,
};
use super::geometry::{
    FrameStats, Geometry, MIN_NODE_SPACING, MIN_UNMERGED_RADIUS, UnmergedMark, level_node,
    unmerged_mark,
};
use super::labels::LaidOut;
use super::model::{CHANGED, FILLED, OWN, UNMERGED};
use super::widget::TreeView;
use egui::{Mesh, Pos2, Rect, Shape, Stroke, Ui, pos2, vec2};
use mls_core::tree::math::{self};

impl TreeView {
    pub(super) fn paint(&mut self, ui: &Ui, painter: &egui::Painter, geo: &Geometry) {
        let visuals = ui.visuals();
        let rect = geo.rect;
        painter.rect_filled(rect, 2.0, visuals.extreme_bg_color);
        let mut stats = FrameStats::default();
        let r = geo.radius();
        // Node indices that can touch the canvas.
        let lo = geo.world_x(rect.left() - r - 2.0);
        let hi = geo.world_x(rect.right() + r + 2.0);
        let edge_color = visuals.weak_text_color().gamma_multiply(0.7);
        let own_leaf_node = self.model.own_leaf().and_then(math::leaf_to_node);

        let mut edges: Vec<Shape> = Vec::new();
        let mut bands = Mesh::default();
        let mut nodes: Vec<Shape> = Vec::new();
        let mut labels: Vec<LaidOut> = Vec::new();
        let mut marks: Vec<Shape> = Vec::new();
        self.unmerged_marks.clear();
        let row_visible = |y: f32| y + r + 4.0 >= rect.top() && y - r - 4.0 <= rect.bottom();

        for level in (0..=geo.root_level).rev() {
            let y = geo.row_y(level);
            let individual = geo.spacing(level) >= MIN_NODE_SPACING;
            // Edges down to the children, for rows drawn node by node.
            if level > 0 && individual {
                let child_y = geo.row_y(level - 1);
                let half = (1u64 << (level - 1)) as f64;
                let above = y < rect.top() && child_y < rect.top();
                let below = y > rect.bottom() && child_y > rect.bottom();
                if !above && !below {
                    for m in geo.level_range(level, lo - half, hi + half) {
                        let Some(p) = level_node(level, m) else {
                            continue;
                        };
                        let from = pos2(geo.node_x(p), y);
                        for c in [math::left(p), math::right(p)].into_iter().flatten() {
                            let to = pos2(geo.node_x(c), child_y);
                            let own = self.model.flags_of(p) & self.model.flags_of(c) & OWN != 0;
                            let stroke = if own {
                                Stroke::new(2.5, OWN_COLOR)
                            } else {
                                Stroke::new(1.0, edge_color)
                            };
                            edges.push(Shape::line_segment([from, to], stroke));
                            stats.edges_drawn += 1;
                        }
                    }
                }
            }
            if !row_visible(y) {
                continue;
            }
            let range = geo.level_range(level, lo, hi);
            if individual {
                for m in range {
                    let Some(node) = level_node(level, m) else {
                        continue;
                    };
                    let pos = pos2(geo.node_x(node), y);
                    self.node_shapes(&mut nodes, visuals, node, pos, r, own_leaf_node);
                    stats.nodes_drawn += 1;
                    self.node_labels(&mut labels, painter, visuals, node, pos, r, geo);
                }
            } else {
                stats.aggregated_rows += 1;
                stats.band_segments += self.band(&mut bands, &mut marks, geo, level, range, y);
                // The own path, the selection and the hovered node stay visible.
                let specials = [
                    own_leaf_node.and_then(|n| {
                        math::direct_path(n, self.model.size())
                            .unwrap_or_default()
                            .into_iter()
                            .chain(std::iter::once(n))
                            .find(|p| math::level(*p) == level)
                    }),
                    self.selected.filter(|n| math::level(*n) == level),
                    self.hovered.filter(|n| math::level(*n) == level),
                ];
                for node in specials.into_iter().flatten() {
                    let pos = pos2(geo.node_x(node), y);
                    if rect.expand(r + 8.0).contains(pos) {
                        self.node_shapes(&mut nodes, visuals, node, pos, 3.5, own_leaf_node);
                        stats.nodes_drawn += 1;
                    }
                }
            }
        }

        painter.extend(edges);
        if !bands.is_empty() {
            painter.add(Shape::mesh(bands));
        }
        painter.extend(marks);
        painter.extend(nodes);
        self.labels.clear();
        for laid in labels {
            if laid.label.rect.intersects(rect) {
                painter.galley(laid.label.rect.min, laid.galley, laid.color);
                self.labels.push(laid.label);
            }
        }
        self.stats = stats;
    }

    /// The shapes of one node: body, rings for own path / changed /
    /// hovered / selected, the unmerged dot.
    pub(super) fn node_shapes(
        &mut self,
        out: &mut Vec<Shape>,
        visuals: &egui::Visuals,
        node: u32,
        pos: Pos2,
        r: f32,
        own_leaf_node: Option<u32>,
    ) {
        let flags = self.model.flags_of(node);
        if flags & FILLED != 0 {
            let color = if Some(node) == own_leaf_node {
                OWN_COLOR
            } else if math::is_leaf(node) {
                LEAF_COLOR
            } else {
                PARENT_COLOR
            };
            out.push(Shape::circle_filled(pos, r, color));
        } else {
            out.push(Shape::circle_filled(pos, r, visuals.extreme_bg_color));
            out.push(Shape::circle_stroke(
                pos,
                r,
                Stroke::new(1.0_f32.min(r * 0.5).max(0.8), BLANK_COLOR),
            ));
        }
        if flags & OWN != 0 && Some(node) != own_leaf_node {
            out.push(Shape::circle_stroke(
                pos,
                r + 2.0,
                Stroke::new(2.0, OWN_COLOR),
            ));
        }
        if flags & CHANGED != 0 {
            out.push(Shape::circle_stroke(
                pos,
                r + 4.5,
                Stroke::new(2.0, CHANGED_COLOR),
            ));
        }
        if flags & UNMERGED != 0 {
            let (d, off) = unmerged_mark(r);
            let center = pos + vec2(off, off);
            out.push(Shape::circle_filled(center, d, UNMERGED_COLOR));
            self.unmerged_marks.push(UnmergedMark {
                node: Some(node),
                center,
                radius: d,
            });
        }
        if self.hovered == Some(node) {
            out.push(Shape::circle_stroke(
                pos,
                r + 2.5,
                Stroke::new(1.5, visuals.strong_text_color()),
            ));
        }
        if self.selected == Some(node) {
            out.push(Shape::circle_stroke(
                pos,
                r + 7.0,
                Stroke::new(2.5, visuals.selection.stroke.color),
            ));
        }
    }

    /// One aggregated row: the state of every pixel column (the strongest
    /// of its nodes), drawn as runs of equal state. Returns the runs drawn.
    pub(super) fn band(
        &mut self,
        mesh: &mut Mesh,
        marks: &mut Vec<Shape>,
        geo: &Geometry,
        level: u32,
        range: Range<u64>,
        y: f32,
    ) -> usize {
        // Column bits: 1 = some node, 2..=3 = state (0 blank, 1 filled,
        // 2 changed, 3 own) shifted by one, 16 = some unmerged.
        const PRESENT: u8 = 1;
        const UNMERGED_BIT: u8 = 16;
        let rect = geo.rect;
        let width = rect.width().max(0.0) as usize + 1;
        self.columns.clear();
        self.columns.resize(width, 0);
        for m in range {
            let Some(node) = level_node(level, m) else {
                continue;
            };
            let x = geo.node_x(node) - rect.left();
            if x < 0.0 {
                continue;
            }
            let Some(col) = self.columns.get_mut(x as usize) else {
                break;
            };
            let f = self.model.flags_of(node);
            let state: u8 = if f & OWN != 0 {
                3
            } else if f & CHANGED != 0 {
                2
            } else if f & FILLED != 0 {
                1
            } else {
                0
            };
            let old = (*col >> 1) & 3;
            let unmerged = if f & UNMERGED != 0 { UNMERGED_BIT } else { 0 };
            *col = PRESENT | (old.max(state) << 1) | (*col & UNMERGED_BIT) | unmerged;
        }
        let filled_color = if level == 0 { LEAF_COLOR } else { PARENT_COLOR };
        let half = (geo.row_h * 0.12).clamp(2.0, 6.0);
        let mut runs = 0;
        let mut start = 0usize;
        let columns = &self.columns;
        // Runs of equal state (unmerged marks handled in a second pass).
        let state_of = |c: u8| c & 0b111;
        let mut push_run = |from: usize, to: usize, value: u8, mesh: &mut Mesh| {
            if value & PRESENT == 0 {
                return;
            }
            let color = match (value >> 1) & 3 {
                3 => OWN_COLOR,
                2 => CHANGED_COLOR,
                1 => filled_color,
                _ => BLANK_COLOR.gamma_multiply(0.6),
            };
            let x0 = rect.left() + from as f32;
            let x1 = rect.left() + to as f32;
            mesh.add_colored_rect(Rect::from_x_y_ranges(x0..=x1, y - half..=y + half), color);
            runs += 1;
        };
        for i in 1..=columns.len() {
            let here = columns.get(start).copied().map_or(0, state_of);
            let next = columns.get(i).copied().map(state_of);
            if next != Some(here) {
                push_run(start, i, here, mesh);
                start = i;
            }
        }
        let mut start = None;
        for i in 0..=columns.len() {
            let marked = columns.get(i).is_some_and(|c| c & UNMERGED_BIT != 0);
            match (marked, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    // A dot of the smallest readable radius under a narrow
                    // run, a bar as high as that dot under a wide one.
                    let d = MIN_UNMERGED_RADIUS;
                    let x0 = rect.left() + s as f32;
                    let x1 = rect.left() + i as f32;
                    let center = pos2((x0 + x1) / 2.0, y + half + 1.0 + d);
                    if x1 - x0 < 2.0 * d {
                        marks.push(Shape::circle_filled(center, d, UNMERGED_COLOR));
                    } else {
                        marks.push(Shape::rect_filled(
                            Rect::from_x_y_ranges(x0..=x1, center.y - d..=center.y + d),
                            d,
                            UNMERGED_COLOR,
                        ));
                    }
                    self.unmerged_marks.push(UnmergedMark {
                        node: None,
                        center,
                        radius: d,
                    });
                    runs += 1;
                    start = None;
                }
                _ => {}
            }
        }
        runs
    }
}
