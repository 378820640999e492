//! What an incident holds, and what each step of its timeline records.

use super::{IncidentAction, IncidentState, IncidentStatus};
use crate::domain::{GridId, LevelNo, LonLat, TimeLimit, Urgency, WorkerId, china_standard_time};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Store-assigned identifier of an incident.
pub type IncidentId = i64;

/// Store-assigned identifier of an uploaded photo.
pub type PhotoId = i64;

text_enum! {
    /// Who or what filed the incident.
    pub enum IncidentSource {
        /// A grid worker's phone app (随手拍).
        WorkerApp => "worker_app",
        /// A command-centre operator watching a camera (视频发现).
        Camera => "camera",
        /// The 12345 citizens' hotline.
        Hotline => "hotline_12345",
        /// A resident at the service hall (来访).
        WalkIn => "walk_in",
        /// A dispatcher at the command centre.
        Dispatcher => "dispatcher",
    }
}

text_enum! {
    /// How soon the incident needs attention.
    pub enum Priority {
        /// Can wait for routine handling.
        Low => "low",
        /// The default.
        Normal => "normal",
        /// Needs attention today.
        High => "high",
        /// A danger to people or property now.
        Urgent => "urgent",
    }
}

/// One grid of the chain an incident was located in, as it was when the incident was filed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainEntry {
    /// Level number.
    pub level: LevelNo,
    /// Grid id.
    pub id: GridId,
    /// Grid code.
    pub code: String,
    /// Grid name.
    pub name: String,
}

/// Who answers for an incident now: a grid's team, optionally a town department's staff in
/// it, or, above the town, the county's departments (`grid` is `None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responsible {
    /// The grid whose team holds the incident; `None` once escalated above the top grid.
    pub grid: Option<GridId>,
    /// The town department handling it, when its category routes to one.
    pub department: Option<String>,
}

/// A human-readable case number: `SJ`, the China Standard Time date the incident was filed
/// and its id, e.g. `SJ20261123-000042`. Derived, never stored, so it is unique as the id is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseNumber {
    /// The incident's id.
    pub id: IncidentId,
    /// When it was filed.
    pub reported_at: DateTime<Utc>,
}

impl fmt::Display for CaseNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = self.reported_at.with_timezone(&china_standard_time());
        write!(f, "SJ{}-{:06}", date.format("%Y%m%d"), self.id)
    }
}

impl CaseNumber {
    /// The id a case number carries, if `text` is shaped like one.
    #[must_use]
    pub fn id_of(text: &str) -> Option<IncidentId> {
        let (date, id) = text.strip_prefix("SJ")?.split_once('-')?;
        let well_formed = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
        well_formed.then(|| id.parse().ok()).flatten()
    }
}

/// A stored incident.
#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    /// Identifier.
    pub id: IncidentId,
    /// Sub-category code.
    pub category: String,
    /// Who or what filed it.
    pub source: IncidentSource,
    /// Where it happened.
    pub location: LonLat,
    /// The grids containing the location when it was filed, top level first; kept as it
    /// was even when boundaries change later.
    pub chain: Vec<ChainEntry>,
    /// What happened.
    pub description: String,
    /// Who reported it (a name, a phone number, a system).
    pub reporter: String,
    /// How soon it needs attention.
    pub priority: Priority,
    /// Where it stands in the loop.
    pub state: IncidentState,
    /// Who answers for it.
    pub responsible: Responsible,
    /// The worker it is assigned to.
    pub assignee: Option<WorkerId>,
    /// When it was filed.
    pub reported_at: DateTime<Utc>,
    /// When it must be closed by.
    pub deadline: DateTime<Utc>,
    /// After this instant an open incident is listed yellow (little time left).
    pub yellow_at: DateTime<Utc>,
    /// The extra time asked for while an extension is pending.
    pub pending_extension: Option<TimeLimit>,
    /// When it was closed; cleared on reopening.
    pub closed_at: Option<DateTime<Utc>>,
    /// The reporter's satisfaction, 1 to 5, recorded at close.
    pub satisfaction: Option<u8>,
    /// The incident this one duplicates, when rejected as a duplicate.
    pub duplicate_of: Option<IncidentId>,
    /// Photos filed with it or with its steps.
    pub photos: Vec<PhotoId>,
    /// Bumped by every change: a writer that read revision `n` may change it only while it
    /// is still `n` (optimistic locking, so replicas need no shared lock).
    pub revision: i64,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl Incident {
    /// Its human-readable case number.
    #[must_use]
    pub fn case_number(&self) -> CaseNumber {
        CaseNumber {
            id: self.id,
            reported_at: self.reported_at,
        }
    }

    /// The deepest grid it was filed in.
    #[must_use]
    pub fn grid(&self) -> Option<&ChainEntry> {
        self.chain.last()
    }

    /// Its status.
    #[must_use]
    pub fn status(&self) -> IncidentStatus {
        self.state.status()
    }

    /// Its colour at `now` while open: red once the deadline has passed, yellow after
    /// `yellow_at`, blue before; `None` once closed or rejected.
    #[must_use]
    pub fn colour(&self, now: DateTime<Utc>) -> Option<Urgency> {
        self.status()
            .is_open()
            .then(|| crate::domain::colour_at(self.deadline, self.yellow_at, now))
    }
}

/// An incident about to be filed: everything but what the store assigns.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIncident {
    /// Sub-category code.
    pub category: String,
    /// Who or what filed it.
    pub source: IncidentSource,
    /// Where it happened.
    pub location: LonLat,
    /// The grid chain at the location, top level first.
    pub chain: Vec<ChainEntry>,
    /// What happened.
    pub description: String,
    /// Who reported it.
    pub reporter: String,
    /// How soon it needs attention.
    pub priority: Priority,
    /// Who answers for it first.
    pub responsible: Responsible,
    /// The worker it is routed to.
    pub assignee: Option<WorkerId>,
    /// When it was filed.
    pub reported_at: DateTime<Utc>,
    /// When it must be closed by.
    pub deadline: DateTime<Utc>,
    /// When it turns yellow.
    pub yellow_at: DateTime<Utc>,
}

/// What a step changed besides the status, kept in the timeline so the history needs no
/// other table to be read back. Every field is optional; only what changed is recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventDetails {
    /// The worker it was assigned to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<WorkerId>,
    /// Who became responsible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub responsible: Option<Responsible>,
    /// The sub-category it was classified as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The deadline it was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DateTime<Utc>>,
    /// The extra time asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<TimeLimit>,
    /// The reporter's satisfaction recorded at close.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<u8>,
    /// The incident this one duplicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<IncidentId>,
}

/// One step of an incident's timeline, as stored; never rewritten.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IncidentEvent {
    /// 1 for the report, then one more per step.
    pub seq: i64,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: String,
    /// What was done; `None` for the report itself.
    pub action: Option<IncidentAction>,
    /// The status before; `None` for the report.
    pub from: Option<IncidentStatus>,
    /// The status after.
    pub to: IncidentStatus,
    /// What the actor wrote.
    pub note: String,
    /// Photos attached to this step.
    pub photos: Vec<PhotoId>,
    /// What else changed.
    pub details: EventDetails,
}

/// A step about to be appended to a timeline; the store numbers it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIncidentEvent {
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Who did it.
    pub actor: String,
    /// What was done; `None` for the report.
    pub action: Option<IncidentAction>,
    /// What the actor wrote.
    pub note: String,
    /// Photos attached to this step.
    pub photos: Vec<PhotoId>,
    /// What else changed.
    pub details: EventDetails,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_case_number_shows_the_china_date_and_round_trips_to_the_id() {
        // 17:00 UTC on the 22nd is 01:00 on the 23rd in China.
        let at = Utc.with_ymd_and_hms(2026, 11, 22, 17, 0, 0).single();
        let number = CaseNumber {
            id: 42,
            reported_at: at.expect("valid time"),
        };
        assert_eq!(number.to_string(), "SJ20261123-000042");
        assert_eq!(CaseNumber::id_of("SJ20261123-000042"), Some(42));
        assert_eq!(CaseNumber::id_of("SJ20261123-1234567"), Some(1_234_567));
        for bad in [
            "42",
            "SJ2026112-000042",
            "XX20261123-000042",
            "SJ20261123-x",
        ] {
            assert_eq!(CaseNumber::id_of(bad), None, "{bad}");
        }
    }

    #[test]
    fn event_details_record_only_what_changed() {
        let details = EventDetails {
            assignee: Some(7),
            responsible: Some(Responsible {
                grid: None,
                department: None,
            }),
            ..EventDetails::default()
        };
        let json = serde_json::to_string(&details).expect("json");
        assert_eq!(
            json,
            r#"{"assignee":7,"responsible":{"grid":null,"department":null}}"#
        );
        let back: EventDetails = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, details);
        assert_eq!(
            serde_json::to_string(&EventDetails::default()).expect("json"),
            "{}"
        );
    }
}
