//! The production store: PostgreSQL with PostGIS.
//!
//! Boundaries travel as WKB (`ST_AsBinary` / `ST_GeomFromWKB`), points as two float8
//! values (`ST_X`/`ST_Y`, `ST_MakePoint`): both carry doubles bit for bit, where PostGIS's
//! text formats round them (`ST_AsGeoJSON(geom, 15)` keeps 15 decimal places, so only
//! 7 significant digits of `0.000123456789012345`). The database refuses invalid
//! boundaries itself (`CHECK (ST_IsValid(geom))`), which surfaces as [`StoreError::Invalid`].
//!
//! The queries are in `sql/`, compiled here for PostgreSQL (see `store`'s
//! documentation); this file holds the connection set-up, how PostGIS spells what
//! differs, and what only PostgreSQL does: one-statement writes and linkage signals.

use super::dialect::{Dialect, GridInsert};
use super::rows::{ShiftRow, WorkerRow, assemble_workers, found};
use super::{LinkageSignal, LinkageSignals, StoreError, wkb};
use crate::domain::{Bbox, GridId, NewGrid, Worker, WorkerId};
use async_trait::async_trait;
use futures_util::StreamExt;
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPool, PgPoolOptions};
use sqlx::{Connection, FromRow, QueryBuilder, Row};
use std::str::FromStr;
use std::time::Duration;

// The queries of `sql/`, compiled here for PostgreSQL: see the `store` module's documentation.
type Db = sqlx::Postgres;
type Backend = PostgresStore;
#[expect(clippy::duplicate_mod, reason = "`sql/` is compiled once per backend")]
#[path = "sql/mod.rs"]
mod sql;

/// A pooled connection idle this long is pinged before use, and replaced if it is dead.
const PING_AFTER_IDLE: Duration = Duration::from_secs(1);

/// The channel linkage signals travel on, followed by the schema's name: replicas on one
/// database and schema hear each other, other schemas in the same database do not.
const CHANNEL: &str = "gridlink_linkage_";
/// Sends a linkage signal, `$1` its JSON, on the channel of the current schema.
const SIGNAL: &str = "SELECT pg_notify('gridlink_linkage_' || current_schema(), $1)";

/// One worker `$1` with their position as the shared `WORKERS` query reads it, and their
/// grids and shifts as arrays in the order the shared worker queries read them.
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

/// A store in a PostgreSQL database with the PostGIS extension.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to the database a `postgres://` URL names. Call
    /// [`super::DataStore::migrate`] before use.
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
}

// PostGIS's spelling: WKB and points for geometry, row locks, and the one-statement
// writes and signals only PostgreSQL has.
#[async_trait]
impl Dialect for PostgresStore {
    type Db = Db;
    type Boundary = Vec<u8>;

    const MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");
    // Read committed: inserts see their own earlier rows.
    const BEGIN_WRITE: &'static str = "BEGIN";
    // Read committed would give each statement a snapshot of its own.
    const BEGIN_READ: &'static str = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
    // Row locks serialise the writes to one row across replicas.
    const FOR_UPDATE: &'static str = " FOR UPDATE";

    const GEOMETRY: &'static str = "ST_AsBinary(geom, 'NDR') AS geometry";
    const GEOMETRY_COLUMN: &'static str = "geom";
    const CAMERA_POINT: &'static str = "ST_X(point) AS lon, ST_Y(point) AS lat";
    const WORKER_POSITION: &'static str = "ST_X(position) AS lon, ST_Y(position) AS lat";

    const INSERT_GRID: &'static str = "INSERT INTO grids (code, name, level, parent_id, \
         households, residents, geom, valid_from) \
         VALUES ($1, $2, $3, $4, $5, $6, ST_Multi(ST_GeomFromWKB($7, 4326)), $8) RETURNING id";
    const RESHAPE_GRID: &'static str = "UPDATE grids SET code = $1, name = $2, level = $3, \
         parent_id = $4, households = $5, residents = $6, \
         geom = ST_Multi(ST_GeomFromWKB($7, 4326)), valid_from = $8, changeset_id = $9, \
         version = version + 1 WHERE id = $10 RETURNING id";
    const INSERT_CAMERA: &'static str = "INSERT INTO cameras (code, name, point, kind, \
         stream_url, status, heading_deg, fov_deg) \
         VALUES ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6, $7, $8, $9) RETURNING id";
    const UPDATE_CAMERA: &'static str = "UPDATE cameras SET name = $2, \
         point = ST_SetSRID(ST_MakePoint($3, $4), 4326), kind = $5, stream_url = $6, \
         status = $7, heading_deg = $8, fov_deg = $9 WHERE id = $1";
    const INSERT_WORKER: &'static str = "INSERT INTO workers (name, role, department, phone, \
         on_duty, position, position_at) \
         VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326), $8) RETURNING id";
    const UPDATE_POSITION: &'static str = "UPDATE workers \
         SET position = ST_SetSRID(ST_MakePoint($2, $3), 4326), position_at = $4 WHERE id = $1";

    const RECORD_POSITION: Option<&'static str> = Some(
        "WITH last AS ( \
             SELECT id, position_at FROM workers WHERE id = $1 FOR UPDATE \
         ), moved AS ( \
             UPDATE workers SET position = ST_SetSRID(ST_MakePoint($2, $3), 4326), \
             position_at = $4 FROM last WHERE workers.id = last.id \
             AND (last.position_at IS NULL OR last.position_at < $4) \
             RETURNING workers.id \
         ), track AS ( \
             INSERT INTO worker_positions (worker_id, at, lon, lat, accuracy_m, received_at) \
             SELECT id, $4, $2, $3, $5, $6 FROM moved \
         ) \
         SELECT last.position_at, EXISTS (SELECT 1 FROM moved) FROM last",
    );
    // The event's foreign key is checked at the end of the statement, when the incident
    // is there.
    const INSERT_INCIDENT_AND_EVENT: Option<&'static str> = Some(
        "WITH incident AS (INSERT INTO incidents (category, source, lon, lat, grid_code, chain, \
         description, reporter, priority, status, responsible_grid_id, department, \
         assignee_id, reported_at, deadline, yellow_at, revision, updated_at) VALUES ($1, $2, \
         $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1, $14) RETURNING id) \
         INSERT INTO incident_events (incident_id, seq, at, actor, action, from_status, \
         to_status, note, photos, details) SELECT id, 1, $17, $18, $19, NULL, $10, $20, $21, \
         $22 FROM incident RETURNING incident_id",
    );
    // PostGIS's own union, difference and geodesic areas, independent of the service's.
    const RECHECK_FAMILY: Option<&'static str> = Some(
        "WITH children AS (SELECT geom FROM grids WHERE parent_id = $1 AND retired_at IS NULL), \
         merged AS (SELECT ST_Union(geom) AS geom, SUM(ST_Area(geom::geography)) AS summed \
         FROM children) \
         SELECT ST_Area(ST_SymDifference(p.geom, m.geom)::geography)::float8, \
         (m.summed - ST_Area(m.geom::geography))::float8 \
         FROM grids p CROSS JOIN merged m WHERE p.id = $1 AND m.geom IS NOT NULL",
    );

    /// Binds a boundary as WKB, which carries its doubles bit for bit.
    fn bind_boundary<'q>(
        query: GridInsert<'q, Db>,
        grid: &NewGrid,
        _what: &str,
    ) -> Result<GridInsert<'q, Db>, StoreError> {
        Ok(query.bind(wkb::encode(&grid.geometry)))
    }

    fn read_boundary(bytes: Vec<u8>, what: &str) -> Result<geo::MultiPolygon<f64>, StoreError> {
        wkb::decode(&bytes).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
    }

    fn push_grid_bbox(query: &mut QueryBuilder<'_, Db>, bbox: Bbox) {
        // The GiST index compares float4 boxes rounded outwards, so `&&` alone also
        // returns near misses; the exact double extent decides, as on SQLite.
        query.push(" AND geom && ");
        push_envelope(query, bbox);
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

    fn push_camera_bbox(query: &mut QueryBuilder<'_, Db>, bbox: Bbox) {
        query.push(" AND point && ");
        push_envelope(query, bbox);
        query
            .push(" AND ST_X(point) BETWEEN ")
            .push_bind(bbox.min().lon());
        query.push(" AND ").push_bind(bbox.max().lon());
        query
            .push(" AND ST_Y(point) BETWEEN ")
            .push_bind(bbox.min().lat());
        query.push(" AND ").push_bind(bbox.max().lat());
    }

    async fn one_worker(&self, id: WorkerId) -> Result<Worker, StoreError> {
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

    async fn notify(&self, signal: &LinkageSignal) -> Result<(), StoreError> {
        let payload = serde_json::to_string(signal).unwrap_or_default();
        sqlx::query(SIGNAL)
            .bind(payload)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn listen(&self) -> Result<Option<LinkageSignals>, StoreError> {
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
}

/// `ST_MakeEnvelope` of `bbox` in WGS84, for the `&&` index operator.
fn push_envelope(query: &mut QueryBuilder<'_, Db>, bbox: Bbox) {
    query.push("ST_MakeEnvelope(").push_bind(bbox.min().lon());
    query.push(", ").push_bind(bbox.min().lat());
    query.push(", ").push_bind(bbox.max().lon());
    query.push(", ").push_bind(bbox.max().lat());
    query.push(", 4326)");
}
