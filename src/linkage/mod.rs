//! Video linkage (视频联动): an alert on a camera, the ranked grid workers who could go, and
//! the calls that go out to them one at a time until one accepts, which files an incident
//! of the closed loop. Everything beyond the pure rules: the store, the in-memory index,
//! the incident desk, the timers that pass an unanswered call on, and the live feed that
//! the command centre's page and the workers' phones listen to.

mod calls;
mod feed;

use crate::domain::{
    Alert, AlertId, AlertSource, Call, Camera, Fix, GridId, GridScope, IncidentId, LevelNo, LonLat,
    NewAlert, Worker, WorkerId, WorkerRole,
};
use crate::incidents::{Desk, DeskError};
use crate::spatial::{Availability, SpatialIndex, Unavailable};
use crate::store::{NewPhoto, Store, StoreError};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;
use tokio::sync::broadcast;

/// How many changes a slow listener may fall behind before it misses some.
const LIVE_BACKLOG: usize = 1024;

/// What can go wrong in linkage.
#[derive(Debug, thiserror::Error)]
pub enum LinkageError {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Filing the incident was refused.
    #[error(transparent)]
    Desk(#[from] DeskError),
    /// The worker asked for cannot be called now.
    #[error("worker {worker} {reason}")]
    Unavailable {
        /// The worker.
        worker: WorkerId,
        /// Why not.
        reason: Unavailable,
    },
    /// Nobody is left to call, or the call cannot be placed as asked.
    #[error("{0}")]
    Conflict(String),
    /// The request names something unknown or out of range.
    #[error("{0}")]
    Invalid(String),
}

/// The settings of linkage.
#[derive(Debug, Clone)]
pub struct LinkageSettings {
    /// How long a call rings before it goes to the next candidate.
    pub call_timeout: Duration,
    /// How old a worker's last position may be for them to be called.
    pub freshness: TimeDelta,
    /// Travel speed for estimated arrival times, in metres per second.
    pub speed_m_s: f64,
    /// How close to the camera a worker is on scene, in metres.
    pub on_scene_radius_m: f64,
    /// How many candidates an alert offers.
    pub candidates: usize,
    /// The incident sub-category an alert files under unless it names one.
    pub alert_category: String,
    /// How long patrol tracks are kept.
    pub track_retention: TimeDelta,
}

/// A distance in metres as answers show it, to the decimetre.
fn to_decimetre(metres: f64) -> f64 {
    (metres * 10.0).round() / 10.0
}

/// A worker who could go, nearest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The worker.
    pub worker_id: WorkerId,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: WorkerRole,
    /// Their mobile number.
    pub phone: String,
    /// Geodesic distance from their last position, in metres (to 0.1 m).
    pub distance_m: f64,
    /// Estimated time to get there, in seconds.
    pub eta_s: i64,
    /// Whether they answer for a grid of the point's chain.
    pub responsible: bool,
    /// Their last position's longitude.
    pub lon: f64,
    /// Their last position's latitude.
    pub lat: f64,
}

/// A worker who answers for a grid of a chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponsibleWorker {
    /// The worker.
    pub worker_id: WorkerId,
    /// Their name.
    pub name: String,
    /// Their role.
    pub role: WorkerRole,
    /// Their mobile number.
    pub phone: String,
    /// The finest grid of the chain they answer for.
    pub grid_id: GridId,
    /// Its level.
    pub level: LevelNo,
}

/// An alert as it arrives, already parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertRequest {
    /// What was seen.
    pub note: String,
    /// Incident sub-category, or the configured default.
    pub category: Option<String>,
    /// Operator or analytics.
    pub source: AlertSource,
    /// Who raised it.
    pub raised_by: String,
    /// An incident already filed that it is about.
    pub incident_id: Option<IncidentId>,
}

/// A change the live feed announces.
#[derive(Debug, Clone)]
pub enum LinkageChange {
    /// An alert was raised or changed status.
    Alert(Arc<Alert>),
    /// A call rang or changed status.
    Call(Arc<Call>),
}

/// A worker on their way to a camera.
#[derive(Debug, Clone, Copy, PartialEq)]
struct EnRoute {
    call: crate::domain::CallId,
    target: LonLat,
}

/// Linkage, shared by every request and its own timers. Cheap to share behind an `Arc`.
pub struct Linkage {
    store: Arc<dyn Store>,
    index: Arc<SpatialIndex>,
    desk: Arc<Desk>,
    settings: LinkageSettings,
    live: broadcast::Sender<LinkageChange>,
    /// Accepted calls by worker, to notice arrival as positions come in; refreshed from
    /// committed calls.
    en_route: Mutex<HashMap<WorkerId, EnRoute>>,
    /// This process among the replicas, in the signals it sends.
    origin: u64,
}

impl Linkage {
    /// Linkage over this store, index and desk.
    #[must_use]
    pub fn new(
        store: Arc<dyn Store>,
        index: Arc<SpatialIndex>,
        desk: Arc<Desk>,
        settings: LinkageSettings,
    ) -> Self {
        Self {
            store,
            index,
            desk,
            settings,
            live: broadcast::channel(LIVE_BACKLOG).0,
            en_route: Mutex::new(HashMap::new()),
            // Random per process: `RandomState` is seeded from the operating system.
            origin: std::hash::BuildHasher::hash_one(
                &std::collections::hash_map::RandomState::new(),
                std::process::id(),
            ),
        }
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> &LinkageSettings {
        &self.settings
    }

    /// The rule of availability at `now`.
    #[must_use]
    pub fn availability(&self, now: DateTime<Utc>) -> Availability {
        Availability {
            now,
            freshness: self.settings.freshness,
        }
    }

    /// Whether a worker is already on their way to another alert.
    fn is_busy(&self, worker: WorkerId) -> bool {
        let en_route = self.en_route.lock().unwrap_or_else(PoisonError::into_inner);
        en_route.contains_key(&worker)
    }

    /// Estimated seconds to cover `distance_m`.
    fn eta_s(&self, distance_m: f64) -> i64 {
        (distance_m / self.settings.speed_m_s).ceil() as i64
    }

    /// The `k` available workers nearest to `point` (whose grid chain is `chain`, ids from
    /// the top down), each marked whether they answer for a grid of it.
    #[must_use]
    pub fn candidates(
        &self,
        point: LonLat,
        chain: &[GridId],
        k: usize,
        now: DateTime<Utc>,
    ) -> Vec<Candidate> {
        let rule = self.availability(now);
        let nearby = self
            .index
            .nearest_available(point, k, &rule, &|w| self.is_busy(w));
        let roster = self.index.roster();
        let responsible: std::collections::HashSet<WorkerId> = chain
            .iter()
            .flat_map(|&g| roster.members(g).iter().map(|m| m.id))
            .collect();
        nearby
            .into_iter()
            .filter_map(|n| {
                let contact = roster.contact(n.worker_id)?;
                Some(Candidate {
                    worker_id: n.worker_id,
                    name: contact.name.clone(),
                    role: contact.role,
                    phone: contact.phone.clone(),
                    distance_m: to_decimetre(n.distance_m),
                    eta_s: self.eta_s(n.distance_m),
                    responsible: responsible.contains(&n.worker_id),
                    lon: n.position.lon(),
                    lat: n.position.lat(),
                })
            })
            .collect()
    }

    /// The `k` available workers within `scope` nearest to `point`, each with what the
    /// store holds of them, nearest first.
    pub async fn nearest(
        &self,
        scope: &GridScope,
        point: LonLat,
        k: usize,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Worker, Candidate)>, StoreError> {
        let grids = self.index.grids();
        let chain: Vec<GridId> = grids.chain_at(point.into()).iter().map(|l| l.id).collect();
        let candidates = self.candidates(point, &chain, k, now);
        let ids: Vec<WorkerId> = candidates.iter().map(|c| c.worker_id).collect();
        let mut workers: HashMap<WorkerId, Worker> = self
            .store
            .workers_by_ids(scope, &ids)
            .await?
            .into_iter()
            .map(|w| (w.id, w))
            .collect();
        Ok(candidates
            .into_iter()
            .filter_map(|c| Some((workers.remove(&c.worker_id)?, c)))
            .collect())
    }

    /// Whether a point lies within `scope`, by the grids of its chain: how a camera, and
    /// so its alerts and calls, is judged, as none of them carries a grid of its own.
    fn in_scope(&self, scope: &GridScope, point: LonLat) -> bool {
        let grids = self.index.grids();
        scope.includes_any(grids.chain_at(point.into()).iter().map(|l| l.code))
    }

    /// Alert `id`, if its camera lies within `scope`; one outside is not found.
    async fn alert_in(&self, scope: &GridScope, id: AlertId) -> Result<Alert, LinkageError> {
        let alert = self.store.alert(scope, id).await?;
        if self.in_scope(scope, alert.location) {
            Ok(alert)
        } else {
            Err(StoreError::NotFound(format!("alert {id}")).into())
        }
    }

    /// The workers who answer for the grids of `chain`, finest grid first (see
    /// `Roster::answering`).
    #[must_use]
    pub fn responsible(&self, chain: &[(GridId, LevelNo)]) -> Vec<ResponsibleWorker> {
        let roster = self.index.roster();
        roster
            .answering(chain)
            .into_iter()
            .filter_map(|(member, grid_id, level)| {
                let contact = roster.contact(member.id)?;
                Some(ResponsibleWorker {
                    worker_id: member.id,
                    name: contact.name.clone(),
                    role: member.role,
                    phone: contact.phone.clone(),
                    grid_id,
                    level,
                })
            })
            .collect()
    }

    /// Records a position report received at `now`: stored first, then moved in the index
    /// (so lookups see only committed positions), then checked for arrival on scene.
    pub async fn record_position(
        &self,
        worker: WorkerId,
        fix: &Fix,
        now: DateTime<Utc>,
    ) -> Result<(), LinkageError> {
        self.store.record_position(worker, fix, now).await?;
        self.index.move_worker(worker, fix.position, fix.at);
        self.position_reported(worker, fix.position, now).await;
        Ok(())
    }

    /// Deletes the track points older than the retention allows at `now`.
    pub async fn purge_tracks(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let gone = self
            .store
            .purge_positions(now - self.settings.track_retention)
            .await?;
        if gone > 0 {
            tracing::info!(gone, "purged old track points");
        }
        Ok(gone)
    }

    /// Raises an alert on `camera` (within `scope`) at `now`, with its snapshot, already
    /// checked and re-encoded, stored in the same transaction.
    pub async fn raise(
        &self,
        scope: &GridScope,
        camera: &Camera,
        request: AlertRequest,
        snapshot: Option<NewPhoto>,
        now: DateTime<Utc>,
    ) -> Result<Alert, LinkageError> {
        if !self.in_scope(scope, camera.location) {
            return Err(StoreError::NotFound(format!("camera {}", camera.id)).into());
        }
        if let Some(retired) = camera.retired_at {
            return Err(LinkageError::Conflict(format!(
                "camera {} was retired at {retired}",
                camera.id
            )));
        }
        let category = request
            .category
            .unwrap_or_else(|| self.settings.alert_category.clone());
        if self.desk.sub_category(&category).is_none() {
            return Err(LinkageError::Invalid(format!(
                "unknown category {category:?}; GET /api/categories lists them"
            )));
        }
        if let Some(incident) = request.incident_id {
            self.store
                .incident(scope, incident)
                .await
                .map_err(|e| match e {
                    StoreError::NotFound(what) => {
                        LinkageError::Invalid(format!("{what} not found"))
                    }
                    other => other.into(),
                })?;
        }
        let alert = NewAlert {
            camera_id: camera.id,
            location: camera.location,
            note: request.note,
            category,
            source: request.source,
            raised_by: request.raised_by,
            raised_at: now,
            incident_id: request.incident_id,
        };
        let stored = self.store.insert_alert(&alert, snapshot.as_ref()).await?;
        self.announce(LinkageChange::Alert(Arc::new(stored.clone())));
        Ok(stored)
    }
}
