//! Turns the spans a recording `Reader` left behind into a field tree.

use crate::codec::{DecodeError, FieldSpan, LeafKind, PathSegment};

use super::{Field, names};

/// Builds the tree: every recorded span becomes a field; on error, the
/// fields that were being decoded when it happened are added (marked
/// incomplete) with an error node at the failing offset.
///
/// Spans arrive in the order fields finished (children before parents), so
/// one pass with a stack nests them: a finished field adopts every deeper
/// field on the stack. Paths and values are filled in top-down afterwards.
pub fn field_tree(bytes: &[u8], spans: Vec<FieldSpan>, error: Option<&DecodeError>) -> Vec<Field> {
    let mut stack: Vec<(usize, Field)> = Vec::with_capacity(64);
    let adopt = |stack: &mut Vec<(usize, Field)>, depth: usize| {
        let from = stack
            .iter()
            .rposition(|(d, _)| *d <= depth)
            .map_or(0, |i| i + 1);
        stack
            .split_off(from)
            .into_iter()
            .map(|(_, f)| f)
            .collect::<Vec<Field>>()
    };
    for span in spans {
        let mut field = leaf_field(bytes, &span);
        field.children = adopt(&mut stack, span.depth);
        if span.leaf.is_none() && field.type_name == "struct / vector" {
            field.type_name = vector_or_struct(&field.children, field.end - field.start);
        }
        stack.push((span.depth, field));
    }
    if let Some(e) = error {
        let depth = e.segments.len();
        stack.push((
            depth + 1,
            Field {
                label: "error".into(),
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
        ));
        for (k, seg) in e.segments.iter().enumerate().rev() {
            let children = adopt(&mut stack, k + 1);
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
            stack.push((
                k + 1,
                Field {
                    label: label_of(seg),
                    type_name: type_for(e.segments.get(..=k).unwrap_or(&[]), None),
                    start,
                    end,
                    children,
                    error: Some("incomplete: decoding stopped inside this field".into()),
                    ..Field::default()
                },
            ));
        }
    }
    let mut top: Vec<Field> = stack.into_iter().map(|(_, f)| f).collect();
    fill_paths(&mut top, "", None);
    top
}

/// Sets every field's path and names enum values by their field (or, for
/// list elements, the list's) name.
fn fill_paths(fields: &mut [Field], parent_path: &str, parent_label: Option<&str>) {
    for f in fields.iter_mut() {
        f.path = if f.label == "error" {
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
/// (or it holds only a length header), else a struct.
fn vector_or_struct(children: &[Field], len: usize) -> String {
    if children.iter().all(|c| c.label.starts_with('[')) {
        if children.is_empty() && len > 1 {
            "struct".into()
        } else {
            format!(
                "vector ({} element{})",
                children.len(),
                if children.len() == 1 { "" } else { "s" }
            )
        }
    } else {
        "struct".into()
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
        type_name: type_for(&span.path, span.leaf),
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
