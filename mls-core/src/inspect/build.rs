//! Turns the spans a recording `Reader` left behind into a field tree.

use std::collections::BTreeMap;

use crate::codec::{DecodeError, FieldSpan, LeafKind, PathSegment, render_path};

use super::{Field, names};

/// Builds the tree: every recorded span becomes a field; on error, the
/// fields that were being decoded when it happened are added (marked
/// incomplete) with an error node at the failing offset.
pub fn field_tree(bytes: &[u8], spans: Vec<FieldSpan>, error: Option<&DecodeError>) -> Vec<Field> {
    // path -> (field, segments)
    let mut nodes: BTreeMap<Vec<Seg>, Field> = BTreeMap::new();
    for span in spans {
        let key = key_of(&span.path);
        let field = leaf_field(bytes, &span);
        nodes.insert(key, field);
    }
    if let Some(e) = error {
        let mut segs: Vec<PathSegment> = Vec::new();
        for seg in &e.segments {
            segs.push(seg.clone());
            let key = key_of(&segs);
            nodes.entry(key.clone()).or_insert_with(|| Field {
                label: label_of(seg),
                path: render_path(&segs),
                type_name: type_for(&segs, None),
                start: e.offset,
                end: e.offset,
                error: Some("incomplete: decoding stopped inside this field".into()),
                ..Field::default()
            });
        }
        let mut error_path = e.segments.clone();
        error_path.push(PathSegment::Field("error"));
        nodes.insert(
            key_of(&error_path),
            Field {
                label: "error".into(),
                path: e.path.clone(),
                type_name: "error".into(),
                value: Some(e.kind.to_string()),
                start: e.offset,
                end: bytes.len().max(e.offset),
                error: Some(format!(
                    "{} at byte {}: {}",
                    display_path(&e.path),
                    e.offset,
                    e.kind
                )),
                ..Field::default()
            },
        );
    }
    assemble(nodes)
}

fn display_path(path: &str) -> &str {
    if path.is_empty() { "top level" } else { path }
}

/// A sortable path segment: names keep their decode order through the
/// byte offsets, so the key only needs to group children under parents.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Seg {
    Field(&'static str),
    Index(usize),
}

fn key_of(path: &[PathSegment]) -> Vec<Seg> {
    path.iter()
        .map(|s| match s {
            PathSegment::Field(f) => Seg::Field(f),
            PathSegment::Index(i) => Seg::Index(*i),
        })
        .collect()
}

fn label_of(seg: &PathSegment) -> String {
    match seg {
        PathSegment::Field(f) => (*f).to_string(),
        PathSegment::Index(i) => format!("[{i}]"),
    }
}

/// The name of the field a path ends in, and of the one above it.
fn names_of(path: &[PathSegment]) -> (Option<&'static str>, Option<&'static str>) {
    let name = |s: Option<&PathSegment>| match s {
        Some(PathSegment::Field(f)) => Some(*f),
        _ => None,
    };
    let n = path.len();
    let last = n.checked_sub(1).and_then(|i| path.get(i));
    let before = n.checked_sub(2).and_then(|i| path.get(i));
    (name(last), name(before))
}

fn type_for(path: &[PathSegment], leaf: Option<LeafKind>) -> String {
    match leaf {
        Some(LeafKind::Uint(n)) => format!("uint{}", u32::from(n) * 8),
        Some(LeafKind::VlBytes { .. }) => "opaque<V>".into(),
        Some(LeafKind::Raw) => "opaque[N]".into(),
        None => {
            let (last, _) = names_of(path);
            match last.and_then(names::struct_name) {
                Some(s) => s.into(),
                None if matches!(path.last(), Some(PathSegment::Index(_))) => "element".into(),
                None => "struct / vector".into(),
            }
        }
    }
}

fn be_uint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b))
}

fn printable(bytes: &[u8]) -> Option<String> {
    let s = std::str::from_utf8(bytes).ok()?;
    (!s.is_empty() && s.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'))
        .then(|| s.to_string())
}

fn leaf_field(bytes: &[u8], span: &FieldSpan) -> Field {
    let raw = bytes.get(span.start..span.end).unwrap_or(&[]);
    let label = span.path.last().map(label_of).unwrap_or_default();
    let mut field = Field {
        label,
        path: render_path(&span.path),
        type_name: type_for(&span.path, span.leaf),
        start: span.start,
        end: span.end,
        ..Field::default()
    };
    match span.leaf {
        Some(LeafKind::Uint(_)) => {
            let v = be_uint(raw);
            let (last, parent) = names_of(&span.path);
            let table = match (last, &span.path.last()) {
                (Some(f), _) => names::for_field(f, parent),
                (None, Some(PathSegment::Index(_))) => parent.and_then(names::for_list),
                _ => None,
            };
            field.value = Some(match table.and_then(|t| t(v)) {
                Some(name) => format!("{v} ({name})"),
                None if table.is_some() => format!("{v} (unknown)"),
                None => v.to_string(),
            });
        }
        Some(LeafKind::VlBytes { header }) => {
            let content = raw.get(usize::from(header)..).unwrap_or(&[]);
            field.value = Some(if content.is_empty() {
                "(empty)".into()
            } else {
                hex::encode(content)
            });
            field.text = printable(content);
        }
        Some(LeafKind::Raw) => field.value = Some(hex::encode(raw)),
        None => {}
    }
    field
}

/// Nests the fields under their parents and orders siblings by offset.
fn assemble(mut nodes: BTreeMap<Vec<Seg>, Field>) -> Vec<Field> {
    // Deepest first, so children are complete before moving into parents.
    let mut keys: Vec<Vec<Seg>> = nodes.keys().cloned().collect();
    keys.sort_by_key(|k| std::cmp::Reverse(k.len()));
    let mut orphans = Vec::new();
    for key in keys {
        if key.len() < 2 {
            continue;
        }
        let Some(child) = nodes.remove(&key) else {
            continue;
        };
        let parent_key = key
            .get(..key.len() - 1)
            .map(<[Seg]>::to_vec)
            .unwrap_or_default();
        match nodes.get_mut(&parent_key) {
            Some(parent) => {
                // An incomplete parent grows to cover what it holds.
                if parent.error.is_some() {
                    parent.start = parent.start.min(child.start);
                    parent.end = parent.end.max(child.end);
                }
                parent.children.push(child);
            }
            // Not expected (every recorded field's parent is recorded or on
            // the error path); shown at the top rather than lost.
            None => orphans.push(child),
        }
    }
    let mut top: Vec<Field> = nodes.into_values().collect();
    top.extend(orphans);
    sort_tree(&mut top);
    top
}

fn sort_tree(fields: &mut [Field]) {
    fields.sort_by(|a, b| {
        a.start
            .cmp(&b.start)
            .then(b.end.cmp(&a.end))
            .then((a.label == "error").cmp(&(b.label == "error")))
    });
    for f in fields.iter_mut() {
        sort_tree(&mut f.children);
    }
}
