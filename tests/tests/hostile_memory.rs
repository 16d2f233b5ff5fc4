//! Memory and time of hostile ratchet trees, measured with a counting
//! allocator (this test binary's global allocator) and printed.
//!
//! A `ratchet_tree` of one-byte blank nodes used to cost ~270 bytes per
//! input byte (an unboxed `Option<Node>` per blank) and more again when the
//! tree was built from it: a 16 MiB GroupInfo took 14 GB. Now a node slot is
//! 16 bytes and the decoder refuses a tree wider than
//! `MAX_TREE_LEAVES` as soon as the node past the limit starts.
//!
//! Run with `--nocapture` to see the figures.

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

use mls_core::codec::{Decode as _, Encode as _, VlBytes};
use mls_core::crypto::CipherSuite;
use mls_core::messages::{MAX_TREE_NODES, Node, ParentNode, RatchetTree};
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
    let _serial = SERIAL.lock().unwrap();
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
    let _serial = SERIAL.lock().unwrap();
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
