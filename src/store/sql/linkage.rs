//! Video linkage: calls to workers for alerts, and [`LinkageStore`] for `Backend`. Every
//! write runs in the caller's transaction and first locks the alert it concerns, so the
//! steps of one alert are numbered without gaps whichever replica takes them.

use super::alerts::{
    ALERT_COLUMNS, Step, give_up, insert_alert, lock, read_alert, record, set_alert,
};
use super::calls::{calls, read_call, refuse_if_held};
use super::incidents::{insert, insert_photo};
use super::{Backend, Conn, commit};
use crate::domain::{
    Alert, AlertEvent, AlertEventKind, AlertId, AlertStatus, Call, CallId, CallStatus, CameraId,
    GridScope, Incident, IncidentId, NewAlert, NewCall,
};
use crate::store::dialect::Dialect;
use crate::store::rows::linkage::{AlertEventRow, AlertRow};
use crate::store::rows::write_error;
use crate::store::{
    CallAnswer, CallFilter, LinkageSignal, LinkageSignals, LinkageStore, NewPhoto, StoreError,
};
use async_trait::async_trait;
use chrono::{DateTime, SubsecRound, Utc};

/// How a ringing call ends, as [`answer`] records it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ending<'a> {
    /// Accepted; the incident filed for it in the same transaction, or `None` to link the
    /// alert's own incident.
    Accepted(Option<(IncidentId, &'a str)>),
    /// Declined, with the worker's reason.
    Declined(&'a str),
    /// Not answered in time.
    TimedOut,
}

/// What an answer records, given the incident filed for it in the same transaction (its
/// id and case number) when it was accepted with one.
fn ending<'a>(answer: &CallAnswer<'a>, filed: Option<(IncidentId, &'a str)>) -> Ending<'a> {
    match *answer {
        CallAnswer::Accept(_) => Ending::Accepted(filed),
        CallAnswer::Decline(reason) => Ending::Declined(reason),
        CallAnswer::TimeOut => Ending::TimedOut,
    }
}

/// Rings a worker for an alert: refused as a [`StoreError::Conflict`] while another call
/// holds the alert (ringing or accepted); an alert nobody answered opens again.
async fn place_call(conn: &mut Conn, call: &NewCall) -> Result<Call, StoreError> {
    let alert = call.alert_id;
    lock(&mut *conn, alert).await?;
    refuse_if_held(&mut *conn, alert).await?;
    let rang_at = call.rang_at.trunc_subsecs(6);
    let id: CallId = sqlx::query_scalar(
        "INSERT INTO calls (alert_id, worker_id, status, distance_m, eta_s, rang_at, \
         expires_at) VALUES ($1, $2, 'ringing', $3, $4, $5, $6) RETURNING id",
    )
    .bind(alert)
    .bind(call.worker_id)
    .bind(call.distance_m)
    .bind(call.eta_s)
    .bind(rang_at)
    .bind(call.expires_at.trunc_subsecs(6))
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| write_error(e, &format!("a call for alert {alert}")))?;
    set_alert(&mut *conn, alert, AlertStatus::Open, None).await?;
    let step = Step::new(AlertEventKind::Called, rang_at, &call.actor).of_call(id, call.worker_id);
    record(&mut *conn, alert, &step).await?;
    read_call(conn, id).await
}

/// Ends a ringing call as `ending` says. A call no longer ringing is a
/// [`StoreError::Conflict`] naming its status, so of two answers exactly one wins.
async fn answer(
    conn: &mut Conn,
    id: CallId,
    ending: Ending<'_>,
    at: DateTime<Utc>,
    actor: &str,
) -> Result<Call, StoreError> {
    let at = at.trunc_subsecs(6);
    let call = read_call(&mut *conn, id).await?;
    lock(&mut *conn, call.alert_id).await?;
    let (status, kind, note) = match ending {
        Ending::Accepted(_) => (CallStatus::Accepted, AlertEventKind::Accepted, ""),
        Ending::Declined(reason) => (CallStatus::Declined, AlertEventKind::Declined, reason),
        Ending::TimedOut => (CallStatus::TimedOut, AlertEventKind::TimedOut, ""),
    };
    move_call(
        &mut *conn,
        &call,
        CallStatus::Ringing,
        status,
        "answered_at",
        at,
    )
    .await?;
    let step = Step::new(kind, at, actor)
        .of_call(id, call.worker_id)
        .noting(note);
    record(&mut *conn, call.alert_id, &step).await?;
    if let Ending::Accepted(filed) = ending {
        let alert = read_alert(&mut *conn, call.alert_id).await?;
        let (kind, incident, note) = match (filed, alert.incident_id) {
            (Some((incident, case)), _) => (AlertEventKind::IncidentFiled, incident, case),
            (None, Some(incident)) => (AlertEventKind::IncidentLinked, incident, ""),
            (None, None) => {
                return Err(StoreError::Invalid(format!(
                    "alert {} has no incident to link call {id} to",
                    alert.id
                )));
            }
        };
        set_alert(&mut *conn, alert.id, AlertStatus::Answered, Some(incident)).await?;
        let step = Step::new(kind, at, actor)
            .of_call(id, call.worker_id)
            .noting(note);
        record(&mut *conn, alert.id, &step).await?;
    }
    read_call(conn, id).await
}

/// Marks an accepted call on scene; a call in any other status is a
/// [`StoreError::Conflict`].
async fn arrive(conn: &mut Conn, id: CallId, at: DateTime<Utc>) -> Result<Call, StoreError> {
    let at = at.trunc_subsecs(6);
    let call = read_call(&mut *conn, id).await?;
    lock(&mut *conn, call.alert_id).await?;
    move_call(
        &mut *conn,
        &call,
        CallStatus::Accepted,
        CallStatus::OnScene,
        "on_scene_at",
        at,
    )
    .await?;
    let step = Step::new(AlertEventKind::OnScene, at, "system").of_call(id, call.worker_id);
    record(&mut *conn, call.alert_id, &step).await?;
    read_call(conn, id).await
}

/// Moves `call` from `from` to `to`, stamping `column` with `at`, or refuses with a
/// conflict when someone moved it first.
async fn move_call(
    conn: &mut Conn,
    call: &Call,
    from: CallStatus,
    to: CallStatus,
    column: &str,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    // `column` is one of two fixed names.
    let moved: Option<CallId> = sqlx::query_scalar(&format!(
        "UPDATE calls SET status = $1, {column} = $2 WHERE id = $3 AND status = $4 \
         RETURNING id"
    ))
    .bind(to.as_str())
    .bind(at)
    .bind(call.id)
    .bind(from.as_str())
    .fetch_optional(&mut *conn)
    .await
    .map_err(|e| write_error(e, &format!("call {}", call.id)))?;
    if moved.is_some() {
        return Ok(());
    }
    let now = read_call(conn, call.id).await?.status;
    Err(StoreError::Conflict(format!(
        "call {} is {now}, not {from}",
        call.id
    )))
}

#[async_trait]
impl LinkageStore for Backend {
    async fn insert_alert(
        &self,
        alert: &NewAlert,
        snapshot: Option<&NewPhoto>,
    ) -> Result<Alert, StoreError> {
        let mut tx = self.write().await?;
        let snapshot = match snapshot {
            Some(photo) => Some(insert_photo(&mut tx, photo).await?),
            None => None,
        };
        let stored = insert_alert(&mut tx, alert, snapshot).await?;
        commit(tx, stored).await
    }

    async fn alert(&self, _scope: &GridScope, id: AlertId) -> Result<Alert, StoreError> {
        // No grid column: a narrower scope is the caller's to apply (see `LinkageStore`).
        read_alert(&mut *self.conn().await?, id).await
    }

    async fn alerts(
        &self,
        _scope: &GridScope,
        camera: Option<CameraId>,
        limit: u32,
    ) -> Result<Vec<Alert>, StoreError> {
        // No grid column: a narrower scope is the caller's to apply (see `LinkageStore`).
        let rows: Vec<AlertRow> = sqlx::query_as(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE ($1 IS NULL OR camera_id = $1) \
             ORDER BY id DESC LIMIT $2"
        ))
        .bind(camera)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(AlertRow::into_alert).collect()
    }

    async fn alert_events(
        &self,
        _scope: &GridScope,
        id: AlertId,
    ) -> Result<Vec<AlertEvent>, StoreError> {
        // No grid column: a narrower scope is the caller's to apply (see `LinkageStore`).
        let rows: Vec<AlertEventRow> = sqlx::query_as(
            "SELECT seq, at, kind, call_id, worker_id, actor, note FROM alert_events \
             WHERE alert_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(|row| row.into_event(id)).collect()
    }

    async fn call(&self, _scope: &GridScope, id: CallId) -> Result<Call, StoreError> {
        // No grid column: a narrower scope is the caller's to apply (see `LinkageStore`).
        read_call(&mut *self.conn().await?, id).await
    }

    async fn calls(
        &self,
        _scope: &GridScope,
        filter: &CallFilter,
    ) -> Result<Vec<Call>, StoreError> {
        // No grid column: a narrower scope is the caller's to apply (see `LinkageStore`).
        calls(&mut *self.conn().await?, filter).await
    }

    async fn place_call(&self, call: &NewCall) -> Result<Call, StoreError> {
        let mut tx = self.write().await?;
        let stored = place_call(&mut tx, call).await?;
        commit(tx, stored).await
    }

    async fn answer_call(
        &self,
        id: CallId,
        answer: &CallAnswer<'_>,
        at: DateTime<Utc>,
        actor: &str,
    ) -> Result<(Call, Option<Incident>), StoreError> {
        let mut tx = self.write().await?;
        let filed = match answer {
            CallAnswer::Accept(Some((incident, event))) => {
                Some(insert(&mut tx, incident, event).await?)
            }
            _ => None,
        };
        let case = filed.as_ref().map(|i| i.case_number().to_string());
        let filed_as = filed.as_ref().map(|i| i.id).zip(case.as_deref());
        let call = self::answer(&mut tx, id, ending(answer, filed_as), at, actor).await?;
        commit(tx, (call, filed)).await
    }

    async fn arrive(&self, id: CallId, at: DateTime<Utc>) -> Result<Call, StoreError> {
        let mut tx = self.write().await?;
        let call = arrive(&mut tx, id, at).await?;
        commit(tx, call).await
    }

    async fn give_up_alert(&self, id: AlertId, at: DateTime<Utc>) -> Result<Alert, StoreError> {
        let mut tx = self.write().await?;
        let alert = give_up(&mut tx, id, at).await?;
        commit(tx, alert).await
    }

    async fn signal_linkage(&self, signal: &LinkageSignal) -> Result<(), StoreError> {
        self.notify(signal).await
    }

    async fn linkage_signals(&self) -> Result<Option<LinkageSignals>, StoreError> {
        self.listen().await
    }
}
