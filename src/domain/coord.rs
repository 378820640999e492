//! Coordinates in WGS84 longitude and latitude, checked once where they enter.

use serde::Serialize;

/// Why a coordinate or a bounding box was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CoordError {
    /// NaN or an infinity.
    #[error("{axis} must be a finite number")]
    NotFinite {
        /// `lon` or `lat`.
        axis: &'static str,
    },
    /// Outside -180..=180 or -90..=90.
    #[error("{axis} {value} is out of range ({min} to {max})")]
    OutOfRange {
        /// `lon` or `lat`.
        axis: &'static str,
        /// The value given.
        value: f64,
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// A bbox whose minimum exceeds its maximum.
    #[error("bbox is inverted: min {axis} {min} is greater than max {axis} {max}")]
    Inverted {
        /// `lon` or `lat`.
        axis: &'static str,
        /// The minimum given.
        min: f64,
        /// The maximum given.
        max: f64,
    },
    /// A bbox string that is not four comma-separated numbers.
    #[error("bbox must be four comma-separated numbers: min_lon,min_lat,max_lon,max_lat")]
    BboxFormat,
}

/// A point in WGS84: longitude then latitude, in degrees, finite and in range.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LonLat {
    lon: f64,
    lat: f64,
}

impl LonLat {
    /// Checks that `lon` is within -180..=180 and `lat` within -90..=90.
    pub fn new(lon: f64, lat: f64) -> Result<Self, CoordError> {
        Ok(Self {
            lon: checked("lon", lon, 180.0)?,
            lat: checked("lat", lat, 90.0)?,
        })
    }

    /// Longitude in degrees.
    #[must_use]
    pub fn lon(self) -> f64 {
        self.lon
    }

    /// Latitude in degrees.
    #[must_use]
    pub fn lat(self) -> f64 {
        self.lat
    }

    /// Geodesic distance to `other` on the WGS84 ellipsoid, in metres.
    #[must_use]
    pub fn distance_m(self, other: LonLat) -> f64 {
        use geo::Distance;
        geo::Geodesic.distance(geo::Point::from(self), geo::Point::from(other))
    }

    /// A box holding every point within `radius_m` of this one, a little generous (a
    /// degree of latitude is at least 110.5 km; a degree of longitude shrinks with the
    /// cosine of the latitude), for a coarse index filter before exact distances.
    #[must_use]
    pub fn around(self, radius_m: f64) -> Bbox {
        let radius = radius_m.max(0.0) * 1.01;
        let dlat = radius / 110_500.0;
        let cos = self.lat.to_radians().cos();
        let dlon = if cos > 1e-6 {
            (radius / (111_320.0 * cos)).min(360.0)
        } else {
            360.0
        };
        let corner = |lon: f64, lat: f64| Self {
            lon: lon.clamp(-180.0, 180.0),
            lat: lat.clamp(-90.0, 90.0),
        };
        Bbox {
            min: corner(self.lon - dlon, self.lat - dlat),
            max: corner(self.lon + dlon, self.lat + dlat),
        }
    }
}

impl From<LonLat> for geo::Point<f64> {
    fn from(p: LonLat) -> Self {
        geo::Point::new(p.lon, p.lat)
    }
}

impl From<LonLat> for geo::Coord<f64> {
    fn from(p: LonLat) -> Self {
        geo::coord! { x: p.lon, y: p.lat }
    }
}

impl TryFrom<geo::Point<f64>> for LonLat {
    type Error = CoordError;

    fn try_from(p: geo::Point<f64>) -> Result<Self, CoordError> {
        Self::new(p.x(), p.y())
    }
}

fn checked(axis: &'static str, value: f64, limit: f64) -> Result<f64, CoordError> {
    if !value.is_finite() {
        return Err(CoordError::NotFinite { axis });
    }
    if value.abs() > limit {
        return Err(CoordError::OutOfRange {
            axis,
            value,
            min: -limit,
            max: limit,
        });
    }
    Ok(value)
}

/// A longitude/latitude box with `min <= max` on both axes (boxes do not cross the antimeridian).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bbox {
    min: LonLat,
    max: LonLat,
}

impl Bbox {
    /// Builds a box from its south-west and north-east corners.
    pub fn new(min: LonLat, max: LonLat) -> Result<Self, CoordError> {
        for (axis, lo, hi) in [("lon", min.lon, max.lon), ("lat", min.lat, max.lat)] {
            if lo > hi {
                return Err(CoordError::Inverted {
                    axis,
                    min: lo,
                    max: hi,
                });
            }
        }
        Ok(Self { min, max })
    }

    /// The box a geometry's bounding rectangle spans, if its corners are in range.
    pub fn from_rect(rect: geo::Rect<f64>) -> Result<Self, CoordError> {
        Self::new(
            LonLat::new(rect.min().x, rect.min().y)?,
            LonLat::new(rect.max().x, rect.max().y)?,
        )
    }

    /// South-west corner.
    #[must_use]
    pub fn min(self) -> LonLat {
        self.min
    }

    /// North-east corner.
    #[must_use]
    pub fn max(self) -> LonLat {
        self.max
    }

    /// Whether two boxes share at least one point.
    #[must_use]
    pub fn intersects(self, other: Bbox) -> bool {
        self.min.lon <= other.max.lon
            && other.min.lon <= self.max.lon
            && self.min.lat <= other.max.lat
            && other.min.lat <= self.max.lat
    }

    /// Whether `p` lies in the box, edges included.
    #[must_use]
    pub fn contains(self, p: LonLat) -> bool {
        (self.min.lon..=self.max.lon).contains(&p.lon)
            && (self.min.lat..=self.max.lat).contains(&p.lat)
    }

    /// The bounding box of a geometry, or `None` for an empty one.
    #[must_use]
    pub fn of<G: geo::BoundingRect<f64>>(geometry: &G) -> Option<Self>
    where
        G::Output: Into<Option<geo::Rect<f64>>>,
    {
        let rect: geo::Rect<f64> = geometry.bounding_rect().into()?;
        let min = LonLat::new(rect.min().x, rect.min().y).ok()?;
        let max = LonLat::new(rect.max().x, rect.max().y).ok()?;
        Self::new(min, max).ok()
    }
}

impl std::str::FromStr for Bbox {
    type Err = CoordError;

    /// Parses `min_lon,min_lat,max_lon,max_lat`, the order OGC APIs use.
    fn from_str(s: &str) -> Result<Self, CoordError> {
        let parts: Vec<f64> = s
            .split(',')
            .map(|p| p.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| CoordError::BboxFormat)?;
        let [min_lon, min_lat, max_lon, max_lat] = parts[..] else {
            return Err(CoordError::BboxFormat);
        };
        Self::new(
            LonLat::new(min_lon, min_lat)?,
            LonLat::new(max_lon, max_lat)?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lonlat_rejects_nan_infinity_and_out_of_range_values() {
        let cases = [
            (f64::NAN, 31.0, "lon must be a finite number"),
            (119.0, f64::INFINITY, "lat must be a finite number"),
            (180.5, 31.0, "lon 180.5 is out of range (-180 to 180)"),
            (119.0, -90.1, "lat -90.1 is out of range (-90 to 90)"),
        ];
        for (lon, lat, message) in cases {
            let err = LonLat::new(lon, lat).expect_err("must be refused");
            assert_eq!(err.to_string(), message, "for ({lon}, {lat})");
        }
        assert!(LonLat::new(-180.0, 90.0).is_ok());
    }

    #[test]
    fn bbox_parses_four_numbers_and_refuses_inverted_boxes() {
        let b: Bbox = "119.6,31.1,119.7,31.2".parse().expect("valid bbox");
        assert_eq!((b.min().lon(), b.max().lat()), (119.6, 31.2));
        assert_eq!("1,2,3".parse::<Bbox>(), Err(CoordError::BboxFormat));
        assert_eq!("a,2,3,4".parse::<Bbox>(), Err(CoordError::BboxFormat));
        assert!(matches!(
            "119.7,31.1,119.6,31.2".parse::<Bbox>(),
            Err(CoordError::Inverted { axis: "lon", .. })
        ));
    }
}
