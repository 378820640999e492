//! A whole level out to desktop GIS and back: `GET /api/grids/export?level=N` writes its
//! grids as GeoJSON, and `POST /api/changesets/import?level=N&reason=…` turns the redrawn
//! file into one change set, checked and previewed like any other.
//!
//! A feature is matched to a stored grid by its `id` property, else by `code`; matched
//! features whose boundary, name and counts are unchanged are left out of the change set,
//! stored grids of the level the file no longer holds are retired, and features matching
//! nothing are new grids under `parent_code` (or the grid of the level above their
//! interior point). A feature's `version` is the one it was exported at; without one the
//! current version is assumed.

use super::super::extract::{Query, RawBody};
use super::super::geojson_out::GeoJson;
use super::view::changeset_json;
use super::{author, check_scope, features_of};
use crate::domain::{Grid, GridCode, GridEdit, GridId, LevelNo};
use crate::http::{ApiError, AppState, RequestContext};
use crate::import::FeatureProblem;
use crate::store::GridFilter;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use geo::InteriorPoint;
use geojson::{Feature, FeatureCollection, JsonObject};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};

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
    let grids = state
        .store
        .grids(GridFilter {
            level: Some(q.level),
            bbox: None,
        })
        .await?;
    let parents: HashMap<GridId, GridCode> = state
        .store
        .grids(GridFilter {
            level: Some(q.level - 1),
            bbox: None,
        })
        .await?
        .into_iter()
        .map(|g| (g.id, g.code))
        .collect();
    let index = state.index.grids();
    let features = grids
        .iter()
        .filter(|g| {
            index
                .get(g.id)
                .is_none_or(|ig| ctx.may_see(index.ancestors_and_self(ig).map(|a| a.id)))
        })
        .map(|g| {
            let mut feature = super::super::geojson_out::grid_feature(g);
            if let Some(properties) = feature.properties.as_mut() {
                let parent = g.parent_id.and_then(|p| parents.get(&p));
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
    author: Option<String>,
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
    let stored = state
        .store
        .grids(GridFilter {
            level: Some(q.level),
            bbox: None,
        })
        .await?;
    if stored.is_empty() {
        return Err(ApiError::NotFound(format!("level {} with grids", q.level)));
    }
    let edits = edits_of(&state, &features, &stored, q.level).await?;
    check_scope(
        &state,
        &ctx,
        edits.iter().filter_map(|e| e.id.or(e.parent_id)),
    )?;
    let author = author(&ctx, q.author.as_deref());
    let changeset = state
        .planner
        .propose(q.reason.trim(), &author, &edits)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(changeset_json(&changeset))))
}

/// The edits a redrawn level makes to the stored grids of that level; every feature's
/// fault is reported at once, and none stores anything.
async fn edits_of(
    state: &AppState,
    features: &[Feature],
    stored: &[Grid],
    level: LevelNo,
) -> Result<Vec<GridEdit>, ApiError> {
    let by_id: HashMap<GridId, &Grid> = stored.iter().map(|g| (g.id, g)).collect();
    let by_code: HashMap<&str, &Grid> = stored.iter().map(|g| (g.code.as_str(), g)).collect();
    let mut kept: HashSet<GridId> = HashSet::new();
    let mut edits = Vec::new();
    let mut problems = Vec::new();
    for (i, feature) in features.iter().enumerate() {
        let fault = |reason: String| FeatureProblem {
            file: None,
            feature: i,
            reason,
            location: None,
        };
        let properties = feature.properties.clone().unwrap_or_default();
        let geometry = match crate::import::polygonal(feature.geometry.as_ref().map(|g| &g.value)) {
            Ok(geometry) => geometry,
            Err(reason) => {
                problems.push(fault(reason));
                continue;
            }
        };
        let matched = integer(&properties, "id")
            .and_then(|id| by_id.get(&id))
            .or_else(|| text(&properties, "code").and_then(|c| by_code.get(c.as_str())));
        let (name, households, residents) = (
            text(&properties, "name"),
            integer(&properties, "households"),
            integer(&properties, "residents"),
        );
        if let Some(grid) = matched {
            if !kept.insert(grid.id) {
                problems.push(fault(format!(
                    "grid {} appears twice in the file",
                    grid.code
                )));
                continue;
            }
            let changed = |new: Option<i64>, old: i64| new.filter(|&n| n != old);
            let edit = GridEdit {
                id: Some(grid.id),
                version: Some(integer(&properties, "version").unwrap_or(grid.version)),
                geometry: (geometry != grid.geometry).then_some(geometry),
                parent_id: None,
                name: name.filter(|n| *n != grid.name),
                households: changed(households, grid.households),
                residents: changed(residents, grid.residents),
            };
            let untouched = edit.geometry.is_none()
                && edit.name.is_none()
                && edit.households.is_none()
                && edit.residents.is_none();
            if !untouched {
                edits.push(GridEdit {
                    // Only counts or the name changed: the boundary stays as stored.
                    geometry: edit
                        .geometry
                        .clone()
                        .or_else(|| Some(grid.geometry.clone())),
                    ..edit
                });
            }
            continue;
        }
        match parent_of(state, &properties, &geometry, level).await {
            Ok(parent_id) => edits.push(GridEdit {
                id: None,
                version: None,
                geometry: Some(geometry),
                parent_id: Some(parent_id),
                name,
                households,
                residents,
            }),
            Err(reason) => problems.push(fault(reason)),
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::InvalidFeatures(problems));
    }
    edits.extend(
        stored
            .iter()
            .filter(|g| !kept.contains(&g.id))
            .map(|g| GridEdit {
                id: Some(g.id),
                version: Some(g.version),
                geometry: None,
                parent_id: None,
                name: None,
                households: None,
                residents: None,
            }),
    );
    Ok(edits)
}

/// The parent of a new grid of `level`: its `parent_code`, or the grid of the level above
/// that holds its interior point.
async fn parent_of(
    state: &AppState,
    properties: &JsonObject,
    geometry: &geo::MultiPolygon<f64>,
    level: LevelNo,
) -> Result<GridId, String> {
    if let Some(code) = text(properties, "parent_code") {
        let code = GridCode::parse(&code).map_err(|e| e.to_string())?;
        let parent = state
            .store
            .grid_by_code(&code)
            .await
            .map_err(|_| format!("parent grid {code} does not exist"))?;
        if parent.level != level - 1 {
            return Err(format!("grid {code} is not of the level above {level}"));
        }
        return Ok(parent.id);
    }
    let point = geometry
        .interior_point()
        .ok_or_else(|| "the geometry is empty".to_owned())?;
    state
        .index
        .grids()
        .locate_at_level(point.0, level - 1)
        .map(|g| g.id)
        .ok_or_else(|| {
            "a new grid needs a \"parent_code\", or to lie inside a grid of the level above"
                .to_owned()
        })
}

fn text(properties: &JsonObject, key: &str) -> Option<String> {
    properties
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn integer(properties: &JsonObject, key: &str) -> Option<i64> {
    properties.get(key).and_then(Value::as_i64)
}
