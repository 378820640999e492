//! Point-to-grid lookup: one R-tree per level, exact containment, parent links for chains.

use super::Shape;
use crate::domain::{Grid, GridCode, GridId, LevelNo};
use geo::Coord;
use rstar::{RTree, primitives::GeomWithData, primitives::Rectangle};
use serde::Serialize;
use std::collections::HashMap;
use std::ops::ControlFlow;

type Envelope = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Wide, shallow nodes: a lookup touches fewer nodes, and grids change too rarely for
/// insertion cost to matter (the tree is bulk-loaded and rebuilt whole).
struct WideNodes;

impl rstar::RTreeParams for WideNodes {
    const MIN_SIZE: usize = 4;
    const MAX_SIZE: usize = 16;
    const REINSERTION_COUNT: usize = 4;
    type DefaultInsertionStrategy = rstar::RStarInsertionStrategy;
}

/// A grid as the index holds it.
#[derive(Debug, Clone)]
pub struct IndexedGrid {
    /// Store id.
    pub id: GridId,
    /// Hierarchical code.
    pub code: GridCode,
    /// Display name.
    pub name: String,
    /// Level number.
    pub level: LevelNo,
    /// Households registered in the grid.
    pub households: i64,
    /// Residents registered in the grid.
    pub residents: i64,
    /// Position of the parent in the index, `None` at the top.
    parent: Option<usize>,
    /// Positions of the children in the index, ordered by code.
    children: Vec<usize>,
    shape: Shape,
}

/// One link of a grid chain, as the API shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChainLink<'a> {
    /// Level number.
    pub level: LevelNo,
    /// Grid id.
    pub id: GridId,
    /// Grid code.
    pub code: &'a str,
    /// Grid name.
    pub name: &'a str,
}

struct LevelTree {
    level: LevelNo,
    tree: RTree<Envelope, WideNodes>,
}

/// All grids of every level, ready to answer "which grids contain this point?".
///
/// Immutable once built: a change of boundaries builds a new index and swaps it in.
pub struct GridIndex {
    grids: Vec<IndexedGrid>,
    by_id: HashMap<GridId, usize>,
    /// Deepest level first: a lookup tries the finest grids before coarser ones.
    levels: Vec<LevelTree>,
}

impl GridIndex {
    /// Builds the index. Grids whose parent is missing from `grids` are indexed as roots.
    #[must_use]
    pub fn new(mut grids: Vec<Grid>) -> Self {
        grids.sort_by(|a, b| a.code.cmp(&b.code));
        let by_id: HashMap<GridId, usize> =
            grids.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
        let mut indexed: Vec<IndexedGrid> = grids
            .into_iter()
            .map(|g| IndexedGrid {
                parent: g.parent_id.and_then(|p| by_id.get(&p).copied()),
                children: Vec::new(),
                shape: Shape::new(&g.geometry),
                id: g.id,
                code: g.code,
                name: g.name,
                level: g.level,
                households: g.households,
                residents: g.residents,
            })
            .collect();
        for i in 0..indexed.len() {
            if let Some(parent) = indexed[i].parent {
                indexed[parent].children.push(i);
            }
        }
        let mut per_level: HashMap<LevelNo, Vec<Envelope>> = HashMap::new();
        for (i, grid) in indexed.iter().enumerate() {
            if let Some(rect) = grid.shape.bbox() {
                let envelope = Rectangle::from_corners(rect.min().into(), rect.max().into());
                per_level
                    .entry(grid.level)
                    .or_default()
                    .push(GeomWithData::new(envelope, i));
            }
        }
        let mut levels: Vec<LevelTree> = per_level
            .into_iter()
            .map(|(level, envelopes)| LevelTree {
                level,
                tree: RTree::bulk_load_with_params(envelopes),
            })
            .collect();
        levels.sort_by_key(|l| std::cmp::Reverse(l.level));
        Self {
            grids: indexed,
            by_id,
            levels,
        }
    }

    /// How many grids are indexed.
    #[must_use]
    pub fn len(&self) -> usize {
        self.grids.len()
    }

    /// Whether the index holds no grid.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.grids.is_empty()
    }

    /// The deepest grid containing `p` under the boundary rule, or `None` outside every grid.
    ///
    /// The finest level is tried first, since that is where a point usually ends. Failing
    /// that, the top level decides whether the point is in the area at all (grids lie
    /// within their parents), and only then are the levels between tried, for areas not
    /// subdivided all the way down. Should overlapping data ever give several grids of one
    /// level, the lowest code wins, so the answer is still the same every time.
    #[must_use]
    pub fn locate(&self, p: Coord<f64>) -> Option<&IndexedGrid> {
        let (deepest, rest) = self.levels.split_first()?;
        let Some((top, between)) = rest.split_last() else {
            return self.locate_in(deepest, p).map(|i| &self.grids[i]);
        };
        let found = self.locate_in(deepest, p).or_else(|| {
            let top = self.locate_in(top, p)?;
            between
                .iter()
                .find_map(|level| self.locate_in(level, p))
                .or(Some(top))
        });
        found.map(|i| &self.grids[i])
    }

    /// [`GridIndex::locate`] for many points at once, spread over every core.
    #[must_use]
    pub fn locate_many(&self, points: &[Coord<f64>]) -> Vec<Option<&IndexedGrid>> {
        use rayon::prelude::*;
        points.par_iter().map(|&p| self.locate(p)).collect()
    }

    /// The grid of one level containing `p`, or `None`.
    #[must_use]
    pub fn locate_at_level(&self, p: Coord<f64>, level: LevelNo) -> Option<&IndexedGrid> {
        let tree = self.levels.iter().find(|l| l.level == level)?;
        self.locate_in(tree, p).map(|i| &self.grids[i])
    }

    fn locate_in(&self, level: &LevelTree, p: Coord<f64>) -> Option<usize> {
        // Internal iteration: no iterator stack to build, measurably faster per lookup.
        let mut found: Option<usize> = None;
        let _: ControlFlow<()> = level.tree.locate_all_at_point_int(&[p.x, p.y], |e| {
            if found.is_none_or(|f| e.data < f) && self.grids[e.data].shape.contains(p) {
                found = Some(e.data);
            }
            ControlFlow::Continue(())
        });
        found
    }

    /// The chain of grids containing `p`, top level first; empty outside every grid.
    #[must_use]
    pub fn chain_at(&self, p: Coord<f64>) -> Vec<ChainLink<'_>> {
        self.locate(p).map(|g| self.chain(g)).unwrap_or_default()
    }

    /// The chain of grids containing `p`, top first, owned as incidents and alerts keep it.
    #[must_use]
    pub fn chain_entries_at(&self, p: Coord<f64>) -> Vec<crate::domain::ChainEntry> {
        self.chain_at(p)
            .into_iter()
            .map(|link| crate::domain::ChainEntry {
                level: link.level,
                id: link.id,
                code: link.code.to_owned(),
                name: link.name.to_owned(),
            })
            .collect()
    }

    /// The chain from the top level down to `grid`.
    #[must_use]
    pub fn chain<'a>(&'a self, grid: &'a IndexedGrid) -> Vec<ChainLink<'a>> {
        let mut chain: Vec<ChainLink<'a>> = self.ancestors_and_self(grid).map(link).collect();
        chain.reverse();
        chain
    }

    /// `grid`, its parent, its grandparent and so on up to the top.
    pub fn ancestors_and_self<'a>(
        &'a self,
        grid: &'a IndexedGrid,
    ) -> impl Iterator<Item = &'a IndexedGrid> + 'a {
        // Bounded, so that even corrupt data with a parent cycle cannot hang a request.
        std::iter::successors(Some(grid), |g| g.parent.map(|p| &self.grids[p]))
            .take(self.grids.len())
    }

    /// Every grid, ordered by code.
    pub fn iter(&self) -> impl Iterator<Item = &IndexedGrid> {
        self.grids.iter()
    }

    /// The grids with no parent: the top of the hierarchy.
    pub fn roots(&self) -> impl Iterator<Item = &IndexedGrid> {
        self.grids.iter().filter(|g| g.parent.is_none())
    }

    /// Whether any grid has this level.
    #[must_use]
    pub fn has_level(&self, level: LevelNo) -> bool {
        self.levels.iter().any(|l| l.level == level)
    }

    /// The extent of the top-level grids, `None` without grids.
    #[must_use]
    pub fn extent(&self) -> Option<geo::Rect<f64>> {
        self.roots().filter_map(IndexedGrid::bbox).reduce(|a, b| {
            geo::Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })
    }

    /// A grid by id.
    #[must_use]
    pub fn get(&self, id: GridId) -> Option<&IndexedGrid> {
        self.by_id.get(&id).map(|&i| &self.grids[i])
    }

    /// The direct children of a grid, ordered by code.
    pub fn children<'a>(&'a self, grid: &'a IndexedGrid) -> impl Iterator<Item = &'a IndexedGrid> {
        grid.children.iter().map(|&i| &self.grids[i])
    }

    /// Whether `ancestor` is `grid` itself or one of its ancestors.
    #[must_use]
    pub fn is_within(&self, grid: &IndexedGrid, ancestor: GridId) -> bool {
        self.ancestors_and_self(grid).any(|g| g.id == ancestor)
    }
}

impl IndexedGrid {
    /// The grid's bounding box, `None` for an empty geometry.
    #[must_use]
    pub fn bbox(&self) -> Option<geo::Rect<f64>> {
        self.shape.bbox()
    }
}

fn link(g: &IndexedGrid) -> ChainLink<'_> {
    ChainLink {
        level: g.level,
        id: g.id,
        code: g.code.as_str(),
        name: &g.name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, MultiPolygon, Polygon, coord};

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> LineString<f64> {
        LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)])
    }

    fn grid(id: GridId, code: &str, parent: Option<GridId>, polygon: Polygon<f64>) -> Grid {
        Grid {
            id,
            code: GridCode::parse(code).unwrap(),
            name: format!("grid {id}"),
            level: if parent.is_some() { 2 } else { 1 },
            parent_id: parent,
            geometry: MultiPolygon::new(vec![polygon]),
            households: 0,
            residents: 0,
            version: 1,
        }
    }

    /// A town of four villages in a 2 × 2 layout; the north-west village (and so the
    /// town) has a hole, a lake that belongs to no grid.
    ///
    /// ```text
    ///  y=2 +-----+-----+
    ///      | 13 ○| 14  |
    ///  y=1 +-----+-----+
    ///      | 11  | 12  |
    ///  y=0 +-----+-----+
    ///     x=0   x=2   x=4
    /// ```
    fn town() -> GridIndex {
        let lake = rect(0.5, 1.25, 1.5, 1.75);
        GridIndex::new(vec![
            grid(
                1,
                "320282102",
                None,
                Polygon::new(rect(0.0, 0.0, 4.0, 2.0), vec![lake.clone()]),
            ),
            grid(
                11,
                "320282102001",
                Some(1),
                Polygon::new(rect(0.0, 0.0, 2.0, 1.0), vec![]),
            ),
            grid(
                12,
                "320282102002",
                Some(1),
                Polygon::new(rect(2.0, 0.0, 4.0, 1.0), vec![]),
            ),
            grid(
                13,
                "320282102003",
                Some(1),
                Polygon::new(rect(0.0, 1.0, 2.0, 2.0), vec![lake]),
            ),
            grid(
                14,
                "320282102004",
                Some(1),
                Polygon::new(rect(2.0, 1.0, 4.0, 2.0), vec![]),
            ),
        ])
    }

    fn chain_ids(index: &GridIndex, x: f64, y: f64) -> Vec<GridId> {
        index
            .chain_at(coord! { x: x, y: y })
            .iter()
            .map(|l| l.id)
            .collect()
    }

    #[test]
    fn locate_follows_the_boundary_rule_everywhere() {
        let index = town();
        let cases: [(f64, f64, &[GridId], &str); 9] = [
            (0.5, 0.5, &[1, 11], "inside a village"),
            (3.0, 1.5, &[1, 14], "inside another village"),
            (5.0, 1.0, &[], "outside the town"),
            (
                1.0,
                1.5,
                &[],
                "in the lake, a hole of the town and its village",
            ),
            (
                2.0,
                0.5,
                &[1, 12],
                "on a north-south shared edge: the east side",
            ),
            (
                1.0,
                1.0,
                &[1, 13],
                "on an east-west shared edge: the north side",
            ),
            (
                2.0,
                1.0,
                &[1, 14],
                "on the vertex shared by four villages: north-east",
            ),
            (0.0, 0.5, &[1, 11], "on the town's west edge: inside"),
            (4.0, 0.5, &[], "on the town's east edge: outside"),
        ];
        for (x, y, expected, why) in cases {
            assert_eq!(chain_ids(&index, x, y), expected, "({x}, {y}): {why}");
        }
    }

    #[test]
    fn the_chain_runs_from_the_top_level_down_with_codes_and_names() {
        let index = town();
        let chain = index.chain_at(coord! { x: 3.0, y: 0.5 });
        let levels: Vec<(LevelNo, &str)> = chain.iter().map(|l| (l.level, l.code)).collect();
        assert_eq!(levels, vec![(1, "320282102"), (2, "320282102002")]);
        assert_eq!(chain[1].name, "grid 12");
    }

    #[test]
    fn each_level_agrees_with_the_chain_and_children_are_listed() {
        let index = town();
        let p = coord! { x: 2.0, y: 1.0 };
        assert_eq!(index.locate_at_level(p, 1).map(|g| g.id), Some(1));
        assert_eq!(index.locate_at_level(p, 2).map(|g| g.id), Some(14));
        let town = index.get(1).unwrap();
        let children: Vec<GridId> = index.children(town).map(|g| g.id).collect();
        assert_eq!(children, vec![11, 12, 13, 14]);
        assert!(index.is_within(index.get(13).unwrap(), 1));
        assert!(!index.is_within(town, 13));
    }
}
