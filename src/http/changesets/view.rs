//! Change sets in and out of JSON: the request body parsed into edits, a change set and
//! its problems rendered as the page draws them.

use crate::domain::{ChangeSet, GridEdit, GridId, GridVersion, PlannedGrid, Problem};
use crate::http::ApiError;
use geojson::{Feature, FeatureCollection, GeometryValue};
use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

/// `POST /api/changesets`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProposeBody {
    /// Why the grids are redrawn.
    pub reason: String,
    /// The grids as the change set leaves them.
    pub grids: Vec<EditBody>,
}

/// One grid of a change set's body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EditBody {
    id: Option<GridId>,
    version: Option<GridVersion>,
    /// Missing is a mistake, `null` retires the grid: the two must stay apart.
    #[serde(default, deserialize_with = "present")]
    geometry: Option<Value>,
    parent_id: Option<GridId>,
    name: Option<String>,
    households: Option<i64>,
    residents: Option<i64>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

impl ProposeBody {
    /// The reason, and the edits checked for what JSON alone cannot say.
    pub fn edits(&self) -> Result<Vec<GridEdit>, ApiError> {
        if self.reason.trim().is_empty() {
            return Err(ApiError::bad_request(
                "invalid_body",
                "\"reason\" must say why the grids are redrawn",
            ));
        }
        if self.grids.is_empty() {
            return Err(ApiError::bad_request(
                "invalid_body",
                "\"grids\" is empty: a change set changes at least one grid",
            ));
        }
        self.grids
            .iter()
            .enumerate()
            .map(|(i, edit)| edit.parse(i))
            .collect()
    }
}

impl EditBody {
    fn parse(&self, i: usize) -> Result<GridEdit, ApiError> {
        let bad = |message: String| {
            ApiError::bad_request("invalid_body", format!("grids[{i}]: {message}"))
        };
        let geometry = match &self.geometry {
            None => {
                return Err(bad(
                    "\"geometry\" is required: a Polygon or MultiPolygon, or null to retire the grid"
                        .into(),
                ));
            }
            Some(Value::Null) => None,
            Some(value) => {
                let value: GeometryValue = serde_json::from_value(value.clone())
                    .map_err(|e| bad(format!("\"geometry\" is not GeoJSON: {e}")))?;
                Some(crate::import::polygonal(Some(&value)).map_err(bad)?)
            }
        };
        if self.id.is_none() && geometry.is_none() {
            return Err(bad("a new grid (no \"id\") needs a geometry".into()));
        }
        for (name, value) in [
            ("households", self.households),
            ("residents", self.residents),
        ] {
            if value.is_some_and(|v| v < 0) {
                return Err(bad(format!("\"{name}\" cannot be negative")));
            }
        }
        Ok(GridEdit {
            id: self.id,
            version: self.version,
            geometry,
            parent_id: self.parent_id,
            name: self.name.clone(),
            households: self.households,
            residents: self.residents,
        })
    }
}

/// A change set as the API shows it.
pub fn changeset_json(changeset: &ChangeSet) -> Value {
    json!({
        "id": changeset.id,
        "status": changeset.status,
        "reason": changeset.reason,
        "author": changeset.author,
        "created_at": changeset.created_at,
        "decided_at": changeset.decided_at,
        "grids": changeset.grids.iter().map(planned_json).collect::<Vec<_>>(),
        "problems": problems_json(&changeset.problems),
        "impact": changeset.impact,
    })
}

fn planned_json(grid: &PlannedGrid) -> Value {
    json!({
        "id": grid.id,
        "code": grid.code,
        "name": grid.name,
        "level": grid.level,
        "parent_id": grid.parent_id,
        "version": grid.base_version,
        "retired": grid.retires(),
        "households": grid.households,
        "residents": grid.residents,
    })
}

/// Problems as a FeatureCollection: each a feature with `kind`, `severity`, `message`,
/// `area_m2` and `grids` (codes), and its place as the geometry (null when it has none).
pub fn problems_json(problems: &[Problem]) -> FeatureCollection {
    FeatureCollection {
        bbox: None,
        features: problems
            .iter()
            .map(|p| Feature {
                bbox: None,
                geometry: p.geometry.as_ref().map(geojson::Geometry::from),
                id: None,
                properties: match json!({
                    "kind": p.kind,
                    "severity": p.severity,
                    "message": p.message,
                    "area_m2": p.area_m2,
                    "grids": p.grids,
                }) {
                    Value::Object(map) => Some(map),
                    _ => None,
                },
                foreign_members: None,
            })
            .collect(),
        foreign_members: None,
    }
}
