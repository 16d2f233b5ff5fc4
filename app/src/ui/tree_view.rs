//! The ratchet tree view: a reusable widget that paints an MLS ratchet tree
//! in its array layout (RFC 9420 §4.1, Appendix C).
//!
//! Leaves sit on the bottom row, parents above them by level, and every node
//! at x = node index × zoom, so the picture is the array representation
//! itself. Blank nodes are hollow and grey, filled ones solid (leaves blue,
//! parents green); the own leaf and its direct path are orange, "changed"
//! nodes (a staged commit's preview) get a magenta ring, and a red dot marks
//! unmerged leaves (and parents that list some).
//!
//! The data lives in a [`TreeViewModel`], built once from a
//! [`mls_core::tree::Tree`] (or from plain [`NodeView`]s); the widget state
//! (zoom, pan, hovered and selected node) in a [`TreeView`]. Hex strings
//! are formatted only for the hovered and the selected node.
//!
//! Drawing cost does not grow with the tree: each row paints only the nodes
//! whose x lies in the visible range, and a row whose nodes are closer than
//! [`MIN_NODE_SPACING`] points is drawn as one band segment per pixel
//! column (merged into runs of equal state), so a fully zoomed-out
//! 10,000-member tree costs a few thousand rectangles at most.

use std::ops::Range;

use egui::{
    Align2, Color32, FontId, Mesh, Pos2, Rect, Response, RichText, Sense, Shape, Stroke, Ui, Vec2,
    pos2, vec2,
};
use mls_core::messages::{Credential, LeafNodeSource, Node};
use mls_core::tree::Tree;
use mls_core::tree::math::{self, TreeSize};

/// Rows whose nodes are closer than this (in points) are aggregated per
/// pixel column instead of drawn node by node.
pub const MIN_NODE_SPACING: f32 = 4.0;

/// Largest zoom (points per node index) allowed for large trees; small
/// trees may zoom in up to four times their fit.
pub const MAX_ZOOM: f32 = 80.0;

/// Factor of one "Zoom in" / "Zoom out" click.
pub const ZOOM_STEP: f32 = 1.5;

/// Margin around the tree inside the canvas, in points.
const MARGIN: f32 = 18.0;
/// Room below the leaf row for the leaves' labels.
const LABEL_SPACE: f32 = 16.0;
/// Row height bounds: rows share the canvas height within these.
const MIN_ROW: f32 = 26.0;
const MAX_ROW: f32 = 90.0;
/// Largest node radius, in points.
const MAX_RADIUS: f32 = 12.0;
/// Smallest node radius, in points.
const MIN_RADIUS: f32 = 1.5;
/// Leaf labels are drawn from this zoom on (leaves 2 × zoom apart).
const LABEL_ZOOM: f32 = 20.0;
/// Height reserved below the canvas for the selected node's details.
const DETAIL_HEIGHT: f32 = 150.0;
/// Smallest canvas height.
const MIN_CANVAS: f32 = 160.0;
/// Characters of a leaf label kept in the model.
const LABEL_CHARS: usize = 24;
/// Hex digits of a key or hash shown in a tooltip.
const TOOLTIP_HEX: usize = 32;
/// Unmerged leaves listed in a tooltip.
const TOOLTIP_UNMERGED: usize = 16;

const LEAF_COLOR: Color32 = Color32::from_rgb(70, 130, 220);
const PARENT_COLOR: Color32 = Color32::from_rgb(50, 165, 115);
const BLANK_COLOR: Color32 = Color32::from_rgb(140, 140, 140);
const OWN_COLOR: Color32 = Color32::from_rgb(255, 145, 20);
const CHANGED_COLOR: Color32 = Color32::from_rgb(215, 60, 200);
const UNMERGED_COLOR: Color32 = Color32::from_rgb(230, 50, 50);

/// Per-node flag bits of the model (kept apart from [`NodeView`] so
/// painting reads one byte per node).
const FILLED: u8 = 1;
/// A leaf listed in some parent's unmerged leaves, or a parent that lists some.
const UNMERGED: u8 = 2;
/// The own leaf or a node on its direct path.
const OWN: u8 = 4;
const CHANGED: u8 = 8;

/// One node as the view shows it. The node index is its position in the
/// model; leaves are at even indices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeView {
    /// Not blank.
    pub filled: bool,
    /// A short label: a leaf's credential identity (empty for parents and
    /// blank nodes).
    pub label: String,
    /// The HPKE public key (`encryption_key`).
    pub encryption_key: Vec<u8>,
    /// A parent's `parent_hash`, or a leaf's when its source is a commit
    /// (empty otherwise).
    pub parent_hash: Vec<u8>,
    /// The tree hash, when the tree had it cached.
    pub tree_hash: Option<Vec<u8>>,
    /// A parent's unmerged leaves (leaf indices).
    pub unmerged_leaves: Vec<u32>,
}

impl NodeView {
    /// A blank node.
    pub fn blank() -> Self {
        NodeView::default()
    }

    /// Whether two views show the same node content (the tree hash aside:
    /// it changes along the whole path above any change).
    fn same_content(&self, other: &NodeView) -> bool {
        self.filled == other.filled
            && self.label == other.label
            && self.encryption_key == other.encryption_key
            && self.parent_hash == other.parent_hash
            && self.unmerged_leaves == other.unmerged_leaves
    }
}

/// What the view paints: every node of a complete tree, with the own leaf
/// and the "changed" nodes marked. Built once; painting reads it only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeViewModel {
    size: TreeSize,
    nodes: Vec<NodeView>,
    flags: Vec<u8>,
    own_leaf: Option<u32>,
    members: u32,
}

impl Default for TreeViewModel {
    fn default() -> Self {
        TreeViewModel::from_nodes(Vec::new())
    }
}

impl TreeViewModel {
    /// The model of `tree`. Tree hashes are taken from the tree's cache
    /// ([`Tree::cached_tree_hash`]); a tree whose hashes were never computed
    /// (e.g. fresh from [`Tree::from_wire`]) shows none — call
    /// [`Tree::root_hash`] first to fill the cache.
    pub fn from_tree(tree: &Tree, own_leaf: Option<u32>) -> Self {
        let nodes = (0..tree.size().nodes())
            .map(|i| {
                let tree_hash = tree.cached_tree_hash(i).map(<[u8]>::to_vec);
                match tree.node(i) {
                    None => NodeView {
                        tree_hash,
                        ..NodeView::blank()
                    },
                    Some(Node::Leaf(leaf)) => NodeView {
                        filled: true,
                        label: credential_label(&leaf.credential),
                        encryption_key: leaf.encryption_key.0.clone(),
                        parent_hash: match &leaf.leaf_node_source {
                            LeafNodeSource::Commit { parent_hash } => parent_hash.0.clone(),
                            _ => Vec::new(),
                        },
                        tree_hash,
                        unmerged_leaves: Vec::new(),
                    },
                    Some(Node::Parent(parent)) => NodeView {
                        filled: true,
                        label: String::new(),
                        encryption_key: parent.encryption_key.0.clone(),
                        parent_hash: parent.parent_hash.0.clone(),
                        tree_hash,
                        unmerged_leaves: parent.unmerged_leaves.clone(),
                    },
                }
            })
            .collect();
        let mut model = TreeViewModel::from_nodes(nodes);
        model.set_own_leaf(own_leaf);
        model
    }

    /// A model of nodes given in array order (node index = position). The
    /// list is padded with blank nodes to a complete tree; a node's kind
    /// (leaf or parent) follows from its index.
    pub fn from_nodes(mut nodes: Vec<NodeView>) -> Self {
        let len = u32::try_from(nodes.len()).unwrap_or(u32::MAX);
        let size = TreeSize::covering(len / 2 + 1).unwrap_or(TreeSize::ONE);
        nodes.resize_with(size.nodes() as usize, NodeView::blank);
        let mut flags: Vec<u8> = nodes
            .iter()
            .map(|n| if n.filled { FILLED } else { 0 })
            .collect();
        let mut members = 0;
        for (i, node) in (0u32..).zip(&nodes) {
            if math::is_leaf(i) && node.filled {
                members += 1;
            }
            if node.unmerged_leaves.is_empty() {
                continue;
            }
            if let Some(f) = flags.get_mut(i as usize) {
                *f |= UNMERGED;
            }
            for leaf in &node.unmerged_leaves {
                if let Some(f) = math::leaf_to_node(*leaf).and_then(|n| flags.get_mut(n as usize)) {
                    *f |= UNMERGED;
                }
            }
        }
        TreeViewModel {
            size,
            nodes,
            flags,
            own_leaf: None,
            members,
        }
    }

    /// The tree's size (leaf slots, a power of two).
    pub fn size(&self) -> TreeSize {
        self.size
    }

    /// Number of nodes, blank or not.
    pub fn node_count(&self) -> u32 {
        self.size.nodes()
    }

    /// Number of leaf slots, blank or not.
    pub fn leaf_count(&self) -> u32 {
        self.size.leaves()
    }

    /// Number of filled leaves.
    pub fn member_count(&self) -> u32 {
        self.members
    }

    pub fn node(&self, node: u32) -> Option<&NodeView> {
        self.nodes.get(node as usize)
    }

    pub fn own_leaf(&self) -> Option<u32> {
        self.own_leaf
    }

    /// Marks the own leaf (highlighted with its direct path); `None` or a
    /// leaf outside the tree clears the mark.
    pub fn set_own_leaf(&mut self, leaf: Option<u32>) {
        for f in &mut self.flags {
            *f &= !OWN;
        }
        self.own_leaf = None;
        let Some(leaf) = leaf else {
            return;
        };
        let Some(node) = math::leaf_to_node(leaf).filter(|n| self.size.contains(*n)) else {
            return;
        };
        self.own_leaf = Some(leaf);
        let path = math::direct_path(node, self.size).unwrap_or_default();
        for n in std::iter::once(node).chain(path) {
            if let Some(f) = self.flags.get_mut(n as usize) {
                *f |= OWN;
            }
        }
    }

    /// Replaces the set of "changed" nodes (highlighted, e.g. by a staged
    /// commit's preview); indices outside the tree are ignored.
    pub fn set_changed(&mut self, nodes: impl IntoIterator<Item = u32>) {
        for f in &mut self.flags {
            *f &= !CHANGED;
        }
        for n in nodes {
            if let Some(f) = self.flags.get_mut(n as usize) {
                *f |= CHANGED;
            }
        }
    }

    /// The nodes marked changed, in index order.
    pub fn changed_nodes(&self) -> impl Iterator<Item = u32> + '_ {
        (0u32..)
            .zip(&self.flags)
            .filter(|(_, f)| *f & CHANGED != 0)
            .map(|(i, _)| i)
    }

    /// The nodes whose content differs from `before` (another model of the
    /// same group, e.g. the current epoch when `self` is a staged commit's
    /// next state): blanked, filled, new keys, parent hashes or unmerged
    /// leaves. Tree hashes are not compared. Nodes beyond the smaller tree
    /// count as changed when they are filled on either side.
    pub fn diff(&self, before: &TreeViewModel) -> Vec<u32> {
        let blank = NodeView::blank();
        let len = self.nodes.len().max(before.nodes.len());
        (0..len)
            .filter(|i| {
                let a = self.nodes.get(*i).unwrap_or(&blank);
                let b = before.nodes.get(*i).unwrap_or(&blank);
                !a.same_content(b)
            })
            .filter_map(|i| u32::try_from(i).ok())
            .collect()
    }

    pub fn is_filled(&self, node: u32) -> bool {
        self.flag(node, FILLED)
    }

    /// The own leaf, or a node on its direct path.
    pub fn is_on_own_path(&self, node: u32) -> bool {
        self.flag(node, OWN)
    }

    pub fn is_changed(&self, node: u32) -> bool {
        self.flag(node, CHANGED)
    }

    /// A leaf listed as unmerged by some parent, or a parent listing some.
    pub fn is_unmerged(&self, node: u32) -> bool {
        self.flag(node, UNMERGED)
    }

    fn flag(&self, node: u32, bit: u8) -> bool {
        self.flags.get(node as usize).is_some_and(|f| f & bit != 0)
    }

    fn flags_of(&self, node: u32) -> u8 {
        self.flags.get(node as usize).copied().unwrap_or(0)
    }

    /// The parents listing `leaf` as unmerged (for a leaf's tooltip).
    fn parents_listing(&self, leaf: u32) -> Vec<u32> {
        let Some(node) = math::leaf_to_node(leaf) else {
            return Vec::new();
        };
        math::direct_path(node, self.size)
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                self.node(*p)
                    .is_some_and(|v| v.unmerged_leaves.contains(&leaf))
            })
            .collect()
    }
}

/// A short label for a credential: the identity of a basic credential.
fn credential_label(credential: &Credential) -> String {
    match credential {
        Credential::Basic { identity } => short_text(&identity.0),
        Credential::X509 { certificates } => format!("X.509 ({} cert.)", certificates.len()),
        Credential::Other {
            credential_type, ..
        } => format!("credential 0x{credential_type:04x}"),
    }
}

/// UTF-8 text cut to [`LABEL_CHARS`], or the first bytes in hex.
fn short_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.is_empty() && !s.chars().any(char::is_control) => {
            truncate_chars(s, LABEL_CHARS)
        }
        Ok("") => String::new(),
        _ => format!("0x{}", hex_prefix(bytes, 16)),
    }
}

fn truncate_chars(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", s.get(..at).unwrap_or(s)),
        None => s.to_owned(),
    }
}

/// Hex of `bytes`, cut to `max_digits` with an ellipsis.
fn hex_prefix(bytes: &[u8], max_digits: usize) -> String {
    if bytes.len() * 2 <= max_digits {
        return hex::encode(bytes);
    }
    let head = bytes.get(..max_digits / 2).unwrap_or(bytes);
    format!("{}… ({} bytes)", hex::encode(head), bytes.len())
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
enum Action {
    Fit,
    /// Multiply the zoom, keeping the canvas centre in place.
    ZoomBy(f32),
    SetZoom(f32),
    /// Centre the view on a node.
    Focus(u32),
}

/// Where things are on the canvas in one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Geometry {
    rect: Rect,
    /// Points per node index along x.
    zoom: f64,
    /// Screen x of node index -0.5 (the tree's left edge), relative to the canvas.
    pan_x: f64,
    /// Vertical offset of the top row, relative to the canvas.
    pan_y: f32,
    row_h: f32,
    root_level: u32,
    leaves: u32,
}

impl Geometry {
    fn node_x(&self, node: u32) -> f32 {
        (f64::from(self.rect.left()) + self.pan_x + (f64::from(node) + 0.5) * self.zoom) as f32
    }

    /// The (fractional) node index at screen x.
    fn world_x(&self, x: f32) -> f64 {
        (f64::from(x) - f64::from(self.rect.left()) - self.pan_x) / self.zoom - 0.5
    }

    fn top(&self) -> f32 {
        self.rect.top() + self.pan_y + MARGIN
    }

    fn row_y(&self, level: u32) -> f32 {
        let row = self.root_level.saturating_sub(level) as f32;
        self.top() + row * self.row_h + self.row_h / 2.0
    }

    fn pos(&self, node: u32) -> Pos2 {
        pos2(self.node_x(node), self.row_y(math::level(node)))
    }

    fn radius(&self) -> f32 {
        (self.zoom as f32 * 0.6).clamp(MIN_RADIUS, MAX_RADIUS)
    }

    /// Distance between neighbours on `level`, in points.
    fn spacing(&self, level: u32) -> f32 {
        (level_step(level) as f64 * self.zoom) as f32
    }

    /// The positions `m` (node = first + m × step) of the nodes on `level`
    /// whose index lies in `lo..=hi`.
    fn level_range(&self, level: u32, lo: f64, hi: f64) -> Range<u64> {
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
fn level_first(level: u32) -> u64 {
    (1u64 << level) - 1
}

/// Distance between neighbouring node indices on `level`.
fn level_step(level: u32) -> u64 {
    1u64 << (level + 1)
}

fn level_node(level: u32, m: u64) -> Option<u32> {
    u32::try_from(level_first(level) + m * level_step(level)).ok()
}

/// The ratchet tree widget: toolbar (zoom buttons, legend), the canvas,
/// and a detail box for the selected node. Keep it across frames.
#[derive(Debug, Clone)]
pub struct TreeView {
    model: TreeViewModel,
    zoom: f64,
    pan_x: f64,
    pan_y: f32,
    pending: Vec<Action>,
    selected: Option<u32>,
    hovered: Option<u32>,
    geometry: Option<Geometry>,
    /// Per-pixel-column states of an aggregated row (reused every frame).
    columns: Vec<u8>,
    stats: FrameStats,
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
        if model.size() != self.model.size() {
            self.pending.push(Action::Fit);
        }
        if self.selected.is_some_and(|n| n >= model.node_count()) {
            self.selected = None;
        }
        self.hovered = None;
        self.model = model;
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
            ui.weak(format!(
                "{} members · {} leaf slots · {} nodes",
                self.model.member_count(),
                self.model.leaf_count(),
                self.model.node_count()
            ));
            ui.separator();
            legend(ui);
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
    fn fit_zoom(&self, rect: Rect) -> f64 {
        let width = f64::from((rect.width() - 2.0 * MARGIN).max(1.0));
        width / f64::from(self.model.node_count().max(1))
    }

    fn zoom_limits(&self, rect: Rect) -> (f64, f64) {
        let fit = self.fit_zoom(rect);
        (fit * 0.5, f64::from(MAX_ZOOM).max(fit * 4.0))
    }

    /// Zooms by `factor` keeping screen x `anchor` fixed.
    fn zoom_at(&mut self, rect: Rect, factor: f64, anchor: f32) {
        let (lo, hi) = self.zoom_limits(rect);
        let new = (self.zoom * factor).clamp(lo, hi);
        let anchor = f64::from(anchor - rect.left());
        // The world point under the anchor stays there.
        let world = (anchor - self.pan_x) / self.zoom;
        self.zoom = new;
        self.pan_x = anchor - world * new;
    }

    fn apply(&mut self, rect: Rect, action: Action) {
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

    fn handle_input(&mut self, ui: &Ui, response: &Response, rect: Rect) {
        for action in std::mem::take(&mut self.pending) {
            self.apply(rect, action);
        }
        if let Some(pointer) = response.hover_pos() {
            let (zoom, scroll) = ui.input(|i| (i.zoom_delta(), i.smooth_scroll_delta()));
            if zoom != 1.0 {
                self.zoom_at(rect, f64::from(zoom), pointer.x);
            }
            if scroll != Vec2::ZERO {
                self.pan_x += f64::from(scroll.x);
                self.pan_y += scroll.y;
                // Consumed: a surrounding scroll area stays put.
                ui.ctx().input_mut(|i| i.smooth_scroll_delta = Vec2::ZERO);
            }
        }
        if response.dragged() {
            let d = response.drag_delta();
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

    fn root_level(&self) -> u32 {
        math::level(self.model.size().root())
    }

    fn row_height(&self, rect: Rect) -> f32 {
        let rows = (self.root_level() + 1) as f32;
        ((rect.height() - 2.0 * MARGIN - LABEL_SPACE) / rows).clamp(MIN_ROW, MAX_ROW)
    }

    /// The height of all rows with their margins and the leaf labels.
    fn content_height(&self, rect: Rect) -> f32 {
        let rows = (self.root_level() + 1) as f32;
        rows * self.row_height(rect) + 2.0 * MARGIN + LABEL_SPACE
    }

    fn geometry(&self, rect: Rect) -> Geometry {
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
    fn node_at(&self, geo: &Geometry, pos: Pos2) -> Option<u32> {
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

    fn paint(&mut self, ui: &Ui, painter: &egui::Painter, geo: &Geometry) {
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
        let mut labels: Vec<(Pos2, Align2, String, Color32)> = Vec::new();
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
                    if geo.zoom >= f64::from(LABEL_ZOOM) {
                        self.node_labels(&mut labels, visuals, node, pos, r, geo);
                    }
                }
            } else {
                stats.aggregated_rows += 1;
                stats.band_segments += self.band(&mut bands, geo, level, range, y);
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
        painter.extend(nodes);
        for (pos, align, text, color) in labels {
            painter.text(pos, align, text, FontId::proportional(11.0), color);
        }
        self.stats = stats;
    }

    /// The shapes of one node: body, rings for own path / changed /
    /// hovered / selected, the unmerged dot.
    fn node_shapes(
        &self,
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
            let d = (r * 0.35).max(1.5);
            out.push(Shape::circle_filled(
                pos + vec2(r * 0.8, r * 0.8),
                d,
                UNMERGED_COLOR,
            ));
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

    /// The index inside a node and a leaf's identity below it.
    fn node_labels(
        &self,
        out: &mut Vec<(Pos2, Align2, String, Color32)>,
        visuals: &egui::Visuals,
        node: u32,
        pos: Pos2,
        r: f32,
        geo: &Geometry,
    ) {
        let filled = self.model.is_filled(node);
        let index_color = if filled {
            Color32::WHITE
        } else {
            visuals.weak_text_color()
        };
        out.push((pos, Align2::CENTER_CENTER, node.to_string(), index_color));
        if math::is_leaf(node)
            && let Some(view) = self.model.node(node)
            && !view.label.is_empty()
        {
            // Room between two leaves, at about 6 points per character.
            let chars = ((geo.zoom * 2.0) / 6.5) as usize;
            if chars >= 3 {
                out.push((
                    pos + vec2(0.0, r + 3.0),
                    Align2::CENTER_TOP,
                    truncate_chars(&view.label, chars.saturating_sub(1)),
                    visuals.text_color(),
                ));
            }
        }
    }

    /// One aggregated row: the state of every pixel column (the strongest
    /// of its nodes), drawn as runs of equal state. Returns the runs drawn.
    fn band(
        &mut self,
        mesh: &mut Mesh,
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
                    let x0 = rect.left() + s as f32;
                    let x1 = rect.left() + i as f32;
                    mesh.add_colored_rect(
                        Rect::from_x_y_ranges(x0..=x1, y + half + 1.0..=y + half + 3.0),
                        UNMERGED_COLOR,
                    );
                    runs += 1;
                    start = None;
                }
                _ => {}
            }
        }
        runs
    }
}

/// Paints a legend symbol: painter, centre, background colour.
type LegendSymbol = fn(&egui::Painter, Pos2, Color32);

/// The legend: one symbol per kind of mark.
fn legend(ui: &mut Ui) {
    let bg = ui.visuals().extreme_bg_color;
    let items: [(&str, LegendSymbol); 7] = [
        ("leaf", |p, c, _| {
            p.circle_filled(c, 5.0, LEAF_COLOR);
        }),
        ("parent", |p, c, _| {
            p.circle_filled(c, 5.0, PARENT_COLOR);
        }),
        ("blank", |p, c, bg| {
            p.circle_filled(c, 5.0, bg);
            p.circle_stroke(c, 5.0, Stroke::new(1.0, BLANK_COLOR));
        }),
        ("own leaf / direct path", |p, c, _| {
            p.circle_filled(c, 4.0, OWN_COLOR);
        }),
        ("changed", |p, c, _| {
            p.circle_stroke(c, 5.0, Stroke::new(2.0, CHANGED_COLOR));
        }),
        ("unmerged", |p, c, _| {
            p.circle_filled(c, 2.5, UNMERGED_COLOR);
        }),
        ("selected", |p, c, _| {
            p.circle_stroke(c, 5.5, Stroke::new(2.0, Color32::from_rgb(90, 170, 255)));
        }),
    ];
    for (text, draw) in items {
        let (rect, _) = ui.allocate_exact_size(vec2(14.0, 14.0), Sense::hover());
        draw(ui.painter(), rect.center(), bg);
        ui.label(RichText::new(text).small());
    }
}

/// A node's index, kind, keys and hashes: short for a tooltip, complete
/// (selectable) for the detail box.
fn node_details(ui: &mut Ui, model: &TreeViewModel, node: u32, full: bool) {
    let Some(view) = model.node(node) else {
        return;
    };
    let leaf = math::node_to_leaf(node);
    let kind = match (leaf, view.filled) {
        (Some(_), true) => "leaf",
        (Some(_), false) => "blank leaf",
        (None, true) => "parent",
        (None, false) => "blank parent",
    };
    let mut title = match leaf {
        Some(l) => format!("Node {node} · leaf {l} · {kind}"),
        None => format!("Node {node} · level {} · {kind}", math::level(node)),
    };
    if model.own_leaf().and_then(math::leaf_to_node) == Some(node) {
        title.push_str(" · own leaf");
    } else if model.is_on_own_path(node) {
        title.push_str(" · on own direct path");
    }
    if model.is_changed(node) {
        title.push_str(" · changed");
    }
    ui.strong(title);
    let hex = |bytes: &[u8]| {
        if bytes.is_empty() {
            "—".to_owned()
        } else if full {
            hex::encode(bytes)
        } else {
            hex_prefix(bytes, TOOLTIP_HEX)
        }
    };
    let mut rows: Vec<(&str, String)> = Vec::new();
    if leaf.is_some() && view.filled {
        rows.push(("Identity", view.label.clone()));
    }
    if view.filled {
        rows.push(("Encryption key", hex(&view.encryption_key)));
        rows.push(("Parent hash", hex(&view.parent_hash)));
    }
    rows.push((
        "Tree hash",
        view.tree_hash
            .as_deref()
            .map_or_else(|| "not cached".to_owned(), hex),
    ));
    if leaf.is_none() && view.filled {
        rows.push(("Unmerged leaves", leaf_list(&view.unmerged_leaves, full)));
    }
    if let Some(l) = leaf
        && model.is_unmerged(node)
    {
        rows.push(("Unmerged at", {
            let parents = model.parents_listing(l);
            let list: Vec<String> = parents.iter().map(|p| format!("node {p}")).collect();
            list.join(", ")
        }));
    }
    egui::Grid::new(("tree_view_node", full))
        .num_columns(2)
        .striped(false)
        .show(ui, |ui| {
            for (name, value) in rows {
                ui.weak(name);
                if full {
                    ui.add(egui::Label::new(RichText::new(value).monospace()).wrap());
                } else {
                    ui.monospace(value);
                }
                ui.end_row();
            }
        });
}

fn leaf_list(leaves: &[u32], full: bool) -> String {
    if leaves.is_empty() {
        return "none".to_owned();
    }
    let shown = if full {
        leaves.len()
    } else {
        leaves.len().min(TOOLTIP_UNMERGED)
    };
    let mut out: Vec<String> = leaves.iter().take(shown).map(u32::to_string).collect();
    if shown < leaves.len() {
        out.push(format!("… ({} in all)", leaves.len()));
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn leaf(name: &str) -> NodeView {
        NodeView {
            filled: true,
            label: name.to_owned(),
            encryption_key: vec![1; 32],
            ..NodeView::default()
        }
    }

    #[test]
    fn model_pads_to_a_complete_tree_and_marks_flags() {
        let parent = NodeView {
            filled: true,
            unmerged_leaves: vec![1],
            ..NodeView::default()
        };
        let mut m = TreeViewModel::from_nodes(vec![
            leaf("a"),
            parent,
            leaf("b"),
            NodeView::blank(),
            leaf("c"),
        ]);
        assert_eq!(m.node_count(), 7);
        assert_eq!(m.member_count(), 3);
        assert!(m.is_unmerged(1) && m.is_unmerged(2) && !m.is_unmerged(0) && !m.is_unmerged(4));
        m.set_own_leaf(Some(1));
        assert!(m.is_on_own_path(2) && m.is_on_own_path(1) && m.is_on_own_path(3));
        assert!(!m.is_on_own_path(0) && !m.is_on_own_path(5));
        m.set_own_leaf(Some(9));
        assert_eq!(m.own_leaf(), None);
        assert!(!m.is_on_own_path(3));
        m.set_changed([5, 6, 100]);
        assert_eq!(m.changed_nodes().collect::<Vec<_>>(), vec![5, 6]);
        assert_eq!(m.parents_listing(1), vec![1]);
        assert!(m.parents_listing(2).is_empty());
    }

    #[test]
    fn diff_ignores_tree_hashes() {
        let a = TreeViewModel::from_nodes(vec![leaf("a"), NodeView::blank(), leaf("b")]);
        let mut nodes = vec![leaf("a"), NodeView::blank(), leaf("b")];
        nodes[0].tree_hash = Some(vec![9]);
        nodes[2].encryption_key = vec![2; 32];
        let b = TreeViewModel::from_nodes(nodes);
        assert_eq!(b.diff(&a), vec![2]);
    }

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

    #[test]
    fn labels_are_cut() {
        assert_eq!(short_text(b"alice"), "alice");
        assert_eq!(short_text(&[0xff, 0x00]), "0xff00");
        assert_eq!(truncate_chars("abcdef", 3), "abc…");
        assert_eq!(hex_prefix(&[0xab; 40], 8), "abababab… (40 bytes)");
    }
}
