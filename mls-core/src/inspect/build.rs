//! Turns the spans a recording `Reader` left behind into a field tree.

use crate::codec::{DecodeError, FieldSpan, LeafKind, PathSegment};

use super::{Field, names};

/// One node of the tree, in post-order (children before their parent): a
/// recorded span, or (after them, on error) the error node and the fields
/// that were being decoded when it happened.
#[derive(Clone, Copy)]
enum Item<'a> {
    Span(&'a FieldSpan),
    Error(&'a DecodeError),
    Incomplete(usize, &'a PathSegment),
}

/// Builds the tree: every recorded span becomes a field; on error, the
/// fields that were being decoded when it happened are added (marked
/// incomplete) with an error node at the failing offset.
///
/// Spans arrive in the order fields finished (children before parents):
/// a field's children are the run of deeper nodes just before it. Fields
/// are built top-down, each straight into its parent's list of exactly
/// the right size (a dissection may hold hundreds of thousands of fields:
/// nothing is moved or copied on the way). Paths and values are filled in
/// afterwards.
pub fn field_tree(bytes: &[u8], spans: &[FieldSpan], error: Option<&DecodeError>) -> Vec<Field> {
    let mut top = forest_of(bytes, spans, error);
    fill_paths(&mut top, "", None);
    top
}

/// The fields of spans a reader recorded over a part of the input (already
/// moved to the input's offsets; `bytes` ends where that part ends), named
/// as the children of the field at `parent_path` labelled `parent_label`.
pub(super) fn sub_tree(
    bytes: &[u8],
    spans: &[FieldSpan],
    error: Option<&DecodeError>,
    parent_path: &str,
    parent_label: &str,
) -> Vec<Field> {
    let mut top = forest_of(bytes, spans, error);
    fill_paths(&mut top, parent_path, Some(parent_label));
    top
}

fn forest_of(bytes: &[u8], spans: &[FieldSpan], error: Option<&DecodeError>) -> Vec<Field> {
    let mut items: Vec<(usize, Item<'_>)> = Vec::new();
    if let Some(e) = error {
        items.push((e.segments.len() + 1, Item::Error(e)));
        for (k, seg) in e.segments.iter().enumerate().rev() {
            items.push((k + 1, Item::Incomplete(k, seg)));
        }
    }
    let nodes = Nodes {
        bytes,
        spans,
        extra: &items,
        first: first_of_subtrees(spans, &items),
    };
    nodes.forest(0, nodes.len()).0
}

/// The tree in post-order: the spans, then the error's nodes.
struct Nodes<'a> {
    bytes: &'a [u8],
    spans: &'a [FieldSpan],
    extra: &'a [(usize, Item<'a>)],
    /// Per node, where its subtree starts.
    first: Vec<usize>,
}

fn depth_of(spans: &[FieldSpan], extra: &[(usize, Item<'_>)], i: usize) -> usize {
    match spans.get(i) {
        Some(s) => s.depth,
        None => i
            .checked_sub(spans.len())
            .and_then(|j| extra.get(j))
            .map_or(0, |(d, _)| *d),
    }
}

/// Where each node's subtree starts: the run of deeper nodes before it.
fn first_of_subtrees(spans: &[FieldSpan], extra: &[(usize, Item<'_>)]) -> Vec<usize> {
    let len = spans.len() + extra.len();
    let mut first = Vec::with_capacity(len);
    // Roots of the nodes seen so far (their indices), innermost last.
    let mut roots: Vec<usize> = Vec::new();
    for i in 0..len {
        let depth = depth_of(spans, extra, i);
        let mut start = i;
        while let Some(&r) = roots.last() {
            if depth_of(spans, extra, r) <= depth {
                break;
            }
            start = first.get(r).copied().unwrap_or(r);
            roots.pop();
        }
        first.push(start);
        roots.push(i);
    }
    first
}

impl Nodes<'_> {
    fn len(&self) -> usize {
        self.spans.len() + self.extra.len()
    }

    fn item(&self, i: usize) -> Option<Item<'_>> {
        match self.spans.get(i) {
            Some(s) => Some(Item::Span(s)),
            None => Some(self.extra.get(i.checked_sub(self.spans.len())?)?.1),
        }
    }

    /// The fields of the nodes `lo..hi` (whole subtrees), in order, and
    /// what markers among them say about fields left out there: how many
    /// were at this level, and whether they were vector elements.
    fn forest(&self, lo: usize, hi: usize) -> (Vec<Field>, Hidden) {
        let mut roots = Vec::new();
        let mut i = hi;
        while i > lo {
            let root = i - 1;
            roots.push(root);
            i = self
                .first
                .get(root)
                .copied()
                .unwrap_or(root)
                .clamp(lo, root);
        }
        let mut out = Vec::with_capacity(roots.len());
        let mut hidden = Hidden::default();
        for &root in roots.iter().rev() {
            if let Some(Item::Span(s)) = self.item(root)
                && s.omitted_direct > 0
            {
                hidden.count += s.omitted_direct;
                hidden.elements = matches!(s.segment, PathSegment::Index(_));
            }
            let from = self
                .first
                .get(root)
                .copied()
                .unwrap_or(root)
                .clamp(lo, root);
            let (children, below) = self.forest(from, root);
            if let Some(field) = self.field(root, children, below) {
                out.push(field);
            }
        }
        (out, hidden)
    }

    fn field(&self, i: usize, children: Vec<Field>, hidden: Hidden) -> Option<Field> {
        Some(match self.item(i)? {
            Item::Span(span) if span.omitted > 0 => Field {
                label: OMITTED_LABEL.into(),
                type_name: OMITTED_TYPE.into(),
                value: Some(format!(
                    "{} more field{} decoded and checked, not shown",
                    span.omitted,
                    if span.omitted == 1 { "" } else { "s" }
                )),
                start: span.start,
                end: span.end,
                ..Field::default()
            },
            Item::Span(span) => {
                let mut field = leaf_field(self.bytes, span);
                if span.leaf.is_none() && field.type_name == "struct / vector" {
                    field.type_name = vector_or_struct(&children, hidden, field.end - field.start);
                }
                field.children = children;
                field
            }
            Item::Error(e) => Field {
                label: "error".into(),
                type_name: "error".into(),
                value: Some(e.kind.to_string()),
                start: e.offset,
                end: self.bytes.len().max(e.offset),
                error: Some(format!(
                    "{} at byte {}: {}",
                    display_path(&e.path),
                    e.offset,
                    e.kind
                )),
                ..Field::default()
            },
            Item::Incomplete(k, seg) => {
                let e = error_of(self.extra)?;
                let start = e
                    .segment_starts
                    .get(k)
                    .copied()
                    .unwrap_or(e.offset)
                    .min(children.iter().map(|c| c.start).min().unwrap_or(e.offset))
                    .min(e.offset);
                let end = children
                    .iter()
                    .map(|c| c.end)
                    .max()
                    .unwrap_or(e.offset)
                    .max(e.offset);
                Field {
                    label: label_of(seg),
                    type_name: type_for(e.segments.get(..=k).unwrap_or(&[]), None),
                    start,
                    end,
                    children,
                    error: Some("incomplete: decoding stopped inside this field".into()),
                    ..Field::default()
                }
            }
        })
    }
}

fn error_of<'a>(extra: &[(usize, Item<'a>)]) -> Option<&'a DecodeError> {
    extra.iter().find_map(|(_, item)| match item {
        Item::Error(e) => Some(*e),
        _ => None,
    })
}

/// Fields of one level left out of the tree (see [`FieldSpan::omitted_direct`]).
#[derive(Debug, Clone, Copy, Default)]
struct Hidden {
    count: usize,
    elements: bool,
}

/// The label of the node standing for fields left out of a dissection.
pub const OMITTED_LABEL: &str = "…";
/// Its type.
pub const OMITTED_TYPE: &str = "not shown";

/// Sets every field's path and names enum values by their field (or, for
/// list elements, the list's) name.
fn fill_paths(fields: &mut [Field], parent_path: &str, parent_label: Option<&str>) {
    for f in fields.iter_mut() {
        f.path = if f.label == "error" || f.label == OMITTED_LABEL {
            parent_path.to_string()
        } else if parent_path.is_empty() {
            f.label.clone()
        } else if f.label.starts_with('[') {
            format!("{parent_path}{}", f.label)
        } else {
            format!("{parent_path}.{}", f.label)
        };
        if let Some(n) = f
            .value
            .as_ref()
            .filter(|_| f.type_name.starts_with("uint"))
            .and_then(|v| v.parse::<u64>().ok())
        {
            let table = if f.label.starts_with('[') {
                parent_label.and_then(names::for_list)
            } else {
                names::for_field(&f.label, parent_label)
            };
            if let Some(t) = table {
                f.value = Some(match t(n) {
                    Some(name) => format!("{n} ({name})"),
                    None => format!("{n} (unknown)"),
                });
            }
        }
        let Field {
            path,
            label,
            children,
            ..
        } = f;
        let parent_name = if label.starts_with('[') {
            parent_label
        } else {
            Some(label.as_str())
        };
        fill_paths(children, path, parent_name);
    }
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "top level" } else { path }
}

fn label_of(seg: &PathSegment) -> String {
    match seg {
        PathSegment::Field(f) => (*f).to_string(),
        PathSegment::Index(i) => format!("[{i}]"),
    }
}

fn type_for(path: &[PathSegment], leaf: Option<LeafKind>) -> String {
    type_of(path.last(), leaf)
}

/// The type of a field whose path ends in `last`.
fn type_of(last: Option<&PathSegment>, leaf: Option<LeafKind>) -> String {
    match leaf {
        Some(LeafKind::Uint(n)) => format!("uint{}", u32::from(n) * 8),
        Some(LeafKind::VlBytes { .. }) => "opaque<V>".into(),
        Some(LeafKind::Raw) => "opaque[N]".into(),
        None => {
            let name = match last {
                Some(PathSegment::Field(f)) => Some(*f),
                _ => None,
            };
            match name.and_then(names::struct_name) {
                Some(s) => s.into(),
                None if matches!(last, Some(PathSegment::Index(_))) => "element".into(),
                None => "struct / vector".into(),
            }
        }
    }
}

/// Lower-case hex, without the per-character iterator of `hex::encode`
/// (a 1 MiB message has a million bytes of values to show).
fn fast_hex(bytes: &[u8]) -> String {
    let mut buf = vec![0u8; bytes.len() * 2];
    if hex::encode_to_slice(bytes, &mut buf).is_err() {
        return hex::encode(bytes);
    }
    String::from_utf8(buf).unwrap_or_default()
}

/// Names an unnamed composite: a vector when its children are elements
/// (or it holds only a length header), else a struct. Elements left out
/// of the tree (`hidden`) count as its elements.
fn vector_or_struct(children: &[Field], hidden: Hidden, len: usize) -> String {
    let shown = children.iter().filter(|c| !c.is_omitted_marker());
    let elements = shown.clone().all(|c| c.label.starts_with('['));
    if elements && (hidden.count == 0 || hidden.elements) {
        let n = shown.count() + hidden.count;
        if n == 0 && len > 1 {
            "struct".into()
        } else {
            format!("vector ({n} element{})", if n == 1 { "" } else { "s" })
        }
    } else {
        "struct".into()
    }
}

pub(super) fn be_uint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

fn printable(bytes: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(bytes).ok()?;
    (!s.is_empty() && s.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'))
        .then(|| s.to_string())
}

fn leaf_field(bytes: &[u8], span: &FieldSpan) -> Field {
    let raw = bytes.get(span.start..span.end).unwrap_or(&[]);
    let mut field = Field {
        label: label_of(&span.segment),
        type_name: type_of(Some(&span.segment), span.leaf),
        start: span.start,
        end: span.end,
        ..Field::default()
    };
    match span.leaf {
        Some(LeafKind::Uint(_)) => field.value = Some(be_uint(raw).to_string()),
        Some(LeafKind::VlBytes { header }) => {
            let content = raw.get(usize::from(header)..).unwrap_or(&[]);
            field.value = Some(if content.is_empty() {
                "(empty)".into()
            } else {
                fast_hex(content)
            });
            field.text = printable(content);
        }
        Some(LeafKind::Raw) => field.value = Some(fast_hex(raw)),
        None => {}
    }
    field
}
