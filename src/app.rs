//! Start-up and shutdown: open the store, load the demo town into an empty one, build the
//! index from committed data, keep it in step with other writers (`refresh`), bind the
//! listener and serve until Ctrl-C or SIGTERM.

mod refresh;

pub(crate) use refresh::reload_scene;

use crate::config::ServeConfig;
use crate::import::{self, ImportError};
use crate::incidents::{Desk, IncidentFacts};
use crate::linkage::Linkage;
use crate::spatial::{GridIndex, Roster, SpatialIndex, WorkerIndex};
use crate::store::{self, DataVersions, GridFilter, Store, StoreError};
use crate::tiles::{Scene, Tiles};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

/// Why the service could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The seed dataset could not be loaded.
    #[error("loading the seed dataset failed: {0}")]
    Seed(#[from] ImportError),
    /// The category or calendar file is missing or wrong.
    #[error(transparent)]
    Files(#[from] crate::incidents::FileError),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// A service ready to run: its listener is already bound, so tests can ask port 0 and
/// read the real port with [`Application::local_addr`].
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    /// Reloads the index when other processes commit, sweeps calls (and walks the demo's
    /// patrols); each stops when this is dropped.
    background: Vec<refresh::BackgroundTask>,
}

impl Application {
    /// Opens the store, seeds it when empty, builds the index, binds the listener and
    /// starts refreshing the index every `index_refresh_ms`.
    pub async fn build(config: &ServeConfig) -> Result<Self, StartError> {
        let store = store::connect(&config.database.database_url).await?;
        if !config.no_seed {
            seed_if_empty(store.as_ref(), &config.seed_dir).await?;
        }
        let (mirrors, versions) = load_mirrors(store.as_ref(), config.tile_cache_bytes()).await?;
        let (desk, linkage) = services(&store, &mirrors, config)?;
        linkage.recover().await?;
        let mut background = vec![
            sweep_calls(Arc::clone(&linkage)),
            refresh::BackgroundTask::spawn(Arc::clone(&linkage).follow_others()),
        ];
        if config.simulate_patrols {
            background.push(refresh::BackgroundTask::spawn(crate::demo::patrol::walk(
                Arc::clone(&mirrors.index),
                Arc::clone(&linkage),
            )));
        }
        let state = crate::http::AppState::new(
            Arc::clone(&store),
            mirrors.clone(),
            desk,
            Arc::clone(&linkage),
            config,
        );
        let router = crate::http::router(state, config);
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.bind,
                source,
            })?;
        let period = Duration::from_millis(config.index_refresh_ms);
        background.push(refresh::spawn(store, mirrors, versions, period));
        Ok(Self {
            listener,
            router,
            background,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish and stops
    /// refreshing the index.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Self {
            listener,
            router,
            background,
        } = self;
        let served = axum::serve(listener, router)
            .with_graceful_shutdown(shutdown_signal())
            .await;
        drop(background);
        served
    }
}

/// The incident desk and video linkage over `store` and `mirrors`, as `config` sets them.
pub fn services(
    store: &Arc<dyn Store>,
    mirrors: &Mirrors,
    config: &ServeConfig,
) -> Result<(Arc<Desk>, Arc<Linkage>), crate::incidents::FileError> {
    let desk = Arc::new(Desk::from_config(config, Arc::clone(&mirrors.incidents))?);
    let linkage = Arc::new(Linkage::new(
        Arc::clone(store),
        Arc::clone(&mirrors.index),
        Arc::clone(&desk),
        config.linkage(),
    ));
    Ok((desk, linkage))
}

/// How often calls are brought in step with what other replicas committed.
const CALL_SWEEP_PERIOD: Duration = Duration::from_secs(5);
/// How often old track points are purged.
const TRACK_PURGE_PERIOD: Duration = Duration::from_secs(3600);

/// Sweeps calls every few seconds (see `Linkage::sweep`) and purges old track points every
/// hour, the first time at start-up.
fn sweep_calls(linkage: Arc<Linkage>) -> refresh::BackgroundTask {
    refresh::BackgroundTask::spawn(async move {
        let mut ticks = tokio::time::interval(CALL_SWEEP_PERIOD);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut purged: Option<tokio::time::Instant> = None;
        loop {
            ticks.tick().await;
            let now = chrono::Utc::now();
            if let Err(error) = linkage.sweep(now).await {
                tracing::warn!(%error, "sweeping calls failed; trying again at the next tick");
            }
            if purged.is_none_or(|at| at.elapsed() >= TRACK_PURGE_PERIOD) {
                purged = Some(tokio::time::Instant::now());
                if let Err(error) = linkage.purge_tracks(now).await {
                    tracing::warn!(%error, "purging old track points failed");
                }
            }
        }
    })
}

/// Loads the dataset in `dir` into an empty store. Replicas starting together on one empty
/// database race to seed it; the dataset goes in as one transaction, so exactly one wins
/// and the others, refused with a conflict, find it seeded and carry on.
async fn seed_if_empty(store: &dyn Store, dir: &std::path::Path) -> Result<(), StartError> {
    if !store.levels().await?.is_empty() {
        return Ok(());
    }
    match import::import_dataset(store, dir).await {
        Ok(counts) => {
            tracing::info!(?counts, dir = %dir.display(), "seeded an empty database");
            Ok(())
        }
        Err(ImportError::Store(StoreError::Conflict(_)) | ImportError::Features(_))
            if !store.levels().await?.is_empty() =>
        {
            tracing::info!("another replica seeded the database first");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// What the service keeps in memory of the committed data: the spatial index, the map
/// tiles' scene and the incidents' statistics facts. Cheap to clone.
#[derive(Clone)]
pub struct Mirrors {
    /// Point location and nearest workers.
    pub index: Arc<SpatialIndex>,
    /// The projected scene and the rendered-tile cache.
    pub tiles: Arc<Tiles>,
    /// What statistics need of every incident.
    pub incidents: Arc<IncidentFacts>,
}

/// Builds the mirrors from what the store holds, with the [`DataVersions`] they reflect.
/// The versions are read first: a write committed while the data is being read then shows
/// in a later version, so the next refresh reloads it rather than missing it.
pub async fn load_mirrors(
    store: &dyn Store,
    tile_cache_bytes: u64,
) -> Result<(Mirrors, DataVersions), StoreError> {
    let versions = store.data_versions().await?;
    let grids = store.grids(GridFilter::default()).await?;
    let cameras = store.cameras(None).await?;
    let scene = Scene::new(scene_version(&versions), &grids, &cameras);
    let workers = store.workers().await?;
    let roster = Roster::new(&workers);
    let workers = WorkerIndex::new(&workers);
    let incidents = IncidentFacts::new(store.incident_facts(None).await?);
    let mirrors = Mirrors {
        index: Arc::new(SpatialIndex::new(GridIndex::new(grids), workers, roster)),
        tiles: Arc::new(Tiles::new(scene, tile_cache_bytes)),
        incidents: Arc::new(incidents),
    };
    Ok((mirrors, versions))
}

/// The version of what the map tiles show: grids and cameras. It names cached tiles and
/// their `ETag`s, so it must change whenever either does, and agree between replicas.
fn scene_version(versions: &DataVersions) -> u64 {
    ((versions.grids as u64) << 32) ^ (versions.cameras as u64)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %e, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
