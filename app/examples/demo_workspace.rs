//! Builds a demo workspace for the group manager screenshots
//! (`docs/screenshot-groups.sh`), through the same `Workspace` API the GUI
//! and the CLI use:
//!
//! * "project-falcon": Alice's view of a 12-member group over six epochs
//!   (adds, updates, a commit by Bob received and applied), a few
//!   application messages both ways, and Bob's next commit (add olivia,
//!   remove judy) received and staged, waiting for Apply or Discard;
//! * "design-review" (3 members) and "notes" (Alice alone);
//! * two unused key packages of Alice.
//!
//! The other members live in scratch workspaces next to the file
//! (`*.bob.sqlite`, `*.others.sqlite`). With `DEMO_LARGE_GROUP=N` a group
//! "large" of N members (added in one commit) is made too, to try the
//! views on a big tree.
//!
//! ```sh
//! cargo run --release -p mls-inspector --example demo_workspace -- /tmp/demo.sqlite
//! ```

use std::error::Error;
use std::path::{Path, PathBuf};

use mls_core::crypto::CipherSuite;
use mls_inspector::workspace::{
    CommitRequest, GroupKey, GroupOptions, IdentityKey, Receipt, Workspace,
};

const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;

type Result<T> = std::result::Result<T, Box<dyn Error>>;

/// Deletes a workspace file with its WAL and shared-memory files.
fn remove_workspace(path: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        match std::fs::remove_file(PathBuf::from(name)) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// A sibling file: `demo.sqlite` → `demo.{tag}.sqlite`.
fn sibling(path: &Path, tag: &str) -> PathBuf {
    let stem = path.file_stem().map_or_else(
        || String::from("demo"),
        |s| s.to_string_lossy().into_owned(),
    );
    path.with_file_name(format!("{stem}.{tag}.sqlite"))
}

/// Members outside Alice's workspace: identities with key packages.
struct Others {
    ws: Workspace,
}

impl Others {
    fn key_package(&self, name: &str) -> Result<Vec<u8>> {
        let identity = match self.ws.identity_find(name) {
            Ok(i) => i,
            Err(_) => self.ws.identity_new(name, CS)?,
        };
        Ok(self.ws.key_package_new(identity.key)?.bytes)
    }

    fn key_packages(&self, names: &[&str]) -> Result<Vec<Vec<u8>>> {
        names.iter().map(|n| self.key_package(n)).collect()
    }
}

/// Bob receives a commit of Alice's and applies it.
fn bob_follows(bob: &Workspace, key: GroupKey, commit: &[u8]) -> Result<()> {
    match bob.receive(Some(key), commit)? {
        Receipt::CommitStaged(_) => {
            bob.apply(key)?;
            Ok(())
        }
        other => Err(format!("Bob expected a commit, got {other:?}").into()),
    }
}

fn leaf_of(ws: &Workspace, key: GroupKey, name: &str) -> Result<u32> {
    ws.group_show(key)?
        .members
        .into_iter()
        .find(|m| m.identity == name)
        .map(|m| m.leaf)
        .ok_or_else(|| format!("{name} is not a member").into())
}

fn small_group(
    alice: &Workspace,
    identity: IdentityKey,
    others: &Others,
    name: &str,
    members: &[&str],
) -> Result<()> {
    let group = alice.group_create(
        identity,
        &GroupOptions {
            name: Some(name.to_owned()),
            ..GroupOptions::default()
        },
    )?;
    if !members.is_empty() {
        alice.commit_add(group.key, &others.key_packages(members)?)?;
        alice.apply(group.key)?;
    }
    Ok(())
}

fn main() -> Result<()> {
    let path = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or("usage: demo_workspace PATH (the workspace file to create)")?;
    let bob_path = sibling(&path, "bob");
    let others_path = sibling(&path, "others");
    for p in [&path, &bob_path, &others_path] {
        remove_workspace(p)?;
    }

    let a = Workspace::open(&path)?;
    let bob_ws = Workspace::open(&bob_path)?;
    let others = Others {
        ws: Workspace::open(&others_path)?,
    };

    let alice = a.identity_new("alice", CS)?;
    let bob = bob_ws.identity_new("bob", CS)?;
    let falcon = a.group_create(
        alice.key,
        &GroupOptions {
            name: Some(String::from("project-falcon")),
            ..GroupOptions::default()
        },
    )?;
    let g = falcon.key;

    // Epoch 1: Bob, Carol, Dave and Erin; Bob joins from the Welcome.
    let mut adds = vec![bob_ws.key_package_new(bob.key)?.bytes];
    adds.extend(others.key_packages(&["carol", "dave", "erin"])?);
    let commit = a.commit_add(g, &adds)?;
    a.apply(g)?;
    let welcome = commit.welcome.ok_or("the add produced no Welcome")?;
    let b = bob_ws.join(&welcome, None)?.key;

    // Epoch 2: five more.
    let kps = others.key_packages(&["frank", "grace", "heidi", "ivan", "judy"])?;
    let commit = a.commit_add(g, &kps)?;
    a.apply(g)?;
    bob_follows(&bob_ws, b, &commit.commit)?;

    // Epoch 3: Alice refreshes her keys.
    let commit = a.commit_update(g)?;
    a.apply(g)?;
    bob_follows(&bob_ws, b, &commit.commit)?;

    // Epoch 4: Bob's update, received by Alice.
    let commit = bob_ws.commit_update(b)?;
    bob_ws.apply(b)?;
    a.receive(Some(g), &commit.commit)?;
    a.apply(g)?;

    // Epoch 5: Mallory and Niaj: twelve members.
    let kps = others.key_packages(&["mallory", "niaj"])?;
    let commit = a.commit_add(g, &kps)?;
    a.apply(g)?;
    bob_follows(&bob_ws, b, &commit.commit)?;

    // Messages both ways.
    for text in [
        "Kick-off moved to 10:00 tomorrow.",
        "Mallory and Niaj are in: welcome!",
    ] {
        let message = a.send(g, text.as_bytes())?;
        bob_ws.receive(Some(b), &message)?;
    }
    let reply = bob_ws.send(
        b,
        b"Agenda is in the shared doc. I'll swap Judy for Olivia.",
    )?;
    a.receive(Some(g), &reply)?;

    // Bob's next commit (add Olivia, remove Judy), received and staged.
    let judy = leaf_of(&bob_ws, b, "judy")?;
    let commit = bob_ws.commit_with(
        b,
        &CommitRequest {
            add: vec![others.key_package("olivia")?],
            remove: vec![judy],
            ..CommitRequest::default()
        },
    )?;
    match a.receive(Some(g), &commit.commit)? {
        Receipt::CommitStaged(p) => println!(
            "staged: {} (epoch {} -> {})",
            p.text, p.current_epoch, p.new_epoch
        ),
        other => return Err(format!("expected a staged commit, got {other:?}").into()),
    }

    // Two more groups and some key packages.
    small_group(&a, alice.key, &others, "design-review", &["carol", "grace"])?;
    small_group(&a, alice.key, &others, "notes", &[])?;
    a.key_package_new(alice.key)?;
    a.key_package_new(alice.key)?;

    if let Some(n) = std::env::var("DEMO_LARGE_GROUP")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .filter(|n| *n > 1)
    {
        let names: Vec<String> = (1..n).map(|i| format!("member-{i:05}")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        small_group(&a, alice.key, &others, "large", &refs)?;
    }

    for row in a.groups()? {
        println!(
            "{} {}: epoch {}, {} members{}",
            row.key,
            row.name,
            row.epoch,
            row.member_count,
            if row.pending { ", commit staged" } else { "" }
        );
    }
    println!("wrote {}", path.display());
    Ok(())
}
