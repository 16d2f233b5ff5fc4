//! Secrets never left behind in freed memory by the state writer (issue
//! 13): this binary's global allocator looks at every block as it is
//! freed and counts those still holding a marker. A plain `Vec` that grows
//! frees its old buffer as it is; the secret writer zeroizes it first.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use mls_core::codec::Writer;

/// 16 bytes unlikely to appear by chance.
const MARKER: [u8; 16] = *b"\xa5SECRET-MARKER!\x5a";

struct Inspecting;

static WATCH: AtomicBool = AtomicBool::new(false);
static FREED_WITH_MARKER: AtomicUsize = AtomicUsize::new(0);

fn holds_marker(block: &[u8]) -> bool {
    block.windows(MARKER.len()).any(|w| w == MARKER)
}

// SAFETY: every call is forwarded to the system allocator; a block is only
// read (never written) before it is handed back.
unsafe impl GlobalAlloc for Inspecting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCH.load(Ordering::Relaxed) {
            // SAFETY: the block is still allocated, `layout.size()` long.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if holds_marker(block) {
                FREED_WITH_MARKER.fetch_add(1, Ordering::Relaxed);
            }
        }
        // SAFETY: forwarded with the caller's pointer and layout.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if WATCH.load(Ordering::Relaxed) {
            // SAFETY: as in dealloc; realloc may free the old block.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            if holds_marker(block) {
                FREED_WITH_MARKER.fetch_add(1, Ordering::Relaxed);
            }
        }
        // SAFETY: forwarded with the caller's arguments.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Inspecting = Inspecting;

static SERIAL: Mutex<()> = Mutex::new(());

/// Writes the marker many times (so the buffer grows again and again, also
/// inside a nested vector), drops everything, and returns how many freed
/// blocks still held it.
fn leftovers(mut w: Writer) -> usize {
    FREED_WITH_MARKER.store(0, Ordering::Relaxed);
    WATCH.store(true, Ordering::Relaxed);
    for _ in 0..64 {
        w.raw(&MARKER);
    }
    w.vl_nested(|inner| {
        for _ in 0..64 {
            inner.vl_bytes(&MARKER)?;
        }
        Ok(())
    })
    .unwrap();
    let mut bytes = w.into_bytes();
    assert!(holds_marker(&bytes));
    // The caller's copy is the caller's business: wipe it before freeing.
    bytes.iter_mut().for_each(|b| *b = 0);
    drop(bytes);
    WATCH.store(false, Ordering::Relaxed);
    FREED_WITH_MARKER.load(Ordering::Relaxed)
}

#[test]
fn the_secret_writer_leaves_nothing_in_freed_buffers() {
    let _serial = SERIAL.lock().unwrap();
    assert_eq!(leftovers(Writer::for_secrets(16)), 0);
    // Dropped without being read: wiped too.
    FREED_WITH_MARKER.store(0, Ordering::Relaxed);
    WATCH.store(true, Ordering::Relaxed);
    let mut w = Writer::for_secrets(8);
    w.raw(&MARKER);
    drop(w);
    WATCH.store(false, Ordering::Relaxed);
    assert_eq!(FREED_WITH_MARKER.load(Ordering::Relaxed), 0);
}

#[test]
fn a_plain_writer_does_leave_copies_which_is_why_states_use_the_other() {
    let _serial = SERIAL.lock().unwrap();
    // The check above can fail: the ordinary writer's growth frees
    // buffers with the marker in them.
    assert!(leftovers(Writer::with_capacity(16)) > 0);
}
