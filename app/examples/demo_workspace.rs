//! Builds a demo workspace for the group manager screenshots
//! (`docs/screenshot-groups.sh`), through the same `Workspace` API the GUI
//! and the CLI use:
//!
//! * "project-falcon": Alice's view of a 12-member group over six epochs
//!   (adds, updates, a commit by Bob received and applied), a few
//!   application messages both ways, and Bob's next commit (add olivia,
//!   remove judy) received and staged, waiting for Apply or Discard;
//! * "design-review" (3 members) and "notes" (Alice alone);
//! * "secure-ops": a group under `credentials=x509` whose members hold
//!   certificates from a local CA the workspace trusts (member rows show
//!   "X.509 ✔"), with an external sender ("auditor") listed in
//!   `external_senders` and its proposal to remove a member received and
//!   pending;
//! * "standup": Bob and Dave both committed for the same epoch; Alice
//!   received both, the orchestrator chose one and staged it (the
//!   "Competing commits" table of the Staged view);
//! * "legacy-chat": closed by a ReInit to suite 3, and its successor
//!   (created with the `reinit` resumption PSK, Bob joined);
//! * two unused key packages of Alice.
//!
//! The other members live in scratch workspaces next to the file
//! (`*.bob.sqlite`, `*.others.sqlite`); the local CA of "secure-ops" is
//! written next to it too (`*.ca.pem`, `*.ca-key.pem`). With `DEMO_LARGE_GROUP=N` a group
//! "large" of N members (added in one commit) is made too, to try the
//! views on a big tree.
//!
//! ```sh
//! cargo run --release -p mls-inspector --example demo_workspace -- /tmp/demo.sqlite
//! ```

use std::error::Error;
use std::path::{Path, PathBuf};

use mls_core::credential::KeyAlgorithm;
use mls_core::crypto::CipherSuite;
use mls_inspector::workspace::{
    CommitRequest, ExternalProposal, GroupKey, GroupOptions, IdentityKey, ReInitRequest, Receipt,
    Workspace, local_ca_new,
};

const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
/// The suite "legacy-chat" is re-initialised to.
const CS3: CipherSuite = CipherSuite::Mls128Dhkemx25519Chacha20poly1305Sha256Ed25519;

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

/// A file next to the workspace: `demo.sqlite` → `demo.{name}`.
fn sibling_file(path: &Path, name: &str) -> PathBuf {
    let stem = path.file_stem().map_or_else(
        || String::from("demo"),
        |s| s.to_string_lossy().into_owned(),
    );
    path.with_file_name(format!("{stem}.{name}"))
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

/// "secure-ops": X.509 members from a local CA, an external sender and
/// its pending proposal to remove a member. The CA's certificate and key
/// are written to `ca_files` (to issue more identities in the window).
fn x509_group(alice_ws: &Workspace, others: &Others, ca_files: [PathBuf; 2]) -> Result<()> {
    let ca = local_ca_new("Falcon Demo CA", KeyAlgorithm::Ed25519, 365)?;
    let [ca_cert_file, ca_key_file] = ca_files;
    std::fs::write(ca_cert_file, &ca.cert_pem)?;
    std::fs::write(ca_key_file, &ca.key_pem)?;
    let (cert, key) = (ca.cert_pem.as_bytes(), ca.key_pem.as_bytes());
    for ws in [alice_ws, &others.ws] {
        ws.trust_root_import(cert)?;
    }
    let alice = alice_ws.identity_issue("alice-ops", cert, key, CS, 365)?;
    let mut key_packages = Vec::new();
    for name in ["olga", "pavel", "quentin"] {
        let id = others.ws.identity_issue(name, cert, key, CS, 365)?;
        key_packages.push(others.ws.key_package_new(id.key)?.bytes);
    }
    let auditor = others.ws.identity_issue("auditor", cert, key, CS, 365)?;
    let group = alice_ws.group_create(
        alice.key,
        &GroupOptions {
            name: Some(String::from("secure-ops")),
            external_senders: vec![others.ws.identity_export(auditor.key)?],
            ..GroupOptions::default()
        },
    )?;
    alice_ws.set_group_settings(group.key, &["credentials=x509"])?;
    alice_ws.commit_add(group.key, &key_packages)?;
    alice_ws.apply(group.key)?;

    // The auditor proposes to remove Quentin, from the GroupInfo.
    let info = alice_ws.export_group_info(group.key)?;
    let quentin = leaf_of(alice_ws, group.key, "quentin")?;
    let sent = others.ws.external_propose(
        auditor.key,
        &info,
        None,
        0,
        &ExternalProposal::Remove(quentin),
    )?;
    match alice_ws.receive(Some(group.key), &sent.message)? {
        Receipt::Proposal { description, .. } => println!("secure-ops: pending {description}"),
        other => return Err(format!("expected a proposal, got {other:?}").into()),
    }
    Ok(())
}

/// "standup": Bob and Dave commit for the same epoch; Alice receives
/// both and the orchestrator picks one.
fn competing_group(
    alice_ws: &Workspace,
    alice: IdentityKey,
    bob_ws: &Workspace,
    bob: IdentityKey,
    others: &Others,
) -> Result<()> {
    let group = alice_ws.group_create(
        alice,
        &GroupOptions {
            name: Some(String::from("standup")),
            ..GroupOptions::default()
        },
    )?;
    let adds = vec![
        bob_ws.key_package_new(bob)?.bytes,
        others.key_package("dave")?,
        others.key_package("erin")?,
    ];
    let commit = alice_ws.commit_add(group.key, &adds)?;
    alice_ws.apply(group.key)?;
    let welcome = commit.welcome.ok_or("the add produced no Welcome")?;
    let b = bob_ws.join(&welcome, None)?.key;
    let d = others.ws.join(&welcome, None)?.key;

    let bobs = bob_ws.commit_update(b)?;
    let erin = leaf_of(&others.ws, d, "erin")?;
    let daves = others.ws.commit_with(
        d,
        &CommitRequest {
            remove: vec![erin],
            ..CommitRequest::default()
        },
    )?;
    alice_ws.receive(Some(group.key), &bobs.commit)?;
    match alice_ws.receive(Some(group.key), &daves.commit)? {
        Receipt::Competing { staged, .. } => println!("standup: competing, staged {}", staged.text),
        other => return Err(format!("expected competing commits, got {other:?}").into()),
    }
    Ok(())
}

/// "legacy-chat": re-initialised to suite 3; the successor is created and
/// Bob joins it.
fn reinit_group(
    alice_ws: &Workspace,
    alice: IdentityKey,
    bob_ws: &Workspace,
    bob: IdentityKey,
) -> Result<()> {
    let group = alice_ws.group_create(
        alice,
        &GroupOptions {
            name: Some(String::from("legacy-chat")),
            ..GroupOptions::default()
        },
    )?;
    let commit = alice_ws.commit_add(group.key, &[bob_ws.key_package_new(bob)?.bytes])?;
    alice_ws.apply(group.key)?;
    let welcome = commit.welcome.ok_or("the add produced no Welcome")?;
    let b = bob_ws.join(&welcome, None)?.key;

    let reinit = alice_ws.group_reinit(
        group.key,
        &ReInitRequest {
            cipher_suite: Some(CS3.id()),
            ..ReInitRequest::default()
        },
    )?;
    alice_ws.apply(group.key)?;
    bob_follows(bob_ws, b, &reinit.commit)?;

    let alice3 = alice_ws.identity_new("alice-s3", CS3)?;
    let bob3 = bob_ws.identity_new("bob-s3", CS3)?;
    let kp = bob_ws.key_package_new(bob3.key)?.bytes;
    let resumed = alice_ws.reinit_create(group.key, alice3.key, &[kp])?;
    let welcome = resumed.welcome.ok_or("the successor has no Welcome")?;
    bob_ws.join(&welcome, None)?;
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
    let ca_files = ["ca.pem", "ca-key.pem"].map(|name| sibling_file(&path, name));
    x509_group(&a, &others, ca_files)?;
    competing_group(&a, alice.key, &bob_ws, bob.key, &others)?;
    reinit_group(&a, alice.key, &bob_ws, bob.key)?;
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
