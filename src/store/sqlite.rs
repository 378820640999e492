//! The embedded store: one SQLite file, zero setup, the default for the demo town.
//!
//! SQLite has no geometry type, so a boundary is GeoJSON text beside its bounding box in
//! four indexed REAL columns, and a point is a `lon`/`lat` pair of REALs (IEEE doubles,
//! exact). Validity of boundaries is the importer's job here; PostGIS checks it again.

use super::cameras::{CameraQueries, CameraWrites};
use super::incidents::IncidentQueries;
use super::linkage::{LinkageQueries, ending};
use super::planning::{PlanningQueries, PlanningWrites, RevisionRow};
use super::queries::{GridInsert, Queries, Writes};
use super::rows::{CameraRow, GridRow, found};
use super::{
    ApplyPlan, CallAnswer, CallFilter, DataVersions, Dataset, DatasetCounts, GridFilter,
    IncidentFilter, IncidentPage, NewChangeSet, NewPhoto, RecordedFact, Store, StoreError,
    StoredPhoto, geometry, versions,
};
use crate::domain::{
    Alert, AlertEvent, AlertId, Bbox, Call, CallId, Camera, CameraChange, CameraId, ChangeSet,
    ChangeSetId, Fix, Grid, GridCode, GridId, GridRevision, Incident, IncidentEvent, IncidentId,
    Level, LevelNo, NewAlert, NewCall, NewCamera, NewGrid, NewIncident, NewIncidentEvent,
    NewWorker, PhotoId, Shift, Worker, WorkerId,
};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{QueryBuilder, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

type Q = Queries<Sqlite>;
type C = CameraQueries<Sqlite>;
type I = IncidentQueries<Sqlite>;
type L = LinkageQueries<Sqlite>;
type P = PlanningQueries<Sqlite>;

/// Grids in service; add conditions with `AND`.
const GRIDS: &str = "SELECT id, code, name, level, parent_id, households, residents, geometry, \
     version FROM grids WHERE retired_at IS NULL";
const GRID_BY_ID: &str = "SELECT id, code, name, level, parent_id, households, residents, \
     geometry, version FROM grids WHERE id = $1";
const GRID_BY_CODE: &str = "SELECT id, code, name, level, parent_id, households, residents, \
     geometry, version FROM grids WHERE code = $1";
const CAMERAS: &str = "SELECT id, code, name, lon, lat, kind, stream_url, status, heading_deg, \
     fov_deg, retired_at FROM cameras WHERE retired_at IS NULL";
const CAMERA_BY_ID: &str = "SELECT id, code, name, lon, lat, kind, stream_url, status, \
     heading_deg, fov_deg, retired_at FROM cameras WHERE id = $1";
const WORKERS: &str = "SELECT id, name, role, department, phone, on_duty, lon, lat, \
     position_at FROM workers";

/// Locks an alert for the rest of a write transaction and reads its status.
// Writes run in `BEGIN IMMEDIATE`, which already holds the database's write lock.
const LOCK_ALERT: &str = "SELECT status FROM alerts WHERE id = $1";

/// The writes, with parameters as `Writes` documents them.
const WRITES: Writes<Sqlite> = Writes {
    grid: "INSERT INTO grids (code, name, level, parent_id, households, residents, geometry, \
         min_lon, min_lat, max_lon, max_lat, valid_from) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    bind_boundary,
    camera: "INSERT INTO cameras (code, name, lon, lat, kind, stream_url, status, heading_deg, \
         fov_deg) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    worker: "INSERT INTO workers (name, role, department, phone, on_duty, lon, lat, \
         position_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    // Writes run in `BEGIN IMMEDIATE`, which already holds the database's write lock.
    lock_position: "SELECT position_at FROM workers WHERE id = $1",
    update_position: "UPDATE workers SET lon = $2, lat = $3, position_at = $4 WHERE id = $1",
};

/// A grid's columns as `GridRow` reads them, from `grids` or from `grid_history`.
macro_rules! grid_columns {
    ($id:literal) => {
        concat!(
            $id,
            " AS id, code, name, level, parent_id, households, residents, geometry, version"
        )
    };
}

/// The planning statements, with parameters as `PlanningWrites` documents them.
const PLANNING_WRITES: PlanningWrites = PlanningWrites {
    // Writes run in `BEGIN IMMEDIATE`, which already holds the database's write lock.
    lock_grid: "SELECT version, retired_at IS NOT NULL FROM grids WHERE id = $1",
    lock_changeset: "SELECT status FROM changesets WHERE id = $1",
    archive_grid: "INSERT INTO grid_history (grid_id, version, code, name, level, parent_id, \
         households, residents, geometry, valid_from, valid_to, changeset_id) \
         SELECT id, version, code, name, level, parent_id, households, residents, geometry, \
         valid_from, $2, changeset_id FROM grids WHERE id = $1",
    reshape_grid: "UPDATE grids SET code = $1, name = $2, level = $3, parent_id = $4, \
         households = $5, residents = $6, geometry = $7, min_lon = $8, min_lat = $9, \
         max_lon = $10, max_lat = $11, valid_from = $12, changeset_id = $13, \
         version = version + 1 WHERE id = $14 RETURNING id",
    history: concat!(
        "SELECT ",
        grid_columns!("g.id"),
        ", valid_from, NULL AS valid_to, retired_at IS NOT NULL AS retired, changeset_id, \
         c.author, c.reason FROM grids g LEFT JOIN changesets c ON c.id = g.changeset_id \
         WHERE g.id = $1 UNION ALL SELECT ",
        grid_columns!("h.grid_id"),
        ", valid_from, valid_to, 0 AS retired, changeset_id, c.author, c.reason \
         FROM grid_history h LEFT JOIN changesets c ON c.id = h.changeset_id \
         WHERE h.grid_id = $1 ORDER BY version"
    ),
    as_of: concat!(
        "SELECT ",
        grid_columns!("id"),
        " FROM grids WHERE valid_from <= $1 AND (retired_at IS NULL OR retired_at > $1) \
         AND ($2 = 0 OR level = $2) UNION ALL SELECT ",
        grid_columns!("grid_id"),
        " FROM grid_history WHERE valid_from <= $1 AND valid_to > $1 \
         AND ($2 = 0 OR level = $2) ORDER BY level, code"
    ),
    // SQLite has no geometry functions; the service's own checks are all there is.
    recheck_family: None,
};

/// The camera registry's writes, with parameters as `CameraWrites` documents them.
const CAMERA_WRITES: CameraWrites = CameraWrites {
    // Writes run in `BEGIN IMMEDIATE`, which already holds the database's write lock.
    lock: CAMERA_BY_ID,
    update: "UPDATE cameras SET name = $2, lon = $3, lat = $4, kind = $5, stream_url = $6, \
         status = $7, heading_deg = $8, fov_deg = $9 WHERE id = $1",
};

/// Binds a boundary as GeoJSON text and its bounding box as four indexed columns.
fn bind_boundary<'q>(
    insert: GridInsert<'q, Sqlite>,
    grid: &NewGrid,
    what: &str,
) -> Result<GridInsert<'q, Sqlite>, StoreError> {
    let [min_lon, min_lat, max_lon, max_lat] = geometry::bounds(&grid.geometry, what)?;
    Ok(insert
        .bind(geometry::to_geojson(&grid.geometry))
        .bind(min_lon)
        .bind(min_lat)
        .bind(max_lon)
        .bind(max_lat))
}

/// A store in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing, with its directory) the database a `sqlite:` URL names,
    /// in WAL mode with foreign keys enforced. Call [`Store::migrate`] before use.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            // Readers and the importer may overlap; wait for a lock rather than fail at once.
            .busy_timeout(Duration::from_secs(5));
        if let Some(dir) = options.get_filename().parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir).map_err(sqlx::Error::Io)?;
        }
        // A file on this machine never drops a connection: no ping before each use and no
        // reaping by age, which also keeps pool timers out of tests on a paused clock.
        let pool = SqlitePoolOptions::new()
            .test_before_acquire(false)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    async fn conn(&self) -> Result<PoolConnection<Sqlite>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// Starts a write transaction holding the write lock from the start. A deferred one
    /// reads first (resolving parents), and upgrading it to a writer while another
    /// connection writes fails at once with "database is locked": the busy timeout cannot
    /// help, as waiting could deadlock. `BEGIN IMMEDIATE` waits for the lock instead.
    async fn write(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Starts a read transaction: in WAL mode its first read fixes a snapshot that later
    /// reads in it share, whatever commits meanwhile.
    async fn read(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin().await?)
    }

    /// All workers, or those with these ids, in one snapshot (see `Queries::workers`).
    async fn read_workers(&self, ids: Option<&[WorkerId]>) -> Result<Vec<Worker>, StoreError> {
        let mut tx = self.read().await?;
        let workers = Q::workers(&mut tx, WORKERS, ids).await?;
        tx.commit().await?;
        Ok(workers)
    }
}

fn grid_from(row: GridRow<String>) -> Result<Grid, StoreError> {
    row.into_grid(boundary_from)
}

/// Reads a boundary as stored: GeoJSON text.
#[expect(
    clippy::needless_pass_by_value,
    reason = "the reader `GridRow::into_grid` takes, given the row's own column"
)]
fn boundary_from(text: String, what: &str) -> Result<geo::MultiPolygon<f64>, StoreError> {
    geometry::from_geojson(&text, what)
}

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    async fn levels(&self) -> Result<Vec<Level>, StoreError> {
        Q::levels(&mut *self.conn().await?).await
    }

    async fn put_levels(&self, levels: &[Level]) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        Q::put_levels(&mut tx, levels).await?;
        Ok(tx.commit().await?)
    }

    async fn grids(&self, filter: GridFilter) -> Result<Vec<Grid>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(GRIDS);
        if let Some(level) = filter.level {
            query.push(" AND level = ").push_bind(level);
        }
        if let Some(bbox) = filter.bbox {
            // The stored box meets `bbox`; the four columns are indexed together.
            query.push(" AND max_lon >= ").push_bind(bbox.min().lon());
            query.push(" AND min_lon <= ").push_bind(bbox.max().lon());
            query.push(" AND max_lat >= ").push_bind(bbox.min().lat());
            query.push(" AND min_lat <= ").push_bind(bbox.max().lat());
        }
        query.push(" ORDER BY level, code");
        let rows: Vec<GridRow<String>> = query.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(grid_from).collect()
    }

    async fn grid(&self, id: GridId) -> Result<Grid, StoreError> {
        let what = || format!("grid {id}");
        grid_from(Q::one(&mut *self.conn().await?, GRID_BY_ID, id, what).await?)
    }

    async fn grid_by_code(&self, code: &GridCode) -> Result<Grid, StoreError> {
        let (key, what) = (code.to_string(), || format!("grid {code}"));
        grid_from(Q::one(&mut *self.conn().await?, GRID_BY_CODE, key, what).await?)
    }

    async fn insert_grids(&self, grids: &[NewGrid]) -> Result<Vec<Grid>, StoreError> {
        let mut tx = self.write().await?;
        let stored = Q::insert_grids(&mut tx, &WRITES, grids).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn grids_as_of(
        &self,
        level: Option<LevelNo>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Grid>, StoreError> {
        let rows = P::as_of(&mut *self.conn().await?, &PLANNING_WRITES, level, at).await?;
        rows.into_iter().map(grid_from).collect()
    }

    async fn grid_history(&self, id: GridId) -> Result<Vec<GridRevision>, StoreError> {
        let rows: Vec<RevisionRow<String>> =
            P::history(&mut *self.conn().await?, &PLANNING_WRITES, id).await?;
        rows.into_iter()
            .map(|row| row.into_revision(boundary_from))
            .collect()
    }

    async fn insert_changeset(&self, changeset: &NewChangeSet) -> Result<ChangeSet, StoreError> {
        P::insert(&mut *self.conn().await?, changeset).await
    }

    async fn changeset(&self, id: ChangeSetId) -> Result<ChangeSet, StoreError> {
        P::get(&mut *self.conn().await?, id).await
    }

    async fn apply_changeset(&self, plan: &ApplyPlan) -> Result<ChangeSet, StoreError> {
        let mut tx = self.write().await?;
        let applied = P::apply(&mut tx, &PLANNING_WRITES, &WRITES, plan).await?;
        tx.commit().await?;
        Ok(applied)
    }

    async fn discard_changeset(
        &self,
        id: ChangeSetId,
        at: DateTime<Utc>,
    ) -> Result<ChangeSet, StoreError> {
        let mut tx = self.write().await?;
        let discarded = P::discard(&mut tx, &PLANNING_WRITES, id, at).await?;
        tx.commit().await?;
        Ok(discarded)
    }

    async fn cameras(&self, bbox: Option<Bbox>) -> Result<Vec<Camera>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(CAMERAS);
        if let Some(bbox) = bbox {
            query.push(" AND lon BETWEEN ").push_bind(bbox.min().lon());
            query.push(" AND ").push_bind(bbox.max().lon());
            query.push(" AND lat BETWEEN ").push_bind(bbox.min().lat());
            query.push(" AND ").push_bind(bbox.max().lat());
        }
        query.push(" ORDER BY code");
        let rows: Vec<CameraRow> = query.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(Camera::try_from).collect()
    }

    async fn camera(&self, id: CameraId) -> Result<Camera, StoreError> {
        let what = || format!("camera {id}");
        let row: CameraRow = Q::one(&mut *self.conn().await?, CAMERA_BY_ID, id, what).await?;
        row.try_into()
    }

    async fn insert_cameras(&self, cameras: &[NewCamera]) -> Result<Vec<Camera>, StoreError> {
        let mut tx = self.write().await?;
        let stored = Q::insert_cameras(&mut tx, WRITES.camera, cameras).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn update_camera(
        &self,
        id: CameraId,
        change: &CameraChange,
    ) -> Result<Camera, StoreError> {
        let mut tx = self.write().await?;
        let camera = C::update_camera(&mut tx, &CAMERA_WRITES, id, change).await?;
        tx.commit().await?;
        Ok(camera)
    }

    async fn retire_camera(&self, id: CameraId, at: DateTime<Utc>) -> Result<Camera, StoreError> {
        let mut tx = self.write().await?;
        let camera = C::retire_camera(&mut tx, &CAMERA_WRITES, id, at).await?;
        tx.commit().await?;
        Ok(camera)
    }

    async fn camera_codes(&self) -> Result<Vec<String>, StoreError> {
        C::camera_codes(&mut *self.conn().await?).await
    }

    async fn workers(&self) -> Result<Vec<Worker>, StoreError> {
        self.read_workers(None).await
    }

    async fn workers_by_ids(&self, ids: &[WorkerId]) -> Result<Vec<Worker>, StoreError> {
        self.read_workers(Some(ids)).await
    }

    async fn worker(&self, id: WorkerId) -> Result<Worker, StoreError> {
        found(self.read_workers(Some(&[id])).await?.pop(), || {
            format!("worker {id}")
        })
    }

    async fn insert_workers(&self, workers: &[NewWorker]) -> Result<Vec<Worker>, StoreError> {
        let mut tx = self.write().await?;
        let stored = Q::insert_workers(&mut tx, WRITES.worker, workers).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn insert_dataset(&self, dataset: &Dataset) -> Result<DatasetCounts, StoreError> {
        let mut tx = self.write().await?;
        let counts = Q::insert_dataset(&mut tx, &WRITES, dataset).await?;
        tx.commit().await?;
        Ok(counts)
    }

    async fn record_position(
        &self,
        id: WorkerId,
        fix: &Fix,
        received_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        Q::record_position(&mut tx, &WRITES, id, fix, received_at).await?;
        Ok(tx.commit().await?)
    }

    async fn positions_since(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(WorkerId, Fix, DateTime<Utc>)>, StoreError> {
        L::positions_since(&mut *self.conn().await?, since).await
    }

    async fn tracks(
        &self,
        worker: Option<WorkerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(WorkerId, Fix)>, StoreError> {
        L::tracks(&mut *self.conn().await?, worker, from, to).await
    }

    async fn replace_shifts(&self, id: WorkerId, shifts: &[Shift]) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        Q::replace_shifts(&mut tx, id, shifts).await?;
        Ok(tx.commit().await?)
    }

    async fn purge_positions(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        L::purge_positions(&mut *self.conn().await?, before).await
    }

    async fn data_versions(&self) -> Result<DataVersions, StoreError> {
        versions::read::<Sqlite>(&mut *self.conn().await?).await
    }

    async fn insert_incident(
        &self,
        incident: &NewIncident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError> {
        let mut tx = self.write().await?;
        let stored = I::insert(&mut tx, incident, event).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn incident(&self, id: IncidentId) -> Result<Incident, StoreError> {
        I::get(&mut *self.conn().await?, id).await
    }

    async fn update_incident(
        &self,
        incident: &Incident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError> {
        let mut tx = self.write().await?;
        let stored = I::update(&mut tx, incident, event).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn incidents(&self, filter: &IncidentFilter) -> Result<IncidentPage, StoreError> {
        I::list(&mut *self.conn().await?, filter).await
    }

    async fn incident_events(&self, id: IncidentId) -> Result<Vec<IncidentEvent>, StoreError> {
        I::events(&mut *self.conn().await?, id).await
    }

    async fn incident_facts(
        &self,
        since: Option<DateTime<Utc>>,
    ) -> Result<Vec<RecordedFact>, StoreError> {
        I::facts(&mut *self.conn().await?, since).await
    }

    async fn insert_photo(&self, photo: &NewPhoto) -> Result<PhotoId, StoreError> {
        I::insert_photo(&mut *self.conn().await?, photo).await
    }

    async fn photo(&self, id: PhotoId, thumbnail: bool) -> Result<StoredPhoto, StoreError> {
        I::photo(&mut *self.conn().await?, id, thumbnail).await
    }

    async fn insert_alert(
        &self,
        alert: &NewAlert,
        snapshot: Option<&NewPhoto>,
    ) -> Result<Alert, StoreError> {
        let mut tx = self.write().await?;
        let snapshot = match snapshot {
            Some(photo) => Some(I::insert_photo(&mut tx, photo).await?),
            None => None,
        };
        let stored = L::insert_alert(&mut tx, alert, snapshot).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn alert(&self, id: AlertId) -> Result<Alert, StoreError> {
        L::alert(&mut *self.conn().await?, id).await
    }

    async fn alerts(&self, camera: Option<CameraId>, limit: u32) -> Result<Vec<Alert>, StoreError> {
        L::alerts(&mut *self.conn().await?, camera, limit).await
    }

    async fn alert_events(&self, id: AlertId) -> Result<Vec<AlertEvent>, StoreError> {
        L::events(&mut *self.conn().await?, id).await
    }

    async fn call(&self, id: CallId) -> Result<Call, StoreError> {
        L::call(&mut *self.conn().await?, id).await
    }

    async fn calls(&self, filter: &CallFilter) -> Result<Vec<Call>, StoreError> {
        L::calls(&mut *self.conn().await?, filter).await
    }

    async fn place_call(&self, call: &NewCall) -> Result<Call, StoreError> {
        let mut tx = self.write().await?;
        let stored = L::place_call(&mut tx, LOCK_ALERT, call).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn answer_call(
        &self,
        id: CallId,
        answer: &CallAnswer<'_>,
        at: DateTime<Utc>,
        actor: &str,
    ) -> Result<(Call, Option<Incident>), StoreError> {
        let mut tx = self.write().await?;
        let filed = match answer {
            CallAnswer::Accept(Some((incident, event))) => {
                Some(I::insert(&mut tx, incident, event).await?)
            }
            _ => None,
        };
        let case = filed.as_ref().map(|i| i.case_number().to_string());
        let filed_as = filed.as_ref().map(|i| i.id).zip(case.as_deref());
        let call = L::answer(&mut tx, LOCK_ALERT, id, ending(answer, filed_as), at, actor).await?;
        tx.commit().await?;
        Ok((call, filed))
    }

    async fn arrive(&self, id: CallId, at: DateTime<Utc>) -> Result<Call, StoreError> {
        let mut tx = self.write().await?;
        let call = L::arrive(&mut tx, LOCK_ALERT, id, at).await?;
        tx.commit().await?;
        Ok(call)
    }

    async fn give_up_alert(&self, id: AlertId, at: DateTime<Utc>) -> Result<Alert, StoreError> {
        let mut tx = self.write().await?;
        let alert = L::give_up(&mut tx, LOCK_ALERT, id, at).await?;
        tx.commit().await?;
        Ok(alert)
    }
}
