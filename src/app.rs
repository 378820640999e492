//! Start-up and shutdown, and the one place that wires: open the store, load the demo town
//! into an empty one, load the mirrors from committed data, build every service from the
//! configuration (`services`), start the background tasks that keep the mirrors in step
//! with other writers and sweep calls (`tasks`), bind the listener and serve until Ctrl-C
//! or SIGTERM.

mod services;
mod tasks;

pub use services::state;

use crate::accounts::Accounts;
use crate::config::ServeConfig;
use crate::import::{self, ImportError};
use crate::mirrors::{self, Mirrors};
use crate::store::{self, Store, StoreError};
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
    /// The demo accounts could not be made.
    #[error("creating the demo accounts failed: {0}")]
    Accounts(String),
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
    background: Vec<tasks::BackgroundTask>,
}

impl Application {
    /// Opens the store, seeds it when empty, builds the index, binds the listener and
    /// starts refreshing the index every `index_refresh_ms`.
    pub async fn build(config: &ServeConfig) -> Result<Self, StartError> {
        let store = store::connect(&config.database.database_url).await?;
        let seeded = !config.no_seed && seed_if_empty(store.as_ref(), &config.seed_dir).await?;
        let (mirrors, versions) = Mirrors::load(store.as_ref(), config.tile_cache_bytes()).await?;
        let accounts = Arc::new(Accounts::load(Arc::clone(&store)).await?);
        if seeded {
            seed_accounts(store.as_ref(), &accounts, config.demo_password.clone()).await?;
        }
        let state = state(&store, &mirrors, accounts, config)?;
        let linkage = Arc::clone(&state.linkage);
        linkage.recover().await?;
        let period = Duration::from_millis(config.index_refresh_ms);
        let mut background = vec![
            tasks::sweep_calls(Arc::clone(&linkage)),
            tasks::BackgroundTask::spawn(Arc::clone(&linkage).follow_others()),
            tasks::BackgroundTask::spawn(mirrors::follow(store, mirrors.clone(), versions, period)),
        ];
        if config.simulate_patrols {
            background.push(tasks::BackgroundTask::spawn(crate::demo::patrol::walk(
                Arc::clone(&mirrors.index),
                linkage,
            )));
        }
        let router = crate::http::router(state, config);
        let listener = TcpListener::bind(config.bind)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.bind,
                source,
            })?;
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
        let served = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await;
        drop(background);
        served
    }
}

/// Loads the dataset in `dir` into an empty store. Replicas starting together on one empty
/// database race to seed it; the dataset goes in as one transaction, so exactly one wins
/// and the others, refused with a conflict, find it seeded and carry on.
/// Loads the seed dataset into an empty database; answers whether this process did.
async fn seed_if_empty(store: &dyn Store, dir: &std::path::Path) -> Result<bool, StartError> {
    if !store.levels().await?.is_empty() {
        return Ok(false);
    }
    match import::import_dataset(store, dir).await {
        Ok(counts) => {
            tracing::info!(?counts, dir = %dir.display(), "seeded an empty database");
            Ok(true)
        }
        Err(ImportError::Store(StoreError::Conflict(_)) | ImportError::Features(_))
            if !store.levels().await?.is_empty() =>
        {
            tracing::info!("another replica seeded the database first");
            Ok(false)
        }
        Err(e) => Err(e.into()),
    }
}

/// The demo's accounts, in a database just seeded; the password is logged once.
async fn seed_accounts(
    store: &dyn Store,
    accounts: &Accounts,
    password: Option<String>,
) -> Result<(), StartError> {
    let given = password.is_some();
    match crate::demo::accounts::seed(store, accounts, password).await {
        Ok(Some(password)) if !given => tracing::warn!(
            password,
            "demo accounts created (admin, dispatcher, chief, department, planner, leader, \
             analytics, and worker<id> for each grid worker), all with this password; it \
             is not shown again"
        ),
        Ok(_) => {}
        Err(e) => return Err(StartError::Accounts(e.to_string())),
    }
    Ok(())
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
