//! Statements both backends run word for word (sqlx binds `$N` for SQLite as well).
//!
//! Everything spatial differs between the backends and lives in their own modules.

/// All levels, top first.
pub(crate) const LEVELS: &str = "SELECT level, name_zh, name_en FROM levels ORDER BY level";

/// Inserts a level or renames an existing one.
pub(crate) const PUT_LEVEL: &str = "INSERT INTO levels (level, name_zh, name_en) VALUES ($1, $2, $3) \
     ON CONFLICT (level) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en";

/// Whether a level exists, so an unknown one is reported by the grid's code.
pub(crate) const LEVEL_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM levels WHERE level = $1)";

/// The id of the grid with a code, including grids inserted earlier in the transaction.
pub(crate) const GRID_ID_BY_CODE: &str = "SELECT id FROM grids WHERE code = $1";

/// Assigns a worker to a grid.
pub(crate) const ASSIGN_WORKER: &str =
    "INSERT INTO worker_grids (worker_id, grid_id) VALUES ($1, $2)";

/// Every assignment, grouped by worker.
pub(crate) const ASSIGNMENTS: &str =
    "SELECT worker_id, grid_id FROM worker_grids ORDER BY worker_id, grid_id";

/// One worker's assignments.
pub(crate) const ASSIGNMENTS_OF: &str =
    "SELECT worker_id, grid_id FROM worker_grids WHERE worker_id = $1 ORDER BY grid_id";
