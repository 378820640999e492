//! Splitting a grid along a drawn line and merging neighbours: geometry the planner's page
//! asks the service for, so that one geometry engine draws what the checks then judge.

use super::{Planner, PlanningError};
use crate::domain::{Grid, GridCode, GridId, GridScope};
use geo::{
    BooleanOps, BoundingRect, ChamberlainDuquetteArea, Coord, LineString, MultiPolygon, Polygon,
};

/// Why a split or merge could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CutError {
    /// The line has fewer than two distinct points.
    #[error("the line needs at least two distinct points")]
    ShortLine,
    /// The line does not cut the grid in two.
    #[error("the line does not cut the grid in two: draw it across the grid, edge to edge")]
    NoCut,
    /// The grids to merge do not touch.
    #[error("the grids do not share a boundary, so they cannot be merged")]
    Apart,
    /// The grids to merge are one and the same.
    #[error("name two different grids")]
    SameGrid,
    /// The grids to merge have different parents.
    #[error("grids {0} and {1} have different parents; only siblings merge")]
    NotSiblings(GridCode, GridCode),
}

impl Planner {
    /// The two parts a drawn line cuts the grid `id` (within `scope`) into, to put in a
    /// change set.
    pub async fn split_grid(
        &self,
        scope: &GridScope,
        id: GridId,
        line: &LineString<f64>,
    ) -> Result<[MultiPolygon<f64>; 2], PlanningError> {
        let grid = self.grid(scope, id).await?;
        Ok(split(&grid.geometry, line)?)
    }

    /// The union of two neighbouring grids of one parent (within `scope`), to put in a
    /// change set.
    pub async fn merge_grids(
        &self,
        scope: &GridScope,
        [a, b]: [GridId; 2],
    ) -> Result<MultiPolygon<f64>, PlanningError> {
        if a == b {
            return Err(CutError::SameGrid.into());
        }
        let (a, b) = (self.grid(scope, a).await?, self.grid(scope, b).await?);
        if a.parent_id != b.parent_id {
            return Err(CutError::NotSiblings(a.code, b.code).into());
        }
        Ok(merge(&a.geometry, &b.geometry)?)
    }

    /// A stored grid, if it is within `scope`.
    async fn grid(&self, scope: &GridScope, id: GridId) -> Result<Grid, PlanningError> {
        Ok(self.store.grid(scope, id).await?)
    }
}

/// Parts smaller than this (m²) are what floating point leaves along a cut, not a part.
const CRUMB_M2: f64 = 0.01;

/// Cuts `grid` along `line`, extended straight beyond its ends until it leaves the grid;
/// answers the parts to the line's left and right. Both parts share exactly the vertices
/// of the cut, as they come from one overlay of the same segments.
pub fn split(
    grid: &MultiPolygon<f64>,
    line: &LineString<f64>,
) -> Result<[MultiPolygon<f64>; 2], CutError> {
    let mut points: Vec<Coord<f64>> = line.coords().copied().collect();
    points.dedup();
    if points.len() < 2 {
        return Err(CutError::ShortLine);
    }
    let rect = grid.bounding_rect().ok_or(CutError::NoCut)?;
    let reach = (rect.width().hypot(rect.height())) * 2.0 + 1e-6;
    let extend = |from: Coord<f64>, towards: Coord<f64>| {
        let d = from - towards;
        let length = d.x.hypot(d.y);
        from + d * (reach / length)
    };
    let start = extend(points[0], points[1]);
    let end = extend(points[points.len() - 1], points[points.len() - 2]);
    let left = left_side(start, &points, end, rect.center(), reach * 5.0);
    let parts = [grid.intersection(&left), grid.difference(&left)].map(|p| snap(&p, &[grid]));
    let area = |g: &MultiPolygon<f64>| g.chamberlain_duquette_unsigned_area();
    if parts.iter().any(|p| area(p) <= CRUMB_M2) {
        return Err(CutError::NoCut);
    }
    Ok(parts)
}

/// The region left of the polyline `start`, `points`, `end`: the polyline closed by a walk
/// counter-clockwise round a square of half-side `far` about `centre`, from `end` back to
/// `start`.
fn left_side(
    start: Coord<f64>,
    points: &[Coord<f64>],
    end: Coord<f64>,
    centre: Coord<f64>,
    far: f64,
) -> MultiPolygon<f64> {
    let angle = |c: Coord<f64>| (c.y - centre.y).atan2(c.x - centre.x);
    let corners = [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)].map(|(x, y)| Coord {
        x: centre.x + x * far,
        y: centre.y + y * far,
    });
    let (from, to) = (angle(end), angle(start));
    let sweep = |a: f64| (a - from).rem_euclid(std::f64::consts::TAU);
    let total = sweep(to);
    let mut walk: Vec<Coord<f64>> = corners
        .into_iter()
        .filter(|&c| sweep(angle(c)) < total)
        .collect();
    walk.sort_by(|a, b| sweep(angle(*a)).total_cmp(&sweep(angle(*b))));
    let ring: Vec<Coord<f64>> = std::iter::once(start)
        .chain(points.iter().copied())
        .chain(std::iter::once(end))
        .chain(walk)
        .collect();
    MultiPolygon::new(vec![Polygon::new(LineString::from(ring), vec![])])
}

/// How far (degrees, about a millimetre) the overlay may move a vertex: it computes on a
/// grid of integers scaled to its inputs, so `119.0` can come back as `119.0000000000708`.
const SNAP_DEGREES: f64 = 1e-8;

/// Gives back to `result` what the overlay took from the vertices of `sources`: every
/// vertex it moved a hair's breadth goes back where it was, and every vertex it dropped as
/// collinear (a neighbour's corner on a straight edge) goes back into the edge it lies on.
/// So a split or merged grid still shares its neighbours' vertices bit for bit; the new
/// vertices of a cut are the same in both parts already.
fn snap(result: &MultiPolygon<f64>, sources: &[&MultiPolygon<f64>]) -> MultiPolygon<f64> {
    let rings: Vec<&LineString<f64>> = sources
        .iter()
        .flat_map(|g| g.iter())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect();
    let originals = Originals {
        vertices: rstar::RTree::bulk_load(
            rings
                .iter()
                .flat_map(|r| r.coords())
                .map(|c| [c.x, c.y])
                .collect(),
        ),
        edges: rings.iter().flat_map(|r| r.lines()).collect(),
    };
    let ring = |line: &LineString<f64>| originals.restore(line);
    MultiPolygon::new(
        result
            .iter()
            .map(|p| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect()))
            .collect(),
    )
}

/// The vertices and edges of the grids an overlay started from.
struct Originals {
    vertices: rstar::RTree<[f64; 2]>,
    edges: Vec<geo::Line<f64>>,
}

impl Originals {
    /// One ring of [`snap`].
    fn restore(&self, ring: &LineString<f64>) -> LineString<f64> {
        let coords: Vec<Coord<f64>> = ring.coords().map(|&c| self.settle(c)).collect();
        let mut restored = Vec::with_capacity(coords.len());
        for pair in coords.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            restored.push(a);
            let envelope = rstar::AABB::from_corners(
                [a.x.min(b.x) - SNAP_DEGREES, a.y.min(b.y) - SNAP_DEGREES],
                [a.x.max(b.x) + SNAP_DEGREES, a.y.max(b.y) + SNAP_DEGREES],
            );
            let mut between: Vec<(f64, Coord<f64>)> = self
                .vertices
                .locate_in_envelope(&envelope)
                .map(|&[x, y]| Coord { x, y })
                .filter(|&v| v != a && v != b)
                .filter_map(|v| on_segment(a, b, v).map(|(t, _)| (t, v)))
                .collect();
            between.sort_by(|x, y| x.0.total_cmp(&y.0));
            restored.extend(between.into_iter().map(|(_, v)| v));
        }
        restored.extend(coords.last());
        LineString::from(restored)
    }

    /// Where a vertex of the overlay belongs: back on the original vertex it was moved off,
    /// or, for a new vertex where a cut crosses an original edge, exactly onto that edge,
    /// so the neighbour across it is met without a sliver.
    fn settle(&self, c: Coord<f64>) -> Coord<f64> {
        let near =
            |x: f64, y: f64| (x - c.x).abs() <= SNAP_DEGREES && (y - c.y).abs() <= SNAP_DEGREES;
        if let Some(&[x, y]) = self.vertices.nearest_neighbor(&[c.x, c.y])
            && near(x, y)
        {
            return Coord { x, y };
        }
        self.edges
            .iter()
            .find_map(|e| on_segment(e.start, e.end, c).map(|(_, foot)| foot))
            .unwrap_or(c)
    }
}

/// Where `v` lies along the segment `a`–`b` (0 to 1, ends excluded) and the foot of the
/// perpendicular from it, when it lies on the segment within [`SNAP_DEGREES`].
fn on_segment(start: Coord<f64>, end: Coord<f64>, point: Coord<f64>) -> Option<(f64, Coord<f64>)> {
    let along = end - start;
    let length_sq = along.x * along.x + along.y * along.y;
    if length_sq == 0.0 {
        return None;
    }
    let t = ((point.x - start.x) * along.x + (point.y - start.y) * along.y) / length_sq;
    let foot = start + along * t;
    let off = (point.x - foot.x).hypot(point.y - foot.y);
    (t > 0.0 && t < 1.0 && off <= SNAP_DEGREES).then_some((t, foot))
}

/// The union of two grids that share a boundary.
pub fn merge(a: &MultiPolygon<f64>, b: &MultiPolygon<f64>) -> Result<MultiPolygon<f64>, CutError> {
    let merged = snap(&a.union(b), &[a, b]);
    // Touching grids merge into fewer parts than they have between them.
    if merged.0.len() >= a.0.len() + b.0.len() {
        return Err(CutError::Apart);
    }
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Area, line_string, polygon};

    fn square() -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![
            (x: 119.0, y: 31.0), (x: 119.01, y: 31.0), (x: 119.01, y: 31.01), (x: 119.0, y: 31.01),
        ]])
    }

    #[test]
    fn a_line_across_a_grid_cuts_it_into_two_parts_that_tile_it() {
        let line = line_string![(x: 119.004, y: 30.99), (x: 119.006, y: 31.02)];
        let [left, right] = split(&square(), &line).unwrap();
        let total = square().unsigned_area();
        assert!((left.unsigned_area() + right.unsigned_area() - total).abs() < total * 1e-7);
        let has = |part: &MultiPolygon<f64>, c: &Coord<f64>| {
            part.0[0].exterior().coords().any(|v| v == c)
        };
        for corner in square().0[0].exterior().coords() {
            assert!(
                has(&left, corner) || has(&right, corner),
                "corner {corner:?} is kept bit for bit"
            );
        }
        assert!(left.intersection(&right).unsigned_area() < total * 1e-9);
        assert!(left.unsigned_area() > total * 0.3 && right.unsigned_area() > total * 0.3);
    }

    #[test]
    fn a_short_line_inside_is_extended_to_cut_the_grid() {
        let line = line_string![(x: 119.005, y: 31.004), (x: 119.005, y: 31.006)];
        let [left, right] = split(&square(), &line).unwrap();
        assert!(
            (left.unsigned_area() - right.unsigned_area()).abs() < square().unsigned_area() * 1e-6
        );
    }

    #[test]
    fn a_line_beside_the_grid_does_not_cut_it() {
        let line = line_string![(x: 119.02, y: 30.99), (x: 119.02, y: 31.02)];
        assert_eq!(split(&square(), &line), Err(CutError::NoCut));
        let point = line_string![(x: 119.0, y: 31.0), (x: 119.0, y: 31.0)];
        assert_eq!(split(&square(), &point), Err(CutError::ShortLine));
    }

    #[test]
    fn a_vertex_on_a_straight_edge_survives_the_cut() {
        // A neighbour's corner at (119.0, 31.005) on the west edge, which the overlay would
        // drop as collinear.
        let grid = MultiPolygon::new(vec![polygon![
            (x: 119.0, y: 31.0), (x: 119.01, y: 31.0), (x: 119.01, y: 31.01), (x: 119.0, y: 31.01),
            (x: 119.0, y: 31.005),
        ]]);
        let line = line_string![(x: 119.004, y: 30.99), (x: 119.006, y: 31.02)];
        let [left, right] = split(&grid, &line).unwrap();
        let corner = Coord {
            x: 119.0,
            y: 31.005,
        };
        let holds = |p: &MultiPolygon<f64>| p.0[0].exterior().coords().any(|c| *c == corner);
        assert!(holds(&left) || holds(&right), "{left:?} / {right:?}");
    }

    #[test]
    fn neighbours_merge_and_grids_apart_do_not() {
        let east = MultiPolygon::new(vec![polygon![
            (x: 119.01, y: 31.0), (x: 119.02, y: 31.0), (x: 119.02, y: 31.01), (x: 119.01, y: 31.01),
        ]]);
        let merged = merge(&square(), &east).unwrap();
        assert_eq!(merged.0.len(), 1);
        let far = MultiPolygon::new(vec![polygon![
            (x: 119.05, y: 31.0), (x: 119.06, y: 31.0), (x: 119.06, y: 31.01), (x: 119.05, y: 31.01),
        ]]);
        assert_eq!(merge(&square(), &far), Err(CutError::Apart));
    }
}
