//! What the two backends spell differently, and nothing else: each store type implements
//! [`Dialect`], and the queries in `sql/` (compiled once per backend) read their SQL
//! fragments and differing steps from it. A query both databases run word for word has
//! its SQL in `sql/` alone.
//!
//! Parameters are written `$1`, `$2`, … on both backends (sqlx accepts them for SQLite);
//! each const below says which parameters its statement takes.

use super::{LinkageSignal, LinkageSignals, StoreError};
use crate::domain::{Bbox, GridId, NewGrid, Worker, WorkerId};
use async_trait::async_trait;
use geo::MultiPolygon;
use sqlx::migrate::Migrator;
use sqlx::query::QueryScalar;
use sqlx::{Database, QueryBuilder};

/// A grid insert or reshape with code, name, level, parent id, households and residents
/// bound as `$1`..`$6`, waiting for the backend to bind the boundary.
pub(crate) type GridInsert<'q, DB> = QueryScalar<'q, DB, GridId, <DB as Database>::Arguments<'q>>;

/// How one backend spells what differs; see the module documentation.
#[async_trait]
pub(crate) trait Dialect: Send + Sync {
    /// The sqlx database.
    type Db: Database;
    /// A boundary as a query reads it (GeoJSON text, or WKB bytes).
    type Boundary;

    /// The migrations of this backend's schema.
    const MIGRATOR: Migrator;
    /// Starts a write transaction.
    const BEGIN_WRITE: &'static str;
    /// Starts a read transaction whose statements all see one snapshot.
    const BEGIN_READ: &'static str;
    /// Ends a `SELECT` that locks the rows it reads until the transaction ends, where the
    /// backend locks rows ("" where a write transaction already holds the whole database).
    const FOR_UPDATE: &'static str;

    /// The select expression of a grid's boundary, as the column `geometry`, in `grids`
    /// and in `grid_history`.
    const GEOMETRY: &'static str;
    /// The column a grid's boundary is stored in, in `grids` and in `grid_history` alike
    /// (SQLite's bounding box columns are in `grids` only).
    const GEOMETRY_COLUMN: &'static str;
    /// The select expressions of a camera's point, as the columns `lon` and `lat`.
    const CAMERA_POINT: &'static str;
    /// The select expressions of a worker's last position, as the columns `lon` and `lat`.
    const WORKER_POSITION: &'static str;

    /// Inserts a grid and returns its id: `$1`..`$6` as in [`GridInsert`], then whatever
    /// [`Dialect::bind_boundary`] binds, then the time the grid holds from (`valid_from`).
    const INSERT_GRID: &'static str;
    /// Rewrites grid `$N` (the last parameter): `$1`..`$6` as in [`GridInsert`], then the
    /// boundary as [`Dialect::bind_boundary`] binds it, then `valid_from` and the change
    /// set; adds one to the version and returns the id.
    const RESHAPE_GRID: &'static str;
    /// Inserts a camera: code, name, lon, lat, kind, stream URL, status, heading and field
    /// of view as `$1`..`$9`, returning its id.
    const INSERT_CAMERA: &'static str;
    /// Rewrites camera `$1`: name, lon, lat, kind, stream URL, status, heading and field
    /// of view as `$2`..`$9`.
    const UPDATE_CAMERA: &'static str;
    /// Inserts a worker: name, role, department, phone, on duty, lon, lat and position
    /// time as `$1`..`$8`, returning its id.
    const INSERT_WORKER: &'static str;
    /// Sets the position of worker `$1` to lon `$2`, lat `$3`, reported at `$4`.
    const UPDATE_POSITION: &'static str;

    /// Where the backend records a position report in one statement, which saves the
    /// round trips of a transaction: worker `$1`, lon `$2`, lat `$3`, taken at `$4` with
    /// accuracy `$5`, received at `$6`. It locks the worker's row, and when `$4` is newer
    /// than its `position_at` moves it and adds the point to the track; it answers the
    /// `position_at` it found and whether it moved the worker, and no row for no worker.
    const RECORD_POSITION: Option<&'static str>;
    /// Where the backend files a report without photos in one statement (the incident and
    /// its first event, returning the incident's id): `$1`..`$16` the incident's columns as
    /// a plain insert binds them, `$17`..`$22` the event's `at`, `actor`, `action`, `note`,
    /// `photos` and `details`.
    const INSERT_INCIDENT_AND_EVENT: Option<&'static str>;
    /// Where the database re-checks coverage with its own functions: given parent `$1`,
    /// the area in m² of the parent its children in service miss or overhang, and the area
    /// they cover twice (NULL when it has none).
    const RECHECK_FAMILY: Option<&'static str>;

    /// Binds `grid`'s boundary, and anything the backend derives from it, to a grid insert
    /// or reshape; `what` names the grid in errors.
    fn bind_boundary<'q>(
        query: GridInsert<'q, Self::Db>,
        grid: &NewGrid,
        what: &str,
    ) -> Result<GridInsert<'q, Self::Db>, StoreError>;

    /// Reads a boundary as [`Dialect::GEOMETRY`] selects it; `what` names the grid.
    fn read_boundary(stored: Self::Boundary, what: &str) -> Result<MultiPolygon<f64>, StoreError>;

    /// Adds ` AND …` conditions keeping the grids whose bounding box meets `bbox`.
    fn push_grid_bbox(query: &mut QueryBuilder<'_, Self::Db>, bbox: Bbox);

    /// Adds ` AND …` conditions keeping the cameras inside `bbox`.
    fn push_camera_bbox(query: &mut QueryBuilder<'_, Self::Db>, bbox: Bbox);

    /// One worker with their grids and shifts, as one snapshot; an unknown one is
    /// [`StoreError::NotFound`].
    async fn one_worker(&self, id: WorkerId) -> Result<Worker, StoreError>;

    /// Sends a linkage signal to every process on the database, where the backend can.
    async fn notify(&self, _signal: &LinkageSignal) -> Result<(), StoreError> {
        Ok(())
    }

    /// The linkage signals as they arrive, where the backend carries them.
    async fn listen(&self) -> Result<Option<LinkageSignals>, StoreError> {
        Ok(None)
    }
}
