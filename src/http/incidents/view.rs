//! An incident as the API shows it: the stored fields plus what a client should not have
//! to work out: case number, colour, supervision flag, names of the category, the
//! responsible grid and the assignee, photo URLs and the actions allowed now.

use super::AppState;
use crate::domain::{
    ChainEntry, Incident, IncidentAction, IncidentId, IncidentSource, IncidentStatus, PhotoId,
    Priority, TimeLimit, Urgency, WorkerId, allowed_actions,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

/// The fixed JSON shape of an incident.
#[derive(Debug, Serialize)]
pub struct IncidentView<'a> {
    id: IncidentId,
    case_number: String,
    category: &'a str,
    category_name: Option<Names<'a>>,
    class: Option<&'a str>,
    class_name: Option<Names<'a>>,
    source: IncidentSource,
    lon: f64,
    lat: f64,
    chain: &'a [ChainEntry],
    description: &'a str,
    reporter: &'a str,
    priority: Priority,
    status: IncidentStatus,
    colour: Option<Urgency>,
    /// Overdue and so under supervision (督办).
    supervised: bool,
    responsible: Value,
    assignee: Option<Value>,
    reported_at: DateTime<Utc>,
    deadline: DateTime<Utc>,
    /// While open it shows yellow after this instant, so a page can recolour it itself.
    yellow_at: DateTime<Utc>,
    pending_extension: Option<TimeLimit>,
    closed_at: Option<DateTime<Utc>>,
    satisfaction: Option<u8>,
    duplicate_of: Option<IncidentId>,
    photos: Vec<Value>,
    allowed_actions: Vec<IncidentAction>,
    revision: i64,
    updated_at: DateTime<Utc>,
}

/// A name in both languages.
#[derive(Debug, Serialize)]
struct Names<'a> {
    zh: &'a str,
    en: &'a str,
}

/// The URLs of a photo and its thumbnail.
pub(in crate::http) fn photo_links(id: PhotoId) -> Value {
    json!({
        "id": id,
        "url": format!("/api/photos/{id}"),
        "thumbnail_url": format!("/api/photos/{id}/thumbnail"),
    })
}

fn worker(state: &AppState, id: WorkerId) -> Value {
    let roster = state.mirrors.index.roster();
    match roster.contact(id) {
        Some(c) => json!({ "id": id, "name": c.name, "phone": c.phone }),
        None => json!({ "id": id }),
    }
}

impl IncidentView<'_> {
    /// The same view without the reporter's contact, for a caller who may not see it.
    #[must_use]
    pub fn without_contact(self) -> Self {
        Self {
            reporter: "",
            ..self
        }
    }
}

impl<'a> IncidentView<'a> {
    /// The view of `incident`, coloured at `now`.
    #[must_use]
    pub fn new(incident: &'a Incident, state: &'a AppState, now: DateTime<Utc>) -> Self {
        let sub = state.desk.sub_category(&incident.category);
        let colour = incident.colour(now);
        let grids = state.mirrors.index.grids();
        let grid = incident.responsible.grid.map(|id| match grids.get(id) {
            Some(g) => json!({ "id": id, "code": g.code, "name": g.name, "level": g.level }),
            None => json!({ "id": id }),
        });
        Self {
            id: incident.id,
            case_number: incident.case_number().to_string(),
            category: &incident.category,
            category_name: sub.map(|(_, s)| Names {
                zh: &s.zh,
                en: &s.en,
            }),
            class: sub.map(|(c, _)| c.code.as_str()),
            class_name: sub.map(|(c, _)| Names {
                zh: &c.zh,
                en: &c.en,
            }),
            source: incident.source,
            lon: incident.location.lon(),
            lat: incident.location.lat(),
            chain: &incident.chain,
            description: &incident.description,
            reporter: &incident.reporter,
            priority: incident.priority,
            status: incident.status(),
            colour,
            supervised: colour == Some(Urgency::Red),
            responsible: json!({
                "grid": grid,
                "department": incident.responsible.department,
                "county": incident.responsible.grid.is_none(),
            }),
            assignee: incident.assignee.map(|id| worker(state, id)),
            reported_at: incident.reported_at,
            deadline: incident.deadline,
            yellow_at: incident.yellow_at,
            pending_extension: incident.pending_extension,
            closed_at: incident.closed_at,
            satisfaction: incident.satisfaction,
            duplicate_of: incident.duplicate_of,
            photos: incident.photos.iter().map(|&id| photo_links(id)).collect(),
            allowed_actions: allowed_actions(incident.status()),
            revision: incident.revision,
            updated_at: incident.updated_at,
        }
    }
}

/// Likely duplicates with their distances, as the API shows them.
pub(super) fn duplicates(near: &[(Incident, f64)], state: &AppState) -> Value {
    let now = Utc::now();
    near.iter()
        .map(|(incident, distance)| {
            let mut view = json!(IncidentView::new(incident, state, now));
            view["distance_m"] = json!((distance * 10.0).round() / 10.0);
            view
        })
        .collect()
}
