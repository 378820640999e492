//! The tile service's state: the current [`Scene`] and a bounded cache of rendered tiles.
//!
//! Cached tiles are keyed by the scene's data version, so a change of data never serves a
//! stale tile: the new version's keys miss, render afresh, and the old entries age out of
//! the cache by its own eviction.

use super::{Scene, TileRequest};
use crate::domain::LevelNo;
use arc_swap::ArcSwap;
use bytes::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use std::fmt;
use std::sync::Arc;

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
}

impl Layer {
    /// Parses `grids`, `grids-N`, `density` or `cameras`.
    #[must_use]
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "grids" => Some(Self::Grids),
            "density" => Some(Self::Density),
            "cameras" => Some(Self::Cameras),
            _ => {
                let level = name.strip_prefix("grids-")?.parse().ok()?;
                Some(Self::GridsOf(level))
            }
        }
    }

    /// Whether the layer has PNG tiles.
    #[must_use]
    pub fn has_raster(self) -> bool {
        !matches!(self, Self::Cameras)
    }

    /// Whether the layer has vector tiles.
    #[must_use]
    pub fn has_vector(self) -> bool {
        matches!(self, Self::Grids | Self::Cameras)
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Grids => f.write_str("grids"),
            Self::GridsOf(level) => write!(f, "grids-{level}"),
            Self::Density => f.write_str("density"),
            Self::Cameras => f.write_str("cameras"),
        }
    }
}

/// What identifies a rendered tile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TileKey {
    /// The data version of the scene it was rendered from.
    pub version: u64,
    /// The layer.
    pub layer: Layer,
    /// Address and format.
    pub request: TileRequest,
}

/// Weighs cached tiles by their size, so the cache is bounded in bytes, not in tiles.
#[derive(Clone)]
struct BySize;

impl Weighter<TileKey, Bytes> for BySize {
    fn weight(&self, _key: &TileKey, tile: &Bytes) -> u64 {
        tile.len() as u64 + 64
    }
}

/// The current scene and the rendered tiles.
pub struct Tiles {
    scene: ArcSwap<Scene>,
    cache: Cache<TileKey, Bytes, BySize>,
}

impl Tiles {
    /// Tiles of `scene`, caching up to `capacity_bytes` of rendered tiles.
    #[must_use]
    pub fn new(scene: Scene, capacity_bytes: u64) -> Self {
        // The cache wants an estimate of the entry count; a rendered tile is ~1-20 kB.
        let estimated_items = (capacity_bytes / 4096).max(16) as usize;
        Self {
            scene: ArcSwap::from_pointee(scene),
            cache: Cache::with_weighter(estimated_items, capacity_bytes, BySize),
        }
    }

    /// The current scene; hold it for the length of one request.
    #[must_use]
    pub fn scene(&self) -> Arc<Scene> {
        self.scene.load_full()
    }

    /// Swaps in a scene built from newly committed data.
    pub fn replace_scene(&self, scene: Scene) {
        self.scene.store(Arc::new(scene));
    }

    /// The cached tile for `key`, if any.
    #[must_use]
    pub fn cached(&self, key: &TileKey) -> Option<Bytes> {
        self.cache.get(key)
    }

    /// Caches a rendered tile.
    pub fn store(&self, key: TileKey, tile: Bytes) {
        self.cache.insert(key, tile);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_names_round_trip_and_unknown_names_are_refused() {
        for name in ["grids", "grids-3", "density", "cameras"] {
            assert_eq!(
                Layer::parse(name).map(|l| l.to_string()).as_deref(),
                Some(name)
            );
        }
        for bad in ["", "grid", "grids-", "grids-x", "roads"] {
            assert_eq!(Layer::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn cached_tiles_are_found_by_key_and_version() {
        let tiles = Tiles::new(Scene::new(1, &[], &[]), 1 << 20);
        let request = TileRequest::parse(3, 1, "2.png").unwrap();
        let key = TileKey {
            version: 1,
            layer: Layer::Grids,
            request,
        };
        assert_eq!(tiles.cached(&key), None);
        tiles.store(key, Bytes::from_static(b"tile"));
        assert_eq!(tiles.cached(&key), Some(Bytes::from_static(b"tile")));
        let newer = TileKey { version: 2, ..key };
        assert_eq!(tiles.cached(&newer), None, "a new data version misses");
    }
}
