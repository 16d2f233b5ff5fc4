//! Handshake processing on a fixed three-member group state (Bob's):
//! `process` the input as an MLSMessage, and merge a staged commit on a
//! clone. Never panics; a refused message or merge leaves the state
//! byte-identical.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mls_core_fuzz::fixtures::{Receiver, commit_receiver};
use mls_core_fuzz::{receive, write_seeds};

static FIXTURE: OnceLock<Receiver> = OnceLock::new();

fn fixture() -> &'static Receiver {
    FIXTURE.get_or_init(commit_receiver)
}

fuzz_target!(
    init: write_seeds("commit_process", &fixture().seeds),
    |data: &[u8]| receive(&fixture().group, data, false)
);
