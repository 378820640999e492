//! What the service keeps in memory of the committed data, and how it stays in step: the
//! grid index, the workers and their roster, the map tiles' scene and the incidents'
//! statistics facts.
//!
//! Everything here changes only from data the store has committed: [`Mirrors::load`] at
//! start-up, [`Mirrors::reload_scene`] after a change set, and [`follow`] for what other
//! processes commit. The services above (`incidents`, `linkage`, `planning`, `http`) read
//! the mirrors; none of them builds one.

mod facts;
mod refresh;
mod search;
mod stats;

pub use facts::{COUNTS_TTL, IncidentFacts, POLL_OVERLAP};
pub use refresh::{RefreshError, follow};
pub use search::{Found, FoundCamera, FoundGrid};
pub use stats::{ReportOn, StatsError};

use crate::domain::GridScope;
use crate::spatial::{GridIndex, Roster, SpatialIndex, WorkerIndex};
use crate::store::{DataVersions, GridFilter, Store, StoreError};
use crate::tiles::{Scene, Tiles};
use std::sync::Arc;

/// The in-memory mirrors of the committed data. Cheap to clone.
#[derive(Clone)]
pub struct Mirrors {
    /// Point location and nearest workers.
    pub index: Arc<SpatialIndex>,
    /// The projected scene and the rendered-tile cache.
    pub tiles: Arc<Tiles>,
    /// What statistics need of every incident.
    pub incidents: Arc<IncidentFacts>,
}

impl Mirrors {
    /// Builds the mirrors from what the store holds, with the [`DataVersions`] they
    /// reflect. The versions are read first: a write committed while the data is being
    /// read then shows in a later version, so the next refresh reloads it rather than
    /// missing it.
    pub async fn load(
        store: &dyn Store,
        tile_cache_bytes: u64,
    ) -> Result<(Self, DataVersions), StoreError> {
        let versions = store.data_versions().await?;
        let grids = store.grids(&GridScope::All, GridFilter::default()).await?;
        let cameras = store.cameras(&GridScope::All, None).await?;
        let scene = Scene::new(scene_version(&versions), &grids, &cameras);
        let workers = store.workers(&GridScope::All).await?;
        let roster = Roster::new(&workers);
        let workers = WorkerIndex::new(&workers);
        let incidents = IncidentFacts::new(store.incident_facts(&GridScope::All, None).await?);
        let mirrors = Self {
            index: Arc::new(SpatialIndex::new(GridIndex::new(grids), workers, roster)),
            tiles: Arc::new(Tiles::new(scene, tile_cache_bytes)),
            incidents: Arc::new(incidents),
        };
        Ok((mirrors, versions))
    }

    /// Reloads the grids and cameras committed as of `current`: the tiles' scene always,
    /// the grid index too when `grids` says the grids moved.
    pub async fn reload_scene(
        &self,
        store: &dyn Store,
        current: &DataVersions,
        grids: bool,
    ) -> Result<(), RefreshError> {
        let stored = store.grids(&GridScope::All, GridFilter::default()).await?;
        let cameras = store.cameras(&GridScope::All, None).await?;
        let count = stored.len();
        let version = scene_version(current);
        let (scene, grid_index) = tokio::task::spawn_blocking(move || {
            let scene = Scene::new(version, &stored, &cameras);
            (scene, grids.then(|| GridIndex::new(stored)))
        })
        .await?;
        self.tiles.replace_scene(scene);
        if let Some(grid_index) = grid_index {
            self.index.replace_grids(grid_index);
        }
        tracing::info!(
            version = current.grids,
            count,
            "reloaded the grids and cameras"
        );
        Ok(())
    }

    /// Rebuilds the grid index and the tiles' scene from what is committed now, after
    /// this process changed the grids, so the change shows at once. Should that fail, the
    /// change is still committed and [`follow`] catches up on its next tick, so the
    /// failure is only logged.
    pub async fn catch_up_on_grids(&self, store: &dyn Store) {
        let reloaded = match store.data_versions().await {
            Ok(versions) => self
                .reload_scene(store, &versions, true)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(error) = reloaded {
            tracing::warn!(%error, "reloading the grids after a change failed");
        }
    }
}

/// The version of what the map tiles show: grids and cameras. It names cached tiles and
/// their `ETag`s, so it must change whenever either does, and agree between replicas.
fn scene_version(versions: &DataVersions) -> u64 {
    ((versions.grids as u64) << 32) ^ (versions.cameras as u64)
}
