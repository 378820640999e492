//! Exact point-in-polygon test with the east-then-north boundary rule.

use geo::{Coord, MultiPolygon, Rect};

/// A (multi)polygon prepared for fast containment tests.
///
/// Only edges that are not horizontal can be crossed by an eastward ray, so only those are
/// kept, each stored lower end first. They are bucketed into horizontal bands of the
/// bounding box, so a test looks only at the edges whose latitude span meets the point's
/// band: a town outline of hundreds of edges costs about as much as a small micro-grid.
#[derive(Debug, Clone)]
pub struct Shape {
    edges: Vec<Edge>,
    /// Edge positions in `edges`, band after band.
    band_edges: Vec<u32>,
    /// Where each band's run in `band_edges` ends (exclusive).
    band_ends: Vec<u32>,
    /// How many bands the bounding box is cut into.
    bands: usize,
    /// Bands per degree of latitude.
    bands_per_degree: f64,
    bbox: Option<Rect<f64>>,
}

/// A non-horizontal edge, `low.y < high.y`.
#[derive(Debug, Clone, Copy)]
struct Edge {
    low: Coord<f64>,
    high: Coord<f64>,
}

impl Shape {
    /// Prepares a multipolygon. Holes and several parts are fine: containment is decided by
    /// the parity of crossings over every ring.
    #[must_use]
    pub fn new(geometry: &MultiPolygon<f64>) -> Self {
        let bbox = geo::BoundingRect::bounding_rect(geometry);
        let edges: Vec<Edge> = geometry
            .iter()
            .flat_map(|polygon| std::iter::once(polygon.exterior()).chain(polygon.interiors()))
            .flat_map(geo::LineString::lines)
            .filter(|line| !is_horizontal(line))
            .map(|line| {
                let (low, high) = if line.start.y < line.end.y {
                    (line.start, line.end)
                } else {
                    (line.end, line.start)
                };
                Edge { low, high }
            })
            .collect();
        let band_count = (edges.len() / 4).clamp(1, 256);
        let height = bbox.map_or(0.0, Rect::height);
        let bands_per_degree = if height > 0.0 {
            band_count as f64 / height
        } else {
            0.0
        };
        let mut shape = Self {
            edges,
            band_edges: Vec::new(),
            band_ends: Vec::with_capacity(band_count),
            bands: band_count,
            bands_per_degree,
            bbox,
        };
        let mut per_band: Vec<Vec<u32>> = vec![Vec::new(); band_count];
        for (i, edge) in shape.edges.iter().enumerate() {
            for band in &mut per_band[shape.band(edge.low.y)..=shape.band(edge.high.y)] {
                band.push(i as u32);
            }
        }
        for band in per_band {
            shape.band_edges.extend(band);
            shape.band_ends.push(shape.band_edges.len() as u32);
        }
        shape
    }

    /// The band holding latitude `y`; monotonic in `y`, so an edge spanning `[low, high]`
    /// is filed in every band a point on it can fall into.
    fn band(&self, y: f64) -> usize {
        let min_y = self.bbox.map_or(0.0, |b| b.min().y);
        let band = ((y - min_y) * self.bands_per_degree) as usize;
        band.min(self.bands - 1)
    }

    /// The bounding box, `None` for an empty shape.
    #[must_use]
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.bbox
    }

    /// Whether the shape contains `p` under the boundary rule of [`crate::spatial`].
    ///
    /// A ray runs from `p` towards +x (east). An edge counts when `p.y` lies in its
    /// half-open span `[low.y, high.y)` and the edge passes strictly east of `p`; the
    /// side test is `robust::orient2d`, exact for every `f64` input.
    #[must_use]
    pub fn contains(&self, p: Coord<f64>) -> bool {
        let Some(bbox) = self.bbox else {
            return false;
        };
        // The bbox test is inclusive on the west and south only, like the rule itself.
        if p.x < bbox.min().x || p.x >= bbox.max().x || p.y < bbox.min().y || p.y >= bbox.max().y {
            return false;
        }
        let band = self.band(p.y);
        let start = if band == 0 {
            0
        } else {
            self.band_ends[band - 1] as usize
        };
        let end = self.band_ends[band] as usize;
        let mut inside = false;
        for &i in &self.band_edges[start..end] {
            let Edge { low, high } = self.edges[i as usize];
            if low.y <= p.y && p.y < high.y && orient(low, high, p) > 0.0 {
                inside = !inside;
            }
        }
        inside
    }
}

#[expect(
    clippy::float_cmp,
    reason = "exact on purpose: only a truly level edge is never crossed"
)]
fn is_horizontal(line: &geo::Line<f64>) -> bool {
    line.start.y == line.end.y
}

/// Positive when `p` lies left of the directed line `a → b`; exact.
fn orient(a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> f64 {
    let c = |c: Coord<f64>| robust::Coord { x: c.x, y: c.y };
    robust::orient2d(c(a), c(b), c(p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

    fn square(x0: f64, y0: f64, size: f64) -> Shape {
        Shape::new(&MultiPolygon::new(vec![polygon![
            (x: x0, y: y0),
            (x: x0 + size, y: y0),
            (x: x0 + size, y: y0 + size),
            (x: x0, y: y0 + size),
        ]]))
    }

    #[test]
    fn interior_points_are_inside_and_far_points_outside() {
        let s = square(0.0, 0.0, 1.0);
        assert!(s.contains(coord! { x: 0.5, y: 0.5 }));
        assert!(!s.contains(coord! { x: 1.5, y: 0.5 }));
        assert!(!s.contains(coord! { x: 0.5, y: -0.5 }));
    }

    #[test]
    fn boundary_points_belong_to_the_side_east_then_north() {
        let s = square(0.0, 0.0, 1.0);
        let cases = [
            (0.0, 0.5, true, "west edge: the square lies east"),
            (1.0, 0.5, false, "east edge: the square lies west"),
            (0.5, 0.0, true, "south edge: the square lies north"),
            (0.5, 1.0, false, "north edge: the square lies south"),
            (0.0, 0.0, true, "south-west corner"),
            (1.0, 0.0, false, "south-east corner"),
            (0.0, 1.0, false, "north-west corner"),
            (1.0, 1.0, false, "north-east corner"),
        ];
        for (x, y, expected, why) in cases {
            assert_eq!(s.contains(coord! { x: x, y: y }), expected, "{why}");
        }
    }

    #[test]
    fn a_point_on_a_slanted_shared_edge_is_in_exactly_one_triangle() {
        // Two triangles sharing the diagonal of the unit square; coordinates chosen so the
        // diagonal's points are not exactly representable in a naive x-intercept formula.
        let lower = Shape::new(&MultiPolygon::new(vec![polygon![
            (x: 0.1, y: 0.1), (x: 0.7, y: 0.1), (x: 0.7, y: 0.3),
        ]]));
        let upper = Shape::new(&MultiPolygon::new(vec![polygon![
            (x: 0.1, y: 0.1), (x: 0.7, y: 0.3), (x: 0.1, y: 0.3),
        ]]));
        for i in 1..1000 {
            let t = f64::from(i) / 1000.0;
            let p = coord! { x: 0.1 + 0.6 * t, y: 0.1 + 0.2 * t };
            assert_eq!(
                u8::from(lower.contains(p)) + u8::from(upper.contains(p)),
                1,
                "{p:?} must be in exactly one triangle"
            );
        }
    }
}
