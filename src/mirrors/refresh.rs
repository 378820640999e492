//! Keeps the index in step with data other processes commit: `gridlink import` run beside
//! the service, or another replica on the same PostGIS. A background task polls the store's
//! [`DataVersions`] and reloads whatever part moved; the service's own writes move them
//! too, which costs a reload but keeps one rule for every writer. Positions are too
//! frequent for that: the same task reads the reports received since its last look
//! (`Store::positions_since`) and moves the workers in place, keeping the later fix.

use super::Mirrors;
use crate::domain::GridScope;
use crate::spatial::{Roster, WorkerIndex};
use crate::store::{DataVersions, Store, StoreError};
use chrono::{DateTime, TimeDelta, Utc};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinError;
use tokio::time::MissedTickBehavior;

/// Why one refresh failed; the next tick tries again.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Building an index failed (it panicked).
    #[error("building the index failed: {0}")]
    Build(#[from] JoinError),
}

/// Keeps `mirrors` in step with the store, from the versions they were `loaded` at,
/// looking every `period`. Never returns: the service runs it in the background and
/// drops it to stop.
pub async fn follow(
    store: Arc<dyn Store>,
    mirrors: Mirrors,
    mut loaded: DataVersions,
    period: Duration,
) {
    let mut positions = PositionFeed {
        since: Utc::now() - POSITION_OVERLAP,
    };
    // `interval` panics on a zero period; the command line refuses one, code might not.
    let mut ticks = tokio::time::interval(period.max(Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    // The first tick is immediate, and the index has just been loaded.
    ticks.tick().await;
    loop {
        ticks.tick().await;
        if let Err(error) = refresh(store.as_ref(), &mirrors, &mut loaded).await {
            tracing::warn!(%error, "refreshing the index failed; trying again at the next tick");
        }
        // After a reload of the workers, so that a reload read just before a report was
        // recorded cannot put the older position back for longer than this tick.
        if let Err(error) = positions.poll(store.as_ref(), &mirrors).await {
            tracing::warn!(%error, "reading new positions failed; trying again at the next tick");
        }
    }
}

/// Reloads each part of `index` whose version has moved since `loaded`, and records in
/// `loaded` the version each reloaded part now reflects. The version is read before the
/// data, so a write committed in between is loaded now and again next time, never missed.
async fn refresh(
    store: &dyn Store,
    mirrors: &Mirrors,
    loaded: &mut DataVersions,
) -> Result<(), RefreshError> {
    let current = store.data_versions().await?;
    let grids_moved = current.grids != loaded.grids;
    if grids_moved || current.cameras != loaded.cameras {
        mirrors.reload_scene(store, &current, grids_moved).await?;
        (loaded.grids, loaded.cameras) = (current.grids, current.cameras);
    }
    // Incidents change far too often for a version row; ask for what changed since the
    // newest change seen (less an overlap), which is also how other replicas' show up.
    let since = mirrors.incidents.poll_from();
    let changed = store.incident_facts(&GridScope::All, since).await?;
    mirrors.incidents.record(changed);
    if current.workers != loaded.workers {
        let workers = store.workers(&GridScope::All).await?;
        let count = workers.len();
        let index = &mirrors.index;
        let (workers, roster) = tokio::task::spawn_blocking(move || {
            (WorkerIndex::new(&workers), Roster::new(&workers))
        })
        .await?;
        index.replace_workers(workers, roster);
        loaded.workers = current.workers;
        tracing::debug!(version = current.workers, count, "reloaded the workers");
    }
    Ok(())
}

/// How far back each poll of positions re-reads, for reports committed a little after
/// the server stamped them (another replica's, say).
const POSITION_OVERLAP: TimeDelta = TimeDelta::seconds(2);

/// Where the poll of other processes' position reports has got to.
struct PositionFeed {
    since: DateTime<Utc>,
}

impl PositionFeed {
    /// Moves the workers whose phones reported through another process since the last
    /// poll; reports this process recorded (or older than what the index has) change
    /// nothing, so reading some twice is harmless.
    async fn poll(&mut self, store: &dyn Store, mirrors: &Mirrors) -> Result<(), StoreError> {
        let reports = store.positions_since(&GridScope::All, self.since).await?;
        let mut newest = None;
        for (worker, fix, received_at) in reports {
            mirrors.index.move_worker(worker, fix.position, fix.at);
            newest = newest.max(Some(received_at));
        }
        if let Some(newest) = newest {
            self.since = self.since.max(newest - POSITION_OVERLAP);
        }
        Ok(())
    }
}
