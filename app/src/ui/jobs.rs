//! The one background job system of every panel.
//!
//! A panel owns a [`Jobs<O>`], where `O` is its enum of outcomes: a job
//! runs off the UI thread and comes back as a value of `O` (data, not a
//! closure), which the panel applies at the start of its next frame (or
//! in its `wait_idle` loop, for tests). Three kinds of work run here:
//!
//! * workspace jobs ([`Jobs::spawn`], [`Jobs::spawn_quiet`]): on a thread
//!   of their own with their own [`Workspace`] connection (SQLite
//!   connections are not shared between threads; the workspace's revision
//!   check catches concurrent writers);
//! * other jobs ([`Jobs::run`]), which may report several outcomes and
//!   status lines while they run, and stop early when cancelled;
//! * file dialogs ([`Jobs::dialog`]), which block until the user answers.
//!
//! A [`Jobs::serial`] set runs its jobs one after the other on one thread,
//! in the order they were asked for (the Conformance panel's checks); the
//! others start a thread per job. [`Jobs::cancel`] forgets every running
//! job: what they still send is dropped. With [`Jobs::set_synchronous`] a
//! job runs at once on the calling thread (still on a connection of its
//! own), which tests use to avoid waiting.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, SendError, Sender};
use std::time::{Duration, Instant};

use crate::workspace::Workspace;

/// A panel's enum of job outcomes.
pub(crate) trait Outcome: Send + 'static {
    /// The outcome of a job that could not run or panicked (`text` says
    /// why).
    fn failed(text: String) -> Self;
}

/// What runs in the background: counted as busy, quiet, or a dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Job,
    Quiet,
    Dialog,
}

enum Event<O> {
    Outcome(O),
    /// What the running job is doing now.
    Status(String),
    /// A job or dialog has ended.
    Done(Kind),
}

struct Msg<O> {
    /// The generation the job was started in; stale after [`Jobs::cancel`].
    generation: u64,
    event: Event<O>,
}

/// A running job's handle back to its panel.
pub(crate) struct Progress<O> {
    generation: u64,
    current: Arc<AtomicU64>,
    tx: Sender<Msg<O>>,
    ctx: Option<egui::Context>,
}

impl<O> Progress<O> {
    fn post(&self, event: Event<O>) {
        // The panel may be gone (window closed): then nobody is listening.
        let _ = self.tx.send(Msg {
            generation: self.generation,
            event,
        });
        if let Some(ctx) = &self.ctx {
            ctx.request_repaint();
        }
    }

    /// Hands an outcome to the panel.
    pub fn send(&self, outcome: O) {
        self.post(Event::Outcome(outcome));
    }

    /// Says what the job is doing now.
    pub fn status(&self, text: impl Into<String>) {
        self.post(Event::Status(text.into()));
    }

    /// Whether the panel cancelled its jobs since this one started.
    pub fn cancelled(&self) -> bool {
        self.current.load(Ordering::Relaxed) != self.generation
    }
}

/// Reports the end of a job or dialog when dropped (also when it panics
/// or is dropped unrun).
struct Guard<O> {
    progress: Progress<O>,
    kind: Kind,
}

impl<O> Drop for Guard<O> {
    fn drop(&mut self) {
        self.progress.post(Event::Done(self.kind));
    }
}

type Work = Box<dyn FnOnce() + Send>;

/// The jobs and dialogs of one panel; `O` is the panel's outcome enum.
pub(crate) struct Jobs<O> {
    db: Option<PathBuf>,
    tx: Sender<Msg<O>>,
    rx: Receiver<Msg<O>>,
    ready: VecDeque<O>,
    running: usize,
    quiet: usize,
    dialogs: usize,
    /// What the latest job is doing, and since when.
    status: Option<(String, Instant)>,
    synchronous: bool,
    /// One thread runs the jobs in order (started on first use).
    serial: bool,
    queue: Option<Sender<Work>>,
    generation: Arc<AtomicU64>,
    ctx: Option<egui::Context>,
}

impl<O> Default for Jobs<O> {
    fn default() -> Self {
        let (tx, rx) = mpsc::channel();
        Jobs {
            db: None,
            tx,
            rx,
            ready: VecDeque::new(),
            running: 0,
            quiet: 0,
            dialogs: 0,
            status: None,
            synchronous: false,
            serial: false,
            queue: None,
            generation: Arc::new(AtomicU64::new(0)),
            ctx: None,
        }
    }
}

impl<O> std::fmt::Debug for Jobs<O> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs")
            .field("db", &self.db)
            .field("running", &self.running)
            .field("quiet", &self.quiet)
            .field("dialogs", &self.dialogs)
            .field("synchronous", &self.synchronous)
            .field("serial", &self.serial)
            .finish_non_exhaustive()
    }
}

/// Drops `value` on a thread of its own: letting go of a large group's
/// snapshot and tree models (hundreds of thousands of small allocations at
/// 30,000 members) would otherwise take a frame's budget on the UI thread.
/// Dropped in place if no thread can be started.
pub fn drop_in_background<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new()
        .name(String::from("drop"))
        .spawn(move || drop(value));
}

/// The end of a job, run on its thread.
fn finish<O: Outcome>(progress: &Progress<O>, body: impl FnOnce(&Progress<O>)) {
    if progress.cancelled() {
        return;
    }
    if std::panic::catch_unwind(AssertUnwindSafe(|| body(progress))).is_err() {
        progress.send(O::failed(
            "Internal error: the operation panicked.".to_owned(),
        ));
    }
}

impl<O: Outcome> Jobs<O> {
    /// Jobs on the workspace file at `db`.
    pub fn new(db: Option<&Path>) -> Self {
        Jobs {
            db: db.map(Path::to_path_buf),
            ..Jobs::default()
        }
    }

    /// Workspace jobs from now on use the file at `db` (or none).
    pub fn set_db(&mut self, db: Option<&Path>) {
        self.db = db.map(Path::to_path_buf);
    }

    /// Jobs without a workspace that run one after the other, in order.
    pub fn serial() -> Self {
        Jobs {
            serial: true,
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

    /// Whether a job (not a quiet one, not a dialog) is running.
    pub fn busy(&self) -> bool {
        self.running > 0
    }

    /// Whether any job, quiet ones included, is running.
    pub fn working(&self) -> bool {
        self.running + self.quiet > 0
    }

    /// Whether a file dialog is open.
    pub fn dialog_open(&self) -> bool {
        self.dialogs > 0
    }

    /// What the running job does (the latest status it gave).
    pub fn status(&self) -> Option<&str> {
        self.status
            .as_ref()
            .filter(|_| self.busy())
            .map(|(text, _)| text.as_str())
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

    fn progress(&self) -> Progress<O> {
        Progress {
            generation: self.generation.load(Ordering::Relaxed),
            current: Arc::clone(&self.generation),
            tx: self.tx.clone(),
            ctx: self.ctx.clone(),
        }
    }

    /// Starts `body` as a job of `kind` (on the calling thread when
    /// synchronous, on the serial thread, or on a thread of its own).
    fn start<F>(&mut self, kind: Kind, body: F)
    where
        F: FnOnce(&Progress<O>) + Send + 'static,
    {
        match kind {
            Kind::Job => self.running += 1,
            Kind::Quiet => self.quiet += 1,
            Kind::Dialog => self.dialogs += 1,
        }
        let guard = Guard {
            progress: self.progress(),
            kind,
        };
        let work: Work = Box::new(move || finish(&guard.progress, body));
        if self.synchronous && kind != Kind::Dialog {
            work();
            return;
        }
        if self.serial && kind != Kind::Dialog {
            return self.enqueue(work);
        }
        let name = if kind == Kind::Dialog {
            "file-dialog"
        } else {
            "background-job"
        };
        if let Err(e) = std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(work)
        {
            // The work and its guard were dropped: the job counts as done.
            self.ready
                .push_back(O::failed(format!("Cannot start a background thread: {e}")));
        }
    }

    /// Queues `work` for the serial thread (starting it if needed).
    fn enqueue(&mut self, mut work: Work) {
        if let Some(queue) = &self.queue {
            match queue.send(work) {
                Ok(()) => return,
                // The thread is gone: start a new one below.
                Err(SendError(unsent)) => work = unsent,
            }
        }
        let (queue, works) = mpsc::channel::<Work>();
        let spawned = std::thread::Builder::new()
            .name("background-jobs".to_owned())
            .spawn(move || works.into_iter().for_each(|work| work()));
        match spawned {
            Ok(_) => {
                // Cannot fail: the thread holds the receiver. Were it to,
                // the job's guard reports it done when it is dropped.
                let _ = queue.send(work);
                self.queue = Some(queue);
            }
            // The work, and with it its guard, is dropped: `Done` is queued.
            Err(e) => self
                .ready
                .push_back(O::failed(format!("Cannot start a background thread: {e}"))),
        }
    }

    /// Runs `work` with its own connection to the workspace; its outcome
    /// arrives at a later [`Jobs::take_ready`]. The panel shows `status`
    /// and counts as busy meanwhile.
    pub fn spawn<F>(&mut self, status: impl Into<String>, work: F)
    where
        F: FnOnce(&Workspace) -> O + Send + 'static,
    {
        self.status = Some((status.into(), Instant::now()));
        self.spawn_kind(Kind::Job, work);
    }

    /// Like [`Jobs::spawn`] for reading that should not show: no status,
    /// and [`Jobs::busy`] stays as it is (`wait_idle` still waits for it).
    pub fn spawn_quiet<F>(&mut self, work: F)
    where
        F: FnOnce(&Workspace) -> O + Send + 'static,
    {
        self.spawn_kind(Kind::Quiet, work);
    }

    fn spawn_kind<F>(&mut self, kind: Kind, work: F)
    where
        F: FnOnce(&Workspace) -> O + Send + 'static,
    {
        let Some(db) = self.db.clone() else {
            self.ready
                .push_back(O::failed("No workspace is open.".to_owned()));
            return;
        };
        self.start(kind, move |progress| {
            progress.send(match Workspace::open(&db) {
                Ok(ws) => work(&ws),
                Err(e) => O::failed(format!("Cannot open the workspace {}: {e}", db.display())),
            });
        });
    }

    /// Runs `work` without a workspace; it hands its outcomes and status
    /// lines to the [`Progress`] as they come.
    pub fn run<F>(&mut self, status: impl Into<String>, work: F)
    where
        F: FnOnce(&Progress<O>) + Send + 'static,
    {
        self.status = Some((status.into(), Instant::now()));
        self.start(Kind::Job, work);
    }

    /// Runs a file dialog (`work`, which blocks until the user answers) on
    /// a thread of its own; its outcome, if any, arrives like a job's.
    pub fn dialog<F>(&mut self, work: F)
    where
        F: FnOnce() -> Option<O> + Send + 'static,
    {
        self.start(Kind::Dialog, move |progress| {
            if let Some(outcome) = work() {
                progress.send(outcome);
            }
        });
    }

    /// Forgets every running job and dialog: what they still send is
    /// dropped, and jobs not started yet do not run.
    pub fn cancel(&mut self) {
        self.generation.fetch_add(1, Ordering::Relaxed);
        self.running = 0;
        self.quiet = 0;
        self.dialogs = 0;
        self.status = None;
        self.ready.clear();
    }

    /// The outcomes that arrived, in order.
    pub fn take_ready(&mut self) -> Vec<O> {
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

    fn handle(&mut self, msg: Msg<O>) {
        if msg.generation != self.generation.load(Ordering::Relaxed) {
            return;
        }
        match msg.event {
            Event::Outcome(outcome) => self.ready.push_back(outcome),
            Event::Status(text) => {
                let since = self.status.take().map_or_else(Instant::now, |(_, t)| t);
                self.status = Some((text, since));
            }
            Event::Done(Kind::Job) => {
                self.running = self.running.saturating_sub(1);
                if self.running == 0 {
                    self.status = None;
                }
            }
            Event::Done(Kind::Quiet) => self.quiet = self.quiet.saturating_sub(1),
            Event::Done(Kind::Dialog) => self.dialogs = self.dialogs.saturating_sub(1),
        }
    }
}

/// A panel that runs [`Jobs`]: it applies their outcomes.
pub(crate) trait JobPanel {
    type Outcome: Outcome;

    fn jobs(&mut self) -> &mut Jobs<Self::Outcome>;

    /// Applies what a job came back with.
    fn apply(&mut self, outcome: Self::Outcome);

    /// Whether nothing is left to wait for (default: no job runs).
    fn idle(&mut self) -> bool {
        !self.jobs().working()
    }

    /// Applies the outcomes that arrived (at the start of a frame, with
    /// the context to wake when more arrive).
    fn poll_jobs(&mut self, ctx: Option<&egui::Context>) {
        if let Some(ctx) = ctx {
            self.jobs().set_context(ctx);
        }
        for outcome in self.jobs().take_ready() {
            self.apply(outcome);
        }
    }

    /// Applies outcomes until [`JobPanel::idle`] (what they start is
    /// waited for too); `false` if `timeout` passed first.
    fn wait_jobs(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            self.poll_jobs(None);
            if self.idle() {
                return true;
            }
            if !self.jobs().wait(deadline) {
                return false;
            }
        }
    }
}

/// Implements [`JobPanel`] for a panel whose jobs are in its `jobs`
/// field and that applies outcomes with its `apply_outcome` method
/// (optionally: whose `$idle` method says when `wait_idle` may stop).
macro_rules! job_panel {
    ($panel:ty, $outcome:ty $(, idle: $idle:ident)?) => {
        impl $crate::ui::jobs::JobPanel for $panel {
            type Outcome = $outcome;

            fn jobs(&mut self) -> &mut $crate::ui::jobs::Jobs<$outcome> {
                &mut self.jobs
            }

            fn apply(&mut self, outcome: $outcome) {
                self.apply_outcome(outcome);
            }
            $(
            fn idle(&mut self) -> bool {
                self.$idle()
            }
            )?
        }
    };
}
pub(crate) use job_panel;

/// Implements [`Outcome`] for an enum whose `$variant(String)` says why a
/// job failed.
macro_rules! job_outcome {
    ($outcome:ident :: $variant:ident) => {
        impl $crate::ui::jobs::Outcome for $outcome {
            fn failed(text: String) -> Self {
                $outcome::$variant(text)
            }
        }
    };
}
pub(crate) use job_outcome;

/// When a panel reads its lists again: when asked to, and (with auto
/// refresh) every so often.
#[derive(Debug, Clone)]
pub(crate) struct Refresh {
    /// Read every `every` (the app turns this on; tests leave it off).
    pub auto: bool,
    /// Read at the next frame.
    pub dirty: bool,
    last: Option<Instant>,
    every: Duration,
}

impl Refresh {
    /// Due at once, then every `every` with auto refresh.
    pub fn new(every: Duration) -> Self {
        Refresh {
            auto: false,
            dirty: true,
            last: None,
            every,
        }
    }

    /// Whether to read now; if so, counts as read.
    pub fn due(&mut self) -> bool {
        let due = self.dirty || (self.auto && self.last.is_none_or(|t| t.elapsed() > self.every));
        if due {
            self.dirty = false;
            self.last = Some(Instant::now());
        }
        due
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;

    #[derive(Debug, PartialEq, Eq)]
    enum Out {
        Failed(String),
        Value(u32),
    }

    impl Outcome for Out {
        fn failed(text: String) -> Self {
            Out::Failed(text)
        }
    }

    fn drain(jobs: &mut Jobs<Out>) -> Vec<Out> {
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut out = Vec::new();
        loop {
            out.extend(jobs.take_ready());
            if !jobs.working() {
                out.extend(jobs.take_ready());
                return out;
            }
            assert!(jobs.wait(deadline), "jobs did not finish");
        }
    }

    #[test]
    fn outcomes_come_back_as_data_in_order() {
        let mut jobs = Jobs::serial();
        for i in 0..3 {
            jobs.run("counting", move |p| {
                p.status(format!("at {i}"));
                p.send(Out::Value(i));
            });
        }
        assert!(jobs.busy());
        assert_eq!(
            drain(&mut jobs),
            vec![Out::Value(0), Out::Value(1), Out::Value(2)]
        );
        assert!(!jobs.busy() && jobs.status().is_none());
    }

    #[test]
    fn synchronous_jobs_are_ready_at_once() {
        let mut jobs = Jobs::default();
        jobs.set_synchronous(true);
        jobs.run("now", |p| p.send(Out::Value(7)));
        assert_eq!(jobs.take_ready(), vec![Out::Value(7)]);
        assert!(!jobs.working());
    }

    #[test]
    fn workspace_jobs_without_a_workspace_fail_and_panics_are_reported() {
        let mut jobs = Jobs::<Out>::new(None);
        jobs.spawn("reading", |_| Out::Value(1));
        assert_eq!(
            jobs.take_ready(),
            vec![Out::Failed("No workspace is open.".to_owned())]
        );
        jobs.set_synchronous(true);
        jobs.run("panicking", |_| panic!("boom"));
        assert_eq!(
            jobs.take_ready(),
            vec![Out::Failed(
                "Internal error: the operation panicked.".to_owned()
            )]
        );
    }

    #[test]
    fn cancelled_jobs_are_dropped() {
        let mut jobs = Jobs::serial();
        let (go, wait) = mpsc::channel::<()>();
        jobs.run("blocked", move |p| {
            let _ = wait.recv();
            p.send(Out::Value(1));
        });
        jobs.run("queued", |p| p.send(Out::Value(2)));
        jobs.cancel();
        assert!(!jobs.working());
        go.send(()).unwrap();
        jobs.run("after", |p| p.send(Out::Value(3)));
        assert_eq!(drain(&mut jobs), vec![Out::Value(3)]);
    }
}
