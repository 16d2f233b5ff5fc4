//! The Staged commit view: the preview of a pending commit with Apply and
//! Discard, and the next tree.

use egui::{RichText, Ui};

use super::state::{Action, GroupsPanel, committer_text};
use crate::ui::common::{Output, error_color, output_buttons, plural, short_hex};
use crate::workspace::{MemberEntry, Origin, Preview};

/// Members listed per kind in a preview before "and N more".
const PREVIEW_MEMBERS: usize = 12;

impl GroupsPanel {
    pub(super) fn staged_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        // Borrowed, not copied every frame (a preview holds the commit's
        // and the Welcome's bytes).
        let Some(p) = self.snapshot.as_ref().and_then(|s| s.pending()) else {
            ui.add_space(8.0);
            ui.heading("No commit is staged");
            ui.label(
                "Commits you make (Update, Commit) and commits you receive \
                 are staged here for review: nothing changes until you click Apply.",
            );
            if let Some(c) = self.competing() {
                super::competing::competing_ui(ui, &c);
            }
            return;
        };
        let busy = self.jobs.busy();
        let max_summary = (ui.available_height() * 0.5).max(160.0);
        egui::ScrollArea::vertical()
            .id_salt("staged_summary_scroll")
            .max_height(max_summary)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                staged_summary(ui, p, busy, actions);
                if let Some(c) = self.competing() {
                    super::competing::competing_ui(ui, &c);
                }
            });
        ui.separator();
        ui.label(
            "The next epoch's tree: nodes this commit changes are ringed in magenta \
             (hover or click a node for its keys and hashes)",
        );
        self.preview_tree.ui(ui);
    }
}

impl GroupsPanel {
    /// The candidate commits to show: only when commits competed.
    pub(super) fn competing(&self) -> Option<crate::workspace::Candidates> {
        self.snapshot
            .as_ref()
            .and_then(|s| s.candidates.clone())
            .filter(|c| c.candidates.len() > 1)
    }
}

pub(super) fn staged_summary(ui: &mut Ui, p: &Preview, busy: bool, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.heading(match p.origin {
            Origin::Local => "Local commit (staged)",
            Origin::Incoming => "Incoming commit (staged)",
        });
        ui.add_space(12.0);
        if ui
            .add_enabled(!busy, egui::Button::new(RichText::new("Apply").strong()))
            .on_hover_text(format!("Move to epoch {}", p.new_epoch))
            .clicked()
        {
            actions.push(Action::Apply);
        }
        if ui
            .add_enabled(!busy, egui::Button::new("Discard"))
            .on_hover_text(format!("Drop it and stay in epoch {}", p.current_epoch))
            .clicked()
        {
            actions.push(Action::Discard);
        }
    });
    if p.self_removed {
        ui.colored_label(
            error_color(ui),
            RichText::new(
                "⚠ This commit removes you from the group. Applying it deletes this \
                 group's state; only its history is kept.",
            )
            .strong(),
        );
    }
    ui.add_space(4.0);
    let s = &p.summary;
    let value_width = ((ui.available_width() - 2.0 * 120.0 - 40.0) / 2.0).max(120.0);
    let extensions = match &s.extensions {
        None => String::from("unchanged"),
        Some(types) if types.is_empty() => String::from("all removed"),
        Some(types) => format!(
            "set to {}",
            types
                .iter()
                .map(|t| mls_core::inspect::names::extension_type(u64::from(*t))
                    .map_or_else(|| format!("extension {t}"), str::to_owned))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let psks = if s.psks.is_empty() {
        String::from("—")
    } else {
        s.psks.join(", ")
    };
    let mut cells: Vec<(&str, String, Option<&str>)> = vec![
        ("Committer", committer_text(p), None),
        (
            "Epoch",
            format!("{} ➡ {}", p.current_epoch, p.new_epoch),
            None,
        ),
        ("Added", members_text(&s.added), None),
        ("Removed", members_text(&s.removed), None),
        ("Updated", members_text(&s.updated), None),
        ("PSKs", psks, None),
        ("Extensions", extensions, None),
        (
            "Update path",
            String::from(if s.has_path { "yes" } else { "no" }),
            None,
        ),
        ("Members after", p.members_after.len().to_string(), None),
        ("Changed nodes", p.changed_nodes.len().to_string(), None),
        (
            "New tree hash",
            short_hex(&p.tree_hash_hex, 24),
            Some(p.tree_hash_hex.as_str()),
        ),
        (
            "New authenticator",
            short_hex(&p.epoch_authenticator_hex, 24),
            Some(p.epoch_authenticator_hex.as_str()),
        ),
    ];
    if let Some(reinit) = &s.reinit {
        cells.push(("ReInit", reinit.clone(), None));
    }
    egui::Grid::new("staged_grid")
        .num_columns(4)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            for pair in cells.chunks(2) {
                for (key, value, full) in pair {
                    ui.label(RichText::new(*key).weak());
                    let response = ui
                        .scope(|ui| {
                            ui.set_max_width(value_width);
                            ui.add(egui::Label::new(value.as_str()).wrap())
                        })
                        .inner;
                    if let Some(full) = full {
                        response.on_hover_text(*full);
                    }
                }
                ui.end_row();
            }
        });
    if p.origin == Origin::Local {
        ui.add_space(6.0);
        ui.strong("Send these to the group (they are also in the Messages view):");
        let epoch = p.current_epoch;
        let mut outputs = vec![Output::new(
            format!("Commit (epoch {epoch} ➡ {})", p.new_epoch),
            format!("commit-epoch{epoch}.mls"),
            p.message.clone(),
        )];
        if let Some(welcome) = &p.welcome {
            outputs.push(Output::new(
                format!("Welcome (epoch {})", p.new_epoch),
                format!("welcome-epoch{}.mls", p.new_epoch),
                welcome.clone(),
            ));
        }
        if let Some(info) = &p.group_info {
            outputs.push(Output::new(
                format!("GroupInfo (epoch {})", p.new_epoch),
                format!("group-info-epoch{}.mls", p.new_epoch),
                info.clone(),
            ));
        }
        for output in &outputs {
            ui.horizontal(|ui| {
                ui.label(format!(
                    "{} · {}",
                    output.label,
                    plural(output.bytes.len(), "byte")
                ));
                if let Some(action) = output_buttons(ui, output) {
                    actions.push(Action::Output(action, output.clone()));
                }
            });
        }
    }
}

pub(super) fn members_text(members: &[MemberEntry]) -> String {
    if members.is_empty() {
        return String::from("—");
    }
    let mut text = members
        .iter()
        .take(PREVIEW_MEMBERS)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if members.len() > PREVIEW_MEMBERS {
        text.push_str(&format!(" and {} more", members.len() - PREVIEW_MEMBERS));
    }
    text
}
