//! Map tiles over HTTP: `GET /tiles/{layer}/{z}/{x}/{y}.png` (and `{y}@2x.png`, `{y}.mvt`)
//! and the TileJSON of each layer at `GET /tiles/{layer}.json`.
//!
//! Tiles are rendered once per data version and kept in a bounded cache; each answer
//! carries an `ETag` naming the data version, and a matching `If-None-Match` gets a 304.

use super::auth::{Access, Routes};
use super::extract::Path;
use super::{ApiError, AppState, RequestContext};
use crate::domain::Permission;
use crate::tiles::{Layer, TileFormat, TileKey, TileRequest};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// How long a browser may use a tile without asking again; after that it revalidates
/// with its `ETag` and usually gets a 304.
const CACHE_CONTROL: &str = "public, max-age=60";

/// Incident tiles change every few seconds: the browser asks each time, and a 304
/// answers while the count they show is current.
const INCIDENT_CACHE_CONTROL: &str = "no-cache";

/// Routes of this resource, under `/tiles`.
pub fn router() -> Routes {
    Routes::new()
        .get("/{layer}/{z}/{x}/{name}", Access::SignedIn, tile)
        .get("/{file}", Access::SignedIn, tilejson)
}

async fn tile(
    State(state): State<AppState>,
    ctx: RequestContext,
    headers: HeaderMap,
    Path((layer, z, x, name)): Path<(String, u32, u32, String)>,
) -> Result<Response, ApiError> {
    let layer = known_layer(&state, &layer)?;
    let request = TileRequest::parse(z, x, &name)
        .map_err(|e| ApiError::bad_request("invalid_tile", e.to_string()))?;
    if !layer.offers(request.format) {
        return Err(ApiError::NotFound(format!("{name} in layer {layer}")));
    }
    let live = matches!(layer, Layer::Incidents(_));
    let counts = if live {
        // Counted only over the grids where the caller may read incidents.
        let scope = ctx.scope_for(Permission::IncidentsRead);
        if scope.is_nothing() {
            return Err(ApiError::forbidden(
                "incident layers need the permission incidents.read on some grid",
            ));
        }
        let facts = Arc::clone(&state.mirrors.incidents);
        let counts = facts.open_counts_now().await.map_err(internal)?;
        Some(if scope.is_all() {
            counts
        } else {
            Arc::new(counts.within(&scope))
        })
    } else {
        None
    };
    let job = state.mirrors.tiles.job(layer, request, counts);
    let etag = etag(&job.key);
    let cache_control = if live {
        INCIDENT_CACHE_CONTROL
    } else {
        CACHE_CONTROL
    };
    if matches_etag(&headers, &etag) {
        return Ok((StatusCode::NOT_MODIFIED, tile_headers(&etag, cache_control)).into_response());
    }
    let body = state
        .mirrors
        .tiles
        .get_or_render(job)
        .await
        .map_err(internal)?;
    let mut response = (tile_headers(&etag, cache_control), body).into_response();
    let media_type = HeaderValue::from_static(request.format.media_type());
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, media_type);
    Ok(response)
}

/// A failure of ours, logged and answered 500.
fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

/// The layer a URL names, if it exists: `grids-N` only for a level N that has grids.
fn known_layer(state: &AppState, name: &str) -> Result<Layer, ApiError> {
    let exists = |layer: &Layer| match layer {
        Layer::GridsOf(level) => state.mirrors.index.grids().has_level(*level),
        _ => true,
    };
    Layer::parse(name).filter(exists).ok_or_else(|| {
        ApiError::NotFound(format!(
            "tile layer {name:?} (layers: grids, grids-LEVEL, density, cameras, \
             incidents-open, incidents-overdue)"
        ))
    })
}

/// The `ETag` of a tile: its data version and address, which fix its content. It is weak
/// (`W/`) because the compression layer may send the same tile gzipped or not.
fn etag(key: &TileKey) -> String {
    let c = key.request.coord;
    let format = match key.request.format {
        TileFormat::Png { scale } => format!("png{scale}"),
        TileFormat::Mvt => "mvt".to_owned(),
    };
    format!(
        "W/\"{:x}-{}-{}-{}-{}-{format}\"",
        key.version,
        key.layer,
        c.z(),
        c.x(),
        c.y()
    )
}

/// Whether `If-None-Match` names `etag` or is `*`, by the weak comparison RFC 9110 asks
/// of `If-None-Match`.
fn matches_etag(headers: &HeaderMap, etag: &str) -> bool {
    let etag = etag.trim_start_matches("W/");
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == etag || tag == "*")
}

fn tile_headers(etag: &str, cache_control: &'static str) -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::ETAG,
            HeaderValue::from_str(etag).unwrap_or(HeaderValue::from_static("\"\"")),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(cache_control),
        ),
    ]
}

async fn tilejson(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(file): Path<String>,
) -> Result<Response, ApiError> {
    let name = file
        .strip_suffix(".json")
        .ok_or_else(|| ApiError::NotFound(format!("path /tiles/{file}")))?;
    let layer = known_layer(&state, name)?;
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1:8080");
    let bounds = state
        .mirrors
        .index
        .grids()
        .extent()
        .map_or(crate::tiles::WORLD_BOUNDS, |b| {
            [b.min().x, b.min().y, b.max().x, b.max().y]
        });
    let document = crate::tiles::layer_tilejson(layer, &format!("http://{host}"), bounds)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(axum::Json(document).into_response())
}
