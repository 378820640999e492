//! `GET /api/search?q=…`: grids by code prefix or name, cameras by code prefix or name,
//! for the map's search box.

use super::extract::{PageSize, Query};
use super::{ApiError, AppState, RequestContext};
use crate::domain::{GridId, LevelNo};
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::{Deserialize, Serialize};

/// Longest query accepted, in characters.
const MAX_QUERY_CHARS: usize = 100;
/// Matches of each kind: 10 unless `limit` says otherwise, at most 50.
const PAGE: PageSize = PageSize {
    default: 10,
    max: 50,
};

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/search", get(search))
}

#[derive(Deserialize)]
struct SearchQuery {
    q: String,
    limit: Option<u32>,
}

#[derive(Serialize)]
struct GridMatch<'a> {
    id: GridId,
    code: &'a str,
    name: &'a str,
    level: LevelNo,
    bbox: Option<[f64; 4]>,
}

#[derive(Serialize)]
struct CameraMatch<'a> {
    id: i64,
    code: &'a str,
    name: &'a str,
    lon: f64,
    lat: f64,
}

#[derive(Serialize)]
struct Matches<'a> {
    grids: Vec<GridMatch<'a>>,
    cameras: Vec<CameraMatch<'a>>,
}

async fn search(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<SearchQuery>,
) -> Result<axum::response::Response, ApiError> {
    let text = q.q.trim();
    if text.is_empty() || text.chars().count() > MAX_QUERY_CHARS {
        let message = format!("q must be 1 to {MAX_QUERY_CHARS} characters");
        return Err(ApiError::bad_request("invalid_parameter", message));
    }
    let limit = PAGE.of(q.limit)? as usize;
    let matches = |code: &str, name: &str| code.starts_with(text) || name.contains(text);
    let index = state.index.grids();
    let mut grids: Vec<_> = index
        .iter()
        .filter(|g| matches(g.code.as_str(), &g.name))
        .filter(|g| ctx.scope.includes(&g.code))
        .collect();
    // An exact code first, then coarse before fine: a village before its micro-grids.
    grids.sort_by_key(|g| (g.code.as_str() != text, g.level, g.code.as_str()));
    let scene = state.tiles.scene();
    let cameras = scene
        .cameras()
        .iter()
        .filter(|c| matches(&c.code, &c.name))
        .filter(|c| {
            ctx.scope
                .includes_any(index.chain_at(c.location.into()).iter().map(|l| l.code))
        })
        .take(limit)
        .map(|c| CameraMatch {
            id: c.id,
            code: &c.code,
            name: &c.name,
            lon: c.location.lon(),
            lat: c.location.lat(),
        })
        .collect();
    let grids = grids
        .into_iter()
        .take(limit)
        .map(|g| GridMatch {
            id: g.id,
            code: g.code.as_str(),
            name: &g.name,
            level: g.level,
            bbox: g
                .bbox()
                .map(|b| [b.min().x, b.min().y, b.max().x, b.max().y]),
        })
        .collect();
    Ok(axum::response::IntoResponse::into_response(Json(Matches {
        grids,
        cameras,
    })))
}
