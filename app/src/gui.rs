//! Starts the desktop window.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::ui::InspectorApp;
pub use crate::ui::Startup;

/// The window icon (rendered from `assets/icon.svg`).
const ICON_PNG: &[u8] = include_bytes!("../../assets/icon.png");

/// Application id: names the persistence directory and the X11/Wayland
/// window class (matches `dist/mls-inspector.desktop`).
pub const APP_ID: &str = "mls-inspector";

/// The environment variable naming the workspace file when `gui --db` is
/// not given (the CLI reads the same one).
pub const DB_ENV: &str = "MLS_INSPECTOR_DB";

/// The workspace file the group manager opens: `db` (`gui --db`), else
/// `$MLS_INSPECTOR_DB`, else `None` (the default workspace).
pub fn workspace_path(db: Option<PathBuf>) -> Option<PathBuf> {
    db.or_else(|| {
        std::env::var_os(DB_ENV)
            .filter(|p| !p.is_empty())
            .map(PathBuf::from)
    })
}

/// Opens the main window and runs until it is closed.
pub fn run() -> ExitCode {
    run_with(Startup::default())
}

/// Opens the main window, applies `startup`, and runs until it is closed.
pub fn run_with(startup: Startup) -> ExitCode {
    run_with_workspace(startup, None)
}

/// Like [`run_with`], with the group manager on the workspace file `db`
/// (`None`: `$MLS_INSPECTOR_DB`, else the default workspace).
pub fn run_with_workspace(startup: Startup, db: Option<PathBuf>) -> ExitCode {
    let db = workspace_path(db);
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
            let mut app = InspectorApp::new_with_db(cc, db.clone());
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
