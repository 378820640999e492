//! The code tree: every listed grid code and all its prefixes, numbered in pre-order
//! (which is simply their sorted order), so a node's subtree is a contiguous run of
//! numbers; and the fast hash map that finds a fact's node.

use super::StatsGrid;
use crate::domain::code::{ROOT_CODE_LEN, SEGMENT_LEN};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hash, Hasher};

/// Parent of a root node.
pub(super) const NONE: u32 = u32::MAX;

/// Every listed grid code and its prefixes, in pre-order.
pub(super) struct Tree<'a> {
    pub(super) parent: Vec<u32>,
    /// A node's subtree is `i..end[i]`.
    pub(super) end: Vec<u32>,
    index: CodeMap<'a, u32>,
}

impl<'a> Tree<'a> {
    pub(super) fn new(grids: &'a [StatsGrid]) -> Self {
        let mut codes: Vec<&str> = grids
            .iter()
            .flat_map(|grid| {
                let code = grid.code.as_str();
                (ROOT_CODE_LEN..=code.len())
                    .step_by(SEGMENT_LEN)
                    .map(move |len| &code[..len])
            })
            .collect();
        codes.sort_unstable();
        codes.dedup();
        let n = codes.len();
        let (mut parent, mut end) = (vec![NONE; n], vec![n as u32; n]);
        let mut open: Vec<usize> = Vec::new();
        for (i, code) in codes.iter().enumerate() {
            while let Some(&top) = open.last() {
                if code.starts_with(codes[top]) {
                    parent[i] = top as u32;
                    break;
                }
                end[top] = i as u32;
                open.pop();
            }
            open.push(i);
        }
        let index = codes.iter().enumerate().map(|(i, c)| (Code(c), i as u32));
        Self {
            parent,
            end,
            index: index.collect(),
        }
    }

    pub(super) fn len(&self) -> usize {
        self.parent.len()
    }

    /// The deepest node `code` falls under, if any.
    pub(super) fn node_of(&self, code: &str) -> Option<u32> {
        self.index.get(&Code(code)).copied().or_else(|| {
            // Codes are ASCII digits, so every cut is on a character boundary.
            (ROOT_CODE_LEN..code.len())
                .step_by(SEGMENT_LEN)
                .rev()
                .find_map(|len| self.index.get(&Code(&code[..len])).copied())
        })
    }

    /// The children of `node`.
    pub(super) fn children(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.end[node] as usize;
        let within = move |child: usize| (child < end).then_some(child);
        std::iter::successors(within(node + 1), move |&child| {
            within(self.end[child] as usize)
        })
    }

    /// The node of a listed grid's code.
    pub(super) fn node(&self, code: &str) -> usize {
        self.index.get(&Code(code)).map_or(0, |&node| node as usize)
    }
}

/// A map keyed by codes (grid or category), several times faster than a `HashMap<&str, _>`
/// with SipHash on short keys. Keys are codes from our own store, so hash flooding is not a
/// concern.
pub(super) type CodeMap<'a, V> = HashMap<Code<'a>, V, BuildHasherDefault<WordHasher>>;

/// A code as a map key that hashes and compares eight bytes at a time. A code of 8 to 24
/// bytes (every grid code down to five levels below the town, and category codes) is read
/// as exactly three words, at 0, at 8 or `len - 8` (whichever is less) and at `len - 8`,
/// which together cover it: a fixed sequence of loads with no loop, no copy into a buffer and no
/// call to `memcmp`, so a lookup costs a few instructions and no mispredicted branch
/// however code lengths mix.
#[derive(Debug, Clone, Copy, Eq)]
pub(super) struct Code<'a>(pub(super) &'a str);

impl Code<'_> {
    /// The three covering words of a code of 8 to 24 bytes.
    fn words(self) -> Option<[u64; 3]> {
        let bytes = self.0.as_bytes();
        let n = bytes.len();
        (8..=24).contains(&n).then(|| {
            [
                word(bytes, 0),
                word(bytes, 8.min(n - 8)),
                word(bytes, n - 8),
            ]
        })
    }
}

impl PartialEq for Code<'_> {
    fn eq(&self, other: &Self) -> bool {
        if self.0.len() != other.0.len() {
            return false;
        }
        match (self.words(), other.words()) {
            // Or rather than short-circuiting: no branch.
            (Some(a), Some(b)) => (a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) == 0,
            _ => self.0 == other.0,
        }
    }
}

impl Hash for Code<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let len = self.0.len() as u64;
        if let Some([a, b, c]) = self.words() {
            state.write_u64(mix(mix(mix(len, a), b), c));
        } else {
            state.write_u64(len);
            state.write(self.0.as_bytes());
        }
    }
}

/// The eight bytes from `at` as one word.
fn word(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default())
}

/// One round of the Fx hash (rustc's).
fn mix(hash: u64, word: u64) -> u64 {
    (hash.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95)
}

/// The hasher of [`CodeMap`]: Fx rounds over the words it is given.
#[derive(Default)]
pub(super) struct WordHasher(u64);

impl Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0; 8];
            buf[..chunk.len()].copy_from_slice(chunk);
            self.0 = mix(self.0, u64::from_le_bytes(buf));
        }
    }

    fn write_u64(&mut self, word: u64) {
        self.0 = mix(self.0, word);
    }

    fn finish(&self) -> u64 {
        // The multiply mixes the high bits best; hashbrown buckets by the low ones.
        self.0.rotate_left(26)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_below_every_listed_grid_falls_to_its_deepest_listed_ancestor() {
        let grid = |code: &str| StatsGrid {
            id: 1,
            code: crate::domain::GridCode::parse(code).unwrap(),
            name: String::new(),
            level: 1,
            parent_id: None,
        };
        let grids = [grid("320282102"), grid("320282102200001")];
        let tree = Tree::new(&grids);
        // Nodes: the town, the unlisted village between, the grid.
        assert_eq!(tree.len(), 3);
        assert_eq!(tree.node_of("320282102200001009"), Some(2));
        assert_eq!(tree.node_of("320282102200"), Some(1));
        assert_eq!(tree.node_of("320282102201007"), Some(0));
        assert_eq!(tree.node_of("320282103"), None);
        assert_eq!(tree.parent, [NONE, 0, 1]);
        assert_eq!(tree.end, [3, 3, 3]);
        let children = |node| tree.children(node).collect::<Vec<_>>();
        assert_eq!(
            (children(0), children(1), children(2)),
            (vec![1], vec![2], vec![])
        );
    }

    fn hash_of(code: Code) -> u64 {
        std::hash::BuildHasher::hash_one(&BuildHasherDefault::<WordHasher>::default(), code)
    }

    proptest::proptest! {
        #[test]
        fn codes_are_equal_exactly_when_their_text_is(
            a in "[0-9a-z_]{0,30}",
            b in "[0-9a-z_]{0,30}",
            cut in 0_usize..30,
        ) {
            // Also a prefix of `a`, the case codes meet most, and `a` with one byte changed.
            let prefix = &a[..cut.min(a.len())];
            let mut changed = a.clone().into_bytes();
            if let Some(byte) = changed.get_mut(cut) {
                *byte = b'!';
            }
            let changed = String::from_utf8(changed).unwrap();
            let pairs = [(a.as_str(), b.as_str()), (&a, prefix), (prefix, prefix), (&a, &changed)];
            for (x, y) in pairs {
                proptest::prop_assert_eq!(Code(x) == Code(y), x == y, "{:?} {:?}", x, y);
                if x == y {
                    proptest::prop_assert_eq!(hash_of(Code(x)), hash_of(Code(y)));
                }
            }
        }
    }
}
