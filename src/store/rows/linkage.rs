//! The rows of the linkage tables as they come out of SQL, and their mapping to the domain.

use super::incidents::{corrupt, word};
use crate::domain::{Alert, AlertEvent, Call, CallId, Fix, IncidentId, LonLat, PhotoId, WorkerId};
use crate::store::StoreError;
use chrono::{DateTime, Utc};

/// An `alerts` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AlertRow {
    id: crate::domain::AlertId,
    camera_id: i64,
    lon: f64,
    lat: f64,
    note: String,
    category: String,
    source: String,
    status: String,
    snapshot_id: Option<PhotoId>,
    incident_id: Option<IncidentId>,
    raised_by: String,
    raised_at: DateTime<Utc>,
}

/// A `calls` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CallRow {
    id: CallId,
    alert_id: crate::domain::AlertId,
    worker_id: WorkerId,
    status: String,
    distance_m: f64,
    eta_s: i64,
    rang_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    answered_at: Option<DateTime<Utc>>,
    on_scene_at: Option<DateTime<Utc>>,
}

/// An `alert_events` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct AlertEventRow {
    seq: i64,
    at: DateTime<Utc>,
    kind: String,
    call_id: Option<CallId>,
    worker_id: Option<WorkerId>,
    actor: String,
    note: String,
}

/// A `worker_positions` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PositionRow {
    worker_id: WorkerId,
    at: DateTime<Utc>,
    lon: f64,
    lat: f64,
    accuracy_m: f64,
    received_at: DateTime<Utc>,
}

impl AlertRow {
    pub(crate) fn into_alert(self) -> Result<Alert, StoreError> {
        let what = format!("alert {}", self.id);
        Ok(Alert {
            id: self.id,
            camera_id: self.camera_id,
            location: LonLat::new(self.lon, self.lat).map_err(|e| corrupt(&what, e))?,
            note: self.note,
            category: self.category,
            source: word(&self.source, &what)?,
            status: word(&self.status, &what)?,
            snapshot: self.snapshot_id,
            incident_id: self.incident_id,
            raised_by: self.raised_by,
            raised_at: self.raised_at,
        })
    }
}

impl CallRow {
    pub(crate) fn into_call(self) -> Result<Call, StoreError> {
        let what = format!("call {}", self.id);
        Ok(Call {
            id: self.id,
            alert_id: self.alert_id,
            worker_id: self.worker_id,
            status: word(&self.status, &what)?,
            distance_m: self.distance_m,
            eta_s: self.eta_s,
            rang_at: self.rang_at,
            expires_at: self.expires_at,
            answered_at: self.answered_at,
            on_scene_at: self.on_scene_at,
        })
    }
}

impl PositionRow {
    /// The worker, the fix and when the server received it.
    pub(crate) fn into_fix(self) -> Result<(WorkerId, Fix, DateTime<Utc>), StoreError> {
        let what = format!("worker {} position", self.worker_id);
        let fix = Fix {
            position: LonLat::new(self.lon, self.lat).map_err(|e| corrupt(&what, e))?,
            accuracy_m: self.accuracy_m,
            at: self.at,
        };
        Ok((self.worker_id, fix, self.received_at))
    }
}

impl AlertEventRow {
    /// The step of alert `alert` this row records.
    pub(crate) fn into_event(
        self,
        alert: crate::domain::AlertId,
    ) -> Result<AlertEvent, StoreError> {
        let what = format!("alert {alert} event {}", self.seq);
        Ok(AlertEvent {
            seq: self.seq,
            at: self.at,
            kind: word(&self.kind, &what)?,
            call_id: self.call_id,
            worker_id: self.worker_id,
            actor: self.actor,
            note: self.note,
        })
    }
}
