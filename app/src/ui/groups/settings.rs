//! The Settings section of a group's page: this member's settings for the
//! group (the policy), each key with a tooltip explaining it, values
//! validated as they are typed, and Save through a background job
//! ([`Outcome::Settings`]). They apply from the next message on.

use egui::Ui;

use super::overview::section;
use super::state::{Action, GroupsPanel, Outcome};
use crate::ui::common::{Status, error_color, labelled_edit};
use crate::workspace::{GroupKey, GroupSettings, SETTING_KEYS};

/// The settings form of the selected group.
#[derive(Debug, Default)]
pub(crate) struct SettingsForm {
    /// The group whose settings were read (or are being read).
    key: Option<GroupKey>,
    /// As stored.
    stored: Option<GroupSettings>,
    /// The values being edited, in [`SETTING_KEYS`] order.
    values: Vec<String>,
}

impl SettingsForm {
    fn assignments(&self) -> Vec<String> {
        SETTING_KEYS
            .iter()
            .zip(&self.values)
            .map(|(k, v)| format!("{}={}", k.key, v.trim()))
            .collect()
    }

    /// The edited settings, or why not (`None` before they were read).
    fn edited(&self) -> Option<Result<GroupSettings, String>> {
        let stored = self.stored?;
        Some(
            stored
                .with_assignments(&self.assignments())
                .map_err(|e| e.to_string()),
        )
    }

    fn show(&mut self, key: GroupKey, settings: GroupSettings) {
        self.key = Some(key);
        self.stored = Some(settings);
        self.values = settings.pairs().into_iter().map(|(_, v)| v).collect();
    }
}

impl GroupsPanel {
    /// The stored settings of the group the form shows (tests).
    pub fn settings_shown(&self) -> Option<GroupSettings> {
        self.settings.stored
    }

    /// Reads the selected group's settings when the selection changed.
    fn read_settings(&mut self, key: GroupKey) {
        if self.settings.key == Some(key) {
            return;
        }
        self.settings = SettingsForm {
            key: Some(key),
            ..SettingsForm::default()
        };
        self.jobs.spawn_quiet(move |ws| Outcome::Settings {
            key,
            result: ws.group_settings(key).map_err(|e| e.to_string()),
            saved: false,
        });
    }

    /// After the group was read again (another writer, e.g. the CLI, may
    /// have changed the file): reads its settings again too, unless the
    /// form holds unsaved edits.
    pub(super) fn reread_settings(&mut self, key: GroupKey) {
        let form = &self.settings;
        let unedited = form.stored.is_some_and(|s| {
            s.pairs()
                .into_iter()
                .map(|(_, v)| v)
                .eq(form.values.iter().cloned())
        });
        if form.key == Some(key) && unedited {
            self.settings.key = None;
        }
    }

    /// Stores the edited settings (all or nothing).
    pub(super) fn save_settings(&mut self) {
        let Some(key) = self.settings.key else { return };
        let assignments = self.settings.assignments();
        self.jobs
            .spawn("Saving the settings…", move |ws| Outcome::Settings {
                key,
                result: ws
                    .set_group_settings(key, &assignments)
                    .map_err(|e| e.to_string()),
                saved: true,
            });
    }

    /// A settings job's result.
    pub(super) fn apply_settings(
        &mut self,
        key: GroupKey,
        result: Result<GroupSettings, String>,
        saved: bool,
    ) {
        match result {
            Ok(settings) => {
                if self.selected == Some(key) {
                    self.settings.show(key, settings);
                }
                if saved {
                    self.status = Some(Status::ok(format!(
                        "Saved the settings of group {key}; they apply from the next message on"
                    )));
                }
            }
            Err(e) => self.status = Some(Status::error(e)),
        }
    }

    pub(super) fn settings_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(key) = self.selected else { return };
        self.read_settings(key);
        let busy = self.jobs.busy();
        section(ui, "Settings", |ui| {
            if self.settings.stored.is_none() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label("Reading the settings…");
                });
                return;
            }
            ui.weak("This member's policy for the group; hover a key for what it does.");
            let stored = self.settings.stored;
            for (spec, value) in SETTING_KEYS.iter().zip(self.settings.values.iter_mut()) {
                labelled_edit(ui, &format!("{}:", spec.key), value, spec.values, 150.0)
                    .on_hover_text(format!("{}\n\nValues: {}", spec.help, spec.values));
                if let Some(Err(e)) = stored.map(|mut s| s.set(spec.key, value.trim())) {
                    ui.colored_label(error_color(ui), e.to_string());
                }
            }
            let edited = self.settings.edited();
            let valid = matches!(edited, Some(Ok(_)));
            let changed = matches!(edited, Some(Ok(s)) if Some(s) != stored);
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(
                        valid && changed && !busy,
                        egui::Button::new("Save settings"),
                    )
                    .on_hover_text("Store these settings in the workspace")
                    .clicked()
                {
                    actions.push(Action::SaveSettings);
                }
                if ui
                    .add_enabled(changed, egui::Button::new("Revert"))
                    .clicked()
                    && let Some(s) = stored
                {
                    self.settings.show(key, s);
                }
            });
        });
    }
}
