//! `GET /api/levels`: the levels of the hierarchy.

use super::{ApiError, AppState};
use crate::domain::Level;
use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};

/// Routes of this resource.
pub fn router() -> Router<AppState> {
    Router::new().route("/levels", get(list))
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<Level>>, ApiError> {
    Ok(Json(state.store.levels().await?))
}
