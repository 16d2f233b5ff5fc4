//! Array-based tree math (RFC 9420 §4.1, Appendix C).
//!
//! Nodes are numbered left to right in one array: leaves at even indices,
//! parents at odd ones. MLS trees are always complete: the leaf count is a
//! power of two (§7.7 extends by doubling and truncates by halving), from 1
//! up to 2^31 leaves so that every node index fits in a `u32`.
//!
//! Nothing here panics: anything out of range yields `None`.

/// Largest leaf count supported: node indices then run to 2^32 - 2.
pub const MAX_LEAVES: u32 = 1 << 31;

/// The number of leaves of a complete tree (a power of two, 1..=2^31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TreeSize(u32);

impl TreeSize {
    /// The one-leaf tree.
    pub const ONE: TreeSize = TreeSize(1);

    /// `None` unless `n_leaves` is a power of two no larger than 2^31.
    pub fn new(n_leaves: u32) -> Option<Self> {
        (n_leaves.is_power_of_two() && n_leaves <= MAX_LEAVES).then_some(TreeSize(n_leaves))
    }

    /// The smallest complete tree holding `n_leaves` leaves.
    pub fn covering(n_leaves: u32) -> Option<Self> {
        if n_leaves > MAX_LEAVES {
            return None;
        }
        Self::new(n_leaves.max(1).next_power_of_two())
    }

    pub fn leaves(self) -> u32 {
        self.0
    }

    /// `node_width(n) = 2(n - 1) + 1`.
    #[allow(clippy::cast_possible_truncation)] // in range: see below
    pub fn nodes(self) -> u32 {
        // n <= 2^31, so 2n - 1 <= 2^32 - 1.
        (u64::from(self.0) * 2 - 1) as u32
    }

    pub fn root(self) -> u32 {
        root(self)
    }

    pub fn contains(self, node: u32) -> bool {
        node < self.nodes()
    }
}

/// The exponent of the largest power of two not above `x` (`log2(0) = 0`).
pub fn log2(x: u64) -> u32 {
    if x == 0 { 0 } else { 63 - x.leading_zeros() }
}

/// A node's level: leaves are 0, their parents 1, and so on (the number of
/// trailing one bits of the index).
pub fn level(x: u32) -> u32 {
    x.trailing_ones()
}

pub fn is_leaf(x: u32) -> bool {
    x & 1 == 0
}

/// The node index of a leaf index (`2 * leaf`), if it fits.
pub fn leaf_to_node(leaf: u32) -> Option<u32> {
    leaf.checked_mul(2)
}

/// The leaf index of a leaf node; `None` for parent nodes.
pub fn node_to_leaf(x: u32) -> Option<u32> {
    is_leaf(x).then_some(x / 2)
}

/// `node_width(n)`: the array size for `n` leaves (`0` for none).
pub fn node_width(n_leaves: u32) -> u64 {
    if n_leaves == 0 {
        0
    } else {
        2 * (u64::from(n_leaves) - 1) + 1
    }
}

/// The root of a tree with `size` leaves.
#[allow(clippy::cast_possible_truncation)] // in range: see below
pub fn root(size: TreeSize) -> u32 {
    // (1 << log2(w)) - 1 <= 2^31 - 1 for w < 2^32.
    ((1u64 << log2(node_width(size.0))) - 1) as u32
}

/// The left child of a parent node; `None` for leaves.
pub fn left(x: u32) -> Option<u32> {
    let k = level(x);
    if k == 0 {
        return None;
    }
    Some(x ^ (1u32 << (k - 1)))
}

/// The right child of a parent node; `None` for leaves.
pub fn right(x: u32) -> Option<u32> {
    let k = level(x);
    if k == 0 {
        return None;
    }
    // Computed in 64 bits: at level 31 the mask 0b11 << 30 needs 32 bits.
    let r = u64::from(x) ^ (0x03u64 << (k - 1));
    u32::try_from(r).ok()
}

/// The parent of `x` in a tree of `size`; `None` for the root and for nodes
/// outside the tree.
pub fn parent(x: u32, size: TreeSize) -> Option<u32> {
    if !size.contains(x) || x == size.root() {
        return None;
    }
    let k = level(x);
    let x64 = u64::from(x);
    let b = (x64 >> (k + 1)) & 1;
    let p = (x64 | (1u64 << k)) ^ (b << (k + 1));
    u32::try_from(p).ok().filter(|p| size.contains(*p))
}

/// The other child of `x`'s parent; `None` for the root and out-of-range nodes.
pub fn sibling(x: u32, size: TreeSize) -> Option<u32> {
    let p = parent(x, size)?;
    if x < p { right(p) } else { left(p) }
}

/// The direct path of `x`, from its parent up to and including the root
/// (empty for the root itself); `None` if `x` is outside the tree.
pub fn direct_path(x: u32, size: TreeSize) -> Option<Vec<u32>> {
    if !size.contains(x) {
        return None;
    }
    let root = size.root();
    let mut path = Vec::with_capacity(level(root).saturating_sub(level(x)) as usize);
    let mut node = x;
    while node != root {
        node = parent(node, size)?;
        path.push(node);
    }
    Some(path)
}

/// The copath of `x`: the siblings of `x` and of each node on its direct
/// path below the root, from leaf to root; `None` if `x` is outside the tree.
pub fn copath(x: u32, size: TreeSize) -> Option<Vec<u32>> {
    if !size.contains(x) {
        return None;
    }
    let root = size.root();
    let mut out = Vec::new();
    let mut node = x;
    while node != root {
        out.push(sibling(node, size)?);
        node = parent(node, size)?;
    }
    Some(out)
}

/// The lowest node that has both `x` and `y` in its subtree (a node is in
/// its own subtree). Independent of the tree size.
#[allow(clippy::cast_possible_truncation)] // in range: see the end
pub fn common_ancestor(x: u32, y: u32) -> u32 {
    let (lx, ly) = (level(x) + 1, level(y) + 1);
    let (x64, y64) = (u64::from(x), u64::from(y));
    if lx <= ly && x64 >> ly == y64 >> ly {
        return y;
    }
    if ly <= lx && x64 >> lx == y64 >> lx {
        return x;
    }
    let (mut xn, mut yn, mut k) = (x64, y64, 0u32);
    while xn != yn {
        xn >>= 1;
        yn >>= 1;
        k += 1;
    }
    // k >= 1 here since x != y. The result keeps x's bits above k and
    // sets only bits below k, so it is <= x | (2^k - 1) <= u32::MAX.
    ((xn << k) + (1u64 << (k - 1)) - 1) as u32
}

/// Whether `ancestor`'s subtree contains `x`.
pub fn is_in_subtree(x: u32, ancestor: u32) -> bool {
    common_ancestor(x, ancestor) == ancestor
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn size(n: u32) -> TreeSize {
        TreeSize::new(n).unwrap()
    }

    #[test]
    fn sizes_must_be_powers_of_two_up_to_2_pow_31() {
        assert!(TreeSize::new(0).is_none());
        assert!(TreeSize::new(3).is_none());
        assert!(TreeSize::new(1 << 31).is_some());
        assert_eq!(TreeSize::covering(5), TreeSize::new(8));
        assert_eq!(TreeSize::covering(0), TreeSize::new(1));
        assert_eq!(TreeSize::covering(u32::MAX), None);
    }

    #[test]
    fn small_tree_matches_rfc_figure() {
        // RFC 9420 §4.1: 8 leaves, root 7.
        let s = size(8);
        assert_eq!(s.nodes(), 15);
        assert_eq!(s.root(), 7);
        assert_eq!(left(7), Some(3));
        assert_eq!(right(7), Some(11));
        assert_eq!(left(0), None);
        assert_eq!(parent(0, s), Some(1));
        assert_eq!(parent(7, s), None);
        assert_eq!(parent(15, s), None);
        assert_eq!(sibling(0, s), Some(2));
        assert_eq!(sibling(3, s), Some(11));
        assert_eq!(direct_path(0, s).unwrap(), vec![1, 3, 7]);
        assert_eq!(copath(0, s).unwrap(), vec![2, 5, 11]);
        assert_eq!(direct_path(7, s).unwrap(), Vec::<u32>::new());
        assert_eq!(direct_path(15, s), None);
        assert_eq!(common_ancestor(0, 6), 3);
        assert_eq!(common_ancestor(2, 12), 7);
        assert_eq!(common_ancestor(5, 4), 5);
        assert_eq!(common_ancestor(8, 8), 8);
    }

    #[test]
    fn largest_tree_does_not_overflow() {
        let s = size(MAX_LEAVES);
        let last = s.nodes() - 1;
        assert_eq!(last, u32::MAX - 1);
        assert_eq!(s.root(), (1u32 << 31) - 1);
        assert_eq!(right(s.root()), Some(s.root() + (1 << 30)));
        let dp = direct_path(last, s).unwrap();
        assert_eq!(dp.len(), 31);
        assert_eq!(dp.last(), Some(&s.root()));
        assert_eq!(copath(last, s).unwrap().len(), 31);
        assert_eq!(common_ancestor(0, last), s.root());
        // Every level-30 node's parent is the root.
        assert_eq!(parent(s.root() + (1 << 30), s), Some(s.root()));
        assert_eq!(parent(u32::MAX, s), None);
        assert_eq!(right(u32::MAX), None);
    }

    #[test]
    fn relations_are_consistent_in_every_tree_up_to_1024_leaves() {
        for exp in 0..=10 {
            let s = size(1 << exp);
            for x in 0..s.nodes() {
                if let Some(p) = parent(x, s) {
                    assert!(
                        left(p) == Some(x) || right(p) == Some(x),
                        "n={} x={x}",
                        s.leaves()
                    );
                    let sib = sibling(x, s).unwrap();
                    assert_eq!(parent(sib, s), Some(p));
                    assert_ne!(sib, x);
                    assert_eq!(common_ancestor(x, sib), p);
                } else {
                    assert_eq!(x, s.root());
                }
                assert_eq!(
                    direct_path(x, s).unwrap().len(),
                    copath(x, s).unwrap().len()
                );
                assert!(is_in_subtree(x, s.root()));
            }
        }
    }
}
