//! What the Groups panel does: selecting, loading, and the operations
//! behind its buttons and drops (each a background job).

use std::time::{Duration, Instant};

use mls_core::crypto::CipherSuite;

use super::load::{load_epoch_tree, load_group};
use super::state::{
    Action, Done, GroupView, GroupsPanel, IdentityChoice, Loaded, OpenFor, Outcome, Select,
    committer_text,
};
use crate::text::escape_controls;
use crate::ui::common::{
    Output, OutputAction, Status, file_bytes, known_identity, plural, read_input, read_or_report,
};
use crate::ui::dialogs::{open_dialog, save_dialog};
use crate::ui::jobs::job_panel;
use crate::workspace::gui_support::MessageClass;
use crate::workspace::{
    GroupKey, GroupOptions, GroupRow, GroupStatus, IdentityInfo, KeyPackageInfo, Receipt,
    Workspace, WorkspaceError,
};

/// How often the panel looks for changes other writers made.
const REFRESH_EVERY: Duration = Duration::from_secs(2);

job_panel!(GroupsPanel, Outcome);

impl GroupsPanel {
    /// Asks for files in a dialog (in the background); they come back as
    /// [`Outcome::Opened`] for `purpose`.
    fn open_files(&mut self, title: &str, purpose: OpenFor) {
        open_dialog(&mut self.jobs, title, true, move |opened| Outcome::Opened {
            purpose,
            opened,
        });
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
                Outcome::EpochTree { key, epoch, model }
            });
    }

    /// A dropped or opened file: key packages are queued for adding,
    /// framed messages received, a Welcome joined, a GroupInfo joined by
    /// external commit, an identity file listed as an external sender.
    pub fn load_file(&mut self, name: &str, bytes: Vec<u8>) {
        match Workspace::classify_message(&bytes) {
            Ok(MessageClass::KeyPackage) => self.queue_key_package(name, bytes, false),
            Ok(MessageClass::Welcome) => self.join(name, bytes),
            Ok(MessageClass::GroupInfo { .. }) => self.join_external(name, bytes),
            Ok(MessageClass::Framed { group_id, .. }) => self.receive(name, bytes, &group_id),
            Err(_) if Self::is_identity_file(&bytes) => self.add_external_sender(name, bytes),
            Err(e) => {
                self.status = Some(Status::error(format!(
                    "{name}: not a message this panel can use: {e}"
                )));
            }
        }
    }

    /// The Decoder should show these bytes (taken by the app shell).
    pub(crate) fn take_decode_request(&mut self) -> Option<(String, Vec<u8>, Option<GroupKey>)> {
        self.decode_request.take()
    }

    /// Applies what a background job came back with.
    pub(super) fn apply_outcome(&mut self, outcome: Outcome) {
        match outcome {
            Outcome::Failed(text) => self.status = Some(Status::error(text)),
            Outcome::Saved(status) => self.status = Some(status),
            Outcome::Listed { list, stamp } => {
                self.apply_list(list);
                if stamp.is_some() {
                    self.stamp = stamp;
                }
            }
            Outcome::Stamp(stamp) => self.apply_stamp(stamp),
            Outcome::Loaded { key, loaded, stamp } => {
                self.reread_settings(key);
                self.apply_loaded(key, loaded);
                self.stamp = stamp;
            }
            Outcome::EpochTree { key, epoch, model } => {
                if self.selected != Some(key) || self.timeline_epoch != Some(epoch) {
                    return;
                }
                match model {
                    Ok(model) => {
                        crate::ui::jobs::drop_in_background(self.epoch_tree.replace_model(model));
                    }
                    Err(e) => self.status = Some(Status::error(e)),
                }
            }
            Outcome::Finished {
                result,
                loaded,
                list,
                stamp,
            } => self.finish(result, loaded, list, stamp),
            Outcome::KeyPackage {
                name,
                from_input,
                result,
            } => {
                if self.queue_checked(&name, result) && from_input {
                    self.add_input.clear();
                }
            }
            Outcome::Exported { key, result } => self.apply_exported(key, result),
            Outcome::Settings { key, result, saved } => self.apply_settings(key, result, saved),
            Outcome::Proposed {
                key,
                result,
                loaded,
                stamp,
            } => self.apply_proposed(key, result, *loaded, stamp),
            Outcome::Opened { purpose, opened } => {
                if let Some(status) = opened.error_status() {
                    self.status = Some(status);
                }
                for (name, raw) in opened.files {
                    match purpose {
                        OpenFor::KeyPackages => {
                            self.queue_key_package(&name, file_bytes(&raw), false);
                        }
                        OpenFor::Messages => self.load_file(&name, file_bytes(&raw)),
                        OpenFor::ExternalSenders => {
                            self.add_external_sender(&name, file_bytes(&raw));
                        }
                    }
                }
            }
        }
    }

    /// Re-reads the group list and identities (in the background).
    pub(super) fn refresh_list(&mut self) {
        self.list_dirty = false;
        self.jobs.spawn_quiet(|ws| Outcome::Listed {
            list: read_list(ws),
            stamp: None,
        });
    }

    fn apply_list(&mut self, list: Result<(Vec<GroupRow>, Vec<IdentityInfo>), String>) {
        if let Some((groups, identities)) =
            read_or_report(list, &mut self.status, "Cannot read the groups")
        {
            self.groups = groups;
            self.identities = identities;
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
        self.join_identity = known_identity(self.join_identity, &self.identities);
    }

    /// Reads the list when asked to, and (with auto refresh) looks in the
    /// background for what another writer changed.
    pub(super) fn maybe_refresh(&mut self) {
        if self.list_dirty {
            self.refresh_list();
        }
        // Not while anything runs (a look that failed does not block the next).
        if !self.auto_refresh || self.jobs.working() {
            return;
        }
        if self.last_check.is_some_and(|t| t.elapsed() < REFRESH_EVERY) {
            return;
        }
        self.last_check = Some(Instant::now());
        self.jobs
            .spawn_quiet(|ws| Outcome::Stamp(ws.change_stamp().ok()));
    }

    /// Reloads what another writer changed since the last look.
    fn apply_stamp(&mut self, stamp: Option<u64>) {
        let Some(stamp) = stamp else {
            return;
        };
        if self.stamp.is_some_and(|s| s != stamp) {
            self.refresh_list();
            if let Some(key) = self.selected {
                self.reload(key);
            }
        }
        self.stamp = Some(stamp);
    }

    pub(super) fn reload(&mut self, key: GroupKey) {
        self.jobs
            .spawn("Loading the group…", move |ws| Outcome::Loaded {
                key,
                loaded: load_group(ws, key).map_err(|e| e.to_string()),
                stamp: ws.change_stamp().ok(),
            });
    }

    pub(super) fn apply_loaded(&mut self, key: GroupKey, loaded: Result<Loaded, String>) {
        if self.selected != Some(key) {
            return;
        }
        match loaded {
            Ok(loaded) => {
                // What this replaces is let go off the UI thread.
                let old_tree = self.tree.replace_model(loaded.tree);
                let old_preview = loaded
                    .pending_tree
                    .map(|model| self.preview_tree.replace_model(model));
                if self
                    .timeline_epoch
                    .is_some_and(|e| !loaded.snapshot.history.iter().any(|h| h.epoch == e))
                {
                    self.timeline_epoch = None;
                }
                let old_snapshot = self.snapshot.replace(loaded.snapshot);
                crate::ui::jobs::drop_in_background((old_tree, old_preview, old_snapshot));
            }
            Err(e) => {
                if self.status.as_ref().is_none_or(|s| !s.error) {
                    self.status = Some(Status::error(format!("Cannot load group {key}: {e}")));
                }
            }
        }
    }

    /// Runs `work` in the background, then reloads the group it names and
    /// the list.
    pub(super) fn act<F>(&mut self, status: impl Into<String>, work: F)
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
            Outcome::Finished {
                result,
                loaded,
                list: read_list(ws),
                stamp: ws.change_stamp().ok(),
            }
        });
    }

    fn finish(
        &mut self,
        result: Result<Done, String>,
        loaded: Option<(GroupKey, Result<Loaded, String>)>,
        list: Result<(Vec<GroupRow>, Vec<IdentityInfo>), String>,
        stamp: Option<u64>,
    ) {
        let mut use_identity = None;
        // The group the operation concerned (its result is shown with it).
        let concerns = loaded.as_ref().map(|(k, _)| *k);
        let stays = result
            .as_ref()
            .map_or(true, |d| matches!(d.select, Select::Same));
        // The user moved to another group meanwhile: the result waits
        // with the group it concerns instead of showing on this one.
        let park =
            stays && concerns.is_some() && self.selected.is_some() && concerns != self.selected;
        let shown_before = park.then(|| (self.status.take(), std::mem::take(&mut self.outputs)));
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
                if done.clear_remove {
                    self.commit_choice.remove.clear();
                }
                if done.clear_send {
                    self.send_text.clear();
                }
                if let Some((bytes, text)) = done.seen_plaintext {
                    self.session_plaintext.insert(bytes, text);
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
        self.list_dirty = false;
        self.apply_list(list);
        if let Some(identity) = use_identity {
            self.create.identity = IdentityChoice::Existing(identity);
        }
        if let (Some(k), Some((status, outputs))) = (concerns, shown_before) {
            let parked = super::state::Parked {
                status: std::mem::replace(&mut self.status, status),
                outputs: std::mem::replace(&mut self.outputs, outputs),
            };
            self.parked.insert(k, parked);
        }
        if let Some((key, loaded)) = loaded {
            self.apply_loaded(key, loaded);
        }
        self.stamp = stamp;
    }

    /// Validates a key package in the background, then puts it on the add
    /// list (clearing the input box when it came from there).
    pub(super) fn queue_key_package(&mut self, name: &str, bytes: Vec<u8>, from_input: bool) {
        let name = name.to_owned();
        self.jobs.spawn(format!("Checking {name}…"), move |ws| {
            Outcome::KeyPackage {
                result: ws
                    .key_package_validate_foreign(&bytes)
                    .map_err(|e| e.to_string()),
                name,
                from_input,
            }
        });
    }

    /// Puts a validated key package on the add list; `false` (with the
    /// reason in the status line) if it is unusable.
    fn queue_checked(&mut self, name: &str, result: Result<KeyPackageInfo, String>) -> bool {
        match result {
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
                        "{name}: {} ({}) is on the add list; click \"Commit\" to add {}",
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

    pub(super) fn create_group(&mut self) {
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

    pub(super) fn join(&mut self, name: &str, bytes: Vec<u8>) {
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

    pub(super) fn join_external(&mut self, name: &str, bytes: Vec<u8>) {
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

    pub(super) fn receive(&mut self, name: &str, bytes: Vec<u8>, group_id: &[u8]) {
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
            let seen = match &receipt {
                Receipt::Application { data, .. } => Some((bytes.clone(), data.clone())),
                _ => None,
            };
            let mut done = match receipt {
                Receipt::Application {
                    group,
                    sender,
                    sender_name,
                    data,
                    ..
                } => Done::new(format!(
                    "Message from {sender_name} (leaf {sender}): {}",
                    escape_controls(&String::from_utf8_lossy(&data))
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
                Receipt::Competing { candidates, staged } => {
                    Done::new(format!("{}: see Staged commit", candidates.headline()))
                        .select(staged.group)
                        .view(GroupView::Staged)
                }
                Receipt::Superseded(late) => Done::new(late.text()).select(late.group),
            };
            done.clear_receive = true;
            done.seen_plaintext = seen;
            Ok(done)
        });
    }

    pub(super) fn commit_done(commit: &crate::workspace::LocalCommit, what: &str) -> Done {
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

    /// Stages the one commit the Commit button describes: the add list,
    /// the members ticked for removal, the pending proposals by
    /// reference, the PSKs if included, a path if chosen or required.
    fn commit_planned(&mut self) {
        let (Some(k), Some(plan)) = (self.selected, self.commit_plan()) else {
            return;
        };
        let label = plan.label();
        let adds = !plan.add.is_empty();
        let request = crate::workspace::CommitRequest {
            add: plan.add,
            remove: plan.remove,
            psks: plan.psks,
            force_path: plan.path,
            extensions: None,
        };
        self.act(format!("{label}…"), move |ws| {
            let commit = ws.commit_with(k, &request)?;
            let mut done = Self::commit_done(&commit, &format!("\"{label}\""));
            done.clear_add_queue = adds;
            done.clear_remove = true;
            Ok(done)
        });
    }

    pub(super) fn perform(&mut self, action: Action) {
        let key = self.selected;
        match action {
            Action::Select(k) => self.select(Some(k)),
            Action::Reload => {
                self.refresh_list();
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
                Ok((name, bytes)) => self.queue_key_package(&name, bytes, true),
                Err(e) => self.status = Some(Status::error(e)),
            },
            Action::Unqueue(i) => {
                if i < self.add_queue.len() {
                    self.add_queue.remove(i);
                }
            }
            Action::ClearQueue => self.add_queue.clear(),
            Action::SaveSettings => self.save_settings(),
            Action::OpenKeyPackages => {
                self.open_files("Open key packages", OpenFor::KeyPackages);
            }
            Action::ChooseRemove(leaf, on) => {
                if on {
                    self.commit_choice.remove.insert(leaf);
                } else {
                    self.commit_choice.remove.remove(&leaf);
                }
            }
            Action::Update => {
                let Some(k) = key else { return };
                self.act("Committing an update…", move |ws| {
                    let commit = ws.commit_update(k)?;
                    Ok(Self::commit_done(&commit, "Update commit"))
                });
            }
            Action::Commit => self.commit_planned(),
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
                    done.seen_plaintext = Some((bytes.clone(), text.clone().into_bytes()));
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
                Ok((name, bytes)) => self.load_file(&name, bytes),
                Err(e) => self.status = Some(Status::error(e)),
            },
            Action::OpenMessages => {
                self.open_files("Open MLS messages", OpenFor::Messages);
            }
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
                    self.load_file(&name, bytes);
                }
                Err(e) => self.status = Some(Status::error(e)),
            },
            Action::Output(OutputAction::SaveTo(path), output) => {
                self.status = Some(crate::ui::dialogs::save_to(&output, &path));
            }
            Action::Output(OutputAction::Save, output) => {
                save_dialog(&mut self.jobs, &output, Outcome::Saved);
            }
            Action::Output(OutputAction::Decode, output) => {
                // A group's own PublicMessage or PrivateMessage opens with
                // the group selected in the Decoder (read with its keys).
                let group = key.filter(|_| is_group_message(&output.bytes));
                self.decode_request = Some((output.label, output.bytes, group));
            }
            Action::ExportSecret => {
                let Some(k) = key else { return };
                self.export_secret(k);
            }
            Action::OpenExternalSender => self.open_external_sender(),
            Action::RemoveExternalSender(index, identity) => {
                self.remove_external_sender(index, identity);
            }
            Action::ReInit(request) => self.stage_reinit(request),
            Action::ReInitCreate(request) => self.create_linked(request, false),
            Action::Branch(request) => self.create_linked(request, true),
        }
    }
}

/// The group list and the identities.
fn read_list(ws: &Workspace) -> Result<(Vec<GroupRow>, Vec<IdentityInfo>), String> {
    ws.groups()
        .and_then(|g| Ok((g, ws.identities()?)))
        .map_err(|e| e.to_string())
}

/// Whether `bytes` are an MLSMessage holding a PublicMessage or
/// PrivateMessage (what a group can read).
fn is_group_message(bytes: &[u8]) -> bool {
    use mls_core::codec::Decode as _;
    use mls_core::framing::{MlsMessage, MlsMessageBody};
    matches!(
        MlsMessage::decode_exact(bytes).map(|m| m.body),
        Ok(MlsMessageBody::PublicMessage(_) | MlsMessageBody::PrivateMessage(_))
    )
}
