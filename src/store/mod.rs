//! Storage: one contract, [`Store`], with a module per backend.
//!
//! SQLite is the zero-setup default; PostgreSQL with PostGIS is production. Both are
//! reached through sqlx, both keep geometry exactly (coordinates round-trip bit for bit),
//! and both pass the same contract tests (`tests/store_contract.rs`).

mod cameras;
mod geometry;
mod incidents;
mod linkage;
mod planning;
mod postgres;
mod queries;
mod rows;
mod sqlite;
mod versions;
mod wkb;

pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

use crate::domain::{
    Alert, AlertEvent, AlertId, Bbox, Call, CallId, CallStatus, Camera, CameraChange, CameraId,
    ChangeSet, ChangeSetId, Fix, Grid, GridCode, GridId, GridRevision, Impact, Incident,
    IncidentEvent, IncidentFact, IncidentId, IncidentStatus, Level, LevelNo, NewAlert, NewCall,
    NewCamera, NewGrid, NewIncident, NewIncidentEvent, NewWorker, PhotoId, PlannedGrid, Problem,
    Shift, Urgency, Worker, WorkerId,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::sync::Arc;

/// What can go wrong in a store, in terms a caller can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist.
    #[error("{0} not found")]
    NotFound(String),
    /// The write would break a uniqueness or reference rule (duplicate code, unknown parent).
    #[error("{0}")]
    Conflict(String),
    /// The data was refused by the database's own checks (for example `ST_IsValid`).
    #[error("{0}")]
    Invalid(String),
    /// The write was made from a version of the data that has since moved on (a grid
    /// another planner changed meanwhile).
    #[error("{0}")]
    Stale(String),
    /// A stored value could not be read back into the domain model.
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// The database failed or could not be reached.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// Migrations could not be applied.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Which grids to list.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GridFilter {
    /// Only this level.
    pub level: Option<LevelNo>,
    /// Only grids whose bounding box meets this box.
    pub bbox: Option<Bbox>,
}

/// A whole dataset (a town, say) to store at once with [`Store::insert_dataset`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// Levels, inserted or renamed.
    pub levels: Vec<Level>,
    /// Grids of every level, each after its parent (or with its parent already stored).
    pub grids: Vec<NewGrid>,
    /// Cameras.
    pub cameras: Vec<NewCamera>,
    /// Workers, whose grids may be among `grids`.
    pub workers: Vec<NewWorker>,
}

/// How many of each kind a dataset held, and so stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DatasetCounts {
    /// Levels.
    pub levels: usize,
    /// Grids of every level.
    pub grids: usize,
    /// Cameras.
    pub cameras: usize,
    /// Workers.
    pub workers: usize,
}

/// How far each part of the data mirrored by the in-memory index has moved: every
/// committed write that changes grids bumps `grids`, every one that changes workers (their
/// rows, grids, duty or positions) bumps `workers`, in the same transaction. A reader that
/// remembers the versions it loaded at knows what to reload when they move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DataVersions {
    /// Version of the grids.
    pub grids: i64,
    /// Version of the workers.
    pub workers: i64,
    /// Version of the cameras.
    pub cameras: i64,
}

/// A change set about to be stored, as checked and previewed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChangeSet {
    /// Why the grids are redrawn.
    pub reason: String,
    /// Who proposes it.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The grids as it leaves them.
    pub grids: Vec<PlannedGrid>,
    /// What the checks found.
    pub problems: Vec<Problem>,
    /// What it would change.
    pub impact: Impact,
}

/// What applying a change set writes, as the service worked it out from the committed
/// data just before (see [`Store::apply_changeset`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyPlan {
    /// When: the time the new versions hold from.
    pub at: DateTime<Utc>,
    /// The change set, with its problems and impact as re-checked now.
    pub changeset: ChangeSet,
    /// Each retired grid, by code, with the grid its workers' assignments move to (`None`:
    /// they end).
    pub transfers: Vec<(GridCode, Option<GridCode>)>,
    /// The open incidents re-routed, each with the step recorded on its timeline.
    pub reroutes: Vec<PlannedReroute>,
}

/// An open incident passed to another grid's team by a change set.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedReroute {
    /// The incident as read; if its revision moved on meanwhile, the apply is refused.
    pub incident: Incident,
    /// The grid whose team takes it over, by code (it may be new in the change set).
    pub to: GridCode,
    /// The timeline step; the store fills in the responsible grid.
    pub event: NewIncidentEvent,
}

/// Which incidents to list, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentFilter {
    /// Only these statuses; all when empty.
    pub statuses: Vec<IncidentStatus>,
    /// Only open incidents of this colour at `now`.
    pub colour: Option<Urgency>,
    /// Only incidents filed in this grid or below it.
    pub grid: Option<GridCode>,
    /// Only these sub-categories; all when empty.
    pub categories: Vec<String>,
    /// Only incidents assigned to this worker.
    pub assignee: Option<WorkerId>,
    /// Only incidents located in this box.
    pub bbox: Option<Bbox>,
    /// Only incidents filed at or after this instant.
    pub reported_since: Option<DateTime<Utc>>,
    /// Only incidents with a smaller id: the cursor of the next page.
    pub before_id: Option<IncidentId>,
    /// Most incidents in the page.
    pub limit: u32,
    /// The instant colours are judged at.
    pub now: DateTime<Utc>,
}

impl IncidentFilter {
    /// The same filter, narrowed to incidents filed before incident `id`.
    #[must_use]
    pub fn filed_before(&self, id: IncidentId) -> Self {
        Self {
            before_id: Some(id),
            ..self.clone()
        }
    }

    /// Every incident, newest first, `limit` at a time, colours judged at `now`.
    #[must_use]
    pub fn all(limit: u32, now: DateTime<Utc>) -> Self {
        Self {
            statuses: Vec::new(),
            colour: None,
            grid: None,
            categories: Vec::new(),
            assignee: None,
            bbox: None,
            reported_since: None,
            before_id: None,
            limit,
            now,
        }
    }
}

/// One page of incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentPage {
    /// The incidents, newest first.
    pub incidents: Vec<Incident>,
    /// When more follow: the `before_id` that asks for them.
    pub next_before: Option<IncidentId>,
}

/// An incident's [`IncidentFact`] as of one revision, for the statistics mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedFact {
    /// The incident.
    pub id: IncidentId,
    /// The revision the fact reflects; a mirror keeps the highest it has seen.
    pub revision: i64,
    /// When that revision was written.
    pub updated_at: DateTime<Utc>,
    /// The fact.
    pub fact: IncidentFact,
}

/// A photo about to be stored, already checked and re-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoto {
    /// MIME type of `data`.
    pub content_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The image as served.
    pub data: Vec<u8>,
    /// Its JPEG thumbnail.
    pub thumbnail: Vec<u8>,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

/// A stored photo or thumbnail, ready to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhoto {
    /// Identifier.
    pub id: PhotoId,
    /// The incident it is attached to, once it is.
    pub incident: Option<IncidentId>,
    /// MIME type of `data`.
    pub content_type: String,
    /// Width in pixels of the full photo.
    pub width: u32,
    /// Height in pixels of the full photo.
    pub height: u32,
    /// The bytes.
    pub data: Vec<u8>,
}

/// The storage contract. Every write is one transaction: it is stored whole or not at all,
/// and bumps the [`DataVersions`] of what it changed. Reads of workers see one snapshot, so
/// a worker never comes without the grids committed with them.
#[async_trait]
pub trait Store: Send + Sync {
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// All levels, top first.
    async fn levels(&self) -> Result<Vec<Level>, StoreError>;

    /// Inserts levels or renames existing ones.
    async fn put_levels(&self, levels: &[Level]) -> Result<(), StoreError>;

    /// Grids matching the filter, ordered by level and code.
    async fn grids(&self, filter: GridFilter) -> Result<Vec<Grid>, StoreError>;

    /// One grid.
    async fn grid(&self, id: GridId) -> Result<Grid, StoreError>;

    /// One grid by code.
    async fn grid_by_code(&self, code: &GridCode) -> Result<Grid, StoreError>;

    /// Stores new grids in one transaction, resolving each parent by code (parents may be
    /// earlier in the same slice). A duplicate code, an unknown level or an unknown parent
    /// is a [`StoreError::Conflict`] and nothing is stored.
    async fn insert_grids(&self, grids: &[NewGrid]) -> Result<Vec<Grid>, StoreError>;

    /// The grids as they were at `at`, of one level or of all, ordered by level and code.
    async fn grids_as_of(
        &self,
        level: Option<LevelNo>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Grid>, StoreError>;

    /// Every version of a grid, oldest first, with the change set that made each.
    async fn grid_history(&self, id: GridId) -> Result<Vec<GridRevision>, StoreError>;

    /// Stores a proposed change set.
    async fn insert_changeset(&self, changeset: &NewChangeSet) -> Result<ChangeSet, StoreError>;

    /// One change set.
    async fn changeset(&self, id: ChangeSetId) -> Result<ChangeSet, StoreError>;

    /// Applies a proposed change set in one transaction: every grid it changes is kept in
    /// its history and rewritten (version one more), retired or created; the workers'
    /// assignments to retired grids and open incidents move as `plan` says; the grids' version is bumped.
    /// A grid whose version moved on since the change set was made is
    /// [`StoreError::Stale`]; a change set no longer proposed, or an incident changed
    /// meanwhile, a [`StoreError::Conflict`]; a boundary or coverage the database's own
    /// checks refuse, [`StoreError::Invalid`]. Any refusal stores nothing.
    async fn apply_changeset(&self, plan: &ApplyPlan) -> Result<ChangeSet, StoreError>;

    /// Discards a proposed change set; one no longer proposed is a [`StoreError::Conflict`].
    async fn discard_changeset(
        &self,
        id: ChangeSetId,
        at: DateTime<Utc>,
    ) -> Result<ChangeSet, StoreError>;

    /// Cameras in service (retired ones are left out), optionally only those inside a
    /// bounding box, ordered by code.
    async fn cameras(&self, bbox: Option<Bbox>) -> Result<Vec<Camera>, StoreError>;

    /// One camera, retired or not (a retired one has `retired_at`).
    async fn camera(&self, id: CameraId) -> Result<Camera, StoreError>;

    /// Stores new cameras in one transaction; a duplicate code, a retired camera's
    /// included, is a [`StoreError::Conflict`] and stores nothing.
    async fn insert_cameras(&self, cameras: &[NewCamera]) -> Result<Vec<Camera>, StoreError>;

    /// Edits a camera in one transaction: what `change` names is replaced, the rest kept; a
    /// new location is a move. Returns the camera as now stored. An unknown camera is
    /// [`StoreError::NotFound`], a retired one a [`StoreError::Conflict`].
    async fn update_camera(
        &self,
        id: CameraId,
        change: &CameraChange,
    ) -> Result<Camera, StoreError>;

    /// Retires a camera at `at` (kept to the microsecond) in one transaction: it stays
    /// readable by id but is no longer listed. An unknown camera is
    /// [`StoreError::NotFound`]; retiring it again is a [`StoreError::Conflict`].
    async fn retire_camera(&self, id: CameraId, at: DateTime<Utc>) -> Result<Camera, StoreError>;

    /// Every camera code in use, retired cameras' included, in order: what a new camera's
    /// code must differ from.
    async fn camera_codes(&self) -> Result<Vec<String>, StoreError>;

    /// Workers, ordered by id.
    async fn workers(&self) -> Result<Vec<Worker>, StoreError>;

    /// The workers with these ids, ordered by id; unknown ids are left out and repeated
    /// ones count once.
    async fn workers_by_ids(&self, ids: &[WorkerId]) -> Result<Vec<Worker>, StoreError>;

    /// One worker.
    async fn worker(&self, id: WorkerId) -> Result<Worker, StoreError>;

    /// Stores new workers and their grid assignments in one transaction; an unknown grid
    /// code stores nothing.
    async fn insert_workers(&self, workers: &[NewWorker]) -> Result<Vec<Worker>, StoreError>;

    /// Stores a whole dataset in one transaction, with the rules of [`Store::put_levels`],
    /// [`Store::insert_grids`], [`Store::insert_cameras`] and [`Store::insert_workers`]:
    /// any refusal stores nothing of it, levels included.
    async fn insert_dataset(&self, dataset: &Dataset) -> Result<DatasetCounts, StoreError>;

    /// Records a position report received at `received_at`: a point of the worker's
    /// patrol track and, provided `fix.at` is later than the stored report's time (or none
    /// is stored), the worker's last known position; times are kept to the microsecond. An
    /// earlier or equal time is a [`StoreError::Conflict`] naming both times, as reports
    /// arrive out of order and the latest must win; an unknown worker is
    /// [`StoreError::NotFound`]. Bumps no version (see [`Store::positions_since`]).
    async fn record_position(
        &self,
        id: WorkerId,
        fix: &Fix,
        received_at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Every position report received at or after `since` by the server's clock, oldest
    /// first, with that time: how a replica learns the positions others recorded.
    async fn positions_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(WorkerId, Fix, DateTime<Utc>)>, StoreError>;

    /// The patrol tracks: fixes taken in `[from, to)`, of one worker or of all, by worker
    /// and time.
    async fn tracks(
        &self,
        worker: Option<WorkerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(WorkerId, Fix)>, StoreError>;

    /// Replaces a worker's weekly shifts, bumping the workers' version.
    async fn replace_shifts(&self, id: WorkerId, shifts: &[Shift]) -> Result<(), StoreError>;

    /// Deletes the track points taken before `before`; answers how many went. Workers'
    /// last positions are kept.
    async fn purge_positions(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;

    /// The current [`DataVersions`], as committed.
    async fn data_versions(&self) -> Result<DataVersions, StoreError>;

    /// Files an incident: stores it as `reported` at revision 1 with `event` as the first
    /// step of its timeline, and attaches the event's photos. A photo that does not exist
    /// or is attached elsewhere is a [`StoreError::Conflict`] and nothing is stored.
    async fn insert_incident(
        &self,
        incident: &NewIncident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError>;

    /// Files an incident as [`Store::insert_incident`] does, then answers the incidents
    /// `nearby` selects among those filed before it (its `before_id` becomes the new id):
    /// the likely duplicates a filing offers, found on the same connection where the
    /// backend can, which spares a filing a second trip through the pool.
    async fn insert_incident_near(
        &self,
        incident: &NewIncident,
        event: &NewIncidentEvent,
        nearby: &IncidentFilter,
    ) -> Result<(Incident, Vec<Incident>), StoreError> {
        let stored = self.insert_incident(incident, event).await?;
        let page = self.incidents(&nearby.filed_before(stored.id)).await?;
        Ok((stored, page.incidents))
    }

    /// One incident.
    async fn incident(&self, id: IncidentId) -> Result<Incident, StoreError>;

    /// Writes the changed `incident` and appends `event` (from the stored status to the
    /// new one) in one transaction, provided the stored revision still equals
    /// `incident.revision`; otherwise someone changed it meanwhile, which is a
    /// [`StoreError::Conflict`] and nothing is written. Returns it as now stored.
    async fn update_incident(
        &self,
        incident: &Incident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError>;

    /// The incidents a filter selects, newest first, one page.
    async fn incidents(&self, filter: &IncidentFilter) -> Result<IncidentPage, StoreError>;

    /// An incident's timeline, oldest first; never rewritten.
    async fn incident_events(&self, id: IncidentId) -> Result<Vec<IncidentEvent>, StoreError>;

    /// What statistics need of every incident changed at or after `since` (of every
    /// incident when `None`), in no particular order: one narrow query.
    async fn incident_facts(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<RecordedFact>, StoreError>;

    /// Stores an uploaded photo, unattached until a report or step names it.
    async fn insert_photo(&self, photo: &NewPhoto) -> Result<PhotoId, StoreError>;

    /// A stored photo, or its thumbnail.
    async fn photo(&self, id: PhotoId, thumbnail: bool) -> Result<StoredPhoto, StoreError>;

    /// Stores an alert, open, with its snapshot, in one transaction; an unknown camera or
    /// incident is a [`StoreError::Conflict`] and stores nothing.
    async fn insert_alert(
        &self,
        alert: &NewAlert,
        snapshot: Option<&NewPhoto>,
    ) -> Result<Alert, StoreError>;

    /// One alert.
    async fn alert(&self, id: AlertId) -> Result<Alert, StoreError>;

    /// The newest alerts, of one camera or of all, newest first.
    async fn alerts(&self, camera: Option<CameraId>, limit: u32) -> Result<Vec<Alert>, StoreError>;

    /// An alert's record, oldest first; never rewritten.
    async fn alert_events(&self, id: AlertId) -> Result<Vec<AlertEvent>, StoreError>;

    /// One call.
    async fn call(&self, id: CallId) -> Result<Call, StoreError>;

    /// The calls a filter selects, oldest first.
    async fn calls(&self, filter: &CallFilter) -> Result<Vec<Call>, StoreError>;

    /// Rings a worker for an alert. While another call of the alert is ringing or accepted
    /// it is a [`StoreError::Conflict`] and nothing is stored, whichever replica placed
    /// the other.
    async fn place_call(&self, call: &NewCall) -> Result<Call, StoreError>;

    /// Ends a ringing call as `answer` says, in one transaction with whatever goes with
    /// it: an accepted call files its incident (or links the alert's own) and answers the
    /// alert. A call no longer ringing is a [`StoreError::Conflict`] and nothing is stored,
    /// so of two answers to one call exactly one wins. Returns the call and the incident
    /// filed, if one was.
    async fn answer_call(
        &self,
        id: CallId,
        answer: &CallAnswer<'_>,
        at: DateTime<Utc>,
        actor: &str,
    ) -> Result<(Call, Option<Incident>), StoreError>;

    /// Marks an accepted call on scene; any other status is a [`StoreError::Conflict`].
    async fn arrive(&self, id: CallId, at: DateTime<Utc>) -> Result<Call, StoreError>;

    /// Records that nobody is left to call for an open alert, which becomes unanswered.
    async fn give_up_alert(&self, id: AlertId, at: DateTime<Utc>) -> Result<Alert, StoreError>;

    /// Tells every process on this database that an alert or call changed, where the
    /// backend can (PostgreSQL's `NOTIFY`); the embedded store serves one process, so by
    /// default this does nothing.
    async fn signal_linkage(&self, _signal: &LinkageSignal) -> Result<(), StoreError> {
        Ok(())
    }

    /// The signals processes send with [`Store::signal_linkage`], this one's included, as
    /// they arrive; `None` where the backend carries none.
    async fn linkage_signals(&self) -> Result<Option<LinkageSignals>, StoreError> {
        Ok(None)
    }
}

/// A stream of [`LinkageSignal`]s.
pub type LinkageSignals =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<LinkageSignal, StoreError>> + Send>>;

/// That an alert, or one of its calls, changed: what replicas tell each other so that each
/// can show the change on the pages and phones connected to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LinkageSignal {
    /// The process that made the change, which already showed it.
    pub origin: u64,
    /// The alert.
    pub alert: AlertId,
    /// The call, when a call changed.
    pub call: Option<CallId>,
}

/// Which calls to list; every part left empty selects all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallFilter {
    /// Only calls of this alert.
    pub alert: Option<AlertId>,
    /// Only calls to this worker.
    pub worker: Option<WorkerId>,
    /// Only calls in these statuses.
    pub statuses: Vec<CallStatus>,
    /// Only calls that expire before this instant.
    pub expired_before: Option<DateTime<Utc>>,
}

/// How a ringing call ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CallAnswer<'a> {
    /// The worker accepted; with an incident to file for the alert, or `None` to link the
    /// incident the alert already names.
    Accept(Option<(&'a NewIncident, &'a NewIncidentEvent)>),
    /// The worker declined, for this reason.
    Decline(&'a str),
    /// Nobody answered in time.
    TimeOut,
}

/// Opens the store a URL names: `sqlite:` for the embedded store, `postgres:` or
/// `postgresql:` for PostGIS. Migrations are applied before it is returned.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    let store: Arc<dyn Store> = if url.starts_with("sqlite:") {
        Arc::new(SqliteStore::connect(url).await?)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Arc::new(PostgresStore::connect(url).await?)
    } else {
        return Err(StoreError::Invalid(format!(
            "unsupported database URL {url:?}: use sqlite:PATH or postgres://..."
        )));
    };
    store.migrate().await?;
    Ok(store)
}
