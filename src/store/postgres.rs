//! The production store: PostgreSQL with PostGIS.
//!
//! Boundaries travel as WKB (`ST_AsBinary` / `ST_GeomFromWKB`), points as two float8
//! values (`ST_X`/`ST_Y`, `ST_MakePoint`): both carry doubles bit for bit, where PostGIS's
//! text formats would round them. The database refuses invalid boundaries itself
//! (`CHECK (ST_IsValid(geom))`), which surfaces as [`StoreError::Invalid`].

use super::rows::{
    CameraRow, GridRow, WorkerRow, assemble_workers, found, stored_camera, stored_grid,
    stored_worker, write_error,
};
use super::{GridFilter, Store, StoreError, sql, wkb};
use crate::domain::{
    Bbox, Camera, CameraId, Grid, GridCode, GridId, Level, LonLat, NewCamera, NewGrid, NewWorker,
    Worker, WorkerId,
};
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{PgConnection, Postgres, QueryBuilder};
use std::str::FromStr;

const GRID_COLUMNS: &str = "SELECT id, code, name, level, parent_id, households, residents, \
     ST_AsBinary(geom, 'NDR') AS geometry FROM grids";
const CAMERA_COLUMNS: &str = "SELECT id, code, name, ST_X(point) AS lon, ST_Y(point) AS lat, kind, stream_url, status \
     FROM cameras";
const WORKER_COLUMNS: &str = "SELECT id, name, role, department, phone, on_duty, ST_X(position) AS lon, \
     ST_Y(position) AS lat, position_at FROM workers";

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
    pub async fn connect_with(options: PgConnectOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new().connect_with(options).await?;
        Ok(Self { pool })
    }
}

fn grid_from(row: GridRow<Vec<u8>>) -> Result<Grid, StoreError> {
    row.into_grid(|bytes, what| {
        wkb::decode(&bytes).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
    })
}

/// The id of `grid`'s parent, after checking its level exists; see [`Store::insert_grids`].
async fn references(
    conn: &mut PgConnection,
    grid: &NewGrid,
    what: &str,
) -> Result<Option<GridId>, StoreError> {
    let level_known: bool = sqlx::query_scalar(sql::LEVEL_EXISTS)
        .bind(grid.level)
        .fetch_one(&mut *conn)
        .await?;
    if !level_known {
        return Err(StoreError::Conflict(format!(
            "{what}: unknown level {}",
            grid.level
        )));
    }
    let Some(parent) = &grid.parent_code else {
        return Ok(None);
    };
    grid_id(conn, parent)
        .await?
        .map(Some)
        .ok_or_else(|| StoreError::Conflict(format!("{what}: unknown parent grid {parent}")))
}

async fn grid_id(conn: &mut PgConnection, code: &GridCode) -> Result<Option<GridId>, StoreError> {
    Ok(sqlx::query_scalar(sql::GRID_ID_BY_CODE)
        .bind(code.as_str())
        .fetch_optional(conn)
        .await?)
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
        let rows: Vec<(i32, String, String)> =
            sqlx::query_as(sql::LEVELS).fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|(level, name_zh, name_en)| Level {
                level,
                name_zh,
                name_en,
            })
            .collect())
    }

    async fn put_levels(&self, levels: &[Level]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        for level in levels {
            sqlx::query(sql::PUT_LEVEL)
                .bind(level.level)
                .bind(&level.name_zh)
                .bind(&level.name_en)
                .execute(&mut *tx)
                .await
                .map_err(|e| write_error(e, &format!("level {}", level.level)))?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn grids(&self, filter: GridFilter) -> Result<Vec<Grid>, StoreError> {
        let mut query = QueryBuilder::<Postgres>::new(GRID_COLUMNS);
        query.push(" WHERE 1 = 1");
        if let Some(level) = filter.level {
            query.push(" AND level = ").push_bind(level);
        }
        if let Some(bbox) = filter.bbox {
            push_bbox_filter(&mut query, bbox);
        }
        query.push(" ORDER BY level, code");
        let rows: Vec<GridRow<Vec<u8>>> = query.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(grid_from).collect()
    }

    async fn grid(&self, id: GridId) -> Result<Grid, StoreError> {
        let row = sqlx::query_as(&format!("{GRID_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        grid_from(found(row, || format!("grid {id}"))?)
    }

    async fn grid_by_code(&self, code: &GridCode) -> Result<Grid, StoreError> {
        let row = sqlx::query_as(&format!("{GRID_COLUMNS} WHERE code = $1"))
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await?;
        grid_from(found(row, || format!("grid {code}"))?)
    }

    async fn insert_grids(&self, grids: &[NewGrid]) -> Result<Vec<Grid>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut stored = Vec::with_capacity(grids.len());
        for grid in grids {
            let what = format!("grid {}", grid.code);
            let parent_id = references(&mut tx, grid, &what).await?;
            let id: GridId = sqlx::query_scalar(
                "INSERT INTO grids (code, name, level, parent_id, households, residents, geom) \
                 VALUES ($1, $2, $3, $4, $5, $6, ST_Multi(ST_GeomFromWKB($7, 4326))) RETURNING id",
            )
            .bind(grid.code.as_str())
            .bind(&grid.name)
            .bind(grid.level)
            .bind(parent_id)
            .bind(grid.households)
            .bind(grid.residents)
            .bind(wkb::encode(&grid.geometry))
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| write_error(e, &what))?;
            stored.push(stored_grid(id, parent_id, grid));
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn cameras(&self, bbox: Option<Bbox>) -> Result<Vec<Camera>, StoreError> {
        let mut query = QueryBuilder::<Postgres>::new(CAMERA_COLUMNS);
        if let Some(bbox) = bbox {
            query.push(" WHERE point && ");
            push_envelope(&mut query, bbox);
            // The index compares float4 boxes, rounded outwards; refine on the exact values.
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
        let row: Option<CameraRow> = sqlx::query_as(&format!("{CAMERA_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        found(row, || format!("camera {id}"))?.try_into()
    }

    async fn insert_cameras(&self, cameras: &[NewCamera]) -> Result<Vec<Camera>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut stored = Vec::with_capacity(cameras.len());
        for camera in cameras {
            let id: CameraId = sqlx::query_scalar(
                "INSERT INTO cameras (code, name, point, kind, stream_url, status) VALUES \
                 ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), $5, $6, $7) RETURNING id",
            )
            .bind(&camera.code)
            .bind(&camera.name)
            .bind(camera.location.lon())
            .bind(camera.location.lat())
            .bind(camera.kind.as_str())
            .bind(&camera.stream_url)
            .bind(camera.status.as_str())
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| write_error(e, &format!("camera {}", camera.code)))?;
            stored.push(stored_camera(id, camera));
        }
        tx.commit().await?;
        Ok(stored)
    }

    async fn workers(&self) -> Result<Vec<Worker>, StoreError> {
        let rows: Vec<WorkerRow> = sqlx::query_as(&format!("{WORKER_COLUMNS} ORDER BY id"))
            .fetch_all(&self.pool)
            .await?;
        let assignments = sqlx::query_as(sql::ASSIGNMENTS)
            .fetch_all(&self.pool)
            .await?;
        assemble_workers(rows, assignments)
    }

    async fn worker(&self, id: WorkerId) -> Result<Worker, StoreError> {
        let row: Option<WorkerRow> = sqlx::query_as(&format!("{WORKER_COLUMNS} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        let row = found(row, || format!("worker {id}"))?;
        let assignments = sqlx::query_as(sql::ASSIGNMENTS_OF)
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        let mut workers = assemble_workers(vec![row], assignments)?;
        found(workers.pop(), || format!("worker {id}"))
    }

    async fn insert_workers(&self, workers: &[NewWorker]) -> Result<Vec<Worker>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let mut stored = Vec::with_capacity(workers.len());
        for worker in workers {
            let what = format!("worker {}", worker.name);
            let mut grid_ids = Vec::with_capacity(worker.grid_codes.len());
            for code in &worker.grid_codes {
                grid_ids.push(
                    grid_id(&mut tx, code).await?.ok_or_else(|| {
                        StoreError::Conflict(format!("{what}: unknown grid {code}"))
                    })?,
                );
            }
            let id: WorkerId = sqlx::query_scalar(
                "INSERT INTO workers (name, role, department, phone, on_duty, position, position_at) \
                 VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_MakePoint($6, $7), 4326), $8) \
                 RETURNING id",
            )
            .bind(&worker.name)
            .bind(worker.role.as_str())
            .bind(&worker.department)
            .bind(&worker.phone)
            .bind(worker.on_duty)
            .bind(worker.position.map(LonLat::lon))
            .bind(worker.position.map(LonLat::lat))
            .bind(worker.position_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| write_error(e, &what))?;
            let stored_worker = stored_worker(id, grid_ids, worker);
            for grid_id in &stored_worker.grid_ids {
                sqlx::query(sql::ASSIGN_WORKER)
                    .bind(id)
                    .bind(grid_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| write_error(e, &what))?;
            }
            stored.push(stored_worker);
        }
        tx.commit().await?;
        Ok(stored)
    }
}

/// Grids whose box meets `bbox`: the `GiST` index finds candidates with float4 boxes
/// rounded outwards, and the exact double extent decides, as the SQLite store does.
fn push_bbox_filter(query: &mut QueryBuilder<'_, Postgres>, bbox: Bbox) {
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

fn push_envelope(query: &mut QueryBuilder<'_, Postgres>, bbox: Bbox) {
    query.push("ST_MakeEnvelope(").push_bind(bbox.min().lon());
    query.push(", ").push_bind(bbox.min().lat());
    query.push(", ").push_bind(bbox.max().lon());
    query.push(", ").push_bind(bbox.max().lat());
    query.push(", 4326)");
}
