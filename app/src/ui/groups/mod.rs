//! The Groups panel: the group manager.
//!
//! Left: the workspace's groups (filter, select, create, join). Right, for
//! the selected group, five views:
//!
//! * **Overview**: ids, suite, epoch, extensions, hashes, the members
//!   table (a Remove tick per member) and the actions: Update, and one
//!   Commit (`commit_plan.rs`) whose button says what it holds: the queued
//!   key packages, the ticked members, the pending proposals, PSKs, a
//!   path; add members from key packages (dropped, opened or pasted), send and
//!   receive messages, export the GroupInfo; produced messages can be
//!   saved, copied or opened in the Decoder. The Proposals block
//!   (`propose.rs`): the "Propose…" menu and the epoch's pending
//!   proposals (the Commit button covers them). The External senders block
//!   (`external.rs`): the group's `external_senders`, add and remove.
//!   The "Re-initialise and branch"
//!   block (`resumption.rs`): the Re-initialise…, Branch… and (for a group
//!   a ReInit closed) Create successor… dialogs.
//! * **Ratchet tree**: the current tree, own leaf and its path highlighted.
//! * **Epoch timeline**: every history row; clicking one shows that
//!   epoch's tree with the nodes its commit changed.
//! * **Messages**: what was sent and received, with decrypted text.
//! * **Staged commit**: the preview of a pending commit (local or
//!   incoming) with **Apply** and **Discard**, and the next tree with the
//!   changed nodes highlighted.
//!
//! Every state change goes through [`Workspace`]. Operations that may take
//! long (commits, receiving, applying, loading a group with its history
//! and trees) run as background `Jobs` on a connection of their own; the
//! panel shows a spinner and keeps drawing. A file dropped on the panel is
//! routed by what it is: key packages are queued for adding, commits and
//! other framed messages are received, a Welcome is joined, a GroupInfo is
//! joined by external commit.

mod actions;
mod commit_plan;
mod competing;
mod export;
mod external;
mod list;
mod load;
mod messages;
mod overview;
mod propose;
mod resumption;
mod settings;
mod staged;
mod state;
mod timeline;

use egui::{Align, Layout, RichText, Ui};

use self::state::{Action, OpenFor, Outcome, committer_text};
use crate::ui::common::{drop_overlay, dropped_files, error_color, warn_color};
use crate::ui::jobs::JobPanel;
use crate::workspace::{GroupStatus, Origin};

pub use state::{GroupSnapshot, GroupView, GroupsPanel};

/// Width of the group list.
const LIST_WIDTH: f32 = 300.0;

impl GroupsPanel {
    /// Draws the panel into `ui` (its whole available area).
    pub fn ui(&mut self, ui: &mut Ui) {
        self.poll_jobs(Some(ui.ctx()));
        self.maybe_refresh();
        self.apply(Outcome::Opened {
            purpose: OpenFor::Messages,
            opened: dropped_files(ui),
        });
        let rect = ui.max_rect();
        let mut actions = Vec::new();

        egui::Panel::left("groups_list")
            .resizable(true)
            .default_size(LIST_WIDTH)
            .size_range(240.0..=440.0)
            .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                right: 8,
                ..Default::default()
            }))
            .show(ui, |ui| self.list_ui(ui, &mut actions));
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                left: 8,
                ..Default::default()
            }))
            .show(ui, |ui| self.group_ui(ui, &mut actions));
        self.delete_modal(ui, &mut actions);
        self.resumption_modal(ui, &mut actions);

        for action in actions {
            self.perform(action);
        }
        drop_overlay(
            ui,
            rect,
            "Drop key packages to add, messages to receive, a Welcome or GroupInfo to join",
        );
    }
}

impl GroupsPanel {
    fn group_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(key) = self.selected else {
            ui.add_space(8.0);
            ui.heading("No group selected");
            ui.label("Select a group on the left, create one, or join one.");
            ui.add_space(4.0);
            ui.weak("Drop files here: key packages are queued for adding to the selected group, commits and other messages are received, a Welcome is joined, a GroupInfo is joined by external commit.");
            return;
        };
        let row = self
            .snapshot
            .as_ref()
            .map(|s| s.row.clone())
            .or_else(|| self.groups.iter().find(|g| g.key == key).cloned());
        ui.horizontal(|ui| {
            match &row {
                Some(row) => {
                    ui.heading(format!("Group {}", row.name));
                    ui.weak(format!("{} · as {}", row.key, row.identity_name));
                    if row.status == GroupStatus::Removed {
                        ui.colored_label(error_color(ui), "removed");
                    }
                    resumption::closed_badge(ui, row);
                }
                None => {
                    ui.heading(format!("Group {key}"));
                }
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if ui
                    .add_enabled(!self.jobs.busy(), egui::Button::new("Delete group…"))
                    .clicked()
                {
                    actions.push(Action::AskDelete(key));
                }
            });
        });

        // The banner's text only: the preview (with the commit's and the
        // Welcome's bytes, megabytes for thousands of members) is not
        // copied every frame.
        let pending = self.snapshot.as_ref().and_then(|s| s.pending()).map(|p| {
            format!(
                "A{} commit by {} is staged: epoch {} ➡ {}.",
                match p.origin {
                    Origin::Local => " local",
                    Origin::Incoming => "n incoming",
                },
                committer_text(p),
                p.current_epoch,
                p.new_epoch
            )
        });
        // The view tabs come first: the staged-commit banner appearing
        // below them does not move them.
        ui.horizontal(|ui| {
            for view in GroupView::ALL {
                let mut text = RichText::new(view.title());
                if view == GroupView::Staged && pending.is_some() {
                    text = text.color(warn_color(ui)).strong();
                }
                ui.selectable_value(&mut self.view, view, text);
            }
        });
        ui.separator();
        if let Some(banner) = &pending
            && self.view != GroupView::Staged
        {
            egui::Frame::new()
                .fill(warn_color(ui).gamma_multiply(0.15))
                .inner_margin(6.0)
                .corner_radius(4.0)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.colored_label(warn_color(ui), banner.as_str());
                        if ui.button("Review").clicked() {
                            self.view = GroupView::Staged;
                        }
                    });
                });
        }

        if self.snapshot.is_none() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading the group…");
            });
            return;
        }
        match self.view {
            GroupView::Overview => self.overview_ui(ui, actions),
            GroupView::Tree => self.tree_ui(ui),
            GroupView::Timeline => self.timeline_ui(ui, actions),
            GroupView::Messages => self.messages_ui(ui, actions),
            GroupView::Staged => self.staged_ui(ui, actions),
        }
    }

    /// What a running operation is doing (shown in the status bar).
    pub fn busy_text(&self) -> Option<String> {
        self.jobs.status_text()
    }
}
