//! Where things are on the canvas: zoom, pan, row heights, node positions,
//! and which node indices of a level are visible.

use std::ops::Range;

use egui::{Pos2, Rect, pos2};
use mls_core::tree::math::{self};

/// Rows whose nodes are closer than this (in points) are aggregated per
/// pixel column instead of drawn node by node.
pub const MIN_NODE_SPACING: f32 = 4.0;

/// Largest zoom (points per node index) allowed for large trees; small
/// trees may zoom in up to four times their fit.
pub const MAX_ZOOM: f32 = 80.0;

/// Factor of one "Zoom in" / "Zoom out" click.
pub const ZOOM_STEP: f32 = 1.5;

/// Margin around the tree inside the canvas, in points.
pub(super) const MARGIN: f32 = 18.0;
/// Room below the leaf row for the leaves' labels (two lines: the leaf
/// index and the identity).
pub(super) const LABEL_SPACE: f32 = 30.0;
/// Row height bounds: rows share the canvas height within these.
pub(super) const MIN_ROW: f32 = 26.0;
pub(super) const MAX_ROW: f32 = 90.0;
/// Largest node radius, in points.
pub(super) const MAX_RADIUS: f32 = 12.0;
/// Smallest node radius, in points.
pub(super) const MIN_RADIUS: f32 = 1.5;

/// Font size of the node labels, in points.
pub(super) const LABEL_FONT_SIZE: f32 = 11.0;
/// Room a label keeps free between itself and its neighbours' labels (or
/// a node's outline), in points.
pub const LABEL_PAD: f32 = 4.0;
/// No glyph of the label font is narrower than this (a cheap test before
/// a label is measured).
pub(super) const MIN_GLYPH_WIDTH: f32 = 2.0;
/// Smallest on-screen radius of an unmerged mark, at every zoom.
pub const MIN_UNMERGED_RADIUS: f32 = 3.0;

/// The fit rule of the node labels: a label `width` points wide is drawn
/// when it fits `room` (the distance between two neighbours of its row
/// for a label beside a node, a node's diameter for one inside it) with
/// [`LABEL_PAD`] to spare.
pub fn label_fits(width: f32, room: f32) -> bool {
    width + LABEL_PAD <= room
}

/// Whether a label of `chars` characters could fit `room` at all, before
/// it is measured.
pub(super) fn may_fit(chars: usize, room: f32) -> bool {
    label_fits(chars as f32 * MIN_GLYPH_WIDTH, room)
}

/// The zoom (points per node index) from which a label `width` points wide
/// fits between two leaves (which are two node indices apart).
pub(super) fn leaf_label_zoom(width: f32) -> f64 {
    f64::from(width + LABEL_PAD) / 2.0
}

/// The radius of the unmerged mark of a node of radius `r`, and its offset
/// (right and down) from the node's centre: never smaller than
/// [`MIN_UNMERGED_RADIUS`], and beside a node too small to carry it.
pub(super) fn unmerged_mark(r: f32) -> (f32, f32) {
    let d = (r * 0.35).max(MIN_UNMERGED_RADIUS);
    (d, (r * 0.8).max(r * 0.5 + d))
}

/// An unmerged mark painted in the last frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct UnmergedMark {
    /// The node it marks, or `None` for a mark over a pixel column run of
    /// an aggregated row.
    pub node: Option<u32>,
    pub center: Pos2,
    /// Half its height (a dot's radius), in points.
    pub radius: f32,
}

/// What was painted in the last frame (for tests and profiling).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FrameStats {
    /// Nodes drawn one by one.
    pub nodes_drawn: usize,
    /// Edges drawn.
    pub edges_drawn: usize,
    /// Rows drawn as per-pixel-column bands.
    pub aggregated_rows: usize,
    /// Band segments (runs of columns of one state) drawn.
    pub band_segments: usize,
}

/// A change of the view asked for before the canvas was laid out.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Action {
    Fit,
    /// Multiply the zoom, keeping the canvas centre in place.
    ZoomBy(f32),
    SetZoom(f32),
    /// Centre the view on a node.
    Focus(u32),
}

impl Action {
    /// Whether the view stays fitted after this action.
    pub(super) fn keeps_fit(self) -> bool {
        matches!(self, Action::Fit)
    }
}

/// Where things are on the canvas in one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Geometry {
    pub(super) rect: Rect,
    /// Points per node index along x.
    pub(super) zoom: f64,
    /// Screen x of node index -0.5 (the tree's left edge), relative to the canvas.
    pub(super) pan_x: f64,
    /// Vertical offset of the top row, relative to the canvas.
    pub(super) pan_y: f32,
    pub(super) row_h: f32,
    pub(super) root_level: u32,
    pub(super) leaves: u32,
}

impl Geometry {
    pub(super) fn node_x(&self, node: u32) -> f32 {
        (f64::from(self.rect.left()) + self.pan_x + (f64::from(node) + 0.5) * self.zoom) as f32
    }

    /// The (fractional) node index at screen x.
    pub(super) fn world_x(&self, x: f32) -> f64 {
        (f64::from(x) - f64::from(self.rect.left()) - self.pan_x) / self.zoom - 0.5
    }

    pub(super) fn top(&self) -> f32 {
        self.rect.top() + self.pan_y + MARGIN
    }

    pub(super) fn row_y(&self, level: u32) -> f32 {
        let row = self.root_level.saturating_sub(level) as f32;
        self.top() + row * self.row_h + self.row_h / 2.0
    }

    pub(super) fn pos(&self, node: u32) -> Pos2 {
        pos2(self.node_x(node), self.row_y(math::level(node)))
    }

    pub(super) fn radius(&self) -> f32 {
        (self.zoom as f32 * 0.6).clamp(MIN_RADIUS, MAX_RADIUS)
    }

    /// Distance between neighbours on `level`, in points.
    pub(super) fn spacing(&self, level: u32) -> f32 {
        (level_step(level) as f64 * self.zoom) as f32
    }

    /// The positions `m` (node = first + m × step) of the nodes on `level`
    /// whose index lies in `lo..=hi`.
    pub(super) fn level_range(&self, level: u32, lo: f64, hi: f64) -> Range<u64> {
        let count = u64::from(self.leaves >> level);
        let first = level_first(level) as f64;
        let step = level_step(level) as f64;
        let m_lo = ((lo - first) / step).ceil().max(0.0);
        let m_hi = ((hi - first) / step).floor();
        if m_hi < m_lo || count == 0 {
            return 0..0;
        }
        let m_hi = (m_hi as u64).min(count - 1);
        (m_lo as u64).min(m_hi + 1)..m_hi + 1
    }
}

/// The first node index on `level`.
pub(super) fn level_first(level: u32) -> u64 {
    (1u64 << level) - 1
}

/// Distance between neighbouring node indices on `level`.
pub(super) fn level_step(level: u32) -> u64 {
    1u64 << (level + 1)
}

pub(super) fn level_node(level: u32, m: u64) -> Option<u32> {
    u32::try_from(level_first(level) + m * level_step(level)).ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;
    use egui::vec2;

    #[test]
    fn level_ranges_cull_to_the_visible_indices() {
        let geo = Geometry {
            rect: Rect::from_min_size(Pos2::ZERO, vec2(100.0, 100.0)),
            zoom: 1.0,
            pan_x: 0.0,
            pan_y: 0.0,
            row_h: 30.0,
            root_level: 3,
            leaves: 8,
        };
        // Leaves 0, 2, …, 14; indices 3..=9 hold 4, 6, 8.
        let r = geo.level_range(0, 3.0, 9.0);
        assert_eq!(r, 2..5);
        // Level 2 nodes are 3 and 11.
        assert_eq!(geo.level_range(2, 0.0, 20.0), 0..2);
        assert!(geo.level_range(2, 4.0, 10.0).is_empty());
        assert!(geo.level_range(0, -10.0, -1.0).is_empty());
        assert!(geo.level_range(0, 100.0, 200.0).is_empty());
    }

    /// The width of `text` in the label font, measured by egui.
    fn text_width(text: &str) -> f32 {
        let ctx = egui::Context::default();
        let mut width = 0.0;
        let mut out = ctx.run_ui(egui::RawInput::default(), |ui| {
            width = ui
                .painter()
                .layout_no_wrap(
                    text.to_owned(),
                    egui::FontId::proportional(LABEL_FONT_SIZE),
                    egui::Color32::WHITE,
                )
                .size()
                .x;
        });
        out.textures_delta.clear();
        width
    }

    #[test]
    fn labels_fit_from_the_zoom_where_their_width_fits_the_spacing() {
        let identity = "member-137@example.org";
        let width = text_width(identity);
        assert!(width > 40.0, "{width}");
        let geo = |zoom: f64| Geometry {
            rect: Rect::from_min_size(Pos2::ZERO, vec2(1000.0, 500.0)),
            zoom,
            pan_x: 0.0,
            pan_y: 0.0,
            row_h: 40.0,
            root_level: 9,
            leaves: 512,
        };
        // Leaves are two node indices apart: the identity fits between two
        // leaves from zoom (width + pad) / 2 on, not just below it.
        let from = leaf_label_zoom(width);
        let at = geo(from);
        assert!((at.node_x(2) - at.node_x(0) - (width + LABEL_PAD)).abs() < 1e-3);
        assert!(label_fits(width, at.spacing(0)));
        assert!(!label_fits(width, geo(from * 0.99).spacing(0)));
        // A level-L row is 2^L times sparser: at the same zoom a parent
        // label of that width fits on the rows from the computed level up.
        let z = 1.0;
        let first_level = ((width + LABEL_PAD) / 2.0).log2().ceil() as u32;
        for level in 0..9 {
            let room = geo(z).spacing(level);
            assert_eq!(
                label_fits(width, room),
                level >= first_level,
                "level {level}: room {room}, width {width}"
            );
        }
        // The cheap pre-test never rejects what the measure accepts.
        assert!(may_fit(identity.chars().count(), width + LABEL_PAD));
        assert!(!may_fit(identity.chars().count(), LABEL_PAD + 1.0));
    }

    #[test]
    fn unmerged_marks_keep_a_readable_size() {
        for r in [MIN_RADIUS, 2.0, 4.0, 8.0, MAX_RADIUS] {
            let (d, off) = unmerged_mark(r);
            assert!(d >= MIN_UNMERGED_RADIUS, "r {r}: {d}");
            // Beside the node, not inside it, when the node is small.
            let centre_distance = off * std::f32::consts::SQRT_2;
            assert!(centre_distance + d > r + 0.5 * d, "r {r}: {off} {d}");
        }
    }
}
