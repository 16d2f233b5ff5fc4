//! The [`TreeView`] widget: toolbar, canvas, zoom and pan, selection, and
//! the detail box of the selected node.

use super::details::{legend, node_details};
use super::find::FindOutcome;
use super::geometry::{
    Action, FrameStats, Geometry, LABEL_SPACE, MARGIN, MAX_ROW, MAX_ZOOM, MIN_ROW, UnmergedMark,
    ZOOM_STEP, level_first, level_node, level_step,
};
use super::labels::NodeLabel;
use super::model::TreeViewModel;
use egui::{Pos2, Rect, Response, Sense, Ui, Vec2, vec2};
use mls_core::tree::math::{self};

/// Height reserved below the canvas for the selected node's details.
pub(super) const DETAIL_HEIGHT: f32 = 150.0;
/// Smallest canvas height.
pub(super) const MIN_CANVAS: f32 = 160.0;

/// The ratchet tree widget: toolbar (zoom buttons, legend), the canvas,
/// and a detail box for the selected node. Keep it across frames.
#[derive(Debug, Clone)]
pub struct TreeView {
    pub(super) model: TreeViewModel,
    pub(super) zoom: f64,
    pub(super) pan_x: f64,
    pub(super) pan_y: f32,
    pub(super) pending: Vec<Action>,
    pub(super) selected: Option<u32>,
    pub(super) hovered: Option<u32>,
    pub(super) geometry: Option<Geometry>,
    /// Per-pixel-column states of an aggregated row (reused every frame).
    pub(super) columns: Vec<u8>,
    pub(super) stats: FrameStats,
    /// Fitted by "Fit" (or on the first frame) and not zoomed or panned
    /// since: a change of the canvas size fits the tree again.
    pub(super) fitted: bool,
    /// The labels the last frame drew.
    pub(super) labels: Vec<NodeLabel>,
    /// The unmerged marks the last frame drew.
    pub(super) unmerged_marks: Vec<UnmergedMark>,
    /// The "Find member" box's text and what it found.
    pub(super) find_text: String,
    pub(super) find: Option<FindOutcome>,
}

impl Default for TreeView {
    fn default() -> Self {
        TreeView::new(TreeViewModel::default())
    }
}

impl TreeView {
    /// A view of `model`, fitted to the canvas on the first frame.
    pub fn new(model: TreeViewModel) -> Self {
        TreeView {
            model,
            zoom: 1.0,
            pan_x: 0.0,
            pan_y: 0.0,
            pending: vec![Action::Fit],
            selected: None,
            hovered: None,
            geometry: None,
            columns: Vec::new(),
            stats: FrameStats::default(),
            fitted: true,
            labels: Vec::new(),
            unmerged_marks: Vec::new(),
            find_text: String::new(),
            find: None,
        }
    }

    pub fn model(&self) -> &TreeViewModel {
        &self.model
    }

    /// The model, to change the own leaf or the changed nodes.
    pub fn model_mut(&mut self) -> &mut TreeViewModel {
        &mut self.model
    }

    /// Replaces the model (a new epoch). Zoom, pan and the selection stay
    /// when the tree keeps its size; otherwise the view is fitted again.
    pub fn set_model(&mut self, model: TreeViewModel) {
        self.replace_model(model);
    }

    /// [`TreeView::set_model`], returning the model it replaced (to drop
    /// elsewhere).
    pub fn replace_model(&mut self, model: TreeViewModel) -> TreeViewModel {
        if model.size() != self.model.size() {
            self.pending.push(Action::Fit);
        }
        if self.selected.is_some_and(|n| n >= model.node_count()) {
            self.selected = None;
        }
        self.hovered = None;
        std::mem::replace(&mut self.model, model)
    }

    /// The node clicked last (`None` after a click on empty space).
    pub fn selected_node(&self) -> Option<u32> {
        self.selected
    }

    pub fn set_selected_node(&mut self, node: Option<u32>) {
        self.selected = node.filter(|n| *n < self.model.node_count());
    }

    /// The node under the pointer in the last frame.
    pub fn hovered_node(&self) -> Option<u32> {
        self.hovered
    }

    /// Points per node index along x (leaves are two indices apart).
    pub fn zoom(&self) -> f32 {
        self.zoom as f32
    }

    /// Zooms by `factor` around the canvas centre (on the next frame).
    pub fn zoom_by(&mut self, factor: f32) {
        self.pending.push(Action::ZoomBy(factor));
    }

    /// Sets the zoom (points per node index) around the canvas centre.
    pub fn set_zoom(&mut self, zoom: f32) {
        self.pending.push(Action::SetZoom(zoom));
    }

    /// Fits the whole tree into the canvas.
    pub fn fit(&mut self) {
        self.pending.push(Action::Fit);
    }

    /// Centres the view on `node` (zoom unchanged).
    pub fn focus_node(&mut self, node: u32) {
        self.pending.push(Action::Focus(node));
    }

    /// Where `node` was drawn in the last frame (screen coordinates).
    pub fn node_pos(&self, node: u32) -> Option<Pos2> {
        let geo = self.geometry?;
        (node < self.model.node_count()).then(|| geo.pos(node))
    }

    /// The canvas of the last frame.
    pub fn canvas_rect(&self) -> Option<Rect> {
        self.geometry.map(|g| g.rect)
    }

    /// What the last frame painted.
    pub fn last_frame_stats(&self) -> FrameStats {
        self.stats
    }

    /// The node labels the last frame drew (those that fit at its zoom),
    /// as the painter placed them.
    pub fn visible_labels(&self) -> &[NodeLabel] {
        &self.labels
    }

    /// The unmerged marks the last frame drew.
    pub fn unmerged_marks(&self) -> &[UnmergedMark] {
        &self.unmerged_marks
    }

    /// Whether the view is fitted (by "Fit", or since the first frame) and
    /// follows the canvas size until the user zooms or pans.
    pub fn is_fitted(&self) -> bool {
        self.fitted
    }

    /// Draws the toolbar, the canvas (taking the available width and most
    /// of the height) and the detail box; returns the canvas's response.
    pub fn ui(&mut self, ui: &mut Ui) -> Response {
        ui.horizontal_wrapped(|ui| {
            if ui.button("Zoom in").clicked() {
                self.pending.push(Action::ZoomBy(ZOOM_STEP));
            }
            if ui.button("Zoom out").clicked() {
                self.pending.push(Action::ZoomBy(1.0 / ZOOM_STEP));
            }
            if ui.button("Fit").clicked() {
                self.pending.push(Action::Fit);
            }
            let fit = self.geometry.map(|g| self.fit_zoom(g.rect));
            if let Some(fit) = fit {
                let factor = self.zoom / fit;
                let text = if factor < 10.0 {
                    format!("zoom {factor:.1}×")
                } else {
                    format!("zoom {factor:.0}×")
                };
                ui.weak(text);
            }
            ui.separator();
            self.find_ui(ui);
        });
        // The legend on a row of its own, so it stays on one line in the
        // Groups panel from 1200 px; when it must wrap, it wraps between
        // items.
        ui.horizontal_wrapped(|ui| {
            legend(ui);
            ui.separator();
            ui.weak(format!(
                "{} members · {} leaf slots · {} nodes",
                self.model.member_count(),
                self.model.leaf_count(),
                self.model.node_count()
            ));
        });

        let avail = ui.available_size();
        let height = (avail.y - DETAIL_HEIGHT - ui.spacing().item_spacing.y).max(MIN_CANVAS);
        let (response, painter) = ui.allocate_painter(
            vec2(avail.x.max(MIN_CANVAS), height),
            Sense::click_and_drag(),
        );
        let rect = response.rect;

        self.handle_input(ui, &response, rect);
        let geo = self.geometry(rect);
        self.geometry = Some(geo);

        self.hovered = response.hover_pos().and_then(|p| self.node_at(&geo, p));
        if response.clicked() {
            self.selected = response
                .interact_pointer_pos()
                .and_then(|p| self.node_at(&geo, p));
        }

        self.paint(ui, &painter, &geo);

        let response = match self.hovered {
            Some(node) => response.on_hover_ui_at_pointer(|ui| {
                node_details(ui, &self.model, node, false);
            }),
            None => response,
        };

        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_min_width(ui.available_width());
            egui::ScrollArea::vertical()
                .id_salt("tree_view_details")
                .max_height(DETAIL_HEIGHT - 24.0)
                .auto_shrink([false, true])
                .show(ui, |ui| match self.selected {
                    Some(node) => node_details(ui, &self.model, node, true),
                    None => {
                        ui.weak("Click a node to see its keys and hashes.");
                    }
                });
        });
        response
    }

    /// The zoom at which the whole tree fits the canvas width.
    pub(super) fn fit_zoom(&self, rect: Rect) -> f64 {
        let width = f64::from((rect.width() - 2.0 * MARGIN).max(1.0));
        width / f64::from(self.model.node_count().max(1))
    }

    pub(super) fn zoom_limits(&self, rect: Rect) -> (f64, f64) {
        let fit = self.fit_zoom(rect);
        (fit * 0.5, f64::from(MAX_ZOOM).max(fit * 4.0))
    }

    /// Zooms by `factor` keeping screen x `anchor` fixed.
    pub(super) fn zoom_at(&mut self, rect: Rect, factor: f64, anchor: f32) {
        let (lo, hi) = self.zoom_limits(rect);
        let new = (self.zoom * factor).clamp(lo, hi);
        let anchor = f64::from(anchor - rect.left());
        // The world point under the anchor stays there.
        let world = (anchor - self.pan_x) / self.zoom;
        self.zoom = new;
        self.pan_x = anchor - world * new;
    }

    pub(super) fn apply(&mut self, rect: Rect, action: Action) {
        self.fitted = action.keeps_fit();
        match action {
            Action::Fit => {
                self.zoom = self.fit_zoom(rect);
                let content = f64::from(self.model.node_count()) * self.zoom;
                self.pan_x = (f64::from(rect.width()) - content) / 2.0;
                self.pan_y = ((rect.height() - self.content_height(rect)) / 2.0).max(0.0);
            }
            Action::ZoomBy(f) => self.zoom_at(rect, f64::from(f), rect.center().x),
            Action::SetZoom(z) => {
                let f = f64::from(z) / self.zoom;
                self.zoom_at(rect, f, rect.center().x);
            }
            Action::Focus(node) => {
                let x = (f64::from(node) + 0.5) * self.zoom;
                self.pan_x = f64::from(rect.width()) / 2.0 - x;
                if let Some(geo) = self.geometry {
                    let row = geo.row_y(math::level(node)) - geo.rect.top() - geo.pan_y;
                    self.pan_y = rect.height() / 2.0 - row;
                }
            }
        }
    }

    pub(super) fn handle_input(&mut self, ui: &Ui, response: &Response, rect: Rect) {
        for action in std::mem::take(&mut self.pending) {
            self.apply(rect, action);
        }
        // Fitted: follow the canvas size (a resized window or panel).
        if self.fitted && self.geometry.is_none_or(|g| g.rect.size() != rect.size()) {
            self.apply(rect, Action::Fit);
        }
        if let Some(pointer) = response.hover_pos() {
            let (zoom, scroll) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta()));
            if zoom != 1.0 {
                self.zoom_at(rect, f64::from(zoom), pointer.x);
                self.fitted = false;
            }
            if scroll != Vec2::ZERO {
                self.fitted = false;
                self.pan_x += f64::from(scroll.x);
                self.pan_y += scroll.y;
                // Consumed: a surrounding scroll area stays put.
                ui.ctx().input_mut(|i| i.smooth_scroll_delta = Vec2::ZERO);
            }
        }
        if response.dragged() {
            let d = response.drag_delta();
            if d != Vec2::ZERO {
                self.fitted = false;
            }
            self.pan_x += f64::from(d.x);
            self.pan_y += d.y;
        }
        // Keep the tree reachable: never scrolled entirely out of view.
        let (lo, hi) = self.zoom_limits(rect);
        self.zoom = self.zoom.clamp(lo, hi);
        let w = f64::from(rect.width());
        let m = f64::from(MARGIN);
        let content = f64::from(self.model.node_count()) * self.zoom;
        let (a, b) = (m, w - m - content);
        self.pan_x = self.pan_x.clamp(a.min(b), a.max(b));
        // Rows that fit stay centred; taller content scrolls within its height.
        let spare = rect.height() - self.content_height(rect);
        self.pan_y = if spare >= 0.0 {
            spare / 2.0
        } else {
            self.pan_y.clamp(spare, 0.0)
        };
    }

    pub(super) fn root_level(&self) -> u32 {
        math::level(self.model.size().root())
    }

    pub(super) fn row_height(&self, rect: Rect) -> f32 {
        let rows = (self.root_level() + 1) as f32;
        ((rect.height() - 2.0 * MARGIN - LABEL_SPACE) / rows).clamp(MIN_ROW, MAX_ROW)
    }

    /// The height of all rows with their margins and the leaf labels.
    pub(super) fn content_height(&self, rect: Rect) -> f32 {
        let rows = (self.root_level() + 1) as f32;
        rows * self.row_height(rect) + 2.0 * MARGIN + LABEL_SPACE
    }

    pub(super) fn geometry(&self, rect: Rect) -> Geometry {
        Geometry {
            rect,
            zoom: self.zoom,
            pan_x: self.pan_x,
            pan_y: self.pan_y,
            row_h: self.row_height(rect),
            root_level: self.root_level(),
            leaves: self.model.leaf_count(),
        }
    }

    /// The node drawn at `pos`, if any (the nearest one of the row when
    /// the row is aggregated).
    pub(super) fn node_at(&self, geo: &Geometry, pos: Pos2) -> Option<u32> {
        if !geo.rect.contains(pos) {
            return None;
        }
        let row = ((pos.y - geo.top()) / geo.row_h).floor();
        if row < 0.0 || row > geo.root_level as f32 {
            return None;
        }
        let level = geo.root_level - row as u32;
        let r = geo.radius();
        let reach = r + 4.0;
        if (pos.y - geo.row_y(level)).abs() > reach.max(8.0) {
            return None;
        }
        let count = u64::from(geo.leaves >> level);
        let m = ((geo.world_x(pos.x) - level_first(level) as f64) / level_step(level) as f64)
            .round()
            .clamp(0.0, count.saturating_sub(1) as f64) as u64;
        let node = level_node(level, m)?;
        ((geo.node_x(node) - pos.x).abs() <= reach).then_some(node)
    }
}
