//! `tree-math.json`: array-based tree math (RFC 9420 §4, Appendix C).

use crate::tree::math::{self, TreeSize};

use crate::conformance::json::Field;

pub fn run(case: &Field<'_>) -> Result<(), String> {
    let n_leaves = case.get("n_leaves")?.u32()?;
    let size = TreeSize::new(n_leaves)
        .ok_or_else(|| format!("n_leaves {n_leaves} is not a power of two in 1..=2^31"))?;
    let n_nodes = case.get("n_nodes")?.u32()?;
    if size.nodes() != n_nodes {
        return Err(format!(
            "n_nodes: expected {n_nodes}, computed {}",
            size.nodes()
        ));
    }
    let root = case.get("root")?.u32()?;
    if size.root() != root {
        return Err(format!("root: expected {root}, computed {}", size.root()));
    }
    type Relation = fn(u32, TreeSize) -> Option<u32>;
    let relations: [(&str, Relation); 4] = [
        ("left", |x, _| math::left(x)),
        ("right", |x, _| math::right(x)),
        ("parent", math::parent),
        ("sibling", math::sibling),
    ];
    for (name, relation) in relations {
        let field = case.get(name)?;
        let values = field.array()?;
        if values.len() != n_nodes as usize {
            return Err(format!(
                "{name}: expected {n_nodes} entries, the vector has {}",
                values.len()
            ));
        }
        for (i, value) in (0u32..).zip(values) {
            let expected = Field::root(value, &format!("{name}[{i}]")).opt_u32()?;
            let computed = relation(i, size);
            if expected != computed {
                return Err(format!(
                    "{name}({i}) with {n_leaves} leaves: expected {}, computed {}",
                    show(expected),
                    show(computed)
                ));
            }
        }
    }
    Ok(())
}

fn show(v: Option<u32>) -> String {
    v.map_or_else(|| "null".to_string(), |v| v.to_string())
}
