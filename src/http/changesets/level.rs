//! A whole level out to desktop GIS and back: `GET /api/grids/export?level=N` writes its
//! grids as GeoJSON, and `POST /api/changesets/import?level=N&reason=…` turns the redrawn
//! file into one change set (the planner's `import_level` says how features are matched).

use super::super::extract::{Query, RawBody};
use super::super::geojson_out::{GeoJson, grid_feature};
use super::features_of;
use super::view::changeset_json;
use crate::domain::LevelNo;
use crate::http::{ApiError, AppState, RequestContext};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use geojson::FeatureCollection;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize)]
pub(super) struct ExportQuery {
    level: LevelNo,
}

/// The grids of a level, in service, as a GeoJSON file for desktop GIS.
pub(super) async fn export(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let grids = state.planner.export_level(&ctx.scope, q.level).await?;
    let features = grids
        .iter()
        .map(|(grid, parent)| {
            let mut feature = grid_feature(grid);
            if let Some(properties) = feature.properties.as_mut() {
                properties.insert("parent_code".into(), json!(parent));
            }
            feature
        })
        .collect();
    let file = FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    };
    let disposition = format!("attachment; filename=\"grids-level-{}.geojson\"", q.level);
    Ok(([(header::CONTENT_DISPOSITION, disposition)], GeoJson(file)).into_response())
}

#[derive(Deserialize)]
pub(super) struct ImportQuery {
    level: LevelNo,
    reason: String,
}

/// A redrawn level, as one change set (201, like `POST /api/changesets`).
pub(super) async fn import(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<ImportQuery>,
    RawBody(body): RawBody,
) -> Result<(StatusCode, axum::Json<Value>), ApiError> {
    if q.reason.trim().is_empty() {
        return Err(ApiError::bad_request(
            "invalid_query",
            "\"reason\" must say why the level is redrawn",
        ));
    }
    let features = features_of(&body)?;
    let author = ctx.actor();
    let changeset = state
        .planner
        .import_level(&ctx.scope, q.level, q.reason.trim(), &author, &features)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(changeset_json(&changeset))))
}
