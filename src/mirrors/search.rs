//! The map's search box over the mirrors: grids and cameras by code prefix or name, within
//! a grid scope, with no trip to the database.

use super::Mirrors;
use crate::domain::{CameraId, GridId, GridScope, LevelNo};
use serde::Serialize;

/// A grid the search found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundGrid {
    /// Store id.
    pub id: GridId,
    /// Grid code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Level number.
    pub level: LevelNo,
    /// `[min_lon, min_lat, max_lon, max_lat]`, to fly the map to.
    pub bbox: Option<[f64; 4]>,
}

/// A camera the search found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FoundCamera {
    /// Store id.
    pub id: CameraId,
    /// Registry code.
    pub code: String,
    /// Display name.
    pub name: String,
    /// Longitude.
    pub lon: f64,
    /// Latitude.
    pub lat: f64,
}

/// What a search found: at most `limit` of each kind.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Found {
    /// Grids: an exact code first, then coarse before fine (a village before its
    /// micro-grids), then by code.
    pub grids: Vec<FoundGrid>,
    /// Cameras in service, by code.
    pub cameras: Vec<FoundCamera>,
}

impl Mirrors {
    /// Grids and cameras within `scope` whose code starts with `text` or whose name holds
    /// it, at most `limit` of each.
    #[must_use]
    pub fn search(&self, scope: &GridScope, text: &str, limit: usize) -> Found {
        let matches = |code: &str, name: &str| code.starts_with(text) || name.contains(text);
        let index = self.index.grids();
        let mut grids: Vec<_> = index
            .iter()
            .filter(|g| matches(g.code.as_str(), &g.name) && scope.includes(&g.code))
            .collect();
        grids.sort_by_key(|g| (g.code.as_str() != text, g.level, g.code.as_str()));
        let grids = grids.into_iter().take(limit).map(|g| FoundGrid {
            id: g.id,
            code: g.code.to_string(),
            name: g.name.clone(),
            level: g.level,
            bbox: g
                .bbox()
                .map(|b| [b.min().x, b.min().y, b.max().x, b.max().y]),
        });
        let scene = self.tiles.scene();
        let cameras = scene
            .cameras()
            .iter()
            .filter(|c| matches(&c.code, &c.name))
            .filter(|c| {
                let chain = index.chain_at(c.location.into());
                scope.includes_any(chain.iter().map(|l| l.code))
            })
            .take(limit)
            .map(|c| FoundCamera {
                id: c.id,
                code: c.code.clone(),
                name: c.name.clone(),
                lon: c.location.lon(),
                lat: c.location.lat(),
            });
        Found {
            grids: grids.collect(),
            cameras: cameras.collect(),
        }
    }
}
