//! A thin Open311 GeoReport v2 adapter, so existing 311 clients can file and read
//! incidents: `GET /open311/v2/services.json` (the sub-categories),
//! `POST /open311/v2/requests.json` (form-encoded, as the specification has it),
//! `GET /open311/v2/requests.json` and `GET /open311/v2/requests/{id}.json`.
//! A service request id is the incident's case number. Only JSON is offered.

use super::auth::{Access, Routes};
use super::extract::{Form, Path, Query};
use super::incidents::unprocessable;
use super::{ApiError, AppState, RequestContext};
use crate::domain::GridScope;
use crate::domain::Permission;
use crate::domain::{CaseNumber, Incident, IncidentSource, Priority};
use crate::incidents::Report;
use crate::store::IncidentFilter;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

/// Most requests one list answers, as the specification suggests (90 days or 1000).
const MAX_REQUESTS: u32 = 1000;

/// Routes of the adapter.
pub fn router() -> Routes {
    Routes::new()
        .get("/services.json", Access::Public, services)
        .get("/requests.json", Permission::IncidentsRead, requests)
        .post("/requests.json", Permission::IncidentsReport, create)
        .get("/requests/{file}", Permission::IncidentsRead, request)
}

async fn services(State(state): State<AppState>) -> Response {
    let services: Vec<Value> = state
        .desk
        .categories()
        .iter()
        .flat_map(|class| {
            class.sub_categories.iter().map(move |sub| {
                json!({
                    "service_code": sub.code,
                    "service_name": sub.zh,
                    "description": format!("{} / {}", class.en, sub.en),
                    "metadata": false,
                    "type": "realtime",
                    "keywords": "",
                    "group": class.zh,
                })
            })
        })
        .collect();
    axum::Json(services).into_response()
}

/// The form of a new service request; the fields this service does not use are accepted
/// and ignored, as clients send them.
#[derive(Debug, Deserialize)]
struct NewRequest {
    service_code: String,
    lat: Option<f64>,
    long: Option<f64>,
    #[serde(default)]
    description: String,
    first_name: Option<String>,
    last_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
}

async fn create(
    State(state): State<AppState>,
    context: RequestContext,
    Form(form): Form<NewRequest>,
) -> Result<Response, ApiError> {
    let (Some(lat), Some(lon)) = (form.lat, form.long) else {
        return Err(unprocessable(
            "a location is required: \"lat\" and \"long\" (addresses are not geocoded here)",
        ));
    };
    let name = [form.last_name, form.first_name]
        .into_iter()
        .flatten()
        .collect::<String>();
    let reporter = [Some(name), form.phone, form.email]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let report = Report {
        category: form.service_code,
        location: crate::domain::LonLat::new(lon, lat)?,
        description: form.description,
        source: IncidentSource::Hotline,
        reporter: reporter.clone(),
        priority: Priority::Normal,
        photos: Vec::new(),
    };
    let actor = context.actor();
    let (incident, _) = state
        .desk
        .file(&context.scope, report, &actor, Utc::now())
        .await?;
    let body = json!([{
        "service_request_id": incident.case_number().to_string(),
        "service_notice": "",
        "account_id": null,
    }]);
    Ok((StatusCode::CREATED, axum::Json(body)).into_response())
}

/// The query of a request list.
#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<DateTime<Utc>>,
    end_date: Option<DateTime<Utc>>,
    status: Option<String>,
}

fn service_request(incident: &Incident, state: &AppState) -> Value {
    let sub = state.desk.sub_category(&incident.category);
    let status = if incident.status().is_open() {
        "open"
    } else {
        "closed"
    };
    json!({
        "service_request_id": incident.case_number().to_string(),
        "status": status,
        "status_notes": incident.status().as_str(),
        "service_name": sub.map(|(_, s)| s.zh.as_str()),
        "service_code": incident.category,
        "description": incident.description,
        "agency_responsible": incident
            .responsible
            .department
            .clone()
            .or_else(|| incident.chain.last().map(|g| g.name.clone())),
        "service_notice": "",
        "requested_datetime": incident.reported_at,
        "updated_datetime": incident.updated_at,
        "expected_datetime": incident.deadline,
        "address": incident.chain.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(""),
        "lat": incident.location.lat(),
        "long": incident.location.lon(),
        "media_url": incident.photos.first().map(|id| format!("/api/photos/{id}")),
    })
}

async fn requests(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    if let Some(ids) = &query.service_request_id {
        let mut found = Vec::new();
        for id in ids.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if let Some(incident) = lookup(&state, &ctx.scope, id).await? {
                found.push(service_request(&incident, &state));
            }
        }
        return Ok(axum::Json(found).into_response());
    }
    let mut filter = IncidentFilter::all(MAX_REQUESTS, Utc::now());
    if let Some(codes) = &query.service_code {
        filter.categories = codes.split(',').map(|c| c.trim().to_owned()).collect();
    }
    filter.reported_since = query.start_date;
    let wanted_open = match query.status.as_deref() {
        None | Some("") => None,
        Some("open") => Some(true),
        Some("closed") => Some(false),
        Some(other) => {
            return Err(ApiError::bad_request(
                "invalid_query",
                format!("status {other:?} is neither \"open\" nor \"closed\""),
            ));
        }
    };
    let page = state.store.incidents(&ctx.scope, &filter).await?;
    let list: Vec<Value> = page
        .incidents
        .iter()
        .filter(|i| query.end_date.is_none_or(|end| i.reported_at <= end))
        .filter(|i| wanted_open.is_none_or(|open| i.status().is_open() == open))
        .map(|i| service_request(i, &state))
        .collect();
    Ok(axum::Json(list).into_response())
}

async fn lookup(
    state: &AppState,
    scope: &GridScope,
    id: &str,
) -> Result<Option<Incident>, ApiError> {
    let Some(id) = CaseNumber::id_of(id).or_else(|| id.parse().ok()) else {
        return Ok(None);
    };
    match state.store.incident(scope, id).await {
        Ok(incident) => Ok(Some(incident)),
        Err(crate::store::StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

async fn request(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let id = file.strip_suffix(".json").ok_or_else(|| {
        ApiError::NotFound(format!(
            "path /open311/v2/requests/{file} (only .json is offered)"
        ))
    })?;
    let incident = lookup(&state, &ctx.scope, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("service request {id}")))?;
    Ok(axum::Json(json!([service_request(&incident, &state)])).into_response())
}
