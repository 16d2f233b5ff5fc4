//! Errors of the key schedule and secret tree.

use crate::codec::EncodeError;
use crate::crypto::CryptoError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Encode(#[from] EncodeError),
    #[error("leaf {leaf} is outside a secret tree of {leaves} leaves")]
    LeafOutOfRange { leaf: u32, leaves: u32 },
    #[error(
        "generation {requested} of leaf {leaf} was already used or deleted (ratchet is at {current})"
    )]
    GenerationConsumed {
        leaf: u32,
        requested: u32,
        current: u32,
    },
    #[error("too many PSKs: {0} (at most 65535)")]
    TooManyPsks(usize),
    #[error("{what}: {len} bytes where {expected} were expected")]
    Length {
        what: &'static str,
        expected: usize,
        len: usize,
    },
}
