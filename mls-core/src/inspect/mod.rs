//! The dissector: bytes → a tree of fields, each with its label, type,
//! decoded value and byte range. Malformed input still yields what decoded
//! before the failure, plus an error node naming the field path, the offset
//! and what was expected. Nothing here panics or changes any state.

mod build;
mod certs;
mod decrypted;
mod detail;
mod input;
mod limits;
pub mod names;
mod signature;
mod times;
pub mod wire;

use crate::codec::{Decode, DecodeError, Reader};
use crate::framing::{MlsMessage, MlsMessageBody, PrivateMessage, PublicMessage};
use crate::messages::{GroupInfo, KeyPackage, LeafNode, RatchetTree, Welcome};

pub use decrypted::{Decrypted, decrypted_fields};
pub use detail::{LENGTH_LABEL, LENGTH_TYPE};
pub use input::{InputFormat, ParsedInput, parse_input, parse_input_as};
pub use limits::{
    DissectLimits, OMITTED_LABEL, OMITTED_TYPE, TooLarge, Truncation, parse_size, size_text,
};
pub use names::EXT_LAST_RESORT;
pub use signature::{SignatureCheck, SignatureOutcome};

/// What a byte string is decoded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    MlsMessage,
    KeyPackage,
    Welcome,
    GroupInfo,
    RatchetTree,
    PublicMessage,
    PrivateMessage,
    LeafNode,
}

impl MessageKind {
    /// In the order detection tries them (an MLSMessage first).
    pub const ALL: [MessageKind; 8] = [
        MessageKind::MlsMessage,
        MessageKind::KeyPackage,
        MessageKind::Welcome,
        MessageKind::GroupInfo,
        MessageKind::RatchetTree,
        MessageKind::PublicMessage,
        MessageKind::PrivateMessage,
        MessageKind::LeafNode,
    ];

    pub fn name(self) -> &'static str {
        match self {
            MessageKind::MlsMessage => "MLSMessage",
            MessageKind::KeyPackage => "KeyPackage",
            MessageKind::Welcome => "Welcome",
            MessageKind::GroupInfo => "GroupInfo",
            MessageKind::RatchetTree => "ratchet tree",
            MessageKind::PublicMessage => "PublicMessage",
            MessageKind::PrivateMessage => "PrivateMessage",
            MessageKind::LeafNode => "LeafNode",
        }
    }

    /// Parses a name as `name()` prints it, case and punctuation ignored.
    pub fn from_name(name: &str) -> Option<Self> {
        let norm = |s: &str| {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_lowercase()
        };
        let wanted = norm(name);
        Self::ALL.into_iter().find(|k| norm(k.name()) == wanted)
    }
}

/// One field of the tree.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Field {
    /// The field's name, or `[i]` for a vector element.
    pub label: String,
    /// The full path, e.g. `welcome.secrets[0].new_member`.
    pub path: String,
    /// The wire type: `uint16`, `opaque<V>`, `KeyPackage`, `vector`, ...
    pub type_name: String,
    /// The decoded value for leaves: integers in decimal with their name,
    /// byte strings as hex (content only, without the length header).
    pub value: Option<String>,
    /// Byte strings that are printable UTF-8, as text.
    pub text: Option<String>,
    /// Byte range in the input, `start..end`.
    pub start: usize,
    pub end: usize,
    pub children: Vec<Field>,
    /// Set on the error node (and on fields left incomplete by it).
    pub error: Option<String>,
    /// Set on the nodes broken down from the bytes of a decoded field
    /// rather than decoded by the message's reader: length headers, the
    /// contents of extensions and certificates (they count against
    /// [`DissectLimits::max_fields`] but not in [`Truncation::omitted`]).
    pub detail: bool,
}

impl Field {
    /// Depth-first iteration over this field and all below it.
    pub fn walk(&self) -> Vec<&Field> {
        let mut out = Vec::new();
        self.walk_into(&mut out);
        out
    }

    fn walk_into<'a>(&'a self, out: &mut Vec<&'a Field>) {
        out.push(self);
        for c in &self.children {
            c.walk_into(out);
        }
    }

    /// Whether this node stands for fields left out of the tree
    /// ([`DissectLimits::max_fields`]).
    pub fn is_omitted_marker(&self) -> bool {
        self.label == OMITTED_LABEL && self.type_name == OMITTED_TYPE
    }

    /// Sets [`Field::detail`] on this field and all below it.
    fn mark_detail(&mut self) {
        self.detail = true;
        for c in &mut self.children {
            c.mark_detail();
        }
    }

    pub fn is_leaf(&self) -> bool {
        self.children.is_empty()
    }
}

/// Where decoding failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DissectError {
    pub path: String,
    pub offset: usize,
    pub message: String,
}

/// The result of dissecting a byte string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dissection {
    pub kind: MessageKind,
    /// Why the bytes were taken as `kind`.
    pub detection: String,
    /// Top-level fields, in byte order.
    pub fields: Vec<Field>,
    pub error: Option<DissectError>,
    /// Signatures checkable from the message alone, and their outcome.
    pub signatures: Vec<SignatureCheck>,
    /// Input length.
    pub len: usize,
    /// A one-line summary, e.g. `MLSMessage: mls_welcome, cipher suite 1`.
    pub summary: String,
    /// Set when the tree was cut at [`DissectLimits::max_fields`].
    pub truncated: Option<Truncation>,
}

impl Dissection {
    pub fn ok(&self) -> bool {
        self.error.is_none()
    }

    /// Every field, depth first.
    pub fn all_fields(&self) -> Vec<&Field> {
        let mut out = Vec::new();
        for f in &self.fields {
            f.walk_into(&mut out);
        }
        out
    }

    /// The innermost field covering byte `offset`.
    pub fn field_at(&self, offset: usize) -> Option<&Field> {
        fn find(fields: &[Field], offset: usize) -> Option<&Field> {
            let f = fields
                .iter()
                .find(|f| f.start <= offset && offset < f.end)?;
            find(&f.children, offset).or(Some(f))
        }
        find(&self.fields, offset)
    }

    /// The field with this path, found by descending the tree (no walk
    /// over every field).
    pub fn find_path(&self, path: &str) -> Option<&Field> {
        let mut level = &self.fields;
        loop {
            let f = level.iter().find(|f| {
                path == f.path
                    || path
                        .strip_prefix(f.path.as_str())
                        .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
            })?;
            if f.path == path {
                return Some(f);
            }
            level = &f.children;
        }
    }

    /// The signature check of the `signature` field at `path`: the check
    /// of the structure that holds it (a KeyPackage, LeafNode or GroupInfo
    /// field, or the PublicMessage whose `auth` holds it), so the row it
    /// covers can carry its mark.
    pub fn signature_at(&self, path: &str) -> Option<&SignatureCheck> {
        let owner_of = |path: &str| -> Option<String> {
            match path.rfind(['.', '[']) {
                Some(i) => self.find_path(path.get(..i)?).map(|f| f.type_name.clone()),
                None => Some(self.kind.name().to_owned()),
            }
        };
        let parent = match path.rsplit_once('.') {
            Some((parent, "signature")) => Some(parent),
            None if path == "signature" => None,
            _ => return None,
        };
        let mut owner = match parent {
            Some(parent) => self.find_path(parent)?.type_name.clone(),
            None => self.kind.name().to_owned(),
        };
        if owner == "FramedContentAuthData" {
            owner = owner_of(parent?)?;
        }
        let prefix = format!("{owner} signature");
        self.signatures.iter().find(|c| c.what.starts_with(&prefix))
    }

    /// The field with this path.
    pub fn field_by_path(&self, path: &str) -> Option<&Field> {
        self.all_fields().into_iter().find(|f| f.path == path)
    }
}

/// A decoded value of any of the kinds, for summaries and signature checks.
enum Decoded {
    Message(MlsMessage),
    KeyPackage(KeyPackage),
    Welcome(Welcome),
    GroupInfo(GroupInfo),
    RatchetTree(RatchetTree),
    Public(PublicMessage),
    Private(PrivateMessage),
    Leaf(LeafNode),
}

/// Decodes `kind` from `r` (with or without span recording), to the end.
fn decode_kind(r: &mut Reader<'_>, kind: MessageKind) -> Result<Decoded, DecodeError> {
    let v = match kind {
        MessageKind::MlsMessage => Decoded::Message(MlsMessage::decode(r)?),
        MessageKind::KeyPackage => Decoded::KeyPackage(KeyPackage::decode(r)?),
        MessageKind::Welcome => Decoded::Welcome(Welcome::decode(r)?),
        MessageKind::GroupInfo => Decoded::GroupInfo(GroupInfo::decode(r)?),
        MessageKind::RatchetTree => {
            Decoded::RatchetTree(r.field("ratchet_tree", RatchetTree::decode)?)
        }
        MessageKind::PublicMessage => Decoded::Public(PublicMessage::decode(r)?),
        MessageKind::PrivateMessage => Decoded::Private(PrivateMessage::decode(r)?),
        MessageKind::LeafNode => Decoded::Leaf(LeafNode::decode(r)?),
    };
    r.finish()?;
    Ok(v)
}

/// Decodes `bytes` as `kind` recording at most `max_fields` spans, and
/// builds the dissection (the tree up to the error if it fails).
fn dissect_recorded(
    bytes: &[u8],
    kind: MessageKind,
    detection: String,
    max_fields: usize,
) -> Dissection {
    let mut r = Reader::with_span_limit(bytes, max_fields);
    let result = decode_kind(&mut r, kind);
    let omitted = r.spans_omitted();
    let mut spans = r.take_spans();
    spans.shrink_to_fit();
    finish(bytes, kind, detection, result, &spans, omitted, max_fields)
}

/// Dissects `bytes` as `kind`, with the default field limit and no size
/// limit (see [`dissect_limited`]).
pub fn dissect_as(bytes: &[u8], kind: MessageKind) -> Dissection {
    let detection = format!("decoded as {} (chosen)", kind.name());
    dissect_recorded(bytes, kind, detection, DissectLimits::DEFAULT_MAX_FIELDS)
}

/// Detects what `bytes` are and dissects them: an MLSMessage of any wire
/// format first, then each bare structure; the first that decodes the whole
/// input wins. If none does, the one that got furthest is shown with its
/// error. Default field limit, no size limit (see [`dissect_limited`]).
pub fn dissect(bytes: &[u8]) -> Dissection {
    detect_and_dissect(bytes, DissectLimits::DEFAULT_MAX_FIELDS)
}

/// Dissects `bytes` as `kind` (`None`: detect it) within `limits`: an input
/// longer than `limits.max_input` is refused without being decoded.
pub fn dissect_limited(
    bytes: &[u8],
    kind: Option<MessageKind>,
    limits: &DissectLimits,
) -> Result<Dissection, TooLarge> {
    if bytes.len() > limits.max_input {
        return Err(TooLarge {
            len: bytes.len(),
            max: limits.max_input,
        });
    }
    Ok(match kind {
        Some(kind) => {
            let detection = format!("decoded as {} (chosen)", kind.name());
            dissect_recorded(bytes, kind, detection, limits.max_fields)
        }
        None => detect_and_dissect(bytes, limits.max_fields),
    })
}

/// Detection decodes each kind strictly, without recording spans (nothing
/// but the decoded value is kept, and dropped); only the kind chosen is
/// decoded again with spans.
fn detect_and_dissect(bytes: &[u8], max_fields: usize) -> Dissection {
    let mut best: Option<(MessageKind, DecodeError)> = None;
    let mut rejected: Vec<String> = Vec::new();
    for kind in MessageKind::ALL {
        // The value is dropped at once: only the kind chosen is decoded
        // again, and kept.
        let result = decode_kind(&mut Reader::new(bytes), kind).map(drop);
        match result {
            Ok(()) => {
                let detection = if rejected.is_empty() {
                    format!("the input decodes completely as an {}", kind.name())
                } else {
                    format!(
                        "the input decodes completely as a bare {} (not {})",
                        kind.name(),
                        rejected.join("; not ")
                    )
                };
                return dissect_recorded(bytes, kind, detection, max_fields);
            }
            Err(e) => {
                rejected.push(format!("{}: {}", kind.name(), e));
                let further = match &best {
                    None => true,
                    Some((_, b)) => e.offset > b.offset,
                };
                if further {
                    best = Some((kind, e));
                }
            }
        }
    }
    match best {
        Some((kind, _)) => {
            let detection = format!(
                "nothing decodes the whole input; shown as {}, which decoded furthest",
                kind.name()
            );
            dissect_recorded(bytes, kind, detection, max_fields)
        }
        None => finish(
            bytes,
            MessageKind::MlsMessage,
            "empty input".into(),
            Err(empty_error()),
            &[],
            0,
            max_fields,
        ),
    }
}

fn empty_error() -> DecodeError {
    Reader::new(&[]).error(crate::codec::DecodeErrorKind::Truncated {
        needed: 1,
        available: 0,
    })
}

fn finish(
    bytes: &[u8],
    kind: MessageKind,
    detection: String,
    result: Result<Decoded, DecodeError>,
    spans: &[crate::codec::FieldSpan],
    omitted: usize,
    max_fields: usize,
) -> Dissection {
    let error = result.as_ref().err().cloned();
    let (summary, signatures) = match &result {
        // The dissector works from bytes alone, without a caller's provider:
        // the signatures it can check are checked with the project's own.
        Ok(decoded) => (
            summary(kind, decoded),
            signature::checks(&crate::crypto::RustCrypto, decoded),
        ),
        Err(e) => (format!("{} (malformed: {e})", kind.name()), Vec::new()),
    };
    // The decoded value is not needed any more: its memory is given back
    // before the details are dissected.
    drop(result);
    let mut fields = build::field_tree(bytes, spans, error.as_ref());
    let budget = max_fields.saturating_sub(spans.len());
    let details = detail::add_details(bytes, &mut fields, budget);
    let truncated = (omitted > 0 || details > 0).then(|| {
        let mut shown = Vec::new();
        for f in &fields {
            f.walk_into(&mut shown);
        }
        Truncation {
            shown: shown.iter().filter(|f| !f.is_omitted_marker()).count(),
            omitted,
            details,
        }
    });
    Dissection {
        kind,
        detection,
        fields,
        error: error.map(|e| DissectError {
            path: e.path.clone(),
            offset: e.offset,
            message: e.kind.to_string(),
        }),
        signatures,
        len: bytes.len(),
        summary,
        truncated,
    }
}

fn suite(cs: u16) -> String {
    match names::cipher_suite(u64::from(cs)) {
        Some(n) => format!("cipher suite {cs} ({n})"),
        None => format!("cipher suite {cs}"),
    }
}

fn summary(kind: MessageKind, decoded: &Decoded) -> String {
    let body = match decoded {
        Decoded::Message(m) => {
            let inner = match &m.body {
                MlsMessageBody::PublicMessage(p) => public_summary(p),
                MlsMessageBody::PrivateMessage(p) => private_summary(p),
                MlsMessageBody::Welcome(w) => welcome_summary(w),
                MlsMessageBody::GroupInfo(g) => group_info_summary(g),
                MlsMessageBody::KeyPackage(k) => key_package_summary(k),
            };
            let wf = names::wire_format(u64::from(m.body.wire_format())).unwrap_or("?");
            return format!("MLSMessage ({wf}): {inner}");
        }
        Decoded::KeyPackage(k) => key_package_summary(k),
        Decoded::Welcome(w) => welcome_summary(w),
        Decoded::GroupInfo(g) => group_info_summary(g),
        Decoded::RatchetTree(t) => {
            let filled = t.0.iter().filter(|n| n.is_some()).count();
            format!("{} nodes, {filled} non-blank", t.0.len())
        }
        Decoded::Public(p) => public_summary(p),
        Decoded::Private(p) => private_summary(p),
        Decoded::Leaf(l) => format!("credential type {}", l.credential.credential_type()),
    };
    format!("{}: {body}", kind.name())
}

fn key_package_summary(k: &KeyPackage) -> String {
    format!("KeyPackage, {}", suite(k.cipher_suite))
}

fn welcome_summary(w: &Welcome) -> String {
    format!(
        "Welcome for {} new member(s), {}",
        w.secrets.len(),
        suite(w.cipher_suite)
    )
}

fn group_info_summary(g: &GroupInfo) -> String {
    format!(
        "GroupInfo, epoch {}, signer leaf {}, {}",
        g.group_context.epoch,
        g.signer,
        suite(g.group_context.cipher_suite)
    )
}

fn public_summary(p: &PublicMessage) -> String {
    let ct = names::content_type(u64::from(p.content.content.content_type())).unwrap_or("?");
    format!("PublicMessage ({ct}), epoch {}", p.content.epoch)
}

fn private_summary(p: &PrivateMessage) -> String {
    let ct = names::content_type(u64::from(p.content_type)).unwrap_or("?");
    format!("PrivateMessage ({ct}), epoch {}", p.epoch)
}

#[cfg(test)]
mod detail_tests;
#[cfg(test)]
mod tests;
