//! Encoding into the TLS presentation language, with RFC 9420 §2.1.2
//! variable-length vector headers written by `tls_codec`.

use super::error::EncodeError;

/// Largest length a variable-length header can state (RFC 9420 §2.1.2).
pub const MAX_VECTOR_LENGTH: usize = (1 << 30) - 1;

/// An append-only output buffer.
///
/// A writer made with [`Writer::for_secrets`] never leaves a copy of what
/// it holds in freed memory: it grows by copying into a larger buffer and
/// zeroizing the old one (a plain `Vec` reallocation would free the old
/// buffer as it is), zeroizes itself when dropped unread, and its nested
/// writers do the same.
#[derive(Debug, Default, Clone)]
pub struct Writer {
    buf: Vec<u8>,
    sensitive: bool,
}

impl Drop for Writer {
    fn drop(&mut self) {
        if self.sensitive {
            zeroize::Zeroize::zeroize(&mut self.buf);
        }
    }
}

impl Writer {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(capacity: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(capacity),
            sensitive: false,
        }
    }

    /// A writer for secret-bearing output (a serialised group state).
    pub fn for_secrets(capacity: usize) -> Self {
        Writer {
            buf: Vec::with_capacity(capacity),
            sensitive: true,
        }
    }

    pub fn into_bytes(mut self) -> Vec<u8> {
        std::mem::take(&mut self.buf)
    }

    /// Makes room for `extra` more bytes; a sensitive writer moves to a
    /// buffer at least twice as large and zeroizes the old one.
    fn reserve(&mut self, extra: usize) {
        if !self.sensitive {
            return;
        }
        let needed = self.buf.len().saturating_add(extra);
        if needed <= self.buf.capacity() {
            return;
        }
        let mut bigger = Vec::with_capacity(needed.max(self.buf.capacity().saturating_mul(2)));
        bigger.extend_from_slice(&self.buf);
        zeroize::Zeroize::zeroize(&mut self.buf);
        self.buf = bigger;
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    pub fn u8(&mut self, v: u8) {
        self.reserve(1);
        self.buf.push(v);
    }

    pub fn u16(&mut self, v: u16) {
        self.raw(&v.to_be_bytes());
    }

    pub fn u32(&mut self, v: u32) {
        self.raw(&v.to_be_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.raw(&v.to_be_bytes());
    }

    /// Raw bytes, no length header (fixed-size fields).
    pub fn raw(&mut self, bytes: &[u8]) {
        self.reserve(bytes.len());
        self.buf.extend_from_slice(bytes);
    }

    /// A variable-length header for `length`.
    pub fn varint_length(&mut self, length: usize) -> Result<(), EncodeError> {
        if length > MAX_VECTOR_LENGTH {
            return Err(EncodeError { length });
        }
        // A header is at most 4 bytes.
        self.reserve(4);
        tls_codec::vlen::write_length(&mut self.buf, length).map_err(|_| EncodeError { length })?;
        Ok(())
    }

    /// `opaque data<V>`.
    pub fn vl_bytes(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.varint_length(bytes.len())?;
        self.raw(bytes);
        Ok(())
    }

    /// A `<V>` vector whose content `f` writes; the header is filled in after.
    pub fn vl_nested(
        &mut self,
        f: impl FnOnce(&mut Writer) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        let mut inner = Writer {
            buf: Vec::new(),
            sensitive: self.sensitive,
        };
        f(&mut inner)?;
        self.vl_bytes(&inner.buf)
    }

    /// `optional<T>`.
    pub fn optional<T>(
        &mut self,
        value: Option<&T>,
        f: impl FnOnce(&mut Writer, &T) -> Result<(), EncodeError>,
    ) -> Result<(), EncodeError> {
        match value {
            None => {
                self.u8(0);
                Ok(())
            }
            Some(v) => {
                self.u8(1);
                f(self, v)
            }
        }
    }
}

/// A value that encodes to the TLS presentation language.
pub trait Encode {
    fn encode(&self, w: &mut Writer) -> Result<(), EncodeError>;

    fn to_bytes(&self) -> Result<Vec<u8>, EncodeError> {
        let mut w = Writer::new();
        self.encode(&mut w)?;
        Ok(w.into_bytes())
    }
}

/// The length of the variable-length header for `length`, per RFC 9420 §2.1.2.
pub fn varint_header_len(length: usize) -> Option<usize> {
    match length {
        0..=0x3f => Some(1),
        0x40..=0x3fff => Some(2),
        0x4000..=MAX_VECTOR_LENGTH => Some(4),
        _ => None,
    }
}
