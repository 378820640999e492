//! Mapbox Vector Tiles (MVT 2.1) of the grids and cameras, cut from a [`Scene`].
//!
//! The tiles are encoded here, in-process, for both stores: PostGIS's `ST_AsMVT` is not
//! used, so a tile is the same bytes whichever database holds the data, and the embedded
//! store needs nothing more. The protobuf encoding is the `mvt` crate's; the geometry
//! (see `clip`) is ours:
//!
//! - **Extent** [`EXTENT`] units per tile side, and a [`BUFFER`] of 64 units around it, so
//!   that lines and point symbols crossing a tile border are drawn whole on both sides.
//! - **Simplification** is snapping to the integer tile grid and dropping repeated points,
//!   not Douglas–Peucker: simplifying each grid on its own would move a shared boundary
//!   differently in the two grids on either side and open gaps between them, whereas a
//!   snapped vertex lands on the same integer point in both. At low zoom the many vertices
//!   of a boundary round to few points, which is the simplification a tile needs.
//! - **Clipping** to the tile plus buffer, Sutherland–Hodgman on the snapped integer
//!   points, with edge crossings computed the same way whichever direction a ring runs.
//! - **Winding** as MVT 2.1 requires: exterior rings clockwise on screen (y down), holes
//!   anticlockwise; rings of fewer than three distinct points or no area are dropped.
//!
//! A tile with nothing in it is zero bytes: a valid, empty MVT.

mod clip;

use super::{Scene, TileCoord};
use ::mvt::{GeomEncoder, GeomType, Layer, Tile};
use geo::{Coord, Rect};

/// Units per tile side, the usual MVT extent.
pub const EXTENT: u32 = 4096;
/// Units beyond each tile side that features are kept in.
pub const BUFFER: u32 = 64;

/// Why a vector tile could not be made.
#[derive(Debug, thiserror::Error)]
pub enum MvtError {
    /// A store id below zero: MVT feature ids are unsigned.
    #[error("{layer} feature {id} has a negative id; MVT ids are unsigned")]
    NegativeId {
        /// Layer name.
        layer: &'static str,
        /// The id.
        id: i64,
    },
    /// The encoder refused the tile.
    #[error("encoding the {layer} vector tile: {source}")]
    Encode {
        /// Layer name.
        layer: &'static str,
        /// The encoder's reason.
        #[source]
        source: ::mvt::Error,
    },
}

/// What a property holds, as TileJSON's `vector_layers` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// An integer (MVT `int_value`).
    Number,
    /// Text (MVT `string_value`).
    String,
}

impl FieldType {
    /// The name TileJSON and MapLibre use.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Number => "Number",
            Self::String => "String",
        }
    }
}

/// A vector tile layer: each is served on its own and holds one MVT layer of that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VectorLayer {
    /// Grid polygons of every level, with their counts.
    Grids,
    /// Camera points.
    Cameras,
}

impl VectorLayer {
    /// Every vector layer.
    pub const ALL: [Self; 2] = [Self::Grids, Self::Cameras];

    /// The layer's name, in URLs and inside the tile.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Self::Grids => "grids",
            Self::Cameras => "cameras",
        }
    }

    /// The layer a name means, if any.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.name() == name)
    }

    /// The properties each feature carries, in the order they are written.
    #[must_use]
    pub fn fields(self) -> &'static [(&'static str, FieldType)] {
        use FieldType::{Number, String};
        match self {
            Self::Grids => &[
                ("id", Number),
                ("code", String),
                ("name", String),
                ("level", Number),
                ("households", Number),
                ("residents", Number),
                ("households_per_km2", Number),
            ],
            Self::Cameras => &[
                ("id", Number),
                ("code", String),
                ("name", String),
                ("kind", String),
                ("status", String),
            ],
        }
    }
}

/// The Web Mercator area a tile takes its features from: the tile and its buffer.
#[must_use]
pub fn clip_area(tile: TileCoord) -> Rect<f64> {
    let bounds = tile.bounds();
    let margin = tile.size_m() * f64::from(BUFFER) / f64::from(EXTENT);
    Rect::new(
        Coord {
            x: bounds.min().x - margin,
            y: bounds.min().y - margin,
        },
        Coord {
            x: bounds.max().x + margin,
            y: bounds.max().y + margin,
        },
    )
}

/// Encodes one layer of one tile as MVT 2.1 bytes: every grid or camera of the scene that
/// meets the tile or its buffer, with its store id as the feature id. Empty when nothing
/// does.
pub fn render_mvt(scene: &Scene, tile: TileCoord, layer: VectorLayer) -> Result<Vec<u8>, MvtError> {
    let name = layer.name();
    let mut out = Tile::new(EXTENT);
    let encoded = match layer {
        VectorLayer::Grids => grids(out.create_layer(name), scene, tile),
        VectorLayer::Cameras => cameras(out.create_layer(name), scene, tile),
    }?;
    if encoded.num_features() > 0 {
        out.add_layer(encoded).map_err(encoding(name))?;
    }
    out.to_bytes().map_err(encoding(name))
}

fn grids(mut layer: Layer, scene: &Scene, tile: TileCoord) -> Result<Layer, MvtError> {
    let name = VectorLayer::Grids.name();
    let fail = encoding(name);
    let (lo, hi) = (-i64::from(BUFFER), i64::from(EXTENT + BUFFER));
    let extent = f64::from(EXTENT);
    for grid in scene.grids_in(clip_area(tile)) {
        let polygons = clip::tile_polygons(&grid.shape, |c| tile.to_tile(c, extent), lo, hi);
        if polygons.is_empty() {
            continue;
        }
        let mut geometry = GeomEncoder::<i32>::new(GeomType::Polygon);
        let mut last: Option<clip::Pt> = None;
        for mut ring in polygons.into_iter().flatten() {
            // The encoder runs a ring on from the last one, leaving out its MoveTo, when
            // it starts where the last one ended: start it one point later instead.
            if last == ring.first().copied() {
                ring.rotate_left(1);
            }
            for p in &ring {
                // Clipped to the buffered tile, so within a few thousand of zero.
                geometry.add_point(p[0] as i32, p[1] as i32).map_err(fail)?;
            }
            last = ring.last().copied();
            geometry.complete_geom().map_err(fail)?;
        }
        let mut feature = layer.into_feature(geometry.encode().map_err(fail)?);
        feature.set_id(feature_id(name, grid.id)?);
        feature.add_tag_int("id", grid.id);
        feature.add_tag_string("code", &grid.code);
        feature.add_tag_string("name", &grid.name);
        feature.add_tag_int("level", i64::from(grid.level));
        feature.add_tag_int("households", grid.households);
        feature.add_tag_int("residents", grid.residents);
        feature.add_tag_int(
            "households_per_km2",
            grid.households_per_km2().round() as i64,
        );
        layer = feature.into_layer();
    }
    Ok(layer)
}

fn cameras(mut layer: Layer, scene: &Scene, tile: TileCoord) -> Result<Layer, MvtError> {
    let name = VectorLayer::Cameras.name();
    let fail = encoding(name);
    for camera in scene.cameras_in(clip_area(tile)) {
        let p = tile.to_tile(camera.at, f64::from(EXTENT));
        let geometry = GeomEncoder::<f64>::new(GeomType::Point)
            .point(p.x, p.y)
            .and_then(GeomEncoder::encode)
            .map_err(fail)?;
        let mut feature = layer.into_feature(geometry);
        feature.set_id(feature_id(name, camera.id)?);
        feature.add_tag_int("id", camera.id);
        feature.add_tag_string("code", &camera.code);
        feature.add_tag_string("name", &camera.name);
        feature.add_tag_string("kind", camera.kind.as_str());
        feature.add_tag_string("status", camera.status.as_str());
        layer = feature.into_layer();
    }
    Ok(layer)
}

fn encoding(layer: &'static str) -> impl Fn(::mvt::Error) -> MvtError + Copy {
    move |source| MvtError::Encode { layer, source }
}

fn feature_id(layer: &'static str, id: i64) -> Result<u64, MvtError> {
    u64::try_from(id).map_err(|_| MvtError::NegativeId { layer, id })
}
