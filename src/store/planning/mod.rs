//! Change sets and grid history, written once for both backends and generic over the
//! database like `queries.rs`; how a boundary is spelt, how rows are locked and what
//! PostGIS re-checks are the backend's, in [`PlanningWrites`].

mod docs;

use docs::documents;
pub(crate) use docs::{ChangeSetRow, RevisionRow};

use super::incidents::{EventRow, FactRow, IncidentQueries, IncidentRow, PhotoRow};
use super::queries::Writes;
use super::rows::{GridRow, found, write_error};
use super::versions::{self, Topic};
use super::{ApplyPlan, NewChangeSet, StoreError};
use crate::domain::{
    ChangeSet, ChangeSetId, ChangeSetStatus, GridCode, GridId, GridVersion, IncidentId, LevelNo,
    NewGrid, PhotoId, PlannedGrid,
};
use chrono::{DateTime, SubsecRound, Utc};
use geo::MultiPolygon;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use std::marker::PhantomData;

/// How a backend spells what the shared planning code runs.
pub(crate) struct PlanningWrites {
    /// Reads `version` and `retired_at IS NOT NULL` of grid `$1`, locking the row until the
    /// transaction ends where the backend locks rows.
    pub lock_grid: &'static str,
    /// Reads the status of change set `$1`, locking it likewise.
    pub lock_changeset: &'static str,
    /// Copies grid `$1` as it now is into `grid_history`, valid until `$2`.
    pub archive_grid: &'static str,
    /// Rewrites grid `$N` (the last parameter): `$1`..`$6` as in a grid insert, then the
    /// boundary as the backend binds it, then `valid_from` and the change set; adds one to
    /// the version and returns the id.
    pub reshape_grid: &'static str,
    /// Every version of grid `$1` as [`RevisionRow`]s, oldest first.
    pub history: &'static str,
    /// Grids as they were at `$1`, of level `$2` (0 for every level), as [`GridRow`]s
    /// ordered by level and code.
    pub as_of: &'static str,
    /// Where the database re-checks coverage with its own functions: given parent `$1`,
    /// the area in m² of the parent its children in service miss or overhang, and the area
    /// they cover twice (NULL when it has none).
    pub recheck_family: Option<&'static str>,
}

/// Areas below this (m²) the database's own re-check lets pass: its area arithmetic
/// differs from ours in the last digits, and our checks already refused anything real.
const RECHECK_TOLERANCE_M2: f64 = 1.0;

const CHANGESET: &str = "SELECT id, reason, author, status, created_at, decided_at, grids, \
     problems, impact FROM changesets WHERE id = $1";

/// The shared planning queries for database `DB`.
pub(crate) struct PlanningQueries<DB>(PhantomData<DB>);

impl<DB> PlanningQueries<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> LevelNo: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> bool: Decode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> &'q [u8]: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB>,
    for<'q> Option<String>: Encode<'q, DB>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> Option<f64>: Decode<'q, DB>,
    for<'r> ChangeSetRow: FromRow<'r, DB::Row>,
    for<'r> (String,): FromRow<'r, DB::Row>,
    for<'r> (GridVersion, bool): FromRow<'r, DB::Row>,
    for<'r> (Option<f64>, Option<f64>): FromRow<'r, DB::Row>,
    for<'r> IncidentRow: FromRow<'r, DB::Row>,
    for<'r> EventRow: FromRow<'r, DB::Row>,
    for<'r> PhotoRow: FromRow<'r, DB::Row>,
    for<'r> FactRow: FromRow<'r, DB::Row>,
    for<'r> (IncidentId, PhotoId): FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    /// Stores a proposed change set.
    pub async fn insert(
        conn: &mut DB::Connection,
        new: &NewChangeSet,
    ) -> Result<ChangeSet, StoreError> {
        let created_at = new.created_at.trunc_subsecs(6);
        let mut changeset = ChangeSet {
            id: 0,
            reason: new.reason.clone(),
            author: new.author.clone(),
            status: ChangeSetStatus::Proposed,
            created_at,
            decided_at: None,
            grids: new.grids.clone(),
            problems: new.problems.clone(),
            impact: new.impact.clone(),
        };
        let (grids, problems, impact) = documents(&changeset);
        changeset.id = sqlx::query_scalar::<DB, ChangeSetId>(
            "INSERT INTO changesets (reason, author, status, created_at, grids, problems, \
             impact) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(changeset.reason.as_str())
        .bind(changeset.author.as_str())
        .bind(ChangeSetStatus::Proposed.as_str())
        .bind(created_at)
        .bind(grids)
        .bind(problems)
        .bind(impact)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| write_error(e, "the change set"))?;
        Ok(changeset)
    }

    /// One change set.
    pub async fn get(conn: &mut DB::Connection, id: ChangeSetId) -> Result<ChangeSet, StoreError> {
        let row: Option<ChangeSetRow> = sqlx::query_as(CHANGESET)
            .bind(id)
            .fetch_optional(conn)
            .await?;
        found(row, || format!("change set {id}"))?.into_changeset()
    }

    /// Locks change set `id` and checks that it is still proposed.
    async fn lock_proposed(
        conn: &mut DB::Connection,
        writes: &PlanningWrites,
        id: ChangeSetId,
    ) -> Result<(), StoreError> {
        let row: Option<(String,)> = sqlx::query_as(writes.lock_changeset)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        let (status,) = found(row, || format!("change set {id}"))?;
        if status == ChangeSetStatus::Proposed.as_str() {
            Ok(())
        } else {
            Err(StoreError::Conflict(format!(
                "change set {id} is already {status}"
            )))
        }
    }

    /// Discards a proposed change set.
    pub async fn discard(
        conn: &mut DB::Connection,
        writes: &PlanningWrites,
        id: ChangeSetId,
        at: DateTime<Utc>,
    ) -> Result<ChangeSet, StoreError> {
        Self::lock_proposed(&mut *conn, writes, id).await?;
        sqlx::query("UPDATE changesets SET status = $2, decided_at = $3 WHERE id = $1")
            .bind(id)
            .bind(ChangeSetStatus::Discarded.as_str())
            .bind(at.trunc_subsecs(6))
            .execute(&mut *conn)
            .await?;
        Self::get(conn, id).await
    }

    /// Applies a change set (see `Store::apply_changeset`).
    pub async fn apply(
        conn: &mut DB::Connection,
        writes: &PlanningWrites,
        grid_writes: &Writes<DB>,
        plan: &ApplyPlan,
    ) -> Result<ChangeSet, StoreError> {
        let at = plan.at.trunc_subsecs(6);
        let mut changeset = plan.changeset.clone();
        let id = changeset.id;
        Self::lock_proposed(&mut *conn, writes, id).await?;
        // Locking the parents serialises every apply within a family, so two change sets
        // each clean on its own cannot commit side by side into an overlap.
        let mut parents: Vec<GridId> = changeset.grids.iter().filter_map(|g| g.parent_id).collect();
        parents.sort_unstable();
        parents.dedup();
        for &parent in &parents {
            let _: Option<(GridVersion, bool)> = sqlx::query_as(writes.lock_grid)
                .bind(parent)
                .fetch_optional(&mut *conn)
                .await?;
        }
        for grid in changeset.grids.iter().filter(|g| g.id.is_some()) {
            Self::check_version(&mut *conn, writes, grid).await?;
        }
        for grid in &mut changeset.grids {
            let stored = match grid.id {
                Some(grid_id) => {
                    Self::rewrite(&mut *conn, writes, grid_writes, grid_id, grid, id, at).await?
                }
                None => Self::create(&mut *conn, grid_writes, grid, id, at).await?,
            };
            grid.id = Some(stored);
        }
        let codes: Vec<(GridCode, GridId)> = changeset
            .grids
            .iter()
            .filter_map(|g| Some((g.code.clone(), g.id?)))
            .collect();
        let id_of = |code: &GridCode| codes.iter().find(|(c, _)| c == code).map(|&(_, id)| id);
        for (from, to) in &plan.transfers {
            let missing = |code: &GridCode| {
                StoreError::Invalid(format!("grid {code} is not in the change set"))
            };
            let from = id_of(from).ok_or_else(|| missing(from))?;
            if let Some(to) = to {
                let to = id_of(to).ok_or_else(|| missing(to))?;
                sqlx::query(
                    "INSERT INTO worker_grids (worker_id, grid_id) SELECT worker_id, $2 \
                     FROM worker_grids WHERE grid_id = $1 ON CONFLICT DO NOTHING",
                )
                .bind(from)
                .bind(to)
                .execute(&mut *conn)
                .await
                .map_err(|e| write_error(e, "the workers' assignments"))?;
            }
            sqlx::query("DELETE FROM worker_grids WHERE grid_id = $1")
                .bind(from)
                .execute(&mut *conn)
                .await?;
        }
        for reroute in &plan.reroutes {
            let mut incident = reroute.incident.clone();
            let mut event = reroute.event.clone();
            let grid = match id_of(&reroute.to) {
                Some(grid) => grid,
                None => Self::grid_id(&mut *conn, &reroute.to).await?,
            };
            incident.responsible.grid = Some(grid);
            event.details.responsible = Some(incident.responsible.clone());
            IncidentQueries::<DB>::update(&mut *conn, &incident, &event).await?;
        }
        versions::bump(&mut *conn, Topic::Grids).await?;
        if !plan.transfers.is_empty() {
            versions::bump(&mut *conn, Topic::Workers).await?;
        }
        changeset.status = ChangeSetStatus::Applied;
        changeset.decided_at = Some(at);
        let (grids, problems, impact) = documents(&changeset);
        sqlx::query(
            "UPDATE changesets SET status = $2, decided_at = $3, grids = $4, problems = $5, \
             impact = $6 WHERE id = $1",
        )
        .bind(id)
        .bind(ChangeSetStatus::Applied.as_str())
        .bind(at)
        .bind(grids)
        .bind(problems)
        .bind(impact)
        .execute(&mut *conn)
        .await?;
        if let Some(recheck) = writes.recheck_family {
            Self::recheck(&mut *conn, recheck, &changeset).await?;
        }
        Ok(changeset)
    }

    /// The id of the grid with `code`, which an incident is re-routed to.
    async fn grid_id(conn: &mut DB::Connection, code: &GridCode) -> Result<GridId, StoreError> {
        let id = sqlx::query_scalar::<DB, GridId>("SELECT id FROM grids WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(conn)
            .await?;
        id.ok_or_else(|| StoreError::Conflict(format!("grid {code} does not exist")))
    }

    /// Refuses, as [`StoreError::Stale`], a grid whose version moved on since the change
    /// set was made from it, or that was retired meanwhile.
    async fn check_version(
        conn: &mut DB::Connection,
        writes: &PlanningWrites,
        grid: &PlannedGrid,
    ) -> Result<(), StoreError> {
        let id = grid.id.unwrap_or_default();
        let row: Option<(GridVersion, bool)> = sqlx::query_as(writes.lock_grid)
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
        let (version, retired) = found(row, || format!("grid {id}"))?;
        if retired {
            return Err(StoreError::Stale(format!(
                "grid {} was retired after the change set was made; reload and redraw",
                grid.code
            )));
        }
        if version != grid.base_version {
            return Err(StoreError::Stale(format!(
                "grid {} is at version {version}, but the change set was made from version {}; \
                 reload it and redraw",
                grid.code, grid.base_version
            )));
        }
        Ok(())
    }

    /// Keeps the stored version of grid `id` in its history, then reshapes or retires it;
    /// answers its id.
    async fn rewrite(
        conn: &mut DB::Connection,
        writes: &PlanningWrites,
        grid_writes: &Writes<DB>,
        id: GridId,
        grid: &PlannedGrid,
        changeset: ChangeSetId,
        at: DateTime<Utc>,
    ) -> Result<GridId, StoreError> {
        let what = format!("grid {}", grid.code);
        sqlx::query(writes.archive_grid)
            .bind(id)
            .bind(at)
            .execute(&mut *conn)
            .await
            .map_err(|e| write_error(e, &what))?;
        let Some(geometry) = &grid.geometry else {
            sqlx::query(
                "UPDATE grids SET version = version + 1, valid_from = $2, retired_at = $2, \
                 changeset_id = $3 WHERE id = $1",
            )
            .bind(id)
            .bind(at)
            .bind(changeset)
            .execute(&mut *conn)
            .await
            .map_err(|e| write_error(e, &what))?;
            return Ok(id);
        };
        let boundary = as_new_grid(grid, geometry);
        let update = bind_fields(sqlx::query_scalar::<DB, GridId>(writes.reshape_grid), grid);
        (grid_writes.bind_boundary)(update, &boundary, &what)?
            .bind(at)
            .bind(changeset)
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| write_error(e, &what))
    }

    /// Stores a new grid of the change set; answers its id.
    async fn create(
        conn: &mut DB::Connection,
        grid_writes: &Writes<DB>,
        grid: &PlannedGrid,
        changeset: ChangeSetId,
        at: DateTime<Utc>,
    ) -> Result<GridId, StoreError> {
        let what = format!("grid {}", grid.code);
        let geometry = grid
            .geometry
            .as_ref()
            .ok_or_else(|| StoreError::Invalid(format!("{what} is new and has no boundary")))?;
        let boundary = as_new_grid(grid, geometry);
        let insert = bind_fields(sqlx::query_scalar::<DB, GridId>(grid_writes.grid), grid);
        let id: GridId = (grid_writes.bind_boundary)(insert, &boundary, &what)?
            .bind(at)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| write_error(e, &what))?;
        sqlx::query("UPDATE grids SET changeset_id = $2 WHERE id = $1")
            .bind(id)
            .bind(changeset)
            .execute(&mut *conn)
            .await?;
        Ok(id)
    }

    /// Asks the database whether the families the change set touched still cover their
    /// parents exactly once; a fault it finds is [`StoreError::Invalid`].
    async fn recheck(
        conn: &mut DB::Connection,
        sql: &'static str,
        changeset: &ChangeSet,
    ) -> Result<(), StoreError> {
        let mut parents: Vec<GridId> = changeset.grids.iter().filter_map(|g| g.parent_id).collect();
        parents.sort_unstable();
        parents.dedup();
        for parent in parents {
            let (uncovered, overlapping): (Option<f64>, Option<f64>) = sqlx::query_as(sql)
                .bind(parent)
                .fetch_optional(&mut *conn)
                .await?
                .unwrap_or((None, None));
            let (uncovered, overlapping) = (uncovered.unwrap_or(0.0), overlapping.unwrap_or(0.0));
            if uncovered > RECHECK_TOLERANCE_M2 || overlapping > RECHECK_TOLERANCE_M2 {
                return Err(StoreError::Invalid(format!(
                    "the database's own check refused the change set: the children of grid \
                     {parent} leave {uncovered:.1} m² of it uncovered or outside and cover \
                     {overlapping:.1} m² twice"
                )));
            }
        }
        Ok(())
    }

    /// Every version of grid `id`, oldest first.
    pub async fn history<G>(
        conn: &mut DB::Connection,
        writes: &PlanningWrites,
        id: GridId,
    ) -> Result<Vec<RevisionRow<G>>, StoreError>
    where
        for<'r> RevisionRow<G>: FromRow<'r, DB::Row>,
        G: Send + Unpin,
    {
        let rows: Vec<RevisionRow<G>> = sqlx::query_as(writes.history)
            .bind(id)
            .fetch_all(conn)
            .await?;
        if rows.is_empty() {
            return Err(StoreError::NotFound(format!("grid {id}")));
        }
        Ok(rows)
    }

    /// The grids as they were at `at`, of one level or all.
    pub async fn as_of<G>(
        conn: &mut DB::Connection,
        writes: &PlanningWrites,
        level: Option<LevelNo>,
        at: DateTime<Utc>,
    ) -> Result<Vec<GridRow<G>>, StoreError>
    where
        for<'r> GridRow<G>: FromRow<'r, DB::Row>,
        G: Send + Unpin,
    {
        Ok(sqlx::query_as(writes.as_of)
            .bind(at)
            .bind(level.unwrap_or(0))
            .fetch_all(conn)
            .await?)
    }
}

/// The planned grid as a [`NewGrid`], which is what a backend's boundary binder reads.
fn as_new_grid(grid: &PlannedGrid, geometry: &MultiPolygon<f64>) -> NewGrid {
    NewGrid {
        code: grid.code.clone(),
        name: grid.name.clone(),
        level: grid.level,
        parent_code: grid.code.parent(),
        geometry: geometry.clone(),
        households: grid.households,
        residents: grid.residents,
    }
}

/// Binds `$1`..`$6` of a grid insert or reshape.
fn bind_fields<'q, DB>(
    query: super::queries::GridInsert<'q, DB>,
    grid: &PlannedGrid,
) -> super::queries::GridInsert<'q, DB>
where
    DB: Database,
    for<'a> LevelNo: Encode<'a, DB> + Type<DB>,
    for<'a> i64: Encode<'a, DB> + Type<DB>,
    for<'a> String: Encode<'a, DB> + Type<DB>,
    for<'a> Option<i64>: Encode<'a, DB>,
{
    query
        .bind(grid.code.as_str().to_owned())
        .bind(grid.name.clone())
        .bind(grid.level)
        .bind(grid.parent_id)
        .bind(grid.households)
        .bind(grid.residents)
}
