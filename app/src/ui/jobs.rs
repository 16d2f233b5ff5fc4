//! Background work of the workspace panels.
//!
//! A job runs on a thread of its own with its own [`Workspace`] connection
//! (SQLite connections are not shared between threads; the workspace's
//! revision check catches concurrent writers) and returns a closure that
//! applies its result to the panel; the panel runs those closures at the
//! start of its next frame (or in [`Jobs::wait`] loops, for tests). File
//! dialogs run the same way, without a connection.
//!
//! With [`Jobs::set_synchronous`] a job runs at once on the calling thread
//! (still on a connection of its own), which tests use to avoid waiting.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use super::common::Status;
use crate::workspace::Workspace;

/// A job's result: applied to the panel on the UI thread, with the
/// panel's own connection.
pub(crate) type Apply<T> = Box<dyn FnOnce(&mut T, &Workspace) + Send>;

/// A panel that runs jobs: it can show a job's failure.
pub(crate) trait JobTarget {
    /// Shows `status` (a failure of the job machinery itself).
    fn report(&mut self, status: Status);
}

enum Msg<T> {
    Apply(Apply<T>),
    /// A job (`true`) or a dialog (`false`) has ended.
    Done(bool),
}

/// Reports the end of a job or dialog when dropped (also when it panics).
struct Guard<T> {
    tx: Sender<Msg<T>>,
    ctx: Option<egui::Context>,
    job: bool,
}

impl<T> Guard<T> {
    fn send(&self, apply: Apply<T>) {
        // The panel may be gone (window closed): then nobody is listening.
        let _ = self.tx.send(Msg::Apply(apply));
    }
}

impl<T> Drop for Guard<T> {
    fn drop(&mut self) {
        let _ = self.tx.send(Msg::Done(self.job));
        if let Some(ctx) = &self.ctx {
            ctx.request_repaint();
        }
    }
}

/// The jobs and dialogs of one panel.
pub(crate) struct Jobs<T> {
    db: Option<PathBuf>,
    tx: Sender<Msg<T>>,
    rx: Receiver<Msg<T>>,
    ready: VecDeque<Apply<T>>,
    running: usize,
    dialogs: usize,
    /// What the latest job is doing, and since when.
    status: Option<(String, Instant)>,
    synchronous: bool,
    ctx: Option<egui::Context>,
}

impl<T> Default for Jobs<T> {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        Jobs {
            db: None,
            tx,
            rx,
            ready: VecDeque::new(),
            running: 0,
            dialogs: 0,
            status: None,
            synchronous: false,
            ctx: None,
        }
    }
}

impl<T> std::fmt::Debug for Jobs<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs")
            .field("db", &self.db)
            .field("running", &self.running)
            .field("dialogs", &self.dialogs)
            .field("synchronous", &self.synchronous)
            .finish_non_exhaustive()
    }
}

impl<T: JobTarget + 'static> Jobs<T> {
    /// Jobs on the workspace file at `db`.
    pub fn new(db: Option<&Path>) -> Self {
        Jobs {
            db: db.map(Path::to_path_buf),
            ..Jobs::default()
        }
    }

    /// Runs jobs on the calling thread (for tests).
    pub fn set_synchronous(&mut self, synchronous: bool) {
        self.synchronous = synchronous;
    }

    /// The context to wake when a job ends.
    pub fn set_context(&mut self, ctx: &egui::Context) {
        if self.ctx.is_none() {
            self.ctx = Some(ctx.clone());
        }
    }

    /// Whether a job is running.
    pub fn busy(&self) -> bool {
        self.running > 0
    }

    /// What the running job does, with the seconds it has taken so far.
    pub fn status_text(&self) -> Option<String> {
        let (text, since) = self.status.as_ref().filter(|_| self.busy())?;
        let secs = since.elapsed().as_secs();
        Some(if secs >= 1 {
            format!("{text} ({secs} s)")
        } else {
            text.clone()
        })
    }

    /// Runs `work` on a thread with its own connection to the workspace;
    /// its result is applied at the next [`Jobs::take_ready`].
    pub fn spawn<F>(&mut self, status: impl Into<String>, work: F)
    where
        F: FnOnce(&Workspace) -> Apply<T> + Send + 'static,
    {
        let Some(db) = self.db.clone() else {
            self.ready.push_back(Box::new(|t: &mut T, _: &Workspace| {
                t.report(Status::error("No workspace is open."));
            }));
            return;
        };
        self.running += 1;
        self.status = Some((status.into(), Instant::now()));
        let guard = Guard {
            tx: self.tx.clone(),
            ctx: self.ctx.clone(),
            job: true,
        };
        let run = move || {
            let apply: Apply<T> = match Workspace::open(&db) {
                Ok(ws) => match std::panic::catch_unwind(AssertUnwindSafe(|| work(&ws))) {
                    Ok(apply) => apply,
                    Err(_) => Box::new(|t: &mut T, _: &Workspace| {
                        t.report(Status::error("Internal error: the operation panicked."));
                    }),
                },
                Err(e) => {
                    let text = format!("Cannot open the workspace {}: {e}", db.display());
                    Box::new(move |t: &mut T, _: &Workspace| t.report(Status::error(text)))
                }
            };
            guard.send(apply);
        };
        if self.synchronous {
            run();
            return;
        }
        let spawned = std::thread::Builder::new()
            .name("workspace-job".to_owned())
            .spawn(run);
        if let Err(e) = spawned {
            // The closure and its guard were dropped: the job counts as done.
            let text = format!("Cannot start a background thread: {e}");
            self.ready
                .push_back(Box::new(move |t: &mut T, _: &Workspace| {
                    t.report(Status::error(text));
                }));
        }
    }

    /// Runs a file dialog (`work`, which blocks until the user answers) on
    /// a thread of its own; its result, if any, is applied like a job's.
    pub fn dialog<F>(&mut self, work: F)
    where
        F: FnOnce() -> Option<Apply<T>> + Send + 'static,
    {
        self.dialogs += 1;
        let guard = Guard {
            tx: self.tx.clone(),
            ctx: self.ctx.clone(),
            job: false,
        };
        let spawned = std::thread::Builder::new()
            .name("file-dialog".to_owned())
            .spawn(move || {
                if let Some(apply) = work() {
                    guard.send(apply);
                }
            });
        if let Err(e) = spawned {
            let text = format!("Cannot open the file dialog: {e}");
            self.ready
                .push_back(Box::new(move |t: &mut T, _: &Workspace| {
                    t.report(Status::error(text));
                }));
        }
    }

    /// The results that arrived, to apply in order.
    pub fn take_ready(&mut self) -> Vec<Apply<T>> {
        while let Ok(msg) = self.rx.try_recv() {
            self.handle(msg);
        }
        self.ready.drain(..).collect()
    }

    /// Waits until something arrives or `deadline` passes; `false` on
    /// timeout.
    pub fn wait(&mut self, deadline: Instant) -> bool {
        let left = deadline.saturating_duration_since(Instant::now());
        if left == Duration::ZERO {
            return false;
        }
        match self.rx.recv_timeout(left) {
            Ok(msg) => {
                self.handle(msg);
                true
            }
            Err(_) => false,
        }
    }

    fn handle(&mut self, msg: Msg<T>) {
        match msg {
            Msg::Apply(apply) => self.ready.push_back(apply),
            Msg::Done(true) => {
                self.running = self.running.saturating_sub(1);
                if self.running == 0 {
                    self.status = None;
                }
            }
            Msg::Done(false) => self.dialogs = self.dialogs.saturating_sub(1),
        }
    }
}
