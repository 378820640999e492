//! Exact point-in-polygon test with the east-then-north boundary rule.

use geo::{Coord, MultiPolygon, Rect};

/// A (multi)polygon prepared for fast containment tests: all rings in one flat vertex
/// list plus the bounding box.
#[derive(Debug, Clone)]
pub struct Shape {
    /// Every ring's vertices, each ring closed (first vertex repeated at its end).
    vertices: Vec<Coord<f64>>,
    /// Where each ring ends in `vertices` (exclusive).
    ring_ends: Vec<usize>,
    bbox: Option<Rect<f64>>,
}

impl Shape {
    /// Prepares a multipolygon. Holes and several parts are fine: containment is decided by
    /// the parity of crossings over every ring.
    #[must_use]
    pub fn new(geometry: &MultiPolygon<f64>) -> Self {
        let mut vertices = Vec::new();
        let mut ring_ends = Vec::new();
        for polygon in geometry {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                vertices.extend(ring.coords().copied());
                if ring.0.first() != ring.0.last() {
                    vertices.extend(ring.0.first().copied());
                }
                ring_ends.push(vertices.len());
            }
        }
        let bbox = geo::BoundingRect::bounding_rect(geometry);
        Self {
            vertices,
            ring_ends,
            bbox,
        }
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
        let mut inside = false;
        let mut start = 0;
        for &end in &self.ring_ends {
            for edge in self.vertices[start..end].windows(2) {
                let (a, b) = (edge[0], edge[1]);
                if (a.y <= p.y) != (b.y <= p.y) {
                    let (low, high) = if a.y <= p.y { (a, b) } else { (b, a) };
                    if orient(low, high, p) > 0.0 {
                        inside = !inside;
                    }
                }
            }
            start = end;
        }
        inside
    }
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
