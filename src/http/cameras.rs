//! Cameras: `GET /api/cameras` (GeoJSON, each with its grid chain, optionally by bbox or
//! grid) and `GET /api/cameras/{id}`.

use super::extract::{Path, Query};
use super::geojson_out::{GeoJson, camera_feature, collection};
use super::{ApiError, AppState, RequestContext};
use crate::domain::{Bbox, Camera, CameraId, GridId};
use crate::spatial::GridIndex;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use geojson::{Feature, FeatureCollection};
use serde::Deserialize;

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/cameras", get(list))
        .route("/cameras/{id}", get(one))
}

#[derive(Deserialize)]
struct ListQuery {
    bbox: Option<String>,
    grid: Option<GridId>,
}

async fn list(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<ListQuery>,
) -> Result<GeoJson<FeatureCollection>, ApiError> {
    let bbox = q.bbox.as_deref().map(str::parse::<Bbox>).transpose()?;
    let index = state.index.grids();
    let cameras = match q.grid {
        Some(grid) => {
            if index.get(grid).is_none() {
                return Err(ApiError::NotFound(format!("grid {grid}")));
            }
            let mut within = cameras_within(&state, &index, grid).await?;
            within.retain(|c| bbox.is_none_or(|b| b.contains(c.location)));
            within
        }
        None => state.store.cameras(bbox).await?,
    };
    // One chain per camera serves both the scope check and the answer.
    let visible = cameras.iter().filter_map(|c| {
        let chain = index.chain_at(c.location.into());
        ctx.may_see(chain.iter().map(|l| l.id))
            .then(|| camera_feature(c, &chain))
    });
    Ok(collection(visible.collect()))
}

async fn one(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<CameraId>,
) -> Result<GeoJson<Feature>, ApiError> {
    let camera = state.store.camera(id).await?;
    let index = state.index.grids();
    let chain = index.chain_at(camera.location.into());
    if !ctx.may_see(chain.iter().map(|l| l.id)) {
        return Err(ApiError::NotFound(format!("camera {id}")));
    }
    Ok(GeoJson(camera_feature(&camera, &chain)))
}

/// Cameras inside a grid or any grid below it, by the index's boundary rule.
pub(super) async fn cameras_within(
    state: &AppState,
    index: &GridIndex,
    grid: GridId,
) -> Result<Vec<Camera>, ApiError> {
    let Some(bbox) = index.get(grid).and_then(|g| Bbox::of(&g.bbox()?)) else {
        return Ok(Vec::new());
    };
    let mut cameras = state.store.cameras(Some(bbox)).await?;
    cameras.retain(|c| {
        index
            .locate(c.location.into())
            .is_some_and(|found| index.is_within(found, grid))
    });
    Ok(cameras)
}
