//! The tile service's state: the current [`Scene`] and a bounded cache of rendered tiles.
//!
//! Cached tiles are keyed by the scene's data version, so a change of data never serves a
//! stale tile: the new version's keys miss, render afresh, and the old entries age out of
//! the cache by its own eviction. [`Tiles::get_or_render`] is the one way a tile is
//! served: from the cache, or rendered once however many requests ask for it meanwhile.

use super::{Layer, RenderError, Scene, TileRequest};
use crate::domain::OpenCounts;
use arc_swap::ArcSwap;
use bytes::Bytes;
use quick_cache::Weighter;
use quick_cache::sync::Cache;
use std::sync::Arc;

/// Why a tile could not be served.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// Rendering refused or failed.
    #[error(transparent)]
    Render(#[from] RenderError),
    /// The rendering task died (it panicked).
    #[error("rendering the tile failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// A tile to serve: its key, and the scene and incident counts it is rendered from.
pub struct TileJob {
    /// Names the tile's content; its `ETag` is made from it.
    pub key: TileKey,
    scene: Arc<Scene>,
    counts: Option<Arc<OpenCounts>>,
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

    /// The tile of `layer` at `request` as the current scene shows it; an incident layer
    /// colours grids by `counts`, which name the tile's version too, as such a tile
    /// changes with the count.
    #[must_use]
    pub fn job(
        &self,
        layer: Layer,
        request: TileRequest,
        counts: Option<Arc<OpenCounts>>,
    ) -> TileJob {
        let scene = self.scene();
        let mut version = scene.version();
        if let Some(counts) = &counts {
            version = version.rotate_left(32)
                ^ counts.at.timestamp_millis().unsigned_abs()
                ^ counts.scope_key.rotate_left(17);
        }
        TileJob {
            key: TileKey {
                version,
                layer,
                request,
            },
            scene,
            counts,
        }
    }

    /// The rendered tile: from the cache, or rendered off the async workers (it is CPU
    /// work) and cached. Requests for a tile being rendered wait for that one rendering
    /// instead of starting their own.
    pub async fn get_or_render(&self, job: TileJob) -> Result<Bytes, ServeError> {
        let TileJob { key, scene, counts } = job;
        let render = async move {
            let rendered = tokio::task::spawn_blocking(move || {
                let count = |code: &str| counts.as_ref().map(|c| c.of(code)).unwrap_or_default();
                super::render(&scene, key.layer, key.request, &count)
            })
            .await??;
            Ok::<_, ServeError>(Bytes::from(rendered))
        };
        self.cache.get_or_insert_async(&key, render).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> TileRequest {
        TileRequest::parse(3, 1, "2.png").expect("a tile address")
    }

    #[tokio::test]
    async fn a_rendered_tile_is_served_from_the_cache_until_the_scene_changes() {
        let tiles = Tiles::new(Scene::new(1, &[], &[]), 1 << 20);
        let first = tiles.job(Layer::Grids, request(), None);
        assert_eq!(first.key.version, 1);
        let rendered = tiles.get_or_render(first).await.expect("rendered");
        assert!(rendered.starts_with(b"\x89PNG"), "a PNG tile");
        assert_eq!(tiles.cache.len(), 1, "the tile is cached");

        let again = tiles.job(Layer::Grids, request(), None);
        assert_eq!(tiles.get_or_render(again).await.expect("cached"), rendered);
        assert_eq!(
            tiles.cache.len(),
            1,
            "served from the cache, not rendered anew"
        );

        tiles.replace_scene(Scene::new(2, &[], &[]));
        let newer = tiles.job(Layer::Grids, request(), None);
        assert_eq!(newer.key.version, 2, "a new data version names a new tile");
        tiles.get_or_render(newer).await.expect("rendered");
        assert_eq!(tiles.cache.len(), 2, "the new version missed the cache");
    }

    #[test]
    fn an_incident_tile_changes_its_version_with_the_count() {
        let tiles = Tiles::new(Scene::new(1, &[], &[]), 1 << 20);
        let layer = Layer::parse("incidents-open").expect("a layer");
        let at = |ms| OpenCounts {
            at: chrono::DateTime::from_timestamp_millis(ms).expect("a time"),
            by_code: std::collections::HashMap::new(),
            scope_key: 0,
        };
        let one = tiles.job(layer, request(), Some(Arc::new(at(1000))));
        let two = tiles.job(layer, request(), Some(Arc::new(at(2000))));
        let plain = tiles.job(Layer::Grids, request(), None);
        assert_ne!(one.key.version, two.key.version);
        assert_ne!(one.key.version, plain.key.version);
    }
}
