//! What a change set and a grid's versions look like in SQL: the rows, and the JSON
//! documents a change set keeps its grids, problems and impact in.

use super::GridRow;
use crate::domain::{
    ChangeSet, ChangeSetId, GridCode, GridId, GridRevision, GridVersion, LevelNo, PlannedGrid,
    Problem,
};
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use geo::{Geometry, MultiPolygon};
use serde::{Deserialize, Serialize};

/// A `changesets` row.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ChangeSetRow {
    id: ChangeSetId,
    reason: String,
    author: String,
    status: String,
    created_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    grids: String,
    problems: String,
    impact: String,
}

impl ChangeSetRow {
    pub(crate) fn into_changeset(self) -> Result<ChangeSet, StoreError> {
        let what = format!("change set {}", self.id);
        let grids: Vec<PlannedDoc> = read_json(&self.grids, &what)?;
        let problems: Vec<ProblemDoc> = read_json(&self.problems, &what)?;
        Ok(ChangeSet {
            id: self.id,
            reason: self.reason,
            author: self.author,
            status: self.status.parse().map_err(|e| corrupt(&what, e))?,
            created_at: self.created_at,
            decided_at: self.decided_at,
            grids: grids
                .into_iter()
                .map(|g| g.into_planned(&what))
                .collect::<Result<_, _>>()?,
            problems: problems
                .into_iter()
                .map(|p| p.into_problem(&what))
                .collect::<Result<_, _>>()?,
            impact: read_json(&self.impact, &what)?,
        })
    }
}

/// One version of a grid as the history query returns it.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct RevisionRow<G> {
    #[sqlx(flatten)]
    grid: GridRow<G>,
    valid_from: DateTime<Utc>,
    valid_to: Option<DateTime<Utc>>,
    retired: bool,
    changeset_id: Option<ChangeSetId>,
    author: Option<String>,
    reason: Option<String>,
}

impl<G> RevisionRow<G> {
    /// Builds the revision, decoding the geometry with the backend's own reader.
    pub fn into_revision(
        self,
        decode: impl FnOnce(G, &str) -> Result<MultiPolygon<f64>, StoreError>,
    ) -> Result<GridRevision, StoreError> {
        let version = self.grid.version;
        Ok(GridRevision {
            grid: self.grid.into_grid(decode)?,
            version,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            retired: self.retired,
            changeset: self.changeset_id,
            author: self.author,
            reason: self.reason,
        })
    }
}

/// A planned grid as the change set's JSON document keeps it.
#[derive(Serialize, Deserialize)]
struct PlannedDoc {
    id: Option<GridId>,
    base_version: GridVersion,
    code: GridCode,
    name: String,
    level: LevelNo,
    parent_id: Option<GridId>,
    geometry: Option<geojson::Geometry>,
    households: i64,
    residents: i64,
}

impl From<&PlannedGrid> for PlannedDoc {
    fn from(g: &PlannedGrid) -> Self {
        Self {
            id: g.id,
            base_version: g.base_version,
            code: g.code.clone(),
            name: g.name.clone(),
            level: g.level,
            parent_id: g.parent_id,
            geometry: g.geometry.as_ref().map(geojson::Geometry::from),
            households: g.households,
            residents: g.residents,
        }
    }
}

impl PlannedDoc {
    fn into_planned(self, what: &str) -> Result<PlannedGrid, StoreError> {
        let geometry = self
            .geometry
            .map(|g| MultiPolygon::try_from(g).map_err(|e| corrupt(what, e)))
            .transpose()?;
        Ok(PlannedGrid {
            id: self.id,
            base_version: self.base_version,
            code: self.code,
            name: self.name,
            level: self.level,
            parent_id: self.parent_id,
            geometry,
            households: self.households,
            residents: self.residents,
        })
    }
}

/// A problem as the change set's JSON document keeps it.
#[derive(Serialize, Deserialize)]
struct ProblemDoc {
    kind: String,
    severity: String,
    message: String,
    area_m2: f64,
    grids: Vec<GridCode>,
    geometry: Option<geojson::Geometry>,
}

impl From<&Problem> for ProblemDoc {
    fn from(p: &Problem) -> Self {
        Self {
            kind: p.kind.as_str().to_owned(),
            severity: p.severity.as_str().to_owned(),
            message: p.message.clone(),
            area_m2: p.area_m2,
            grids: p.grids.clone(),
            geometry: p.geometry.as_ref().map(geojson::Geometry::from),
        }
    }
}

impl ProblemDoc {
    fn into_problem(self, what: &str) -> Result<Problem, StoreError> {
        let geometry = self
            .geometry
            .map(|g| Geometry::try_from(g).map_err(|e| corrupt(what, e)))
            .transpose()?;
        Ok(Problem {
            kind: self.kind.parse().map_err(|e| corrupt(what, e))?,
            severity: self.severity.parse().map_err(|e| corrupt(what, e))?,
            message: self.message,
            area_m2: self.area_m2,
            grids: self.grids,
            geometry,
        })
    }
}

fn read_json<T: for<'de> Deserialize<'de>>(text: &str, what: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e))
}

fn write_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| {
        // Serialising plain structs of strings and numbers cannot fail; say so if it did.
        tracing::error!(error = %e, "serialising a change set document failed");
        String::from("null")
    })
}

fn corrupt(what: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {err}"))
}

pub(crate) fn documents(changeset: &ChangeSet) -> (String, String, String) {
    let grids: Vec<PlannedDoc> = changeset.grids.iter().map(PlannedDoc::from).collect();
    let problems: Vec<ProblemDoc> = changeset.problems.iter().map(ProblemDoc::from).collect();
    (
        write_json(&grids),
        write_json(&problems),
        write_json(&changeset.impact),
    )
}
