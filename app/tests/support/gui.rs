#![allow(dead_code)]
//! What the panel tests share: a temp directory, in-memory dropped files,
//! and a kittest harness over the whole app with click/type/drop helpers
//! that wait for the app's background operations.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_inspector::ui::InspectorApp;

#[path = "temp.rs"]
mod temp;
pub use temp::TempDir;

/// A file dropped onto the window, with its content in memory.
#[derive(Debug)]
pub struct TestFile {
    path: PathBuf,
    bytes: Vec<u8>,
}

impl egui::DroppedFile for TestFile {
    fn path(&self) -> &Path {
        &self.path
    }

    fn bytes(&self) -> Result<Vec<u8>, String> {
        Ok(self.bytes.clone())
    }
}

pub fn harness(app: InspectorApp) -> Harness<'static, InspectorApp> {
    Harness::builder()
        .with_size([1200.0, 800.0])
        .build_ui_state(|ui, app: &mut InspectorApp| app.ui(ui), app)
}

/// One frame (which handles the last click or drop and may start an
/// operation), then waits for background operations and settles.
pub fn settle(h: &mut Harness<'static, InspectorApp>) {
    h.step();
    assert!(
        h.state_mut().wait_idle(Duration::from_secs(30)),
        "background operations did not finish"
    );
    h.run();
}

pub fn click(h: &mut Harness<'static, InspectorApp>, label: &str) {
    h.get_by_label(label).click();
    settle(h);
}

pub fn type_into(h: &mut Harness<'static, InspectorApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

pub fn drop_file(h: &mut Harness<'static, InspectorApp>, name: &str, bytes: &[u8]) {
    h.input_mut().dropped_files.push(Arc::new(TestFile {
        path: PathBuf::from("/nonexistent/dropped").join(name),
        bytes: bytes.to_vec(),
    }));
    settle(h);
}
