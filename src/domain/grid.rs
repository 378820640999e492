//! Grids: the polygons of every level of the hierarchy.

use super::{GridCode, GridVersion, LevelNo};
use geo::MultiPolygon;

/// Store-assigned identifier of a grid.
pub type GridId = i64;

/// A stored grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Grid {
    /// Identifier, stable for the grid's life.
    pub id: GridId,
    /// Hierarchical code (see [`GridCode`]).
    pub code: GridCode,
    /// Display name, in Chinese.
    pub name: String,
    /// Level number (1 at the top).
    pub level: LevelNo,
    /// The grid one level up, `None` at the top.
    pub parent_id: Option<GridId>,
    /// Boundary in WGS84 longitude/latitude, OGC-valid.
    pub geometry: MultiPolygon<f64>,
    /// Households registered in the grid (一户一表).
    pub households: i64,
    /// Residents registered in the grid.
    pub residents: i64,
    /// Version: 1 when stored, one more with each change set that changes the grid.
    pub version: GridVersion,
}

/// A grid about to be stored: its parent is named by code, ids come from the store.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGrid {
    /// Hierarchical code; its parent's code is this code less its last segment.
    pub code: GridCode,
    /// Display name.
    pub name: String,
    /// Level number.
    pub level: LevelNo,
    /// Parent's code, `None` for a top-level grid.
    pub parent_code: Option<GridCode>,
    /// Boundary, already checked to be OGC-valid.
    pub geometry: MultiPolygon<f64>,
    /// Households registered in the grid.
    pub households: i64,
    /// Residents registered in the grid.
    pub residents: i64,
}
