//! PrivateMessage decryption on a fixed state (Bob's, in a group that
//! encrypts handshakes and keeps one past epoch): application data,
//! encrypted proposals and commits (merged on a clone). Never panics; a
//! refused message or merge leaves the state byte-identical.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mls_core_fuzz::fixtures::{Receiver, private_receiver};
use mls_core_fuzz::{receive, write_seeds};

static FIXTURE: OnceLock<Receiver> = OnceLock::new();

fn fixture() -> &'static Receiver {
    FIXTURE.get_or_init(private_receiver)
}

fuzz_target!(
    init: write_seeds("private_message", &fixture().seeds),
    |data: &[u8]| receive(&fixture().group, data, true)
);
