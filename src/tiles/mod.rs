//! Map tiles: XYZ addressing in Web Mercator (EPSG:3857), a projected [`Scene`] of the
//! committed grids and cameras, raster tiles (PNG) and vector tiles (MVT).
//!
//! Pure: nothing here knows about HTTP or SQL. The service builds a scene from committed
//! data, renders from it, and caches by the scene's data version.

mod cache;
mod clip;
mod coord;
mod layer;
mod mvt;
mod raster;
mod scene;
pub mod style;
mod tilejson;

pub use self::mvt::{BUFFER, EXTENT, FieldType, MvtError, VectorLayer, clip_area, render_mvt};
pub use cache::{ServeError, TileJob, TileKey, Tiles};
pub use coord::{MAX_ZOOM, TileCoord, TileError, TileFormat, TileRequest, mercator};
pub use layer::{Layer, RenderError, layer_tilejson, render};
pub use raster::{
    IncidentMeasure, RasterError, RasterLayer, TILE_PX, render_incidents_png, render_png,
};
pub use scene::{Scene, SceneCamera, SceneGrid};
pub use tilejson::{
    RASTER_MAX_ZOOM, TileJson, TileJsonError, TileJsonKind, VECTOR_MAX_ZOOM, VectorLayerJson,
    WORLD_BOUNDS, tilejson, tilejson_among,
};
