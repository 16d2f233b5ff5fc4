//! Protocol scenarios measured exactly like the openmls / mls-rs comparison in
//! `../shared/peer-bench` (see its README), so the numbers can be put side by
//! side with the two peer libraries.
//!
//! ```text
//! cargo bench -p mls-core --bench scenarios                  # full run
//! cargo bench -p mls-core --bench scenarios -- --quick       # smaller N set, shorter budget
//! cargo bench -p mls-core --bench scenarios -- --scenario add_n --scenario app_msg
//! cargo bench -p mls-core --bench scenarios -- --scenario join_n --n 30000
//! #   optional: --target-ms MS  --min-reps K   (same meaning as in peer-bench)
//! #             --n N (repeatable): these group sizes instead of the built-in list
//! ```
//!
//! Method (the peer bench's, re-implemented here):
//! * ciphersuite 1 (MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519), basic
//!   credentials; commits as PublicMessage, no padding, add-only commits
//!   without update path, the ratchet tree travels in the Welcome's GroupInfo
//!   (`ratchet_tree` extension), joiners get no tree out of band.
//! * Everything crosses the wire: key packages, commits, Welcomes and
//!   application messages are serialised `MLSMessage` bytes; the timed regions
//!   include parsing the inputs and serialising the outputs.
//! * `std::time::Instant` around exactly the operation; one discarded warm-up
//!   repetition; then repeat until >= 5 repetitions AND (sum of the timed
//!   phases >= 1 s OR 20 s of wall time spent in repetitions), capped at 1000
//!   (100 000 for app_msg); the median per phase is printed. `--quick`:
//!   0.3 s / 5 s and the smaller N set.
//! * After every repetition the committer and the receiver must be in the same
//!   epoch with the same epoch authenticator.
//!
//! Scenarios and timed phases (same as the peer bench; `crypto` is not done):
//! * `add_n` N=10,100,1000 (quick 10,100): a fresh creator alone in a group
//!   and N key packages (untimed). `create` = parse the N key package messages,
//!   validate them, build ONE commit with N Adds plus the Welcome, serialise
//!   both; `merge` = the creator merges its staged commit. The warm-up
//!   repetition also joins the first added member from the Welcome and checks
//!   its epoch authenticator (untimed).
//! * `update_commit_n` N=16,256,1024,4096 (quick 16,256): a group of N built by
//!   one add commit from member 0; member 1 joined from that Welcome; members
//!   2..N-1 exist only as key packages. `create` = member 0 builds an empty
//!   commit (update path) and serialises it; `merge` = member 0 merges it;
//!   `process` = member 1 parses the bytes, processes the commit and merges.
//! * `join_n` N=16,256,1024 (quick 16,256): a group of N-1; per repetition
//!   member 0 adds a fresh joiner (untimed), `join` = the joiner parses the
//!   Welcome and builds its group state; then member 0 removes it again
//!   (untimed), so every repetition joins a group of exactly N at the same leaf.
//! * `remove_n` N=256,1024 (quick 256): the update_commit_n fixture; phases as
//!   there for a commit removing leaf N/2; afterwards member 0 refills that
//!   leaf (add-only commit that member 1 processes; untimed).
//! * `app_msg` (group of 2): `encrypt` = member 0 encrypts and signs 1 KiB and
//!   serialises it, `decrypt` = member 1 parses, decrypts and verifies it,
//!   `enc_dec` = the sum per message; msgs/s = 1 / median(enc_dec).
//!
//! Settings that differ from `GroupConfig::default()`: external commits are
//! not accepted (`accept_external_commits: false`), as in both peer setups,
//! so no `external_pub` is derived per commit. mls-core always builds and
//! signs a GroupInfo (with the tree) for every commit; the peer bench turns
//! that off in openmls and mls-rs does not build one, so `create` here
//! contains that extra work. mls-core keeps all state in memory and has no
//! storage layer: compare with openmls as is and with mls-rs's phase plus its
//! `persist` phase. Like both peers, mls-core uses rayon (all cores) for
//! its independent HPKE seals and batched signature checks; the build
//! compiles curve25519-dalek's AVX-512 IFMA backend beside AVX2, chosen at
//! run time (`.cargo/config.toml`), which the peer bench's build does not.
//!
//! Output, one parseable line per phase (all other lines start with `#`,
//! including `# cpu` lines with the median process CPU time):
//! `peer-bench mls-inspector <scenario> n=<N> <phase> median_ms=<x.xxx> reps=<k>`
//!
//! Comparing with the peer bench (its folder may be read-only, so build it
//! elsewhere), run both on a quiet machine, one after the other:
//! ```text
//! CARGO_TARGET_DIR=/tmp/peer-bench-target cargo build --release --locked \
//!     --manifest-path ../shared/peer-bench/Cargo.toml
//! /tmp/peer-bench-target/release/peer-bench --quick     # or without --quick
//! cargo bench -p mls-core --bench scenarios -- --quick  # same mode on both
//! ```
//! and match the lines by `<scenario> n=<N> <phase>`. The peer bench
//! alternates its two libraries repetition by repetition; this bench runs in
//! a separate process, so check the printed load averages.
//!
//! Without the `--bench` flag that `cargo bench` passes (e.g. under
//! `cargo test --benches`) the binary only runs a smoke test: every scenario
//! at its smallest N, warm-up plus one repetition.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use mls_core::codec::{Decode, Encode, VlBytes};
use mls_core::crypto::{CipherSuite, CryptoProvider, RustCrypto};
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::group::{Group, GroupConfig, KeyPackageBundle, Received, StagedCommit};
use mls_core::messages::{Credential, KeyPackage, Proposal};

const LIB: &str = "mls-inspector";
const CS: CipherSuite = CipherSuite::Mls128Dhkemx25519Aes128gcmSha256Ed25519;
const P: RustCrypto = RustCrypto;
const KEY_PACKAGE_LIFETIME_SECS: u64 = 90 * 86_400;
const SCENARIOS: [&str; 6] = [
    "add_n",
    "update_commit_n",
    "join_n",
    "remove_n",
    "app_msg",
    "crypto",
];

// ---------------------------------------------------------------------------
// Measurement driver
// ---------------------------------------------------------------------------

/// One timed phase: wall clock, and process CPU time where available.
#[derive(Clone, Copy, Debug)]
struct Sample {
    wall: Duration,
    cpu: Option<Duration>,
}

impl Sample {
    fn plus(self, other: Sample) -> Sample {
        Sample {
            wall: self.wall + other.wall,
            cpu: self.cpu.zip(other.cpu).map(|(a, b)| a + b),
        }
    }
}

type Phases = Vec<(&'static str, Sample)>;

/// Process CPU time (all threads) via `clock_gettime(CLOCK_PROCESS_CPUTIME_ID)`.
#[cfg(all(target_os = "linux", target_pointer_width = "64"))]
fn cpu_now() -> Option<Duration> {
    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }
    unsafe extern "C" {
        fn clock_gettime(clock_id: i32, tp: *mut Timespec) -> i32;
    }
    const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
    let mut ts = Timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec (two 64-bit fields on 64-bit
    // Linux) and the clock id exists on Linux; libc is linked by std.
    let rc = unsafe { clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return None;
    }
    Some(Duration::new(
        u64::try_from(ts.tv_sec).ok()?,
        u32::try_from(ts.tv_nsec).ok()?,
    ))
}

#[cfg(not(all(target_os = "linux", target_pointer_width = "64")))]
fn cpu_now() -> Option<Duration> {
    None
}

/// Runs `f` and measures it; the CPU clock is read outside the wall window.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Sample) {
    let cpu_start = cpu_now();
    let start = Instant::now();
    let out = f();
    let wall = start.elapsed();
    let cpu_end = cpu_now();
    let cpu = cpu_start.zip(cpu_end).map(|(a, b)| b.saturating_sub(a));
    (out, Sample { wall, cpu })
}

struct Settings {
    smoke: bool,
    quick: bool,
    min_reps: usize,
    target: Duration,
    max_wall: Duration,
    scenarios: Vec<String>,
    /// These N (`--n`, repeatable) instead of the built-in sizes.
    only_n: Vec<usize>,
}

impl Settings {
    fn wants(&self, scenario: &str) -> bool {
        self.scenarios.is_empty() || self.scenarios.iter().any(|s| s == scenario)
    }

    /// The N values per scenario (the peer bench's full and quick sets).
    fn sizes(&self, scenario: &str) -> Vec<usize> {
        let (full, quick): (&[usize], &[usize]) = match scenario {
            "add_n" => (&[10, 100, 1000], &[10, 100]),
            "update_commit_n" => (&[16, 256, 1024, 4096], &[16, 256]),
            "join_n" => (&[16, 256, 1024], &[16, 256]),
            "remove_n" => (&[256, 1024], &[256]),
            _ => (&[2], &[2]),
        };
        if !self.only_n.is_empty() {
            // any size: the given N instead of the built-in list (app_msg is
            // always a group of 2)
            let least = match scenario {
                "app_msg" | "crypto" => return full.to_vec(),
                "add_n" => 1,
                // leaf n/2 is removed: it must be neither member 0 nor 1
                "remove_n" => 4,
                _ => 2,
            };
            for n in self.only_n.iter().filter(|&&n| n < least) {
                note(format!("{scenario}: n={n} skipped (needs n >= {least})"));
            }
            self.only_n
                .iter()
                .copied()
                .filter(|&n| n >= least)
                .collect()
        } else if self.smoke {
            quick.iter().take(1).copied().collect()
        } else if self.quick {
            quick.to_vec()
        } else {
            full.to_vec()
        }
    }
}

fn note(line: impl AsRef<str>) {
    println!("# {}", line.as_ref());
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    let mid = values.len() / 2;
    if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// One phase's samples over all repetitions.
struct Series {
    name: &'static str,
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
}

/// Runs one discarded warm-up repetition (`rep(0)`), then repetitions
/// `rep(1)`, `rep(2)`, ... until at least `min_reps` were done and either the
/// timed phases add up to `target` or `max_wall` was spent inside
/// repetitions, or `max_reps` is reached. Prints the median of every phase
/// and returns them.
fn measure(
    s: &Settings,
    scenario: &str,
    n: usize,
    max_reps: usize,
    mut rep: impl FnMut(usize) -> Phases,
) -> Vec<(&'static str, Duration)> {
    let max_reps = if s.smoke { 1 } else { max_reps };
    let min_reps = s.min_reps.min(max_reps);
    drop(rep(0));
    let mut series: Vec<Series> = Vec::new();
    let (mut reps, mut timed_total, mut spent) = (0usize, Duration::ZERO, Duration::ZERO);
    loop {
        let start = Instant::now();
        let phases = rep(reps + 1);
        spent += start.elapsed();
        reps += 1;
        for (name, sample) in phases {
            let i = match series.iter().position(|x| x.name == name) {
                Some(i) => i,
                None => {
                    series.push(Series {
                        name,
                        wall: Vec::new(),
                        cpu: Vec::new(),
                    });
                    series.len() - 1
                }
            };
            series[i].wall.push(sample.wall);
            series[i].cpu.extend(sample.cpu);
            timed_total += sample.wall;
        }
        if reps >= max_reps
            || (reps >= min_reps && (timed_total >= s.target || spent >= s.max_wall))
        {
            break;
        }
    }
    let mut medians = Vec::with_capacity(series.len());
    for x in &mut series {
        let med = median(&mut x.wall);
        println!(
            "peer-bench {LIB} {scenario} n={n} {} median_ms={:.3} reps={}",
            x.name,
            ms(med),
            x.wall.len()
        );
        medians.push((x.name, med));
    }
    for x in &mut series {
        if !x.cpu.is_empty() {
            println!(
                "# cpu {LIB} {scenario} n={n} {} median_cpu_ms={:.3} (process CPU time, all threads)",
                x.name,
                ms(median(&mut x.cpu))
            );
        }
    }
    medians
}

// ---------------------------------------------------------------------------
// Members and wire helpers
// ---------------------------------------------------------------------------

fn group_config() -> GroupConfig {
    GroupConfig {
        encrypt_handshake: false,
        padding: 0,
        ratchet_tree_extension: true,
        accept_external_commits: false,
        ..GroupConfig::default()
    }
}

/// A fresh key package bundle (private keys included) for `name`.
fn bundle(name: &str) -> KeyPackageBundle {
    let (signature_private, _) = P.signature_key_pair(CS).unwrap();
    let credential = Credential::Basic {
        identity: VlBytes(name.as_bytes().to_vec()),
    };
    KeyPackageBundle::generate(
        &P,
        CS,
        credential,
        signature_private,
        KEY_PACKAGE_LIFETIME_SECS,
        Vec::new(),
    )
    .unwrap()
}

/// The bundle's key package as an MLSMessage on the wire.
fn key_package_msg(b: &KeyPackageBundle) -> Vec<u8> {
    MlsMessage::new(MlsMessageBody::KeyPackage(b.key_package.clone()))
        .to_bytes()
        .unwrap()
}

/// Key packages of members that never get a group state of their own (their
/// private keys are dropped).
fn virtual_key_packages(count: usize, first_id: usize) -> Vec<Vec<u8>> {
    (first_id..first_id + count)
        .map(|i| key_package_msg(&bundle(&format!("member-{i}"))))
        .collect()
}

fn create_group(b: &KeyPackageBundle) -> Group {
    Group::create(&P, b, b"peer-bench".to_vec(), Vec::new(), group_config()).unwrap()
}

/// Wire bytes -> KeyPackage (validated by `Group::commit`).
fn parse_key_package(bytes: &[u8]) -> KeyPackage {
    match MlsMessage::decode_exact(bytes).unwrap().body {
        MlsMessageBody::KeyPackage(kp) => kp,
        _ => panic!("expected a key package"),
    }
}

/// The output of creating a commit: wire bytes and the committer's staged state.
struct Created {
    commit: Vec<u8>,
    welcome: Option<Vec<u8>>,
    staged: StagedCommit,
}

/// Parses, validates and commits `proposals`, serialising commit and Welcome.
fn commit(g: &mut Group, proposals: Vec<Proposal>, force_path: bool) -> Created {
    let out = g.commit(&P, proposals, force_path).unwrap();
    Created {
        commit: out.commit.to_bytes().unwrap(),
        welcome: out.welcome.map(|w| w.to_bytes().unwrap()),
        staged: out.staged,
    }
}

/// One commit adding all `kps` (key package messages), no update path.
fn commit_add(g: &mut Group, kps: &[Vec<u8>]) -> Created {
    let adds = kps
        .iter()
        .map(|b| Proposal::Add {
            key_package: parse_key_package(b),
        })
        .collect();
    let created = commit(g, adds, false);
    assert!(created.welcome.is_some(), "an add commit without a Welcome");
    created
}

/// Empty commit: a full update path ("self update").
fn commit_update(g: &mut Group) -> Created {
    commit(g, Vec::new(), true)
}

/// Commit removing one leaf (Remove makes the update path mandatory).
fn commit_remove(g: &mut Group, leaf: u32) -> Created {
    commit(g, vec![Proposal::Remove { removed: leaf }], false)
}

fn merge(g: &mut Group, staged: StagedCommit) {
    g.merge(staged).unwrap();
}

/// A joiner parses the Welcome bytes and builds its group state (tree from
/// the GroupInfo extension).
fn join(b: &KeyPackageBundle, welcome: &[u8]) -> Group {
    let MlsMessageBody::Welcome(w) = MlsMessage::decode_exact(welcome).unwrap().body else {
        panic!("expected a Welcome")
    };
    Group::join(&P, &w, b, None, BTreeMap::new(), group_config()).unwrap()
}

/// Receiver side of a commit: parse, verify + decrypt the path, merge.
fn process_commit(g: &mut Group, bytes: &[u8]) {
    let message = MlsMessage::decode_exact(bytes).unwrap();
    match g.process(&P, &message).unwrap() {
        Received::Commit(staged) => g.merge(*staged).unwrap(),
        _ => panic!("expected a commit"),
    }
}

fn assert_in_sync(a: &Group, b: &Group) {
    assert_eq!(a.epoch(), b.epoch(), "{LIB}: members in different epochs");
    assert_eq!(
        a.epoch_authenticator(),
        b.epoch_authenticator(),
        "{LIB}: members diverged"
    );
}

fn member_count(g: &Group) -> usize {
    g.tree().members().count()
}

// ---------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------

/// Group of `n`: member 0 (creator) and member 1 are real clients, member 1
/// joined through the Welcome; members 2..n-1 are key packages only.
struct Fixture {
    g0: Group,
    g1: Group,
}

fn build_fixture(scenario: &str, n: usize) -> Fixture {
    assert!(n >= 2);
    let start = Instant::now();
    let m0 = bundle("member-0");
    let m1 = bundle("member-1");
    let mut g0 = create_group(&m0);
    let mut kps = vec![key_package_msg(&m1)];
    kps.extend(virtual_key_packages(n - 2, 2));
    let created = commit_add(&mut g0, &kps);
    merge(&mut g0, created.staged);
    let g1 = join(&m1, created.welcome.as_deref().unwrap());
    assert_in_sync(&g0, &g1);
    assert_eq!(member_count(&g1), n);
    note(format!(
        "{LIB} {scenario} n={n} untimed group build {:.1}s",
        start.elapsed().as_secs_f64()
    ));
    Fixture { g0, g1 }
}

fn add_n(s: &Settings, n: usize) {
    measure(s, "add_n", n, 1000, |rep| {
        // untimed: a fresh creator alone in a new group + N key packages
        let creator = bundle("creator");
        let mut g0 = create_group(&creator);
        let first_joiner = bundle("member-1");
        let mut kps = vec![key_package_msg(&first_joiner)];
        kps.extend(virtual_key_packages(n - 1, 2));

        let (created, create) = timed(|| commit_add(&mut g0, &kps));
        let Created {
            commit,
            welcome,
            staged,
        } = created;
        let ((), merge_t) = timed(|| merge(&mut g0, staged));
        assert_eq!(member_count(&g0), n + 1);
        std::hint::black_box(commit);
        if rep == 0 {
            // warm-up only (keeps the repetitions' wall budget like the peer
            // bench's): the Welcome really admits the added members
            let g1 = join(&first_joiner, welcome.as_deref().unwrap());
            assert_in_sync(&g0, &g1);
        }
        vec![("create", create), ("merge", merge_t)]
    });
}

/// One update (`victim` None) or remove round: member 0 creates and merges,
/// member 1 processes (parse + process + merge); all three timed.
fn round(f: &mut Fixture, victim: Option<u32>) -> Phases {
    let (created, create) = timed(|| match victim {
        None => commit_update(&mut f.g0),
        Some(leaf) => commit_remove(&mut f.g0, leaf),
    });
    let Created { commit, staged, .. } = created;
    let ((), merge_t) = timed(|| merge(&mut f.g0, staged));
    let ((), process) = timed(|| process_commit(&mut f.g1, &commit));
    assert_in_sync(&f.g0, &f.g1);
    vec![("create", create), ("merge", merge_t), ("process", process)]
}

fn update_commit_n(s: &Settings, n: usize) {
    let mut f = build_fixture("update_commit_n", n);
    measure(s, "update_commit_n", n, 1000, |_| round(&mut f, None));
}

fn remove_n(s: &Settings, n: usize) {
    let mut f = build_fixture("remove_n", n);
    let victim = u32::try_from(n / 2).unwrap();
    measure(s, "remove_n", n, 1000, |rep| {
        let phases = round(&mut f, Some(victim));
        assert_eq!(member_count(&f.g0), n - 1);
        // untimed: refill the freed leaf (add-only commit that member 1
        // processes), so every repetition removes from exactly n members
        let kp = virtual_key_packages(1, n + rep);
        let created = commit_add(&mut f.g0, &kp);
        assert_eq!(
            created.staged.summary.added.first().map(|(leaf, _)| *leaf),
            Some(victim),
            "the refill did not land on the freed leaf"
        );
        merge(&mut f.g0, created.staged);
        process_commit(&mut f.g1, &created.commit);
        assert_in_sync(&f.g0, &f.g1);
        assert_eq!(member_count(&f.g1), n);
        phases
    });
}

fn join_n(s: &Settings, n: usize) {
    // group of n-1 (member 0 real, the rest key packages only); every
    // repetition adds a fresh joiner (-> n members), times its Welcome
    // processing, then removes it again
    let start = Instant::now();
    let m0 = bundle("member-0");
    let mut g0 = create_group(&m0);
    let created = commit_add(&mut g0, &virtual_key_packages(n - 2, 1));
    merge(&mut g0, created.staged);
    note(format!(
        "{LIB} join_n n={n} untimed group build {:.1}s",
        start.elapsed().as_secs_f64()
    ));
    measure(s, "join_n", n, 1000, |_| {
        let joiner = bundle("joiner");
        let created = commit_add(&mut g0, &[key_package_msg(&joiner)]);
        merge(&mut g0, created.staged);
        let welcome = created.welcome.unwrap();
        let (gj, join_t) = timed(|| join(&joiner, &welcome));
        assert_in_sync(&g0, &gj);
        assert_eq!(member_count(&gj), n);
        let removed = commit_remove(&mut g0, gj.own_leaf());
        merge(&mut g0, removed.staged);
        vec![("join", join_t)]
    });
}

fn app_msg(s: &Settings) {
    let mut f = build_fixture("app_msg", 2);
    let payload = vec![0x5a_u8; 1024];
    let medians = measure(s, "app_msg", 2, 100_000, |_| {
        let (bytes, enc) = timed(|| {
            f.g0.send_application(&P, &payload, b"")
                .unwrap()
                .to_bytes()
                .unwrap()
        });
        let (data, dec) = timed(|| {
            let message = MlsMessage::decode_exact(&bytes).unwrap();
            match f.g1.process(&P, &message).unwrap() {
                Received::Application { data, .. } => data,
                _ => panic!("expected an application message"),
            }
        });
        assert_eq!(data, payload);
        vec![
            ("encrypt", enc),
            ("decrypt", dec),
            ("enc_dec", enc.plus(dec)),
        ]
    });
    if let Some((_, d)) = medians.iter().find(|(name, _)| *name == "enc_dec") {
        note(format!(
            "{LIB} app_msg 1KiB msgs_per_sec={:.0} (1 / median encrypt+decrypt)",
            1.0 / d.as_secs_f64()
        ));
    }
}

/// The provider primitives, as the peer bench's `crypto` scenario measures
/// them (context only: the scenarios above are what is compared).
fn crypto(s: &Settings) {
    let (sk, pk) = P.signature_key_pair(CS).unwrap();
    let data = vec![7u8; 256];
    let (hsk, hpk) = P.hpke_derive_key_pair(CS, &[1u8; 32]).unwrap();
    let secret = [9u8; 32];
    let key = [3u8; 16];
    let nonce = [4u8; 12];
    let msg = vec![5u8; 1024];
    measure(s, "crypto", 0, 100_000, |i| {
        let (sig, sign) = timed(|| P.sign(CS, &sk, &data).unwrap());
        let (_, verify) = timed(|| P.verify(CS, &pk, &data, &sig).unwrap());
        let (ct, seal) = timed(|| P.hpke_seal(CS, &hpk, b"info", b"aad", &secret).unwrap());
        let (pt, open) = timed(|| P.hpke_open(CS, &hsk, b"info", b"aad", &ct).unwrap());
        assert_eq!(pt.as_slice(), &secret);
        let (c, aead) = timed(|| P.aead_seal(CS, &key, &nonce, b"", &msg).unwrap());
        let ikm = [(i % 251) as u8; 32];
        let (k2, derive) = timed(|| P.hpke_derive_key_pair(CS, &ikm).unwrap());
        std::hint::black_box((c, k2));
        vec![
            ("ed25519_sign_256B", sign),
            ("ed25519_verify_256B", verify),
            ("hpke_seal_32B", seal),
            ("hpke_open_32B", open),
            ("aes128gcm_seal_1KiB", aead),
            ("hpke_derive_keypair", derive),
        ]
    });
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "n/a".into())
}

fn usage() -> ! {
    eprintln!(
        "usage: cargo bench -p mls-core --bench scenarios -- [--quick] \
         [--scenario add_n|update_commit_n|join_n|remove_n|app_msg]... \
         [--n N]... [--target-ms MS] [--min-reps K]"
    );
    std::process::exit(2)
}

fn parse_args() -> Settings {
    let mut s = Settings {
        smoke: true,
        quick: false,
        min_reps: 5,
        target: Duration::from_millis(1000),
        max_wall: Duration::from_secs(20),
        scenarios: Vec::new(),
        only_n: Vec::new(),
    };
    let mut target_ms = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // passed by `cargo bench`
            "--bench" => s.smoke = false,
            "--quick" => s.quick = true,
            "--scenario" => {
                let name = args.next().unwrap_or_else(|| usage());
                if !SCENARIOS.contains(&name.as_str()) {
                    eprintln!("unknown scenario {name}");
                    usage();
                }
                s.scenarios.push(name);
            }
            "--n" => {
                let v = args.next().and_then(|v| v.parse().ok());
                s.only_n.push(v.unwrap_or_else(|| usage()));
            }
            "--target-ms" => {
                let v = args.next().and_then(|v| v.parse().ok());
                target_ms = Some(v.unwrap_or_else(|| usage()));
            }
            "--min-reps" => {
                let v = args.next().and_then(|v| v.parse().ok());
                s.min_reps = v.unwrap_or_else(|| usage());
            }
            "-h" | "--help" => usage(),
            other => {
                eprintln!("unknown argument {other}");
                usage();
            }
        }
    }
    if let Some(ms) = target_ms {
        s.target = Duration::from_millis(ms);
    }
    if s.quick {
        s.target = s.target.min(Duration::from_millis(300));
        s.max_wall = Duration::from_secs(5);
    }
    s
}

fn main() {
    let s = parse_args();
    note(format!(
        "versions: mls-core {} (RustCrypto provider)",
        env!("CARGO_PKG_VERSION")
    ));
    note(format!(
        "ciphersuite 1 MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519; basic credentials; \
         in-memory state (no storage layer); profile={}",
        if cfg!(debug_assertions) {
            "debug(!)"
        } else {
            "release"
        }
    ));
    note(format!(
        "rayon_threads={} available_parallelism={} loadavg_at_start={}",
        rayon::current_num_threads(),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        loadavg()
    ));
    note(format!(
        "mode={} min_reps={} target_ms={} max_wall_s={}",
        if s.smoke {
            "smoke (no --bench flag: smallest N, one repetition)"
        } else if s.quick {
            "quick"
        } else {
            "full"
        },
        s.min_reps,
        s.target.as_millis(),
        s.max_wall.as_secs()
    ));

    let start = Instant::now();
    if s.wants("add_n") {
        for n in s.sizes("add_n") {
            add_n(&s, n);
        }
    }
    if s.wants("update_commit_n") {
        for n in s.sizes("update_commit_n") {
            update_commit_n(&s, n);
        }
    }
    if s.wants("join_n") {
        for n in s.sizes("join_n") {
            join_n(&s, n);
        }
    }
    if s.wants("remove_n") {
        for n in s.sizes("remove_n") {
            remove_n(&s, n);
        }
    }
    if s.wants("app_msg") {
        app_msg(&s);
    }
    if s.wants("crypto") {
        crypto(&s);
    }
    note(format!(
        "total wall {:.1}s loadavg_at_end={}",
        start.elapsed().as_secs_f64(),
        loadavg()
    ));
}
