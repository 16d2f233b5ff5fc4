//! The "Find member" box: a leaf index or (part of) an identity picks a
//! member, whose leaf is selected, zoomed to where its labels fit, and
//! centred.

use super::geometry::{Action, LABEL_FONT_SIZE, leaf_label_zoom};
use super::model::TreeViewModel;
use super::widget::TreeView;
use egui::{FontId, Ui};
use mls_core::tree::math::{self};

/// Width of the "Find member" box's text, in points.
const FIND_WIDTH: f32 = 170.0;
/// Horizontal margin inside the box, in points.
const FIND_MARGIN: f32 = 4.0;

/// What the "Find member" box found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindOutcome {
    /// This leaf index.
    Found(u32),
    NoMatch,
}

impl TreeViewModel {
    /// The member (leaf index) that `query` names: a filled leaf's index,
    /// else the first leaf whose identity equals it, then (ignoring case)
    /// starts with it, then contains it. `None` for an empty query or
    /// when nothing matches.
    pub fn find_member(&self, query: &str) -> Option<u32> {
        let query = query.trim();
        if query.is_empty() {
            return None;
        }
        if let Ok(leaf) = query.parse::<u32>()
            && math::leaf_to_node(leaf).is_some_and(|n| self.is_filled(n))
        {
            return Some(leaf);
        }
        let lower = query.to_lowercase();
        // Rank: 0 exact, 1 exact ignoring case, 2 prefix, 3 substring.
        let mut best: Option<(u8, u32)> = None;
        for leaf in 0..self.leaf_count() {
            let Some(view) = math::leaf_to_node(leaf).and_then(|n| self.node(n)) else {
                continue;
            };
            if !view.filled || view.label.is_empty() {
                continue;
            }
            let rank = if view.label == query {
                0
            } else {
                let label = view.label.to_lowercase();
                if label == lower {
                    1
                } else if label.starts_with(&lower) {
                    2
                } else if label.contains(&lower) {
                    3
                } else {
                    continue;
                }
            };
            if best.is_none_or(|(r, _)| rank < r) {
                best = Some((rank, leaf));
                if rank == 0 {
                    break;
                }
            }
        }
        best.map(|(_, leaf)| leaf)
    }
}

impl TreeView {
    /// The "Find member" text box (with its result), as typed.
    pub fn find_text(&self) -> &str {
        &self.find_text
    }

    /// What the "Find member" box found for its text (`None` while empty).
    pub fn find_outcome(&self) -> Option<FindOutcome> {
        self.find
    }

    /// The label, text box and outcome of "Find member".
    pub(super) fn find_ui(&mut self, ui: &mut Ui) {
        // Label and box asked for as one item, so a wrapping toolbar keeps
        // them on one line.
        let text = egui::WidgetText::from("Find member").into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Body,
        );
        let size = egui::vec2(
            text.size().x + ui.spacing().item_spacing.x + FIND_WIDTH + 2.0 * FIND_MARGIN + 2.0,
            ui.spacing().interact_size.y,
        );
        let edit = ui
            .allocate_ui_with_layout(
                size,
                egui::Layout::left_to_right(egui::Align::Center),
                |ui| {
                    let label = ui.label("Find member");
                    ui.add(
                        egui::TextEdit::singleline(&mut self.find_text)
                            .hint_text("identity or leaf index")
                            .margin(egui::Margin::symmetric(FIND_MARGIN as i8, 2))
                            .desired_width(FIND_WIDTH),
                    )
                    .labelled_by(label.id)
                },
            )
            .inner;
        let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
        if edit.changed() || enter {
            self.find_member_now(ui);
        }
        match self.find {
            Some(FindOutcome::Found(leaf)) => {
                ui.weak(format!("leaf {leaf}"));
            }
            Some(FindOutcome::NoMatch) => {
                ui.colored_label(ui.visuals().warn_fg_color, "no member matches");
            }
            None => {}
        }
    }

    /// Looks up the box's text; a member found is selected, zoomed to where
    /// its labels fit (at least) and centred on the next frame.
    fn find_member_now(&mut self, ui: &Ui) {
        if self.find_text.trim().is_empty() {
            self.find = None;
            return;
        }
        let Some(leaf) = self.model.find_member(&self.find_text) else {
            self.find = Some(FindOutcome::NoMatch);
            return;
        };
        self.find = Some(FindOutcome::Found(leaf));
        let Some(node) = math::leaf_to_node(leaf) else {
            return;
        };
        self.selected = Some(node);
        let identity = self
            .model
            .node(node)
            .map(|v| v.label.clone())
            .unwrap_or_default();
        let font = FontId::proportional(LABEL_FONT_SIZE);
        let width = [identity, leaf.to_string()]
            .into_iter()
            .map(|text| {
                ui.painter()
                    .layout_no_wrap(text, font.clone(), ui.visuals().text_color())
                    .size()
                    .x
            })
            .fold(0.0_f32, f32::max);
        let zoom = self.zoom.max(leaf_label_zoom(width));
        self.pending.push(Action::SetZoom(zoom as f32));
        self.pending.push(Action::Focus(node));
    }
}
