//! Competing commits on the Staged commit view: every candidate commit of
//! the epoch (this member's and received ones) with the orchestrator's
//! choice and why, read with the group (the panel's `Loaded` outcome).
//! Apply applies the chosen one (the staged commit).

use egui::{RichText, Ui};

use crate::ui::common::{error_color, short_hex};
use crate::workspace::{CandidateStatus, Candidates, Origin};

/// The label of a candidate's status cell (tests find the chosen one by
/// it).
pub(super) fn status_label(arrival: u32, status: CandidateStatus) -> String {
    match status {
        CandidateStatus::Chosen => format!("✔ #{arrival} chosen"),
        CandidateStatus::Applied => format!("✔ #{arrival} applied"),
        other => format!("#{arrival} {}", other.as_str()),
    }
}

/// The table of candidates with the headline above it.
pub(super) fn competing_ui(ui: &mut Ui, c: &Candidates) {
    ui.add_space(6.0);
    ui.strong(format!(
        "Competing commits for epoch {} ({} candidates, conflict={})",
        c.epoch,
        c.candidates.len(),
        c.strategy.as_str()
    ))
    .on_hover_text(
        "Several commits were made in this epoch. Every member settles them the same way \
         by the group's `conflict` setting: first-seen (earliest arrival), lowest-leaf \
         (lowest committer leaf index) or lowest-hash (lowest hash of the commit message). \
         The chosen one is the staged commit; Apply applies it.",
    );
    egui::Grid::new("competing_grid")
        .num_columns(4)
        .striped(true)
        .spacing([12.0, 4.0])
        .show(ui, |ui| {
            for head in ["Commit", "From", "Hash", "Why"] {
                ui.label(RichText::new(head).weak());
            }
            ui.end_row();
            for x in &c.candidates {
                let label = status_label(x.arrival, x.status);
                match x.status {
                    CandidateStatus::Chosen | CandidateStatus::Applied => {
                        ui.label(RichText::new(label).strong());
                    }
                    CandidateStatus::Invalid => {
                        ui.colored_label(error_color(ui), label);
                    }
                    _ => {
                        ui.label(label);
                    }
                }
                let mut from = x.sender_text();
                if x.origin == Origin::Local {
                    from.push_str(" (yours)");
                }
                ui.label(from);
                ui.label(short_hex(&x.hash_hex, 12))
                    .on_hover_text(x.hash_hex.as_str());
                ui.add(egui::Label::new(x.reason.as_str()).wrap());
                ui.end_row();
            }
        });
}
