//! GeoJSON responses: features for grids, cameras and workers, sent as `application/geo+json`.

use crate::domain::{Camera, Grid};
use crate::spatial::ChainLink;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue, JsonObject};
use serde::Serialize;
use serde_json::json;

/// A GeoJSON document as a response.
pub struct GeoJson<T>(pub T);

impl<T: Serialize> IntoResponse for GeoJson<T> {
    fn into_response(self) -> Response {
        match serde_json::to_vec(&self.0) {
            Ok(body) => ([(header::CONTENT_TYPE, "application/geo+json")], body).into_response(),
            Err(e) => super::ApiError::Internal(e.to_string()).into_response(),
        }
    }
}

/// A collection of features.
pub fn collection(features: Vec<Feature>) -> GeoJson<FeatureCollection> {
    GeoJson(FeatureCollection {
        bbox: None,
        features,
        foreign_members: None,
    })
}

/// A grid as a feature: `id`, `code`, `name`, `level`, `parent_id`, households, residents
/// and `version` (what a change set names as the version it was made from).
pub fn grid_feature(grid: &Grid) -> Feature {
    let properties = json!({
        "id": grid.id,
        "code": grid.code,
        "name": grid.name,
        "level": grid.level,
        "parent_id": grid.parent_id,
        "households": grid.households,
        "residents": grid.residents,
        "version": grid.version,
    });
    feature(grid.id, GeometryValue::from(&grid.geometry), properties)
}

/// A camera as a feature, with `chain`, the grids that contain it, `heading_deg` and
/// `fov_deg` (null when unknown) and, once it is retired, `retired_at`.
pub fn camera_feature(camera: &Camera, chain: &[ChainLink<'_>]) -> Feature {
    let mut properties = json!({
        "id": camera.id,
        "code": camera.code,
        "name": camera.name,
        "kind": camera.kind,
        "stream_url": camera.stream_url,
        "status": camera.status,
        "heading_deg": camera.heading,
        "fov_deg": camera.field_of_view,
        "chain": chain,
    });
    if let Some(at) = camera.retired_at {
        properties["retired_at"] = json!(at);
    }
    let point = geo::Point::from(camera.location);
    feature(camera.id, GeometryValue::from(&point), properties)
}

fn feature(id: i64, geometry: GeometryValue, properties: serde_json::Value) -> Feature {
    let properties: Option<JsonObject> = match properties {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    };
    Feature {
        bbox: None,
        geometry: Some(Geometry::new(geometry)),
        id: Some(geojson::feature::Id::Number(id.into())),
        properties,
        foreign_members: None,
    }
}
