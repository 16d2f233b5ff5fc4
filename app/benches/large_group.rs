#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! A group of N members (cipher suite 1) in the window: opening it from
//! the SQLite workspace as the Groups panel does, building its tree-view
//! model, and the frames of the Groups panel's "Ratchet tree" view.
//!
//! `cargo bench -p mls-inspector --bench large_group -- --n 30000` builds a
//! workspace (untimed: one creator adds N − 1 key packages in one commit),
//! then prints
//!
//! ```text
//! large_group n=30000 open_ms=… model_ms=… first_frame_ms=… frame_median_ms=… frame_max_ms=… overview_first_frame_ms=… overview_frame_median_ms=… leave_frame_ms=… pending_frame_ms=…
//! ```
//!
//! a `large_group_views` line with the other views' frames and the time
//! "Find member" takes to look through every identity, and a
//! `large_group_open` line with where the opening's time goes (the
//! workspace reads the panel's load job made, one by one, and
//! `Workspace::group_open`, which it makes now). Frames are full
//! egui frames of the Groups panel (layout, painting, tessellation) on a
//! 1280×800 screen; the steady frames move the pointer over the canvas
//! (hover) and scroll it; then the Overview's frames (its members table);
//! `pending_frame_ms` is a tree-view frame while the commit adding the
//! members is staged, before it is applied.
//! Without `--bench` (`cargo test --benches`) it runs
//! once with N = 16. `--db PATH` builds the workspace at PATH (replacing
//! it) and keeps it.

use std::path::Path;
use std::time::{Duration, Instant};

use egui::{Event, Pos2, Rect, vec2};
use mls_core::codec::{Encode, VlBytes};
use mls_core::crypto::{CipherSuite, CryptoProvider, RustCrypto};
use mls_core::group::{Group, KeyPackageBundle};
use mls_core::messages::Credential;
use mls_inspector::ui::{GroupView, GroupsPanel, TreeViewModel};
use mls_inspector::workspace::{GroupKey, GroupOptions, Workspace};

const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
const STEADY_FRAMES: usize = 20;

fn key_package(i: u32) -> Vec<u8> {
    let (sk, _) = RustCrypto.signature_key_pair(CS).unwrap();
    let credential = Credential::Basic {
        identity: VlBytes(format!("member-{i:05}@example.org").into_bytes()),
    };
    KeyPackageBundle::generate(&RustCrypto, CS, credential, sk, 86_400, Vec::new())
        .unwrap()
        .key_package
        .to_bytes()
        .unwrap()
}

/// The workspace at `db` with one group of `n` members: its key.
fn build(db: &Path, n: u32) -> GroupKey {
    let ws = Workspace::open_creating(db).unwrap();
    let creator = ws.identity_new("creator", CS).unwrap();
    let key = ws
        .group_create(
            creator.key,
            &GroupOptions {
                name: Some(format!("large-{n}")),
                ..GroupOptions::default()
            },
        )
        .unwrap()
        .key;
    let ids: Vec<u32> = (1..n).collect();
    let threads = std::thread::available_parallelism().map_or(1, |p| p.get());
    let chunk = ids.len().div_ceil(threads).max(1);
    let kps: Vec<Vec<u8>> = std::thread::scope(|s| {
        let handles: Vec<_> = ids
            .chunks(chunk)
            .map(|c| s.spawn(move || c.iter().map(|i| key_package(*i)).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    if !kps.is_empty() {
        ws.commit_add(key, &kps).unwrap();
    }
    key
}

/// A tree-view frame of the group while its commit adding N − 1 members
/// is staged (the Staged view's preview holds that commit and Welcome),
/// then applies the commit.
fn pending_frame(db: &Path, key: GroupKey) -> Duration {
    let mut w = Window {
        ctx: egui::Context::default(),
        panel: GroupsPanel::new(Some(db)),
        frame: 0,
    };
    w.panel.set_synchronous(true);
    w.panel.set_view(GroupView::Tree);
    w.panel.select(Some(key));
    assert!(w.panel.wait_idle(Duration::from_secs(600)));
    w.frame(Vec::new());
    w.frame(Vec::new());
    let mut frames: Vec<Duration> = (0..5).map(|_| w.frame(Vec::new())).collect();
    frames.sort();
    let ws = Workspace::open(db).unwrap();
    if ws.pending(key).unwrap().is_some() {
        ws.apply(key).unwrap();
    }
    frames[frames.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let v = f();
    (v, t.elapsed())
}

/// The Groups panel in a headless egui context.
struct Window {
    ctx: egui::Context,
    panel: GroupsPanel,
    frame: u64,
}

impl Window {
    fn frame(&mut self, events: Vec<Event>) -> Duration {
        self.frame += 1;
        let input = egui::RawInput {
            screen_rect: Some(Rect::from_min_size(Pos2::ZERO, vec2(1280.0, 800.0))),
            time: Some(self.frame as f64 / 60.0),
            events,
            ..Default::default()
        };
        let panel = &mut self.panel;
        let t = Instant::now();
        let mut out = self.ctx.run_ui(input, |ui| {
            egui::CentralPanel::default().show(ui, |ui| panel.ui(ui));
        });
        let shapes = std::mem::take(&mut out.shapes);
        let primitives = self.ctx.tessellate(shapes, out.pixels_per_point);
        let took = t.elapsed();
        out.textures_delta.clear();
        std::hint::black_box(primitives.len());
        took
    }
}

fn run(n: u32, keep: Option<&Path>) {
    let dir = std::env::temp_dir().join(format!("large_group-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = keep.map_or_else(|| dir.join("ws.sqlite"), Path::to_path_buf);
    let _ = std::fs::remove_file(&db);
    let (key, setup) = timed(|| build(&db, n));
    let pending = pending_frame(&db, key);

    // Where the opening's time goes: the reads of the panel's load job.
    let ws = Workspace::open(&db).unwrap();
    let (row, t_row) = timed(|| ws.group_row(key).unwrap());
    let (details, t_show) = timed(|| ws.group_show(key).unwrap());
    assert_eq!(details.members.len(), n as usize);
    let (_, t_proposals) = timed(|| ws.proposals(key).unwrap());
    let (_, t_candidates) = timed(|| ws.commit_candidates(key).unwrap());
    let (_, t_history) = timed(|| ws.history(key).unwrap());
    let (_, t_messages) = timed(|| ws.messages(Some(key)).unwrap());
    let (mut tree, t_tree) = timed(|| ws.epoch_tree(key, row.epoch).unwrap());
    let (opened, t_open_once) = timed(|| ws.group_open(key).unwrap());
    let (state, _) = ws.store().group_state(key).unwrap();
    let (_, t_decode) = timed(|| Group::from_bytes(&RustCrypto, state.as_bytes()).unwrap());
    assert_eq!(opened.tree, tree);
    let (_, t_hash) = timed(|| tree.root_hash(&RustCrypto).unwrap());
    let (model, t_model) = timed(|| TreeViewModel::from_tree(&tree, Some(row.own_leaf)));
    assert_eq!(model.member_count(), n);
    drop(ws);

    // Opening it as the window does: the panel's load job (synchronous
    // here), then its first frame and steady frames of the tree view.
    let mut w = Window {
        ctx: egui::Context::default(),
        panel: GroupsPanel::new(Some(&db)),
        frame: 0,
    };
    w.panel.set_synchronous(true);
    w.panel.set_view(GroupView::Tree);
    w.frame(Vec::new());
    let (_, open) = timed(|| {
        w.panel.select(Some(key));
        assert!(w.panel.wait_idle(Duration::from_secs(600)));
    });
    let first = w.frame(Vec::new());
    assert!(w.panel.snapshot().is_some(), "the group was not loaded");
    assert_eq!(w.panel.tree_view().model().member_count(), n);
    let canvas = w.panel.tree_view().canvas_rect().expect("a canvas");
    let mut steady: Vec<Duration> = (0..STEADY_FRAMES)
        .map(|i| {
            let x = canvas.left() + canvas.width() * (i as f32 + 0.5) / STEADY_FRAMES as f32;
            let p = Pos2::new(x, canvas.center().y);
            let mut events = vec![Event::PointerMoved(p)];
            if i % 4 == 3 {
                events.push(Event::MouseWheel {
                    unit: egui::MouseWheelUnit::Point,
                    delta: vec2(0.0, -40.0),
                    modifiers: egui::Modifiers::NONE,
                    phase: egui::TouchPhase::Move,
                    source: egui::MouseWheelSource::Unknown,
                });
            }
            w.frame(events)
        })
        .collect();
    steady.sort();
    let median = steady[steady.len() / 2];
    let max = steady.last().copied().unwrap_or_default();
    // The Overview (where a selected group opens): its members table.
    w.panel.set_view(GroupView::Overview);
    let overview_first = w.frame(Vec::new());
    let mut overview: Vec<Duration> = (0..STEADY_FRAMES).map(|_| w.frame(Vec::new())).collect();
    overview.sort();
    let overview_median = overview[overview.len() / 2];
    // The other views' first and next frames (for the record).
    let views: Vec<String> = [
        (GroupView::Timeline, "timeline"),
        (GroupView::Messages, "messages"),
        (GroupView::Staged, "staged"),
    ]
    .into_iter()
    .map(|(view, name)| {
        w.panel.set_view(view);
        let first = w.frame(Vec::new());
        let next = w.frame(Vec::new());
        format!(
            "{name}_first_frame_ms={:.2} {name}_frame_ms={:.2}",
            ms(first),
            ms(next)
        )
    })
    .collect();
    // "Find member" looks through every identity once per edit of its text.
    let last = format!("member-{:05}", n - 1);
    let (found, t_find) = timed(|| w.panel.tree_view().model().find_member(&last));
    assert_eq!(found, (n > 1).then_some(n - 1));
    // Leaving the group (selecting none): the frame that lets it go.
    w.panel.set_view(GroupView::Tree);
    w.frame(Vec::new());
    let t = Instant::now();
    w.panel.select(None);
    w.frame(Vec::new());
    let leave = t.elapsed();
    println!(
        "large_group_open n={n} row_ms={:.1} show_ms={:.1} proposals_ms={:.1} candidates_ms={:.1} \
         history_ms={:.1} messages_ms={:.1} tree_read_ms={:.1} tree_hash_ms={:.1} group_open_ms={:.1} state_decode_ms={:.1} setup_s={:.1}",
        ms(t_row),
        ms(t_show),
        ms(t_proposals),
        ms(t_candidates),
        ms(t_history),
        ms(t_messages),
        ms(t_tree),
        ms(t_hash),
        ms(t_open_once),
        ms(t_decode),
        setup.as_secs_f64(),
    );
    println!(
        "large_group n={n} open_ms={:.1} model_ms={:.1} first_frame_ms={:.2} frame_median_ms={:.2} frame_max_ms={:.2} \
         overview_first_frame_ms={:.2} overview_frame_median_ms={:.2} leave_frame_ms={:.2} \
         pending_frame_ms={:.2}",
        ms(open),
        ms(t_model),
        ms(first),
        ms(median),
        ms(max),
        ms(overview_first),
        ms(overview_median),
        ms(leave),
        ms(pending),
    );
    println!(
        "large_group_views n={n} {} find_member_ms={:.2}",
        views.join(" "),
        ms(t_find)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bench = args.iter().any(|a| a == "--bench");
    let n = args
        .iter()
        .position(|a| a == "--n")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse::<u32>().expect("--n takes a member count"));
    // `cargo test --benches` runs this without `--bench`: a smoke run.
    // `--db PATH`: build the workspace there and keep it (e.g. to open it
    // in the window).
    let keep = args
        .iter()
        .position(|a| a == "--db")
        .and_then(|i| args.get(i + 1))
        .map(std::path::PathBuf::from);
    let n = if bench { n.unwrap_or(30_000) } else { 16 };
    assert!(n >= 1, "--n must be at least 1");
    run(n, keep.as_deref().filter(|_| bench));
}
