//! The node labels: which ones fit at the current zoom, where they go, and
//! the record of what the last frame drew.
//!
//! A node's index (the leaf index for leaves, the node index for parents)
//! goes inside the node when it fits its diameter, else above a parent or
//! below a leaf when it fits the spacing of the node's row; a leaf's
//! identity goes below it when it fits the leaf spacing, cut with an
//! ellipsis when only part of it does (never under three characters).

use std::sync::Arc;

use super::geometry::{Geometry, LABEL_FONT_SIZE, LABEL_PAD, label_fits, may_fit};
use super::model::{CHANGED, truncate_chars};
use super::widget::TreeView;
use egui::{Color32, FontId, Galley, Pos2, Rect, pos2};
use mls_core::tree::math::{self};

/// Fewest characters of an identity shown (with an ellipsis).
pub(super) const MIN_IDENTITY_CHARS: usize = 3;

/// What a label shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelKind {
    /// The leaf index of a leaf, the node index of a parent.
    Index,
    /// A leaf's credential identity (possibly cut, ending in "…").
    Identity,
}

/// A label drawn in the last frame.
#[derive(Debug, Clone, PartialEq)]
pub struct NodeLabel {
    pub node: u32,
    pub kind: LabelKind,
    pub text: String,
    /// Where it was drawn (screen coordinates).
    pub rect: Rect,
}

/// A label ready to paint.
pub(super) struct LaidOut {
    pub(super) label: NodeLabel,
    pub(super) galley: Arc<Galley>,
    pub(super) color: Color32,
}

impl TreeView {
    /// The labels of `node` (drawn at `pos` with radius `r`) that fit at
    /// this zoom, laid out.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn node_labels(
        &self,
        out: &mut Vec<LaidOut>,
        painter: &egui::Painter,
        visuals: &egui::Visuals,
        node: u32,
        pos: Pos2,
        r: f32,
        geo: &Geometry,
    ) {
        let room = geo.spacing(math::level(node));
        let leaf = math::node_to_leaf(node);
        let filled = self.model.is_filled(node);
        let font = FontId::proportional(LABEL_FONT_SIZE);
        // Below the node's outermost ring (selected: r + 7 with a 2.5
        // stroke; changed: r + 4.5 with 2), not across it.
        let gap = if self.selected == Some(node) {
            9.0
        } else if self.model.flags_of(node) & CHANGED != 0 {
            6.0
        } else {
            3.0
        };
        let mut below = pos.y + r + gap;

        let index = leaf.unwrap_or(node).to_string();
        if may_fit(index.len(), room) {
            let inside_color = if filled {
                Color32::WHITE
            } else {
                visuals.weak_text_color()
            };
            let galley = painter.layout_no_wrap(index.clone(), font.clone(), inside_color);
            let size = galley.size();
            let place = if label_fits(size.x, 2.0 * r) && size.y <= 2.0 * r + 2.0 {
                Some((pos - size / 2.0, inside_color))
            } else if label_fits(size.x, room) {
                let color = if filled {
                    visuals.text_color()
                } else {
                    visuals.weak_text_color()
                };
                if leaf.is_some() {
                    let at = pos2(pos.x - size.x / 2.0, below);
                    below += size.y;
                    Some((at, color))
                } else if geo.row_h - 2.0 * r >= size.y + 2.0 {
                    Some((pos2(pos.x - size.x / 2.0, pos.y - r - 1.0 - size.y), color))
                } else {
                    None
                }
            } else {
                None
            };
            if let Some((at, color)) = place {
                out.push(LaidOut {
                    label: NodeLabel {
                        node,
                        kind: LabelKind::Index,
                        text: index,
                        rect: Rect::from_min_size(at, size),
                    },
                    galley,
                    color,
                });
            }
        }

        let Some(view) = self.model.node(node) else {
            return;
        };
        if leaf.is_none() || !filled || view.label.is_empty() || !may_fit(MIN_IDENTITY_CHARS, room)
        {
            return;
        }
        let color = visuals.text_color();
        let chars = view.label.chars().count();
        let mut text = view.label.clone();
        let mut galley = painter.layout_no_wrap(text.clone(), font.clone(), color);
        if !label_fits(galley.size().x, room) {
            // Cut to the share of characters that fits, then shorter until
            // the measure agrees.
            let share = (room - LABEL_PAD) / galley.size().x.max(1.0);
            let mut keep = ((chars as f32 * share) as usize).min(chars.saturating_sub(1));
            loop {
                if keep < MIN_IDENTITY_CHARS {
                    return;
                }
                text = truncate_chars(&view.label, keep);
                galley = painter.layout_no_wrap(text.clone(), font.clone(), color);
                if label_fits(galley.size().x, room) {
                    break;
                }
                keep -= 1;
            }
        }
        let size = galley.size();
        out.push(LaidOut {
            label: NodeLabel {
                node,
                kind: LabelKind::Identity,
                text,
                rect: Rect::from_min_size(pos2(pos.x - size.x / 2.0, below), size),
            },
            galley,
            color,
        });
    }
}
