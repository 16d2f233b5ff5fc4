//! The input area: the text box, Open, examples, Recent, the format and
//! kind choices, and what was detected.

use crate::ui::file_choice::{FileChoice, file_menu};
use egui::{RichText, TextStyle, Ui};
use mls_core::inspect::{InputFormat, MessageKind, SignatureOutcome};

use super::rows::Decoded;
use super::state::{DecoderPanel, EXAMPLES_DIR, short};
use crate::ui::common::{error_color, ok_color, warn_color};
use crate::ui::common::{file_name, plural};

impl DecoderPanel {
    pub(super) fn input_area(&mut self, ui: &mut Ui) {
        // Wraps onto a second row when narrow (800 px): every control stays
        // whole and clickable; the primary actions come first.
        ui.horizontal_wrapped(|ui| {
            match file_menu(ui, "Open file…", "Choose with the file dialog…", "Open") {
                Some(FileChoice::Dialog) => self.open_dialog(),
                Some(FileChoice::Path(path)) => self.load_path(&path),
                None => {}
            }
            self.examples_menu(ui);
            self.recent_menu(ui);
            if ui
                .add_enabled(
                    self.source.is_some() || !self.text.trim().is_empty(),
                    egui::Button::new("Decode"),
                )
                .on_hover_text("Decode the text box (or the loaded file) again")
                .clicked()
            {
                if self.text.trim().is_empty() {
                    self.decode_source();
                } else {
                    self.decode_text();
                }
            }
            if ui
                .add_enabled(
                    self.source.is_some() || !self.text.is_empty(),
                    egui::Button::new("Clear"),
                )
                .clicked()
            {
                self.clear();
            }
            if self.is_busy() {
                ui.spinner();
            }
            ui.separator();
            // Each label with its box, on the next row if the rest of this
            // one is too short for them.
            keep_whole(ui, 150.0, |ui| self.format_choice(ui));
            keep_whole(ui, 150.0, |ui| self.kind_choice(ui));
            if self.has_workspace() {
                keep_whole(ui, 250.0, |ui| self.group_selector(ui));
            }
        });
        ui.add_space(2.0);

        let hint = match &self.source {
            Some(source) if !source.from_text => format!(
                "{} loaded ({}). Paste hex or base64 here to decode something else.",
                source.name,
                plural(source.raw.len(), "byte")
            ),
            _ => "Paste an MLS message as hex or base64 (spaces, 0x and line breaks are fine)"
                .to_owned(),
        };
        let edit = egui::ScrollArea::vertical()
            .id_salt("decoder_text_scroll")
            .max_height(72.0)
            .show(ui, |ui| {
                ui.add(
                    egui::TextEdit::multiline(&mut self.text)
                        .id_salt("decoder_text")
                        .hint_text(hint)
                        .font(TextStyle::Monospace)
                        .desired_rows(3)
                        .desired_width(f32::INFINITY),
                )
            })
            .inner;
        if edit.changed() {
            self.status = None;
            self.decode_text();
        }

        if let Some(error) = &self.input_error {
            ui.add(egui::Label::new(RichText::new(error).color(error_color(ui))).wrap());
        }
        if let Some(decoded) = &self.current {
            ui.add_space(4.0);
            info_grid(ui, decoded);
            self.reading_summary(ui);
        }
        self.wire_row(ui);
    }

    pub(super) fn examples_menu(&mut self, ui: &mut Ui) {
        ui.menu_button("Load example", |ui| {
            let examples = Self::examples();
            if examples.is_empty() {
                ui.weak("no examples");
                return;
            }
            for path in examples {
                if ui.button(file_name(&path)).clicked() {
                    self.load_path(&path);
                    ui.close();
                }
            }
        })
        .response
        .on_hover_text(format!("Message files in {EXAMPLES_DIR}"));
    }

    pub(super) fn recent_menu(&mut self, ui: &mut Ui) {
        let mut open = None;
        ui.add_enabled_ui(!self.recent.is_empty(), |ui| {
            ui.menu_button("Recent", |ui| {
                for (i, entry) in self.recent.iter().enumerate() {
                    let text = format!("{} — {}", entry.name, short(&entry.summary, 80));
                    if ui.button(text).clicked() {
                        open = Some(i);
                        ui.close();
                    }
                }
            })
            .response
            .on_hover_text("Messages decoded recently (files and pasted text up to 64 KiB are kept across restarts)")
            .on_disabled_hover_text("Nothing decoded yet");
        });
        if let Some(i) = open {
            self.open_recent(i);
        }
    }

    pub(super) fn format_choice(&mut self, ui: &mut Ui) {
        let mut format = self.format;
        ui.label("Format");
        egui::ComboBox::from_id_salt("decoder_format")
            .selected_text(format_title(format))
            .show_ui(ui, |ui| {
                for f in FORMATS {
                    ui.selectable_value(&mut format, f, format_title(f));
                }
            })
            .response
            .on_hover_text("How the input is read: Auto detects hex, then base64, else binary");
        self.set_format(format);
    }

    pub(super) fn kind_choice(&mut self, ui: &mut Ui) {
        let mut kind = self.kind;
        ui.label("As");
        egui::ComboBox::from_id_salt("decoder_kind")
            .selected_text(kind_title(kind))
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut kind, None, kind_title(None));
                for k in MessageKind::ALL {
                    ui.selectable_value(&mut kind, Some(k), k.name());
                }
            })
            .response
            .on_hover_text("What the bytes are: Auto tries an MLSMessage, then each structure");
        self.set_kind(kind);
    }
}

pub(super) const FORMATS: [Option<InputFormat>; 4] = [
    None,
    Some(InputFormat::Hex),
    Some(InputFormat::Base64),
    Some(InputFormat::Binary),
];

pub(super) fn format_title(format: Option<InputFormat>) -> &'static str {
    match format {
        None => "Auto",
        Some(InputFormat::Hex) => "Hex",
        Some(InputFormat::Base64) => "Base64",
        Some(InputFormat::Binary) => "Binary",
    }
}

pub(super) fn kind_title(kind: Option<MessageKind>) -> &'static str {
    kind.map_or("Auto", MessageKind::name)
}

/// Input format, detection, summary, signatures and the decoding error.
pub(super) fn info_grid(ui: &mut Ui, decoded: &Decoded) {
    let d = &decoded.dissection;
    let (ok, bad) = (ok_color(ui), error_color(ui));
    egui::Grid::new("decoder_info")
        .num_columns(2)
        .spacing([12.0, 3.0])
        .show(ui, |ui| {
            ui.weak("Input");
            ui.add(
                egui::Label::new(format!(
                    "{} · {} · {} — {}",
                    decoded.name,
                    decoded.input.format.name(),
                    plural(decoded.input.bytes.len(), "byte"),
                    decoded.input.reason
                ))
                .truncate(),
            );
            ui.end_row();

            ui.weak("Detected");
            ui.add(
                egui::Label::new(format!("{} — {}", d.kind.name(), d.detection))
                    .truncate()
                    .show_tooltip_when_elided(false),
            )
            .on_hover_text(&d.detection);
            ui.end_row();

            ui.weak("Summary");
            let summary = RichText::new(&d.summary).strong();
            ui.add(egui::Label::new(if d.ok() { summary } else { summary.color(bad) }).wrap());
            ui.end_row();

            ui.weak("Signatures");
            ui.horizontal_wrapped(|ui| {
                if d.signatures.is_empty() {
                    ui.weak("none checkable from the message alone");
                }
                for check in &d.signatures {
                    let text = RichText::new(format!("{} {}", check.mark(), check.what));
                    let (text, hover) = match &check.outcome {
                        SignatureOutcome::Verified => (text.color(ok), "verifies".to_owned()),
                        SignatureOutcome::Failed(why) => {
                            (text.color(bad), format!("does not verify: {why}"))
                        }
                        SignatureOutcome::NotCheckable(why) => {
                            (text.color(warn_color(ui)), format!("not checked: {why}"))
                        }
                    };
                    ui.label(text).on_hover_text(hover);
                }
            });
            ui.end_row();

            if let Some(t) = &d.truncated {
                ui.weak("Fields");
                ui.add(egui::Label::new(RichText::new(t.to_string()).strong()).wrap());
                ui.end_row();
            }

            if let Some(e) = &d.error {
                ui.label(RichText::new("Error").color(bad));
                let path = if e.path.is_empty() {
                    "top level"
                } else {
                    e.path.as_str()
                };
                ui.add(
                    egui::Label::new(
                        RichText::new(format!("{path} at byte {}: {}", e.offset, e.message))
                            .color(bad),
                    )
                    .wrap(),
                );
                ui.end_row();
            }
        });
}

/// Draws `add` as one row of at least `width` points, starting a new row of
/// the wrapped layout first when this one has less room left.
fn keep_whole(ui: &mut Ui, width: f32, add: impl FnOnce(&mut Ui)) {
    if ui.available_size_before_wrap().x < width {
        ui.end_row();
    }
    ui.horizontal(add);
}
