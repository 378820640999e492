//! TileJSON 3.0.0 documents, one per tile layer, so that MapLibre, Leaflet plug-ins or
//! QGIS can find a layer's tiles, zooms and extent from one URL.

use super::{MAX_ZOOM, VectorLayer};
use serde::Serialize;
use std::collections::BTreeMap;

/// Deepest zoom vector tiles are offered at. Clients overzoom beyond it without loss: at
/// zoom 16 a tile unit is about 15 cm, finer than any grid boundary is surveyed.
pub const VECTOR_MAX_ZOOM: u8 = 16;

/// Raster tiles are offered down to [`MAX_ZOOM`]: an overzoomed PNG would blur its lines.
pub const RASTER_MAX_ZOOM: u8 = MAX_ZOOM;

/// The lon/lat bounds to announce when there is no data yet: the Web Mercator world.
pub const WORLD_BOUNDS: [f64; 4] = [-180.0, -85.051_128_779_806_59, 180.0, 85.051_128_779_806_59];

/// What a layer's tiles are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TileJsonKind {
    /// PNG images, `{y}.png`.
    Raster,
    /// Mapbox Vector Tiles, `{y}.mvt`.
    Vector,
}

impl TileJsonKind {
    /// The tile file's extension.
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Raster => "png",
            Self::Vector => "mvt",
        }
    }
}

/// Why no TileJSON document could be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TileJsonError {
    /// The name is not among the layers offered (of that kind).
    #[error("no {kind} tile layer is named {name:?}")]
    UnknownLayer {
        /// The name asked for.
        name: String,
        /// `raster` or `vector`.
        kind: &'static str,
    },
    /// Bounds that are not finite lon/lat with west ≤ east and south ≤ north.
    #[error("bounds {0:?} are not [west, south, east, north] in degrees")]
    Bounds([f64; 4]),
}

/// A TileJSON 3.0.0 document.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TileJson {
    /// Always `3.0.0`.
    pub tilejson: &'static str,
    /// The layer's name.
    pub name: String,
    /// One XYZ URL template.
    pub tiles: Vec<String>,
    /// Shallowest zoom with tiles.
    pub minzoom: u8,
    /// Deepest zoom with tiles.
    pub maxzoom: u8,
    /// `[west, south, east, north]` of the data, in degrees.
    pub bounds: [f64; 4],
    /// `[lon, lat, zoom]` to open a map at: the middle of the data, all of it in view.
    pub center: [f64; 3],
    /// The MVT layers inside each tile and their properties; vector layers only.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub vector_layers: Vec<VectorLayerJson>,
}

/// One entry of `vector_layers`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct VectorLayerJson {
    /// The MVT layer name.
    pub id: &'static str,
    /// Property name to its type (`Number` or `String`).
    pub fields: BTreeMap<&'static str, &'static str>,
    /// Shallowest zoom with this layer.
    pub minzoom: u8,
    /// Deepest zoom with this layer.
    pub maxzoom: u8,
}

/// The TileJSON of layer `name` of `kind`, whose tiles are served under `base_url`
/// (scheme, host and any path prefix; a trailing `/` is ignored) as
/// `{base}/tiles/{name}/{z}/{x}/{y}.{mvt|png}`. `bounds` is the data's
/// `[west, south, east, north]` ([`WORLD_BOUNDS`] when there is none). Vector layers must
/// be [`VectorLayer`]s; raster layer names are the raster renderer's, so any is taken.
pub fn tilejson(
    name: &str,
    kind: TileJsonKind,
    base_url: &str,
    bounds: [f64; 4],
) -> Result<TileJson, TileJsonError> {
    let [west, south, east, north] = bounds;
    if !bounds.iter().all(|v| v.is_finite()) || west > east || south > north {
        return Err(TileJsonError::Bounds(bounds));
    }
    let (maxzoom, vector_layers) = match kind {
        TileJsonKind::Raster => (RASTER_MAX_ZOOM, Vec::new()),
        TileJsonKind::Vector => {
            let layer =
                VectorLayer::from_name(name).ok_or_else(|| TileJsonError::UnknownLayer {
                    name: name.to_owned(),
                    kind: "vector",
                })?;
            (VECTOR_MAX_ZOOM, vec![describe(layer)])
        }
    };
    let base = base_url.trim_end_matches('/');
    Ok(TileJson {
        tilejson: "3.0.0",
        name: name.to_owned(),
        tiles: vec![format!(
            "{base}/tiles/{name}/{{z}}/{{x}}/{{y}}.{}",
            kind.extension()
        )],
        minzoom: 0,
        maxzoom,
        bounds,
        center: [
            f64::midpoint(west, east),
            f64::midpoint(south, north),
            f64::from(fitting_zoom(bounds).min(maxzoom)),
        ],
        vector_layers,
    })
}

/// Like [`tilejson`], for a layer looked up by name among those the service `offers`
/// (the vector layers and the raster renderer's). Where a name is offered as both kinds
/// (`grids`), the first entry wins, so list the one `/tiles/{name}.json` should describe
/// first.
pub fn tilejson_among(
    name: &str,
    offers: &[(&str, TileJsonKind)],
    base_url: &str,
    bounds: [f64; 4],
) -> Result<TileJson, TileJsonError> {
    let kind = offers
        .iter()
        .find(|(offered, _)| *offered == name)
        .map(|(_, kind)| *kind)
        .ok_or_else(|| TileJsonError::UnknownLayer {
            name: name.to_owned(),
            kind: "raster or vector",
        })?;
    tilejson(name, kind, base_url, bounds)
}

fn describe(layer: VectorLayer) -> VectorLayerJson {
    VectorLayerJson {
        id: layer.name(),
        fields: layer
            .fields()
            .iter()
            .map(|(field, kind)| (*field, kind.as_str()))
            .collect(),
        minzoom: 0,
        maxzoom: VECTOR_MAX_ZOOM,
    }
}

/// The deepest zoom at which the bounds fit in about four tiles across (a 1,000-pixel
/// map), so that a map opened at `center` shows all the data.
fn fitting_zoom([west, south, east, north]: [f64; 4]) -> u8 {
    // Degrees of latitude span more ground than of longitude only towards the poles;
    // comparing the larger span in degrees is close enough for an opening view.
    let span = (east - west).max(north - south);
    if span <= 0.0 {
        return MAX_ZOOM;
    }
    let zoom = (360.0 * 4.0 / span).log2().floor();
    zoom.clamp(0.0, f64::from(MAX_ZOOM)) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    const TAIHUA: [f64; 4] = [119.58, 31.12, 119.72, 31.23];

    #[test]
    fn a_vector_document_names_its_tiles_zooms_extent_and_fields() {
        let doc = tilejson("grids", TileJsonKind::Vector, "http://host:8080/", TAIHUA).unwrap();
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["tilejson"], "3.0.0");
        assert_eq!(json["name"], "grids");
        assert_eq!(
            json["tiles"],
            serde_json::json!(["http://host:8080/tiles/grids/{z}/{x}/{y}.mvt"])
        );
        assert_eq!(json["minzoom"], 0);
        assert_eq!(json["maxzoom"], VECTOR_MAX_ZOOM);
        assert_eq!(json["bounds"], serde_json::json!(TAIHUA));
        let center = &json["center"];
        assert!(
            (center[0].as_f64().unwrap() - 119.65).abs() < 1e-9,
            "{center}"
        );
        assert!(
            (center[1].as_f64().unwrap() - 31.175).abs() < 1e-9,
            "{center}"
        );
        assert_eq!(
            center[2], 13.0,
            "a 15 km town fills a 1,000-pixel map at zoom 13"
        );
        let layers = json["vector_layers"].as_array().unwrap();
        assert_eq!(layers.len(), 1);
        assert_eq!(layers[0]["id"], "grids");
        assert_eq!(layers[0]["fields"]["households_per_km2"], "Number");
        assert_eq!(layers[0]["fields"]["code"], "String");
        assert_eq!(layers[0]["fields"].as_object().unwrap().len(), 7);
        assert_eq!(layers[0]["maxzoom"], VECTOR_MAX_ZOOM);
    }

    #[test]
    fn a_raster_document_points_at_png_tiles_and_has_no_vector_layers() {
        let doc = tilejson("density", TileJsonKind::Raster, "http://h", TAIHUA).unwrap();
        let json = serde_json::to_value(&doc).unwrap();
        assert_eq!(json["tiles"][0], "http://h/tiles/density/{z}/{x}/{y}.png");
        assert_eq!(json["maxzoom"], RASTER_MAX_ZOOM);
        assert!(json.get("vector_layers").is_none());
    }

    #[test]
    fn layers_are_looked_up_among_those_offered() {
        let offers = [
            ("grids", TileJsonKind::Vector),
            ("cameras", TileJsonKind::Vector),
            ("grids", TileJsonKind::Raster),
            ("density", TileJsonKind::Raster),
        ];
        let grids = tilejson_among("grids", &offers, "http://h", TAIHUA).unwrap();
        assert_eq!(grids.vector_layers.len(), 1, "first offer wins");
        let density = tilejson_among("density", &offers, "http://h", TAIHUA).unwrap();
        assert!(density.vector_layers.is_empty());
        assert!(matches!(
            tilejson_among("roads", &offers, "http://h", TAIHUA),
            Err(TileJsonError::UnknownLayer { .. })
        ));
        assert!(matches!(
            tilejson("density", TileJsonKind::Vector, "http://h", TAIHUA),
            Err(TileJsonError::UnknownLayer { .. })
        ));
    }

    #[test]
    fn bounds_must_be_finite_and_ordered() {
        for bad in [
            [1.0, 0.0, 0.0, 1.0],
            [0.0, 1.0, 1.0, 0.0],
            [f64::NAN, 0.0, 1.0, 1.0],
        ] {
            assert!(
                matches!(
                    tilejson("grids", TileJsonKind::Raster, "http://h", bad),
                    Err(TileJsonError::Bounds(_))
                ),
                "{bad:?}"
            );
        }
        let world = tilejson("cameras", TileJsonKind::Vector, "http://h", WORLD_BOUNDS).unwrap();
        assert_eq!(world.center[2].to_bits(), 2.0_f64.to_bits(), "zoom 2");
    }
}
