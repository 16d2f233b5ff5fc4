//! The key schedule (RFC 9420 §8), PSKs (§8.4) and the secret tree (§9).
//! Transcript hashes (§8.2) are computed over framed commits and live with
//! the group (`group::confirmed_transcript_hash`).

mod error;
mod key_schedule;
mod psk;
mod secret_tree;

pub use error::ScheduleError;
pub use key_schedule::{EpochSecrets, JoinerSecrets, mls_exporter};
pub use psk::{PskInput, psk_secret};
pub use secret_tree::{
    HashRatchet, KeyNonce, RatchetConfig, RatchetKind, SecretTree, sender_data_key_nonce,
};
