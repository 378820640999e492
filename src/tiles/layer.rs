//! Tile layers as URLs name them, and rendering a tile of any of them.

use super::{
    IncidentMeasure, MvtError, RasterError, RasterLayer, Scene, TileFormat, TileJson,
    TileJsonError, TileJsonKind, TileRequest, VectorLayer, render_incidents_png, render_mvt,
    render_png,
};
use crate::domain::{LevelNo, OpenCount};
use std::fmt;

/// A tile layer, as named in tile URLs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Grid boundaries of every level (raster and vector).
    Grids,
    /// Grid boundaries of one level (raster).
    GridsOf(LevelNo),
    /// Finest grids filled by households per km² (raster).
    Density,
    /// Camera points (vector).
    Cameras,
    /// Grids filled by their open or overdue incidents, the level by zoom (raster).
    Incidents(IncidentMeasure),
}

impl Layer {
    /// Parses `grids`, `grids-N`, `density`, `cameras`, `incidents-open` or
    /// `incidents-overdue`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "grids" => Some(Self::Grids),
            "density" => Some(Self::Density),
            "cameras" => Some(Self::Cameras),
            "incidents-open" => Some(Self::Incidents(IncidentMeasure::Open)),
            "incidents-overdue" => Some(Self::Incidents(IncidentMeasure::Overdue)),
            _ => {
                let level = name.strip_prefix("grids-")?.parse().ok()?;
                Some(Self::GridsOf(level))
            }
        }
    }

    /// The raster layer behind this name, if it has PNG tiles.
    #[must_use]
    pub fn raster(self) -> Option<RasterLayer> {
        match self {
            Self::Grids => Some(RasterLayer::Grids { level: None }),
            Self::GridsOf(level) => Some(RasterLayer::Grids { level: Some(level) }),
            Self::Density => Some(RasterLayer::Density),
            Self::Cameras | Self::Incidents(_) => None,
        }
    }

    /// The vector layer behind this name, if it has MVT tiles.
    #[must_use]
    pub fn vector(self) -> Option<VectorLayer> {
        match self {
            Self::Grids => Some(VectorLayer::Grids),
            Self::Cameras => Some(VectorLayer::Cameras),
            Self::GridsOf(_) | Self::Density | Self::Incidents(_) => None,
        }
    }

    /// Whether the layer has tiles in `format`.
    #[must_use]
    pub fn offers(self, format: TileFormat) -> bool {
        match format {
            TileFormat::Png { .. } => self.raster().is_some() || matches!(self, Self::Incidents(_)),
            TileFormat::Mvt => self.vector().is_some(),
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Grids => f.write_str("grids"),
            Self::GridsOf(level) => write!(f, "grids-{level}"),
            Self::Density => f.write_str("density"),
            Self::Cameras => f.write_str("cameras"),
            Self::Incidents(IncidentMeasure::Open) => f.write_str("incidents-open"),
            Self::Incidents(IncidentMeasure::Overdue) => f.write_str("incidents-overdue"),
        }
    }
}

/// Why a tile could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The layer has no tiles in the format asked for.
    #[error("layer {0} has no tiles in that format")]
    Format(Layer),
    /// Raster rendering failed.
    #[error(transparent)]
    Raster(#[from] RasterError),
    /// Vector encoding failed.
    #[error(transparent)]
    Vector(#[from] MvtError),
}

/// Renders one tile of `layer`; the incident layers colour grids by `count` of their code.
pub fn render(
    scene: &Scene,
    layer: Layer,
    request: TileRequest,
    count: &dyn Fn(&str) -> OpenCount,
) -> Result<Vec<u8>, RenderError> {
    match request.format {
        TileFormat::Png { scale } => {
            if let Layer::Incidents(measure) = layer {
                return Ok(render_incidents_png(
                    scene,
                    request.coord,
                    scale,
                    measure,
                    count,
                )?);
            }
            let raster = layer.raster().ok_or(RenderError::Format(layer))?;
            Ok(render_png(scene, request.coord, scale, raster)?)
        }
        TileFormat::Mvt => {
            let vector = layer.vector().ok_or(RenderError::Format(layer))?;
            Ok(render_mvt(scene, request.coord, vector)?)
        }
    }
}

/// The TileJSON of `layer`: its vector tiles where it has them (for MapLibre or QGIS),
/// else its PNG tiles; `bounds` is the data's extent.
pub fn layer_tilejson(
    layer: Layer,
    base_url: &str,
    bounds: [f64; 4],
) -> Result<TileJson, TileJsonError> {
    let kind = if layer.vector().is_some() {
        TileJsonKind::Vector
    } else {
        TileJsonKind::Raster
    };
    super::tilejson(&layer.to_string(), kind, base_url, bounds)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_round_trip_and_unknown_names_are_refused() {
        for name in [
            "grids",
            "grids-3",
            "density",
            "cameras",
            "incidents-open",
            "incidents-overdue",
        ] {
            assert_eq!(
                Layer::parse(name).map(|l| l.to_string()).as_deref(),
                Some(name)
            );
        }
        for bad in ["", "grid", "grids-", "grids-x", "roads", "incidents"] {
            assert_eq!(Layer::parse(bad), None, "{bad}");
        }
    }
}
