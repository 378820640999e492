//! Grid planning: change sets and the grids' history; the queries, and [`PlanningStore`]
//! for `Backend`. How a boundary is spelt, how rows are locked and what PostGIS re-checks
//! come from `Dialect`.

use super::grids::{grid_columns, grid_from};
use super::incidents::update;
use super::revisions::{LOCK_GRID, check_version, create, recheck, rewrite};
use super::scope::push_code_in_scope;
use super::versions::{Topic, bump};
use super::{Backend, Boundary, Conn, Db, commit};
use crate::domain::{
    ChangeSet, ChangeSetId, ChangeSetStatus, Grid, GridCode, GridId, GridRevision, GridScope,
    GridVersion, LevelNo,
};
use crate::store::dialect::Dialect;
use crate::store::rows::planning::{ChangeSetRow, RevisionRow, documents};
use crate::store::rows::{found, write_error};
use crate::store::{Applied, ApplyPlan, NewChangeSet, PlanningStore, StoreError};
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};
use sqlx::QueryBuilder;
use std::sync::LazyLock;

const CHANGESET: &str = "SELECT id, reason, author, status, created_at, decided_at, grids, \
     problems, impact FROM changesets WHERE id = $1";

/// Reads the status of change set `$1`, locking it until the transaction ends where the
/// backend locks rows.
static LOCK_CHANGESET: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT status FROM changesets WHERE id = $1{}",
        Backend::FOR_UPDATE
    )
});

/// The two halves of every version of a grid as [`RevisionRow`]s: the version in
/// `grids` (`g`) and those in `grid_history` (`h`); add conditions with `AND`.
static HISTORY: LazyLock<(String, String)> = LazyLock::new(|| {
    (
        format!(
            "SELECT {}, valid_from, CAST(NULL AS timestamptz) AS valid_to, \
             retired_at IS NOT NULL AS retired, changeset_id, c.author, c.reason FROM grids g \
             LEFT JOIN changesets c ON c.id = g.changeset_id WHERE 1 = 1",
            grid_columns("g.id"),
        ),
        format!(
            " UNION ALL SELECT {}, valid_from, valid_to, false AS retired, changeset_id, \
             c.author, c.reason FROM grid_history h LEFT JOIN changesets c \
             ON c.id = h.changeset_id WHERE 1 = 1",
            grid_columns("h.grid_id"),
        ),
    )
});

/// The two halves of the grids as they were at some time: those in `grids` and those in
/// `grid_history`; add conditions with `AND`.
static AS_OF: LazyLock<(String, String)> = LazyLock::new(|| {
    (
        format!("SELECT {} FROM grids WHERE 1 = 1", grid_columns("id")),
        format!(
            " UNION ALL SELECT {} FROM grid_history WHERE 1 = 1",
            grid_columns("grid_id")
        ),
    )
});

/// One change set.
async fn get(conn: &mut Conn, id: ChangeSetId) -> Result<ChangeSet, StoreError> {
    let row: Option<ChangeSetRow> = sqlx::query_as(CHANGESET)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    found(row, || format!("change set {id}"))?.into_changeset()
}

/// Locks change set `id` and checks that it is still proposed.
async fn lock_proposed(conn: &mut Conn, id: ChangeSetId) -> Result<(), StoreError> {
    let row: Option<(String,)> = sqlx::query_as(&LOCK_CHANGESET)
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
async fn discard(
    conn: &mut Conn,
    id: ChangeSetId,
    at: DateTime<Utc>,
) -> Result<ChangeSet, StoreError> {
    lock_proposed(&mut *conn, id).await?;
    sqlx::query("UPDATE changesets SET status = $2, decided_at = $3 WHERE id = $1")
        .bind(id)
        .bind(ChangeSetStatus::Discarded.as_str())
        .bind(at.trunc_subsecs(6))
        .execute(&mut *conn)
        .await?;
    get(conn, id).await
}

/// Applies a change set (see `PlanningStore::apply_changeset`).
async fn apply(conn: &mut Conn, plan: &ApplyPlan) -> Result<Applied, StoreError> {
    let at = plan.at.trunc_subsecs(6);
    let mut changeset = plan.changeset.clone();
    let id = changeset.id;
    lock_proposed(&mut *conn, id).await?;
    // Locking the parents serialises every apply within a family, so two change sets
    // each clean on its own cannot commit side by side into an overlap.
    let mut parents: Vec<GridId> = changeset.grids.iter().filter_map(|g| g.parent_id).collect();
    parents.sort_unstable();
    parents.dedup();
    for &parent in &parents {
        let _: Option<(GridVersion, bool)> = sqlx::query_as(&LOCK_GRID)
            .bind(parent)
            .fetch_optional(&mut *conn)
            .await?;
    }
    for grid in changeset.grids.iter().filter(|g| g.id.is_some()) {
        check_version(&mut *conn, grid).await?;
    }
    for grid in &mut changeset.grids {
        let stored = match grid.id {
            Some(grid_id) => rewrite(&mut *conn, grid_id, grid, id, at).await?,
            None => create(&mut *conn, grid, id, at).await?,
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
        let missing =
            |code: &GridCode| StoreError::Invalid(format!("grid {code} is not in the change set"));
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
    let mut rerouted = Vec::with_capacity(plan.reroutes.len());
    for reroute in &plan.reroutes {
        let mut incident = reroute.incident.clone();
        let mut event = reroute.event.clone();
        let grid = match id_of(&reroute.to) {
            Some(grid) => grid,
            None => grid_id(&mut *conn, &reroute.to).await?,
        };
        incident.responsible.grid = Some(grid);
        event.details.responsible = Some(incident.responsible.clone());
        rerouted.push(update(&mut *conn, &incident, &event).await?);
    }
    bump(&mut *conn, Topic::Grids).await?;
    if !plan.transfers.is_empty() {
        bump(&mut *conn, Topic::Workers).await?;
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
    if let Some(sql) = Backend::RECHECK_FAMILY {
        recheck(&mut *conn, sql, &changeset).await?;
    }
    Ok(Applied {
        changeset,
        rerouted,
    })
}

/// The id of the grid with `code`, which an incident is re-routed to.
async fn grid_id(conn: &mut Conn, code: &GridCode) -> Result<GridId, StoreError> {
    let id = sqlx::query_scalar::<Db, GridId>("SELECT id FROM grids WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(conn)
        .await?;
    id.ok_or_else(|| StoreError::Conflict(format!("grid {code} does not exist")))
}

#[async_trait]
impl PlanningStore for Backend {
    async fn grids_as_of(
        &self,
        scope: &GridScope,
        level: Option<LevelNo>,
        at: DateTime<Utc>,
    ) -> Result<Vec<Grid>, StoreError> {
        // Level 0 is no level: every level, as `None`.
        let level = level.filter(|&level| level != 0);
        let (current, past) = &*AS_OF;
        let mut query = QueryBuilder::<Db>::new(current);
        query.push(" AND valid_from <= ").push_bind(at);
        query
            .push(" AND (retired_at IS NULL OR retired_at > ")
            .push_bind(at);
        query.push(")");
        if let Some(level) = level {
            query.push(" AND level = ").push_bind(level);
        }
        push_code_in_scope(&mut query, scope, "code");
        query.push(past);
        query.push(" AND valid_from <= ").push_bind(at);
        query.push(" AND valid_to > ").push_bind(at);
        if let Some(level) = level {
            query.push(" AND level = ").push_bind(level);
        }
        push_code_in_scope(&mut query, scope, "code");
        query.push(" ORDER BY level, code");
        let rows: Vec<crate::store::rows::GridRow<Boundary>> =
            query.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(grid_from).collect()
    }

    async fn grid_history(
        &self,
        scope: &GridScope,
        id: GridId,
    ) -> Result<Vec<GridRevision>, StoreError> {
        let (current, past) = &*HISTORY;
        let mut query = QueryBuilder::<Db>::new(current);
        query.push(" AND g.id = ").push_bind(id);
        push_code_in_scope(&mut query, scope, "g.code");
        query.push(past);
        query.push(" AND h.grid_id = ").push_bind(id);
        push_code_in_scope(&mut query, scope, "h.code");
        query.push(" ORDER BY version");
        let rows: Vec<RevisionRow<Boundary>> = query.build_query_as().fetch_all(&self.pool).await?;
        if rows.is_empty() {
            return Err(StoreError::NotFound(format!("grid {id}")));
        }
        rows.into_iter()
            .map(|row| row.into_revision(Backend::read_boundary))
            .collect()
    }

    async fn insert_changeset(&self, new: &NewChangeSet) -> Result<ChangeSet, StoreError> {
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
        changeset.id = sqlx::query_scalar::<Db, ChangeSetId>(
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
        .fetch_one(&self.pool)
        .await
        .map_err(|e| write_error(e, "the change set"))?;
        Ok(changeset)
    }

    async fn changeset(&self, id: ChangeSetId) -> Result<ChangeSet, StoreError> {
        get(&mut *self.conn().await?, id).await
    }

    async fn apply_changeset(&self, plan: &ApplyPlan) -> Result<Applied, StoreError> {
        let mut tx = self.write().await?;
        let applied = apply(&mut tx, plan).await?;
        commit(tx, applied).await
    }

    async fn discard_changeset(
        &self,
        id: ChangeSetId,
        at: DateTime<Utc>,
    ) -> Result<ChangeSet, StoreError> {
        let mut tx = self.write().await?;
        let discarded = discard(&mut tx, id, at).await?;
        commit(tx, discarded).await
    }
}
