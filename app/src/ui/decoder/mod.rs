//! The Decoder panel: paste hex or base64, or drop any file, and the bytes
//! are dissected by [`mls_core::inspect`] into a field tree (left) next to a
//! hex dump (right); selecting a field highlights its bytes, clicking a byte
//! selects the innermost field holding it.
//!
//! Decoding runs on the UI thread when the input changes (dissecting is a
//! single pass over the bytes); drawing only touches the visible tree rows
//! and hex rows, so a 1 MiB input stays responsive. The file dialogs run as
//! background `Jobs` and hand their outcomes back.
//!
//! Tests drive the panel without a window through [`DecoderPanel::load_bytes`],
//! [`DecoderPanel::load_text`], [`DecoderPanel::select_path`] and
//! [`DecoderPanel::click_byte`], and read it back with
//! [`DecoderPanel::dissection`], [`DecoderPanel::selected`] and
//! [`DecoderPanel::highlighted`].

mod actions;
mod field_tree;
mod group;
mod hex_view;
mod input;
mod recent;
mod rows;
mod state;
mod wire;

use egui::Ui;

use self::hex_view::HexLayout;
use crate::ui::common::file_name;
use crate::ui::common::{drop_overlay_sized, empty_hint};
use crate::ui::jobs::JobPanel;

pub use group::GroupChoice;
pub use recent::MAX_STORED_TEXT;
pub use rows::Decoded;
pub use state::{
    BYTES_PER_ROW, DECODE_LIMIT_ENV, DecoderPanel, EXAMPLES_DIR, LARGE_TEXT, MAX_RECENT,
    RecentEntry, Status, limits_from_env,
};
pub use wire::WireAction;

impl DecoderPanel {
    /// Draws the panel into `ui` (its whole available area).
    pub fn ui(&mut self, ui: &mut Ui) {
        self.poll_jobs(Some(ui.ctx()));
        self.take_dropped(ui);
        let panel_rect = ui.max_rect();

        egui::Panel::top("decoder_input")
            .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                bottom: 6,
                ..Default::default()
            }))
            .show(ui, |ui| self.input_area(ui));

        if let Some(decoded) = &self.current {
            let width = ui.available_width();
            // The hex dump gets what it needs (with its scroll bar and margin)
            // when there is room; the tree gets the rest.
            let hex = HexLayout::new(ui, decoded.input.bytes.len()).width() + 40.0;
            let tree = (width - hex).clamp((width * 0.35).min(320.0), width * 0.65);
            // The split follows the window's width (in 64-point steps) until
            // the user drags it: a wide window gives the tree the room.
            let width_step = (width / 64.0).round() as i32;
            egui::Panel::left(egui::Id::unique(("decoder_tree", width_step)))
                .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                    right: 8,
                    top: 4,
                    ..Default::default()
                }))
                .resizable(true)
                .default_size(tree)
                .size_range(240.0..=(width - 200.0).max(240.0))
                .show(ui, |ui| {
                    self.decrypted_trees(ui);
                    self.tree(ui);
                });
            egui::CentralPanel::default()
                .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                    left: 8,
                    top: 4,
                    ..Default::default()
                }))
                .show(ui, |ui| self.hex_view(ui));
        } else if self.input_error.is_none() {
            empty_state(ui);
        }

        drop_overlay_sized(ui, panel_rect, "Drop to decode", 28.0);
    }

    fn take_dropped(&mut self, ui: &Ui) {
        let dropped = ui.ctx().input(|i| i.raw.dropped_files.clone());
        for file in dropped {
            let name = file_name(file.path());
            match file.bytes() {
                Ok(bytes) => {
                    self.load_bytes(name, &bytes);
                    if file.path().is_file() {
                        self.note_recent_path(file.path());
                    }
                }
                Err(e) => {
                    self.set_status(format!("{name}: cannot read the dropped file: {e}"), true)
                }
            }
        }
    }
}

fn empty_state(ui: &mut Ui) {
    let lines = [
        "Paste an MLS message above as hex or base64, drop any file on this window,",
        "or use “Open file…” or “Load example”.",
    ];
    empty_hint(ui, 0.25, "Nothing decoded yet", &lines, |ui| {
        ui.add_space(4.0);
        ui.weak(
            "MLSMessages of every wire format are detected, and bare KeyPackages, Welcomes, \
             GroupInfos, ratchet trees, PublicMessages, PrivateMessages and LeafNodes.",
        );
    });
}
