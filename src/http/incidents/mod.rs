//! Incidents: `POST /api/incidents` (file one), `GET /api/incidents` (list, filtered),
//! `GET /api/incidents/{id}`, `POST /api/incidents/{id}/transitions` (take a step),
//! `GET /api/incidents/{id}/events` (the timeline), `GET /api/incidents/{id}/duplicates`
//! and `GET /api/categories`. Shapes are fixed: a hotline and video analytics call them.

mod reach;
pub(super) mod view;

pub use view::IncidentView;

pub(super) use reach::Reach;
use reach::{may_step, sees_contact};

use super::accounts::DisplayNames;
use super::auth::{Access, AuditNote, Routes};
use super::extract::{Json, PageSize, Path, Query};
use super::{ApiError, AppState, RequestContext};
use crate::domain::Permission;
use crate::domain::{
    Bbox, CaseNumber, GridCode, IncidentAction, IncidentId, IncidentSource, IncidentStatus, LonLat,
    PhotoId, Priority, StepError, StepRequest, TimeLimit, Urgency, WorkerId,
};
use crate::incidents::{DeskError, Report};
use crate::store::IncidentFilter;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;

/// Incidents in one page of a list: 100 unless `limit` says otherwise, at most 500.
const PAGE: PageSize = PageSize {
    param: "limit",
    default: 100,
    max: 500,
};

/// Longest description accepted, in characters.
const MAX_DESCRIPTION: usize = 2000;

/// Who may see incidents at all: the handlers narrow a grid worker to what is assigned to
/// them and department staff to their department's.
pub(super) const READERS: Access = Access::AnyOf(&[
    Permission::IncidentsRead,
    Permission::IncidentsReadAssigned,
    Permission::IncidentsReadDepartment,
]);

/// Who may take some step; each action's own permission is checked by the desk.
const STEPPERS: Access = Access::AnyOf(&[
    Permission::IncidentsAccept,
    Permission::IncidentsDispatch,
    Permission::IncidentsHandle,
    Permission::IncidentsVerify,
    Permission::IncidentsArchive,
]);

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .get("/incidents", READERS, list)
        .post("/incidents", Permission::IncidentsReport, file)
        .get("/incidents/{id}", READERS, one)
        .post("/incidents/{id}/transitions", STEPPERS, transition)
        .get("/incidents/{id}/events", READERS, events)
        .get("/incidents/{id}/duplicates", READERS, duplicates)
        .get("/categories", Access::SignedIn, categories)
}

impl From<DeskError> for ApiError {
    fn from(e: DeskError) -> Self {
        match e {
            DeskError::Store(e) => e.into(),
            DeskError::Step(StepError::Invalid(message)) | DeskError::Invalid(message) => {
                unprocessable(message)
            }
            DeskError::Step(e) => Self::Conflict(e.to_string()),
            DeskError::Routing(e) => unprocessable(e.to_string()),
            DeskError::OutOfScope(message) => Self::Status {
                status: StatusCode::FORBIDDEN,
                code: "out_of_scope",
                message,
            },
        }
    }
}

/// A 422: the request is well formed but names something unknown or out of range.
pub(super) fn unprocessable(message: impl Into<String>) -> ApiError {
    ApiError::Status {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: "invalid",
        message: message.into(),
    }
}

/// The body of `POST /api/incidents`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewReport {
    category: String,
    lon: f64,
    lat: f64,
    #[serde(default)]
    description: String,
    source: IncidentSource,
    #[serde(default)]
    reporter: Option<String>,
    #[serde(default)]
    priority: Option<Priority>,
    #[serde(default)]
    photos: Vec<PhotoId>,
}

impl NewReport {
    /// The report, checked.
    fn parse(self) -> Result<Report, ApiError> {
        let location = LonLat::new(self.lon, self.lat)?;
        if self.description.chars().count() > MAX_DESCRIPTION {
            return Err(unprocessable(format!(
                "the description is longer than {MAX_DESCRIPTION} characters"
            )));
        }
        Ok(Report {
            category: self.category,
            location,
            description: self.description,
            source: self.source,
            reporter: self.reporter.unwrap_or_default(),
            priority: self.priority.unwrap_or(Priority::Normal),
            photos: self.photos,
        })
    }
}

/// The incident id in a path: a number or a case number.
fn incident_id(text: &str) -> Result<IncidentId, ApiError> {
    text.parse()
        .ok()
        .or_else(|| CaseNumber::id_of(text))
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_path",
                format!("{text:?} is neither an incident id nor a case number"),
            )
        })
}

async fn file(
    State(state): State<AppState>,
    context: RequestContext,
    Json(body): Json<NewReport>,
) -> Result<Response, ApiError> {
    let report = body.parse()?;
    let by = context.actor();
    let (incident, duplicates) = state
        .desk
        .file(&context.scope, report, &by, Utc::now())
        .await?;
    let mut body = json!(IncidentView::new(&incident, &state, Utc::now()));
    body["likely_duplicates"] = view::duplicates(&duplicates, &state);
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

async fn one(
    State(state): State<AppState>,
    context: RequestContext,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (incident, _) = seen(&state, &context, incident_id(&id)?).await?;
    Ok(axum::Json(view_for(&context, &incident, &state, Utc::now())).into_response())
}

/// Incident `id` if the caller sees it, with the caller's reach for what follows; 403 if
/// it exists beyond their reach.
async fn seen(
    state: &AppState,
    context: &RequestContext,
    id: IncidentId,
) -> Result<(crate::domain::Incident, Reach), ApiError> {
    let reach = Reach::of(context);
    let incident = state.desk.incident(&reach.scope, id).await?;
    reach.check(&incident)?;
    Ok((incident, reach))
}

/// The view of `incident` for a caller of `reach` if they see it (their grids, and what
/// is assigned to them or routed to their department): what the live feed sends them.
pub(super) fn view_if_seen<'a>(
    context: &RequestContext,
    reach: &Reach,
    incident: &'a crate::domain::Incident,
    state: &'a AppState,
    now: chrono::DateTime<Utc>,
) -> Option<IncidentView<'a>> {
    let codes = incident.chain.iter().map(|g| &g.code);
    let seen = reach.scope.includes_any(codes) && reach.check(incident).is_ok();
    seen.then(|| view_for(context, incident, state, now))
}

/// The incident's view for the caller: without the reporter's contact unless they may
/// see it.
fn view_for<'a>(
    context: &RequestContext,
    incident: &'a crate::domain::Incident,
    state: &'a AppState,
    now: chrono::DateTime<Utc>,
) -> IncidentView<'a> {
    let view = IncidentView::new(incident, state, now);
    if sees_contact(context, incident) {
        view
    } else {
        view.without_contact()
    }
}

/// The body of `POST /api/incidents/{id}/transitions`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Transition {
    action: IncidentAction,
    #[serde(default)]
    note: String,
    #[serde(default)]
    photos: Vec<PhotoId>,
    #[serde(default)]
    assignee: Option<WorkerId>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    priority: Option<Priority>,
    #[serde(default)]
    extension: Option<TimeLimit>,
    #[serde(default)]
    satisfaction: Option<u8>,
    #[serde(default)]
    duplicate_of: Option<IncidentId>,
}

async fn transition(
    State(state): State<AppState>,
    context: RequestContext,
    Path(id): Path<String>,
    Json(body): Json<Transition>,
) -> Result<Response, ApiError> {
    let id = incident_id(&id)?;
    let request = StepRequest {
        action: Some(body.action),
        actor: context.actor(),
        note: body.note,
        photos: body.photos,
        assignee: body.assignee,
        category: body.category,
        priority: body.priority,
        extension: body.extension,
        satisfaction: body.satisfaction,
        duplicate_of: body.duplicate_of,
    };
    let (before, reach) = seen(&state, &context, id).await?;
    may_step(&context, body.action, &before)?;
    let incident = state
        .desk
        .act(&reach.scope, id, &request, Utc::now())
        .await?;
    let note = AuditNote::edit(
        "incident",
        id,
        Some(json!({ "status": before.status(), "assignee": before.assignee })),
        Some(json!({ "status": incident.status(), "assignee": incident.assignee })),
    )
    .action(body.action.as_str());
    Ok(note.attach(axum::Json(view_for(
        &context,
        &incident,
        &state,
        Utc::now(),
    ))))
}

async fn events(
    State(state): State<AppState>,
    context: RequestContext,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = incident_id(&id)?;
    let (_, reach) = seen(&state, &context, id).await?;
    let events = state.desk.events(&reach.scope, id).await?;
    let names = DisplayNames::load(&state).await?;
    let events: Vec<serde_json::Value> = events
        .iter()
        .map(|e| {
            let mut event = json!(e);
            event["actor_name"] = json!(names.of(&e.actor));
            event
        })
        .collect();
    Ok(axum::Json(json!({ "events": events })).into_response())
}

async fn duplicates(
    State(state): State<AppState>,
    context: RequestContext,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let id = incident_id(&id)?;
    let (_, reach) = seen(&state, &context, id).await?;
    let near = state.desk.likely_duplicates(&reach.scope, id).await?;
    Ok(axum::Json(json!({ "likely_duplicates": view::duplicates(&near, &state) })).into_response())
}

/// The query of `GET /api/incidents`: comma-separated lists where several make sense.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    status: Option<String>,
    colour: Option<Urgency>,
    grid: Option<String>,
    category: Option<String>,
    assignee: Option<WorkerId>,
    /// `min_lon,min_lat,max_lon,max_lat`: only incidents located within.
    bbox: Option<String>,
    before: Option<IncidentId>,
    limit: Option<u32>,
}

impl ListQuery {
    /// The store filter this query asks for, colours judged at `now`.
    fn filter(
        self,
        state: &AppState,
        now: chrono::DateTime<Utc>,
    ) -> Result<IncidentFilter, ApiError> {
        let mut filter = IncidentFilter::all(PAGE.of(self.limit)?, now);
        for word in words(self.status.as_deref()) {
            let status: IncidentStatus = word
                .parse()
                .map_err(|e| ApiError::bad_request("invalid_query", format!("status: {e}")))?;
            filter.statuses.push(status);
        }
        filter.colour = self.colour;
        filter.grid = self
            .grid
            .as_deref()
            .map(|g| grid_code(state, g))
            .transpose()?;
        for code in words(self.category.as_deref()) {
            let subs = state.desk.expand_category(code).ok_or_else(|| {
                ApiError::bad_request("invalid_query", format!("unknown category {code:?}"))
            })?;
            filter.categories.extend(subs);
        }
        filter.assignee = self.assignee;
        filter.bbox = self.bbox.as_deref().map(str::parse::<Bbox>).transpose()?;
        filter.before_id = self.before;
        Ok(filter)
    }
}

/// The words of a comma-separated list, empty ones left out.
fn words(text: Option<&str>) -> impl Iterator<Item = &str> {
    text.unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|w| !w.is_empty())
}

/// A grid given by code or id.
fn grid_code(state: &AppState, text: &str) -> Result<GridCode, ApiError> {
    if let Ok(code) = GridCode::parse(text) {
        return Ok(code);
    }
    let grids = state.mirrors.index.grids();
    text.parse()
        .ok()
        .and_then(|id| grids.get(id))
        .map(|g| g.code.clone())
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_query",
                format!("grid {text:?} is not a known grid id or code"),
            )
        })
}

async fn list(
    State(state): State<AppState>,
    context: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    let reach = Reach::of(&context);
    let mut filter = query.filter(&state, now)?;
    reach.narrow(&mut filter);
    let page = state.store.incidents(&reach.scope, &filter).await?;
    let incidents: Vec<IncidentView> = page
        .incidents
        .iter()
        .map(|i| view_for(&context, i, &state, now))
        .collect();
    Ok(
        axum::Json(json!({ "incidents": incidents, "next_before": page.next_before }))
            .into_response(),
    )
}

async fn categories(State(state): State<AppState>) -> Response {
    axum::Json(json!({ "categories": state.desk.categories() })).into_response()
}
