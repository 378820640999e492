//! The incident desk: filing incidents and moving them through the loop, with everything
//! that takes beyond the pure rules in `domain`: the categories and calendar read from
//! files, the grid chain and roster from the in-memory index, the store, and the live feed
//! every dispatcher's page listens to.

mod files;

pub use files::{FileError, read_calendar, read_categories};

use crate::domain::{
    BusinessCalendar, Category, GridScope, Incident, IncidentEvent, IncidentId, IncidentSource,
    LonLat, NewIncident, NewIncidentEvent, PhotoId, Priority, RoutingError, Rules, StepError,
    StepRequest, SubCategory, TimeLimit, escalate, route, step,
};
use crate::mirrors::IncidentFacts;
use crate::spatial::SpatialIndex;
use crate::store::{IncidentFilter, Store, StoreError};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::broadcast;

/// How many changes a slow listener may fall behind before it misses some.
const LIVE_BACKLOG: usize = 1024;

/// Most likely duplicates offered for one incident.
const MAX_DUPLICATES: u32 = 20;

/// What can go wrong at the desk.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The store refused or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A step was refused.
    #[error(transparent)]
    Step(#[from] StepError),
    /// The incident could not be routed.
    #[error(transparent)]
    Routing(#[from] RoutingError),
    /// The request names something unknown or out of range.
    #[error("{0}")]
    Invalid(String),
    /// The request reaches outside the grids the caller works in.
    #[error("{0}")]
    OutOfScope(String),
}

/// A report as it arrives, already parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Sub-category code.
    pub category: String,
    /// Where.
    pub location: LonLat,
    /// What happened.
    pub description: String,
    /// Who or what filed it.
    pub source: IncidentSource,
    /// Who reported it.
    pub reporter: String,
    /// How soon it needs attention.
    pub priority: Priority,
    /// Photos uploaded beforehand.
    pub photos: Vec<PhotoId>,
}

/// A change the live feed announces.
#[derive(Debug, Clone)]
pub struct Change {
    /// `filed` or `changed`.
    pub kind: &'static str,
    /// The incident as now stored.
    pub incident: Arc<Incident>,
}

/// Deadline and duplicate settings.
#[derive(Debug, Clone, Copy)]
pub struct DeskSettings {
    /// Share of the allowed time below which an open incident is yellow.
    pub yellow_fraction: f64,
    /// Distance within which an incident of the same category is a likely duplicate.
    pub duplicate_radius_m: f64,
    /// How far back likely duplicates are looked for.
    pub duplicate_window: TimeDelta,
}

/// The categories, the calendar and the settings, shared by every request, with the
/// store and the index the desk files into and routes by.
pub struct Desk {
    store: Arc<dyn Store>,
    index: Arc<SpatialIndex>,
    categories: Vec<Category>,
    by_code: HashMap<String, (usize, usize)>,
    calendar: BusinessCalendar,
    settings: DeskSettings,
    live: broadcast::Sender<Change>,
    facts: Arc<IncidentFacts>,
}

impl Desk {
    /// A desk over `store`, routing by `index`, with these categories, calendar and
    /// settings, recording what it writes in the statistics mirror `facts`.
    #[must_use]
    pub fn new(
        store: Arc<dyn Store>,
        index: Arc<SpatialIndex>,
        categories: Vec<Category>,
        calendar: BusinessCalendar,
        settings: DeskSettings,
        facts: Arc<IncidentFacts>,
    ) -> Self {
        let by_code = categories
            .iter()
            .enumerate()
            .flat_map(|(c, category)| {
                category
                    .sub_categories
                    .iter()
                    .enumerate()
                    .map(move |(s, sub)| (sub.code.clone(), (c, s)))
            })
            .collect();
        Self {
            store,
            index,
            categories,
            by_code,
            calendar,
            settings,
            live: broadcast::channel(LIVE_BACKLOG).0,
            facts,
        }
    }

    /// The duty classes with their sub-categories.
    #[must_use]
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// A sub-category and its class, by the sub-category's code.
    #[must_use]
    pub fn sub_category(&self, code: &str) -> Option<(&Category, &SubCategory)> {
        let &(c, s) = self.by_code.get(code)?;
        let category = &self.categories[c];
        Some((category, &category.sub_categories[s]))
    }

    /// The sub-category codes of a class, or the code itself when it is a sub-category;
    /// `None` when it is neither.
    #[must_use]
    pub fn expand_category(&self, code: &str) -> Option<Vec<String>> {
        if self.by_code.contains_key(code) {
            return Some(vec![code.to_owned()]);
        }
        let class = self.categories.iter().find(|c| c.code == code)?;
        Some(
            class
                .sub_categories
                .iter()
                .map(|s| s.code.clone())
                .collect(),
        )
    }

    /// The settings.
    #[must_use]
    pub fn settings(&self) -> DeskSettings {
        self.settings
    }

    /// The business calendar.
    #[must_use]
    pub fn calendar(&self) -> &BusinessCalendar {
        &self.calendar
    }

    /// Listens to every change committed from now on.
    #[must_use]
    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.live.subscribe()
    }

    /// Tells the statistics mirror and the live feed about a committed change.
    fn announce(&self, kind: &'static str, incident: &Incident) {
        self.facts.record_incident(incident);
        // No listener is not an error: nobody has the page open.
        let _ = self.live.send(Change {
            kind,
            incident: Arc::new(incident.clone()),
        });
    }

    fn time_limit(&self, code: &str) -> Option<TimeLimit> {
        self.sub_category(code).map(|(_, sub)| sub.time_limit)
    }

    /// Files a report made at `at` within `scope`: locates it, routes it, sets its
    /// deadline, stores it; answers it with the likely duplicates to offer (see
    /// [`Desk::likely_duplicates`]). A report located outside `scope` is
    /// [`DeskError::OutOfScope`].
    pub async fn file(
        &self,
        scope: &GridScope,
        report: Report,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(Incident, Vec<(Incident, f64)>), DeskError> {
        let (incident, event) = self.prepare(report, actor, at)?;
        if !scope.includes_any(incident.chain.iter().map(|g| &g.code)) {
            return Err(DeskError::OutOfScope(format!(
                "({}, {}) lies outside the grids you work in",
                incident.location.lon(),
                incident.location.lat()
            )));
        }
        let nearby = self.duplicates_filter(&incident.category, incident.location, at);
        let (stored, near) = self
            .store
            .insert_incident_near(scope, &incident, &event, &nearby)
            .await?;
        self.announce("filed", &stored);
        let duplicates = self.nearest(&stored, near);
        Ok((stored, duplicates))
    }

    /// The incident a report made at `at` files and the first step of its timeline, located,
    /// routed and given its deadline, for the caller to store (and then [`Desk::filed`]).
    pub fn prepare(
        &self,
        report: Report,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<(NewIncident, NewIncidentEvent), DeskError> {
        let (class, sub) = self.sub_category(&report.category).ok_or_else(|| {
            DeskError::Invalid(format!(
                "unknown category {:?}; GET /api/categories lists them",
                report.category
            ))
        })?;
        let chain = self.index.grids().chain_entries_at(report.location.into());
        let ids: Vec<_> = chain.iter().map(|g| g.id).collect();
        let roster = self.index.roster();
        let routing = route(&ids, class.department.as_deref(), |g| roster.members(g))?;
        let deadline = self.calendar.deadline(at, sub.time_limit);
        let incident = NewIncident {
            category: report.category,
            source: report.source,
            location: report.location,
            chain,
            description: report.description,
            reporter: report.reporter,
            priority: report.priority,
            responsible: routing.responsible,
            assignee: routing.assignee,
            reported_at: at,
            deadline,
            yellow_at: self
                .calendar
                .yellow_at(at, deadline, self.settings.yellow_fraction),
        };
        let event = NewIncidentEvent {
            at,
            actor: actor.to_owned(),
            action: None,
            note: String::new(),
            photos: report.photos,
            details: crate::domain::EventDetails {
                assignee: incident.assignee,
                responsible: Some(incident.responsible.clone()),
                deadline: Some(deadline),
                ..Default::default()
            },
        };
        Ok((incident, event))
    }

    /// Tells the statistics mirror and the live feed about an incident filed elsewhere
    /// from [`Desk::prepare`] (with a call's answer, say), once it is committed.
    pub fn filed(&self, incident: &Incident) {
        self.announce("filed", incident);
    }

    /// Tells the statistics mirror and the live feed about an incident changed elsewhere
    /// (re-routed by a change set, say), once it is committed.
    pub fn changed(&self, incident: &Incident) {
        self.announce("changed", incident);
    }

    /// Incident `id`, if it lies within `scope`; one outside is not found.
    /// An incident outside `scope` that exists is [`DeskError::OutOfScope`] (a 403); one
    /// that does not exist at all stays not found.
    pub async fn incident(&self, scope: &GridScope, id: IncidentId) -> Result<Incident, DeskError> {
        match self.store.incident(scope, id).await {
            Err(StoreError::NotFound(_))
                if !scope.is_all() && self.store.incident(&GridScope::All, id).await.is_ok() =>
            {
                Err(DeskError::OutOfScope(format!(
                    "incident {id} lies outside the grids you may see"
                )))
            }
            found => Ok(found?),
        }
    }

    /// The timeline of incident `id` within `scope`, oldest first.
    pub async fn events(
        &self,
        scope: &GridScope,
        id: IncidentId,
    ) -> Result<Vec<IncidentEvent>, DeskError> {
        self.incident(scope, id).await?;
        Ok(self.store.incident_events(scope, id).await?)
    }

    /// Takes a step on incident `id` (within `scope`) at `at`.
    pub async fn act(
        &self,
        scope: &GridScope,
        id: IncidentId,
        request: &StepRequest,
        at: DateTime<Utc>,
    ) -> Result<Incident, DeskError> {
        let store = self.store.as_ref();
        let incident = self.incident(scope, id).await?;
        let roster = self.index.roster();
        if let Some(worker) = request.assignee.filter(|&w| roster.contact(w).is_none()) {
            return Err(DeskError::Invalid(format!("unknown worker {worker}")));
        }
        if let Some(other) = request.duplicate_of {
            self.incident(scope, other).await.map_err(|e| match e {
                DeskError::Store(StoreError::NotFound(what)) => {
                    DeskError::Invalid(format!("\"duplicate_of\": {what} not found"))
                }
                other => other,
            })?;
        }
        let (changed, event) = {
            let grids = self.index.grids();
            let parent_of = |g| {
                let grid = grids.get(g)?;
                grids.ancestors_and_self(grid).nth(1).map(|p| p.id)
            };
            let escalate_from =
                |i: &Incident| escalate(&i.responsible, parent_of, |g| roster.members(g));
            let limit = |code: &str| self.time_limit(code);
            let rules = Rules {
                calendar: &self.calendar,
                yellow_fraction: self.settings.yellow_fraction,
                time_limit: &limit,
                escalate: &escalate_from,
            };
            step(&incident, request, at, &rules)?
        };
        let stored = store.update_incident(&changed, &event).await?;
        self.announce("changed", &stored);
        Ok(stored)
    }

    /// Incident `id` (within `scope`) and the incidents of the same category within
    /// `scope` filed within the duplicate radius and window before it, nearest first: what
    /// the dispatcher is offered as likely duplicates.
    pub async fn likely_duplicates(
        &self,
        scope: &GridScope,
        id: IncidentId,
    ) -> Result<Vec<(Incident, f64)>, DeskError> {
        let incident = self.incident(scope, id).await?;
        let filter =
            self.duplicates_filter(&incident.category, incident.location, incident.reported_at);
        let page = self
            .store
            .incidents(scope, &filter.filed_before(incident.id))
            .await?;
        Ok(self.nearest(&incident, page.incidents))
    }

    /// Incidents of `category` in a box around `location` filed within the duplicate
    /// window before `reported_at`: the candidates, to be narrowed by [`Desk::nearest`].
    fn duplicates_filter(
        &self,
        category: &str,
        location: LonLat,
        reported_at: DateTime<Utc>,
    ) -> IncidentFilter {
        let mut filter = IncidentFilter::all(MAX_DUPLICATES * 5, reported_at);
        filter.categories = vec![category.to_owned()];
        filter.bbox = Some(location.around(self.settings.duplicate_radius_m));
        filter.reported_since = Some(reported_at - self.settings.duplicate_window);
        filter
    }

    /// Of `candidates`, those not rejected within the duplicate radius of `incident`,
    /// nearest first, with their distance in metres.
    fn nearest(&self, incident: &Incident, candidates: Vec<Incident>) -> Vec<(Incident, f64)> {
        let radius = self.settings.duplicate_radius_m;
        let mut near: Vec<(Incident, f64)> = candidates
            .into_iter()
            .filter(|other| other.status() != crate::domain::IncidentStatus::Rejected)
            .map(|other| {
                let d = incident.location.distance_m(other.location);
                (other, d)
            })
            .filter(|&(_, d)| d <= radius)
            .collect();
        near.sort_by(|a, b| a.1.total_cmp(&b.1));
        near.truncate(MAX_DUPLICATES as usize);
        near
    }
}
