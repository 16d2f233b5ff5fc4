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
        "generation {requested} of leaf {leaf} was already used, or is older than the {window} keys kept for out-of-order delivery (ratchet is at {current})"
    )]
    GenerationConsumed {
        leaf: u32,
        requested: u32,
        current: u32,
        window: u32,
    },
    #[error(
        "generation {requested} of leaf {leaf} is {gap} ahead of the ratchet (at {current}); at most {max_gap} is allowed"
    )]
    GenerationGap {
        leaf: u32,
        requested: u32,
        current: u32,
        gap: u32,
        max_gap: u32,
    },
    #[error(
        "leaf {leaf}'s keys have protected {used} bytes this epoch; {more} more would pass the AEAD limit of {limit} bytes"
    )]
    AeadLimit {
        leaf: u32,
        used: u64,
        more: u64,
        limit: u64,
    },
    #[error("the secret of leaf {leaf} was already consumed")]
    LeafConsumed { leaf: u32 },
    #[error("too many PSKs: {0} (at most 65535)")]
    TooManyPsks(usize),
    #[error("{what}: {len} bytes where {expected} were expected")]
    Length {
        what: &'static str,
        expected: usize,
        len: usize,
    },
}
