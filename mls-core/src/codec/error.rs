//! Typed decoding and encoding errors. Every decoding error says *where*
//! (byte offset into the outermost input, and the field path) and *what*.

use std::fmt;

/// What went wrong while decoding.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeErrorKind {
    /// The input ended before the field was complete.
    #[error("truncated: needed {needed} more byte(s), {available} available")]
    Truncated { needed: u64, available: usize },
    /// A variable-length vector header started with the reserved prefix `0b11` (RFC 9420 §2.1.2).
    #[error("invalid variable-length header prefix 0b11 (first byte {first:#04x})")]
    InvalidVarintPrefix { first: u8 },
    /// A variable-length header used more bytes than the minimum (RFC 9420 §2.1.2).
    #[error("variable-length header is not minimally encoded")]
    NonMinimalVarint,
    /// A declared vector length runs past the end of its enclosing input.
    #[error("declared length {length} exceeds the {available} byte(s) remaining")]
    LengthPastInput { length: u64, available: usize },
    /// A value was not one the structure allows.
    #[error("invalid value: {0}")]
    InvalidValue(String),
    /// Holding what was decoded would take more memory than the reader's
    /// budget (four times the input plus a constant): a hostile input of
    /// tiny elements that each expand in memory.
    #[error(
        "decoded values would hold {needed} bytes of memory, over this input's budget of \
         {budget} bytes: refused as hostile"
    )]
    MemoryBudget { needed: usize, budget: usize },
    /// Bytes were left over after a complete structure.
    #[error("{count} trailing byte(s) after the end of the structure")]
    TrailingBytes { count: usize },
}

/// A decoding error: what went wrong, at which byte offset, in which field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Offset into the input given to the outermost [`super::Reader`].
    pub offset: usize,
    /// Dotted field path, e.g. `leaf_node.extensions[2].extension_data`.
    pub path: String,
    /// The same path as segments.
    pub segments: Vec<super::PathSegment>,
    /// The byte offset where each segment of `segments` began.
    pub segment_starts: Vec<usize>,
    pub kind: DecodeErrorKind,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "at byte {}: {}", self.offset, self.kind)
        } else {
            write!(f, "{} at byte {}: {}", self.path, self.offset, self.kind)
        }
    }
}

impl std::error::Error for DecodeError {}

/// Encoding fails only when a vector is longer than the 2^30 - 1 bytes a
/// variable-length header can state (RFC 9420 §2.1.2).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("vector of {length} bytes is longer than the 2^30-1 bytes MLS allows")]
pub struct EncodeError {
    pub length: usize,
}
