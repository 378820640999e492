//! Video linkage (视频联动): an alert on a camera, the calls that go out to grid workers
//! one at a time until one accepts, and the steps of both, recorded as they happen.

use super::{CameraId, IncidentId, LonLat, PhotoId, WorkerId};
use chrono::{DateTime, Utc};

/// Store-assigned identifier of an alert.
pub type AlertId = i64;
/// Store-assigned identifier of a call.
pub type CallId = i64;

text_enum! {
    /// Who raised an alert.
    pub enum AlertSource {
        /// The command-centre operator watching the video (视频值守).
        Operator => "operator",
        /// A video-analytics system, over the API.
        Analytics => "analytics",
    }
}

text_enum! {
    /// Where an alert stands.
    pub enum AlertStatus {
        /// No call has been accepted yet.
        Open => "open",
        /// A worker accepted a call and is on the way or on scene.
        Answered => "answered",
        /// Every available worker declined or let the call time out.
        Unanswered => "unanswered",
    }
}

text_enum! {
    /// Where a call to one worker stands.
    pub enum CallStatus {
        /// The worker's phone is ringing.
        Ringing => "ringing",
        /// The worker accepted and is on the way (赶赴现场).
        Accepted => "accepted",
        /// The worker declined.
        Declined => "declined",
        /// Nobody answered in time; the next candidate is called.
        TimedOut => "timed_out",
        /// The worker's position came within reach of the camera (到场).
        OnScene => "on_scene",
    }
}

impl CallStatus {
    /// Whether the call still holds its alert: ringing, or accepted and not yet over.
    #[must_use]
    pub fn is_live(self) -> bool {
        matches!(self, Self::Ringing | Self::Accepted | Self::OnScene)
    }
}

text_enum! {
    /// A step of an alert's record.
    pub enum AlertEventKind {
        /// The alert was raised.
        Raised => "raised",
        /// A worker's phone was rung.
        Called => "called",
        /// The worker accepted.
        Accepted => "accepted",
        /// The worker declined.
        Declined => "declined",
        /// The call was not answered in time.
        TimedOut => "timed_out",
        /// The worker arrived.
        OnScene => "on_scene",
        /// An incident was filed for the alert.
        IncidentFiled => "incident_filed",
        /// The alert was linked to an incident already filed.
        IncidentLinked => "incident_linked",
        /// Nobody was left to call.
        Unanswered => "unanswered",
    }
}

/// An alert about to be stored.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    /// The camera that saw it.
    pub camera_id: CameraId,
    /// Where: the camera's location when the alert was raised.
    pub location: LonLat,
    /// What the operator or the analytics saw.
    pub note: String,
    /// Incident sub-category to file under.
    pub category: String,
    /// Operator or analytics.
    pub source: AlertSource,
    /// Who raised it.
    pub raised_by: String,
    /// When.
    pub raised_at: DateTime<Utc>,
    /// An incident already filed that the alert is about, if any.
    pub incident_id: Option<IncidentId>,
}

/// A stored alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Identifier.
    pub id: AlertId,
    /// The camera.
    pub camera_id: CameraId,
    /// Where the camera stood when the alert was raised.
    pub location: LonLat,
    /// What was seen.
    pub note: String,
    /// Incident sub-category.
    pub category: String,
    /// Operator or analytics.
    pub source: AlertSource,
    /// Where it stands.
    pub status: AlertStatus,
    /// The snapshot that came with it.
    pub snapshot: Option<PhotoId>,
    /// The incident it was filed as or linked to.
    pub incident_id: Option<IncidentId>,
    /// Who raised it.
    pub raised_by: String,
    /// When.
    pub raised_at: DateTime<Utc>,
}

/// A call about to be placed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCall {
    /// The alert it answers.
    pub alert_id: AlertId,
    /// Who is rung.
    pub worker_id: WorkerId,
    /// Geodesic distance from the worker's last position to the camera, in metres.
    pub distance_m: f64,
    /// Estimated time to get there, in seconds.
    pub eta_s: i64,
    /// When it rings.
    pub rang_at: DateTime<Utc>,
    /// When it times out unanswered.
    pub expires_at: DateTime<Utc>,
    /// Who placed it (an operator, or the system passing it on).
    pub actor: String,
}

/// A stored call.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Identifier.
    pub id: CallId,
    /// The alert it answers.
    pub alert_id: AlertId,
    /// Who was rung.
    pub worker_id: WorkerId,
    /// Where it stands.
    pub status: CallStatus,
    /// Distance from the worker to the camera when it rang, in metres.
    pub distance_m: f64,
    /// Estimated time to get there when it rang, in seconds.
    pub eta_s: i64,
    /// When it rang.
    pub rang_at: DateTime<Utc>,
    /// When it times out unanswered.
    pub expires_at: DateTime<Utc>,
    /// When it was accepted, declined or timed out.
    pub answered_at: Option<DateTime<Utc>>,
    /// When the worker arrived.
    pub on_scene_at: Option<DateTime<Utc>>,
}

/// One recorded step of an alert (全程记录).
#[derive(Debug, Clone, PartialEq)]
pub struct AlertEvent {
    /// Position in the alert's record, from 1.
    pub seq: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// What happened.
    pub kind: AlertEventKind,
    /// The call it concerns.
    pub call_id: Option<CallId>,
    /// The worker it concerns.
    pub worker_id: Option<WorkerId>,
    /// Who did it.
    pub actor: String,
    /// Free text: a decline's reason, an incident's case number.
    pub note: String,
}
