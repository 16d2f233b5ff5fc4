#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Crash safety of the workspace file: a child process loops
//! commit → receive → apply on a two-member group (both members in one
//! workspace) and is killed (SIGKILL on unix) at random moments; after every
//! kill the file must reopen with each member at a consistent epoch, and
//! the group must go on.
//!
//! The seed is printed; rerun one with `MLS_CRASH_SEED=<seed>`.

use std::io::{BufRead as _, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mls_core::crypto::{CipherSuite, RustCrypto};
use mls_core::group::Group;
use mls_inspector::cli::debug;
use mls_inspector::workspace::{GroupOptions, GroupStatus, Workspace};

const TRIALS: usize = 200;
/// Kill moments are drawn from 0..MAX_DELAY_MS after the child is ready.
const MAX_DELAY_MS: u64 = 40;

/// xorshift64*: enough randomness for kill moments.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
}

fn seed() -> u64 {
    if let Ok(s) = std::env::var("MLS_CRASH_SEED") {
        return s.parse().expect("MLS_CRASH_SEED is a number");
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    (nanos as u64) | 1
}

/// Checks every member of the group in a freshly opened workspace: the
/// state loads, its epoch is the newest history row's, the stored epoch
/// authenticator matches, and a pending commit (if any) is whole.
/// Returns the members' epochs.
fn check_consistent(ws: &Workspace, group_id: &[u8], trial: usize) -> Vec<u64> {
    let mut epochs = Vec::new();
    for row in ws.groups().unwrap() {
        if row.group_id != group_id {
            continue;
        }
        assert_eq!(row.status, GroupStatus::Active, "trial {trial}");
        let group = ws
            .group_load(row.key)
            .unwrap_or_else(|e| panic!("trial {trial}: member {} does not load: {e}", row.key));
        assert_eq!(group.epoch(), row.epoch, "trial {trial}: row epoch");
        let history = ws.history(row.key).unwrap();
        let newest = history.last().expect("a history row");
        assert_eq!(
            newest.epoch,
            group.epoch(),
            "trial {trial}: member {} state at epoch {}, history at {}",
            row.key,
            group.epoch(),
            newest.epoch
        );
        assert_eq!(
            newest.epoch_authenticator_hex,
            hex::encode(group.epoch_authenticator()),
            "trial {trial}: epoch authenticator of member {}",
            row.key
        );
        // History rows are contiguous.
        for pair in history.windows(2) {
            assert_eq!(pair[0].epoch + 1, pair[1].epoch, "trial {trial}");
        }
        if let Some(pending) = ws.pending(row.key).unwrap() {
            assert!(row.pending);
            assert_eq!(pending.current_epoch, group.epoch(), "trial {trial}");
            assert_eq!(pending.new_epoch, group.epoch() + 1, "trial {trial}");
            assert!(!pending.message.is_empty(), "trial {trial}");
            let next = ws.store().pending_state(row.key).unwrap().unwrap();
            let next = Group::from_bytes(&RustCrypto, next.as_bytes())
                .unwrap_or_else(|e| panic!("trial {trial}: pending state: {e}"));
            assert_eq!(next.epoch(), group.epoch() + 1, "trial {trial}");
            assert_eq!(
                hex::encode(next.epoch_authenticator()),
                pending.epoch_authenticator_hex,
                "trial {trial}"
            );
        } else {
            assert!(!row.pending, "trial {trial}");
        }
        epochs.push(row.epoch);
    }
    assert_eq!(epochs.len(), 2, "trial {trial}: both members are there");
    epochs
}

#[test]
fn killed_apply_loops_leave_a_consistent_file() {
    let started = Instant::now();
    let seed = seed();
    println!("crash test seed: {seed} (rerun with MLS_CRASH_SEED={seed})");
    let mut rng = Rng(seed);

    let dir = std::env::temp_dir().join(format!("mls-ws-crash-{}-{}", std::process::id(), seed));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join("crash.sqlite");

    // Alice and Bob, both in this one workspace, in one group.
    let group_id = {
        let ws = Workspace::open(&path).unwrap();
        let cs = CipherSuite::ALL[0];
        let alice = ws.identity_new("alice", cs).unwrap();
        let bob = ws.identity_new("bob", cs).unwrap();
        let g = ws
            .group_create(
                alice.key,
                &GroupOptions {
                    name: Some(String::from("crash")),
                    ..GroupOptions::default()
                },
            )
            .unwrap();
        let kp = ws.key_package_new(bob.key).unwrap();
        let out = ws.commit_add(g.key, &[kp.bytes]).unwrap();
        ws.apply(g.key).unwrap();
        ws.join(out.welcome.as_ref().unwrap(), None).unwrap();
        g.group_id
    };
    let group_hex = hex::encode(&group_id);

    let mut first_epoch = None;
    let mut last_epoch = 0;
    let mut mid_commit = 0; // kills that left a pending commit or a lagging member
    for trial in 0..TRIALS {
        let mut child = Command::new(env!("CARGO_BIN_EXE_mls-inspector"))
            .args(["debug", "apply-loop", "--db"])
            .arg(&path)
            .args(["--group", &group_hex])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start mls-inspector");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        if line.trim() != "ready" {
            let out = child.wait_with_output().unwrap();
            panic!(
                "trial {trial}: the child did not start: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let delay = rng.next() % (MAX_DELAY_MS + 1);
        std::thread::sleep(Duration::from_millis(delay));
        if let Ok(Some(status)) = child.try_wait() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            panic!("trial {trial}: the loop stopped by itself ({status}): {err}");
        }
        child.kill().unwrap(); // SIGKILL on unix
        child.wait().unwrap();

        let ws = Workspace::open(&path).unwrap();
        let epochs = check_consistent(&ws, &group_id, trial);
        let pending = ws.groups().unwrap().iter().any(|g| g.pending);
        if pending || epochs[0] != epochs[1] {
            mid_commit += 1;
        }
        // The group goes on from whatever state the kill left.
        let epoch = debug::round(&ws, &group_id)
            .unwrap_or_else(|e| panic!("trial {trial} (delay {delay} ms): round failed: {e}"));
        let after = check_consistent(&ws, &group_id, trial);
        assert_eq!(after, vec![epoch, epoch], "trial {trial}");
        first_epoch.get_or_insert(epochs[0]);
        last_epoch = epoch;
    }

    let _ = std::fs::remove_dir_all(&dir);
    let advanced = last_epoch - first_epoch.unwrap_or(0);
    println!(
        "{TRIALS} trials in {:.1} s: {advanced} epochs, {mid_commit} kills inside a commit",
        started.elapsed().as_secs_f64()
    );
    // The children did real work (more epochs than the checking rounds
    // alone), and a fair share of the kills hit a commit half-way (a
    // pending row, or one member applied and the other not yet).
    assert!(
        advanced > TRIALS as u64,
        "only {advanced} epochs in {TRIALS} trials"
    );
    assert!(
        mid_commit >= TRIALS / 20,
        "only {mid_commit} of {TRIALS} kills landed inside a commit"
    );
}
