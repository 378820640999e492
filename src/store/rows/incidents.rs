//! The rows of the incident tables as they come out of SQL, and their mapping to the
//! domain.

use crate::domain::{
    ChainEntry, EventDetails, GridCode, Incident, IncidentAction, IncidentEvent, IncidentFact,
    IncidentId, IncidentState, IncidentStatus, LonLat, NewIncident, PhotoId, Responsible,
    TimeLimit,
};
use crate::store::{RecordedFact, StoreError, StoredPhoto};
use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::str::FromStr;

/// An `incidents` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct IncidentRow {
    pub id: IncidentId,
    category: String,
    source: String,
    lon: f64,
    lat: f64,
    chain: String,
    description: String,
    reporter: String,
    priority: String,
    status: String,
    extension_from: Option<String>,
    pending_extension: Option<String>,
    responsible_grid_id: Option<i64>,
    department: Option<String>,
    assignee_id: Option<i64>,
    reported_at: DateTime<Utc>,
    deadline: DateTime<Utc>,
    yellow_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    satisfaction: Option<i64>,
    duplicate_of: Option<i64>,
    revision: i64,
    updated_at: DateTime<Utc>,
}

/// An `incident_events` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct EventRow {
    seq: i64,
    at: DateTime<Utc>,
    actor: String,
    action: Option<String>,
    from_status: Option<String>,
    to_status: String,
    note: String,
    photos: String,
    details: String,
}

/// The narrow row statistics read: see [`RecordedFact`].
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct FactRow {
    id: IncidentId,
    revision: i64,
    updated_at: DateTime<Utc>,
    grid_code: String,
    category: String,
    status: String,
    reported_at: DateTime<Utc>,
    closed_at: Option<DateTime<Utc>>,
    deadline: DateTime<Utc>,
    yellow_at: DateTime<Utc>,
    satisfaction: Option<i64>,
}

impl FactRow {
    pub(crate) fn into_fact(self) -> Result<RecordedFact, StoreError> {
        let what = || format!("incident {}", self.id);
        Ok(RecordedFact {
            id: self.id,
            revision: self.revision,
            updated_at: self.updated_at,
            fact: IncidentFact {
                grid_code: GridCode::parse(&self.grid_code).map_err(|e| corrupt(what(), e))?,
                status: word(&self.status, &what())?,
                // A rating outside 1..=5 cannot be stored (a CHECK), and statistics ignore one.
                satisfaction: self.satisfaction.and_then(|s| u8::try_from(s).ok()),
                category: self.category,
                reported_at: self.reported_at,
                closed_at: self.closed_at,
                deadline: self.deadline,
                yellow_at: self.yellow_at,
            },
        })
    }
}

/// A `photos` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PhotoRow {
    id: PhotoId,
    incident_id: Option<IncidentId>,
    content_type: String,
    width: i64,
    height: i64,
    data: Vec<u8>,
}

/// A stored value that does not read back, naming what it belongs to.
pub(crate) fn corrupt(what: impl std::fmt::Display, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {err}"))
}

/// A stored word (a status, a kind) read back into its enum.
pub(crate) fn word<T: FromStr>(text: &str, what: &str) -> Result<T, StoreError>
where
    T::Err: std::fmt::Display,
{
    text.parse().map_err(|e| corrupt(what, e))
}

fn json<T: DeserializeOwned>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

pub(crate) fn to_json(value: &impl Serialize) -> String {
    // Plain structs of strings and numbers always serialise.
    serde_json::to_string(value).unwrap_or_default()
}

impl IncidentRow {
    pub(crate) fn into_incident(self, photos: Vec<PhotoId>) -> Result<Incident, StoreError> {
        let what = format!("incident {}", self.id);
        let status: IncidentStatus = word(&self.status, &what)?;
        let extension_from = self
            .extension_from
            .as_deref()
            .map(|s| word(s, &what))
            .transpose()?;
        Ok(Incident {
            id: self.id,
            category: self.category,
            source: word(&self.source, &what)?,
            location: LonLat::new(self.lon, self.lat).map_err(|e| corrupt(&what, e))?,
            chain: json::<Vec<ChainEntry>>(&self.chain, &what)?,
            description: self.description,
            reporter: self.reporter,
            priority: word(&self.priority, &what)?,
            state: IncidentState::new(status, extension_from).map_err(|e| corrupt(&what, e))?,
            responsible: Responsible {
                grid: self.responsible_grid_id,
                department: self.department,
            },
            assignee: self.assignee_id,
            reported_at: self.reported_at,
            deadline: self.deadline,
            yellow_at: self.yellow_at,
            pending_extension: self
                .pending_extension
                .as_deref()
                .map(|s| json::<TimeLimit>(s, &what))
                .transpose()?,
            closed_at: self.closed_at,
            satisfaction: self
                .satisfaction
                .map(|s| u8::try_from(s).map_err(|e| corrupt(&what, e)))
                .transpose()?,
            duplicate_of: self.duplicate_of,
            photos,
            revision: self.revision,
            updated_at: self.updated_at,
        })
    }
}

impl EventRow {
    pub(crate) fn into_event(self, incident: IncidentId) -> Result<IncidentEvent, StoreError> {
        let what = format!("incident {incident} event {}", self.seq);
        Ok(IncidentEvent {
            seq: self.seq,
            at: self.at,
            actor: self.actor,
            action: self
                .action
                .as_deref()
                .map(|a| word::<IncidentAction>(a, &what))
                .transpose()?,
            from: self
                .from_status
                .as_deref()
                .map(|s| word::<IncidentStatus>(s, &what))
                .transpose()?,
            to: word(&self.to_status, &what)?,
            note: self.note,
            photos: json(&self.photos, &what)?,
            details: json::<EventDetails>(&self.details, &what)?,
        })
    }
}

/// The incident just filed, built from what was written rather than read back: times as
/// stored (to the microsecond), photos in id order as a read gives them.
pub(crate) fn stored_incident(id: IncidentId, new: &NewIncident, photos: &[PhotoId]) -> Incident {
    let reported_at = new.reported_at.trunc_subsecs(6);
    let mut photos = photos.to_vec();
    photos.sort_unstable();
    Incident {
        id,
        category: new.category.clone(),
        source: new.source,
        location: new.location,
        chain: new.chain.clone(),
        description: new.description.clone(),
        reporter: new.reporter.clone(),
        priority: new.priority,
        state: IncidentState::REPORTED,
        responsible: new.responsible.clone(),
        assignee: new.assignee,
        reported_at,
        deadline: new.deadline.trunc_subsecs(6),
        yellow_at: new.yellow_at.trunc_subsecs(6),
        pending_extension: None,
        closed_at: None,
        satisfaction: None,
        duplicate_of: None,
        photos,
        revision: 1,
        updated_at: reported_at,
    }
}

/// The incident just updated to `revision` at `at`, built from what was written.
pub(crate) fn updated_incident(incident: &Incident, revision: i64, at: DateTime<Utc>) -> Incident {
    let mut stored = incident.clone();
    stored.revision = revision;
    stored.updated_at = at.trunc_subsecs(6);
    stored.deadline = stored.deadline.trunc_subsecs(6);
    stored.yellow_at = stored.yellow_at.trunc_subsecs(6);
    stored.closed_at = stored.closed_at.map(|t| t.trunc_subsecs(6));
    stored.photos.sort_unstable();
    stored
}

impl PhotoRow {
    pub(crate) fn into_photo(self) -> Result<StoredPhoto, StoreError> {
        let what = format!("photo {}", self.id);
        Ok(StoredPhoto {
            id: self.id,
            incident: self.incident_id,
            content_type: self.content_type,
            width: u32::try_from(self.width).map_err(|e| corrupt(&what, e))?,
            height: u32::try_from(self.height).map_err(|e| corrupt(&what, e))?,
            data: self.data,
        })
    }
}
