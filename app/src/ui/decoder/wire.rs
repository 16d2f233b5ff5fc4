//! The interop wire helpers in the Decoder (as the CLI's `wire` commands):
//! a bare PublicMessage or PrivateMessage body is copied wrapped into an
//! MLSMessage (standard base64), and an MLSMessage holding one is copied
//! as its bare body (hex). Both byte-exact (`mls_core::inspect::wire`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use egui::Ui;
use mls_core::inspect::wire::{self, Framing};

use super::state::DecoderPanel;
use crate::ui::common::plural;

/// What the wire helper offers for the current input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WireAction {
    /// The input is a bare body: copy it wrapped into an MLSMessage.
    Wrap(Framing),
    /// The input is an MLSMessage holding a body: copy the body.
    Unwrap(Framing),
}

impl WireAction {
    /// The button's label.
    pub fn label(self) -> &'static str {
        match self {
            WireAction::Wrap(_) => "Copy as MLSMessage (base64)",
            WireAction::Unwrap(_) => "Copy body (hex)",
        }
    }

    fn hint(self) -> String {
        match self {
            WireAction::Wrap(f) => format!(
                "Wrap this bare {} into an MLSMessage (version mls10, its wire format) and copy it \
                 as standard base64, as `mls-inspector wire encode-…` does",
                f.kind().name()
            ),
            WireAction::Unwrap(f) => format!(
                "Copy the {} inside this MLSMessage as hex, without the 4-byte header, as \
                 `mls-inspector wire decode-…` does",
                f.kind().name()
            ),
        }
    }
}

impl DecoderPanel {
    /// The wire helper that applies to the current input, if any.
    pub fn wire_action(&self) -> Option<WireAction> {
        let decoded = self.current.as_ref()?;
        if !decoded.dissection.ok() {
            return None;
        }
        match Framing::of_kind(decoded.dissection.kind) {
            Some(framing) => Some(WireAction::Wrap(framing)),
            None => wire::framing_of(&decoded.input.bytes).map(WireAction::Unwrap),
        }
    }

    /// The text the wire helper copies: the wrapped MLSMessage as base64,
    /// or the unwrapped body as hex; or why it cannot.
    pub fn wire_text(&self) -> Option<Result<String, String>> {
        let action = self.wire_action()?;
        let bytes = &self.current.as_ref()?.input.bytes;
        Some(match action {
            WireAction::Wrap(f) => wire::wrap(bytes, f)
                .map(|m| STANDARD.encode(m))
                .map_err(|e| e.to_string()),
            WireAction::Unwrap(f) => wire::unwrap(bytes, f)
                .map(hex::encode)
                .map_err(|e| e.to_string()),
        })
    }

    /// The wire helper's row under the input's summary.
    pub(super) fn wire_row(&mut self, ui: &mut Ui) {
        let Some(action) = self.wire_action() else {
            return;
        };
        let clicked = ui
            .horizontal(|ui| {
                ui.weak("Interop");
                ui.button(action.label())
                    .on_hover_text(action.hint())
                    .clicked()
            })
            .inner;
        if !clicked {
            return;
        }
        match self.wire_text() {
            Some(Ok(text)) => {
                let what = match action {
                    WireAction::Wrap(_) => "MLSMessage (base64)",
                    WireAction::Unwrap(_) => "body (hex)",
                };
                let chars = text.chars().count();
                ui.ctx().copy_text(text);
                self.set_status(
                    format!("Copied the {what} ({})", plural(chars, "character")),
                    false,
                );
            }
            Some(Err(e)) => self.set_status(e, true),
            None => {}
        }
    }
}
