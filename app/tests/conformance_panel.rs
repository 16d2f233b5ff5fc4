#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The Conformance panel, driven headless with egui_kittest: files dropped
//! onto it are checked by the runner and shown in its tables.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_inspector::ui::{ConformancePanel, InspectorApp, Tab};

#[path = "support/gui.rs"]
mod gui;
use gui::TestFile;

/// A deserialization-kind vector file with two cases (both valid).
const DESERIALIZATION: &str =
    r#"[{"vlbytes_header":"00","length":0},{"vlbytes_header":"4040","length":64}]"#;

fn harness() -> Harness<'static, ConformancePanel> {
    Harness::builder()
        .with_size([1024.0, 768.0])
        .build_ui_state(
            |ui, panel: &mut ConformancePanel| panel.ui(ui),
            ConformancePanel::default(),
        )
}

/// Drops `name` with `bytes` onto the panel and waits for the check.
fn drop_file(harness: &mut Harness<'static, ConformancePanel>, name: &str, bytes: &[u8]) {
    harness
        .input_mut()
        .dropped_files
        .push(TestFile::dropped(name, bytes));
    // One frame takes the drop and starts the background check.
    harness.step();
    assert!(harness.state().is_busy(), "the drop started no check");
    assert!(
        harness.state_mut().wait_idle(Duration::from_secs(60)),
        "check did not finish"
    );
    harness.run();
}

/// The x-range of a column, from its header label.
fn column_range(harness: &Harness<'_, ConformancePanel>, title: &str) -> egui::Rangef {
    let header = harness.get_by_label(title).rect();
    // Numbers and their headers are right-aligned in the same column.
    egui::Rangef::new(header.left(), header.right() + 1.0)
}

#[test]
fn empty_panel_shows_buttons_and_hint() {
    let mut harness = harness();
    harness.run();
    harness.get_by_label("Open vector file…");
    harness.get_by_label("Check official vectors");
    harness.get_by_label("Clear");
    harness.get_by_label("Drop .json vector files here");
    harness.get_by_label("No results yet");
    assert!(harness.state().reports().is_empty());
}

#[test]
fn dropped_non_json_file_shows_an_error_row() {
    let mut harness = harness();
    drop_file(&mut harness, "notes.txt", b"this is not JSON {");

    let panel = harness.state();
    assert_eq!(panel.reports().len(), 1);
    let report = &panel.reports()[0];
    assert_eq!(report.file, "notes.txt");
    assert!(!report.ok());
    let error = report.error.as_deref().expect("a file-level error");
    assert!(!error.is_empty());
    assert_eq!(
        panel.selected_report().map(|r| r.file.as_str()),
        Some("notes.txt")
    );

    // The summary row names the file and says it is an error; the details
    // repeat the error in full.
    harness.get_by_label("notes.txt");
    harness.get_by_label("✖ error");
    harness.get_by_label(&format!("Error: {error}"));

    // Clear empties the panel again.
    harness.get_by_label("Clear").click();
    harness.run();
    assert!(harness.state().reports().is_empty());
    harness.get_by_label("No results yet");
}

#[test]
fn loaded_bytes_are_checked_without_a_drop() {
    let mut harness = harness();
    harness.state_mut().load_bytes("a.json", b"[]".to_vec());
    harness
        .state_mut()
        .load_bytes("b.json", b"not json".to_vec());
    assert!(harness.state_mut().wait_idle(Duration::from_secs(60)));
    harness.run();
    let names: Vec<&str> = harness
        .state()
        .reports()
        .iter()
        .map(|r| r.file.as_str())
        .collect();
    assert_eq!(names, ["a.json", "b.json"]);
    harness.get_by_label("a.json");
    harness.get_by_label("b.json");

    // Selecting the second file shows its cases.
    harness.get_by_label("b.json").click();
    harness.run();
    assert_eq!(
        harness.state().selected_report().map(|r| r.file.as_str()),
        Some("b.json")
    );
}

/// Needs the real runner: until `conformance::check_bytes` is implemented
/// this file is reported as invalid and the test fails.
#[test]
fn dropped_deserialization_vectors_pass() {
    let mut harness = harness();
    drop_file(&mut harness, "deser.json", DESERIALIZATION.as_bytes());

    let panel = harness.state();
    assert_eq!(panel.reports().len(), 1);
    let report = &panel.reports()[0];
    assert_eq!(report.file, "deser.json");
    assert_eq!(report.kind, "deserialization", "report: {report:?}");
    assert_eq!((report.cases, report.passed, report.failed), (2, 2, 0));
    assert!(report.ok());
    assert_eq!(report.results.len(), 2);

    // The summary row shows the file, its kind and "2" in the Passed column.
    harness.get_by_label("deser.json");
    harness.get_by_label("deserialization");
    harness.get_by_label("✔ ok");
    let passed = column_range(&harness, "Passed");
    let twos: Vec<_> = harness
        .get_all_by_label("2")
        .map(|n| n.rect())
        .filter(|r| passed.contains(r.center().x))
        .collect();
    assert_eq!(twos.len(), 1, "one \"2\" in the Passed column");
    // And the per-case table (below the details heading) lists both cases as passed.
    let details = harness.get_by_label("deser.json — deserialization").rect();
    let passed_cases = harness
        .get_all_by_label("✔")
        .filter(|n| n.rect().top() > details.bottom())
        .count();
    assert_eq!(passed_cases, 2);
}

#[test]
fn clear_drops_results_of_running_checks() {
    let mut panel = ConformancePanel::default();
    panel.load_bytes("late.json", b"[]".to_vec());
    assert!(panel.is_busy());
    panel.clear();
    assert!(!panel.is_busy());
    // Whatever the check thread still sends belongs to the old generation.
    std::thread::sleep(Duration::from_millis(300));
    panel.poll();
    assert!(panel.reports().is_empty());
    assert!(!panel.is_busy());

    // The panel keeps working after a clear.
    panel.load_bytes("next.json", b"[]".to_vec());
    assert!(panel.wait_idle(Duration::from_secs(60)));
    assert_eq!(panel.reports().len(), 1);
    assert_eq!(panel.reports()[0].file, "next.json");
}

#[test]
fn app_shell_shows_the_conformance_tab() {
    let mut harness = Harness::builder()
        .with_size([1200.0, 800.0])
        .build_ui_state(
            |ui, app: &mut InspectorApp| app.ui(ui),
            InspectorApp::default(),
        );
    harness.run();
    // The Decoder is the default tab; the Conformance tab is one click away.
    assert_eq!(harness.state().tab(), Tab::Decoder);
    harness.get_by_label("File");
    harness.get_by_label("Conformance").click();
    harness.run();
    assert_eq!(harness.state().tab(), Tab::Conformance);
    harness.get_by_label("Check official vectors");

    // A file dropped on the window reaches the panel.
    harness
        .input_mut()
        .dropped_files
        .push(TestFile::at("/nonexistent/shell.json", b"[]"));
    harness.step();
    assert!(
        harness
            .state_mut()
            .conformance()
            .wait_idle(Duration::from_secs(60))
    );
    harness.run();
    assert_eq!(harness.state_mut().conformance().reports().len(), 1);
    harness.get_by_label("shell.json");
}
