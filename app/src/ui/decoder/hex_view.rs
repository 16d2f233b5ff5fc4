//! The hex dump (right): offsets, bytes in hex and ASCII, highlights of
//! the selected field, clicks that select the field holding a byte.

use std::ops::Range;

use super::rows::Decoded;
use super::rows::node_at;
use super::state::{Actions, BYTES_PER_ROW, DecoderPanel, MIN_OFFSET_DIGITS, Origin};
use egui::text::LayoutJob;
use egui::{Color32, FontId, RichText, Sense, TextFormat, TextStyle, Ui};

impl DecoderPanel {
    /// The selected field's line and buttons, then the hex dump.
    pub(super) fn hex_view(&mut self, ui: &mut Ui) {
        self.selection_bar(ui);
        ui.separator();
        let Some(decoded) = &self.current else {
            return;
        };
        let bytes = &decoded.input.bytes;
        let layout = HexLayout::new(ui, bytes.len());
        let colors = HexColors::new(ui);
        let highlights = Highlights {
            selected: self.highlighted(),
            hovered: self
                .hovered_byte
                .and_then(|b| node_at(&decoded.nodes, b))
                .filter(|i| Some(*i) != self.selected)
                .and_then(|i| decoded.nodes.get(i))
                .map(|n| n.start..n.end),
            error: decoded
                .dissection
                .error
                .as_ref()
                .map(|e| e.offset..decoded.dissection.len.max(e.offset)),
        };

        hex_header(ui, &layout, &colors);
        let rows = bytes.len().div_ceil(BYTES_PER_ROW);
        let pitch = layout.row_height + ui.spacing().item_spacing.y;
        let mut area = egui::ScrollArea::both()
            .id_salt("decoder_hex")
            .auto_shrink([false, false]);
        // Scroll once the dump's size has settled: the first frames of a
        // window are laid out at another size than the one it opens with.
        let height = ui.available_height();
        let settled = !self.hex_rows.is_empty() && (height - self.hex_height).abs() < 0.5;
        self.hex_height = height;
        if self.scroll_hex.is_some() && !settled && rows > 0 {
            ui.ctx().request_repaint();
        } else if let Some(offset) = self.scroll_hex.take() {
            let row = offset / BYTES_PER_ROW;
            let visible = &self.hex_rows;
            let fully_visible = visible.start < row && row + 1 < visible.end;
            if !fully_visible || offset == 0 {
                // From the top when the row is in the first screenful, else
                // with two rows of context above; never past the end (the
                // scroll area would spring back, animating for frames).
                let screenful = (height / pitch) as usize;
                let first = if row + 3 < screenful {
                    0
                } else {
                    row.saturating_sub(2)
                };
                let max = (rows as f32 * pitch - height).max(0.0);
                area = area.vertical_scroll_offset((first as f32 * pitch).min(max));
            }
        }
        let mut actions = Actions::default();
        let output = area.show_rows(ui, layout.row_height, rows, |ui, range| {
            for row in range.clone() {
                hex_row(
                    ui,
                    row,
                    bytes,
                    &layout,
                    &colors,
                    &highlights,
                    decoded,
                    &mut actions,
                );
            }
            range
        });
        self.hex_rows = output.inner;
        self.hovered_byte = actions.hovered_byte;
        if let Some((index, origin)) = actions.select.take() {
            self.select(index, origin);
        }
    }
}

/// Column positions of the hex dump, in points from the row's left edge.
pub(super) struct HexLayout {
    pub(super) font: FontId,
    pub(super) char_width: f32,
    pub(super) row_height: f32,
    /// Hex digits of the offset column: enough for the input's last byte.
    pub(super) offset_digits: usize,
}

impl HexLayout {
    pub(super) fn new(ui: &Ui, len: usize) -> Self {
        let font = TextStyle::Monospace.resolve(ui.style());
        let (char_width, line_height) = ui
            .ctx()
            .fonts_mut(|f| (f.glyph_width(&font, '0'), f.row_height(&font)));
        let needed = format!("{:x}", len.saturating_sub(1)).len();
        HexLayout {
            font,
            char_width,
            row_height: (line_height + 2.0).round(),
            offset_digits: (needed + needed % 2).max(MIN_OFFSET_DIGITS),
        }
    }

    /// Left edge of byte `i`'s two hex digits.
    pub(super) fn hex_x(&self, i: usize) -> f32 {
        let chars = self.offset_digits + 2 + i * 3 + usize::from(i >= BYTES_PER_ROW / 2);
        chars as f32 * self.char_width
    }

    /// The cell of byte `i` in the hex columns: the digits with half a space
    /// either side, so neighbouring highlighted cells form one band.
    pub(super) fn hex_cell(&self, i: usize) -> Range<f32> {
        let half = self.char_width / 2.0;
        let mut left = self.hex_x(i) - half;
        let mut right = self.hex_x(i) + 2.0 * self.char_width + half;
        if i == BYTES_PER_ROW / 2 {
            left -= half;
        }
        if i + 1 == BYTES_PER_ROW / 2 {
            right += half;
        }
        left..right
    }

    pub(super) fn ascii_x(&self, i: usize) -> f32 {
        let chars = self.offset_digits + 2 + BYTES_PER_ROW * 3 + 2 + i;
        chars as f32 * self.char_width
    }

    pub(super) fn width(&self) -> f32 {
        self.ascii_x(BYTES_PER_ROW) + self.char_width
    }
}

/// Colours of the hex dump's cells.
pub(super) struct HexColors {
    pub(super) text: Color32,
    pub(super) weak: Color32,
    pub(super) selected_bg: Color32,
    pub(super) selected_text: Color32,
    pub(super) hover_bg: Color32,
    pub(super) error_bg: Color32,
}

impl HexColors {
    pub(super) fn new(ui: &Ui) -> Self {
        let v = ui.visuals();
        HexColors {
            text: v.text_color(),
            weak: v.weak_text_color(),
            selected_bg: v.selection.bg_fill,
            selected_text: v.selection.stroke.color,
            hover_bg: v.widgets.hovered.weak_bg_fill,
            error_bg: v.error_fg_color.gamma_multiply(0.3),
        }
    }
}

/// Byte ranges painted in the hex dump.
pub(super) struct Highlights {
    pub(super) selected: Option<Range<usize>>,
    pub(super) hovered: Option<Range<usize>>,
    pub(super) error: Option<Range<usize>>,
}

pub(super) fn hex_header(ui: &mut Ui, layout: &HexLayout, colors: &HexColors) {
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(layout.width(), layout.row_height),
        Sense::hover(),
    );
    let painter = ui.painter();
    let at = |x: f32| egui::pos2(rect.left() + x, rect.top() + 1.0);
    painter.text(
        at(0.0),
        egui::Align2::LEFT_TOP,
        "Offset",
        layout.font.clone(),
        colors.weak,
    );
    for i in 0..BYTES_PER_ROW {
        painter.text(
            at(layout.hex_x(i)),
            egui::Align2::LEFT_TOP,
            format!("{i:02x}"),
            layout.font.clone(),
            colors.weak,
        );
    }
    painter.text(
        at(layout.ascii_x(0)),
        egui::Align2::LEFT_TOP,
        "ASCII",
        layout.font.clone(),
        colors.weak,
    );
}

/// One row of the hex dump: offset, 16 bytes in hex, the same as ASCII.
/// Every byte (hex and ASCII cell) is clickable.
#[expect(clippy::too_many_arguments)]
pub(super) fn hex_row(
    ui: &mut Ui,
    row: usize,
    bytes: &[u8],
    layout: &HexLayout,
    colors: &HexColors,
    highlights: &Highlights,
    decoded: &Decoded,
    actions: &mut Actions,
) {
    let (rect, _) = ui.allocate_exact_size(
        egui::vec2(layout.width(), layout.row_height),
        Sense::hover(),
    );
    if !ui.is_rect_visible(rect) {
        return;
    }
    let first = row * BYTES_PER_ROW;
    let row_bytes = bytes
        .get(first..bytes.len().min(first + BYTES_PER_ROW))
        .unwrap_or(&[]);
    let contains =
        |r: &Option<Range<usize>>, offset: usize| r.as_ref().is_some_and(|r| r.contains(&offset));

    let mut hex_job = LayoutJob::default();
    let mut ascii_job = LayoutJob::default();
    let format = |color| TextFormat::simple(layout.font.clone(), color);
    for (i, byte) in row_bytes.iter().enumerate() {
        let offset = first + i;
        let selected = contains(&highlights.selected, offset);
        let background = if selected {
            Some(colors.selected_bg)
        } else if contains(&highlights.hovered, offset) {
            Some(colors.hover_bg)
        } else if contains(&highlights.error, offset) {
            Some(colors.error_bg)
        } else {
            None
        };
        let cell = layout.hex_cell(i);
        let hex_rect = egui::Rect::from_x_y_ranges(
            (rect.left() + cell.start)..=(rect.left() + cell.end),
            rect.y_range(),
        );
        let ascii_rect = egui::Rect::from_min_size(
            egui::pos2(rect.left() + layout.ascii_x(i), rect.top()),
            egui::vec2(layout.char_width, layout.row_height),
        );
        if let Some(bg) = background {
            ui.painter().rect_filled(hex_rect, 0.0, bg);
            ui.painter().rect_filled(ascii_rect, 0.0, bg);
        }
        let color = if selected {
            colors.selected_text
        } else if *byte == 0 {
            colors.weak
        } else {
            colors.text
        };
        let gap = match i {
            0 => "",
            i if i == BYTES_PER_ROW / 2 => "  ",
            _ => " ",
        };
        hex_job.append(gap, 0.0, format(color));
        hex_job.append(&format!("{byte:02x}"), 0.0, format(color));
        let printable = if byte.is_ascii_graphic() || *byte == b' ' {
            char::from(*byte)
        } else {
            '.'
        };
        ascii_job.append(
            &printable.to_string(),
            0.0,
            format(if selected || printable != '.' {
                color
            } else {
                colors.weak
            }),
        );

        for (cell_rect, labelled) in [(hex_rect, true), (ascii_rect, false)] {
            let id = ui.scope_id().with(("byte", offset, labelled));
            let response = ui.interact(cell_rect, id, Sense::click());
            if labelled {
                response.widget_info(|| {
                    egui::WidgetInfo::selected(
                        egui::Role::Button,
                        true,
                        selected,
                        format!("byte {offset}"),
                    )
                });
            }
            if response.hovered() {
                actions.hovered_byte = Some(offset);
            }
            if response.clicked()
                && let Some(index) = node_at(&decoded.nodes, offset)
            {
                actions.select = Some((index, Origin::Hex));
            }
            response.on_hover_ui(|ui| byte_tooltip(ui, decoded, offset, *byte));
        }
    }

    let text_top = rect.top() + 1.0;
    let painter = ui.painter();
    painter.text(
        egui::pos2(rect.left(), text_top),
        egui::Align2::LEFT_TOP,
        format!("{first:0width$x}", width = layout.offset_digits),
        layout.font.clone(),
        colors.weak,
    );
    let hex = ui.ctx().fonts_mut(|f| f.layout_job(hex_job));
    painter.galley(
        egui::pos2(rect.left() + layout.hex_x(0), text_top),
        hex,
        colors.text,
    );
    let ascii = ui.ctx().fonts_mut(|f| f.layout_job(ascii_job));
    painter.galley(
        egui::pos2(rect.left() + layout.ascii_x(0), text_top),
        ascii,
        colors.text,
    );
}

pub(super) fn byte_tooltip(ui: &mut Ui, decoded: &Decoded, offset: usize, byte: u8) {
    ui.label(RichText::new(format!("byte {offset} (0x{offset:x}) = 0x{byte:02x}")).monospace());
    if let Some(field) = node_at(&decoded.nodes, offset).and_then(|i| decoded.field(i)) {
        ui.label(format!(
            "{} · {} · {}..{}",
            field.path, field.type_name, field.start, field.end
        ));
    }
    ui.weak("Click to select the field");
}
