#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod ed25519_batch;
mod interop;
mod primitives;
mod roundtrip;
mod signature_keys;
mod vectors;

use super::*;

pub(super) fn h(s: &str) -> Vec<u8> {
    hex::decode(s).unwrap()
}

pub(super) const P: RustCrypto = RustCrypto;
