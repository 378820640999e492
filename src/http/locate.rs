//! `GET /api/locate` for one point and `POST /api/locate` for a batch: the grid chain
//! that contains each point, top level first, `[]` outside every grid.

use super::auth::{Access, Routes};
use super::extract::{Json, Query};
use super::{ApiError, AppState};
use crate::domain::{CoordError, LonLat};
use crate::spatial::{ChainLink, GridIndex};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .get("/locate", Access::SignedIn, locate_one)
        .post("/locate", Access::SignedIn, locate_batch)
}

/// `lon` and `lat` from a query string.
#[derive(Debug, Deserialize)]
pub struct PointQuery {
    lon: f64,
    lat: f64,
}

impl TryFrom<PointQuery> for LonLat {
    type Error = CoordError;

    fn try_from(q: PointQuery) -> Result<Self, CoordError> {
        LonLat::new(q.lon, q.lat)
    }
}

#[derive(Serialize)]
struct Located<'a> {
    lon: f64,
    lat: f64,
    chain: Vec<ChainLink<'a>>,
}

fn located(grids: &GridIndex, p: LonLat) -> Located<'_> {
    Located {
        lon: p.lon(),
        lat: p.lat(),
        chain: grids.chain_at(p.into()),
    }
}

async fn locate_one(
    State(state): State<AppState>,
    Query(q): Query<PointQuery>,
) -> Result<Response, ApiError> {
    let p = LonLat::try_from(q)?;
    let grids = state.mirrors.index.grids();
    Ok(axum::Json(located(&grids, p)).into_response())
}

#[derive(Serialize)]
struct Batched<'a> {
    results: Vec<Located<'a>>,
}

#[derive(Deserialize)]
struct Batch {
    points: Vec<[f64; 2]>,
}

impl Batch {
    /// The points, if there are at most `max` and each is a coordinate.
    fn parse(&self, max: usize) -> Result<Vec<LonLat>, ApiError> {
        if self.points.len() > max {
            return Err(ApiError::Status {
                status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                code: "too_many_points",
                message: format!(
                    "{} points given, at most {max} per request",
                    self.points.len()
                ),
            });
        }
        self.points
            .iter()
            .enumerate()
            .map(|(i, &[lon, lat])| {
                LonLat::new(lon, lat).map_err(|e| {
                    ApiError::bad_request("invalid_coordinate", format!("points[{i}]: {e}"))
                })
            })
            .collect()
    }
}

/// Locates up to `max_batch_points` points given as `{"points": [[lon, lat], ...]}`.
async fn locate_batch(
    State(state): State<AppState>,
    Json(batch): Json<Batch>,
) -> Result<Response, ApiError> {
    let points = batch.parse(state.limits.max_batch_points)?;
    let grids = state.mirrors.index.grids();
    // Large batches are CPU work: keep them off the async workers.
    let body = tokio::task::spawn_blocking(move || {
        let coords: Vec<geo::Coord<f64>> = points.iter().map(|&p| p.into()).collect();
        let results: Vec<Located<'_>> = grids
            .locate_many(&coords)
            .into_iter()
            .zip(&points)
            .map(|(found, p)| Located {
                lon: p.lon(),
                lat: p.lat(),
                chain: found.map(|g| grids.chain(g)).unwrap_or_default(),
            })
            .collect();
        serde_json::to_vec(&Batched { results })
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}
