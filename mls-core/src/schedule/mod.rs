//! The key schedule (RFC 9420 §8), PSKs (§8.4), transcript hashes (§8.2)
//! and the secret tree (§9).

mod error;
mod key_schedule;
mod psk;
mod secret_tree;
mod transcript;

pub use error::ScheduleError;
pub use key_schedule::{EpochSecrets, JoinerSecrets, mls_exporter};
pub use psk::{PskInput, psk_secret};
pub use secret_tree::{
    HashRatchet, KeyNonce, RatchetConfig, RatchetKind, SecretTree, sender_data_key_nonce,
};
pub use transcript::{confirmation_tag, confirmed_transcript_hash, interim_transcript_hash};
