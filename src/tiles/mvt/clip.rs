//! Polygon geometry in tile units: snapping to the integer grid, clipping to the tile and
//! its buffer, and MVT winding.
//!
//! The order matters. Vertices are snapped first, so a vertex two grids share lands on the
//! same integer point in both; clipping then only adds points computed from integer
//! endpoints taken in a canonical order, so a shared edge is cut at the same point in both
//! grids too. Nothing here looks at more than one ring, and nothing moves a vertex
//! according to its neighbours (as Douglas–Peucker does), so neighbours stay gap-free.

use geo::{Coord, LineString, MultiPolygon};

/// A point in tile units (x east, y south), before it is narrowed for the encoder.
pub(super) type Pt = [i64; 2];

/// A ring in tile units, without its closing point.
pub(super) type Ring = Vec<Pt>;

/// Projects and snaps every polygon of `shape`, clips each ring to the square
/// `[lo, hi]²`, drops rings that collapse, and orients the rest for MVT: each polygon's
/// exterior first, then its holes. Polygons whose exterior collapses are dropped whole.
pub(super) fn tile_polygons(
    shape: &MultiPolygon<f64>,
    project: impl Fn(Coord<f64>) -> Coord<f64>,
    lo: i64,
    hi: i64,
) -> Vec<Vec<Ring>> {
    let ring = |line: &LineString<f64>, exterior: bool| {
        let snapped = snap(line, &project);
        let clipped = clip(snapped, lo, hi);
        orient(clipped, exterior)
    };
    shape
        .iter()
        .filter_map(|polygon| {
            let exterior = ring(polygon.exterior(), true)?;
            let mut rings = vec![exterior];
            rings.extend(polygon.interiors().iter().filter_map(|r| ring(r, false)));
            Some(rings)
        })
        .collect()
}

/// Projects each vertex and rounds it to the integer grid, dropping repeats and spikes.
/// This is all the simplification tiles get: at low zoom many vertices round to the same
/// point and fall away, and whatever survives is exactly where the neighbour has it.
fn snap(line: &LineString<f64>, project: impl Fn(Coord<f64>) -> Coord<f64>) -> Ring {
    let mut ring = Vec::with_capacity(line.0.len());
    for c in &line.0 {
        let p = project(*c);
        // Tile units of the whole world at zoom 22 are about 2^34: well within i64.
        push(&mut ring, [p.x.round() as i64, p.y.round() as i64]);
    }
    close(ring)
}

/// Appends `p` unless it repeats the last point; a point that returns to the one before
/// the last removes that last point instead, as the excursion encloses nothing.
fn push(ring: &mut Ring, p: Pt) {
    let n = ring.len();
    if n >= 1 && ring[n - 1] == p {
        return;
    }
    if n >= 2 && ring[n - 2] == p {
        ring.pop();
        return;
    }
    ring.push(p);
}

/// Removes the closing point and any repeat or spike across the ring's seam.
fn close(mut ring: Ring) -> Ring {
    loop {
        let n = ring.len();
        // A closing repeat, or a spike whose tip is the last point.
        if (n >= 2 && ring[0] == ring[n - 1]) || (n >= 3 && ring[n - 2] == ring[0]) {
            ring.pop();
        } else if n >= 3 && ring[1] == ring[n - 1] {
            ring.remove(0);
        } else {
            return ring;
        }
    }
}

/// Sutherland–Hodgman against each side of `[lo, hi]²` in turn. A concave ring may come
/// out with zero-width runs along the clip border; they lie in the buffer, outside the
/// drawn tile, which is why renderers and other encoders (geojson-vt) accept them.
fn clip(mut ring: Ring, lo: i64, hi: i64) -> Ring {
    for (axis, bound, keep_above) in [(0, lo, true), (0, hi, false), (1, lo, true), (1, hi, false)]
    {
        if ring.is_empty() {
            break;
        }
        let inside = |p: Pt| {
            if keep_above {
                p[axis] >= bound
            } else {
                p[axis] <= bound
            }
        };
        if ring.iter().all(|p| inside(*p)) {
            continue;
        }
        let mut out = Vec::with_capacity(ring.len() + 4);
        let mut prev = ring[ring.len() - 1];
        for &p in &ring {
            match (inside(prev), inside(p)) {
                (true, true) => push(&mut out, p),
                (true, false) => push(&mut out, crossing(prev, p, axis, bound)),
                (false, true) => {
                    push(&mut out, crossing(prev, p, axis, bound));
                    push(&mut out, p);
                }
                (false, false) => {}
            }
            prev = p;
        }
        ring = close(out);
    }
    ring
}

/// Where segment `a`–`b` crosses the line `p[axis] == at`, rounded to the grid. The
/// endpoints are put in a fixed order first, so that two rings running along the same
/// edge in opposite directions get the same point.
fn crossing(a: Pt, b: Pt, axis: usize, at: i64) -> Pt {
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let other = 1 - axis;
    let t = (at - a[axis]) as f64 / (b[axis] - a[axis]) as f64;
    let mut p = [0; 2];
    p[axis] = at;
    p[other] = a[other] + ((b[other] - a[other]) as f64 * t).round() as i64;
    p
}

/// Twice the ring's area by the surveyor's formula in tile units: positive for a ring
/// that runs clockwise on screen (y down).
pub(super) fn doubled_area(ring: &[Pt]) -> i128 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let (a, b) = (ring[i], ring[(i + 1) % n]);
            i128::from(a[0]) * i128::from(b[1]) - i128::from(b[0]) * i128::from(a[1])
        })
        .sum()
}

/// Keeps a ring of at least three points and some area, turned the way MVT 2.1 wants:
/// exteriors of positive area (clockwise on screen), holes of negative area.
fn orient(mut ring: Ring, exterior: bool) -> Option<Ring> {
    let area = doubled_area(&ring);
    if ring.len() < 3 || area == 0 {
        return None;
    }
    if (area > 0) != exterior {
        ring.reverse();
    }
    Some(ring)
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Polygon, polygon};

    fn identity(c: Coord<f64>) -> Coord<f64> {
        c
    }

    fn rings(polygon: Polygon<f64>, lo: i64, hi: i64) -> Vec<Vec<Ring>> {
        tile_polygons(&MultiPolygon(vec![polygon]), identity, lo, hi)
    }

    #[test]
    fn a_ring_reaching_outside_is_cut_at_the_clip_square() {
        let square =
            polygon![(x: -50., y: -50.), (x: 50., y: -50.), (x: 50., y: 50.), (x: -50., y: 50.)];
        let out = rings(square, 0, 10);
        assert_eq!(out.len(), 1);
        let ring = &out[0][0];
        assert!(
            ring.iter()
                .all(|p| (0..=10).contains(&p[0]) && (0..=10).contains(&p[1]))
        );
        assert_eq!(doubled_area(ring), 200, "{ring:?}");
    }

    #[test]
    fn exteriors_wind_clockwise_on_screen_and_holes_the_other_way() {
        for reversed in [false, true] {
            let mut outer = vec![(0., 0.), (100., 0.), (100., 100.), (0., 100.)];
            let mut inner = vec![(20., 20.), (20., 40.), (40., 40.), (40., 20.)];
            if reversed {
                outer.reverse();
                inner.reverse();
            }
            let polygon = Polygon::new(outer.into(), vec![inner.into()]);
            let out = rings(polygon, -10, 200);
            assert!(
                doubled_area(&out[0][0]) > 0,
                "exterior, reversed={reversed}"
            );
            assert!(doubled_area(&out[0][1]) < 0, "hole, reversed={reversed}");
        }
    }

    #[test]
    fn rings_that_collapse_when_snapped_are_dropped() {
        let sliver = polygon![(x: 0., y: 0.), (x: 0.3, y: 0.), (x: 0.3, y: 0.2), (x: 0., y: 0.2)];
        assert!(rings(sliver, -10, 10).is_empty());
        let outside = polygon![(x: 20., y: 20.), (x: 30., y: 20.), (x: 30., y: 30.)];
        assert!(rings(outside, -10, 10).is_empty());
    }

    #[test]
    fn an_edge_is_cut_at_the_same_point_whichever_way_it_runs() {
        let (a, b) = ([-7, 3], [11, 8]);
        assert_eq!(crossing(a, b, 0, 0), crossing(b, a, 0, 0));
        assert_eq!(crossing(a, b, 1, 5), crossing(b, a, 1, 5));
    }

    #[test]
    fn repeats_and_spikes_are_removed_across_the_seam() {
        let line: LineString<f64> =
            vec![(5., 5.), (0., 0.), (4., 0.), (4., 4.), (0., 0.), (5., 5.)].into();
        assert_eq!(snap(&line, identity), vec![[0, 0], [4, 0], [4, 4]]);
    }
}
