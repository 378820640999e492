//! Map tiles: XYZ addressing in Web Mercator (EPSG:3857), a projected [`Scene`] of the
//! committed grids and cameras, raster tiles (PNG) and vector tiles (MVT).
//!
//! Pure: nothing here knows about HTTP or SQL. The service builds a scene from committed
//! data, renders from it, and caches by the scene's data version.

mod clip;
mod coord;
mod raster;
mod scene;
pub mod style;

pub use coord::{TileCoord, TileError, TileFormat, TileRequest, mercator};
pub use raster::{RasterError, RasterLayer, TILE_PX, density_breaks, render_png};
pub use scene::{Scene, SceneCamera, SceneGrid};
