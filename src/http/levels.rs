//! `GET /api/levels`: the levels of the hierarchy.

use super::auth::{Access, Routes};
use super::{ApiError, AppState};
use crate::domain::Level;
use axum::Json;
use axum::extract::State;

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new().get("/levels", Access::SignedIn, list)
}

async fn list(State(state): State<AppState>) -> Result<Json<Vec<Level>>, ApiError> {
    Ok(Json(state.store.levels().await?))
}
