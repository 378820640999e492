//! The production store: PostgreSQL with PostGIS.
//!
//! Boundaries travel as WKB (`ST_AsBinary` / `ST_GeomFromWKB`), points as two float8
//! values (`ST_X`/`ST_Y`, `ST_MakePoint`): both carry doubles bit for bit, where PostGIS's
//! text formats round them (`ST_AsGeoJSON(geom, 15)` keeps 15 decimal places, so only
//! 7 significant digits of `0.000123456789012345`). The database refuses invalid
//! boundaries itself (`CHECK (ST_IsValid(geom))`), which surfaces as [`StoreError::Invalid`].

use super::cameras::{CameraQueries, CameraWrites};
use super::incidents::IncidentQueries;
use super::linkage::{LinkageQueries, ending};
use super::planning::{PlanningQueries, PlanningWrites, RevisionRow};
use super::queries::{GridInsert, Queries, Writes};
use super::rows::{CameraRow, GridRow, ShiftRow, WorkerRow, assemble_workers, found, write_error};
use super::{
    ApplyPlan, CallAnswer, CallFilter, DataVersions, Dataset, DatasetCounts, GridFilter,
    IncidentFilter, IncidentPage, LinkageSignal, LinkageSignals, NewChangeSet, NewPhoto,
    RecordedFact, Store, StoreError, StoredPhoto, versions, wkb,
};
use crate::domain::{
    Alert, AlertEvent, AlertId, Bbox, Call, CallId, Camera, CameraChange, CameraId, ChangeSet,
    ChangeSetId, Fix, Grid, GridCode, GridId, GridRevision, Incident, IncidentEvent, IncidentId,
    Level, LevelNo, NewAlert, NewCall, NewCamera, NewGrid, NewIncident, NewIncidentEvent,
    NewWorker, PhotoId, Shift, Worker, WorkerId,
};
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use futures_util::StreamExt;
use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgListener, PgPool, PgPoolOptions};
use sqlx::{Connection, FromRow, Postgres, QueryBuilder, Row, Transaction};
use std::str::FromStr;
use std::time::Duration;

type Q = Queries<Postgres>;
type C = CameraQueries<Postgres>;
type I = IncidentQueries<Postgres>;
type L = LinkageQueries<Postgres>;
type P = PlanningQueries<Postgres>;

/// Grids in service; add conditions with `AND`.
const GRIDS: &str = "SELECT id, code, name, level, parent_id, households, residents, \
     ST_AsBinary(geom, 'NDR') AS geometry, version FROM grids WHERE retired_at IS NULL";
const GRID_BY_ID: &str = "SELECT id, code, name, level, parent_id, households, residents, \
     ST_AsBinary(geom, 'NDR') AS geometry, version FROM grids WHERE id = $1";
const GRID_BY_CODE: &str = "SELECT id, code, name, level, parent_id, households, residents, \
     ST_AsBinary(geom, 'NDR') AS geometry, version FROM grids WHERE code = $1";
const CAMERAS: &str = "SELECT id, code, name, ST_X(point) AS lon, ST_Y(point) AS lat, kind, \
     stream_url, status, heading_deg, fov_deg, retired_at FROM cameras WHERE retired_at IS NULL";
const CAMERA_BY_ID: &str = "SELECT id, code, name, ST_X(point) AS lon, ST_Y(point) AS lat, \
     kind, stream_url, status, heading_deg, fov_deg, retired_at FROM cameras WHERE id = $1";
const WORKERS: &str = "SELECT id, name, role, department, phone, on_duty, ST_X(position) AS lon, \
     ST_Y(position) AS lat, position_at FROM workers";

/// One worker `$1` as [`WORKERS`] reads it, with their grids and shifts as arrays in the
/// order `Queries::workers` reads them.
const ONE_WORKER: &str = "SELECT id, name, role, department, phone, on_duty, \
     ST_X(position) AS lon, ST_Y(position) AS lat, position_at, \
     ARRAY(SELECT grid_id FROM worker_grids g WHERE g.worker_id = w.id ORDER BY grid_id) \
         AS grid_ids, \
     ARRAY(SELECT weekdays FROM shifts s WHERE s.worker_id = w.id \
         ORDER BY weekdays, starts, ends) AS shift_weekdays, \
     ARRAY(SELECT starts FROM shifts s WHERE s.worker_id = w.id \
         ORDER BY weekdays, starts, ends) AS shift_starts, \
     ARRAY(SELECT ends FROM shifts s WHERE s.worker_id = w.id \
         ORDER BY weekdays, starts, ends) AS shift_ends \
     FROM workers w WHERE id = $1";

/// Locks an alert for the rest of a write transaction and reads its status.
// Row locks serialise the steps of one alert across replicas.
const LOCK_ALERT: &str = "SELECT status FROM alerts WHERE id = $1 FOR UPDATE";

/// The writes, with parameters as `Writes` documents them.
const WRITES: Writes<Postgres> = Writes {
    grid: "INSERT INTO grids (code, name, level, parent_id, households, residents, geom, \
         valid_from) VALUES ($1, $2, $3, $4, $5, $6, ST_Multi(ST_GeomFromWKB($7, 4326)), $8) \
         RETURNING id",
    bind_boundary,
    camera: "INSERT INTO cameras (code, name, point, kind, stream_url, status, heading_deg, \
         fov_deg) VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6, $7, $8, $9) \
         RETURNING id",
    worker: "INSERT INTO workers (name, role, department, phone, on_duty, position, \
         position_at) VALUES ($1, $2, $3, $4, $5, \
         ST_SetSRID(ST_MakePoint($6, $7), 4326), $8) RETURNING id",
    lock_position: "SELECT position_at FROM workers WHERE id = $1 FOR UPDATE",
    update_position: "UPDATE workers SET position = ST_SetSRID(ST_MakePoint($2, $3), 4326), \
         position_at = $4 WHERE id = $1",
};

/// Records position report `$2` (lon), `$3` (lat) taken at `$4` with accuracy `$5`,
/// received at `$6`, for worker `$1` (see `Store::record_position`), in one statement:
/// locks the worker's row, and when `$4` is newer than its `position_at` moves it and adds
/// the point to the track. Answers the `position_at` it found and whether it moved the
/// worker; no row means no such worker.
const RECORD_POSITION: &str = "WITH last AS ( \
         SELECT id, position_at FROM workers WHERE id = $1 FOR UPDATE \
     ), moved AS ( \
         UPDATE workers SET position = ST_SetSRID(ST_MakePoint($2, $3), 4326), position_at = $4 \
         FROM last WHERE workers.id = last.id \
         AND (last.position_at IS NULL OR last.position_at < $4) \
         RETURNING workers.id \
     ), track AS ( \
         INSERT INTO worker_positions (worker_id, at, lon, lat, accuracy_m, received_at) \
         SELECT id, $4, $2, $3, $5, $6 FROM moved \
     ) \
     SELECT last.position_at, EXISTS (SELECT 1 FROM moved) FROM last";

/// The camera registry's writes, with parameters as `CameraWrites` documents them.
const CAMERA_WRITES: CameraWrites = CameraWrites {
    lock: "SELECT id, code, name, ST_X(point) AS lon, ST_Y(point) AS lat, kind, stream_url, \
         status, heading_deg, fov_deg, retired_at FROM cameras WHERE id = $1 FOR UPDATE",
    update: "UPDATE cameras SET name = $2, point = ST_SetSRID(ST_MakePoint($3, $4), 4326), \
         kind = $5, stream_url = $6, status = $7, heading_deg = $8, fov_deg = $9 WHERE id = $1",
};

/// Files a report without photos in one statement: the incident and its first event,
/// parameters as `IncidentQueries::insert_in_one_statement` documents them. The event's
/// foreign key is checked at the end of the statement, when the incident is there.
const INSERT_INCIDENT_AND_EVENT: &str = "WITH incident AS (INSERT INTO incidents (category, \
     source, lon, lat, grid_code, chain, description, reporter, priority, status, \
     responsible_grid_id, department, assignee_id, reported_at, deadline, yellow_at, revision, \
     updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
     1, $14) RETURNING id) INSERT INTO incident_events (incident_id, seq, at, actor, action, \
     from_status, to_status, note, photos, details) SELECT id, 1, $17, $18, $19, NULL, $10, \
     $20, $21, $22 FROM incident RETURNING incident_id";

/// Files an incident on `conn`: without photos in one statement (its own transaction),
/// with photos in a transaction that attaches them too.
async fn insert_on(
    conn: &mut PgConnection,
    incident: &NewIncident,
    event: &NewIncidentEvent,
) -> Result<Incident, StoreError> {
    if event.photos.is_empty() {
        return I::insert_in_one_statement(conn, INSERT_INCIDENT_AND_EVENT, incident, event).await;
    }
    let mut tx = conn.begin().await?;
    let stored = I::insert(&mut tx, incident, event).await?;
    tx.commit().await?;
    Ok(stored)
}

/// The channel linkage signals travel on, followed by the schema's name: replicas on one
/// database and schema hear each other, other schemas in the same database do not.
const CHANNEL: &str = "gridlink_linkage_";
/// Sends a linkage signal, `$1` its JSON, on the channel of the current schema.
const SIGNAL: &str = "SELECT pg_notify('gridlink_linkage_' || current_schema(), $1)";

/// A pooled connection idle this long is pinged before use, and replaced if it is dead.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// A grid's columns as `GridRow` reads them, from `grids` or from `grid_history`.
macro_rules! grid_columns {
    ($id:literal) => {
        concat!(
            $id,
            " AS id, code, name, level, parent_id, households, residents, \
             ST_AsBinary(geom, 'NDR') AS geometry, version"
        )
    };
}

/// The planning statements, with parameters as `PlanningWrites` documents them.
const PLANNING_WRITES: PlanningWrites = PlanningWrites {
    lock_grid: "SELECT version, retired_at IS NOT NULL FROM grids WHERE id = $1 FOR UPDATE",
    lock_changeset: "SELECT status FROM changesets WHERE id = $1 FOR UPDATE",
    archive_grid: "INSERT INTO grid_history (grid_id, version, code, name, level, parent_id, \
         households, residents, geom, valid_from, valid_to, changeset_id) \
         SELECT id, version, code, name, level, parent_id, households, residents, geom, \
         valid_from, $2, changeset_id FROM grids WHERE id = $1",
    reshape_grid: "UPDATE grids SET code = $1, name = $2, level = $3, parent_id = $4, \
         households = $5, residents = $6, geom = ST_Multi(ST_GeomFromWKB($7, 4326)), \
         valid_from = $8, changeset_id = $9, version = version + 1 WHERE id = $10 RETURNING id",
    history: concat!(
        "SELECT ",
        grid_columns!("g.id"),
        ", valid_from, NULL::timestamptz AS valid_to, retired_at IS NOT NULL AS retired, \
         changeset_id, c.author, c.reason FROM grids g \
         LEFT JOIN changesets c ON c.id = g.changeset_id WHERE g.id = $1 UNION ALL SELECT ",
        grid_columns!("h.grid_id"),
        ", valid_from, valid_to, false AS retired, changeset_id, c.author, c.reason \
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
    // PostGIS's own union, difference and geodesic areas, independent of the service's.
    recheck_family: Some(
        "WITH children AS (SELECT geom FROM grids WHERE parent_id = $1 AND retired_at IS NULL), \
         merged AS (SELECT ST_Union(geom) AS geom, SUM(ST_Area(geom::geography)) AS summed \
         FROM children) \
         SELECT ST_Area(ST_SymDifference(p.geom, m.geom)::geography)::float8, \
         (m.summed - ST_Area(m.geom::geography))::float8 \
         FROM grids p CROSS JOIN merged m WHERE p.id = $1 AND m.geom IS NOT NULL",
    ),
};

/// Binds a boundary as WKB, which carries its doubles bit for bit.
#[expect(
    clippy::unnecessary_wraps,
    reason = "the shape of `BindBoundary`, which SQLite's bounds check needs"
)]
fn bind_boundary<'q>(
    insert: GridInsert<'q, Postgres>,
    grid: &NewGrid,
    _what: &str,
) -> Result<GridInsert<'q, Postgres>, StoreError> {
    Ok(insert.bind(wkb::encode(&grid.geometry)))
}

/// A store in a PostgreSQL database with the PostGIS extension.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names. Call [`Store::migrate`] before use.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with(PgConnectOptions::from_str(url)?).await
    }

    /// Connects with options built in code, e.g. with a `search_path` for a test schema.
    ///
    /// sqlx pings a connection each time it leaves the pool, unless told not to: a round
    /// trip, as dear as a small query. Here only one idle for a while is pinged (and
    /// replaced if it is dead), so a busy pool does not pay it on every request.
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_AFTER_IDLE {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await?;
        Ok(Self { pool })
    }

    async fn conn(&self) -> Result<PoolConnection<Postgres>, StoreError> {
        Ok(self.pool.acquire().await?)
    }

    /// Starts a write transaction (read committed: inserts see their own earlier rows).
    async fn write(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        Ok(self.pool.begin().await?)
    }

    /// Starts a read transaction whose statements all see one snapshot (read committed
    /// would give each statement its own).
    async fn read(&self) -> Result<Transaction<'static, Postgres>, StoreError> {
        Ok(self
            .pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await?)
    }

    /// All workers, or those with these ids, in one snapshot (see `Queries::workers`).
    async fn read_workers(&self, ids: Option<&[WorkerId]>) -> Result<Vec<Worker>, StoreError> {
        let mut tx = self.read().await?;
        let workers = Q::workers(&mut tx, WORKERS, ids).await?;
        tx.commit().await?;
        Ok(workers)
    }
}

fn grid_from(row: GridRow<Vec<u8>>) -> Result<Grid, StoreError> {
    row.into_grid(boundary_from)
}

/// Reads a boundary as `ST_AsBinary` gave it.
#[expect(
    clippy::needless_pass_by_value,
    reason = "the reader `GridRow::into_grid` takes, given the row's own column"
)]
fn boundary_from(bytes: Vec<u8>, what: &str) -> Result<geo::MultiPolygon<f64>, StoreError> {
    wkb::decode(&bytes).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

#[async_trait]
impl Store for PostgresStore {
    async fn migrate(&self) -> Result<(), StoreError> {
        sqlx::migrate!("migrations/postgres")
            .run(&self.pool)
            .await?;
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
        let mut query = QueryBuilder::<Postgres>::new(GRIDS);
        if let Some(level) = filter.level {
            query.push(" AND level = ").push_bind(level);
        }
        if let Some(bbox) = filter.bbox {
            // The GiST index compares float4 boxes rounded outwards, so `&&` alone also
            // returns near misses; the exact double extent decides, as on SQLite.
            query.push(" AND geom && ");
            push_envelope(&mut query, bbox);
            query
                .push(" AND ST_XMax(geom) >= ")
                .push_bind(bbox.min().lon());
            query
                .push(" AND ST_XMin(geom) <= ")
                .push_bind(bbox.max().lon());
            query
                .push(" AND ST_YMax(geom) >= ")
                .push_bind(bbox.min().lat());
            query
                .push(" AND ST_YMin(geom) <= ")
                .push_bind(bbox.max().lat());
        }
        query.push(" ORDER BY level, code");
        let rows: Vec<GridRow<Vec<u8>>> = query.build_query_as().fetch_all(&self.pool).await?;
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
        let rows: Vec<RevisionRow<Vec<u8>>> =
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
        let mut query = QueryBuilder::<Postgres>::new(CAMERAS);
        if let Some(bbox) = bbox {
            query.push(" AND point && ");
            push_envelope(&mut query, bbox);
            query
                .push(" AND ST_X(point) BETWEEN ")
                .push_bind(bbox.min().lon());
            query.push(" AND ").push_bind(bbox.max().lon());
            query
                .push(" AND ST_Y(point) BETWEEN ")
                .push_bind(bbox.min().lat());
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
        // Every position report reads its worker first: one statement (which sees one
        // snapshot by itself) instead of a read-only transaction of five round trips
        // (BEGIN, worker, grids, shifts, COMMIT); see BENCHMARKS.md, video linkage.
        let Some(row) = sqlx::query(ONE_WORKER)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        else {
            return Err(StoreError::NotFound(format!("worker {id}")));
        };
        let grids: Vec<GridId> = row.try_get("grid_ids")?;
        let weekdays: Vec<i64> = row.try_get("shift_weekdays")?;
        let starts: Vec<i64> = row.try_get("shift_starts")?;
        let ends: Vec<i64> = row.try_get("shift_ends")?;
        let shifts: Vec<ShiftRow> = weekdays
            .into_iter()
            .zip(starts.into_iter().zip(ends))
            .map(|(w, (s, e))| (id, w, s, e))
            .collect();
        let assignments = grids.into_iter().map(|g| (id, g)).collect();
        let worker = assemble_workers(vec![WorkerRow::from_row(&row)?], assignments, shifts)?;
        found(worker.into_iter().next(), || format!("worker {id}"))
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
        // One statement instead of the shared transaction's five round trips (BEGIN, lock,
        // update, insert, COMMIT): at a thousand reports a second, loopback round trips
        // are most of the cost (BENCHMARKS.md, video linkage). The same rules: the row is
        // locked, compared with what will be stored, and updated with its track point
        // only when newer, all or nothing.
        let at = fix.at.trunc_subsecs(6);
        let row: Option<(Option<DateTime<Utc>>, bool)> = sqlx::query_as(RECORD_POSITION)
            .bind(id)
            .bind(fix.position.lon())
            .bind(fix.position.lat())
            .bind(at)
            .bind(fix.accuracy_m)
            .bind(received_at.trunc_subsecs(6))
            .fetch_optional(&self.pool)
            .await
            .map_err(|e| write_error(e, &format!("worker {id}")))?;
        match row {
            None => Err(StoreError::NotFound(format!("worker {id}"))),
            Some((_, true)) => Ok(()),
            Some((last, false)) => Err(super::queries::not_newer(id, at, last.unwrap_or(at))),
        }
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
        versions::read::<Postgres>(&mut *self.conn().await?).await
    }

    async fn insert_incident_near(
        &self,
        incident: &NewIncident,
        event: &NewIncidentEvent,
        nearby: &IncidentFilter,
    ) -> Result<(Incident, Vec<Incident>), StoreError> {
        // One connection for both: one trip through the pool (and sqlx's ping on the way
        // back) instead of two. The filing has committed before the search starts.
        let mut conn = self.conn().await?;
        let stored = insert_on(&mut conn, incident, event).await?;
        let near = I::list(&mut conn, &nearby.filed_before(stored.id)).await?;
        Ok((stored, near.incidents))
    }

    async fn insert_incident(
        &self,
        incident: &NewIncident,
        event: &NewIncidentEvent,
    ) -> Result<Incident, StoreError> {
        insert_on(&mut *self.conn().await?, incident, event).await
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

    async fn signal_linkage(&self, signal: &LinkageSignal) -> Result<(), StoreError> {
        let payload = serde_json::to_string(signal).unwrap_or_default();
        sqlx::query(SIGNAL)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn linkage_signals(&self) -> Result<Option<LinkageSignals>, StoreError> {
        let schema: String = sqlx::query_scalar("SELECT current_schema()")
            .fetch_one(&self.pool)
            .await?;
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(&format!("{CHANNEL}{schema}")).await?;
        let signals = listener.into_stream().map(|notification| {
            let notification = notification?;
            serde_json::from_str(notification.payload())
                .map_err(|e| StoreError::Corrupt(format!("a linkage signal: {e}")))
        });
        Ok(Some(Box::pin(signals)))
    }

    async fn give_up_alert(&self, id: AlertId, at: DateTime<Utc>) -> Result<Alert, StoreError> {
        let mut tx = self.write().await?;
        let alert = L::give_up(&mut tx, LOCK_ALERT, id, at).await?;
        tx.commit().await?;
        Ok(alert)
    }
}

/// `ST_MakeEnvelope` of `bbox` in WGS84, for the `&&` index operator.
fn push_envelope(query: &mut QueryBuilder<'_, Postgres>, bbox: Bbox) {
    query.push("ST_MakeEnvelope(").push_bind(bbox.min().lon());
    query.push(", ").push_bind(bbox.min().lat());
    query.push(", ").push_bind(bbox.max().lon());
    query.push(", ").push_bind(bbox.max().lat());
    query.push(", 4326)");
}
