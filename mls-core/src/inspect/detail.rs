//! Details added to the decoded field tree from the bytes of the fields it
//! holds, the way Wireshark breaks a field down: the length header of every
//! `opaque<V>` and vector as a `length` child of its own (so a click on the
//! header selects it), and the contents of known extensions dissected in
//! place of their `extension_data` blob; key package lifetimes as UTC
//! dates marked "expired" or "not yet valid"; basic identities as text;
//! the certificates of X.509 credentials broken down.
//!
//! Every node added counts against [`super::DissectLimits::max_fields`]:
//! what the decoded fields left of it is the budget here, and what does
//! not fit is counted as left out ([`super::Truncation::details`]).
//! Children's byte ranges are offsets in the whole input, so selecting one
//! highlights its bytes. Nothing here fails the dissection: a malformed
//! extension body shows its error node inside `extension_data`.

use crate::codec::{Decode as _, DecodeError, Reader, VlBytes};
use crate::messages::{
    EXT_APPLICATION_ID, EXT_EXTERNAL_PUB, EXT_EXTERNAL_SENDERS, EXT_RATCHET_TREE,
    EXT_REQUIRED_CAPABILITIES, ExternalPub, ExternalSender, RatchetTree, RequiredCapabilities,
};

use super::Field;
use super::build::{be_uint, sub_tree};
use super::certs::{CERT_FIELDS, certificate_fields};
use super::names::EXT_LAST_RESORT;
use super::times::{Bound, time_value};

/// The label of a length header's node.
pub const LENGTH_LABEL: &str = "length";
/// Its type: a variable-size integer (RFC 9420 §2.1.2).
pub const LENGTH_TYPE: &str = "varint";

/// How deep extensions inside extensions are dissected (a ratchet tree's
/// leaves hold extensions of their own): deeper ones stay blobs, so a
/// hostile nesting cannot recurse without bound.
const MAX_NESTING: usize = 4;

/// Adds the details to `fields` (the top level of a dissection of `bytes`)
/// with room for `budget` more nodes; returns how many were left out.
pub(super) fn add_details(bytes: &[u8], fields: &mut [Field], budget: usize) -> usize {
    let mut ctx = Details {
        bytes,
        budget,
        left_out: 0,
        now: super::times::now(),
    };
    ctx.level(fields, None, 0);
    ctx.left_out
}

struct Details<'a> {
    bytes: &'a [u8],
    /// Nodes that may still be added.
    budget: usize,
    /// Details not added for lack of budget (and fields their dissection
    /// decoded but could not show).
    left_out: usize,
    /// The time validity periods are marked against (unix seconds).
    now: i64,
}

/// The extension types whose data is dissected.
fn dissected(extension_type: u16) -> bool {
    matches!(
        extension_type,
        EXT_APPLICATION_ID
            | EXT_RATCHET_TREE
            | EXT_REQUIRED_CAPABILITIES
            | EXT_EXTERNAL_PUB
            | EXT_EXTERNAL_SENDERS
            | EXT_LAST_RESORT
    )
}

/// Decodes an extension's data as its type says, to the end.
fn decode_extension(r: &mut Reader<'_>, extension_type: u16) -> Result<(), DecodeError> {
    match extension_type {
        EXT_APPLICATION_ID => r.field("application_id", VlBytes::decode).map(drop)?,
        EXT_RATCHET_TREE => r.field("ratchet_tree", RatchetTree::decode).map(drop)?,
        EXT_REQUIRED_CAPABILITIES => r
            .field("required_capabilities", RequiredCapabilities::decode)
            .map(drop)?,
        // `struct { HPKEPublicKey external_pub; }`: its one field.
        EXT_EXTERNAL_PUB => ExternalPub::decode(r).map(drop)?,
        EXT_EXTERNAL_SENDERS => r
            .field("external_senders", Vec::<ExternalSender>::decode)
            .map(drop)?,
        // `last_resort` has no data: anything there is trailing.
        _ => {}
    }
    r.finish()
}

/// The length header of the `opaque<V>` or vector at `start..end`: its
/// size in bytes and the length it declares, when it is a minimal varint
/// whose length is exactly what follows it up to `end`.
pub(super) fn vl_header(bytes: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    let first = *bytes.get(start)?;
    let size = 1usize << (first >> 6);
    if size == 8 {
        return None;
    }
    let raw = bytes.get(start..start.checked_add(size)?)?;
    // The top two bits of the first byte give the size, not the value.
    let (mask, minimal_from) = match size {
        1 => (0x3f, 0),
        2 => (0x3fff, 64),
        _ => (0x3fff_ffff, 16_384),
    };
    let value = usize::try_from(be_uint(raw) & mask).ok()?;
    let minimal = value >= minimal_from;
    (minimal && start + size + value == end).then_some((size, value))
}

impl Details<'_> {
    /// Adds the details of `fields`, the children of a field labelled
    /// `parent` (`None` at the top).
    fn level(&mut self, fields: &mut [Field], parent: Option<&str>, nesting: usize) {
        let mut extension_type = None;
        for f in fields.iter_mut() {
            if f.label == "extension_type" && f.type_name == "uint16" {
                let raw = self.bytes.get(f.start..f.end).unwrap_or(&[]);
                extension_type = u16::try_from(be_uint(raw)).ok();
            }
            self.length(f);
            match parent {
                Some("lifetime") => self.time(f),
                Some("credential") if f.label == "identity" => self.identity(f),
                Some(p) if p.starts_with('[') && f.label == "cert_data" => {
                    self.certificate(f, p);
                }
                _ => {}
            }
            let Field {
                label, children, ..
            } = &mut *f;
            self.level(children, Some(label.as_str()), nesting);
            if f.label == "extension_data"
                && f.type_name == "opaque<V>"
                && f.error.is_none()
                && let Some(t) = extension_type.take()
            {
                self.extension(f, t, nesting);
            }
        }
    }

    /// A key package's `not_before` or `not_after`: the date, marked.
    fn time(&mut self, f: &mut Field) {
        let Some(bound) = Bound::of_label(&f.label) else {
            return;
        };
        if f.type_name != "uint64" || f.error.is_some() {
            return;
        }
        let raw = be_uint(self.bytes.get(f.start..f.end).unwrap_or(&[]));
        let unix = i64::try_from(raw).unwrap_or(i64::MAX);
        f.value = Some(time_value(&raw.to_string(), unix, bound, self.now));
    }

    /// A basic credential's identity: as text also when it is not
    /// printable (the views escape control characters; bytes that are not
    /// UTF-8 show as U+FFFD).
    fn identity(&mut self, f: &mut Field) {
        if f.text.is_some() || f.type_name != "opaque<V>" {
            return;
        }
        let Some((size, _)) = vl_header(self.bytes, f.start, f.end) else {
            return;
        };
        let content = self.bytes.get(f.start + size..f.end).unwrap_or(&[]);
        if !content.is_empty() {
            f.text = Some(String::from_utf8_lossy(content).into_owned());
        }
    }

    /// The certificate in `cert_data` (`f`), element `element` of a
    /// chain: subject, issuer, validity, key algorithm.
    fn certificate(&mut self, f: &mut Field, element: &str) {
        if f.type_name != "opaque<V>" || f.error.is_some() {
            return;
        }
        let Some((size, _)) = vl_header(self.bytes, f.start, f.end) else {
            return;
        };
        let Some(der) = self.bytes.get(f.start + size..f.end) else {
            return;
        };
        if self.budget < CERT_FIELDS {
            self.left_out += 1;
            return;
        }
        let index = element
            .trim_matches(|c| c == '[' || c == ']')
            .parse()
            .unwrap_or(0);
        let mut children = certificate_fields(der, f.start + size, index, &f.path, self.now);
        for c in &mut children {
            c.mark_detail();
        }
        self.budget -= children.len();
        f.children.extend(children);
    }

    /// Adds the `length` child of an `opaque<V>` or a vector: its varint
    /// header and the length it declares, in bytes.
    fn length(&mut self, f: &mut Field) {
        if f.error.is_some() || f.is_omitted_marker() {
            return;
        }
        let header_end = if f.type_name == "opaque<V>" && f.children.is_empty() {
            None
        } else if f.value.is_none()
            && f.children
                .iter()
                .all(|c| c.label.starts_with('[') || c.is_omitted_marker())
        {
            // A vector: its elements (if any) follow the header.
            Some(f.children.first().map_or(f.end, |c| c.start))
        } else {
            return;
        };
        let Some((size, value)) = vl_header(self.bytes, f.start, f.end) else {
            return;
        };
        if header_end.is_some_and(|e| e != f.start + size) {
            return;
        }
        if self.budget == 0 {
            self.left_out += 1;
            return;
        }
        self.budget -= 1;
        f.children.insert(
            0,
            Field {
                label: LENGTH_LABEL.into(),
                path: format!("{}.{LENGTH_LABEL}", f.path),
                type_name: LENGTH_TYPE.into(),
                value: Some(value.to_string()),
                start: f.start,
                end: f.start + size,
                detail: true,
                ..Field::default()
            },
        );
    }

    /// Dissects the data of an extension of type `extension_type` into
    /// children of its `extension_data` field `f`.
    fn extension(&mut self, f: &mut Field, extension_type: u16, nesting: usize) {
        if !dissected(extension_type) || nesting >= MAX_NESTING {
            return;
        }
        let Some((header, _)) = vl_header(self.bytes, f.start, f.end) else {
            return;
        };
        let base = f.start + header;
        let (Some(content), Some(upto)) = (self.bytes.get(base..f.end), self.bytes.get(..f.end))
        else {
            return;
        };
        if content.is_empty() && extension_type == EXT_LAST_RESORT {
            return;
        }
        if self.budget == 0 {
            self.left_out += 1;
            return;
        }
        let mut r = Reader::with_span_limit(content, self.budget);
        let result = decode_extension(&mut r, extension_type);
        let omitted = r.spans_omitted();
        let mut spans = r.take_spans();
        drop(r);
        for s in &mut spans {
            s.start += base;
            s.end += base;
        }
        let error = result.err().map(|mut e| {
            e.offset += base;
            for s in &mut e.segment_starts {
                *s += base;
            }
            e.path = if e.path.is_empty() {
                f.path.clone()
            } else {
                format!("{}.{}", f.path, e.path)
            };
            e
        });
        let mut children = sub_tree(upto, &spans, error.as_ref(), &f.path, &f.label);
        drop(spans);
        for c in &mut children {
            c.mark_detail();
        }
        let added: usize = children.iter().map(|c| c.walk().len()).sum();
        self.budget = self.budget.saturating_sub(added);
        self.left_out += omitted;
        self.level(&mut children, Some(&f.label), nesting + 1);
        f.children.extend(children);
    }
}
