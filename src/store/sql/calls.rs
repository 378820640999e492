//! Calls to workers as stored: reading them, and the rule that one call at a time holds
//! an alert. Shared by the alerts' and the calls' writes.

use super::Conn;
use crate::domain::{AlertId, Call, CallId, CallStatus};
use crate::store::rows::found;
use crate::store::rows::linkage::CallRow;
use crate::store::{CallFilter, StoreError};

const CALL_COLUMNS: &str = "id, alert_id, worker_id, status, distance_m, eta_s, rang_at, \
     expires_at, answered_at, on_scene_at";

/// One call.
pub(super) async fn read_call(conn: &mut Conn, id: CallId) -> Result<Call, StoreError> {
    let row: Option<CallRow> =
        sqlx::query_as(&format!("SELECT {CALL_COLUMNS} FROM calls WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?;
    found(row, || format!("call {id}"))?.into_call()
}

/// The calls a filter selects, oldest first.
pub(super) async fn calls(conn: &mut Conn, filter: &CallFilter) -> Result<Vec<Call>, StoreError> {
    // Statuses are fixed words, so the list is spliced in; the values are bound.
    let statuses = if filter.statuses.is_empty() {
        String::new()
    } else {
        let words: Vec<String> = filter
            .statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        format!(" AND status IN ({})", words.join(", "))
    };
    let rows: Vec<CallRow> = sqlx::query_as(&format!(
        "SELECT {CALL_COLUMNS} FROM calls WHERE ($1 IS NULL OR alert_id = $1) \
         AND ($2 IS NULL OR worker_id = $2) AND ($3 IS NULL OR expires_at < $3)\
         {statuses} ORDER BY id"
    ))
    .bind(filter.alert)
    .bind(filter.worker)
    .bind(filter.expired_before)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(CallRow::into_call).collect()
}

/// A [`StoreError::Conflict`] while a call holds the alert (ringing or accepted).
pub(super) async fn refuse_if_held(conn: &mut Conn, alert: AlertId) -> Result<(), StoreError> {
    let live = CallFilter {
        alert: Some(alert),
        statuses: vec![
            CallStatus::Ringing,
            CallStatus::Accepted,
            CallStatus::OnScene,
        ],
        ..CallFilter::default()
    };
    match calls(conn, &live).await?.first() {
        Some(holder) => Err(StoreError::Conflict(format!(
            "alert {alert} is held by call {} ({}), which must end first",
            holder.id, holder.status
        ))),
        None => Ok(()),
    }
}
