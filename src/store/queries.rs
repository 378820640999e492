//! Queries both backends run word for word, written once and generic over the database
//! (sqlx binds `$N` for SQLite as well). Each takes a connection, so a pooled connection
//! and a transaction serve alike; everything spatial stays in the backend modules.

use super::rows::{
    PositionTime, ShiftRow, WorkerRow, assemble_workers, found, stored_camera, stored_grid,
    stored_worker, write_error,
};
use super::versions::{self, Topic};
use super::{Dataset, DatasetCounts, StoreError};
use crate::domain::{
    Camera, CameraId, FieldOfView, Fix, Grid, GridCode, GridId, Heading, Level, LevelNo, LonLat,
    NewCamera, NewGrid, NewWorker, Shift, Worker, WorkerId,
};
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use sqlx::query::QueryScalar;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use std::marker::PhantomData;

/// A grid insert with code, name, level, parent id, households and residents bound as
/// `$1`..`$6`, waiting for the backend to bind the boundary.
pub(crate) type GridInsert<'q, DB> = QueryScalar<'q, DB, GridId, <DB as Database>::Arguments<'q>>;

/// Binds a grid's boundary, and anything the backend derives from it, to a [`GridInsert`];
/// the `&str` names the grid in errors.
pub(crate) type BindBoundary<DB> =
    for<'q> fn(GridInsert<'q, DB>, &NewGrid, &str) -> Result<GridInsert<'q, DB>, StoreError>;

/// How a backend spells the writes that the shared code runs; how it stores a geometry
/// is its own business.
pub(crate) struct Writes<DB: Database> {
    /// Inserts a grid and returns its id: `$1`..`$6` as in [`GridInsert`], then whatever
    /// `bind_boundary` binds, then the time the grid holds from (`valid_from`).
    pub grid: &'static str,
    /// Binds the boundary to [`Writes::grid`].
    pub bind_boundary: BindBoundary<DB>,
    /// Inserts a camera: code, name, lon, lat, kind, stream URL, status, heading and field
    /// of view as `$1`..`$9`, returning its id.
    pub camera: &'static str,
    /// Inserts a worker: name, role, department, phone, on duty, lon, lat and position
    /// time as `$1`..`$8`, returning its id.
    pub worker: &'static str,
    /// Reads `position_at` of the worker `$1`, locking the row until the transaction ends
    /// where the backend locks rows.
    pub lock_position: &'static str,
    /// Sets the position of worker `$1` to lon `$2`, lat `$3`, reported at `$4`.
    pub update_position: &'static str,
}

/// The shared queries for database `DB`; the bounds below are what they ask of it, and
/// both SQLite and PostgreSQL meet them.
pub(crate) struct Queries<DB>(PhantomData<DB>);

impl<DB> Queries<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> LevelNo: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> bool: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB>,
    for<'q> Option<f64>: Encode<'q, DB>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'r> (LevelNo, String, String): FromRow<'r, DB::Row>,
    for<'r> PositionTime: FromRow<'r, DB::Row>,
    for<'r> (WorkerId, GridId): FromRow<'r, DB::Row>,
    for<'r> WorkerRow: FromRow<'r, DB::Row>,
    for<'r> ShiftRow: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    /// All levels, top first.
    pub async fn levels(conn: &mut DB::Connection) -> Result<Vec<Level>, StoreError> {
        let rows: Vec<(LevelNo, String, String)> =
            sqlx::query_as("SELECT level, name_zh, name_en FROM levels ORDER BY level")
                .fetch_all(conn)
                .await?;
        Ok(rows
            .into_iter()
            .map(|(level, name_zh, name_en)| Level {
                level,
                name_zh,
                name_en,
            })
            .collect())
    }

    /// Inserts levels or renames existing ones.
    pub async fn put_levels(conn: &mut DB::Connection, levels: &[Level]) -> Result<(), StoreError> {
        for level in levels {
            sqlx::query(
                "INSERT INTO levels (level, name_zh, name_en) VALUES ($1, $2, $3) ON CONFLICT \
                 (level) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en",
            )
            .bind(level.level)
            .bind(level.name_zh.as_str())
            .bind(level.name_en.as_str())
            .execute(&mut *conn)
            .await
            .map_err(|e| write_error(e, &format!("level {}", level.level)))?;
        }
        Ok(())
    }

    /// The row with this key (an id or a code) that `select` (ending in `WHERE x = $1`)
    /// finds, or [`StoreError::NotFound`] naming `what`.
    pub async fn one<T, K>(
        conn: &mut DB::Connection,
        select: &str,
        key: K,
        what: impl FnOnce() -> String,
    ) -> Result<T, StoreError>
    where
        T: for<'r> FromRow<'r, DB::Row> + Send + Unpin,
        K: for<'q> Encode<'q, DB> + Type<DB> + Send + 'static,
    {
        let row = sqlx::query_as(select)
            .bind(key)
            .fetch_optional(conn)
            .await?;
        found(row, what)
    }

    /// The id of `grid`'s parent, after checking that its level exists; both are
    /// [`StoreError::Conflict`]s naming the grid when missing (see `Store::insert_grids`).
    pub async fn parent_of(
        conn: &mut DB::Connection,
        grid: &NewGrid,
        what: &str,
    ) -> Result<Option<GridId>, StoreError> {
        let level_known: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM levels WHERE level = $1)")
                .bind(grid.level)
                .fetch_one(&mut *conn)
                .await?;
        if !level_known {
            return Err(StoreError::Conflict(format!(
                "{what}: unknown level {}",
                grid.level
            )));
        }
        match &grid.parent_code {
            None => Ok(None),
            Some(parent) => Ok(Some(Self::grid_id(conn, parent, what).await?)),
        }
    }

    /// The id of the grid with `code`, including grids inserted earlier in the same
    /// transaction; an unknown code is a [`StoreError::Conflict`] naming `what` and it.
    pub async fn grid_id(
        conn: &mut DB::Connection,
        code: &GridCode,
        what: &str,
    ) -> Result<GridId, StoreError> {
        let id: Option<GridId> = sqlx::query_scalar("SELECT id FROM grids WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(conn)
            .await?;
        id.ok_or_else(|| StoreError::Conflict(format!("{what}: unknown grid {code}")))
    }

    /// Stores grids in order, resolving each parent by code (see `Store::insert_grids`),
    /// and bumps the grids' version unless there were none.
    pub async fn insert_grids(
        conn: &mut DB::Connection,
        writes: &Writes<DB>,
        grids: &[NewGrid],
    ) -> Result<Vec<Grid>, StoreError> {
        let mut stored = Vec::with_capacity(grids.len());
        // Microseconds, as PostgreSQL keeps them, so "as of" agrees on both backends.
        let valid_from = Utc::now().trunc_subsecs(6);
        for grid in grids {
            let what = format!("grid {}", grid.code);
            let parent_id = Self::parent_of(&mut *conn, grid, &what).await?;
            let insert = sqlx::query_scalar(writes.grid)
                .bind(grid.code.as_str())
                .bind(grid.name.as_str())
                .bind(grid.level)
                .bind(parent_id)
                .bind(grid.households)
                .bind(grid.residents);
            let id: GridId = (writes.bind_boundary)(insert, grid, &what)?
                .bind(valid_from)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| write_error(e, &what))?;
            stored.push(stored_grid(id, parent_id, grid));
        }
        if !grids.is_empty() {
            versions::bump(conn, Topic::Grids).await?;
        }
        Ok(stored)
    }

    /// Stores a whole dataset: levels, grids, cameras, workers, in that order, so that
    /// each can refer to what came before (see `Store::insert_dataset`).
    pub async fn insert_dataset(
        conn: &mut DB::Connection,
        writes: &Writes<DB>,
        dataset: &Dataset,
    ) -> Result<DatasetCounts, StoreError> {
        Self::put_levels(&mut *conn, &dataset.levels).await?;
        let grids = Self::insert_grids(&mut *conn, writes, &dataset.grids).await?;
        let cameras = Self::insert_cameras(&mut *conn, writes.camera, &dataset.cameras).await?;
        let workers = Self::insert_workers(&mut *conn, writes.worker, &dataset.workers).await?;
        Ok(DatasetCounts {
            levels: dataset.levels.len(),
            grids: grids.len(),
            cameras: cameras.len(),
            workers: workers.len(),
        })
    }

    /// Records a position report if it is later than the stored one (see
    /// `Store::record_position`): the worker's last position and a point of their track.
    /// Run it in a write transaction, so that nothing comes between the comparison and the
    /// update. It bumps no version: positions reach other replicas through their poll of
    /// the track (`Store::positions_since`), not through a reload of every worker.
    pub async fn record_position(
        conn: &mut DB::Connection,
        writes: &Writes<DB>,
        id: WorkerId,
        fix: &Fix,
        received_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        // PostgreSQL keeps microseconds; comparing what will be stored keeps a repeated
        // report with finer digits from counting as newer on one backend only.
        let at = fix.at.trunc_subsecs(6);
        let what = || format!("worker {id}");
        let last: PositionTime = Self::one(&mut *conn, writes.lock_position, id, what).await?;
        if let Some(last) = last.position_at.filter(|last| *last >= at) {
            return Err(not_newer(id, at, last));
        }
        sqlx::query(writes.update_position)
            .bind(id)
            .bind(fix.position.lon())
            .bind(fix.position.lat())
            .bind(at)
            .execute(&mut *conn)
            .await
            .map_err(|e| write_error(e, &what()))?;
        sqlx::query(
            "INSERT INTO worker_positions (worker_id, at, lon, lat, accuracy_m, received_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(at)
        .bind(fix.position.lon())
        .bind(fix.position.lat())
        .bind(fix.accuracy_m)
        .bind(received_at.trunc_subsecs(6))
        .execute(&mut *conn)
        .await
        .map_err(|e| write_error(e, &what()))?;
        Ok(())
    }

    /// Replaces a worker's shifts and bumps the workers' version; an unknown worker is
    /// [`StoreError::NotFound`].
    pub async fn replace_shifts(
        conn: &mut DB::Connection,
        id: WorkerId,
        shifts: &[Shift],
    ) -> Result<(), StoreError> {
        let known: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM workers WHERE id = $1)")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        if !known {
            return Err(StoreError::NotFound(format!("worker {id}")));
        }
        sqlx::query("DELETE FROM shifts WHERE worker_id = $1")
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Self::put_shifts(&mut *conn, id, shifts, &format!("worker {id}")).await?;
        versions::bump(conn, Topic::Workers).await
    }

    /// Stores shifts of a worker.
    async fn put_shifts(
        conn: &mut DB::Connection,
        id: WorkerId,
        shifts: &[Shift],
        what: &str,
    ) -> Result<(), StoreError> {
        for shift in shifts {
            let (weekdays, starts, ends) = shift.parts();
            sqlx::query(
                "INSERT INTO shifts (worker_id, weekdays, starts, ends) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(i64::from(weekdays))
            .bind(i64::from(starts))
            .bind(i64::from(ends))
            .execute(&mut *conn)
            .await
            .map_err(|e| write_error(e, what))?;
        }
        Ok(())
    }

    /// Stores cameras with `insert`, which takes code, name, lon, lat, kind, stream URL,
    /// status, heading and field of view as `$1`..`$9` (how it stores the point is the
    /// backend's business).
    pub async fn insert_cameras(
        conn: &mut DB::Connection,
        insert: &str,
        cameras: &[NewCamera],
    ) -> Result<Vec<Camera>, StoreError> {
        let mut stored = Vec::with_capacity(cameras.len());
        for camera in cameras {
            let id: CameraId = sqlx::query_scalar(insert)
                .bind(camera.code.as_str())
                .bind(camera.name.as_str())
                .bind(camera.location.lon())
                .bind(camera.location.lat())
                .bind(camera.kind.as_str())
                .bind(camera.stream_url.as_str())
                .bind(camera.status.as_str())
                .bind(camera.heading.map(Heading::degrees))
                .bind(camera.field_of_view.map(FieldOfView::degrees))
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| write_error(e, &format!("camera {}", camera.code)))?;
            stored.push(stored_camera(id, camera));
        }
        if !cameras.is_empty() {
            versions::bump(conn, Topic::Cameras).await?;
        }
        Ok(stored)
    }

    /// Stores workers with `insert`, which takes name, role, department, phone, on duty,
    /// lon, lat and position time as `$1`..`$8`, assigns them to their grids by code and
    /// bumps the workers' version unless there were none.
    pub async fn insert_workers(
        conn: &mut DB::Connection,
        insert: &str,
        workers: &[NewWorker],
    ) -> Result<Vec<Worker>, StoreError> {
        let mut stored = Vec::with_capacity(workers.len());
        for worker in workers {
            let what = format!("worker {}", worker.name);
            let mut grid_ids = Vec::with_capacity(worker.grid_codes.len());
            for code in &worker.grid_codes {
                grid_ids.push(Self::grid_id(&mut *conn, code, &what).await?);
            }
            let id: WorkerId = sqlx::query_scalar(insert)
                .bind(worker.name.as_str())
                .bind(worker.role.as_str())
                .bind(worker.department.as_deref())
                .bind(worker.phone.as_str())
                .bind(worker.on_duty)
                .bind(worker.position.map(LonLat::lon))
                .bind(worker.position.map(LonLat::lat))
                .bind(worker.position_at)
                .fetch_one(&mut *conn)
                .await
                .map_err(|e| write_error(e, &what))?;
            let worker = stored_worker(id, grid_ids, worker);
            Self::assign(&mut *conn, &worker, &what).await?;
            Self::put_shifts(&mut *conn, id, &worker.shifts, &what).await?;
            stored.push(worker);
        }
        if !workers.is_empty() {
            versions::bump(conn, Topic::Workers).await?;
        }
        Ok(stored)
    }

    /// Assigns a stored worker to grids.
    async fn assign(
        conn: &mut DB::Connection,
        worker: &Worker,
        what: &str,
    ) -> Result<(), StoreError> {
        for &grid_id in &worker.grid_ids {
            sqlx::query("INSERT INTO worker_grids (worker_id, grid_id) VALUES ($1, $2)")
                .bind(worker.id)
                .bind(grid_id)
                .execute(&mut *conn)
                .await
                .map_err(|e| write_error(e, what))?;
        }
        Ok(())
    }

    /// The workers `select` (a `SELECT … FROM workers`) reads, all of them or those with
    /// the given ids (see `Store::workers_by_ids`), by id, with their grids. Run it in a
    /// read transaction, so the workers and their grids are one snapshot.
    pub async fn workers(
        conn: &mut DB::Connection,
        select: &str,
        ids: Option<&[WorkerId]>,
    ) -> Result<Vec<Worker>, StoreError> {
        let Some(ids) = ids else {
            return Self::read_workers(conn, select, None).await;
        };
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut workers = Vec::with_capacity(ids.len());
        // Bounded batches stay far below either database's limit on bound parameters.
        for batch in ids.chunks(ID_BATCH) {
            workers.extend(Self::read_workers(&mut *conn, select, Some(batch)).await?);
        }
        Ok(workers)
    }

    /// The workers `select` reads, only those in `ids` when given (never empty), by id.
    async fn read_workers(
        conn: &mut DB::Connection,
        select: &str,
        ids: Option<&[WorkerId]>,
    ) -> Result<Vec<Worker>, StoreError> {
        // Only placeholders are spliced in, `$1, $2, …`; the ids themselves are bound.
        let (rows_of, grids_of) = match ids {
            None => (String::new(), String::new()),
            Some(ids) => {
                let list = placeholders(ids.len());
                (
                    format!(" WHERE id IN ({list})"),
                    format!(" WHERE worker_id IN ({list})"),
                )
            }
        };
        let shifts_of = format!(
            "SELECT worker_id, weekdays, starts, ends FROM shifts{grids_of} \
             ORDER BY worker_id, weekdays, starts"
        );
        let rows = format!("{select}{rows_of} ORDER BY id");
        let assignments = format!(
            "SELECT worker_id, grid_id FROM worker_grids{grids_of} ORDER BY worker_id, grid_id"
        );
        let ids = ids.unwrap_or_default();
        let mut rows = sqlx::query_as::<DB, WorkerRow>(&rows);
        let mut assignments = sqlx::query_as::<DB, (WorkerId, GridId)>(&assignments);
        let mut shifts = sqlx::query_as::<DB, ShiftRow>(&shifts_of);
        for &id in ids {
            rows = rows.bind(id);
            assignments = assignments.bind(id);
            shifts = shifts.bind(id);
        }
        let rows = rows.fetch_all(&mut *conn).await?;
        let assignments = assignments.fetch_all(&mut *conn).await?;
        let shifts = shifts.fetch_all(conn).await?;
        assemble_workers(rows, assignments, shifts)
    }
}

/// Most ids bound in one statement.
const ID_BATCH: usize = 1000;

/// `$1, $2, …, $n`: the placeholders of `n` bound parameters.
fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The refusal of a position report at `at` when the worker's last known one is at `last`,
/// not older (see `Store::record_position`).
pub(super) fn not_newer(id: WorkerId, at: DateTime<Utc>, last: DateTime<Utc>) -> StoreError {
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    StoreError::Conflict(format!(
        "worker {id}: the position at {} is not newer than the last known one at {}",
        time(at),
        time(last)
    ))
}
