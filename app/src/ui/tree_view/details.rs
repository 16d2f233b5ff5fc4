//! The colours of the marks, the legend, and a node's details (tooltip and
//! detail box).

use super::geometry::MIN_UNMERGED_RADIUS;
use super::model::{TreeViewModel, hex_prefix};
use egui::{Color32, Pos2, RichText, Sense, Stroke, Ui, vec2};
use mls_core::tree::math::{self};

pub(super) const LEAF_COLOR: Color32 = Color32::from_rgb(70, 130, 220);
pub(super) const PARENT_COLOR: Color32 = Color32::from_rgb(50, 165, 115);
pub(super) const BLANK_COLOR: Color32 = Color32::from_rgb(140, 140, 140);
pub(super) const OWN_COLOR: Color32 = Color32::from_rgb(255, 145, 20);
pub(super) const CHANGED_COLOR: Color32 = Color32::from_rgb(215, 60, 200);
pub(super) const UNMERGED_COLOR: Color32 = Color32::from_rgb(230, 50, 50);

/// Hex digits of a key or hash shown in a tooltip.
pub(super) const TOOLTIP_HEX: usize = 32;
/// Unmerged leaves listed in a tooltip.
pub(super) const TOOLTIP_UNMERGED: usize = 16;

/// Width and height of a legend symbol, in points.
const LEGEND_SYMBOL: f32 = 14.0;

/// Paints a legend symbol: painter, centre, background colour.
type LegendSymbol = fn(&egui::Painter, Pos2, Color32);

/// The legend: one symbol per kind of mark.
pub(super) fn legend(ui: &mut Ui) {
    let bg = ui.visuals().extreme_bg_color;
    let items: [(&str, LegendSymbol); 7] = [
        ("leaf (leaf index)", |p, c, _| {
            p.circle_filled(c, 5.0, LEAF_COLOR);
        }),
        ("parent (node index)", |p, c, _| {
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
            p.circle_filled(c, MIN_UNMERGED_RADIUS, UNMERGED_COLOR);
        }),
        ("selected", |p, c, _| {
            p.circle_stroke(c, 5.5, Stroke::new(2.0, Color32::from_rgb(90, 170, 255)));
        }),
    ];
    let gap = ui.spacing().item_spacing.x;
    for (text, draw) in items {
        let galley = egui::WidgetText::from(RichText::new(text).small()).into_galley(
            ui,
            Some(egui::TextWrapMode::Extend),
            f32::INFINITY,
            egui::TextStyle::Small,
        );
        let size = vec2(
            LEGEND_SYMBOL + gap + galley.size().x + 1.0,
            galley.size().y.max(LEGEND_SYMBOL),
        );
        // The item's whole width is asked for at once, so a wrapping row
        // moves symbol and word to the next line together.
        ui.allocate_ui_with_layout(
            size,
            egui::Layout::left_to_right(egui::Align::Center),
            |ui| {
                let (rect, response) =
                    ui.allocate_exact_size(vec2(LEGEND_SYMBOL, LEGEND_SYMBOL), Sense::hover());
                response.widget_info(|| {
                    egui::WidgetInfo::labeled(egui::Role::Image, true, format!("{text} symbol"))
                });
                draw(ui.painter(), rect.center(), bg);
                ui.add(egui::Label::new(RichText::new(text).small()).extend());
            },
        );
    }
}

/// A node's index, kind, keys and hashes: short for a tooltip, complete
/// (selectable) for the detail box.
pub(super) fn node_details(ui: &mut Ui, model: &TreeViewModel, node: u32, full: bool) {
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

pub(super) fn leaf_list(leaves: &[u32], full: bool) -> String {
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
