//! Video-linkage queries both backends run word for word: patrol tracks, alerts, calls and
//! their record, generic over the database like `queries.rs`. Every write runs in the
//! caller's transaction and first locks the alert it concerns (`Writes::lock_alert`), so
//! the steps of one alert are numbered without gaps whichever replica takes them.

mod rows;

use super::rows::{found, write_error};
use super::{CallAnswer, CallFilter, StoreError};
use crate::domain::{
    Alert, AlertEvent, AlertEventKind, AlertId, AlertStatus, Call, CallId, CallStatus, Fix,
    IncidentId, NewAlert, NewCall, PhotoId, WorkerId,
};
use chrono::{DateTime, SubsecRound, Utc};
pub(crate) use rows::{AlertEventRow, AlertRow, CallRow, PositionRow};
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use std::marker::PhantomData;

const ALERT_COLUMNS: &str = "id, camera_id, lon, lat, note, category, source, status, \
     snapshot_id, incident_id, raised_by, raised_at";
const CALL_COLUMNS: &str = "id, alert_id, worker_id, status, distance_m, eta_s, rang_at, \
     expires_at, answered_at, on_scene_at";

/// How a ringing call ends, as [`LinkageQueries::answer`] records it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Ending<'a> {
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
pub(crate) fn ending<'a>(
    answer: &CallAnswer<'a>,
    filed: Option<(IncidentId, &'a str)>,
) -> Ending<'a> {
    match *answer {
        CallAnswer::Accept(_) => Ending::Accepted(filed),
        CallAnswer::Decline(reason) => Ending::Declined(reason),
        CallAnswer::TimeOut => Ending::TimedOut,
    }
}

/// The shared linkage queries for database `DB`.
pub(crate) struct LinkageQueries<DB>(PhantomData<DB>);

impl<DB> LinkageQueries<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Decode<'q, DB> + Type<DB>,
    for<'q> f64: Encode<'q, DB> + Type<DB>,
    for<'q> DateTime<Utc>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<i64>: Encode<'q, DB>,
    for<'q> Option<DateTime<Utc>>: Encode<'q, DB>,
    for<'r> AlertRow: FromRow<'r, DB::Row>,
    for<'r> CallRow: FromRow<'r, DB::Row>,
    for<'r> AlertEventRow: FromRow<'r, DB::Row>,
    for<'r> PositionRow: FromRow<'r, DB::Row>,
    usize: ColumnIndex<DB::Row>,
{
    /// Fixes whose server time is at or after `since`, oldest first.
    pub async fn positions_since(
        conn: &mut DB::Connection,
        since: DateTime<Utc>,
    ) -> Result<Vec<(WorkerId, Fix, DateTime<Utc>)>, StoreError> {
        let rows: Vec<PositionRow> = sqlx::query_as(
            "SELECT worker_id, at, lon, lat, accuracy_m, received_at FROM worker_positions \
             WHERE received_at >= $1 ORDER BY received_at, id",
        )
        .bind(since.trunc_subsecs(6))
        .fetch_all(conn)
        .await?;
        rows.into_iter().map(PositionRow::into_fix).collect()
    }

    /// The fixes taken in `[from, to)` by the phone's clock, of one worker or of all, by
    /// worker and time.
    pub async fn tracks(
        conn: &mut DB::Connection,
        worker: Option<WorkerId>,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(WorkerId, Fix)>, StoreError> {
        let rows: Vec<PositionRow> = sqlx::query_as(
            "SELECT worker_id, at, lon, lat, accuracy_m, received_at FROM worker_positions \
             WHERE at >= $1 AND at < $2 AND ($3 IS NULL OR worker_id = $3) \
             ORDER BY worker_id, at",
        )
        .bind(from)
        .bind(to)
        .bind(worker)
        .fetch_all(conn)
        .await?;
        rows.into_iter()
            .map(|row| row.into_fix().map(|(id, fix, _)| (id, fix)))
            .collect()
    }

    /// Deletes the track points taken before `before`, answering how many went; in
    /// batches, so that neither database holds a long lock on the table.
    pub async fn purge_positions(
        conn: &mut DB::Connection,
        before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        const BATCH: usize = 10_000;
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

    /// Stores a new alert, open, with the snapshot already stored as `snapshot`, and
    /// records that it was raised.
    pub async fn insert_alert(
        conn: &mut DB::Connection,
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
        Self::record(&mut *conn, id, &raised).await?;
        Self::alert(conn, id).await
    }

    /// One alert.
    pub async fn alert(conn: &mut DB::Connection, id: AlertId) -> Result<Alert, StoreError> {
        let row: Option<AlertRow> =
            sqlx::query_as(&format!("SELECT {ALERT_COLUMNS} FROM alerts WHERE id = $1"))
                .bind(id)
                .fetch_optional(conn)
                .await?;
        found(row, || format!("alert {id}"))?.into_alert()
    }

    /// The newest alerts, of one camera or of all, newest first.
    pub async fn alerts(
        conn: &mut DB::Connection,
        camera: Option<i64>,
        limit: u32,
    ) -> Result<Vec<Alert>, StoreError> {
        let rows: Vec<AlertRow> = sqlx::query_as(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts WHERE ($1 IS NULL OR camera_id = $1) \
             ORDER BY id DESC LIMIT $2"
        ))
        .bind(camera)
        .bind(i64::from(limit))
        .fetch_all(conn)
        .await?;
        rows.into_iter().map(AlertRow::into_alert).collect()
    }

    /// An alert's record, oldest first.
    pub async fn events(
        conn: &mut DB::Connection,
        id: AlertId,
    ) -> Result<Vec<AlertEvent>, StoreError> {
        let rows: Vec<AlertEventRow> = sqlx::query_as(
            "SELECT seq, at, kind, call_id, worker_id, actor, note FROM alert_events \
             WHERE alert_id = $1 ORDER BY seq",
        )
        .bind(id)
        .fetch_all(conn)
        .await?;
        rows.into_iter().map(|row| row.into_event(id)).collect()
    }

    /// One call.
    pub async fn call(conn: &mut DB::Connection, id: CallId) -> Result<Call, StoreError> {
        let row: Option<CallRow> =
            sqlx::query_as(&format!("SELECT {CALL_COLUMNS} FROM calls WHERE id = $1"))
                .bind(id)
                .fetch_optional(conn)
                .await?;
        found(row, || format!("call {id}"))?.into_call()
    }

    /// The calls a filter selects, oldest first.
    pub async fn calls(
        conn: &mut DB::Connection,
        filter: &CallFilter,
    ) -> Result<Vec<Call>, StoreError> {
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

    /// Rings a worker for an alert: refused as a [`StoreError::Conflict`] while another call
    /// holds the alert (ringing or accepted); an alert nobody answered opens again.
    pub async fn place_call(
        conn: &mut DB::Connection,
        lock_alert: &str,
        call: &NewCall,
    ) -> Result<Call, StoreError> {
        let alert = call.alert_id;
        Self::lock(&mut *conn, lock_alert, alert).await?;
        Self::refuse_if_held(&mut *conn, alert).await?;
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
        Self::set_alert(&mut *conn, alert, AlertStatus::Open, None).await?;
        let step =
            Step::new(AlertEventKind::Called, rang_at, &call.actor).of_call(id, call.worker_id);
        Self::record(&mut *conn, alert, &step).await?;
        Self::call(conn, id).await
    }

    /// Ends a ringing call as `ending` says. A call no longer ringing is a
    /// [`StoreError::Conflict`] naming its status, so of two answers exactly one wins.
    pub async fn answer(
        conn: &mut DB::Connection,
        lock_alert: &str,
        id: CallId,
        ending: Ending<'_>,
        at: DateTime<Utc>,
        actor: &str,
    ) -> Result<Call, StoreError> {
        let at = at.trunc_subsecs(6);
        let call = Self::call(&mut *conn, id).await?;
        Self::lock(&mut *conn, lock_alert, call.alert_id).await?;
        let (status, kind, note) = match ending {
            Ending::Accepted(_) => (CallStatus::Accepted, AlertEventKind::Accepted, ""),
            Ending::Declined(reason) => (CallStatus::Declined, AlertEventKind::Declined, reason),
            Ending::TimedOut => (CallStatus::TimedOut, AlertEventKind::TimedOut, ""),
        };
        Self::move_call(
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
        Self::record(&mut *conn, call.alert_id, &step).await?;
        if let Ending::Accepted(filed) = ending {
            let alert = Self::alert(&mut *conn, call.alert_id).await?;
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
            Self::set_alert(&mut *conn, alert.id, AlertStatus::Answered, Some(incident)).await?;
            let step = Step::new(kind, at, actor)
                .of_call(id, call.worker_id)
                .noting(note);
            Self::record(&mut *conn, alert.id, &step).await?;
        }
        Self::call(conn, id).await
    }

    /// Marks an accepted call on scene; a call in any other status is a
    /// [`StoreError::Conflict`].
    pub async fn arrive(
        conn: &mut DB::Connection,
        lock_alert: &str,
        id: CallId,
        at: DateTime<Utc>,
    ) -> Result<Call, StoreError> {
        let at = at.trunc_subsecs(6);
        let call = Self::call(&mut *conn, id).await?;
        Self::lock(&mut *conn, lock_alert, call.alert_id).await?;
        Self::move_call(
            &mut *conn,
            &call,
            CallStatus::Accepted,
            CallStatus::OnScene,
            "on_scene_at",
            at,
        )
        .await?;
        let step = Step::new(AlertEventKind::OnScene, at, "system").of_call(id, call.worker_id);
        Self::record(&mut *conn, call.alert_id, &step).await?;
        Self::call(conn, id).await
    }

    /// Records that nobody was left to call: an open alert becomes unanswered.
    pub async fn give_up(
        conn: &mut DB::Connection,
        lock_alert: &str,
        id: AlertId,
        at: DateTime<Utc>,
    ) -> Result<Alert, StoreError> {
        let at = at.trunc_subsecs(6);
        let alert = Self::lock(&mut *conn, lock_alert, id).await?;
        if alert != AlertStatus::Open.as_str() {
            return Err(StoreError::Conflict(format!(
                "alert {id} is {alert}, not open"
            )));
        }
        Self::refuse_if_held(&mut *conn, id).await?;
        Self::set_alert(&mut *conn, id, AlertStatus::Unanswered, None).await?;
        Self::record(
            &mut *conn,
            id,
            &Step::new(AlertEventKind::Unanswered, at, "system"),
        )
        .await?;
        Self::alert(conn, id).await
    }

    /// A [`StoreError::Conflict`] while a call holds the alert (ringing or accepted).
    async fn refuse_if_held(conn: &mut DB::Connection, alert: AlertId) -> Result<(), StoreError> {
        let live = CallFilter {
            alert: Some(alert),
            statuses: vec![
                CallStatus::Ringing,
                CallStatus::Accepted,
                CallStatus::OnScene,
            ],
            ..CallFilter::default()
        };
        match Self::calls(conn, &live).await?.first() {
            Some(holder) => Err(StoreError::Conflict(format!(
                "alert {alert} is held by call {} ({}), which must end first",
                holder.id, holder.status
            ))),
            None => Ok(()),
        }
    }

    /// Locks an alert for the rest of the transaction and answers its status.
    async fn lock(
        conn: &mut DB::Connection,
        lock_alert: &str,
        id: AlertId,
    ) -> Result<String, StoreError> {
        let status: Option<String> = sqlx::query_scalar(lock_alert)
            .bind(id)
            .fetch_optional(conn)
            .await?;
        found(status, || format!("alert {id}"))
    }

    /// Moves `call` from `from` to `to`, stamping `column` with `at`, or refuses with a
    /// conflict when someone moved it first.
    async fn move_call(
        conn: &mut DB::Connection,
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
        let now = Self::call(conn, call.id).await?.status;
        Err(StoreError::Conflict(format!(
            "call {} is {now}, not {from}",
            call.id
        )))
    }

    async fn set_alert(
        conn: &mut DB::Connection,
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
    async fn record(
        conn: &mut DB::Connection,
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
}

/// A step about to be recorded.
struct Step<'a> {
    kind: AlertEventKind,
    at: DateTime<Utc>,
    actor: &'a str,
    call: Option<CallId>,
    worker: Option<WorkerId>,
    note: &'a str,
}

impl<'a> Step<'a> {
    fn new(kind: AlertEventKind, at: DateTime<Utc>, actor: &'a str) -> Self {
        Self {
            kind,
            at,
            actor,
            call: None,
            worker: None,
            note: "",
        }
    }

    fn of_call(self, call: CallId, worker: WorkerId) -> Self {
        Self {
            call: Some(call),
            worker: Some(worker),
            ..self
        }
    }

    fn noting(self, note: &'a str) -> Self {
        Self { note, ..self }
    }
}
