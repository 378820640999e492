//! Grid planning: `POST /api/changesets` (check and preview), `GET /api/changesets/{id}`,
//! `POST /api/changesets/{id}/apply` and `/discard`, a whole level out and back in
//! (`GET /api/grids/export`, `POST /api/changesets/import`), a grid's history, and the
//! split and merge geometry the planner's page asks for.

mod level;
mod view;

use super::auth::Routes;
use super::extract::{Json, Path};
use super::geojson_out::{GeoJson, collection};
use super::{ApiError, AppState, RequestContext};
use crate::domain::Permission;
use crate::domain::{ChangeSetId, GridId};
use crate::planning::{CutError, PlanningError};
use axum::extract::State;
use axum::http::StatusCode;
use geojson::{Feature, FeatureCollection, GeometryValue};
use serde::Deserialize;
use serde_json::{Value, json};
use view::{ProposeBody, changeset_json, problems_json};

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .post("/changesets", Permission::ChangesetsPropose, propose)
        .post(
            "/changesets/import",
            Permission::LevelsImport,
            level::import,
        )
        .get("/changesets/{id}", Permission::ChangesetsRead, one)
        .post("/changesets/{id}/apply", Permission::ChangesetsApply, apply)
        .post(
            "/changesets/{id}/discard",
            Permission::ChangesetsApply,
            discard,
        )
        .get("/grids/export", Permission::ChangesetsRead, level::export)
        .get("/grids/{id}/history", Permission::ChangesetsRead, history)
        .post("/planning/split", Permission::ChangesetsPropose, split)
        .post("/planning/merge", Permission::ChangesetsPropose, merge)
}

impl From<PlanningError> for ApiError {
    fn from(e: PlanningError) -> Self {
        match e {
            PlanningError::Edit(message) => Self::Status {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "invalid_edit",
                message,
            },
            PlanningError::Empty => Self::bad_request("invalid_body", e.to_string()),
            PlanningError::Problems(ref problems) => Self::Problems {
                message: e.to_string(),
                problems: json!(problems_json(problems)),
            },
            PlanningError::Features(problems) => Self::InvalidFeatures(problems),
            PlanningError::Cut(CutError::SameGrid) => {
                Self::bad_request("invalid_body", e.to_string())
            }
            PlanningError::Cut(e) => Self::Status {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "cannot_cut",
                message: e.to_string(),
            },
            PlanningError::Store(e) => e.into(),
        }
    }
}

async fn propose(
    State(state): State<AppState>,
    ctx: RequestContext,
    Json(body): Json<ProposeBody>,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    let edits = body.edits()?;
    let author = ctx.actor();
    let changeset = state
        .planner
        .propose(&ctx.scope, body.reason.trim(), &author, &edits)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(changeset_json(&changeset))))
}

async fn one(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<ChangeSetId>,
) -> Result<axum::Json<Value>, ApiError> {
    let changeset = state.planner.changeset(&ctx.scope, id).await?;
    Ok(axum::Json(changeset_json(&changeset)))
}

async fn apply(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<ChangeSetId>,
) -> Result<axum::Json<Value>, ApiError> {
    let applied = state.planner.apply(&ctx.scope, id).await?;
    // Dispatchers' pages follow the incidents the change set passed to other grids.
    for incident in &applied.rerouted {
        state.desk.changed(incident);
    }
    Ok(axum::Json(changeset_json(&applied.changeset)))
}

async fn discard(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<ChangeSetId>,
) -> Result<axum::Json<Value>, ApiError> {
    let discarded = state.planner.discard(&ctx.scope, id).await?;
    Ok(axum::Json(changeset_json(&discarded)))
}

/// Every version of a grid, oldest first, as features: the boundary of each version with
/// its `version`, `valid_from`, `valid_to`, `retired` and the change set's id, author and
/// reason.
async fn history(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<GridId>,
) -> Result<GeoJson<FeatureCollection>, ApiError> {
    let revisions = state.planner.history(&ctx.scope, id).await?;
    Ok(collection(
        revisions
            .iter()
            .map(|r| {
                let mut feature = super::geojson_out::grid_feature(&r.grid);
                if let Some(properties) = feature.properties.as_mut() {
                    for (key, value) in [
                        ("valid_from", json!(r.valid_from)),
                        ("valid_to", json!(r.valid_to)),
                        ("retired", json!(r.retired)),
                        ("changeset_id", json!(r.changeset)),
                        ("author", json!(r.author)),
                        ("reason", json!(r.reason)),
                    ] {
                        properties.insert(key.into(), value);
                    }
                }
                feature
            })
            .collect(),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SplitBody {
    grid_id: GridId,
    line: GeometryValue,
}

/// The two parts a drawn line cuts a grid into, to put in a change set.
async fn split(
    State(state): State<AppState>,
    ctx: RequestContext,
    Json(body): Json<SplitBody>,
) -> Result<axum::Json<Value>, ApiError> {
    let GeometryValue::LineString { .. } = &body.line else {
        return Err(ApiError::bad_request(
            "invalid_body",
            "\"line\" must be a GeoJSON LineString",
        ));
    };
    let line = geo::LineString::try_from(&body.line)
        .map_err(|e| ApiError::bad_request("invalid_body", format!("unreadable line: {e}")))?;
    let parts = state
        .planner
        .split_grid(&ctx.scope, body.grid_id, &line)
        .await?;
    Ok(axum::Json(json!({
        "parts": parts.iter().map(GeometryValue::from).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MergeBody {
    grid_ids: [GridId; 2],
}

/// The union of two neighbouring grids of one parent, to put in a change set.
async fn merge(
    State(state): State<AppState>,
    ctx: RequestContext,
    Json(body): Json<MergeBody>,
) -> Result<axum::Json<Value>, ApiError> {
    let merged = state.planner.merge_grids(&ctx.scope, body.grid_ids).await?;
    Ok(axum::Json(
        json!({ "geometry": GeometryValue::from(&merged) }),
    ))
}

/// Features of a FeatureCollection body, for the level import.
fn features_of(body: &[u8]) -> Result<Vec<Feature>, ApiError> {
    let collection: FeatureCollection = serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(
            "invalid_file",
            format!("not a GeoJSON FeatureCollection: {e}"),
        )
    })?;
    Ok(collection.features)
}
