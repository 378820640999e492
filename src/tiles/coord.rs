//! Tile addresses and the Web Mercator projection.

use geo::{Coord, Rect};

/// WGS84 semi-major axis, the sphere radius of Web Mercator, in metres.
const EARTH_RADIUS_M: f64 = 6_378_137.0;
/// Half the width of the Web Mercator world, in metres.
pub const HALF_WORLD_M: f64 = std::f64::consts::PI * EARTH_RADIUS_M;
/// Web Mercator stops here, so that the world is square.
const MAX_LAT: f64 = 85.051_128_779_806_59;
/// The deepest zoom served: about 2 cm per pixel, beyond any use on a town map.
pub const MAX_ZOOM: u8 = 22;

/// Why a tile address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TileError {
    /// Zoom beyond [`MAX_ZOOM`].
    #[error("zoom {0} is out of range (0 to {MAX_ZOOM})")]
    Zoom(u32),
    /// Column or row outside the zoom level's `2^z` tiles.
    #[error("tile {x}/{y} does not exist at zoom {z} (0 to {max} each)")]
    Outside {
        /// Zoom.
        z: u8,
        /// Column.
        x: u32,
        /// Row.
        y: u32,
        /// Largest valid column or row.
        max: u32,
    },
    /// The last path segment is not `ROW.png`, `ROW@2x.png` or `ROW.mvt`.
    #[error("{0:?} is not a tile name: use ROW.png, ROW@2x.png or ROW.mvt")]
    Name(String),
}

/// A valid XYZ tile address: zoom `z`, column `x` from the west, row `y` from the north.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileCoord {
    z: u8,
    x: u32,
    y: u32,
}

impl TileCoord {
    /// Checks `z <= MAX_ZOOM` and `x, y < 2^z`.
    pub fn new(z: u32, x: u32, y: u32) -> Result<Self, TileError> {
        let z = u8::try_from(z)
            .ok()
            .filter(|z| *z <= MAX_ZOOM)
            .ok_or(TileError::Zoom(z))?;
        let max = (1u32 << z) - 1;
        if x > max || y > max {
            return Err(TileError::Outside { z, x, y, max });
        }
        Ok(Self { z, x, y })
    }

    /// The tile at zoom `z` containing WGS84 `lon`, `lat` (a point on a border belongs to
    /// the tile east or south of it; latitudes beyond ±85.05° to the edge row).
    pub fn containing(lon: f64, lat: f64, z: u32) -> Result<Self, TileError> {
        let edge = Self::new(z, 0, 0)?;
        let p = mercator(lon, lat);
        let max_index = f64::from((1u32 << edge.z) - 1);
        let index = |metres: f64| (metres / edge.size_m()).floor().clamp(0.0, max_index) as u32;
        Self::new(z, index(p.x + HALF_WORLD_M), index(HALF_WORLD_M - p.y))
    }

    /// Zoom.
    #[must_use]
    pub fn z(self) -> u8 {
        self.z
    }

    /// Column.
    #[must_use]
    pub fn x(self) -> u32 {
        self.x
    }

    /// Row.
    #[must_use]
    pub fn y(self) -> u32 {
        self.y
    }

    /// Width of the tile in Web Mercator metres.
    #[must_use]
    pub fn size_m(self) -> f64 {
        2.0 * HALF_WORLD_M / f64::from(1u32 << self.z)
    }

    /// The tile's extent in Web Mercator metres (y grows to the north).
    #[must_use]
    pub fn bounds(self) -> Rect<f64> {
        let size = self.size_m();
        let west = -HALF_WORLD_M + f64::from(self.x) * size;
        let north = HALF_WORLD_M - f64::from(self.y) * size;
        Rect::new(
            Coord {
                x: west,
                y: north - size,
            },
            Coord {
                x: west + size,
                y: north,
            },
        )
    }

    /// Where a Web Mercator point falls on this tile, in units of `extent` per tile side,
    /// from the tile's north-west corner (x east, y south), as raster and MVT both count.
    #[must_use]
    pub fn to_tile(self, p: Coord<f64>, extent: f64) -> Coord<f64> {
        let bounds = self.bounds();
        let scale = extent / self.size_m();
        Coord {
            x: (p.x - bounds.min().x) * scale,
            y: (bounds.max().y - p.y) * scale,
        }
    }
}

/// What encoding a tile request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileFormat {
    /// A PNG, 256 px (`scale` 1) or 512 px (`scale` 2, `@2x`).
    Png {
        /// 1 or 2.
        scale: u8,
    },
    /// A Mapbox Vector Tile.
    Mvt,
}

impl TileFormat {
    /// The media type of a tile in this format.
    #[must_use]
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Png { .. } => "image/png",
            Self::Mvt => "application/vnd.mapbox-vector-tile",
        }
    }
}

/// A parsed tile request: address and format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileRequest {
    /// Which tile.
    pub coord: TileCoord,
    /// In which encoding.
    pub format: TileFormat,
}

impl TileRequest {
    /// Parses `z`, `x` and the last segment `ROW.png`, `ROW@2x.png` or `ROW.mvt`.
    pub fn parse(z: u32, x: u32, name: &str) -> Result<Self, TileError> {
        let bad = || TileError::Name(name.to_owned());
        let (row, format) = if let Some(row) = name.strip_suffix("@2x.png") {
            (row, TileFormat::Png { scale: 2 })
        } else if let Some(row) = name.strip_suffix(".png") {
            (row, TileFormat::Png { scale: 1 })
        } else if let Some(row) = name.strip_suffix(".mvt") {
            (row, TileFormat::Mvt)
        } else {
            return Err(bad());
        };
        let y = row.parse::<u32>().map_err(|_| bad())?;
        Ok(Self {
            coord: TileCoord::new(z, x, y)?,
            format,
        })
    }
}

/// Projects WGS84 longitude/latitude to Web Mercator metres; latitudes beyond ±85.05°
/// are clamped to the edge of the square world.
#[must_use]
pub fn mercator(lon: f64, lat: f64) -> Coord<f64> {
    let lat = lat.clamp(-MAX_LAT, MAX_LAT).to_radians();
    Coord {
        x: EARTH_RADIUS_M * lon.to_radians(),
        y: EARTH_RADIUS_M * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tile_names_parse_into_address_and_format() {
        let cases = [
            ("6833.png", TileFormat::Png { scale: 1 }),
            ("6833@2x.png", TileFormat::Png { scale: 2 }),
            ("6833.mvt", TileFormat::Mvt),
        ];
        for (name, format) in cases {
            let request = TileRequest::parse(14, 13637, name).expect(name);
            assert_eq!(
                (request.coord.y(), request.format),
                (6833, format),
                "{name}"
            );
        }
        for bad in ["6833", "6833.jpg", "x.png", "-1.png", "6833@3x.png", ".png"] {
            assert_eq!(
                TileRequest::parse(14, 0, bad),
                Err(TileError::Name(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn addresses_outside_the_zoom_level_are_refused() {
        assert!(TileCoord::new(0, 0, 0).is_ok());
        assert_eq!(TileCoord::new(23, 0, 0), Err(TileError::Zoom(23)));
        assert!(matches!(
            TileCoord::new(2, 4, 0),
            Err(TileError::Outside { max: 3, .. })
        ));
        assert!(matches!(
            TileCoord::new(2, 0, 4),
            Err(TileError::Outside { .. })
        ));
        assert_eq!(
            TileCoord::new(u32::MAX, 0, 0),
            Err(TileError::Zoom(u32::MAX))
        );
    }

    #[test]
    fn a_point_maps_into_the_tile_that_contains_it() {
        // Taihua at zoom 14: the tile computed by the usual slippy-map formula.
        let (lon, lat, z) = (119.65_f64, 31.17_f64, 14);
        let n = f64::from(1u32 << z);
        let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
        let lat_r = lat.to_radians();
        let y = ((1.0 - lat_r.tan().asinh() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
        let tile = TileCoord::new(z, x, y).unwrap();
        assert_eq!(TileCoord::containing(lon, lat, z), Ok(tile));
        let on_tile = tile.to_tile(mercator(lon, lat), 256.0);
        assert!(
            (0.0..256.0).contains(&on_tile.x) && (0.0..256.0).contains(&on_tile.y),
            "{on_tile:?}"
        );
        let whole = TileCoord::new(0, 0, 0).unwrap();
        let centre = whole.to_tile(mercator(0.0, 0.0), 256.0);
        assert!((centre.x - 128.0).abs() < 1e-9 && (centre.y - 128.0).abs() < 1e-9);
    }
}
