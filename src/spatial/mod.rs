//! The in-memory spatial index: which grid contains a point, and who is nearest.
//!
//! Pure data structures: nothing here knows about HTTP or SQL. The application builds an
//! index from what the store has committed and swaps it in whole (grids) or updates it
//! under a short lock (workers), so readers never see uncommitted data.
//!
//! # The boundary rule
//! Grids of one level partition their parent, so a point on a shared edge or vertex lies
//! on the boundary of several grids. Every lookup resolves it the same way: **a point on a
//! boundary belongs to the grid that lies immediately east of it; on an east–west edge, to
//! the grid immediately north**. Formally, the point `(lon, lat)` is treated as
//! `(lon + ε, lat + δ)` with infinitesimal `0 < δ ≪ ε`. Exact orientation predicates make
//! the rule hold to the last bit, so each point of a partitioned area is in exactly one grid
//! per level, and a point on the east or north edge of the whole town is outside it.

mod grids;
mod roster;
mod shape;
pub mod topology;
mod workers;

pub use grids::{ChainLink, GridIndex, IndexedGrid};
pub use roster::{Contact, Roster};
pub use shape::Shape;
pub use workers::{Availability, Nearby, Tracked, Unavailable, WorkerIndex};

use crate::domain::{LonLat, WorkerId};
use arc_swap::ArcSwap;
use chrono::{DateTime, Utc};
use std::sync::{Arc, PoisonError, RwLock};

/// The index the service shares between requests.
///
/// Grids are replaced whole (readers keep the snapshot they loaded, lock-free); workers'
/// positions change often and are updated in place under a lock held only for the update.
/// Callers change it only after the store has committed the data it reflects.
pub struct SpatialIndex {
    grids: ArcSwap<GridIndex>,
    workers: RwLock<WorkerIndex>,
    roster: ArcSwap<Roster>,
}

impl SpatialIndex {
    /// Wraps freshly built indexes.
    #[must_use]
    pub fn new(grids: GridIndex, workers: WorkerIndex, roster: Roster) -> Self {
        Self {
            grids: ArcSwap::from_pointee(grids),
            workers: RwLock::new(workers),
            roster: ArcSwap::from_pointee(roster),
        }
    }

    /// The current roster snapshot: who is assigned to which grid.
    #[must_use]
    pub fn roster(&self) -> Arc<Roster> {
        self.roster.load_full()
    }

    /// The current grid snapshot; hold it for the length of one request.
    #[must_use]
    pub fn grids(&self) -> Arc<GridIndex> {
        self.grids.load_full()
    }

    /// Swaps in a grid index built from newly committed grids.
    pub fn replace_grids(&self, grids: GridIndex) {
        self.grids.store(Arc::new(grids));
    }

    /// The `k` workers nearest to `p` who are available by `rule` and not in `busy`.
    #[must_use]
    pub fn nearest_available(
        &self,
        p: LonLat,
        k: usize,
        rule: &Availability,
        busy: &dyn Fn(WorkerId) -> bool,
    ) -> Vec<Nearby> {
        // A poisoned lock only means a writer panicked between two whole updates.
        let workers = self.workers.read().unwrap_or_else(PoisonError::into_inner);
        workers.nearest(p, k, |id, w| !busy(id) && rule.check(w).is_ok())
    }

    /// What the index knows of a worker now.
    #[must_use]
    pub fn worker(&self, id: WorkerId) -> Option<Tracked> {
        let workers = self.workers.read().unwrap_or_else(PoisonError::into_inner);
        workers.get(id).cloned()
    }

    /// Swaps in a worker index built from newly committed workers. The old index is freed
    /// after the lock is released, so readers wait only for the swap.
    pub fn replace_workers(&self, workers: WorkerIndex, roster: Roster) {
        self.roster.store(Arc::new(roster));
        let mut current = self.workers.write().unwrap_or_else(PoisonError::into_inner);
        let old = std::mem::replace(&mut *current, workers);
        drop(current);
        drop(old);
    }

    /// Records a worker's committed shifts.
    pub fn set_shifts(&self, id: WorkerId, shifts: &[crate::domain::Shift]) {
        let mut workers = self.workers.write().unwrap_or_else(PoisonError::into_inner);
        workers.set_shifts(id, shifts);
    }

    /// Records a committed position report taken at `at`, unless a later one is known;
    /// answers whether it moved the worker.
    pub fn move_worker(&self, id: WorkerId, position: LonLat, at: DateTime<Utc>) -> bool {
        let mut workers = self.workers.write().unwrap_or_else(PoisonError::into_inner);
        workers.move_worker(id, position, at)
    }
}
