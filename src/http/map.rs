//! `GET /api/map`: what the web map needs to open: the area to show, the levels, the
//! optional basemap, and the density layer's class breaks for its legend.

use super::auth::{Access, Routes};
use super::{ApiError, AppState};
use axum::Json;
use axum::extract::State;
use serde::Serialize;

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new().get("/map", Access::SignedIn, map)
}

#[derive(Serialize)]
struct MapView {
    /// `[min_lon, min_lat, max_lon, max_lat]` of the top-level grids; `null` with no grids.
    bounds: Option<[f64; 4]>,
    /// The middle of `bounds`.
    center: Option<[f64; 2]>,
    /// A zoom at which `bounds` fills a screen about 1,000 pixels across.
    zoom: u8,
    levels: Vec<crate::domain::Level>,
    basemap: Option<super::Basemap>,
    /// The `density` tiles' class breaks in households per km², ascending, for the legend.
    density_breaks: Vec<f64>,
}

async fn map(State(state): State<AppState>) -> Result<Json<MapView>, ApiError> {
    let bounds = state.mirrors.index.grids().extent();
    let zoom = bounds.map_or(3, |b| {
        // Tiles of 256 px span 360° / 2^z of longitude.
        let span = b.width().max(b.height()).max(1e-6);
        (360.0 * 1000.0 / 256.0 / span)
            .log2()
            .floor()
            .clamp(1.0, 18.0) as u8
    });
    Ok(Json(MapView {
        bounds: bounds.map(|b| [b.min().x, b.min().y, b.max().x, b.max().y]),
        center: bounds.map(|b| [b.center().x, b.center().y]),
        zoom,
        levels: state.store.levels().await?,
        basemap: state.basemap.as_deref().cloned(),
        density_breaks: state.mirrors.tiles.scene().density_breaks().to_vec(),
    }))
}
