//! The Groups panel's state: what it shows, the forms, and what clicks and
//! finished operations ask for.

use std::path::Path;
use std::time::{Duration, Instant};

use mls_core::crypto::CipherSuite;

use crate::ui::common::Opened;
use crate::ui::common::{Output, OutputAction, Status};
use crate::ui::jobs::{JobPanel, Jobs, job_outcome};
use crate::ui::tree_view::{TreeView, TreeViewModel};
use crate::workspace::{
    EpochRow, ExportedSecret, GroupDetails, GroupKey, GroupRow, IdentityInfo, IdentityKey,
    KeyPackageInfo, MessageRow, Preview, ProposalRow, ProposalSent,
};

use super::export::ExportForm;

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
    /// The current epoch's pending proposals (none once removed).
    pub proposals: Vec<ProposalRow>,
    /// The epoch's candidate commits with the orchestrator's verdicts (or
    /// the last settled epoch's; none once removed).
    pub candidates: Option<crate::workspace::Candidates>,
    /// The ids of the external PSKs stored in the workspace ("include
    /// PSKs" injects them all).
    pub stored_psks: Vec<Vec<u8>>,
}

impl GroupSnapshot {
    /// The pending commit's preview.
    pub fn pending(&self) -> Option<&Preview> {
        self.details.as_ref()?.pending.as_ref()
    }
}

/// A snapshot with its tree models (built off the UI thread).
#[derive(Debug)]
pub(crate) struct Loaded {
    pub(super) snapshot: GroupSnapshot,
    pub(super) tree: TreeViewModel,
    pub(super) pending_tree: Option<TreeViewModel>,
}
/// Who makes a new group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IdentityChoice {
    New,
    Existing(IdentityKey),
}

#[derive(Debug, Clone)]
pub(super) struct CreateForm {
    pub(super) identity: IdentityChoice,
    pub(super) new_identity: String,
    pub(super) suite: u16,
    pub(super) name: String,
    /// The identity was chosen (by default or by the user) once.
    pub(super) initialised: bool,
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
pub(super) enum Select {
    Same,
    Group(GroupKey),
    Nothing,
}

/// What a finished operation reports.
#[derive(Debug)]
pub(crate) struct Done {
    pub(super) text: String,
    pub(super) outputs: Vec<Output>,
    pub(super) view: Option<GroupView>,
    pub(super) select: Select,
    pub(super) clear_add_queue: bool,
    pub(super) clear_send: bool,
    pub(super) clear_receive: bool,
    pub(super) clear_create: bool,
    /// Untick the members chosen for removal (a commit was staged).
    pub(super) clear_remove: bool,
    /// The identity the create form should offer next (a new one it made).
    pub(super) use_identity: Option<IdentityKey>,
    /// An application message sent or received and its plaintext, shown
    /// for this window's session even if the group does not keep it.
    pub(super) seen_plaintext: Option<(Vec<u8>, Vec<u8>)>,
}

impl Done {
    pub(super) fn new(text: impl Into<String>) -> Self {
        Done {
            text: text.into(),
            outputs: Vec::new(),
            view: None,
            select: Select::Same,
            clear_add_queue: false,
            clear_send: false,
            clear_receive: false,
            clear_create: false,
            clear_remove: false,
            use_identity: None,
            seen_plaintext: None,
        }
    }

    pub(super) fn view(mut self, view: GroupView) -> Self {
        self.view = Some(view);
        self
    }

    pub(super) fn select(mut self, key: GroupKey) -> Self {
        self.select = Select::Group(key);
        self
    }
}

/// What a file dialog was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpenFor {
    /// Key packages to queue for adding.
    KeyPackages,
    /// Messages to receive or join with.
    Messages,
    /// An identity file to list as an external sender.
    ExternalSenders,
}

/// What a background job of the panel came back with.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// The job could not run (no workspace, panic, no thread).
    Failed(String),
    /// A file dialog saved a produced message (or could not).
    Saved(Status),
    /// A file dialog opened files.
    Opened { purpose: OpenFor, opened: Opened },
    /// The group list and the identities.
    Listed {
        list: Result<(Vec<GroupRow>, Vec<IdentityInfo>), String>,
        stamp: Option<u64>,
    },
    /// The workspace's change stamp (auto refresh).
    Stamp(Option<u64>),
    /// A group read with its trees.
    Loaded {
        key: GroupKey,
        loaded: Result<Loaded, String>,
        stamp: Option<u64>,
    },
    /// The tree of an epoch chosen in the timeline.
    EpochTree {
        key: GroupKey,
        epoch: u64,
        model: Result<TreeViewModel, String>,
    },
    /// An operation's result, the group it names, and the list after it.
    Finished {
        result: Result<Done, String>,
        loaded: Option<(GroupKey, Result<Loaded, String>)>,
        list: Result<(Vec<GroupRow>, Vec<IdentityInfo>), String>,
        stamp: Option<u64>,
    },
    /// A key package validated for the add list.
    KeyPackage {
        name: String,
        from_input: bool,
        result: Result<KeyPackageInfo, String>,
    },
    /// An exporter value (the secret is redacted in `Debug`; shown only
    /// after Reveal).
    Exported {
        key: GroupKey,
        result: Result<ExportedSecret, String>,
    },
    /// A group's settings, read or saved.
    Settings {
        key: GroupKey,
        result: Result<crate::workspace::GroupSettings, String>,
        saved: bool,
    },
    /// A proposal made ("Propose…"), and the group read after it.
    Proposed {
        key: GroupKey,
        result: Result<ProposalSent, String>,
        loaded: Box<Result<Loaded, String>>,
        stamp: Option<u64>,
    },
}

/// What a click asked for, performed after drawing.
#[derive(Debug)]
pub(super) enum Action {
    Select(GroupKey),
    Reload,
    Create,
    AskDelete(GroupKey),
    Delete(GroupKey),
    QueueInput,
    Unqueue(usize),
    ClearQueue,
    OpenKeyPackages,
    /// Tick (or untick) the member at this leaf for removal.
    ChooseRemove(u32, bool),
    Update,
    /// Stage the one commit the Commit button describes.
    Commit,
    Send,
    Receive,
    OpenMessages,
    ExportGroupInfo,
    Apply,
    Discard,
    SelectEpoch(u64),
    Join,
    /// A button of a produced message (save it, or show it in the Decoder).
    Output(OutputAction, Output),
    /// Derive the exporter value the "Export secret…" form asks for.
    ExportSecret,
    /// Store the Settings section's values.
    SaveSettings,
    /// Ask for an identity file to list as an external sender.
    OpenExternalSender,
    /// Stage a commit removing the external sender at this index.
    RemoveExternalSender(u32, String),
    /// Stage a commit with a ReInit ("Re-initialise…").
    ReInit(crate::workspace::ReInitRequest),
    /// Create the successor of the closed group ("Create successor…").
    ReInitCreate(super::resumption::LinkedRequest),
    /// Branch a subgroup ("Branch…").
    Branch(super::resumption::LinkedRequest),
}

/// The Groups panel's state.
#[derive(Debug)]
pub struct GroupsPanel {
    pub(super) jobs: Jobs<Outcome>,
    pub(super) auto_refresh: bool,
    pub(super) list_dirty: bool,
    pub(super) last_check: Option<Instant>,
    pub(super) stamp: Option<u64>,
    pub(super) groups: Vec<GroupRow>,
    pub(super) identities: Vec<IdentityInfo>,
    pub(super) filter: String,
    pub(super) selected: Option<GroupKey>,
    pub(super) snapshot: Option<GroupSnapshot>,
    pub(super) view: GroupView,
    pub(super) tree: TreeView,
    pub(super) preview_tree: TreeView,
    pub(super) epoch_tree: TreeView,
    pub(super) timeline_epoch: Option<u64>,
    pub(super) create: CreateForm,
    pub(super) join_identity: Option<IdentityKey>,
    pub(super) join_input: String,
    pub(super) add_input: String,
    pub(super) add_queue: Vec<KeyPackageInfo>,
    pub(super) send_text: String,
    pub(super) receive_input: String,
    pub(super) outputs: Vec<Output>,
    pub(super) selected_message: Option<i64>,
    pub(super) confirm_delete: Option<GroupKey>,
    pub(super) status: Option<Status>,
    pub(super) decode_request: Option<(String, Vec<u8>, Option<GroupKey>)>,
    pub(super) export: ExportForm,
    pub(super) settings: super::settings::SettingsForm,
    pub(super) propose: super::propose::ProposeForm,
    pub(super) resumption: super::resumption::ResumptionForm,
    /// Plaintext of the application messages this window sent or
    /// received, by message bytes: shown until the window closes (or the
    /// workspace locks) even when the group does not keep it
    /// (`keep_plaintext=false`).
    pub(super) session_plaintext: std::collections::HashMap<Vec<u8>, Vec<u8>>,
    /// The status line and outputs of groups not selected now: a status
    /// belongs to the group it concerns, and comes back with it.
    pub(super) parked: std::collections::HashMap<GroupKey, Parked>,
    /// What the next Commit holds besides the add list: members ticked for
    /// removal, the path and PSK checkboxes.
    pub(super) commit_choice: super::commit_plan::CommitChoice,
}

/// A group's status line and outputs while another group is shown.
#[derive(Debug, Default)]
pub(super) struct Parked {
    pub(super) status: Option<Status>,
    pub(super) outputs: Vec<Output>,
}

impl Default for GroupsPanel {
    fn default() -> Self {
        GroupsPanel::new(None)
    }
}

job_outcome!(Outcome::Failed);

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
            export: ExportForm::default(),
            settings: super::settings::SettingsForm::default(),
            propose: super::propose::ProposeForm::default(),
            resumption: super::resumption::ResumptionForm::default(),
            session_plaintext: std::collections::HashMap::new(),
            parked: std::collections::HashMap::new(),
            commit_choice: super::commit_plan::CommitChoice::default(),
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
    pub fn wait_idle(&mut self, timeout: Duration) -> bool {
        self.wait_jobs(timeout)
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
            // The status and outputs stay with the group they concern.
            let status = self.status.take();
            let outputs = std::mem::take(&mut self.outputs);
            if let Some(old) = self.selected
                && (status.is_some() || !outputs.is_empty())
            {
                self.parked.insert(old, Parked { status, outputs });
            }
            if let Some(back) = key.and_then(|k| self.parked.remove(&k)) {
                self.status = back.status;
                self.outputs = back.outputs;
            }
            self.selected = key;
            self.commit_choice = super::commit_plan::CommitChoice::default();
            self.timeline_epoch = None;
            self.selected_message = None;
            // The old group's data is let go off the UI thread.
            crate::ui::jobs::drop_in_background((
                self.snapshot.take(),
                std::mem::take(&mut self.tree),
                std::mem::take(&mut self.preview_tree),
                std::mem::take(&mut self.epoch_tree),
            ));
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

    /// Key packages waiting for the next Commit.
    pub fn add_queue(&self) -> &[KeyPackageInfo] {
        &self.add_queue
    }

    /// The leaves ticked for removal by the next Commit.
    pub fn chosen_for_removal(&self) -> Vec<u32> {
        self.commit_choice.remove.iter().copied().collect()
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
}

pub(super) fn committer_text(p: &Preview) -> String {
    match (&p.committer_name, p.committer) {
        (Some(name), Some(leaf)) => format!("{name} (leaf {leaf})"),
        (None, Some(leaf)) => format!("leaf {leaf}"),
        (Some(name), None) => name.clone(),
        (None, None) => String::from("a new member"),
    }
}
