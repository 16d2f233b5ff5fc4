#![allow(dead_code, clippy::unwrap_used)]
//! What the panel tests share: a temp directory, in-memory dropped files,
//! and a kittest harness over the whole app with click/type/drop helpers
//! that wait for the app's background operations; and the Groups-tab
//! setup the group panel tests share (`open_groups`, `status_text`,
//! `alice_and_bob`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable as _;
use mls_core::crypto::CipherSuite;
use mls_inspector::ui::{InspectorApp, Tab};
use mls_inspector::workspace::{GroupKey, GroupOptions, Workspace};

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

impl TestFile {
    /// A file at `path` (which need not exist) with `bytes`.
    pub fn at(path: impl Into<PathBuf>, bytes: &[u8]) -> Arc<Self> {
        Arc::new(TestFile {
            path: path.into(),
            bytes: bytes.to_vec(),
        })
    }

    /// `name` under `/nonexistent/dropped`, with `bytes`.
    pub fn dropped(name: &str, bytes: &[u8]) -> Arc<Self> {
        Self::at(PathBuf::from("/nonexistent/dropped").join(name), bytes)
    }
}

/// The cipher suite of the panel tests' groups.
pub const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;

pub fn harness(app: InspectorApp) -> Harness<'static, InspectorApp> {
    harness_sized(app, [1200.0, 800.0])
}

/// A harness over the whole app with a window of `size`.
pub fn harness_sized(app: InspectorApp, size: [f32; 2]) -> Harness<'static, InspectorApp> {
    Harness::builder()
        .with_size(size)
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
    h.input_mut()
        .dropped_files
        .push(TestFile::dropped(name, bytes));
    settle(h);
}

/// The app on `db`, on the Groups tab with `key` selected and loaded.
pub fn open_groups(db: &Path, key: Option<GroupKey>) -> Harness<'static, InspectorApp> {
    open_groups_sized(db, key, [1200.0, 800.0])
}

/// `open_groups` with a window of `size`.
pub fn open_groups_sized(
    db: &Path,
    key: Option<GroupKey>,
    size: [f32; 2],
) -> Harness<'static, InspectorApp> {
    let mut app = InspectorApp::with_workspace(db);
    app.set_tab(Tab::Groups);
    app.groups().select(key);
    let mut h = harness_sized(app, size);
    settle(&mut h);
    h
}

/// The Groups panel's status line (empty if none).
pub fn status_text(h: &mut Harness<'static, InspectorApp>) -> String {
    h.state_mut()
        .groups()
        .status()
        .map(|s| s.text.clone())
        .unwrap_or_default()
}

/// Identity "alice" (suite `CS`) in `ws` and her new group "team", at
/// epoch 0. Returns the group.
pub fn alice_team(ws: &Workspace) -> GroupKey {
    let alice = ws.identity_new("alice", CS).unwrap();
    ws.group_create(
        alice.key,
        &GroupOptions {
            name: Some(String::from("team")),
            ..GroupOptions::default()
        },
    )
    .unwrap()
    .key
}

/// Alice's group "team" (suite `CS`) in workspace A with Bob (workspace B)
/// added and joined: both at epoch 1. Returns A's file, A's group, B and
/// B's group.
pub fn alice_and_bob(dir: &TempDir) -> (PathBuf, GroupKey, Workspace, GroupKey) {
    let a_db = dir.file("alice.sqlite");
    let a = Workspace::open(&a_db).unwrap();
    let group = alice_team(&a);
    let b = Workspace::open(dir.file("bob.sqlite")).unwrap();
    let bob = b.identity_new("bob", CS).unwrap();
    let kp = b.key_package_new(bob.key).unwrap();
    let commit = a.commit_add(group, &[kp.bytes]).unwrap();
    a.apply(group).unwrap();
    let joined = b.join(&commit.welcome.unwrap(), None).unwrap();
    assert_eq!(joined.epoch, 1);
    (a_db, group, b, joined.key)
}

/// eframe's storage, in memory.
#[derive(Default)]
pub struct MemStorage(pub std::collections::HashMap<String, String>);

impl eframe::Storage for MemStorage {
    fn get_string(&self, key: &str) -> Option<String> {
        self.0.get(key).cloned()
    }

    fn set_string(&mut self, key: &str, value: String) {
        self.0.insert(key.to_owned(), value);
    }

    fn remove_string(&mut self, key: &str) {
        self.0.remove(key);
    }

    fn flush(&mut self) {}
}
