//! Grid boundaries to and from well-known binary (WKB), the exchange format with PostGIS.
//!
//! WKB carries each coordinate as the eight bytes of an IEEE double, so it is exact by
//! construction, where PostGIS's text output (`ST_AsGeoJSON`, `ST_AsText`) rounds to a
//! number of decimal places and would move shared vertices apart. Only the two types we
//! store are handled, 2-D `Polygon` and `MultiPolygon`, which keeps this a few dozen lines
//! rather than a dependency.

use geo::{Coord, LineString, MultiPolygon, Polygon};

const LITTLE_ENDIAN: u8 = 1;
const BIG_ENDIAN: u8 = 0;
const POLYGON: u32 = 3;
const MULTI_POLYGON: u32 = 6;

/// Why bytes are not the WKB of a 2-D (multi)polygon.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum WkbError {
    /// The bytes stop before the geometry does.
    #[error("WKB ends early")]
    Truncated,
    /// The byte-order flag is neither 0 nor 1.
    #[error("WKB byte-order flag {0} is neither 0 nor 1")]
    ByteOrder(u8),
    /// Not a 2-D polygon or multipolygon.
    #[error("WKB geometry type {0} is not a 2-D Polygon or MultiPolygon")]
    Type(u32),
    /// Bytes left over after the geometry.
    #[error("WKB has {0} bytes after the geometry")]
    Trailing(usize),
    /// A polygon without even an exterior ring.
    #[error("WKB polygon has no rings")]
    NoRings,
    /// A ring too short to enclose an area (a closed ring needs four points).
    #[error("WKB ring has {0} points, fewer than the 4 of a closed ring")]
    ShortRing(u32),
    /// A ring whose last point is not its first.
    #[error("WKB ring is not closed: its last point differs from its first")]
    OpenRing,
    /// A coordinate that is NaN or infinite.
    #[error("WKB coordinate is not a finite number")]
    NonFinite,
}

/// Writes a multipolygon as little-endian (NDR) WKB.
pub(crate) fn encode(geometry: &MultiPolygon<f64>) -> Vec<u8> {
    let mut out = Vec::new();
    header(&mut out, MULTI_POLYGON, geometry.0.len());
    for polygon in geometry {
        header(&mut out, POLYGON, polygon.interiors().len() + 1);
        for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
            count(&mut out, ring.0.len());
            for c in &ring.0 {
                out.extend_from_slice(&c.x.to_le_bytes());
                out.extend_from_slice(&c.y.to_le_bytes());
            }
        }
    }
    out
}

fn header(out: &mut Vec<u8>, kind: u32, n: usize) {
    out.push(LITTLE_ENDIAN);
    out.extend_from_slice(&kind.to_le_bytes());
    count(out, n);
}

fn count(out: &mut Vec<u8>, n: usize) {
    // A boundary with more than 4 billion parts cannot reach here: it would not fit in memory.
    out.extend_from_slice(&(n as u32).to_le_bytes());
}

/// Reads WKB (either byte order) of a polygon or multipolygon, as a multipolygon. Rings
/// must be closed, of at least four points, with finite coordinates: anything else is
/// refused rather than repaired, as it means the stored boundary is not what was written.
pub(crate) fn decode(bytes: &[u8]) -> Result<MultiPolygon<f64>, WkbError> {
    let mut reader = Reader {
        bytes,
        little: true,
    };
    let geometry = match reader.header()? {
        MULTI_POLYGON => {
            let n = reader.u32()?;
            let mut polygons = Vec::new();
            for _ in 0..n {
                match reader.header()? {
                    POLYGON => polygons.push(reader.polygon()?),
                    other => return Err(WkbError::Type(other)),
                }
            }
            MultiPolygon::new(polygons)
        }
        POLYGON => MultiPolygon::new(vec![reader.polygon()?]),
        other => return Err(WkbError::Type(other)),
    };
    match reader.bytes.len() {
        0 => Ok(geometry),
        n => Err(WkbError::Trailing(n)),
    }
}

/// A cursor over WKB bytes; each nested geometry sets its own byte order.
struct Reader<'a> {
    bytes: &'a [u8],
    little: bool,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], WkbError> {
        let (head, rest) = self
            .bytes
            .split_first_chunk::<N>()
            .ok_or(WkbError::Truncated)?;
        self.bytes = rest;
        Ok(*head)
    }

    fn header(&mut self) -> Result<u32, WkbError> {
        self.little = match self.take::<1>()?[0] {
            LITTLE_ENDIAN => true,
            BIG_ENDIAN => false,
            other => return Err(WkbError::ByteOrder(other)),
        };
        self.u32()
    }

    fn u32(&mut self) -> Result<u32, WkbError> {
        let b = self.take()?;
        Ok(if self.little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self) -> Result<f64, WkbError> {
        let b = self.take()?;
        Ok(if self.little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    /// A coordinate, which must be finite.
    fn coord(&mut self) -> Result<Coord<f64>, WkbError> {
        let c = Coord {
            x: self.f64()?,
            y: self.f64()?,
        };
        if c.x.is_finite() && c.y.is_finite() {
            Ok(c)
        } else {
            Err(WkbError::NonFinite)
        }
    }

    /// A closed ring of at least four points.
    fn ring(&mut self) -> Result<LineString<f64>, WkbError> {
        let points = self.u32()?;
        if points < 4 {
            return Err(WkbError::ShortRing(points));
        }
        // Never trust a count for an allocation: a corrupt one would ask for gigabytes.
        let mut ring = Vec::new();
        for _ in 0..points {
            ring.push(self.coord()?);
        }
        if ring.first() == ring.last() {
            Ok(LineString::new(ring))
        } else {
            Err(WkbError::OpenRing)
        }
    }

    fn polygon(&mut self) -> Result<Polygon<f64>, WkbError> {
        let rings = self.u32()?;
        if rings == 0 {
            return Err(WkbError::NoRings);
        }
        let exterior = self.ring()?;
        let mut interiors = Vec::new();
        for _ in 1..rings {
            interiors.push(self.ring()?);
        }
        Ok(Polygon::new(exterior, interiors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn with_hole() -> MultiPolygon<f64> {
        // One unit in the last place above 119.65: the value a decimal format would lose.
        let awkward = f64::from_bits(119.65_f64.to_bits() + 1);
        let outer = polygon![
            exterior: [(x: 119.0, y: 31.0), (x: awkward, y: 31.0), (x: 119.6, y: 31.1)],
            interiors: [[(x: 119.3, y: 31.02), (x: 119.31, y: 31.02), (x: 119.3, y: 31.03)]],
        ];
        let tiny = polygon![(x: 1e-7, y: -0.0), (x: 2e-7, y: 5e-324), (x: 1e-7, y: 1e-7)];
        MultiPolygon::new(vec![outer, tiny])
    }

    #[test]
    fn multipolygons_round_trip_bit_for_bit() {
        let original = with_hole();
        let back = decode(&encode(&original)).unwrap();
        assert_eq!(back, original);
        let bits = |g: &MultiPolygon<f64>| -> Vec<u64> {
            g.0.iter()
                .flat_map(|p| {
                    p.exterior()
                        .coords()
                        .chain(p.interiors().iter().flat_map(LineString::coords))
                })
                .flat_map(|c| [c.x.to_bits(), c.y.to_bits()])
                .collect()
        };
        assert_eq!(bits(&back), bits(&original));
    }

    #[test]
    fn big_endian_polygons_are_read_as_multipolygons() {
        let mut bytes = vec![BIG_ENDIAN];
        bytes.extend_from_slice(&POLYGON.to_be_bytes());
        bytes.extend_from_slice(&1u32.to_be_bytes());
        bytes.extend_from_slice(&4u32.to_be_bytes());
        for (x, y) in [(0.0f64, 0.0f64), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)] {
            bytes.extend_from_slice(&x.to_be_bytes());
            bytes.extend_from_slice(&y.to_be_bytes());
        }
        let expected = MultiPolygon::new(vec![
            polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)],
        ]);
        assert_eq!(decode(&bytes), Ok(expected));
    }

    /// The little-endian WKB of one polygon with one ring of these points, as given.
    fn polygon_wkb(ring: &[(f64, f64)]) -> Vec<u8> {
        let mut bytes = Vec::new();
        header(&mut bytes, POLYGON, 1);
        count(&mut bytes, ring.len());
        for (x, y) in ring {
            bytes.extend_from_slice(&x.to_le_bytes());
            bytes.extend_from_slice(&y.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn malformed_bytes_are_refused_with_the_reason() {
        let good = encode(&with_hole());
        let point = [&[LITTLE_ENDIAN][..], &1u32.to_le_bytes(), &[0; 16]].concat();
        let no_rings = [
            &[LITTLE_ENDIAN][..],
            &POLYGON.to_le_bytes(),
            &0u32.to_le_bytes(),
        ]
        .concat();
        let square = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)];
        let open = polygon_wkb(&square[..4]);
        let triangle_unclosed = polygon_wkb(&square[..3]);
        let line = polygon_wkb(&[(0.0, 0.0), (1.0, 0.0), (0.0, 0.0)]);
        let with = |i: usize, c: (f64, f64)| {
            let mut ring = square;
            ring[i] = c;
            polygon_wkb(&ring)
        };
        let cases: [(&str, &[u8], WkbError); 13] = [
            ("cut short", &good[..good.len() - 1], WkbError::Truncated),
            ("empty", &[], WkbError::Truncated),
            ("bad byte order", &[7, 6, 0, 0, 0], WkbError::ByteOrder(7)),
            ("a point", &point, WkbError::Type(1)),
            (
                "a byte too many",
                &[&good[..], &[0]].concat(),
                WkbError::Trailing(1),
            ),
            ("a polygon without rings", &no_rings, WkbError::NoRings),
            ("an unclosed ring", &open, WkbError::OpenRing),
            ("three points", &triangle_unclosed, WkbError::ShortRing(3)),
            (
                "a closed ring of three points",
                &line,
                WkbError::ShortRing(3),
            ),
            ("NaN", &with(2, (f64::NAN, 1.0)), WkbError::NonFinite),
            (
                "infinity",
                &with(1, (1.0, f64::INFINITY)),
                WkbError::NonFinite,
            ),
            (
                "minus infinity",
                &with(3, (f64::NEG_INFINITY, 1.0)),
                WkbError::NonFinite,
            ),
            (
                "NaN closing the ring",
                &with(4, (f64::NAN, f64::NAN)),
                WkbError::NonFinite,
            ),
        ];
        for (label, bytes, expected) in cases {
            assert_eq!(
                decode(bytes),
                Err(expected.clone()),
                "{label}: expected {expected}"
            );
        }
        assert!(
            decode(&polygon_wkb(&square)).is_ok(),
            "the closed square itself"
        );
    }
}
