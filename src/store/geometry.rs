//! Grid boundaries as stored text: GeoJSON for SQLite, with the bounding box it indexes.
//!
//! `serde_json` is built with `float_roundtrip`, and it writes the shortest text that
//! parses back to the same `f64`, so a boundary read back is bit-for-bit the one written:
//! neighbouring grids keep sharing exactly the same vertices.

use super::StoreError;
use geo::{BoundingRect, MultiPolygon};
use geojson::GeometryValue;

/// The box a boundary covers, as `[min_lon, min_lat, max_lon, max_lat]`.
///
/// An empty boundary has no box; it is refused rather than stored without one, because
/// a grid nobody can find by location is a mistake upstream.
pub(crate) fn bounds(geometry: &MultiPolygon<f64>, what: &str) -> Result<[f64; 4], StoreError> {
    let rect = geometry
        .bounding_rect()
        .ok_or_else(|| StoreError::Invalid(format!("{what} has an empty geometry")))?;
    Ok([rect.min().x, rect.min().y, rect.max().x, rect.max().y])
}

/// Writes a boundary as a GeoJSON `MultiPolygon` geometry object.
pub(crate) fn to_geojson(geometry: &MultiPolygon<f64>) -> String {
    GeometryValue::from(geometry).to_string()
}

/// Reads a boundary written by [`to_geojson`]; anything else is [`StoreError::Corrupt`].
pub(crate) fn from_geojson(text: &str, what: &str) -> Result<MultiPolygon<f64>, StoreError> {
    let value: GeometryValue = serde_json::from_str(text)
        .map_err(|e| StoreError::Corrupt(format!("{what}: geometry is not GeoJSON: {e}")))?;
    MultiPolygon::try_from(&value)
        .map_err(|e| StoreError::Corrupt(format!("{what}: geometry is not a MultiPolygon: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon};

    fn square(lon: f64, lat: f64, side: f64) -> MultiPolygon<f64> {
        let ring = LineString::from(vec![
            (lon, lat),
            (lon + side, lat),
            (lon + side, lat + side),
            (lon, lat + side),
        ]);
        MultiPolygon::new(vec![Polygon::new(ring, vec![])])
    }

    #[test]
    fn geojson_text_round_trips_awkward_coordinates_bit_for_bit() {
        for (lon, lat, side) in [
            (f64::from_bits(119.65_f64.to_bits() + 1), 31.2, 1e-7),
            (0.1 + 0.2, -0.0, f64::EPSILON),
            (-179.999_999_999_999_97, 89.999_999_999_999_99, 5e-324),
        ] {
            let original = square(lon, lat, side);
            let back = from_geojson(&to_geojson(&original), "grid x").unwrap();
            let bits = |g: &MultiPolygon<f64>| -> Vec<(u64, u64)> {
                g.0[0]
                    .exterior()
                    .coords()
                    .map(|c| (c.x.to_bits(), c.y.to_bits()))
                    .collect()
            };
            assert_eq!(bits(&back), bits(&original), "for ({lon}, {lat}, {side})");
        }
    }

    #[test]
    fn text_that_is_not_a_multipolygon_is_corrupt() {
        for text in ["", "{\"type\":\"Point\",\"coordinates\":[1,2]}", "[1,2"] {
            let err = from_geojson(text, "grid 320282102").unwrap_err();
            assert!(
                matches!(err, StoreError::Corrupt(_)),
                "{text:?} gave {err:?}"
            );
        }
    }

    #[test]
    fn bounds_are_the_extremes_and_empty_geometries_are_refused() {
        let got = bounds(&square(1.0, 2.0, 0.5), "g").unwrap();
        assert_eq!(
            got.map(f64::to_bits),
            [1.0, 2.0, 1.5, 2.5].map(f64::to_bits)
        );
        assert!(matches!(
            bounds(&MultiPolygon::new(vec![]), "grid 1"),
            Err(StoreError::Invalid(m)) if m == "grid 1 has an empty geometry"
        ));
    }
}
