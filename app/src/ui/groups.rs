//! The Groups panel: the group manager.
//!
//! Left: the workspace's groups (filter, select, create, join). Right, for
//! the selected group, five views:
//!
//! * **Overview**: ids, suite, epoch, extensions, hashes, the members
//!   table (with Remove per member) and the actions: Update, Commit, add
//!   members from key packages (dropped, opened or pasted), send and
//!   receive messages, export the GroupInfo; produced messages can be
//!   saved, copied or opened in the Decoder.
//! * **Ratchet tree**: the current tree, own leaf and its path highlighted.
//! * **Epoch timeline**: every history row; clicking one shows that
//!   epoch's tree with the nodes its commit changed.
//! * **Messages**: what was sent and received, with decrypted text.
//! * **Staged commit**: the preview of a pending commit (local or
//!   incoming) with **Apply** and **Discard**, and the next tree with the
//!   changed nodes highlighted.
//!
//! Every state change goes through [`Workspace`]. Operations that may take
//! long (commits, receiving, applying, loading a group with its history
//! and trees) run as background [`Jobs`] on a connection of their own; the
//! panel shows a spinner and keeps drawing. A file dropped on the panel is
//! routed by what it is: key packages are queued for adding, commits and
//! other framed messages are received, a Welcome is joined, a GroupInfo is
//! joined by external commit.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::workspace::{EpochCause, MemberEntry};
use egui::{Align, Layout, RichText, Sense, Ui, vec2};
use egui_extras::{Column, Size, StripBuilder, TableBuilder};
use mls_core::crypto::{CipherSuite, RustCrypto};
use mls_core::tree::Tree;

use super::common::{
    Output, OutputAction, Status, drop_overlay, dropped_files, error_color, file_bytes,
    format_time_u, info_row, labelled_edit, labelled_edit_fill, output_buttons, plural, read_input,
    save_dialog, short_hex, status_line, suite_short, warn_color,
};
use super::jobs::{JobTarget, Jobs};
use super::tree_view::{TreeView, TreeViewModel};
use crate::workspace::gui_support::MessageClass;
use crate::workspace::{
    Direction, EpochRow, GroupDetails, GroupKey, GroupOptions, GroupRow, GroupStatus, IdentityInfo,
    IdentityKey, KeyPackageInfo, MessageKind, MessageRow, Origin, Preview, Receipt, Workspace,
    WorkspaceError,
};

/// How often the panel looks for changes other writers made.
const REFRESH_EVERY: Duration = Duration::from_secs(2);
/// Width of the group list.
const LIST_WIDTH: f32 = 300.0;
/// Width of the actions column of the overview.
const ACTIONS_WIDTH: f32 = 330.0;
/// Hex digits of keys and hashes in tables.
const SHORT_HEX: usize = 24;
/// Key packages listed on the add list before "and N more".
const QUEUE_SHOWN: usize = 20;
/// Members listed per kind in a preview before "and N more".
const PREVIEW_MEMBERS: usize = 12;

/// The views of a selected group.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GroupView {
    #[default]
    Overview,
    Tree,
    Timeline,
    Messages,
    Staged,
}

impl GroupView {
    /// Every view, in bar order.
    pub const ALL: [GroupView; 5] = [
        GroupView::Overview,
        GroupView::Tree,
        GroupView::Timeline,
        GroupView::Messages,
        GroupView::Staged,
    ];

    /// The view's title in the bar.
    pub fn title(self) -> &'static str {
        match self {
            GroupView::Overview => "Overview",
            GroupView::Tree => "Ratchet tree",
            GroupView::Timeline => "Epoch timeline",
            GroupView::Messages => "Messages",
            GroupView::Staged => "Staged commit",
        }
    }
}

/// What the panel read about the selected group, in one job.
#[derive(Debug, Clone)]
pub struct GroupSnapshot {
    /// The list row.
    pub row: GroupRow,
    /// The current epoch in detail (`None` once this member was removed).
    pub details: Option<GroupDetails>,
    /// Every epoch, oldest first.
    pub history: Vec<EpochRow>,
    /// The group's messages, in recorded order.
    pub messages: Vec<MessageRow>,
}

impl GroupSnapshot {
    /// The pending commit's preview.
    pub fn pending(&self) -> Option<&Preview> {
        self.details.as_ref()?.pending.as_ref()
    }
}

/// A snapshot with its tree models (built off the UI thread).
struct Loaded {
    snapshot: GroupSnapshot,
    tree: TreeViewModel,
    pending_tree: Option<TreeViewModel>,
}

fn model_of(mut tree: Tree, own_leaf: Option<u32>) -> TreeViewModel {
    // Fills the hash cache so the node details show tree hashes; a tree
    // that cannot be hashed is still drawn.
    let _ = tree.root_hash(&RustCrypto);
    TreeViewModel::from_tree(&tree, own_leaf)
}

fn load_group(ws: &Workspace, key: GroupKey) -> Result<Loaded, WorkspaceError> {
    let row = ws.group_row(key)?;
    let active = row.status == GroupStatus::Active;
    let details = if active {
        Some(ws.group_show(key)?)
    } else {
        None
    };
    let history = ws.history(key)?;
    let messages = ws.messages(Some(key))?;
    let own = active.then_some(row.own_leaf);
    let tree = model_of(ws.epoch_tree(key, row.epoch)?, own);
    let pending_tree = match details.as_ref().and_then(|d| d.pending.as_ref()) {
        Some(preview) => ws.pending_tree(key)?.map(|t| {
            let own = (!preview.self_removed).then_some(row.own_leaf);
            let mut model = model_of(t, own);
            model.set_changed(preview.changed_nodes.iter().copied());
            model
        }),
        None => None,
    };
    Ok(Loaded {
        snapshot: GroupSnapshot {
            row,
            details,
            history,
            messages,
        },
        tree,
        pending_tree,
    })
}

/// The tree of `epoch`, with the nodes that differ from the epoch before
/// marked changed.
fn load_epoch_tree(
    ws: &Workspace,
    key: GroupKey,
    epoch: u64,
    own_leaf: Option<u32>,
) -> Result<TreeViewModel, WorkspaceError> {
    let mut model = model_of(ws.epoch_tree(key, epoch)?, own_leaf);
    if let Some(before) = epoch
        .checked_sub(1)
        .and_then(|e| ws.epoch_tree(key, e).ok())
    {
        let changed = model.diff(&TreeViewModel::from_tree(&before, None));
        model.set_changed(changed);
    }
    Ok(model)
}

/// Who makes a new group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdentityChoice {
    New,
    Existing(IdentityKey),
}

#[derive(Debug, Clone)]
struct CreateForm {
    identity: IdentityChoice,
    new_identity: String,
    suite: u16,
    name: String,
    /// The identity was chosen (by default or by the user) once.
    initialised: bool,
}

impl Default for CreateForm {
    fn default() -> Self {
        CreateForm {
            identity: IdentityChoice::New,
            new_identity: String::new(),
            suite: CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519.id(),
            name: String::new(),
            initialised: false,
        }
    }
}

/// Which group to show after an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Select {
    Same,
    Group(GroupKey),
    Nothing,
}

/// What a finished operation reports.
#[derive(Debug)]
struct Done {
    text: String,
    outputs: Vec<Output>,
    view: Option<GroupView>,
    select: Select,
    clear_add_queue: bool,
    clear_send: bool,
    clear_receive: bool,
    clear_create: bool,
    /// The identity the create form should offer next (a new one it made).
    use_identity: Option<IdentityKey>,
}

impl Done {
    fn new(text: impl Into<String>) -> Self {
        Done {
            text: text.into(),
            outputs: Vec::new(),
            view: None,
            select: Select::Same,
            clear_add_queue: false,
            clear_send: false,
            clear_receive: false,
            clear_create: false,
            use_identity: None,
        }
    }

    fn view(mut self, view: GroupView) -> Self {
        self.view = Some(view);
        self
    }

    fn select(mut self, key: GroupKey) -> Self {
        self.select = Select::Group(key);
        self
    }
}

/// What a click asked for, performed after drawing.
#[derive(Debug)]
enum Action {
    Select(GroupKey),
    Reload,
    Create,
    AskDelete(GroupKey),
    Delete(GroupKey),
    QueueInput,
    Unqueue(usize),
    ClearQueue,
    OpenKeyPackages,
    CommitAdd,
    Remove(u32, String),
    Update,
    Commit,
    Send,
    Receive,
    OpenMessages,
    ExportGroupInfo,
    Apply,
    Discard,
    SelectEpoch(u64),
    Join,
    Save(Output),
    Decode(Output),
}

/// The Groups panel's state.
pub struct GroupsPanel {
    jobs: Jobs<GroupsPanel>,
    auto_refresh: bool,
    list_dirty: bool,
    last_check: Option<Instant>,
    stamp: Option<u64>,
    groups: Vec<GroupRow>,
    identities: Vec<IdentityInfo>,
    filter: String,
    selected: Option<GroupKey>,
    snapshot: Option<GroupSnapshot>,
    view: GroupView,
    tree: TreeView,
    preview_tree: TreeView,
    epoch_tree: TreeView,
    timeline_epoch: Option<u64>,
    create: CreateForm,
    join_identity: Option<IdentityKey>,
    join_input: String,
    add_input: String,
    add_queue: Vec<KeyPackageInfo>,
    send_text: String,
    receive_input: String,
    outputs: Vec<Output>,
    selected_message: Option<i64>,
    confirm_delete: Option<GroupKey>,
    status: Option<Status>,
    decode_request: Option<(String, Vec<u8>)>,
}

impl Default for GroupsPanel {
    fn default() -> Self {
        GroupsPanel::new(None)
    }
}

impl std::fmt::Debug for GroupsPanel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupsPanel")
            .field("groups", &self.groups.len())
            .field("selected", &self.selected)
            .field("view", &self.view)
            .field("status", &self.status)
            .field("jobs", &self.jobs)
            .finish_non_exhaustive()
    }
}

impl JobTarget for GroupsPanel {
    fn report(&mut self, status: Status) {
        self.status = Some(status);
    }
}

// ---------------------------------------------------------------------------
// State and actions (no drawing).

impl GroupsPanel {
    /// A panel on the workspace file at `db` (jobs open their own
    /// connections to it).
    pub fn new(db: Option<&Path>) -> Self {
        GroupsPanel {
            jobs: Jobs::new(db),
            auto_refresh: false,
            list_dirty: true,
            last_check: None,
            stamp: None,
            groups: Vec::new(),
            identities: Vec::new(),
            filter: String::new(),
            selected: None,
            snapshot: None,
            view: GroupView::Overview,
            tree: TreeView::default(),
            preview_tree: TreeView::default(),
            epoch_tree: TreeView::default(),
            timeline_epoch: None,
            create: CreateForm::default(),
            join_identity: None,
            join_input: String::new(),
            add_input: String::new(),
            add_queue: Vec::new(),
            send_text: String::new(),
            receive_input: String::new(),
            outputs: Vec::new(),
            selected_message: None,
            confirm_delete: None,
            status: None,
            decode_request: None,
        }
    }

    /// Runs operations on the UI thread (tests).
    pub fn set_synchronous(&mut self, synchronous: bool) {
        self.jobs.set_synchronous(synchronous);
    }

    /// Looks every few seconds for changes other writers made (the app
    /// turns this on; tests leave it off).
    pub fn set_auto_refresh(&mut self, on: bool) {
        self.auto_refresh = on;
    }

    /// Whether an operation is running.
    pub fn is_busy(&self) -> bool {
        self.jobs.busy()
    }

    /// Applies finished operations until none is running (and what they
    /// started has finished too); `false` if `timeout` passed first.
    pub fn wait_idle(&mut self, ws: &Workspace, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            for apply in self.jobs.take_ready() {
                apply(self, ws);
            }
            if !self.jobs.busy() {
                return true;
            }
            if !self.jobs.wait(deadline) {
                return false;
            }
        }
    }

    /// The group list as last read.
    pub fn groups(&self) -> &[GroupRow] {
        &self.groups
    }

    pub fn selected(&self) -> Option<GroupKey> {
        self.selected
    }

    /// Selects a group (loading it in the background) or none.
    pub fn select(&mut self, key: Option<GroupKey>) {
        if self.selected != key {
            self.selected = key;
            self.snapshot = None;
            self.timeline_epoch = None;
            self.outputs.clear();
            self.selected_message = None;
            self.tree = TreeView::default();
            self.preview_tree = TreeView::default();
            self.epoch_tree = TreeView::default();
        }
        if let Some(key) = key {
            self.reload(key);
        }
    }

    /// What was read about the selected group.
    pub fn snapshot(&self) -> Option<&GroupSnapshot> {
        self.snapshot.as_ref()
    }

    pub fn view(&self) -> GroupView {
        self.view
    }

    pub fn set_view(&mut self, view: GroupView) {
        self.view = view;
    }

    /// What the last operation did, or why it failed.
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }

    /// Key packages waiting for "Commit add".
    pub fn add_queue(&self) -> &[KeyPackageInfo] {
        &self.add_queue
    }

    /// Messages the last operation produced (to save or copy).
    pub fn outputs(&self) -> &[Output] {
        &self.outputs
    }

    /// The current epoch's tree.
    pub fn tree_view(&self) -> &TreeView {
        &self.tree
    }

    /// The staged commit's next tree.
    pub fn preview_tree_view(&self) -> &TreeView {
        &self.preview_tree
    }

    /// The tree of the epoch chosen in the timeline.
    pub fn epoch_tree_view(&self) -> &TreeView {
        &self.epoch_tree
    }

    /// The epoch chosen in the timeline.
    pub fn timeline_epoch(&self) -> Option<u64> {
        self.timeline_epoch
    }

    /// Shows the tree of `epoch` in the timeline (loaded in the
    /// background).
    pub fn select_epoch(&mut self, epoch: u64) {
        let Some(key) = self.selected else {
            return;
        };
        self.timeline_epoch = Some(epoch);
        let own = self
            .snapshot
            .as_ref()
            .filter(|s| s.row.status == GroupStatus::Active)
            .map(|s| s.row.own_leaf);
        self.jobs
            .spawn(format!("Loading the tree of epoch {epoch}…"), move |ws| {
                let model = load_epoch_tree(ws, key, epoch, own).map_err(|e| e.to_string());
                Box::new(move |p: &mut GroupsPanel, _: &Workspace| {
                    if p.selected != Some(key) || p.timeline_epoch != Some(epoch) {
                        return;
                    }
                    match model {
                        Ok(model) => p.epoch_tree.set_model(model),
                        Err(e) => p.status = Some(Status::error(e)),
                    }
                })
            });
    }

    /// A dropped or opened file: key packages are queued for adding,
    /// framed messages received, a Welcome joined, a GroupInfo joined by
    /// external commit.
    pub fn load_file(&mut self, ws: &Workspace, name: &str, bytes: Vec<u8>) {
        match Workspace::classify_message(&bytes) {
            Ok(MessageClass::KeyPackage) => {
                self.queue_key_package(ws, name, &bytes);
            }
            Ok(MessageClass::Welcome) => self.join(name, bytes),
            Ok(MessageClass::GroupInfo { .. }) => self.join_external(name, bytes),
            Ok(MessageClass::Framed { group_id, .. }) => self.receive(name, bytes, &group_id),
            Err(e) => {
                self.status = Some(Status::error(format!(
                    "{name}: not a message this panel can use: {e}"
                )));
            }
        }
    }

    /// The Decoder should show these bytes (taken by the app shell).
    pub(crate) fn take_decode_request(&mut self) -> Option<(String, Vec<u8>)> {
        self.decode_request.take()
    }

    /// Re-reads the group list and identities.
    fn refresh_list(&mut self, ws: &Workspace) {
        self.list_dirty = false;
        match ws.groups().and_then(|g| Ok((g, ws.identities()?))) {
            Ok((groups, identities)) => {
                self.groups = groups;
                self.identities = identities;
            }
            Err(e) => {
                self.status = Some(Status::error(format!("Cannot read the groups: {e}")));
            }
        }
        if let Some(key) = self.selected
            && !self.groups.iter().any(|g| g.key == key)
        {
            self.select(None);
        }
        if !self.create.initialised {
            self.create.initialised = true;
            if let Some(first) = self.identities.first() {
                self.create.identity = IdentityChoice::Existing(first.key);
                self.create.suite = first.cipher_suite;
            }
        }
        if self
            .join_identity
            .is_none_or(|k| !self.identities.iter().any(|i| i.key == k))
        {
            self.join_identity = self.identities.first().map(|i| i.key);
        }
    }

    /// Reads the list when asked to, and (with auto refresh) reloads
    /// what another writer changed.
    fn maybe_refresh(&mut self, ws: &Workspace) {
        if self.list_dirty {
            self.refresh_list(ws);
        }
        if !self.auto_refresh || self.jobs.busy() {
            return;
        }
        if self.last_check.is_some_and(|t| t.elapsed() < REFRESH_EVERY) {
            return;
        }
        self.last_check = Some(Instant::now());
        let Ok(stamp) = ws.change_stamp() else {
            return;
        };
        if self.stamp.is_some_and(|s| s != stamp) {
            self.refresh_list(ws);
            if let Some(key) = self.selected {
                self.reload(key);
            }
        }
        self.stamp = Some(stamp);
    }

    fn reload(&mut self, key: GroupKey) {
        self.jobs.spawn("Loading the group…", move |ws| {
            let loaded = load_group(ws, key).map_err(|e| e.to_string());
            Box::new(move |p: &mut GroupsPanel, ws: &Workspace| {
                p.apply_loaded(key, loaded);
                p.stamp = ws.change_stamp().ok();
            })
        });
    }

    fn apply_loaded(&mut self, key: GroupKey, loaded: Result<Loaded, String>) {
        if self.selected != Some(key) {
            return;
        }
        match loaded {
            Ok(loaded) => {
                self.tree.set_model(loaded.tree);
                if let Some(model) = loaded.pending_tree {
                    self.preview_tree.set_model(model);
                }
                if self
                    .timeline_epoch
                    .is_some_and(|e| !loaded.snapshot.history.iter().any(|h| h.epoch == e))
                {
                    self.timeline_epoch = None;
                }
                self.snapshot = Some(loaded.snapshot);
            }
            Err(e) => {
                if self.status.as_ref().is_none_or(|s| !s.error) {
                    self.status = Some(Status::error(format!("Cannot load group {key}: {e}")));
                }
            }
        }
    }

    /// Runs `work` in the background, then reloads the group it names.
    fn act<F>(&mut self, status: impl Into<String>, work: F)
    where
        F: FnOnce(&Workspace) -> Result<Done, WorkspaceError> + Send + 'static,
    {
        let key = self.selected;
        self.status = None;
        self.jobs.spawn(status, move |ws| {
            let result = work(ws).map_err(|e| e.to_string());
            let target = match &result {
                Ok(done) => match done.select {
                    Select::Same => key,
                    Select::Group(k) => Some(k),
                    Select::Nothing => None,
                },
                Err(_) => key,
            };
            let loaded = target.map(|k| (k, load_group(ws, k).map_err(|e| e.to_string())));
            Box::new(move |p: &mut GroupsPanel, ws: &Workspace| p.finish(result, loaded, ws))
        });
    }

    fn finish(
        &mut self,
        result: Result<Done, String>,
        loaded: Option<(GroupKey, Result<Loaded, String>)>,
        ws: &Workspace,
    ) {
        let mut use_identity = None;
        match result {
            Ok(done) => {
                use_identity = done.use_identity;
                match done.select {
                    Select::Same => {}
                    Select::Group(k) => {
                        if self.selected != Some(k) {
                            // Loaded below, together with the result.
                            self.selected = Some(k);
                            self.snapshot = None;
                            self.timeline_epoch = None;
                            self.selected_message = None;
                        }
                    }
                    Select::Nothing => {
                        self.selected = None;
                        self.snapshot = None;
                    }
                }
                self.outputs = done.outputs;
                if let Some(view) = done.view {
                    self.view = view;
                }
                if done.clear_add_queue {
                    self.add_queue.clear();
                }
                if done.clear_send {
                    self.send_text.clear();
                }
                if done.clear_receive {
                    self.receive_input.clear();
                }
                if done.clear_create {
                    self.create.name.clear();
                    self.create.new_identity.clear();
                }
                self.status = Some(Status::ok(done.text));
            }
            Err(e) => self.status = Some(Status::error(e)),
        }
        self.refresh_list(ws);
        if let Some(identity) = use_identity {
            self.create.identity = IdentityChoice::Existing(identity);
        }
        if let Some((key, loaded)) = loaded {
            self.apply_loaded(key, loaded);
        }
        self.stamp = ws.change_stamp().ok();
    }

    /// Validates a key package and puts it on the add list; `false` (with
    /// the reason in the status line) if it is unusable.
    fn queue_key_package(&mut self, ws: &Workspace, name: &str, bytes: &[u8]) -> bool {
        match ws.key_package_validate_foreign(bytes) {
            Ok(info) => {
                if self
                    .add_queue
                    .iter()
                    .any(|k| k.reference_hex == info.reference_hex)
                {
                    self.status = Some(Status::ok(format!(
                        "{name}: the key package of {} is already on the add list",
                        info.credential
                    )));
                } else {
                    self.status = Some(Status::ok(format!(
                        "{name}: {} ({}) is on the add list; click \"Commit add\" to add {}",
                        info.credential,
                        info.suite_name,
                        if self.add_queue.is_empty() {
                            "them"
                        } else {
                            "everyone on it"
                        }
                    )));
                    self.add_queue.push(info);
                }
                true
            }
            Err(e) => {
                self.status = Some(Status::error(format!("{name}: unusable key package: {e}")));
                false
            }
        }
    }

    fn create_group(&mut self) {
        let form = self.create.clone();
        let name = form.name.trim().to_owned();
        self.act("Creating the group…", move |ws| {
            let identity = match form.identity {
                IdentityChoice::Existing(key) => ws.identity(key)?,
                IdentityChoice::New => {
                    let suite = CipherSuite::from_u16(form.suite)
                        .ok_or(WorkspaceError::UnsupportedSuite(form.suite))?;
                    ws.identity_new(form.new_identity.trim(), suite)?
                }
            };
            let row = ws.group_create(
                identity.key,
                &GroupOptions {
                    name: (!name.is_empty()).then_some(name),
                    cipher_suite: Some(form.suite),
                    ..GroupOptions::default()
                },
            )?;
            let mut done = Done::new(format!(
                "Created group {} as {} (epoch 0, suite {})",
                row.name, identity.name, row.cipher_suite
            ))
            .select(row.key)
            .view(GroupView::Overview);
            done.clear_create = true;
            done.use_identity = Some(identity.key);
            Ok(done)
        });
    }

    fn join(&mut self, name: &str, bytes: Vec<u8>) {
        let name = name.to_owned();
        self.act(format!("Joining from {name}…"), move |ws| {
            let row = ws.join(&bytes, None)?;
            Ok(Done::new(format!(
                "Joined group {} as {} at epoch {} ({})",
                row.name,
                row.identity_name,
                row.epoch,
                plural(row.member_count as usize, "member")
            ))
            .select(row.key)
            .view(GroupView::Overview))
        });
    }

    fn join_external(&mut self, name: &str, bytes: Vec<u8>) {
        let Some(identity) = self.join_identity else {
            self.status = Some(Status::error(format!(
                "{name} is a GroupInfo: choose the identity to join as (Join a group), then open it again"
            )));
            return;
        };
        let name = name.to_owned();
        self.act(format!("Joining by external commit from {name}…"), move |ws| {
            let (row, commit) = ws.join_external(identity, &bytes)?;
            let mut done = Done::new(format!(
                "Joined group {} as {} by external commit (epoch {}): send the commit below to the group",
                row.name, row.identity_name, row.epoch
            ))
            .select(row.key)
            .view(GroupView::Overview);
            done.outputs.push(Output::new(
                format!("External commit (into epoch {})", row.epoch),
                "external-commit.mls",
                commit,
            ));
            Ok(done)
        });
    }

    fn receive(&mut self, name: &str, bytes: Vec<u8>, group_id: &[u8]) {
        // The selected group if the message is for it (it may be one of
        // several local members of that group), else wherever it routes.
        let target = self
            .selected
            .and_then(|k| self.groups.iter().find(|g| g.key == k))
            .filter(|g| g.group_id == group_id && g.status == GroupStatus::Active)
            .map(|g| g.key);
        let name = name.to_owned();
        self.act(format!("Receiving {name}…"), move |ws| {
            let receipt = ws.receive(target, &bytes)?;
            let mut done = match receipt {
                Receipt::Application {
                    group,
                    sender,
                    sender_name,
                    data,
                    ..
                } => Done::new(format!(
                    "Message from {sender_name} (leaf {sender}): {}",
                    String::from_utf8_lossy(&data)
                ))
                .select(group)
                .view(GroupView::Messages),
                Receipt::Proposal {
                    group,
                    sender,
                    description,
                    ..
                } => Done::new(format!(
                    "Proposal from {sender}: {description} (kept for the next commit)"
                ))
                .select(group),
                Receipt::CommitStaged(preview) => Done::new(format!(
                    "Commit from {} staged (epoch {} ➡ {}): review it, then Apply or Discard",
                    committer_text(&preview),
                    preview.current_epoch,
                    preview.new_epoch
                ))
                .select(preview.group)
                .view(GroupView::Staged),
                Receipt::Joined(row) => Done::new(format!(
                    "Joined group {} as {} at epoch {}",
                    row.name, row.identity_name, row.epoch
                ))
                .select(row.key)
                .view(GroupView::Overview),
            };
            done.clear_receive = true;
            Ok(done)
        });
    }

    fn commit_done(commit: &crate::workspace::LocalCommit, what: &str) -> Done {
        let p = &commit.preview;
        let send = if commit.welcome.is_some() {
            "save the commit and the Welcome for the others"
        } else {
            "save the commit for the others"
        };
        Done::new(format!(
            "{what} staged (epoch {} ➡ {}): {send}, then Apply",
            p.current_epoch, p.new_epoch
        ))
        .view(GroupView::Staged)
    }

    fn perform(&mut self, action: Action, ws: &Workspace) {
        let key = self.selected;
        match action {
            Action::Select(k) => self.select(Some(k)),
            Action::Reload => {
                self.refresh_list(ws);
                if let Some(k) = key {
                    self.reload(k);
                }
            }
            Action::Create => self.create_group(),
            Action::AskDelete(k) => self.confirm_delete = Some(k),
            Action::Delete(k) => {
                self.confirm_delete = None;
                self.act("Deleting the group…", move |ws| {
                    let row = ws.group_row(k)?;
                    ws.group_delete(k)?;
                    let mut done = Done::new(format!("Deleted group {} ({k})", row.name));
                    done.select = Select::Nothing;
                    Ok(done)
                });
            }
            Action::QueueInput => match read_input(&self.add_input) {
                Ok((name, bytes)) => {
                    if self.queue_key_package(ws, &name, &bytes) {
                        self.add_input.clear();
                    }
                }
                Err(e) => self.status = Some(Status::error(e)),
            },
            Action::Unqueue(i) => {
                if i < self.add_queue.len() {
                    self.add_queue.remove(i);
                }
            }
            Action::ClearQueue => self.add_queue.clear(),
            Action::OpenKeyPackages => super::common::open_dialog(
                &mut self.jobs,
                "Open key packages",
                true,
                |p: &mut GroupsPanel, ws: &Workspace, files| {
                    for (name, raw) in files {
                        p.queue_key_package(ws, &name, &file_bytes(&raw));
                    }
                },
            ),
            Action::CommitAdd => {
                let Some(k) = key else { return };
                let kps: Vec<Vec<u8>> = self.add_queue.iter().map(|i| i.bytes.clone()).collect();
                let n = kps.len();
                self.act(format!("Adding {}…", plural(n, "member")), move |ws| {
                    let commit = ws.commit_add(k, &kps)?;
                    let mut done = Self::commit_done(
                        &commit,
                        &format!("Commit adding {}", plural(n, "member")),
                    );
                    done.clear_add_queue = true;
                    Ok(done)
                });
            }
            Action::Remove(leaf, name) => {
                let Some(k) = key else { return };
                self.act(format!("Removing {name}…"), move |ws| {
                    let commit = ws.commit_remove(k, &[leaf])?;
                    Ok(Self::commit_done(
                        &commit,
                        &format!("Commit removing {name} (leaf {leaf})"),
                    ))
                });
            }
            Action::Update => {
                let Some(k) = key else { return };
                self.act("Committing an update…", move |ws| {
                    let commit = ws.commit_update(k)?;
                    Ok(Self::commit_done(&commit, "Update commit"))
                });
            }
            Action::Commit => {
                let Some(k) = key else { return };
                self.act("Committing…", move |ws| {
                    let commit = ws.commit(k)?;
                    Ok(Self::commit_done(&commit, "Commit"))
                });
            }
            Action::Send => {
                let Some(k) = key else { return };
                let text = self.send_text.clone();
                if text.is_empty() {
                    self.status = Some(Status::error("Type the text to send first."));
                    return;
                }
                self.act("Encrypting…", move |ws| {
                    let bytes = ws.send(k, text.as_bytes())?;
                    let epoch = ws.group_row(k)?.epoch;
                    let mut done = Done::new(format!(
                        "Encrypted {} into a {}-byte PrivateMessage: save or copy it below to deliver it",
                        plural(text.len(), "byte"),
                        bytes.len()
                    ));
                    done.outputs.push(Output::new(
                        format!("Application message (epoch {epoch})"),
                        format!("message-epoch{epoch}.mls"),
                        bytes,
                    ));
                    done.clear_send = true;
                    Ok(done)
                });
            }
            Action::Receive => match read_input(&self.receive_input) {
                Ok((name, bytes)) => self.load_file(ws, &name, bytes),
                Err(e) => self.status = Some(Status::error(e)),
            },
            Action::OpenMessages => super::common::open_dialog(
                &mut self.jobs,
                "Open MLS messages",
                true,
                |p: &mut GroupsPanel, ws: &Workspace, files| {
                    for (name, raw) in files {
                        p.load_file(ws, &name, file_bytes(&raw));
                    }
                },
            ),
            Action::ExportGroupInfo => {
                let Some(k) = key else { return };
                self.act("Exporting the GroupInfo…", move |ws| {
                    let bytes = ws.export_group_info(k)?;
                    let epoch = ws.group_row(k)?.epoch;
                    let mut done = Done::new(format!(
                        "GroupInfo of epoch {epoch} ({}) ready below: others can join with it by external commit",
                        plural(bytes.len(), "byte")
                    ));
                    done.outputs.push(Output::new(
                        format!("GroupInfo (epoch {epoch})"),
                        format!("group-info-epoch{epoch}.mls"),
                        bytes,
                    ));
                    Ok(done)
                });
            }
            Action::Apply => {
                let Some(k) = key else { return };
                self.act("Applying the staged commit…", move |ws| {
                    let row = ws.apply(k)?;
                    let text = if row.summary.self_removed {
                        format!(
                            "Applied: this member was removed from the group at epoch {}",
                            row.epoch
                        )
                    } else {
                        format!("Applied: the group is now in epoch {}", row.epoch)
                    };
                    Ok(Done::new(text).view(GroupView::Overview))
                });
            }
            Action::Discard => {
                let Some(k) = key else { return };
                self.act("Discarding the staged commit…", move |ws| {
                    ws.discard(k)?;
                    let epoch = ws.group_row(k)?.epoch;
                    Ok(Done::new(format!(
                        "Discarded the staged commit; the group stays in epoch {epoch}"
                    )))
                });
            }
            Action::SelectEpoch(e) => self.select_epoch(e),
            Action::Join => match read_input(&self.join_input) {
                Ok((name, bytes)) => {
                    self.join_input.clear();
                    self.load_file(ws, &name, bytes);
                }
                Err(e) => self.status = Some(Status::error(e)),
            },
            Action::Save(output) => save_dialog(&mut self.jobs, &output),
            Action::Decode(output) => self.decode_request = Some((output.label, output.bytes)),
        }
    }
}

fn committer_text(p: &Preview) -> String {
    match (&p.committer_name, p.committer) {
        (Some(name), Some(leaf)) => format!("{name} (leaf {leaf})"),
        (None, Some(leaf)) => format!("leaf {leaf}"),
        (Some(name), None) => name.clone(),
        (None, None) => String::from("a new member"),
    }
}

fn members_text(members: &[MemberEntry]) -> String {
    if members.is_empty() {
        return String::from("—");
    }
    let mut text = members
        .iter()
        .take(PREVIEW_MEMBERS)
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if members.len() > PREVIEW_MEMBERS {
        text.push_str(&format!(" and {} more", members.len() - PREVIEW_MEMBERS));
    }
    text
}

fn epoch_committer(row: &EpochRow) -> String {
    match row.cause {
        EpochCause::Created => String::from("(created here)"),
        EpochCause::Welcome => String::from("(joined by Welcome)"),
        EpochCause::ExternalJoin => String::from("(joined externally)"),
        EpochCause::Commit | EpochCause::ExternalCommit => match row.committer {
            Some(leaf) => row.members.iter().find(|m| m.leaf == leaf).map_or_else(
                || format!("leaf {leaf}"),
                |m| format!("{} ({leaf})", m.identity),
            ),
            None => String::from("a new member"),
        },
    }
}

// ---------------------------------------------------------------------------
// Drawing.

impl GroupsPanel {
    /// Draws the panel into `ui` (its whole available area).
    pub fn ui(&mut self, ui: &mut Ui, ws: &Workspace) {
        self.jobs.set_context(ui.ctx());
        for apply in self.jobs.take_ready() {
            apply(self, ws);
        }
        self.maybe_refresh(ws);
        for (name, bytes) in dropped_files(ui) {
            match bytes {
                Ok(raw) => self.load_file(ws, &name, file_bytes(&raw)),
                Err(e) => {
                    self.status = Some(Status::error(format!("{name}: cannot read it: {e}")));
                }
            }
        }
        let rect = ui.max_rect();
        let mut actions = Vec::new();

        egui::Panel::left("groups_list")
            .resizable(true)
            .default_size(LIST_WIDTH)
            .size_range(240.0..=440.0)
            .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                right: 8,
                ..Default::default()
            }))
            .show(ui, |ui| self.list_ui(ui, &mut actions));
        egui::CentralPanel::default()
            .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                left: 8,
                ..Default::default()
            }))
            .show(ui, |ui| self.group_ui(ui, &mut actions));
        self.delete_modal(ui, &mut actions);

        for action in actions {
            self.perform(action, ws);
        }
        drop_overlay(
            ui,
            rect,
            "Drop key packages to add, messages to receive, a Welcome or GroupInfo to join",
        );
    }

    fn list_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        egui::Panel::bottom("groups_forms")
            .frame(egui::Frame::NONE.inner_margin(egui::Margin {
                top: 6,
                bottom: 4,
                ..Default::default()
            }))
            .show(ui, |ui| {
                self.create_ui(ui, actions);
                self.join_ui(ui, actions);
            });
        egui::CentralPanel::no_frame().show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(format!("Groups ({})", self.groups.len()));
                ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                    if ui
                        .button("Reload")
                        .on_hover_text("Read the workspace file again")
                        .clicked()
                    {
                        actions.push(Action::Reload);
                    }
                });
            });
            ui.horizontal(|ui| {
                labelled_edit(
                    ui,
                    "Filter:",
                    &mut self.filter,
                    "name, group id or identity",
                    f32::INFINITY,
                );
            });
            ui.add_space(4.0);
            let filter = self.filter.trim().to_lowercase();
            let shown: Vec<&GroupRow> = self
                .groups
                .iter()
                .filter(|g| {
                    filter.is_empty()
                        || g.name.to_lowercase().contains(&filter)
                        || g.group_id_hex.contains(&filter)
                        || g.identity_name.to_lowercase().contains(&filter)
                })
                .collect();
            egui::ScrollArea::vertical()
                .id_salt("groups_list_scroll")
                .auto_shrink([false, false])
                .show(ui, |ui| {
                    if self.groups.is_empty() {
                        ui.weak("No groups yet: create one below, or join one.");
                    } else if shown.is_empty() {
                        ui.weak("No group matches the filter.");
                    }
                    for row in shown {
                        if group_row_ui(ui, row, self.selected == Some(row.key)) {
                            actions.push(Action::Select(row.key));
                        }
                    }
                });
        });
    }

    fn create_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        egui::CollapsingHeader::new("New group")
            .default_open(true)
            .show(ui, |ui| {
                let before = self.create.identity;
                egui::Grid::new("create_group_grid")
                    .num_columns(2)
                    .spacing([6.0, 4.0])
                    .show(ui, |ui| {
                        let combo_label = ui.label("Identity:");
                        let selected = match self.create.identity {
                            IdentityChoice::New => String::from("New identity…"),
                            IdentityChoice::Existing(k) => self
                                .identities
                                .iter()
                                .find(|i| i.key == k)
                                .map_or_else(|| k.to_string(), |i| i.name.clone()),
                        };
                        egui::ComboBox::from_id_salt("create_identity")
                            .selected_text(selected)
                            .width(175.0)
                            .show_ui(ui, |ui| {
                                ui.selectable_value(
                                    &mut self.create.identity,
                                    IdentityChoice::New,
                                    "New identity…",
                                );
                                for i in &self.identities {
                                    ui.selectable_value(
                                        &mut self.create.identity,
                                        IdentityChoice::Existing(i.key),
                                        &i.name,
                                    );
                                }
                            })
                            .response
                            .labelled_by(combo_label.id);
                        ui.end_row();
                        if self.create.identity == IdentityChoice::New {
                            let label = ui.label("Identity name:");
                            ui.add(
                                egui::TextEdit::singleline(&mut self.create.new_identity)
                                    .hint_text("e.g. alice")
                                    .desired_width(175.0),
                            )
                            .labelled_by(label.id);
                            ui.end_row();
                        }
                        let combo_label = ui.label("Cipher suite:");
                        egui::ComboBox::from_id_salt("create_suite")
                            .selected_text(suite_short(self.create.suite))
                            .width(175.0)
                            .show_ui(ui, |ui| {
                                for cs in CipherSuite::ALL {
                                    ui.selectable_value(
                                        &mut self.create.suite,
                                        cs.id(),
                                        suite_short(cs.id()),
                                    )
                                    .on_hover_text(cs.name());
                                }
                            })
                            .response
                            .labelled_by(combo_label.id);
                        ui.end_row();
                        let label = ui.label("Group name:");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.create.name)
                                .hint_text("optional")
                                .desired_width(175.0),
                        )
                        .labelled_by(label.id);
                        ui.end_row();
                    });
                if self.create.identity != before
                    && let IdentityChoice::Existing(k) = self.create.identity
                    && let Some(i) = self.identities.iter().find(|i| i.key == k)
                {
                    self.create.suite = i.cipher_suite;
                }
                if ui
                    .add_enabled(!self.jobs.busy(), egui::Button::new("Create group"))
                    .clicked()
                {
                    actions.push(Action::Create);
                }
            });
    }

    fn join_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        egui::CollapsingHeader::new("Join a group")
            .default_open(false)
            .show(ui, |ui| {
                ui.horizontal(|ui| {
                    let combo_label = ui.label("Join externally as:");
                    let selected = self
                        .join_identity
                        .and_then(|k| self.identities.iter().find(|i| i.key == k))
                        .map_or_else(|| String::from("(no identity)"), |i| i.name.clone());
                    egui::ComboBox::from_id_salt("join_identity")
                        .selected_text(selected)
                        .width(140.0)
                        .show_ui(ui, |ui| {
                            for i in &self.identities {
                                ui.selectable_value(&mut self.join_identity, Some(i.key), &i.name);
                            }
                        })
                        .response
                        .labelled_by(combo_label.id);
                });
                ui.horizontal(|ui| {
                    labelled_edit(
                        ui,
                        "Welcome / GroupInfo:",
                        &mut self.join_input,
                        "path, hex or base64",
                        110.0,
                    );
                });
                ui.horizontal(|ui| {
                    let enabled = !self.jobs.busy();
                    if ui.add_enabled(enabled, egui::Button::new("Join")).clicked() {
                        actions.push(Action::Join);
                    }
                    if ui
                        .add_enabled(enabled, egui::Button::new("Open Welcome or GroupInfo…"))
                        .clicked()
                    {
                        actions.push(Action::OpenMessages);
                    }
                });
                ui.weak("A Welcome joins with a key package of this workspace; a GroupInfo joins by external commit. Files can be dropped here too.");
            });
    }

    fn group_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(key) = self.selected else {
            ui.add_space(8.0);
            ui.heading("No group selected");
            ui.label("Select a group on the left, create one, or join one.");
            ui.add_space(4.0);
            ui.weak("Drop files here: key packages are queued for adding to the selected group, commits and other messages are received, a Welcome is joined, a GroupInfo is joined by external commit.");
            self.busy_line(ui);
            status_line(ui, self.status.as_ref());
            return;
        };
        let row = self
            .snapshot
            .as_ref()
            .map(|s| s.row.clone())
            .or_else(|| self.groups.iter().find(|g| g.key == key).cloned());
        ui.horizontal(|ui| {
            match &row {
                Some(row) => {
                    ui.heading(format!("Group {}", row.name));
                    ui.weak(format!("{} · as {}", row.key, row.identity_name));
                    if row.status == GroupStatus::Removed {
                        ui.colored_label(error_color(ui), "removed");
                    }
                }
                None => {
                    ui.heading(format!("Group {key}"));
                }
            }
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                if ui
                    .add_enabled(!self.jobs.busy(), egui::Button::new("Delete group…"))
                    .clicked()
                {
                    actions.push(Action::AskDelete(key));
                }
            });
        });
        self.busy_line(ui);
        status_line(ui, self.status.as_ref());

        let pending = self.snapshot.as_ref().and_then(|s| s.pending()).cloned();
        if let Some(p) = &pending
            && self.view != GroupView::Staged
        {
            egui::Frame::new()
                .fill(warn_color(ui).gamma_multiply(0.15))
                .inner_margin(6.0)
                .corner_radius(4.0)
                .show(ui, |ui| {
                    ui.horizontal(|ui| {
                        ui.colored_label(
                            warn_color(ui),
                            format!(
                                "A{} commit by {} is staged: epoch {} ➡ {}.",
                                match p.origin {
                                    Origin::Local => " local",
                                    Origin::Incoming => "n incoming",
                                },
                                committer_text(p),
                                p.current_epoch,
                                p.new_epoch
                            ),
                        );
                        if ui.button("Review").clicked() {
                            self.view = GroupView::Staged;
                        }
                    });
                });
        }

        ui.horizontal(|ui| {
            for view in GroupView::ALL {
                let mut text = RichText::new(view.title());
                if view == GroupView::Staged && pending.is_some() {
                    text = text.color(warn_color(ui)).strong();
                }
                ui.selectable_value(&mut self.view, view, text);
            }
        });
        ui.separator();

        if self.snapshot.is_none() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label("Loading the group…");
            });
            return;
        }
        match self.view {
            GroupView::Overview => self.overview_ui(ui, actions),
            GroupView::Tree => self.tree_ui(ui),
            GroupView::Timeline => self.timeline_ui(ui, actions),
            GroupView::Messages => self.messages_ui(ui, actions),
            GroupView::Staged => self.staged_ui(ui, actions),
        }
    }

    fn busy_line(&self, ui: &mut Ui) {
        if let Some(text) = self.jobs.status_text() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(text);
            });
        }
    }

    fn overview_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        StripBuilder::new(ui)
            .size(Size::remainder().at_least(300.0))
            .size(Size::exact(ACTIONS_WIDTH))
            .horizontal(|mut strip| {
                strip.cell(|ui| self.info_ui(ui, actions));
                strip.cell(|ui| {
                    egui::ScrollArea::vertical()
                        .id_salt("group_actions_scroll")
                        .auto_shrink([false, false])
                        .show(ui, |ui| self.actions_ui(ui, actions));
                });
            });
    }

    fn info_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(snap) = &self.snapshot else {
            return;
        };
        let row = &snap.row;
        egui::Grid::new("group_info_grid")
            .num_columns(2)
            .spacing([12.0, 3.0])
            .show(ui, |ui| {
                info_row(
                    ui,
                    "Group id",
                    &short_hex(&row.group_id_hex, 32),
                    Some(&row.group_id_hex),
                    true,
                );
                info_row(
                    ui,
                    "Cipher suite",
                    &format!("{} ({})", row.suite_name, row.cipher_suite),
                    None,
                    false,
                );
                info_row(ui, "Epoch", &row.epoch.to_string(), None, false);
                match &snap.details {
                    Some(d) => {
                        let own = d
                            .members
                            .iter()
                            .find(|m| m.is_self)
                            .map_or_else(String::new, |m| format!(" ({})", m.identity));
                        info_row(
                            ui,
                            "Own leaf",
                            &format!("{}{own}", row.own_leaf),
                            None,
                            false,
                        );
                        info_row(ui, "Members", &d.members.len().to_string(), None, false);
                        info_row(
                            ui,
                            "Tree hash",
                            &short_hex(&d.tree_hash_hex, 32),
                            Some(&d.tree_hash_hex),
                            true,
                        );
                        info_row(
                            ui,
                            "Epoch authenticator",
                            &short_hex(&d.epoch_authenticator_hex, 32),
                            Some(&d.epoch_authenticator_hex),
                            true,
                        );
                        let extensions = if d.extensions.is_empty() {
                            String::from("none")
                        } else {
                            d.extensions
                                .iter()
                                .map(|e| format!("{} ({} B)", e.name, e.data_hex.len() / 2))
                                .collect::<Vec<_>>()
                                .join(", ")
                        };
                        let full = d
                            .extensions
                            .iter()
                            .map(|e| format!("{} ({}): {}", e.name, e.extension_type, e.data_hex))
                            .collect::<Vec<_>>()
                            .join("\n");
                        info_row(ui, "Extensions", &extensions, Some(&full), false);
                    }
                    None => {
                        info_row(
                            ui,
                            "Status",
                            "this member was removed; the history is kept",
                            None,
                            false,
                        );
                    }
                }
            });
        ui.add_space(6.0);
        let Some(d) = &snap.details else {
            return;
        };
        ui.strong(format!("Members ({})", d.members.len()));
        // Removing stages a commit: not while one is staged or running.
        let busy = self.jobs.busy() || d.pending.is_some();
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        TableBuilder::new(ui)
            .id_salt("group_members")
            .striped(true)
            .cell_layout(Layout::left_to_right(Align::Center))
            .column(Column::exact(40.0))
            .column(Column::initial(170.0).at_least(90.0).clip(true))
            .column(Column::remainder().at_least(100.0).clip(true))
            .column(Column::exact(72.0))
            .auto_shrink([false, false])
            .header(row_height, |mut header| {
                for title in ["Leaf", "Identity", "Signature key", ""] {
                    header.col(|ui| {
                        ui.strong(title);
                    });
                }
            })
            .body(|body| {
                body.rows(row_height, d.members.len(), |mut table_row| {
                    let Some(m) = d.members.get(table_row.index()) else {
                        return;
                    };
                    table_row.col(|ui| {
                        ui.label(m.leaf.to_string());
                    });
                    table_row.col(|ui| {
                        if m.is_self {
                            ui.label(RichText::new(format!("{} (you)", m.identity)).strong());
                        } else {
                            ui.label(&m.identity);
                        }
                    });
                    table_row.col(|ui| {
                        ui.label(
                            RichText::new(short_hex(&m.signature_key_hex, SHORT_HEX)).monospace(),
                        )
                        .on_hover_text(&m.signature_key_hex);
                    });
                    table_row.col(|ui| {
                        if !m.is_self
                            && ui
                                .add_enabled(!busy, egui::Button::new("Remove").small())
                                .on_hover_text(format!(
                                    "Stage a commit removing {} (leaf {})",
                                    m.identity, m.leaf
                                ))
                                .clicked()
                        {
                            actions.push(Action::Remove(m.leaf, m.identity.clone()));
                        }
                    });
                });
            });
    }

    fn actions_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let active = self
            .snapshot
            .as_ref()
            .is_some_and(|s| s.row.status == GroupStatus::Active);
        let pending = self.snapshot.as_ref().and_then(|s| s.pending()).is_some();
        let enabled = active && !self.jobs.busy();
        let commit_enabled = enabled && !pending;
        ui.set_width(ui.available_width());

        section(ui, "Commit", |ui| {
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(commit_enabled, egui::Button::new("Update"))
                    .on_hover_text("Stage a commit with an UpdatePath: fresh keys for this member")
                    .clicked()
                {
                    actions.push(Action::Update);
                }
                if ui
                    .add_enabled(commit_enabled, egui::Button::new("Commit"))
                    .on_hover_text(
                        "Stage a commit of the proposals received this epoch \
                         (an empty commit with a path if there are none)",
                    )
                    .clicked()
                {
                    actions.push(Action::Commit);
                }
            });
            if pending {
                ui.weak("A commit is staged: apply or discard it first.");
            }
        });

        section(ui, "Add members", |ui| {
            ui.horizontal(|ui| {
                labelled_edit_fill(
                    ui,
                    "Key package:",
                    &mut self.add_input,
                    "file path, hex or base64",
                    0.0,
                );
            });
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(active, egui::Button::new("Add to list"))
                    .clicked()
                {
                    actions.push(Action::QueueInput);
                }
                if ui
                    .add_enabled(active, egui::Button::new("Open key packages…"))
                    .clicked()
                {
                    actions.push(Action::OpenKeyPackages);
                }
            });
            if self.add_queue.is_empty() {
                ui.weak("Or drop key package files on this panel.");
            }
            for (i, kp) in self.add_queue.iter().enumerate().take(QUEUE_SHOWN) {
                ui.horizontal(|ui| {
                    if ui
                        .small_button("✖")
                        .on_hover_text("Take it off the list")
                        .clicked()
                    {
                        actions.push(Action::Unqueue(i));
                    }
                    ui.label(&kp.credential).on_hover_text(format!(
                        "{} ({})\nKeyPackageRef {}",
                        kp.suite_name, kp.cipher_suite, kp.reference_hex
                    ));
                    ui.weak(format!(
                        "suite {} · {}",
                        kp.cipher_suite,
                        short_hex(&kp.reference_hex, 8)
                    ));
                });
            }
            if self.add_queue.len() > QUEUE_SHOWN {
                ui.horizontal(|ui| {
                    ui.weak(format!("and {} more", self.add_queue.len() - QUEUE_SHOWN));
                    if ui.small_button("Clear list").clicked() {
                        actions.push(Action::ClearQueue);
                    }
                });
            }
            if !self.add_queue.is_empty()
                && ui
                    .add_enabled(commit_enabled, egui::Button::new("Commit add"))
                    .on_hover_text(format!(
                        "Stage one commit adding {}",
                        plural(self.add_queue.len(), "member")
                    ))
                    .clicked()
            {
                actions.push(Action::CommitAdd);
            }
        });

        section(ui, "Send a message", |ui| {
            ui.horizontal(|ui| {
                let response = labelled_edit_fill(
                    ui,
                    "Text to send:",
                    &mut self.send_text,
                    "application data",
                    52.0,
                );
                let entered =
                    response.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if (ui.add_enabled(enabled, egui::Button::new("Send")).clicked() || entered)
                    && enabled
                {
                    actions.push(Action::Send);
                }
            });
        });

        section(ui, "Receive a message", |ui| {
            ui.horizontal(|ui| {
                labelled_edit_fill(
                    ui,
                    "Incoming message:",
                    &mut self.receive_input,
                    "path, hex or base64",
                    68.0,
                );
                if ui
                    .add_enabled(!self.jobs.busy(), egui::Button::new("Receive"))
                    .clicked()
                {
                    actions.push(Action::Receive);
                }
            });
            if ui
                .add_enabled(!self.jobs.busy(), egui::Button::new("Open messages…"))
                .on_hover_text("Commits are staged for review; application messages decrypted")
                .clicked()
            {
                actions.push(Action::OpenMessages);
            }
        });

        section(ui, "Export", |ui| {
            if ui
                .add_enabled(enabled, egui::Button::new("Export GroupInfo"))
                .on_hover_text(
                    "This epoch's signed GroupInfo with the ratchet tree, for external joins",
                )
                .clicked()
            {
                actions.push(Action::ExportGroupInfo);
            }
        });

        if !self.outputs.is_empty() {
            section(ui, "Produced", |ui| {
                for output in &self.outputs {
                    output_ui(ui, output, actions);
                }
            });
        }
    }

    fn tree_ui(&mut self, ui: &mut Ui) {
        if let Some(snap) = &self.snapshot {
            ui.label(format!(
                "Epoch {} · own leaf {} and its direct path in orange · click a node for its keys and hashes",
                snap.row.epoch, snap.row.own_leaf
            ));
        }
        self.tree.ui(ui);
    }

    fn timeline_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(snap) = &self.snapshot else {
            return;
        };
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        let table_height = (ui.available_height() * 0.38).clamp(110.0, 300.0);
        let width = ui.available_width();
        let history = &snap.history;
        let selected_epoch = self.timeline_epoch;
        ui.allocate_ui(vec2(width, table_height), |ui| {
            // Rows are clicked anywhere: labels must not take the click.
            ui.style_mut().interaction.selectable_labels = false;
            TableBuilder::new(ui)
                .id_salt("group_timeline")
                .striped(true)
                .sense(Sense::click())
                .cell_layout(Layout::left_to_right(Align::Center))
                .column(Column::exact(48.0))
                .column(Column::exact(122.0))
                .column(Column::initial(110.0).at_least(70.0).clip(true))
                .column(Column::remainder().at_least(150.0).clip(true))
                .column(Column::exact(120.0))
                .min_scrolled_height(0.0)
                .max_scroll_height(table_height - row_height)
                .auto_shrink([false, true])
                .header(row_height, |mut header| {
                    for title in [
                        "Epoch",
                        "Time (UTC)",
                        "Committer",
                        "What changed",
                        "Authenticator",
                    ] {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|body| {
                    // Newest first.
                    body.rows(row_height, history.len(), |mut table_row| {
                        let i = history.len().saturating_sub(table_row.index() + 1);
                        let Some(e) = history.get(i) else {
                            return;
                        };
                        table_row.set_selected(selected_epoch == Some(e.epoch));
                        table_row.col(|ui| {
                            ui.label(e.epoch.to_string());
                        });
                        table_row.col(|ui| {
                            ui.label(format_time_u(e.time));
                        });
                        table_row.col(|ui| {
                            ui.label(epoch_committer(e));
                        });
                        table_row.col(|ui| {
                            ui.label(&e.text).on_hover_text(&e.text);
                        });
                        table_row.col(|ui| {
                            ui.label(
                                RichText::new(short_hex(&e.epoch_authenticator_hex, 12))
                                    .monospace(),
                            )
                            .on_hover_text(&e.epoch_authenticator_hex);
                        });
                        if table_row.response().clicked() {
                            actions.push(Action::SelectEpoch(e.epoch));
                        }
                    });
                });
        });
        ui.separator();
        match self.timeline_epoch {
            Some(epoch) => {
                ui.label(format!(
                    "Tree at epoch {epoch}: nodes that changed in this epoch are ringed in magenta"
                ));
                self.epoch_tree.ui(ui);
            }
            None => {
                ui.weak(
                    "Click an epoch above to see its ratchet tree and what its commit changed.",
                );
            }
        }
    }

    fn messages_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(snap) = &self.snapshot else {
            return;
        };
        let messages = &snap.messages;
        if messages.is_empty() {
            ui.weak("No messages yet: what this member sends, receives, exports or joins with is listed here.");
            return;
        }
        let names = |leaf: u32| -> String {
            snap.details
                .as_ref()
                .and_then(|d| d.members.iter().find(|m| m.leaf == leaf))
                .map_or_else(
                    || format!("leaf {leaf}"),
                    |m| format!("{} ({leaf})", m.identity),
                )
        };
        let row_height = ui.text_style_height(&egui::TextStyle::Body) + 8.0;
        let selected = self.selected_message;
        let mut clicked = None;
        let table_height = (ui.available_height() - 60.0).max(120.0);
        ui.allocate_ui(vec2(ui.available_width(), table_height), |ui| {
            // Rows are clicked anywhere: labels must not take the click.
            ui.style_mut().interaction.selectable_labels = false;
            TableBuilder::new(ui)
                .id_salt("group_messages")
                .striped(true)
                .sense(Sense::click())
                .cell_layout(Layout::left_to_right(Align::Center))
                .column(Column::exact(40.0))
                .column(Column::exact(122.0))
                .column(Column::exact(36.0))
                .column(Column::exact(86.0))
                .column(Column::exact(50.0))
                .column(Column::initial(110.0).clip(true))
                .column(Column::exact(70.0))
                .column(Column::remainder().at_least(100.0).clip(true))
                .min_scrolled_height(0.0)
                .max_scroll_height(table_height - row_height)
                .auto_shrink([false, true])
                .header(row_height, |mut header| {
                    for title in [
                        "#",
                        "Time (UTC)",
                        "Dir",
                        "Kind",
                        "Epoch",
                        "Sender",
                        "Size",
                        "Content",
                    ] {
                        header.col(|ui| {
                            ui.strong(title);
                        });
                    }
                })
                .body(|body| {
                    body.rows(row_height, messages.len(), |mut table_row| {
                        let Some(m) = messages.get(table_row.index()) else {
                            return;
                        };
                        table_row.set_selected(selected == Some(m.id));
                        table_row.col(|ui| {
                            ui.label(m.id.to_string());
                        });
                        table_row.col(|ui| {
                            ui.label(format_time_u(m.time));
                        });
                        table_row.col(|ui| {
                            ui.label(match m.direction {
                                Direction::In => "in",
                                Direction::Out => "out",
                            });
                        });
                        table_row.col(|ui| {
                            ui.label(m.kind.as_str());
                        });
                        table_row.col(|ui| {
                            ui.label(m.epoch.map_or_else(|| String::from("—"), |e| e.to_string()));
                        });
                        table_row.col(|ui| {
                            ui.label(m.sender.map_or_else(|| String::from("—"), names));
                        });
                        table_row.col(|ui| {
                            ui.label(plural(m.bytes.len(), "byte"));
                        });
                        table_row.col(|ui| match (&m.kind, &m.content) {
                            (MessageKind::Application, Some(text)) => {
                                let text = String::from_utf8_lossy(text);
                                ui.label(RichText::new(text.as_ref()).strong())
                                    .on_hover_text(text.as_ref());
                            }
                            _ => {
                                ui.weak("—");
                            }
                        });
                        if table_row.response().clicked() {
                            clicked = Some(m.id);
                        }
                    });
                });
        });
        ui.separator();
        let chosen = self
            .selected_message
            .and_then(|id| messages.iter().find(|m| m.id == id));
        match chosen {
            Some(m) => {
                let output = Output::new(
                    format!("message #{} ({})", m.id, m.kind.as_str()),
                    format!("message-{}-{}.mls", m.id, m.kind.as_str()),
                    m.bytes.clone(),
                );
                ui.horizontal(|ui| {
                    ui.label(format!(
                        "#{} · {} {} · {}",
                        m.id,
                        match m.direction {
                            Direction::In => "received",
                            Direction::Out => "sent",
                        },
                        m.kind.as_str(),
                        plural(m.bytes.len(), "byte")
                    ));
                    if let Some(action) = output_buttons(ui, &output) {
                        actions.push(match action {
                            OutputAction::Save => Action::Save(output.clone()),
                            OutputAction::Decode => Action::Decode(output.clone()),
                        });
                    }
                });
            }
            None => {
                ui.weak("Click a message to save, copy or decode it.");
            }
        }
        if let Some(id) = clicked {
            self.selected_message = Some(id);
        }
    }

    fn staged_ui(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(p) = self.snapshot.as_ref().and_then(|s| s.pending()).cloned() else {
            ui.add_space(8.0);
            ui.heading("No commit is staged");
            ui.label(
                "Commits you make (Update, Commit, Commit add, Remove) and commits you receive \
                 are staged here for review: nothing changes until you click Apply.",
            );
            return;
        };
        let busy = self.jobs.busy();
        let max_summary = (ui.available_height() * 0.5).max(160.0);
        egui::ScrollArea::vertical()
            .id_salt("staged_summary_scroll")
            .max_height(max_summary)
            .auto_shrink([false, true])
            .show(ui, |ui| staged_summary(ui, &p, busy, actions));
        ui.separator();
        ui.label(
            "The next epoch's tree: nodes this commit changes are ringed in magenta \
             (hover or click a node for its keys and hashes)",
        );
        self.preview_tree.ui(ui);
    }

    fn delete_modal(&mut self, ui: &mut Ui, actions: &mut Vec<Action>) {
        let Some(key) = self.confirm_delete else {
            return;
        };
        let name = self
            .groups
            .iter()
            .find(|g| g.key == key)
            .map_or_else(|| key.to_string(), |g| g.name.clone());
        let mut close = false;
        let modal =
            egui::Modal::new(egui::Id::unique("confirm_delete_group")).show(ui.ctx(), |ui| {
                ui.set_width(380.0);
                ui.heading("Delete this group?");
                ui.add(
                    egui::Label::new(format!(
                        "Group {name} ({key}) is deleted from this workspace with its state, \
                     history, staged commit and messages. The other members are not told; \
                     this cannot be undone."
                    ))
                    .wrap(),
                );
                ui.add_space(6.0);
                ui.horizontal(|ui| {
                    if ui
                        .button(RichText::new("Delete").color(error_color(ui)))
                        .clicked()
                    {
                        actions.push(Action::Delete(key));
                        close = true;
                    }
                    if ui.button("Cancel").clicked() {
                        close = true;
                    }
                });
            });
        if close || modal.should_close() {
            self.confirm_delete = None;
        }
    }
}

/// A group in the list: name, then epoch, members, suite and markers.
/// Returns whether it was clicked.
fn group_row_ui(ui: &mut Ui, row: &GroupRow, selected: bool) -> bool {
    let visuals = ui.visuals().clone();
    let fill = if selected {
        visuals.selection.bg_fill.gamma_multiply(0.6)
    } else {
        egui::Color32::TRANSPARENT
    };
    let inner = egui::Frame::new()
        .fill(fill)
        .inner_margin(egui::Margin::symmetric(6, 4))
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new(&row.name).strong());
                if row.pending {
                    ui.colored_label(warn_color(ui), "⚠ staged commit")
                        .on_hover_text("A commit waits for Apply or Discard");
                }
                if row.status == GroupStatus::Removed {
                    ui.colored_label(error_color(ui), "removed");
                }
            });
            ui.weak(format!(
                "epoch {} · {} · suite {}",
                row.epoch,
                plural(row.member_count as usize, "member"),
                row.cipher_suite
            ));
            ui.weak(format!(
                "as {} · {}",
                row.identity_name,
                short_hex(&row.group_id_hex, 12)
            ));
        });
    let rect = inner.response.rect;
    let response = ui
        .interact(
            rect,
            ui.scope_id().with(("group_row", row.key.0)),
            Sense::click(),
        )
        .on_hover_text(format!(
            "{} · group id {}",
            row.suite_name, row.group_id_hex
        ));
    if response.hovered() && !selected {
        ui.painter().rect_stroke(
            rect,
            4.0,
            visuals.widgets.hovered.bg_stroke,
            egui::StrokeKind::Inside,
        );
    }
    ui.add_space(2.0);
    response.clicked()
}

/// A titled block of the actions column.
fn section(ui: &mut Ui, title: &str, add: impl FnOnce(&mut Ui)) {
    egui::Frame::group(ui.style()).show(ui, |ui| {
        ui.set_width(ui.available_width());
        ui.strong(title);
        add(ui);
    });
    ui.add_space(4.0);
}

fn output_ui(ui: &mut Ui, output: &Output, actions: &mut Vec<Action>) {
    ui.label(format!(
        "{} · {}",
        output.label,
        plural(output.bytes.len(), "byte")
    ));
    ui.horizontal(|ui| {
        if let Some(action) = output_buttons(ui, output) {
            actions.push(match action {
                OutputAction::Save => Action::Save(output.clone()),
                OutputAction::Decode => Action::Decode(output.clone()),
            });
        }
    });
}

fn staged_summary(ui: &mut Ui, p: &Preview, busy: bool, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        ui.heading(match p.origin {
            Origin::Local => "Local commit (staged)",
            Origin::Incoming => "Incoming commit (staged)",
        });
        ui.add_space(12.0);
        if ui
            .add_enabled(!busy, egui::Button::new(RichText::new("Apply").strong()))
            .on_hover_text(format!("Move to epoch {}", p.new_epoch))
            .clicked()
        {
            actions.push(Action::Apply);
        }
        if ui
            .add_enabled(!busy, egui::Button::new("Discard"))
            .on_hover_text(format!("Drop it and stay in epoch {}", p.current_epoch))
            .clicked()
        {
            actions.push(Action::Discard);
        }
    });
    if p.self_removed {
        ui.colored_label(
            error_color(ui),
            RichText::new(
                "⚠ This commit removes you from the group. Applying it deletes this \
                 group's state; only its history is kept.",
            )
            .strong(),
        );
    }
    ui.add_space(4.0);
    let s = &p.summary;
    let value_width = ((ui.available_width() - 2.0 * 120.0 - 40.0) / 2.0).max(120.0);
    let extensions = match &s.extensions {
        None => String::from("unchanged"),
        Some(types) if types.is_empty() => String::from("all removed"),
        Some(types) => format!(
            "set to {}",
            types
                .iter()
                .map(|t| mls_core::inspect::names::extension_type(u64::from(*t))
                    .map_or_else(|| format!("extension {t}"), str::to_owned))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let psks = if s.psks.is_empty() {
        String::from("—")
    } else {
        s.psks.join(", ")
    };
    let mut cells: Vec<(&str, String, Option<&str>)> = vec![
        ("Committer", committer_text(p), None),
        (
            "Epoch",
            format!("{} ➡ {}", p.current_epoch, p.new_epoch),
            None,
        ),
        ("Added", members_text(&s.added), None),
        ("Removed", members_text(&s.removed), None),
        ("Updated", members_text(&s.updated), None),
        ("PSKs", psks, None),
        ("Extensions", extensions, None),
        (
            "Update path",
            String::from(if s.has_path { "yes" } else { "no" }),
            None,
        ),
        ("Members after", p.members_after.len().to_string(), None),
        ("Changed nodes", p.changed_nodes.len().to_string(), None),
        (
            "New tree hash",
            short_hex(&p.tree_hash_hex, 24),
            Some(p.tree_hash_hex.as_str()),
        ),
        (
            "New authenticator",
            short_hex(&p.epoch_authenticator_hex, 24),
            Some(p.epoch_authenticator_hex.as_str()),
        ),
    ];
    if let Some(reinit) = &s.reinit {
        cells.push(("ReInit", reinit.clone(), None));
    }
    egui::Grid::new("staged_grid")
        .num_columns(4)
        .spacing([10.0, 4.0])
        .show(ui, |ui| {
            for pair in cells.chunks(2) {
                for (key, value, full) in pair {
                    ui.label(RichText::new(*key).weak());
                    let response = ui
                        .scope(|ui| {
                            ui.set_max_width(value_width);
                            ui.add(egui::Label::new(value.as_str()).wrap())
                        })
                        .inner;
                    if let Some(full) = full {
                        response.on_hover_text(*full);
                    }
                }
                ui.end_row();
            }
        });
    if p.origin == Origin::Local {
        ui.add_space(6.0);
        ui.strong("Send these to the group (they are also in the Messages view):");
        let epoch = p.current_epoch;
        let mut outputs = vec![Output::new(
            format!("Commit (epoch {epoch} ➡ {})", p.new_epoch),
            format!("commit-epoch{epoch}.mls"),
            p.message.clone(),
        )];
        if let Some(welcome) = &p.welcome {
            outputs.push(Output::new(
                format!("Welcome (epoch {})", p.new_epoch),
                format!("welcome-epoch{}.mls", p.new_epoch),
                welcome.clone(),
            ));
        }
        if let Some(info) = &p.group_info {
            outputs.push(Output::new(
                format!("GroupInfo (epoch {})", p.new_epoch),
                format!("group-info-epoch{}.mls", p.new_epoch),
                info.clone(),
            ));
        }
        for output in &outputs {
            ui.horizontal(|ui| {
                ui.label(format!(
                    "{} · {}",
                    output.label,
                    plural(output.bytes.len(), "byte")
                ));
                if let Some(action) = output_buttons(ui, output) {
                    actions.push(match action {
                        OutputAction::Save => Action::Save(output.clone()),
                        OutputAction::Decode => Action::Decode(output.clone()),
                    });
                }
            });
        }
    }
}
