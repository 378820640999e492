//! The grids a change set rewrites: each one's stored version kept in its history, the
//! new version written over it (or the grid retired, or created), and the database's own
//! re-check of coverage where it has one. Each runs in the caller's transaction.

use super::{Backend, Conn, Db};
use crate::domain::{ChangeSet, ChangeSetId, GridId, GridVersion, NewGrid, PlannedGrid};
use crate::store::StoreError;
use crate::store::dialect::{Dialect, GridInsert};
use crate::store::rows::{found, write_error};
use chrono::{DateTime, Utc};
use geo::MultiPolygon;
use std::sync::LazyLock;

/// Areas below this (m²) the database's own re-check lets pass: its area arithmetic
/// differs from ours in the last digits, and our checks already refused anything real.
const RECHECK_TOLERANCE_M2: f64 = 1.0;

/// Reads `version` and `retired_at IS NOT NULL` of grid `$1`, locking it until the transaction ends where
/// the backend locks rows.
pub(super) static LOCK_GRID: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT version, retired_at IS NOT NULL FROM grids WHERE id = $1{}",
        Backend::FOR_UPDATE
    )
});

/// Copies grid `$1` as it now is into `grid_history`, valid until `$2`.
static ARCHIVE_GRID: LazyLock<String> = LazyLock::new(|| {
    let geometry = Backend::GEOMETRY_COLUMN;
    format!(
        "INSERT INTO grid_history (grid_id, version, code, name, level, parent_id, \
         households, residents, {geometry}, valid_from, valid_to, changeset_id) \
         SELECT id, version, code, name, level, parent_id, households, residents, {geometry}, \
         valid_from, $2, changeset_id FROM grids WHERE id = $1"
    )
});

/// Refuses, as [`StoreError::Stale`], a grid whose version moved on since the change
/// set was made from it, or that was retired meanwhile.
pub(super) async fn check_version(conn: &mut Conn, grid: &PlannedGrid) -> Result<(), StoreError> {
    let id = grid.id.unwrap_or_default();
    let row: Option<(GridVersion, bool)> = sqlx::query_as(&LOCK_GRID)
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
pub(super) async fn rewrite(
    conn: &mut Conn,
    id: GridId,
    grid: &PlannedGrid,
    changeset: ChangeSetId,
    at: DateTime<Utc>,
) -> Result<GridId, StoreError> {
    let what = format!("grid {}", grid.code);
    sqlx::query(&ARCHIVE_GRID)
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
    let update = bind_fields(sqlx::query_scalar(Backend::RESHAPE_GRID), grid);
    Backend::bind_boundary(update, &boundary, &what)?
        .bind(at)
        .bind(changeset)
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| write_error(e, &what))
}

/// Stores a new grid of the change set; answers its id.
pub(super) async fn create(
    conn: &mut Conn,
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
    let insert = bind_fields(sqlx::query_scalar(Backend::INSERT_GRID), grid);
    let id: GridId = Backend::bind_boundary(insert, &boundary, &what)?
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
pub(super) async fn recheck(
    conn: &mut Conn,
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
fn bind_fields<'q>(query: GridInsert<'q, Db>, grid: &PlannedGrid) -> GridInsert<'q, Db> {
    query
        .bind(grid.code.as_str().to_owned())
        .bind(grid.name.clone())
        .bind(grid.level)
        .bind(grid.parent_id)
        .bind(grid.households)
        .bind(grid.residents)
}
