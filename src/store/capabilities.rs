//! The storage contract, split by area into capability traits. [`super::Store`] is all of
//! them at once. Every write is one transaction: it is stored whole or not at all, and
//! bumps the [`DataVersions`] of what it changed. Reads of workers see one snapshot, so a
//! worker never comes without the grids committed with them.

use super::{
    Applied, ApplyPlan, AuditEntry, AuditFilter, CallAnswer, CallFilter, Credentials, DataVersions,
    Dataset, DatasetCounts, GridFilter, IncidentFilter, IncidentPage, LinkageSignal,
    LinkageSignals, NewAuditEntry, NewChangeSet, NewPhoto, NewUser, RecordedFact, StoreError,
    StoredPhoto, TokenInfo, UserChange,
};
use crate::domain::{
    Alert, AlertEvent, AlertId, Bbox, Call, CallId, Camera, CameraChange, CameraId, ChangeSet,
    ChangeSetId, Fix, Grant, GrantId, Grid, GridCode, GridId, GridRevision, GridScope, Incident,
    IncidentEvent, IncidentId, Level, LevelNo, NewAlert, NewCall, NewCamera, NewGrid, NewIncident,
    NewIncidentEvent, NewWorker, PhotoId, Role, Shift, User, UserId, Worker, WorkerId,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

/// The levels of the grid hierarchy and the grids in service.
///
/// Every read of grids takes the [`GridScope`] it answers for and filters by it in SQL: a
/// grid outside the scope is left out of lists and is [`StoreError::NotFound`] when asked
/// for, as if it did not exist.
#[async_trait]
pub trait GridStore: Send + Sync {
    /// All levels, top first.
    async fn levels(&self) -> Result<Vec<Level>, StoreError>;

    /// Inserts levels or renames existing ones.
    async fn put_levels(&self, levels: &[Level]) -> Result<(), StoreError>;

    /// Grids matching the filter, ordered by level and code.
    async fn grids(&self, scope: &GridScope, filter: GridFilter) -> Result<Vec<Grid>, StoreError>;

    /// One grid.
    async fn grid(&self, scope: &GridScope, id: GridId) -> Result<Grid, StoreError>;

    /// One grid by code.
    async fn grid_by_code(&self, scope: &GridScope, code: &GridCode) -> Result<Grid, StoreError>;

    /// Stores new grids in one transaction, resolving each parent by code (parents may be
    /// earlier in the same slice). A duplicate code, an unknown level or an unknown parent
    /// is a [`StoreError::Conflict`] and nothing is stored.
    async fn insert_grids(&self, grids: &[NewGrid]) -> Result<Vec<Grid>, StoreError>;
}

/// The camera registry.
///
/// Cameras carry no grid column (their grid is computed from the in-memory index): the
/// reads take the scope but filter nothing in SQL; for a narrower scope the caller, who
/// has the index, filters.
#[async_trait]
pub trait CameraStore: Send + Sync {
    /// Cameras in service (retired ones are left out), optionally only those inside a
    /// bounding box, ordered by code.
    async fn cameras(
        &self,
        scope: &GridScope,
        bbox: Option<Bbox>,
    ) -> Result<Vec<Camera>, StoreError>;

    /// One camera, retired or not (a retired one has `retired_at`).
    async fn camera(&self, scope: &GridScope, id: CameraId) -> Result<Camera, StoreError>;

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
}

/// Grid workers: who they are, their grids and shifts, and where they have been.
///
/// Every read takes a [`GridScope`] and filters by it in SQL: a worker is in scope when
/// one of the grids they are assigned to is ([`GridScope::includes_any`]), so a worker
/// assigned nowhere only in the scope of everything; one outside is left out of lists and
/// is [`StoreError::NotFound`] when asked for.
#[async_trait]
pub trait WorkerStore: Send + Sync {
    /// Workers, ordered by id.
    async fn workers(&self, scope: &GridScope) -> Result<Vec<Worker>, StoreError>;

    /// The workers with these ids, ordered by id; unknown ids are left out and repeated
    /// ones count once.
    async fn workers_by_ids(
        &self,
        scope: &GridScope,
        ids: &[WorkerId],
    ) -> Result<Vec<Worker>, StoreError>;

    /// One worker.
    async fn worker(&self, scope: &GridScope, id: WorkerId) -> Result<Worker, StoreError>;

    /// Stores new workers and their grid assignments in one transaction; an unknown grid
    /// code stores nothing.
    async fn insert_workers(&self, workers: &[NewWorker]) -> Result<Vec<Worker>, StoreError>;

    /// Records a position report received at `received_at`: a point of the worker's
    /// patrol track and, provided `fix.at` is later than the stored report's time (or none
    /// is stored), the worker's last known position; times are kept to the microsecond. An
    /// earlier or equal time is a [`StoreError::Conflict`] naming both times, as reports
    /// arrive out of order and the latest must win; an unknown worker is
    /// [`StoreError::NotFound`]. Bumps no version (see [`WorkerStore::positions_since`]).
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
        scope: &GridScope,
        since: DateTime<Utc>,
    ) -> Result<Vec<(WorkerId, Fix, DateTime<Utc>)>, StoreError>;

    /// The patrol tracks: fixes taken in `[from, to)`, of one worker or of all, by worker
    /// and time.
    async fn tracks(
        &self,
        scope: &GridScope,
        worker: Option<WorkerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(WorkerId, Fix)>, StoreError>;

    /// Replaces a worker's weekly shifts, bumping the workers' version.
    async fn replace_shifts(&self, id: WorkerId, shifts: &[Shift]) -> Result<(), StoreError>;

    /// Deletes the track points taken before `before`; answers how many went. Workers'
    /// last positions are kept.
    async fn purge_positions(&self, before: DateTime<Utc>) -> Result<u64, StoreError>;
}

/// Incidents, their timelines, the facts statistics read of them, and their photos.
///
/// Every read of incidents takes a [`GridScope`] and filters by it in SQL, on the code of
/// the deepest grid an incident was filed in (`grid_code`): as grid codes extend their
/// parent's, that is [`GridScope::includes_any`] of its chain. One outside is left out of
/// lists and is [`StoreError::NotFound`] when asked for. Photos take no scope.
#[async_trait]
pub trait IncidentStore: Send + Sync {
    /// Files an incident: stores it as `reported` at revision 1 with `event` as the first
    /// step of its timeline, and attaches the event's photos. A photo that does not exist
    /// or is attached elsewhere is a [`StoreError::Conflict`] and nothing is stored.
    async fn insert_incident(
        &self,
        incident: &NewIncident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError>;

    /// Files an incident as [`IncidentStore::insert_incident`] does, then answers the
    /// incidents within `scope` that `nearby` selects among those filed before it (its
    /// `before_id` becomes the new id): the likely duplicates a filing offers, found on the
    /// same connection, which spares a filing a second trip through the pool. The scope is
    /// that of the read only; the filing itself is not scoped.
    async fn insert_incident_near(
        &self,
        scope: &GridScope,
        incident: &NewIncident,
        event: &NewIncidentEvent,
        nearby: &IncidentFilter,
    ) -> Result<(Incident, Vec<Incident>), StoreError>;

    /// One incident.
    async fn incident(&self, scope: &GridScope, id: IncidentId) -> Result<Incident, StoreError>;

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
    async fn incidents(
        &self,
        scope: &GridScope,
        filter: &IncidentFilter,
    ) -> Result<IncidentPage, StoreError>;

    /// An incident's timeline, oldest first; never rewritten.
    async fn incident_events(
        &self,
        scope: &GridScope,
        id: IncidentId,
    ) -> Result<Vec<IncidentEvent>, StoreError>;

    /// What statistics need of every incident changed at or after `since` (of every
    /// incident when `None`), in no particular order: one narrow query.
    async fn incident_facts(
        &self,
        scope: &GridScope,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<RecordedFact>, StoreError>;

    /// Stores an uploaded photo, unattached until a report or step names it.
    async fn insert_photo(&self, photo: &NewPhoto) -> Result<PhotoId, StoreError>;

    /// A stored photo, or its thumbnail.
    async fn photo(&self, id: PhotoId, thumbnail: bool) -> Result<StoredPhoto, StoreError>;
}

/// Video linkage: alerts raised on cameras, the calls to workers they lead to, and the
/// signals replicas send each other about them.
///
/// Alerts and calls carry no grid column (a camera's grid is computed from the in-memory
/// index): the reads take the scope but filter nothing in SQL; for a narrower scope the
/// caller, who has the index, filters.
#[async_trait]
pub trait LinkageStore: Send + Sync {
    /// Stores an alert, open, with its snapshot, in one transaction; an unknown camera or
    /// incident is a [`StoreError::Conflict`] and stores nothing.
    async fn insert_alert(
        &self,
        alert: &NewAlert,
        snapshot: Option<&NewPhoto>,
    ) -> Result<Alert, StoreError>;

    /// One alert.
    async fn alert(&self, scope: &GridScope, id: AlertId) -> Result<Alert, StoreError>;

    /// The newest alerts, of one camera or of all, newest first.
    async fn alerts(
        &self,
        scope: &GridScope,
        camera: Option<CameraId>,
        limit: u32,
    ) -> Result<Vec<Alert>, StoreError>;

    /// An alert's record, oldest first; never rewritten.
    async fn alert_events(
        &self,
        scope: &GridScope,
        id: AlertId,
    ) -> Result<Vec<AlertEvent>, StoreError>;

    /// One call.
    async fn call(&self, scope: &GridScope, id: CallId) -> Result<Call, StoreError>;

    /// The calls a filter selects, oldest first.
    async fn calls(&self, scope: &GridScope, filter: &CallFilter) -> Result<Vec<Call>, StoreError>;

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
    /// backend can (PostgreSQL's `NOTIFY`); the embedded store serves one process, so there
    /// this does nothing.
    async fn signal_linkage(&self, signal: &LinkageSignal) -> Result<(), StoreError>;

    /// The signals processes send with [`LinkageStore::signal_linkage`], this one's
    /// included, as they arrive; `None` where the backend carries none.
    async fn linkage_signals(&self) -> Result<Option<LinkageSignals>, StoreError>;
}

/// Grid planning: change sets, and the grids' history.
///
/// The reads of grids take a [`GridScope`] and filter by it in SQL, each version by its
/// own code; change sets take none.
#[async_trait]
pub trait PlanningStore: Send + Sync {
    /// The grids as they were at `at`, of one level or of all, ordered by level and code.
    async fn grids_as_of(
        &self,
        scope: &GridScope,
        level: Option<LevelNo>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Grid>, StoreError>;

    /// Every version of a grid, oldest first, with the change set that made each.
    async fn grid_history(
        &self,
        scope: &GridScope,
        id: GridId,
    ) -> Result<Vec<GridRevision>, StoreError>;

    /// Stores a proposed change set.
    async fn insert_changeset(&self, changeset: &NewChangeSet) -> Result<ChangeSet, StoreError>;

    /// One change set.
    async fn changeset(&self, id: ChangeSetId) -> Result<ChangeSet, StoreError>;

    /// Applies a proposed change set in one transaction: every grid it changes is kept in
    /// its history and rewritten (version one more), retired or created; the workers'
    /// assignments to retired grids and open incidents move as `plan` says; the grids'
    /// version is bumped. Returns the change set as applied and the incidents re-routed,
    /// as now stored. A grid whose version moved on since the change set was made is
    /// [`StoreError::Stale`]; a change set no longer proposed, or an incident changed
    /// meanwhile, a [`StoreError::Conflict`]; a boundary or coverage the database's own
    /// checks refuse, [`StoreError::Invalid`]. Any refusal stores nothing.
    async fn apply_changeset(&self, plan: &ApplyPlan) -> Result<Applied, StoreError>;

    /// Discards a proposed change set; one no longer proposed is a [`StoreError::Conflict`].
    async fn discard_changeset(
        &self,
        id: ChangeSetId,
        at: DateTime<Utc>,
    ) -> Result<ChangeSet, StoreError>;
}

/// The database as a whole: its schema, the versions of what the index mirrors, and whole
/// datasets.
#[async_trait]
pub trait DataStore: Send + Sync {
    /// Applies pending migrations.
    async fn migrate(&self) -> Result<(), StoreError>;

    /// The current [`DataVersions`], as committed.
    async fn data_versions(&self) -> Result<DataVersions, StoreError>;

    /// Stores a whole dataset in one transaction, with the rules of
    /// [`GridStore::put_levels`], [`GridStore::insert_grids`],
    /// [`CameraStore::insert_cameras`] and [`WorkerStore::insert_workers`]: any refusal
    /// stores nothing of it, levels included.
    async fn insert_dataset(&self, dataset: &Dataset) -> Result<DatasetCounts, StoreError>;
}

/// Accounts, their grants, sessions and tokens, the roles, and the append-only audit
/// trail. Sessions and tokens are looked up by the SHA-256 hash of what the client holds.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Every role, its permission words checked (an unknown one is
    /// [`StoreError::Corrupt`]).
    async fn roles(&self) -> Result<Vec<Role>, StoreError>;

    /// Every account, by username.
    async fn users(&self) -> Result<Vec<User>, StoreError>;

    /// One account.
    async fn user(&self, id: UserId) -> Result<User, StoreError>;

    /// The account `username` with its password hash, for log-in; `None` if unknown.
    async fn credentials(&self, username: &str) -> Result<Option<Credentials>, StoreError>;

    /// Creates an account with its grants in one transaction; a taken username or worker
    /// is a [`StoreError::Conflict`], an unknown role or worker one too.
    async fn insert_user(&self, user: &NewUser) -> Result<User, StoreError>;

    /// Changes an account; a new password hash revokes every session of it in the same
    /// transaction.
    async fn update_user(
        &self,
        id: UserId,
        change: &UserChange,
        at: DateTime<Utc>,
    ) -> Result<User, StoreError>;

    /// Locks an account for log-in until `until`.
    async fn lock_user(&self, id: UserId, until: DateTime<Utc>) -> Result<(), StoreError>;

    /// Gives `user` a role on a grid's subtree (or everything).
    async fn insert_grant(
        &self,
        user: UserId,
        role: &str,
        grid: Option<&GridCode>,
    ) -> Result<Grant, StoreError>;

    /// Takes back a grant of `user`.
    async fn delete_grant(&self, user: UserId, id: GrantId) -> Result<(), StoreError>;

    /// Opens a session.
    async fn insert_session(
        &self,
        hash: &str,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The user of a session not revoked and seen after `idle_since`, with when it was
    /// last seen.
    async fn session(
        &self,
        hash: &str,
        idle_since: DateTime<Utc>,
    ) -> Result<Option<(UserId, DateTime<Utc>)>, StoreError>;

    /// Records that a session was used at `at`.
    async fn touch_session(&self, hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Ends a session.
    async fn revoke_session(&self, hash: &str, at: DateTime<Utc>) -> Result<(), StoreError>;

    /// Stores a token's hash.
    async fn insert_token(
        &self,
        user: UserId,
        hash: &str,
        label: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<TokenInfo, StoreError>;

    /// The user and id of a token neither revoked nor expired at `now`.
    async fn token(
        &self,
        hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(UserId, i64)>, StoreError>;

    /// The tokens of a user, newest first.
    async fn tokens(&self, user: UserId) -> Result<Vec<TokenInfo>, StoreError>;

    /// Revokes a token; revoking it again changes nothing.
    async fn revoke_token(&self, id: i64, at: DateTime<Utc>) -> Result<TokenInfo, StoreError>;

    /// Appends a row to the audit trail.
    async fn append_audit(&self, entry: &NewAuditEntry) -> Result<(), StoreError>;

    /// Rows of the audit trail, newest first.
    async fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;

    /// How many failed log-ins of `username` the trail holds since `since`.
    async fn failed_logins(&self, username: &str, since: DateTime<Utc>) -> Result<i64, StoreError>;
}
