//! The values the store contract speaks in besides the domain's own: filters, pages,
//! datasets, plans and what comes back from them.

use crate::domain::{
    AlertId, Bbox, CallId, CallStatus, ChangeSet, GridCode, Impact, Incident, IncidentFact,
    IncidentId, IncidentStatus, Level, LevelNo, NewCamera, NewGrid, NewIncident, NewIncidentEvent,
    NewWorker, PhotoId, PlannedGrid, Problem, Urgency, WorkerId,
};
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::StoreError;

/// Which grids to list.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct GridFilter {
    /// Only this level.
    pub level: Option<LevelNo>,
    /// Only grids whose bounding box meets this box.
    pub bbox: Option<Bbox>,
}

/// A whole dataset (a town, say) to store at once with [`DataStore::insert_dataset`](super::DataStore::insert_dataset).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dataset {
    /// Levels, inserted or renamed.
    pub levels: Vec<Level>,
    /// Grids of every level, each after its parent (or with its parent already stored).
    pub grids: Vec<NewGrid>,
    /// Cameras.
    pub cameras: Vec<NewCamera>,
    /// Workers, whose grids may be among `grids`.
    pub workers: Vec<NewWorker>,
}

/// How many of each kind a dataset held, and so stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DatasetCounts {
    /// Levels.
    pub levels: usize,
    /// Grids of every level.
    pub grids: usize,
    /// Cameras.
    pub cameras: usize,
    /// Workers.
    pub workers: usize,
}

/// How far each part of the data mirrored by the in-memory index has moved: every
/// committed write that changes grids bumps `grids`, every one that changes workers (their
/// rows, grids, duty or positions) bumps `workers`, in the same transaction. A reader that
/// remembers the versions it loaded at knows what to reload when they move.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DataVersions {
    /// Version of the grids.
    pub grids: i64,
    /// Version of the workers.
    pub workers: i64,
    /// Version of the cameras.
    pub cameras: i64,
}

/// A change set about to be stored, as checked and previewed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChangeSet {
    /// Why the grids are redrawn.
    pub reason: String,
    /// Who proposes it.
    pub author: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The grids as it leaves them.
    pub grids: Vec<PlannedGrid>,
    /// What the checks found.
    pub problems: Vec<Problem>,
    /// What it would change.
    pub impact: Impact,
}

/// What applying a change set writes, as the service worked it out from the committed
/// data just before (see
/// [`PlanningStore::apply_changeset`](super::PlanningStore::apply_changeset)).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyPlan {
    /// When: the time the new versions hold from.
    pub at: DateTime<Utc>,
    /// The change set, with its problems and impact as re-checked now.
    pub changeset: ChangeSet,
    /// Each retired grid, by code, with the grid its workers' assignments move to (`None`:
    /// they end).
    pub transfers: Vec<(GridCode, Option<GridCode>)>,
    /// The open incidents re-routed, each with the step recorded on its timeline.
    pub reroutes: Vec<PlannedReroute>,
}

/// What [`PlanningStore::apply_changeset`](super::PlanningStore::apply_changeset) stored:
/// the change set as applied and the open incidents it passed to another grid's team, as
/// now stored, so that whoever announces them need not read each one again.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    /// The change set, applied.
    pub changeset: ChangeSet,
    /// The incidents re-routed, as now stored, in the order of the plan's `reroutes`.
    pub rerouted: Vec<Incident>,
}

/// An open incident passed to another grid's team by a change set.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedReroute {
    /// The incident as read; if its revision moved on meanwhile, the apply is refused.
    pub incident: Incident,
    /// The grid whose team takes it over, by code (it may be new in the change set).
    pub to: GridCode,
    /// The timeline step; the store fills in the responsible grid.
    pub event: NewIncidentEvent,
}

/// Which incidents to list, newest first.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentFilter {
    /// Only these statuses; all when empty.
    pub statuses: Vec<IncidentStatus>,
    /// Only open incidents of this colour at `now`.
    pub colour: Option<Urgency>,
    /// Only incidents filed in this grid or below it.
    pub grid: Option<GridCode>,
    /// Only these sub-categories; all when empty.
    pub categories: Vec<String>,
    /// Only incidents assigned to this worker.
    pub assignee: Option<WorkerId>,
    /// Only incidents routed to this department.
    pub department: Option<String>,
    /// Only incidents located in this box.
    pub bbox: Option<Bbox>,
    /// Only incidents filed at or after this instant.
    pub reported_since: Option<DateTime<Utc>>,
    /// Only incidents with a smaller id: the cursor of the next page.
    pub before_id: Option<IncidentId>,
    /// Most incidents in the page.
    pub limit: u32,
    /// The instant colours are judged at.
    pub now: DateTime<Utc>,
}

impl IncidentFilter {
    /// The same filter, narrowed to incidents filed before incident `id`.
    #[must_use]
    pub fn filed_before(&self, id: IncidentId) -> Self {
        Self {
            before_id: Some(id),
            ..self.clone()
        }
    }

    /// Every incident, newest first, `limit` at a time, colours judged at `now`.
    #[must_use]
    pub fn all(limit: u32, now: DateTime<Utc>) -> Self {
        Self {
            statuses: Vec::new(),
            colour: None,
            grid: None,
            categories: Vec::new(),
            assignee: None,
            department: None,
            bbox: None,
            reported_since: None,
            before_id: None,
            limit,
            now,
        }
    }
}

/// One page of incidents.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentPage {
    /// The incidents, newest first.
    pub incidents: Vec<Incident>,
    /// When more follow: the `before_id` that asks for them.
    pub next_before: Option<IncidentId>,
}

/// An incident's [`IncidentFact`] as of one revision, for the statistics mirror.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedFact {
    /// The incident.
    pub id: IncidentId,
    /// The revision the fact reflects; a mirror keeps the highest it has seen.
    pub revision: i64,
    /// When that revision was written.
    pub updated_at: DateTime<Utc>,
    /// The fact.
    pub fact: IncidentFact,
}

/// A photo about to be stored, already checked and re-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPhoto {
    /// MIME type of `data`.
    pub content_type: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The image as served.
    pub data: Vec<u8>,
    /// Its JPEG thumbnail.
    pub thumbnail: Vec<u8>,
    /// When it was uploaded.
    pub uploaded_at: DateTime<Utc>,
}

/// A stored photo or thumbnail, ready to serve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhoto {
    /// Identifier.
    pub id: PhotoId,
    /// The incident it is attached to, once it is.
    pub incident: Option<IncidentId>,
    /// MIME type of `data`.
    pub content_type: String,
    /// Width in pixels of the full photo.
    pub width: u32,
    /// Height in pixels of the full photo.
    pub height: u32,
    /// The bytes.
    pub data: Vec<u8>,
}

/// A stream of [`LinkageSignal`]s.
pub type LinkageSignals =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<LinkageSignal, StoreError>> + Send>>;

/// That an alert, or one of its calls, changed: what replicas tell each other so that each
/// can show the change on the pages and phones connected to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct LinkageSignal {
    /// The process that made the change, which already showed it.
    pub origin: u64,
    /// The alert.
    pub alert: AlertId,
    /// The call, when a call changed.
    pub call: Option<CallId>,
}

/// Which calls to list; every part left empty selects all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallFilter {
    /// Only calls of this alert.
    pub alert: Option<AlertId>,
    /// Only calls to this worker.
    pub worker: Option<WorkerId>,
    /// Only calls in these statuses.
    pub statuses: Vec<CallStatus>,
    /// Only calls that expire before this instant.
    pub expired_before: Option<DateTime<Utc>>,
}

/// How a ringing call ends.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CallAnswer<'a> {
    /// The worker accepted; with an incident to file for the alert, or `None` to link the
    /// incident the alert already names.
    Accept(Option<(&'a NewIncident, &'a NewIncidentEvent)>),
    /// The worker declined, for this reason.
    Decline(&'a str),
    /// Nobody answered in time.
    TimeOut,
}
