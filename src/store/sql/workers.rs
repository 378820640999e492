//! Grid workers, their shifts and their patrol tracks: the queries, and [`WorkerStore`]
//! for `Backend`.

use super::grids::grid_id;
use super::scope::push_worker_in_scope;
use super::versions::{Topic, bump};
use super::{Backend, Conn, Db, commit};
use crate::domain::{Fix, GridId, GridScope, LonLat, NewWorker, Shift, Worker, WorkerId};
use crate::store::dialect::Dialect;
use crate::store::rows::linkage::PositionRow;
use crate::store::rows::{
    PositionTime, ShiftRow, WorkerRow, assemble_workers, found, stored_worker, write_error,
};
use crate::store::{StoreError, WorkerStore};
use async_trait::async_trait;
use chrono::{DateTime, SecondsFormat, SubsecRound, Utc};
use sqlx::QueryBuilder;
use std::sync::LazyLock;

/// Every worker's row as [`WorkerRow`] reads it; add ` WHERE …`.
static WORKERS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT id, name, role, department, phone, on_duty, {}, position_at FROM workers",
        Backend::WORKER_POSITION
    )
});

/// Reads `position_at` of worker `$1`, locking the row until the transaction ends where
/// the backend locks rows.
static LOCK_POSITION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT position_at FROM workers WHERE id = $1{}",
        Backend::FOR_UPDATE
    )
});

impl Backend {
    /// All workers within `scope`, or those of them with these ids, in one read
    /// transaction, so that the workers and their grids are one snapshot.
    pub(in super::super) async fn read_workers(
        &self,
        scope: &GridScope,
        ids: Option<&[WorkerId]>,
    ) -> Result<Vec<Worker>, StoreError> {
        let mut tx = self.read().await?;
        let workers = workers(&mut tx, scope, ids).await?;
        commit(tx, workers).await
    }
}

/// Records a position report if it is later than the stored one (see
/// `WorkerStore::record_position`): the worker's last position and a point of their track.
/// Run it in a write transaction, so that nothing comes between the comparison and the
/// update. It bumps no version: positions reach other replicas through their poll of
/// the track (`WorkerStore::positions_since`), not through a reload of every worker.
async fn record_position(
    conn: &mut Conn,
    id: WorkerId,
    fix: &Fix,
    received_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    // PostgreSQL keeps microseconds; comparing what will be stored keeps a repeated
    // report with finer digits from counting as newer on one backend only.
    let at = fix.at.trunc_subsecs(6);
    let what = || format!("worker {id}");
    let last: Option<PositionTime> = sqlx::query_as(&LOCK_POSITION)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let last = found(last, what)?;
    if let Some(last) = last.position_at.filter(|last| *last >= at) {
        return Err(not_newer(id, at, last));
    }
    sqlx::query(Backend::UPDATE_POSITION)
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

/// Records a position report with `sql`, the backend's one statement for it (see
/// `Dialect::RECORD_POSITION`), instead of a transaction's five round trips (BEGIN, lock,
/// update, insert, COMMIT): at a thousand reports a second, loopback round trips are most
/// of the cost (BENCHMARKS.md, video linkage). The same rules: the row is locked, compared
/// with what will be stored, and updated with its track point only when newer, all or
/// nothing.
async fn record_in_one_statement(
    conn: &mut Conn,
    sql: &'static str,
    id: WorkerId,
    fix: &Fix,
    received_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    let at = fix.at.trunc_subsecs(6);
    let row: Option<(Option<DateTime<Utc>>, bool)> = sqlx::query_as(sql)
        .bind(id)
        .bind(fix.position.lon())
        .bind(fix.position.lat())
        .bind(at)
        .bind(fix.accuracy_m)
        .bind(received_at.trunc_subsecs(6))
        .fetch_optional(conn)
        .await
        .map_err(|e| write_error(e, &format!("worker {id}")))?;
    match row {
        None => Err(StoreError::NotFound(format!("worker {id}"))),
        Some((_, true)) => Ok(()),
        Some((last, false)) => Err(not_newer(id, at, last.unwrap_or(at))),
    }
}

/// Replaces a worker's shifts and bumps the workers' version; an unknown worker is
/// [`StoreError::NotFound`].
async fn replace_shifts(conn: &mut Conn, id: WorkerId, shifts: &[Shift]) -> Result<(), StoreError> {
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
    put_shifts(&mut *conn, id, shifts, &format!("worker {id}")).await?;
    bump(conn, Topic::Workers).await
}

/// Stores shifts of a worker.
async fn put_shifts(
    conn: &mut Conn,
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

/// Stores workers, assigns them to their grids by code and
/// bumps the workers' version unless there were none.
pub(super) async fn insert_workers(
    conn: &mut Conn,
    workers: &[NewWorker],
) -> Result<Vec<Worker>, StoreError> {
    let mut stored = Vec::with_capacity(workers.len());
    for worker in workers {
        let what = format!("worker {}", worker.name);
        let mut grid_ids = Vec::with_capacity(worker.grid_codes.len());
        for code in &worker.grid_codes {
            grid_ids.push(grid_id(&mut *conn, code, &what).await?);
        }
        let id: WorkerId = sqlx::query_scalar(Backend::INSERT_WORKER)
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
        assign(&mut *conn, &worker, &what).await?;
        put_shifts(&mut *conn, id, &worker.shifts, &what).await?;
        stored.push(worker);
    }
    if !workers.is_empty() {
        bump(conn, Topic::Workers).await?;
    }
    Ok(stored)
}

/// Assigns a stored worker to grids.
async fn assign(conn: &mut Conn, worker: &Worker, what: &str) -> Result<(), StoreError> {
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

/// The workers within `scope`, all of them or those with the given ids (see
/// `WorkerStore::workers_by_ids`), by id, with their grids. Run it in a read transaction,
/// so the workers and their grids are one snapshot.
async fn workers(
    conn: &mut Conn,
    scope: &GridScope,
    ids: Option<&[WorkerId]>,
) -> Result<Vec<Worker>, StoreError> {
    let Some(ids) = ids else {
        return read_workers(conn, scope, None).await;
    };
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut workers = Vec::with_capacity(ids.len());
    // Bounded batches stay far below either database's limit on bound parameters.
    for batch in ids.chunks(ID_BATCH) {
        workers.extend(read_workers(&mut *conn, scope, Some(batch)).await?);
    }
    Ok(workers)
}

/// The workers within `scope`, only those in `ids` when given (never empty), by id.
async fn read_workers(
    conn: &mut Conn,
    scope: &GridScope,
    ids: Option<&[WorkerId]>,
) -> Result<Vec<Worker>, StoreError> {
    // The same conditions on each of the three tables, `column` naming the worker's id.
    let select = |sql: &str, column: &str, order: &str| {
        let mut query = QueryBuilder::<Db>::new(sql);
        query.push(" WHERE 1 = 1");
        if let Some(ids) = ids {
            query.push(format_args!(" AND {column} IN ("));
            let mut list = query.separated(", ");
            for &id in ids {
                list.push_bind(id);
            }
            query.push(")");
        }
        push_worker_in_scope(&mut query, scope, column);
        query.push(order);
        query
    };
    let mut rows = select(WORKERS.as_str(), "workers.id", " ORDER BY id");
    let mut assignments = select(
        "SELECT worker_id, grid_id FROM worker_grids",
        "worker_grids.worker_id",
        " ORDER BY worker_id, grid_id",
    );
    let mut shifts = select(
        "SELECT worker_id, weekdays, starts, ends FROM shifts",
        "shifts.worker_id",
        " ORDER BY worker_id, weekdays, starts",
    );
    let rows: Vec<WorkerRow> = rows.build_query_as().fetch_all(&mut *conn).await?;
    let assignments: Vec<(WorkerId, GridId)> =
        assignments.build_query_as().fetch_all(&mut *conn).await?;
    let shifts: Vec<ShiftRow> = shifts.build_query_as().fetch_all(conn).await?;
    assemble_workers(rows, assignments, shifts)
}

/// Most ids bound in one statement.
const ID_BATCH: usize = 1000;

/// The refusal of a position report at `at` when the worker's last known one is at `last`,
/// not older (see `WorkerStore::record_position`).
fn not_newer(id: WorkerId, at: DateTime<Utc>, last: DateTime<Utc>) -> StoreError {
    let time = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::AutoSi, true);
    StoreError::Conflict(format!(
        "worker {id}: the position at {} is not newer than the last known one at {}",
        time(at),
        time(last)
    ))
}

#[async_trait]
impl WorkerStore for Backend {
    async fn workers(&self, scope: &GridScope) -> Result<Vec<Worker>, StoreError> {
        self.read_workers(scope, None).await
    }

    async fn workers_by_ids(
        &self,
        scope: &GridScope,
        ids: &[WorkerId],
    ) -> Result<Vec<Worker>, StoreError> {
        self.read_workers(scope, Some(ids)).await
    }

    async fn worker(&self, scope: &GridScope, id: WorkerId) -> Result<Worker, StoreError> {
        if scope.is_all() {
            // The backend's fastest read of one worker, which every position report makes.
            return self.one_worker(id).await;
        }
        let mut workers = self.read_workers(scope, Some(&[id])).await?;
        found(workers.pop(), || format!("worker {id}"))
    }

    async fn insert_workers(&self, workers: &[NewWorker]) -> Result<Vec<Worker>, StoreError> {
        let mut tx = self.write().await?;
        let stored = insert_workers(&mut tx, workers).await?;
        commit(tx, stored).await
    }

    async fn record_position(
        &self,
        id: WorkerId,
        fix: &Fix,
        received_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if let Some(sql) = Backend::RECORD_POSITION {
            return record_in_one_statement(&mut *self.conn().await?, sql, id, fix, received_at)
                .await;
        }
        let mut tx = self.write().await?;
        record_position(&mut tx, id, fix, received_at).await?;
        commit(tx, ()).await
    }

    async fn replace_shifts(&self, id: WorkerId, shifts: &[Shift]) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        replace_shifts(&mut tx, id, shifts).await?;
        commit(tx, ()).await
    }

    async fn positions_since(
        &self,
        scope: &GridScope,
        since: DateTime<Utc>,
    ) -> Result<Vec<(WorkerId, Fix, DateTime<Utc>)>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(
            "SELECT worker_id, at, lon, lat, accuracy_m, received_at FROM worker_positions \
             WHERE received_at >= ",
        );
        query.push_bind(since.trunc_subsecs(6));
        push_worker_in_scope(&mut query, scope, "worker_positions.worker_id");
        query.push(" ORDER BY received_at, id");
        let rows: Vec<PositionRow> = query.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(PositionRow::into_fix).collect()
    }

    async fn tracks(
        &self,
        scope: &GridScope,
        worker: Option<WorkerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(WorkerId, Fix)>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(
            "SELECT worker_id, at, lon, lat, accuracy_m, received_at FROM worker_positions \
             WHERE at >= ",
        );
        query.push_bind(from).push(" AND at < ").push_bind(to);
        if let Some(worker) = worker {
            query.push(" AND worker_id = ").push_bind(worker);
        }
        push_worker_in_scope(&mut query, scope, "worker_positions.worker_id");
        query.push(" ORDER BY worker_id, at");
        let rows: Vec<PositionRow> = query.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter()
            .map(|row| row.into_fix().map(|(id, fix, _)| (id, fix)))
            .collect()
    }

    async fn purge_positions(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        // In batches, so that neither database holds a long lock on the table.
        const BATCH: usize = 10_000;
        let mut conn = self.conn().await?;
        let mut gone = 0;
        loop {
            let batch: Vec<i64> = sqlx::query_scalar(
                "DELETE FROM worker_positions WHERE id IN (SELECT id FROM worker_positions \
                 WHERE at < $1 LIMIT $2) RETURNING id",
            )
            .bind(before.trunc_subsecs(6))
            .bind(BATCH as i64)
            .fetch_all(&mut *conn)
            .await?;
            gone += batch.len() as u64;
            if batch.len() < BATCH {
                return Ok(gone);
            }
        }
    }
}
