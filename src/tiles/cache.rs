//! The tile service's state: the current [`Scene`] and a bounded cache of rendered tiles.
//!
//! Cached tiles are keyed by the scene's data version, so a change of data never serves a
//! stale tile: the new version's keys miss, render afresh, and the old entries age out of
//! the cache by its own eviction.

use super::{Layer, Scene, TileRequest};
use arc_swap::ArcSwap;
use bytes::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use std::sync::Arc;

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
