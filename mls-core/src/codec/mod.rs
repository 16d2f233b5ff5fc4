//! The TLS presentation language of RFC 9420 §2.1, on `tls_codec`.
//!
//! [`Reader`] decodes with bounds and offsets: every error names the byte
//! offset and field path, and with span recording on it reports the byte
//! range of every field (the inspector builds on this). [`Writer`] encodes.

mod error;
mod generic;
mod reader;
mod writer;

pub use error::{DecodeError, DecodeErrorKind, EncodeError};
pub use generic::VlBytes;
pub use reader::{
    DECODE_BUDGET_BASE, DECODE_BUDGET_FACTOR, Decode, FieldSpan, LeafKind, PathSegment, Reader,
    decode_budget, render_path, span_paths,
};
pub use writer::{Encode, MAX_VECTOR_LENGTH, Writer, varint_header_len};

/// Decodes a variable-length vector header on its own (the check of the
/// `deserialization.json` vectors): returns the declared length and the
/// number of header bytes. The header must be the whole input.
pub fn decode_vector_header(bytes: &[u8]) -> Result<(usize, usize), DecodeError> {
    let mut r = Reader::new(bytes);
    let length = r.varint_length()?;
    let consumed = r.position();
    r.finish()?;
    Ok((length, consumed))
}

#[cfg(test)]
mod tests;
