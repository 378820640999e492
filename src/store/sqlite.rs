//! The embedded store: one SQLite file, zero setup, the default for the demo town.
//!
//! SQLite has no geometry type, so a boundary is GeoJSON text beside its bounding box in
//! four indexed REAL columns, and a point is a `lon`/`lat` pair of REALs (IEEE doubles,
//! exact). Validity of boundaries is the importer's job here; PostGIS checks it again.
//!
//! The queries are in `sql/`, compiled here for SQLite (see `store`'s documentation);
//! this file holds the connection set-up and how SQLite spells what differs.

use super::dialect::{Dialect, GridInsert};
use super::rows::found;
use super::{StoreError, geometry};
use crate::domain::{Bbox, GridScope, NewGrid, Worker, WorkerId};
use async_trait::async_trait;
use sqlx::QueryBuilder;
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::str::FromStr;
use std::time::Duration;

// The queries of `sql/`, compiled here for SQLite: see the `store` module's documentation.
type Db = sqlx::Sqlite;
type Backend = SqliteStore;
#[expect(clippy::duplicate_mod, reason = "`sql/` is compiled once per backend")]
#[path = "sql/mod.rs"]
mod sql;

/// A store in a SQLite file.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

// SQLite's spelling: GeoJSON text and REAL columns for geometry, and no row locks, as a
// write transaction holds the whole database.
#[async_trait]
impl Dialect for SqliteStore {
    type Db = Db;
    type Boundary = String;

    const MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");
    // A deferred transaction reads first (resolving parents), and upgrading it to a writer
    // while another connection writes fails at once with "database is locked": the busy
    // timeout cannot help, as waiting could deadlock. `BEGIN IMMEDIATE` takes the write
    // lock from the start, waiting for it instead.
    const BEGIN_WRITE: &'static str = "BEGIN IMMEDIATE";
    // In WAL mode a transaction's first read fixes a snapshot that later reads share.
    const BEGIN_READ: &'static str = "BEGIN";
    // Writes run in `BEGIN IMMEDIATE`, which already holds the database's write lock.
    const FOR_UPDATE: &'static str = "";

    const GEOMETRY: &'static str = "geometry";
    const GEOMETRY_COLUMN: &'static str = "geometry";
    const CAMERA_POINT: &'static str = "lon, lat";
    const WORKER_POSITION: &'static str = "lon, lat";

    const INSERT_GRID: &'static str = "INSERT INTO grids (code, name, level, parent_id, \
         households, residents, geometry, min_lon, min_lat, max_lon, max_lat, valid_from) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id";
    const RESHAPE_GRID: &'static str = "UPDATE grids SET code = $1, name = $2, level = $3, \
         parent_id = $4, households = $5, residents = $6, geometry = $7, min_lon = $8, \
         min_lat = $9, max_lon = $10, max_lat = $11, valid_from = $12, changeset_id = $13, \
         version = version + 1 WHERE id = $14 RETURNING id";
    const INSERT_CAMERA: &'static str = "INSERT INTO cameras (code, name, lon, lat, kind, \
         stream_url, status, heading_deg, fov_deg) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         RETURNING id";
    const UPDATE_CAMERA: &'static str = "UPDATE cameras SET name = $2, lon = $3, lat = $4, \
         kind = $5, stream_url = $6, status = $7, heading_deg = $8, fov_deg = $9 WHERE id = $1";
    const INSERT_WORKER: &'static str = "INSERT INTO workers (name, role, department, phone, \
         on_duty, lon, lat, position_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";
    const UPDATE_POSITION: &'static str =
        "UPDATE workers SET lon = $2, lat = $3, position_at = $4 WHERE id = $1";

    // One connection writes at a time anyway: the shared transaction is all there is.
    const RECORD_POSITION: Option<&'static str> = None;
    const INSERT_INCIDENT_AND_EVENT: Option<&'static str> = None;
    // SQLite has no geometry functions; the service's own checks are all there is.
    const RECHECK_FAMILY: Option<&'static str> = None;

    /// Binds a boundary as GeoJSON text and its bounding box as four indexed columns.
    fn bind_boundary<'q>(
        query: GridInsert<'q, Db>,
        grid: &NewGrid,
        what: &str,
    ) -> Result<GridInsert<'q, Db>, StoreError> {
        let [min_lon, min_lat, max_lon, max_lat] = geometry::bounds(&grid.geometry, what)?;
        Ok(query
            .bind(geometry::to_geojson(&grid.geometry))
            .bind(min_lon)
            .bind(min_lat)
            .bind(max_lon)
            .bind(max_lat))
    }

    fn read_boundary(text: String, what: &str) -> Result<geo::MultiPolygon<f64>, StoreError> {
        geometry::from_geojson(&text, what)
    }

    fn push_grid_bbox(query: &mut QueryBuilder<'_, Db>, bbox: Bbox) {
        // The stored box meets `bbox`; the four columns are indexed together.
        query.push(" AND max_lon >= ").push_bind(bbox.min().lon());
        query.push(" AND min_lon <= ").push_bind(bbox.max().lon());
        query.push(" AND max_lat >= ").push_bind(bbox.min().lat());
        query.push(" AND min_lat <= ").push_bind(bbox.max().lat());
    }

    fn push_camera_bbox(query: &mut QueryBuilder<'_, Db>, bbox: Bbox) {
        query.push(" AND lon BETWEEN ").push_bind(bbox.min().lon());
        query.push(" AND ").push_bind(bbox.max().lon());
        query.push(" AND lat BETWEEN ").push_bind(bbox.min().lat());
        query.push(" AND ").push_bind(bbox.max().lat());
    }

    async fn one_worker(&self, id: WorkerId) -> Result<Worker, StoreError> {
        let mut workers: Vec<Worker> = self.read_workers(&GridScope::All, Some(&[id])).await?;
        found(workers.pop(), || format!("worker {id}"))
    }
}

impl SqliteStore {
    /// Opens (creating if missing, with its directory) the database a `sqlite:` URL names,
    /// in WAL mode with foreign keys enforced. Call [`super::DataStore::migrate`] before
    /// use.
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
}
