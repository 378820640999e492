//! The grid scope in SQL: the one place a query learns which rows a [`GridScope`] reaches.
//!
//! A scope is a set of code prefixes (see `crate::domain::scope`), so the SQL test is the
//! in-memory one, [`GridScope::includes`], spelt `substr(code, 1, length(prefix)) =
//! prefix`, which both databases run word for word. Every prefix and its length are
//! bound, never spliced into the text.

use super::Db;
use crate::domain::GridScope;
use sqlx::QueryBuilder;

/// Appends ` AND (…)`, the condition that the grid code in `column` is in `scope`: for
/// the scope of everything nothing, for an empty one a condition never true.
pub(super) fn push_code_in_scope(
    query: &mut QueryBuilder<'_, Db>,
    scope: &GridScope,
    column: &str,
) {
    let Some(prefixes) = scope.prefixes() else {
        return;
    };
    if prefixes.is_empty() {
        query.push(" AND 1 = 0");
        return;
    }
    query.push(" AND (");
    for (i, prefix) in prefixes.iter().enumerate() {
        if i > 0 {
            query.push(" OR ");
        }
        // Codes are ASCII digits: bytes and characters agree. An `int4`, which
        // PostgreSQL's `substr(text, int, int)` takes as it is.
        let length = i32::try_from(prefix.as_str().len()).unwrap_or(i32::MAX);
        query
            .push(format_args!("substr({column}, 1, "))
            .push_bind(length)
            .push(") = ")
            .push_bind(prefix.as_str().to_owned());
    }
    query.push(")");
}

/// Appends ` AND EXISTS (…)`, the condition that the worker whose id is in `column` is in
/// `scope`: one of the grids they are assigned to is (see [`GridScope::includes_any`]),
/// so a worker assigned nowhere is only in the scope of everything.
pub(super) fn push_worker_in_scope(
    query: &mut QueryBuilder<'_, Db>,
    scope: &GridScope,
    column: &str,
) {
    if scope.is_all() {
        return;
    }
    query.push(format_args!(
        " AND EXISTS (SELECT 1 FROM worker_grids scope_wg JOIN grids scope_g \
         ON scope_g.id = scope_wg.grid_id WHERE scope_wg.worker_id = {column}"
    ));
    push_code_in_scope(query, scope, "scope_g.code");
    query.push(")");
}
