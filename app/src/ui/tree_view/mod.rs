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
//! Labels appear as soon as they fit at the current zoom (measured against
//! the spacing of the node's row, see [`label_fits`]): the leaf index of a
//! leaf and the node index of a parent, inside the node or beside it, and
//! a leaf's identity below it. A "Find member" box centres a member given
//! by leaf index or identity. "Fit" keeps the tree fitted when the canvas
//! is resized, until the user zooms or pans.
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

mod details;
mod find;
mod geometry;
mod labels;
mod model;
mod paint;
mod widget;

pub use find::FindOutcome;
pub use geometry::{
    FrameStats, LABEL_PAD, MAX_ZOOM, MIN_NODE_SPACING, MIN_UNMERGED_RADIUS, UnmergedMark,
    ZOOM_STEP, label_fits,
};
pub use labels::{LabelKind, NodeLabel};
pub use model::{NodeView, TreeViewModel};
pub use widget::TreeView;
