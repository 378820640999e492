//! Alerts raised on cameras and their record: the queries the linkage calls make, each
//! in the caller's transaction.

use super::calls::refuse_if_held;
use super::{Backend, Conn};
use crate::domain::{
    Alert, AlertEventKind, AlertId, AlertStatus, CallId, IncidentId, NewAlert, PhotoId, WorkerId,
};
use crate::store::StoreError;
use crate::store::dialect::Dialect;
use crate::store::rows::linkage::AlertRow;
use crate::store::rows::{found, write_error};
use chrono::{DateTime, SubsecRound, Utc};
use std::sync::LazyLock;

pub(super) const ALERT_COLUMNS: &str = "id, camera_id, lon, lat, note, category, source, status, \
     snapshot_id, incident_id, raised_by, raised_at";

/// Locks an alert for the rest of a write transaction and reads its status: a row lock
/// serialises the steps of one alert across replicas, where SQLite's write transaction
/// already holds the whole database.
static LOCK_ALERT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT status FROM alerts WHERE id = $1{}",
        Backend::FOR_UPDATE
    )
});

/// Stores a new alert, open, with the snapshot already stored as `snapshot`, and
/// records that it was raised.
pub(super) async fn insert_alert(
    conn: &mut Conn,
    alert: &NewAlert,
    snapshot: Option<PhotoId>,
) -> Result<Alert, StoreError> {
    let raised_at = alert.raised_at.trunc_subsecs(6);
    let id: AlertId = sqlx::query_scalar(
        "INSERT INTO alerts (camera_id, lon, lat, note, category, source, status, \
         snapshot_id, incident_id, raised_by, raised_at) VALUES \
         ($1, $2, $3, $4, $5, $6, 'open', $7, $8, $9, $10) RETURNING id",
    )
    .bind(alert.camera_id)
    .bind(alert.location.lon())
    .bind(alert.location.lat())
    .bind(alert.note.as_str())
    .bind(alert.category.as_str())
    .bind(alert.source.as_str())
    .bind(snapshot)
    .bind(alert.incident_id)
    .bind(alert.raised_by.as_str())
    .bind(raised_at)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| write_error(e, "the alert"))?;
    let raised = Step::new(AlertEventKind::Raised, raised_at, &alert.raised_by);
    record(&mut *conn, id, &raised).await?;
    read_alert(conn, id).await
}

/// One alert.
pub(super) async fn read_alert(conn: &mut Conn, id: AlertId) -> Result<Alert, StoreError> {
    let row: Option<AlertRow> =
        sqlx::query_as(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1"))
            .bind(id)
            .fetch_optional(conn)
            .await?;
    found(row, || format!("alert {id}"))?.into_alert()
}

/// Records that nobody was left to call: an open alert becomes unanswered.
pub(super) async fn give_up(
    conn: &mut Conn,
    id: AlertId,
    at: DateTime<Utc>,
) -> Result<Alert, StoreError> {
    let at = at.trunc_subsecs(6);
    let alert = lock(&mut *conn, id).await?;
    if alert != AlertStatus::Open.as_str() {
        return Err(StoreError::Conflict(format!(
            "alert {id} is {alert}, not open"
        )));
    }
    refuse_if_held(&mut *conn, id).await?;
    set_alert(&mut *conn, id, AlertStatus::Unanswered, None).await?;
    record(
        &mut *conn,
        id,
        &Step::new(AlertEventKind::Unanswered, at, "system"),
    )
    .await?;
    read_alert(conn, id).await
}

/// Locks an alert for the rest of the transaction and answers its status.
pub(super) async fn lock(conn: &mut Conn, id: AlertId) -> Result<String, StoreError> {
    let status: Option<String> = sqlx::query_scalar(&LOCK_ALERT)
        .bind(id)
        .fetch_optional(conn)
        .await?;
    found(status, || format!("alert {id}"))
}

pub(super) async fn set_alert(
    conn: &mut Conn,
    id: AlertId,
    status: AlertStatus,
    incident: Option<IncidentId>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE alerts SET status = $1, incident_id = COALESCE($2, incident_id) \
         WHERE id = $3",
    )
    .bind(status.as_str())
    .bind(incident)
    .bind(id)
    .execute(conn)
    .await
    .map_err(|e| write_error(e, &format!("alert {id}")))?;
    Ok(())
}

/// Appends a step to an alert's record; the alert must be locked.
pub(super) async fn record(
    conn: &mut Conn,
    alert: AlertId,
    step: &Step<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO alert_events (alert_id, seq, at, kind, call_id, worker_id, actor, note) \
         SELECT $1, COALESCE(MAX(seq), 0) + 1, $2, $3, $4, $5, $6, $7 FROM alert_events \
         WHERE alert_id = $1",
    )
    .bind(alert)
    .bind(step.at)
    .bind(step.kind.as_str())
    .bind(step.call)
    .bind(step.worker)
    .bind(step.actor)
    .bind(step.note)
    .execute(conn)
    .await
    .map_err(|e| write_error(e, &format!("a step of alert {alert}")))?;
    Ok(())
}

/// A step about to be recorded.
pub(super) struct Step<'a> {
    kind: AlertEventKind,
    at: DateTime<Utc>,
    actor: &'a str,
    call: Option<CallId>,
    worker: Option<WorkerId>,
    note: &'a str,
}

impl<'a> Step<'a> {
    pub(super) fn new(kind: AlertEventKind, at: DateTime<Utc>, actor: &'a str) -> Self {
        Self {
            kind,
            at,
            actor,
            call: None,
            worker: None,
            note: "",
        }
    }

    pub(super) fn of_call(self, call: CallId, worker: WorkerId) -> Self {
        Self {
            call: Some(call),
            worker: Some(worker),
            ..self
        }
    }

    pub(super) fn noting(self, note: &'a str) -> Self {
        Self { note, ..self }
    }
}
