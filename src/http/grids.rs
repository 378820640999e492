//! Grids: `GET /api/grids` (by level and bbox, now or `as_of` a time; GeoJSON), `GET /api/grids/{id}` (one grid
//! with its chain, children and counts) and `GET /api/grids/{id}/cameras`.

use super::auth::{Access, Routes};
use super::cameras::cameras_within;
use super::extract::{Path, Query};
use super::geojson_out::{GeoJson, collection, grid_feature};
use super::{ApiError, AppState, RequestContext};
use crate::domain::Permission;
use crate::domain::{Bbox, GridId, LevelNo};
use crate::store::GridFilter;
use axum::extract::State;
use chrono::{DateTime, Utc};
use geojson::{Feature, FeatureCollection};
use serde::Deserialize;
use serde_json::json;

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .get("/grids", Access::SignedIn, list)
        .get("/grids/{id}", Access::SignedIn, one)
        .get("/grids/{id}/cameras", Permission::CamerasRead, cameras)
}

#[derive(Deserialize)]
struct ListQuery {
    level: Option<LevelNo>,
    bbox: Option<String>,
    /// RFC 3339: the grids as they were then, retired ones included.
    as_of: Option<String>,
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<ListQuery>,
) -> Result<GeoJson<FeatureCollection>, ApiError> {
    let bbox = q.bbox.as_deref().map(str::parse::<Bbox>).transpose()?;
    let as_of = q.as_of.as_deref().map(rfc3339).transpose()?;
    let grids = if let Some(at) = as_of {
        (state.planner)
            .grids_as_of(&ctx.scope, q.level, at, bbox)
            .await?
    } else {
        let filter = GridFilter {
            level: q.level,
            bbox,
        };
        state.store.grids(&ctx.scope, filter).await?
    };
    Ok(collection(grids.iter().map(grid_feature).collect()))
}

/// The instant an `as_of` parameter names.
fn rfc3339(text: &str) -> Result<DateTime<Utc>, ApiError> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.to_utc())
        .map_err(|e| {
            let message =
                format!("as_of {text:?} is not an RFC 3339 time ({e}), e.g. 2026-12-01T00:00:00Z");
            ApiError::bad_request("invalid_parameter", message)
        })
}

async fn one(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<GridId>,
) -> Result<GeoJson<Feature>, ApiError> {
    let grid = state.store.grid(&ctx.scope, id).await?;
    let index = state.mirrors.index.grids();
    let indexed = index
        .get(id)
        .ok_or_else(|| ApiError::NotFound(format!("grid {id}")))?;
    let children: Vec<_> = index
        .children(indexed)
        .map(|c| {
            json!({"id": c.id, "code": c.code, "name": c.name, "level": c.level,
                   "households": c.households, "residents": c.residents})
        })
        .collect();
    let cameras = cameras_within(&state, &index, id).await?.len();
    let workers = state
        .store
        .workers(&ctx.scope)
        .await?
        .iter()
        .filter(|w| {
            w.grid_ids
                .iter()
                .any(|&g| index.get(g).is_some_and(|wg| index.is_within(wg, id)))
        })
        .count();
    let mut feature = grid_feature(&grid);
    if let Some(properties) = feature.properties.as_mut() {
        properties.insert("chain".into(), json!(index.chain(indexed)));
        properties.insert("children".into(), json!(children));
        properties.insert(
            "counts".into(),
            json!({ "children": children.len(), "cameras": cameras, "workers": workers }),
        );
    }
    Ok(GeoJson(feature))
}

async fn cameras(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<GridId>,
) -> Result<GeoJson<FeatureCollection>, ApiError> {
    let index = state.mirrors.index.grids();
    let visible = index.get(id).is_some_and(|g| ctx.scope.includes(&g.code));
    if !visible {
        return Err(ApiError::NotFound(format!("grid {id}")));
    }
    let cameras = cameras_within(&state, &index, id).await?;
    Ok(collection(
        cameras
            .iter()
            .map(|c| super::geojson_out::camera_feature(c, &index.chain_at(c.location.into())))
            .collect(),
    ))
}
