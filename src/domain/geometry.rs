//! The rules a grid boundary must meet before it is stored.

use geo::{Coord, Line, LineIntersection, MultiPolygon, Validation};

/// Why a boundary was refused, with the place of the fault where there is one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct GeometryProblem {
    /// What is wrong, in words.
    pub message: String,
    /// Where, as `[lon, lat]`: the first self-intersection found, for example.
    pub location: Option<[f64; 2]>,
}

/// Checks that a boundary is non-empty, within WGS84 ranges and OGC-valid.
pub fn check_boundary(geometry: &MultiPolygon<f64>) -> Result<(), GeometryProblem> {
    if geometry.0.is_empty() {
        return Err(problem("the geometry is empty", None));
    }
    let coords = geometry
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(geo::LineString::coords);
    for c in coords {
        if super::LonLat::new(c.x, c.y).is_err() {
            return Err(problem(
                "a coordinate is not a finite longitude/latitude in range",
                (c.x.is_finite() && c.y.is_finite()).then_some(*c),
            ));
        }
    }
    match geometry.validation_errors().into_iter().next() {
        None => Ok(()),
        Some(error) => Err(problem(
            &format!("invalid geometry: {error}"),
            first_self_intersection(geometry),
        )),
    }
}

fn problem(message: &str, location: Option<Coord<f64>>) -> GeometryProblem {
    GeometryProblem {
        message: message.to_owned(),
        location: location.map(|c| [c.x, c.y]),
    }
}

/// Where some ring crosses or touches itself away from its consecutive vertices.
#[must_use]
pub fn first_self_intersection(geometry: &MultiPolygon<f64>) -> Option<Coord<f64>> {
    let rings = geometry
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()));
    for ring in rings {
        let lines: Vec<Line<f64>> = ring.lines().filter(|l| l.start != l.end).collect();
        let found = geo::Intersections::from_iter(lines).find_map(|(a, b, hit)| match hit {
            LineIntersection::SinglePoint {
                intersection,
                is_proper,
            } => {
                let shared_end = [a.start, a.end].contains(&intersection)
                    && [b.start, b.end].contains(&intersection);
                (is_proper || !shared_end).then_some(intersection)
            }
            LineIntersection::Collinear { intersection } => Some(intersection.start),
        });
        if found.is_some() {
            return found;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn a_bow_tie_is_refused_with_the_crossing_point() {
        let bow_tie = MultiPolygon::new(vec![polygon![
            (x: 119.0, y: 31.0), (x: 119.2, y: 31.2), (x: 119.2, y: 31.0), (x: 119.0, y: 31.2),
        ]]);
        let err = check_boundary(&bow_tie).expect_err("a bow-tie is not valid");
        assert!(err.message.contains("self-intersection"), "{}", err.message);
        let [lon, lat] = err.location.expect("location of the crossing");
        assert!((lon - 119.1).abs() < 1e-9 && (lat - 31.1).abs() < 1e-9);
    }

    #[test]
    fn a_plain_square_passes_and_out_of_range_coordinates_do_not() {
        let square = MultiPolygon::new(vec![polygon![
            (x: 119.0, y: 31.0), (x: 119.1, y: 31.0), (x: 119.1, y: 31.1), (x: 119.0, y: 31.1),
        ]]);
        assert_eq!(check_boundary(&square), Ok(()));
        let far = MultiPolygon::new(vec![polygon![
            (x: 190.0, y: 31.0), (x: 191.0, y: 31.0), (x: 191.0, y: 32.0),
        ]]);
        assert!(check_boundary(&far).is_err());
        assert!(check_boundary(&MultiPolygon::new(vec![])).is_err());
    }
}
