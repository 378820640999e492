//! Video linkage over HTTP: `POST /api/cameras/{id}/alerts` (JSON, or multipart with a
//! snapshot), `GET /api/alerts`, `GET /api/alerts/{id}`, `GET /api/alerts/{id}/events`,
//! `POST /api/alerts/{id}/calls`, `GET /api/calls`, `GET /api/calls/{id}`,
//! `POST /api/calls/{id}/accept` and `/decline`, and the live feed `GET /api/linkage/live`.

mod live;
mod view;

use super::accounts::DisplayNames;
use super::auth::{Access, Routes};
use super::extract::{self, PageSize, Path, Query};
use super::{ApiError, AppState, RequestContext};
use crate::config::ServeConfig;
use crate::domain::Permission;
use crate::domain::{
    AlertId, AlertSource, AlertStatus, Call, CallId, CallStatus, CameraId, GridScope, IncidentId,
    WorkerId,
};
use crate::linkage::{AlertRequest, LinkageError};
use crate::store::{CallFilter, NewPhoto};
use axum::Json;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request, State};
use axum::handler::Handler;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use serde_json::json;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use view::AlertContext;

/// Alerts one list answers: 50 unless `limit` says otherwise, at most 200.
const PAGE: PageSize = PageSize {
    param: "limit",
    default: 50,
    max: 200,
};
/// Room for the multipart envelope and text fields around a snapshot.
const ENVELOPE_BYTES: usize = 64 * 1024;

/// Who may see calls: the command centre all in scope, a grid worker their own.
const CALL_READERS: Access = Access::AnyOf(&[Permission::AlertsRead, Permission::CallsAnswer]);

/// Routes of this resource.
pub fn router(config: &ServeConfig) -> Routes {
    let limit = DefaultBodyLimit::max(config.photo_max_bytes.saturating_add(ENVELOPE_BYTES));
    Routes::new()
        .post(
            "/cameras/{id}/alerts",
            Permission::AlertsRaise,
            raise.layer(limit),
        )
        .get("/alerts", Permission::AlertsRead, list)
        .get("/alerts/{id}", Permission::AlertsRead, one)
        .get("/alerts/{id}/events", Permission::AlertsRead, events)
        .post("/alerts/{id}/calls", Permission::CallsMake, call)
        .get("/calls", CALL_READERS, calls)
        .get("/calls/{id}", CALL_READERS, one_call)
        .post("/calls/{id}/accept", Permission::CallsAnswer, accept)
        .post("/calls/{id}/decline", Permission::CallsAnswer, decline)
        .get("/linkage/live", CALL_READERS, live::live)
}

impl From<LinkageError> for ApiError {
    fn from(e: LinkageError) -> Self {
        match e {
            LinkageError::Store(e) => e.into(),
            LinkageError::Desk(e) => e.into(),
            e @ (LinkageError::Unavailable { .. } | LinkageError::Conflict(_)) => {
                Self::Conflict(e.to_string())
            }
            LinkageError::Invalid(message) => Self::Status {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "invalid_body",
                message,
            },
        }
    }
}

/// An alert as posted in JSON (multipart carries the same fields as text).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AlertBody {
    #[serde(default)]
    note: String,
    category: Option<String>,
    source: Option<AlertSource>,
    incident_id: Option<IncidentId>,
}

impl AlertBody {
    /// The request, raised by `raised_by` (the caller, never the body).
    fn into_request(self, raised_by: String) -> AlertRequest {
        let source = self.source.unwrap_or(AlertSource::Operator);
        AlertRequest {
            note: self.note,
            category: self.category.filter(|c| !c.is_empty()),
            raised_by,
            source,
            incident_id: self.incident_id,
        }
    }
}

async fn raise(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<CameraId>,
    request: Request,
) -> Result<Response, ApiError> {
    // Linkage refuses a camera outside the scope, as if it did not exist.
    let camera = state.store.camera(&ctx.scope, id).await?;
    let (body, snapshot) = alert_body(&state, request).await?;
    let alert = state
        .linkage
        .raise(
            &ctx.scope,
            &camera,
            body.into_request(ctx.actor()),
            snapshot,
            Utc::now(),
        )
        .await?;
    let context = AlertContext::with_camera(&state, alert, camera).await?;
    let report = context.report(&state, &[], true);
    Ok((StatusCode::CREATED, Json(report)).into_response())
}

/// The alert's fields and snapshot, from a JSON or a multipart body.
async fn alert_body(
    state: &AppState,
    request: Request,
) -> Result<(AlertBody, Option<NewPhoto>), ApiError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let extract::Json(body) = extract::Json::<AlertBody>::from_request(request, state).await?;
        return Ok((body, None));
    }
    let mut form = Multipart::from_request(request, state)
        .await
        .map_err(|e| ApiError::bad_request("invalid_multipart", e.body_text()))?;
    let mut body = AlertBody::default();
    let mut snapshot = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| super::photos::multipart_error(&e))?
    {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "snapshot" {
            let declared = field.content_type().map(str::to_owned);
            let bytes = field
                .bytes()
                .await
                .map_err(|e| super::photos::multipart_error(&e))?;
            snapshot = Some(super::photos::process(state, bytes, declared).await?);
            continue;
        }
        let text = field
            .text()
            .await
            .map_err(|e| super::photos::multipart_error(&e))?;
        body.set(&name, text)?;
    }
    Ok((body, snapshot))
}

impl AlertBody {
    /// Sets the field a multipart part names from its text.
    fn set(&mut self, name: &str, text: String) -> Result<(), ApiError> {
        match name {
            "note" => self.note = text,
            "category" => self.category = Some(text),
            "source" => self.source = Some(word(&text, "source")?),
            "incident_id" => self.incident_id = Some(word(&text, "incident_id")?),
            other => {
                return Err(ApiError::bad_request(
                    "invalid_multipart",
                    format!("unknown field {other:?}"),
                ));
            }
        }
        Ok(())
    }
}

fn word<T: std::str::FromStr>(text: &str, field: &str) -> Result<T, ApiError>
where
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e| ApiError::bad_request("invalid_multipart", format!("{field}: {e}")))
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<u32>,
    camera_id: Option<CameraId>,
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<ListQuery>,
) -> Result<Response, ApiError> {
    let limit = PAGE.of(q.limit)?;
    let mut reports = Vec::new();
    for alert in state.store.alerts(&ctx.scope, q.camera_id, limit).await? {
        let context = AlertContext::load(&state, alert).await?;
        if context.visible_to(&ctx) {
            // Only an open alert still needs someone to call.
            let ranked = context.alert.status != AlertStatus::Answered;
            reports.push(report_with_calls(&state, &context, ranked).await?);
        }
    }
    Ok(Json(json!({ "alerts": reports })).into_response())
}

/// An alert's report with its calls.
async fn report_with_calls(
    state: &AppState,
    context: &AlertContext,
    ranked: bool,
) -> Result<serde_json::Value, ApiError> {
    let calls = context.calls(state).await?;
    Ok(context.report(state, &calls, ranked))
}

/// Alert `id` with what its views need, if the request may see it.
async fn visible_alert(
    state: &AppState,
    ctx: &RequestContext,
    id: AlertId,
) -> Result<AlertContext, ApiError> {
    let context = AlertContext::of_alert(state, id).await?;
    if context.visible_to(ctx) {
        Ok(context)
    } else {
        Err(ApiError::NotFound(format!("alert {id}")))
    }
}

async fn one(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<AlertId>,
) -> Result<Response, ApiError> {
    let context = visible_alert(&state, &ctx, id).await?;
    Ok(Json(report_with_calls(&state, &context, true).await?).into_response())
}

async fn events(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<AlertId>,
) -> Result<Response, ApiError> {
    visible_alert(&state, &ctx, id).await?;
    let events = state.store.alert_events(&ctx.scope, id).await?;
    let names = DisplayNames::load(&state).await?;
    Ok(Json(view::events(&events, &names)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallBody {
    worker_id: Option<WorkerId>,
}

async fn call(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<AlertId>,
    body: Option<extract::Json<CallBody>>,
) -> Result<Response, ApiError> {
    let context = visible_alert(&state, &ctx, id).await?;
    let body = body.map(|b| b.0).unwrap_or_default();
    let actor = ctx.actor();
    let call = state
        .linkage
        .call(&ctx.scope, id, body.worker_id, &actor, Utc::now())
        .await?;
    let view = context.call(&state, &call);
    Ok((StatusCode::CREATED, Json(view)).into_response())
}

#[derive(Deserialize)]
struct CallsQuery {
    worker_id: Option<WorkerId>,
    alert_id: Option<AlertId>,
    status: Option<String>,
}

async fn calls(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<CallsQuery>,
) -> Result<Response, ApiError> {
    let statuses = q
        .status
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.split(',')
                .map(str::parse)
                .collect::<Result<Vec<CallStatus>, _>>()
        })
        .transpose()
        .map_err(|e| ApiError::bad_request("invalid_parameter", format!("status: {e}")))?
        .unwrap_or_default();
    let filter = CallFilter {
        alert: q.alert_id,
        worker: q.worker_id,
        statuses,
        expired_before: None,
    };
    // Calls of one alert share its context: read it once.
    let mut contexts: HashMap<AlertId, AlertContext> = HashMap::new();
    let mut views = Vec::new();
    for call in state.store.calls(&ctx.scope, &filter).await? {
        let context = match contexts.entry(call.alert_id) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => new.insert(AlertContext::of_alert(&state, call.alert_id).await?),
        };
        if context.visible_to(&ctx) {
            views.push(context.call(&state, &call));
        }
    }
    Ok(Json(json!({ "calls": views })).into_response())
}

/// Call `id` with its alert's context, if the request may see the alert.
async fn visible_call(
    state: &AppState,
    ctx: &RequestContext,
    id: CallId,
) -> Result<(Call, AlertContext), ApiError> {
    let call = state.store.call(&ctx.scope, id).await?;
    let context = visible_alert(state, ctx, call.alert_id)
        .await
        .map_err(|e| match e {
            ApiError::NotFound(_) => ApiError::NotFound(format!("call {id}")),
            other => other,
        })?;
    Ok((call, context))
}

async fn one_call(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<CallId>,
) -> Result<Response, ApiError> {
    let (call, context) = visible_call(&state, &ctx, id).await?;
    Ok(Json(context.call(&state, &call)).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerBody {
    reason: Option<String>,
}

/// Who answers call `id`: only the worker it rang, signed in as themselves. Their own
/// call may come from a camera beyond their grid (they were the nearest), so it is read
/// and answered over every grid once it is known to be theirs.
async fn answerer(state: &AppState, ctx: &RequestContext, id: CallId) -> Result<String, ApiError> {
    let call = state.store.call(&GridScope::All, id).await?;
    if ctx.worker_id() != Some(call.worker_id) {
        return Err(ApiError::forbidden(format!(
            "call {id} rang worker {}: only they may answer it",
            call.worker_id
        )));
    }
    Ok(ctx.actor())
}

/// The answered call in its view; the alert is read again, as the answer changed it.
async fn answered(state: &AppState, call: &Call) -> Result<Response, ApiError> {
    let context = AlertContext::of_alert(state, call.alert_id).await?;
    Ok(Json(context.call(state, call)).into_response())
}

async fn accept(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<CallId>,
) -> Result<Response, ApiError> {
    let actor = answerer(&state, &ctx, id).await?;
    let (call, _) = state
        .linkage
        .accept(&GridScope::All, id, &actor, Utc::now())
        .await?;
    answered(&state, &call).await
}

async fn decline(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<CallId>,
    body: Option<extract::Json<AnswerBody>>,
) -> Result<Response, ApiError> {
    let body = body.map(|b| b.0).unwrap_or_default();
    let actor = answerer(&state, &ctx, id).await?;
    let reason = body.reason.unwrap_or_default();
    let call = state
        .linkage
        .decline(&GridScope::All, id, &reason, &actor, Utc::now())
        .await?;
    answered(&state, &call).await
}
