//! `GET /api/search?q=…`: grids by code prefix or name, cameras by code prefix or name,
//! for the map's search box.

use super::auth::{Access, Routes};
use super::extract::{PageSize, Query};
use super::{ApiError, AppState, RequestContext};
use crate::mirrors::Found;
use axum::Json;
use axum::extract::State;
use serde::Deserialize;

/// Longest query accepted, in characters.
const MAX_QUERY_CHARS: usize = 100;
/// Matches of each kind: 10 unless `limit` says otherwise, at most 50.
const PAGE: PageSize = PageSize {
    param: "limit",
    default: 10,
    max: 50,
};

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new().get("/search", Access::SignedIn, search)
}

#[derive(Deserialize)]
struct SearchQuery {
    q: String,
    limit: Option<u32>,
}

async fn search(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<SearchQuery>,
) -> Result<Json<Found>, ApiError> {
    let text = q.q.trim();
    if text.is_empty() || text.chars().count() > MAX_QUERY_CHARS {
        let message = format!("q must be 1 to {MAX_QUERY_CHARS} characters");
        return Err(ApiError::bad_request("invalid_parameter", message));
    }
    let limit = PAGE.of(q.limit)? as usize;
    Ok(Json(state.mirrors.search(&ctx.scope, text, limit)))
}
