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
/// Room below the leaf row for the leaves' labels.
pub(super) const LABEL_SPACE: f32 = 16.0;
/// Row height bounds: rows share the canvas height within these.
pub(super) const MIN_ROW: f32 = 26.0;
pub(super) const MAX_ROW: f32 = 90.0;
/// Largest node radius, in points.
pub(super) const MAX_RADIUS: f32 = 12.0;
/// Smallest node radius, in points.
pub(super) const MIN_RADIUS: f32 = 1.5;

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
}
