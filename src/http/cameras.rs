//! Cameras: `GET /api/cameras` (GeoJSON, each with its grid chain, optionally by bbox or
//! grid) and `GET /api/cameras/{id}`; the registry's writes `POST /api/cameras`,
//! `PATCH /api/cameras/{id}` (an edit, or with `lon` and `lat` a move),
//! `DELETE /api/cameras/{id}` (retirement) and `POST /api/cameras/import` (GeoJSON or CSV).
//!
//! A camera's chain is never stored: every answer computes it from the current grid
//! index, so it follows every move at once, and every boundary change as soon as the index
//! has the new grids.

mod body;

use super::auth::{AuditNote, Routes};
use super::extract::{self, Path, Query, RawBody};
use super::geojson_out::{GeoJson, camera_feature, collection};
use super::{ApiError, AppState, RequestContext};
use crate::domain::{
    Bbox, Camera, CameraId, CameraRecord, GridId, GridScope, NewCamera, Permission,
};
use crate::import::{self, Progress};
use crate::spatial::GridIndex;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use body::{ChangeBody, UploadFormat};
use chrono::Utc;
use geojson::{Feature, FeatureCollection};
use serde::Deserialize;
use serde_json::{Value, json};

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .get("/cameras", Permission::CamerasRead, list)
        .post("/cameras", Permission::CamerasManage, create)
        .post("/cameras/import", Permission::CamerasManage, upload)
        .get("/cameras/{id}", Permission::CamerasRead, one)
        .patch("/cameras/{id}", Permission::CamerasManage, change)
        .delete("/cameras/{id}", Permission::CamerasManage, retire)
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
    let index = state.mirrors.index.grids();
    let cameras = match q.grid {
        Some(grid) => {
            if index.get(grid).is_none() {
                return Err(ApiError::NotFound(format!("grid {grid}")));
            }
            let mut within = cameras_within(&state, &index, grid).await?;
            within.retain(|c| bbox.is_none_or(|b| b.contains(c.location)));
            within
        }
        None => state.store.cameras(&ctx.scope, bbox).await?,
    };
    // One chain per camera serves both the scope check and the answer.
    let visible = cameras.iter().filter_map(|c| {
        let chain = index.chain_at(c.location.into());
        ctx.scope
            .includes_any(chain.iter().map(|l| l.code))
            .then(|| camera_feature(c, &chain))
    });
    Ok(collection(visible.collect()))
}

async fn one(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<CameraId>,
) -> Result<GeoJson<Feature>, ApiError> {
    let camera = visible_camera(&state, &ctx, id).await?;
    Ok(feature(&state, &camera))
}

/// Registers a camera: 201 with its feature.
async fn create(
    State(state): State<AppState>,
    extract::Json(record): extract::Json<CameraRecord>,
) -> Result<(StatusCode, GeoJson<Feature>), ApiError> {
    let new = NewCamera::try_from(record)?;
    let stored = state
        .store
        .insert_cameras(std::slice::from_ref(&new))
        .await?;
    let camera = stored
        .first()
        .ok_or_else(|| ApiError::Internal("inserting a camera returned none".into()))?;
    Ok((StatusCode::CREATED, feature(&state, camera)))
}

/// Edits or moves a camera: its feature, with the chain of where it now stands.
async fn change(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<CameraId>,
    extract::Json(body): extract::Json<ChangeBody>,
) -> Result<Response, ApiError> {
    let change = body.parse()?;
    let before = visible_camera(&state, &ctx, id).await?;
    let camera = state.store.update_camera(id, &change).await?;
    Ok(edited(&state, &before, &camera, "update"))
}

/// The camera's feature, noting it before and after for the audit trail.
fn edited(state: &AppState, before: &Camera, after: &Camera, action: &str) -> Response {
    let json = |c: &Camera| serde_json::to_value(feature(state, c).0).ok();
    let note = AuditNote::edit("camera", after.id, json(before), json(after)).action(action);
    note.attach(feature(state, after))
}

/// Retires a camera now: its feature, with `retired_at`.
async fn retire(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<CameraId>,
) -> Result<Response, ApiError> {
    let before = visible_camera(&state, &ctx, id).await?;
    let camera = state.store.retire_camera(id, Utc::now()).await?;
    Ok(edited(&state, &before, &camera, "retire"))
}

/// Imports cameras all or nothing: 201 `{"imported":N}`, or 422 listing every bad row.
async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawBody(bytes): RawBody,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let format = UploadFormat::of(&headers)?;
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| ApiError::bad_request("invalid_file", "the body is not UTF-8 text"))?;
    let quiet: Progress<'_> = &|_, _| {};
    let store = state.store.as_ref();
    let imported = match format {
        UploadFormat::GeoJson => import::import_cameras(store, text, quiet).await?,
        UploadFormat::Csv => import::import_cameras_csv(store, text, quiet).await?,
    };
    let answer = json!({ "imported": imported.len() });
    Ok((StatusCode::CREATED, Json(answer)))
}

/// The camera with `id`, retired or not, if the request may see where it stands; one it
/// may not see is not found.
async fn visible_camera(
    state: &AppState,
    ctx: &RequestContext,
    id: CameraId,
) -> Result<Camera, ApiError> {
    let camera = state.store.camera(&ctx.scope, id).await?;
    let index = state.mirrors.index.grids();
    let chain = index.chain_at(camera.location.into());
    if ctx.scope.includes_any(chain.iter().map(|l| l.code)) {
        Ok(camera)
    } else {
        Err(ApiError::NotFound(format!("camera {id}")))
    }
}

/// A camera as a feature, with the chain the grid index gives its location now.
fn feature(state: &AppState, camera: &Camera) -> GeoJson<Feature> {
    let index = state.mirrors.index.grids();
    GeoJson(camera_feature(
        camera,
        &index.chain_at(camera.location.into()),
    ))
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
    let mut cameras = state.store.cameras(&GridScope::All, Some(bbox)).await?;
    cameras.retain(|c| {
        index
            .locate(c.location.into())
            .is_some_and(|found| index.is_within(found, grid))
    });
    Ok(cameras)
}
