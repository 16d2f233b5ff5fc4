//! Starts the desktop window.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::ui::InspectorApp;

/// The window icon (rendered from `assets/icon.svg`).
const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// Application id: names the persistence directory and the X11/Wayland
/// window class (matches `dist/mls-inspector.desktop`).
pub const APP_ID: &str = "mls-inspector";

/// What to do once the window is up (`mls-inspector gui --open FILE --select PATH`).
#[derive(Debug, Clone, Default)]
pub struct Startup {
    /// A message file to decode in the Decoder tab.
    pub open: Option<PathBuf>,
    /// The field to select in it, by path.
    pub select: Option<String>,
}

/// Opens the main window and runs until it is closed.
pub fn run() -> ExitCode {
    run_with(Startup::default())
}

/// Opens the main window, applies `startup`, and runs until it is closed.
pub fn run_with(startup: Startup) -> ExitCode {
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("MLS Inspector")
        .with_app_id(APP_ID)
        .with_inner_size([1200.0, 800.0])
        .with_min_inner_size([640.0, 400.0])
        .with_drag_and_drop(true);
    match eframe::icon_data::from_png_bytes(ICON_PNG) {
        Ok(icon) => viewport = viewport.with_icon(icon),
        Err(e) => eprintln!("mls-inspector: window icon not loaded: {e}"),
    }
    let options = eframe::NativeOptions {
        viewport,
        renderer: eframe::Renderer::Glow,
        persist_window: true,
        ..Default::default()
    };
    let result = eframe::run_native(
        "MLS Inspector",
        options,
        Box::new(|cc| {
            let mut app = InspectorApp::new(cc);
            app.apply_startup(&startup);
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mls-inspector: cannot start the GUI: {e}");
            eprintln!("(the command-line interface works without a display: mls-inspector --help)");
            ExitCode::FAILURE
        }
    }
}
