#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The Decoder's Recent list across restarts: saved with the app's eframe
//! storage (an in-memory double here), a new app shows the entries; a file
//! entry is read again from its path (and says "no such file" once the
//! file is gone), a pasted one brings its text back; long pasted text and
//! entries past `MAX_RECENT` are not kept.

use std::path::Path;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_inspector::ui::decoder::{EXAMPLES_DIR, MAX_RECENT, MAX_STORED_TEXT};
use mls_inspector::ui::{InspectorApp, Tab};

#[path = "support/gui.rs"]
mod gui;
use gui::{MemStorage, TempDir};

fn example(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(EXAMPLES_DIR).join(name)).unwrap()
}

/// What the Decoder's Recent list holds: (name, summary, path).
fn recent(app: &mut InspectorApp) -> Vec<(String, String, Option<std::path::PathBuf>)> {
    app.decoder()
        .recent()
        .iter()
        .map(|e| {
            (
                e.name.clone(),
                e.summary.clone(),
                e.path().map(Path::to_path_buf),
            )
        })
        .collect()
}

#[test]
fn recent_entries_survive_a_restart_and_reopen() {
    let dir = TempDir::new("recent");
    let db = dir.file("ws.sqlite");
    let file = dir.file("welcome.bin");
    std::fs::write(&file, example("welcome.bin")).unwrap();
    let pasted = hex::encode(example("key-package.bin"));

    // First session: a file, then pasted text.
    let mut first = InspectorApp::restore(None, Some(db.clone()));
    first.decoder().load_path(&file);
    let file_summary = first.decoder().dissection().unwrap().summary.clone();
    first.decoder().load_text(&pasted);
    let text_summary = first.decoder().dissection().unwrap().summary.clone();
    assert_ne!(file_summary, text_summary);
    let mut storage = MemStorage::default();
    eframe::App::save(&mut first, &mut storage);
    let before = recent(&mut first);
    assert_eq!(before.len(), 2);

    // Second session: the same entries, in the same order.
    let mut second = InspectorApp::restore(Some(&storage), Some(db.clone()));
    let after = recent(&mut second);
    assert_eq!(after, before);
    assert_eq!(
        after[1].2.as_deref(),
        Some(file.canonicalize().unwrap().as_path())
    );
    assert!(
        second.decoder().dissection().is_none(),
        "nothing reopened yet"
    );

    // The menu lists them; clicking the file's entry reads the file again.
    second.set_tab(Tab::Decoder);
    let mut h = Harness::builder()
        .with_size([1280.0, 800.0])
        .build_ui_state(|ui, app: &mut InspectorApp| app.ui(ui), second);
    h.run();
    h.get_by_label("Recent").click();
    h.run();
    h.get_by_label_contains("pasted text — ");
    h.get_by_label_contains("welcome.bin — ").click();
    h.run();
    assert_eq!(
        h.state_mut()
            .decoder()
            .dissection()
            .map(|d| d.summary.clone()),
        Some(file_summary.clone())
    );
    // Reopened, it is one entry (at the top), not two.
    let names: Vec<String> = recent(h.state_mut()).into_iter().map(|e| e.0).collect();
    assert_eq!(names, ["welcome.bin", "pasted text"]);

    // The pasted entry brings its text back into the box.
    h.state_mut().decoder().open_recent(1);
    assert_eq!(h.state_mut().decoder().text(), pasted);
    assert_eq!(
        h.state_mut()
            .decoder()
            .dissection()
            .map(|d| d.summary.clone()),
        Some(text_summary)
    );

    // The file is gone: reopening its entry says so.
    let stored_path = file.canonicalize().unwrap();
    std::fs::remove_file(&file).unwrap();
    let index = recent(h.state_mut())
        .iter()
        .position(|e| e.0 == "welcome.bin")
        .unwrap();
    h.state_mut().decoder().open_recent(index);
    let status = h.state_mut().decoder().status().cloned().unwrap();
    assert!(status.error);
    assert_eq!(
        status.text,
        format!("{}: no such file", stored_path.display())
    );
    // The entry stays listed.
    assert_eq!(recent(h.state_mut()).len(), 2);
}

#[test]
fn long_text_and_entries_past_the_limit_are_not_kept() {
    let dir = TempDir::new("recent-limits");
    let db = dir.file("ws.sqlite");
    let bytes = example("key-package.bin");

    // More than MAX_RECENT pasted entries (each a distinct text: the hex
    // in upper or lower case, with a different run of leading spaces).
    let mut app = InspectorApp::restore(None, Some(db.clone()));
    for i in 0..MAX_RECENT + 3 {
        let text = format!("{}{}", " ".repeat(i), hex::encode(&bytes));
        app.decoder().load_text(&text);
        app.decoder().clear();
    }
    // And one long pasted text (still decodable).
    let long = format!("{}{}", " ".repeat(MAX_STORED_TEXT), hex::encode(&bytes));
    app.decoder().load_text(&long);
    assert!(app.decoder().dissection().is_some());
    assert_eq!(app.decoder().recent()[0].raw().len(), long.len());
    let mut storage = MemStorage::default();
    eframe::App::save(&mut app, &mut storage);

    let mut restored = InspectorApp::restore(Some(&storage), Some(db));
    let kept = recent(&mut restored);
    assert_eq!(kept.len(), MAX_RECENT - 1, "the long text is left out");
    let texts: Vec<usize> = restored
        .decoder()
        .recent()
        .iter()
        .map(|e| e.raw().len())
        .collect();
    assert!(texts.iter().all(|&n| n <= MAX_STORED_TEXT), "{texts:?}");
    // The entries kept are the most recent ones, in order.
    let session: Vec<usize> = app.decoder().recent()[1..]
        .iter()
        .map(|e| e.raw().len())
        .collect();
    assert_eq!(texts, session);
}
