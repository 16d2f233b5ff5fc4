//! The application shell: a menu/tab bar on top, the selected panel below.

use crate::gui::Startup;
use crate::ui::{ConformancePanel, DecoderPanel};

/// Storage key of the selected tab.
const TAB_KEY: &str = "tab";

/// The panels reachable from the tab bar.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Decoder,
    Conformance,
}

impl Tab {
    /// Every tab, in bar order.
    pub const ALL: [Tab; 2] = [Tab::Decoder, Tab::Conformance];

    /// The tab's title in the bar.
    pub fn title(self) -> &'static str {
        match self {
            Tab::Decoder => "Decoder",
            Tab::Conformance => "Conformance",
        }
    }

    /// Stable name for persistence.
    fn key(self) -> &'static str {
        match self {
            Tab::Decoder => "decoder",
            Tab::Conformance => "conformance",
        }
    }

    fn from_key(key: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.key() == key)
    }
}

/// The whole application.
#[derive(Default)]
pub struct InspectorApp {
    tab: Tab,
    decoder: DecoderPanel,
    conformance: ConformancePanel,
}

impl InspectorApp {
    /// Restores what was persisted (the selected tab).
    pub fn new(cc: &eframe::CreationContext<'_>) -> Self {
        let tab = cc
            .storage
            .and_then(|s| s.get_string(TAB_KEY))
            .and_then(|k| Tab::from_key(&k))
            .unwrap_or_default();
        InspectorApp {
            tab,
            ..Default::default()
        }
    }

    /// Opens the file given on the command line in the Decoder (and selects
    /// the field given); problems go to stderr, the window opens anyway.
    pub fn apply_startup(&mut self, startup: &Startup) {
        let Some(path) = &startup.open else {
            return;
        };
        self.tab = Tab::Decoder;
        self.decoder.load_path(path);
        if let Some(status) = self.decoder.status().filter(|s| s.error) {
            eprintln!("mls-inspector: {}", status.text);
        }
        if let Some(select) = &startup.select
            && !self.decoder.select_path(select)
        {
            eprintln!("mls-inspector: no field {select:?} in {}", path.display());
        }
    }

    pub fn tab(&self) -> Tab {
        self.tab
    }

    pub fn set_tab(&mut self, tab: Tab) {
        self.tab = tab;
    }

    pub fn decoder(&mut self) -> &mut DecoderPanel {
        &mut self.decoder
    }

    pub fn conformance(&mut self) -> &mut ConformancePanel {
        &mut self.conformance
    }

    /// Draws the shell and the selected panel.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        egui::Panel::top("app_bar").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                ui.menu_button("File", |ui| {
                    if ui.button("Open message…").clicked() {
                        self.tab = Tab::Decoder;
                        self.decoder.open_dialog();
                    }
                    if ui.button("Open vector file…").clicked() {
                        self.tab = Tab::Conformance;
                        self.conformance.open_dialog();
                    }
                    if ui.button("Check official vectors").clicked() {
                        self.tab = Tab::Conformance;
                        self.conformance.check_official();
                    }
                    ui.separator();
                    if ui.button("Quit").clicked() {
                        ui.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                });
                ui.separator();
                for tab in Tab::ALL {
                    ui.selectable_value(&mut self.tab, tab, tab.title());
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    egui::widgets::global_theme_preference_buttons(ui);
                    ui.weak("MLS Inspector · RFC 9420");
                });
            });
        });
        egui::CentralPanel::default().show(ui, |ui| match self.tab {
            Tab::Decoder => self.decoder.ui(ui),
            Tab::Conformance => self.conformance.ui(ui),
        });
    }
}

impl eframe::App for InspectorApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        InspectorApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        storage.set_string(TAB_KEY, self.tab.key().to_owned());
    }
}
