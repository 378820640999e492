//! One feature at a time: GeoJSON properties and geometry to a domain value, or the fault
//! that stops it. Nothing here knows about other features or the store.

use super::GridProperties;
use crate::domain::{
    CameraKind, CameraRecord, GridCode, LevelNo, LonLat, NewCamera, NewGrid, NewWorker, Shift,
    ShiftSpec, WorkerRole, check_boundary,
};
use chrono::{DateTime, Utc};
use geo::{MultiPolygon, Point};
use geojson::{Feature, GeometryValue, JsonValue};
use std::collections::HashSet;

/// A feature's fault before its index is known.
#[derive(Debug, Clone)]
pub(super) struct Fault {
    /// What is wrong.
    pub reason: String,
    /// Where, when the fault has a place.
    pub location: Option<[f64; 2]>,
}

/// A fault without a place.
pub(super) fn plain(reason: String) -> Fault {
    Fault {
        reason,
        location: None,
    }
}

/// The code of a grid feature, read first: duplicates and children are found by it even
/// when the rest of the feature is bad.
pub(super) fn grid_code(feature: &Feature, names: &GridProperties) -> Result<GridCode, Fault> {
    GridCode::parse(&text(feature, &names.code)?).map_err(|e| plain(e.to_string()))
}

/// The rest of a grid feature whose code is `code`; `parents` are the codes of the level
/// above, `None` when `level` is the top.
pub(super) fn parse_grid(
    feature: &Feature,
    code: GridCode,
    level: LevelNo,
    names: &GridProperties,
    parents: Option<&HashSet<GridCode>>,
) -> Result<NewGrid, Fault> {
    let parent_code = match (optional_text(feature, &names.parent)?, parents) {
        (None, None) => None,
        (None, Some(_)) => return Err(plain(format!("property {:?} is missing", names.parent))),
        (Some(_), None) => return Err(plain(format!("level {level} is the top level: no parent"))),
        (Some(parent), Some(parents)) => {
            let parent = GridCode::parse(&parent).map_err(|e| plain(e.to_string()))?;
            code.check_child_of(&parent)
                .map_err(|e| plain(e.to_string()))?;
            if !parents.contains(&parent) {
                let above = level - 1;
                return Err(plain(format!(
                    "parent grid {parent} does not exist at level {above}"
                )));
            }
            Some(parent)
        }
    };
    let geometry = area(feature)?;
    check_boundary(&geometry).map_err(|p| Fault {
        reason: p.message,
        location: p.location,
    })?;
    Ok(NewGrid {
        name: text(feature, &names.name)?,
        households: count(feature, &names.households)?,
        residents: count(feature, &names.residents)?,
        code,
        level,
        parent_code,
        geometry,
    })
}

/// A camera from a Point feature, checked as a [`CameraRecord`] like every camera; an
/// absent `kind` is a bullet camera, an absent `status` online.
pub(super) fn parse_camera(feature: &Feature) -> Result<NewCamera, Fault> {
    let location = point(feature)?.ok_or_else(|| plain("the geometry must be a Point".into()))?;
    let record = CameraRecord {
        code: text(feature, "code")?,
        name: text(feature, "name")?,
        lon: location.lon(),
        lat: location.lat(),
        kind: optional_text(feature, "kind")?
            .unwrap_or_else(|| CameraKind::Bullet.as_str().to_owned()),
        stream_url: text(feature, "stream_url")?,
        status: optional_text(feature, "status")?,
        heading_deg: number(feature, "heading_deg")?,
        fov_deg: number(feature, "fov_deg")?,
    };
    NewCamera::try_from(record).map_err(|e| plain(e.to_string()))
}

/// A worker; the geometry is the last known position, or null.
pub(super) fn parse_worker(feature: &Feature) -> Result<NewWorker, Fault> {
    let grid_codes = match feature.property("grid_codes") {
        Some(JsonValue::Array(codes)) => codes
            .iter()
            .map(|c| {
                c.as_str()
                    .ok_or(())
                    .and_then(|c| GridCode::parse(c).map_err(|_| ()))
            })
            .collect::<Result<Vec<_>, ()>>()
            .map_err(|()| plain("grid_codes must be an array of grid codes".into()))?,
        None | Some(JsonValue::Null) => Vec::new(),
        Some(_) => return Err(plain("grid_codes must be an array of grid codes".into())),
    };
    let position_at = optional_text(feature, "position_at")?
        .map(|t| DateTime::parse_from_rfc3339(&t).map(|t| t.with_timezone(&Utc)))
        .transpose()
        .map_err(|e| plain(format!("position_at is not an RFC 3339 time: {e}")))?;
    Ok(NewWorker {
        name: text(feature, "name")?,
        role: word::<WorkerRole>(feature, "role")?
            .ok_or_else(|| plain("property \"role\" is missing".into()))?,
        department: optional_text(feature, "department")?,
        phone: optional_text(feature, "phone")?.unwrap_or_default(),
        grid_codes,
        on_duty: match feature.property("on_duty") {
            None | Some(JsonValue::Null) => false,
            Some(JsonValue::Bool(on_duty)) => *on_duty,
            Some(_) => return Err(plain("property \"on_duty\" must be true or false".into())),
        },
        position: point(feature)?,
        position_at,
        shifts: shifts(feature)?,
    })
}

fn area(feature: &Feature) -> Result<MultiPolygon<f64>, Fault> {
    polygonal(feature.geometry.as_ref().map(|g| &g.value)).map_err(plain)
}

/// A Polygon or MultiPolygon geometry as a multipolygon; anything else, or nothing, is
/// refused with the reason.
pub(crate) fn polygonal(value: Option<&GeometryValue>) -> Result<MultiPolygon<f64>, String> {
    match value {
        Some(v @ GeometryValue::Polygon { .. }) => {
            geo::Polygon::try_from(v).map(MultiPolygon::from)
        }
        Some(v @ GeometryValue::MultiPolygon { .. }) => MultiPolygon::try_from(v),
        _ => return Err("the geometry must be a Polygon or MultiPolygon".into()),
    }
    .map_err(|e| format!("unreadable geometry: {e}"))
}

fn point(feature: &Feature) -> Result<Option<LonLat>, Fault> {
    match feature.geometry.as_ref().map(|g| &g.value) {
        None => Ok(None),
        Some(v @ GeometryValue::Point { .. }) => {
            let p = Point::try_from(v).map_err(|e| plain(format!("unreadable point: {e}")))?;
            LonLat::try_from(p)
                .map(Some)
                .map_err(|e| plain(e.to_string()))
        }
        Some(_) => Err(plain("the geometry must be a Point".into())),
    }
}

/// The `shifts` property: an array of `{"weekdays","from","to"}` (see `ShiftSpec`).
fn shifts(feature: &Feature) -> Result<Vec<Shift>, Fault> {
    let Some(value) = feature.property("shifts").filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let specs: Vec<ShiftSpec> = serde_json::from_value(value.clone()).map_err(|e| {
        plain(format!(
            "shifts must be an array of {{\"weekdays\",\"from\",\"to\"}}: {e}"
        ))
    })?;
    specs
        .iter()
        .map(|spec| Shift::try_from(spec).map_err(|e| plain(format!("shifts: {e}"))))
        .collect()
}

fn optional_text(feature: &Feature, key: &str) -> Result<Option<String>, Fault> {
    match feature.property(key) {
        None | Some(JsonValue::Null) => Ok(None),
        Some(JsonValue::String(s)) if !s.trim().is_empty() => Ok(Some(s.trim().to_owned())),
        Some(JsonValue::Number(n)) => Ok(Some(n.to_string())),
        Some(_) => Err(plain(format!(
            "property {key:?} must be a non-empty string"
        ))),
    }
}

fn text(feature: &Feature, key: &str) -> Result<String, Fault> {
    optional_text(feature, key)?.ok_or_else(|| plain(format!("property {key:?} is missing")))
}

fn number(feature: &Feature, key: &str) -> Result<Option<f64>, Fault> {
    match feature.property(key) {
        None | Some(JsonValue::Null) => Ok(None),
        Some(v) => v
            .as_f64()
            .map(Some)
            .ok_or_else(|| plain(format!("property {key:?} must be a number"))),
    }
}

fn count(feature: &Feature, key: &str) -> Result<i64, Fault> {
    match feature.property(key) {
        None | Some(JsonValue::Null) => Ok(0),
        Some(v) => v
            .as_i64()
            .filter(|n| *n >= 0)
            .ok_or_else(|| plain(format!("property {key:?} must be a whole number >= 0"))),
    }
}

fn word<T: std::str::FromStr<Err = crate::domain::UnknownWord>>(
    feature: &Feature,
    key: &str,
) -> Result<Option<T>, Fault> {
    optional_text(feature, key)?
        .map(|w| {
            w.parse::<T>()
                .map_err(|e| plain(format!("property {key:?}: {e}")))
        })
        .transpose()
}
