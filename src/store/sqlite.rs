//! The embedded store: one SQLite file, zero setup, the default for the demo town.
//!
//! SQLite has no geometry type, so a boundary is GeoJSON text beside its bounding box in
//! four indexed REAL columns, and a point is a `lon`/`lat` pair of REALs (IEEE doubles,
//! exact). Validity of boundaries is the importer's job here; PostGIS checks it again.

use super::queries::Queries;
use super::rows::{CameraRow, GridRow, stored_grid, write_error};
use super::{GridFilter, Store, StoreError, geometry};
use crate::domain::{
    Bbox, Camera, CameraId, Grid, GridCode, GridId, Level, NewCamera, NewGrid, NewWorker, Worker,
    WorkerId,
};
use async_trait::async_trait;
use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use sqlx::{QueryBuilder, Sqlite, Transaction};
use std::str::FromStr;
use std::time::Duration;

type Q = Queries<Sqlite>;

const GRIDS: &str =
    "SELECT id, code, name, level, parent_id, households, residents, geometry FROM grids";
const GRID_BY_ID: &str = "SELECT id, code, name, level, parent_id, households, residents, \
     geometry FROM grids WHERE id = $1";
const GRID_BY_CODE: &str = "SELECT id, code, name, level, parent_id, households, residents, \
     geometry FROM grids WHERE code = $1";
const CAMERAS: &str = "SELECT id, code, name, lon, lat, kind, stream_url, status FROM cameras";
const CAMERA_BY_ID: &str =
    "SELECT id, code, name, lon, lat, kind, stream_url, status FROM cameras WHERE id = $1";
const WORKERS: &str = "SELECT id, name, role, department, phone, on_duty, lon, lat, \
     position_at FROM workers ORDER BY id";
const WORKER_BY_ID: &str = "SELECT id, name, role, department, phone, on_duty, lon, lat, \
     position_at FROM workers WHERE id = $1";

// Parameters in the order `Queries::insert_cameras` and `Queries::insert_workers` bind them.
const INSERT_CAMERA: &str = "INSERT INTO cameras (code, name, lon, lat, kind, stream_url, status) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
const INSERT_WORKER: &str = "INSERT INTO workers (name, role, department, phone, on_duty, lon, lat, \
     position_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id";

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
        let pool = SqlitePoolOptions::new().connect_with(options).await?;
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
}

fn grid_from(row: GridRow<String>) -> Result<Grid, StoreError> {
    row.into_grid(|text, what| geometry::from_geojson(&text, what))
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
        query.push(" WHERE 1 = 1");
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
        let mut stored = Vec::with_capacity(grids.len());
        for grid in grids {
            let what = format!("grid {}", grid.code);
            let parent_id = Q::parent_of(&mut tx, grid, &what).await?;
            let [min_lon, min_lat, max_lon, max_lat] = geometry::bounds(&grid.geometry, &what)?;
            let id: GridId = sqlx::query_scalar(
                "INSERT INTO grids (code, name, level, parent_id, households, residents, \
                 geometry, min_lon, min_lat, max_lon, max_lat) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            )
            .bind(grid.code.as_str())
            .bind(&grid.name)
            .bind(grid.level)
            .bind(parent_id)
            .bind(grid.households)
            .bind(grid.residents)
            .bind(geometry::to_geojson(&grid.geometry))
            .bind(min_lon)
            .bind(min_lat)
            .bind(max_lon)
            .bind(max_lat)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| write_error(e, &what))?;
            stored.push(stored_grid(id, parent_id, grid));
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn cameras(&self, bbox: Option<Bbox>) -> Result<Vec<Camera>, StoreError> {
        let mut query = QueryBuilder::<Sqlite>::new(CAMERAS);
        if let Some(bbox) = bbox {
            query
                .push(" WHERE lon BETWEEN ")
                .push_bind(bbox.min().lon());
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
        let stored = Q::insert_cameras(&mut tx, INSERT_CAMERA, cameras).await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn workers(&self) -> Result<Vec<Worker>, StoreError> {
        Q::workers(&mut *self.conn().await?, WORKERS).await
    }

    async fn worker(&self, id: WorkerId) -> Result<Worker, StoreError> {
        Q::worker(&mut *self.conn().await?, WORKER_BY_ID, id).await
    }

    async fn insert_workers(&self, workers: &[NewWorker]) -> Result<Vec<Worker>, StoreError> {
        let mut tx = self.write().await?;
        let stored = Q::insert_workers(&mut tx, INSERT_WORKER, workers).await?;
        tx.commit().await?;
        Ok(stored)
    }
}
