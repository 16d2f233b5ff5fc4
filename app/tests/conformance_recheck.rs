#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The Conformance panel when a new check fails: the earlier result goes,
//! so the error is not read next to it; a check that passes keeps the
//! earlier results next to its own, and an earlier error goes.

use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_inspector::ui::ConformancePanel;

#[path = "support/temp.rs"]
mod temp;
use temp::TempDir;

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

fn settle(h: &mut Harness<'static, ConformancePanel>) {
    assert!(h.state_mut().wait_idle(Duration::from_secs(60)));
    h.run();
}

fn files(h: &Harness<'static, ConformancePanel>) -> Vec<String> {
    h.state().reports().iter().map(|r| r.file.clone()).collect()
}

#[test]
fn a_failed_check_clears_the_previous_result() {
    let dir = TempDir::new("recheck");
    let good = dir.file("good.json");
    std::fs::write(&good, DESERIALIZATION).unwrap();
    let other = dir.file("other.json");
    std::fs::write(&other, DESERIALIZATION).unwrap();
    let mut h = harness();

    h.state_mut().load_paths(vec![good.clone()]);
    settle(&mut h);
    assert_eq!(files(&h), ["good.json"]);
    assert!(h.state().reports()[0].ok());
    h.get_by_label("good.json");

    // A second check that passes: both results are shown.
    h.state_mut().load_paths(vec![other.clone()]);
    settle(&mut h);
    assert_eq!(files(&h), ["good.json", "other.json"]);

    // A file that cannot be read: the check fails, and says why in one
    // line; the earlier results are gone from the panel and the window.
    let missing = dir.file("missing.json");
    h.state_mut().load_paths(vec![missing.clone()]);
    settle(&mut h);
    assert!(h.state().reports().is_empty(), "{:?}", files(&h));
    assert!(h.state().selected_report().is_none());
    let expected = format!("{}: no such file", missing.display());
    assert_eq!(h.state().errors(), std::slice::from_ref(&expected));
    h.get_by_label(&expected);
    assert!(h.query_by_label("good.json").is_none());

    // The next check passes: its result shows, the old error is gone.
    h.state_mut().load_paths(vec![good.clone()]);
    settle(&mut h);
    assert_eq!(files(&h), ["good.json"]);
    assert!(h.state().errors().is_empty());
    assert!(h.query_by_label(&expected).is_none());

    // A check of several files that fails keeps its own results: one
    // readable vector file and a missing one.
    h.state_mut()
        .load_paths(vec![other.clone(), missing.clone()]);
    settle(&mut h);
    assert_eq!(files(&h), ["other.json"]);
    assert_eq!(h.state().errors(), [expected]);
}
