//! The "Propose from outside the group" section of the Key packages
//! panel (RFC 9420 §12.1.8, §12.1.8.1): a GroupInfo (opened, dropped or
//! pasted as hex or base64), an optional ratchet tree for a GroupInfo
//! without one, then either a new member's proposal to add itself ("Ask
//! to join") or a proposal signed as one of the group's external senders
//! (remove a leaf, add a key package). The identity is the one chosen in
//! the panel's "For:" box.
//!
//! The panel runs the work as jobs: reading a GroupInfo (decoded once,
//! when it is loaded, by [`GroupInfoLoad::run`]) and making the proposal
//! ([`ExternalRequest::run`], over [`Workspace::external_propose`] and
//! [`Workspace::external_join_proposal`]). This file holds the form, those
//! job bodies and what their outcomes do to the form; it knows nothing of
//! the panel.

use egui::{RichText, Ui};
use mls_core::codec::Decode as _;
use mls_core::crypto::{CipherSuite, RustCrypto};
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::messages::{EXT_RATCHET_TREE, GroupInfo, Node, RatchetTree};
use mls_core::tree::Tree;

use super::common::{
    Opened, Output, OutputAction, Status, error_color, external_sender_labels, file_bytes,
    labelled_edit, output_buttons, read_input, short_hex, warn_color, wrapped_row,
};
use crate::workspace::{
    ExternalProposal, ExternalProposalSent, ExternalSenderRow, IdentityKey, Workspace,
    credential_text, external_sender_rows, suite_name,
};

/// `MLSMessage` version mls10 and wire format `mls_group_info` (4): how a
/// GroupInfo message starts.
const GROUP_INFO_MESSAGE_START: [u8; 4] = [0, 1, 0, 4];

/// Whether `bytes` start like a GroupInfo `MLSMessage` (a dropped file is
/// sent to this form instead of the key-package check).
pub fn is_group_info_message(bytes: &[u8]) -> bool {
    bytes.starts_with(&GROUP_INFO_MESSAGE_START)
}

/// Which file a dialog opens for the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalSlot {
    GroupInfo,
    RatchetTree,
    KeyPackage,
}

impl ExternalSlot {
    /// The file dialog's title.
    pub fn title(self) -> &'static str {
        match self {
            ExternalSlot::GroupInfo => "Open a GroupInfo",
            ExternalSlot::RatchetTree => "Open the group's ratchet tree",
            ExternalSlot::KeyPackage => "Open the key package to add",
        }
    }
}

/// Who signs the proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExternalMode {
    /// A new member asking to be added (sender `new_member_proposal`).
    Join,
    /// One of the group's external senders (sender `external`).
    Sender,
}

/// What an external sender proposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SenderOp {
    Remove,
    Add,
}

/// What the form asks the panel to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalAction {
    /// Open a file for a slot.
    Open(ExternalSlot),
    /// Read the GroupInfo box (a path, hex or base64).
    LoadPasted,
    /// Forget the ratchet tree given (the GroupInfo is read again).
    ClearTree,
    /// Make the proposal.
    Propose,
    /// A button of the produced proposal.
    Output(OutputAction),
}

/// What a job of the form came back with.
#[derive(Debug)]
pub enum ExternalOutcome {
    /// A file dialog opened a file for a slot.
    Opened { slot: ExternalSlot, opened: Opened },
    /// A GroupInfo was read and decoded.
    Loaded(LoadedGroupInfo),
    /// The proposal was made, or why not (the workspace's error line).
    Proposed(Result<ExternalProposalSent, String>),
}

/// How the group's ratchet tree is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TreeSource {
    /// In the GroupInfo's `ratchet_tree` extension.
    Embedded,
    /// Given as a file; whether its tree hash is the GroupInfo's.
    Supplied { matches: bool },
    /// Neither: the GroupInfo's signature cannot be checked.
    Missing,
}

/// What a GroupInfo says, decoded once when it is loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfoView {
    pub group_id_hex: String,
    pub epoch: u64,
    pub cipher_suite: u16,
    pub suite_name: String,
    /// The member who signed it (leaf index).
    pub signer: u32,
    pub tree: TreeSource,
    /// The members of its ratchet tree: leaf index and identity.
    pub members: Vec<(u32, String)>,
    /// Its `external_senders` extension.
    pub senders: Vec<ExternalSenderRow>,
}

/// A loaded GroupInfo: where it came from, its bytes and what it says
/// (or why it could not be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedGroupInfo {
    pub name: String,
    pub bytes: Vec<u8>,
    pub view: Result<GroupInfoView, String>,
}

/// Where a GroupInfo to load comes from.
#[derive(Debug, Clone)]
enum LoadSource {
    /// The GroupInfo box: a path, hex or base64 (read on the job's thread).
    Text(String),
    /// A file's bytes.
    Bytes { name: String, bytes: Vec<u8> },
}

/// Reading and decoding a GroupInfo: the body of a job.
#[derive(Debug, Clone)]
pub struct GroupInfoLoad {
    source: LoadSource,
    tree: Option<Vec<u8>>,
}

impl GroupInfoLoad {
    /// Reads and decodes the GroupInfo (on a job's thread).
    pub fn run(self) -> ExternalOutcome {
        let (name, bytes) = match self.source {
            LoadSource::Bytes { name, bytes } => (name, bytes),
            LoadSource::Text(text) => match read_input(&text) {
                Ok(read) => read,
                Err(e) => {
                    return ExternalOutcome::Loaded(LoadedGroupInfo {
                        name: String::from("the GroupInfo box"),
                        bytes: Vec::new(),
                        view: Err(e),
                    });
                }
            },
        };
        let view = group_info_view(&bytes, self.tree.as_deref());
        ExternalOutcome::Loaded(LoadedGroupInfo { name, bytes, view })
    }
}

/// A GroupInfo (`MLSMessage` or bare) from bytes.
fn decode_group_info(bytes: &[u8]) -> Result<GroupInfo, String> {
    match MlsMessage::decode_exact(bytes) {
        Ok(MlsMessage {
            body: MlsMessageBody::GroupInfo(info),
            ..
        }) => Ok(info),
        Ok(other) => Err(format!(
            "this is an MLSMessage of wire format {}, not a GroupInfo (4)",
            other.body.wire_format()
        )),
        Err(wrapped) => GroupInfo::decode_exact(bytes)
            .map_err(|_| format!("not a GroupInfo (as MLSMessage: {wrapped})")),
    }
}

/// What the GroupInfo in `bytes` says; `tree` is a ratchet tree given
/// out of band (used when the GroupInfo carries none).
pub fn group_info_view(bytes: &[u8], tree: Option<&[u8]>) -> Result<GroupInfoView, String> {
    let info = decode_group_info(bytes)?;
    let context = &info.group_context;
    let cs = CipherSuite::from_u16(context.cipher_suite)
        .ok_or_else(|| format!("cipher suite {} is not supported", context.cipher_suite))?;
    let embedded = info
        .extensions
        .iter()
        .find(|e| e.extension_type == EXT_RATCHET_TREE);
    let (source, wire) = match (embedded, tree) {
        (Some(ext), _) => (
            TreeSource::Embedded,
            Some(
                RatchetTree::decode_exact(ext.extension_data.as_slice())
                    .map_err(|e| format!("its ratchet_tree extension is malformed: {e}"))?,
            ),
        ),
        (None, Some(bytes)) => {
            let wire = RatchetTree::decode_exact(bytes)
                .map_err(|e| format!("the ratchet tree file is malformed: {e}"))?;
            let matches = Tree::from_wire(cs, &wire)
                .and_then(|mut t| t.root_hash(&RustCrypto))
                .is_ok_and(|hash| hash == context.tree_hash.as_slice());
            (TreeSource::Supplied { matches }, Some(wire))
        }
        (None, None) => (TreeSource::Missing, None),
    };
    let members = wire
        .map(|w| {
            w.0.iter()
                .step_by(2)
                .zip(0u32..)
                .filter_map(|(node, leaf)| match node {
                    Some(Node::Leaf(l)) => Some((leaf, credential_text(&l.credential))),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(GroupInfoView {
        group_id_hex: hex::encode(context.group_id.as_slice()),
        epoch: context.epoch,
        cipher_suite: cs.id(),
        suite_name: suite_name(cs.id()),
        signer: info.signer,
        tree: source,
        members,
        senders: external_sender_rows(cs, &context.extensions),
    })
}

/// What a proposal job needs, read off the form on the UI thread.
#[derive(Debug, Clone)]
pub struct ExternalRequest {
    identity: IdentityKey,
    group_info: Vec<u8>,
    ratchet_tree: Option<Vec<u8>>,
    /// `None` for a new member's proposal; else the sender index and what
    /// it proposes.
    as_sender: Option<(u32, ExternalProposal)>,
}

impl ExternalRequest {
    /// Makes the proposal in `ws` (on a job's thread).
    pub fn run(&self, ws: &Workspace) -> Result<ExternalProposalSent, String> {
        let tree = self.ratchet_tree.as_deref();
        match &self.as_sender {
            None => ws.external_join_proposal(self.identity, &self.group_info, tree),
            Some((index, proposal)) => {
                ws.external_propose(self.identity, &self.group_info, tree, *index, proposal)
            }
        }
        .map_err(|e| e.to_string())
    }
}

/// The form's inputs and its last product.
#[derive(Debug, Clone)]
pub struct ExternalForm {
    /// The GroupInfo box: a path, hex or base64.
    pub group_info_text: String,
    group_info: Option<LoadedGroupInfo>,
    /// A ratchet tree given out of band: file name and bytes.
    ratchet_tree: Option<(String, Vec<u8>)>,
    pub mode: ExternalMode,
    pub op: SenderOp,
    /// The external sender's index, as typed.
    pub sender_index: String,
    /// The leaf to remove, as typed.
    pub leaf: String,
    /// The key package to add: file name and bytes.
    key_package: Option<(String, Vec<u8>)>,
    /// The last proposal made.
    produced: Option<Output>,
}

impl Default for ExternalForm {
    fn default() -> Self {
        ExternalForm {
            group_info_text: String::new(),
            group_info: None,
            ratchet_tree: None,
            mode: ExternalMode::Join,
            op: SenderOp::Remove,
            sender_index: String::new(),
            leaf: String::new(),
            key_package: None,
            produced: None,
        }
    }
}

/// A typed number, or why not.
fn number(text: &str, what: &str) -> Result<u32, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(format!("Give the {what}."));
    }
    text.parse()
        .map_err(|_| format!("The {what} must be a number, not \"{text}\"."))
}

impl ExternalForm {
    /// The loaded GroupInfo, if any.
    pub fn loaded(&self) -> Option<&LoadedGroupInfo> {
        self.group_info.as_ref()
    }

    /// The last proposal made (to save, copy or decode).
    pub fn produced(&self) -> Option<&Output> {
        self.produced.as_ref()
    }

    /// Loading `bytes` (an opened or dropped file) as the GroupInfo.
    pub fn load_bytes(&self, name: String, bytes: Vec<u8>) -> GroupInfoLoad {
        GroupInfoLoad {
            source: LoadSource::Bytes { name, bytes },
            tree: self.ratchet_tree.as_ref().map(|(_, t)| t.clone()),
        }
    }

    /// Loading the GroupInfo box's text.
    pub fn load_pasted(&self) -> GroupInfoLoad {
        GroupInfoLoad {
            source: LoadSource::Text(self.group_info_text.clone()),
            tree: self.ratchet_tree.as_ref().map(|(_, t)| t.clone()),
        }
    }

    /// The request for a proposal signed by `identity`, or why the form
    /// is not ready (checked on the UI thread: nothing is read).
    pub fn request(&self, identity: Option<IdentityKey>) -> Result<ExternalRequest, String> {
        let identity =
            identity.ok_or_else(|| String::from("Choose the identity in \"For:\" first."))?;
        let info = match &self.group_info {
            Some(info) if info.view.is_ok() => info,
            _ => return Err(String::from("Load the group's GroupInfo first.")),
        };
        let as_sender = match self.mode {
            ExternalMode::Join => None,
            ExternalMode::Sender => {
                let index = number(&self.sender_index, "external sender's index")?;
                let proposal = match self.op {
                    SenderOp::Remove => {
                        ExternalProposal::Remove(number(&self.leaf, "leaf to remove")?)
                    }
                    SenderOp::Add => match &self.key_package {
                        Some((_, bytes)) => ExternalProposal::Add(bytes.clone()),
                        None => return Err(String::from("Open the key package to add first.")),
                    },
                };
                Some((index, proposal))
            }
        };
        Ok(ExternalRequest {
            identity,
            group_info: info.bytes.clone(),
            ratchet_tree: self.ratchet_tree.as_ref().map(|(_, t)| t.clone()),
            as_sender,
        })
    }

    /// Forgets the ratchet tree given; the loaded GroupInfo, to read
    /// again without it.
    pub fn clear_tree(&mut self) -> Option<GroupInfoLoad> {
        self.ratchet_tree = None;
        self.group_info
            .as_ref()
            .map(|g| self.load_bytes(g.name.clone(), g.bytes.clone()))
    }

    /// Forgets the last product (a new proposal is being made).
    pub fn start_proposal(&mut self) {
        self.produced = None;
    }

    /// Applies a job's outcome: the status line to show, and a GroupInfo
    /// to (re)load in a job.
    pub fn apply(&mut self, outcome: ExternalOutcome) -> (Option<Status>, Option<GroupInfoLoad>) {
        match outcome {
            ExternalOutcome::Opened { slot, opened } => {
                if let Some(status) = opened.error_status() {
                    return (Some(status), None);
                }
                let Some((name, raw)) = opened.files.into_iter().next() else {
                    return (None, None);
                };
                let bytes = file_bytes(&raw);
                match slot {
                    ExternalSlot::GroupInfo => (None, Some(self.load_bytes(name, bytes))),
                    ExternalSlot::RatchetTree => {
                        self.ratchet_tree = Some((name.clone(), bytes));
                        let reload = self
                            .group_info
                            .as_ref()
                            .map(|g| self.load_bytes(g.name.clone(), g.bytes.clone()));
                        (
                            Some(Status::ok(format!(
                                "Read {name} as the group's ratchet tree."
                            ))),
                            reload,
                        )
                    }
                    ExternalSlot::KeyPackage => {
                        let status = Status::ok(format!("Read {name} as the key package to add."));
                        self.key_package = Some((name, bytes));
                        self.op = SenderOp::Add;
                        (Some(status), None)
                    }
                }
            }
            ExternalOutcome::Loaded(loaded) => {
                let status = match &loaded.view {
                    Ok(view) => Status::ok(format!(
                        "Read {}: the GroupInfo of group {} at epoch {} ({} external sender(s)).",
                        loaded.name,
                        short_hex(&view.group_id_hex, 16),
                        view.epoch,
                        view.senders.len()
                    )),
                    Err(e) => Status::error(format!("{}: {e}", loaded.name)),
                };
                self.group_info = Some(loaded);
                (Some(status), None)
            }
            ExternalOutcome::Proposed(Ok(sent)) => {
                let kept = sent.key_package_hex.as_ref().map_or_else(String::new, |r| {
                    format!(
                        " Its key package ({}) is kept here for the Welcome.",
                        short_hex(r, 12)
                    )
                });
                let status = Status::ok(format!(
                    "Proposal by {} for group {} at epoch {}: {}. Send it to the members \
                     (they receive it and commit it by reference).{kept}",
                    sent.sender, sent.group_id_hex, sent.epoch, sent.what
                ));
                let file = if sent.key_package_hex.is_some() {
                    "join-proposal.mls"
                } else {
                    "external-proposal.mls"
                };
                self.produced = Some(Output::new(
                    format!("External proposal ({}, {})", sent.sender, sent.what),
                    file,
                    sent.message,
                ));
                (Some(status), None)
            }
            ExternalOutcome::Proposed(Err(e)) => {
                self.produced = None;
                (Some(Status::error(e)), None)
            }
        }
    }

    /// Draws the form. `identity` is the name chosen in "For:"; `can_run`
    /// is false while a job runs.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        identity: Option<&str>,
        can_run: bool,
    ) -> Option<ExternalAction> {
        let mut action = None;
        ui.label(format!(
            "Sign a proposal for a group you are not in (RFC 9420 §12.1.8): ask to join it, or, \
             as one of its external senders, remove a member or add one. Signed by the \
             identity chosen in \"For:\" ({}).",
            identity.unwrap_or("none yet")
        ));
        ui.horizontal(|ui| {
            labelled_edit(
                ui,
                "GroupInfo:",
                &mut self.group_info_text,
                "path, hex or base64",
                170.0,
            );
            if ui.add_enabled(can_run, egui::Button::new("Load")).clicked() {
                action = Some(ExternalAction::LoadPasted);
            }
        });
        ui.horizontal(|ui| {
            if ui.button("Open GroupInfo…").clicked() {
                action = Some(ExternalAction::Open(ExternalSlot::GroupInfo));
            }
            ui.weak("or drop a GroupInfo file here");
        });
        ui.horizontal(|ui| {
            match &self.ratchet_tree {
                Some((name, bytes)) => {
                    ui.label(format!("Ratchet tree: {name} ({} bytes)", bytes.len()));
                }
                None => {
                    ui.weak("Ratchet tree: the GroupInfo's own");
                }
            }
            if ui
                .button("Open ratchet tree…")
                .on_hover_text(
                    "For a GroupInfo exported without its tree (group export-group-info \
                     --ratchet-tree-out): its signature is checked with the signer's key from it",
                )
                .clicked()
            {
                action = Some(ExternalAction::Open(ExternalSlot::RatchetTree));
            }
            if self.ratchet_tree.is_some() && ui.small_button("Clear tree").clicked() {
                action = Some(ExternalAction::ClearTree);
            }
        });
        if let Some(loaded) = &self.group_info {
            ui.add_space(4.0);
            ui.label(RichText::new(&loaded.name).strong());
            match &loaded.view {
                Ok(view) => {
                    if let Some(index) = view_ui(ui, view) {
                        self.mode = ExternalMode::Sender;
                        self.sender_index = index.to_string();
                    }
                }
                Err(e) => {
                    ui.add(egui::Label::new(RichText::new(e).color(error_color(ui))).wrap());
                }
            }
        }
        ui.add_space(4.0);
        ui.radio_value(
            &mut self.mode,
            ExternalMode::Join,
            "Ask to join (new member proposal)",
        )
        .on_hover_text(
            "A fresh key package of the group's suite for this identity, kept here so \
             \"Join\" takes the Welcome of the commit that adds it",
        );
        ui.radio_value(&mut self.mode, ExternalMode::Sender, "As external sender");
        if self.mode == ExternalMode::Sender {
            ui.indent("external_sender_form", |ui| {
                labelled_edit(ui, "Sender index:", &mut self.sender_index, "N", 40.0)
                    .on_hover_text("This identity's index in the group's external_senders");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.op, SenderOp::Remove, "Remove a member");
                    labelled_edit(ui, "Leaf:", &mut self.leaf, "leaf", 40.0);
                });
                ui.horizontal(|ui| {
                    ui.radio_value(&mut self.op, SenderOp::Add, "Add a key package");
                    match &self.key_package {
                        Some((name, _)) => ui.label(name),
                        None => ui.weak("none"),
                    };
                    if ui.button("Open key package to add…").clicked() {
                        action = Some(ExternalAction::Open(ExternalSlot::KeyPackage));
                    }
                });
            });
        }
        let ready = can_run
            && identity.is_some()
            && self.group_info.as_ref().is_some_and(|g| g.view.is_ok());
        if ui
            .add_enabled(ready, egui::Button::new("Make the proposal"))
            .clicked()
        {
            action = Some(ExternalAction::Propose);
        }
        if let Some(output) = &self.produced {
            ui.horizontal_wrapped(|ui| {
                ui.label(format!("{} · {} bytes", output.label, output.bytes.len()));
                if let Some(a) = output_buttons(ui, output) {
                    action = Some(ExternalAction::Output(a));
                }
            });
        }
        action
    }
}

/// The loaded GroupInfo's group, epoch, suite, tree, members and external
/// senders; the index of a sender whose "Use" button was clicked.
fn view_ui(ui: &mut Ui, view: &GroupInfoView) -> Option<u32> {
    let mut used = None;
    egui::Grid::new("external_group_info")
        .num_columns(2)
        .spacing([10.0, 3.0])
        .show(ui, |ui| {
            let mut row = |key: &str, value: String| wrapped_row(ui, key, value);
            row("Group id", view.group_id_hex.clone());
            row("Epoch", view.epoch.to_string());
            row(
                "Cipher suite",
                format!("{} ({})", view.suite_name, view.cipher_suite),
            );
            row("Signer", format!("leaf {}", view.signer));
            let members = view
                .members
                .iter()
                .map(|(leaf, name)| format!("{leaf}: {name}"))
                .collect::<Vec<_>>()
                .join(", ");
            row("Members", members);
        });
    match view.tree {
        TreeSource::Embedded => {}
        TreeSource::Supplied { matches: true } => {
            ui.weak("Ratchet tree: the file given (its tree hash is the GroupInfo's)");
        }
        TreeSource::Supplied { matches: false } => {
            ui.colored_label(
                warn_color(ui),
                "The ratchet tree given is not this GroupInfo's (its tree hash differs)",
            );
        }
        TreeSource::Missing => {
            ui.colored_label(
                warn_color(ui),
                "No ratchet tree in the GroupInfo: open the group's tree to check its signature",
            );
        }
    }
    if view.senders.is_empty() {
        ui.weak("External senders: none (the group lists no external_senders)");
    } else {
        ui.label("External senders:");
    }
    for s in &view.senders {
        ui.horizontal(|ui| {
            external_sender_labels(ui, s);
            if ui
                .small_button(format!("Use sender #{}", s.index))
                .clicked()
            {
                used = Some(s.index);
            }
        });
    }
    used
}
