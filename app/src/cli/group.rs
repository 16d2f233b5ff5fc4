//! `mls-inspector group …`: the group manager on the command line, over
//! the persistent workspace ([`crate::workspace::Workspace`]).
//!
//! A group is named by its number (`#N` or `N`, from `group list`), its
//! local name, or its group id in hex (or a unique prefix of at least 4
//! digits). Commits are two-step: a commit command (`add`, `remove`,
//! `update`, `commit`) or `receive` stages a commit and prints its
//! preview; `apply` moves to the next epoch, `discard` drops it (`--apply`
//! does both steps at once).
//!
//! Messages are read from files or stdin (`-`) as hex, base64 or binary
//! (detected); they are written to files (`--commit-out FILE`, binary
//! unless `--format` says otherwise), to stdout (`-`, hex unless
//! `--format`), or, without an `--…-out`, printed as hex in the output.
//!
//! The clap definitions are in [`args`]; the handlers are split by area:
//! [`create`] (create, delete), [`show`] (list, show, history),
//! [`members`] (add, remove, update), [`commits`] (commit, pending, apply,
//! discard), [`messages`] (send, export-group-info, receive, messages),
//! [`join`] (join, join-external), [`secrets`] (export-secret),
//! [`settings`] (settings), [`proposals`] (propose, proposals),
//! [`extensions`] (extensions: the external senders) and
//! [`resumption`] (reinit, reinit-create, branch), [`purge`]
//! (purge-messages); [`candidates`] renders
//! the orchestrator's reports (competing commits). Each
//! handler's JSON view is next to it.

pub mod args;
mod candidates;
mod commits;
mod create;
mod extensions;
mod join;
mod members;
mod messages;
mod proposals;
mod purge;
mod resumption;
mod secrets;
mod settings;
mod show;

pub use args::{
    AddArgs, CommitArgs, CommitOutputs, CreateArgs, ExportArgs, GroupArg, GroupArgs, GroupCommand,
    JoinArgs, JoinExternalArgs, PendingArgs, ReceiveArgs, RemoveArgs, SendArgs, UpdateArgs,
};

use crate::cli::common::finish;

/// Runs a group command; returns the exit status.
pub fn run(args: GroupArgs) -> u8 {
    let ws = &args.ws;
    let (name, result) = match &args.command {
        GroupCommand::Create(a) => ("group create", create::create(ws, a)),
        GroupCommand::List => ("group list", show::list(ws)),
        GroupCommand::Show(a) => ("group show", show::show(ws, a)),
        GroupCommand::Add(a) => ("group add", members::add(ws, a)),
        GroupCommand::Remove(a) => ("group remove", members::remove(ws, a)),
        GroupCommand::Update(a) => ("group update", members::update(ws, a)),
        GroupCommand::Commit(a) => ("group commit", commits::commit(ws, a)),
        GroupCommand::Send(a) => ("group send", messages::send(ws, a)),
        GroupCommand::Receive(a) => ("group receive", messages::receive(ws, a)),
        GroupCommand::Apply(a) => ("group apply", commits::apply(ws, a)),
        GroupCommand::Discard(a) => ("group discard", commits::discard(ws, a)),
        GroupCommand::Pending(a) => ("group pending", commits::pending(ws, a)),
        GroupCommand::ExportGroupInfo(a) => (
            "group export-group-info",
            messages::export_group_info(ws, a),
        ),
        GroupCommand::Join(a) => ("group join", join::join(ws, a)),
        GroupCommand::JoinExternal(a) => ("group join-external", join::join_external(ws, a)),
        GroupCommand::History(a) => ("group history", show::history(ws, a)),
        GroupCommand::Messages(a) => ("group messages", messages::messages(ws, a)),
        GroupCommand::Delete(a) => ("group delete", create::delete(ws, a)),
        GroupCommand::ExportSecret(a) => ("group export-secret", secrets::export_secret(ws, a)),
        GroupCommand::Settings(a) => ("group settings", settings::settings(ws, a)),
        GroupCommand::Propose(a) => ("group propose", proposals::propose(ws, a)),
        GroupCommand::Proposals(a) => ("group proposals", proposals::proposals(ws, a)),
        GroupCommand::Extensions(a) => ("group extensions", extensions::extensions(ws, a)),
        GroupCommand::Reinit(a) => ("group reinit", resumption::reinit(ws, a)),
        GroupCommand::ReinitCreate(a) => ("group reinit-create", resumption::reinit_create(ws, a)),
        GroupCommand::Branch(a) => ("group branch", resumption::branch(ws, a)),
        GroupCommand::PurgeMessages(a) => ("group purge-messages", purge::purge_messages(ws, a)),
    };
    finish(name, ws.json, result)
}
