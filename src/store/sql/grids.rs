//! The levels and the grids in service: their queries, and [`GridStore`] for `Backend`.

use super::scope::push_code_in_scope;
use super::versions::{Topic, bump};
use super::{Backend, Boundary, Conn, Db, commit};
use crate::domain::{Grid, GridCode, GridId, GridScope, Level, LevelNo, NewGrid};
use crate::store::dialect::Dialect;
use crate::store::rows::{GridRow, found, stored_grid, write_error};
use crate::store::{GridFilter, GridStore, StoreError};
use async_trait::async_trait;
use chrono::{SubsecRound, Utc};
use sqlx::QueryBuilder;
use std::sync::LazyLock;

/// A grid's columns as [`GridRow`] reads them, from `grids` or from `grid_history`, with
/// `id` the expression of its id.
pub(super) fn grid_columns(id: &str) -> String {
    format!(
        "{id} AS id, code, name, level, parent_id, households, residents, {}, version",
        Backend::GEOMETRY
    )
}

/// Grids in service; add conditions with `AND`.
static GRIDS: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM grids WHERE retired_at IS NULL",
        grid_columns("id")
    )
});
/// Every grid, in service or not; add conditions with `AND`.
static ANY_GRID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {} FROM grids WHERE 1 = 1", grid_columns("id")));

/// The grid a row holds, its boundary read as this backend stores it.
pub(super) fn grid_from(row: GridRow<Boundary>) -> Result<Grid, StoreError> {
    row.into_grid(Backend::read_boundary)
}

/// Inserts levels or renames existing ones.
pub(super) async fn put_levels(conn: &mut Conn, levels: &[Level]) -> Result<(), StoreError> {
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

/// The id of `grid`'s parent, after checking that its level exists; both are
/// [`StoreError::Conflict`]s naming the grid when missing (see `GridStore::insert_grids`).
pub(super) async fn parent_of(
    conn: &mut Conn,
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
        Some(parent) => Ok(Some(grid_id(conn, parent, what).await?)),
    }
}

/// The id of the grid with `code`, including grids inserted earlier in the same
/// transaction; an unknown code is a [`StoreError::Conflict`] naming `what` and it.
pub(super) async fn grid_id(
    conn: &mut Conn,
    code: &GridCode,
    what: &str,
) -> Result<GridId, StoreError> {
    let id: Option<GridId> = sqlx::query_scalar("SELECT id FROM grids WHERE code = $1")
        .bind(code.as_str())
        .fetch_optional(conn)
        .await?;
    id.ok_or_else(|| StoreError::Conflict(format!("{what}: unknown grid {code}")))
}

/// Stores grids in order, resolving each parent by code (see `GridStore::insert_grids`),
/// and bumps the grids' version unless there were none.
pub(super) async fn insert_grids(
    conn: &mut Conn,
    grids: &[NewGrid],
) -> Result<Vec<Grid>, StoreError> {
    let mut stored = Vec::with_capacity(grids.len());
    // Microseconds, as PostgreSQL keeps them, so "as of" agrees on both backends.
    let valid_from = Utc::now().trunc_subsecs(6);
    for grid in grids {
        let what = format!("grid {}", grid.code);
        let parent_id = parent_of(&mut *conn, grid, &what).await?;
        let insert = sqlx::query_scalar::<Db, GridId>(Backend::INSERT_GRID)
            .bind(grid.code.as_str())
            .bind(grid.name.as_str())
            .bind(grid.level)
            .bind(parent_id)
            .bind(grid.households)
            .bind(grid.residents);
        let id: GridId = Backend::bind_boundary(insert, grid, &what)?
            .bind(valid_from)
            .fetch_one(&mut *conn)
            .await
            .map_err(|e| write_error(e, &what))?;
        stored.push(stored_grid(id, parent_id, grid));
    }
    if !grids.is_empty() {
        bump(conn, Topic::Grids).await?;
    }
    Ok(stored)
}

#[async_trait]
impl GridStore for Backend {
    async fn levels(&self) -> Result<Vec<Level>, StoreError> {
        let rows: Vec<(LevelNo, String, String)> =
            sqlx::query_as("SELECT level, name_zh, name_en FROM levels ORDER BY level")
                .fetch_all(&self.pool)
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

    async fn put_levels(&self, levels: &[Level]) -> Result<(), StoreError> {
        let mut tx = self.write().await?;
        put_levels(&mut tx, levels).await?;
        commit(tx, ()).await
    }

    async fn grids(&self, scope: &GridScope, filter: GridFilter) -> Result<Vec<Grid>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(GRIDS.as_str());
        push_code_in_scope(&mut query, scope, "code");
        if let Some(level) = filter.level {
            query.push(" AND level = ").push_bind(level);
        }
        if let Some(bbox) = filter.bbox {
            Backend::push_grid_bbox(&mut query, bbox);
        }
        query.push(" ORDER BY level, code");
        let rows: Vec<GridRow<Boundary>> = query.build_query_as().fetch_all(&self.pool).await?;
        rows.into_iter().map(grid_from).collect()
    }

    async fn grid(&self, scope: &GridScope, id: GridId) -> Result<Grid, StoreError> {
        let mut query = QueryBuilder::<Db>::new(ANY_GRID.as_str());
        query.push(" AND id = ").push_bind(id);
        push_code_in_scope(&mut query, scope, "code");
        let row: Option<GridRow<Boundary>> =
            query.build_query_as().fetch_optional(&self.pool).await?;
        grid_from(found(row, || format!("grid {id}"))?)
    }

    async fn grid_by_code(&self, scope: &GridScope, code: &GridCode) -> Result<Grid, StoreError> {
        let mut query = QueryBuilder::<Db>::new(ANY_GRID.as_str());
        query.push(" AND code = ").push_bind(code.as_str());
        push_code_in_scope(&mut query, scope, "code");
        let row: Option<GridRow<Boundary>> =
            query.build_query_as().fetch_optional(&self.pool).await?;
        grid_from(found(row, || format!("grid {code}"))?)
    }

    async fn insert_grids(&self, grids: &[NewGrid]) -> Result<Vec<Grid>, StoreError> {
        let mut tx = self.write().await?;
        let stored = insert_grids(&mut tx, grids).await?;
        commit(tx, stored).await
    }
}
