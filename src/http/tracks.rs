//! Patrol tracks (巡查轨迹): `GET /api/workers/{id}/track?date=YYYY-MM-DD`, one worker's day
//! as a GeoJSON LineString with the time of every fix, and `GET /api/tracks?date=…`, every
//! worker's day, for the command centre's map. Days are China days.

use super::auth::Routes;
use super::extract::{Path, Query};
use super::geojson_out::GeoJson;
use super::{ApiError, AppState, RequestContext};
use crate::domain::Permission;
use crate::domain::{Fix, WorkerId, china_standard_time};
use axum::extract::State;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use geojson::{Feature, FeatureCollection, Geometry, GeometryValue};
use serde::Deserialize;
use serde_json::json;

/// Routes of this resource.
pub fn router() -> Routes {
    Routes::new()
        .get("/workers/{id}/track", Permission::WorkersTracks, track)
        .get("/tracks", Permission::WorkersTracks, tracks)
}

#[derive(Deserialize)]
struct DayQuery {
    date: Option<String>,
}

impl DayQuery {
    /// The China day asked for (today by default) as `[start, end)` in UTC.
    fn span(&self) -> Result<(NaiveDate, DateTime<Utc>, DateTime<Utc>), ApiError> {
        let cst = china_standard_time();
        let day = match &self.date {
            None => Utc::now().with_timezone(&cst).date_naive(),
            Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|e| {
                ApiError::bad_request("invalid_parameter", format!("date {text:?}: {e}"))
            })?,
        };
        let start = day
            .and_hms_opt(0, 0, 0)
            .and_then(|t| t.and_local_timezone(cst).single())
            .ok_or_else(|| ApiError::bad_request("invalid_parameter", "date out of range"))?
            .with_timezone(&Utc);
        Ok((day, start, start + TimeDelta::days(1)))
    }
}

/// A line through the fixes, a point for one, nothing for none.
fn geometry(fixes: &[Fix]) -> Option<Geometry> {
    let coords: Vec<Vec<f64>> = fixes
        .iter()
        .map(|f| vec![f.position.lon(), f.position.lat()])
        .collect();
    match coords.len() {
        0 => None,
        1 => Some(Geometry::new(GeometryValue::new_point(coords[0].clone()))),
        _ => Some(Geometry::new(GeometryValue::new_line_string(coords))),
    }
}

fn feature(geometry: Option<Geometry>, properties: serde_json::Value) -> Feature {
    let properties = match properties {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    };
    Feature {
        bbox: None,
        geometry,
        id: None,
        properties,
        foreign_members: None,
    }
}

async fn track(
    State(state): State<AppState>,
    ctx: RequestContext,
    Path(id): Path<WorkerId>,
    Query(q): Query<DayQuery>,
) -> Result<GeoJson<Feature>, ApiError> {
    let (day, from, to) = q.span()?;
    let worker = super::workers::visible_worker(&state, &ctx, id).await?;
    let fixes: Vec<Fix> = state
        .store
        .tracks(&ctx.scope, Some(id), from, to)
        .await?
        .into_iter()
        .map(|(_, fix)| fix)
        .collect();
    let properties = json!({
        "worker_id": id,
        "name": worker.name,
        "date": day.to_string(),
        "times": fixes.iter().map(|f| f.at).collect::<Vec<_>>(),
        "accuracy_m": fixes.iter().map(|f| f.accuracy_m).collect::<Vec<_>>(),
    });
    Ok(GeoJson(feature(geometry(&fixes), properties)))
}

async fn tracks(
    State(state): State<AppState>,
    ctx: RequestContext,
    Query(q): Query<DayQuery>,
) -> Result<GeoJson<FeatureCollection>, ApiError> {
    let (_, from, to) = q.span()?;
    let fixes = state.store.tracks(&ctx.scope, None, from, to).await?;
    let roster = state.mirrors.index.roster();
    let features = fixes
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|day| day.len() >= 2)
        .map(|day| {
            let worker = day[0].0;
            let fixes: Vec<Fix> = day.iter().map(|&(_, fix)| fix).collect();
            let contact = roster.contact(worker);
            let properties = json!({
                "worker_id": worker,
                "name": contact.map(|c| c.name.as_str()),
                "role": contact.map(|c| c.role),
                "fixes": fixes.len(),
                "from": fixes.first().map(|f| f.at),
                "to": fixes.last().map(|f| f.at),
            });
            feature(geometry(&fixes), properties)
        })
        .collect();
    Ok(super::geojson_out::collection(features))
}
