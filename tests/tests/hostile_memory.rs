//! Memory and time of hostile ratchet trees, measured with a counting
//! allocator (this test binary's global allocator) and printed.
//!
//! A `ratchet_tree` of one-byte blank nodes used to cost ~270 bytes per
//! input byte (an unboxed `Option<Node>` per blank) and more again when the
//! tree was built from it: a 16 MiB GroupInfo took 14 GB. Now a node slot is
//! 16 bytes and the decoder refuses a tree wider than
//! `MAX_TREE_LEAVES` as soon as the node past the limit starts.
//!
//! The dissector (`inspect::dissect`, behind `decode` and the Decoder
//! panel) used ~560 bytes per input byte: a `FieldSpan` with a cloned path
//! per element, a heavy `Field` per element, and every message kind decoded
//! with spans on. Now kinds are detected by strict decoding, spans are
//! compact and the field tree is capped at `DissectLimits::max_fields`.
//!
//! Strict decoding charges every heap block it makes against a budget of
//! four times the input plus `DECODE_BUDGET_BASE` (`Reader::charge`): a
//! vector of one-byte elements that each take 24 bytes or more in memory
//! (empty certificates, empty `EncryptedGroupSecrets`) used to cost 36
//! bytes per input byte (604 MB for 16 MiB) and is now refused at the
//! budget.
//!
//! Run with `--nocapture` to see the figures:
//! `cargo test -p workspace-tests --release --test hostile_memory -- --nocapture`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use mls_core::codec::{
    DECODE_BUDGET_BASE, Decode as _, DecodeErrorKind, Encode as _, VlBytes, decode_budget,
};
use mls_core::crypto::CipherSuite;
use mls_core::framing::{MlsMessage, MlsMessageBody};
use mls_core::inspect::{self, MessageKind};
use mls_core::messages::{
    Capabilities, Certificate, Credential, KeyPackage, LeafNode, LeafNodeSource, Lifetime,
    MAX_TREE_NODES, Node, ParentNode, RatchetTree,
};
use mls_core::tree::Tree;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; the
// counters only observe sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's arguments.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                let grow = new_size - layout.size();
                let now = CURRENT.fetch_add(grow, Ordering::Relaxed) + grow;
                // A moving realloc holds both blocks for a moment.
                PEAK.fetch_max(now + layout.size(), Ordering::Relaxed);
            } else {
                CURRENT.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Measurements in this binary run one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

/// Takes the measurement lock (a failed measurement does not stop the
/// others).
fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `f`, returning its result, the peak memory it added (bytes) and
/// its time.
fn measure<T>(f: impl FnOnce() -> T) -> (T, usize, Duration) {
    let base = CURRENT.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let start = Instant::now();
    let out = f();
    let elapsed = start.elapsed();
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
    (out, peak, elapsed)
}

/// A `ratchet_tree` of `len` bytes: blanks (one byte each), then one parent
/// node, behind a 4-byte length header.
fn hostile_tree(len: usize) -> Vec<u8> {
    let parent = Some(Node::parent(ParentNode {
        encryption_key: VlBytes(vec![7; 32]),
        parent_hash: VlBytes::default(),
        unmerged_leaves: Vec::new(),
    }))
    .to_bytes()
    .unwrap();
    let mut body = vec![0u8; len - 4 - parent.len()];
    body.extend_from_slice(&parent);
    let mut out = (0x8000_0000u32 | u32::try_from(body.len()).unwrap())
        .to_be_bytes()
        .to_vec();
    out.extend(body);
    out
}

const MIB: usize = 1 << 20;

#[test]
fn hostile_blank_trees_are_refused_in_bounded_memory_and_time() {
    let _serial = serial();
    for mib in [1, 4, 16] {
        let bytes = hostile_tree(mib * MIB);
        let (result, peak, time) = measure(|| RatchetTree::decode_exact(&bytes));
        println!(
            "ratchet tree of {mib} MiB of blanks: refused={} peak {:.1} MB in {:.0} ms",
            result.is_err(),
            peak as f64 / 1e6,
            time.as_secs_f64() * 1e3
        );
        // More than MAX_TREE_NODES one-byte blanks: refused where the node
        // past the limit starts, not at the end of the input.
        let e = result.unwrap_err();
        assert!(e.to_string().contains("more than"), "{e}");
        assert!(e.offset <= MAX_TREE_NODES + 8, "{}", e.offset);
        // Slots are 16 bytes and the vector may double once: a constant
        // bound, whatever the input's size.
        assert!(peak <= 48 * MIB, "{mib} MiB: peak {peak}");
        assert!(time < Duration::from_secs(2), "{mib} MiB: {time:?}");
    }
}

#[test]
fn the_widest_supported_tree_decodes_and_is_built_within_4x_plus_a_constant() {
    let _serial = serial();
    // Just within the limit: all blank but the last slot, a parent (at the
    // last parent position), so the whole width is decoded and built.
    let bytes = hostile_tree(MAX_TREE_NODES + 39);
    let (tree, peak, time) = measure(|| RatchetTree::decode_exact(&bytes).unwrap());
    assert_eq!(tree.0.len(), MAX_TREE_NODES - 1);
    let (built, build_peak, build_time) =
        measure(|| Tree::from_wire(CipherSuite::from_u16(1).unwrap(), &tree));
    println!(
        "widest tree ({} nodes, {:.1} MB): decode peak {:.1} MB in {:.0} ms; \
         building it: peak {:.1} MB in {:.0} ms ({})",
        MAX_TREE_NODES,
        bytes.len() as f64 / 1e6,
        peak as f64 / 1e6,
        time.as_secs_f64() * 1e3,
        build_peak as f64 / 1e6,
        build_time.as_secs_f64() * 1e3,
        built
            .as_ref()
            .err()
            .map_or("built".into(), ToString::to_string),
    );
    assert_eq!(
        built.unwrap().leaf_count(),
        mls_core::messages::MAX_TREE_LEAVES
    );
    // One node past the limit is refused.
    let e = RatchetTree::decode_exact(&hostile_tree(MAX_TREE_NODES + 41)).unwrap_err();
    assert!(e.to_string().contains("more than"), "{e}");
    let bound = 4 * bytes.len() + 32 * MIB;
    assert!(peak <= bound, "decode peak {peak} > {bound}");
    assert!(build_peak <= bound, "build peak {build_peak} > {bound}");
}

/// An MLSMessage holding a KeyPackage of about `len` bytes, most of them in
/// one long vector: either an X.509 chain of empty certificates (one byte
/// each) or a capabilities `versions` list (two bytes each).
fn hostile_key_package(len: usize, empty_certificates: bool) -> Vec<u8> {
    let build = |n: usize| {
        let (credential, versions) = if empty_certificates {
            let certificates = vec![
                Certificate {
                    cert_data: VlBytes::default()
                };
                n
            ];
            (Credential::X509 { certificates }, vec![1])
        } else {
            let identity = VlBytes(b"alice".to_vec());
            (Credential::Basic { identity }, vec![1; n])
        };
        MlsMessage::new(MlsMessageBody::KeyPackage(KeyPackage {
            version: 1,
            cipher_suite: 1,
            init_key: VlBytes(vec![1; 32]),
            leaf_node: LeafNode {
                encryption_key: VlBytes(vec![2; 32]),
                signature_key: VlBytes(vec![3; 32]),
                credential,
                capabilities: Capabilities {
                    versions,
                    ..Capabilities::default()
                },
                leaf_node_source: LeafNodeSource::KeyPackage(Lifetime {
                    not_before: 0,
                    not_after: u64::MAX,
                }),
                extensions: Vec::new(),
                signature: VlBytes(vec![4; 64]),
            },
            extensions: Vec::new(),
            signature: VlBytes(vec![5; 64]),
        }))
        .to_bytes()
        .unwrap()
    };
    let per_element = if empty_certificates { 1 } else { 2 };
    let overhead = build(0).len() + 8;
    build(len.saturating_sub(overhead) / per_element)
}

/// The dissector's bound: 16 times the input plus this constant.
const DISSECT_CONSTANT: usize = 48 * MIB;

/// Generous time, linear in the input (debug builds are ~10x slower;
/// the cores may be shared).
fn dissect_time_bound(len: usize) -> Duration {
    let (base, per_mib) = if cfg!(debug_assertions) {
        (10_000, 6_000)
    } else {
        (2_000, 500)
    };
    Duration::from_millis(base + per_mib * (len / MIB) as u64)
}

#[test]
fn the_dissector_stays_within_16x_the_input_plus_a_constant() {
    let _serial = serial();
    type Input = (&'static str, fn(usize) -> Vec<u8>, Option<MessageKind>);
    let inputs: [Input; 4] = [
        (
            "ratchet tree of blanks (as a ratchet tree)",
            hostile_tree,
            Some(MessageKind::RatchetTree),
        ),
        ("ratchet tree of blanks (detected)", hostile_tree, None),
        (
            "KeyPackage with an X.509 chain of empty certificates",
            |len| hostile_key_package(len, true),
            None,
        ),
        (
            "KeyPackage with a long versions list",
            |len| hostile_key_package(len, false),
            None,
        ),
    ];
    let mut failures = Vec::new();
    for (name, make, kind) in inputs {
        for mib in [1, 4, 16] {
            let bytes = make(mib * MIB);
            // Strict decoding alone, for comparison.
            let (_, strict, _) = measure(|| match kind {
                Some(_) => RatchetTree::decode_exact(&bytes[..]).map(drop),
                None => MlsMessage::decode_exact(&bytes).map(drop),
            });
            let (d, peak, time) = measure(|| match kind {
                Some(kind) => inspect::dissect_as(&bytes, kind),
                None => inspect::dissect(&bytes),
            });
            let fields = d.all_fields().len();
            println!(
                "dissect {name}, {mib} MiB: {} ({}), {fields} fields shown: \
                 peak {:.1} MB ({:.1} per input byte) in {:.0} ms; \
                 strict decoding alone: peak {:.1} MB",
                d.kind.name(),
                if d.ok() { "decoded" } else { "malformed" },
                peak as f64 / 1e6,
                peak as f64 / bytes.len() as f64,
                time.as_secs_f64() * 1e3,
                strict as f64 / 1e6,
            );
            let bound = 16 * bytes.len() + DISSECT_CONSTANT;
            if peak > bound {
                failures.push(format!("{name}, {mib} MiB: peak {peak} > {bound}"));
            }
            let limit = dissect_time_bound(bytes.len());
            if time > limit {
                failures.push(format!("{name}, {mib} MiB: {time:?} > {limit:?}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// A Welcome of about `len` bytes whose `secrets` are empty
/// `EncryptedGroupSecrets` (three one-byte vectors each, 72 bytes in
/// memory).
fn hostile_welcome(len: usize) -> Vec<u8> {
    let n = (len - 16) / 3;
    let mut out = vec![0, 1, 0, 3, 0, 1]; // mls10, mls_welcome, suite 1
    out.extend((0x8000_0000u32 | u32::try_from(3 * n).unwrap()).to_be_bytes());
    out.resize(out.len() + 3 * n, 0);
    out.push(0); // encrypted_group_info<V>: empty
    out
}

#[test]
fn strict_decoding_stays_within_4x_the_input_plus_a_constant() {
    let _serial = serial();
    type Input = (&'static str, fn(usize) -> Vec<u8>);
    let inputs: [Input; 4] = [
        (
            "KeyPackage with an X.509 chain of empty certificates",
            |len| hostile_key_package(len, true),
        ),
        ("KeyPackage with a long versions list", |len| {
            hostile_key_package(len, false)
        }),
        ("Welcome of empty EncryptedGroupSecrets", hostile_welcome),
        ("ratchet tree of blanks", hostile_tree),
    ];
    let mut failures = Vec::new();
    for (name, make) in inputs {
        for mib in [1, 4, 16] {
            let bytes = make(mib * MIB);
            let (result, peak, time) = measure(|| {
                if name.starts_with("ratchet") {
                    RatchetTree::decode_exact(&bytes).map(drop)
                } else {
                    MlsMessage::decode_exact(&bytes).map(drop)
                }
            });
            println!(
                "strict decoding of {name}, {mib} MiB: {} peak {:.1} MB ({:.2} per input byte) \
                 in {:.0} ms",
                match &result {
                    Ok(()) => "decoded;".to_string(),
                    Err(e) => format!("refused ({e});"),
                },
                peak as f64 / 1e6,
                peak as f64 / bytes.len() as f64,
                time.as_secs_f64() * 1e3
            );
            // 4x plus the constant, and a little for the error's path.
            let bound = 4 * bytes.len() + DECODE_BUDGET_BASE + 64 * 1024;
            if peak > bound {
                failures.push(format!("{name}, {mib} MiB: peak {peak} > {bound}"));
            }
            let limit = dissect_time_bound(bytes.len());
            if time > limit {
                failures.push(format!("{name}, {mib} MiB: {time:?} > {limit:?}"));
            }
            // The versions list (2 bytes in memory per 2 on the wire) fits;
            // the empty certificates and secrets are refused at the budget
            // once they would need more than it.
            if name.contains("versions") {
                if let Err(e) = &result {
                    failures.push(format!("{name}, {mib} MiB: refused: {e}"));
                }
            } else if name.starts_with("KeyPackage") || name.starts_with("Welcome") {
                let expands = bytes.len() / 3 * 72 > decode_budget(bytes.len());
                match (&result, expands) {
                    (Err(e), true) if matches!(e.kind, DecodeErrorKind::MemoryBudget { .. }) => {}
                    (Ok(()), false) => {}
                    _ => failures.push(format!("{name}, {mib} MiB: {result:?}")),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
