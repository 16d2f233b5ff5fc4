//! A bounded, offset-tracking reader for the TLS presentation language.
//!
//! Every read knows its byte offset in the outermost input and the field path
//! it is in, so errors say where they happened, and — when span recording is
//! on — the inspector learns the byte range of every field decoded.

use super::error::{DecodeError, DecodeErrorKind};

/// One element of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    Field(&'static str),
    Index(usize),
}

/// What a field that holds no named sub-fields was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKind {
    /// A big-endian unsigned integer of this many bytes.
    Uint(u8),
    /// `opaque<V>`: a length header of this many bytes, then the content.
    VlBytes { header: u8 },
    /// Fixed-size raw bytes.
    Raw,
}

/// The byte range a decoded field occupied: its own path segment and its
/// depth, not its whole path (spans arrive children first, so the tree and
/// every path can be rebuilt from these; see [`span_paths`]). Compact, as a
/// dissection records one per element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpan {
    /// The field's name or element index. On a marker (`omitted > 0`), the
    /// segment of the first field it stands for.
    pub segment: PathSegment,
    /// Depth in the field tree (number of path segments).
    pub depth: usize,
    pub start: usize,
    pub end: usize,
    /// Set when the field is exactly one primitive read (a leaf of the tree).
    pub leaf: Option<LeafKind>,
    /// 0 on a recorded field. Past the span limit, a marker stands in, as
    /// the last child of the field they were in, for this many fields that
    /// were decoded (and checked) but not recorded; `start..end` covers them.
    pub omitted: usize,
    /// On a marker: how many of those are direct children of the field it
    /// is in (its `segment` is then the first of them).
    pub omitted_direct: usize,
}

/// Fields left out since the last recorded one.
#[derive(Debug, Clone)]
struct Pending {
    /// The first one at `keep_depth + 1` (else the first one).
    segment: PathSegment,
    start: usize,
    end: usize,
    count: usize,
    /// How many were at `keep_depth + 1`.
    direct: usize,
}

impl Pending {
    fn marker(self, depth: usize) -> FieldSpan {
        FieldSpan {
            segment: self.segment,
            depth,
            start: self.start,
            end: self.end,
            leaf: None,
            omitted: self.count,
            omitted_direct: self.direct,
        }
    }
}

/// Where span recording reached the limit: from then on only the fields
/// that were open at that moment (the ancestors of the last one recorded)
/// are recorded, each after a marker for what it held and was left out.
#[derive(Debug, Clone, Default)]
struct Cut {
    /// Fields at this depth or shallower are still recorded.
    keep_depth: usize,
    /// Fields left out since the last recorded one.
    pending: Option<Pending>,
    /// Fields left out in all.
    omitted: usize,
}

/// Span bookkeeping of the field being decoded.
#[derive(Debug, Clone, Copy, Default)]
struct SegmentState {
    /// The last primitive read and the range it covered.
    last_read: Option<(LeafKind, usize, usize)>,
    /// Primitive reads done directly in this segment.
    reads: u32,
    /// Whether a sub-field or element was recorded inside this segment.
    has_children: bool,
}

/// The rendered path (`a.b[3].c`) of every span, in the same order.
/// Spans arrive children first, so walking them backwards meets every
/// field before what it holds.
pub fn span_paths(spans: &[FieldSpan]) -> Vec<String> {
    let mut out = vec![String::new(); spans.len()];
    let mut open: Vec<(usize, String)> = Vec::new();
    for (i, span) in spans.iter().enumerate().rev() {
        while open.last().is_some_and(|(d, _)| *d >= span.depth) {
            open.pop();
        }
        let mut path = open.last().map(|(_, p)| p.clone()).unwrap_or_default();
        match &span.segment {
            PathSegment::Field(name) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(name);
            }
            PathSegment::Index(i) => {
                path.push('[');
                path.push_str(&i.to_string());
                path.push(']');
            }
        }
        if let Some(slot) = out.get_mut(i) {
            slot.clone_from(&path);
        }
        open.push((span.depth, path));
    }
    out
}

/// Renders a path as `a.b[3].c`.
pub fn render_path(path: &[PathSegment]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSegment::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            PathSegment::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// Reads TLS-encoded values from a byte slice. Never reads past the current
/// limit, which nested vectors narrow to their declared length.
#[derive(Debug)]
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    end: usize,
    path: Vec<PathSegment>,
    /// Where each open segment of `path` began.
    starts: Vec<usize>,
    spans: Option<Vec<FieldSpan>>,
    /// Spans recorded before [`Cut`] starts.
    span_limit: usize,
    cut: Option<Cut>,
    segment: SegmentState,
    /// Heap bytes the decoded values may hold at once (see [`Reader::charge`]).
    budget: usize,
    /// Heap bytes charged so far and still held.
    held: usize,
}

/// The constant part of a reader's memory budget: room for the few
/// small allocations any input needs (a vector's first block) and for a
/// legitimately sparse ratchet tree of the widest supported size (2^19
/// node slots of 16 bytes). See [`Reader::charge`].
pub const DECODE_BUDGET_BASE: usize = 16 << 20;

/// The proportional part: decoded values may hold this many times the
/// input's size.
pub const DECODE_BUDGET_FACTOR: usize = 4;

/// The memory budget of a reader over `input_len` bytes.
pub fn decode_budget(input_len: usize) -> usize {
    input_len
        .saturating_mul(DECODE_BUDGET_FACTOR)
        .saturating_add(DECODE_BUDGET_BASE)
}

impl<'a> Reader<'a> {
    pub fn new(input: &'a [u8]) -> Self {
        Reader {
            input,
            pos: 0,
            end: input.len(),
            path: Vec::new(),
            starts: Vec::new(),
            spans: None,
            span_limit: usize::MAX,
            cut: None,
            segment: SegmentState::default(),
            budget: decode_budget(input.len()),
            held: 0,
        }
    }

    /// The same reader with a different memory budget (tests, or a caller
    /// that knows its input is tighter).
    pub fn with_budget(mut self, budget: usize) -> Self {
        self.budget = budget;
        self
    }

    /// Heap bytes charged and still held by what was decoded so far.
    pub fn held(&self) -> usize {
        self.held
    }

    /// Charges `bytes` of heap memory the decoded value is about to take,
    /// *before* it is allocated. Every heap allocation a decoder makes goes
    /// through here (vector blocks in [`Reader::vl_vec`], byte strings in
    /// [`Reader::vl_bytes_owned`], boxes): past [`decode_budget`] — four
    /// times the input plus [`DECODE_BUDGET_BASE`] — the input is refused
    /// as hostile, so a vector of one-byte elements that would each take 24
    /// bytes in memory cannot blow up (RFC 9420 lets a receiver bound the
    /// resources a message costs; no valid message comes near the budget).
    pub fn charge(&mut self, bytes: usize) -> Result<(), DecodeError> {
        let held = self.held.saturating_add(bytes);
        if held > self.budget {
            return Err(self.error(DecodeErrorKind::MemoryBudget {
                needed: held,
                budget: self.budget,
            }));
        }
        self.held = held;
        Ok(())
    }

    /// Gives back what [`Reader::charge`] counted for a block now freed.
    fn release(&mut self, bytes: usize) {
        self.held = self.held.saturating_sub(bytes);
    }

    /// A reader that records the byte range of every named field and vector
    /// element it decodes (see [`Reader::take_spans`]).
    pub fn with_spans(input: &'a [u8]) -> Self {
        let mut r = Self::new(input);
        r.spans = Some(Vec::new());
        r
    }

    /// Like [`Reader::with_spans`], but records at most `limit` fields
    /// (plus the ancestors of the first one left out, and markers standing
    /// for what was left out): memory for spans stays bounded while the
    /// whole input is still decoded and checked.
    pub fn with_span_limit(input: &'a [u8], limit: usize) -> Self {
        let mut r = Self::with_spans(input);
        r.span_limit = limit;
        if limit == 0 {
            r.cut = Some(Cut::default());
        }
        r
    }

    /// The spans recorded so far, in the order the fields finished (a
    /// marker for fields left out since the last recorded one comes last).
    pub fn take_spans(&mut self) -> Vec<FieldSpan> {
        let mut spans = self.spans.take().unwrap_or_default();
        if let Some(cut) = self.cut.as_mut()
            && let Some(pending) = cut.pending.take()
        {
            spans.push(pending.marker(cut.keep_depth + 1));
        }
        spans
    }

    /// How many fields were decoded but not recorded (span limit reached).
    pub fn spans_omitted(&self) -> usize {
        self.cut.as_ref().map_or(0, |c| c.omitted)
    }

    /// Records a finished field, or past the limit counts it out.
    fn record(&mut self, span: FieldSpan) {
        let Some(spans) = self.spans.as_mut() else {
            return;
        };
        let Some(cut) = self.cut.as_mut() else {
            let depth = span.depth;
            spans.push(span);
            if spans.len() >= self.span_limit {
                // The fields open now hold recorded ones: they are kept.
                self.cut = Some(Cut {
                    keep_depth: depth.saturating_sub(1),
                    ..Cut::default()
                });
            }
            return;
        };
        if span.depth <= cut.keep_depth {
            // An ancestor of what was left out: kept, after a marker.
            if let Some(pending) = cut.pending.take() {
                spans.push(pending.marker(span.depth + 1));
            }
            cut.keep_depth = span.depth.saturating_sub(1);
            spans.push(span);
            return;
        }
        cut.omitted += 1;
        let direct = usize::from(span.depth == cut.keep_depth + 1);
        cut.pending = Some(match cut.pending.take() {
            None => Pending {
                segment: span.segment,
                start: span.start,
                end: span.end,
                count: 1,
                direct,
            },
            Some(p) => Pending {
                segment: if p.direct == 0 && direct == 1 {
                    span.segment
                } else {
                    p.segment
                },
                start: p.start.min(span.start),
                end: p.end.max(span.end),
                count: p.count.saturating_add(1),
                direct: p.direct + direct,
            },
        });
    }

    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes left before the current limit.
    pub fn remaining(&self) -> usize {
        self.end.saturating_sub(self.pos)
    }

    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// The current field path, rendered.
    pub fn path(&self) -> String {
        render_path(&self.path)
    }

    /// An error of `kind` at the current position and path.
    pub fn error(&self, kind: DecodeErrorKind) -> DecodeError {
        self.error_at(self.pos, kind)
    }

    pub fn error_at(&self, offset: usize, kind: DecodeErrorKind) -> DecodeError {
        DecodeError {
            offset,
            path: self.path(),
            segments: self.path.clone(),
            segment_starts: self.starts.clone(),
            kind,
        }
    }

    /// An `InvalidValue` error at `offset`.
    pub fn invalid_at(&self, offset: usize, what: impl Into<String>) -> DecodeError {
        self.error_at(offset, DecodeErrorKind::InvalidValue(what.into()))
    }

    fn with_segment<T>(
        &mut self,
        seg: PathSegment,
        f: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        if self.spans.is_none() {
            self.path.push(seg);
            self.starts.push(self.pos);
            let result = f(self);
            self.starts.pop();
            self.path.pop();
            return result;
        }
        self.path.push(seg);
        self.starts.push(self.pos);
        let outer = std::mem::take(&mut self.segment);
        let start = self.pos;
        let result = f(self);
        if result.is_ok() {
            let end = self.pos;
            let depth = self.path.len();
            let inner = self.segment;
            let leaf = match inner.last_read {
                Some((kind, s, e))
                    if inner.reads == 1 && !inner.has_children && s == start && e == end =>
                {
                    Some(kind)
                }
                _ => None,
            };
            if let Some(segment) = self.path.last().cloned() {
                self.record(FieldSpan {
                    segment,
                    depth,
                    start,
                    end,
                    leaf,
                    omitted: 0,
                    omitted_direct: 0,
                });
            }
        }
        self.segment = outer;
        self.segment.has_children = true;
        self.starts.pop();
        self.path.pop();
        result
    }

    /// Decodes a named field; errors inside carry its name in their path.
    pub fn field<T>(
        &mut self,
        name: &'static str,
        f: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<T, DecodeError> {
        self.with_segment(PathSegment::Field(name), f)
    }

    /// Takes `n` raw bytes.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8], DecodeError> {
        let available = self.remaining();
        if n > available {
            return Err(self.error(DecodeErrorKind::Truncated {
                needed: n as u64,
                available,
            }));
        }
        let start = self.pos;
        let out = self.input.get(start..start + n).ok_or_else(|| {
            self.error(DecodeErrorKind::Truncated {
                needed: n as u64,
                available,
            })
        })?;
        self.pos += n;
        Ok(out)
    }

    fn note_read(&mut self, kind: LeafKind, start: usize) {
        self.segment.reads = self.segment.reads.saturating_add(1);
        self.segment.last_read = Some((kind, start, self.pos));
    }

    fn int_array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let start = self.pos;
        let b = self.bytes(N)?;
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        // N is an integer's width in bytes (1, 2, 4 or 8).
        #[allow(clippy::cast_possible_truncation)]
        self.note_read(LeafKind::Uint(N as u8), start);
        Ok(out)
    }

    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let start = self.pos;
        let b = self.bytes(N)?;
        self.note_read(LeafKind::Raw, start);
        let mut out = [0u8; N];
        out.copy_from_slice(b);
        Ok(out)
    }

    pub fn u8(&mut self) -> Result<u8, DecodeError> {
        Ok(u8::from_be_bytes(self.int_array()?))
    }

    pub fn u16(&mut self) -> Result<u16, DecodeError> {
        Ok(u16::from_be_bytes(self.int_array()?))
    }

    pub fn u32(&mut self) -> Result<u32, DecodeError> {
        Ok(u32::from_be_bytes(self.int_array()?))
    }

    pub fn u64(&mut self) -> Result<u64, DecodeError> {
        Ok(u64::from_be_bytes(self.int_array()?))
    }

    /// Reads a variable-length vector header (RFC 9420 §2.1.2) and returns
    /// the declared length. The varint itself is decoded by `tls_codec`
    /// (feature `mls`: minimal encodings only, at most 2^30 - 1); this
    /// wrapper classifies its failures and pins them to an offset. The length
    /// is *not* checked against the remaining input here.
    pub fn varint_length(&mut self) -> Result<usize, DecodeError> {
        let start = self.pos;
        let window = self.input.get(start..self.end).unwrap_or(&[]);
        let Some(&first) = window.first() else {
            return Err(self.error(DecodeErrorKind::Truncated {
                needed: 1,
                available: 0,
            }));
        };
        let header_len = 1usize << (first >> 6);
        if header_len == 8 {
            return Err(self.error(DecodeErrorKind::InvalidVarintPrefix { first }));
        }
        if window.len() < header_len {
            return Err(self.error(DecodeErrorKind::Truncated {
                needed: header_len as u64,
                available: window.len(),
            }));
        }
        let mut cursor = window;
        match tls_codec::vlen::read_length(&mut cursor) {
            Ok((length, consumed)) => {
                self.pos += consumed;
                Ok(length)
            }
            Err(tls_codec::Error::EndOfStream) => Err(self.error(DecodeErrorKind::Truncated {
                needed: header_len as u64,
                available: window.len(),
            })),
            Err(_) => Err(self.error(DecodeErrorKind::NonMinimalVarint)),
        }
    }

    /// Reads a length header and checks the vector fits in what remains.
    fn vector_length(&mut self) -> Result<usize, DecodeError> {
        let header_at = self.pos;
        let length = self.varint_length()?;
        let available = self.remaining();
        if length > available {
            return Err(self.error_at(
                header_at,
                DecodeErrorKind::LengthPastInput {
                    length: length as u64,
                    available,
                },
            ));
        }
        Ok(length)
    }

    /// `opaque data<V>`: a length header, then that many bytes.
    pub fn vl_bytes(&mut self) -> Result<&'a [u8], DecodeError> {
        let start = self.pos;
        let length = self.vector_length()?;
        // A variable-size length header is 1, 2 or 4 bytes (§2.1.2).
        #[allow(clippy::cast_possible_truncation)]
        let header = (self.pos - start) as u8;
        let out = self.bytes(length)?;
        self.note_read(LeafKind::VlBytes { header }, start);
        Ok(out)
    }

    /// `opaque data<V>` copied out, its heap block charged first.
    pub fn vl_bytes_owned(&mut self) -> Result<Vec<u8>, DecodeError> {
        let at = self.pos;
        let bytes = self.vl_bytes()?;
        if let Err(mut e) = self.charge(bytes.len()) {
            e.offset = at;
            return Err(e);
        }
        Ok(bytes.to_vec())
    }

    /// `T items<V>`: a length header, then elements decoded by `f` until the
    /// declared length is used up exactly. Elements are recorded as `[i]`.
    /// Memory grows with the elements actually decoded, never with the
    /// declared length, and every block is charged (see [`Reader::charge`])
    /// before it is allocated: the vector's capacity doubles from one
    /// element, and while it moves both blocks are counted.
    pub fn vl_vec<T>(
        &mut self,
        mut f: impl FnMut(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Vec<T>, DecodeError> {
        let length = self.vector_length()?;
        let saved_end = self.end;
        self.end = self.pos + length;
        let mut out = Vec::new();
        let mut index = 0usize;
        let result = loop {
            if self.pos >= self.end {
                break Ok(());
            }
            let before = self.pos;
            let item = match self.with_segment(PathSegment::Index(index), &mut f) {
                Ok(item) => item,
                Err(e) => break Err(e),
            };
            if out.len() == out.capacity() {
                let element = std::mem::size_of::<T>();
                let old = out.capacity();
                let new = old.saturating_mul(2).max(1);
                if let Err(e) = self.charge(new.saturating_mul(element)) {
                    break Err(self.error_at(before, e.kind));
                }
                out.reserve_exact(new - old);
                self.release(old.saturating_mul(element));
                // `reserve_exact` may round up; what it took is charged.
                let extra = out.capacity().saturating_sub(new).saturating_mul(element);
                if let Err(e) = self.charge(extra) {
                    break Err(self.error_at(before, e.kind));
                }
            }
            out.push(item);
            if self.pos == before {
                break Err(self.invalid_at(before, "vector element consumed no bytes"));
            }
            index += 1;
        };
        self.end = saved_end;
        result.map(|()| out)
    }

    /// `optional<T>`: a presence byte (0 or 1), then the value if present.
    pub fn optional<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, DecodeError>,
    ) -> Result<Option<T>, DecodeError> {
        let at = self.pos;
        match self.u8()? {
            0 => Ok(None),
            1 => f(self).map(Some),
            other => Err(self.invalid_at(
                at,
                format!("optional presence byte {other}, expected 0 or 1"),
            )),
        }
    }

    /// Fails if any input is left before the current limit.
    pub fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            count => Err(self.error(DecodeErrorKind::TrailingBytes { count })),
        }
    }
}

/// A value that decodes from the TLS presentation language.
pub trait Decode: Sized {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError>;

    /// Decodes exactly the whole of `bytes`: trailing input is an error.
    fn decode_exact(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut r = Reader::new(bytes);
        let v = Self::decode(&mut r)?;
        r.finish()?;
        Ok(v)
    }
}

impl Decode for u8 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.u8()
    }
}

impl Decode for u16 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.u16()
    }
}

impl Decode for u32 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.u32()
    }
}

impl Decode for u64 {
    fn decode(r: &mut Reader<'_>) -> Result<Self, DecodeError> {
        r.u64()
    }
}
