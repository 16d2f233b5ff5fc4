//! The field tree as rows: flattened depth first, which rows are open,
//! which match the filter, which field holds a byte.

use mls_core::inspect::{
    self, DissectLimits, Dissection, Field, MessageKind, ParsedInput, TooLarge,
};

/// One field of the tree, flattened in depth-first order.
#[derive(Debug, Clone)]
pub(super) struct Node {
    /// Child indices from the top level down to this field.
    pub(super) loc: Box<[usize]>,
    pub(super) depth: usize,
    pub(super) parent: Option<usize>,
    /// Index just past this field's last descendant.
    pub(super) subtree_end: usize,
    pub(super) start: usize,
    pub(super) end: usize,
}

impl Node {
    pub(super) fn has_children(&self, index: usize) -> bool {
        self.subtree_end > index + 1
    }
}

/// Flattens the tree depth first (the order of [`Dissection::all_fields`]).
pub(super) fn flatten(fields: &[Field]) -> Vec<Node> {
    pub(super) fn visit(
        fields: &[Field],
        loc: &mut Vec<usize>,
        parent: Option<usize>,
        out: &mut Vec<Node>,
    ) {
        for (i, field) in fields.iter().enumerate() {
            loc.push(i);
            let index = out.len();
            out.push(Node {
                loc: loc.clone().into_boxed_slice(),
                depth: loc.len() - 1,
                parent,
                subtree_end: index + 1,
                start: field.start,
                end: field.end,
            });
            visit(&field.children, loc, Some(index), out);
            let end = out.len();
            if let Some(node) = out.get_mut(index) {
                node.subtree_end = end;
            }
            loc.pop();
        }
    }
    let mut out = Vec::new();
    visit(fields, &mut Vec::new(), None, &mut out);
    out
}

/// The field at `loc` (child indices from the top level).
pub(super) fn field_at_loc<'a>(fields: &'a [Field], loc: &[usize]) -> Option<&'a Field> {
    let (first, rest) = loc.split_first()?;
    let mut field = fields.get(*first)?;
    for i in rest {
        field = field.children.get(*i)?;
    }
    Some(field)
}

/// The innermost node covering byte `offset`: the same rule as
/// [`Dissection::field_at`] (first covering sibling, then down).
pub(super) fn node_at(nodes: &[Node], offset: usize) -> Option<usize> {
    let mut found = None;
    let (mut i, mut end) = (0, nodes.len());
    while i < end {
        let node = nodes.get(i)?;
        if node.start <= offset && offset < node.end {
            found = Some(i);
            end = node.subtree_end;
            i += 1;
        } else {
            i = node.subtree_end;
        }
    }
    found
}

/// Top-level fields and their children are open, and every field on the
/// way to an error.
pub(super) fn default_expansion(nodes: &[Node], dissection: &Dissection) -> Vec<bool> {
    let mut open: Vec<bool> = nodes.iter().map(|n| n.depth < 2).collect();
    for (index, field) in dissection.all_fields().iter().enumerate() {
        if field.error.is_some()
            && let Some(state) = open.get_mut(index)
        {
            *state = true;
        }
    }
    open
}

/// The rows the tree shows: without a filter, every field whose ancestors
/// are open; with one, the matching fields and their ancestors.
pub(super) fn visible_rows(decoded: &Decoded, expanded: &[bool], filter: &str) -> Vec<usize> {
    let nodes = &decoded.nodes;
    let query = filter.trim().to_lowercase();
    let mut rows = Vec::new();
    if query.is_empty() {
        let mut i = 0;
        while let Some(node) = nodes.get(i) {
            rows.push(i);
            i = if expanded.get(i).copied().unwrap_or(false) {
                i + 1
            } else {
                node.subtree_end
            };
        }
        return rows;
    }
    let mut keep = vec![false; nodes.len()];
    for (i, field) in decoded.dissection.all_fields().iter().enumerate() {
        if !matches(field, &query) {
            continue;
        }
        let mut at = Some(i);
        while let Some(j) = at {
            match keep.get_mut(j) {
                // Its ancestors are kept already.
                Some(true) | None => break,
                Some(k) => *k = true,
            }
            at = nodes.get(j).and_then(|n| n.parent);
        }
    }
    rows.extend(keep.iter().enumerate().filter(|(_, k)| **k).map(|(i, _)| i));
    rows
}

/// Whether a field's label, path, value or text contains `query`
/// (lowercase). A length header matches by its label only: its path is its
/// field's, and every byte string has one.
pub(super) fn matches(field: &Field, query: &str) -> bool {
    let has = |s: &str| s.to_lowercase().contains(query);
    if field.label == inspect::LENGTH_LABEL && field.type_name == inspect::LENGTH_TYPE {
        return has(&field.label);
    }
    has(&field.label)
        || has(&field.path)
        || field.value.as_deref().is_some_and(has)
        || field.text.as_deref().is_some_and(has)
}

/// A decoded input: what was read, and its dissection.
#[derive(Debug)]
pub struct Decoded {
    pub(super) name: String,
    pub(super) input: ParsedInput,
    pub(super) dissection: Dissection,
    pub(super) nodes: Vec<Node>,
}

impl Decoded {
    /// Dissects `input`; refused, without decoding, when it is larger than
    /// `limits` allow.
    pub(super) fn new(
        name: String,
        input: ParsedInput,
        kind: Option<MessageKind>,
        limits: &DissectLimits,
    ) -> Result<Self, TooLarge> {
        let dissection = inspect::dissect_limited(&input.bytes, kind, limits)?;
        let nodes = flatten(&dissection.fields);
        Ok(Decoded {
            name,
            input,
            dissection,
            nodes,
        })
    }

    /// Where the input came from: a file name or "pasted text".
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The bytes, with the format they were read as and why.
    pub fn input(&self) -> &ParsedInput {
        &self.input
    }

    pub fn dissection(&self) -> &Dissection {
        &self.dissection
    }

    pub(super) fn field(&self, index: usize) -> Option<&Field> {
        let node = self.nodes.get(index)?;
        field_at_loc(&self.dissection.fields, &node.loc)
    }

    pub(super) fn bytes_of(&self, index: usize) -> Option<&[u8]> {
        let node = self.nodes.get(index)?;
        self.input.bytes.get(node.start..node.end)
    }
}
